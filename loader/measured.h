/* Measured boot in the loader (docs/measured-boot.md): the firmware's own
 * measurements once the TPM is found, the kernel, initrd and command line at
 * the end. Every TPM or log failure stops the boot: a measured boot that
 * silently measured nothing is worse than none. */
#ifndef LEAPBOOT_LOADER_MEASURED_H
#define LEAPBOOT_LOADER_MEASURED_H

#include "fw_cfg.h"
#include "measured_boot.h"

/* The boot in progress, once measured_begin succeeded; 0 without a TPM. */
extern struct measured_boot *measured;

/* MMIO access to a TPM's registers at its physical base (struct tpm_dev.ctx). */
extern const struct tpm_mmio_ops tpm_mmio;

/* Starts the TPM (t: ops, base and interface set), the log in [log, log+cap),
 * and measures leapboot's image (size bytes at image, which the guest sees at
 * base) and, with fc, QEMU's tables (PCR 1; arm virt passes 0: leapboot hands
 * its kernel none of them, docs/measured-boot.md). */
status_t measured_begin(struct fw_cfg *fc, struct tpm_dev *t, uint8_t *log, uint32_t cap,
			const void *image, uint64_t base, uint32_t size);

/* The kernel, initrd and command line, the separators; the TPM is given back. */
status_t measured_end(const struct measured_kernel *k, uint64_t initrd_size, const char *cmdline,
		      uint32_t len);

#endif
