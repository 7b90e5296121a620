#include "e820.h"
#include "../loader/libc/string.h"

#define EBDA_START  0x9FC00ull
#define LEGACY_HOLE 0xA0000ull
#define BIOS_AREA   0xF0000ull
#define ONE_MIB	    0x100000ull

status_t e820_parse(struct memmap *m, const void *raw, uint32_t len)
{
	const uint8_t *p = raw;

	if (len % sizeof(struct boot_e820_entry))
		return lb_fail(LB_E_MEMMAP_BAD_E820, len, sizeof(struct boot_e820_entry));
	for (uint32_t off = 0; off < len; off += sizeof(struct boot_e820_entry)) {
		struct boot_e820_entry e;
		memcpy(&e, p + off, sizeof(e));
		if (!e.size || e.type == MEM_NONE)
			continue;
		/* Unknown types are kept: Linux treats them as reserved. Types
		 * that would collide with leapboot's claims become reserved. */
		uint32_t type = e.type < MEM_CLAIM_FIRMWARE ? e.type : MEM_RESERVED;
		status_t s = memmap_add(m, e.addr, e.size, type);
		if (s.code)
			return s;
	}
	return lb_ok();
}

status_t e820_carve_legacy(struct memmap *m)
{
	/* Reserved from the EBDA to 1 MiB, then the VGA and option ROM hole cut
	 * out of it: two edits. */
	status_t s = memmap_set(m, EBDA_START, ONE_MIB, MEM_RESERVED);
	if (!s.code)
		s = memmap_set(m, LEGACY_HOLE, BIOS_AREA, MEM_NONE);
	return s;
}

/* What each of leapboot's claims is to the kernel. */
static const uint32_t claim_export[] = {
    [MEM_CLAIM_FIRMWARE - MEM_CLAIM_FIRMWARE] = MEM_RESERVED,
    [MEM_CLAIM_KERNEL - MEM_CLAIM_FIRMWARE] = MEM_RAM,
    [MEM_CLAIM_INITRD - MEM_CLAIM_FIRMWARE] = MEM_RAM,
    [MEM_CLAIM_ACPI - MEM_CLAIM_FIRMWARE] = MEM_ACPI,
    [MEM_CLAIM_TABLES - MEM_CLAIM_FIRMWARE] = MEM_RESERVED,
};

static uint32_t export_type(uint32_t type)
{
	uint32_t claim = type - MEM_CLAIM_FIRMWARE;
	if (type < MEM_CLAIM_FIRMWARE)
		return type;
	return claim < sizeof(claim_export) / sizeof(claim_export[0]) ? claim_export[claim]
								      : MEM_RESERVED;
}

status_t e820_build(const struct memmap *m, struct boot_e820_entry *out, uint32_t max,
		    uint32_t *count)
{
	uint32_t n = 0, type = MEM_NONE;
	uint64_t end = 0;

	/* Ranges that export as one type and touch become one entry; entries past
	 * max are counted, for the message. */
	for (uint32_t i = 0; i < m->n; i++) {
		const struct mem_range *r = &m->r[i];
		uint32_t t = export_type(r->type);
		if (n && t == type && r->start == end) {
			if (n <= max)
				out[n - 1].size += r->end - r->start;
		} else {
			if (n < max)
				out[n] = (struct boot_e820_entry){r->start, r->end - r->start, t};
			n++;
			type = t;
		}
		end = r->end;
	}
	if (n > max)
		return lb_fail(LB_E_E820_TOO_MANY, n, max);
	*count = n;
	return lb_ok();
}
