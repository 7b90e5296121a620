/* Measured boot on arm virt: finding the TPM and starting the measurements. */
#ifndef LEAPBOOT_TPM_VIRT_H
#define LEAPBOOT_TPM_VIRT_H

#include "fw_cfg.h"
#include "memmap.h"
#include "out_of_line.h"

/* The event log's size: as QEMU's etc/tpm/log on x86. */
#define TPM_VIRT_LOG_SIZE 0x10000

/* With a TPM in the device tree: checks that leapboot reaches its registers,
 * claims the log's RAM in m, starts the TPM and measures leapboot's image. With
 * none, nothing runs, unless QEMU says a TPM is attached (fw_cfg's etc/tpm/log
 * is not empty): that one cannot be measured, and stops the boot, as does any
 * failure. */
OUT_OF_LINE void tpm_virt_begin(struct fw_cfg *fc, const void *dtb, struct memmap *m);

#endif
