/* The UEFI memory map as leapboot's memmap (boot/efi/efi_memmap.c): an OVMF-shaped
 * map at both descriptor sizes, each EFI type, and each malformed map. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../boot/efi/efi_memmap.h"
#include "map_is.h"

#define PAGE 0x1000ull

struct desc {
	uint32_t type;
	uint64_t start, pages;
};

/* Descriptors as the firmware lays them out, desc_size bytes apart: the fields
 * of UEFI 2.10 §7.2 at their offsets, the padding after Type and past the 40
 * bytes filled with junk that must be ignored. */
static uint8_t *lay_out(const struct desc *d, uint32_t n, uint32_t desc_size)
{
	uint32_t size = n * desc_size;
	uint8_t *map = malloc(size ? size : 1);
	memset(map, 0xa5, size);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t *p = map + i * desc_size;
		uint64_t virt = 0, attr = 0xf; /* UC | WC | WT | WB */
		memcpy(p, &d[i].type, 4);
		memcpy(p + 8, &d[i].start, 8);
		memcpy(p + 16, &virt, 8);
		memcpy(p + 24, &d[i].pages, 8);
		memcpy(p + 32, &attr, 8);
	}
	return map;
}

static status_t convert(struct memmap *m, const struct desc *d, uint32_t n, uint32_t desc_size)
{
	uint8_t *map = lay_out(d, n, desc_size);
	memset(m, 0, sizeof(*m));
	status_t s = efi_memmap_convert(m, map, (uint64_t)n * desc_size, desc_size);
	free(map);
	return s;
}

#define N(a) (uint32_t)(sizeof(a) / sizeof((a)[0]))

/* What OVMF gives a 512 MiB q35 guest, in its order (by address): low memory, the
 * early NVS pages, the leapboot.efi image and its data, boot-services memory,
 * runtime code and data, ACPI tables, q35's MMCONFIG window and the flash. */
static const struct desc ovmf[] = {
    {EFI_CONVENTIONAL_MEMORY, 0x0, 0x9f},
    {EFI_CONVENTIONAL_MEMORY, 0x100000, 0x700},
    {EFI_BOOT_SERVICES_DATA, 0x800000, 0x6},
    {EFI_ACPI_MEMORY_NVS, 0x806000, 0x2},
    {EFI_CONVENTIONAL_MEMORY, 0x808000, 0x8},
    {EFI_ACPI_MEMORY_NVS, 0x810000, 0xf0},
    {EFI_BOOT_SERVICES_DATA, 0x900000, 0x700},
    {EFI_LOADER_CODE, 0x1000000, 0x20},
    {EFI_LOADER_DATA, 0x1020000, 0x100},
    {EFI_CONVENTIONAL_MEMORY, 0x1120000, 0x1cee0},
    {EFI_BOOT_SERVICES_CODE, 0x1e000000, 0x800},
    {EFI_BOOT_SERVICES_DATA, 0x1e800000, 0x1000},
    {EFI_RUNTIME_SERVICES_CODE, 0x1f800000, 0x100},
    {EFI_RUNTIME_SERVICES_DATA, 0x1f900000, 0x200},
    {EFI_RESERVED_MEMORY, 0x1fb00000, 0x7e},
    {EFI_ACPI_RECLAIM_MEMORY, 0x1fb7e000, 0xa},
    {EFI_ACPI_MEMORY_NVS, 0x1fb88000, 0x78},
    {EFI_BOOT_SERVICES_DATA, 0x1fc00000, 0x300},
    {EFI_RUNTIME_SERVICES_DATA, 0x1ff00000, 0x80},
    {EFI_CONVENTIONAL_MEMORY, 0x1ff80000, 0x80},
    {EFI_RESERVED_MEMORY, 0xb0000000, 0x10000},
    {EFI_MEMORY_MAPPED_IO, 0xffc00000, 0x400},
};

/* Loader, boot-services and free memory merge into RAM; runtime services, the
 * reserved pages, MMCONFIG and the flash are reserved. */
static const struct exp ovmf_e820[] = {
    {0x0, 0x9f000, MEM_RAM},
    {0x100000, 0x806000, MEM_RAM},
    {0x806000, 0x808000, MEM_NVS},
    {0x808000, 0x810000, MEM_RAM},
    {0x810000, 0x900000, MEM_NVS},
    {0x900000, 0x1f800000, MEM_RAM},
    {0x1f800000, 0x1fb7e000, MEM_RESERVED},
    {0x1fb7e000, 0x1fb88000, MEM_ACPI},
    {0x1fb88000, 0x1fc00000, MEM_NVS},
    {0x1fc00000, 0x1ff00000, MEM_RAM},
    {0x1ff00000, 0x1ff80000, MEM_RESERVED},
    {0x1ff80000, 0x20000000, MEM_RAM},
    {0xb0000000, 0xc0000000, MEM_RESERVED},
    {0xffc00000, 0x100000000, MEM_RESERVED},
};

static void test_ovmf(void)
{
	struct memmap m;
	static const uint32_t sizes[] = {48 /* OVMF, AAVMF */, 40 /* the bare struct */, 56, 136};

	for (uint32_t i = 0; i < N(sizes); i++) {
		char what[64];
		snprintf(what, sizeof(what), "OVMF map, %u-byte descriptors", sizes[i]);
		is_code(convert(&m, ovmf, N(ovmf), sizes[i]), LB_OK, "%s converts", what);
		map_is(&m, ovmf_e820, N(ovmf_e820), what, __LINE__);
	}

	/* memmap_add sorts: the same map backwards gives the same result. */
	struct desc rev[N(ovmf)];
	for (uint32_t i = 0; i < N(ovmf); i++)
		rev[i] = ovmf[N(ovmf) - 1 - i];
	is_code(convert(&m, rev, N(rev), 48), LB_OK, "OVMF map backwards converts");
	map_is(&m, ovmf_e820, N(ovmf_e820), "OVMF map backwards", __LINE__);

	/* The firmware promises 8-byte alignment only; the fields are copied out. */
	uint8_t *map = lay_out(ovmf, N(ovmf), 48);
	uint8_t *odd = malloc(N(ovmf) * 48 + 1);
	memcpy(odd + 1, map, N(ovmf) * 48);
	memset(&m, 0, sizeof(m));
	is_code(efi_memmap_convert(&m, odd + 1, N(ovmf) * 48, 48), LB_OK,
		"OVMF map at an odd address converts");
	map_is(&m, ovmf_e820, N(ovmf_e820), "OVMF map at an odd address", __LINE__);
	free(odd);

	/* Added to what the map already holds, like any memmap_add. */
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 0x1fa00000, 0x10000, MEM_NVS);
	is_code(efi_memmap_convert(&m, map, N(ovmf) * 48, 48), LB_OK, "into a non-empty map");
	ok(memmap_covered(&m, 0x1fa00000, 0x1fa10000, MEM_NVS) &&
	       memmap_covered(&m, 0x1fa10000, 0x1fb7e000, MEM_RESERVED),
	   "an NVS range already there outranks runtime data");
	free(map);
}

static void test_types(void)
{
	static const struct {
		uint32_t efi, mem;
	} types[] = {
	    {EFI_RESERVED_MEMORY, MEM_RESERVED},
	    {EFI_LOADER_CODE, MEM_RAM},
	    {EFI_LOADER_DATA, MEM_RAM},
	    {EFI_BOOT_SERVICES_CODE, MEM_RAM},
	    {EFI_BOOT_SERVICES_DATA, MEM_RAM},
	    {EFI_RUNTIME_SERVICES_CODE, MEM_RESERVED},
	    {EFI_RUNTIME_SERVICES_DATA, MEM_RESERVED},
	    {EFI_CONVENTIONAL_MEMORY, MEM_RAM},
	    {EFI_UNUSABLE_MEMORY, MEM_UNUSABLE},
	    {EFI_ACPI_RECLAIM_MEMORY, MEM_ACPI},
	    {EFI_ACPI_MEMORY_NVS, MEM_NVS},
	    {EFI_MEMORY_MAPPED_IO, MEM_RESERVED},
	    {EFI_MEMORY_MAPPED_IO_PORT_SPACE, MEM_RESERVED},
	    {EFI_PAL_CODE, MEM_RESERVED},
	    {EFI_PERSISTENT_MEMORY, MEM_RESERVED},
	    {EFI_UNACCEPTED_MEMORY, MEM_RESERVED},
	    {16, MEM_RESERVED},
	    {0x70000000, MEM_RESERVED}, /* OEM */
	    {0x80000000, MEM_RESERVED}, /* OS loader */
	    {0xffffffff, MEM_RESERVED},
	};
	_Static_assert(EFI_ACPI_MEMORY_NVS == 10 && EFI_UNACCEPTED_MEMORY == 15, "UEFI types");
	struct memmap m;

	for (uint32_t i = 0; i < N(types); i++) {
		struct desc d = {types[i].efi, 0x40000000, 16};
		status_t s = convert(&m, &d, 1, 48);
		ok(s.code == LB_OK && m.n == 1 && m.r[0].start == 0x40000000 &&
		       m.r[0].end == 0x40010000 && m.r[0].type == types[i].mem,
		   "EFI type %#x is memmap type %u", types[i].efi, types[i].mem);
	}
}

static void test_empty(void)
{
	struct memmap m;

	is_code(convert(&m, NULL, 0, 48), LB_OK, "an empty map converts");
	is_u64(m.n, 0, "to nothing");

	/* Zero pages: nothing to add, wherever it is. */
	static const struct desc zero[] = {
	    {EFI_CONVENTIONAL_MEMORY, 0x100000, 0x100},
	    {EFI_ACPI_MEMORY_NVS, 0x140000, 0},
	    {EFI_RESERVED_MEMORY, 0xfffffffffffff000, 0},
	};
	is_code(convert(&m, zero, N(zero), 48), LB_OK, "zero-page descriptors convert");
	static const struct exp ram[] = {{0x100000, 0x200000, MEM_RAM}};
	map_is(&m, ram, N(ram), "zero-page descriptors are skipped", __LINE__);

	/* Many descriptors that merge: OVMF's maps often have over a hundred. */
	struct desc many[300];
	for (uint32_t i = 0; i < N(many); i++)
		many[i] = (struct desc){i % 2 ? EFI_BOOT_SERVICES_DATA : EFI_CONVENTIONAL_MEMORY,
					0x100000 + i * PAGE, 1};
	is_code(convert(&m, many, N(many), 48), LB_OK, "300 adjacent RAM descriptors convert");
	static const struct exp one[] = {{0x100000, 0x100000 + 300 * PAGE, MEM_RAM}};
	map_is(&m, one, N(one), "300 adjacent RAM descriptors", __LINE__);

	/* The widest range that fits: 2^52 - 1 pages from 0. */
	struct desc wide = {EFI_CONVENTIONAL_MEMORY, 0, 0xfffffffffffffull};
	is_code(convert(&m, &wide, 1, 40), LB_OK, "2^52 - 1 pages from 0 convert");
	static const struct exp all[] = {{0, 0xfffffffffffff000ull, MEM_RAM}};
	map_is(&m, all, N(all), "2^52 - 1 pages from 0", __LINE__);
}

/* The map's geometry: desc_size at least the 40-byte struct, a multiple of 8, and
 * size a whole number of descriptors. */
static void test_bad_geometry(void)
{
	static const struct {
		uint64_t size, desc_size;
	} bad[] = {
	    {48, 0},	  {48, 8},	{64, 32},	  {39 * 2, 39},
	    {44 * 2, 44}, {52 * 2, 52}, {47, 48},	  {48 + 40, 48},
	    {40, 48},	  {1, 40},	{48 * 3 - 8, 48}, {96, 0x8000000000000000ull},
	};
	uint8_t map[256];
	memset(map, 0, sizeof(map));
	for (uint32_t i = 0; i < N(bad); i++) {
		struct memmap m = {0};
		status_t s = efi_memmap_convert(&m, map, bad[i].size, bad[i].desc_size);
		ok(s.code == LB_E_EFI_BAD_MEMMAP && lb_detail.a == bad[i].desc_size &&
		       lb_detail.b == bad[i].size && m.n == 0,
		   "%llu bytes of %llu-byte descriptors: LB_E_EFI_BAD_MEMMAP (desc_size, size)",
		   (unsigned long long)bad[i].size, (unsigned long long)bad[i].desc_size);
	}
}

/* A descriptor whose range cannot be a [start, end) in 64 bits, or whose start is
 * not page-aligned: refused with its index and start. */
static void test_bad_descriptor(void)
{
	static const struct desc bad[] = {
	    {EFI_CONVENTIONAL_MEMORY, 0x100001, 1},
	    {EFI_CONVENTIONAL_MEMORY, 0x100800, 0x100},
	    {EFI_ACPI_MEMORY_NVS, 0xfff, 1},
	    {EFI_CONVENTIONAL_MEMORY, 0x1001, 0}, /* checked before the zero pages are skipped */
	    {EFI_CONVENTIONAL_MEMORY, 0xfffffffffffff000ull, 2},
	    {EFI_CONVENTIONAL_MEMORY, 0xfffffffffffff000ull, 1}, /* ends at 2^64 */
	    {EFI_CONVENTIONAL_MEMORY, 0x1000, 0xfffffffffffffull},
	    {EFI_CONVENTIONAL_MEMORY, 0, 0x10000000000000ull}, /* 2^52 pages: 2^64 bytes */
	    {EFI_CONVENTIONAL_MEMORY, 0, 0x8000000000000000ull},
	    {EFI_CONVENTIONAL_MEMORY, 0, 0xffffffffffffffffull},
	};
	for (uint32_t i = 0; i < N(bad); i++) {
		/* Two good descriptors, then the bad one. */
		struct desc d[3] = {ovmf[0], ovmf[1], bad[i]};
		struct memmap m;
		status_t s = convert(&m, d, 3, 48);
		ok(s.code == LB_E_EFI_BAD_MEMMAP && lb_detail.a == 2 && lb_detail.b == bad[i].start,
		   "start %#llx, %#llx pages: LB_E_EFI_BAD_MEMMAP (index 2, start)",
		   (unsigned long long)bad[i].start, (unsigned long long)bad[i].pages);
	}
}

/* One range per descriptor: MEMMAP_MAX fit, one more is LB_E_MEMMAP_FULL and
 * leaves the map as it was. */
static void test_full(void)
{
	struct desc d[MEMMAP_MAX + 1];
	struct memmap m;

	for (uint32_t i = 0; i < N(d); i++)
		d[i] = (struct desc){EFI_CONVENTIONAL_MEMORY, 0x100000 + 2 * i * PAGE, 1};
	is_code(convert(&m, d, MEMMAP_MAX, 48), LB_OK, "%u separate ranges fit", MEMMAP_MAX);
	is_u64(m.n, MEMMAP_MAX, "the map is full");
	status_t s = convert(&m, d, MEMMAP_MAX + 1, 48);
	ok(s.code == LB_E_MEMMAP_FULL && lb_detail.a == MEMMAP_MAX,
	   "%u separate ranges: LB_E_MEMMAP_FULL", MEMMAP_MAX + 1);
	ok(m.n == MEMMAP_MAX && m.r[MEMMAP_MAX - 1].start == 0x100000 + 2 * (MEMMAP_MAX - 1) * PAGE,
	   "the map keeps the first %u", MEMMAP_MAX);

	/* Holes punched into RAM: each one splits a range in three. */
	struct desc holes[1 + 64];
	holes[0] = (struct desc){EFI_CONVENTIONAL_MEMORY, 0x40000000, 0x10000};
	for (uint32_t i = 1; i < N(holes); i++)
		holes[i] = (struct desc){EFI_RUNTIME_SERVICES_DATA, 0x40000000 + i * 0x100000, 1};
	is_code(convert(&m, holes, N(holes) - 1, 40), LB_OK, "RAM with 63 holes fits");
	is_u64(m.n, 127, "in 127 ranges");
	s = convert(&m, holes, N(holes), 40);
	is_code(s, LB_E_MEMMAP_FULL, "RAM with 64 holes: LB_E_MEMMAP_FULL");
	is_u64(m.n, 127, "the map keeps its 127 ranges");
}

int main(void)
{
	test_ovmf();
	test_types();
	test_empty();
	test_bad_geometry();
	test_bad_descriptor();
	test_full();
	return done_testing();
}
