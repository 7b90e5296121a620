/* arm64 Linux boot (boot/arm64.c): the Image header, placement, and the FDT /memory
 * and /chosen nodes, on synthetic Images and on DTBs built here with libfdt's
 * sequential-write API (the host's libfdt-dev). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>

#include "../boot/arm64.h"
#include "../boot/dtb.h"
#include "../boot/fdt_check.h"
#include "tap.h"

#define KiB 0x400ull
#define MiB 0x100000ull
#define GiB 0x40000000ull

#define RAM_BASE 0x40000000ull /* QEMU virt */
#define RAM_SIZE (512 * MiB)

/* Debian 12's linux-image-6.1.0-*-cloud-arm64 Image header: text_offset 0, image_size
 * 0x1ab0000, flags 0xa (little-endian, 4 KiB pages, anywhere in RAM), PE at 0x40. */
#define DEBIAN_IMAGE_SIZE 0x1ab0000ull
#define DEBIAN_FLAGS	  0xaull

/* ---- Image headers --------------------------------------------------------- */

static struct arm64_image_header debian_header(void)
{
	struct arm64_image_header h;
	memset(&h, 0, sizeof(h));
	h.code0 = 0xfa405a4d; /* "MZ" + ccmp, the EFI stub's first instruction */
	h.code1 = 0x144e6346; /* b primary_entry */
	h.text_offset = 0;
	h.image_size = DEBIAN_IMAGE_SIZE;
	h.flags = DEBIAN_FLAGS;
	h.magic = ARM64_IMAGE_MAGIC;
	h.pe_offset = 0x40;
	return h;
}

static status_t parse_header(struct arm64_image *img, const struct arm64_image_header *h)
{
	return arm64_parse(img, h, sizeof(*h));
}

static void test_parse(void)
{
	struct arm64_image img;
	struct arm64_image_header h = debian_header();

	static const uint8_t magic[4] = {'A', 'R', 'M', 0x64};
	ok(memcmp((const uint8_t *)&h + 0x38, magic, 4) == 0, "ARM64_IMAGE_MAGIC is \"ARM\\x64\"");

	memset(&img, 0xa5, sizeof(img));
	is_code(parse_header(&img, &h), LB_OK, "Debian's Image header parses");
	is_u64(img.text_offset, 0, "text_offset 0");
	is_u64(img.image_size, DEBIAN_IMAGE_SIZE, "image_size from the header");
	is_u64(img.flags, DEBIAN_FLAGS, "flags from the header");
	is_u64(img.base, 0, "base is not set by parse");

	/* The header at the start of a larger buffer, and at an odd address. */
	uint8_t *buf = calloc(1, 4096 + 1);
	memcpy(buf + 1, &h, sizeof(h));
	is_code(arm64_parse(&img, buf + 1, 4096), LB_OK, "header in a 4 KiB, unaligned buffer");
	is_u64(img.image_size, DEBIAN_IMAGE_SIZE, "  image_size read unaligned");
	free(buf);

	/* An older (3.17 .. 5.x) kernel: text_offset 0x80000, flags 0. */
	h.text_offset = 0x80000;
	h.flags = 0;
	is_code(parse_header(&img, &h), LB_OK, "text_offset 0x80000, flags 0");
	is_u64(img.text_offset, 0x80000, "  text_offset 0x80000");

	/* Too short. */
	h = debian_header();
	is_code(arm64_parse(&img, &h, sizeof(h) - 1), LB_E_ARM64_TOO_SHORT,
		"63 bytes: not an Image");
	is_code(arm64_parse(&img, &h, 0), LB_E_ARM64_TOO_SHORT, "0 bytes: not an Image");

	/* No magic. */
	h.magic = 0x644d5242;
	is_code(parse_header(&img, &h), LB_E_ARM64_NOT_IMAGE, "wrong magic: not an Image");
	uint8_t gz[64] = {0x1f, 0x8b, 0x08, 0x00};
	is_code(arm64_parse(&img, gz, sizeof(gz)), LB_E_ARM64_NOT_IMAGE,
		"gzip bytes: not an Image");
	uint8_t zeros[64] = {0};
	is_code(arm64_parse(&img, zeros, sizeof(zeros)), LB_E_ARM64_NOT_IMAGE,
		"zeros: not an Image");

	/* Pre-3.17: image_size 0 (text_offset unknown, little-endian assumed). */
	h = debian_header();
	h.text_offset = 0x80000;
	h.image_size = 0;
	h.flags = 0;
	is_code(parse_header(&img, &h), LB_E_ARM64_OLD_IMAGE, "image_size 0: pre-3.17 Image");

	/* Big-endian kernel. */
	h = debian_header();
	h.flags |= ARM64_FLAG_BE;
	is_code(parse_header(&img, &h), LB_E_ARM64_BIG_ENDIAN, "flags bit 0: big-endian kernel");

	/* Implausible sizes. */
	h = debian_header();
	h.text_offset = 2 * GiB;
	is_code(parse_header(&img, &h), LB_E_ARM64_BAD_HEADER, "text_offset 2 GiB refused");
	h.text_offset = UINT64_MAX;
	is_code(parse_header(&img, &h), LB_E_ARM64_BAD_HEADER, "text_offset ~0 refused");
	h = debian_header();
	h.image_size = ARM64_IMAGE_SIZE_MAX + 1;
	is_code(parse_header(&img, &h), LB_E_ARM64_BAD_HEADER, "image_size 4 GiB refused");
	h.image_size = UINT64_MAX;
	is_code(parse_header(&img, &h), LB_E_ARM64_BAD_HEADER, "image_size ~0 refused");
	h.image_size = ARM64_IMAGE_SIZE_MAX;
	is_code(parse_header(&img, &h), LB_OK, "image_size 4 GiB - 1 accepted");

	/* A failed parse leaves nothing behind. */
	h.magic = 0;
	memset(&img, 0xa5, sizeof(img));
	parse_header(&img, &h);
	ok(img.text_offset == 0 && img.image_size == 0 && img.flags == 0 && img.base == 0,
	   "a failed parse zeroes the result");
}

/* ---- placement --------------------------------------------------------------- */

static struct memmap virt_ram(void)
{
	struct memmap m;
	memset(&m, 0, sizeof(m));
	memmap_add(&m, RAM_BASE, RAM_SIZE, MEM_RAM);
	return m;
}

static struct arm64_image image(uint64_t text_offset, uint64_t image_size)
{
	struct arm64_image img;
	memset(&img, 0, sizeof(img));
	img.text_offset = text_offset;
	img.image_size = image_size;
	img.flags = DEBIAN_FLAGS;
	return img;
}

static bool same_map(const struct memmap *a, const struct memmap *b)
{
	if (a->n != b->n)
		return false;
	for (uint32_t i = 0; i < a->n; i++)
		if (a->r[i].start != b->r[i].start || a->r[i].end != b->r[i].end ||
		    a->r[i].type != b->r[i].type)
			return false;
	return true;
}

static void test_place(void)
{
	struct memmap m = virt_ram();
	struct arm64_image img = image(0, DEBIAN_IMAGE_SIZE);

	/* Empty RAM: the very start of RAM. */
	is_code(arm64_place(&img, &m), LB_OK, "place in empty RAM");
	is_u64(img.base, RAM_BASE, "  at the start of RAM");
	ok(memmap_covered(&m, RAM_BASE, RAM_BASE + DEBIAN_IMAGE_SIZE, MEM_CLAIM_KERNEL),
	   "  [base, base + image_size) claimed for the kernel");
	ok(memmap_covered(&m, RAM_BASE + DEBIAN_IMAGE_SIZE, RAM_BASE + RAM_SIZE, MEM_RAM),
	   "  the rest of RAM is free");

	/* As leapboot.bin does on virt: the DTB (1 MiB at the start of RAM) and the firmware's
	 * own RAM claimed first; the kernel goes to the next 2 MiB boundary. */
	m = virt_ram();
	is_code(memmap_claim(&m, RAM_BASE, MiB, MEM_CLAIM_FIRMWARE), LB_OK, "claim the DTB");
	is_code(memmap_claim(&m, RAM_BASE + MiB, 256 * KiB, MEM_CLAIM_FIRMWARE), LB_OK,
		"claim the firmware's RAM");
	img = image(0, DEBIAN_IMAGE_SIZE);
	is_code(arm64_place(&img, &m), LB_OK, "place after the DTB and firmware");
	is_u64(img.base, 0x40200000, "  base 0x40200000");
	ok(img.base % ARM64_KERNEL_ALIGN == 0, "  2 MiB aligned");
	ok(memmap_covered(&m, 0x40200000, 0x40200000 + DEBIAN_IMAGE_SIZE, MEM_CLAIM_KERNEL),
	   "  kernel claimed");
	ok(memmap_covered(&m, RAM_BASE + MiB + 256 * KiB, 0x40200000, MEM_RAM),
	   "  the gap below the aligned base stays free");
	ok(memmap_covered(&m, RAM_BASE, RAM_BASE + MiB + 256 * KiB, MEM_CLAIM_FIRMWARE),
	   "  the firmware claims are untouched");
	ok(memmap_covered(&m, 0x40200000 + DEBIAN_IMAGE_SIZE, RAM_BASE + RAM_SIZE, MEM_RAM),
	   "  RAM above the kernel stays free");

	/* text_offset counts: [base, base + text_offset + image_size) is claimed. */
	m = virt_ram();
	memmap_claim(&m, RAM_BASE, MiB, MEM_CLAIM_FIRMWARE);
	img = image(0x80000, 16 * MiB);
	is_code(arm64_place(&img, &m), LB_OK, "place an Image with text_offset 0x80000");
	is_u64(img.base, 0x40200000, "  base 0x40200000 (kernel at 0x40280000)");
	ok(memmap_covered(&m, 0x40200000, 0x40200000 + 0x80000 + 16 * MiB, MEM_CLAIM_KERNEL),
	   "  text_offset + image_size claimed from base");
	ok(memmap_covered(&m, 0x40200000 + 0x80000 + 16 * MiB, RAM_BASE + RAM_SIZE, MEM_RAM),
	   "  and no more");

	/* Exactly 2 MiB claimed: the next boundary; one byte more: the one after. */
	m = virt_ram();
	memmap_claim(&m, RAM_BASE, 2 * MiB, MEM_CLAIM_FIRMWARE);
	img = image(0, MiB);
	arm64_place(&img, &m);
	is_u64(img.base, 0x40200000, "2 MiB claimed: base 0x40200000");
	m = virt_ram();
	memmap_claim(&m, RAM_BASE, 2 * MiB + 1, MEM_CLAIM_FIRMWARE);
	img = image(0, MiB);
	arm64_place(&img, &m);
	is_u64(img.base, 0x40400000, "2 MiB + 1 claimed: base 0x40400000");

	/* RAM that starts off a 2 MiB boundary. */
	memset(&m, 0, sizeof(m));
	memmap_add(&m, RAM_BASE + 64 * KiB, 64 * MiB, MEM_RAM);
	img = image(0, MiB);
	is_code(arm64_place(&img, &m), LB_OK, "RAM starting at 0x40010000");
	is_u64(img.base, 0x40200000, "  base rounded up to 0x40200000");

	/* A hole too small for the kernel is skipped. */
	m = virt_ram();
	memmap_claim(&m, RAM_BASE, MiB, MEM_CLAIM_FIRMWARE);
	memmap_claim(&m, RAM_BASE + 8 * MiB, MiB, MEM_CLAIM_TABLES);
	img = image(0, DEBIAN_IMAGE_SIZE);
	is_code(arm64_place(&img, &m), LB_OK, "a 6 MiB hole below a claim");
	is_u64(img.base, 0x40a00000, "  skipped: base 0x40a00000");

	/* Exactly all of RAM fits; one byte more does not. */
	m = virt_ram();
	img = image(0, RAM_SIZE);
	is_code(arm64_place(&img, &m), LB_OK, "image_size == RAM size fits");
	is_u64(img.base, RAM_BASE, "  at the start of RAM");
	m = virt_ram();
	struct memmap before = m;
	img = image(0, RAM_SIZE + 1);
	is_code(arm64_place(&img, &m), LB_E_ARM64_NO_ROOM, "image_size larger than RAM: no room");
	ok(same_map(&m, &before), "  the memory map is unchanged");
	img = image(2 * MiB, RAM_SIZE - MiB);
	is_code(arm64_place(&img, &m), LB_E_ARM64_NO_ROOM,
		"text_offset + image_size larger than RAM: no room");

	/* After the DTB: the rest of RAM above 0x40200000 is all there is. */
	m = virt_ram();
	memmap_claim(&m, RAM_BASE, MiB, MEM_CLAIM_FIRMWARE);
	img = image(0, RAM_SIZE - 2 * MiB);
	is_code(arm64_place(&img, &m), LB_OK, "RAM above the first 2 MiB, exactly");
	m = virt_ram();
	memmap_claim(&m, RAM_BASE, MiB, MEM_CLAIM_FIRMWARE);
	img = image(0, RAM_SIZE - 2 * MiB + 1);
	is_code(arm64_place(&img, &m), LB_E_ARM64_NO_ROOM, "one byte more: no room");

	/* No RAM at all. */
	memset(&m, 0, sizeof(m));
	img = image(0, MiB);
	is_code(arm64_place(&img, &m), LB_E_ARM64_NO_ROOM, "no RAM: no room");

	/* Reserved ranges are not RAM. */
	m = virt_ram();
	memmap_add(&m, RAM_BASE, 4 * MiB, MEM_RESERVED);
	img = image(0, MiB);
	is_code(arm64_place(&img, &m), LB_OK, "reserved start of RAM");
	is_u64(img.base, RAM_BASE + 4 * MiB, "  base above the reservation");
}

/* ---- device trees -------------------------------------------------------------- */

#define DT_CAP (64 * KiB)

static int dt_err;
/* Records the first libfdt error while a tree is built. */
#define DT(call)                                                                                   \
	do {                                                                                       \
		int dt_rc_ = (call);                                                               \
		if (dt_rc_ < 0 && !dt_err) {                                                       \
			dt_err = dt_rc_;                                                           \
			diag("%s:%d: %s: %s", __FILE__, __LINE__, #call, fdt_strerror(dt_rc_));    \
		}                                                                                  \
	} while (0)

/* Starts a tree with nrsv /memreserve/ entries (pairs of address, size) and the root node. */
static void dt_begin_rsv(void *buf, int ac, int sc, const uint64_t *rsv, int nrsv)
{
	dt_err = 0;
	DT(fdt_create(buf, DT_CAP));
	for (int i = 0; i < nrsv; i++)
		DT(fdt_add_reservemap_entry(buf, rsv[2 * i], rsv[2 * i + 1]));
	DT(fdt_finish_reservemap(buf));
	DT(fdt_begin_node(buf, ""));
	if (ac)
		DT(fdt_property_u32(buf, "#address-cells", (uint32_t)ac));
	if (sc)
		DT(fdt_property_u32(buf, "#size-cells", (uint32_t)sc));
	DT(fdt_property_string(buf, "compatible", "linux,dummy-virt"));
	DT(fdt_property_u32(buf, "interrupt-parent", 0x8002));
}

static void dt_begin(void *buf, int ac, int sc)
{
	dt_begin_rsv(buf, ac, sc, NULL, 0);
}

/* A node of QEMU virt shape with 2 address and 2 size cells. */
static void dt_memory64(void *buf, uint64_t start, uint64_t size)
{
	char name[64];
	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)start);
	fdt32_t reg[4] = {cpu_to_fdt32((uint32_t)(start >> 32)), cpu_to_fdt32((uint32_t)start),
			  cpu_to_fdt32((uint32_t)(size >> 32)), cpu_to_fdt32((uint32_t)size)};
	DT(fdt_begin_node(buf, name));
	DT(fdt_property(buf, "reg", reg, sizeof(reg)));
	DT(fdt_property_string(buf, "device_type", "memory"));
	DT(fdt_end_node(buf));
}

static void dt_pl011(void *buf)
{
	fdt32_t reg[4] = {0, cpu_to_fdt32(0x9000000), 0, cpu_to_fdt32(0x1000)};
	DT(fdt_begin_node(buf, "pl011@9000000"));
	DT(fdt_property_string(buf, "compatible", "arm,pl011"));
	DT(fdt_property(buf, "reg", reg, sizeof(reg)));
	DT(fdt_end_node(buf));
}

static void dt_chosen(void *buf, const char *bootargs)
{
	DT(fdt_begin_node(buf, "chosen"));
	if (bootargs)
		DT(fdt_property_string(buf, "bootargs", bootargs));
	DT(fdt_property_string(buf, "stdout-path", "/pl011@9000000"));
	DT(fdt_end_node(buf));
}

static void *dt_end(void *buf)
{
	DT(fdt_end_node(buf));
	DT(fdt_finish(buf));
	if (!dt_err)
		DT(fdt_check_full(buf, DT_CAP));
	if (dt_err) {
		diag("building a test DTB failed: %s", fdt_strerror(dt_err));
		exit(1);
	}
	return buf;
}

#define OLD_BOOTARGS "console=ttyAMA0 earlycon"

/* QEMU virt's tree in miniature: 512 MiB at 0x40000000, a PL011, /chosen with
 * bootargs (as QEMU's -append puts them) unless with_chosen is false. */
static void *virt_dtb(bool with_chosen)
{
	void *buf = calloc(1, DT_CAP);
	dt_begin(buf, 2, 2);
	dt_pl011(buf);
	dt_memory64(buf, RAM_BASE, RAM_SIZE);
	if (with_chosen)
		dt_chosen(buf, OLD_BOOTARGS);
	return dt_end(buf);
}

/* A copy of tree in a buffer of exactly cap bytes (so ASan sees any write past it). */
static void *dt_copy(const void *tree, size_t cap)
{
	uint8_t *p = malloc(cap);
	size_t n = fdt_totalsize(tree) < cap ? fdt_totalsize(tree) : cap;
	memcpy(p, tree, n);
	memset(p + n, 0xee, cap - n);
	return p;
}

#define MAP_IS(m, ...)                                                                             \
	map_is((m), (const struct mem_range[]){__VA_ARGS__},                                       \
	       sizeof((const struct mem_range[]){__VA_ARGS__}) / sizeof(struct mem_range),         \
	       __LINE__)

static bool map_is(const struct memmap *m, const struct mem_range *e, uint32_t n, int line)
{
	bool same = m->n == n;
	for (uint32_t i = 0; same && i < n; i++)
		same = m->r[i].start == e[i].start && m->r[i].end == e[i].end &&
		       m->r[i].type == e[i].type;
	ok(same, "line %d: memory map has the expected %u ranges", line, n);
	if (!same)
		for (uint32_t i = 0; i < m->n; i++)
			diag("   got [%#llx, %#llx) type %#x", (unsigned long long)m->r[i].start,
			     (unsigned long long)m->r[i].end, m->r[i].type);
	return same;
}

static void test_fdt_memory(void)
{
	struct memmap m;
	void *dtb;

	/* QEMU virt. */
	dtb = virt_dtb(true);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_OK, "virt: /memory@40000000");
	MAP_IS(&m, {RAM_BASE, RAM_BASE + RAM_SIZE, MEM_RAM});
	free(dtb);

	/* Two memory nodes, one above 4 GiB (64-bit address and size cells matter). */
	dtb = calloc(1, DT_CAP);
	dt_begin(dtb, 2, 2);
	dt_memory64(dtb, RAM_BASE, RAM_SIZE);
	dt_pl011(dtb);
	dt_memory64(dtb, 0x100000000ull, 0x140000000ull);
	dt_chosen(dtb, NULL);
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_OK, "two memory nodes");
	MAP_IS(&m, {RAM_BASE, RAM_BASE + RAM_SIZE, MEM_RAM},
	       {0x100000000ull, 0x240000000ull, MEM_RAM});

	/* Placement uses the second bank when the first is too small. */
	struct arm64_image img = image(0, 1 * GiB);
	is_code(arm64_place(&img, &m), LB_OK, "a 1 GiB image with two banks");
	is_u64(img.base, 0x100000000ull, "  placed in the bank above 4 GiB");
	free(dtb);

	/* 32-bit cells; one node with two reg entries. */
	dtb = calloc(1, DT_CAP);
	dt_begin(dtb, 1, 1);
	fdt32_t reg32[4] = {cpu_to_fdt32(0x80000000), cpu_to_fdt32(0x10000000),
			    cpu_to_fdt32(0xa0000000), cpu_to_fdt32(0x1000000)};
	DT(fdt_begin_node(dtb, "memory@80000000"));
	DT(fdt_property_string(dtb, "device_type", "memory"));
	DT(fdt_property(dtb, "reg", reg32, sizeof(reg32)));
	DT(fdt_end_node(dtb));
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_OK, "#address-cells = #size-cells = 1");
	MAP_IS(&m, {0x80000000, 0x90000000, MEM_RAM}, {0xa0000000, 0xa1000000, MEM_RAM});
	free(dtb);

	/* 2 address cells, 1 size cell. */
	dtb = calloc(1, DT_CAP);
	dt_begin(dtb, 2, 1);
	fdt32_t reg21[3] = {cpu_to_fdt32(0x1), cpu_to_fdt32(0x0), cpu_to_fdt32(0x20000000)};
	DT(fdt_begin_node(dtb, "memory@100000000"));
	DT(fdt_property_string(dtb, "device_type", "memory"));
	DT(fdt_property(dtb, "reg", reg21, sizeof(reg21)));
	DT(fdt_end_node(dtb));
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_OK, "#address-cells 2, #size-cells 1");
	MAP_IS(&m, {0x100000000ull, 0x120000000ull, MEM_RAM});
	free(dtb);

	/* No #address-cells / #size-cells: the defaults, 2 and 1. */
	dtb = calloc(1, DT_CAP);
	dt_begin(dtb, 0, 0);
	fdt32_t regdef[3] = {0, cpu_to_fdt32(0x40000000), cpu_to_fdt32(0x8000000)};
	DT(fdt_begin_node(dtb, "memory@40000000"));
	DT(fdt_property_string(dtb, "device_type", "memory"));
	DT(fdt_property(dtb, "reg", regdef, sizeof(regdef)));
	DT(fdt_end_node(dtb));
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_OK, "default cells (2 address, 1 size)");
	MAP_IS(&m, {0x40000000, 0x48000000, MEM_RAM});
	free(dtb);

	/* A trailing partial entry is ignored. */
	dtb = calloc(1, DT_CAP);
	dt_begin(dtb, 2, 2);
	fdt32_t regpart[6] = {0, cpu_to_fdt32(0x40000000), 0, cpu_to_fdt32(0x1000000),
			      0, cpu_to_fdt32(0x50000000)};
	DT(fdt_begin_node(dtb, "memory@40000000"));
	DT(fdt_property_string(dtb, "device_type", "memory"));
	DT(fdt_property(dtb, "reg", regpart, sizeof(regpart)));
	DT(fdt_end_node(dtb));
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_OK, "reg with a trailing partial entry");
	MAP_IS(&m, {0x40000000, 0x41000000, MEM_RAM});
	free(dtb);

	/* No memory: no node; a node named memory without device_type; one without reg. */
	dtb = calloc(1, DT_CAP);
	dt_begin(dtb, 2, 2);
	dt_pl011(dtb);
	dt_chosen(dtb, OLD_BOOTARGS);
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_E_FDT_NO_MEMORY, "no /memory node");
	free(dtb);

	dtb = calloc(1, DT_CAP);
	dt_begin(dtb, 2, 2);
	DT(fdt_begin_node(dtb, "memory@40000000"));
	DT(fdt_property(dtb, "reg", regpart, 16));
	DT(fdt_end_node(dtb));
	DT(fdt_begin_node(dtb, "ram@50000000"));
	DT(fdt_property_string(dtb, "device_type", "memory"));
	DT(fdt_end_node(dtb));
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_E_FDT_NO_MEMORY,
		"memory without device_type, or without reg: no memory");
	ok(m.n == 0, "  nothing added");
	free(dtb);

	/* Found by fuzz_arm64: memory whose only range is empty (it starts at the last
	 * byte of the address space and wraps), or all reserved, is no memory. */
	dtb = calloc(1, DT_CAP);
	dt_begin(dtb, 2, 2);
	dt_memory64(dtb, UINT64_MAX, 1);
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_E_FDT_NO_MEMORY,
		"a range that wraps to nothing: no memory");
	free(dtb);
	const uint64_t all[] = {RAM_BASE, RAM_SIZE};
	dtb = calloc(1, DT_CAP);
	dt_begin_rsv(dtb, 2, 2, all, 1);
	dt_memory64(dtb, RAM_BASE, RAM_SIZE);
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_E_FDT_NO_MEMORY, "all RAM in /memreserve/: no memory");
	free(dtb);

	/* Bad trees. */
	uint8_t junk[256];
	memset(junk, 0x5a, sizeof(junk));
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(junk, &m), LB_E_FDT_BAD, "not a DTB: bad");
	dtb = virt_dtb(true);
	((struct fdt_header *)dtb)->version = cpu_to_fdt32(1);
	is_code(dtb_memory(dtb, &m), LB_E_FDT_BAD, "DTB version 1: bad");
	free(dtb);

	dtb = calloc(1, DT_CAP);
	dt_begin(dtb, 3, 2);
	dt_memory64(dtb, RAM_BASE, RAM_SIZE);
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_E_FDT_BAD, "#address-cells = 3: bad");
	free(dtb);

	/* More ranges than the memory map holds. */
	dtb = calloc(1, DT_CAP);
	dt_begin(dtb, 1, 1);
	fdt32_t many[2 * (MEMMAP_MAX + 1)];
	for (int i = 0; i <= MEMMAP_MAX; i++) {
		many[2 * i] = cpu_to_fdt32(0x40000000u + (uint32_t)i * 0x200000u);
		many[2 * i + 1] = cpu_to_fdt32(0x100000);
	}
	DT(fdt_begin_node(dtb, "memory@40000000"));
	DT(fdt_property_string(dtb, "device_type", "memory"));
	DT(fdt_property(dtb, "reg", many, sizeof(many)));
	DT(fdt_end_node(dtb));
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_E_MEMMAP_FULL, "%d disjoint ranges: the memory map's error",
		MEMMAP_MAX + 1);
	free(dtb);

	/* Like Linux, only children of the root count: a nested node with device_type
	 * "memory" is not RAM. */
	dtb = calloc(1, DT_CAP);
	dt_begin(dtb, 2, 2);
	dt_memory64(dtb, RAM_BASE, RAM_SIZE);
	DT(fdt_begin_node(dtb, "soc"));
	DT(fdt_property_u32(dtb, "#address-cells", 2));
	DT(fdt_property_u32(dtb, "#size-cells", 2));
	dt_memory64(dtb, 0x80000000, 0x10000000);
	DT(fdt_end_node(dtb));
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_OK, "a memory node below /soc");
	MAP_IS(&m, {RAM_BASE, RAM_BASE + RAM_SIZE, MEM_RAM});
	free(dtb);

	/* device_type must be exactly "memory". */
	dtb = calloc(1, DT_CAP);
	dt_begin(dtb, 2, 2);
	dt_memory64(dtb, RAM_BASE, RAM_SIZE);
	fdt32_t regx[4] = {0, cpu_to_fdt32(0x80000000), 0, cpu_to_fdt32(0x10000000)};
	DT(fdt_begin_node(dtb, "mem@80000000"));
	DT(fdt_property_string(dtb, "device_type", "memoryx"));
	DT(fdt_property(dtb, "reg", regx, sizeof(regx)));
	DT(fdt_end_node(dtb));
	DT(fdt_begin_node(dtb, "mem@90000000"));
	DT(fdt_property(dtb, "device_type", "memory", 6)); /* no NUL */
	DT(fdt_property(dtb, "reg", regx, sizeof(regx)));
	DT(fdt_end_node(dtb));
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_OK, "device_type \"memoryx\" or unterminated");
	MAP_IS(&m, {RAM_BASE, RAM_BASE + RAM_SIZE, MEM_RAM});
	free(dtb);

	/* Linux (early_init_dt_scan_memory) ignores memory nodes with status "disabled". */
	dtb = calloc(1, DT_CAP);
	dt_begin(dtb, 2, 2);
	dt_memory64(dtb, RAM_BASE, RAM_SIZE);
	fdt32_t regoff[4] = {0, cpu_to_fdt32(0x80000000), 0, cpu_to_fdt32(0x10000000)};
	DT(fdt_begin_node(dtb, "memory@80000000"));
	DT(fdt_property_string(dtb, "device_type", "memory"));
	DT(fdt_property(dtb, "reg", regoff, sizeof(regoff)));
	DT(fdt_property_string(dtb, "status", "disabled"));
	DT(fdt_end_node(dtb));
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_OK, "a disabled memory node beside an enabled one");
	MAP_IS(&m, {RAM_BASE, RAM_BASE + RAM_SIZE, MEM_RAM});
	free(dtb);
}

/* A /reserved-memory child with 2 address and 2 size cells (the parent's). */
static void dt_reserved(void *buf, const char *name, uint64_t start, uint64_t size,
			const char *status)
{
	fdt32_t reg[4] = {cpu_to_fdt32((uint32_t)(start >> 32)), cpu_to_fdt32((uint32_t)start),
			  cpu_to_fdt32((uint32_t)(size >> 32)), cpu_to_fdt32((uint32_t)size)};
	DT(fdt_begin_node(buf, name));
	DT(fdt_property(buf, "reg", reg, sizeof(reg)));
	if (status)
		DT(fdt_property_string(buf, "status", status));
	DT(fdt_end_node(buf));
}

static void test_fdt_reservations(void)
{
	struct memmap m;
	void *dtb = calloc(1, DT_CAP);

	/* /memreserve/ entries: one inside RAM, one outside it. */
	const uint64_t rsv[] = {0x48000000, 0x100000, 0x10000000, 0x1000};
	dt_begin_rsv(dtb, 2, 2, rsv, 2);
	dt_memory64(dtb, RAM_BASE, RAM_SIZE);
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_OK, "/memreserve/ entries");
	MAP_IS(&m, {0x10000000, 0x10001000, MEM_RESERVED}, {RAM_BASE, 0x48000000, MEM_RAM},
	       {0x48000000, 0x48100000, MEM_RESERVED}, {0x48100000, RAM_BASE + RAM_SIZE, MEM_RAM});

	/* A kernel is then placed around the reservation, never over it. */
	struct arm64_image img = image(0, 0x8000000 + 0x10000);
	is_code(arm64_place(&img, &m), LB_OK, "an image larger than the RAM below a reservation");
	is_u64(img.base, 0x48200000, "  placed above the reserved MiB (next 2 MiB boundary)");
	ok(memmap_covered(&m, 0x48000000, 0x48100000, MEM_RESERVED), "  reservation kept");

	/* /reserved-memory children (its own cells); a disabled one and one without reg ignored. */
	dt_begin(dtb, 2, 2);
	dt_memory64(dtb, RAM_BASE, RAM_SIZE);
	DT(fdt_begin_node(dtb, "reserved-memory"));
	DT(fdt_property_u32(dtb, "#address-cells", 2));
	DT(fdt_property_u32(dtb, "#size-cells", 2));
	DT(fdt_property(dtb, "ranges", NULL, 0));
	dt_reserved(dtb, "shm@44000000", 0x44000000, 0x400000, NULL);
	dt_reserved(dtb, "off@46000000", 0x46000000, 0x400000, "disabled");
	dt_reserved(dtb, "ok@4a000000", 0x4a000000, 0x200000, "okay");
	DT(fdt_begin_node(dtb, "pool"));
	DT(fdt_property_u32(dtb, "size", 0x100000));
	DT(fdt_end_node(dtb));
	DT(fdt_end_node(dtb));
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_OK, "/reserved-memory children");
	MAP_IS(&m, {RAM_BASE, 0x44000000, MEM_RAM}, {0x44000000, 0x44400000, MEM_RESERVED},
	       {0x44400000, 0x4a000000, MEM_RAM}, {0x4a000000, 0x4a200000, MEM_RESERVED},
	       {0x4a200000, RAM_BASE + RAM_SIZE, MEM_RAM});

	/* /reserved-memory with cells leapboot cannot read: a bad tree, not a silent miss. */
	dt_begin(dtb, 2, 2);
	dt_memory64(dtb, RAM_BASE, RAM_SIZE);
	DT(fdt_begin_node(dtb, "reserved-memory"));
	DT(fdt_property_u32(dtb, "#address-cells", 3));
	DT(fdt_property_u32(dtb, "#size-cells", 2));
	DT(fdt_end_node(dtb));
	dt_end(dtb);
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(dtb, &m), LB_E_FDT_BAD, "/reserved-memory #address-cells 3: bad");
	free(dtb);
}

/* ---- fdt_validate ----------------------------------------------------------- */

static void wr32(void *fdt, uint32_t off, uint32_t v)
{
	uint8_t *b = (uint8_t *)fdt + off;
	b[0] = (uint8_t)(v >> 24), b[1] = (uint8_t)(v >> 16), b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* The offset in the tree of the first tag equal to tag (libfdt's walk of a valid tree). */
static uint32_t find_tag(const void *fdt, uint32_t tag)
{
	int off = 0, next;
	while (fdt_next_tag(fdt, off, &next) != tag)
		off = next;
	return fdt_off_dt_struct(fdt) + (uint32_t)off;
}

static void test_fdt_validate(void)
{
	void *tree = virt_dtb(true), *t;
	size_t n = fdt_totalsize(tree);
	ok(fdt_validate(tree) == 0, "virt tree: valid");

	t = dt_copy(tree, n);
	wr32(t, find_tag(t, FDT_END), 0x7);
	ok(fdt_validate(t) == -FDT_ERR_BADSTRUCTURE, "unknown tag: bad structure");
	free(t);

	t = dt_copy(tree, n);
	wr32(t, find_tag(t, FDT_END), FDT_NOP);
	ok(fdt_validate(t) == -FDT_ERR_TRUNCATED, "no FDT_END: truncated");
	free(t);

	t = dt_copy(tree, n);
	uint32_t prop = find_tag(t, FDT_PROP);
	wr32(t, prop + 8, fdt_size_dt_strings(t));
	ok(fdt_validate(t) == -FDT_ERR_BADSTRUCTURE, "property name outside the strings block");
	free(t);

	t = dt_copy(tree, n);
	prop = find_tag(t, FDT_PROP);
	wr32(t, prop + 4, 0x7fffffff);
	ok(fdt_validate(t) == -FDT_ERR_BADSTRUCTURE, "property longer than the block");
	free(t);

	t = dt_copy(tree, n);
	wr32(t, find_tag(t, FDT_END_NODE), FDT_NOP);
	ok(fdt_validate(t) == -FDT_ERR_BADSTRUCTURE, "a node left open");
	free(t);

	t = dt_copy(tree, n);
	((struct fdt_header *)t)->version = cpu_to_fdt32(16);
	ok(fdt_validate(t) == -FDT_ERR_BADVERSION, "version 16: refused");
	free(t);

	/* A /memreserve/ list without its terminator before the structure block. */
	t = dt_copy(tree, n);
	wr32(t, fdt_off_mem_rsvmap(t) + 12, 1);
	ok(fdt_validate(t) == -FDT_ERR_BADLAYOUT, "unterminated /memreserve/ list");
	is_code(dtb_memory(t, &(struct memmap){0}), LB_E_FDT_BAD, "  dtb_memory refuses it");
	free(t);

	/* A node name running to the end of the block. */
	t = dt_copy(tree, n);
	uint32_t node = fdt_off_dt_struct(t) + 8; /* past the root's tag and empty name */
	memset((char *)t + node + 4, 'x', fdt_off_dt_struct(t) + fdt_size_dt_struct(t) - node - 4);
	ok(fdt_validate(t) != 0, "an unterminated node name");
	free(t);
	free(tree);
}

/* ---- /chosen ---------------------------------------------------------------- */

/* The property as bytes; *len -1 when absent. */
static const void *prop(const void *fdt, const char *path, const char *name, int *len)
{
	int node = fdt_path_offset(fdt, path);
	const void *p = node >= 0 ? fdt_getprop(fdt, node, name, len) : NULL;
	if (!p)
		*len = -1;
	return p;
}

/* A string property, exactly (NUL-terminated, no trailing bytes), or NULL. */
static const char *prop_str(const void *fdt, const char *path, const char *name)
{
	int len;
	const char *p = prop(fdt, path, name, &len);
	if (!p || len < 1 || p[len - 1] != '\0' || strlen(p) != (size_t)len - 1)
		return NULL;
	return p;
}

/* Checks a u64 property: 8 bytes, big-endian. */
static void is_be64(const void *fdt, const char *name, uint64_t want)
{
	int len;
	const uint8_t *p = prop(fdt, "/chosen", name, &len);
	uint8_t be[8];
	for (int i = 0; i < 8; i++)
		be[i] = (uint8_t)(want >> (56 - 8 * i));
	ok(p && len == 8 && memcmp(p, be, 8) == 0, "  %s is the 8-byte big-endian %#llx", name,
	   (unsigned long long)want);
	if (p && len == 8 && memcmp(p, be, 8) != 0) {
		fdt64_t v;
		memcpy(&v, p, 8);
		diag("  %s: got %#llx", name, (unsigned long long)fdt64_to_cpu(v));
	} else if (!(p && len == 8)) {
		diag("  %s: length %d", name, len);
	}
}

static int count_chosen(const void *fdt)
{
	int n = 0, node;
	fdt_for_each_subnode(node, fdt, 0)
	{
		const char *name = fdt_get_name(fdt, node, NULL);
		if (name && strcmp(name, "chosen") == 0)
			n++;
	}
	return n;
}

/* What every successful call must leave: a valid, packed tree inside cap with one
 * /chosen, and the rest of the tree intact. */
static void check_tree(const void *fdt, size_t cap, const char *what)
{
	ok(fdt_check_full(fdt, cap) == 0, "%s: fdt_check_full passes", what);
	ok(fdt_totalsize(fdt) <= cap &&
	       fdt_totalsize(fdt) == fdt_off_dt_strings(fdt) + fdt_size_dt_strings(fdt),
	   "%s: packed (totalsize %u, cap %zu)", what, fdt_totalsize(fdt), cap);
	ok(count_chosen(fdt) == 1, "%s: exactly one /chosen", what);
	int len;
	const fdt32_t *reg = prop(fdt, "/memory@40000000", "reg", &len);
	ok(reg && len == 16 && fdt32_to_cpu(reg[1]) == 0x40000000 &&
	       fdt32_to_cpu(reg[3]) == 0x20000000,
	   "%s: /memory@40000000 reg intact", what);
	is_str(prop_str(fdt, "/pl011@9000000", "compatible"), "arm,pl011", "%s: /pl011 intact",
	       what);
}

#define NEW_BOOTARGS "console=ttyAMA0 root=/dev/vda1 rw quiet"

static void test_fdt_chosen(void)
{
	void *tree, *fdt;
	int len;

	/* QEMU virt with bootargs already in /chosen. */
	tree = virt_dtb(true);
	fdt = dt_copy(tree, DT_CAP);
	is_code(dtb_chosen(fdt, fdt, DT_CAP, NEW_BOOTARGS, 0x48000000, 0x123456), LB_OK,
		"/chosen: bootargs and initrd");
	check_tree(fdt, DT_CAP, "virt");
	is_str(prop_str(fdt, "/chosen", "bootargs"), NEW_BOOTARGS, "  bootargs replaced, exactly");
	is_be64(fdt, "linux,initrd-start", 0x48000000);
	is_be64(fdt, "linux,initrd-end", 0x48123456);
	is_str(prop_str(fdt, "/chosen", "stdout-path"), "/pl011@9000000",
	       "  other /chosen properties kept");
	struct memmap m;
	memset(&m, 0, sizeof(m));
	is_code(dtb_memory(fdt, &m), LB_OK, "  the result still describes the RAM");

	/* Again on the result: values replaced, nothing duplicated. */
	is_code(dtb_chosen(fdt, fdt, DT_CAP, "console=ttyAMA0", 0x5f000000, 0x1000), LB_OK,
		"/chosen again on its own result");
	check_tree(fdt, DT_CAP, "twice");
	is_str(prop_str(fdt, "/chosen", "bootargs"), "console=ttyAMA0", "  shorter bootargs");
	is_be64(fdt, "linux,initrd-start", 0x5f000000);
	is_be64(fdt, "linux,initrd-end", 0x5f001000);
	free(fdt);

	/* cmdline NULL: bootargs untouched; no initrd: no initrd properties. */
	fdt = dt_copy(tree, DT_CAP);
	is_code(dtb_chosen(fdt, fdt, DT_CAP, NULL, 0, 0), LB_OK, "no cmdline, no initrd");
	check_tree(fdt, DT_CAP, "NULL cmdline");
	is_str(prop_str(fdt, "/chosen", "bootargs"), OLD_BOOTARGS, "  bootargs untouched");
	prop(fdt, "/chosen", "linux,initrd-start", &len);
	ok(len == -1, "  no linux,initrd-start");
	prop(fdt, "/chosen", "linux,initrd-end", &len);
	ok(len == -1, "  no linux,initrd-end");
	free(fdt);

	/* cmdline NULL with an initrd. */
	fdt = dt_copy(tree, DT_CAP);
	is_code(dtb_chosen(fdt, fdt, DT_CAP, NULL, 0x44000000, 0x200), LB_OK,
		"no cmdline, an initrd");
	is_str(prop_str(fdt, "/chosen", "bootargs"), OLD_BOOTARGS, "  bootargs untouched");
	is_be64(fdt, "linux,initrd-start", 0x44000000);
	is_be64(fdt, "linux,initrd-end", 0x44000200);
	free(fdt);

	/* initrd address without a size: no initrd properties. */
	fdt = dt_copy(tree, DT_CAP);
	is_code(dtb_chosen(fdt, fdt, DT_CAP, "", 0x44000000, 0), LB_OK,
		"empty cmdline, initrd address without size");
	is_str(prop_str(fdt, "/chosen", "bootargs"), "", "  bootargs is the empty string");
	prop(fdt, "/chosen", "linux,initrd-start", &len);
	ok(len == -1, "  no linux,initrd-start for a 0-byte initrd");
	free(fdt);

	/* An initrd above 4 GiB: all 64 bits, big-endian. */
	fdt = dt_copy(tree, DT_CAP);
	is_code(dtb_chosen(fdt, fdt, DT_CAP, NEW_BOOTARGS, 0x123456789a000ull, 0x10000000), LB_OK,
		"initrd above 4 GiB");
	is_be64(fdt, "linux,initrd-start", 0x123456789a000ull);
	is_be64(fdt, "linux,initrd-end", 0x123457789a000ull);
	free(fdt);
	free(tree);

	/* No /chosen: created. */
	tree = virt_dtb(false);
	fdt = dt_copy(tree, DT_CAP);
	is_code(dtb_chosen(fdt, fdt, DT_CAP, NEW_BOOTARGS, 0x48000000, 0x1000), LB_OK,
		"tree without /chosen");
	check_tree(fdt, DT_CAP, "no /chosen");
	ok(fdt_path_offset(fdt, "/chosen") > 0, "  /chosen created under the root");
	is_str(prop_str(fdt, "/chosen", "bootargs"), NEW_BOOTARGS, "  bootargs set");
	is_be64(fdt, "linux,initrd-start", 0x48000000);
	is_be64(fdt, "linux,initrd-end", 0x48001000);
	free(fdt);

	fdt = dt_copy(tree, DT_CAP);
	is_code(dtb_chosen(fdt, fdt, DT_CAP, NULL, 0, 0), LB_OK,
		"tree without /chosen, nothing to set");
	check_tree(fdt, DT_CAP, "empty /chosen");
	prop(fdt, "/chosen", "bootargs", &len);
	ok(len == -1, "  no bootargs invented");
	free(fdt);
	free(tree);

	/* 32-bit linux,initrd-* from an earlier loader are replaced by 64-bit ones. */
	tree = calloc(1, DT_CAP);
	dt_begin(tree, 2, 2);
	dt_memory64(tree, RAM_BASE, RAM_SIZE);
	dt_pl011(tree);
	DT(fdt_begin_node(tree, "chosen"));
	DT(fdt_property_u32(tree, "linux,initrd-start", 0x44000000));
	DT(fdt_property_u32(tree, "linux,initrd-end", 0x44100000));
	DT(fdt_end_node(tree));
	dt_end(tree);
	fdt = dt_copy(tree, DT_CAP);
	is_code(dtb_chosen(fdt, fdt, DT_CAP, NEW_BOOTARGS, 0x48000000, 0x2000), LB_OK,
		"tree with 32-bit initrd properties");
	is_be64(fdt, "linux,initrd-start", 0x48000000);
	is_be64(fdt, "linux,initrd-end", 0x48002000);
	free(fdt);
	free(tree);

	/* A long command line (the firmware's cap is 4 KiB). */
	char long_cmd[4096];
	memset(long_cmd, 'x', sizeof(long_cmd) - 1);
	long_cmd[sizeof(long_cmd) - 1] = '\0';
	tree = virt_dtb(true);
	fdt = dt_copy(tree, DT_CAP);
	is_code(dtb_chosen(fdt, fdt, DT_CAP, long_cmd, 0, 0), LB_OK, "a 4095-byte cmdline");
	is_str(prop_str(fdt, "/chosen", "bootargs"), long_cmd, "  bootargs exact");
	free(fdt);

	/* A buffer without room for the additions: full. Every cap from the tree's size up
	 * either fails with LB_E_FDT_FULL or gives a valid tree; the smallest that works
	 * holds exactly the packed result. */
	size_t size = fdt_totalsize(tree);
	size_t need = 0;
	bool all_full = true, all_valid = true, overwrote_cap = false;
	for (size_t cap = size; cap < size + 8 * KiB && !need; cap++) {
		fdt = dt_copy(tree, cap);
		status_t s = dtb_chosen(fdt, fdt, cap, long_cmd, 0x48000000, 0x1000);
		if (s.code == LB_OK) {
			need = cap;
			all_valid =
			    fdt_check_full(fdt, cap) == 0 &&
			    strcmp(prop_str(fdt, "/chosen", "bootargs") ?: "", long_cmd) == 0;
			overwrote_cap = fdt_totalsize(fdt) > cap;
		} else if (s.code != LB_E_FDT_FULL) {
			all_full = false;
			diag("cap %zu: code %u", cap, (unsigned)s.code);
		}
		free(fdt);
	}
	ok(need > size + sizeof(long_cmd), "the cmdline needs room beyond the tree (%zu > %zu)",
	   need, size);
	ok(all_full, "every smaller buffer: LB_E_FDT_FULL");
	ok(all_valid && !overwrote_cap, "the smallest buffer that works holds a valid tree");
	fdt = dt_copy(tree, size + 16);
	is_code(dtb_chosen(fdt, fdt, size + 16, long_cmd, 0, 0), LB_E_FDT_FULL,
		"buffer 16 bytes larger than the tree: full");
	free(fdt);
	fdt = dt_copy(tree, size);
	is_code(dtb_chosen(fdt, fdt, size, NULL, 0, 0), LB_OK,
		"buffer exactly the tree, nothing to add: fine");
	free(fdt);

	/* A buffer smaller than the tree itself. */
	fdt = dt_copy(tree, DT_CAP);
	is_code(dtb_chosen(fdt, fdt, size - 8, NULL, 0, 0), LB_E_FDT_FULL,
		"buffer smaller than the tree: full");
	free(fdt);
	free(tree);

	/* Not a tree. */
	uint8_t junk[256];
	memset(junk, 0x5a, sizeof(junk));
	is_code(dtb_chosen(junk, junk, sizeof(junk), "x", 0, 0), LB_E_FDT_BAD, "not a DTB: bad");

	/* QEMU's DTB: totalsize 1 MiB, mostly free space. Opened from there into a separate,
	 * smaller buffer: only the blocks are copied, the source is left as it was. */
	tree = virt_dtb(true);
	size_t big = 1024 * KiB;
	void *src = calloc(1, big);
	DT(fdt_open_into(tree, src, (int)big));
	void *before = malloc(big);
	memcpy(before, src, big);
	fdt = dt_copy(tree, DT_CAP);
	memset(fdt, 0xee, DT_CAP);
	is_code(dtb_chosen(src, fdt, DT_CAP, NEW_BOOTARGS, 0x48000000, 0x1000), LB_OK,
		"a 1 MiB source tree into a 64 KiB buffer");
	check_tree(fdt, DT_CAP, "from a separate source");
	is_str(prop_str(fdt, "/chosen", "bootargs"), NEW_BOOTARGS, "  bootargs set in the copy");
	ok(memcmp(src, before, big) == 0, "  the source tree is unchanged");
	free(fdt);
	free(before);
	free(src);
	free(tree);
}

int main(void)
{
	test_parse();
	test_place();
	test_fdt_memory();
	test_fdt_reservations();
	test_fdt_validate();
	test_fdt_chosen();
	return done_testing();
}
