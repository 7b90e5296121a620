/* Where the kernel, initrd and command line come from. */
#ifndef LEAPBOOT_KERNEL_SOURCE_H
#define LEAPBOOT_KERNEL_SOURCE_H

#include "fw_cfg.h"

struct kernel_source {
	const char *origin;	   /* for messages */
	struct fw_cfg_blob image;  /* the whole image, or only its protected-mode part */
	struct fw_cfg_blob setup;  /* the setup part when QEMU split the image; size 0 if not */
	struct fw_cfg_blob initrd; /* size 0: none */
	struct fw_cfg_blob cmdline;
	/* QEMU loaded a PVH ELF itself: its entry and span (entry 0 otherwise). */
	uint32_t preloaded_entry, preloaded_addr, preloaded_size;
};

/* QEMU's -kernel items (or etc/boot/kernel where QEMU has it), else the
 * opt/leapboot/{kernel,initrd,cmdline} files. opt_only: leapboot was itself the
 * -kernel (the ELF and Image forms), or -kernel went to the UEFI firmware that
 * started leapboot.efi, so only the opt/leapboot files are the user's kernel. */
status_t kernel_source_find(struct fw_cfg *fc, bool opt_only, struct kernel_source *src);

/* Reads src's command line into buf (cap bytes), NUL-terminated ("" when there
 * is none; *len its length), and refuses one longer than max, the kernel's limit. */
status_t kernel_source_cmdline(struct fw_cfg *fc, const struct kernel_source *src, uint32_t max,
			       char *buf, uint32_t cap, uint32_t *len);

#endif
