/* Measured boot on pc and q35: finding the TPM and starting the measurements. */
#ifndef LEAPBOOT_TPM_X86_H
#define LEAPBOOT_TPM_X86_H

#include "acpi.h"
#include "fw_cfg.h"
#include "measured_boot.h"
#include "out_of_line.h"

/* After the tables are installed, with a TPM (etc/tpm/log not empty): finds
 * it, starts it and measures leapboot (its rom_size-byte ROM below 4 GiB) and
 * QEMU's tables; the measured boot, to finish before the jump. A failure stops
 * the boot. */
OUT_OF_LINE struct measured_boot *tpm_x86_begin(struct fw_cfg *fc, const struct acpi_loader *acpi,
						uint64_t rsdp, uint32_t rom_size);

/* The chain-loader's TPM, which SeaBIOS started, logged into and separated
 * (the ACPI tables at rsdp, in RAM below reach): the log goes on with the
 * kernel, initrd and command line. A failure stops the boot. */
OUT_OF_LINE struct measured_boot *tpm_x86_resume(uint64_t rsdp, uint64_t reach);

#endif
