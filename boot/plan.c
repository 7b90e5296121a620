#include "plan.h"

#define FOUR_GIB 0x100000000ull

status_t plan_validate(const struct boot_plan *p, const struct memmap *m)
{
	const struct plan_region *kernel = 0;

	for (uint32_t i = 0; i < p->nregions; i++) {
		const struct plan_region *r = &p->region[i];
		uint64_t end = r->start + r->len;
		if (end < r->start || !memmap_covered(m, r->start, end, r->claim))
			return lb_fail(LB_E_PLAN_NOT_RAM, r->start, r->len);
		/* The kernel and boot data are reached through 32-bit pointers and
		 * the identity map; only the initrd may live higher. */
		bool low = p->mode != BOOT_ARM64; /* x86: 32-bit pointers */
		if (r->claim != MEM_CLAIM_INITRD && ((low && end > FOUR_GIB) || end > p->reach))
			return lb_fail(LB_E_PLAN_UNREACHABLE, r->start, r->len);
		if (p->mode != BOOT_LINUX64 && p->mode != BOOT_ARM64 && end > FOUR_GIB)
			return lb_fail(LB_E_PLAN_UNREACHABLE, r->start, r->len);
		for (uint32_t j = 0; j < i; j++) {
			const struct plan_region *o = &p->region[j];
			if (r->start < o->start + o->len && o->start < end)
				return lb_fail(LB_E_PLAN_OVERLAP, o->start, r->start);
		}
		if (r->claim == MEM_CLAIM_KERNEL)
			kernel = r;
	}
	if (!kernel || p->entry < kernel->start || p->entry >= kernel->start + kernel->len)
		return lb_fail(LB_E_PLAN_ENTRY, p->entry, kernel ? kernel->start : 0);
	return lb_ok();
}
