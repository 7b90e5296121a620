/* The PVH hand-off (pvh/pvh.c): hvm_start_info v1 with the memory map and the
 * initrd module, reading a start_info's memory map, and the plan. Fields are
 * checked both through the structs and at the byte offsets Xen's
 * arch-x86/hvm/start_info.h fixes. */
#include <stdlib.h>
#include <string.h>

#include "../pvh/pvh.h"
#include "../boot/e820.h"
#include "tap.h"
#include "bytes.h"

#define KiB 0x400ull
#define MiB 0x100000ull
#define GiB 0x40000000ull

#define SELF	   (8 * MiB + 0x3000) /* where the kernel sees the pvh_start block */
#define FW	   (8 * MiB)	      /* leapboot.elf's own pages */
#define FW_SIZE	   (128 * KiB)
#define KERNEL	   (16 * MiB)
#define KSIZE	   (0x2e00000ull)
#define KENTRY	   (KERNEL + 0x850)
#define INITRD	   (0x7000000ull)
#define INITRD_LEN (0x123456ull)
#define ACPI	   (0x7ffe0000ull)
#define CMDLINE	   (FW + 0x10000)
#define RSDP	   0xf5360ull

static uint64_t get(const void *base, size_t off, int n)
{
	const uint8_t *p = (const uint8_t *)base + off;
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void dump(const struct memmap *m)
{
	for (uint32_t i = 0; i < m->n; i++)
		diag("  [%#llx, %#llx) type %#x", (unsigned long long)m->r[i].start,
		     (unsigned long long)m->r[i].end, m->r[i].type);
}

/* q35 -m 6G as leapboot.elf sees it: low RAM, the EBDA and BIOS area, RAM to 2 GiB,
 * the PCI hole with a reserved window, RAM above 4 GiB; then its claims: its own
 * pages, the kernel, the initrd, ACPI tables. */
static void make_map(struct memmap *m)
{
	memset(m, 0, sizeof(*m));
	memmap_add(m, 0, 0x9fc00, MEM_RAM);
	memmap_add(m, 0x9fc00, 0x400, MEM_RESERVED);
	memmap_add(m, 0xf0000, 0x10000, MEM_RESERVED);
	memmap_add(m, MiB, 2 * GiB - MiB, MEM_RAM);
	memmap_add(m, 0xb0000000ull, 0x10000000ull, MEM_RESERVED);
	memmap_add(m, 0xfeffc000ull, 0x4000, MEM_RESERVED);
	memmap_add(m, 4 * GiB, 2 * GiB, MEM_RAM);
	memmap_claim(m, FW, FW_SIZE, MEM_CLAIM_FIRMWARE);
	memmap_claim(m, KERNEL, KSIZE, MEM_CLAIM_KERNEL);
	memmap_claim(m, INITRD, 0x124000, MEM_CLAIM_INITRD);
	memmap_claim(m, ACPI, 0x20000, MEM_CLAIM_ACPI);
}

struct want {
	uint64_t addr, size;
	uint32_t type;
};

/* What Linux must see for make_map: claims exported as e820 types, the kernel
 * and the initrd merged back into RAM. */
static const struct want want_map[] = {
    {0, 0x9fc00, 1},
    {0x9fc00, 0x400, 2},
    {0xf0000, 0x10000, 2},
    {MiB, FW - MiB, 1},
    {FW, FW_SIZE, 2},
    {FW + FW_SIZE, ACPI - (FW + FW_SIZE), 1},
    {ACPI, 0x20000, 3},
    {0xb0000000ull, 0x10000000ull, 2},
    {0xfeffc000ull, 0x4000, 2},
    {4 * GiB, 2 * GiB, 1},
};
#define NWANT (sizeof(want_map) / sizeof(want_map[0]))

static void test_build(void)
{
	struct memmap m;
	struct pvh_start *out = malloc(sizeof(*out));
	struct boot_e820_entry e820[PVH_MEMMAP_MAX];
	uint32_t n = 0;

	make_map(&m);
	is_code(e820_build(&m, e820, PVH_MEMMAP_MAX, &n), LB_OK, "the e820 export of the map");

	struct pvh_args a = {
	    .cmdline = CMDLINE, .initrd = INITRD, .initrd_size = INITRD_LEN, .rsdp = RSDP};
	memset(out, 0xAA, sizeof(*out));
	is_code(pvh_build(out, SELF, &m, &a), LB_OK, "pvh_build with an initrd");
	is_u64(out->info.magic, 0x336ec578, "magic 0x336ec578");
	is_u64(out->info.version, 1, "version 1 (has the memory map)");
	is_u64(out->info.flags, 0, "flags 0");
	is_u64(out->info.cmdline_paddr, CMDLINE, "cmdline_paddr passed through");
	is_u64(out->info.rsdp_paddr, RSDP, "rsdp_paddr passed through");
	is_u64(out->info.memmap_paddr, SELF + offsetof(struct pvh_start, memmap),
	       "memmap_paddr = self + offset of the table");
	is_u64(out->info.memmap_entries, n, "memmap_entries = the e820 export's count (%u)", n);
	is_u64(out->info.reserved, 0, "reserved 0");
	bool same = out->info.memmap_entries == n;
	for (uint32_t i = 0; same && i < n; i++)
		same = out->memmap[i].addr == e820[i].addr && out->memmap[i].size == e820[i].size &&
		       out->memmap[i].type == e820[i].type && out->memmap[i].reserved == 0;
	ok(same, "the entries equal the e820 export, reserved fields 0");
	same = n == NWANT;
	for (uint32_t i = 0; same && i < n; i++)
		same = out->memmap[i].addr == want_map[i].addr &&
		       out->memmap[i].size == want_map[i].size &&
		       out->memmap[i].type == want_map[i].type;
	ok(same, "the entries: leapboot's pages reserved, ACPI claim as ACPI, kernel+initrd RAM") ||
	    (dump(&m), 0);
	ok(n < PVH_MEMMAP_MAX && out->memmap[n].addr == 0xAAAAAAAAAAAAAAAAull,
	   "entries past the count are not written (the kernel reads memmap_entries of them)");
	is_u64(out->info.nr_modules, 1, "nr_modules 1");
	is_u64(out->info.modlist_paddr, SELF + offsetof(struct pvh_start, module),
	       "modlist_paddr = self + offset of module 0");
	ok(out->module.paddr == INITRD && out->module.size == INITRD_LEN,
	   "module 0 is the initrd: paddr and exact size");
	ok(out->module.cmdline_paddr == 0 && out->module.reserved == 0,
	   "module 0: no command line, reserved 0");

	/* The same, as the kernel reads it: raw offsets from start_info.h. */
	const uint8_t *raw = (const uint8_t *)out;
	ok(get(raw, 0, 4) == 0x336ec578 && get(raw, 4, 4) == 1 && get(raw, 12, 4) == 1 &&
	       get(raw, 16, 8) == SELF + offsetof(struct pvh_start, module) &&
	       get(raw, 24, 8) == CMDLINE && get(raw, 32, 8) == RSDP &&
	       get(raw, 40, 8) == SELF + offsetof(struct pvh_start, memmap) && get(raw, 48, 4) == n,
	   "start_info at the spec's byte offsets");
	size_t mod = offsetof(struct pvh_start, module), map = offsetof(struct pvh_start, memmap);
	ok(get(raw, mod, 8) == INITRD && get(raw, mod + 8, 8) == INITRD_LEN,
	   "modlist entry at the spec's offsets (paddr 0, size 8)");
	ok(get(raw, map + 24, 8) == e820[1].addr && get(raw, map + 24 + 8, 8) == e820[1].size &&
	       get(raw, map + 24 + 16, 4) == e820[1].type,
	   "memmap entries are 24 bytes: addr 0, size 8, type 16");
	ok(map + PVH_MEMMAP_MAX * 24 <= 4096, "the whole block fits in one page (%zu bytes)",
	   sizeof(struct pvh_start));

	/* No initrd: no module, no list. */
	a.initrd_size = 0;
	memset(out, 0xAA, sizeof(*out));
	is_code(pvh_build(out, SELF, &m, &a), LB_OK, "pvh_build without an initrd");
	ok(out->info.nr_modules == 0 && out->info.modlist_paddr == 0,
	   "no initrd: nr_modules 0, modlist_paddr 0");
	ok(all_zero(&out->module, sizeof(out->module)), "no initrd: module 0 zeroed");
	is_u64(out->info.memmap_entries, n, "no initrd: same memory map");

	/* No command line, no RSDP: zeros, which mean "not present". */
	struct pvh_args none = {0};
	memset(out, 0xAA, sizeof(*out));
	is_code(pvh_build(out, SELF, &m, &none), LB_OK, "pvh_build with nothing");
	ok(out->info.cmdline_paddr == 0 && out->info.rsdp_paddr == 0 && out->info.nr_modules == 0,
	   "cmdline_paddr, rsdp_paddr, nr_modules 0");

	/* An empty map. */
	struct memmap empty = {0};
	memset(out, 0xAA, sizeof(*out));
	is_code(pvh_build(out, SELF, &empty, &none), LB_OK, "pvh_build with an empty map");
	is_u64(out->info.memmap_entries, 0, "no entries");

	/* A full map: 128 ranges of alternating types survive as 128 entries. */
	struct memmap full = {0};
	for (uint32_t i = 0; i < MEMMAP_MAX; i++)
		memmap_add(&full, i * 0x2000ull, 0x2000, i % 2 ? MEM_RESERVED : MEM_RAM);
	is_u64(full.n, MEMMAP_MAX, "a map of %d ranges", MEMMAP_MAX);
	is_code(pvh_build(out, SELF, &full, &none), LB_OK, "pvh_build with %d ranges", MEMMAP_MAX);
	ok(out->info.memmap_entries == PVH_MEMMAP_MAX &&
	       out->memmap[PVH_MEMMAP_MAX - 1].addr == (PVH_MEMMAP_MAX - 1) * 0x2000ull &&
	       out->memmap[PVH_MEMMAP_MAX - 1].type == MEM_RESERVED,
	   "all %d entries, the last one right", PVH_MEMMAP_MAX);

	/* Round trip: what pvh_build writes, pvh_read_memmap reads back to a map with
	 * the same export. */
	struct memmap back = {0};
	a.initrd = INITRD;
	a.initrd_size = INITRD_LEN;
	pvh_build(out, SELF, &m, &a);
	is_code(pvh_read_memmap(&out->info, out->memmap, &back), LB_OK,
		"pvh_read_memmap of pvh_build's output");
	struct boot_e820_entry again[PVH_MEMMAP_MAX];
	uint32_t n2 = 0;
	e820_build(&back, again, PVH_MEMMAP_MAX, &n2);
	ok(n2 == n && memcmp(again, e820, n * sizeof(e820[0])) == 0,
	   "round trip: the same e820 export") ||
	    (dump(&back), 0);
	free(out);
}

static void entry(struct hvm_memmap_table_entry *e, uint64_t addr, uint64_t size, uint32_t type)
{
	*e = (struct hvm_memmap_table_entry){addr, size, type, 0};
}

static bool range_is(const struct memmap *m, uint32_t i, uint64_t start, uint64_t end,
		     uint32_t type)
{
	return i < m->n && m->r[i].start == start && m->r[i].end == end && m->r[i].type == type;
}

static void test_read(void)
{
	struct hvm_start_info si;
	struct hvm_memmap_table_entry *map = calloc(PVH_MEMMAP_MAX + 1, sizeof(*map));
	struct memmap m;
	status_t s;

	/* As QEMU's PVH loader or a VMM hands it over: unsorted, with an unknown type,
	 * a zero-size and a type-0 entry, and one using a claim's number. */
	entry(&map[0], MiB, 127 * MiB, 1);
	entry(&map[1], 0, 0x9fc00, 1);
	entry(&map[2], 0x9fc00, 0x400, 2);
	entry(&map[3], 0xf0000, 0x10000, 2);
	entry(&map[4], 0x7fe0000, 0x20000, 3);
	entry(&map[5], 0xfeffc000ull, 0x4000, 0x10001);
	entry(&map[6], 4 * GiB, 0, 1);
	entry(&map[7], 5 * GiB, GiB, 0);
	entry(&map[8], 0x100000000ull, GiB, 7);
	memset(&si, 0, sizeof(si));
	si.magic = HVM_START_MAGIC;
	si.version = 1;
	si.memmap_paddr = 0x7000;
	si.memmap_entries = 8;
	memset(&m, 0, sizeof(m));
	is_code(pvh_read_memmap(&si, map, &m), LB_OK, "pvh_read_memmap of a good start_info");
	ok(m.n == 6 && range_is(&m, 0, 0, 0x9fc00, MEM_RAM) &&
	       range_is(&m, 1, 0x9fc00, 0xa0000, MEM_RESERVED) &&
	       range_is(&m, 2, 0xf0000, MiB, MEM_RESERVED) &&
	       range_is(&m, 3, MiB, 0x7fe0000, MEM_RAM) &&
	       range_is(&m, 4, 0x7fe0000, 128 * MiB, MEM_ACPI) &&
	       range_is(&m, 5, 0xfeffc000ull, 0xff000000ull, MEM_RESERVED),
	   "sorted; ACPI over RAM; a claim's number read as reserved; size-0 and type-0 skipped") ||
	    (dump(&m), 0);
	/* Type 7 (PMEM) at 4 GiB: kept as it is, after the six above. */
	memset(&m, 0, sizeof(m));
	si.memmap_entries = 9;
	pvh_read_memmap(&si, map, &m);
	ok(m.n == 7 && range_is(&m, 6, 4 * GiB, 5 * GiB, 7), "unknown type 7 kept") ||
	    (dump(&m), 0);

	/* The entries are added to the map passed in. */
	si.memmap_entries = 1;
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 0xf0000, 0x10000, MEM_RESERVED);
	is_code(pvh_read_memmap(&si, map, &m), LB_OK, "one entry");
	ok(m.n == 2 && range_is(&m, 1, MiB, 128 * MiB, MEM_RAM), "added to the map");

	/* Not a start_info. */
	si.memmap_entries = 9;
	si.magic = 0x336ec579;
	memset(&m, 0, sizeof(m));
	s = pvh_read_memmap(&si, map, &m);
	is_code(s, LB_E_PVH_BAD_START_INFO, "bad magic -> LB_E_PVH_BAD_START_INFO");
	ok(lb_detail.a == 0x336ec579 && lb_detail.b == 1, "BAD_START_INFO names magic and version");
	is_u64(m.n, 0, "nothing read");
	si.magic = 0;
	is_code(pvh_read_memmap(&si, map, &m), LB_E_PVH_BAD_START_INFO, "magic 0");
	si.magic = 0x78c56e33; /* byte-swapped */
	is_code(pvh_read_memmap(&si, map, &m), LB_E_PVH_BAD_START_INFO, "byte-swapped magic");

	/* A start_info without a usable memory map. */
	si.magic = HVM_START_MAGIC;
	si.version = 0;
	s = pvh_read_memmap(&si, map, &m);
	is_code(s, LB_E_PVH_NO_MEMMAP, "version 0 -> LB_E_PVH_NO_MEMMAP");
	ok(lb_detail.a == 0 && lb_detail.b == 9, "NO_MEMMAP names version and entries");
	si.version = 1;
	si.memmap_entries = 0;
	s = pvh_read_memmap(&si, map, &m);
	is_code(s, LB_E_PVH_NO_MEMMAP, "no entries -> NO_MEMMAP");
	ok(lb_detail.a == 1 && lb_detail.b == 0, "NO_MEMMAP names version 1 and 0 entries");
	si.memmap_entries = PVH_MEMMAP_MAX + 1;
	s = pvh_read_memmap(&si, map, &m);
	is_code(s, LB_E_PVH_NO_MEMMAP, "%d entries -> NO_MEMMAP", PVH_MEMMAP_MAX + 1);
	is_u64(lb_detail.b, PVH_MEMMAP_MAX + 1, "NO_MEMMAP names the count");
	si.memmap_entries = 0xffffffff;
	is_code(pvh_read_memmap(&si, map, &m), LB_E_PVH_NO_MEMMAP, "2^32 - 1 entries -> NO_MEMMAP");
	si.memmap_entries = 9;
	si.memmap_paddr = 0;
	is_code(pvh_read_memmap(&si, map, &m), LB_E_PVH_NO_MEMMAP, "memmap_paddr 0 -> NO_MEMMAP");
	is_u64(m.n, 0, "nothing read from a bad start_info");
	si.memmap_paddr = 0x7000;
	si.version = 2;
	memset(&m, 0, sizeof(m));
	is_code(pvh_read_memmap(&si, map, &m), LB_OK, "a later version is backwards-compatible");

	/* Exactly 128 entries: read (all of them, no more: ASan would see a 129th). */
	struct hvm_memmap_table_entry *big = malloc(PVH_MEMMAP_MAX * sizeof(*big));
	for (uint32_t i = 0; i < PVH_MEMMAP_MAX; i++)
		entry(&big[i], i * 0x2000ull, 0x1000, 1 + i % 2);
	si.memmap_entries = PVH_MEMMAP_MAX;
	memset(&m, 0, sizeof(m));
	is_code(pvh_read_memmap(&si, big, &m), LB_OK, "%d entries", PVH_MEMMAP_MAX);
	ok(m.n == PVH_MEMMAP_MAX && range_is(&m, PVH_MEMMAP_MAX - 1, 127 * 0x2000ull,
					     127 * 0x2000ull + 0x1000, MEM_RESERVED),
	   "all %d read", PVH_MEMMAP_MAX);
	/* 128 entries that do not fit the map: memmap_add's error comes through. */
	for (uint32_t i = 0; i < PVH_MEMMAP_MAX; i++)
		entry(&big[i], i * 0x2000ull, 0x1000, 1);
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 0x1000000, 0x1000, MEM_RESERVED);
	s = pvh_read_memmap(&si, big, &m);
	is_code(s, LB_E_MEMMAP_FULL, "129 ranges -> LB_E_MEMMAP_FULL from memmap_add");
	free(big);
	free(map);
}

static void test_plan(void)
{
	struct boot_plan p;
	struct memmap m;

	make_map(&m);
	pvh_plan(KENTRY, KERNEL, KERNEL + KSIZE, SELF, 4 * GiB, &p);
	is_u64(p.mode, BOOT_PVH32, "mode BOOT_PVH32");
	is_u64(p.entry, KENTRY, "entry is the note's");
	is_u64(p.arg, SELF, "arg (%%ebx) = start_info");
	is_u64(p.reach, 4 * GiB, "reach passed through");
	is_u64(p.nregions, 2, "two regions");
	ok(p.region[0].start == KERNEL && p.region[0].len == KSIZE &&
	       p.region[0].claim == MEM_CLAIM_KERNEL,
	   "region 0: the kernel's span [lo, hi), claimed as kernel");
	ok(p.region[1].start == SELF && p.region[1].len == sizeof(struct pvh_start) &&
	       p.region[1].claim == MEM_CLAIM_FIRMWARE,
	   "region 1: the start_info block, in leapboot's pages");
	is_code(plan_validate(&p, &m), LB_OK, "plan_validate accepts it against the map");

	/* As loader/boot_x86.c completes it: the command line and the initrd. */
	plan_add_region(&p, CMDLINE, 2048, MEM_CLAIM_FIRMWARE);
	plan_add_region(&p, INITRD, INITRD_LEN, MEM_CLAIM_INITRD);
	is_code(plan_validate(&p, &m), LB_OK, "... with the command line and the initrd");

	/* Each piece is needed. */
	pvh_plan(KERNEL + KSIZE, KERNEL, KERNEL + KSIZE, SELF, 4 * GiB, &p);
	is_code(plan_validate(&p, &m), LB_E_PLAN_ENTRY, "entry at hi -> LB_E_PLAN_ENTRY");
	pvh_plan(KERNEL - 1, KERNEL, KERNEL + KSIZE, SELF, 4 * GiB, &p);
	is_code(plan_validate(&p, &m), LB_E_PLAN_ENTRY, "entry below lo -> LB_E_PLAN_ENTRY");
	pvh_plan(KENTRY, KERNEL, KERNEL + KSIZE + 0x1000, SELF, 4 * GiB, &p);
	is_code(plan_validate(&p, &m), LB_E_PLAN_NOT_RAM,
		"a span past the kernel claim -> LB_E_PLAN_NOT_RAM");
	pvh_plan(KENTRY, KERNEL, KERNEL + KSIZE, FW + FW_SIZE - 0x100, 4 * GiB, &p);
	is_code(plan_validate(&p, &m), LB_E_PLAN_NOT_RAM,
		"a start_info running out of leapboot's pages -> NOT_RAM");
	pvh_plan(KENTRY, KERNEL, KERNEL + KSIZE, SELF, KERNEL + KSIZE - 1, &p);
	is_code(plan_validate(&p, &m), LB_E_PLAN_UNREACHABLE,
		"the kernel past reach -> LB_E_PLAN_UNREACHABLE");

	/* A PVH kernel above 4 GiB: the 32-bit entry cannot reach it. */
	struct memmap high;
	make_map(&high);
	memmap_claim(&high, 4 * GiB + 16 * MiB, KSIZE, MEM_CLAIM_KERNEL);
	pvh_plan(4 * GiB + 16 * MiB, 4 * GiB + 16 * MiB, 4 * GiB + 16 * MiB + KSIZE, SELF,
		 UINT64_MAX, &p);
	is_code(plan_validate(&p, &high), LB_E_PLAN_UNREACHABLE,
		"a kernel above 4 GiB -> UNREACHABLE");
}

int main(void)
{
	test_build();
	test_read();
	test_plan();
	return done_testing();
}
