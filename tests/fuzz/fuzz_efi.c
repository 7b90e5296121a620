/* libFuzzer target: leapboot.efi's pure parsers (boot/efi) on arbitrary bytes.
 *
 * The input is taken four ways at once:
 *  - as a kernel's head: pe_is_efi_app on an exact-size heap copy, for x86_64,
 *    arm64 and the machine the head itself names, agrees with a reference that
 *    reads the PE/COFF spec's offsets (MZ, e_lfanew at 0x3c in 64-bit arithmetic,
 *    "PE\0\0", Machine, SizeOfOptionalHeader >= 70, magic 0x20b, Subsystem 10);
 *  - as a UEFI memory map: desc_size is the first two bytes (LE), the map the
 *    rest, copied to an odd address and ending where its allocation ends.
 *    efi_memmap_convert must give the status a reference gives (the same code
 *    and numbers: LB_E_EFI_BAD_MEMMAP for the geometry or the first descriptor
 *    that is unaligned or wraps, LB_E_MEMMAP_FULL, or success) and the map the
 *    reference builds with memmap_add and the UEFI types mapped here; the map is
 *    sorted, disjoint, merged and page-aligned, and, on success, it is exactly
 *    the descriptors' union with each address of the highest type covering it;
 *    on LB_E_MEMMAP_FULL that union does need more than MEMMAP_MAX ranges;
 *  - as DSDT AML: acpi_dsdt_fw_cfg on an exact-size heap copy agrees with a
 *    reference written with indices (the first "QEMU0002\0", the first "_CRS"
 *    within 128 bytes after it, a Buffer there, the first Memory32Fixed inside
 *    both the Buffer's PkgLength and those 128 bytes), and writes nothing when it
 *    finds nothing;
 *  - as the firmware's TPM event log (EFI_TCG2's GetEventLog), looked through
 *    for Linux's initrd event: the offset of the last entry is the first two
 *    bytes (LE), the log the rest, in an exact-size heap copy. tpm_log_find reads
 *    nothing outside it, answers success or LB_E_TPM_LOG_BAD only, finds the
 *    event only where its tag's bytes are, and what it finds up to one entry it
 *    still finds with the walk taken further (when that walk is well-formed).
 * Seeds (tests/fuzz/corpus/efi): Debian's kernel PE headers, OVMF-shaped maps,
 * QEMU virt's Device (FWCF), OVMF-shaped event logs (tests/fuzz/make-seeds). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/unit/outcome.h"
#include "../boot/efi/acpi_fw_cfg.h"
#include "../boot/efi/efi_memmap.h"
#include "../boot/efi/pe.h"
#include "../boot/tpm_log.h"
#include "../unit/bytes.h"

/* Harness code: no coverage feedback, which is for the code under test. */
#define HARNESS __attribute__((no_sanitize("coverage"), noinline))

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_efi: %s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define PAGE 4096ull
/* Above this many descriptors the quadratic union check is skipped. */
#define UNION_MAX 1024

/* --- PE ----------------------------------------------------------------------- */

static HARNESS bool ref_pe(const uint8_t *h, size_t n, uint16_t machine)
{
	if (n < 0x40 || h[0] != 'M' || h[1] != 'Z')
		return false;
	uint64_t pe = le32(h + 0x3c);
	if (pe + 24 + 70 > n)
		return false;
	const uint8_t *p = h + pe, *opt = p + 24;
	return !memcmp(p, "PE\0\0", 4) && le16(p + 4) == machine && le16(p + 20) >= 70 &&
	       le16(opt) == 0x20b && le16(opt + 68) == 10;
}

static void fuzz_pe(const uint8_t *data, size_t size)
{
	uint8_t *head = malloc(size ? size : 1);
	memcpy(head, data, size);
	uint16_t machines[3] = {PE_MACHINE_X86_64, PE_MACHINE_ARM64, 0};
	if (size >= 0x40 && (uint64_t)le32(data + 0x3c) + 6 <= size)
		machines[2] = le16(data + le32(data + 0x3c) + 4);
	for (int i = 0; i < 3; i++)
		check(pe_is_efi_app(head, (uint32_t)size, machines[i]) ==
		      ref_pe(data, size, machines[i]));
	free(head);
}

/* --- the memory map ------------------------------------------------------------ */

/* UEFI 2.10 §7.2's types, numbered as the spec numbers them: loader (1, 2),
 * boot-services (3, 4) and conventional (7) memory is RAM, 8 unusable, 9 ACPI
 * reclaim, 10 NVS; the rest is reserved. */
static HARNESS uint32_t ref_type(uint32_t efi)
{
	switch (efi) {
	case 1:
	case 2:
	case 3:
	case 4:
	case 7:
		return MEM_RAM;
	case 8:
		return MEM_UNUSABLE;
	case 9:
		return MEM_ACPI;
	case 10:
		return MEM_NVS;
	default:
		return MEM_RESERVED;
	}
}

struct rng {
	uint64_t start, end;
	uint32_t type;
};

static HARNESS int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The union of r[0..n) cut at every boundary, each piece of the highest type
 * covering it, neighbours of one type merged: out needs 2n entries. */
static HARNESS uint32_t union_of(const struct rng *r, uint32_t n, struct rng *out)
{
	uint64_t *pts = malloc(2 * n * sizeof(*pts) + 1);
	uint32_t np = 0, k = 0;
	for (uint32_t i = 0; i < n; i++) {
		pts[np++] = r[i].start;
		pts[np++] = r[i].end;
	}
	qsort(pts, np, sizeof(*pts), cmp_u64);
	for (uint32_t j = 0; j + 1 < np; j++) {
		uint64_t a = pts[j], b = pts[j + 1];
		uint32_t t = MEM_NONE;
		if (a == b)
			continue;
		for (uint32_t i = 0; i < n; i++)
			if (r[i].start <= a && b <= r[i].end && r[i].type > t)
				t = r[i].type;
		if (t == MEM_NONE)
			continue;
		if (k && out[k - 1].end == a && out[k - 1].type == t)
			out[k - 1].end = b;
		else
			out[k++] = (struct rng){a, b, t};
	}
	free(pts);
	return k;
}

static bool map_equals(const struct memmap *m, const struct rng *r, uint32_t n)
{
	if (m->n != n)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (m->r[i].start != r[i].start || m->r[i].end != r[i].end ||
		    m->r[i].type != r[i].type)
			return false;
	return true;
}

static void fuzz_memmap(const uint8_t *data, size_t size)
{
	if (size < 2)
		return;
	uint64_t desc_size = le16(data), len = size - 2;
	uint8_t *buf = malloc(len + 1);
	memcpy(buf + 1, data + 2, len);
	struct memmap m, ref;
	memset(&m, 0, sizeof(m));
	memset(&ref, 0, sizeof(ref));
	status_t s = efi_memmap_convert(&m, buf + 1, len, desc_size);
	struct outcome got = outcome(s); /* the reference below makes its own */
	free(buf);

	if (desc_size < 40 || desc_size % 8 || len % desc_size) {
		check(s.code == LB_E_EFI_BAD_MEMMAP && lb_detail.a == desc_size &&
		      lb_detail.b == len && m.n == 0);
		return;
	}
	/* The reference: each descriptor's fields at their UEFI offsets. */
	uint32_t n = (uint32_t)(len / desc_size), used = 0;
	struct rng *r = malloc((n + 1) * sizeof(*r));
	status_t want = lb_ok();
	for (uint32_t i = 0; i < n && !want.code; i++) {
		const uint8_t *d = data + 2 + i * desc_size;
		uint64_t start = le64(d + 8), pages = le64(d + 24);
		unsigned __int128 end = (unsigned __int128)start + ((unsigned __int128)pages << 12);
		if (start % PAGE || end > UINT64_MAX) {
			want = lb_fail(LB_E_EFI_BAD_MEMMAP, i, start);
			break;
		}
		if (!pages)
			continue;
		r[used++] = (struct rng){start, (uint64_t)end, ref_type(le32(d))};
		want = memmap_add(&ref, start, pages * PAGE, ref_type(le32(d)));
	}
	check(s.code == want.code && (!s.code || (got.a == lb_detail.a && got.b == lb_detail.b)));
	check(s.code == LB_OK || s.code == LB_E_EFI_BAD_MEMMAP || s.code == LB_E_MEMMAP_FULL);
	check(m.n == ref.n);
	for (uint32_t i = 0; i < m.n; i++)
		check(m.r[i].start == ref.r[i].start && m.r[i].end == ref.r[i].end &&
		      m.r[i].type == ref.r[i].type);

	/* Sorted, disjoint, non-empty, merged, page-aligned. */
	check(m.n <= MEMMAP_MAX);
	for (uint32_t i = 0; i < m.n; i++) {
		check(m.r[i].start < m.r[i].end && m.r[i].type >= MEM_RAM &&
		      m.r[i].type <= MEM_UNUSABLE);
		check(m.r[i].start % PAGE == 0 && m.r[i].end % PAGE == 0);
		if (i)
			check(m.r[i - 1].end < m.r[i].start ||
			      (m.r[i - 1].end == m.r[i].start && m.r[i - 1].type != m.r[i].type));
	}

	if (used > UNION_MAX || s.code == LB_E_EFI_BAD_MEMMAP) {
		free(r);
		return;
	}
	struct rng *u = malloc((2 * used + 1) * sizeof(*u));
	if (s.code == LB_OK) {
		check(map_equals(&m, u, union_of(r, used, u)));
	} else {
		/* Full: the union up to the refused descriptor is what the map holds,
		 * and with it the union has more ranges than fit. */
		check(union_of(r, used, u) > MEMMAP_MAX);
		check(map_equals(&m, u, union_of(r, used - 1, u)));
	}
	free(u);
	free(r);
}

/* --- the DSDT ------------------------------------------------------------------ */

/* Index of the first n-byte match of what in a[from, to) lying wholly inside it,
 * or to. */
static HARNESS size_t search(const uint8_t *a, size_t from, size_t to, const void *what, size_t n)
{
	for (size_t i = from; i + n <= to; i++)
		if (!memcmp(a + i, what, n))
			return i;
	return to;
}

static HARNESS bool ref_fw_cfg(const uint8_t *a, size_t len, uint64_t *base, uint32_t *size)
{
	size_t hid = search(a, 0, len, "QEMU0002", 9);
	if (hid == len)
		return false;
	size_t from = hid + 9, lim = len - from > 128 ? from + 128 : len;
	size_t crs = search(a, from, lim, "_CRS", 4);
	if (crs == lim || crs + 4 >= lim || a[crs + 4] != 0x11)
		return false;
	/* PkgLength (ACPI 6.5 §20.2.4) at q: the Buffer is [q, q + length). */
	size_t q = crs + 5, bend = q;
	if (q < lim && q + (a[q] >> 6) < lim) {
		size_t follow = a[q] >> 6, n = follow ? a[q] & 0x0f : a[q] & 0x3f;
		for (size_t i = 1; i <= follow; i++)
			n |= (size_t)a[q + i] << (8 * i - 4);
		bend = q + n < lim ? q + n : lim;
	}
	size_t d = search(a, crs + 4, bend, "\x86\x09\x00", 3);
	if (d == bend || d + 12 > bend)
		return false;
	*base = le32(a + d + 4);
	*size = le32(a + d + 8);
	return true;
}

static void fuzz_dsdt(const uint8_t *data, size_t size)
{
	uint8_t *aml = malloc(size ? size : 1);
	memcpy(aml, data, size);
	uint64_t base = 0x5a5a5a5a5a5a5a5aull, want_base = 0;
	uint32_t sz = 0x5a5a5a5a, want_size = 0;
	bool found = acpi_dsdt_fw_cfg(aml, (uint32_t)size, &base, &sz);
	free(aml);
	bool want = ref_fw_cfg(data, size, &want_base, &want_size);
	check(found == want);
	if (found)
		check(base == want_base && sz == want_size);
	else
		check(base == 0x5a5a5a5a5a5a5a5aull && sz == 0x5a5a5a5a);
}

/* --- the firmware's event log -------------------------------------------------- */

static const uint8_t initrd_tag[4] = {0xEC, 0x22, 0x3B, 0x8F};

static HARNESS bool has_tag(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i + 4 <= n; i++)
		if (!memcmp(p + i, initrd_tag, 4))
			return true;
	return false;
}

static HARNESS void fuzz_tcg2_log(const uint8_t *data, size_t size)
{
	if (size < 2)
		return;
	uint32_t last = le16(data), n = (uint32_t)(size - 2);
	uint8_t *log = malloc(n ? n : 1);
	memcpy(log, data + 2, n);
	bool found = true;
	status_t s = tpm_log_find(log, n, last, 9, EV_EVENT_TAG, initrd_tag, 4, &found);
	check(s.code == LB_OK || s.code == LB_E_TPM_LOG_BAD);
	check(!s.code || !found);
	check(!found || has_tag(log, n));
	if (!s.code && found) {
		bool further = false;
		status_t t =
		    tpm_log_find(log, n, 0xFFFFFFFFu, 9, EV_EVENT_TAG, initrd_tag, 4, &further);
		check(t.code || further);
	}
	free(log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_pe(data, size);
	fuzz_memmap(data, size);
	fuzz_dsdt(data, size);
	fuzz_tcg2_log(data, size);
	return 0;
}
