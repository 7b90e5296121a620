/* Where the kernel, initrd and command line come from, what the kernel is, and
 * fetching them into place. */
#ifndef LEAPBOOT_KERNEL_H
#define LEAPBOOT_KERNEL_H

#include "fw_cfg.h"
#include "../boot/bzimage.h"

struct kernel_source {
	const char *origin;	   /* for messages */
	struct fw_cfg_blob image;  /* the whole image, or only its protected-mode part */
	struct fw_cfg_blob setup;  /* the setup part when QEMU split the image; size 0 if not */
	struct fw_cfg_blob initrd; /* size 0: none */
	struct fw_cfg_blob cmdline;
	/* QEMU loaded a PVH ELF itself: its entry and span (entry 0 otherwise). */
	uint32_t preloaded_entry, preloaded_addr, preloaded_size;
};

enum kernel_format {
	KERNEL_BZIMAGE,
	KERNEL_PVH, /* an ELF with the Xen PVH note, loaded by leapboot or by QEMU */
};

struct kernel {
	enum kernel_format format;
	struct bzimage bz; /* KERNEL_BZIMAGE */
	uint64_t entry;	   /* KERNEL_PVH */
	uint64_t lo, hi;   /* KERNEL_PVH: the claimed span */
	uint64_t initrd_limit;
	uint32_t cmdline_max;
};

/* QEMU's -kernel items (or etc/boot/kernel where QEMU has it), else the
 * opt/leapboot/{kernel,initrd,cmdline} files. The ELF form (chain) was itself
 * the -kernel, so it reads only the opt/leapboot files. */
status_t kernel_source_find(struct fw_cfg *fc, bool chain, struct kernel_source *src);

/* Recognises the kernel (bzImage or PVH ELF), places it below reach and DMAs it
 * straight to its final address. */
status_t kernel_load(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
		     uint64_t reach, struct kernel *k);

/* Places the initrd and DMAs it there; *addr = 0 when there is none. Without
 * DMA the CPU copies, so the initrd must then lie below reach. */
status_t kernel_load_initrd(struct fw_cfg *fc, const struct kernel_source *src,
			    const struct kernel *k, struct memmap *m, uint64_t reach,
			    uint64_t *addr);

/* Reads the command line into buf (cap bytes) and NUL-terminates it. */
status_t kernel_load_cmdline(struct fw_cfg *fc, const struct kernel_source *src,
			     const struct kernel *k, char *buf, uint32_t cap);

#endif
