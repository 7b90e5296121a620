#include "smbios.h"
#include <stdbool.h>
#include "anchors.h"
#include "checksum.h"
#include "le.h"
#include "libc/string.h"

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

void smbios_link(uint8_t *entry, uint64_t tables_addr)
{
	if (is_anchor5(entry, ANCHOR_SM3)) {
		struct smbios30_entry e;
		memcpy(&e, entry, sizeof(e));
		e.table_address = tables_addr;
		e.checksum = 0;
		e.checksum = checksum_fix(&e, sizeof(e));
		memcpy(entry, &e, sizeof(e));
		return;
	}
	struct smbios21_entry e;
	memcpy(&e, entry, sizeof(e));
	e.table_address = (uint32_t)tables_addr;
	e.intermediate_checksum = 0;
	/* The intermediate checksum covers "_DMI_" to the end (0x10..0x1E). */
	e.intermediate_checksum = checksum_fix(&e.intermediate_anchor, 0x0F);
	e.checksum = 0;
	e.checksum = checksum_fix(&e, sizeof(e));
	memcpy(entry, &e, sizeof(e));
}
