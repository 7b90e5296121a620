/* Memory type range registers as a firmware leaves them for the kernel: write-back
 * by default, the MMIO windows uncached through variable ranges (each a naturally
 * aligned power of two). Linux enables PAT, and with it write-combining, only
 * when it finds the MTRRs enabled. */
#ifndef LEAPBOOT_MTRR_H
#define LEAPBOOT_MTRR_H

#include <stdint.h>

#define MSR_MTRR_CAP	  0xFE
#define MSR_MTRR_DEF_TYPE 0x2FF
#define MSR_MTRR_BASE(i)  (0x200u + 2 * (i))
#define MSR_MTRR_MASK(i)  (0x201u + 2 * (i))

#define MTRR_CAP_VCNT	0xFFu
#define MTRR_TYPE_UC	0x00u
#define MTRR_TYPE_WB	0x06u
#define MTRR_DEF_ENABLE 0x800u /* E; FE (0x400), the fixed ranges, stays off */
#define MTRR_MASK_VALID 0x800u
#define MTRR_PAGE	0x1000ull

/* The variable ranges leapboot sets: at most this many, whatever the CPU has. */
#define MTRR_VAR_MAX 8

struct mtrr_var {
	uint64_t base, size; /* size a power of two, base a multiple of it */
};

struct mtrr_plan {
	uint32_t n;
	struct mtrr_var v[MTRR_VAR_MAX];
	uint64_t left_wb; /* bytes meant uncached, left write-back: no range left for them */
};

/* Adds [start, end), shrunk to whole pages, as uncached blocks (p->n and
 * p->left_wb start at 0). Where the ranges would pass max (the CPU's count, at
 * most MTRR_VAR_MAX), the lowest part is left write-back: for MMIO that Linux
 * maps UC- or WC through PAT that changes nothing, where RAM made uncached
 * would. */
void mtrr_plan_uncached(struct mtrr_plan *p, uint64_t start, uint64_t end, uint32_t max);

/* The PHYSMASK value of a block on a CPU with phys_bits address bits (bits
 * above them are reserved: a write of one faults). */
uint64_t mtrr_mask(uint64_t size, uint32_t phys_bits);

#endif
