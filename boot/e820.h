/* The x86 e820 map: parsed from fw_cfg's etc/e820, legacy holes, built for Linux. */
#ifndef LEAPBOOT_E820_H
#define LEAPBOOT_E820_H

#include <stdint.h>
#include "boot_params.h"
#include "memmap.h"

/* Adds the entries of an etc/e820 blob (packed 20-byte records) to m. */
status_t e820_parse(struct memmap *m, const void *raw, uint32_t len);

/* The PC's legacy layout: EBDA below 640 KiB, the VGA/option-ROM hole and the BIOS
 * area up to 1 MiB. */
status_t e820_carve_legacy(struct memmap *m);

/* Writes m as e820 entries: leapboot's own pages and firmware blobs as reserved,
 * ACPI tables as ACPI, the kernel and initrd as RAM (Linux reserves them). */
status_t e820_build(const struct memmap *m, struct boot_e820_entry *out, uint32_t max,
		    uint32_t *count);

#endif
