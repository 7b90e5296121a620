#include "mtrr.h"

void mtrr_plan_uncached(struct mtrr_plan *p, uint64_t start, uint64_t end, uint32_t max)
{
	uint32_t n = p->n;

	if (max > MTRR_VAR_MAX)
		max = MTRR_VAR_MAX;
	start = (start + MTRR_PAGE - 1) & ~(MTRR_PAGE - 1);
	end &= ~(MTRR_PAGE - 1);
	/* From the top, the largest block the end's alignment allows that fits:
	 * for a range that ends on a high power of two (4 GiB), the fewest
	 * blocks, and the smallest ones last, where they are left out. */
	for (; start < end && n < max; n++) {
		uint64_t size = end & -end;
		uint64_t fit = 1ull << (63 - __builtin_clzll(end - start));
		if (fit < size)
			size = fit;
		end -= size;
		p->v[n] = (struct mtrr_var){end, size};
	}
	if (start < end)
		p->left_wb += end - start;
	p->n = n;
}

uint64_t mtrr_mask(uint64_t size, uint32_t phys_bits)
{
	uint64_t addressable = phys_bits >= 64 ? ~0ull : (1ull << phys_bits) - 1;
	return (~(size - 1) & addressable & ~(MTRR_PAGE - 1)) | MTRR_MASK_VALID;
}
