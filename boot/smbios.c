#include "smbios.h"
#include <stdbool.h>
#include "anchors.h"
#include "checksum.h"
#include "le.h"
#include "../loader/libc/string.h"

static bool is_sm21(const uint8_t *p)
{
	return le32(p) == ANCHOR_SM;
}

/* "_SM3_" and "_DMI_": four bytes and an underscore. */
static bool is_anchor5(const uint8_t *p, uint32_t first4)
{
	return le32(p) == first4 && p[4] == '_';
}

static uint64_t signature(const uint8_t *entry, uint32_t len)
{
	uint64_t v = 0;
	memcpy(&v, entry, len < 8 ? len : 8);
	return v;
}

status_t smbios_check(const uint8_t *entry, uint32_t len, uint32_t tables_size)
{
	if (len == sizeof(struct smbios21_entry) && is_sm21(entry)) {
		struct smbios21_entry e;
		memcpy(&e, entry, sizeof(e));
		if (e.length != sizeof(e) ||
		    !is_anchor5((const uint8_t *)e.intermediate_anchor, ANCHOR_DMI))
			return lb_fail(LB_E_SMBIOS_BAD_ANCHOR, len, signature(entry, len));
		if (e.table_length != tables_size)
			return lb_fail(LB_E_SMBIOS_BAD_TABLES, tables_size, e.table_length);
		return lb_ok();
	}
	if (len == sizeof(struct smbios30_entry) && is_anchor5(entry, ANCHOR_SM3)) {
		struct smbios30_entry e;
		memcpy(&e, entry, sizeof(e));
		if (e.length != sizeof(e))
			return lb_fail(LB_E_SMBIOS_BAD_ANCHOR, len, signature(entry, len));
		if (e.table_max_size < tables_size)
			return lb_fail(LB_E_SMBIOS_BAD_TABLES, tables_size, e.table_max_size);
		return lb_ok();
	}
	return lb_fail(LB_E_SMBIOS_BAD_ANCHOR, len, signature(entry, len));
}

status_t smbios_scan(const uint8_t *t, uint32_t len, struct smbios_table_info *info)
{
	uint32_t off = 0;

	*info = (struct smbios_table_info){0};
	while (off < len) {
		uint32_t start = off;
		uint32_t formatted = len - off < 4 ? 0 : t[off + 1];
		if (formatted < 4 || formatted > len - off)
			return lb_fail(LB_E_SMBIOS_BAD_STRUCTURE, off, formatted);
		uint8_t type = t[off];
		uint16_t handle = le16(t + off + 2);
		/* The strings end at the first two NULs (two NULs alone: no strings). */
		off += formatted;
		while (off + 1 < len && (t[off] | t[off + 1]))
			off++;
		if (off + 1 >= len)
			return lb_fail(LB_E_SMBIOS_BAD_STRUCTURE, start, formatted);
		off += 2;
		info->structures++;
		if (off - start > info->max_size)
			info->max_size = (uint16_t)(off - start);
		if (handle > info->max_handle)
			info->max_handle = handle;
		info->has_bios |= type == 0;
		if (type == 127)
			break; /* readers stop at the end-of-table structure */
	}
	return lb_ok();
}

bool smbios_oem_value(const uint8_t *t, uint32_t len, const char *name, uint32_t *at, uint32_t *n)
{
	uint32_t off = 0, nlen = (uint32_t)strlen(name);
	while (len - off >= 4 && t[off + 1] >= 4 && t[off + 1] <= len - off && t[off] != 127) {
		bool oem = t[off] == 11;
		/* QEMU writes its own structures in type order, each with the handle
		 * type << 8 (plus an index), after the user's binary ones: past
		 * one of its own of a later type there is no type 11. */
		if (t[off] > 11 && t[off + 3] == t[off])
			return false;
		off += t[off + 1];
		/* Each string to its NUL; a second NUL ends the structure. */
		do {
			uint32_t end = off;
			while (end < len && t[end])
				end++;
			if (end >= len)
				return false;
			if (oem && end - off > nlen && !memcmp(t + off, name, nlen) &&
			    t[off + nlen] == '=') {
				*at = off + nlen + 1;
				*n = end - *at;
				return true;
			}
			off = end + 1;
		} while (off < len && t[off]);
		if (off >= len) /* no second NUL: the table is cut short */
			return false;
		off++;
	}
	return false;
}

/* QEMU writes the user's binary structures (-smbios file=) first, then its own
 * in type order, each with the handle type << 8 (plus an index), type 0 only
 * when the user gave its fields (-smbios type=0,...). So when the first
 * structure is one of QEMU's own, it answers without a walk of the rest: type
 * 0, or no type 0 anywhere and every handle below 0x100 free (max_handle stays
 * 0, so a new type 0 gets 1); the 2.1 entry point holds QEMU's counts. */
status_t smbios_survey(const uint8_t *entry, const uint8_t *t, uint32_t len,
		       struct smbios_table_info *info)
{
	if (len < 4 || le16(t + 2) != (uint16_t)(t[0] << 8))
		return smbios_scan(t, len, info);
	*info = (struct smbios_table_info){.has_bios = t[0] == 0};
	if (is_sm21(entry)) {
		struct smbios21_entry e;
		memcpy(&e, entry, sizeof(e));
		info->structures = e.structures;
		info->max_size = e.max_structure_size;
	}
	return lb_ok();
}

void smbios_bios_build(uint8_t *out, uint16_t handle, const struct smbios_bios *b,
		       struct smbios_table_info *info)
{
	struct smbios_bios_header h = {
	    .type = 0,
	    .length = sizeof(h),
	    .handle = handle,
	    .vendor = 1,
	    .version = 2,
	    .release_date = 3,
	    .rom_size = (uint8_t)((b->rom_size + 0xFFFF) / 0x10000 - 1),
	    .characteristics = b->pci ? SMBIOS_BIOS_PCI : 0,
	    .characteristics_ext = b->acpi ? SMBIOS_BIOS_EXT_ACPI : 0,
	    .characteristics_ext2 = SMBIOS_BIOS_EXT2_VM,
	    .major = LEAPBOOT_VERSION_MAJOR,
	    .minor = LEAPBOOT_VERSION_MINOR,
	    .ec_major = 0xFF,
	    .ec_minor = 0xFF,
	};
	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), SMBIOS_BIOS_STRINGS, sizeof(SMBIOS_BIOS_STRINGS));
	info->structures++;
	if (SMBIOS_BIOS_SIZE > info->max_size)
		info->max_size = SMBIOS_BIOS_SIZE;
}

void smbios_own_build(uint8_t *out, uint64_t addr, const struct smbios_bios *b)
{
	static const uint8_t end[SMBIOS_END_SIZE] = {127, 4, 1, 0, 0, 0}; /* handle 1 */
	struct smbios_table_info info = {0};
	uint8_t *table = out + SMBIOS_OWN_TABLE;
	struct smbios30_entry e = {
	    .length = sizeof(e),
	    .major = 3,
	    .revision = 1,
	    .table_max_size = SMBIOS_BIOS_SIZE + SMBIOS_END_SIZE,
	    .table_address = addr + SMBIOS_OWN_TABLE,
	};
	uint32_t sm3 = ANCHOR_SM3;

	smbios_bios_build(table, 0, b, &info);
	memcpy(table + SMBIOS_BIOS_SIZE, end, sizeof(end));
	memcpy(e.anchor, &sm3, 4);
	e.anchor[4] = '_';
	e.checksum = checksum_fix(&e, sizeof(e));
	memcpy(out, &e, sizeof(e));
}

status_t smbios_link(uint8_t *entry, uint64_t tables_addr, uint32_t tables_size,
		     const struct smbios_table_info *info)
{
	if (is_anchor5(entry, ANCHOR_SM3)) {
		struct smbios30_entry e;
		memcpy(&e, entry, sizeof(e));
		e.table_address = tables_addr;
		e.table_max_size = tables_size;
		e.checksum = 0;
		e.checksum = checksum_fix(&e, sizeof(e));
		memcpy(entry, &e, sizeof(e));
		return lb_ok();
	}
	struct smbios21_entry e;
	memcpy(&e, entry, sizeof(e));
	if (tables_size > UINT16_MAX)
		return lb_fail(LB_E_SMBIOS_BAD_TABLES, tables_size, UINT16_MAX);
	e.table_address = (uint32_t)tables_addr;
	e.table_length = (uint16_t)tables_size;
	e.structures = info->structures;
	e.max_structure_size = info->max_size;
	e.intermediate_checksum = 0;
	/* The intermediate checksum covers "_DMI_" to the end (0x10..0x1E). */
	e.intermediate_checksum = checksum_fix(&e.intermediate_anchor, 0x0F);
	e.checksum = 0;
	e.checksum = checksum_fix(&e, sizeof(e));
	memcpy(entry, &e, sizeof(e));
	return lb_ok();
}
