/* What the arm virt machine keeps between the pipeline's steps. */
#ifndef LEAPBOOT_ARM64_PLATFORM_ARCH_H
#define LEAPBOOT_ARM64_PLATFORM_ARCH_H

struct platform_arch {
	const void *dtb; /* QEMU's (-bios) or the loader's (leapboot.Image) */
};

#endif
