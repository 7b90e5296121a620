/* The pipeline, from the arch entry to the hand-off, the same for every
 * firmware form: what differs is behind loader/platform.h. */
#include "arch.h"
#include "boot_markers.h"
#include "buffer_sizes.h"
#include "console.h"
#include "efi/pe.h"
#include "fw_cfg.h"
#include "kernel_source.h"
#include "memmap.h"
#include "noinit.h"
#include "platform.h"
#include "stage.h"

static struct fw_cfg_file fw_cfg_dir[FW_CFG_DIR_MAX] NOINIT;
static struct memmap memmap NOINIT;
static uint8_t uki_headers[UKI_HEADERS_MAX] NOINIT;

#ifdef __aarch64__
#define UKI_MACHINE PE_MACHINE_ARM64
#else
#define UKI_MACHINE PE_MACHINE_X86_64
#endif

/* boot_arg: what the entry was handed (x86: a PVH start_info when another
 * firmware started the ELF form, else 0; arm64: the DTB in the Image form,
 * else 0). */
void leapboot_main(uint64_t boot_arg)
{
	struct platform pl;
	struct fw_cfg fc;
	struct kernel_source src;

	platform_init(&pl, boot_arg);
	stage_check("fw_cfg",
		    fw_cfg_probe(&fc, pl.fw_cfg_ops, pl.fw_cfg_ctx, fw_cfg_dir, FW_CFG_DIR_MAX));
	boot_markers = fw_cfg_has(&fc, FW_CFG_LEAPBOOT_MARKERS);
	boot_marker(&fc, MARKER_FW_START);
	console_verbose = fw_cfg_has(&fc, FW_CFG_LEAPBOOT_VERBOSE);
	console_info("machine %s, fw_cfg %s, %u files", pl.name, fc.dma ? "DMA" : pl.fw_cfg_bus,
		     fc.nfiles);

	memmap.n = 0;
	stage_check("memmap", platform_memmap(&pl, &fc, &memmap));
	stage_check("memmap", arch_firmware_ram_claim(&memmap));
	platform_tables(&pl, &fc, &memmap);
	boot_marker(&fc, MARKER_FW_DO_BOOT);

	stage_check("kernel", kernel_source_find(&fc, pl.opt_only, &src));
	stage_check("kernel", kernel_source_open_uki(&fc, &src, UKI_MACHINE, uki_headers));
	if (src.uki)
		console_info("unified kernel image from %s, command line from %s", src.origin,
			     src.uki_cmdline ? ".cmdline" : "the user");
	platform_boot(&pl, &fc, &src, &memmap);
}
