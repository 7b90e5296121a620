/* Fetching an arm64 kernel and entering it. */
#ifndef LEAPBOOT_BOOT_ARM64_H
#define LEAPBOOT_BOOT_ARM64_H

#include "fw_cfg.h"
#include "kernel_source.h"
#include "memmap.h"

/* Loads the Image (or Image.gz, inflated straight to its place) src names, its
 * initrd and command line, writes /chosen into a copy of dtb and enters the
 * kernel; a failure is a stage error. */
_Noreturn void boot_arm64(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
			  const void *dtb);

#endif
