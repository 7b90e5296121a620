/* The names of fw_cfg's known files (boot/fw_cfg.h), written out once more for
 * the tests that check the probe finds them. */
#ifndef LEAPBOOT_TEST_KNOWN_FILES_H
#define LEAPBOOT_TEST_KNOWN_FILES_H

#include "../../boot/fw_cfg.h"

static const char *const known_file_names[FW_CFG_KNOWN_FILES] = {
    [FW_CFG_E820] = "etc/e820",
    [FW_CFG_TABLE_LOADER] = "etc/table-loader",
    [FW_CFG_SMBIOS_ANCHOR] = "etc/smbios/smbios-anchor",
    [FW_CFG_SMBIOS_TABLES] = "etc/smbios/smbios-tables",
    [FW_CFG_BOOT_KERNEL] = "etc/boot/kernel",
    [FW_CFG_LEAPBOOT_KERNEL] = "opt/leapboot/kernel",
    [FW_CFG_LEAPBOOT_INITRD] = "opt/leapboot/initrd",
    [FW_CFG_LEAPBOOT_CMDLINE] = "opt/leapboot/cmdline",
    [FW_CFG_LEAPBOOT_MARKERS] = "opt/leapboot/markers",
    [FW_CFG_LEAPBOOT_VERBOSE] = "opt/leapboot/verbose",
    [FW_CFG_ACPI_TABLES] = "etc/acpi/tables",
    [FW_CFG_ACPI_RSDP] = "etc/acpi/rsdp",
};

#endif
