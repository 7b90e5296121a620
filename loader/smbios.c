#include "smbios.h"
#include "checksum.h"
#include "libc/string.h"

static uint64_t signature(const uint8_t *entry, uint32_t len)
{
	uint64_t v = 0;
	memcpy(&v, entry, len < 8 ? len : 8);
	return v;
}

status_t smbios_check(const uint8_t *entry, uint32_t len, uint32_t tables_size)
{
	if (len == sizeof(struct smbios21_entry) && memcmp(entry, "_SM_", 4) == 0) {
		struct smbios21_entry e;
		memcpy(&e, entry, sizeof(e));
		if (e.length != sizeof(e) || memcmp(e.intermediate_anchor, "_DMI_", 5) != 0)
			return lb_fail(LB_E_SMBIOS_BAD_ANCHOR, len, signature(entry, len));
		if (e.table_length != tables_size)
			return lb_fail(LB_E_SMBIOS_BAD_TABLES, tables_size, e.table_length);
		return lb_ok();
	}
	if (len == sizeof(struct smbios30_entry) && memcmp(entry, "_SM3_", 5) == 0) {
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
	if (memcmp(entry, "_SM3_", 5) == 0) {
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
