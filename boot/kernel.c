/* The x86 kernel formats fetched into place: a bzImage's protected-mode part,
 * a PVH ELF's segments, the initrd. Every byte passes kernel_source, in file
 * order, so that an observer sees the whole file once. */
#include "kernel.h"
#include "initrd.h"
#include "le.h"
#include "multiboot_load.h"
#include "buffer_sizes.h"
#include "phys.h"
#include "../elf/elf.h"
#include "../loader/libc/string.h"

#define NOTES_MAX	4096
#define PVH_CMDLINE_MAX 2047 /* Linux's COMMAND_LINE_SIZE less the NUL */
/* A 32-bit entry (PVH, a bzImage without XLF_KERNEL_64) gets 32-bit pointers: its
 * initrd stays below 4 GiB, whatever the kernel says it could use later. */
#define ENTRY32_INITRD_LIMIT 0x100000000ull

/* The setup part is not run (the 32/64-bit entry follows it), so it has no
 * place: shown from the head where it fits, the rest read for an observer. */
static status_t load_bzimage(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
			     uint64_t reach, const uint8_t *head, uint32_t n, struct kernel *k)
{
	struct bzimage *bz = &k->bz;
	status_t s = bzimage_parse(bz, head, n);
	if (!s.code)
		s = bzimage_check_sizes(bz, src->setup.size, src->image.size);
	if (!s.code)
		s = bzimage_place_kernel(bz, m, reach);
	if (s.code)
		return s;
	k->format = KERNEL_BZIMAGE;
	k->initrd_limit = bz->mode == BOOT_LINUX64 || bz->initrd_limit < ENTRY32_INITRD_LIMIT
			      ? bz->initrd_limit
			      : ENTRY32_INITRD_LIMIT;
	k->cmdline_max = bz->cmdline_max;
	uint32_t shown = n < bz->setup_size ? n : bz->setup_size;
	kernel_source_show(src, ITEM_KERNEL, 0, phys(head), shown);
	s = kernel_source_show_unplaced(fc, src, ITEM_KERNEL, shown, bz->setup_size - shown);
	if (!s.code)
		s = kernel_source_fetch(fc, src, ITEM_KERNEL, bz->setup_size, bz->load,
					(uint32_t)bz->pm_size);
	return s;
}

/* The segments in file order, and what lies between and after them shown as
 * unplaced bytes: the observer sees the file, not only what is loaded. */
static status_t fetch_segments(struct fw_cfg *fc, const struct kernel_source *src,
			       const struct elf_image *img)
{
	uint32_t order[ELF_MAX_SEGMENTS];
	uint64_t at = 0;
	status_t s = lb_ok();

	for (uint32_t i = 0; i < img->nload; i++) {
		uint32_t j = i;
		for (; j && img->load[order[j - 1]].offset > img->load[i].offset; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (uint32_t i = 0; i < img->nload && !s.code; i++) {
		const struct elf_segment *seg = &img->load[order[i]];
		uint64_t end = seg->offset + seg->filesz;
		if (seg->offset > at)
			s = kernel_source_show_unplaced(fc, src, ITEM_KERNEL, at, seg->offset - at);
		/* Segments may share file bytes: those already shown are only placed. */
		uint64_t skip = at > seg->offset ? (at < end ? at : end) - seg->offset : 0;
		if (!s.code)
			s = kernel_source_peek(fc, src, ITEM_KERNEL, (uint32_t)seg->offset,
					       seg->paddr, (uint32_t)seg->filesz);
		if (!s.code)
			kernel_source_show(src, ITEM_KERNEL, seg->offset + skip, seg->paddr + skip,
					   seg->filesz - skip);
		if (!s.code)
			memset((void *)(uintptr_t)(seg->paddr + seg->filesz), 0,
			       seg->memsz - seg->filesz);
		if (end > at)
			at = end;
	}
	if (!s.code && src->image.size > at)
		s = kernel_source_show_unplaced(fc, src, ITEM_KERNEL, at, src->image.size - at);
	return s;
}

/* The PVH entry from the notes (none: no boot). */
static status_t find_pvh_entry(struct fw_cfg *fc, const struct kernel_source *src,
			       const struct elf_image *img, struct kernel *k)
{
	uint8_t notes[NOTES_MAX];
	status_t s = lb_fail(LB_E_ELF_NO_PVH_NOTE, 0, 0);
	for (uint32_t i = 0; i < img->nnote && s.code; i++) {
		uint32_t len =
		    img->note[i].filesz < NOTES_MAX ? (uint32_t)img->note[i].filesz : NOTES_MAX;
		s = kernel_source_peek(fc, src, ITEM_KERNEL, (uint32_t)img->note[i].offset,
				       phys(notes), len);
		if (!s.code)
			s = elf_find_pvh_entry(notes, len, &k->entry);
	}
	return s;
}

/* An ELF from a whole-file source, PVH or multiboot (format): the entry first,
 * then the segments by DMA to their physical addresses, bss tails zeroed. A
 * multiboot ELF's entry is physical, as QEMU takes it; it must be in a segment. */
static status_t load_elf(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
			 uint64_t reach, const uint8_t *head, uint32_t n, enum kernel_format format,
			 struct kernel *k)
{
	struct elf_image img;
	status_t s = elf_parse(&img, head, n, src->image.size);

	if (s.code)
		return s;
	if (format == KERNEL_PVH)
		s = find_pvh_entry(fc, src, &img, k);
	k->entry = format == KERNEL_PVH ? k->entry : img.entry;
	if (!s.code && format == KERNEL_MULTIBOOT && (img.entry < img.lo || img.entry >= img.hi))
		s = lb_fail(LB_E_MB_ENTRY, img.entry, img.lo);
	if (s.code)
		return s;
	/* Each segment in RAM, before the span is judged: a segment past the end
	 * of RAM is the file's fault, whatever the CPU can reach. */
	for (uint32_t i = 0; i < img.nload; i++) {
		uint64_t lo = img.load[i].paddr, hi = lo + img.load[i].memsz;
		if (memmap_ram_size(m, hi) - memmap_ram_size(m, lo) != hi - lo)
			return lb_fail(LB_E_ELF_SEGMENT_NOT_RAM, lo, hi - lo);
	}
	/* The CPU zeroes the bss tails: the whole span must be within its reach. */
	if (img.hi > reach)
		return lb_fail(LB_E_PLAN_UNREACHABLE, img.lo, img.hi - img.lo);
	/* A multiboot kernel has 32-bit pointers, and no say in where it goes. */
	if (format == KERNEL_MULTIBOOT &&
	    (img.hi > 0x100000000ull || !memmap_covered(m, img.lo, img.hi, MEM_RAM)))
		return lb_fail(LB_E_MB_NOT_FREE, img.lo, img.hi - img.lo);
	s = memmap_claim(m, img.lo, img.hi - img.lo, MEM_CLAIM_KERNEL);
	if (!s.code)
		s = fetch_segments(fc, src, &img);
	k->format = format;
	k->lo = img.lo;
	k->hi = img.hi;
	return s;
}

status_t kernel_load(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
		     uint64_t reach, struct kernel *k)
{
	uint8_t head[KERNEL_HEAD_BYTES];

	memset(k, 0, sizeof(*k));
	k->initrd_limit = ENTRY32_INITRD_LIMIT;
	k->cmdline_max = PVH_CMDLINE_MAX;
	if (src->qemu_multiboot)
		return multiboot_load_qemu(fc, src, m, k);
	if (src->preloaded_entry) {
		k->format = KERNEL_PVH;
		k->entry = src->preloaded_entry;
		k->lo = src->preloaded_addr;
		k->hi = k->lo + src->preloaded_size;
		/* QEMU placed it: the observer sees the span where it lies. */
		kernel_source_show(src, ITEM_KERNEL, 0, k->lo, src->preloaded_size);
		return memmap_claim(m, k->lo, src->preloaded_size, MEM_CLAIM_KERNEL);
	}
	uint32_t size = src->setup.size ? src->setup.size : src->image.size;
	uint32_t n = size < sizeof(head) ? size : (uint32_t)sizeof(head);
	status_t s = kernel_source_peek(fc, src, ITEM_KERNEL, 0, phys(head), n);
	if (s.code)
		return s;
	/* QEMU's split bzImage (a setup part) is known; a whole file is looked at. */
	if (!src->setup.size &&
	    !(n >= SETUP_HDR_OFFSET + 0x15 && le32(head + 0x202) == SETUP_HDR_MAGIC)) {
		struct multiboot_header h;
		uint32_t at;
		s = multiboot_detect(fc, src, head, n, &h, &at);
		if (!s.code && (h.flags & MB_HDR_AOUT_KLUDGE))
			return multiboot_load_aout(fc, src, m, reach, &h, at, k);
		if (!s.code)
			return load_elf(fc, src, m, reach, head, n, KERNEL_MULTIBOOT, k);
		/* A bad checksum is the reason only where nothing else fits. */
		if (s.code != LB_E_MB_NONE && (s.code != LB_E_MB_CHECKSUM || !elf_is_elf(head, n)))
			return s;
	}
	if (elf_is_elf(head, n) && !src->setup.size)
		return load_elf(fc, src, m, reach, head, n, KERNEL_PVH, k);
	return load_bzimage(fc, src, m, reach, head, n, k);
}

status_t kernel_load_initrd(struct fw_cfg *fc, const struct kernel_source *src,
			    const struct kernel *k, struct memmap *m, uint64_t reach,
			    uint64_t *addr)
{
	uint64_t size = kernel_source_initrd_size(src);
	*addr = 0;
	if (!size)
		return lb_ok();
	/* A unified kernel image's archives are padded by the CPU. */
	uint64_t limit = fc->dma && !src->uki ? UINT64_MAX : reach;
	status_t s = initrd_place_limited(m, size, k->initrd_limit, limit, addr);
	if (s.code)
		return s;
	return kernel_source_fetch_initrd(fc, src, *addr);
}
