/* Fetching an x86 kernel and entering it. */
#ifndef LEAPBOOT_BOOT_X86_H
#define LEAPBOOT_BOOT_X86_H

#include "fw_cfg.h"
#include "kernel_source.h"
#include "measured_boot.h"
#include "memmap.h"

/* Loads the kernel src names (bzImage or PVH ELF) below reach, its initrd and
 * command line, builds boot_params or hvm_start_info from m (rsdp: the ACPI
 * RSDP, 0 if none) and enters it; a failure is a stage error. With an observer
 * on src (a measured boot's), the kernel, initrd and command line are measured
 * before the jump, and a multiboot kernel is refused. */
_Noreturn void boot_x86(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
			uint64_t reach, uint64_t rsdp);

#endif
