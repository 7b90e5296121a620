/* Finding an installed ACPI table through the RSDT or XSDT. */
#include "acpi_tables.h"
#include "out_of_line.h"
#include "le.h"
#include "../loader/libc/string.h"

#define ACPI_HEADER 36

OUT_OF_LINE const struct acpi_blob *acpi_find_blob(const struct acpi_loader *l, const char *name,
						   uint32_t len)
{
	for (uint32_t i = 0; i < l->nblobs; i++)
		if (l->blob[i].name_len == len && !memcmp(l->blob[i].name, name, len))
			return &l->blob[i];
	return 0;
}

/* Where leapboot wrote the guest address addr, with *avail bytes to its blob's
 * end; 0 if no blob holds at least need bytes there. */
static const uint8_t *at(const struct acpi_loader *l, uint64_t addr, uint32_t need, uint32_t *avail)
{
	for (uint32_t i = 0; i < l->nblobs; i++) {
		const struct acpi_blob *b = &l->blob[i];
		if (addr >= b->addr && addr - b->addr <= b->size &&
		    b->size - (addr - b->addr) >= need) {
			*avail = (uint32_t)(b->size - (addr - b->addr));
			return b->mem + (addr - b->addr);
		}
	}
	return 0;
}

OUT_OF_LINE const uint8_t *acpi_find_table(const struct acpi_loader *l, uint64_t rsdp, uint32_t sig,
					   uint32_t *avail)
{
	uint32_t n;
	const uint8_t *r = at(l, rsdp, 20, &n);
	if (!r)
		return 0;
	/* Revision 2 and later: the XSDT's 64-bit entries, where there is one. */
	bool x = r[15] >= 2 && n >= 32 && le64(r + 24);
	const uint8_t *sdt = at(l, x ? le64(r + 24) : le32(r + 16), ACPI_HEADER, &n);
	if (!sdt)
		return 0;
	uint32_t len = le32(sdt + 4), width = x ? 8 : 4;
	if (len > n || len < ACPI_HEADER)
		return 0;
	for (uint32_t off = ACPI_HEADER; off + width <= len; off += width) {
		uint64_t addr = x ? le64(sdt + off) : le32(sdt + off);
		const uint8_t *t = at(l, addr, ACPI_HEADER, avail);
		if (t && le32(t) == sig)
			return t;
	}
	return 0;
}
