/* What the kernel is, and fetching it, its initrd and command line into place. */
#ifndef LEAPBOOT_KERNEL_H
#define LEAPBOOT_KERNEL_H

#include "fw_cfg.h"
#include "kernel_source.h"
#include "bzimage.h"

enum kernel_format {
	KERNEL_BZIMAGE,
	KERNEL_PVH,	  /* an ELF with the Xen PVH note, loaded by leapboot or by QEMU */
	KERNEL_MULTIBOOT, /* a multiboot (v1) ELF or a.out-kludge image, or QEMU's buffer */
};

struct kernel {
	enum kernel_format format;
	struct bzimage bz; /* KERNEL_BZIMAGE */
	uint64_t entry;	   /* KERNEL_PVH, KERNEL_MULTIBOOT */
	uint64_t lo, hi;   /* KERNEL_PVH, KERNEL_MULTIBOOT: the claimed span */
	uint64_t initrd_limit;
	uint32_t cmdline_max;
};

/* Recognises the kernel (in QEMU's order: a bzImage, a multiboot kernel, a PVH
 * ELF), places it below reach and DMAs it straight to its final address. */
status_t kernel_load(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
		     uint64_t reach, struct kernel *k);

/* Places the initrd and DMAs it there; *addr = 0 when there is none. Without
 * DMA the CPU copies, so the initrd must then lie below reach. */
status_t kernel_load_initrd(struct fw_cfg *fc, const struct kernel_source *src,
			    const struct kernel *k, struct memmap *m, uint64_t reach,
			    uint64_t *addr);

#endif
