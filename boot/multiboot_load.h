/* A multiboot kernel fetched into place, its modules after it, and what it is
 * handed: the information structure, module list, command lines and memory
 * map, one block of leapboot's memory (which the map shows reserved). */
#ifndef LEAPBOOT_MULTIBOOT_LOAD_H
#define LEAPBOOT_MULTIBOOT_LOAD_H

#include "kernel.h"
#include "multiboot.h"

#define MULTIBOOT_STRINGS_CAP 8192

struct multiboot_boot {
	struct multiboot_info info;
	struct multiboot_module mods[MULTIBOOT_MODULES_MAX];
	struct multiboot_mmap_entry mmap[MEMMAP_MAX];
	char loader_name[12];
	char strings[MULTIBOOT_STRINGS_CAP]; /* command lines: "name args", each NUL-ended */
};

/* Looks for a multiboot header in the file's first 8 KiB (head: its first n
 * bytes, already read). LB_E_MB_NONE when there is none. */
status_t multiboot_detect(struct fw_cfg *fc, const struct kernel_source *src, const uint8_t *head,
			  uint32_t n, struct multiboot_header *h, uint32_t *offset);

/* The image from the a.out-kludge fields: into free RAM below 4 GiB, its bss
 * zeroed. (An ELF goes through kernel.c's segment loader.) */
status_t multiboot_load_aout(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
			     uint64_t reach, const struct multiboot_header *h, uint32_t offset,
			     struct kernel *k);

/* QEMU's buffer (image, module list, command lines, modules) to the address
 * QEMU chose, which must be free RAM. */
status_t multiboot_load_qemu(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
			     struct kernel *k);

/* Everything after the kernel: the modules (opt/leapboot) placed and fetched,
 * or QEMU's information checked; then the command lines, the boot loader's
 * name and the memory map, which is built last, after every claim. mb is at
 * address mb_addr. */
status_t multiboot_describe(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
			    uint64_t reach, struct multiboot_boot *mb, uint64_t mb_addr);

#endif
