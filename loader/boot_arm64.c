/* The arm64 boot: the Image (or Image.gz), the initrd and the command line
 * fetched into place, /chosen written into the DTB's copy, the plan checked. */
#include <libfdt.h>
#include "boot_arm64.h"
#include "arch.h"
#include "arm64.h"
#include "dtb.h"
#include "boot_markers.h"
#include "buffer_sizes.h"
#include "console.h"
#include "gunzip.h"
#include "dtb_uki.h"
#include "initrd.h"
#include "measured_boot.h"
#include "noinit.h"
#include "out_of_line.h"
#include "phys.h"
#include "stage.h"
#include "libc/string.h"
#include "../boot/dtb_tpm.h"

#define DTB_ROOM 0x200000ull /* the DTB gets a 2 MiB region of its own */

static struct gunzip gz_state;
static char cmdline[CMDLINE_CAP] NOINIT;

/* The Image's place in the memory map, as for an uncompressed one. */
static status_t place_in_map(void *m, struct arm64_image *img, uint64_t *dst)
{
	status_t s = arm64_place(img, m);
	*dst = img->base + img->text_offset;
	return s;
}

/* An Image.gz: DMA the compressed file to free RAM, inflate its header to learn
 * where the kernel goes, then inflate the rest straight there. */
static status_t load_gzip(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
			  struct arm64_image *img, uint64_t *entry, uint64_t *size)
{
	const struct fw_cfg_blob *kernel = &src->image;
	uint64_t gz;

	status_t s = memmap_find(m, kernel->size, 4096, 0, UINT64_MAX, true, &gz);
	if (!s.code)
		s = memmap_claim(m, gz, kernel->size, MEM_CLAIM_FIRMWARE); /* staging */
	if (s.code)
		return s;
	/* The observer sees the file, the compressed bytes. */
	s = kernel_source_fetch(fc, src, ITEM_KERNEL, 0, gz, kernel->size);
	if (!s.code)
		s = gunzip_image(&gz_state, (const void *)(uintptr_t)gz, kernel->size, img,
				 place_in_map, m, entry, size);
	memmap_set(m, gz, gz + kernel->size, MEM_RAM);
	return s;
}

/* The kernel as the measurement defines it (docs/measured-boot.md): an Image by
 * its file's bytes as they passed, an Image.gz by the Image it inflated to
 * (inflated bytes at entry; what QEMU hands over when it inflates the file). */
static OUT_OF_LINE void measure_end(struct fw_cfg *fc, struct measured_boot *mb,
				    const struct kernel_source *src, uint64_t entry,
				    uint64_t inflated, uint64_t initrd_size, uint32_t cmdline_len)
{
	struct measured_kernel mk = {.size = kernel_source_size(src, ITEM_KERNEL)};
	if (inflated) {
		mk.span = (const void *)(uintptr_t)entry;
		mk.span_len = inflated;
	}
	stage_check("tpm", kernel_source_measured_uki(fc, src, cmdline_len, 1u << UKI_DTB, &mk,
						      &initrd_size));
	stage_check("tpm", measured_boot_finish(mb, &mk, initrd_size, cmdline, cmdline_len));
	console_info("measured boot: %u bytes of event log", mb->log.used);
}

_Noreturn void boot_arm64(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
			  const void *dtb)
{
	struct arm64_image img;
	struct boot_plan plan;
	uint64_t initrd_addr = 0, dtb_addr;
	uint8_t head[ARM64_HEAD_BYTES];

	const struct fw_cfg_blob kernel = src->image;
	uint32_t n = kernel.size < ARM64_HEAD_BYTES ? kernel.size : ARM64_HEAD_BYTES;
	uint64_t entry = 0, loaded = kernel.size;
	stage_check("kernel", kernel_source_peek(fc, src, ITEM_KERNEL, 0, phys(head), n));
	bool gzip = n >= 2 && head[0] == 0x1f && head[1] == 0x8b;
	if (gzip) {
		stage_check("kernel", load_gzip(fc, src, m, &img, &entry, &loaded));
	} else {
		stage_check("kernel", arm64_parse(&img, head, n));
		stage_check("kernel", arm64_place(&img, m));
		entry = img.base + img.text_offset;
		if (kernel.size > img.image_size)
			stage_fail("kernel",
				   lb_fail(LB_E_ARM64_TOO_BIG, kernel.size, img.image_size));
		stage_check("kernel",
			    kernel_source_fetch(fc, src, ITEM_KERNEL, 0, entry, kernel.size));
	}
	console_info("kernel from %s: arm64 Image%s, %llu bytes at %#llx, image_size %#llx",
		     src->origin, gzip ? " (gzip)" : "", (unsigned long long)loaded,
		     (unsigned long long)entry, (unsigned long long)img.image_size);

	uint64_t initrd_size = kernel_source_initrd_size(src);
	if (initrd_size) {
		stage_check("initrd", initrd_place(m, initrd_size, UINT64_MAX, &initrd_addr));
		stage_check("initrd", kernel_source_fetch_initrd(fc, src, initrd_addr));
		console_info("initrd: %llu bytes at %#llx", (unsigned long long)initrd_size,
			     (unsigned long long)initrd_addr);
	}
	/* The DTB in a 2 MiB region of its own, with room for /chosen. */
	stage_check("dtb", memmap_find(m, DTB_ROOM, DTB_ROOM, 0, UINT64_MAX, false, &dtb_addr));
	stage_check("dtb", memmap_claim(m, dtb_addr, DTB_ROOM, MEM_CLAIM_FIRMWARE));
	void *fdt = (void *)(uintptr_t)dtb_addr;
	uint32_t uki_dtb = src->uki ? src->uki_part[UKI_DTB].size : 0;
	if (uki_dtb) {
		/* Fetched to the region's upper half, opened into its lower. */
		if (uki_dtb > DTB_ROOM / 2)
			stage_fail("dtb", lb_fail(LB_E_FDT_FULL, uki_dtb, DTB_ROOM / 2));
		uint64_t tree = dtb_addr + DTB_ROOM / 2;
		stage_check("dtb",
			    kernel_source_fetch(fc, src, ITEM_UKI(UKI_DTB), 0, tree, uki_dtb));
		stage_check(
		    "dtb", dtb_uki((const void *)(uintptr_t)tree, uki_dtb, dtb, fdt, DTB_ROOM / 2));
		console_info("device tree: the image's .dtb (%u bytes), with the machine's RAM",
			     uki_dtb);
		dtb = fdt;
	}
	uint32_t cmdline_len;
	stage_check("cmdline", kernel_source_cmdline(fc, src, ARM64_CMDLINE_MAX, cmdline,
						     CMDLINE_CAP, &cmdline_len));
	/* Measured, bootargs is always the command line measured (empty without
	 * one): the tree's own (QEMU's -append for leapboot.Image) must not reach
	 * the kernel unmeasured. */
	struct measured_boot *mb = src->observer ? measured_boot_of(src->observer) : 0;
	const char *bootargs = kernel_source_size(src, ITEM_CMDLINE) || mb ? cmdline : 0;
	if (mb)
		measure_end(fc, mb, src, entry, gzip ? loaded : 0, initrd_size, cmdline_len);

	stage_check("dtb", dtb_chosen(dtb, fdt, DTB_ROOM, bootargs, initrd_addr, initrd_size));
	if (mb)
		stage_check("tpm", dtb_tpm_log(fdt, DTB_ROOM, phys(mb->log.base), mb->log.cap));

	memset(&plan, 0, sizeof(plan));
	plan.mode = BOOT_ARM64;
	plan.entry = entry;
	plan.arg = dtb_addr;
	plan.reach = arch_identity_limit();
	plan_add_region(&plan, img.base, img.text_offset + img.image_size, MEM_CLAIM_KERNEL);
	plan_add_region(&plan, dtb_addr, fdt_totalsize(fdt), MEM_CLAIM_FIRMWARE);
	plan_add_region(&plan, initrd_addr, initrd_size, MEM_CLAIM_INITRD);
	if (mb) /* cleaned to the point of coherency, like the DTB */
		plan_add_region(&plan, phys(mb->log.base), mb->log.cap, MEM_CLAIM_FIRMWARE);
	stage_check("plan", plan_validate(&plan, m));
	console_info("entering the arm64 kernel at %#llx, DTB at %#llx", (unsigned long long)entry,
		     (unsigned long long)dtb_addr);
	boot_marker(fc, MARKER_LINUX_START_BOOT);
	arch_enter(&plan);
}
