/* EFI-stub detection (boot/efi/pe.c): the PE/COFF headers of Debian's x86 bzImage
 * and arm64 Image as Linux's EFI stub makes them, and each way to break one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../boot/efi/pe.h"
#include "tap.h"

/* Offsets of the PE/COFF spec, for a PE header at 0x40 as both kernels have it. */
#define E_LFANEW     0x3c
#define PE_AT	     0x40
#define MACHINE_AT   (PE_AT + 4)
#define OPT_SIZE_AT  (PE_AT + 20)
#define OPT_MAGIC_AT (PE_AT + 24)
#define SUBSYSTEM_AT (PE_AT + 24 + 68)
/* The shortest head that reaches the end of Subsystem. */
#define HEAD_MIN (SUBSYSTEM_AT + 2)

#define MACHINE_I386	0x014c
#define MACHINE_ARMNT	0x01c4
#define MACHINE_RISCV64 0x5064

/* The first 248 bytes (MZ header, PE signature, COFF header, the 160-byte PE32+
 * optional header) of Debian 12's vmlinuz-6.1.0-56-cloud-amd64: e_lfanew 0x40,
 * machine 0x8664, 4 sections, SizeOfOptionalHeader 0xa0, magic 0x20b, subsystem 10. */
static const uint8_t bzimage_head[] = {
    0x4d, 0x5a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00,
    0x50, 0x45, 0x00, 0x00, 0x64, 0x86, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0xa0, 0x00, 0x06, 0x02, 0x0b, 0x02, 0x02, 0x14, 0x00, 0x10, 0xd8, 0x00,
    0x00, 0x60, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xb7, 0xd8, 0xd7, 0x00, 0x00, 0x50, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0xc0, 0xdc, 0x00, 0x00, 0x10, 0x00, 0x00, 0x4c, 0xd4, 0xd8, 0x00, 0x0a, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x72, 0xd8, 0x00, 0xc0, 0x05, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* The same bytes of Debian 12's Image-6.1.0-56-cloud-arm64: the arm64 Image header
 * ("MZ" in code0, "ARM\x64" at 0x38, pe_offset 0x40 doubling as e_lfanew), then
 * machine 0xaa64, 2 sections, and an optional header like the x86 one. */
static const uint8_t image_head[] = {
    0x4d, 0x5a, 0x40, 0xfa, 0x46, 0x63, 0x4e, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xab, 0x01, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x41, 0x52, 0x4d, 0x64, 0x40, 0x00, 0x00, 0x00,
    0x50, 0x45, 0x00, 0x00, 0x64, 0xaa, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xa0, 0x00, 0x06, 0x02, 0x0b, 0x02, 0x02, 0x14, 0x00, 0x00, 0x44, 0x01,
    0x00, 0x00, 0x66, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0xc7, 0x3e, 0x01, 0x00, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xab, 0x01, 0x00, 0x00, 0x01, 0x00, 0x94, 0xb1, 0xa0, 0x01, 0x0a, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x9a, 0xa0, 0x01, 0xc0, 0x05, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
_Static_assert(sizeof(bzimage_head) == 248 && sizeof(image_head) == 248, "head sizes");

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* pe_is_efi_app on an exact-size heap copy, so that ASan reports a read past n. */
static bool is_app(const uint8_t *head, uint32_t n, uint16_t machine)
{
	uint8_t *copy = malloc(n ? n : 1);
	memcpy(copy, head, n);
	bool r = pe_is_efi_app(copy, n, machine);
	free(copy);
	return r;
}

/* A copy of bzimage_head to break one field of. */
static uint8_t *bz(uint8_t *buf)
{
	return memcpy(buf, bzimage_head, sizeof(bzimage_head));
}

static void test_real_heads(void)
{
	ok(is_app(bzimage_head, sizeof(bzimage_head), PE_MACHINE_X86_64),
	   "Debian's bzImage: an x86_64 EFI application");
	ok(!is_app(bzimage_head, sizeof(bzimage_head), PE_MACHINE_ARM64),
	   "Debian's bzImage: not an arm64 one");
	ok(!is_app(bzimage_head, sizeof(bzimage_head), MACHINE_I386),
	   "Debian's bzImage: not an i386 one");
	ok(is_app(image_head, sizeof(image_head), PE_MACHINE_ARM64),
	   "Debian's arm64 Image: an arm64 EFI application");
	ok(!is_app(image_head, sizeof(image_head), PE_MACHINE_X86_64),
	   "Debian's arm64 Image: not an x86_64 one");
	ok(!is_app(image_head, sizeof(image_head), MACHINE_ARMNT),
	   "Debian's arm64 Image: not a 32-bit arm one");
}

/* Accepted exactly when the head reaches the end of Subsystem. */
static void test_truncated(const char *what, const uint8_t *head, uint16_t machine)
{
	uint32_t wrong = 0;
	for (uint32_t n = 0; n <= 248; n++)
		if (is_app(head, n, machine) != (n >= HEAD_MIN))
			wrong++;
	is_u64(wrong, 0, "%s cut to 0..248 bytes: accepted iff at least %u", what, HEAD_MIN);
	ok(!is_app(head, E_LFANEW + 3, machine), "%s: cut inside e_lfanew", what);
	ok(!is_app(head, PE_AT, machine), "%s: cut before the PE signature", what);
	ok(!is_app(head, OPT_MAGIC_AT, machine), "%s: cut after the COFF header", what);
	ok(!is_app(head, HEAD_MIN - 1, machine), "%s: cut inside Subsystem", what);
	ok(is_app(head, HEAD_MIN, machine), "%s: cut right after Subsystem", what);
}

static void test_dos_header(void)
{
	uint8_t b[248];

	bz(b)[0] = 'Z';
	b[1] = 'M';
	ok(!is_app(b, sizeof(b), PE_MACHINE_X86_64), "\"ZM\" instead of \"MZ\"");
	bz(b)[1] = 'z';
	ok(!is_app(b, sizeof(b), PE_MACHINE_X86_64), "\"Mz\" instead of \"MZ\"");
	bz(b)[0] = 0;
	ok(!is_app(b, sizeof(b), PE_MACHINE_X86_64), "no \"M\"");

	/* At no PE header, too near the end for a whole one, past the head, wrapping
	 * (0xffffffa2 + 94 is 0), or 0x40 in the low half only. */
	static const uint32_t bad[] = {
	    0,		 4,	      PE_AT + 1,   248 - (HEAD_MIN - PE_AT) + 1,
	    248,	 249,	      0x1000,	   0x80000000u,
	    0xffffffa2u, 0xfffffffcu, 0xffffffffu, 0x10040u,
	    0xffff0040u};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put32(bz(b) + E_LFANEW, bad[i]);
		ok(!is_app(b, sizeof(b), PE_MACHINE_X86_64), "e_lfanew %#x refused", bad[i]);
	}
	/* The last place a whole header fits: all 94 bytes up to Subsystem in the head. */
	uint32_t last = 248 - (HEAD_MIN - PE_AT);
	memset(b, 0, sizeof(b));
	memcpy(b, bzimage_head, PE_AT);
	memcpy(b + last, bzimage_head + PE_AT, HEAD_MIN - PE_AT);
	put32(b + E_LFANEW, last);
	ok(is_app(b, sizeof(b), PE_MACHINE_X86_64), "PE header at %#x, ending at the head's end",
	   last);
	ok(!is_app(b, sizeof(b) - 1, PE_MACHINE_X86_64), "the same, cut by one byte");

	/* e_lfanew is followed, not assumed: an odd offset as older bzImages had. */
	uint8_t c[0x83 + 248];
	memset(c, 0, sizeof(c));
	memcpy(c, bzimage_head, PE_AT);
	memcpy(c + 0x83, bzimage_head + PE_AT, 248 - PE_AT);
	put32(c + E_LFANEW, 0x83);
	ok(is_app(c, sizeof(c), PE_MACHINE_X86_64), "PE header at e_lfanew 0x83");
	put32(c + E_LFANEW, PE_AT);
	ok(!is_app(c, sizeof(c), PE_MACHINE_X86_64), "e_lfanew 0x40 while the header is at 0x83");
}

static void test_pe_header(void)
{
	uint8_t b[248];

	static const char *const sigs[] = {"PE\0\1", "PX\0\0", "pe\0\0", "PE\1\0", "NE\0\0"};
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		memcpy(bz(b) + PE_AT, sigs[i], 4);
		ok(!is_app(b, sizeof(b), PE_MACHINE_X86_64), "signature \"%.2s\\%o\\%o\" refused",
		   sigs[i], sigs[i][2], sigs[i][3]);
	}

	static const uint16_t machines[] = {MACHINE_I386, MACHINE_ARMNT, MACHINE_RISCV64, 0x6486,
					    0};
	for (unsigned i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		put16(bz(b) + MACHINE_AT, machines[i]);
		ok(!is_app(b, sizeof(b), PE_MACHINE_X86_64) &&
		       !is_app(b, sizeof(b), PE_MACHINE_ARM64),
		   "machine %#06x: neither x86_64 nor arm64", machines[i]);
	}
	put16(bz(b) + MACHINE_AT, PE_MACHINE_ARM64);
	ok(is_app(b, sizeof(b), PE_MACHINE_ARM64) && !is_app(b, sizeof(b), PE_MACHINE_X86_64),
	   "the header's machine is compared with the one asked for");

	/* The optional header must be long enough to hold Subsystem. */
	static const struct {
		uint16_t size;
		bool good;
	} sizes[] = {{0, false}, {2, false},   {68, false},   {69, false},
		     {70, true}, {0xf0, true}, {0xffff, true}};
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		put16(bz(b) + OPT_SIZE_AT, sizes[i].size);
		ok(is_app(b, sizeof(b), PE_MACHINE_X86_64) == sizes[i].good,
		   "SizeOfOptionalHeader %u %s", sizes[i].size,
		   sizes[i].good ? "accepted" : "refused");
	}

	static const uint16_t magics[] = {0x10b /* PE32 */, 0x107 /* ROM */, 0x020a, 0x0b02, 0};
	for (unsigned i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		put16(bz(b) + OPT_MAGIC_AT, magics[i]);
		ok(!is_app(b, sizeof(b), PE_MACHINE_X86_64), "optional header magic %#x refused",
		   magics[i]);
	}

	/* Only EFI applications: not boot-service (11) or runtime (12) drivers, an
	 * EFI ROM (13), a Windows console program (3). */
	static const uint16_t subsystems[] = {11, 12, 13, 3, 0, 0x010a, 0x0a0a};
	for (unsigned i = 0; i < sizeof(subsystems) / sizeof(subsystems[0]); i++) {
		put16(bz(b) + SUBSYSTEM_AT, subsystems[i]);
		ok(!is_app(b, sizeof(b), PE_MACHINE_X86_64), "subsystem %#x refused",
		   subsystems[i]);
	}
}

/* The kernels tools/fetch-kernels caches, when they are there: their first 4 KiB
 * as leapboot.efi reads them. */
static void test_cached_kernel(const char *rel, uint16_t machine, uint16_t other)
{
	char path[512];
	const char *cache = getenv("LEAPBOOT_CACHE");
	const char *home = getenv("HOME");
	if (cache && *cache)
		snprintf(path, sizeof(path), "%s/%s", cache, rel);
	else
		snprintf(path, sizeof(path), "%s/.cache/leapboot/%s", home ? home : "", rel);
	FILE *f = fopen(path, "rb");
	if (!f) {
		ok(1, "cached %s # SKIP %s not present", rel, path);
		return;
	}
	static uint8_t head[4096];
	uint32_t n = (uint32_t)fread(head, 1, sizeof(head), f);
	fclose(f);
	ok(n == sizeof(head) && is_app(head, n, machine) && !is_app(head, n, other),
	   "cached %s (%s): an EFI application for machine %#x only", rel, path, machine);
}

int main(void)
{
	test_real_heads();
	test_truncated("bzImage", bzimage_head, PE_MACHINE_X86_64);
	test_truncated("arm64 Image", image_head, PE_MACHINE_ARM64);
	test_dos_header();
	test_pe_header();
	test_cached_kernel("amd64/vmlinuz", PE_MACHINE_X86_64, PE_MACHINE_ARM64);
	test_cached_kernel("arm64/Image", PE_MACHINE_ARM64, PE_MACHINE_X86_64);
	return done_testing();
}
