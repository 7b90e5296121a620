/* e820: etc/e820 parsing, legacy holes, the table handed to Linux (boot/e820.c). */
#include <stdlib.h>
#include <string.h>

#include "../boot/e820.h"
#include "tap.h"

#define KiB 0x400ull
#define MiB 0x100000ull
#define GiB 0x40000000ull

/* Appends one packed little-endian 20-byte record, as QEMU writes etc/e820. */
static uint32_t rec(uint8_t *blob, uint32_t len, uint64_t addr, uint64_t size, uint32_t type)
{
	uint8_t *p = blob + len;
	for (int i = 0; i < 8; i++) {
		p[i] = (uint8_t)(addr >> (8 * i));
		p[8 + i] = (uint8_t)(size >> (8 * i));
	}
	for (int i = 0; i < 4; i++)
		p[16 + i] = (uint8_t)(type >> (8 * i));
	return len + 20;
}

static bool range_is(const struct memmap *m, uint32_t i, uint64_t start, uint64_t end,
		     uint32_t type)
{
	return i < m->n && m->r[i].start == start && m->r[i].end == end && m->r[i].type == type;
}

static void dump(const struct memmap *m)
{
	for (uint32_t i = 0; i < m->n; i++)
		diag("  [%#llx, %#llx) type %#x", (unsigned long long)m->r[i].start,
		     (unsigned long long)m->r[i].end, m->r[i].type);
}

static void test_parse(void)
{
	uint8_t blob[20 * 8 + 1];
	uint32_t len;
	struct memmap m;

	/* pc -m 128M: low RAM as one entry from 0. */
	memset(&m, 0, sizeof(m));
	len = rec(blob, 0, 0, 128 * MiB, 1);
	is_code(e820_parse(&m, blob, len), LB_OK, "parse pc 128M");
	ok(m.n == 1 && range_is(&m, 0, 0, 128 * MiB, MEM_RAM), "pc 128M: one RAM range from 0") ||
	    (dump(&m), 0);

	/* q35 -m 6G: RAM below 2 GiB, 4 GiB above 4 GiB, reserved at 0xfd00000000. */
	memset(&m, 0, sizeof(m));
	len = rec(blob, 0, 0, 2 * GiB, 1);
	len = rec(blob, len, 4 * GiB, 4 * GiB, 1);
	len = rec(blob, len, 0xfd00000000ull, 0x300000000ull, 2);
	is_code(e820_parse(&m, blob, len), LB_OK, "parse q35 6G");
	ok(m.n == 3 && range_is(&m, 0, 0, 2 * GiB, MEM_RAM) &&
	       range_is(&m, 1, 4 * GiB, 8 * GiB, MEM_RAM) &&
	       range_is(&m, 2, 0xfd00000000ull, 0x10000000000ull, MEM_RESERVED),
	   "q35 6G: RAM 0-2G, RAM 4-8G, reserved 0xfd00000000 up to 1 TiB") ||
	    (dump(&m), 0);

	/* A blob at an odd address (fw_cfg gives no alignment guarantee). */
	memset(&m, 0, sizeof(m));
	len = rec(blob + 1, 0, MiB, MiB, 3);
	is_code(e820_parse(&m, blob + 1, len), LB_OK, "parse an unaligned blob");
	ok(m.n == 1 && range_is(&m, 0, MiB, 2 * MiB, MEM_ACPI), "unaligned blob read correctly");

	/* Lengths that are not a multiple of 20. */
	memset(&m, 0, sizeof(m));
	len = rec(blob, 0, 0, 128 * MiB, 1);
	status_t s = e820_parse(&m, blob, 21);
	is_code(s, LB_E_MEMMAP_BAD_E820, "21 bytes -> LB_E_MEMMAP_BAD_E820");
	ok(lb_detail.a == 21 && lb_detail.b == 20, "BAD_E820 names the length and 20");
	is_u64(m.n, 0, "nothing added from a malformed blob");
	is_code(e820_parse(&m, blob, 19), LB_E_MEMMAP_BAD_E820, "19 bytes -> BAD_E820");
	is_code(e820_parse(&m, blob, 0), LB_OK, "an empty blob is fine");
	is_u64(m.n, 0, "an empty blob adds nothing");

	/* Zero-size and type-0 entries are skipped; unknown types kept; types that
	 * collide with leapboot's claims become reserved; overlaps sanitized. */
	memset(&m, 0, sizeof(m));
	len = rec(blob, 0, 0, 0, 1);
	len = rec(blob, len, 0x5000, 0, 2);
	len = rec(blob, len, 0, 64 * MiB, 1);
	len = rec(blob, len, 32 * MiB, 0x1000, 0);
	len = rec(blob, len, 64 * MiB, MiB, 12);
	len = rec(blob, len, 16 * MiB, MiB, MEM_CLAIM_KERNEL);
	len = rec(blob, len, 63 * MiB, 2 * MiB, 2);
	is_code(e820_parse(&m, blob, len), LB_OK, "parse with odd entries");
	ok(m.n == 5 && range_is(&m, 0, 0, 16 * MiB, MEM_RAM) &&
	       range_is(&m, 1, 16 * MiB, 17 * MiB, MEM_RESERVED) &&
	       range_is(&m, 2, 17 * MiB, 63 * MiB, MEM_RAM) &&
	       range_is(&m, 3, 63 * MiB, 64 * MiB, MEM_RESERVED) &&
	       range_is(&m, 4, 64 * MiB, 65 * MiB, 12),
	   "zero-size/type-0 skipped, type 12 kept, claim type -> reserved, reserved wins") ||
	    (dump(&m), 0);
}

static void test_carve(void)
{
	struct memmap m = {0};

	memmap_add(&m, 0, 128 * MiB, MEM_RAM);
	is_code(e820_carve_legacy(&m), LB_OK, "carve the legacy holes");
	ok(m.n == 4 && range_is(&m, 0, 0, 0x9FC00, MEM_RAM) &&
	       range_is(&m, 1, 0x9FC00, 0xA0000, MEM_RESERVED) &&
	       range_is(&m, 2, 0xF0000, 0x100000, MEM_RESERVED) &&
	       range_is(&m, 3, 0x100000, 128 * MiB, MEM_RAM),
	   "RAM to 0x9FC00, EBDA reserved, hole, BIOS reserved, RAM from 1 MiB") ||
	    (dump(&m), 0);
	ok(!memmap_covered(&m, 0x9FC00, 0x9FC01, MEM_RAM), "0x9FC00 is not RAM");
	bool hole = true;
	for (uint32_t i = 0; i < m.n; i++)
		hole &= m.r[i].end <= 0xA0000 || m.r[i].start >= 0xF0000;
	ok(hole, "no entry for 0xA0000-0xF0000");

	/* Idempotent. */
	struct memmap before = m;
	e820_carve_legacy(&m);
	bool same = m.n == before.n;
	for (uint32_t i = 0; same && i < m.n; i++)
		same = range_is(&m, i, before.r[i].start, before.r[i].end, before.r[i].type);
	ok(same, "carving twice changes nothing");

	/* Low RAM reported in two pieces with a reserved EBDA already (SeaBIOS-like). */
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 0, 0x9F000, MEM_RAM);
	memmap_add(&m, 0x9F000, 0x1000, MEM_RESERVED);
	memmap_add(&m, MiB, 127 * MiB, MEM_RAM);
	e820_carve_legacy(&m);
	ok(m.n == 4 && range_is(&m, 0, 0, 0x9F000, MEM_RAM) &&
	       range_is(&m, 1, 0x9F000, 0xA0000, MEM_RESERVED) &&
	       range_is(&m, 2, 0xF0000, 0x100000, MEM_RESERVED),
	   "an existing reserved EBDA merges with the carved one") ||
	    (dump(&m), 0);
}

static bool entry_is(const struct boot_e820_entry *e, uint64_t addr, uint64_t size, uint32_t type)
{
	return e->addr == addr && e->size == size && e->type == type;
}

static void test_build(void)
{
	struct memmap m = {0};
	struct boot_e820_entry out[16];
	uint32_t n = 0;

	memmap_add(&m, 0, 128 * MiB, MEM_RAM);
	e820_carve_legacy(&m);
	memmap_claim(&m, 0x1000, 0x1000, MEM_CLAIM_FIRMWARE);	 /* boot_params */
	memmap_claim(&m, 16 * MiB, 32 * MiB, MEM_CLAIM_KERNEL);	 /* kernel init_size */
	memmap_claim(&m, 100 * MiB, 20 * MiB, MEM_CLAIM_INITRD); /* initrd */
	memmap_claim(&m, 127 * MiB, MiB, MEM_CLAIM_FIRMWARE);	 /* page tables etc. */
	memmap_add(&m, 0xFEFFC000, 0x4000, MEM_RESERVED);

	memset(out, 0xee, sizeof(out));
	status_t s = e820_build(&m, out, 16, &n);
	is_code(s, LB_OK, "build");
	is_u64(n, 8, "eight entries");
	ok(entry_is(&out[0], 0, 0x1000, 1), "[0] RAM below the firmware page");
	ok(entry_is(&out[1], 0x1000, 0x1000, 2), "[1] firmware claim exported as reserved (2)");
	ok(entry_is(&out[2], 0x2000, 0x9FC00 - 0x2000, 1), "[2] RAM up to the EBDA");
	ok(entry_is(&out[3], 0x9FC00, 0x400, 2), "[3] EBDA reserved");
	ok(entry_is(&out[4], 0xF0000, 0x10000, 2), "[4] BIOS area reserved");
	ok(entry_is(&out[5], MiB, 126 * MiB, 1),
	   "[5] kernel and initrd claims exported as RAM and merged with the RAM around them");
	ok(entry_is(&out[6], 127 * MiB, MiB, 2), "[6] firmware claim at the top of RAM reserved");
	ok(entry_is(&out[7], 0xFEFFC000, 0x4000, 2), "[7] reserved near 4 GiB");
	ok(out[8].addr == 0xeeeeeeeeeeeeeeeeull, "nothing written past the count");

	/* Exported types merge across neighbours: a firmware claim next to reserved. */
	struct memmap m2 = {0};
	memmap_add(&m2, MiB, 15 * MiB, MEM_RAM);
	memmap_add(&m2, 16 * MiB, MiB, MEM_RESERVED);
	memmap_claim(&m2, 15 * MiB, MiB, MEM_CLAIM_FIRMWARE);
	s = e820_build(&m2, out, 16, &n);
	ok(s.code == 0 && n == 2 && entry_is(&out[0], MiB, 14 * MiB, 1) &&
	       entry_is(&out[1], 15 * MiB, 2 * MiB, 2),
	   "a firmware claim next to reserved memory becomes one reserved entry");

	/* Too many. */
	n = 12345;
	s = e820_build(&m, out, 7, &n);
	is_code(s, LB_E_E820_TOO_MANY, "eight entries into seven -> LB_E_E820_TOO_MANY");
	ok(lb_detail.a == 8 && lb_detail.b == 7, "TOO_MANY names 8 needed and 7 (got %llu, %llu)",
	   (unsigned long long)lb_detail.a, (unsigned long long)lb_detail.b);
	is_u64(n, 12345, "count untouched on failure");

	/* Exactly enough room: the out buffer is exactly max entries (ASan). */
	struct boot_e820_entry *exact = malloc(8 * sizeof(*exact));
	s = e820_build(&m, exact, 8, &n);
	is_code(s, LB_OK, "exactly enough room");
	is_u64(n, 8, "eight entries");
	ok(entry_is(&exact[7], 0xFEFFC000, 0x4000, 2), "[7] the reserved range near 4 GiB");
	s = e820_build(&m, exact, 3, &n);
	is_code(s, LB_E_E820_TOO_MANY, "far too small a table -> TOO_MANY");
	/* Once the table is full, ranges that would merge with an entry that did
	 * not fit are counted one by one: the message overstates what is needed. */
	is_u64(lb_detail.a, 8, "TOO_MANY counts the entries needed");
	free(exact);

	/* Ranges that merge on export do not count against max. */
	struct memmap m3 = {0};
	memmap_add(&m3, MiB, 100 * MiB, MEM_RAM);
	memmap_claim(&m3, 10 * MiB, MiB, MEM_CLAIM_KERNEL);
	memmap_claim(&m3, 20 * MiB, MiB, MEM_CLAIM_INITRD);
	memmap_claim(&m3, 11 * MiB, MiB, MEM_CLAIM_INITRD);
	is_u64(m3.n, 6, "six ranges in the map");
	s = e820_build(&m3, out, 1, &n);
	is_code(s, LB_OK, "six RAM-like ranges fit in one entry");
	ok(n == 1 && entry_is(&out[0], MiB, 100 * MiB, 1), "one RAM entry");

	/* An empty map. */
	struct memmap none = {0};
	s = e820_build(&none, out, 16, &n);
	ok(s.code == 0 && n == 0, "an empty map gives no entries");
}

int main(void)
{
	test_parse();
	test_carve();
	test_build();
	return done_testing();
}
