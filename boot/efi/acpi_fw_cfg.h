/* fw_cfg's MMIO window as an ACPI-only arm64 firmware describes it: QEMU's DSDT
 * has Device (FWCF) { _HID "QEMU0002", _CRS { Memory32Fixed (base, size) } }. */
#ifndef LEAPBOOT_ACPI_FW_CFG_H
#define LEAPBOOT_ACPI_FW_CFG_H

#include <stdbool.h>
#include <stdint.h>

/* Finds, in the len bytes of AML after the DSDT header, the _HID string
 * "QEMU0002" and the Memory32Fixed descriptor of the _CRS buffer that follows
 * it in the same device; true and *base, *size if found. */
bool acpi_dsdt_fw_cfg(const uint8_t *aml, uint32_t len, uint64_t *base, uint32_t *size);

/* The same from the tables themselves, identity-mapped: RSDP (revision 2 or
 * later) -> XSDT -> FADT -> DSDT (X_DSDT where the FADT has it) -> Device
 * (FWCF); 0 where a link is missing or the window is smaller than fw_cfg's
 * registers (data, selector, DMA). */
uint64_t acpi_rsdp_fw_cfg(const uint8_t *rsdp);

#endif
