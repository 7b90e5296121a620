#include "multiboot.h"
#include "e820.h"
#include "le.h"

#define ONE_MIB	  0x100000ull
#define LOW_LIMIT 0xA0000ull /* conventional memory ends at the VGA window */

status_t multiboot_find(const uint8_t *head, uint32_t n, struct multiboot_header *h,
			uint32_t *offset)
{
	status_t none = lb_fail(LB_E_MB_NONE, n, 0);
	for (uint32_t i = 0; i + 12 <= n; i += 4) {
		if (le32(head + i) != MULTIBOOT_HEADER_MAGIC)
			continue;
		uint32_t flags = le32(head + i + 4), sum = le32(head + i + 8);
		/* Not a header; if no other is, the likeliest reason this file
		 * is not recognised. */
		if (MULTIBOOT_HEADER_MAGIC + flags + sum) {
			if (none.code == LB_E_MB_NONE)
				none = lb_fail(LB_E_MB_CHECKSUM, i, sum);
			continue;
		}
		*offset = i;
		/* Bits 0-15 are demands: one leapboot does not know cannot be met. */
		if (flags & 0xFFFFu & ~MB_HDR_KNOWN_REQ)
			return lb_fail(LB_E_MB_FLAGS, i, flags);
		uint32_t len = flags & MB_HDR_AOUT_KLUDGE ? sizeof(*h) : 12;
		if (i + len > n)
			return lb_fail(LB_E_MB_HEADER_CUT, i, n);
		*h = (struct multiboot_header){0};
		__builtin_memcpy(h, head + i, len);
		return lb_ok();
	}
	return none;
}

status_t multiboot_aout_layout(const struct multiboot_header *h, uint32_t offset, uint64_t size,
			       struct multiboot_layout *l)
{
	/* The header sits at header_addr in memory and at offset in the file: the
	 * file byte that lands at load_addr is that far before it. */
	uint64_t before = (uint64_t)h->header_addr - h->load_addr;
	if (h->header_addr < h->load_addr || before > offset)
		return lb_fail(LB_E_MB_HEADER_ADDR, h->header_addr, h->load_addr);
	l->file_offset = offset - before;
	l->load = h->load_addr;
	/* load_end_addr 0: the rest of the file. */
	uint64_t from_file = size - l->file_offset;
	if (h->load_end_addr) {
		if (h->load_end_addr < h->load_addr ||
		    (uint64_t)h->load_end_addr - h->load_addr > from_file)
			return lb_fail(LB_E_MB_LOAD_END, h->load_end_addr, size);
		from_file = (uint64_t)h->load_end_addr - h->load_addr;
	}
	l->load_end = l->load + from_file;
	/* bss_end_addr 0: no bss. */
	l->bss_end = l->load_end;
	if (h->bss_end_addr) {
		if (h->bss_end_addr < l->load_end)
			return lb_fail(LB_E_MB_BSS_END, h->bss_end_addr, l->load_end);
		l->bss_end = h->bss_end_addr;
	}
	l->entry = h->entry_addr;
	if (l->entry < l->load || l->entry >= l->load_end)
		return lb_fail(LB_E_MB_ENTRY, l->entry, l->load);
	return lb_ok();
}

status_t multiboot_mmap(const struct memmap *m, struct multiboot_mmap_entry *out, uint32_t max,
			uint32_t out_addr, struct multiboot_info *mbi)
{
	struct boot_e820_entry e[MEMMAP_MAX];
	uint32_t n;
	status_t s = e820_build(m, e, max < MEMMAP_MAX ? max : MEMMAP_MAX, &n);
	if (s.code)
		return s;
	/* From the map handed over, as QEMU's option ROM has them: mem_lower the
	 * top of conventional memory (INT 12h's answer: leapboot's own pages at
	 * its bottom do not shorten it), mem_upper the usable RAM from 1 MiB on. */
	uint64_t lower = 0, upper = ONE_MIB;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t start = e[i].addr, end = start + e[i].size;
		if (e[i].type != MEM_RAM)
			continue;
		if (start < LOW_LIMIT)
			lower = end < LOW_LIMIT ? end : LOW_LIMIT;
		if (start <= upper && end > upper)
			upper = end;
	}
	if (upper - ONE_MIB > 0xFFFFFFFFull << 10)
		upper = ONE_MIB + (0xFFFFFFFFull << 10);
	for (uint32_t i = 0; i < n; i++)
		out[i] = (struct multiboot_mmap_entry){sizeof(out[i].e), e[i]};
	mbi->mem_lower = (uint32_t)(lower >> 10);
	mbi->mem_upper = (uint32_t)((upper - ONE_MIB) >> 10);
	mbi->mmap_addr = out_addr;
	mbi->mmap_length = n * (uint32_t)sizeof(*out);
	mbi->flags |= MBI_MEMORY | MBI_MMAP;
	return lb_ok();
}

/* A NUL-terminated string at addr, inside [lo, lo + len). */
static bool string_inside(const uint8_t *buf, uint64_t lo, uint64_t len, uint32_t addr)
{
	if (addr < lo || addr - lo >= len)
		return false;
	for (uint64_t i = addr - lo; i < len; i++)
		if (!buf[i])
			return true;
	return false;
}

status_t multiboot_check_qemu_info(const struct multiboot_info *mbi, const uint8_t *buf,
				   uint64_t lo, uint64_t len)
{
	if ((mbi->flags & MBI_CMDLINE) && !string_inside(buf, lo, len, mbi->cmdline))
		return lb_fail(LB_E_MB_BAD_INFO, __builtin_offsetof(struct multiboot_info, cmdline),
			       mbi->cmdline);
	if (!(mbi->flags & MBI_MODULES))
		return lb_ok();
	uint64_t list = mbi->mods_addr, size = (uint64_t)mbi->mods_count * 16;
	if (mbi->mods_count && (list < lo || list - lo > len || size > len - (list - lo)))
		return lb_fail(LB_E_MB_BAD_INFO,
			       __builtin_offsetof(struct multiboot_info, mods_addr), list);
	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		const uint8_t *mod = buf + (list - lo) + 16 * i;
		uint32_t start = le32(mod), end = le32(mod + 4), cmdline = le32(mod + 8);
		if (end < start || start < lo || end - lo > len)
			return lb_fail(LB_E_MB_BAD_INFO, list + 16 * i, start);
		if (cmdline && !string_inside(buf, lo, len, cmdline))
			return lb_fail(LB_E_MB_BAD_INFO, list + 16 * i + 8, cmdline);
	}
	return lb_ok();
}

void multiboot_plan(uint64_t entry, uint64_t lo, uint64_t hi, uint64_t mb, uint64_t mb_len,
		    uint64_t reach, struct boot_plan *plan)
{
	*plan =
	    (struct boot_plan){.mode = BOOT_MULTIBOOT32, .entry = entry, .arg = mb, .reach = reach};
	plan_add_region(plan, lo, hi - lo, MEM_CLAIM_KERNEL);
	plan_add_region(plan, mb, mb_len, MEM_CLAIM_FIRMWARE);
}
