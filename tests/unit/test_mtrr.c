/* MTRR variable ranges (boot/mtrr.c): QEMU's memory layouts, uneven sizes, too
 * few registers, and the PHYSMASK values. */
#include "../../boot/mtrr.h"
#include "tap.h"

#define MiB 0x100000ull
#define GiB 0x40000000ull

/* Every block a naturally aligned power of two, and together exactly
 * [start, end) minus the part left write-back at its bottom. */
static bool covers(const struct mtrr_plan *p, uint32_t from, uint64_t start, uint64_t end)
{
	uint64_t at = end;
	for (uint32_t i = from; i < p->n; i++) {
		uint64_t b = p->v[i].base, s = p->v[i].size;
		if (!s || (s & (s - 1)) || (b & (s - 1)) || b + s != at)
			return false;
		at = b;
	}
	return at - p->left_wb == start;
}

static void test_layout(const char *what, uint64_t ram_top, uint32_t want)
{
	struct mtrr_plan p = {0};
	mtrr_plan_uncached(&p, 0xA0000, 0xC0000, 8);
	mtrr_plan_uncached(&p, ram_top, 4 * GiB, 8);
	is_u64(p.n, want, "%s: %u ranges", what, want);
	ok(p.v[0].base == 0xA0000 && p.v[0].size == 128 * 1024, "%s: the VGA window, 128 KiB",
	   what);
	ok(covers(&p, 1, ram_top, 4 * GiB) && p.left_wb == 0, "%s: [%#llx, 4 GiB) exactly", what,
	   (unsigned long long)ram_top);
}

int main(void)
{
	test_layout("512 MiB (the tests' -m)", 512 * MiB, 4);
	test_layout("1 GiB", GiB, 3);
	test_layout("2 GiB (q35 from 2.75 GiB of RAM)", 2 * GiB, 2);
	test_layout("3 GiB (pc from 3.5 GiB of RAM)", 3 * GiB, 2);
	test_layout("2.75 GiB (q35's MMCONFIG base)", 0xB0000000, 3);
	test_layout("500 MiB", 500 * MiB, 6);

	struct mtrr_plan p = {0};
	mtrr_plan_uncached(&p, 0x1F400000, 4 * GiB, 8);
	ok(p.n == 5 && p.v[0].base == 2 * GiB && p.v[0].size == 2 * GiB,
	   "500 MiB: five blocks, the largest first");

	/* RAM up to 0x1555000: the hole needs 13 blocks; 8 are there. */
	p = (struct mtrr_plan){0};
	uint64_t top = 0x1555000;
	mtrr_plan_uncached(&p, top, 4 * GiB, 8);
	is_u64(p.n, 8, "too many blocks: all eight ranges used");
	ok(p.left_wb > 0 && covers(&p, 0, top, 4 * GiB),
	   "too many blocks: the top uncached, the lowest %llu KiB left write-back",
	   (unsigned long long)(p.left_wb >> 10));
	p = (struct mtrr_plan){0};
	mtrr_plan_uncached(&p, 512 * MiB, 4 * GiB, 2);
	ok(p.n == 2 && p.left_wb == 512 * MiB && covers(&p, 0, 512 * MiB, 4 * GiB),
	   "a CPU with two ranges: 2 GiB and 1 GiB uncached, 512 MiB left");
	p = (struct mtrr_plan){0};
	mtrr_plan_uncached(&p, 512 * MiB, 4 * GiB, 0);
	ok(p.n == 0 && p.left_wb == 3584 * MiB, "a CPU with no variable ranges: nothing set");
	p = (struct mtrr_plan){0};
	mtrr_plan_uncached(&p, 512 * MiB, 4 * GiB, 200);
	is_u64(p.n, 3, "a CPU with more than MTRR_VAR_MAX: as many as needed");

	/* Pages only: a partial page of RAM stays write-back. */
	p = (struct mtrr_plan){0};
	mtrr_plan_uncached(&p, 512 * MiB - 0x800, 4 * GiB, 8);
	ok(p.n == 3 && p.v[2].base == 512 * MiB && covers(&p, 0, 512 * MiB, 4 * GiB),
	   "a start inside a page: rounded up, RAM never uncached");
	p = (struct mtrr_plan){0};
	mtrr_plan_uncached(&p, 0x1000, 0x1800, 8);
	ok(p.n == 0 && p.left_wb == 0, "less than a page: nothing");
	p = (struct mtrr_plan){0};
	mtrr_plan_uncached(&p, 3 * GiB, 2 * GiB, 8);
	ok(p.n == 0 && p.left_wb == 0, "an empty range: nothing");
	p = (struct mtrr_plan){0};
	mtrr_plan_uncached(&p, 0, 1ull << 63, 8);
	ok(p.n == 1 && p.v[0].base == 0 && p.v[0].size == 1ull << 63, "from 0: one block of 2^63");

	is_u64(mtrr_mask(2 * GiB, 40), 0xFF80000800ull, "mask: 2 GiB, 40 address bits");
	is_u64(mtrr_mask(128 * 1024, 36), 0xFFFFE0800ull, "mask: 128 KiB, 36 address bits");
	is_u64(mtrr_mask(4096, 52), 0xFFFFFFFFFF800ull, "mask: one page, 52 address bits");
	is_u64(mtrr_mask(1ull << 40, 40), 0x800, "mask: the whole 40-bit space");
	return done_testing();
}
