/* libFuzzer target: boot/arm64.c's parsers on arbitrary bytes.
 *
 * The input is taken two ways at once:
 *  - as the start of a kernel file: arm64_parse on an exact-size heap copy. An
 *    accepted header must agree with the bytes at the offsets of booting.rst
 *    (magic "ARM\x64" at 0x38, image_size at 0x10 non-zero and at most
 *    ARM64_IMAGE_SIZE_MAX, text_offset at 0x08 below 2 GiB, flags bit 0 clear);
 *    a refused one must break one of those rules; arm64_place then puts it in
 *    a 1 GiB bank at 2 MiB alignment or refuses with LB_E_ARM64_NO_ROOM;
 *  - as a device tree (when fdt_check_header accepts it): dtb_memory gives a
 *    sorted, disjoint map or an error, never a crash; dtb_chosen copies it
 *    into a separate buffer with a command line and an initrd, and on success the
 *    result passes fdt_check_full, holds exactly those values, and (for a source
 *    that passes fdt_check_full) describes the same RAM; the source is never written;
 *    dtb_tpm_find finds a TPM (a non-empty register range that does not wrap)
 *    or none, or refuses the tree or the node, and dtb_tpm_log then gives the
 *    copy's TPM node linux,sml-base/-size and a /memreserve/ entry, the result
 *    passing fdt_check_full with the TPM where it was.
 * Seeds (tests/fuzz/corpus/arm64): hand-made Image headers and device trees
 * (tests/fuzz/make-seeds). */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../boot/arm64.h"
#include "../boot/dtb.h"
#include "../boot/dtb_tpm.h"
#include "../unit/bytes.h"

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_arm64: %s:%d: check failed: %s\n", __FILE__,         \
				__LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define GiB	  (1ull << 30)
#define CMDLINE	  "console=ttyAMA0 fuzz=1"
#define INITRD	  0x48000000ull
#define INITRD_N  0x1000ull
#define TPM_LOG	  0x5fff0000ull
#define TPM_LOG_N 0x10000u

static void fuzz_image(const uint8_t *data, size_t size)
{
	struct arm64_image img;
	status_t s = arm64_parse(&img, data, size);
	if (size < 64) {
		check(s.code == LB_E_ARM64_TOO_SHORT);
		return;
	}
	bool magic = memcmp(data + 0x38, "ARM\x64", 4) == 0;
	uint64_t text = le64(data + 0x08), isize = le64(data + 0x10), flags = le64(data + 0x18);
	bool good =
	    magic && isize && !(flags & 1) && text < 2 * GiB && isize <= ARM64_IMAGE_SIZE_MAX;
	check((s.code == LB_OK) == good);
	if (!good)
		return;
	check(img.text_offset == text && img.image_size == isize && img.flags == flags);

	struct memmap m = {0};
	memmap_add(&m, GiB, GiB, MEM_RAM);
	s = arm64_place(&img, &m);
	if (text + isize > GiB) {
		check(s.code == LB_E_ARM64_NO_ROOM);
		return;
	}
	check(s.code == LB_OK);
	check(img.base == GiB);
	check(memmap_covered(&m, img.base, img.base + text + isize, MEM_CLAIM_KERNEL));
}

static bool map_sound(const struct memmap *m)
{
	for (uint32_t i = 0; i < m->n; i++) {
		if (m->r[i].start >= m->r[i].end)
			return false;
		if (i && m->r[i].start < m->r[i - 1].end)
			return false;
	}
	return true;
}

static void fuzz_tree(const uint8_t *data, size_t size)
{
	if (size < sizeof(struct fdt_header) || fdt_check_header(data) != 0 ||
	    fdt_totalsize(data) > size)
		return;
	/* An exact-size copy: reading past the tree is an ASan report. */
	size_t n = fdt_totalsize(data);
	uint8_t *src = malloc(n);
	memcpy(src, data, n);

	struct memmap m = {0};
	status_t mem = dtb_memory(src, &m);
	check(mem.code == LB_OK || mem.code == LB_E_FDT_BAD || mem.code == LB_E_FDT_NO_MEMORY ||
	      mem.code == LB_E_MEMMAP_FULL);
	check(map_sound(&m));
	if (mem.code == LB_OK)
		check(m.n > 0);

	uint64_t tpm = 1, tpm_n = 1;
	status_t t = dtb_tpm_find(src, &tpm, &tpm_n);
	check(t.code == LB_OK || t.code == LB_E_TPM_DTB || t.code == LB_E_FDT_BAD);
	if (t.code != LB_OK)
		check(tpm == 0 && tpm_n == 0);
	check(tpm_n == 0 ? tpm == 0 : tpm + tpm_n > tpm);

	size_t cap = n + 8192;
	uint8_t *out = malloc(cap);
	status_t s = dtb_chosen(src, out, cap, CMDLINE, INITRD, INITRD_N);
	check(memcmp(src, data, n) == 0);
	if (s.code == LB_OK && tpm_n) {
		status_t l = dtb_tpm_log(out, cap, TPM_LOG, TPM_LOG_N);
		check(l.code == LB_OK || l.code == LB_E_FDT_FULL || l.code == LB_E_FDT_BAD ||
		      l.code == LB_E_TPM_DTB);
		if (l.code == LB_OK) {
			check(fdt_check_full(out, cap) == 0);
			/* The first enabled TPM node has the log (a disabled one may precede it).
			 */
			int node = -1, len;
			const void *p = 0;
			while (!p && (node = fdt_node_offset_by_compatible(
					  out, node, DTB_TPM_COMPATIBLE)) >= 0)
				p = fdt_getprop(out, node, "linux,sml-base", &len);
			check(node >= 0);
			check(p && len == 8 && fdt64_ld(p) == TPM_LOG);
			p = fdt_getprop(out, node, "linux,sml-size", &len);
			check(p && len == 4 && fdt32_ld(p) == TPM_LOG_N);
			int r = fdt_num_mem_rsv(out);
			uint64_t a = 0, z = 0;
			check(r >= 1 && fdt_get_mem_rsv(out, r - 1, &a, &z) == 0);
			check(a == TPM_LOG && z == TPM_LOG_N);
			if (fdt_check_full(src, n) == 0) {
				uint64_t again, again_n;
				check(dtb_tpm_find(out, &again, &again_n).code == LB_OK);
				check(again == tpm && again_n == tpm_n);
			}
		}
	} else if (s.code == LB_OK) {
		check(fdt_check_full(out, cap) == 0);
		int chosen = fdt_path_offset(out, "/chosen");
		check(chosen >= 0);
		int len;
		const char *args = fdt_getprop(out, chosen, "bootargs", &len);
		check(args && len == sizeof(CMDLINE) && memcmp(args, CMDLINE, len) == 0);
		const void *p = fdt_getprop(out, chosen, "linux,initrd-start", &len);
		check(p && len == 8 && fdt64_ld(p) == INITRD);
		p = fdt_getprop(out, chosen, "linux,initrd-end", &len);
		check(p && len == 8 && fdt64_ld(p) == INITRD + INITRD_N);
		/* A well-formed source: the copy describes the same RAM. (libfdt reads a
		 * malformed one its own way; only the result must be sound.) */
		struct memmap again = {0};
		status_t t = dtb_memory(out, &again);
		if (fdt_check_full(src, n) == 0) {
			check(t.code == mem.code);
			check(again.n == m.n);
			for (uint32_t i = 0; i < m.n; i++)
				check(again.r[i].start == m.r[i].start &&
				      again.r[i].end == m.r[i].end &&
				      again.r[i].type == m.r[i].type);
		}
	} else {
		check(s.code == LB_E_FDT_BAD || s.code == LB_E_FDT_FULL);
	}
	free(out);
	free(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	fuzz_image(copy, size);
	free(copy);
	fuzz_tree(data, size);
	return 0;
}
