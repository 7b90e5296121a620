/* libFuzzer target: boot/acpi.c's table-loader interpreter on arbitrary scripts.
 *
 * Input: a table-loader script. When its length is not a multiple of 128, the last
 * len % 128 bytes are a configuration instead (world_init): byte 0 holds CFG_
 * flags (whether to pass the whole input, a script of a bad length, after all;
 * where blobs go; file contents; failing fw_cfg writes), byte 1 a pattern seed,
 * then one little-endian u32 size each for etc/acpi/rsdp, etc/acpi/tables,
 * etc/vmgenid_guid, etc/vmgenid_addr and etc/tpm/log (bit 31 set: 16 MiB - 2 + the
 * low two bits, around the limit; else modulo 128 KiB + 1). Sizes not given, and
 * all of them for a whole-entries input, default to 36, 16384, 4096, 8 and 0.
 * Files "a".."q" and a 56-character name are always there.
 * The seed corpus (tests/fuzz/corpus/table_loader) holds QEMU 7.2's scripts for
 * pc, q35 and microvm and hand-made hostile ones (tests/fuzz/make-seeds).
 *
 * Every blob is mmap'ed with a PROT_NONE page on each side and ends flush
 * against the page after it; the bytes between the page start and the blob are
 * canaries. A write past a blob faults, one before it faults or breaks a canary
 * (abort). The callbacks abort on any call the interpreter must never make. Then
 * an independent reference interpreter (ref_run, written from QEMU's
 * hw/acpi/bios-linker-loader.c semantics and the limits in boot/acpi.[ch]) runs
 * the same script: the status code, the failing command, every blob's bytes and
 * every fw_cfg write must agree, and so must acpi_find_rsdp. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../tests/unit/outcome.h"
#include "../../boot/acpi.h"
#include "../unit/bytes.h"

#define ENTRY	   128
#define PAGE	   4096u
#define MIB	   (1u << 20)
#define MAX_SIZE   (16u * MIB)
#define MAX_ALIGN  MIB
#define FSEG_BASE  0xF5360u
#define FSEG_END   0x100000u
#define HIGH_FLOOR 0x100000u
#define CANARY(i)  ((uint8_t)(0xA5 ^ ((i)*13)))
#define MAX_WRITES 64
#define NAMED	   5  /* files whose sizes the configuration sets */
#define LETTERS	   17 /* files "a".."q": enough for one ALLOCATE too many */
#define NFILES	   (NAMED + LETTERS + 1)
#define LONGNAME   "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL" /* 56 */

/* Harness loops: no coverage feedback, which is for the code under test. */
#define HARNESS __attribute__((no_sanitize("coverage"), noinline))

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_table_loader: %s:%d: check failed: %s\n", __FILE__,  \
				__LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The configuration (the input's last len % 128 bytes; missing bytes are 0). */
enum {
	CFG_WHOLE_INPUT = 1 << 0, /* the script is the whole input, bad length and all */
	CFG_HIGH_4G = 1 << 1,	  /* HIGH blobs just below 4.5 GiB: 4-byte pointers overflow */
	CFG_PATTERN = 1 << 2,	  /* files hold a pattern, not zeros */
	CFG_WRITE_FAILS = 1 << 3, /* write_file returns an error */
	CFG_FSEG_SMALL = 1 << 4,  /* the F-segment has 1 KiB */
	CFG_HIGH_WRAP = 1 << 5,	  /* HIGH blobs just below 2^64: 8-byte pointers wrap */
};

struct file {
	char name[LOADER_FILESZ + 1];
	uint32_t size;
	unsigned index;
};

struct world {
	uint8_t flags, seed;
	struct file files[NFILES];
	uint64_t high_top, fseg_next, fseg_end;
	unsigned nallocs;
	struct {
		uint8_t *map, *mem;
		size_t maplen;
		uint32_t size, slack;
	} allocs[ACPI_MAX_BLOBS];
	unsigned nwrites;
	struct {
		unsigned file;
		uint32_t offset, len;
		uint8_t data[8];
	} writes[MAX_WRITES];
};

/* Byte j of a file: zeros, or a pattern in the first 64 KiB (so that files near
 * the 16 MiB limit stay cheap: zero pages, never filled); etc/acpi/rsdp starts
 * with "RSD PTR " either way. */
#define PATTERN_LEN (64u * 1024)
static uint8_t content(const struct world *w, unsigned file, uint32_t j)
{
	if (file == 0 && j < 8) /* etc/acpi/rsdp starts like an RSDP */
		return (uint8_t) "RSD PTR "[j];
	if (!(w->flags & CFG_PATTERN) || j >= PATTERN_LEN)
		return 0;
	return (uint8_t)(w->seed + file * 37 + j * 11 + (j >> 7));
}

HARNESS static void fill(const struct world *w, unsigned file, uint8_t *mem, uint32_t size)
{
	uint32_t n = w->flags & CFG_PATTERN ? PATTERN_LEN : file == 0 ? 8 : 0;
	for (uint32_t j = 0; j < size && j < n; j++)
		mem[j] = content(w, file, j);
}

/* Byte sum mod 256, eight bytes at a time: four 16-bit lanes of byte pairs,
 * emptied into a 64-bit total every 128 words, before a lane can overflow. */
HARNESS static uint8_t sum_bytes(const uint8_t *p, uint32_t n)
{
	const uint64_t even = 0x00FF00FF00FF00FFull;
	uint64_t total = 0;
	while (n >= 8) {
		uint64_t lanes = 0;
		for (unsigned i = 0; i < 128 && n >= 8; i++, n -= 8, p += 8) {
			uint64_t v;
			memcpy(&v, p, 8);
			lanes += (v & even) + ((v >> 8) & even);
		}
		total += (lanes & 0xFFFF) + (lanes >> 16 & 0xFFFF) + (lanes >> 32 & 0xFFFF) +
			 (lanes >> 48);
	}
	while (n--)
		total += *p++;
	return (uint8_t)total;
}

static void world_init(struct world *w, const uint8_t *cfg, size_t n)
{
	static const char *const named[NAMED] = {"etc/acpi/rsdp", "etc/acpi/tables",
						 "etc/vmgenid_guid", "etc/vmgenid_addr",
						 "etc/tpm/log"};
	static const uint32_t defaults[NAMED] = {36, 16384, 4096, 8, 0};
	uint8_t c[2 + 4 * NAMED] = {0};

	memcpy(c, cfg, n < sizeof(c) ? n : sizeof(c));
	memset(w, 0, sizeof(*w));
	w->flags = c[0];
	w->seed = c[1];
	for (unsigned i = 0; i < NFILES; i++) {
		struct file *f = &w->files[i];
		f->index = i;
		if (i < NAMED) {
			strcpy(f->name, named[i]);
			uint32_t v = le32(c + 2 + 4 * i);
			if (n < 2 + 4 * (i + 1))
				f->size = defaults[i];
			else if (v >> 31) /* around the 16 MiB limit */
				f->size = MAX_SIZE - 2 + (v & 3);
			else
				f->size = v % (128 * 1024 + 1);
		} else if (i < NAMED + LETTERS) {
			f->name[0] = (char)('a' + (i - NAMED));
			f->size = 1 + 5 * (i - NAMED);
		} else {
			memcpy(f->name, LONGNAME, LOADER_FILESZ);
			f->size = 16;
		}
	}
	w->high_top = w->flags & CFG_HIGH_WRAP ? 0xFFFFFFFFFFFFF000ull
		      : w->flags & CFG_HIGH_4G ? 0x120000000ull
					       : 0x20000000ull;
	w->fseg_next = FSEG_BASE;
	w->fseg_end = w->flags & CFG_FSEG_SMALL ? FSEG_BASE + 1024 : FSEG_END;
}

/* A name the interpreter hands over must be terminated within its field. */
static struct file *find_file(struct world *w, const char *name, bool must_be_terminated)
{
	size_t n = strnlen(name, LOADER_FILESZ);
	if (n == LOADER_FILESZ) {
		check(!must_be_terminated);
		return NULL;
	}
	for (unsigned i = 0; i < NFILES; i++)
		if (strlen(w->files[i].name) == n && memcmp(w->files[i].name, name, n) == 0)
			return &w->files[i];
	return NULL;
}

/* Guest placement, shared by the fake and the reference so both see the same
 * addresses. */
static status_t place(struct world *w, uint32_t size, uint32_t align, uint8_t zone, uint64_t *a)
{
	if (zone == LOADER_ZONE_HIGH) {
		if (w->high_top < HIGH_FLOOR || size > w->high_top - HIGH_FLOOR)
			return lb_fail(LB_E_TABLES_NO_ROOM, size, 0);
		*a = (w->high_top - size) & ~(uint64_t)(align - 1);
		if (*a < HIGH_FLOOR)
			return lb_fail(LB_E_TABLES_NO_ROOM, size, 0);
		w->high_top = *a;
	} else {
		*a = (w->fseg_next + align - 1) & ~(uint64_t)(align - 1);
		if (*a + size > w->fseg_end)
			return lb_fail(LB_E_TABLES_NO_ROOM, size, 0);
		w->fseg_next = *a + size;
	}
	return lb_ok();
}

HARNESS static void fill_canaries(uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = CANARY(i);
}

HARNESS static bool canaries_ok(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i] != CANARY(i))
			return false;
	return true;
}

/* --- the callbacks -------------------------------------------------------------- */

static bool fw_find_file(void *ctx, const char *name, uint32_t len, uint32_t *size, uint32_t *file)
{
	struct file *f = find_file(ctx, name, true);
	if (!f)
		return false;
	check(strlen(name) == len);
	*size = f->size;
	*file = f->index;
	return true;
}

static status_t fw_allocate(void *ctx, uint32_t file, uint32_t size, uint32_t align, uint8_t zone,
			    uint64_t *addr, uint8_t **mem)
{
	struct world *w = ctx;
	check(file < NFILES);
	struct file *f = &w->files[file];

	check(f->size == size);
	check(size > 0 && size <= MAX_SIZE);
	check(align && !(align & (align - 1)) && align <= MAX_ALIGN);
	check(zone == LOADER_ZONE_HIGH || zone == LOADER_ZONE_FSEG);
	check(w->nallocs < ACPI_MAX_BLOBS);
	status_t s = place(w, size, align, zone, addr);
	if (s.code)
		return s;

	uint32_t pages = (size + PAGE - 1) / PAGE * PAGE;
	size_t maplen = (size_t)pages + 2 * PAGE;
	uint8_t *map =
	    mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(map != MAP_FAILED);
	check(mprotect(map, PAGE, PROT_NONE) == 0);
	check(mprotect(map + PAGE + pages, PAGE, PROT_NONE) == 0);
	unsigned k = w->nallocs++;
	w->allocs[k].map = map;
	w->allocs[k].maplen = maplen;
	w->allocs[k].size = size;
	w->allocs[k].slack = pages - size;
	w->allocs[k].mem = map + PAGE + pages - size;
	fill_canaries(map + PAGE, pages - size);
	fill(w, f->index, w->allocs[k].mem, size);
	*mem = w->allocs[k].mem;
	return lb_ok();
}

static status_t fw_write_file(void *ctx, uint32_t file, uint32_t offset, const void *data,
			      uint32_t len)
{
	struct world *w = ctx;
	check(file < NFILES);
	struct file *f = &w->files[file];

	check(len == 1 || len == 2 || len == 4 || len == 8);
	check(offset <= f->size && len <= f->size - offset);
	check(w->nwrites < MAX_WRITES);
	if (w->flags & CFG_WRITE_FAILS)
		return lb_fail(LB_E_FWCFG_DMA_ERROR, offset, len);
	w->writes[w->nwrites].file = f->index;
	w->writes[w->nwrites].offset = offset;
	w->writes[w->nwrites].len = len;
	memcpy(w->writes[w->nwrites].data, data, len);
	w->nwrites++;
	return lb_ok();
}

static const struct acpi_loader_ops ops = {
    .find_file = fw_find_file,
    .allocate = fw_allocate,
    .write_file = fw_write_file,
};

/* --- the reference interpreter ------------------------------------------------- */

struct ref_blob {
	const struct file *file;
	uint64_t addr;
	uint8_t *mem;
	uint32_t size;
};

struct ref {
	struct world w; /* its own placement state and write log */
	unsigned nblobs;
	struct ref_blob blob[ACPI_MAX_BLOBS];
};

/* A script name: the bytes up to the first NUL, if there is one in the field. */
static bool ref_name(const uint8_t *field, size_t *len)
{
	const uint8_t *nul = memchr(field, 0, LOADER_FILESZ);
	if (!nul)
		return false;
	*len = (size_t)(nul - field);
	return true;
}

static struct ref_blob *ref_find(struct ref *r, const uint8_t *field)
{
	size_t n;
	if (!ref_name(field, &n))
		return NULL;
	for (unsigned i = 0; i < r->nblobs; i++)
		if (strlen(r->blob[i].file->name) == n &&
		    memcmp(r->blob[i].file->name, field, n) == 0)
			return &r->blob[i];
	return NULL;
}

static const struct file *ref_file(struct ref *r, const uint8_t *field)
{
	size_t n;
	if (!ref_name(field, &n) || n == 0)
		return NULL;
	for (unsigned i = 0; i < NFILES; i++)
		if (strlen(r->w.files[i].name) == n && memcmp(r->w.files[i].name, field, n) == 0)
			return &r->w.files[i];
	return NULL;
}

static bool ref_size_ok(uint8_t size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

static status_t ref_run(struct ref *r, const uint8_t *s, uint32_t len)
{
	if (len % ENTRY)
		return lb_fail(LB_E_ACPI_BAD_SCRIPT, len, ENTRY);
	for (uint32_t i = 0; i < len / ENTRY; i++) {
		const uint8_t *e = s + (size_t)i * ENTRY;
		size_t n;
		switch (le32(e)) {
		case 1: { /* ALLOCATE file[56] align zone */
			uint32_t align = le32(e + 60);
			uint8_t zone = e[64];
			if (!ref_name(e + 4, &n) || n == 0)
				return lb_fail(LB_E_ACPI_BAD_NAME, i, 0);
			if (ref_find(r, e + 4))
				return lb_fail(LB_E_ACPI_DOUBLE_ALLOC, i, 0);
			const struct file *f = ref_file(r, e + 4);
			if (!f)
				return lb_fail(LB_E_ACPI_NO_FILE, i, 0);
			if (align == 0 || (align & (align - 1)) || align > MAX_ALIGN)
				return lb_fail(LB_E_ACPI_BAD_ALIGN, i, align);
			if (zone != 1 && zone != 2)
				return lb_fail(LB_E_ACPI_BAD_ZONE, i, zone);
			if (f->size == 0 || f->size > MAX_SIZE)
				return lb_fail(LB_E_ACPI_BAD_SIZE, i, f->size);
			if (r->nblobs == ACPI_MAX_BLOBS)
				return lb_fail(LB_E_ACPI_TOO_MANY, i, ACPI_MAX_BLOBS);
			struct ref_blob *b = &r->blob[r->nblobs];
			status_t st = place(&r->w, f->size, align, zone, &b->addr);
			if (st.code)
				return st;
			b->file = f;
			b->size = f->size;
			b->mem = calloc(1, f->size);
			check(b->mem);
			fill(&r->w, f->index, b->mem, f->size);
			r->nblobs++;
			break;
		}
		case 2: { /* ADD_POINTER dest[56] src[56] offset size */
			struct ref_blob *d = ref_find(r, e + 4), *src = ref_find(r, e + 60);
			uint32_t off = le32(e + 116);
			uint8_t size = e[120];
			if (!d || !src)
				return lb_fail(LB_E_ACPI_NOT_ALLOCATED, i, 0);
			if (!ref_size_ok(size))
				return lb_fail(LB_E_ACPI_BAD_POINTER_SIZE, i, size);
			if ((uint64_t)off + size > d->size)
				return lb_fail(LB_E_ACPI_OUT_OF_BLOB, i, off);
			uint64_t v = 0;
			for (unsigned k = 0; k < size; k++)
				v |= (uint64_t)d->mem[off + k] << (8 * k);
			v += src->addr;
			if (size < 8 && (v >> (8 * size)) != 0)
				return lb_fail(LB_E_ACPI_POINTER_OVERFLOW, i, v);
			for (unsigned k = 0; k < size; k++)
				d->mem[off + k] = (uint8_t)(v >> (8 * k));
			break;
		}
		case 3: { /* ADD_CHECKSUM file[56] offset start length */
			struct ref_blob *b = ref_find(r, e + 4);
			uint32_t off = le32(e + 60), start = le32(e + 64), length = le32(e + 68);
			if (!b)
				return lb_fail(LB_E_ACPI_NOT_ALLOCATED, i, 0);
			if (off >= b->size)
				return lb_fail(LB_E_ACPI_OUT_OF_BLOB, i, off);
			if ((uint64_t)start + length > b->size)
				return lb_fail(LB_E_ACPI_OUT_OF_BLOB, i, start);
			uint8_t sum = sum_bytes(b->mem + start, length);
			b->mem[off] = (uint8_t)(b->mem[off] - sum);
			break;
		}
		case 4: { /* WRITE_POINTER dest[56] src[56] dst_offset src_offset size */
			uint32_t doff = le32(e + 116), soff = le32(e + 120);
			uint8_t size = e[124];
			if (!ref_name(e + 4, &n) || n == 0)
				return lb_fail(LB_E_ACPI_BAD_NAME, i, 0);
			struct ref_blob *src = ref_find(r, e + 60);
			if (!src)
				return lb_fail(LB_E_ACPI_NOT_ALLOCATED, i, 0);
			const struct file *f = ref_file(r, e + 4);
			if (!f)
				return lb_fail(LB_E_ACPI_NO_FILE, i, 0);
			if (!ref_size_ok(size))
				return lb_fail(LB_E_ACPI_BAD_POINTER_SIZE, i, size);
			if ((uint64_t)doff + size > f->size)
				return lb_fail(LB_E_ACPI_OUT_OF_BLOB, i, doff);
			if (soff >= src->size)
				return lb_fail(LB_E_ACPI_OUT_OF_BLOB, i, soff);
			uint64_t v = src->addr + soff;
			if (size < 8 && (v >> (8 * size)) != 0)
				return lb_fail(LB_E_ACPI_POINTER_OVERFLOW, i, v);
			if (r->w.flags & CFG_WRITE_FAILS)
				return lb_fail(LB_E_FWCFG_DMA_ERROR, doff, size);
			check(r->w.nwrites < MAX_WRITES);
			r->w.writes[r->w.nwrites].file = f->index;
			r->w.writes[r->w.nwrites].offset = doff;
			r->w.writes[r->w.nwrites].len = size;
			for (unsigned k = 0; k < size; k++)
				r->w.writes[r->w.nwrites].data[k] = (uint8_t)(v >> (8 * k));
			r->w.nwrites++;
			break;
		}
		default: /* padding (0) and commands of later QEMUs: skipped, as SeaBIOS does */
			break;
		}
	}
	return lb_ok();
}

/* --- the target ----------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct world w;
	static struct ref r;
	static struct acpi_loader l;
	size_t tail = size % ENTRY;
	const uint8_t *cfg = data + size - tail;

	if (size > 64 * ENTRY)
		return -1; /* keep executions fast; QEMU's scripts are at most 4 KiB */
	world_init(&w, cfg, tail);
	size_t len = tail && (w.flags & CFG_WHOLE_INPUT) ? size : size - tail;
	/* An exact-size copy: reading past the script is an ASan report. */
	uint8_t *script = malloc(len ? len : 1);
	check(script);
	memcpy(script, data, len);

	memset(&l, 0xEE, sizeof(l));
	struct outcome got = outcome(acpi_run_loader(&l, script, (uint32_t)len, &ops, &w));
	const struct acpi_blob *rsdp = acpi_find_rsdp(&l);

	/* Nothing escaped a blob: the slack before each one is intact (the guard
	 * pages would have faulted). */
	for (unsigned k = 0; k < w.nallocs; k++)
		check(canaries_ok(w.allocs[k].map + PAGE, w.allocs[k].slack));
	check(l.nblobs == w.nallocs);

	memset(&r, 0, sizeof(r));
	world_init(&r.w, cfg, tail);
	struct outcome want = outcome(ref_run(&r, script, (uint32_t)len));
	if (got.code != want.code || (got.code && got.a != want.a)) {
		fprintf(stderr, "fuzz_table_loader: code %d at %llu, reference %d at %llu\n",
			got.code, (unsigned long long)got.a, want.code, (unsigned long long)want.a);
		abort();
	}
	check(l.nblobs == r.nblobs);
	for (unsigned k = 0; k < r.nblobs; k++) {
		check(strncmp(l.blob[k].name, r.blob[k].file->name, LOADER_FILESZ) == 0);
		check(l.blob[k].addr == r.blob[k].addr && l.blob[k].size == r.blob[k].size);
		check(l.blob[k].mem == w.allocs[k].mem);
		check(memcmp(l.blob[k].mem, r.blob[k].mem, r.blob[k].size) == 0);
	}
	check(w.nwrites == r.w.nwrites);
	for (unsigned k = 0; k < w.nwrites; k++)
		check(w.writes[k].file == r.w.writes[k].file &&
		      w.writes[k].offset == r.w.writes[k].offset &&
		      w.writes[k].len == r.w.writes[k].len &&
		      memcmp(w.writes[k].data, r.w.writes[k].data, w.writes[k].len) == 0);
	const struct ref_blob *want_rsdp = NULL;
	for (unsigned k = 0; k < r.nblobs && !want_rsdp; k++)
		if (r.blob[k].size >= 20 && memcmp(r.blob[k].mem, "RSD PTR ", 8) == 0)
			want_rsdp = &r.blob[k];
	check(want_rsdp ? rsdp == &l.blob[want_rsdp - r.blob] : rsdp == NULL);

	for (unsigned k = 0; k < w.nallocs; k++)
		check(munmap(w.allocs[k].map, w.allocs[k].maplen) == 0);
	for (unsigned k = 0; k < r.nblobs; k++)
		free(r.blob[k].mem);
	free(script);
	return 0;
}
