/* libFuzzer target: the x86 boot path's pure code on arbitrary input — the e820
 * sanitizer (boot/e820.c, boot/memmap.c), the setup header and its size checks,
 * kernel and initrd placement and boot_params (boot/bzimage.c, boot/initrd.c).
 *
 * Input: a 32-byte configuration, then n 20-byte e820 records, then the kernel's
 * first bytes (its setup header):
 *   0  u64 file_size       the kernel file's size (or the protected-mode part's)
 *   8  u64 initrd_size
 *   16 u64 limit           what the CPU reaches (bzimage_place_kernel's limit)
 *   24 u64 initrd_limit    what the loader can write (initrd_place_limited's)
 *   32 u8  n               e820 records (n % 16)
 *   33 u8  flags           bit 0: the setup comes apart (QEMU's SETUP_DATA), its size
 *                          from bytes 34-35 (0: the header's own); bit 1: carve the
 *                          PC's legacy holes
 *   34 u16 setup_bytes
 * (the configuration is 36 bytes).
 *
 * Checks, each against rules written out here independently of the code under test:
 *  - the memory map from e820_parse is sorted, disjoint, without empty or untyped
 *    ranges, and at every record boundary has the type the sanitizer's rule gives
 *    (the highest type of the records covering it, RAM losing to all);
 *  - bzimage_parse and bzimage_check_sizes give the status boot.rst's rules give,
 *    and on success the derived fields those rules give; the header is read from an
 *    exact-size heap copy (ASan catches a read past it);
 *  - a placed kernel is aligned (if relocatable), above 1 MiB, below the limit and 4 GiB, at
 *    pref_address when that is free, on RAM that was free, claimed, and the rest of
 *    the map unchanged; NO_ROOM only when no aligned free place exists;
 *  - a placed initrd is page-aligned above 1 MiB, below both limits, on free RAM, and
 *    as high as possible; each refusal (TOO_BIG, ABOVE_MAX, NO_ROOM) only when its
 *    condition holds;
 *  - boot_params carries the image's header but for the loader's fields, and an e820
 *    table that is sorted, disjoint, merged, and shows the kernel as RAM.
 * Seeds (tests/fuzz/corpus/bzimage): Debian's setup header on QEMU's pc, q35 and
 * microvm maps, and hostile headers and maps (tests/fuzz/make-seeds). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../boot/bzimage.h"
#include "../boot/e820.h"
#include "../boot/initrd.h"
#include "../../boot/le.h"

#define HARNESS __attribute__((no_sanitize("coverage"), noinline))

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_bzimage: %s:%d: check failed: %s\n", __FILE__,       \
				__LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define CONFIG	   36
#define RECORD	   20
#define ONE_MIB	   0x100000ull
#define PAGE	   0x1000ull
#define FOUR_GIB   0x100000000ull
#define MAX_RECORD 15

typedef unsigned __int128 u128;

/* The type of the map at addr (MEM_NONE in a hole). */
static HARNESS uint32_t type_at(const struct memmap *m, uint64_t addr)
{
	for (uint32_t i = 0; i < m->n; i++)
		if (m->r[i].start <= addr && addr < m->r[i].end)
			return m->r[i].type;
	return MEM_NONE;
}

static HARNESS void check_map(const struct memmap *m)
{
	check(m->n <= MEMMAP_MAX);
	for (uint32_t i = 0; i < m->n; i++) {
		check(m->r[i].start < m->r[i].end);
		check(m->r[i].type != MEM_NONE);
		if (i)
			check(m->r[i - 1].end <= m->r[i].start);
	}
}

/* --- the e820 sanitizer ------------------------------------------------------------- */

struct record {
	uint64_t addr, size;
	uint32_t type;
};

/* What etc/e820 says at addr: the highest type among the records covering it, as
 * e820_parse maps types (0 and empty records skipped, claim-range types reserved;
 * a record that wraps ends at 2^64 - 1, the last byte left out). */
static HARNESS uint32_t ref_e820_type(const struct record *r, uint32_t n, uint64_t addr)
{
	uint32_t t = MEM_NONE;
	for (uint32_t i = 0; i < n; i++) {
		if (!r[i].size || r[i].type == MEM_NONE)
			continue;
		u128 end = (u128)r[i].addr + r[i].size;
		if (end > UINT64_MAX)
			end = UINT64_MAX;
		if (addr < r[i].addr || addr >= end)
			continue;
		uint32_t ty = r[i].type < MEM_CLAIM_FIRMWARE ? r[i].type : MEM_RESERVED;
		if (t == MEM_NONE || (t == MEM_RAM && ty != MEM_RAM) || (ty != MEM_RAM && ty > t))
			t = ty;
	}
	return t;
}

/* --- the setup header --------------------------------------------------------------- */

static HARNESS int ref_parse(const uint8_t *p, size_t len)
{
	if (len < 0x206)
		return LB_E_KERNEL_TOO_SMALL;
	if (le32(p + 0x202) != SETUP_HDR_MAGIC)
		return LB_E_KERNEL_NO_HDRS;
	size_t hdr_len = 0x202 + p[0x201] - SETUP_HDR_OFFSET;
	if (hdr_len > sizeof(struct setup_header))
		hdr_len = sizeof(struct setup_header);
	if (len < SETUP_HDR_OFFSET + hdr_len)
		return LB_E_KERNEL_TOO_SMALL;
	/* Fields past the header the image provides read as 0. */
	uint8_t h[sizeof(struct setup_header)] = {0};
	memcpy(h, p + SETUP_HDR_OFFSET, hdr_len);
#define AT(off) (h + ((off)-SETUP_HDR_OFFSET)) /* the header byte at image offset off */
	if (le16(AT(0x1fe)) != BOOT_FLAG_MAGIC)
		return LB_E_KERNEL_NO_BOOTFLAG;
	uint64_t version = le16(AT(0x206));
	if (version < 0x202 || !(*AT(0x211) & LOADED_HIGH))
		return LB_E_KERNEL_16BIT_ONLY;
	/* syssize is 16 bits wide before 2.04 */
	uint64_t syssize = version >= 0x204 ? le32(AT(0x1f4)) : le16(AT(0x1f4));
	if (!syssize || !le32(AT(0x214)))
		return LB_E_KERNEL_REAL_MODE_ONLY;
#undef AT
	return LB_OK;
}

static HARNESS void check_parsed(const struct bzimage *bz, const uint8_t *p)
{
	const struct setup_header *h = &bz->hdr;
	size_t hdr_len = 0x202 + p[0x201] - SETUP_HDR_OFFSET;
	if (hdr_len > sizeof(*h))
		hdr_len = sizeof(*h);
	check(bz->hdr_len == hdr_len);
	check(memcmp(h, p + SETUP_HDR_OFFSET, hdr_len) == 0);
	for (size_t i = hdr_len; i < sizeof(*h); i++)
		check(((const uint8_t *)h)[i] == 0);
	check(bz->setup_size == ((h->setup_sects ? h->setup_sects : 4) + 1u) * 512u);
	bool k64 = h->version >= 0x20C && (h->xloadflags & XLF_KERNEL_64);
	check(bz->mode == (k64 ? BOOT_LINUX64 : BOOT_LINUX32));
	uint64_t il = (h->version >= 0x203 ? h->initrd_addr_max : 0x37FFFFFFull) + 1;
	if (h->version >= 0x20C && (h->xloadflags & XLF_CAN_LOAD_ABOVE_4G))
		il = UINT64_MAX;
	check(bz->initrd_limit == il);
	check(bz->cmdline_max == (h->version >= 0x206 ? h->cmdline_size : 255));
	bool reloc = h->version >= 0x205 && h->relocatable_kernel;
	uint32_t ka = h->kernel_alignment;
	bool pow2 = ka && !(ka & (ka - 1));
	check(bz->align == (reloc && pow2 ? ka : ONE_MIB));
	check(bz->align && !(bz->align & (bz->align - 1)));
}

static HARNESS int ref_sizes(const struct bzimage *bz, uint64_t setup_bytes, uint64_t file_size,
			     uint64_t *pm, uint64_t *init)
{
	const struct setup_header *h = &bz->hdr;
	if (setup_bytes) {
		if (setup_bytes != bz->setup_size)
			return LB_E_KERNEL_SETUP_MISMATCH;
		*pm = file_size;
	} else {
		if (bz->setup_size >= file_size)
			return LB_E_KERNEL_SETUP_TOO_BIG;
		*pm = file_size - bz->setup_size;
	}
	u128 sys = h->version >= 0x204 ? (u128)h->syssize * 16 : 0;
	if (*pm + 15 < sys) /* paragraphs, the last one partial */
		return LB_E_KERNEL_TRUNCATED;
	u128 need = h->version >= 0x20A ? h->init_size : (u128)*pm * 4;
	if (need < *pm)
		need = *pm;
	need = (need + PAGE - 1) & ~(u128)(PAGE - 1);
	if (need > UINT64_MAX)
		return LB_E_KERNEL_NO_ROOM; /* no room anywhere for that much */
	*init = (uint64_t)need;
	return LB_OK;
}

/* --- placement ---------------------------------------------------------------------- */

/* Whether some place [a, a+len) with a aligned, lo <= a and a+len <= hi is free RAM. */
static HARNESS bool ref_fits(const struct memmap *m, uint64_t len, uint64_t align, uint64_t lo,
			     uint64_t hi)
{
	for (uint32_t i = 0; i < m->n; i++) {
		if (m->r[i].type != MEM_RAM)
			continue;
		u128 s = m->r[i].start > lo ? m->r[i].start : lo;
		u128 e = m->r[i].end < hi ? m->r[i].end : hi;
		s = (s + align - 1) & ~(u128)(align - 1);
		if (s + len <= e)
			return true;
	}
	return false;
}

/* The highest page-aligned a >= 1 MiB with [a, a+len) free RAM below hi, or 0. */
static HARNESS uint64_t ref_highest(const struct memmap *m, uint64_t len, uint64_t hi)
{
	uint64_t best = 0;
	for (uint32_t i = 0; i < m->n; i++) {
		if (m->r[i].type != MEM_RAM)
			continue;
		uint64_t s = m->r[i].start > ONE_MIB ? m->r[i].start : ONE_MIB;
		uint64_t e = m->r[i].end < hi ? m->r[i].end : hi;
		if (e <= s || e - s < len)
			continue;
		uint64_t a = (e - len) & ~(PAGE - 1);
		if (a >= s && a > best)
			best = a;
	}
	return best;
}

/* after == before but for [lo, hi), which is entirely claim in after. */
static HARNESS void check_claimed(const struct memmap *before, const struct memmap *after,
				  uint64_t lo, uint64_t hi, uint32_t claim)
{
	check_map(after);
	check(memmap_covered(before, lo, hi, MEM_RAM));
	check(memmap_covered(after, lo, hi, claim));
	for (uint32_t i = 0; i < after->n; i++) {
		const struct mem_range *r = &after->r[i];
		if (r->start >= lo && r->end <= hi)
			continue;
		check(r->end <= lo || r->start >= hi);
		check(memmap_covered(before, r->start, r->end, r->type));
	}
	check(memmap_ram_size(after, UINT64_MAX) == memmap_ram_size(before, UINT64_MAX));
}

static HARNESS void check_boot_params(const struct bzimage *bz, const struct boot_params *bp,
				      const struct memmap *m)
{
	struct setup_header want = bz->hdr;
	want.type_of_loader = LOADER_TYPE_UNKNOWN;
	want.loadflags &= LOADED_HIGH | 0x20;
	want.heap_end_ptr = 0;
	want.code32_start = (uint32_t)bz->load;
	want.cmd_line_ptr = bp->hdr.cmd_line_ptr;
	want.ramdisk_image = bp->hdr.ramdisk_image;
	want.ramdisk_size = bp->hdr.ramdisk_size;
	want.setup_data = 0;
	check(memcmp(&want, &bp->hdr, bz->hdr_len) == 0);
	check(bp->e820_entries <= 128);
	uint64_t covered = 0, ram = 0;
	for (uint32_t i = 0; i < bp->e820_entries; i++) {
		const struct boot_e820_entry *e = &bp->e820_table[i];
		check(e->size && e->type != MEM_NONE && e->type < MEM_CLAIM_FIRMWARE);
		check((u128)e->addr + e->size <= (u128)UINT64_MAX + 1);
		if (i) {
			const struct boot_e820_entry *p = &bp->e820_table[i - 1];
			check(p->addr + p->size <= e->addr);
			check(p->addr + p->size < e->addr || p->type != e->type);
		}
		covered += e->size;
		if (e->type == MEM_RAM)
			ram += e->size;
		if (e->addr <= bz->load && bz->load + bz->init_size <= e->addr + e->size)
			check(e->type == MEM_RAM);
	}
	uint64_t map_total = 0;
	for (uint32_t i = 0; i < m->n; i++)
		map_total += m->r[i].end - m->r[i].start;
	check(covered == map_total);
	check(ram >= bz->init_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < CONFIG)
		return 0;
	uint64_t file_size = le64(data), initrd_size = le64(data + 8);
	uint64_t limit = le64(data + 16), initrd_limit = le64(data + 24);
	uint32_t n = data[32] % (MAX_RECORD + 1);
	uint8_t flags = data[33];
	uint64_t setup_bytes = flags & 1 ? le16(data + 34) : 0;
	data += CONFIG;
	size -= CONFIG;
	if (size < (size_t)n * RECORD)
		return 0;

	/* The memory map. */
	static struct memmap m, before;
	struct record rec[MAX_RECORD];
	memset(&m, 0, sizeof(m));
	for (uint32_t i = 0; i < n; i++)
		rec[i] = (struct record){le64(data + i * RECORD), le64(data + i * RECORD + 8),
					 (uint32_t)le32(data + i * RECORD + 16)};
	uint8_t *raw = malloc(n * RECORD + 1);
	memcpy(raw, data, n * RECORD);
	status_t s = e820_parse(&m, raw, n * RECORD);
	free(raw);
	check(s.code == LB_OK || s.code == LB_E_MEMMAP_FULL);
	if (s.code)
		return 0;
	check_map(&m);
	for (uint32_t i = 0; i < n; i++) {
		/* Every range starts and ends at a record's edge: probe both sides of each. */
		uint64_t edges[4] = {rec[i].addr, rec[i].addr - 1, rec[i].addr + rec[i].size,
				     rec[i].addr + rec[i].size - 1};
		for (int j = 0; j < 4; j++)
			check(type_at(&m, edges[j]) == ref_e820_type(rec, n, edges[j]));
	}
	data += n * RECORD;
	size -= n * RECORD;
	if (flags & 2) {
		s = e820_carve_legacy(&m);
		check(s.code == LB_OK || s.code == LB_E_MEMMAP_FULL);
		if (s.code)
			return 0;
		check_map(&m);
		check(type_at(&m, 0xA0000) == MEM_NONE && type_at(&m, 0xEFFFF) == MEM_NONE);
		check(type_at(&m, 0x9FC00) == MEM_RESERVED && type_at(&m, 0xFFFFF) == MEM_RESERVED);
	}

	/* The setup header, from an exact-size copy. */
	uint8_t *head = malloc(size ? size : 1);
	memcpy(head, data, size);
	struct bzimage bz;
	s = bzimage_parse(&bz, head, size);
	check(s.code == ref_parse(head, size));
	if (s.code) {
		free(head);
		return 0;
	}
	check_parsed(&bz, head);
	free(head);

	uint64_t pm = 0, init = 0;
	int want = ref_sizes(&bz, setup_bytes, file_size, &pm, &init);
	s = bzimage_check_sizes(&bz, setup_bytes, file_size);
	check(s.code == want);
	if (s.code)
		return 0;
	check(bz.pm_size == pm && bz.init_size == init);

	/* The kernel's place. */
	before = m;
	s = bzimage_place_kernel(&bz, &m, limit);
	uint64_t cap = limit < FOUR_GIB ? limit : FOUR_GIB;
	uint64_t pref = bz.hdr.version >= 0x20A ? bz.hdr.pref_address : ONE_MIB;
	bool reloc = bz.hdr.version >= 0x205 && bz.hdr.relocatable_kernel;
	bool pref_ok = pref >= ONE_MIB && (!reloc || !(pref & (bz.align - 1))) && pref < cap &&
		       bz.init_size <= cap - pref &&
		       memmap_covered(&before, pref, pref + bz.init_size, MEM_RAM);
	if (s.code == LB_OK) {
		check(bz.load >= ONE_MIB && (!reloc || !(bz.load & (bz.align - 1))));
		check(bz.load < cap && bz.init_size <= cap - bz.load);
		check(!pref_ok || bz.load == pref);
		check(pref_ok || reloc);
		check_claimed(&before, &m, bz.load, bz.load + bz.init_size, MEM_CLAIM_KERNEL);
	} else if (s.code == LB_E_KERNEL_NOT_RELOCATABLE) {
		check(!reloc && !pref_ok);
		return 0;
	} else {
		check(s.code == LB_E_KERNEL_NO_ROOM || s.code == LB_E_MEMMAP_FULL);
		if (s.code == LB_E_KERNEL_NO_ROOM)
			check(reloc && !pref_ok &&
			      !ref_fits(&before, bz.init_size, bz.align, ONE_MIB, cap));
		return 0;
	}

	/* The initrd's place. */
	uint64_t addr = 0, pages = (initrd_size + PAGE - 1) & ~(PAGE - 1);
	uint64_t top = bz.initrd_limit < initrd_limit ? bz.initrd_limit : initrd_limit;
	before = m;
	if (initrd_size && pages) {
		s = initrd_place_limited(&m, initrd_size, bz.initrd_limit, initrd_limit, &addr);
		if (s.code == LB_OK) {
			check(addr >= ONE_MIB && !(addr & (PAGE - 1)) && addr + pages <= top);
			check(addr == ref_highest(&before, pages, top));
			check_claimed(&before, &m, addr, addr + pages, MEM_CLAIM_INITRD);
		} else if (s.code == LB_E_INITRD_TOO_BIG) {
			check(initrd_size > memmap_ram_size(&before, top));
		} else if (s.code == LB_E_INITRD_ABOVE_MAX) {
			check(bz.initrd_limit < initrd_limit &&
			      initrd_size <= memmap_ram_size(&before, initrd_limit));
			check(!ref_fits(&before, pages, PAGE, ONE_MIB, top) ||
			      initrd_size > memmap_ram_size(&before, top));
		} else {
			check(s.code == LB_E_INITRD_NO_ROOM || s.code == LB_E_MEMMAP_FULL);
			if (s.code == LB_E_INITRD_NO_ROOM)
				check(!ref_fits(&before, pages, PAGE, ONE_MIB, top));
		}
		if (s.code)
			return 0;
	}

	/* boot_params. */
	static struct boot_params bp;
	struct bzimage_args args = {0x20000, addr, addr ? initrd_size : 0, 0xF0000};
	s = bzimage_boot_params(&bz, &bp, &args, &m);
	check(s.code == LB_OK || s.code == LB_E_E820_TOO_MANY);
	if (s.code == LB_OK) {
		check_boot_params(&bz, &bp, &m);
		check(bp.hdr.cmd_line_ptr == 0x20000 && bp.acpi_rsdp_addr == 0xF0000);
		check(((uint64_t)bp.ext_ramdisk_image << 32 | bp.hdr.ramdisk_image) == addr);
	}
	return 0;
}
