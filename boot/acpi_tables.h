/* Finding an ACPI table among the blobs the table-loader installed, through the
 * RSDP's RSDT or XSDT, every pointer checked to lie inside a blob. Pure code:
 * the blobs' guest addresses are translated to where leapboot wrote them. */
#ifndef LEAPBOOT_ACPI_TABLES_H
#define LEAPBOOT_ACPI_TABLES_H

#include "acpi.h"

/* The installed blob named name (len bytes), or 0. */
const struct acpi_blob *acpi_find_blob(const struct acpi_loader *l, const char *name, uint32_t len);

/* The table with signature sig ("TPM2" as a little-endian word) that the RSDP
 * at rsdp lists, and the bytes readable there (*avail, to its blob's end); 0 if
 * none is listed or a pointer leaves the blobs. */
const uint8_t *acpi_find_table(const struct acpi_loader *l, uint64_t rsdp, uint32_t sig,
			       uint32_t *avail);

#endif
