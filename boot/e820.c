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
	status_t s = memmap_set(m, EBDA_START, LEGACY_HOLE, MEM_RESERVED);
	if (!s.code)
		s = memmap_set(m, LEGACY_HOLE, BIOS_AREA, MEM_NONE);
	if (!s.code)
		s = memmap_set(m, BIOS_AREA, ONE_MIB, MEM_RESERVED);
	return s;
}

static uint32_t export_type(uint32_t type)
{
	switch (type) {
	case MEM_CLAIM_FIRMWARE:
	case MEM_CLAIM_TABLES:
		return MEM_RESERVED;
	case MEM_CLAIM_ACPI:
		return MEM_ACPI;
	case MEM_CLAIM_KERNEL:
	case MEM_CLAIM_INITRD:
		return MEM_RAM;
	default:
		return type;
	}
}

status_t e820_build(const struct memmap *m, struct boot_e820_entry *out, uint32_t max,
		    uint32_t *count)
{
	struct boot_e820_entry cur = {0, 0, MEM_NONE};
	uint32_t n = 0;

	/* cur is the entry being grown; it is emitted when the next one starts. */
	for (uint32_t i = 0; i <= m->n; i++) {
		const struct mem_range *r = i < m->n ? &m->r[i] : 0;
		uint32_t t = r ? export_type(r->type) : MEM_NONE;
		if (r && cur.size && cur.type == t && cur.addr + cur.size == r->start) {
			cur.size += r->end - r->start;
			continue;
		}
		if (cur.size) {
			if (n < max)
				out[n] = cur;
			n++;
		}
		if (r)
			cur = (struct boot_e820_entry){r->start, r->end - r->start, t};
	}
	if (n > max)
		return lb_fail(LB_E_E820_TOO_MANY, n, max);
	*count = n;
	return lb_ok();
}
