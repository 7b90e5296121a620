/* Multiboot v1 (boot/multiboot.c, boot/multiboot_load.c and their part of
 * boot/kernel.c and boot/kernel_source.c): the header scan, the a.out-kludge
 * layout, the memory map and mem_lower/mem_upper, the checks on QEMU's
 * information; then whole loads against the fake fw_cfg, with "physical" RAM a
 * host mapping at 1 GiB as in test_fetch.c: an ELF32 and an a.out-kludge kernel
 * from opt/leapboot/kernel with modules, what is refused, QEMU's -kernel buffer,
 * and the formats multiboot must not take over (a PVH ELF, a bzImage). An
 * observer checks that every item passes the fetch path once, whole. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kernel.h"
#include "multiboot_load.h"
#include "e820.h"
#include "le.h"
#include "../../elf/elf.h"
#include "bz_header.h"
#include "fake_fw_cfg.h"
#include "outcome.h"
#include "tap.h"

#define KiB 0x400ull
#define MiB 0x100000ull
#define GiB 0x40000000ull

#define RAM_BYTES (64u << 20)
#define RAM_AT	  0x40000000ul /* below 4 GiB: the kernel's 32-bit pointers are host pointers */
#define RAM_END	  (RAM_AT + RAM_BYTES)
#define MB_AT	  (RAM_AT + 0x10000) /* the information block, in "leapboot's" own pages */
#define MB_PAGES  ((sizeof(struct multiboot_boot) + 0xFFF) & ~0xFFFul)
#define KERNEL_AT (RAM_AT + 0x100000)
#define DIR_MAX	  128

#define FW_CFG_KERNEL_ADDR  0x07
#define FW_CFG_KERNEL_ENTRY 0x10

/* The MBI flags leapboot sets for a kernel of its own. */
#define MBI_OWN (MBI_MEMORY | MBI_CMDLINE | MBI_MODULES | MBI_MMAP | MBI_LOADER_NAME)

static uint8_t *ram;

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static uint8_t *pattern(uint32_t len, uint8_t seed)
{
	uint8_t *p = malloc(len ? len : 1);
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 8));
	return p;
}

/* magic, flags, checksum at p. */
static void mb_header(uint8_t *p, uint32_t flags)
{
	put32(p, MULTIBOOT_HEADER_MAGIC);
	put32(p + 4, flags);
	put32(p + 8, -(MULTIBOOT_HEADER_MAGIC + flags));
}

/* A header with the a.out kludge (and flags): the five address fields too. */
static void mb_aout(uint8_t *p, uint32_t flags, uint32_t header_addr, uint32_t load,
		    uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
	mb_header(p, flags | MB_HDR_AOUT_KLUDGE);
	put32(p + 12, header_addr);
	put32(p + 16, load);
	put32(p + 20, load_end);
	put32(p + 24, bss_end);
	put32(p + 28, entry);
}

/* One TAP result: the status's code and both details. */
#define IS_FAIL(st, want, wa, wb, ...) outcome_is(outcome(st), (want), (wa), (wb), __VA_ARGS__)
static bool outcome_is(struct outcome o, int code, uint64_t a, uint64_t b, const char *what)
{
	bool pass = o.code == code && o.a == a && o.b == b;
	ok(pass, "%s", what);
	if (!pass)
		diag("     got: code %d (%#llx, %#llx)\n#     want: code %d (%#llx, %#llx)", o.code,
		     (unsigned long long)o.a, (unsigned long long)o.b, code, (unsigned long long)a,
		     (unsigned long long)b);
	return pass;
}

/* --- multiboot_find ------------------------------------------------------------------ */

static void test_find(void)
{
	static uint8_t head[MULTIBOOT_SEARCH];
	struct multiboot_header h;
	uint32_t at;
	status_t s;

	diag("multiboot_find");
	memset(head, 0, sizeof(head));
	mb_header(head, MB_HDR_PAGE_ALIGN | MB_HDR_MEMORY);
	memset(&h, 0xAA, sizeof(h));
	at = 0xAAAA;
	is_code(multiboot_find(head, sizeof(head), &h, &at), LB_OK, "a header at 0 is found");
	is_u64(at, 0, "... at offset 0");
	ok(h.magic == MULTIBOOT_HEADER_MAGIC && h.flags == 3 && h.checksum == 0xE4524FFB,
	   "... magic, flags 3, checksum 0xE4524FFB");
	ok(!h.header_addr && !h.load_addr && !h.load_end_addr && !h.bss_end_addr && !h.entry_addr,
	   "... without the a.out kludge the address fields are 0");

	/* Every 4-aligned place in 8 KiB where 12 bytes fit. */
	unsigned wrong = 0, tried = 0;
	for (uint32_t off = 0; off + 12 <= MULTIBOOT_SEARCH; off += 4, tried++) {
		memset(head, 0, sizeof(head));
		mb_header(head + off, 0);
		s = multiboot_find(head, sizeof(head), &h, &at);
		wrong += s.code || at != off || h.flags;
	}
	ok(!wrong && tried == 2046,
	   "a header at each of the 2046 4-aligned offsets 0..8180 is "
	   "found there (%u wrong)",
	   wrong);
	memset(head, 0, sizeof(head));
	mb_header(head + 8180, 0);
	ok(!multiboot_find(head, sizeof(head), &h, &at).code && at == 8180,
	   "the last possible offset, 8180 (its 12 bytes end at 8 KiB)");
	memset(head, 0, sizeof(head));
	put32(head + 8184, MULTIBOOT_HEADER_MAGIC);
	put32(head + 8188, 0);
	IS_FAIL(multiboot_find(head, sizeof(head), &h, &at), LB_E_MB_NONE, 8192, 0,
		"magic at 8184 (the header would end past 8 KiB): LB_E_MB_NONE (8192, 0)");
	memset(head, 0, sizeof(head));
	mb_aout(head + 8160, 0, 0, 0, 0, 0, 0);
	ok(!multiboot_find(head, sizeof(head), &h, &at).code && at == 8160,
	   "an a.out-kludge header at 8160 (its 32 bytes end at 8 KiB)");
	memset(head, 0, sizeof(head));
	mb_header(head + 8164, MB_HDR_AOUT_KLUDGE); /* its 12 bytes fit, its 32 do not */
	IS_FAIL(multiboot_find(head, sizeof(head), &h, &at), LB_E_MB_HEADER_CUT, 8164, 8192,
		"an a.out-kludge header at 8164: LB_E_MB_HEADER_CUT (8164, 8192)");

	/* Unaligned magic, however valid, is not a header. */
	for (uint32_t off = 1; off < 4; off++) {
		memset(head, 0, sizeof(head));
		mb_header(head + 0x100 + off, 3);
		IS_FAIL(multiboot_find(head, 4096, &h, &at), LB_E_MB_NONE, 4096, 0,
			off == 1   ? "a valid header at 0x101 is ignored: LB_E_MB_NONE (4096, 0)"
			: off == 2 ? "... at 0x102"
				   : "... at 0x103");
	}
	memset(head, 0, sizeof(head));
	mb_header(head + 0x102, 3);
	mb_header(head + 0x200, 1);
	ok(!multiboot_find(head, 4096, &h, &at).code && at == 0x200 && h.flags == 1,
	   "an unaligned header at 0x102 skipped, the aligned one at 0x200 found");

	/* A bad checksum is not a header: the scan goes on. */
	memset(head, 0, sizeof(head));
	mb_header(head + 0x10, 3);
	put32(head + 0x18, le32(head + 0x18) + 1);
	mb_header(head + 0x40, 2);
	ok(!multiboot_find(head, 4096, &h, &at).code && at == 0x40 && h.flags == 2,
	   "a bad checksum at 0x10 skipped, the valid header at 0x40 found");
	memset(head, 0, sizeof(head));
	mb_header(head + 0x10, 3);
	put32(head + 0x18, 0);
	mb_header(head + 0x30, 3);
	put32(head + 0x38, 0x1234);
	IS_FAIL(multiboot_find(head, 4096, &h, &at), LB_E_MB_CHECKSUM, 0x10, 0,
		"only bad checksums: LB_E_MB_CHECKSUM naming the first (0x10, checksum 0)");
	memset(head, 0, sizeof(head));
	mb_header(head + 0x10, 3);
	put32(head + 0x18, 0);
	mb_header(head + 0x40, MB_HDR_PAGE_ALIGN | 0x100);
	IS_FAIL(multiboot_find(head, 4096, &h, &at), LB_E_MB_FLAGS, 0x40, 0x101,
		"a bad checksum, then a header with bit 8: the header's LB_E_MB_FLAGS");

	/* Required bits 3-15 leapboot does not know: refused, offset and flags said. */
	unsigned bits_ok = 0;
	for (int bit = 3; bit <= 15; bit++) {
		uint32_t flags = 3u | 1u << bit;
		memset(head, 0, sizeof(head));
		mb_header(head + 0x40, flags);
		struct outcome o = outcome(multiboot_find(head, 4096, &h, &at));
		bits_ok += o.code == LB_E_MB_FLAGS && o.a == 0x40 && o.b == flags;
	}
	is_u64(bits_ok, 13,
	       "each of bits 3-15: LB_E_MB_FLAGS (offset 0x40, the flags) (13 bits refused)");
	memset(head, 0, sizeof(head));
	mb_header(head + 0x40, 0x8003 | MB_HDR_AOUT_KLUDGE);
	IS_FAIL(multiboot_find(head, 4096, &h, &at), LB_E_MB_FLAGS, 0x40, 0x18003,
		"bit 15 with the a.out kludge: LB_E_MB_FLAGS (0x40, 0x18003)");
	memset(head, 0, sizeof(head));
	mb_header(head + 0x40, MB_HDR_PAGE_ALIGN | MB_HDR_MEMORY | MB_HDR_VIDEO);
	ok(!multiboot_find(head, 4096, &h, &at).code && at == 0x40 && h.flags == 7,
	   "the video bit 2 is accepted (leapboot leaves the MBI's video fields clear)");
	memset(head, 0, sizeof(head));
	mb_header(head + 0x40, 0xFFFE0003u);
	ok(!multiboot_find(head, 4096, &h, &at).code && h.flags == 0xFFFE0003u,
	   "optional bits 17-31 are ignored");

	/* Cut at the end of what was read (the file's end or 8 KiB). */
	memset(head, 0, sizeof(head));
	mb_aout(head + 80, 0, 1, 2, 3, 4, 5);
	IS_FAIL(multiboot_find(head, 100, &h, &at), LB_E_MB_HEADER_CUT, 80, 100,
		"an a.out-kludge header at 80 of 100 bytes: LB_E_MB_HEADER_CUT (80, 100)");
	is_u64(at, 80, "... *offset says where it is");
	ok(!multiboot_find(head, 112, &h, &at).code && at == 80 && h.header_addr == 1 &&
	       h.load_addr == 2 && h.load_end_addr == 3 && h.bss_end_addr == 4 && h.entry_addr == 5,
	   "... with 112 bytes it is whole: the five address fields read");
	memset(head, 0, sizeof(head));
	mb_header(head + 88, 3);
	ok(!multiboot_find(head, 100, &h, &at).code && at == 88,
	   "a plain header at 88 of 100 bytes is whole (12 bytes)");

	memset(head, 0, sizeof(head));
	IS_FAIL(multiboot_find(head, sizeof(head), &h, &at), LB_E_MB_NONE, 8192, 0,
		"8 KiB of zeros: LB_E_MB_NONE (8192, 0)");
	IS_FAIL(multiboot_find(head, 0, &h, &at), LB_E_MB_NONE, 0, 0,
		"an empty file: LB_E_MB_NONE (0, 0)");
	mb_header(head, 3);
	IS_FAIL(multiboot_find(head, 11, &h, &at), LB_E_MB_NONE, 11, 0,
		"a header in a file of 11 bytes: LB_E_MB_NONE (11, 0)");
}

/* --- multiboot_aout_layout ----------------------------------------------------------- */

static struct multiboot_header aout(uint32_t header_addr, uint32_t load, uint32_t load_end,
				    uint32_t bss_end, uint32_t entry)
{
	return (struct multiboot_header){MULTIBOOT_HEADER_MAGIC,
					 MB_HDR_AOUT_KLUDGE,
					 -(MULTIBOOT_HEADER_MAGIC + MB_HDR_AOUT_KLUDGE),
					 header_addr,
					 load,
					 load_end,
					 bss_end,
					 entry};
}

static bool layout_is(const struct multiboot_layout *l, uint64_t file_offset, uint64_t load,
		      uint64_t load_end, uint64_t bss_end, uint64_t entry)
{
	bool same = l->file_offset == file_offset && l->load == load && l->load_end == load_end &&
		    l->bss_end == bss_end && l->entry == entry;
	if (!same)
		diag("     got: file_offset %#llx load %#llx load_end %#llx bss_end %#llx entry "
		     "%#llx",
		     (unsigned long long)l->file_offset, (unsigned long long)l->load,
		     (unsigned long long)l->load_end, (unsigned long long)l->bss_end,
		     (unsigned long long)l->entry);
	return same;
}

static void test_layout(void)
{
	struct multiboot_layout l;
	struct multiboot_header h;
	const uint64_t size = 0x5000;

	diag("multiboot_aout_layout (a file of 0x5000 bytes)");
	h = aout(0x100040, 0x100000, 0x104000, 0x108000, 0x100080);
	is_code(multiboot_aout_layout(&h, 0x40, size, &l), LB_OK, "normal: accepted");
	ok(layout_is(&l, 0, 0x100000, 0x104000, 0x108000, 0x100080),
	   "normal: from file offset 0, [0x100000, 0x104000) loaded, bss to 0x108000, entry "
	   "0x100080");
	h = aout(0x100020, 0x100000, 0x102000, 0x103000, 0x100000);
	ok(!multiboot_aout_layout(&h, 0x1020, size, &l).code &&
	       layout_is(&l, 0x1000, 0x100000, 0x102000, 0x103000, 0x100000),
	   "header at file 0x1020 and 0x20 into the image: loading starts at file offset 0x1000; "
	   "entry at load_addr is inside");
	h = aout(0x100040, 0x100000, 0, 0x108000, 0x100080);
	ok(!multiboot_aout_layout(&h, 0x40, size, &l).code &&
	       layout_is(&l, 0, 0x100000, 0x105000, 0x108000, 0x100080),
	   "load_end_addr 0: the rest of the file (0x5000 bytes)");
	h = aout(0x100020, 0x100000, 0, 0, 0x100020);
	ok(!multiboot_aout_layout(&h, 0x1020, size, &l).code &&
	       layout_is(&l, 0x1000, 0x100000, 0x104000, 0x104000, 0x100020),
	   "load_end_addr 0 from file offset 0x1000: 0x4000 bytes; bss_end_addr 0: no bss");
	h = aout(0x100040, 0x100000, 0x104000, 0, 0x100080);
	ok(!multiboot_aout_layout(&h, 0x40, size, &l).code &&
	       layout_is(&l, 0, 0x100000, 0x104000, 0x104000, 0x100080),
	   "bss_end_addr 0: bss_end = load_end");
	h = aout(0x100040, 0x100000, 0x105000, 0x105000, 0x104FFF);
	ok(!multiboot_aout_layout(&h, 0x40, size, &l).code &&
	       layout_is(&l, 0, 0x100000, 0x105000, 0x105000, 0x104FFF),
	   "load_end exactly at the file's end, bss_end = load_end, entry on the last byte");

	h = aout(0xFFFC0, 0x100000, 0x104000, 0x108000, 0x100080);
	IS_FAIL(multiboot_aout_layout(&h, 0x40, size, &l), LB_E_MB_HEADER_ADDR, 0xFFFC0, 0x100000,
		"header_addr < load_addr: LB_E_MB_HEADER_ADDR (0xfffc0, 0x100000)");
	h = aout(0x100044, 0x100000, 0x104000, 0x108000, 0x100080);
	IS_FAIL(multiboot_aout_layout(&h, 0x40, size, &l), LB_E_MB_HEADER_ADDR, 0x100044, 0x100000,
		"header_addr - load_addr (0x44) > the header's offset (0x40): "
		"LB_E_MB_HEADER_ADDR");
	h = aout(0x100040, 0x100000, 0xFFFFF, 0x108000, 0x100080);
	IS_FAIL(multiboot_aout_layout(&h, 0x40, size, &l), LB_E_MB_LOAD_END, 0xFFFFF, size,
		"load_end < load: LB_E_MB_LOAD_END (0xfffff, file size)");
	h = aout(0x100040, 0x100000, 0x105001, 0x108000, 0x100080);
	IS_FAIL(multiboot_aout_layout(&h, 0x40, size, &l), LB_E_MB_LOAD_END, 0x105001, size,
		"load_end one byte past the file: LB_E_MB_LOAD_END (0x105001, 0x5000)");
	h = aout(0x100020, 0x100000, 0x104001, 0x108000, 0x100080);
	IS_FAIL(multiboot_aout_layout(&h, 0x1020, size, &l), LB_E_MB_LOAD_END, 0x104001, size,
		"... counted from the file offset loading starts at (0x1000)");
	h = aout(0x100040, 0x100000, 0x104000, 0x103FFF, 0x100080);
	IS_FAIL(multiboot_aout_layout(&h, 0x40, size, &l), LB_E_MB_BSS_END, 0x103FFF, 0x104000,
		"bss_end < load_end: LB_E_MB_BSS_END (0x103fff, 0x104000)");
	h = aout(0x100040, 0x100000, 0, 0x104FFF, 0x100080);
	IS_FAIL(multiboot_aout_layout(&h, 0x40, size, &l), LB_E_MB_BSS_END, 0x104FFF, 0x105000,
		"bss_end below the end of a rest-of-file load: LB_E_MB_BSS_END");
	h = aout(0x100040, 0x100000, 0x104000, 0x108000, 0xFFFFF);
	IS_FAIL(multiboot_aout_layout(&h, 0x40, size, &l), LB_E_MB_ENTRY, 0xFFFFF, 0x100000,
		"entry below load: LB_E_MB_ENTRY (0xfffff, 0x100000)");
	h = aout(0x100040, 0x100000, 0x104000, 0x108000, 0x104000);
	IS_FAIL(multiboot_aout_layout(&h, 0x40, size, &l), LB_E_MB_ENTRY, 0x104000, 0x100000,
		"entry at load_end (in the bss, not loaded): LB_E_MB_ENTRY");

	/* 32-bit fields at their limits: nothing wraps in the 64-bit sums. */
	h = aout(0xFFFFFFFF, 0, 0x4000, 0, 0x10);
	IS_FAIL(multiboot_aout_layout(&h, 0x40, size, &l), LB_E_MB_HEADER_ADDR, 0xFFFFFFFF, 0,
		"header_addr 0xffffffff, load 0: LB_E_MB_HEADER_ADDR");
	h = aout(0x100040, 0x100000, 0xFFFFFFFF, 0, 0x100080);
	IS_FAIL(multiboot_aout_layout(&h, 0x40, size, &l), LB_E_MB_LOAD_END, 0xFFFFFFFF, size,
		"load_end 0xffffffff: LB_E_MB_LOAD_END");
	h = aout(0x100040, 0x100000, 0x104000, 0xFFFFFFFF, 0x100080);
	ok(!multiboot_aout_layout(&h, 0x40, size, &l).code &&
	       layout_is(&l, 0, 0x100000, 0x104000, 0xFFFFFFFF, 0x100080),
	   "bss_end 0xffffffff: accepted as it is (placement judges it)");
	h = aout(0xFFFFF040, 0xFFFFF000, 0, 0, 0xFFFFFFFF);
	ok(!multiboot_aout_layout(&h, 0x40, size, &l).code &&
	       layout_is(&l, 0, 0xFFFFF000, 0x100004000ull, 0x100004000ull, 0xFFFFFFFF),
	   "load 0xfffff000 with the rest of the file: load_end 0x100004000 in 64 bits, no wrap");
	h = aout(0xFFFFF040, 0xFFFFF000, 0xFFFFFFFF, 0, 0xFFFFFFFF);
	IS_FAIL(multiboot_aout_layout(&h, 0x40, size, &l), LB_E_MB_ENTRY, 0xFFFFFFFF, 0xFFFFF000,
		"load_end 0xffffffff, entry 0xffffffff (the first byte not loaded): LB_E_MB_ENTRY");
	h = aout(0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF);
	IS_FAIL(multiboot_aout_layout(&h, 0x40, size, &l), LB_E_MB_ENTRY, 0xFFFFFFFF, 0xFFFFFFFF,
		"every field 0xffffffff: nothing loaded, LB_E_MB_ENTRY");
}

/* --- multiboot_mmap ------------------------------------------------------------------ */

/* q35 -m 3G as leapboot sees it when it boots a multiboot kernel: low RAM to the
 * EBDA, the F segment, RAM from 1 MiB to 2 GiB with leapboot's claims (its own
 * pages low and high, the kernel, a module, ACPI and other tables), MMCONFIG and
 * the reserved pages below 4 GiB in the PCI hole, 1 GiB above 4 GiB. */
static void q35_map(struct memmap *m)
{
	memset(m, 0, sizeof(*m));
	memmap_add(m, 0, 2 * GiB, MEM_RAM);
	memmap_add(m, 0xB0000000ull, 0x10000000ull, MEM_RESERVED);
	memmap_add(m, 0xFEFFC000ull, 0x4000, MEM_RESERVED);
	memmap_add(m, 4 * GiB, 1 * GiB, MEM_RAM);
	e820_carve_legacy(m);
	memmap_claim(m, 0x1000, 0xF000, MEM_CLAIM_FIRMWARE);
	memmap_claim(m, MiB, 0x300000, MEM_CLAIM_KERNEL);
	memmap_claim(m, 0x7F000000ull, 0x800000, MEM_CLAIM_INITRD);
	memmap_claim(m, 0x7FFC0000ull, 0x20000, MEM_CLAIM_FIRMWARE);
	memmap_claim(m, 0x7FFE0000ull, 0x10000, MEM_CLAIM_ACPI);
	memmap_claim(m, 0x7FFF0000ull, 0x10000, MEM_CLAIM_TABLES);
}

static const struct boot_e820_entry q35_want[] = {
    {0, 0x1000, 1},
    {0x1000, 0xF000, 2}, /* leapboot's low pages: reserved */
    {0x10000, 0x8FC00, 1},
    {0x9FC00, 0x400, 2}, /* EBDA */
    {0xF0000, 0x10000, 2},
    {MiB, 0x7FFC0000ull - MiB, 1}, /* kernel, RAM, module, RAM: RAM */
    {0x7FFC0000ull, 0x20000, 2},
    {0x7FFE0000ull, 0x10000, 3}, /* ACPI tables */
    {0x7FFF0000ull, 0x10000, 2}, /* SMBIOS and other blobs */
    {0xB0000000ull, 0x10000000ull, 2},
    {0xFEFFC000ull, 0x4000, 2},
    {4 * GiB, 1 * GiB, 1},
};
#define Q35_WANT (sizeof(q35_want) / sizeof(q35_want[0]))

static bool mmap_is(const struct multiboot_mmap_entry *e, uint32_t n,
		    const struct boot_e820_entry *want, uint32_t nwant)
{
	bool same = n == nwant;
	for (uint32_t i = 0; same && i < n; i++)
		same = e[i].size == 20 && e[i].e.addr == want[i].addr &&
		       e[i].e.size == want[i].size && e[i].e.type == want[i].type;
	if (!same)
		for (uint32_t i = 0; i < n; i++)
			diag("   got {size %u, %#llx, %#llx, %u}", e[i].size,
			     (unsigned long long)e[i].e.addr, (unsigned long long)e[i].e.size,
			     e[i].e.type);
	return same;
}

static void test_mmap(void)
{
	static struct multiboot_mmap_entry out[MEMMAP_MAX + 1];
	struct multiboot_info mbi;
	struct memmap m;

	diag("multiboot_mmap");
	q35_map(&m);
	memset(out, 0xAA, sizeof(out));
	memset(&mbi, 0, sizeof(mbi));
	mbi.flags = MBI_CMDLINE;
	is_code(multiboot_mmap(&m, out, MEMMAP_MAX, 0x12340, &mbi), LB_OK, "q35 3G: built");
	uint32_t n = mbi.mmap_length / 24;
	is_u64(mbi.mmap_length, 24 * Q35_WANT, "mmap_length = 24 x %u entries", (unsigned)Q35_WANT);
	ok(mmap_is(out, n, q35_want, Q35_WANT),
	   "entries with size 20, as e820_build exports them: leapboot's pages and the tables "
	   "reserved, ACPI as ACPI, kernel and module RAM");
	ok(out[n].size == 0xAAAAAAAA, "nothing written past the last entry");
	is_u64(mbi.mmap_addr, 0x12340, "mmap_addr as given");
	is_u64(mbi.mem_lower, 639,
	       "mem_lower 639 (KiB up to the EBDA; leapboot's pages at 4 KiB do not shorten it)");
	is_u64(mbi.mem_upper, (0x7FFC0000ull - MiB) / KiB,
	       "mem_upper 2095872: the RAM handed over from 1 MiB, up to leapboot's pages at "
	       "0x7ffc0000 (the kernel and the module count, as RAM)");
	is_u64(mbi.flags, MBI_CMDLINE | MBI_MEMORY | MBI_MMAP,
	       "flags: bits 0 and 6 added to what was there");

	/* Too small a table: the count said, nothing written. */
	memset(out, 0xAA, sizeof(out));
	memset(&mbi, 0, sizeof(mbi));
	IS_FAIL(multiboot_mmap(&m, out, 4, 0x12340, &mbi), LB_E_E820_TOO_MANY, Q35_WANT, 4,
		"room for 4 entries: LB_E_E820_TOO_MANY (12, 4)");
	ok(out[0].size == 0xAAAAAAAA && !mbi.flags && !mbi.mmap_length,
	   "... neither the table nor the information touched");

	/* Without the legacy holes: one RAM range from 0 across 1 MiB. */
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 0, 128 * MiB, MEM_RAM);
	memmap_add(&m, 0xFEFFC000ull, 0x4000, MEM_RESERVED);
	memset(&mbi, 0, sizeof(mbi));
	is_code(multiboot_mmap(&m, out, MEMMAP_MAX, 0, &mbi), LB_OK, "one RAM range 0-128 MiB");
	is_u64(mbi.mem_lower, 640, "... mem_lower 640 (up to the VGA window)");
	is_u64(mbi.mem_upper, 127 * MiB / KiB, "... mem_upper 130048 (1 MiB to 128 MiB)");
	ok(mbi.mmap_length == 48 && out[0].e.addr == 0 && out[0].e.size == 128 * MiB &&
	       out[1].e.type == 2,
	   "... two entries");

	/* Odd shapes: no RAM at 0 or at 1 MiB; RAM past 4 GiB from 1 MiB. */
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 2 * MiB, 126 * MiB, MEM_RAM);
	memset(&mbi, 0, sizeof(mbi));
	ok(!multiboot_mmap(&m, out, MEMMAP_MAX, 0, &mbi).code && mbi.mem_lower == 0 &&
	       mbi.mem_upper == 0,
	   "RAM only from 2 MiB: mem_lower 0, mem_upper 0");
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 0, 0x9FC00, MEM_RAM);
	memmap_add(&m, MiB, 6 * GiB, MEM_RAM);
	memset(&mbi, 0, sizeof(mbi));
	ok(!multiboot_mmap(&m, out, MEMMAP_MAX, 0, &mbi).code && mbi.mem_lower == 639 &&
	       mbi.mem_upper == 6 * GiB / KiB,
	   "RAM from 1 MiB past 4 GiB: mem_upper counts it all (6291456)");
	memset(&m, 0, sizeof(m));
	memmap_add(&m, MiB, 5ull << 40, MEM_RAM);
	memset(&mbi, 0, sizeof(mbi));
	ok(!multiboot_mmap(&m, out, MEMMAP_MAX, 0, &mbi).code && mbi.mem_upper == 0xFFFFFFFF,
	   "5 TiB from 1 MiB: mem_upper 0xffffffff, the most 32 bits hold");
	memset(&m, 0, sizeof(m));
	memmap_add(&m, 0, 0x9F000, MEM_RAM);
	memmap_add(&m, 0x9F000, 0x1000, MEM_RESERVED);
	memmap_add(&m, MiB, MiB, MEM_RAM);
	memmap_claim(&m, 0x1000, 0x1000, MEM_CLAIM_FIRMWARE);
	memmap_claim(&m, MiB, 0x1000, MEM_CLAIM_FIRMWARE);
	memset(&mbi, 0, sizeof(mbi));
	ok(!multiboot_mmap(&m, out, MEMMAP_MAX, 0, &mbi).code && mbi.mem_lower == 636 &&
	       mbi.mem_upper == 0,
	   "a 4 KiB EBDA: mem_lower 636; leapboot's page at 1 MiB: mem_upper 0");
	memset(&m, 0, sizeof(m));
	memset(&mbi, 0, sizeof(mbi));
	ok(!multiboot_mmap(&m, out, MEMMAP_MAX, 0x500, &mbi).code && !mbi.mmap_length &&
	       !mbi.mem_lower && !mbi.mem_upper && mbi.flags == (MBI_MEMORY | MBI_MMAP),
	   "an empty map: no entries, 0 and 0");
}

/* --- multiboot_check_qemu_info --------------------------------------------------------- */

#define QLO  0x100000u
#define QLEN 0x2000u

/* QEMU's buffer, exactly QLEN bytes on the heap (ASan sees a read past it), at
 * QLO: a command line at +0x1000, the module list at +0x1100 (two modules at
 * +0x1800 and +0x1900, their command lines at +0x1020 and +0x1030). */
static uint8_t *qemu_buffer(struct multiboot_info *mbi)
{
	uint8_t *b = malloc(QLEN);
	memset(b, 'x', QLEN);
	memcpy(b + 0x1000, "kernel a=1", 11);
	memcpy(b + 0x1020, "mod0 b", 7);
	memcpy(b + 0x1030, "mod1", 5);
	uint8_t *mods = b + 0x1100;
	put32(mods, QLO + 0x1800);
	put32(mods + 4, QLO + 0x1900);
	put32(mods + 8, QLO + 0x1020);
	put32(mods + 12, 0);
	put32(mods + 16, QLO + 0x1900);
	put32(mods + 20, QLO + 0x1A00);
	put32(mods + 24, QLO + 0x1030);
	put32(mods + 28, 0);
	*mbi = (struct multiboot_info){.flags = MBI_BOOT_DEVICE | MBI_CMDLINE | MBI_MODULES |
						MBI_MMAP | MBI_LOADER_NAME,
				       .boot_device = 0x8000FFFF,
				       .cmdline = QLO + 0x1000,
				       .mods_count = 2,
				       .mods_addr = QLO + 0x1100};
	return b;
}

static void test_qemu_info(void)
{
	struct multiboot_info mbi;
	uint8_t *b = qemu_buffer(&mbi);
	const uint64_t cmdline_field = offsetof(struct multiboot_info, cmdline);
	const uint64_t mods_field = offsetof(struct multiboot_info, mods_addr);
	uint8_t *mod1 = b + 0x1110;

	diag("multiboot_check_qemu_info (a 0x2000-byte buffer at 0x100000)");
	is_code(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_OK, "good information");

	mbi.cmdline = QLO - 1;
	IS_FAIL(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_E_MB_BAD_INFO, cmdline_field,
		QLO - 1, "cmdline below the buffer: LB_E_MB_BAD_INFO (16, 0xfffff)");
	mbi.cmdline = QLO + QLEN;
	IS_FAIL(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_E_MB_BAD_INFO, cmdline_field,
		QLO + QLEN, "cmdline just past the buffer: LB_E_MB_BAD_INFO");
	mbi.cmdline = QLO + QLEN - 4;
	IS_FAIL(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_E_MB_BAD_INFO, cmdline_field,
		QLO + QLEN - 4, "cmdline in the buffer without a NUL before its end: BAD_INFO");
	b[QLEN - 1] = '\0';
	is_code(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_OK,
		"... with a NUL on the buffer's last byte: good");
	b[QLEN - 1] = 'x';
	mbi.flags &= ~MBI_CMDLINE;
	is_code(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_OK,
		"cmdline not flagged: not looked at");
	mbi.flags |= MBI_CMDLINE;
	mbi.cmdline = QLO + 0x1000;

	mbi.mods_addr = QLO - 16;
	IS_FAIL(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_E_MB_BAD_INFO, mods_field,
		QLO - 16, "mods_addr below the buffer: LB_E_MB_BAD_INFO (24, mods_addr)");
	mbi.mods_addr = QLO + QLEN - 16;
	IS_FAIL(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_E_MB_BAD_INFO, mods_field,
		QLO + QLEN - 16, "a two-module list with one entry's room left: BAD_INFO");
	mbi.mods_addr = 0xFFFFFFF0;
	IS_FAIL(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_E_MB_BAD_INFO, mods_field,
		0xFFFFFFF0, "mods_addr 0xfffffff0: BAD_INFO");
	mbi.mods_count = 0;
	is_code(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_OK,
		"... with mods_count 0 the list is not read");
	mbi.mods_count = 2;
	mbi.flags &= ~MBI_MODULES;
	is_code(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_OK,
		"... nor with the modules flag clear");
	mbi.flags |= MBI_MODULES;
	mbi.mods_addr = QLO + 0x1100;

	put32(mod1 + 4, QLO + 0x18FF);
	IS_FAIL(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_E_MB_BAD_INFO, QLO + 0x1110,
		QLO + 0x1900, "module 1 ends before it starts: BAD_INFO (its entry, its start)");
	put32(mod1 + 4, QLO + QLEN + 1);
	IS_FAIL(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_E_MB_BAD_INFO, QLO + 0x1110,
		QLO + 0x1900, "module 1 ends past the buffer: BAD_INFO");
	put32(mod1 + 4, QLO + QLEN);
	is_code(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_OK,
		"module 1 ends exactly at the buffer's end: good");
	put32(mod1, QLO - 0x1000);
	IS_FAIL(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_E_MB_BAD_INFO, QLO + 0x1110,
		QLO - 0x1000, "module 1 starts below the buffer: BAD_INFO");
	put32(mod1, QLO + 0x1900);
	put32(mod1 + 4, QLO + 0x1A00);
	put32(mod1 + 8, QLO + QLEN + 0x10);
	IS_FAIL(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_E_MB_BAD_INFO, QLO + 0x1118,
		QLO + QLEN + 0x10, "module 1's cmdline outside: BAD_INFO (its field, the value)");
	put32(mod1 + 8, QLO + 0x1FF0);
	IS_FAIL(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_E_MB_BAD_INFO, QLO + 0x1118,
		QLO + 0x1FF0, "module 1's cmdline without a NUL in the buffer: BAD_INFO");
	put32(mod1 + 8, 0);
	is_code(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_OK,
		"module 1 without a cmdline (0): good");
	put32(mod1 + 8, QLO + 0x1030);

	/* QEMU's count is not capped (leapboot does not copy its list): 33 modules,
	 * the list at +0x1100, the rest empty at +0x1900 without command lines. */
	for (int i = 2; i < 33; i++) {
		put32(b + 0x1100 + 16 * i, QLO + 0x1900);
		put32(b + 0x1100 + 16 * i + 4, QLO + 0x1900);
		put32(b + 0x1100 + 16 * i + 8, 0);
	}
	mbi.mods_count = 33;
	is_code(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_OK,
		"mods_count 33 with the list in the buffer: good (QEMU's count is not capped)");
	put32(b + 0x1100 + 16 * 32 + 4, QLO + QLEN + 1);
	IS_FAIL(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_E_MB_BAD_INFO, QLO + 0x1300,
		QLO + 0x1900, "... module 32 past the buffer: BAD_INFO (its entry, its start)");
	mbi.mods_count = (QLEN - 0x1100) / 16 + 1;
	IS_FAIL(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_E_MB_BAD_INFO, mods_field,
		QLO + 0x1100, "mods_count 241: the list runs past the buffer, BAD_INFO");
	mbi.mods_count = 0xFFFFFFFF;
	IS_FAIL(multiboot_check_qemu_info(&mbi, b, QLO, QLEN), LB_E_MB_BAD_INFO, mods_field,
		QLO + 0x1100, "mods_count 0xffffffff: BAD_INFO, nothing read past the buffer");
	free(b);
}

/* --- whole loads through the fake fw_cfg ---------------------------------------------- */

#define ITEMS (ITEM_MODULE0 + 2 * KERNEL_SOURCE_MODULES)

struct seen {
	const uint8_t *file;
	uint64_t size, next; /* next: the offset the next call must start at */
	unsigned calls, wrong_offset, wrong_bytes;
};

struct watch {
	struct seen item[ITEMS];
	unsigned stray; /* calls for an item nobody registered */
};

static void seen(void *ctx, enum kernel_item item, uint64_t offset, const void *bytes, uint64_t len)
{
	struct watch *w = ctx;
	if ((unsigned)item >= ITEMS || !w->item[item].file) {
		w->stray++;
		return;
	}
	struct seen *s = &w->item[item];
	s->calls++;
	if (offset != s->next || offset + len > s->size) {
		s->wrong_offset++;
		return;
	}
	if (memcmp(s->file + offset, bytes, len))
		s->wrong_bytes++;
	s->next = offset + len;
}

static bool saw_whole(const struct seen *s)
{
	return s->calls && !s->wrong_offset && !s->wrong_bytes && s->next == s->size;
}

struct env {
	struct fake_fw_cfg dev;
	struct fw_cfg fc;
	struct fw_cfg_file dir[DIR_MAX];
	struct memmap m;
	struct kernel_source src;
	struct watch w;
	struct fetch_observer obs;
	struct multiboot_boot *mb;
	struct kernel k;
};

static void env_init(struct env *e)
{
	memset(e, 0, sizeof(*e));
	fake_fw_cfg_init(&e->dev);
	memset(ram, 0xEE, RAM_BYTES); /* what a bss must not keep */
}

/* A file, and what the observer must see of it as item (ITEMS: nothing). */
static void env_file(struct env *e, const char *name, const void *data, uint32_t len, unsigned item)
{
	fake_fw_cfg_add_file(&e->dev, name, data, len);
	if (item < ITEMS)
		e->w.item[item] = (struct seen){.file = data, .size = len};
}

/* A cmdline-like file and its item: the text without its trailing newline is
 * what the fetch shows whole (it shows the bytes read, all of them). */
static void env_text(struct env *e, const char *name, const char *text, unsigned item)
{
	env_file(e, name, text, (uint32_t)strlen(text), item);
}

/* The map: low RAM to the EBDA, the F segment, 1 MiB of RAM at 1 MiB (never
 * written: placements go high), the host window; the information block's pages
 * claimed as leapboot's own. Then the probe and the kernel source. */
static bool env_start(struct env *e, bool opt_only)
{
	memset(&e->m, 0, sizeof(e->m));
	memmap_add(&e->m, 0, 0x9FC00, MEM_RAM);
	memmap_add(&e->m, 0x9FC00, 0x400, MEM_RESERVED);
	memmap_add(&e->m, 0xF0000, 0x10000, MEM_RESERVED);
	memmap_add(&e->m, MiB, MiB, MEM_RAM);
	memmap_add(&e->m, RAM_AT, RAM_BYTES, MEM_RAM);
	memmap_claim(&e->m, MB_AT, MB_PAGES, MEM_CLAIM_FIRMWARE);
	e->mb = (struct multiboot_boot *)MB_AT;
	bool good = !fw_cfg_probe(&e->fc, &fake_fw_cfg_ops, &e->dev, e->dir, DIR_MAX).code &&
		    !kernel_source_find(&e->fc, opt_only, &e->src).code;
	e->obs = (struct fetch_observer){seen, &e->w};
	e->src.observer = &e->obs;
	return good;
}

static status_t env_boot(struct env *e)
{
	status_t s = kernel_load(&e->fc, &e->src, &e->m, UINT64_MAX, &e->k);
	if (!s.code)
		s = multiboot_describe(&e->fc, &e->src, &e->m, UINT64_MAX, e->mb, MB_AT);
	return s;
}

static const char *str_at(uint32_t addr)
{
	return (const char *)(uintptr_t)addr;
}

/* An ELF32 (i386) multiboot kernel: one PT_LOAD of 0x3000 file bytes from file
 * offset 0x1000 (0x5000 in memory) at paddr, the multiboot header at its start
 * (past the 4 KiB head: found by the 8 KiB read), entry paddr + 0x20, and bytes
 * after the segment where section headers would be. With pvh, a PT_NOTE with a
 * PVH entry note (paddr + 0x30); without mb, no multiboot header. */
#define ELF_LEN	   0x4200u
#define ELF_SEG	   0x1000u
#define ELF_FILESZ 0x3000u
#define ELF_MEMSZ  0x5000u
static uint8_t *make_elf32(uint32_t paddr, bool mb, bool pvh)
{
	uint8_t *p = pattern(ELF_LEN, 11);
	memset(p, 0, 0x300);
	memcpy(p, "\177ELF", 4);
	p[4] = 1; /* ELF32 */
	p[5] = 1; /* little-endian */
	p[6] = 1;
	put16(p + 16, 2); /* ET_EXEC */
	put16(p + 18, 3); /* i386 */
	put32(p + 20, 1);
	put32(p + 24, paddr + 0x20);
	put32(p + 28, 52); /* phoff */
	put16(p + 40, 52);
	put16(p + 42, 32);
	put16(p + 44, pvh ? 2 : 1);
	uint8_t *ph = p + 52;
	put32(ph, ELF_PT_LOAD);
	put32(ph + 4, ELF_SEG);
	put32(ph + 8, 0xC0000000u + paddr); /* vaddr: only paddr counts */
	put32(ph + 12, paddr);
	put32(ph + 16, ELF_FILESZ);
	put32(ph + 20, ELF_MEMSZ);
	put32(ph + 24, 7);
	put32(ph + 28, 0x1000);
	if (pvh) {
		ph += 32;
		put32(ph, ELF_PT_NOTE);
		put32(ph + 4, 0x200);
		put32(ph + 16, 20);
		uint8_t *n = p + 0x200;
		put32(n, 4);
		put32(n + 4, 4);
		put32(n + 8, ELF_NOTE_XEN_PHYS32_ENTRY);
		memcpy(n + 12, "Xen", 4);
		put32(n + 16, paddr + 0x30);
	}
	if (mb)
		mb_header(p + ELF_SEG, MB_HDR_PAGE_ALIGN | MB_HDR_MEMORY);
	return p;
}

/* The memory map leapboot hands the kernel in env_start's map once the kernel
 * and modules are claimed (they export as RAM and merge with it). */
static const struct boot_e820_entry env_want[] = {
    {0, 0x9FC00, 1},
    {0x9FC00, 0x400, 2},
    {0xF0000, 0x10000, 2},
    {MiB, MiB, 1},
    {RAM_AT, 0x10000, 1},
    {MB_AT, MB_PAGES, 2},
    {MB_AT + MB_PAGES, RAM_END - (MB_AT + MB_PAGES), 1},
};
#define ENV_WANT (sizeof(env_want) / sizeof(env_want[0]))

/* The loader's name and the memory map, as multiboot_describe always leaves them. */
static void check_loader_and_mmap(const struct env *e, const char *what)
{
	const struct multiboot_info *i = &e->mb->info;
	ok(i->boot_loader_name == MB_AT + offsetof(struct multiboot_boot, loader_name) &&
	       !strcmp(str_at(i->boot_loader_name), "leapboot"),
	   "%s: boot_loader_name -> \"leapboot\" in leapboot's block", what);
	ok(i->mmap_addr == MB_AT + offsetof(struct multiboot_boot, mmap) &&
	       i->mmap_length == 24 * ENV_WANT &&
	       mmap_is(e->mb->mmap, i->mmap_length / 24, env_want, ENV_WANT),
	   "%s: mmap in leapboot's block, %u entries, the map after every claim", what,
	   (unsigned)ENV_WANT);
	ok(i->mem_lower == 639 && i->mem_upper == 1024, "%s: mem_lower 639, mem_upper 1024", what);
}

/* The module placement every test with these three modules must give: page
 * aligned, from the top of RAM down, in module order. */
#define MOD0_LEN 5000u
#define MOD1_LEN 12345u
#define MOD2_LEN 0x3000u
static const uint64_t mod_at[3] = {RAM_END - 0x2000, RAM_END - 0x6000, RAM_END - 0x9000};

struct modules {
	uint8_t *data[3];
	uint32_t len[3];
};

static void add_modules(struct env *e, struct modules *mods)
{
	static const char *const cmd0 = "dom0_mem=512M loglvl=all\n", *const cmd2 = "ramdisk";
	*mods =
	    (struct modules){{pattern(MOD0_LEN, 21), pattern(MOD1_LEN, 22), pattern(MOD2_LEN, 23)},
			     {MOD0_LEN, MOD1_LEN, MOD2_LEN}};
	env_file(e, "opt/leapboot/module0", mods->data[0], MOD0_LEN, ITEM_MODULE(0));
	env_text(e, "opt/leapboot/module0.cmdline", cmd0, ITEM_MODULE_CMDLINE(0));
	env_file(e, "opt/leapboot/module1", mods->data[1], MOD1_LEN, ITEM_MODULE(1));
	env_file(e, "opt/leapboot/module2", mods->data[2], MOD2_LEN, ITEM_MODULE(2));
	env_text(e, "opt/leapboot/module2.cmdline", cmd2, ITEM_MODULE_CMDLINE(2));
}

static void free_modules(struct modules *mods)
{
	for (int i = 0; i < 3; i++)
		free(mods->data[i]);
}

static void check_modules(const struct env *e, const char *what)
{
	const struct multiboot_info *i = &e->mb->info;
	const struct multiboot_module *mod = e->mb->mods;
	static const char *const cmd[3] = {"opt/leapboot/module0 dom0_mem=512M loglvl=all",
					   "opt/leapboot/module1", "opt/leapboot/module2 ramdisk"};
	static const uint32_t len[3] = {MOD0_LEN, MOD1_LEN, MOD2_LEN};
	ok(i->mods_count == 3 && i->mods_addr == MB_AT + offsetof(struct multiboot_boot, mods),
	   "%s: 3 modules, the list in leapboot's block", what);
	unsigned placed = 0, cmdlines = 0, claimed = 0;
	for (int j = 0; j < 3; j++) {
		placed += mod[j].start == mod_at[j] && mod[j].end == mod_at[j] + len[j] &&
			  !(mod[j].start & 0xFFF) && mod[j].reserved == 0;
		cmdlines += mod[j].cmdline >= MB_AT + offsetof(struct multiboot_boot, strings) &&
			    !strcmp(str_at(mod[j].cmdline), cmd[j]);
		claimed += memmap_covered(
		    &e->m, mod_at[j], (mod_at[j] + len[j] + 0xFFF) & ~0xFFFull, MEM_CLAIM_INITRD);
	}
	ok(placed == 3, "%s: modules page-aligned from the top of RAM down, [start, end) exact",
	   what);
	ok(claimed == 3, "%s: their pages claimed as MEM_CLAIM_INITRD", what);
	ok(cmdlines == 3,
	   "%s: module command lines \"name args\" (no .cmdline: the name; newline dropped)", what);
}

static unsigned modules_intact(const struct modules *mods)
{
	unsigned n = 0;
	for (int j = 0; j < 3; j++)
		n += !memcmp((void *)(uintptr_t)mod_at[j], mods->data[j], mods->len[j]);
	return n;
}

static unsigned items_whole(const struct env *e)
{
	unsigned n = 0;
	for (unsigned j = 0; j < ITEMS; j++)
		n += e->w.item[j].file && saw_whole(&e->w.item[j]);
	return n;
}

static void test_elf_kernel(void)
{
	static const char *const cmdline = "console=com1 loglvl=all";
	uint8_t *kernel = make_elf32((uint32_t)KERNEL_AT, true, false);
	struct modules mods;
	struct env e;

	diag("an ELF32 multiboot kernel from opt/leapboot/kernel, three modules");
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", kernel, ELF_LEN, ITEM_KERNEL);
	env_text(&e, "opt/leapboot/cmdline", cmdline, ITEM_CMDLINE);
	add_modules(&e, &mods);
	ok(env_start(&e, true), "ELF: probe, the opt/leapboot files found");
	is_code(kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k), LB_OK, "ELF: kernel_load");
	ok(e.k.format == KERNEL_MULTIBOOT && e.k.entry == KERNEL_AT + 0x20 && e.k.lo == KERNEL_AT &&
	       e.k.hi == KERNEL_AT + ELF_MEMSZ,
	   "ELF: KERNEL_MULTIBOOT, entry = e_entry (physical), span [paddr, paddr + memsz)");
	ok(!memcmp((void *)KERNEL_AT, kernel + ELF_SEG, ELF_FILESZ),
	   "ELF: the segment at its address");
	uint8_t zero[ELF_MEMSZ - ELF_FILESZ] = {0};
	ok(!memcmp((void *)(KERNEL_AT + ELF_FILESZ), zero, sizeof(zero)), "ELF: its bss zeroed");
	ok(memmap_covered(&e.m, KERNEL_AT, KERNEL_AT + ELF_MEMSZ, MEM_CLAIM_KERNEL),
	   "ELF: the span claimed as MEM_CLAIM_KERNEL");
	is_code(multiboot_describe(&e.fc, &e.src, &e.m, UINT64_MAX, e.mb, MB_AT), LB_OK,
		"ELF: multiboot_describe");
	is_u64(e.mb->info.flags, MBI_OWN,
	       "ELF: flags 0x24d (memory, cmdline, modules, mmap, "
	       "loader name)");
	is_str(str_at(e.mb->info.cmdline), "opt/leapboot/kernel console=com1 loglvl=all",
	       "ELF: kernel command line \"opt/leapboot/kernel <cmdline>\"");
	check_modules(&e, "ELF");
	is_u64(modules_intact(&mods), 3, "ELF: each module's bytes intact where it lies");
	check_loader_and_mmap(&e, "ELF");
	is_u64(items_whole(&e), 7,
	       "ELF: the observer saw each of the 7 items (kernel, cmdline, 3 modules, 2 module "
	       "cmdlines) whole, once, in order");
	ok(e.w.item[ITEM_CMDLINE].calls == 1 && e.w.item[ITEM_MODULE_CMDLINE(0)].calls == 1 &&
	       e.w.item[ITEM_MODULE(1)].calls == 1 && !e.w.stray,
	   "ELF: one call per command line and module, nothing for items that do not exist");

	struct boot_plan plan;
	multiboot_plan(e.k.entry, e.k.lo, e.k.hi, MB_AT, sizeof(struct multiboot_boot), UINT64_MAX,
		       &plan);
	ok(plan.mode == BOOT_MULTIBOOT32 && plan.entry == KERNEL_AT + 0x20 && plan.arg == MB_AT &&
	       plan.nregions == 2,
	   "ELF: the plan: BOOT_MULTIBOOT32, entry, arg = the information");
	is_code(plan_validate(&plan, &e.m), LB_OK, "ELF: the plan validates against the map");
	fake_fw_cfg_free(&e.dev);
	free_modules(&mods);

	/* No modules, no command line: the kernel's name alone. */
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", kernel, ELF_LEN, ITEM_KERNEL);
	env_start(&e, true);
	is_code(env_boot(&e), LB_OK, "ELF alone: loaded and described");
	ok(e.mb->info.mods_count == 0 && e.mb->info.flags == MBI_OWN,
	   "ELF alone: mods_count 0 (modules flag set)");
	is_str(str_at(e.mb->info.cmdline), "opt/leapboot/kernel",
	       "ELF alone: command line \"opt/leapboot/kernel\"");
	fake_fw_cfg_free(&e.dev);
	free(kernel);
}

/* An a.out-kludge image of len bytes: the header at hdr (file offset), its
 * fields as given; a pattern elsewhere. */
static uint8_t *make_aout(uint32_t len, uint32_t hdr, uint32_t header_addr, uint32_t load,
			  uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
	uint8_t *p = pattern(len, 31);
	mb_aout(p + hdr, MB_HDR_PAGE_ALIGN, header_addr, load, load_end, bss_end, entry);
	return p;
}

static void test_aout_kernel(void)
{
	const uint32_t load = (uint32_t)KERNEL_AT + 0x200000;
	struct modules mods;
	struct env e;

	/* The header 0x20 into the image, the file loaded from offset 0x1000, its
	 * last 0x800 bytes not loaded. */
	diag("an a.out-kludge kernel from opt/leapboot/kernel, three modules");
	uint8_t *kernel =
	    make_aout(0x5000, 0x1020, load + 0x20, load, load + 0x3800, load + 0x6000, load + 0x40);
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", kernel, 0x5000, ITEM_KERNEL);
	env_text(&e, "opt/leapboot/cmdline", "dom0_mem=1G\n", ITEM_CMDLINE);
	add_modules(&e, &mods);
	env_start(&e, true);
	is_code(kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k), LB_OK, "a.out: kernel_load");
	ok(e.k.format == KERNEL_MULTIBOOT && e.k.entry == load + 0x40 && e.k.lo == load &&
	       e.k.hi == load + 0x6000,
	   "a.out: entry from the header, span [load_addr, bss_end_addr)");
	ok(!memcmp((void *)(uintptr_t)load, kernel + 0x1000, 0x3800),
	   "a.out: file bytes [0x1000, 0x4800) at load_addr");
	uint8_t zero[0x2800] = {0};
	ok(!memcmp((void *)(uintptr_t)(load + 0x3800), zero, sizeof(zero)),
	   "a.out: [load_end, bss_end) zeroed");
	ok(memmap_covered(&e.m, load, load + 0x6000, MEM_CLAIM_KERNEL),
	   "a.out: the span claimed as MEM_CLAIM_KERNEL");
	is_code(multiboot_describe(&e.fc, &e.src, &e.m, UINT64_MAX, e.mb, MB_AT), LB_OK,
		"a.out: multiboot_describe");
	is_str(str_at(e.mb->info.cmdline), "opt/leapboot/kernel dom0_mem=1G",
	       "a.out: kernel command line, the file's newline dropped");
	check_modules(&e, "a.out");
	is_u64(modules_intact(&mods), 3, "a.out: each module's bytes intact");
	check_loader_and_mmap(&e, "a.out");
	is_u64(items_whole(&e), 7,
	       "a.out: the observer saw the whole file (before, loaded part, after) and every "
	       "other item, once, in order");
	fake_fw_cfg_free(&e.dev);
	free_modules(&mods);
	free(kernel);

	/* load_end 0, the header straddling the 4 KiB head: 12 bytes inside it, the
	 * address fields after. */
	kernel = make_aout(0x3000, 0xFF4, load + 0xFF4, load, 0, 0, load + 0x10);
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", kernel, 0x3000, ITEM_KERNEL);
	env_start(&e, true);
	is_code(env_boot(&e), LB_OK,
		"a.out header at 0xff4, across the 4 KiB head: found in the 8 KiB read");
	ok(e.k.lo == load && e.k.hi == load + 0x3000 &&
	       !memcmp((void *)(uintptr_t)load, kernel, 0x3000) && saw_whole(&e.w.item[0]),
	   "... load_end 0: the whole file at load_addr, seen once");
	fake_fw_cfg_free(&e.dev);
	free(kernel);

	/* Placement it cannot have. */
	kernel = make_aout(0x3000, 0x20, (uint32_t)MB_AT + 0x20, (uint32_t)MB_AT, 0, 0,
			   (uint32_t)MB_AT + 0x40);
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", kernel, 0x3000, ITEM_KERNEL);
	env_start(&e, true);
	IS_FAIL(kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k), LB_E_MB_NOT_FREE, MB_AT, 0x3000,
		"a.out at leapboot's own pages: LB_E_MB_NOT_FREE (load, length)");
	fake_fw_cfg_free(&e.dev);
	free(kernel);
	kernel = make_aout(0x3000, 0x20, 0xFFFFF020, 0xFFFFF000, 0, 0, 0xFFFFF040);
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", kernel, 0x3000, ITEM_KERNEL);
	env_start(&e, true);
	IS_FAIL(kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k), LB_E_MB_NOT_FREE, 0xFFFFF000,
		0x3000, "a.out crossing 4 GiB: LB_E_MB_NOT_FREE");
	fake_fw_cfg_free(&e.dev);
	free(kernel);
	kernel = make_aout(0x3000, 0x20, load + 0x20, load, 0, 0, load + 0x3000);
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", kernel, 0x3000, ITEM_KERNEL);
	env_start(&e, true);
	IS_FAIL(kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k), LB_E_MB_ENTRY, load + 0x3000,
		load, "a.out with its entry past the loaded part: LB_E_MB_ENTRY");
	fake_fw_cfg_free(&e.dev);
	free(kernel);
}

static void test_refused(void)
{
	uint8_t *kernel = make_elf32((uint32_t)KERNEL_AT, true, false);
	uint8_t *one = pattern(0x100, 41);
	char name[64];
	struct env e;

	diag("what a multiboot kernel from opt/leapboot is refused");
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", kernel, ELF_LEN, ITEM_KERNEL);
	env_file(&e, "opt/leapboot/initrd", one, 0x100, ITEMS);
	env_start(&e, true);
	IS_FAIL(env_boot(&e), LB_E_MB_INITRD, 0x100, 0,
		"opt/leapboot/initrd with a multiboot kernel: LB_E_MB_INITRD (its size)");
	fake_fw_cfg_free(&e.dev);

	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", kernel, ELF_LEN, ITEM_KERNEL);
	for (int i = 0; i < 32; i++) {
		snprintf(name, sizeof(name), "opt/leapboot/module%d", i);
		env_file(&e, name, one, 0x100, ITEM_MODULE(i));
	}
	env_start(&e, true);
	is_code(env_boot(&e), LB_OK, "32 modules: accepted");
	ok(e.mb->info.mods_count == 32 && e.mb->mods[31].start == RAM_END - 32 * 0x1000 &&
	       !strcmp(str_at(e.mb->mods[31].cmdline), "opt/leapboot/module31"),
	   "... module31 the last, named with two digits");
	is_u64(items_whole(&e), 33, "... each module seen whole, and the kernel");
	fake_fw_cfg_free(&e.dev);
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", kernel, ELF_LEN, ITEM_KERNEL);
	for (int i = 0; i < 33; i++) {
		snprintf(name, sizeof(name), "opt/leapboot/module%d", i);
		env_file(&e, name, one, 0x100, ITEMS);
	}
	env_start(&e, true);
	IS_FAIL(env_boot(&e), LB_E_MB_TOO_MANY_MODULES, 33, 32,
		"33 modules: LB_E_MB_TOO_MANY_MODULES (33, 32)");
	fake_fw_cfg_free(&e.dev);

	/* Command lines share leapboot's 8 KiB of strings. */
	char *long_cmd = malloc(MULTIBOOT_STRINGS_CAP);
	memset(long_cmd, 'a', MULTIBOOT_STRINGS_CAP - 1);
	long_cmd[MULTIBOOT_STRINGS_CAP - 1] = '\0';
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", kernel, ELF_LEN, ITEM_KERNEL);
	env_text(&e, "opt/leapboot/cmdline", "console=com1", ITEMS);
	env_file(&e, "opt/leapboot/module0", one, 0x100, ITEMS);
	env_text(&e, "opt/leapboot/module0.cmdline", long_cmd, ITEMS);
	env_start(&e, true);
	IS_FAIL(env_boot(&e), LB_E_CMDLINE_TOO_LONG, MULTIBOOT_STRINGS_CAP - 1,
		MULTIBOOT_STRINGS_CAP - 33 - 22, /* the kernel's line, module0's name, ' ', NUL */
		"a module command line past the strings' room: LB_E_CMDLINE_TOO_LONG (its length, "
		"what was left)");
	fake_fw_cfg_free(&e.dev);
	free(long_cmd);

	/* An empty module: a page of its own, start == end. */
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", kernel, ELF_LEN, ITEM_KERNEL);
	env_file(&e, "opt/leapboot/module0", one, 0, ITEMS);
	env_file(&e, "opt/leapboot/module1", one, 0x100, ITEM_MODULE(1));
	env_start(&e, true);
	ok(!env_boot(&e).code && e.mb->info.mods_count == 2 &&
	       e.mb->mods[0].start == RAM_END - 0x1000 && e.mb->mods[0].end == RAM_END - 0x1000 &&
	       e.mb->mods[1].start == RAM_END - 0x2000 && saw_whole(&e.w.item[ITEM_MODULE(1)]),
	   "an empty module0: one page of its own, start == end; module1 below it");
	fake_fw_cfg_free(&e.dev);

	/* module1 does not fit in the 64 MiB window (nor in the MiB at 1 MiB). */
	uint32_t big_len = RAM_BYTES - 0x100000;
	uint8_t *big = calloc(1, big_len);
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", kernel, ELF_LEN, ITEM_KERNEL);
	env_file(&e, "opt/leapboot/module0", one, 0x100, ITEMS);
	env_file(&e, "opt/leapboot/module1", big, big_len, ITEMS);
	env_start(&e, true);
	IS_FAIL(env_boot(&e), LB_E_MB_MODULE_NO_ROOM, 1, big_len,
		"a module larger than free RAM: LB_E_MB_MODULE_NO_ROOM (1, its size)");
	fake_fw_cfg_free(&e.dev);
	free(big);

	/* Load addresses on leapboot's own pages. */
	uint8_t *on_fw = make_elf32((uint32_t)MB_AT, true, false);
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", on_fw, ELF_LEN, ITEM_KERNEL);
	env_start(&e, true);
	IS_FAIL(kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k), LB_E_MB_NOT_FREE, MB_AT,
		ELF_MEMSZ, "an ELF on leapboot's claimed pages: LB_E_MB_NOT_FREE (paddr, memsz)");
	ok(memmap_covered(&e.m, MB_AT, MB_AT + MB_PAGES, MEM_CLAIM_FIRMWARE),
	   "... leapboot's pages still its own");
	fake_fw_cfg_free(&e.dev);
	free(on_fw);
	uint8_t *bad_entry = make_elf32((uint32_t)KERNEL_AT, true, false);
	put32(bad_entry + 24, (uint32_t)KERNEL_AT + ELF_MEMSZ);
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", bad_entry, ELF_LEN, ITEM_KERNEL);
	env_start(&e, true);
	IS_FAIL(kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k), LB_E_MB_ENTRY,
		KERNEL_AT + ELF_MEMSZ, KERNEL_AT,
		"an ELF whose entry is past its segments: LB_E_MB_ENTRY (entry, lo)");
	fake_fw_cfg_free(&e.dev);
	free(bad_entry);

	/* A header with a requirement leapboot does not know, in an ELF. */
	uint8_t *flags = make_elf32((uint32_t)KERNEL_AT, false, true);
	mb_header(flags + ELF_SEG, 0x13);
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", flags, ELF_LEN, ITEM_KERNEL);
	env_start(&e, true);
	IS_FAIL(kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k), LB_E_MB_FLAGS, ELF_SEG, 0x13,
		"a multiboot header with bit 4 set: LB_E_MB_FLAGS, even with a PVH note");
	fake_fw_cfg_free(&e.dev);
	free(flags);
	free(one);
	free(kernel);
}

/* QEMU's -kernel for a multiboot kernel: a buffer QEMU built (the image with
 * its bss, then the command line, the module list, the module command lines,
 * the modules) for KERNEL_ADDR, and the information as INITRD_DATA. */
#define QBUF_LEN 0x6000u
static uint8_t *qemu_multiboot_buffer(uint32_t at, uint8_t mbi[88])
{
	uint8_t *b = pattern(QBUF_LEN, 51);
	memset(b + 0x3000, 0, 0x1000);
	strcpy((char *)b + 0x3000, "/srv/xen.gz console=com1");
	uint8_t *list = b + 0x3100;
	put32(list, at + 0x4000);
	put32(list + 4, at + 0x5000);
	put32(list + 8, at + 0x3200);
	put32(list + 16, at + 0x5000);
	put32(list + 20, at + 0x5800);
	put32(list + 24, at + 0x3220);
	strcpy((char *)b + 0x3200, "/srv/vmlinuz root=/dev/vda");
	strcpy((char *)b + 0x3220, "/srv/initrd.img");
	strcpy((char *)b + 0x3300, "qemu");
	memset(mbi, 0, 88);
	put32(mbi, MBI_BOOT_DEVICE | MBI_CMDLINE | MBI_MODULES | MBI_MMAP | MBI_LOADER_NAME);
	put32(mbi + offsetof(struct multiboot_info, boot_device), 0x8000FFFF);
	put32(mbi + offsetof(struct multiboot_info, cmdline), at + 0x3000);
	put32(mbi + offsetof(struct multiboot_info, mods_count), 2);
	put32(mbi + offsetof(struct multiboot_info, mods_addr), at + 0x3100);
	put32(mbi + offsetof(struct multiboot_info, mmap_length), 0x48);
	put32(mbi + offsetof(struct multiboot_info, mmap_addr), 0x9000);
	put32(mbi + offsetof(struct multiboot_info, boot_loader_name), at + 0x3300);
	return b;
}

static void qemu_items(struct env *e, const uint8_t *buf, const uint8_t *mbi, uint32_t mbi_len)
{
	fake_fw_cfg_add_u32(&e->dev, FW_CFG_KERNEL_ENTRY, (uint32_t)KERNEL_AT + 0x20);
	fake_fw_cfg_add_u32(&e->dev, FW_CFG_KERNEL_ADDR, (uint32_t)KERNEL_AT);
	fake_fw_cfg_add_u32(&e->dev, FW_CFG_KERNEL_SIZE, QBUF_LEN);
	fake_fw_cfg_add_item(&e->dev, FW_CFG_KERNEL_DATA, buf, QBUF_LEN);
	fake_fw_cfg_add_u32(&e->dev, FW_CFG_INITRD_SIZE, mbi_len);
	fake_fw_cfg_add_item(&e->dev, FW_CFG_INITRD_DATA, mbi, mbi_len);
	e->w.item[ITEM_KERNEL] = (struct seen){.file = buf, .size = QBUF_LEN};
}

static void test_qemu(void)
{
	uint8_t mbi[88];
	uint8_t *buf = qemu_multiboot_buffer((uint32_t)KERNEL_AT, mbi);
	struct env e;

	diag("QEMU's -kernel multiboot buffer (KERNEL_ENTRY set, no SETUP_SIZE)");
	env_init(&e);
	qemu_items(&e, buf, mbi, sizeof(mbi));
	/* An opt/leapboot kernel too: -kernel wins unless opt_only. */
	env_file(&e, "opt/leapboot/kernel", buf, 0x100, ITEMS);
	ok(env_start(&e, false), "QEMU: probe and kernel_source_find");
	ok(e.src.qemu_multiboot && e.src.preloaded_addr == KERNEL_AT &&
	       e.src.preloaded_entry == KERNEL_AT + 0x20 && e.src.image.key == FW_CFG_KERNEL_DATA &&
	       e.src.image.size == QBUF_LEN && e.src.mbi.key == FW_CFG_INITRD_DATA &&
	       e.src.mbi.size == 88 && !e.src.initrd.size && !e.src.setup.size,
	   "QEMU: qemu_multiboot, preloaded_addr = KERNEL_ADDR, image = KERNEL_DATA, mbi = "
	   "INITRD_DATA (88 bytes), no initrd");
	is_code(kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k), LB_OK, "QEMU: kernel_load");
	ok(e.k.format == KERNEL_MULTIBOOT && e.k.entry == KERNEL_AT + 0x20 && e.k.lo == KERNEL_AT &&
	       e.k.hi == KERNEL_AT + QBUF_LEN,
	   "QEMU: entry = KERNEL_ENTRY, span = [KERNEL_ADDR, + KERNEL_SIZE)");
	ok(!memcmp((void *)KERNEL_AT, buf, QBUF_LEN) &&
	       memmap_covered(&e.m, KERNEL_AT, KERNEL_AT + QBUF_LEN, MEM_CLAIM_KERNEL),
	   "QEMU: the whole buffer at KERNEL_ADDR, claimed");
	is_code(multiboot_describe(&e.fc, &e.src, &e.m, UINT64_MAX, e.mb, MB_AT), LB_OK,
		"QEMU: multiboot_describe");
	const struct multiboot_info *i = &e.mb->info;
	is_u64(i->flags, MBI_BOOT_DEVICE | MBI_OWN, "QEMU: QEMU's flags, plus memory");
	ok(i->cmdline == KERNEL_AT + 0x3000 && i->mods_count == 2 &&
	       i->mods_addr == KERNEL_AT + 0x3100 && i->boot_device == 0x8000FFFF,
	   "QEMU: QEMU's cmdline, module list and boot device kept");
	is_str(str_at(i->cmdline), "/srv/xen.gz console=com1", "QEMU: ... the command line");
	const struct multiboot_module *mods = (const void *)(uintptr_t)i->mods_addr;
	ok(mods[1].start == KERNEL_AT + 0x5000 &&
	       !strcmp(str_at(mods[1].cmdline), "/srv/initrd.img"),
	   "QEMU: ... the modules as QEMU listed them");
	check_loader_and_mmap(&e, "QEMU");
	ok(saw_whole(&e.w.item[ITEM_KERNEL]) && e.w.item[ITEM_KERNEL].calls == 1 && !e.w.stray,
	   "QEMU: the observer saw the buffer once, whole, and nothing else");
	fake_fw_cfg_free(&e.dev);

	/* QEMU's information pointing outside its buffer. */
	put32(mbi + offsetof(struct multiboot_info, cmdline), (uint32_t)KERNEL_AT + QBUF_LEN);
	env_init(&e);
	qemu_items(&e, buf, mbi, sizeof(mbi));
	env_start(&e, false);
	IS_FAIL(env_boot(&e), LB_E_MB_BAD_INFO, offsetof(struct multiboot_info, cmdline),
		KERNEL_AT + QBUF_LEN, "QEMU: a cmdline past the buffer: LB_E_MB_BAD_INFO");
	fake_fw_cfg_free(&e.dev);
	env_init(&e);
	qemu_items(&e, buf, mbi, 64);
	env_start(&e, false);
	IS_FAIL(env_boot(&e), LB_E_MB_BAD_INFO, 0, 64,
		"QEMU: information of 64 bytes: LB_E_MB_BAD_INFO (0, 64)");
	fake_fw_cfg_free(&e.dev);

	/* Where QEMU put it must be free RAM. */
	env_init(&e);
	qemu_items(&e, buf, mbi, sizeof(mbi));
	fake_fw_cfg_add_u32(&e.dev, FW_CFG_KERNEL_ADDR, (uint32_t)MB_AT);
	env_start(&e, false);
	IS_FAIL(kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k), LB_E_MB_NOT_FREE, MB_AT,
		QBUF_LEN, "QEMU: KERNEL_ADDR on leapboot's pages: LB_E_MB_NOT_FREE");
	fake_fw_cfg_free(&e.dev);

	/* KERNEL_ENTRY with a setup part is QEMU's PVH path, not multiboot. */
	uint8_t *elf = make_elf32((uint32_t)KERNEL_AT, false, true);
	env_init(&e);
	fake_fw_cfg_add_u32(&e.dev, FW_CFG_KERNEL_ENTRY, (uint32_t)KERNEL_AT + 0x30);
	fake_fw_cfg_add_u32(&e.dev, FW_CFG_KERNEL_ADDR, (uint32_t)KERNEL_AT);
	fake_fw_cfg_add_u32(&e.dev, FW_CFG_KERNEL_SIZE, ELF_MEMSZ);
	fake_fw_cfg_add_u32(&e.dev, FW_CFG_SETUP_SIZE, 0x1000);
	fake_fw_cfg_add_item(&e.dev, FW_CFG_SETUP_DATA, elf, 0x1000);
	env_start(&e, false);
	ok(!e.src.qemu_multiboot && e.src.preloaded_entry == KERNEL_AT + 0x30,
	   "KERNEL_ENTRY with SETUP_SIZE (an ELF's first bytes): QEMU's PVH, not multiboot");
	fake_fw_cfg_free(&e.dev);
	free(elf);
	free(buf);
}

static void test_not_multiboot(void)
{
	struct env e;

	diag("formats multiboot must leave alone");
	uint8_t *pvh = make_elf32((uint32_t)KERNEL_AT, false, true);
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", pvh, ELF_LEN, ITEM_KERNEL);
	env_start(&e, true);
	is_code(kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k), LB_OK,
		"a PVH ELF without a multiboot header: loaded");
	ok(e.k.format == KERNEL_PVH && e.k.entry == KERNEL_AT + 0x30,
	   "... as PVH, entry from the note");
	ok(saw_whole(&e.w.item[ITEM_KERNEL]), "... seen whole once");
	fake_fw_cfg_free(&e.dev);
	free(pvh);

	/* A magic with a wrong checksum: the reason for a file nothing else fits. */
	uint8_t *sum = make_elf32((uint32_t)KERNEL_AT, false, true);
	mb_header(sum + 0x1800, 3);
	put32(sum + 0x1808, 0);
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", sum, ELF_LEN, ITEM_KERNEL);
	env_start(&e, true);
	ok(!kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k).code && e.k.format == KERNEL_PVH,
	   "a PVH ELF with a multiboot magic and a wrong checksum: PVH");
	fake_fw_cfg_free(&e.dev);
	sum[0] = 'X';
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", sum, ELF_LEN, ITEM_KERNEL);
	env_start(&e, true);
	IS_FAIL(kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k), LB_E_MB_CHECKSUM, 0x1800, 0,
		"the same not an ELF: LB_E_MB_CHECKSUM (0x1800, 0), found past the 4 KiB head");
	fake_fw_cfg_free(&e.dev);
	free(sum);

	uint8_t *both = make_elf32((uint32_t)KERNEL_AT, true, true);
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", both, ELF_LEN, ITEM_KERNEL);
	env_start(&e, true);
	ok(!kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k).code &&
	       e.k.format == KERNEL_MULTIBOOT && e.k.entry == KERNEL_AT + 0x20,
	   "an ELF with a PVH note and a multiboot header: multiboot first, e_entry");
	fake_fw_cfg_free(&e.dev);
	free(both);

	/* A bzImage carrying a multiboot header that would be refused if scanned. */
	uint32_t setup = 5 * 512, len = setup + 0x10000;
	uint8_t *bz = pattern(len, 61);
	struct setup_header h = bz_header(4, 0x10000 / 16, 0x400000);
	memcpy(bz + SETUP_HDR_OFFSET, &h, sizeof(h));
	mb_header(bz + 0x400, 0x13);
	mb_header(bz + 0x1800, 0x13);
	env_init(&e);
	env_file(&e, "opt/leapboot/kernel", bz, len, ITEM_KERNEL);
	env_start(&e, true);
	is_code(kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k), LB_OK,
		"a bzImage (\"HdrS\") with multiboot headers in its first 8 KiB: loaded");
	ok(e.k.format == KERNEL_BZIMAGE && saw_whole(&e.w.item[ITEM_KERNEL]),
	   "... as a bzImage, never scanned for multiboot");
	fake_fw_cfg_free(&e.dev);

	/* QEMU's split bzImage: the setup part never scanned either. */
	env_init(&e);
	fake_fw_cfg_add_u32(&e.dev, FW_CFG_KERNEL_SIZE, len - setup);
	fake_fw_cfg_add_item(&e.dev, FW_CFG_KERNEL_DATA, bz + setup, len - setup);
	fake_fw_cfg_add_u32(&e.dev, FW_CFG_SETUP_SIZE, setup);
	fake_fw_cfg_add_item(&e.dev, FW_CFG_SETUP_DATA, bz, setup);
	e.w.item[ITEM_KERNEL] = (struct seen){.file = bz, .size = len};
	env_start(&e, false);
	ok(!kernel_load(&e.fc, &e.src, &e.m, UINT64_MAX, &e.k).code &&
	       e.k.format == KERNEL_BZIMAGE && !e.src.qemu_multiboot,
	   "the same bzImage split as QEMU's -kernel: a bzImage");
	fake_fw_cfg_free(&e.dev);
	free(bz);
}

int main(void)
{
	test_find();
	test_layout();
	test_mmap();
	test_qemu_info();
	ram = mmap((void *)RAM_AT, RAM_BYTES, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (!ok(ram == (void *)RAM_AT, "64 MiB of \"RAM\" mapped at %#lx", RAM_AT))
		return done_testing();
	test_elf_kernel();
	test_aout_kernel();
	test_refused();
	test_qemu();
	test_not_multiboot();
	munmap(ram, RAM_BYTES);
	return done_testing();
}
