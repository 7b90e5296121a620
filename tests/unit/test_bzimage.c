/* bzImage boot protocol (boot/bzimage.c) on synthetic images. */
#include <stdlib.h>
#include <string.h>

#include "../boot/bzimage.h"
#include "../boot/e820.h"
#include "../boot/initrd.h"
#include "bz_header.h"
#include "tap.h"
#include "bytes.h"

#define FOUR_GIB 0x100000000ull

#define KiB 0x400ull
#define MiB 0x100000ull
#define GiB 0x40000000ull

#define SETUP_SECTS 27
#define SYSSIZE	    0x8000 /* 512 KiB protected-mode part */
#define INIT_SIZE   0x2000000
#define PM_BYTES    ((uint64_t)SYSSIZE * 16)
#define SETUP_BYTES ((SETUP_SECTS + 1) * 512u)

struct image {
	uint8_t *p;
	size_t len;
};

/* The setup header inside an image (packed, so any alignment is fine). */
static struct setup_header *hdr(struct image *img)
{
	return (struct setup_header *)(img->p + SETUP_HDR_OFFSET);
}

/* A whole bzImage file as a protocol-2.15 x86_64 kernel would be. */
static struct image make_image(uint8_t setup_sects, uint32_t syssize, uint32_t init_size)
{
	struct image img;
	size_t setup = ((setup_sects ? setup_sects : 4) + 1) * 512u;
	img.len = setup + (size_t)syssize * 16;
	img.p = calloc(1, img.len);
	for (size_t i = setup; i < img.len; i++)
		img.p[i] = (uint8_t)i;
	struct setup_header h = bz_header(setup_sects, syssize, init_size);
	memcpy(img.p + SETUP_HDR_OFFSET, &h, sizeof(h));
	return img;
}

static struct image std_image(void)
{
	return make_image(SETUP_SECTS, SYSSIZE, INIT_SIZE);
}

/* pc with ram bytes of RAM, legacy holes carved. */
static void map_pc(struct memmap *m, uint64_t ram)
{
	memset(m, 0, sizeof(*m));
	memmap_add(m, 0, ram, MEM_RAM);
	e820_carve_legacy(m);
}

/* q35 -m 6G. */
static void map_q35_6g(struct memmap *m)
{
	memset(m, 0, sizeof(*m));
	memmap_add(m, 0, 2 * GiB, MEM_RAM);
	memmap_add(m, 4 * GiB, 4 * GiB, MEM_RAM);
	memmap_add(m, 0xfd00000000ull, 0x300000000ull, MEM_RESERVED);
	e820_carve_legacy(m);
}

/* Parses and size-checks img as a whole file. */
static status_t load(struct bzimage *bz, struct image *img)
{
	status_t s = bzimage_parse(bz, img->p, img->len);
	if (!s.code)
		s = bzimage_check_sizes(bz, 0, img->len);
	return s;
}

static void test_parse(void)
{
	struct bzimage bz;
	struct image img = std_image();
	status_t s;

	s = bzimage_parse(&bz, img.p, img.len);
	is_code(s, LB_OK, "parse a 2.15 64-bit image");
	is_u64(bz.mode, BOOT_LINUX64, "64-bit entry");
	is_u64(bz.hdr_len, sizeof(struct setup_header), "whole header (jump byte 0x6a)");
	is_u64(bz.setup_size, SETUP_BYTES, "setup size (setup_sects+1)*512");
	is_u64(bz.align, 0x200000, "alignment from kernel_alignment");
	is_u64(bz.cmdline_max, 2047, "cmdline_max from cmdline_size");
	is_u64(bz.initrd_limit, UINT64_MAX, "XLF_CAN_BE_LOADED_ABOVE_4G: no initrd limit");
	is_u64(bz.hdr.syssize, SYSSIZE, "header copied (syssize)");
	is_u64(bz.hdr.pref_address, 0x1000000, "header copied (pref_address)");
	is_u64(bz.hdr.init_size, INIT_SIZE, "header copied (init_size)");
	is_code(bzimage_parse(&bz, img.p, BZIMAGE_HEAD_MIN), LB_OK,
		"parse from just BZIMAGE_HEAD_MIN bytes");

	hdr(&img)->xloadflags &= (uint16_t)~XLF_CAN_LOAD_ABOVE_4G;
	bzimage_parse(&bz, img.p, img.len);
	is_u64(bz.initrd_limit, 0x80000000, "without XLF bit 1: initrd_addr_max + 1");

	hdr(&img)->xloadflags &= (uint16_t)~XLF_KERNEL_64;
	s = bzimage_parse(&bz, img.p, img.len);
	is_code(s, LB_OK, "parse without XLF_KERNEL_64");
	is_u64(bz.mode, BOOT_LINUX32, "xloadflags bit 0 clear -> BOOT_LINUX32");
	hdr(&img)->xloadflags = 0x7f;
	hdr(&img)->version = 0x20B;
	bzimage_parse(&bz, img.p, img.len);
	is_u64(bz.mode, BOOT_LINUX32, "protocol 2.11: xloadflags ignored -> BOOT_LINUX32");
	is_u64(bz.initrd_limit, 0x80000000, "protocol 2.11: no loading above 4 GiB");
	hdr(&img)->version = 0x20F;

	hdr(&img)->setup_sects = 0;
	bzimage_parse(&bz, img.p, img.len);
	is_u64(bz.setup_size, 5 * 512, "setup_sects 0 means 4");
	hdr(&img)->setup_sects = SETUP_SECTS;

	/* Signatures. */
	memcpy(img.p + 0x202, "HdrX", 4);
	s = bzimage_parse(&bz, img.p, img.len);
	is_code(s, LB_E_KERNEL_NO_HDRS, "missing HdrS -> LB_E_KERNEL_NO_HDRS");
	is_u64(lb_detail.a, 0x58726448, "NO_HDRS shows what was found");
	memcpy(img.p + 0x202, "HdrS", 4);
	hdr(&img)->boot_flag = 0x55AA;
	s = bzimage_parse(&bz, img.p, img.len);
	is_code(s, LB_E_KERNEL_NO_BOOTFLAG, "bad boot_flag -> LB_E_KERNEL_NO_BOOTFLAG");
	is_u64(lb_detail.a, 0x55AA, "NO_BOOTFLAG shows the value found");
	hdr(&img)->boot_flag = BOOT_FLAG_MAGIC;

	/* Too small. */
	is_code(bzimage_parse(&bz, img.p, 0), LB_E_KERNEL_TOO_SMALL, "0 bytes -> TOO_SMALL");
	is_code(bzimage_parse(&bz, img.p, 0x205), LB_E_KERNEL_TOO_SMALL,
		"0x205 bytes (HdrS cut) -> TOO_SMALL");
	s = bzimage_parse(&bz, img.p, BZIMAGE_HEAD_MIN - 1);
	is_code(s, LB_E_KERNEL_TOO_SMALL, "header cut by one byte -> TOO_SMALL");
	is_u64(lb_detail.b, BZIMAGE_HEAD_MIN, "TOO_SMALL names the bytes needed");
	/* A short buffer must not be read past its end (ASan). */
	uint8_t *copy = malloc(0x230);
	memcpy(copy, img.p, 0x230);
	is_code(bzimage_parse(&bz, copy, 0x230), LB_E_KERNEL_TOO_SMALL,
		"0x230 bytes -> TOO_SMALL without reading past them");
	free(copy);

	/* 16-bit only. */
	hdr(&img)->version = 0x201;
	s = bzimage_parse(&bz, img.p, img.len);
	is_code(s, LB_E_KERNEL_16BIT_ONLY, "protocol 2.01 -> LB_E_KERNEL_16BIT_ONLY");
	is_u64(lb_detail.a, 0x201, "16BIT_ONLY names the version");
	hdr(&img)->version = 0x20F;
	hdr(&img)->loadflags = 0;
	s = bzimage_parse(&bz, img.p, img.len);
	is_code(s, LB_E_KERNEL_16BIT_ONLY, "LOADED_HIGH clear -> LB_E_KERNEL_16BIT_ONLY");
	hdr(&img)->loadflags = LOADED_HIGH;

	/* Real-mode programs in a bzImage's header (memdisk, GRUB's lnxboot.img, iPXE). */
	hdr(&img)->syssize = 0;
	s = bzimage_parse(&bz, img.p, img.len);
	is_code(s, LB_E_KERNEL_REAL_MODE_ONLY, "syssize 0 -> REAL_MODE_ONLY");
	is_u64(lb_detail.b, 0x100000, "REAL_MODE_ONLY names code32_start");
	hdr(&img)->version = 0x203;
	hdr(&img)->syssize = 0x10000; /* 2.03: a 16-bit syssize, then swap_dev */
	is_code(bzimage_parse(&bz, img.p, img.len), LB_E_KERNEL_REAL_MODE_ONLY,
		"protocol 2.03: syssize is the low 16 bits -> REAL_MODE_ONLY");
	hdr(&img)->version = 0x20F;
	is_code(bzimage_parse(&bz, img.p, img.len), LB_OK,
		"protocol 2.15: syssize 0x10000 is 32 bits, fine");
	hdr(&img)->syssize = SYSSIZE;
	hdr(&img)->code32_start = 0;
	s = bzimage_parse(&bz, img.p, img.len);
	is_code(s, LB_E_KERNEL_REAL_MODE_ONLY, "code32_start 0 -> REAL_MODE_ONLY");
	is_u64(lb_detail.a, SYSSIZE, "REAL_MODE_ONLY names syssize");
	hdr(&img)->code32_start = 0x100000;

	/* Alignment. */
	hdr(&img)->kernel_alignment = 0x300000;
	s = bzimage_parse(&bz, img.p, img.len);
	is_code(s, LB_OK, "kernel_alignment 0x300000 (no power of two) is no reason to refuse");
	is_u64(bz.align, MiB, "kernel_alignment 0x300000: 1 MiB, as QEMU and SeaBIOS load");
	hdr(&img)->kernel_alignment = 0;
	s = bzimage_parse(&bz, img.p, img.len);
	is_code(s, LB_OK, "kernel_alignment 0 is no reason to refuse");
	is_u64(bz.align, MiB, "kernel_alignment 0: 1 MiB");
	hdr(&img)->kernel_alignment = 0x1000;
	bzimage_parse(&bz, img.p, img.len);
	is_u64(bz.align, 0x1000, "kernel_alignment 4 KiB is used as given");
	hdr(&img)->relocatable_kernel = 0;
	s = bzimage_parse(&bz, img.p, img.len);
	is_code(s, LB_OK, "alignment is not used when not relocatable");
	is_u64(bz.align, MiB, "not relocatable: 1 MiB alignment");
	hdr(&img)->relocatable_kernel = 1;
	hdr(&img)->kernel_alignment = 0x200000;

	/* The header length comes from the jump: fields past it read as 0. */
	img.p[0x201] = 0x258 - 0x202; /* header ends before pref_address */
	s = bzimage_parse(&bz, img.p, img.len);
	is_code(s, LB_OK, "shorter header (ends at 0x258)");
	is_u64(bz.hdr_len, 0x258 - SETUP_HDR_OFFSET, "hdr_len from the jump byte");
	ok(bz.hdr.pref_address == 0 && bz.hdr.init_size == 0,
	   "fields past the header's end are 0 even though the bytes are there");
	is_u64(bz.hdr.cmdline_size, 2047, "fields inside the shorter header are copied");
	img.p[0x201] = 0xff; /* a future, longer header */
	s = bzimage_parse(&bz, img.p, img.len);
	is_code(s, LB_OK, "longer header than leapboot knows");
	is_u64(bz.hdr_len, sizeof(struct setup_header), "hdr_len clamped to the known header");
	img.p[0x201] = 0x6a;

	/* Old protocols: the documented defaults. */
	hdr(&img)->version = 0x202;
	s = bzimage_parse(&bz, img.p, img.len);
	is_code(s, LB_OK, "protocol 2.02");
	is_u64(bz.cmdline_max, 255, "2.02: command line up to 255");
	is_u64(bz.initrd_limit, 0x38000000, "2.02: initrd below 0x37FFFFFF+1");
	is_u64(bz.align, MiB, "2.02: not relocatable, 1 MiB");
	free(img.p);
}

static void test_check_sizes(void)
{
	struct bzimage bz;
	struct image img = std_image();
	status_t s;

	bzimage_parse(&bz, img.p, img.len);
	s = bzimage_check_sizes(&bz, 0, img.len);
	is_code(s, LB_OK, "whole file: sizes agree");
	is_u64(bz.pm_size, PM_BYTES, "pm_size = file - setup");
	is_u64(bz.init_size, INIT_SIZE, "init_size from the header");

	s = bzimage_check_sizes(&bz, 0, SETUP_BYTES);
	is_code(s, LB_E_KERNEL_SETUP_TOO_BIG, "file no bigger than setup -> SETUP_TOO_BIG");
	ok(lb_detail.a == SETUP_BYTES && lb_detail.b == SETUP_BYTES,
	   "SETUP_TOO_BIG names both sizes");
	is_code(bzimage_check_sizes(&bz, 0, 1000), LB_E_KERNEL_SETUP_TOO_BIG,
		"file smaller than setup -> SETUP_TOO_BIG");

	/* syssize is rounded up to whole paragraphs (memtest86+: 142,776 bytes,
	 * syssize 8,924): a last paragraph of 1 to 15 bytes is whole. */
	is_code(bzimage_check_sizes(&bz, 0, img.len - 1), LB_OK,
		"one byte short of syssize*16: a partial last paragraph, fine");
	is_code(bzimage_check_sizes(&bz, 0, img.len - 15), LB_OK,
		"15 bytes short of syssize*16: still the last paragraph, fine");
	s = bzimage_check_sizes(&bz, 0, img.len - 16);
	is_code(s, LB_E_KERNEL_TRUNCATED, "a whole paragraph short of syssize*16 -> TRUNCATED");
	ok(lb_detail.a == PM_BYTES - 16 && lb_detail.b == PM_BYTES, "TRUNCATED names both sizes");

	s = bzimage_check_sizes(&bz, 0, img.len + 0x12345);
	is_code(s, LB_OK, "trailing bytes past syssize are fine");
	is_u64(bz.pm_size, PM_BYTES + 0x12345, "pm_size counts them");

	/* Split form (QEMU's SETUP_DATA + KERNEL_DATA). */
	s = bzimage_check_sizes(&bz, SETUP_BYTES, PM_BYTES);
	is_code(s, LB_OK, "split: setup size matches");
	is_u64(bz.pm_size, PM_BYTES, "split: pm_size is KERNEL_SIZE");
	s = bzimage_check_sizes(&bz, SETUP_BYTES + 512, PM_BYTES);
	is_code(s, LB_E_KERNEL_SETUP_MISMATCH, "split: setup size mismatch -> SETUP_MISMATCH");
	ok(lb_detail.a == SETUP_BYTES + 512 && lb_detail.b == SETUP_BYTES,
	   "SETUP_MISMATCH names both sizes");
	is_code(bzimage_check_sizes(&bz, SETUP_BYTES, PM_BYTES - 16), LB_E_KERNEL_TRUNCATED,
		"split: KERNEL_SIZE short of syssize*16 -> TRUNCATED");
	free(img.p);

	/* init_size smaller than the payload: boot.rst sets no rule (GRUB and QEMU
	 * check none); the claim still covers every byte loaded. */
	img = make_image(SETUP_SECTS, SYSSIZE, (uint32_t)PM_BYTES - 16);
	bzimage_parse(&bz, img.p, img.len);
	s = bzimage_check_sizes(&bz, 0, img.len);
	is_code(s, LB_OK, "init_size < the payload: accepted");
	is_u64(bz.init_size, PM_BYTES, "init_size raised to the payload (page-aligned)");
	free(img.p);

	/* init_size rounded up to a page. */
	img = make_image(SETUP_SECTS, SYSSIZE, 0x1234567);
	is_code(load(&bz, &img), LB_OK, "odd init_size");
	is_u64(bz.init_size, 0x1235000, "init_size rounded up to 4 KiB");
	free(img.p);

	/* init_size equal to the payload, but the file carries more. */
	img = make_image(SETUP_SECTS, SYSSIZE, (uint32_t)PM_BYTES);
	bzimage_parse(&bz, img.p, img.len);
	s = bzimage_check_sizes(&bz, 0, img.len + 0x10);
	is_code(s, LB_OK, "init_size == syssize*16 with 16 trailing bytes");
	ok(bz.init_size >= bz.pm_size && bz.init_size % 0x1000 == 0,
	   "init_size covers everything loaded (%#llx)", (unsigned long long)bz.init_size);
	free(img.p);

	/* Before 2.10 init_size is four times the payload: found by fuzz_bzimage, a huge
	 * size made that product wrap below the payload. */
	img = std_image();
	hdr(&img)->version = 0x202;
	bzimage_parse(&bz, img.p, img.len);
	s = bzimage_check_sizes(&bz, 0, 0xffffffff00d887c0ull);
	is_code(s, LB_E_KERNEL_NO_ROOM, "2.02 with a 2^64-ish payload -> NO_ROOM, no wrap");
	s = bzimage_check_sizes(&bz, 0, 0x4000000000000000ull + SETUP_BYTES);
	is_code(s, LB_E_KERNEL_NO_ROOM,
		"2.02 with a 2^62-byte payload: 4x would be 2^64 -> NO_ROOM");
	s = bzimage_check_sizes(&bz, 0, img.len);
	is_code(s, LB_OK, "2.02 with the real payload");
	is_u64(bz.init_size, (PM_BYTES * 4 + 0xfff) & ~0xfffull, "2.02: init_size 4x the payload");
	free(img.p);
}

static void test_place_kernel(void)
{
	struct bzimage bz;
	struct image img = std_image();
	struct memmap m;
	status_t s;

	/* pref_address free. */
	map_pc(&m, 512 * MiB);
	load(&bz, &img);
	s = bzimage_place_kernel(&bz, &m, FOUR_GIB);
	is_code(s, LB_OK, "place at pref_address");
	is_u64(bz.load, 0x1000000, "loaded at pref_address");
	ok(memmap_covered(&m, 0x1000000, 0x1000000 + INIT_SIZE, MEM_CLAIM_KERNEL),
	   "init_size claimed as kernel");
	ok(memmap_covered(&m, 0x1000000 + INIT_SIZE, 0x1000000 + INIT_SIZE + 0x1000, MEM_RAM),
	   "nothing more claimed");

	/* pref_address taken: relocated to the lowest aligned free RAM above 1 MiB. */
	map_pc(&m, 512 * MiB);
	memmap_claim(&m, 16 * MiB + 0x1000, 0x1000, MEM_CLAIM_FIRMWARE);
	load(&bz, &img);
	s = bzimage_place_kernel(&bz, &m, FOUR_GIB);
	is_code(s, LB_OK, "pref_address taken, relocatable");
	is_u64(bz.load, 18 * MiB, "lowest 2M-aligned place where init_size fits: 18M");
	ok(memmap_covered(&m, bz.load, bz.load + INIT_SIZE, MEM_CLAIM_KERNEL),
	   "relocated kernel claimed");
	ok(memmap_covered(&m, 16 * MiB + 0x1000, 16 * MiB + 0x2000, MEM_CLAIM_FIRMWARE),
	   "the other claim untouched");

	/* pref_address beyond what the CPU maps: relocated below the limit. */
	map_pc(&m, 512 * MiB);
	load(&bz, &img);
	s = bzimage_place_kernel(&bz, &m, 16 * MiB + INIT_SIZE - 1);
	is_code(s, LB_OK, "pref_address past the limit, relocatable");
	is_u64(bz.load, 2 * MiB, "relocated to the lowest aligned place below the limit");
	map_pc(&m, 512 * MiB);
	load(&bz, &img);
	s = bzimage_place_kernel(&bz, &m, 2 * MiB + INIT_SIZE - 1);
	is_code(s, LB_E_KERNEL_NO_ROOM, "no place below the limit -> LB_E_KERNEL_NO_ROOM");

	/* pref_address not aligned to kernel_alignment. */
	map_pc(&m, 512 * MiB);
	hdr(&img)->pref_address = 0x1100000;
	load(&bz, &img);
	is_code(bzimage_place_kernel(&bz, &m, FOUR_GIB), LB_OK, "unaligned pref_address");
	is_u64(bz.load, 2 * MiB, "unaligned pref_address not used: 2M");
	hdr(&img)->pref_address = 0x1000000;

	/* pref_address above 4 GiB is not reachable by the 32-bit pointers. */
	map_q35_6g(&m);
	hdr(&img)->pref_address = 5 * GiB;
	load(&bz, &img);
	is_code(bzimage_place_kernel(&bz, &m, FOUR_GIB), LB_OK, "pref_address above 4 GiB");
	is_u64(bz.load, 2 * MiB, "placed below 4 GiB instead");
	hdr(&img)->pref_address = 0x1000000;

	/* Not relocatable. */
	map_pc(&m, 512 * MiB);
	memmap_claim(&m, 40 * MiB, 0x1000, MEM_CLAIM_FIRMWARE);
	hdr(&img)->relocatable_kernel = 0;
	hdr(&img)->pref_address = 0x1000000;
	load(&bz, &img);
	struct memmap before = m;
	s = bzimage_place_kernel(&bz, &m, FOUR_GIB);
	is_code(s, LB_E_KERNEL_NOT_RELOCATABLE, "pref taken, not relocatable -> NOT_RELOCATABLE");
	ok(lb_detail.a == 0x1000000 && lb_detail.b == INIT_SIZE,
	   "NOT_RELOCATABLE names address and size");
	ok(memcmp(&m, &before, sizeof(m)) == 0, "nothing claimed on failure");
	map_pc(&m, 512 * MiB);
	is_code(bzimage_place_kernel(&bz, &m, FOUR_GIB), LB_OK, "not relocatable, pref free");
	is_u64(bz.load, 0x1000000, "not relocatable: at pref_address");
	map_pc(&m, 512 * MiB);
	hdr(&img)->pref_address = 0x1100000;
	load(&bz, &img);
	is_code(bzimage_place_kernel(&bz, &m, FOUR_GIB), LB_OK,
		"not relocatable, pref_address 0x1100000 (not 2 MiB-aligned), free");
	is_u64(bz.load, 0x1100000, "not relocatable: at its unaligned pref_address");
	hdr(&img)->pref_address = 0x1000000;
	load(&bz, &img);

	/* pref_address free but the map too full to claim it: the map's error, not
	 * NOT_RELOCATABLE. */
	map_pc(&m, 512 * MiB);
	for (uint64_t a = 64 * MiB; !memmap_claim(&m, a, 0x1000, MEM_CLAIM_FIRMWARE).code;)
		a += 2 * 0x1000;
	ok(m.n >= MEMMAP_MAX - 1, "the map is full (%u ranges)", m.n);
	is_code(bzimage_place_kernel(&bz, &m, FOUR_GIB), LB_E_MEMMAP_FULL,
		"pref free, map full, not relocatable -> LB_E_MEMMAP_FULL");
	hdr(&img)->relocatable_kernel = 1;
	load(&bz, &img);
	is_code(bzimage_place_kernel(&bz, &m, FOUR_GIB), LB_E_MEMMAP_FULL,
		"pref free, map full, relocatable -> LB_E_MEMMAP_FULL");

	/* More than RAM. */
	free(img.p);
	img = make_image(SETUP_SECTS, SYSSIZE, 0x40000000);
	map_pc(&m, 512 * MiB);
	load(&bz, &img);
	s = bzimage_place_kernel(&bz, &m, FOUR_GIB);
	is_code(s, LB_E_KERNEL_NO_ROOM, "init_size 1 GiB in 512 MiB -> LB_E_KERNEL_NO_ROOM");
	ok(lb_detail.a == 0x40000000 && lb_detail.b == 0x200000,
	   "NO_ROOM names init_size and alignment");

	/* A pref_address from the image near 2^64: pref + init_size wraps to a small
	 * number, passes the 4 GiB check, and memmap_covered() treats the inverted range
	 * as covered, so pref is chosen and only the claim fails (LB_E_MEMMAP_NOT_RAM)
	 * instead of relocating the relocatable kernel. */
	free(img.p);
	img = std_image();
	hdr(&img)->pref_address = 0xffffffffffe00000ull;
	map_pc(&m, 512 * MiB);
	load(&bz, &img);
	s = bzimage_place_kernel(&bz, &m, FOUR_GIB);
	is_code(s, LB_OK, "pref_address 0xffffffffffe00000: relocated");
	is_u64(bz.load, 2 * MiB, "relocated to 2M");
	free(img.p);
}

static void test_place_initrd(void)
{
	struct bzimage bz;
	struct image img = std_image();
	struct memmap m;
	uint64_t at = 0;
	status_t s;
	const uint64_t size = 50 * MiB + 123, pages = 50 * MiB + 0x1000;

	/* Allowed above 4 GiB and RAM is there. */
	map_q35_6g(&m);
	load(&bz, &img);
	bzimage_place_kernel(&bz, &m, FOUR_GIB);
	s = initrd_place_limited(&m, size, bz.initrd_limit, UINT64_MAX, &at);
	is_code(s, LB_OK, "initrd with XLF_CAN_BE_LOADED_ABOVE_4G");
	is_u64(at, 8 * GiB - pages, "as high as possible: at the top of RAM above 4 GiB");
	ok(memmap_covered(&m, at, at + pages, MEM_CLAIM_INITRD), "initrd claimed, page-rounded");

	/* Caller limit: what the loader can write. */
	map_q35_6g(&m);
	load(&bz, &img);
	bzimage_place_kernel(&bz, &m, FOUR_GIB);
	s = initrd_place_limited(&m, size, bz.initrd_limit, 4 * GiB, &at);
	is_code(s, LB_OK, "initrd below a 4 GiB caller limit");
	is_u64(at, 2 * GiB - pages, "top of RAM below 4 GiB");
	map_q35_6g(&m);
	load(&bz, &img);
	bzimage_place_kernel(&bz, &m, FOUR_GIB);
	s = initrd_place_limited(&m, size, bz.initrd_limit, GiB, &at);
	is_u64(at, GiB - pages, "ends at the 1 GiB caller limit");

	/* Not allowed above initrd_addr_max. */
	hdr(&img)->xloadflags = 0x7f & ~XLF_CAN_LOAD_ABOVE_4G;
	map_pc(&m, 3 * GiB);
	load(&bz, &img);
	bzimage_place_kernel(&bz, &m, FOUR_GIB);
	s = initrd_place_limited(&m, size, bz.initrd_limit, UINT64_MAX, &at);
	is_code(s, LB_OK, "initrd without XLF bit 1");
	is_u64(at, 0x80000000 - pages, "ends at initrd_addr_max + 1");
	map_q35_6g(&m);
	load(&bz, &img);
	bzimage_place_kernel(&bz, &m, FOUR_GIB);
	s = initrd_place_limited(&m, size, bz.initrd_limit, UINT64_MAX, &at);
	ok(s.code == 0 && at + size <= 0x80000000, "not above 4 GiB without the XLF bit");

	/* Fits in RAM, but not below the kernel's initrd_addr_max: say which. */
	map_pc(&m, 3 * GiB);
	load(&bz, &img);
	bzimage_place_kernel(&bz, &m, FOUR_GIB);
	s = initrd_place_limited(&m, 2 * GiB + 1, bz.initrd_limit, UINT64_MAX, &at);
	is_code(s, LB_E_INITRD_ABOVE_MAX, "initrd above initrd_addr_max, RAM enough -> ABOVE_MAX");
	ok(lb_detail.a == 2 * GiB + 1 && lb_detail.b == 0x7fffffff,
	   "ABOVE_MAX names size and initrd_addr_max");
	bool claimed = false;
	for (uint32_t i = 0; i < m.n; i++)
		claimed |= m.r[i].type == MEM_CLAIM_INITRD;
	ok(!claimed, "nothing claimed for it");

	/* Too big for the RAM itself. */
	map_pc(&m, 3 * GiB);
	load(&bz, &img);
	bzimage_place_kernel(&bz, &m, FOUR_GIB);
	s = initrd_place_limited(&m, 3 * GiB, bz.initrd_limit, UINT64_MAX, &at);
	is_code(s, LB_E_INITRD_TOO_BIG, "initrd bigger than all RAM -> TOO_BIG");
	ok(lb_detail.a == 3 * GiB && lb_detail.b == memmap_ram_size(&m, 2 * GiB) &&
	       lb_detail.b > 2 * GiB - MiB,
	   "TOO_BIG names size and the RAM below the limit (%llu)",
	   (unsigned long long)lb_detail.b);
	hdr(&img)->xloadflags = 0x7f;

	/* Never over the kernel. */
	map_pc(&m, 64 * MiB);
	load(&bz, &img);
	bzimage_place_kernel(&bz, &m, FOUR_GIB); /* [16M, 48M) */
	s = initrd_place_limited(&m, 20 * MiB, bz.initrd_limit, UINT64_MAX, &at);
	is_code(s, LB_E_INITRD_NO_ROOM, "20M does not fit beside a 32M kernel in 64M -> NO_ROOM");
	s = initrd_place_limited(&m, 10 * MiB, bz.initrd_limit, UINT64_MAX, &at);
	is_code(s, LB_OK, "10M fits");
	is_u64(at, 54 * MiB, "above the kernel, at the top of RAM");
	ok(at >= bz.load + bz.init_size || at + 10 * MiB <= bz.load, "no overlap with the kernel");
	s = initrd_place_limited(&m, 10 * MiB, bz.initrd_limit, UINT64_MAX, &at);
	is_code(s, LB_OK, "a second 10M fits below the kernel");
	is_u64(at, 6 * MiB, "below the kernel");

	/* Never below 1 MiB, even though low RAM is free. */
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 0, 0x9FC00, MEM_RAM);
	memmap_add(&m, MiB, INIT_SIZE + 0x1000, MEM_RAM);
	hdr(&img)->pref_address = MiB;
	hdr(&img)->kernel_alignment = MiB;
	load(&bz, &img);
	is_code(bzimage_place_kernel(&bz, &m, FOUR_GIB), LB_OK, "kernel fills RAM above 1 MiB");
	s = initrd_place_limited(&m, 0x10000, bz.initrd_limit, UINT64_MAX, &at);
	is_code(s, LB_E_INITRD_NO_ROOM, "the initrd does not go below 1 MiB -> NO_ROOM");
	s = initrd_place_limited(&m, 0x1000, bz.initrd_limit, UINT64_MAX, &at);
	is_code(s, LB_OK, "one page still fits above the kernel");
	is_u64(at, MiB + INIT_SIZE, "in the last free page above 1 MiB");
	free(img.p);
}

static void test_cmdline(void)
{
	struct bzimage bz;
	struct image img = std_image();

	bzimage_parse(&bz, img.p, img.len);
	is_u64(bz.cmdline_max, 2047, "cmdline limit is cmdline_size");
	hdr(&img)->version = 0x205;
	bzimage_parse(&bz, img.p, img.len);
	is_u64(bz.cmdline_max, 255, "protocol 2.05: 255 bytes");
	free(img.p);
}

#define BP_ZERO(bp, from, to) all_zero((const uint8_t *)(bp) + (from), (to) - (from))

static void test_boot_params(void)
{
	struct bzimage bz;
	struct image img = std_image();
	struct memmap m;
	struct boot_params *bp = malloc(sizeof(*bp));
	struct boot_e820_entry e820[128];
	uint32_t n = 0;
	uint64_t initrd = 0;
	const uint64_t initrd_size = 0x1234567;

	hdr(&img)->loadflags = LOADED_HIGH | 0x20 | 0x80; /* + QUIET, CAN_USE_HEAP */
	hdr(&img)->heap_end_ptr = 0xde00;
	hdr(&img)->setup_data = 0x12345678;
	hdr(&img)->type_of_loader = 0x42;
	map_q35_6g(&m);
	load(&bz, &img);
	bzimage_place_kernel(&bz, &m, FOUR_GIB);
	initrd_place_limited(&m, initrd_size, bz.initrd_limit, UINT64_MAX, &initrd);
	ok(initrd > 4 * GiB, "initrd above 4 GiB for this test");
	memmap_claim(&m, 0x7000, 0x1000, MEM_CLAIM_FIRMWARE);

	struct bzimage_args args = {
	    .cmdline = 0x20000, .initrd = initrd, .initrd_size = initrd_size, .rsdp = 0xf5a10};
	memset(bp, 0xaa, sizeof(*bp));
	status_t s = bzimage_boot_params(&bz, bp, &args, &m);
	is_code(s, LB_OK, "boot_params");

	const struct setup_header *h = hdr(&img);
	ok(bp->hdr.setup_sects == h->setup_sects && bp->hdr.syssize == h->syssize &&
	       bp->hdr.boot_flag == BOOT_FLAG_MAGIC && bp->hdr.header == SETUP_HDR_MAGIC &&
	       bp->hdr.version == 0x20F && bp->hdr.jump == h->jump &&
	       bp->hdr.kernel_alignment == 0x200000 && bp->hdr.relocatable_kernel == 1 &&
	       bp->hdr.xloadflags == 0x7f && bp->hdr.cmdline_size == 2047 &&
	       bp->hdr.initrd_addr_max == 0x7fffffff && bp->hdr.pref_address == 0x1000000 &&
	       bp->hdr.init_size == INIT_SIZE,
	   "setup header copied from the image");
	is_u64(bp->hdr.type_of_loader, 0xff, "type_of_loader 0xff");
	is_u64(bp->hdr.loadflags, LOADED_HIGH | 0x20,
	       "loadflags: LOADED_HIGH and QUIET kept, heap off");
	is_u64(bp->hdr.heap_end_ptr, 0, "heap_end_ptr cleared");
	is_u64(bp->hdr.code32_start, bz.load, "code32_start = load address");
	is_u64(bp->hdr.cmd_line_ptr, 0x20000, "cmd_line_ptr");
	is_u64(bp->ext_cmd_line_ptr, 0, "ext_cmd_line_ptr 0 below 4 GiB");
	is_u64(bp->hdr.ramdisk_image, (uint32_t)initrd, "ramdisk_image: low 32 bits");
	is_u64(bp->ext_ramdisk_image, initrd >> 32, "ext_ramdisk_image: high 32 bits");
	is_u64(bp->hdr.ramdisk_size, initrd_size, "ramdisk_size");
	is_u64(bp->ext_ramdisk_size, 0, "ext_ramdisk_size 0 for a small initrd");
	is_u64(bp->acpi_rsdp_addr, 0xf5a10, "acpi_rsdp_addr");
	is_u64(bp->hdr.setup_data, 0, "setup_data 0 (the image's value is not passed on)");
	is_u64(bp->sentinel, 0, "sentinel 0");

	is_code(e820_build(&m, e820, 128, &n), LB_OK, "e820 for comparison");
	is_u64(bp->e820_entries, n, "e820_entries");
	ok(memcmp(bp->e820_table, e820, n * sizeof(e820[0])) == 0, "e820_table is the built map");
	ok(n >= 6 && bp->e820_table[0].addr == 0 && bp->e820_table[0].type == 1,
	   "e820 starts with low RAM");
	bool kernel_ram = false, initrd_ram = false;
	for (uint32_t i = 0; i < n; i++) {
		const struct boot_e820_entry *e = &bp->e820_table[i];
		kernel_ram |= e->type == 1 && e->addr <= bz.load &&
			      bz.load + bz.init_size <= e->addr + e->size;
		initrd_ram |=
		    e->type == 1 && e->addr <= initrd && initrd + initrd_size <= e->addr + e->size;
	}
	ok(kernel_ram && initrd_ram, "kernel and initrd are RAM in the e820 table");

	ok(BP_ZERO(bp, 0, 0x70) && BP_ZERO(bp, 0x78, 0xC0) && BP_ZERO(bp, 0xCC, 0x1E8) &&
	       BP_ZERO(bp, 0x1E9, 0x1F1) && BP_ZERO(bp, 0x26C, 0x2D0) &&
	       BP_ZERO(bp, 0x2D0 + 20 * n, 0x1000),
	   "everything else in the page is zero");

	/* Pointers and sizes above 4 GiB. */
	args.cmdline = 0x1ffff0000ull;
	args.initrd_size = 0x100002000ull;
	s = bzimage_boot_params(&bz, bp, &args, &m);
	is_u64(bp->hdr.cmd_line_ptr, 0xffff0000, "cmd_line_ptr low 32 bits");
	is_u64(bp->ext_cmd_line_ptr, 1, "ext_cmd_line_ptr high 32 bits");
	is_u64(bp->hdr.ramdisk_size, 0x2000, "ramdisk_size low 32 bits");
	is_u64(bp->ext_ramdisk_size, 1, "ext_ramdisk_size high 32 bits");

	/* No initrd, no RSDP. */
	args = (struct bzimage_args){.cmdline = 0x20000};
	s = bzimage_boot_params(&bz, bp, &args, &m);
	ok(s.code == 0 && bp->hdr.ramdisk_image == 0 && bp->hdr.ramdisk_size == 0 &&
	       bp->ext_ramdisk_image == 0 && bp->acpi_rsdp_addr == 0,
	   "no initrd and no RSDP: all zero");

	/* A shorter header: only hdr_len bytes come from the image. */
	img.p[0x201] = 0x258 - 0x202;
	bzimage_parse(&bz, img.p, img.len);
	bzimage_check_sizes(&bz, 0, img.len);
	bz.load = 0x1000000;
	memset(bp, 0xaa, sizeof(*bp));
	bzimage_boot_params(&bz, bp, &args, &m);
	ok(bp->hdr.pref_address == 0 && bp->hdr.init_size == 0 && bp->hdr.cmdline_size == 2047,
	   "fields past a shorter header are zero");
	free(img.p);
	free(bp);
}

static void test_plan(void)
{
	struct bzimage bz;
	struct image img = std_image();
	struct memmap m;
	struct boot_plan plan;

	map_pc(&m, 512 * MiB);
	load(&bz, &img);
	bzimage_place_kernel(&bz, &m, FOUR_GIB);
	memset(&plan, 0xaa, sizeof(plan));
	bzimage_plan(&bz, 0x7000, FOUR_GIB, &plan);
	is_u64(plan.mode, BOOT_LINUX64, "plan: 64-bit mode");
	is_u64(plan.entry, 0x1000000 + 0x200, "plan: 64-bit entry = load + 0x200");
	is_u64(plan.arg, 0x7000, "plan: boot_params as the argument");
	is_u64(plan.nregions, 1, "plan: one region");
	ok(plan.region[0].start == 0x1000000 && plan.region[0].len == INIT_SIZE &&
	       plan.region[0].claim == MEM_CLAIM_KERNEL,
	   "plan: the region is the kernel's init_size");
	is_code(plan_validate(&plan, &m), LB_OK, "plan: validates against the map");

	hdr(&img)->xloadflags = 0;
	map_pc(&m, 512 * MiB);
	load(&bz, &img);
	bzimage_place_kernel(&bz, &m, FOUR_GIB);
	bzimage_plan(&bz, 0x7000, FOUR_GIB, &plan);
	is_u64(plan.mode, BOOT_LINUX32, "plan: 32-bit mode");
	is_u64(plan.entry, 0x1000000, "plan: 32-bit entry = load");
	is_code(plan_validate(&plan, &m), LB_OK, "plan: 32-bit plan validates");
	free(img.p);
}

int main(void)
{
	test_parse();
	test_check_sizes();
	test_place_kernel();
	test_place_initrd();
	test_cmdline();
	test_boot_params();
	test_plan();
	return done_testing();
}
