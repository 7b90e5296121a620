/* Multiboot kernels from fw_cfg: QEMU's prepared buffer, or a file leapboot
 * reads itself (the a.out kludge here, an ELF through kernel.c), and the
 * information they are handed. Every byte passes kernel_source. */
#include "multiboot_load.h"
#include "out_of_line.h"
#include "phys.h"
#include "../loader/libc/string.h"

#define PAGE	    0x1000ull
#define FOUR_GIB    0x100000000ull
#define LOADER_NAME "leapboot"

OUT_OF_LINE status_t multiboot_detect(struct fw_cfg *fc, const struct kernel_source *src,
				      const uint8_t *head, uint32_t n, struct multiboot_header *h,
				      uint32_t *offset)
{
	uint8_t first[MULTIBOOT_SEARCH];
	uint64_t size = kernel_source_size(src, ITEM_KERNEL);
	uint32_t want = size < MULTIBOOT_SEARCH ? (uint32_t)size : MULTIBOOT_SEARCH;

	status_t s = multiboot_find(head, n, h, offset);
	bool more =
	    s.code == LB_E_MB_NONE || s.code == LB_E_MB_CHECKSUM || s.code == LB_E_MB_HEADER_CUT;
	if (!more || want <= n)
		return s;
	/* The rest of the 8 KiB only for a file that is neither of the first
	 * n bytes' formats; a header may straddle the two reads (cut at n, which
	 * is not the end of the file). */
	s = kernel_source_peek(fc, src, ITEM_KERNEL, 0, phys(first), want);
	if (!s.code)
		s = multiboot_find(first, want, h, offset);
	return s;
}

/* The image's span must be free RAM below 4 GiB: not leapboot, a hole or a table. */
static status_t claim_image(struct memmap *m, uint64_t lo, uint64_t hi, uint64_t reach)
{
	if (hi > FOUR_GIB || hi > reach || !memmap_covered(m, lo, hi, MEM_RAM))
		return lb_fail(LB_E_MB_NOT_FREE, lo, hi - lo);
	return memmap_claim(m, lo, hi - lo, MEM_CLAIM_KERNEL);
}

OUT_OF_LINE status_t multiboot_load_aout(struct fw_cfg *fc, const struct kernel_source *src,
					 struct memmap *m, uint64_t reach,
					 const struct multiboot_header *h, uint32_t offset,
					 struct kernel *k)
{
	struct multiboot_layout l;
	uint64_t size = kernel_source_size(src, ITEM_KERNEL);
	status_t s = multiboot_aout_layout(h, offset, size, &l);
	if (!s.code)
		s = claim_image(m, l.load, l.bss_end, reach);
	if (s.code)
		return s;
	uint64_t len = l.load_end - l.load;
	s = kernel_source_show_unplaced(fc, src, ITEM_KERNEL, 0, l.file_offset);
	if (!s.code)
		s = kernel_source_fetch(fc, src, ITEM_KERNEL, (uint32_t)l.file_offset, l.load,
					(uint32_t)len);
	if (!s.code)
		s = kernel_source_show_unplaced(fc, src, ITEM_KERNEL, l.file_offset + len,
						size - l.file_offset - len);
	memset((void *)(uintptr_t)l.load_end, 0, l.bss_end - l.load_end);
	k->format = KERNEL_MULTIBOOT;
	k->entry = l.entry;
	k->lo = l.load;
	k->hi = l.bss_end;
	return s;
}

OUT_OF_LINE status_t multiboot_load_qemu(struct fw_cfg *fc, const struct kernel_source *src,
					 struct memmap *m, struct kernel *k)
{
	k->format = KERNEL_MULTIBOOT;
	k->entry = src->preloaded_entry;
	k->lo = src->preloaded_addr;
	k->hi = k->lo + src->image.size;
	status_t s = claim_image(m, k->lo, k->hi, FOUR_GIB);
	if (!s.code)
		s = kernel_source_fetch(fc, src, ITEM_KERNEL, 0, k->lo, src->image.size);
	return s;
}

/* Appends "name args" (args from item, when it has bytes) to the strings; the
 * address of the copy in *addr. */
static status_t add_cmdline(struct fw_cfg *fc, const struct kernel_source *src,
			    enum kernel_item item, const char *name, struct multiboot_boot *mb,
			    uint64_t mb_addr, uint32_t *used, uint32_t *addr)
{
	char *at = mb->strings + *used;
	uint32_t cap = MULTIBOOT_STRINGS_CAP - *used, n = (uint32_t)strlen(name), len;
	if (n + 2 > cap)
		return lb_fail(LB_E_CMDLINE_TOO_LONG, n, cap);
	memcpy(at, name, n);
	at[n] = ' ';
	status_t s = kernel_source_text(fc, src, item, cap - n - 2, at + n + 1, cap - n - 1, &len);
	if (s.code)
		return s;
	if (!len)
		at[n] = '\0';
	*addr = (uint32_t)(mb_addr + (uint64_t)(at - (char *)mb));
	*used += n + 1 + len + 1;
	return lb_ok();
}

/* opt/leapboot/module<i>, each page-aligned as high as it fits below 4 GiB. */
static status_t load_modules(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
			     uint64_t reach, struct multiboot_boot *mb, uint64_t mb_addr,
			     uint32_t *used)
{
	char name[KERNEL_SOURCE_NAME_CAP];
	uint64_t limit = fc->dma ? FOUR_GIB : (reach < FOUR_GIB ? reach : FOUR_GIB);

	for (uint32_t i = 0; i < src->modules->n; i++) {
		uint32_t size = src->modules->file[i].size;
		uint64_t addr;
		kernel_source_module_name(i, name);
		uint64_t pages = (size + PAGE - 1) & ~(PAGE - 1);
		status_t s =
		    memmap_find(m, pages ? pages : PAGE, PAGE, 0x100000, limit, true, &addr);
		if (s.code)
			return lb_fail(LB_E_MB_MODULE_NO_ROOM, i, size);
		s = memmap_claim(m, addr, pages ? pages : PAGE, MEM_CLAIM_INITRD);
		if (!s.code)
			s = kernel_source_fetch(fc, src, ITEM_MODULE(i), 0, addr, size);
		uint32_t cmdline = 0;
		if (!s.code)
			s = add_cmdline(fc, src, ITEM_MODULE_CMDLINE(i), name, mb, mb_addr, used,
					&cmdline);
		if (s.code)
			return s;
		mb->mods[i] =
		    (struct multiboot_module){(uint32_t)addr, (uint32_t)(addr + size), cmdline, 0};
	}
	mb->info.mods_count = src->modules->n;
	mb->info.mods_addr = (uint32_t)(mb_addr + __builtin_offsetof(struct multiboot_boot, mods));
	mb->info.flags |= MBI_MODULES;
	return lb_ok();
}

OUT_OF_LINE status_t multiboot_describe(struct fw_cfg *fc, const struct kernel_source *src,
					struct memmap *m, uint64_t reach, struct multiboot_boot *mb,
					uint64_t mb_addr)
{
	status_t s;
	memset(&mb->info, 0, sizeof(mb->info));
	if (src->qemu_multiboot) {
		/* QEMU's information, pointing into the buffer already in place. */
		if (src->mbi.size < sizeof(mb->info))
			return lb_fail(LB_E_MB_BAD_INFO, 0, src->mbi.size);
		s = fw_cfg_read(fc, src->mbi.key, 0, phys(&mb->info), sizeof(mb->info));
		if (!s.code)
			s = multiboot_check_qemu_info(
			    &mb->info, (const uint8_t *)(uintptr_t)src->preloaded_addr,
			    src->preloaded_addr, src->image.size);
	} else {
		struct kernel_modules mods;
		struct kernel_source with_modules = *src;
		uint32_t used = 0, cmdline = 0;
		if (src->initrd.size)
			return lb_fail(LB_E_MB_INITRD, src->initrd.size, 0);
		with_modules.modules = &mods;
		s = kernel_source_modules(fc, &mods);
		if (!s.code)
			s = add_cmdline(fc, src, ITEM_CMDLINE, src->origin, mb, mb_addr, &used,
					&cmdline);
		mb->info.cmdline = cmdline;
		if (!s.code)
			s = load_modules(fc, &with_modules, m, reach, mb, mb_addr, &used);
		mb->info.flags |= MBI_CMDLINE;
	}
	if (s.code)
		return s;
	memcpy(mb->loader_name, LOADER_NAME, sizeof(LOADER_NAME));
	mb->info.boot_loader_name =
	    (uint32_t)(mb_addr + __builtin_offsetof(struct multiboot_boot, loader_name));
	mb->info.flags |= MBI_LOADER_NAME;
	return multiboot_mmap(m, mb->mmap, MEMMAP_MAX,
			      (uint32_t)(mb_addr + __builtin_offsetof(struct multiboot_boot, mmap)),
			      &mb->info);
}
