/*
 * probe-tables: the firmware tables a loader hands over or leaves in memory — the ACPI RSDP and
 * the tables it reaches, and the SMBIOS entry point found by the F-segment scan — checked for
 * signatures and checksums, and checked to lie outside RAM in the memory map (probe-map).
 *
 * Memory is read through probe_readable/probe_phys, which each probe provides (what it can
 * address: below 4 GiB without paging, its own identity map with it).
 */
#ifndef PROBE_TABLES_H
#define PROBE_TABLES_H

#include "probe-report.h"

int probe_readable(u64 addr, u64 len);
const u8 *probe_phys(u64 addr);

/*
 * "<label>=<addr> rev=... rsdt=..." then "rsdp=ok" or "rsdp=bad (<why>)" (failure "rsdp"):
 * signature, checksum, extended checksum and length (revision >= 2), RSDT and XSDT signature and
 * checksum.  Returns 1 if the RSDP is good.
 */
int check_rsdp(const char *label, u64 addr);

/*
 * One line per table the RSDP reaches (RSDP, RSDT, XSDT, each table they list, the FADT's DSDT
 * and FACS): each must lie outside RAM, inside entries of the map (failure "<name>").  Then
 * "<name>=ok".  For a good RSDP only (check_rsdp): a bad one's tables are not followed.
 */
void check_acpi_reserved(const char *name, u64 rsdp);

/*
 * The SMBIOS entry point by the F-segment scan (0xF0000-0xFFFFF, 16-byte steps): "_SM3_"
 * (3.0) or "_SM_" with "_DMI_" (2.1), checksums (failure "smbios"); the entry point and the
 * structure table must lie outside RAM (failure "<reserved_name>").  "smbios none" if there is
 * none (machines without SMBIOS): the test judges that.
 */
void check_smbios(const char *reserved_name);

#endif
