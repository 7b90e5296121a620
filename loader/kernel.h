/* Where the kernel, initrd and command line come from, and fetching them. */
#ifndef LEAPBOOT_KERNEL_H
#define LEAPBOOT_KERNEL_H

#include "fw_cfg.h"
#include "../boot/bzimage.h"

struct fw_cfg_blob {
	uint16_t key;
	uint32_t size;
};

struct kernel_source {
	const char *origin;	   /* for messages */
	struct fw_cfg_blob image;  /* the whole image, or only its protected-mode part */
	struct fw_cfg_blob setup;  /* the setup part when QEMU split the image; size 0 if not */
	struct fw_cfg_blob initrd; /* size 0: none */
	struct fw_cfg_blob cmdline;
};

/* QEMU's -kernel items (or etc/boot/kernel where QEMU has it), else the
 * opt/leapboot/{kernel,initrd,cmdline} files. */
status_t kernel_source_find(struct fw_cfg *fc, struct kernel_source *src);

/* Validates the bzImage, places it below reach and DMAs its protected-mode part
 * straight to the load address. */
status_t kernel_load_bzimage(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
			     uint64_t reach, struct bzimage *bz);

/* Places the initrd and DMAs it there; *addr = 0 when there is none. Without
 * DMA the CPU copies, so the initrd must then lie below reach. */
status_t kernel_load_initrd(struct fw_cfg *fc, const struct kernel_source *src,
			    const struct bzimage *bz, struct memmap *m, uint64_t reach,
			    uint64_t *addr);

/* Reads the command line into buf (cap bytes) and NUL-terminates it. */
status_t kernel_load_cmdline(struct fw_cfg *fc, const struct kernel_source *src,
			     const struct bzimage *bz, char *buf, uint32_t cap);

#endif
