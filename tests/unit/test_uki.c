/* Unified kernel images (boot/uki.c): the headers of a UKI built from Debian's
 * systemd-stub and kernel (tests/unit/fixtures/uki), each way to break them, the
 * kernel alone (a PE file that is no UKI), the stub's version and what it
 * measures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../boot/efi/pe.h"
#include "../boot/le.h"
#include "../boot/uki.h"
#include "outcome.h"
#include "tap.h"

#define HEAD 4096

/* uki-x86_64.head (see its README): the file's size, where its headers are. */
#define UKI_SIZE      15308641ull
#define PE_AT	      0x80
#define OPT_AT	      (PE_AT + 24)
#define TABLE_AT      0x188
#define TABLE_END     0x368
#define NSECTIONS     12
#define INITRD_END    (0xd9a000ull + 0xfc600)
#define VMLINUZ_SIZE  14190528ull
#define VMLINUZ_NSECT 4

/* 1-based section numbers in the UKI. */
enum { TEXT = 1, RELOC, DATA, DYNAMIC, RELA, DYNSYM, SBAT, SDMAGIC, OSREL, CMDLINE, LINUX, INITRD };

static uint8_t uki_head[HEAD], vmlinuz_head[HEAD];

static void load(const char *name, uint8_t *buf)
{
	const char *d = getenv("LEAPBOOT_FIXTURES");
	char path[512];
	snprintf(path, sizeof(path), "%s/uki/%s", d && *d ? d : "tests/unit/fixtures", name);
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(buf, 1, HEAD, f) : 0;
	if (f)
		fclose(f);
	if (n != HEAD) {
		printf("Bail out! %s: %zu bytes, not %d\n", path, n, HEAD);
		exit(1);
	}
}

/* uki_parse on an exact-size heap copy, so that ASan reports a read past len. */
static struct outcome parse(const uint8_t *hdr, uint32_t len, uint64_t file_size, uint16_t machine,
			    struct uki *u)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, hdr, len);
	struct outcome o = outcome(uki_parse(copy, len, file_size, machine, u));
	free(copy);
	return o;
}

static bool is_outcome(struct outcome o, int code, uint64_t a, uint64_t b, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static bool is_outcome(struct outcome o, int code, uint64_t a, uint64_t b, const char *fmt, ...)
{
	bool pass = o.code == code && (code == LB_OK || (o.a == a && o.b == b));
	va_list ap;
	va_start(ap, fmt);
	tap_vresult(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("     got: code %d (%#llx, %#llx)\n#     want: code %d (%#llx, %#llx)", o.code,
		     (unsigned long long)o.a, (unsigned long long)o.b, code, (unsigned long long)a,
		     (unsigned long long)b);
	return pass;
}

/* A section table entry of buf, 1-based as the errors count them. */
static uint8_t *sect(uint8_t *buf, unsigned n)
{
	return buf + TABLE_AT + (n - 1) * sizeof(struct pe_section);
}

#define FIELD(n, f) (sect(b, n) + offsetof(struct pe_section, f))

/* A section name NUL-padded to 8 bytes. */
static void set_name(uint8_t *field, const char *name)
{
	memset(field, 0, 8);
	memcpy(field, name, strlen(name));
}

static uint8_t *fresh(uint8_t *b)
{
	return memcpy(b, uki_head, HEAD);
}

/* The fixture under x86_64 with one change made in b. */
static struct outcome parse_b(const uint8_t *b, struct uki *u)
{
	return parse(b, HEAD, UKI_SIZE, PE_MACHINE_X86_64, u);
}

static bool range_is(const struct uki *u, enum uki_section s, uint32_t at, uint32_t size)
{
	return u->section[s].at == at && u->section[s].size == size;
}

static bool all_absent(const struct uki *u)
{
	for (unsigned s = 0; s < UKI_SECTIONS; s++)
		if (u->section[s].at || u->section[s].size)
			return false;
	return !u->machine;
}

static void test_real_uki(void)
{
	struct uki u;

	ok(uki_is_mz(uki_head, 2), "the UKI starts with MZ");
	is_outcome(parse(uki_head, HEAD, UKI_SIZE, PE_MACHINE_X86_64, &u), LB_OK, 0, 0,
		   "Debian's stub with .osrel, .cmdline, .linux, .initrd: a UKI");
	is_u64(u.machine, PE_MACHINE_X86_64, "its machine");
	ok(range_is(&u, UKI_LINUX, 0x11800, 0xd887c0), ".linux: 0x11800 + VirtualSize 0xd887c0");
	ok(range_is(&u, UKI_OSREL, 0x11400, 0x10b), ".osrel: 0x11400 + 0x10b");
	ok(range_is(&u, UKI_CMDLINE, 0x11600, 0x1c), ".cmdline: 0x11600 + 0x1c");
	ok(range_is(&u, UKI_INITRD, 0xd9a000, 0xfc535), ".initrd: 0xd9a000 + 0xfc535");
	ok(range_is(&u, UKI_SBAT, 0x11000, 0xe2), "the stub's .sbat: 0x11000 + 0xe2");
	ok(range_is(&u, UKI_SDMAGIC, 0x11200, 0x34), "the stub's .sdmagic: 0x11200 + 0x34");
	bool rest = true;
	static const enum uki_section absent[] = {UKI_UCODE, UKI_SPLASH, UKI_DTB,
						  UKI_UNAME, UKI_PCRSIG, UKI_PCRPKEY};
	for (unsigned i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		rest = rest && range_is(&u, absent[i], 0, 0);
	ok(rest, ".ucode, .splash, .dtb, .uname, .pcrsig, .pcrpkey absent");

	is_outcome(parse(uki_head, HEAD, UKI_SIZE, PE_MACHINE_ARM64, &u), LB_E_UKI_MACHINE,
		   PE_MACHINE_X86_64, PE_MACHINE_ARM64, "an x86_64 UKI under arm64: wrong machine");
	ok(all_absent(&u), "nothing reported on failure");

	/* An arm64 UKI: the same headers with arm64's machine. */
	uint8_t b[HEAD];
	le_put16(fresh(b) + PE_AT + offsetof(struct pe_header, machine), PE_MACHINE_ARM64);
	is_outcome(parse(b, HEAD, UKI_SIZE, PE_MACHINE_ARM64, &u), LB_OK, 0, 0,
		   "machine 0xaa64 under arm64: a UKI");
	is_outcome(parse(b, HEAD, UKI_SIZE, PE_MACHINE_X86_64, &u), LB_E_UKI_MACHINE,
		   PE_MACHINE_ARM64, PE_MACHINE_X86_64,
		   "machine 0xaa64 under x86_64: wrong machine");
	le_put16(fresh(b) + PE_AT + offsetof(struct pe_header, machine), 0x014c);
	is_outcome(parse_b(b, &u), LB_E_UKI_MACHINE, 0x014c, PE_MACHINE_X86_64,
		   "an i386 UKI under x86_64: wrong machine");

	/* The file ending exactly with .initrd's raw data (objcopy left a tail). */
	is_outcome(parse(uki_head, HEAD, INITRD_END, PE_MACHINE_X86_64, &u), LB_OK, 0, 0,
		   "a file ending where .initrd's raw data ends");
	is_outcome(parse(uki_head, HEAD, INITRD_END - 1, PE_MACHINE_X86_64, &u), LB_E_UKI_PAST_END,
		   INITRD, INITRD_END - 1, "a file one byte shorter: .initrd past its end");
	is_outcome(parse(uki_head, HEAD, 0x11800, PE_MACHINE_X86_64, &u), LB_E_UKI_PAST_END, LINUX,
		   0x11800, "a file cut where .linux starts");
}

/* Accepted exactly when the section table is whole; NOT_UKI while the PE
 * signature is not in sight, HEADERS from then on. */
static void test_cut(void)
{
	struct uki u;
	unsigned wrong = 0;
	for (uint32_t n = 0; n <= TABLE_END + 8; n++) {
		struct outcome o = parse(uki_head, n, UKI_SIZE, PE_MACHINE_X86_64, &u);
		struct outcome want = {LB_OK, 0, 0};
		if (n < PE_AT + 4)
			want = (struct outcome){LB_E_UKI_NOT_UKI, UKI_SIZE, 0};
		else if (n < OPT_AT)
			want = (struct outcome){LB_E_UKI_HEADERS, OPT_AT, n};
		else if (n < TABLE_END)
			want = (struct outcome){LB_E_UKI_HEADERS, TABLE_END, n};
		if (o.code != want.code || (o.code && (o.a != want.a || o.b != want.b))) {
			if (!wrong++)
				diag("cut to %u: code %d (%#llx, %#llx)", n, o.code,
				     (unsigned long long)o.a, (unsigned long long)o.b);
		}
	}
	is_u64(wrong, 0,
	       "headers cut to 0..%u bytes: NOT_UKI before the signature, HEADERS "
	       "before the table's end, then a UKI",
	       TABLE_END + 8);
	is_outcome(parse(uki_head, TABLE_END - 1, UKI_SIZE, PE_MACHINE_X86_64, &u),
		   LB_E_UKI_HEADERS, TABLE_END, TABLE_END - 1, "cut in the last section entry");
	is_outcome(parse(uki_head, TABLE_END, UKI_SIZE, PE_MACHINE_X86_64, &u), LB_OK, 0, 0,
		   "cut right after the section table");
	is_outcome(parse(uki_head, PE_AT + 10, UKI_SIZE, PE_MACHINE_X86_64, &u), LB_E_UKI_HEADERS,
		   OPT_AT, PE_AT + 10, "cut in the COFF header");
}

static void test_not_pe(void)
{
	struct uki u;
	uint8_t b[HEAD];

	ok(!uki_is_mz((const uint8_t *)"ZM", 2), "\"ZM\" is not MZ");
	ok(!uki_is_mz((const uint8_t *)"Mz", 2), "\"Mz\" is not MZ");
	ok(!uki_is_mz((const uint8_t *)"M", 1), "one byte is not MZ");
	ok(!uki_is_mz(vmlinuz_head + 0x202, 4), "\"HdrS\" is not MZ");

	fresh(b)[1] = 'z';
	is_outcome(parse_b(b, &u), LB_E_UKI_NOT_UKI, UKI_SIZE, 0, "no MZ: not a UKI");
	memcpy(fresh(b) + PE_AT, "PE\0\1", 4);
	is_outcome(parse_b(b, &u), LB_E_UKI_NOT_UKI, UKI_SIZE, 0, "no PE signature: not a UKI");
	memset(b, 0, HEAD);
	is_outcome(parse_b(b, &u), LB_E_UKI_NOT_UKI, UKI_SIZE, 0, "zeros: not a UKI");

	/* e_lfanew at no signature, past the bytes read, wrapping in 32 bits. */
	static const uint32_t lfanew[] = {0,	    4,		HEAD - 3,    HEAD,
					  HEAD + 1, 0x80000000, 0xfffffffcu, 0xffffffffu};
	for (unsigned i = 0; i < sizeof(lfanew) / sizeof(lfanew[0]); i++) {
		le_put32(fresh(b) + offsetof(struct pe_dos_header, e_lfanew), lfanew[i]);
		is_outcome(parse_b(b, &u), LB_E_UKI_NOT_UKI, UKI_SIZE, 0, "e_lfanew %#x: not a UKI",
			   lfanew[i]);
	}
}

/* Debian's bzImage is a PE file (Linux's EFI stub) without .linux: the kernel
 * code takes it, whatever its sections are like. */
static void test_kernel(void)
{
	struct uki u;
	uint8_t b[HEAD];

	ok(uki_is_mz(vmlinuz_head, 2), "Debian's bzImage starts with MZ");
	is_outcome(parse(vmlinuz_head, HEAD, VMLINUZ_SIZE, PE_MACHINE_X86_64, &u), LB_E_UKI_NOT_UKI,
		   VMLINUZ_SIZE, VMLINUZ_NSECT, "Debian's bzImage: not a UKI");
	is_outcome(parse(vmlinuz_head, HEAD, VMLINUZ_SIZE, PE_MACHINE_ARM64, &u), LB_E_UKI_NOT_UKI,
		   VMLINUZ_SIZE, VMLINUZ_NSECT,
		   "Debian's bzImage under arm64: not a UKI (not a machine error)");
	/* Its .setup moved onto its headers and its .data past the file's end. */
	memcpy(b, vmlinuz_head, HEAD);
	uint8_t *t = b + 0xf8;
	le_put32(t + offsetof(struct pe_section, pointer_to_raw_data), 0);
	le_put32(t + 3 * sizeof(struct pe_section) + offsetof(struct pe_section, size_of_raw_data),
		 0xffffffff);
	is_outcome(parse(b, HEAD, VMLINUZ_SIZE, PE_MACHINE_X86_64, &u), LB_E_UKI_NOT_UKI,
		   VMLINUZ_SIZE, VMLINUZ_NSECT, "a PE without .linux is not judged further");
	/* Its last section named .linux: now it is one, and judged. */
	memcpy(t + 3 * sizeof(struct pe_section), ".linux\0", 8);
	is_outcome(parse(b, HEAD, VMLINUZ_SIZE, PE_MACHINE_X86_64, &u), LB_E_UKI_IN_HEADERS, 1, 0,
		   "the same with a .linux section: judged");
}

static void test_names(void)
{
	struct uki u;
	uint8_t b[HEAD];

	static const char *const not_linux[] = {".linuy\0",  ".linuxx",	  ".Linux\0",
						"linux\0\0", ".linux\0X", ".linu\0\0\0"};
	for (unsigned i = 0; i < sizeof(not_linux) / sizeof(not_linux[0]); i++) {
		fresh(b);
		memcpy(FIELD(LINUX, name), not_linux[i], 8);
		is_outcome(parse_b(b, &u), LB_E_UKI_NO_LINUX, 0, NSECTIONS,
			   "\"%.8s\" is not .linux: a UKI without its kernel", not_linux[i]);
	}

	/* .osrel renamed .cmdline: the second .cmdline (the real one) wins. */
	fresh(b);
	memcpy(FIELD(OSREL, name), ".cmdline", 8);
	is_outcome(parse_b(b, &u), LB_OK, 0, 0, "two .cmdline sections: a UKI");
	ok(range_is(&u, UKI_CMDLINE, 0x11600, 0x1c) && range_is(&u, UKI_OSREL, 0, 0),
	   "the last .cmdline wins; no .osrel");
	/* .cmdline renamed .osrel: the later one wins. */
	fresh(b);
	memcpy(FIELD(CMDLINE, name), ".osrel\0", 8);
	is_outcome(parse_b(b, &u), LB_OK, 0, 0, "two .osrel sections: a UKI");
	ok(range_is(&u, UKI_OSREL, 0x11600, 0x1c) && range_is(&u, UKI_CMDLINE, 0, 0),
	   "the last .osrel wins; no .cmdline");

	/* .initrd renamed .linux: the second .linux is the kernel. */
	fresh(b);
	memcpy(FIELD(INITRD, name), ".linux\0", 8);
	is_outcome(parse_b(b, &u), LB_OK, 0, 0, "two .linux sections: a UKI");
	ok(range_is(&u, UKI_LINUX, 0xd9a000, 0xfc535) && range_is(&u, UKI_INITRD, 0, 0),
	   "the last .linux wins");
	/* ... even when the last one is empty (systemd-stub: size 0 is absent). */
	le_put32(FIELD(INITRD, virtual_size), 0);
	is_outcome(parse_b(b, &u), LB_E_UKI_NO_LINUX, INITRD, NSECTIONS,
		   "the last .linux empty: no kernel");

	/* Multi-profile UKIs. */
	fresh(b);
	memcpy(FIELD(DYNSYM, name), ".profile", 8);
	is_outcome(parse_b(b, &u), LB_E_UKI_PROFILE, DYNSYM, NSECTIONS,
		   ".profile: multi-profile UKIs refused");
	fresh(b);
	memcpy(FIELD(DYNSYM, name), ".profil\0", 8);
	is_outcome(parse_b(b, &u), LB_OK, 0, 0, ".profil is no .profile");

	/* Every known name found: the last section, .initrd, renamed to each. */
	for (unsigned s = 0; s < UKI_SECTIONS; s++) {
		fresh(b);
		set_name(FIELD(INITRD, name), uki_section_name[s]);
		is_outcome(parse_b(b, &u), LB_OK, 0, 0, ".initrd renamed %s: a UKI",
			   uki_section_name[s]);
		ok(range_is(&u, s, 0xd9a000, 0xfc535), "%s: .initrd's bytes", uki_section_name[s]);
	}
}

static void test_section_count(void)
{
	struct uki u;
	uint8_t b[2 * HEAD];
	uint8_t *count = b + PE_AT + offsetof(struct pe_header, number_of_sections);

	static const uint16_t bad[] = {0, 97, 0x100, 0xffff};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fresh(b);
		le_put16(count, bad[i]);
		is_outcome(parse_b(b, &u), LB_E_UKI_SECTION_COUNT, bad[i], 96,
			   "%u sections refused", bad[i]);
	}
	/* 96 entries (84 of them zeros: no name, no bytes) need 8 KiB of headers,
	 * and their table reaches into .text, which loses its bytes. */
	memset(b, 0, sizeof(b));
	memcpy(b, uki_head, TABLE_END);
	le_put16(count, 96);
	le_put32(FIELD(TEXT, size_of_raw_data), 0);
	is_outcome(parse(b, sizeof(b), UKI_SIZE, PE_MACHINE_X86_64, &u), LB_OK, 0, 0,
		   "96 sections in 8 KiB of headers: a UKI");
	is_outcome(parse(b, HEAD, UKI_SIZE, PE_MACHINE_X86_64, &u), LB_E_UKI_HEADERS,
		   TABLE_AT + 96 * 40, HEAD, "96 sections in 4 KiB: the table is cut");
	le_put16(count, 11);
	is_outcome(parse(b, HEAD, UKI_SIZE, PE_MACHINE_X86_64, &u), LB_OK, 0, 0,
		   "11 sections (no .initrd): a UKI");
	ok(range_is(&u, UKI_INITRD, 0, 0), "no .initrd");
	le_put16(count, 10);
	is_outcome(parse(b, HEAD, UKI_SIZE, PE_MACHINE_X86_64, &u), LB_E_UKI_NO_LINUX, 0, 10,
		   "10 sections (no .linux, but .osrel and .cmdline): a UKI without its kernel");
}

static void test_optional_header(void)
{
	struct uki u;
	uint8_t b[HEAD];
	uint8_t *magic = b + OPT_AT,
		*size = b + PE_AT + offsetof(struct pe_header, size_of_optional_header);

	fresh(b);
	le_put16(magic, PE_MAGIC_PE32);
	is_outcome(parse_b(b, &u), LB_OK, 0, 0, "a PE32 optional header accepted");
	static const uint16_t bad[] = {0x107, 0, 0x20a, 0x0b02};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fresh(b);
		le_put16(magic, bad[i]);
		is_outcome(parse_b(b, &u), LB_E_UKI_HEADERS, OPT_AT, HEAD,
			   "optional header magic %#x refused", bad[i]);
	}
	/* No room for the magic: the table right after the COFF header. */
	memcpy(fresh(b) + OPT_AT, uki_head + TABLE_AT, TABLE_END - TABLE_AT);
	memset(b + OPT_AT + (TABLE_END - TABLE_AT), 0, TABLE_END - (OPT_AT + TABLE_END - TABLE_AT));
	le_put16(size, 0);
	is_outcome(parse_b(b, &u), LB_E_UKI_HEADERS, OPT_AT, HEAD,
		   "SizeOfOptionalHeader 0 refused");
	fresh(b);
	le_put16(size, 0xffff);
	is_outcome(parse_b(b, &u), LB_E_UKI_HEADERS, OPT_AT + 0xffff + NSECTIONS * 40, HEAD,
		   "SizeOfOptionalHeader 0xffff: the table is past the headers read");
}

static void test_ranges(void)
{
	struct uki u;
	uint8_t b[HEAD];

	/* PointerToRawData + SizeOfRawData wraps in 32 bits to 0x1000. */
	fresh(b);
	le_put32(FIELD(LINUX, pointer_to_raw_data), 0xfffff000u);
	le_put32(FIELD(LINUX, size_of_raw_data), 0x2000);
	is_outcome(parse_b(b, &u), LB_E_UKI_PAST_END, LINUX, UKI_SIZE,
		   ".linux at 0xfffff000 + 0x2000: past the end, no wrap");
	le_put32(FIELD(LINUX, pointer_to_raw_data), 0xffffffffu);
	le_put32(FIELD(LINUX, size_of_raw_data), 0xffffffffu);
	is_outcome(parse(b, HEAD, 1ull << 40, PE_MACHINE_X86_64, &u), LB_OK, 0, 0,
		   "at 0xffffffff + 0xffffffff in a 1 TiB file: in it");
	ok(range_is(&u, UKI_LINUX, 0xffffffff, 0xd887c0), "... found there");

	/* An unknown section past the end is refused too. */
	fresh(b);
	le_put32(FIELD(DATA, pointer_to_raw_data), (uint32_t)UKI_SIZE - 0x100);
	is_outcome(parse_b(b, &u), LB_E_UKI_PAST_END, DATA, UKI_SIZE,
		   ".data past the end of the file");
	/* ... unless it has no bytes in the file. */
	le_put32(FIELD(DATA, size_of_raw_data), 0);
	is_outcome(parse_b(b, &u), LB_OK, 0, 0, ".data without raw data: not checked");
	le_put32(FIELD(DATA, pointer_to_raw_data), 0);
	is_outcome(parse_b(b, &u), LB_OK, 0, 0, "... even at 0");

	/* Sections in the headers. */
	fresh(b);
	le_put32(FIELD(OSREL, pointer_to_raw_data), 0x100);
	is_outcome(parse_b(b, &u), LB_E_UKI_IN_HEADERS, OSREL, 0x100,
		   ".osrel in the section table");
	fresh(b);
	le_put32(FIELD(OSREL, pointer_to_raw_data), 0);
	is_outcome(parse_b(b, &u), LB_E_UKI_IN_HEADERS, OSREL, 0, ".osrel at 0");
	/* .cmdline (0x1c bytes) in the gap between the table and .text. */
	fresh(b);
	le_put32(FIELD(CMDLINE, pointer_to_raw_data), TABLE_END);
	le_put32(FIELD(CMDLINE, size_of_raw_data), 0x400 - TABLE_END);
	is_outcome(parse_b(b, &u), LB_OK, 0, 0, ".cmdline right after the section table");
	ok(range_is(&u, UKI_CMDLINE, TABLE_END, 0x1c), "... found there");
	le_put32(FIELD(CMDLINE, pointer_to_raw_data), TABLE_END - 1);
	is_outcome(parse_b(b, &u), LB_E_UKI_IN_HEADERS, CMDLINE, TABLE_END - 1,
		   ".cmdline one byte into the section table");
	le_put32(FIELD(CMDLINE, pointer_to_raw_data), TABLE_END + 1);
	is_outcome(parse_b(b, &u), LB_E_UKI_OVERLAP, TEXT, CMDLINE, ".cmdline one byte into .text");

	/* Overlaps, by one byte and whole, with known and unknown sections. */
	fresh(b);
	le_put32(FIELD(CMDLINE, pointer_to_raw_data), 0x11400 + 0x1ff);
	is_outcome(parse_b(b, &u), LB_E_UKI_OVERLAP, OSREL, CMDLINE,
		   ".cmdline's first byte on .osrel's last");
	fresh(b);
	le_put32(FIELD(OSREL, pointer_to_raw_data), 0x11600);
	is_outcome(parse_b(b, &u), LB_E_UKI_OVERLAP, OSREL, CMDLINE, ".osrel on .cmdline");
	fresh(b);
	le_put32(FIELD(LINUX, pointer_to_raw_data), 0x400);
	is_outcome(parse_b(b, &u), LB_E_UKI_OVERLAP, TEXT, LINUX, ".linux on the stub's .text");
	fresh(b);
	le_put32(FIELD(RELOC, size_of_raw_data), 0x201);
	is_outcome(parse_b(b, &u), LB_E_UKI_OVERLAP, RELOC, DATA,
		   "unknown sections overlapping by a byte");
	/* .initrd enclosing .linux. */
	fresh(b);
	le_put32(FIELD(INITRD, pointer_to_raw_data), 0x11000);
	le_put32(FIELD(INITRD, size_of_raw_data), 0xe00000);
	is_outcome(parse_b(b, &u), LB_E_UKI_OVERLAP, SBAT, INITRD,
		   ".initrd over .sbat, .sdmagic, .osrel, .cmdline and .linux");
	/* Empty sections overlap nothing. */
	fresh(b);
	le_put32(FIELD(RELA, pointer_to_raw_data), 0x11800);
	le_put32(FIELD(RELA, size_of_raw_data), 0);
	is_outcome(parse_b(b, &u), LB_OK, 0, 0, "an empty section inside .linux");
}

static void test_virtual_size(void)
{
	struct uki u;
	uint8_t b[HEAD];

	fresh(b);
	le_put32(FIELD(LINUX, virtual_size), 0xd88800);
	is_outcome(parse_b(b, &u), LB_OK, 0, 0, ".linux's VirtualSize = SizeOfRawData");
	ok(range_is(&u, UKI_LINUX, 0x11800, 0xd88800), "... all its raw bytes");
	le_put32(FIELD(LINUX, virtual_size), 0xd88801);
	is_outcome(parse_b(b, &u), LB_E_UKI_VIRTUAL_SIZE, LINUX, 0xd88801,
		   ".linux's VirtualSize one past SizeOfRawData");
	le_put32(FIELD(LINUX, virtual_size), 0xffffffff);
	is_outcome(parse_b(b, &u), LB_E_UKI_VIRTUAL_SIZE, LINUX, 0xffffffff,
		   ".linux's VirtualSize 4 GiB");
	fresh(b);
	le_put32(FIELD(CMDLINE, size_of_raw_data), 0);
	is_outcome(parse_b(b, &u), LB_E_UKI_VIRTUAL_SIZE, CMDLINE, 0x1c,
		   ".cmdline with no raw data but a VirtualSize");
	fresh(b);
	le_put32(FIELD(DATA, virtual_size), 0xffffffff);
	is_outcome(parse_b(b, &u), LB_OK, 0, 0, "an unknown section's VirtualSize is not judged");

	/* VirtualSize 0: absent, as systemd-stub has it. */
	fresh(b);
	le_put32(FIELD(OSREL, virtual_size), 0);
	is_outcome(parse_b(b, &u), LB_OK, 0, 0, ".osrel of size 0: a UKI");
	ok(range_is(&u, UKI_OSREL, 0, 0), "... without .osrel");
	fresh(b);
	le_put32(FIELD(LINUX, virtual_size), 0);
	is_outcome(parse_b(b, &u), LB_E_UKI_NO_LINUX, LINUX, NSECTIONS,
		   ".linux of size 0: a UKI without a kernel");
}

static void test_stub_version(void)
{
	static const struct {
		const char *magic;
		uint32_t version;
	} cases[] = {
	    {"#### LoaderInfo: systemd-stub 252.39-1~deb12u2 ####", 252},
	    {"systemd-stub 256", 256},
	    {"#### LoaderInfo: systemd-stub 257~rc1 ####", 257},
	    {"systemd-stub 0254", 254},
	    {"systemd-stub 4294967295", 4294967295u},
	    {"systemd-stub 4294967296", 0},
	    {"systemd-stub 99999999999999999999999999", 0},
	    {"systemd-stub", 0},
	    {"systemd-stub ", 0},
	    {"systemd-stub v256", 0},
	    {"systemd-stub  256", 0},
	    {"systemd-boot 256", 0},
	    {"#### LoaderInfo: systemd-boot 252 ####", 0},
	    {"Systemd-stub 256", 0},
	    {"", 0},
	    {"\xff\xfe garbage", 0},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t n = (uint32_t)strlen(cases[i].magic);
		char *copy = malloc(n ? n : 1);
		memcpy(copy, cases[i].magic, n);
		is_u64(uki_stub_version(copy, n), cases[i].version, "\"%s\" -> %u", cases[i].magic,
		       cases[i].version);
		free(copy);
	}
	/* Bounded by len, not by a NUL. */
	static const char magic[] = "systemd-stub 256";
	is_u64(uki_stub_version(magic, 15), 25, "\"systemd-stub 25\" of \"...256\" -> 25");
	is_u64(uki_stub_version(magic, 13), 0, "cut after the space -> 0");
	is_u64(uki_stub_version(magic, 12), 0, "cut in the name -> 0");
	is_u64(uki_stub_version(magic, 0), 0, "nothing -> 0");
	static const char sdmagic[0x34] = "#### LoaderInfo: systemd-stub 252.39-1~deb12u2 ####";
	is_u64(uki_stub_version(sdmagic, sizeof(sdmagic)), 252,
	       "Debian 12's .sdmagic with its NUL -> 252");
}

static void test_measured(void)
{
	static const uint32_t versions[] = {0, 250, 252, 253, 254, 255, 256, 257};
	unsigned wrong = 0;
	for (unsigned s = 0; s < UKI_SECTIONS; s++)
		for (unsigned i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
			uint32_t v = versions[i];
			bool want = true;
			if (s == UKI_PCRSIG || s == UKI_SDMAGIC)
				want = false;
			else if (s == UKI_UNAME || s == UKI_SBAT)
				want = v == 0 || v >= 254;
			if (uki_section_measured(s, v) != want) {
				diag("%s under stub %u", uki_section_name[s], v);
				wrong++;
			}
		}
	is_u64(wrong, 0, "measured: all but .pcrsig and .sdmagic; .uname and .sbat from 254");
	ok(uki_section_measured(UKI_UCODE, 252) && uki_section_measured(UKI_UCODE, 256),
	   ".ucode measured whatever the stub (leapboot always hands it over)");
	ok(!uki_section_measured(UKI_SBAT, 253) && uki_section_measured(UKI_SBAT, 0),
	   ".sbat: not by 253, by an unknown stub");
}

static void test_names_table(void)
{
	static const char *const want[UKI_SECTIONS] = {".linux", ".osrel",  ".cmdline", ".initrd",
						       ".ucode", ".splash", ".dtb",	".uname",
						       ".sbat",	 ".pcrsig", ".pcrpkey", ".sdmagic"};
	for (unsigned s = 0; s < UKI_SECTIONS; s++)
		is_str(uki_section_name[s], want[s], "section %u is %s (at most 8 bytes: %s)", s,
		       want[s], strlen(uki_section_name[s]) <= 8 ? "yes" : "NO");
}

int main(void)
{
	load("uki-x86_64.head", uki_head);
	load("vmlinuz-6.1.0-57-cloud-amd64.head", vmlinuz_head);
	test_real_uki();
	test_cut();
	test_not_pe();
	test_kernel();
	test_names();
	test_section_count();
	test_optional_header();
	test_ranges();
	test_virtual_size();
	test_stub_version();
	test_measured();
	test_names_table();
	return done_testing();
}
