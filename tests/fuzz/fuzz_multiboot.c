/* libFuzzer target: boot/multiboot.c on arbitrary input — the header scan
 * (multiboot_find), the a.out-kludge layout (multiboot_aout_layout), the checks
 * on QEMU's information (multiboot_check_qemu_info) and the memory map with
 * mem_lower/mem_upper (multiboot_mmap).
 *
 * Input: a mode byte (its value % 3), then
 *  mode 0, a file's first 8 KiB: a 9-byte configuration
 *     1 u16 place   where the rest of the input goes in the 8 KiB (place % 8192;
 *                   zeros elsewhere, the input cut at 8 KiB)
 *     3 u16 n       how many of those bytes the scan reads (n % 8193)
 *     5 u32 extra   the file is n + extra bytes long
 *     9 u8  flags   bit 0: 4 GiB more (a file size needs 33 bits: fw_cfg's setup
 *                   and image parts are 32 bits each)
 *   then the bytes;
 *  mode 1, QEMU's information: u32 lo (the buffer's address), the 88-byte
 *   information, then the buffer (the rest of the input);
 *  mode 2, a memory map: u8 max (the table's room, max % 129), u8 flags (bit 0:
 *   carve the PC's legacy holes), u32 out_addr, u32 the information's flags
 *   before, then 17-byte records {u64 start, u64 len, u8 kind}: kind % 10 is 0-4
 *   memmap_add of e820 types 1-5, 5-9 memmap_claim of MEM_CLAIM_FIRMWARE ..
 *   MEM_CLAIM_TABLES (in record order; claims only take free RAM).
 *
 * Checks, each against rules written out here with 128-bit arithmetic:
 *  - multiboot_find reads only the n bytes (an exact-size heap copy) and gives the
 *    status of the specification's rules (the first 4-aligned magic with a valid
 *    checksum whose 12 bytes, 32 with the a.out kludge, lie in the n bytes; bits
 *    3-15 refused; the first bad checksum named when nothing is found); a found
 *    header is 4-aligned, its checksum sums to 0, and it is the file's bytes;
 *  - multiboot_aout_layout, on the header found and on the input's first 32 bytes
 *    taken as one at offset place, agrees with the rules, and a layout it passes
 *    has load <= entry < load_end <= bss_end, its file bytes inside the file
 *    (file_offset + load_end - load <= size), the header's offset consistent
 *    with header_addr - load_addr, nothing wrapped;
 *  - multiboot_check_qemu_info agrees with the rules and reads only the buffer (an
 *    exact-size heap copy: ASan reports a read past it);
 *  - multiboot_mmap writes at most max entries (an exact-size heap table), refuses
 *    exactly when e820_build has more, and otherwise gives e820_build's entries
 *    with size 20, sorted and disjoint, mmap_length 24 per entry, the flags
 *    before plus bits 0 and 6, mem_lower the KiB up to the top of the highest
 *    RAM below 640 KiB and mem_upper the KiB of RAM reached without a gap from
 *    1 MiB (at most 2^32 - 1), RAM being what the map hands over as RAM (free
 *    RAM, the kernel, modules).
 * Seeds (tests/fuzz/corpus/multiboot): Xen 4.17's first 4 KiB (ELF32 with a v1
 * and a v2 header), hand-made ELF and a.out-kludge heads, hostile headers, QEMU's
 * information for a buffer with modules, q35/pc/6 GiB maps with leapboot's claims
 * (tests/fuzz/make-seeds). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/unit/outcome.h"
#include "e820.h"
#include "le.h"
#include "multiboot.h"

/* Harness code: no coverage feedback, which is for the code under test. */
#define HARNESS __attribute__((no_sanitize("coverage"), noinline))

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_multiboot: %s:%d: check failed: %s\n", __FILE__,     \
				__LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define HEAD_CONFIG 10
#define RECORD	    17
#define MAX_RECORDS 24
#define ONE_MIB	    0x100000ull
#define LOW_LIMIT   0xA0000ull
#define FOUR_GIB    0x100000000ull

typedef unsigned __int128 u128;

static struct outcome result(int code, uint64_t a, uint64_t b)
{
	return (struct outcome){code, a, b};
}

static HARNESS void same_outcome(const char *what, struct outcome got, struct outcome want)
{
	/* lb_detail is only meaningful after a failure. */
	if (got.code == want.code && (!got.code || (got.a == want.a && got.b == want.b)))
		return;
	fprintf(stderr, "fuzz_multiboot: %s: got %d (%#llx, %#llx), want %d (%#llx, %#llx)\n", what,
		got.code, (unsigned long long)got.a, (unsigned long long)got.b, want.code,
		(unsigned long long)want.a, (unsigned long long)want.b);
	abort();
}

/* --- the header ------------------------------------------------------------------------ */

/* The specification's search over the first n bytes of p. */
static HARNESS struct outcome ref_find(const uint8_t *p, uint32_t n, uint32_t *offset)
{
	struct outcome none = result(LB_E_MB_NONE, n, 0);
	for (uint64_t i = 0; i + 12 <= n; i += 4) {
		uint32_t magic = le32(p + i), flags = le32(p + i + 4), sum = le32(p + i + 8);
		if (magic != MULTIBOOT_HEADER_MAGIC)
			continue;
		if ((uint32_t)(magic + flags + sum)) {
			if (none.code == LB_E_MB_NONE)
				none = result(LB_E_MB_CHECKSUM, i, sum);
			continue;
		}
		*offset = (uint32_t)i;
		if (flags & 0xFFF8u)
			return result(LB_E_MB_FLAGS, i, flags);
		if (i + (flags & 0x10000u ? 32 : 12) > n)
			return result(LB_E_MB_HEADER_CUT, i, n);
		return result(LB_OK, 0, 0);
	}
	return none;
}

/* The a.out-kludge rules: the header at offset in a file of size bytes. */
static HARNESS struct outcome ref_layout(const struct multiboot_header *h, uint32_t offset,
					 uint64_t size, struct multiboot_layout *l)
{
	if (h->header_addr < h->load_addr || (u128)h->header_addr - h->load_addr > offset)
		return result(LB_E_MB_HEADER_ADDR, h->header_addr, h->load_addr);
	u128 file_offset = offset - ((u128)h->header_addr - h->load_addr);
	u128 load_end = (u128)h->load_addr + (size - file_offset);
	if (h->load_end_addr) {
		if (h->load_end_addr < h->load_addr || h->load_end_addr > load_end)
			return result(LB_E_MB_LOAD_END, h->load_end_addr, size);
		load_end = h->load_end_addr;
	}
	u128 bss_end = load_end;
	if (h->bss_end_addr) {
		if (h->bss_end_addr < load_end)
			return result(LB_E_MB_BSS_END, h->bss_end_addr, (uint64_t)load_end);
		bss_end = h->bss_end_addr;
	}
	if (h->entry_addr < h->load_addr || h->entry_addr >= load_end)
		return result(LB_E_MB_ENTRY, h->entry_addr, h->load_addr);
	*l = (struct multiboot_layout){(uint64_t)file_offset, h->load_addr, (uint64_t)load_end,
				       (uint64_t)bss_end, h->entry_addr};
	return result(LB_OK, 0, 0);
}

static HARNESS void layout(const struct multiboot_header *h, uint32_t offset, uint64_t size)
{
	struct multiboot_layout l, want;
	struct outcome got = outcome(multiboot_aout_layout(h, offset, size, &l));
	same_outcome("multiboot_aout_layout", got, ref_layout(h, offset, size, &want));
	if (got.code)
		return;
	check(!memcmp(&l, &want, sizeof(l)));
	check(l.load == h->load_addr && l.entry == h->entry_addr);
	check(l.load <= l.entry && l.entry < l.load_end && l.load_end <= l.bss_end);
	check(l.file_offset <= offset && offset - l.file_offset == h->header_addr - h->load_addr);
	check((u128)l.file_offset + (l.load_end - l.load) <= size);
	check(!h->bss_end_addr || l.bss_end == h->bss_end_addr);
	check(l.bss_end < FOUR_GIB || l.bss_end == l.load_end); /* 32-bit fields, 33-bit files */
}

static HARNESS void headers(const uint8_t *data, size_t size)
{
	static uint8_t window[MULTIBOOT_SEARCH];
	if (size < HEAD_CONFIG)
		return;
	uint32_t place = le16(data + 1) % MULTIBOOT_SEARCH;
	uint32_t n = le16(data + 3) % (MULTIBOOT_SEARCH + 1);
	uint64_t file_size = n + (uint64_t)le32(data + 5) + (data[9] & 1 ? FOUR_GIB : 0);
	data += HEAD_CONFIG;
	size -= HEAD_CONFIG;
	size_t len = size < MULTIBOOT_SEARCH - place ? size : MULTIBOOT_SEARCH - place;
	memset(window, 0, sizeof(window));
	memcpy(window + place, data, len);

	/* The scan, on exactly n bytes. */
	uint8_t *head = malloc(n ? n : 1);
	memcpy(head, window, n);
	struct multiboot_header h;
	uint32_t at = 0xFFFFFFFF, ref_at = 0xFFFFFFFF;
	memset(&h, 0xA5, sizeof(h));
	struct outcome got = outcome(multiboot_find(head, n, &h, &at));
	same_outcome("multiboot_find", got, ref_find(window, n, &ref_at));
	if (got.code == LB_OK || got.code == LB_E_MB_FLAGS || got.code == LB_E_MB_HEADER_CUT)
		check(at == ref_at);
	if (!got.code) {
		uint32_t hlen = h.flags & MB_HDR_AOUT_KLUDGE ? 32 : 12;
		check(at % 4 == 0 && at + hlen <= n);
		check(h.magic == MULTIBOOT_HEADER_MAGIC &&
		      (uint32_t)(h.magic + h.flags + h.checksum) == 0);
		check(!memcmp(&h, window + at, hlen));
		for (uint32_t i = hlen; i < sizeof(h); i++)
			check(((const uint8_t *)&h)[i] == 0);
		if (h.flags & MB_HDR_AOUT_KLUDGE)
			layout(&h, at, file_size);
	}
	free(head);

	/* Any 32 bytes as an a.out-kludge header at place, in a file that holds it. */
	if (size >= sizeof(h)) {
		memcpy(&h, data, sizeof(h));
		uint64_t at_least = place + (uint64_t)sizeof(h);
		layout(&h, place, file_size < at_least ? at_least : file_size);
	}
}

/* --- QEMU's information -------------------------------------------------------------- */

static HARNESS bool ref_string(const uint8_t *buf, uint64_t lo, uint64_t len, uint32_t addr)
{
	if (addr < lo || (u128)addr >= (u128)lo + len)
		return false;
	return memchr(buf + (addr - lo), 0, len - (addr - lo)) != NULL;
}

static HARNESS struct outcome ref_info(const struct multiboot_info *mbi, const uint8_t *buf,
				       uint64_t lo, uint64_t len)
{
	if ((mbi->flags & MBI_CMDLINE) && !ref_string(buf, lo, len, mbi->cmdline))
		return result(LB_E_MB_BAD_INFO, 16, mbi->cmdline);
	if (!(mbi->flags & MBI_MODULES) || !mbi->mods_count)
		return result(LB_OK, 0, 0);
	u128 list = mbi->mods_addr, end = list + (u128)mbi->mods_count * 16;
	if (list < lo || end > (u128)lo + len)
		return result(LB_E_MB_BAD_INFO, 24, mbi->mods_addr);
	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		const uint8_t *mod = buf + (mbi->mods_addr - lo) + 16 * (uint64_t)i;
		uint32_t start = le32(mod), stop = le32(mod + 4), cmdline = le32(mod + 8);
		if (stop < start || start < lo || (u128)stop > (u128)lo + len)
			return result(LB_E_MB_BAD_INFO, mbi->mods_addr + 16 * (uint64_t)i, start);
		if (cmdline && !ref_string(buf, lo, len, cmdline))
			return result(LB_E_MB_BAD_INFO, mbi->mods_addr + 16 * (uint64_t)i + 8,
				      cmdline);
	}
	return result(LB_OK, 0, 0);
}

static HARNESS void qemu_info(const uint8_t *data, size_t size)
{
	struct multiboot_info mbi;
	if (size < 5 + sizeof(mbi))
		return;
	uint64_t lo = le32(data + 1);
	memcpy(&mbi, data + 5, sizeof(mbi));
	data += 5 + sizeof(mbi);
	size -= 5 + sizeof(mbi);
	uint8_t *buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	struct multiboot_info copy = mbi;
	struct outcome got = outcome(multiboot_check_qemu_info(&mbi, buf, lo, size));
	same_outcome("multiboot_check_qemu_info", got, ref_info(&mbi, buf, lo, size));
	check(!memcmp(&copy, &mbi, sizeof(mbi)) && !memcmp(buf, data, size));
	free(buf);
}

/* --- the memory map ------------------------------------------------------------------ */

/* What the kernel is told is RAM: free RAM, and its own image and modules. */
static HARNESS bool counts(uint32_t type)
{
	return type == MEM_RAM || type == MEM_CLAIM_KERNEL || type == MEM_CLAIM_INITRD;
}

/* The top of the highest RAM below LOW_LIMIT (0 without any). */
static HARNESS uint64_t ref_lower(const struct memmap *m)
{
	uint64_t top = 0;
	for (uint32_t i = 0; i < m->n; i++)
		if (counts(m->r[i].type) && m->r[i].start < LOW_LIMIT)
			top = m->r[i].end < LOW_LIMIT ? m->r[i].end : LOW_LIMIT;
	return top;
}

/* RAM from at without a gap: where it ends. */
static HARNESS uint64_t ref_reach(const struct memmap *m, uint64_t at)
{
	for (bool more = true; more;) {
		more = false;
		for (uint32_t i = 0; i < m->n && !more; i++)
			if (counts(m->r[i].type) && m->r[i].start <= at && at < m->r[i].end) {
				at = m->r[i].end;
				more = true;
			}
	}
	return at;
}

static HARNESS void memory_map(const uint8_t *data, size_t size)
{
	static struct memmap m;
	static struct boot_e820_entry want[MEMMAP_MAX];
	if (size < 11)
		return;
	uint32_t max = data[1] % (MEMMAP_MAX + 1), out_addr = le32(data + 3);
	uint32_t before = le32(data + 7);
	bool carve = data[2] & 1;
	data += 11;
	size -= 11;
	/* The firmware's map, the legacy holes, then leapboot's claims. */
	uint32_t nrec = (uint32_t)(size / RECORD < MAX_RECORDS ? size / RECORD : MAX_RECORDS);
	memset(&m, 0, sizeof(m));
	for (uint32_t i = 0; i < nrec; i++)
		if (data[RECORD * i + 16] % 10 < 5)
			memmap_add(&m, le64(data + RECORD * i), le64(data + RECORD * i + 8),
				   MEM_RAM + data[RECORD * i + 16] % 10);
	if (carve)
		e820_carve_legacy(&m);
	for (uint32_t i = 0; i < nrec; i++)
		if (data[RECORD * i + 16] % 10 >= 5)
			memmap_claim(&m, le64(data + RECORD * i), le64(data + RECORD * i + 8),
				     MEM_CLAIM_FIRMWARE + data[RECORD * i + 16] % 10 - 5);

	struct multiboot_mmap_entry *out = malloc(max ? max * sizeof(*out) : 1);
	struct multiboot_info mbi = {.flags = before, .mem_lower = 0xA5A5A5A5};
	uint32_t n = 0;
	status_t built = e820_build(&m, want, MEMMAP_MAX, &n);
	check(!built.code);
	struct outcome got = outcome(multiboot_mmap(&m, out, max, out_addr, &mbi));
	if (n > max) {
		same_outcome("multiboot_mmap", got, result(LB_E_E820_TOO_MANY, n, max));
		check(mbi.flags == before && mbi.mem_lower == 0xA5A5A5A5);
		free(out);
		return;
	}
	same_outcome("multiboot_mmap", got, result(LB_OK, 0, 0));
	check(mbi.mmap_length == 24 * n && mbi.mmap_addr == out_addr);
	check(mbi.flags == (before | MBI_MEMORY | MBI_MMAP));
	for (uint32_t i = 0; i < n; i++) {
		check(out[i].size == 20);
		check(!memcmp(&out[i].e, &want[i], sizeof(want[i])));
		check(out[i].e.size && out[i].e.type >= MEM_RAM && out[i].e.type <= MEM_UNUSABLE);
		if (i)
			check((u128)out[i - 1].e.addr + out[i - 1].e.size <= out[i].e.addr);
	}
	uint64_t upper = (ref_reach(&m, ONE_MIB) - ONE_MIB) >> 10;
	check(mbi.mem_lower == ref_lower(&m) >> 10);
	check(mbi.mem_upper == (upper > UINT32_MAX ? UINT32_MAX : upper));
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	switch (data[0] % 3) {
	case 0:
		headers(data, size);
		break;
	case 1:
		qemu_info(data, size);
		break;
	default:
		memory_map(data, size);
		break;
	}
	return 0;
}
