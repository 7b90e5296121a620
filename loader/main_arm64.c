/* The arm64 pipeline: DTB → fw_cfg → memory map → Image → initrd → /chosen → jump. */
#include <libfdt.h>
#include "arch.h"
#include "console.h"
#include "fw_cfg.h"
#include "gunzip.h"
#include "kernel_source.h"
#include "buffer_sizes.h"
#include "memmap.h"
#include "noinit.h"
#include "phys.h"
#include "stage.h"
#include "arch/aarch64/boot_markers.h"
#include "fw_cfg_mmio.h"
#include "libc/string.h"
#include "../boot/arm64.h"
#include "../boot/fdt_check.h"
#include "../boot/initrd.h"

#define RAM_BASE       0x40000000ull /* QEMU virt: the DTB is here for -bios */
#define FW_CFG_DEFAULT 0x09020000ull
#define DTB_ROOM       0x200000ull /* the DTB gets a 2 MiB region of its own */

static struct gunzip gz_state;
static struct fw_cfg_file fw_cfg_dir[FW_CFG_DIR_MAX] NOINIT;
static struct memmap memmap NOINIT;
static char cmdline[CMDLINE_CAP] NOINIT;

/* An Image.gz: DMA the compressed file to free RAM, inflate its header to learn
 * where the kernel goes, then inflate the rest straight there. */
static status_t load_gzip(struct fw_cfg *fc, const struct kernel_source *src,
			  struct arm64_image *img, uint64_t *entry, uint64_t *size)
{
	const struct fw_cfg_blob *kernel = &src->image;
	uint64_t gz;
	uint8_t head[ARM64_HEAD_BYTES];

	status_t s = memmap_find(&memmap, kernel->size, 4096, 0, UINT64_MAX, true, &gz);
	if (!s.code)
		s = memmap_claim(&memmap, gz, kernel->size, MEM_CLAIM_FIRMWARE); /* staging */
	/* The observer sees the file, the compressed bytes. */
	if (!s.code)
		s = kernel_source_fetch(fc, src, ITEM_KERNEL, 0, gz, kernel->size);
	if (s.code)
		return s;
	uint32_t got;
	s = gunzip_head(&gz_state, (const void *)(uintptr_t)gz, kernel->size, head, sizeof(head),
			&got);
	if (!s.code)
		s = arm64_parse(img, head, got);
	if (!s.code)
		s = arm64_place(img, &memmap);
	if (s.code)
		return s;
	*entry = img->base + img->text_offset;
	memcpy((void *)(uintptr_t)*entry, head, got);
	s = gunzip_rest(&gz_state, (void *)(uintptr_t)(*entry + got), img->image_size - got,
			img->image_size, size);
	memmap_set(&memmap, gz, gz + kernel->size, MEM_RAM);
	return s;
}

bool boot_markers;

/* x0: the DTB when started as a kernel (Image form), 0 from reset. */
void leapboot_main(uint64_t x0)
{
	const void *dtb = (const void *)(uintptr_t)(x0 ? x0 : RAM_BASE);
	struct fw_cfg fc;
	struct arm64_image img;
	struct boot_plan plan;
	uint64_t initrd_addr = 0, dtb_addr;
	uint8_t head[ARM64_HEAD_BYTES];

	int err = fdt_validate(dtb);
	stage_check("dtb", err ? lb_fail(LB_E_FDT_BAD, (uint64_t)-err, 0) : lb_ok());
	/* fw_cfg's MMIO base from the DTB, else virt's fixed one. */
	uint64_t fw_cfg_base = arm64_fdt_fw_cfg(dtb);
	if (!fw_cfg_base)
		fw_cfg_base = FW_CFG_DEFAULT;
	stage_check("fw_cfg", fw_cfg_probe(&fc, &fw_cfg_mmio, (void *)(uintptr_t)fw_cfg_base,
					   fw_cfg_dir, FW_CFG_DIR_MAX));
	console_verbose = fw_cfg_has(&fc, FW_CFG_LEAPBOOT_VERBOSE);
	boot_markers = fw_cfg_has(&fc, FW_CFG_LEAPBOOT_MARKERS);
	boot_marker(&fc, MARKER_FW_START);
	console_info("arm64 virt, fw_cfg %s, %u files", fc.dma ? "DMA" : "MMIO", fc.nfiles);

	memmap.n = 0;
	stage_check("memmap", arm64_fdt_memory(dtb, &memmap));
	stage_check("memmap", arch_firmware_ram_claim(&memmap));
	stage_check("memmap",
		    memmap_claim(&memmap, phys(dtb), fdt_totalsize(dtb), MEM_CLAIM_FIRMWARE));

	boot_marker(&fc, MARKER_FW_DO_BOOT);
	struct kernel_source src;
	stage_check("kernel", kernel_source_find(&fc, x0 != 0, &src));
	const struct fw_cfg_blob kernel = src.image, initrd = src.initrd;
	uint32_t n = kernel.size < ARM64_HEAD_BYTES ? kernel.size : ARM64_HEAD_BYTES;
	uint64_t entry = 0, loaded = kernel.size;
	stage_check("kernel", kernel_source_peek(&fc, &src, ITEM_KERNEL, 0, phys(head), n));
	if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) {
		stage_check("kernel", load_gzip(&fc, &src, &img, &entry, &loaded));
	} else {
		stage_check("kernel", arm64_parse(&img, head, n));
		stage_check("kernel", arm64_place(&img, &memmap));
		entry = img.base + img.text_offset;
		if (kernel.size > img.image_size)
			stage_fail("kernel",
				   lb_fail(LB_E_ARM64_TOO_BIG, kernel.size, img.image_size));
		stage_check("kernel",
			    kernel_source_fetch(&fc, &src, ITEM_KERNEL, 0, entry, kernel.size));
	}
	console_info("kernel from %s: arm64 Image%s, %llu bytes at %#llx, image_size %#llx",
		     src.origin, loaded == kernel.size ? "" : " (gzip)", (unsigned long long)loaded,
		     (unsigned long long)entry, (unsigned long long)img.image_size);

	if (initrd.size) {
		stage_check("initrd", initrd_place(&memmap, initrd.size, UINT64_MAX, &initrd_addr));
		stage_check("initrd", kernel_source_fetch(&fc, &src, ITEM_INITRD, 0, initrd_addr,
							  initrd.size));
		console_info("initrd: %u bytes at %#llx", initrd.size,
			     (unsigned long long)initrd_addr);
	}
	uint32_t cmdline_len;
	stage_check("cmdline", kernel_source_cmdline(&fc, &src, ARM64_CMDLINE_MAX, cmdline,
						     CMDLINE_CAP, &cmdline_len));
	const char *bootargs = src.cmdline.size ? cmdline : 0;

	/* The DTB in a 2 MiB region of its own, with room for /chosen. */
	stage_check("dtb",
		    memmap_find(&memmap, DTB_ROOM, DTB_ROOM, 0, UINT64_MAX, false, &dtb_addr));
	stage_check("dtb", memmap_claim(&memmap, dtb_addr, DTB_ROOM, MEM_CLAIM_FIRMWARE));
	void *fdt = (void *)(uintptr_t)dtb_addr;
	stage_check("dtb",
		    arm64_fdt_chosen(dtb, fdt, DTB_ROOM, bootargs, initrd_addr, initrd.size));

	memset(&plan, 0, sizeof(plan));
	plan.mode = BOOT_ARM64;
	plan.entry = entry;
	plan.arg = dtb_addr;
	plan.reach = arch_identity_limit();
	plan_add_region(&plan, img.base, img.text_offset + img.image_size, MEM_CLAIM_KERNEL);
	plan_add_region(&plan, dtb_addr, fdt_totalsize(fdt), MEM_CLAIM_FIRMWARE);
	plan_add_region(&plan, initrd_addr, initrd.size, MEM_CLAIM_INITRD);
	stage_check("plan", plan_validate(&plan, &memmap));
	console_info("entering the arm64 kernel at %#llx, DTB at %#llx", (unsigned long long)entry,
		     (unsigned long long)dtb_addr);
	boot_marker(&fc, MARKER_LINUX_START_BOOT);
	arch_enter(&plan);
}
