/* ELF validation and the PVH note lookup (elf/elf.c).
 *
 * The images are built here byte by byte (little-endian writers at the offsets the
 * ELF specification fixes, not elf.h's structs), so a wrong struct layout shows up
 * too. Every buffer handed to the code under test is an exact-size heap copy:
 * reading one byte past it is an ASan report. Then a snapshot of leapboot.elf's
 * headers and note (a real PVH ELF from our own linker script), and the live
 * build/x86_64/leapboot.elf (LEAPBOOT_ELF overrides the path; make check builds
 * it first; a missing file fails, never skips). Debian's vmlinux is exercised by
 * tests/pvh.bats, which boots it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../elf/elf.h"
#include "tap.h"

#define ET_EXEC	     2
#define ET_REL	     1
#define ET_DYN	     3
#define EM_386	     3
#define EM_ARM	     40
#define EM_X86_64    62
#define EM_AARCH64   183
#define PT_NULL	     0
#define PT_DYNAMIC   2
#define PT_PHDR	     6
#define PT_GNU_STACK 0x6474e551u

#define IMG_MAX	   0x4000
#define NOTE_OFF   0x100 /* the note segment's place in the standard image */
#define LOAD_OFF   0x200 /* the loadable segment's */
#define LOAD_SIZE  0x100
#define LOAD_PADDR 0x1000000ull
#define LOAD_MEMSZ 0x3000ull
#define ENTRY	   0x1000040ull /* what the Xen note says */
#define E_ENTRY	   0x1000000ull /* e_entry: deliberately not the note's */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static size_t align4(size_t v)
{
	return (v + 3) & ~(size_t)3;
}

/* --- the image builder -------------------------------------------------------- */

struct fx {
	uint8_t b[IMG_MAX];
	size_t len; /* the file's size */
	bool is64;
	uint64_t phoff;
	uint16_t phnum;
};

static size_t max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* An ELF header with no program headers yet; they follow it. */
static void fx_init(struct fx *f, bool is64)
{
	memset(f, 0, sizeof(*f));
	f->is64 = is64;
	memcpy(f->b, "\177ELF", 4);
	f->b[4] = is64 ? 2 : 1; /* EI_CLASS */
	f->b[5] = 1;		/* EI_DATA: little-endian */
	f->b[6] = 1;		/* EI_VERSION */
	put16(f->b + 16, ET_EXEC);
	put16(f->b + 18, is64 ? EM_X86_64 : EM_386);
	put32(f->b + 20, 1);
	if (is64) {
		put64(f->b + 24, E_ENTRY);
		put64(f->b + 32, 64); /* e_phoff */
		put16(f->b + 52, 64); /* e_ehsize */
		put16(f->b + 54, 56); /* e_phentsize */
		f->phoff = 64;
	} else {
		put32(f->b + 24, (uint32_t)E_ENTRY);
		put32(f->b + 28, 52);
		put16(f->b + 40, 52);
		put16(f->b + 42, 32);
		f->phoff = 52;
	}
	f->len = f->phoff;
}

static void fx_set_phnum(struct fx *f, uint16_t n)
{
	put16(f->b + (f->is64 ? 56 : 44), n);
}

static void fx_set_phoff(struct fx *f, uint64_t off)
{
	if (f->is64)
		put64(f->b + 32, off);
	else
		put32(f->b + 28, (uint32_t)off);
}

static void fx_set_phentsize(struct fx *f, uint16_t n)
{
	put16(f->b + (f->is64 ? 54 : 42), n);
}

/* Appends a program header. vaddr is made unlike paddr: the loader must use paddr. */
static void fx_phdr(struct fx *f, uint32_t type, uint64_t offset, uint64_t paddr, uint64_t filesz,
		    uint64_t memsz)
{
	size_t ent = f->is64 ? 56 : 32;
	uint8_t *p = f->b + f->phoff + f->phnum * ent;

	if (f->is64) {
		put32(p, type);
		put32(p + 4, 5); /* p_flags R+X */
		put64(p + 8, offset);
		put64(p + 16, paddr + 0xffffffff80000000ull);
		put64(p + 24, paddr);
		put64(p + 32, filesz);
		put64(p + 40, memsz);
		put64(p + 48, 0x1000);
	} else {
		put32(p, type);
		put32(p + 4, (uint32_t)offset);
		put32(p + 8, (uint32_t)paddr + 0xC0000000u);
		put32(p + 12, (uint32_t)paddr);
		put32(p + 16, (uint32_t)filesz);
		put32(p + 20, (uint32_t)memsz);
		put32(p + 24, 5);
		put32(p + 28, 0x1000);
	}
	f->phnum++;
	fx_set_phnum(f, f->phnum);
	f->len = max_sz(f->len, f->phoff + f->phnum * ent);
}

/* Writes bytes at off; the file grows to hold them. */
static void fx_data(struct fx *f, size_t off, const void *data, size_t n)
{
	memcpy(f->b + off, data, n);
	f->len = max_sz(f->len, off + n);
}

/* Writes one note at p + pos (name and desc padded to 4 with pad bytes); returns
 * the position after it. name must have namesz readable bytes. */
static size_t note_pad(uint8_t *p, size_t pos, uint32_t namesz, const char *name, uint32_t type,
		       uint32_t descsz, const void *desc, uint8_t pad)
{
	put32(p + pos, namesz);
	put32(p + pos + 4, descsz);
	put32(p + pos + 8, type);
	pos += 12;
	memset(p + pos, pad, align4(namesz));
	memcpy(p + pos, name, namesz);
	pos += align4(namesz);
	memset(p + pos, pad, align4(descsz));
	memcpy(p + pos, desc, descsz);
	return pos + align4(descsz);
}

static size_t note(uint8_t *p, size_t pos, uint32_t namesz, const char *name, uint32_t type,
		   uint32_t descsz, const void *desc)
{
	return note_pad(p, pos, namesz, name, type, descsz, desc, 0);
}

/* The Xen PVH note: "Xen\0", type 18, a 32-bit entry. */
static size_t xen_note(uint8_t *p, size_t pos, uint32_t entry)
{
	uint8_t d[4];
	put32(d, entry);
	return note(p, pos, 4, "Xen", ELF_NOTE_XEN_PHYS32_ENTRY, 4, d);
}

/* The standard image: a Xen note at NOTE_OFF in a PT_NOTE, one PT_LOAD at LOAD_OFF
 * with a bss tail, the file ending with the segment. */
static void fx_standard(struct fx *f, bool is64)
{
	fx_init(f, is64);
	size_t end = xen_note(f->b, NOTE_OFF, (uint32_t)ENTRY);
	f->len = max_sz(f->len, end);
	memset(f->b + LOAD_OFF, 0xCC, LOAD_SIZE);
	f->len = LOAD_OFF + LOAD_SIZE;
	fx_phdr(f, ELF_PT_LOAD, LOAD_OFF, LOAD_PADDR, LOAD_SIZE, LOAD_MEMSZ);
	fx_phdr(f, ELF_PT_NOTE, NOTE_OFF, LOAD_PADDR + 0x80, end - NOTE_OFF, end - NOTE_OFF);
}

/* --- calling the code under test on exact-size copies -------------------------- */

static status_t parse_n(const struct fx *f, size_t len, uint64_t file_size, struct elf_image *img)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, f->b, len);
	memset(img, 0xEE, sizeof(*img));
	status_t s = elf_parse(img, copy, len, file_size);
	free(copy);
	return s;
}

static status_t parse(const struct fx *f, struct elf_image *img)
{
	return parse_n(f, f->len, f->len, img);
}

static status_t find(const void *notes, size_t len, uint64_t *entry)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, notes, len);
	*entry = 0xDEADBEEFDEADBEEFull;
	status_t s = elf_find_pvh_entry(copy, len, entry);
	free(copy);
	return s;
}

static bool seg_is(const struct elf_segment *s, uint64_t offset, uint64_t paddr, uint64_t filesz,
		   uint64_t memsz)
{
	bool same =
	    s->offset == offset && s->paddr == paddr && s->filesz == filesz && s->memsz == memsz;
	if (!same)
		diag("  segment: offset %#llx paddr %#llx filesz %#llx memsz %#llx",
		     (unsigned long long)s->offset, (unsigned long long)s->paddr,
		     (unsigned long long)s->filesz, (unsigned long long)s->memsz);
	return same;
}

/* --- valid images ------------------------------------------------------------- */

static void test_valid(bool is64)
{
	const char *w = is64 ? "ELF64" : "ELF32";
	struct fx f;
	struct elf_image img;
	uint64_t entry;

	fx_standard(&f, is64);
	is_code(parse(&f, &img), LB_OK, "%s PT_LOAD + PT_NOTE: parses", w);
	ok(img.is64 == is64, "%s: is64 is %d", w, is64);
	is_u64(img.entry, E_ENTRY, "%s: e_entry", w);
	is_u64(img.nload, 1, "%s: one loadable segment", w);
	ok(seg_is(&img.load[0], LOAD_OFF, LOAD_PADDR, LOAD_SIZE, LOAD_MEMSZ),
	   "%s: the PT_LOAD's offset, paddr (not vaddr), filesz, memsz", w);
	is_u64(img.nnote, 1, "%s: one note segment", w);
	ok(seg_is(&img.note[0], NOTE_OFF, LOAD_PADDR + 0x80, 20, 20),
	   "%s: the PT_NOTE's offset and size", w);
	is_u64(img.lo, LOAD_PADDR, "%s: lo = the segment's paddr", w);
	is_u64(img.hi, LOAD_PADDR + LOAD_MEMSZ, "%s: hi = paddr + memsz (bss included)", w);
	is_code(find(f.b + img.note[0].offset, img.note[0].filesz, &entry), LB_OK,
		"%s: the note segment holds the PVH note", w);
	is_u64(entry, ENTRY, "%s: the PVH entry is the note's, not e_entry", w);

	/* The same file read through a 1-byte-misaligned buffer (memcpy, not loads). */
	uint8_t *odd = malloc(f.len + 1);
	memcpy(odd + 1, f.b, f.len);
	is_code(elf_parse(&img, odd + 1, f.len, f.len), LB_OK, "%s: misaligned header buffer", w);
	free(odd);

	/* The loader reads a head of the file, then the notes: a head that holds the
	 * program headers is enough; segments are checked against the file's size. */
	size_t head = f.phoff + 2 * (is64 ? 56 : 32);
	is_code(parse_n(&f, head, f.len, &img), LB_OK,
		"%s: a head of exactly the header + program headers", w);
	ok(img.nload == 1 && img.nnote == 1 && img.hi == LOAD_PADDR + LOAD_MEMSZ,
	   "%s: the head gives the same image", w);
	status_t s = parse_n(&f, head - 1, f.len, &img);
	is_code(s, LB_E_ELF_BAD_PHDRS, "%s: one byte less -> LB_E_ELF_BAD_PHDRS", w);
	ok(lb_detail.a == 2 && lb_detail.b == f.phoff, "%s: BAD_PHDRS names phnum and phoff", w);
	is_code(parse_n(&f, f.len, f.len + 0x100000, &img), LB_OK,
		"%s: a head shorter than the file (file_size larger)", w);
	s = parse_n(&f, f.len, f.len - 1, &img);
	is_code(s, LB_E_ELF_SEGMENT_OUTSIDE,
		"%s: file_size one byte short of the segment -> SEGMENT_OUTSIDE", w);
	ok(lb_detail.a == 0 && lb_detail.b == LOAD_OFF,
	   "%s: SEGMENT_OUTSIDE names index and offset", w);
	is_code(parse_n(&f, head, head - 1, &img), LB_E_ELF_BAD_PHDRS,
		"%s: len is clamped to file_size", w);
}

static void test_other_types(void)
{
	struct fx f;
	struct elf_image img;

	/* No note: parses; the PVH lookup is the caller's business. */
	fx_init(&f, true);
	fx_data(&f, LOAD_OFF, "\xCC", 1);
	fx_phdr(&f, ELF_PT_LOAD, LOAD_OFF, LOAD_PADDR, 1, 0x1000);
	is_code(parse(&f, &img), LB_OK, "no PT_NOTE: parses");
	is_u64(img.nnote, 0, "no PT_NOTE: nnote 0");

	/* Other segment types are ignored (but must still lie in the file). */
	fx_init(&f, true);
	fx_data(&f, LOAD_OFF, "\xCC", 1);
	fx_phdr(&f, PT_PHDR, 64, LOAD_PADDR + 64, 4 * 56, 4 * 56);
	fx_phdr(&f, PT_NULL, 0, 0, 0, 0);
	fx_phdr(&f, ELF_PT_LOAD, LOAD_OFF, LOAD_PADDR, 1, 0x1000);
	fx_phdr(&f, PT_GNU_STACK, 0, 0, 0, 0);
	is_code(parse(&f, &img), LB_OK, "PT_PHDR, PT_NULL, PT_GNU_STACK around a PT_LOAD");
	ok(img.nload == 1 && img.nnote == 0 && img.lo == LOAD_PADDR &&
	       img.hi == LOAD_PADDR + 0x1000,
	   "only the PT_LOAD counts");

	/* A zero-memsz PT_LOAD is ignored: not counted, not in the span, not an
	 * overlap even where it sits inside another segment. */
	fx_init(&f, true);
	fx_data(&f, LOAD_OFF, "\xCC", 1);
	fx_phdr(&f, ELF_PT_LOAD, 0, 0, 0, 0);
	fx_phdr(&f, ELF_PT_LOAD, LOAD_OFF, LOAD_PADDR, 1, 0x1000);
	fx_phdr(&f, ELF_PT_LOAD, 0, LOAD_PADDR + 0x10, 0, 0);
	fx_phdr(&f, ELF_PT_LOAD, 0, 0xfffffffffffff000ull, 0, 0);
	is_code(parse(&f, &img), LB_OK, "zero-memsz PT_LOADs (at 0, inside, near 2^64) accepted");
	ok(img.nload == 1 && img.lo == LOAD_PADDR && img.hi == LOAD_PADDR + 0x1000,
	   "zero-memsz PT_LOADs ignored: one load, span unchanged");
	fx_init(&f, true);
	fx_phdr(&f, ELF_PT_LOAD, 0, LOAD_PADDR, 0, 0);
	fx_phdr(&f, ELF_PT_NOTE, 0, 0, 0, 0);
	status_t s = parse(&f, &img);
	is_code(s, LB_E_ELF_NO_LOAD, "only zero-memsz PT_LOADs -> LB_E_ELF_NO_LOAD");
	is_u64(lb_detail.a, 2, "NO_LOAD names phnum");
	fx_init(&f, true);
	fx_phdr(&f, ELF_PT_NOTE, 0, 0, 16, 16);
	is_code(parse(&f, &img), LB_E_ELF_NO_LOAD, "only a PT_NOTE -> LB_E_ELF_NO_LOAD");

	/* A bss-only segment (filesz 0) counts. */
	fx_init(&f, false);
	fx_phdr(&f, ELF_PT_LOAD, 0, 0x200000, 0, 0x1000);
	is_code(parse(&f, &img), LB_OK, "ELF32 bss-only PT_LOAD");
	ok(img.nload == 1 && img.lo == 0x200000 && img.hi == 0x201000, "bss-only span");
}

static void test_span(void)
{
	struct fx f;
	struct elf_image img;

	/* Out of order; the highest end is neither the first's nor the last's, the
	 * lowest start not the first's. */
	fx_init(&f, true);
	memset(f.b + 0x400, 0xAB, 0x300);
	f.len = 0x700;
	fx_phdr(&f, ELF_PT_LOAD, 0x400, 0x300000, 0x100, 0x1000);
	fx_phdr(&f, ELF_PT_LOAD, 0x500, 0x500000, 0x100, 0x4000);
	fx_phdr(&f, ELF_PT_LOAD, 0x600, 0x100000, 0x100, 0x800);
	fx_phdr(&f, ELF_PT_LOAD, 0x600, 0x400000, 0x100, 0x100);
	is_code(parse(&f, &img), LB_OK, "four PT_LOADs out of order");
	is_u64(img.nload, 4, "four loads");
	is_u64(img.lo, 0x100000, "lo is the lowest paddr");
	is_u64(img.hi, 0x504000, "hi is the highest paddr + memsz");
	ok(seg_is(&img.load[2], 0x600, 0x100000, 0x100, 0x800), "loads kept in file order");

	/* Touching segments do not overlap. */
	fx_init(&f, true);
	fx_phdr(&f, ELF_PT_LOAD, 0, 0x200000, 0, 0x1000);
	fx_phdr(&f, ELF_PT_LOAD, 0, 0x1ff000, 0, 0x1000);
	fx_phdr(&f, ELF_PT_LOAD, 0, 0x201000, 0, 0x1000);
	is_code(parse(&f, &img), LB_OK, "touching PT_LOADs are fine");
	ok(img.lo == 0x1ff000 && img.hi == 0x202000, "touching PT_LOADs: span");

	/* The highest possible segment end that is not 2^64. */
	fx_init(&f, true);
	fx_phdr(&f, ELF_PT_LOAD, 0, 0xfffffffffffff000ull, 0, 0xfff);
	is_code(parse(&f, &img), LB_OK, "a segment ending at 2^64 - 1");
	is_u64(img.hi, 0xffffffffffffffffull, "hi = 2^64 - 1");

	/* ELF32: 32-bit fields, the span may reach 4 GiB exactly. */
	fx_init(&f, false);
	fx_phdr(&f, ELF_PT_LOAD, 0, 0xfffff000u, 0, 0x1000);
	fx_phdr(&f, ELF_PT_LOAD, 0, 0x100000, 0, 0x1000);
	is_code(parse(&f, &img), LB_OK, "ELF32 segment ending at 4 GiB");
	ok(img.lo == 0x100000 && img.hi == 0x100000000ull,
	   "ELF32 span up to 4 GiB (no 32-bit wrap)");
}

/* --- headers ------------------------------------------------------------------ */

static void test_headers(void)
{
	struct fx f;
	struct elf_image img;
	status_t s;

	fx_standard(&f, true);
	f.b[3] = 'G';
	is_code(parse(&f, &img), LB_E_ELF_NOT_ELF, "\\177ELG -> LB_E_ELF_NOT_ELF");
	memcpy(f.b, "MZ\x90\0", 4);
	is_code(parse(&f, &img), LB_E_ELF_NOT_ELF, "a PE/bzImage-like start -> NOT_ELF");
	fx_standard(&f, true);
	is_code(parse_n(&f, 0, 0, &img), LB_E_ELF_NOT_ELF, "an empty file -> NOT_ELF");
	is_code(parse_n(&f, 4, 4, &img), LB_E_ELF_NOT_ELF, "just the magic -> NOT_ELF");
	ok(elf_is_elf(f.b, 4) && !elf_is_elf(f.b, 3) && !elf_is_elf("\177ELG", 4),
	   "elf_is_elf: the four magic bytes, all of them there");
	s = parse_n(&f, 51, 51, &img);
	is_code(s, LB_E_ELF_NOT_ELF, "51 bytes (less than an ELF32 header) -> NOT_ELF");
	is_u64(lb_detail.a, 51, "NOT_ELF names the length");
	s = parse_n(&f, 63, 63, &img);
	is_code(s, LB_E_ELF_NOT_ELF, "ELF64 with 63 bytes -> NOT_ELF");
	is_u64(lb_detail.a, 63, "NOT_ELF names the length");
	is_code(parse_n(&f, f.len, 40, &img), LB_E_ELF_NOT_ELF,
		"a 40-byte file (len clamped to file_size) -> NOT_ELF");
	fx_standard(&f, false);
	is_code(parse_n(&f, 52, 52, &img), LB_E_ELF_BAD_PHDRS,
		"ELF32: 52 bytes is a header, its program headers are missing");

	fx_standard(&f, true);
	f.b[5] = 2;
	s = parse(&f, &img);
	is_code(s, LB_E_ELF_UNSUPPORTED, "big-endian -> LB_E_ELF_UNSUPPORTED");
	ok(lb_detail.a == 2 && lb_detail.b == 2, "UNSUPPORTED names class and data");
	f.b[5] = 0;
	is_code(parse(&f, &img), LB_E_ELF_UNSUPPORTED, "ELFDATANONE -> UNSUPPORTED");
	fx_standard(&f, true);
	f.b[4] = 3;
	s = parse(&f, &img);
	is_code(s, LB_E_ELF_UNSUPPORTED, "ELFCLASS 3 -> UNSUPPORTED");
	ok(lb_detail.a == 3 && lb_detail.b == 1, "UNSUPPORTED names class 3");
	f.b[4] = 0;
	is_code(parse(&f, &img), LB_E_ELF_UNSUPPORTED, "ELFCLASSNONE -> UNSUPPORTED");

	for (int is64 = 0; is64 < 2; is64++) {
		const char *w = is64 ? "ELF64" : "ELF32";
		fx_standard(&f, is64);
		put16(f.b + 16, ET_DYN);
		s = parse(&f, &img);
		is_code(s, LB_E_ELF_UNSUPPORTED, "%s ET_DYN -> UNSUPPORTED", w);
		ok(lb_detail.a == ET_DYN && lb_detail.b == (is64 ? EM_X86_64 : EM_386),
		   "%s: UNSUPPORTED names type and machine", w);
		put16(f.b + 16, ET_REL);
		is_code(parse(&f, &img), LB_E_ELF_UNSUPPORTED, "%s ET_REL -> UNSUPPORTED", w);
		fx_standard(&f, is64);
		put16(f.b + 18, EM_ARM);
		s = parse(&f, &img);
		is_code(s, LB_E_ELF_UNSUPPORTED, "%s EM_ARM -> UNSUPPORTED", w);
		is_u64(lb_detail.b, EM_ARM, "%s: UNSUPPORTED names the machine", w);
		put16(f.b + 18, EM_AARCH64);
		is_code(parse(&f, &img), LB_E_ELF_UNSUPPORTED, "%s EM_AARCH64 -> UNSUPPORTED", w);
	}
	fx_standard(&f, true);
	put16(f.b + 18, EM_386);
	is_code(parse(&f, &img), LB_E_ELF_UNSUPPORTED, "ELF64 with EM_386 -> UNSUPPORTED");
	/* elf.c takes ELF32 files marked x86-64 too (x32-style); keep it that way. */
	fx_standard(&f, false);
	put16(f.b + 18, EM_X86_64);
	is_code(parse(&f, &img), LB_OK, "ELF32 with EM_X86_64 is accepted");
	ok(!img.is64 && img.entry == E_ENTRY, "... as a 32-bit image");
}

static void test_phdrs(void)
{
	struct fx f;
	struct elf_image img;
	status_t s;

	for (int is64 = 0; is64 < 2; is64++) {
		const char *w = is64 ? "ELF64" : "ELF32";
		uint16_t right = is64 ? 56 : 32, other = is64 ? 32 : 56;

		fx_standard(&f, is64);
		fx_set_phentsize(&f, other);
		s = parse(&f, &img);
		is_code(s, LB_E_ELF_BAD_PHDRS, "%s e_phentsize %u -> LB_E_ELF_BAD_PHDRS", w, other);
		ok(lb_detail.a == 2 && lb_detail.b == other,
		   "%s: BAD_PHDRS names phnum and phentsize", w);
		fx_set_phentsize(&f, right + 1);
		is_code(parse(&f, &img), LB_E_ELF_BAD_PHDRS, "%s e_phentsize %u -> BAD_PHDRS", w,
			right + 1);
		fx_set_phentsize(&f, 0);
		is_code(parse(&f, &img), LB_E_ELF_BAD_PHDRS, "%s e_phentsize 0 -> BAD_PHDRS", w);

		fx_standard(&f, is64);
		fx_set_phnum(&f, 0);
		s = parse(&f, &img);
		is_code(s, LB_E_ELF_BAD_PHDRS, "%s e_phnum 0 -> BAD_PHDRS", w);
		ok(lb_detail.a == 0, "%s: BAD_PHDRS names phnum 0", w);

		/* The table must end inside the buffer. */
		fx_standard(&f, is64);
		fx_set_phoff(&f, f.len - right + 1);
		s = parse(&f, &img);
		is_code(s, LB_E_ELF_BAD_PHDRS, "%s table ending one byte past the file", w);
		ok(lb_detail.a == 2 && lb_detail.b == f.len - right + 1,
		   "%s: BAD_PHDRS names phnum and phoff", w);
		fx_set_phoff(&f, f.len);
		is_code(parse(&f, &img), LB_E_ELF_BAD_PHDRS, "%s e_phoff = file size", w);
		fx_set_phoff(&f, f.len + 1);
		is_code(parse(&f, &img), LB_E_ELF_BAD_PHDRS, "%s e_phoff beyond the file", w);
		fx_set_phoff(&f, is64 ? 0xfffffffffffffff8ull : 0xfffffff8u);
		is_code(parse(&f, &img), LB_E_ELF_BAD_PHDRS,
			"%s e_phoff near the top (phoff + table wraps)", w);
		fx_standard(&f, is64);
		fx_set_phnum(&f, 0xffff);
		s = parse(&f, &img);
		is_code(s, LB_E_ELF_BAD_PHDRS, "%s e_phnum 65535 -> BAD_PHDRS", w);
		is_u64(lb_detail.a, 0xffff, "%s: BAD_PHDRS names phnum", w);

		/* A table at the very end of the file, phoff not aligned, is fine. */
		fx_standard(&f, is64);
		size_t at = f.len + 3;
		memcpy(f.b + at, f.b + f.phoff, 2 * right);
		fx_set_phoff(&f, at);
		f.len = at + 2 * right;
		is_code(parse(&f, &img), LB_OK, "%s table ending exactly at the end, unaligned", w);
		ok(img.nload == 1 && img.nnote == 1, "%s: both segments read from there", w);
	}
}

/* --- segments ----------------------------------------------------------------- */

static void test_segments(void)
{
	struct fx f;
	struct elf_image img;
	status_t s;

	for (int is64 = 0; is64 < 2; is64++) {
		const char *w = is64 ? "ELF64" : "ELF32";
		/* p_offset and p_offset + p_filesz against the file. */
		fx_init(&f, is64);
		f.len = 0x1000;
		fx_phdr(&f, ELF_PT_LOAD, 0x1001, LOAD_PADDR, 0, 0x1000);
		s = parse(&f, &img);
		is_code(s, LB_E_ELF_SEGMENT_OUTSIDE, "%s p_offset past the file -> SEGMENT_OUTSIDE",
			w);
		ok(lb_detail.a == 0 && lb_detail.b == 0x1001,
		   "%s: SEGMENT_OUTSIDE names index and offset", w);
		fx_init(&f, is64);
		f.len = 0x1000;
		fx_phdr(&f, ELF_PT_LOAD, 0x1000, LOAD_PADDR, 0, 0x1000);
		is_code(parse(&f, &img), LB_OK, "%s p_offset = file size, filesz 0: fine", w);
		fx_init(&f, is64);
		f.len = 0x1000;
		fx_phdr(&f, ELF_PT_LOAD, 0x800, LOAD_PADDR, 0x800, 0x1000);
		is_code(parse(&f, &img), LB_OK, "%s segment ending exactly at the end", w);
		fx_init(&f, is64);
		f.len = 0x1000;
		fx_phdr(&f, ELF_PT_LOAD, 0x800, LOAD_PADDR, 0x801, 0x1000);
		is_code(parse(&f, &img), LB_E_ELF_SEGMENT_OUTSIDE,
			"%s p_offset + p_filesz one past the end -> SEGMENT_OUTSIDE", w);
		fx_init(&f, is64);
		f.len = 0x1000;
		fx_phdr(&f, ELF_PT_LOAD, 0x100, LOAD_PADDR, 0x1000, 0x1000);
		fx_phdr(&f, ELF_PT_LOAD, 0x100, LOAD_PADDR + 0x1000, 0x100, 0x1000);
		s = parse(&f, &img);
		is_code(s, LB_E_ELF_SEGMENT_OUTSIDE, "%s filesz = file size, offset > 0", w);
		is_u64(lb_detail.a, 0, "%s: the first segment is named", w);
		fx_init(&f, is64);
		f.len = 0x1000;
		fx_phdr(&f, ELF_PT_LOAD, 0x100, LOAD_PADDR, 0x100, 0x1000);
		fx_phdr(&f, ELF_PT_NOTE, 0x100, 0, 0xf01, 0xf01);
		s = parse(&f, &img);
		is_code(s, LB_E_ELF_SEGMENT_OUTSIDE, "%s a PT_NOTE past the end -> SEGMENT_OUTSIDE",
			w);
		is_u64(lb_detail.a, 1, "%s: SEGMENT_OUTSIDE names the note's index", w);
		fx_init(&f, is64);
		f.len = 0x1000;
		fx_phdr(&f, ELF_PT_LOAD, 0, LOAD_PADDR, 0x100, 0x100);
		fx_phdr(&f, PT_DYNAMIC, 0x2000, 0, 0x10, 0x10);
		is_code(parse(&f, &img), LB_E_ELF_SEGMENT_OUTSIDE,
			"%s any segment type must lie in the file", w);

		/* memsz < filesz. */
		fx_init(&f, is64);
		f.len = 0x1000;
		fx_phdr(&f, ELF_PT_LOAD, 0, LOAD_PADDR, 0x800, 0x7ff);
		s = parse(&f, &img);
		is_code(s, LB_E_ELF_MEMSZ, "%s memsz < filesz -> LB_E_ELF_MEMSZ", w);
		ok(lb_detail.a == 0 && lb_detail.b == 0x7ff, "%s: MEMSZ names index and memsz", w);

		/* Overlapping PT_LOADs, in either order, partly or wholly. */
		fx_init(&f, is64);
		fx_phdr(&f, ELF_PT_LOAD, 0, 0x100000, 0, 0x2000);
		fx_phdr(&f, ELF_PT_LOAD, 0, 0x101fff, 0, 0x1000);
		s = parse(&f, &img);
		is_code(s, LB_E_ELF_OVERLAP, "%s sharing one byte -> LB_E_ELF_OVERLAP", w);
		ok(lb_detail.a == 1 && lb_detail.b == 0x101fff, "%s: OVERLAP names index and paddr",
		   w);
		fx_init(&f, is64);
		fx_phdr(&f, ELF_PT_LOAD, 0, 0x100800, 0, 0x100);
		fx_phdr(&f, ELF_PT_LOAD, 0, 0x100000, 0, 0x2000);
		is_code(parse(&f, &img), LB_E_ELF_OVERLAP,
			"%s a later segment around an earlier one", w);
		fx_init(&f, is64);
		fx_phdr(&f, ELF_PT_LOAD, 0, 0x100000, 0, 0x2000);
		fx_phdr(&f, ELF_PT_LOAD, 0, 0x200000, 0, 0x2000);
		fx_phdr(&f, ELF_PT_LOAD, 0, 0x0ff001, 0, 0x1000);
		s = parse(&f, &img);
		is_code(s, LB_E_ELF_OVERLAP, "%s a third segment ending inside the first", w);
		is_u64(lb_detail.a, 2, "%s: OVERLAP names the third", w);
		fx_init(&f, is64);
		fx_phdr(&f, ELF_PT_LOAD, 0, 0x100000, 0, 0x1000);
		fx_phdr(&f, ELF_PT_LOAD, 0, 0x100000, 0, 0x1000);
		is_code(parse(&f, &img), LB_E_ELF_OVERLAP, "%s the same segment twice", w);
	}

	/* 64-bit arithmetic: a sum that wraps must not pass. */
	fx_init(&f, true);
	f.len = 0x1000;
	fx_phdr(&f, ELF_PT_LOAD, 0x10, LOAD_PADDR, 0xfffffffffffffff8ull, 0xfffffffffffffff8ull);
	is_code(parse(&f, &img), LB_E_ELF_SEGMENT_OUTSIDE,
		"p_offset + p_filesz wrapping past 2^64 -> SEGMENT_OUTSIDE");
	fx_init(&f, true);
	f.len = 0x1000;
	fx_phdr(&f, ELF_PT_LOAD, 0xfffffffffffff000ull, LOAD_PADDR, 0x1000, 0x1000);
	is_code(parse(&f, &img), LB_E_ELF_SEGMENT_OUTSIDE,
		"p_offset near 2^64, offset + filesz = 0 -> SEGMENT_OUTSIDE");
	fx_init(&f, true);
	f.len = 0x1000;
	fx_phdr(&f, ELF_PT_NOTE, 0x20, 0, 0xffffffffffffffe0ull, 0);
	fx_phdr(&f, ELF_PT_LOAD, 0, LOAD_PADDR, 0, 0x1000);
	is_code(parse(&f, &img), LB_E_ELF_SEGMENT_OUTSIDE, "a PT_NOTE whose end wraps to 0");
	is_code(parse_n(&f, f.len, UINT64_MAX, &img), LB_E_ELF_SEGMENT_OUTSIDE,
		"... even in a file of 2^64 - 1 bytes");
	fx_init(&f, true);
	f.len = 0x1000;
	fx_phdr(&f, ELF_PT_NOTE, 0x20, 0, 0xffffffffffffffdfull, 0);
	fx_phdr(&f, ELF_PT_LOAD, 0, LOAD_PADDR, 0, 0x1000);
	is_code(parse_n(&f, f.len, UINT64_MAX, &img), LB_OK,
		"a PT_NOTE ending at 2^64 - 1 fits a file of 2^64 - 1 bytes (no overflow)");

	fx_init(&f, true);
	fx_phdr(&f, ELF_PT_LOAD, 0, 0xfffffffffffff000ull, 0, 0x2000);
	s = parse(&f, &img);
	is_code(s, LB_E_ELF_SEGMENT_WRAPS, "paddr + memsz past 2^64 -> LB_E_ELF_SEGMENT_WRAPS");
	ok(lb_detail.a == 0 && lb_detail.b == 0xfffffffffffff000ull, "WRAPS names index and paddr");
	fx_init(&f, true);
	fx_phdr(&f, ELF_PT_LOAD, 0, 0xfffffffffffff000ull, 0, 0x1000);
	is_code(parse(&f, &img), LB_E_ELF_SEGMENT_WRAPS,
		"a segment ending at 2^64 exactly (hi would be 0) -> SEGMENT_WRAPS");
	fx_init(&f, true);
	fx_phdr(&f, ELF_PT_LOAD, 0, 1, 0, UINT64_MAX);
	is_code(parse(&f, &img), LB_E_ELF_SEGMENT_WRAPS,
		"paddr 1, memsz 2^64 - 1 -> SEGMENT_WRAPS");
	/* A wrapping segment must not slip past the overlap check either. */
	fx_init(&f, true);
	fx_phdr(&f, ELF_PT_LOAD, 0, 0x100000, 0, 0x1000);
	fx_phdr(&f, ELF_PT_LOAD, 0, 0xfffffffffff00000ull, 0, 0x200000);
	is_code(parse(&f, &img), LB_E_ELF_SEGMENT_WRAPS,
		"a segment wrapping over another -> SEGMENT_WRAPS");
}

static void test_too_many(void)
{
	struct fx f;
	struct elf_image img;
	status_t s;

	for (int is64 = 0; is64 < 2; is64++) {
		const char *w = is64 ? "ELF64" : "ELF32";
		fx_init(&f, is64);
		for (int i = 0; i < ELF_MAX_SEGMENTS; i++)
			fx_phdr(&f, ELF_PT_LOAD, 0, 0x100000 + i * 0x1000ull, 0, 0x1000);
		is_code(parse(&f, &img), LB_OK, "%s %d PT_LOADs", w, ELF_MAX_SEGMENTS);
		ok(img.nload == ELF_MAX_SEGMENTS && img.lo == 0x100000 &&
		       img.hi == 0x100000 + ELF_MAX_SEGMENTS * 0x1000ull,
		   "%s: all counted, span over all", w);
		fx_phdr(&f, ELF_PT_LOAD, 0, 0x800000, 0, 0x1000);
		s = parse(&f, &img);
		is_code(s, LB_E_ELF_TOO_MANY, "%s %d PT_LOADs -> LB_E_ELF_TOO_MANY", w,
			ELF_MAX_SEGMENTS + 1);
		ok(lb_detail.a == ELF_MAX_SEGMENTS && lb_detail.b == ELF_MAX_SEGMENTS,
		   "%s: TOO_MANY names the index and the limit", w);

		/* Zero-memsz loads do not count towards the limit. */
		fx_init(&f, is64);
		for (int i = 0; i < ELF_MAX_SEGMENTS; i++)
			fx_phdr(&f, ELF_PT_LOAD, 0, 0x100000 + i * 0x1000ull, 0, 0x1000);
		fx_phdr(&f, ELF_PT_LOAD, 0, 0x800000, 0, 0);
		is_code(parse(&f, &img), LB_OK, "%s %d PT_LOADs + one of memsz 0", w,
			ELF_MAX_SEGMENTS);

		fx_init(&f, is64);
		fx_phdr(&f, ELF_PT_LOAD, 0, 0x100000, 0, 0x1000);
		for (int i = 0; i < ELF_MAX_SEGMENTS; i++)
			fx_phdr(&f, ELF_PT_NOTE, 0, 0, 0, 0);
		is_code(parse(&f, &img), LB_OK, "%s %d PT_NOTEs", w, ELF_MAX_SEGMENTS);
		is_u64(img.nnote, ELF_MAX_SEGMENTS, "%s: all notes collected", w);
		fx_phdr(&f, ELF_PT_NOTE, 0, 0, 0, 0);
		s = parse(&f, &img);
		is_code(s, LB_E_ELF_TOO_MANY, "%s %d PT_NOTEs -> TOO_MANY", w,
			ELF_MAX_SEGMENTS + 1);
		is_u64(lb_detail.a, ELF_MAX_SEGMENTS + 1,
		       "%s: TOO_MANY names the 17th note's index", w);
	}
}

/* --- notes -------------------------------------------------------------------- */

static void test_notes(void)
{
	uint8_t n[512], d[16];
	uint64_t entry;
	size_t len;
	status_t s;

	len = xen_note(n, 0, 0x1000850);
	is_code(find(n, len, &entry), LB_OK, "a lone Xen PHYS32_ENTRY note");
	is_u64(entry, 0x1000850, "its entry");
	is_code(find(n, 0, &entry), LB_E_ELF_NO_PVH_NOTE, "no bytes -> LB_E_ELF_NO_PVH_NOTE");
	is_code(find(n, 11, &entry), LB_E_ELF_NO_PVH_NOTE,
		"11 bytes (no note header) -> NO_PVH_NOTE");
	s = find(n, len - 1, &entry);
	is_code(s, LB_E_ELF_BAD_NOTE, "the note cut by one byte -> LB_E_ELF_BAD_NOTE");
	ok(lb_detail.a == 0 && lb_detail.b == 4, "BAD_NOTE names offset and namesz");
	is_code(find(n, 16, &entry), LB_E_ELF_BAD_NOTE, "the note without its desc -> BAD_NOTE");

	/* Names and types that are not the PVH note. */
	put32(d, 0x1000850);
	len = note(n, 0, 4, "Xem", ELF_NOTE_XEN_PHYS32_ENTRY, 4, d);
	s = find(n, len, &entry);
	is_code(s, LB_E_ELF_NO_PVH_NOTE, "name \"Xem\" -> NO_PVH_NOTE");
	is_u64(lb_detail.a, len, "NO_PVH_NOTE names the length");
	len = note(n, 0, 3, "Xen", ELF_NOTE_XEN_PHYS32_ENTRY, 4, d);
	is_code(find(n, len, &entry), LB_E_ELF_NO_PVH_NOTE, "\"Xen\" with namesz 3 -> NO_PVH_NOTE");
	len = note(n, 0, 5, "Xen\0", ELF_NOTE_XEN_PHYS32_ENTRY, 4, d);
	is_code(find(n, len, &entry), LB_E_ELF_NO_PVH_NOTE, "\"Xen\" with namesz 5 -> NO_PVH_NOTE");
	len = note(n, 0, 4, "xen", ELF_NOTE_XEN_PHYS32_ENTRY, 4, d);
	is_code(find(n, len, &entry), LB_E_ELF_NO_PVH_NOTE, "\"xen\" -> NO_PVH_NOTE");
	len = note(n, 0, 4, "GNU", ELF_NOTE_XEN_PHYS32_ENTRY, 4, d);
	is_code(find(n, len, &entry), LB_E_ELF_NO_PVH_NOTE, "\"GNU\" type 18 -> NO_PVH_NOTE");
	len = note(n, 0, 4, "Xen", 17, 4, d);
	is_code(find(n, len, &entry), LB_E_ELF_NO_PVH_NOTE, "\"Xen\" type 17 -> NO_PVH_NOTE");
	len = note(n, 0, 4, "Xen", 0x10012, 4, d);
	is_code(find(n, len, &entry), LB_E_ELF_NO_PVH_NOTE, "\"Xen\" type 0x10012 -> NO_PVH_NOTE");
	len = note(n, 0, 0, "", ELF_NOTE_XEN_PHYS32_ENTRY, 4, d);
	is_code(find(n, len, &entry), LB_E_ELF_NO_PVH_NOTE, "no name, type 18 -> NO_PVH_NOTE");

	/* Descriptors. */
	put32(d, 0x1000850);
	put32(d + 4, 0xffffffff);
	len = note(n, 0, 4, "Xen", ELF_NOTE_XEN_PHYS32_ENTRY, 8, d);
	is_code(find(n, len, &entry), LB_OK,
		"a desc padded to 64 bits (as Linux's vmlinux has it)");
	is_u64(entry, 0x1000850, "the entry is its low 32 bits");
	for (uint32_t sz = 0; sz < 4; sz++) {
		len = note(n, 0, 4, "Xen", ELF_NOTE_XEN_PHYS32_ENTRY, sz, d);
		s = find(n, len, &entry);
		is_code(s, LB_E_ELF_BAD_NOTE, "PVH note with descsz %u -> BAD_NOTE", sz);
		ok(lb_detail.a == 0 && lb_detail.b == sz, "BAD_NOTE names offset and descsz %u",
		   sz);
	}
	len = note(n, 0, 4, "Xen", ELF_NOTE_XEN_PHYS32_ENTRY, 5, d);
	is_code(find(n, len, &entry), LB_OK, "descsz 5 (padded to 8)");
	is_code(find(n, len - 3, &entry), LB_E_ELF_BAD_NOTE,
		"descsz 5 without its padding -> BAD_NOTE");

	/* Sizes that run past the segment, including ones whose rounding to 4 would
	 * wrap in 32 bits. */
	static const uint32_t huge[] = {21, 0x100, 0x7fffffff, 0xfffffffc, 0xfffffffd, 0xffffffff};
	for (unsigned i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		len = xen_note(n, 0, 0x1000850);
		put32(n, huge[i]);
		s = find(n, len, &entry);
		is_code(s, LB_E_ELF_BAD_NOTE, "namesz %#x -> BAD_NOTE", huge[i]);
		ok(lb_detail.a == 0 && lb_detail.b == huge[i],
		   "BAD_NOTE names offset and namesz %#x", huge[i]);
		len = xen_note(n, 0, 0x1000850);
		put32(n + 4, huge[i]);
		is_code(find(n, len, &entry), LB_E_ELF_BAD_NOTE, "descsz %#x -> BAD_NOTE", huge[i]);
	}
	/* A malformed note before the PVH note stops the walk. */
	len = note(n, 0, 4, "GNU", 3, 4, d);
	put32(n + 4, 0x1000);
	len = xen_note(n, len, 0x1000850);
	s = find(n, len, &entry);
	is_code(s, LB_E_ELF_BAD_NOTE, "an overrunning note before the PVH note -> BAD_NOTE");
	is_u64(lb_detail.a, 0, "BAD_NOTE names the first note's offset");
	/* Bytes after the PVH note do not matter. */
	len = xen_note(n, 0, 0x1000850);
	memset(n + len, 0xff, 11);
	is_code(find(n, len + 11, &entry), LB_OK, "11 junk bytes after the PVH note");
	is_code(find(n, len + 12, &entry), LB_OK, "an overrunning note after the PVH note");

	/* Several notes before it, each with sizes not multiples of 4 (padding with
	 * 0xff), one holding a whole decoy PVH note as its desc. */
	uint8_t decoy[20];
	xen_note(decoy, 0, 0xBAD0BAD);
	static const uint8_t build_id[20] = {0x3b, 0x43, 0xfa, 0xd5, 0x03, 0x48, 0x74,
					     0x49, 0x04, 0x92, 0x49, 0x5d, 0x55, 0x2c,
					     0x0a, 0xf6, 0xa5, 0xfa, 0xb2, 0x35};
	len = note_pad(n, 0, 6, "Linux", 0x101, 21, "6.1.0-56-cloud-amd64", 0xff);
	size_t at_gnu = len;
	len = note_pad(n, len, 4, "GNU", 3, 20, build_id, 0xff);
	len = note_pad(n, len, 1, "", 0, 1, "x", 0xff);
	len = note_pad(n, len, 5, "Decoy", ELF_NOTE_XEN_PHYS32_ENTRY, 20, decoy, 0xff);
	len = note_pad(n, len, 4, "Xen", 17, 4, "\x01\0\0\0", 0xff);
	put32(d, 0x1000850);
	len = note_pad(n, len, 4, "Xen", 0x12, 8, d, 0xff);
	size_t all = xen_note(n, len, 0x2000000); /* a second one: the first wins */
	is_code(find(n, all, &entry), LB_OK,
		"PVH note after Linux, GNU, empty-name, decoy, Xen notes");
	is_u64(entry, 0x1000850, "the walk stepped over names and descs padded to 4");
	is_code(find(n + at_gnu, all - at_gnu, &entry), LB_OK, "starting at the second note");
	is_u64(entry, 0x1000850, "same entry");
	is_code(find(n, len - 4, &entry), LB_E_ELF_BAD_NOTE,
		"the same list with the PVH note's desc cut -> BAD_NOTE");
}

/* A note segment inside a file, through elf_parse and then the lookup. */
static void test_note_segments(void)
{
	struct fx f;
	struct elf_image img;
	uint64_t entry;

	/* Two note segments: a GNU one, then one with the Xen note. */
	fx_init(&f, true);
	uint8_t id[20] = {1, 2, 3};
	size_t a = note(f.b, 0x200, 4, "GNU", 3, 20, id);
	size_t b = xen_note(f.b, a, 0x100400);
	f.len = 0x400;
	fx_phdr(&f, ELF_PT_LOAD, 0x200, 0x100200, 0x200, 0x1000);
	fx_phdr(&f, ELF_PT_NOTE, 0x200, 0x100200, a - 0x200, a - 0x200);
	fx_phdr(&f, ELF_PT_NOTE, a, 0x100200 + (a - 0x200), b - a, b - a);
	is_code(parse(&f, &img), LB_OK, "two note segments");
	is_u64(img.nnote, 2, "both collected, in order");
	is_code(find(f.b + img.note[0].offset, img.note[0].filesz, &entry), LB_E_ELF_NO_PVH_NOTE,
		"the GNU segment has no PVH note");
	is_code(find(f.b + img.note[1].offset, img.note[1].filesz, &entry), LB_OK,
		"the second has it");
	is_u64(entry, 0x100400, "its entry");
	ok(img.note[1].offset == a && img.note[1].filesz == 20, "the second's offset and size");
}

/* --- real ELFs ---------------------------------------------------------------- */

/* build/x86_64/leapboot.elf's ELF header and program headers, and its one note
 * segment (at file offset 0x11a8, 20 bytes), as linked by loader/arch/x86_64/
 * leapboot-elf.lds; the file was 43048 bytes. A frozen copy: the live file is
 * checked by test_real_files. To refresh it (and the numbers below):
 *   xxd -i -l 288 build/x86_64/leapboot.elf      (64 + 4 * 56 bytes)
 *   readelf -lW build/x86_64/leapboot.elf        (the NOTE's offset)
 *   xxd -i -s 0x11a8 -l 20 build/x86_64/leapboot.elf */
static const uint8_t leapboot_head[] = {
    0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x3e, 0x00, 0x01, 0x00, 0x00, 0x00, 0x96, 0x01, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x68, 0xa5, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x38, 0x00, 0x04, 0x00, 0x40, 0x00, 0x0b, 0x00, 0x0a, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xbc, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xbc, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
    0xa8, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa8, 0x01, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xa8, 0x01, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x10, 0x80, 0xc0, 0xff, 0xff, 0xff, 0xff, 0x00, 0x10, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x60, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x60, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
    0x00, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x80, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t leapboot_note[] = {
    0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x12, 0x00,
    0x00, 0x00, 0x58, 0x65, 0x6e, 0x00, 0x96, 0x01, 0x80, 0x00,
};
#define LEAPBOOT_SIZE	  43048
#define LEAPBOOT_NOTE_OFF 0x11a8
#define LEAPBOOT_ENTRY	  0x800196

static void test_leapboot_snapshot(void)
{
	struct elf_image img;
	uint64_t entry;
	size_t len = LEAPBOOT_NOTE_OFF + sizeof(leapboot_note);
	uint8_t *file = calloc(1, len);

	/* The first bytes of the file as the loader's head would read them. */
	memcpy(file, leapboot_head, sizeof(leapboot_head));
	memcpy(file + LEAPBOOT_NOTE_OFF, leapboot_note, sizeof(leapboot_note));
	is_code(elf_parse(&img, file, len, LEAPBOOT_SIZE), LB_OK, "leapboot.elf snapshot parses");
	ok(img.is64 && img.entry == LEAPBOOT_ENTRY, "snapshot: ELF64, e_entry %#x", LEAPBOOT_ENTRY);
	is_u64(img.nload, 3, "snapshot: three PT_LOADs (low text, high-linked text, data + bss)");
	ok(seg_is(&img.load[1], 0x2000, 0x801000, 0x6b60, 0x6b60),
	   "snapshot: the -1 GiB-linked text is placed by its paddr");
	ok(img.lo == 0x800000 && img.hi == 0x820000, "snapshot: span [8 MiB, 8 MiB + 128 KiB)");
	ok(img.nnote == 1 && img.note[0].offset == LEAPBOOT_NOTE_OFF && img.note[0].filesz == 20,
	   "snapshot: one note segment");
	is_code(find(file + img.note[0].offset, img.note[0].filesz, &entry), LB_OK,
		"snapshot: PVH note found");
	is_u64(entry, LEAPBOOT_ENTRY, "snapshot: the note's entry is e_entry (pvh_start)");
	is_code(elf_parse(&img, file, 4096, 4096), LB_E_ELF_SEGMENT_OUTSIDE,
		"snapshot cut to 4 KiB -> SEGMENT_OUTSIDE");
	free(file);
}

/* Parses a file on disk the way loader/kernel.c does: a 4 KiB head, the file's
 * size, each note segment read on its own. Returns false (and fails) if absent. */
static bool parse_file(const char *what, const char *path, struct elf_image *img, uint64_t *entry,
		       uint8_t head[64])
{
	FILE *fp = path && *path ? fopen(path, "rb") : NULL;
	if (!fp) {
		ok(0, "%s: %s is readable (run 'make' first, from the repository root, or set "
		      "LEAPBOOT_ELF)",
		   what, path);
		return false;
	}
	fseek(fp, 0, SEEK_END);
	long size = ftell(fp);
	size_t n = size < 4096 ? (size_t)size : 4096;
	uint8_t *buf = malloc(n ? n : 1);
	fseek(fp, 0, SEEK_SET);
	bool read_ok = fread(buf, 1, n, fp) == n;
	memset(head, 0, 64);
	memcpy(head, buf, n < 64 ? n : 64);
	status_t s = elf_parse(img, buf, n, (uint64_t)size);
	free(buf);
	ok(read_ok && s.code == LB_OK, "%s (%s, %ld bytes) parses from a 4 KiB head", what, path,
	   size);
	if (s.code)
		diag("  elf_parse: code %d (%#llx, %#llx)", s.code, (unsigned long long)lb_detail.a,
		     (unsigned long long)lb_detail.b);
	status_t f = lb_fail(LB_E_ELF_NO_PVH_NOTE, 0, 0);
	for (uint32_t i = 0; i < img->nnote && f.code && !s.code; i++) {
		uint8_t *notes = malloc(img->note[i].filesz ? img->note[i].filesz : 1);
		fseek(fp, (long)img->note[i].offset, SEEK_SET);
		if (fread(notes, 1, img->note[i].filesz, fp) == img->note[i].filesz)
			f = elf_find_pvh_entry(notes, img->note[i].filesz, entry);
		free(notes);
	}
	fclose(fp);
	is_code(f, LB_OK, "%s: a note segment has the PVH note", what);
	return true;
}

static void test_real_files(void)
{
	struct elf_image img;
	uint64_t entry = 0;
	uint8_t head[64];
	const char *path = getenv("LEAPBOOT_ELF");

	if (!path || !*path)
		path = "build/x86_64/leapboot.elf";
	if (parse_file("live leapboot.elf", path, &img, &entry, head)) {
		is_u64(entry, get(head + 24, 8), "live leapboot.elf: the note's entry is e_entry");
		ok(img.is64 && entry >= img.lo && entry < img.hi,
		   "live leapboot.elf: ELF64, the entry inside the loaded span");
	}
}

int main(void)
{
	test_valid(true);
	test_valid(false);
	test_other_types();
	test_span();
	test_headers();
	test_phdrs();
	test_segments();
	test_too_many();
	test_notes();
	test_note_segments();
	test_leapboot_snapshot();
	test_real_files();
	return done_testing();
}
