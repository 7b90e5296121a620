/* The one hand-off description: what leapboot jumps into, and what it occupies. */
#ifndef LEAPBOOT_PLAN_H
#define LEAPBOOT_PLAN_H

#include <stdint.h>
#include "memmap.h"
#include "status.h"

enum boot_mode {
	BOOT_LINUX64,	  /* long mode, %rsi = boot_params */
	BOOT_LINUX32,	  /* 32-bit protected mode, paging off, %esi = boot_params */
	BOOT_PVH32,	  /* 32-bit protected mode, paging off, %ebx = hvm_start_info */
	BOOT_MULTIBOOT32, /* 32-bit protected mode, paging off, %eax = 0x2BADB002,
			     %ebx = the multiboot information */
	BOOT_ARM64,	  /* EL1, or EL2 when leapboot was entered there; MMU off, x0 = DTB */
};

#define PLAN_MAX_REGIONS 4

struct plan_region {
	uint64_t start, len;
	uint32_t claim; /* the memmap claim type it must sit in */
};

struct boot_plan {
	enum boot_mode mode;
	uint64_t entry;
	uint64_t arg;	/* boot_params, hvm_start_info or the DTB */
	uint64_t reach; /* all but the initrd must end at or below it (CPU-mapped) */
	uint32_t nregions;
	struct plan_region region[PLAN_MAX_REGIONS];
};

static inline void plan_add_region(struct boot_plan *p, uint64_t start, uint64_t len,
				   uint32_t claim)
{
	if (p->nregions < PLAN_MAX_REGIONS && len)
		p->region[p->nregions++] = (struct plan_region){start, len, claim};
}

/* Nothing jumps until this passes: regions inside their claims, no overlaps, the
 * entry inside the kernel, everything but the initrd within reach. */
status_t plan_validate(const struct boot_plan *p, const struct memmap *m);

#endif
