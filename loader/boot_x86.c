/* The second half of the x86 pipeline, shared by the firmware, ELF and EFI forms:
 * fetch the kernel, initrd and command line, describe them to the kernel
 * (boot_params or hvm_start_info), check the plan, and jump. */
#include "boot_x86.h"
#include "arch.h"
#include "console.h"
#include "kernel.h"
#include "measured_boot.h"
#include "multiboot_load.h"
#include "buffer_sizes.h"
#include "noinit.h"
#include "out_of_line.h"
#include "phys.h"
#include "stage.h"
#include "arch/x86_64/boot_markers.h"
#include "../boot/bzimage.h"
#include "../pvh/pvh.h"

static struct boot_params boot_params NOINIT __attribute__((aligned(4096)));
static char cmdline[CMDLINE_CAP] NOINIT;
static struct pvh_start pvh_start NOINIT;
static struct multiboot_boot multiboot NOINIT;

/* What a BIOS leaves in its data area and multiboot kernels read there (Xen
 * puts its trampoline below the smaller of the two and the MBI's mem_lower):
 * the conventional memory size in KiB and the EBDA's segment, just above it. */
static void bda_fill(uint32_t mem_lower)
{
	uint8_t *bda = (uint8_t *)0x400;
	__asm__("" : "+r"(bda)); /* a fixed address, not an object GCC can bound */
	uint16_t ebda = (uint16_t)(mem_lower << 6);
	bda[0x0E] = (uint8_t)ebda;
	bda[0x0F] = (uint8_t)(ebda >> 8);
	bda[0x13] = (uint8_t)mem_lower;
	bda[0x14] = (uint8_t)(mem_lower >> 8);
}

/* A multiboot kernel is in place: its modules, command lines and the
 * information, then 32-bit protected mode with the magic in %eax. */
static OUT_OF_LINE _Noreturn void boot_multiboot(struct fw_cfg *fc, const struct kernel_source *src,
						 const struct kernel *k, struct memmap *m,
						 uint64_t reach)
{
	struct boot_plan plan;

	console_info("kernel from %s: multiboot %s at %#llx-%#llx, entry %#llx", src->origin,
		     src->qemu_multiboot ? "image, modules and information built by QEMU" : "image",
		     (unsigned long long)k->lo, (unsigned long long)k->hi,
		     (unsigned long long)k->entry);
	stage_check("multiboot",
		    multiboot_describe(fc, src, m, reach, &multiboot, phys(&multiboot)));
	console_info("multiboot: information at %#llx, %u modules, %u memory map entries, "
		     "%u KiB lower, %u KiB upper memory",
		     (unsigned long long)phys(&multiboot), multiboot.info.mods_count,
		     multiboot.info.mmap_length / (uint32_t)sizeof(multiboot.mmap[0]),
		     multiboot.info.mem_lower, multiboot.info.mem_upper);
	bda_fill(multiboot.info.mem_lower);
	multiboot_plan(k->entry, k->lo, k->hi, phys(&multiboot), sizeof(multiboot), reach, &plan);
	stage_check("plan", plan_validate(&plan, m));
	console_info("entering the multiboot kernel at %#llx", (unsigned long long)plan.entry);
	boot_marker(fc, MARKER_LINUX_START_BOOT);
	arch_enter(&plan);
}

/* The kernel as the measurement defines it (docs/measured-boot.md): a PVH ELF
 * by the span it was loaded to, anything else by its file's bytes. */
static OUT_OF_LINE void measure_end(struct fw_cfg *fc, const struct kernel_source *src,
				    const struct kernel *k, uint64_t initrd_size,
				    uint32_t cmdline_len)
{
	struct measured_boot *mb = measured_boot_of(src->observer);
	struct measured_kernel mk = {.size = kernel_source_size(src, ITEM_KERNEL)};
	if (k->format == KERNEL_PVH) {
		mk.span = (const void *)(uintptr_t)k->lo;
		mk.span_len = k->hi - k->lo;
		if (src->preloaded_entry)
			mk.size = src->preloaded_size;
	}
	stage_check("tpm", kernel_source_measured_uki(fc, src, cmdline_len, 0, &mk, &initrd_size));
	stage_check("tpm", measured_boot_finish(mb, &mk, initrd_size, cmdline, cmdline_len));
	console_info("measured boot: %u bytes of event log", mb->log.used);
}

_Noreturn void boot_x86(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
			uint64_t reach, uint64_t rsdp)
{
	struct kernel k;
	struct boot_plan plan;
	uint64_t initrd;

	stage_check("kernel", kernel_load(fc, src, m, reach, &k));
	if (k.format == KERNEL_MULTIBOOT) {
		if (src->observer)
			stage_fail("tpm", lb_fail(LB_E_MEASURE_MODULE, 0, 0));
		boot_multiboot(fc, src, &k, m, reach);
	}
	if (k.format == KERNEL_BZIMAGE)
		console_info("kernel from %s: bzImage protocol %x, %llu bytes at %#llx, "
			     "init_size %#llx",
			     src->origin, k.bz.hdr.version, (unsigned long long)k.bz.pm_size,
			     (unsigned long long)k.bz.load, (unsigned long long)k.bz.init_size);
	else
		console_info("kernel from %s: PVH ELF %s at %#llx-%#llx, entry %#llx", src->origin,
			     src->preloaded_entry ? "loaded by QEMU" : "loaded",
			     (unsigned long long)k.lo, (unsigned long long)k.hi,
			     (unsigned long long)k.entry);
	stage_check("initrd", kernel_load_initrd(fc, src, &k, m, reach, &initrd));
	uint64_t initrd_size = initrd ? kernel_source_initrd_size(src) : 0;
	if (initrd)
		console_info("initrd: %llu bytes at %#llx", (unsigned long long)initrd_size,
			     (unsigned long long)initrd);
	uint32_t cmdline_len;
	stage_check("cmdline", kernel_source_cmdline(fc, src, k.cmdline_max, cmdline, CMDLINE_CAP,
						     &cmdline_len));

	if (k.format == KERNEL_BZIMAGE) {
		struct bzimage_args args = {
		    .cmdline = phys(cmdline),
		    .initrd = initrd,
		    .initrd_size = initrd_size,
		    .rsdp = rsdp,
		};
		stage_check("boot_params", bzimage_boot_params(&k.bz, &boot_params, &args, m));
		bzimage_plan(&k.bz, phys(&boot_params), reach, &plan);
		plan_add_region(&plan, phys(&boot_params), sizeof(boot_params), MEM_CLAIM_FIRMWARE);
	} else {
		struct pvh_args args = {
		    .cmdline = phys(cmdline),
		    .initrd = initrd,
		    .initrd_size = initrd_size,
		    .rsdp = rsdp,
		};
		stage_check("start_info", pvh_build(&pvh_start, phys(&pvh_start), m, &args));
		pvh_plan(k.entry, k.lo, k.hi, phys(&pvh_start), reach, &plan);
	}
	plan_add_region(&plan, phys(cmdline), CMDLINE_CAP, MEM_CLAIM_FIRMWARE);
	plan_add_region(&plan, initrd, initrd_size, MEM_CLAIM_INITRD);
	if (src->observer)
		measure_end(fc, src, &k, initrd_size, cmdline_len);
	stage_check("plan", plan_validate(&plan, m));
	console_info("entering the %s kernel at %#llx",
		     plan.mode == BOOT_LINUX64	 ? "64-bit"
		     : plan.mode == BOOT_LINUX32 ? "32-bit"
						 : "PVH",
		     (unsigned long long)plan.entry);
	boot_marker(fc,
		    plan.mode == BOOT_PVH32 ? MARKER_LINUX_START_PVHBOOT : MARKER_LINUX_START_BOOT);
	arch_enter(&plan);
}
