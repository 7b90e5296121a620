/* Where the kernel, initrd and command line come from, and the one way their
 * bytes are read: every fetch of them passes here, so that an observer (measured
 * boot) sees each item's bytes once, in order, where they land. */
#ifndef LEAPBOOT_KERNEL_SOURCE_H
#define LEAPBOOT_KERNEL_SOURCE_H

#include "fw_cfg.h"
#include "uki.h"

enum kernel_item {
	ITEM_KERNEL, /* the file: a split bzImage's setup part, then the rest */
	ITEM_INITRD,
	ITEM_CMDLINE,
	ITEM_MODULE0, /* a multiboot kernel's modules from opt/leapboot: ITEM_MODULE(i) */
};
#define ITEM_MODULE(i)	       ((enum kernel_item)(ITEM_MODULE0 + 2 * (i)))
#define ITEM_MODULE_CMDLINE(i) ((enum kernel_item)(ITEM_MODULE0 + 2 * (i) + 1))
#define KERNEL_SOURCE_MODULES  32 /* MULTIBOOT_MODULES_MAX */
/* A unified kernel image's section s (boot/uki.h), as an item of its own. */
#define ITEM_UKI(s) ((enum kernel_item)(0x80 + (s)))

/* Shown the bytes [offset, offset + len) of an item, at bytes; each byte of
 * an item once, offsets rising. */
struct fetch_observer {
	void (*seen)(void *ctx, enum kernel_item item, uint64_t offset, const void *bytes,
		     uint64_t len);
	void *ctx;
};

/* opt/leapboot/module<i> and module<i>.cmdline. */
struct kernel_modules {
	uint32_t n;
	struct fw_cfg_blob file[KERNEL_SOURCE_MODULES], cmdline[KERNEL_SOURCE_MODULES];
};

struct kernel_source {
	const char *origin;	   /* for messages */
	struct fw_cfg_blob image;  /* the whole image, or only its protected-mode part */
	struct fw_cfg_blob setup;  /* the setup part when QEMU split the image; size 0 if not */
	struct fw_cfg_blob initrd; /* size 0: none */
	struct fw_cfg_blob cmdline;
	/* QEMU loaded a PVH ELF itself: its entry and span (entry 0 otherwise). */
	uint32_t preloaded_entry, preloaded_addr, preloaded_size;
	/* QEMU built a multiboot kernel's buffer (image, module list, command
	 * lines, modules: image, to go to preloaded_addr) and its information
	 * (mbi), as for its multiboot option ROM. */
	bool qemu_multiboot;
	struct fw_cfg_blob mbi;
	/* A multiboot kernel's modules: set only where they are fetched. */
	const struct kernel_modules *modules;
	const struct fetch_observer *observer; /* 0: nobody looks */
	/* A unified kernel image: its sections, each inside one fw_cfg item. The
	 * kernel is .linux (image names its item, setup is empty); the command
	 * line is .cmdline unless the user gave one (uki_cmdline). */
	bool uki, uki_cmdline;
	struct kernel_part {
		uint16_t key;
		uint32_t at, size;
	} uki_part[UKI_SECTIONS];
	/* The value of the SMBIOS OEM string io.systemd.stub.kernel-cmdline-extra,
	 * appended to the command line after a space as systemd-stub does. */
	struct kernel_part uki_extra;
};

/* QEMU's -kernel items (or etc/boot/kernel where QEMU has it), else the
 * opt/leapboot/{kernel,initrd,cmdline} files. opt_only: leapboot was itself the
 * -kernel (the ELF and Image forms), or -kernel went to the UEFI firmware that
 * started leapboot.efi, so only the opt/leapboot files are the user's kernel. */
status_t kernel_source_find(struct fw_cfg *fc, bool opt_only, struct kernel_source *src);

/* Finds opt/leapboot/module0, module1, ... (stopping at the first missing) and
 * their .cmdline files; too many is an error. */
status_t kernel_source_modules(const struct fw_cfg *fc, struct kernel_modules *mods);

/* "opt/leapboot/module<i>" into name, NUL-ended; its length. */
#define KERNEL_SOURCE_NAME_CAP 40
uint32_t kernel_source_module_name(uint32_t i, char name[KERNEL_SOURCE_NAME_CAP]);

/* If src's kernel file is a unified kernel image for machine, makes its
 * sections src's items; hdr: UKI_HEADERS_MAX bytes of scratch. Anything else
 * is left as it is. */
status_t kernel_source_open_uki(struct fw_cfg *fc, struct kernel_source *src, uint16_t machine,
				uint8_t *hdr);

/* The initrd the kernel gets: a unified kernel image's .ucode, then its
 * .initrd (each padded to 4 bytes, as systemd-stub joins them), then the
 * user's; its size, and fetching it to dst. */
uint64_t kernel_source_initrd_size(const struct kernel_source *src);
status_t kernel_source_fetch_initrd(struct fw_cfg *fc, const struct kernel_source *src,
				    uint64_t dst);

/* A unified kernel image's part of its measurement: shows the sections the
 * boot did not fetch (beyond the kernel, the initrd's and the command line's,
 * the bit mask fetched names them) and describes the image in k;
 * *initrd_size becomes the user's initrd's (the image's own are its
 * sections). Nothing for a kernel. */
struct measured_kernel;
status_t kernel_source_measured_uki(struct fw_cfg *fc, const struct kernel_source *src,
				    uint32_t cmdline_len, uint32_t fetched,
				    struct measured_kernel *k, uint64_t *initrd_size);

/* The size of an item (the kernel: its whole file). */
uint64_t kernel_source_size(const struct kernel_source *src, enum kernel_item item);

/* Reads len bytes of an item from offset to dst, their place, and shows them. */
status_t kernel_source_fetch(struct fw_cfg *fc, const struct kernel_source *src,
			     enum kernel_item item, uint32_t offset, uint64_t dst, uint32_t len);

/* Reads without showing: what is looked at before the item's place is known
 * (a header, the notes); the same bytes are shown once, later. */
status_t kernel_source_peek(struct fw_cfg *fc, const struct kernel_source *src,
			    enum kernel_item item, uint32_t offset, uint64_t dst, uint32_t len);

/* Shows bytes already in memory at addr: what QEMU loaded itself, or a header
 * kept from a peek. */
void kernel_source_show(const struct kernel_source *src, enum kernel_item item, uint64_t offset,
			uint64_t addr, uint64_t len);

/* Shows bytes that have no place (a bzImage's setup code, the parts of an ELF
 * file outside its segments): read in pieces into a scratch buffer, and only
 * when an observer looks. */
status_t kernel_source_show_unplaced(struct fw_cfg *fc, const struct kernel_source *src,
				     enum kernel_item item, uint64_t offset, uint64_t len);

/* Reads a text item (a command line) into buf (cap bytes), NUL-terminated (""
 * when there is none; *len its length), shows the item, and refuses one longer
 * than max. Trailing NULs and newlines are dropped. */
status_t kernel_source_text(struct fw_cfg *fc, const struct kernel_source *src,
			    enum kernel_item item, uint32_t max, char *buf, uint32_t cap,
			    uint32_t *len);

/* Reads src's command line into buf (cap bytes), NUL-terminated ("" when there
 * is none; *len its length), shows the item, and refuses one longer than max,
 * the kernel's limit. A unified kernel image's: as systemd-stub makes it,
 * with the SMBIOS extra (src->uki_extra) appended. */
status_t kernel_source_cmdline(struct fw_cfg *fc, const struct kernel_source *src, uint32_t max,
			       char *buf, uint32_t cap, uint32_t *len);

#endif
