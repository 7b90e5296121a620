/* Measured boot on arm virt: finding the TPM and starting the measurements. */
#ifndef LEAPBOOT_TPM_VIRT_H
#define LEAPBOOT_TPM_VIRT_H

#include "fw_cfg.h"
#include "measured_boot.h"
#include "memmap.h"
#include "out_of_line.h"

/* The event log's size: as QEMU's etc/tpm/log on x86. */
#define TPM_VIRT_LOG_SIZE 0x10000

/* QEMU says a TPM is attached (etc/tpm/log is not empty): finds it in the
 * device tree, checks that leapboot reaches its registers, claims the log's RAM
 * in m, starts the TPM and measures leapboot's image; the measured boot, to
 * finish before the jump. No node for it, or any failure, stops the boot. */
OUT_OF_LINE struct measured_boot *tpm_virt_begin(struct fw_cfg *fc, const void *dtb,
						 struct memmap *m);

#endif
