#include "bzimage.h"
#include "e820.h"
#include "initrd.h"
#include "../loader/libc/string.h"

#define ONE_MIB		 0x100000ull
#define PAGE		 0x1000ull
#define FOUR_GIB	 0x100000000ull
#define ENTRY64_OFFSET	 0x200
#define OLD_INITRD_LIMIT 0x37FFFFFFull /* boot.rst: before protocol 2.03 */
#define OLD_CMDLINE_MAX	 255	       /* boot.rst: before protocol 2.06 */

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

status_t bzimage_parse(struct bzimage *bz, const void *head, size_t len)
{
	const uint8_t *p = head;
	struct setup_header *h = &bz->hdr;

	memset(bz, 0, sizeof(*bz));
	if (len < 0x206)
		return lb_fail(LB_E_KERNEL_TOO_SMALL, len, BZIMAGE_HEAD_MIN);
	uint32_t magic;
	memcpy(&magic, p + 0x202, sizeof(magic));
	if (magic != SETUP_HDR_MAGIC)
		return lb_fail(LB_E_KERNEL_NO_HDRS, magic, 0);
	/* The byte at 0x201 is the jump's displacement: the header ends there. */
	bz->hdr_len = 0x202 + p[0x201] - SETUP_HDR_OFFSET;
	if (bz->hdr_len > sizeof(*h))
		bz->hdr_len = sizeof(*h);
	if (len < SETUP_HDR_OFFSET + bz->hdr_len)
		return lb_fail(LB_E_KERNEL_TOO_SMALL, len, SETUP_HDR_OFFSET + bz->hdr_len);
	memcpy(h, p + SETUP_HDR_OFFSET, bz->hdr_len);

	if (h->boot_flag != BOOT_FLAG_MAGIC)
		return lb_fail(LB_E_KERNEL_NO_BOOTFLAG, h->boot_flag, 0);
	if (h->version < 0x202 || !(h->loadflags & LOADED_HIGH))
		return lb_fail(LB_E_KERNEL_16BIT_ONLY, h->version, h->loadflags);
	/* Programs for a BIOS in a bzImage's header: no protected-mode part (memdisk, GRUB's
	 * lnxboot.img: their setup moves what follows) or no 32-bit entry (iPXE's .lkrn: what
	 * follows is compressed). The 32-bit entry would run into data. Linux sets both. */
	uint32_t syssize = h->version >= 0x204 ? h->syssize : (uint16_t)h->syssize;
	if (!syssize || !h->code32_start)
		return lb_fail(LB_E_KERNEL_REAL_MODE_ONLY, syssize, h->code32_start);

	bz->setup_size = ((h->setup_sects ? h->setup_sects : 4) + 1) * 512u;
	bz->mode =
	    h->version >= 0x20C && (h->xloadflags & XLF_KERNEL_64) ? BOOT_LINUX64 : BOOT_LINUX32;
	bz->initrd_limit = (h->version >= 0x203 ? h->initrd_addr_max : OLD_INITRD_LIMIT) + 1ull;
	if (h->version >= 0x20C && (h->xloadflags & XLF_CAN_LOAD_ABOVE_4G))
		bz->initrd_limit = UINT64_MAX;
	bz->cmdline_max = h->version >= 0x206 ? h->cmdline_size : OLD_CMDLINE_MAX;
	/* A kernel_alignment that is no power of two aligns nothing: 1 MiB then,
	 * where QEMU's and SeaBIOS's loaders always put the kernel (boot.rst: a
	 * relocatable kernel realigns itself). */
	bz->align = ONE_MIB;
	uint32_t ka = h->kernel_alignment;
	if (h->version >= 0x205 && h->relocatable_kernel && ka && !(ka & (ka - 1)))
		bz->align = ka;
	return lb_ok();
}

status_t bzimage_check_sizes(struct bzimage *bz, uint64_t setup_bytes, uint64_t file_size)
{
	const struct setup_header *h = &bz->hdr;

	if (setup_bytes) {
		/* Split source (QEMU's SETUP_DATA + KERNEL_DATA): file_size is the
		 * protected-mode part alone. */
		if (setup_bytes != bz->setup_size)
			return lb_fail(LB_E_KERNEL_SETUP_MISMATCH, setup_bytes, bz->setup_size);
		bz->pm_size = file_size;
	} else {
		if (bz->setup_size >= file_size)
			return lb_fail(LB_E_KERNEL_SETUP_TOO_BIG, bz->setup_size, file_size);
		bz->pm_size = file_size - bz->setup_size;
	}
	/* syssize counts 16-byte paragraphs, rounded up (boot.rst): the last one
	 * may be partial, so a part up to 15 bytes shorter is whole. */
	uint64_t sys = h->version >= 0x204 ? (uint64_t)h->syssize * 16 : 0;
	if (bz->pm_size + 15 < sys)
		return lb_fail(LB_E_KERNEL_TRUNCATED, bz->pm_size, sys);
	if (h->version >= 0x20A) {
		bz->init_size = h->init_size;
	} else {
		/* No init_size before 2.10: leave room for in-place decompression
		 * (saturating: the size is the caller's, it may be anything). */
		bz->init_size = bz->pm_size <= UINT64_MAX / 4 ? bz->pm_size * 4 : UINT64_MAX;
	}
	if (bz->init_size < bz->pm_size)
		bz->init_size = bz->pm_size;
	if (bz->init_size > UINT64_MAX - (PAGE - 1))
		return lb_fail(LB_E_KERNEL_NO_ROOM, bz->init_size, bz->align);
	bz->init_size = align_up(bz->init_size, PAGE);
	return lb_ok();
}

status_t bzimage_place_kernel(struct bzimage *bz, struct memmap *m, uint64_t limit)
{
	const struct setup_header *h = &bz->hdr;
	uint64_t pref = h->version >= 0x20A ? h->pref_address : ONE_MIB;
	bool relocatable = h->version >= 0x205 && h->relocatable_kernel;

	/* pref_address comes from the image: compare without overflowing. */
	if (limit > FOUR_GIB)
		limit = FOUR_GIB;
	/* The claim is the test that pref_address is free RAM. Alignment is a
	 * relocating loader's concern: a kernel that cannot move runs where it
	 * says (boot.rst), aligned or not. */
	bz->load = pref;
	if (pref >= ONE_MIB && (!relocatable || !(pref & (bz->align - 1))) && pref < limit &&
	    bz->init_size <= limit - pref) {
		status_t s = memmap_claim(m, pref, bz->init_size, MEM_CLAIM_KERNEL);
		if (s.code != LB_E_MEMMAP_NOT_RAM)
			return s; /* placed there, or the map is full */
	}
	if (!relocatable)
		return lb_fail(LB_E_KERNEL_NOT_RELOCATABLE, pref, bz->init_size);
	status_t s = memmap_find(m, bz->init_size, bz->align, ONE_MIB, limit, false, &bz->load);
	if (s.code)
		return lb_fail(LB_E_KERNEL_NO_ROOM, bz->init_size, bz->align);
	return memmap_claim(m, bz->load, bz->init_size, MEM_CLAIM_KERNEL);
}

status_t bzimage_boot_params(const struct bzimage *bz, struct boot_params *bp,
			     const struct bzimage_args *args, const struct memmap *m)
{
	struct setup_header *h = &bp->hdr;

	memset(bp, 0, sizeof(*bp));
	memcpy(h, &bz->hdr, bz->hdr_len);
	h->type_of_loader = LOADER_TYPE_UNKNOWN;
	h->loadflags &= LOADED_HIGH | 0x20; /* keep QUIET; heap flags are 16-bit only */
	h->heap_end_ptr = 0;
	h->code32_start = (uint32_t)bz->load;
	h->cmd_line_ptr = (uint32_t)args->cmdline;
	bp->ext_cmd_line_ptr = (uint32_t)(args->cmdline >> 32);
	h->ramdisk_image = (uint32_t)args->initrd;
	bp->ext_ramdisk_image = (uint32_t)(args->initrd >> 32);
	h->ramdisk_size = (uint32_t)args->initrd_size;
	bp->ext_ramdisk_size = (uint32_t)(args->initrd_size >> 32);
	h->setup_data = 0;
	bp->acpi_rsdp_addr = args->rsdp;

	uint32_t n;
	status_t s = e820_build(m, bp->e820_table, 128, &n);
	if (s.code)
		return s;
	bp->e820_entries = (uint8_t)n;
	return lb_ok();
}

void bzimage_plan(const struct bzimage *bz, uint64_t boot_params, uint64_t reach,
		  struct boot_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->mode = bz->mode;
	plan->entry = bz->load + (bz->mode == BOOT_LINUX64 ? ENTRY64_OFFSET : 0);
	plan->arg = boot_params;
	plan->reach = reach;
	plan_add_region(plan, bz->load, bz->init_size, MEM_CLAIM_KERNEL);
}
