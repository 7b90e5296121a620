/* The other CPUs keep their reset MTRRs: Linux copies the boot CPU's to them
 * ("mtrr: your CPUs had inconsistent ... settings", then "corrected
 * configuration"), as it does after SeaBIOS. Setting them here would take an
 * INIT-SIPI-INIT round per boot, and its exits, for lines in a log.
 *
 * Not done: the cache-disable and WBINVD dance the SDM asks for around MTRR
 * changes. Nothing is cached under uncached-by-reset MTRRs yet that a type
 * change could make stale. */
#include "mtrr.h"
#include "msr.h"

#define CPUID_MTRR	 (1u << 12) /* leaf 1, EDX */
#define CPUID_EXT_MAX	 0x80000000u
#define CPUID_ADDR_SIZES 0x80000008u
#define DEFAULT_PHYS	 36 /* without leaf 0x80000008 */

/* The legacy VGA window is one naturally aligned block. */
#define VGA_START 0xA0000ull
#define VGA_SIZE  0x20000ull
#define FOUR_GIB  0x100000000ull
_Static_assert(!(VGA_START & (VGA_SIZE - 1)), "VGA window: one variable range");

void mtrr_setup(const struct memmap *m, uint64_t mmconfig_base, uint64_t mmconfig_size,
		struct mtrr_plan *plan)
{
	plan->n = 0;
	plan->left_wb = 0;
	if (!(cpuid(1).d & CPUID_MTRR))
		return;
	uint32_t vcnt = (uint32_t)rdmsr(MSR_MTRR_CAP) & MTRR_CAP_VCNT;
	if (!vcnt)
		return;
	uint32_t phys = DEFAULT_PHYS;
	if (cpuid(CPUID_EXT_MAX).a >= CPUID_ADDR_SIZES)
		phys = cpuid(CPUID_ADDR_SIZES).a & 0xFF;

	uint64_t hole = memmap_ram_top(m, FOUR_GIB);
	plan->v[plan->n++] = (struct mtrr_var){VGA_START, VGA_SIZE};
	mtrr_plan_uncached(plan, hole, FOUR_GIB, vcnt);
	if (mmconfig_size && mmconfig_base < hole)
		mtrr_plan_uncached(plan, mmconfig_base, mmconfig_base + mmconfig_size, vcnt);
	/* Reset left every range invalid: only the used ones are written. */
	for (uint32_t i = 0; i < plan->n; i++) {
		wrmsr(MSR_MTRR_BASE(i), plan->v[i].base | MTRR_TYPE_UC);
		wrmsr(MSR_MTRR_MASK(i), mtrr_mask(plan->v[i].size, phys));
	}
	wrmsr(MSR_MTRR_DEF_TYPE, MTRR_DEF_ENABLE | MTRR_TYPE_WB);
}
