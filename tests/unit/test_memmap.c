/* Physical memory map (boot/memmap.c). */
#include <string.h>

#include "map_is.h"

#define KiB 0x400ull
#define MiB 0x100000ull
#define GiB 0x40000000ull

/* Sorted, non-overlapping, non-empty, neighbours of one type merged. */
static bool well_formed(const struct memmap *m)
{
	if (m->n > MEMMAP_MAX)
		return false;
	for (uint32_t i = 0; i < m->n; i++) {
		if (m->r[i].start >= m->r[i].end || m->r[i].type == MEM_NONE)
			return false;
		if (i && (m->r[i - 1].end > m->r[i].start ||
			  (m->r[i - 1].end == m->r[i].start && m->r[i - 1].type == m->r[i].type)))
			return false;
	}
	return true;
}

static void test_overlaps(void)
{
	struct memmap m = {0};

	/* Reserved inside RAM, RAM first. */
	is_code(memmap_add(&m, 0, 256 * MiB, MEM_RAM), LB_OK, "add RAM");
	is_code(memmap_add(&m, 16 * MiB, MiB, MEM_RESERVED), LB_OK, "add reserved inside it");
	MAP_IS(&m, {0, 16 * MiB, MEM_RAM}, {16 * MiB, 17 * MiB, MEM_RESERVED},
	       {17 * MiB, 256 * MiB, MEM_RAM});

	/* The same, reserved first: RAM must not win. */
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 16 * MiB, MiB, MEM_RESERVED);
	memmap_add(&m, 0, 256 * MiB, MEM_RAM);
	MAP_IS(&m, {0, 16 * MiB, MEM_RAM}, {16 * MiB, 17 * MiB, MEM_RESERVED},
	       {17 * MiB, 256 * MiB, MEM_RAM});

	/* Partial overlaps either side. */
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 0x1000, 0x3000, MEM_RAM);      /* [0x1000, 0x4000) */
	memmap_add(&m, 0x3000, 0x3000, MEM_RESERVED); /* [0x3000, 0x6000) */
	memmap_add(&m, 0x0, 0x2000, MEM_ACPI);	      /* [0, 0x2000) */
	MAP_IS(&m, {0, 0x2000, MEM_ACPI}, {0x2000, 0x3000, MEM_RAM},
	       {0x3000, 0x6000, MEM_RESERVED});

	/* Between reserved types the higher one wins, also in reverse order. */
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 0x10000, 0x10000, MEM_NVS);
	memmap_add(&m, 0x0, 0x40000, MEM_RESERVED);
	MAP_IS(&m, {0, 0x10000, MEM_RESERVED}, {0x10000, 0x20000, MEM_NVS},
	       {0x20000, 0x40000, MEM_RESERVED});

	/* RAM added over a range covering several others fills only the gaps. */
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 0x1000, 0x1000, MEM_RESERVED);
	memmap_add(&m, 0x5000, 0x1000, MEM_ACPI);
	memmap_add(&m, 0, 0x8000, MEM_RAM);
	MAP_IS(&m, {0, 0x1000, MEM_RAM}, {0x1000, 0x2000, MEM_RESERVED}, {0x2000, 0x5000, MEM_RAM},
	       {0x5000, 0x6000, MEM_ACPI}, {0x6000, 0x8000, MEM_RAM});

	/* The same range twice changes nothing. */
	memmap_add(&m, 0, 0x8000, MEM_RAM);
	is_u64(m.n, 5, "adding RAM again changes nothing");

	/* Unsorted input ends sorted. */
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 3 * GiB, GiB, MEM_RESERVED);
	memmap_add(&m, 0, 640 * KiB, MEM_RAM);
	memmap_add(&m, 2 * GiB, 0x1000, MEM_ACPI);
	memmap_add(&m, MiB, GiB, MEM_RAM);
	MAP_IS(&m, {0, 640 * KiB, MEM_RAM}, {MiB, GiB + MiB, MEM_RAM},
	       {2 * GiB, 2 * GiB + 0x1000, MEM_ACPI}, {3 * GiB, 4 * GiB, MEM_RESERVED});
	ok(well_formed(&m), "unsorted input gives a well-formed map");

	/* Zero-length entries add nothing. */
	is_code(memmap_add(&m, 5 * GiB, 0, MEM_RAM), LB_OK, "zero-length add is fine");
	is_code(memmap_add(&m, 2 * MiB, 0, MEM_RESERVED), LB_OK, "zero-length reserved inside RAM");
	is_u64(m.n, 4, "zero-length entries leave the map as it was");

	/* Adjacent ranges of one type merge, of different types do not. */
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 0, 0x1000, MEM_RAM);
	memmap_add(&m, 0x2000, 0x1000, MEM_RAM);
	memmap_add(&m, 0x1000, 0x1000, MEM_RAM);
	memmap_add(&m, 0x3000, 0x1000, MEM_RESERVED);
	memmap_add(&m, 0x4000, 0x1000, MEM_RESERVED);
	MAP_IS(&m, {0, 0x3000, MEM_RAM}, {0x3000, 0x5000, MEM_RESERVED});
}

static void test_set(void)
{
	struct memmap m = {0};

	memmap_add(&m, 0, GiB, MEM_RAM);
	is_code(memmap_set(&m, 16 * MiB, 32 * MiB, MEM_RESERVED), LB_OK, "set: carve a hole");
	MAP_IS(&m, {0, 16 * MiB, MEM_RAM}, {16 * MiB, 32 * MiB, MEM_RESERVED},
	       {32 * MiB, GiB, MEM_RAM});

	/* Forcing a lower type replaces the higher one. */
	memmap_set(&m, 16 * MiB, 32 * MiB, MEM_RAM);
	MAP_IS(&m, {0, GiB, MEM_RAM});

	/* MEM_NONE removes: in the middle, at an edge, and a whole range. */
	memmap_set(&m, 100 * MiB, 200 * MiB, MEM_NONE);
	MAP_IS(&m, {0, 100 * MiB, MEM_RAM}, {200 * MiB, GiB, MEM_RAM});
	memmap_set(&m, 0, MiB, MEM_NONE);
	MAP_IS(&m, {MiB, 100 * MiB, MEM_RAM}, {200 * MiB, GiB, MEM_RAM});
	memmap_set(&m, 150 * MiB, 2 * GiB, MEM_NONE);
	MAP_IS(&m, {MiB, 100 * MiB, MEM_RAM});

	/* set over a hole creates the range. */
	memmap_set(&m, 3 * GiB, 4 * GiB, MEM_RESERVED);
	MAP_IS(&m, {MiB, 100 * MiB, MEM_RAM}, {3 * GiB, 4 * GiB, MEM_RESERVED});

	/* Inside one hole: alone, touching one neighbour, filling it (the map
	 * q35's MMCONFIG reservation meets). */
	memmap_set(&m, 2 * GiB, 2 * GiB + MiB, MEM_RESERVED);
	MAP_IS(&m, {MiB, 100 * MiB, MEM_RAM}, {2 * GiB, 2 * GiB + MiB, MEM_RESERVED},
	       {3 * GiB, 4 * GiB, MEM_RESERVED});
	memmap_add(&m, 2 * GiB + MiB, GiB - MiB, MEM_RESERVED);
	MAP_IS(&m, {MiB, 100 * MiB, MEM_RAM}, {2 * GiB, 4 * GiB, MEM_RESERVED});
	memmap_add(&m, 100 * MiB, 10 * MiB, MEM_RAM);
	MAP_IS(&m, {MiB, 110 * MiB, MEM_RAM}, {2 * GiB, 4 * GiB, MEM_RESERVED});
	memmap_set(&m, 110 * MiB, 2 * GiB, MEM_NONE);
	MAP_IS(&m, {MiB, 110 * MiB, MEM_RAM}, {2 * GiB, 4 * GiB, MEM_RESERVED});
	memmap_set(&m, 2 * GiB, 3 * GiB, MEM_NONE);
	memmap_set(&m, 110 * MiB, 3 * GiB, MEM_NONE);
	MAP_IS(&m, {MiB, 110 * MiB, MEM_RAM}, {3 * GiB, 4 * GiB, MEM_RESERVED});
	memmap_set(&m, 100 * MiB, 110 * MiB, MEM_NONE);
	MAP_IS(&m, {MiB, 100 * MiB, MEM_RAM}, {3 * GiB, 4 * GiB, MEM_RESERVED});

	/* set spanning ranges and gaps makes one range. */
	memmap_set(&m, 50 * MiB, 3 * GiB + MiB, MEM_ACPI);
	MAP_IS(&m, {MiB, 50 * MiB, MEM_RAM}, {50 * MiB, 3 * GiB + MiB, MEM_ACPI},
	       {3 * GiB + MiB, 4 * GiB, MEM_RESERVED});

	/* An empty or inverted range is a no-op. */
	struct memmap before = m;
	is_code(memmap_set(&m, 5 * MiB, 5 * MiB, MEM_NONE), LB_OK, "set: empty range");
	is_code(memmap_set(&m, 9 * MiB, 5 * MiB, MEM_NONE), LB_OK, "set: inverted range");
	ok(memcmp(&m, &before, sizeof(m)) == 0, "set: empty and inverted ranges change nothing");
}

static void test_claim(void)
{
	struct memmap m = {0};

	memmap_add(&m, 0, 640 * KiB, MEM_RAM);
	memmap_add(&m, MiB, 63 * MiB, MEM_RAM); /* [1M, 64M) */
	memmap_add(&m, 64 * MiB, MiB, MEM_RESERVED);

	is_code(memmap_claim(&m, 16 * MiB, 16 * MiB, MEM_CLAIM_KERNEL), LB_OK, "claim RAM");
	MAP_IS(&m, {0, 640 * KiB, MEM_RAM}, {MiB, 16 * MiB, MEM_RAM},
	       {16 * MiB, 32 * MiB, MEM_CLAIM_KERNEL}, {32 * MiB, 64 * MiB, MEM_RAM},
	       {64 * MiB, 65 * MiB, MEM_RESERVED});
	ok(memmap_covered(&m, 16 * MiB, 32 * MiB, MEM_CLAIM_KERNEL), "claimed range is covered");
	ok(!memmap_covered(&m, 15 * MiB, 32 * MiB, MEM_CLAIM_KERNEL), "one more page is not");

	struct memmap before = m;
	status_t s = memmap_claim(&m, 31 * MiB, 2 * MiB, MEM_CLAIM_INITRD);
	is_code(s, LB_E_MEMMAP_NOT_RAM, "claim overlapping another claim fails");
	ok(lb_detail.a == 31 * MiB && lb_detail.b == 2 * MiB, "NOT_RAM names start and length");
	is_code(memmap_claim(&m, 64 * MiB, 0x1000, MEM_CLAIM_FIRMWARE), LB_E_MEMMAP_NOT_RAM,
		"claim of reserved memory fails");
	is_code(memmap_claim(&m, 63 * MiB, 2 * MiB, MEM_CLAIM_FIRMWARE), LB_E_MEMMAP_NOT_RAM,
		"claim running from RAM into reserved fails");
	is_code(memmap_claim(&m, 600 * KiB, 100 * KiB, MEM_CLAIM_FIRMWARE), LB_E_MEMMAP_NOT_RAM,
		"claim running from RAM into a hole fails");
	is_code(memmap_claim(&m, 700 * KiB, 0x1000, MEM_CLAIM_FIRMWARE), LB_E_MEMMAP_NOT_RAM,
		"claim in a hole fails");
	is_code(memmap_claim(&m, 0xfffffffffffff000ull, 0x2000, MEM_CLAIM_FIRMWARE),
		LB_E_MEMMAP_NOT_RAM, "claim that wraps around fails");
	ok(memcmp(&m, &before, sizeof(m)) == 0, "failed claims leave the map unchanged");

	/* Claims right next to each other stay distinct ranges. */
	is_code(memmap_claim(&m, 32 * MiB, 0x1000, MEM_CLAIM_FIRMWARE), LB_OK,
		"claim adjacent to a claim");
	is_code(memmap_claim(&m, 0, 0x1000, MEM_CLAIM_FIRMWARE), LB_OK, "claim at address 0");
	is_code(memmap_claim(&m, MiB, 15 * MiB, MEM_CLAIM_INITRD), LB_OK,
		"claim a whole RAM range");
	MAP_IS(&m, {0, 0x1000, MEM_CLAIM_FIRMWARE}, {0x1000, 640 * KiB, MEM_RAM},
	       {MiB, 16 * MiB, MEM_CLAIM_INITRD}, {16 * MiB, 32 * MiB, MEM_CLAIM_KERNEL},
	       {32 * MiB, 32 * MiB + 0x1000, MEM_CLAIM_FIRMWARE},
	       {32 * MiB + 0x1000, 64 * MiB, MEM_RAM}, {64 * MiB, 65 * MiB, MEM_RESERVED});

	/* A reserved range added later does not override a claim (claims are highest). */
	memmap_add(&m, 16 * MiB, MiB, MEM_RESERVED);
	ok(memmap_covered(&m, 16 * MiB, 32 * MiB, MEM_CLAIM_KERNEL),
	   "a later reserved entry does not undo a claim");

	/* memmap_covered edges. */
	ok(memmap_covered(&m, 0x2000, 0x3000, MEM_RAM), "covered: inside a range");
	ok(!memmap_covered(&m, 600 * KiB, 2 * MiB, MEM_RAM), "covered: not across a hole");
	ok(!memmap_covered(&m, 65 * MiB, 66 * MiB, MEM_RAM), "covered: not past the map");
	ok(memmap_covered(&m, 0x1000, 640 * KiB, MEM_RAM), "covered: exactly one range");
}

static void test_find(void)
{
	struct memmap m = {0};
	uint64_t at = 0;
	status_t s;

	memmap_add(&m, MiB, 15 * MiB, MEM_RAM); /* [1M, 16M) */
	memmap_add(&m, 8 * MiB, MiB, MEM_RESERVED);

	s = memmap_find(&m, MiB, 2 * MiB, 0, UINT64_MAX, true, &at);
	is_code(s, LB_OK, "find top-down");
	is_u64(at, 14 * MiB, "top-down: highest 2M-aligned MiB");
	s = memmap_find(&m, MiB, 2 * MiB, 0, UINT64_MAX, false, &at);
	is_code(s, LB_OK, "find bottom-up");
	is_u64(at, 2 * MiB, "bottom-up: lowest 2M-aligned MiB (1M is not aligned)");
	memmap_find(&m, MiB, 2 * MiB, 3 * MiB, UINT64_MAX, false, &at);
	is_u64(at, 4 * MiB, "bottom-up from lo=3M: 4M");
	memmap_find(&m, MiB, MiB, 0, 7 * MiB + 512 * KiB, true, &at);
	is_u64(at, 6 * MiB, "top-down below hi=7.5M: 6M (the range ends at or below hi)");
	memmap_find(&m, 7 * MiB, MiB, 0, UINT64_MAX, true, &at);
	is_u64(at, 9 * MiB, "top-down 7M: only above the reserved MiB");
	memmap_find(&m, 7 * MiB, MiB, 0, UINT64_MAX, false, &at);
	is_u64(at, MiB, "bottom-up 7M: fits below the reserved MiB");
	memmap_find(&m, 0x1000, 0, 0, UINT64_MAX, false, &at);
	is_u64(at, MiB, "alignment 0 means 1");
	memmap_find(&m, 0x1000, 1, 0x123456, UINT64_MAX, false, &at);
	is_u64(at, 0x123456, "alignment 1 starts exactly at lo");

	s = memmap_find(&m, 8 * MiB, MiB, 0, UINT64_MAX, true, &at);
	is_code(s, LB_E_MEMMAP_NO_ROOM, "no 8M contiguous -> LB_E_MEMMAP_NO_ROOM");
	ok(lb_detail.a == 8 * MiB && lb_detail.b == MiB, "NO_ROOM names length and alignment");
	at = 0xabc;
	s = memmap_find(&m, MiB, MiB, 16 * MiB, UINT64_MAX, false, &at);
	is_code(s, LB_E_MEMMAP_NO_ROOM, "nothing above the map -> NO_ROOM");
	is_u64(at, 0xabc, "out is untouched on failure");
	is_code(memmap_find(&m, MiB, MiB, 2 * MiB, 2 * MiB + 512 * KiB, true, &at),
		LB_E_MEMMAP_NO_ROOM, "window smaller than len -> NO_ROOM");
	is_code(memmap_find(&m, 2 * MiB, 4 * MiB, 0, UINT64_MAX, true, &at), LB_OK,
		"2M aligned to 4M");
	is_u64(at, 12 * MiB, "2M aligned to 4M top-down: 12M");
	is_code(memmap_find(&m, 3 * MiB, 4 * MiB, 9 * MiB, UINT64_MAX, true, &at), LB_OK,
		"3M aligned to 4M in [9M, 16M)");
	is_u64(at, 12 * MiB, "top-down 3M aligned to 4M: 12M");
	is_code(memmap_find(&m, 6 * MiB, 4 * MiB, 9 * MiB, UINT64_MAX, true, &at),
		LB_E_MEMMAP_NO_ROOM, "6M aligned to 4M does not fit in [9M, 16M)");
	is_code(memmap_find(&m, 6 * MiB, 4 * MiB, 9 * MiB, UINT64_MAX, false, &at),
		LB_E_MEMMAP_NO_ROOM, "neither bottom-up");

	/* Claimed and reserved memory is not free. */
	memmap_claim(&m, 9 * MiB, 7 * MiB, MEM_CLAIM_KERNEL);
	memmap_find(&m, MiB, MiB, 0, UINT64_MAX, true, &at);
	is_u64(at, 7 * MiB, "claimed RAM is skipped");
}

static void test_above_4g(void)
{
	struct memmap m = {0};
	uint64_t at = 0;

	/* QEMU q35 -m 6G: 2 GiB below the PCI hole, 4 GiB above 4 GiB. */
	memmap_add(&m, 0, 2 * GiB, MEM_RAM);
	memmap_add(&m, 4 * GiB, 4 * GiB, MEM_RAM);
	memmap_add(&m, 0xfd00000000ull, 0x300000000ull, MEM_RESERVED);

	memmap_find(&m, GiB, 2 * MiB, 0, UINT64_MAX, true, &at);
	is_u64(at, 7 * GiB, "6G: top-down lands above 4 GiB");
	memmap_find(&m, GiB, 2 * MiB, 0, 4 * GiB, true, &at);
	is_u64(at, GiB, "6G: top-down below 4 GiB");
	memmap_find(&m, 3 * GiB, 2 * MiB, 0, UINT64_MAX, false, &at);
	is_u64(at, 4 * GiB, "6G: bottom-up 3 GiB only fits above 4 GiB");
	is_code(memmap_find(&m, 3 * GiB, 2 * MiB, 0, 4 * GiB, true, &at), LB_E_MEMMAP_NO_ROOM,
		"6G: 3 GiB does not fit below 4 GiB");

	is_u64(memmap_ram_top(&m, UINT64_MAX), 8 * GiB, "ram_top: 8 GiB (reserved does not count)");
	is_u64(memmap_ram_top(&m, 4 * GiB), 2 * GiB, "ram_top below 4 GiB: 2 GiB");
	is_u64(memmap_ram_top(&m, 5 * GiB), 5 * GiB, "ram_top below 5 GiB: the limit itself");
	is_u64(memmap_ram_top(&m, 0), 0, "ram_top below 0: 0");
	is_u64(memmap_ram_size(&m, UINT64_MAX), 6 * GiB,
	       "ram_size: 6 GiB (reserved does not count)");
	is_u64(memmap_ram_size(&m, 4 * GiB), 2 * GiB, "ram_size below 4 GiB: 2 GiB");
	is_u64(memmap_ram_size(&m, 5 * GiB), 3 * GiB, "ram_size below 5 GiB: 3 GiB");
	is_u64(memmap_ram_size(&m, 0), 0, "ram_size below 0: 0");
	memmap_claim(&m, 7 * GiB, GiB, MEM_CLAIM_INITRD);
	is_u64(memmap_ram_top(&m, UINT64_MAX), 8 * GiB, "ram_top counts claimed RAM");
	is_u64(memmap_ram_size(&m, UINT64_MAX), 6 * GiB, "ram_size counts claimed RAM");

	/* arm64 virt: RAM from 1 GiB on, so its top is not its size. */
	struct memmap virt = {0};
	memmap_add(&virt, GiB, 128 * MiB, MEM_RAM);
	is_u64(memmap_ram_top(&virt, UINT64_MAX), GiB + 128 * MiB, "virt: ram_top 1 GiB + 128 MiB");
	is_u64(memmap_ram_size(&virt, UINT64_MAX), 128 * MiB, "virt: ram_size 128 MiB");

	struct memmap empty = {0};
	is_u64(memmap_ram_top(&empty, UINT64_MAX), 0, "ram_top of an empty map: 0");
	is_u64(memmap_ram_size(&empty, UINT64_MAX), 0, "ram_size of an empty map: 0");
}

static void test_full(void)
{
	struct {
		uint64_t guard_lo[8];
		struct memmap m;
		uint64_t guard_hi[8];
	} w;
	status_t s;

	memset(&w, 0x5a, sizeof(w));
	memset(&w.m, 0, sizeof(w.m));
	/* MEMMAP_MAX separate RAM ranges: [i*2M, i*2M+1M). */
	bool all_ok = true;
	for (uint64_t i = 0; i < MEMMAP_MAX; i++)
		all_ok &= memmap_add(&w.m, i * 2 * MiB, MiB, MEM_RAM).code == LB_OK;
	ok(all_ok, "MEMMAP_MAX (%d) separate ranges fit", MEMMAP_MAX);
	is_u64(w.m.n, MEMMAP_MAX, "the map is full");

	struct memmap before = w.m;
	s = memmap_add(&w.m, 1000 * MiB, MiB, MEM_RAM);
	is_code(s, LB_E_MEMMAP_FULL, "one more range -> LB_E_MEMMAP_FULL");
	is_u64(lb_detail.a, MEMMAP_MAX, "FULL names the capacity");
	is_code(memmap_set(&w.m, MiB / 4, MiB / 2, MEM_RESERVED), LB_E_MEMMAP_FULL,
		"splitting a range when full -> FULL");
	is_code(memmap_claim(&w.m, 0x1000, 0x1000, MEM_CLAIM_FIRMWARE), LB_E_MEMMAP_FULL,
		"a claim in the middle of a range when full -> FULL");
	ok(memcmp(&w.m, &before, sizeof(before)) == 0, "the map is unchanged after FULL");

	/* Changes that do not add ranges still work. */
	is_code(memmap_add(&w.m, MiB, MiB, MEM_RAM), LB_OK, "filling a gap merges when full");
	is_u64(w.m.n, MEMMAP_MAX - 1, "two ranges became one");
	is_code(memmap_claim(&w.m, 0, 0x1000, MEM_CLAIM_FIRMWARE), LB_OK,
		"a claim at a range's edge splits it into two: fits again");
	is_code(memmap_set(&w.m, 0, 1024 * MiB, MEM_RESERVED), LB_OK, "one big set");
	is_u64(w.m.n, 1, "everything became one range");
	ok(well_formed(&w.m), "map well-formed after all that");

	bool guards = true;
	for (int i = 0; i < 8; i++)
		guards &= w.guard_lo[i] == 0x5a5a5a5a5a5a5a5aull &&
			  w.guard_hi[i] == 0x5a5a5a5a5a5a5a5aull;
	ok(guards, "nothing written around the map");

	/* The worst case for the work buffer: a set across all MEMMAP_MAX ranges fills
	 * every gap (2n+1 pieces before merging). */
	memset(&w.m, 0, sizeof(w.m));
	for (uint64_t i = 0; i < MEMMAP_MAX; i++)
		memmap_add(&w.m, i * 2 * MiB + MiB, MiB / 2, i % 2 ? MEM_ACPI : MEM_NVS);
	s = memmap_add(&w.m, 0, 300 * MiB, MEM_RAM);
	is_code(s, LB_E_MEMMAP_FULL, "RAM across 128 ranges needs 257 -> FULL");
	s = memmap_add(&w.m, 0, 300 * MiB, MEM_NVS);
	is_code(s, LB_OK, "NVS across them merges with the NVS ones");
	ok(well_formed(&w.m), "map well-formed");
}

static void test_wrap(void)
{
	struct memmap m = {0};
	uint64_t at;

	is_code(memmap_add(&m, 0xfffffffffff00000ull, 0x200000, MEM_RESERVED), LB_OK,
		"a range wrapping past 2^64 is accepted");
	MAP_IS(&m, {0xfffffffffff00000ull, UINT64_MAX, MEM_RESERVED});
	ok(well_formed(&m), "clamped at the top of the address space, not wrapped to 0");

	memset(&m, 0, sizeof(m));
	memmap_add(&m, 0xffffffffffe00000ull, UINT64_MAX, MEM_RAM);
	MAP_IS(&m, {0xffffffffffe00000ull, UINT64_MAX, MEM_RAM});
	is_code(memmap_find(&m, 0x1000, 0x200000, 0xffffffffffe00001ull, UINT64_MAX, false, &at),
		LB_E_MEMMAP_NO_ROOM, "bottom-up alignment wrapping past 2^64 is NO_ROOM");
	is_code(memmap_find(&m, 0x1000, 0x1000, 0, UINT64_MAX, false, &at), LB_OK,
		"bottom-up at the top of the address space");
	is_u64(at, 0xffffffffffe00000ull, "found at the start of the range");
	is_code(memmap_find(&m, 0x1000, 0x1000, 0, UINT64_MAX, true, &at), LB_OK,
		"top-down at the top of the address space");
	is_u64(at, 0xffffffffffffe000ull, "highest page that ends below 2^64-1");
	is_code(memmap_find(&m, UINT64_MAX, 1, 0, UINT64_MAX, true, &at), LB_E_MEMMAP_NO_ROOM,
		"a huge length is NO_ROOM");
}

/* Random edits against a model: one type per 4 KiB page of a 1 MiB space. Every
 * fast path of the editor (append, inside one range, claims) and the general one
 * meet ranges that touch, overlap, contain and wrap around each other. */
#define MODEL_PAGES 256
#define MODEL_PAGE  0x1000ull

static uint32_t model_rand(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

static bool model_matches(const struct memmap *m, const uint32_t *model)
{
	struct memmap want = {0};
	for (uint32_t p = 0; p < MODEL_PAGES; p++) {
		if (model[p] == MEM_NONE)
			continue;
		struct mem_range *last = want.n ? &want.r[want.n - 1] : 0;
		if (last && last->end == p * MODEL_PAGE && last->type == model[p])
			last->end += MODEL_PAGE;
		else
			want.r[want.n++] =
			    (struct mem_range){p * MODEL_PAGE, (p + 1) * MODEL_PAGE, model[p]};
	}
	if (want.n != m->n)
		return false;
	for (uint32_t i = 0; i < want.n; i++)
		if (want.r[i].start != m->r[i].start || want.r[i].end != m->r[i].end ||
		    want.r[i].type != m->r[i].type)
			return false;
	return true;
}

static void test_random_edits(void)
{
	static const uint32_t types[] = {
	    MEM_NONE,		MEM_RAM,	  MEM_RESERVED,	   MEM_ACPI,
	    MEM_CLAIM_FIRMWARE, MEM_CLAIM_KERNEL, MEM_CLAIM_INITRD};
	uint32_t state = 1, failures = 0, claims_ok = 0, claims_refused = 0;

	for (uint32_t run = 0; run < 400; run++) {
		struct memmap m = {0};
		uint32_t model[MODEL_PAGES] = {0};
		for (uint32_t step = 0; step < 40; step++) {
			uint32_t a = model_rand(&state) % MODEL_PAGES;
			uint32_t len = model_rand(&state) % 3 ? model_rand(&state) % 16
							      : model_rand(&state) % MODEL_PAGES;
			uint32_t b = a + len > MODEL_PAGES ? MODEL_PAGES : a + len;
			uint32_t t = types[model_rand(&state) % 3 ? 1 : model_rand(&state) % 7];
			uint32_t op = model_rand(&state) % 3;
			status_t st;
			if (op == 0 && t != MEM_NONE) {
				st = memmap_add(&m, a * MODEL_PAGE, (b - a) * MODEL_PAGE, t);
				for (uint32_t p = a; p < b; p++)
					model[p] = model[p] > t ? model[p] : t;
			} else if (op == 1) {
				st = memmap_set(&m, a * MODEL_PAGE, b * MODEL_PAGE, t);
				for (uint32_t p = a; p < b; p++)
					model[p] = t;
			} else {
				uint32_t c = t >= MEM_CLAIM_FIRMWARE ? t : MEM_CLAIM_INITRD;
				bool free = true;
				for (uint32_t p = a; p < b; p++)
					free = free && model[p] == MEM_RAM;
				st = memmap_claim(&m, a * MODEL_PAGE, (b - a) * MODEL_PAGE, c);
				if (free != (st.code == LB_OK))
					failures++;
				if (free)
					for (uint32_t p = a; p < b; p++)
						model[p] = c;
				if (free && a < b)
					claims_ok++;
				else if (!free)
					claims_refused++;
				continue;
			}
			if (st.code != LB_OK)
				failures++;
			if (!well_formed(&m) || !model_matches(&m, model)) {
				if (!failures)
					diag("run %u step %u: op %u, pages [%u, %u), type %#x", run,
					     step, op, a, b, t);
				failures++;
				break;
			}
		}
		if (!well_formed(&m) || !model_matches(&m, model))
			failures++;
	}
	ok(failures == 0, "400 runs of 40 random adds, sets and claims match a page model");
	ok(claims_ok > 100 && claims_refused > 100,
	   "the random claims both succeed and are refused (%u, %u)", claims_ok, claims_refused);
}

int main(void)
{
	test_overlaps();
	test_set();
	test_claim();
	test_find();
	test_above_4g();
	test_full();
	test_wrap();
	test_random_edits();
	return done_testing();
}
