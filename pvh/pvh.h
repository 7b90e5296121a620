/* Xen's PVH boot ABI: hvm_start_info version 1 with the memory map, the initrd as
 * module 0, the command line and the RSDP. Pure code. */
#ifndef LEAPBOOT_PVH_H
#define LEAPBOOT_PVH_H

#include <stddef.h>
#include <stdint.h>
#include "../boot/plan.h"
#include "../boot/memmap.h"
#include "../boot/status.h"

#define HVM_START_MAGIC 0x336ec578

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info v1");
_Static_assert(offsetof(struct hvm_start_info, nr_modules) == 12, "nr_modules");
_Static_assert(offsetof(struct hvm_start_info, modlist_paddr) == 16, "modlist_paddr");
_Static_assert(offsetof(struct hvm_start_info, cmdline_paddr) == 24, "cmdline_paddr");
_Static_assert(offsetof(struct hvm_start_info, rsdp_paddr) == 32, "rsdp_paddr");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 40, "memmap_paddr");
_Static_assert(offsetof(struct hvm_start_info, memmap_entries) == 48, "memmap_entries");

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry");

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry");

#define PVH_MEMMAP_MAX 128

/* Everything the kernel gets, in one block; pointers inside are physical. */
struct pvh_start {
	struct hvm_start_info info; /* 56 bytes: what follows stays 8-byte aligned */
	struct hvm_modlist_entry module;
	struct hvm_memmap_table_entry memmap[PVH_MEMMAP_MAX];
} __attribute__((packed));

struct pvh_args {
	uint64_t cmdline; /* physical address of the NUL-terminated command line, or 0 */
	uint64_t initrd, initrd_size;
	uint64_t rsdp;
};

/* Fills *out, which the kernel will see at physical address self. */
status_t pvh_build(struct pvh_start *out, uint64_t self, const struct memmap *m,
		   const struct pvh_args *a);

/* Reads the memory map of a start_info leapboot was itself started with (the ELF
 * form); map is what si->memmap_paddr points at. Errors: not a start_info, or
 * one without a memory map (version 0, no entries, too many). */
status_t pvh_read_memmap(const struct hvm_start_info *si, const struct hvm_memmap_table_entry *map,
			 struct memmap *m);

/* The hand-off: 32-bit entry, %ebx = start_info, the kernel's span as its region. */
void pvh_plan(uint64_t entry, uint64_t lo, uint64_t hi, uint64_t start_info, uint64_t reach,
	      struct boot_plan *plan);

#endif
