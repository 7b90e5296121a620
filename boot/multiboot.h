/* Multiboot (version 1, specification 0.6.96): the header a kernel carries, the
 * information structure its loader hands it. Pure code: buffers only. */
#ifndef LEAPBOOT_MULTIBOOT_H
#define LEAPBOOT_MULTIBOOT_H

#include <stdbool.h>
#include <stdint.h>
#include "boot_params.h"
#include "memmap.h"
#include "plan.h"
#include "status.h"

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u
#define MULTIBOOT_LOADER_MAGIC 0x2BADB002u /* in %eax at the entry */
#define MULTIBOOT_SEARCH       8192	   /* the header lies within the file's first 8 KiB */
#define MULTIBOOT_MODULES_MAX  32

/* Header flags. Bits 0-15 are requirements: a loader must refuse one it does
 * not know. Bit 2 (a video mode) is known and cannot be met: leapboot sets up
 * no framebuffer and says so by leaving the MBI's video bits clear. */
#define MB_HDR_PAGE_ALIGN  0x00000001u /* modules on 4 KiB boundaries */
#define MB_HDR_MEMORY	   0x00000002u /* mem_* and the memory map */
#define MB_HDR_VIDEO	   0x00000004u
#define MB_HDR_KNOWN_REQ   (MB_HDR_PAGE_ALIGN | MB_HDR_MEMORY | MB_HDR_VIDEO)
#define MB_HDR_AOUT_KLUDGE 0x00010000u /* load addresses in the header, not ELF */

/* Information flags. */
#define MBI_MEMORY	0x001u
#define MBI_BOOT_DEVICE 0x002u
#define MBI_CMDLINE	0x004u
#define MBI_MODULES	0x008u
#define MBI_MMAP	0x040u
#define MBI_LOADER_NAME 0x200u

struct multiboot_header {
	uint32_t magic, flags, checksum;
	/* With MB_HDR_AOUT_KLUDGE: */
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
} __attribute__((packed));

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper; /* KiB: from 0, and from 1 MiB to the first hole */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info, vbe_mode_info;
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
} __attribute__((packed));
_Static_assert(sizeof(struct multiboot_info) == 88, "multiboot_info");
_Static_assert(__builtin_offsetof(struct multiboot_info, mmap_addr) == 48, "mmap_addr");
_Static_assert(__builtin_offsetof(struct multiboot_info, boot_loader_name) == 64, "loader");

struct multiboot_module {
	uint32_t start, end; /* [start, end) */
	uint32_t cmdline;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct multiboot_module) == 16, "multiboot_module");

/* A memory map entry: size counts the bytes after itself (20), so that the
 * next entry is at &size + size + 4. */
struct multiboot_mmap_entry {
	uint32_t size;
	struct boot_e820_entry e;
} __attribute__((packed));
_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "multiboot_mmap_entry");

/* Where an image goes, from the header (a.out kludge) or the ELF. */
struct multiboot_layout {
	uint64_t file_offset;	 /* of the first byte loaded */
	uint64_t load, load_end; /* [load, load_end) comes from the file */
	uint64_t bss_end;	 /* [load_end, bss_end) is zeroed */
	uint64_t entry;
};

/* Finds a header with a valid checksum, aligned to 4 bytes, in the first n
 * bytes of a file (n <= MULTIBOOT_SEARCH): *offset is where it starts. Refuses
 * one that asks for what leapboot does not know (bits 3-15), as the
 * specification says a loader must. When there is none: LB_E_MB_CHECKSUM if
 * the magic is there with a wrong checksum, else LB_E_MB_NONE. */
status_t multiboot_find(const uint8_t *head, uint32_t n, struct multiboot_header *h,
			uint32_t *offset);

/* The layout the a.out-kludge fields give, checked against the file (size
 * bytes, the header at offset) and against themselves: header inside the
 * loaded part, load end after load, bss end after load end, entry inside. */
status_t multiboot_aout_layout(const struct multiboot_header *h, uint32_t offset, uint64_t size,
			       struct multiboot_layout *l);

/* The memory map from m (as e820 exports it), its length in bytes, and
 * mem_lower/mem_upper, into mbi. */
status_t multiboot_mmap(const struct memmap *m, struct multiboot_mmap_entry *out, uint32_t max,
			uint32_t out_addr, struct multiboot_info *mbi);

/* QEMU's information for its -kernel path, read from fw_cfg: the command line,
 * the module list and every module must lie in the buffer QEMU filled, buf, which
 * is in memory at address lo, len bytes; strings end inside it. */
status_t multiboot_check_qemu_info(const struct multiboot_info *mbi, const uint8_t *buf,
				   uint64_t lo, uint64_t len);

/* The hand-off: 32-bit protected mode at the entry, the kernel [lo, hi) and the
 * information block [mb, mb + mb_len) in place. */
void multiboot_plan(uint64_t entry, uint64_t lo, uint64_t hi, uint64_t mb, uint64_t mb_len,
		    uint64_t reach, struct boot_plan *plan);

#endif
