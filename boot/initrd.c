#include "initrd.h"

#define ONE_MIB 0x100000ull
#define PAGE	0x1000ull

status_t initrd_place(struct memmap *m, uint64_t size, uint64_t limit, uint64_t *addr)
{
	uint64_t pages = (size + PAGE - 1) & ~(PAGE - 1);

	status_t s = memmap_find(m, pages, PAGE, ONE_MIB, limit, true, addr);
	if (s.code) {
		/* Which failure: more than all the RAM, or no free range that fits. */
		uint64_t ram = memmap_ram_size(m, limit);
		if (size > ram)
			return lb_fail(LB_E_INITRD_TOO_BIG, size, ram);
		return lb_fail(LB_E_INITRD_NO_ROOM, size, memmap_ram_top(m, limit));
	}
	return memmap_claim(m, *addr, pages, MEM_CLAIM_INITRD);
}

status_t initrd_place_limited(struct memmap *m, uint64_t size, uint64_t kernel_limit,
			      uint64_t limit, uint64_t *addr)
{
	bool kernel_bound = kernel_limit < limit;
	status_t s = initrd_place(m, size, kernel_bound ? kernel_limit : limit, addr);
	if (s.code && kernel_bound && size <= memmap_ram_size(m, limit))
		return lb_fail(LB_E_INITRD_ABOVE_MAX, size, kernel_limit - 1);
	return s;
}
