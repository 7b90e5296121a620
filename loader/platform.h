/* The machine leapboot runs on, behind the one interface the pipeline
 * (loader/main.c) asks, in this order. Each machine family implements it:
 * loader/platform/x86.c (pc, q35, microvm, and the chain-loader), and
 * loader/platform/virt.c (arm virt); struct platform_arch, in each
 * loader/arch/<arch>/platform_arch.h, holds what only that family keeps. */
#ifndef LEAPBOOT_PLATFORM_H
#define LEAPBOOT_PLATFORM_H

#include "fw_cfg.h"
#include "kernel_source.h"
#include "memmap.h"
#include "platform_arch.h"

struct platform {
	const char *name;
	const struct fw_cfg_ops *fw_cfg_ops;
	void *fw_cfg_ctx;
	const char *fw_cfg_bus; /* how fw_cfg is reached without DMA, for messages */
	/* leapboot was started as the kernel (chain-loader, leapboot.Image): the
	 * user's kernel is in the opt/leapboot files */
	bool opt_only;
	struct platform_arch arch;
};

/* What must precede everything, from the entry's argument (x86: a PVH
 * start_info or 0; arm64: the DTB, or 0 from reset): the chipset, where
 * fw_cfg is. */
void platform_init(struct platform *pl, uint64_t boot_arg);

/* The memory map (x86: etc/e820 or the start_info, the PC's legacy holes;
 * arm64: the DTB's /memory), with the machine's windows reserved. */
status_t platform_memmap(struct platform *pl, struct fw_cfg *fc, struct memmap *m);

/* What the kernel needs of its firmware (x86: MTRRs, ACPI, SMBIOS, an MP
 * table; arm64: nothing). */
void platform_tables(struct platform *pl, struct fw_cfg *fc, struct memmap *m);

/* Fetches the kernel src names, its initrd and command line, describes them to
 * the kernel, checks the plan and enters it; a failure is a stage error. */
_Noreturn void platform_boot(struct platform *pl, struct fw_cfg *fc,
			     const struct kernel_source *src, struct memmap *m);

#endif
