/* libFuzzer target: elf/elf.c's elf_parse and elf_find_pvh_entry on arbitrary files.
 *
 * Input: a file image, optionally followed by a 16-byte trailer that says how
 * elf_parse sees it: "LBFZ", mode (u8), 3 bytes ignored, head (u32 LE), adj (u32
 * LE). Without the trailer the whole input is both the head and the file. With it,
 * the file is the input minus the trailer (flen bytes); elf_parse gets its first
 * head bytes (0 or more than flen: all of them) and a file_size of
 *   mode % 4 == 0: flen + adj         (the file goes on past what we have)
 *               1: flen - min(adj, flen)   (a head longer than the file)
 *               2: 2^64 - 1 - adj     (sizes near the top: overflow in the checks)
 *               3: adj
 * The head is an exact-size heap copy, so reading past it is an ASan report.
 *
 * Checks:
 *  - an independent reference (ref_parse, ref_find: the rules of elf/elf.h with
 *    128-bit arithmetic, reading bytes at the specification's offsets) gives the
 *    same status (code and both numbers) and, on success, the same image;
 *  - an accepted image is sound on its own terms: one to ELF_MAX_SEGMENTS loads,
 *    each non-empty, memsz >= filesz, inside the file, not wrapping, pairwise
 *    disjoint; lo/hi their exact span (lo < hi); every note segment inside the file;
 *  - a head that is accepted gives the same image as the whole input;
 *  - every note segment that lies inside the input is searched on exactly its
 *    bytes (an exact-size heap copy) and agrees with the reference; so is the
 *    whole input taken as a note list, so that the note walker is fuzzed even
 *    when the input is no ELF.
 * Seeds (tests/fuzz/corpus/elf): hand-made valid and hostile ELF32/ELF64 files,
 * leapboot.elf's first 4 KiB (tests/fuzz/make-seeds). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/unit/outcome.h"
#include "../elf/elf.h"

/* Harness code: no coverage feedback, which is for the code under test. */
#define HARNESS __attribute__((no_sanitize("coverage"), noinline))

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_elf: %s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define TRAILER 16
#define U64_MAX ((unsigned __int128)UINT64_MAX)

typedef unsigned __int128 u128;

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* --- the reference ------------------------------------------------------------ */

static HARNESS status_t ref_segment(struct elf_image *r, uint32_t i, uint32_t type, uint64_t offset,
				    uint64_t paddr, uint64_t filesz, uint64_t memsz,
				    uint64_t file_size)
{
	if ((u128)offset + filesz > file_size)
		return lb_fail(LB_E_ELF_SEGMENT_OUTSIDE, i, offset);
	if (type == 4) { /* PT_NOTE */
		if (r->nnote == ELF_MAX_SEGMENTS)
			return lb_fail(LB_E_ELF_TOO_MANY, i, ELF_MAX_SEGMENTS);
		r->note[r->nnote++] = (struct elf_segment){offset, paddr, filesz, filesz};
		return lb_ok();
	}
	if (type != 1)
		return lb_ok();
	if (memsz < filesz) /* also memsz 0 with file bytes: refused */
		return lb_fail(LB_E_ELF_MEMSZ, i, memsz);
	if (memsz == 0) /* only non-empty PT_LOADs count */
		return lb_ok();
	u128 end = (u128)paddr + memsz;
	if (end > U64_MAX)
		return lb_fail(LB_E_ELF_SEGMENT_WRAPS, i, paddr);
	for (uint32_t k = 0; k < r->nload; k++) {
		u128 ks = r->load[k].paddr, ke = ks + r->load[k].memsz;
		if (paddr < ke && ks < end)
			return lb_fail(LB_E_ELF_OVERLAP, i, paddr);
	}
	if (r->nload == ELF_MAX_SEGMENTS)
		return lb_fail(LB_E_ELF_TOO_MANY, i, ELF_MAX_SEGMENTS);
	if (r->nload == 0 || paddr < r->lo)
		r->lo = paddr;
	if (end > r->hi)
		r->hi = (uint64_t)end;
	r->load[r->nload++] = (struct elf_segment){offset, paddr, filesz, memsz};
	return lb_ok();
}

static HARNESS status_t ref_parse(struct elf_image *r, const uint8_t *p, size_t len,
				  uint64_t file_size)
{
	memset(r, 0, sizeof(*r));
	if (len > file_size)
		len = (size_t)file_size;
	if (len < 52 || p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' || p[3] != 'F')
		return lb_fail(LB_E_ELF_NOT_ELF, len, 0);
	uint8_t cls = p[4], data = p[5];
	if (data != 1 || (cls != 1 && cls != 2))
		return lb_fail(LB_E_ELF_UNSUPPORTED, cls, data);
	bool is64 = cls == 2;
	if (is64 && len < 64)
		return lb_fail(LB_E_ELF_NOT_ELF, len, 0);
	uint16_t type = (uint16_t)le(p + 16, 2), machine = (uint16_t)le(p + 18, 2);
	if (type != 2 || !(machine == 62 || (!is64 && machine == 3)))
		return lb_fail(LB_E_ELF_UNSUPPORTED, type, machine);
	r->is64 = is64;
	r->entry = is64 ? le(p + 24, 8) : le(p + 24, 4);
	uint64_t phoff = is64 ? le(p + 32, 8) : le(p + 28, 4);
	uint32_t phentsize = (uint32_t)le(p + (is64 ? 54 : 42), 2);
	uint32_t phnum = (uint32_t)le(p + (is64 ? 56 : 44), 2);
	uint32_t ent = is64 ? 56 : 32;
	if (phentsize != ent || phnum == 0)
		return lb_fail(LB_E_ELF_BAD_PHDRS, phnum, phentsize);
	if ((u128)phoff + (u128)phnum * ent > len)
		return lb_fail(LB_E_ELF_BAD_PHDRS, phnum, phoff);
	for (uint32_t i = 0; i < phnum; i++) {
		const uint8_t *q = p + phoff + (size_t)i * ent;
		status_t s;
		if (is64)
			s = ref_segment(r, i, (uint32_t)le(q, 4), le(q + 8, 8), le(q + 24, 8),
					le(q + 32, 8), le(q + 40, 8), file_size);
		else
			s = ref_segment(r, i, (uint32_t)le(q, 4), le(q + 4, 4), le(q + 12, 4),
					le(q + 16, 4), le(q + 20, 4), file_size);
		if (s.code)
			return s;
	}
	if (r->nload == 0)
		return lb_fail(LB_E_ELF_NO_LOAD, phnum, 0);
	return lb_ok();
}

static HARNESS status_t ref_find(const uint8_t *p, size_t len, uint64_t *entry)
{
	u128 off = 0;
	while (off + 12 <= len) {
		uint32_t namesz = (uint32_t)le(p + off, 4), descsz = (uint32_t)le(p + off + 4, 4);
		uint32_t type = (uint32_t)le(p + off + 8, 4);
		u128 name = off + 12;
		u128 desc = name + (((u128)namesz + 3) / 4) * 4;
		u128 next = desc + (((u128)descsz + 3) / 4) * 4;
		if (next > len)
			return lb_fail(LB_E_ELF_BAD_NOTE, (uint64_t)off, namesz);
		if (type == 18 && namesz == 4 && memcmp(p + name, "Xen", 4) == 0) {
			if (descsz < 4)
				return lb_fail(LB_E_ELF_BAD_NOTE, (uint64_t)off, descsz);
			*entry = le(p + desc, 4);
			return lb_ok();
		}
		off = next;
	}
	return lb_fail(LB_E_ELF_NO_PVH_NOTE, len, 0);
}

/* --- checks ------------------------------------------------------------------- */

static HARNESS void same_status(const char *what, struct outcome got, struct outcome want)
{
	if (got.code != want.code || got.a != want.a || got.b != want.b) {
		fprintf(stderr,
			"fuzz_elf: %s: code %d (%#llx, %#llx), reference %d (%#llx, %#llx)\n", what,
			got.code, (unsigned long long)got.a, (unsigned long long)got.b, want.code,
			(unsigned long long)want.a, (unsigned long long)want.b);
		abort();
	}
}

static HARNESS bool same_segment(const struct elf_segment *a, const struct elf_segment *b)
{
	return a->offset == b->offset && a->paddr == b->paddr && a->filesz == b->filesz &&
	       a->memsz == b->memsz;
}

static HARNESS void same_image(const struct elf_image *a, const struct elf_image *b)
{
	check(a->is64 == b->is64 && a->entry == b->entry);
	check(a->nload == b->nload && a->nnote == b->nnote);
	check(a->lo == b->lo && a->hi == b->hi);
	for (uint32_t i = 0; i < a->nload; i++)
		check(same_segment(&a->load[i], &b->load[i]));
	for (uint32_t i = 0; i < a->nnote; i++)
		check(same_segment(&a->note[i], &b->note[i]));
}

/* An accepted image, judged on its own. */
static HARNESS void sound(const struct elf_image *img, uint64_t file_size)
{
	check(img->nload >= 1 && img->nload <= ELF_MAX_SEGMENTS);
	check(img->nnote <= ELF_MAX_SEGMENTS);
	u128 lo = U64_MAX + 1, hi = 0;
	for (uint32_t i = 0; i < img->nload; i++) {
		const struct elf_segment *s = &img->load[i];
		u128 end = (u128)s->paddr + s->memsz;
		check(s->memsz > 0 && s->memsz >= s->filesz);
		check((u128)s->offset + s->filesz <= file_size);
		check(end <= U64_MAX);
		for (uint32_t k = 0; k < i; k++) {
			const struct elf_segment *o = &img->load[k];
			check(end <= o->paddr || (u128)o->paddr + o->memsz <= s->paddr);
		}
		lo = s->paddr < lo ? s->paddr : lo;
		hi = end > hi ? end : hi;
	}
	check(img->lo == lo && img->hi == hi && img->lo < img->hi);
	for (uint32_t i = 0; i < img->nnote; i++)
		check((u128)img->note[i].offset + img->note[i].filesz <= file_size);
}

/* elf_find_pvh_entry on an exact-size copy of bytes, against the reference. */
static HARNESS void notes(const char *what, const uint8_t *bytes, size_t len)
{
	uint8_t *copy = malloc(len);
	check(copy || !len);
	if (len)
		memcpy(copy, bytes, len);
	uint64_t got = 0xA5A5A5A5A5A5A5A5ull, want = got;
	status_t s = elf_find_pvh_entry(copy, len, &got);
	struct outcome o = outcome(s);
	same_status(what, o, outcome(ref_find(bytes, len, &want)));
	check(got == want);
	check(s.code || got <= UINT32_MAX);
	free(copy);
}

static HARNESS status_t parse(struct elf_image *img, const uint8_t *file, size_t len,
			      uint64_t file_size)
{
	uint8_t *copy = malloc(len);
	check(copy || !len);
	if (len)
		memcpy(copy, file, len);
	memset(img, 0xEE, sizeof(*img));
	status_t s = elf_parse(img, copy, len, file_size);
	free(copy);
	return s;
}

/* --- the target ----------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct elf_image img, whole, ref;
	size_t flen = size, head;
	uint64_t file_size;

	if (size >= TRAILER && memcmp(data + size - TRAILER, "LBFZ", 4) == 0) {
		const uint8_t *t = data + size - TRAILER;
		uint64_t h = le(t + 8, 4), adj = le(t + 12, 4);
		flen = size - TRAILER;
		head = h && h < flen ? (size_t)h : flen;
		switch (t[4] % 4) {
		case 0:
			file_size = flen + adj;
			break;
		case 1:
			file_size = flen - (adj < flen ? adj : flen);
			break;
		case 2:
			file_size = UINT64_MAX - adj;
			break;
		default:
			file_size = adj;
			break;
		}
	} else {
		head = flen;
		file_size = flen;
	}

	status_t got = parse(&img, data, head, file_size);
	struct outcome o = outcome(got);
	same_status("elf_parse", o, outcome(ref_parse(&ref, data, head, file_size)));
	if (!got.code) {
		same_image(&img, &ref);
		sound(&img, file_size);
	}
	if (head < flen) {
		status_t all = parse(&whole, data, flen, file_size);
		o = outcome(all);
		same_status("elf_parse (whole input)", o,
			    outcome(ref_parse(&ref, data, flen, file_size)));
		if (!got.code) {
			check(!all.code);
			same_image(&img, &whole);
		}
	}
	if (!got.code)
		for (uint32_t i = 0; i < img.nnote; i++) {
			const struct elf_segment *n = &img.note[i];
			if ((u128)n->offset + n->filesz <= flen)
				notes("elf_find_pvh_entry (note segment)", data + n->offset,
				      (size_t)n->filesz);
		}
	notes("elf_find_pvh_entry (whole input)", data, flen);
	return 0;
}
