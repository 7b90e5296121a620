/* Measured boot in the loader (docs/measured-boot.md): the firmware's own
 * measurements once the TPM is found, the kernel, initrd and command line at
 * the end. Every TPM or log failure stops the boot: a measured boot that
 * silently measured nothing is worse than none. */
#ifndef LEAPBOOT_LOADER_MEASURED_H
#define LEAPBOOT_LOADER_MEASURED_H

#include "fw_cfg.h"
#include "measured_boot.h"

/* MMIO access to a TPM's registers at its physical base (struct tpm_dev.ctx). */
extern const struct tpm_mmio_ops tpm_mmio;

/* Starts the TPM (t: ops, base and interface set), the log in [log, log+cap),
 * and measures leapboot's image (size bytes at image, which the guest sees at
 * base) and, with fc, QEMU's tables (arm virt passes 0: leapboot hands its
 * kernel none of them); *mb the measured boot, to be finished
 * (measured_boot_finish) before the jump. */
status_t measured_begin(struct fw_cfg *fc, struct tpm_dev *t, uint8_t *log, uint32_t cap,
			const void *image, uint64_t base, uint32_t size, struct measured_boot **mb);

/* The same for a TPM the firmware before leapboot started and logged into
 * (the chain-loader's): its log goes on; nothing of leapboot's own. */
status_t measured_resume(struct tpm_dev *t, uint8_t *log, uint32_t cap, struct measured_boot **mb);

#endif
