/* The hand-off plan's validation (boot/plan.c). */
#include <string.h>

#include "../boot/plan.h"
#include "tap.h"

#define MiB 0x100000ull
#define GiB 0x40000000ull

#define KERNEL	 (16 * MiB)
#define KSIZE	 (32 * MiB)
#define BP_PAGE	 0x7000ull
#define CMDLINE	 0x20000ull
#define INITRD	 (400 * MiB)
#define INITRD_H (7 * GiB)

/* q35 -m 6G with the kernel, boot_params, command line and two initrd places claimed. */
static void make_map(struct memmap *m)
{
	memset(m, 0, sizeof(*m));
	memmap_add(m, 0, 0x9FC00, MEM_RAM);
	memmap_add(m, MiB, 2 * GiB - MiB, MEM_RAM);
	memmap_add(m, 4 * GiB, 4 * GiB, MEM_RAM);
	memmap_claim(m, KERNEL, KSIZE, MEM_CLAIM_KERNEL);
	memmap_claim(m, BP_PAGE, 0x1000, MEM_CLAIM_FIRMWARE);
	memmap_claim(m, CMDLINE, 0x1000, MEM_CLAIM_FIRMWARE);
	memmap_claim(m, INITRD, 64 * MiB, MEM_CLAIM_INITRD);
	memmap_claim(m, INITRD_H, 64 * MiB, MEM_CLAIM_INITRD);
	memmap_claim(m, 5 * GiB, 0x1000, MEM_CLAIM_FIRMWARE);
}

static void good_plan(struct boot_plan *p, enum boot_mode mode)
{
	memset(p, 0, sizeof(*p));
	p->mode = mode;
	p->entry = KERNEL + (mode == BOOT_LINUX64 ? 0x200 : 0);
	p->arg = BP_PAGE;
	p->reach = 4 * GiB;
	plan_add_region(p, KERNEL, KSIZE, MEM_CLAIM_KERNEL);
	plan_add_region(p, BP_PAGE, 0x1000, MEM_CLAIM_FIRMWARE);
	plan_add_region(p, CMDLINE, 2048, MEM_CLAIM_FIRMWARE);
	plan_add_region(p, INITRD, 64 * MiB, MEM_CLAIM_INITRD);
}

int main(void)
{
	struct memmap m;
	struct boot_plan p;
	status_t s;

	make_map(&m);

	/* plan_add_region. */
	memset(&p, 0, sizeof(p));
	plan_add_region(&p, KERNEL, 0, MEM_CLAIM_KERNEL);
	is_u64(p.nregions, 0, "add_region ignores empty regions");
	for (int i = 0; i < PLAN_MAX_REGIONS + 2; i++)
		plan_add_region(&p, BP_PAGE, 1, MEM_CLAIM_FIRMWARE);
	is_u64(p.nregions, PLAN_MAX_REGIONS, "add_region stops at PLAN_MAX_REGIONS");

	/* Good plans. */
	good_plan(&p, BOOT_LINUX64);
	is_code(plan_validate(&p, &m), LB_OK, "a good 64-bit plan validates");
	good_plan(&p, BOOT_LINUX32);
	is_code(plan_validate(&p, &m), LB_OK, "a good 32-bit plan validates");
	good_plan(&p, BOOT_LINUX64);
	p.region[3].start = INITRD_H;
	is_code(plan_validate(&p, &m), LB_OK, "64-bit: an initrd above 4 GiB is fine");
	good_plan(&p, BOOT_LINUX64);
	p.entry = KERNEL;
	is_code(plan_validate(&p, &m), LB_OK, "entry at the kernel's first byte");
	p.entry = KERNEL + KSIZE - 1;
	is_code(plan_validate(&p, &m), LB_OK, "entry at the kernel's last byte");
	good_plan(&p, BOOT_LINUX64);
	p.region[2].start = BP_PAGE + 0x1000 - 1;
	p.region[2].len = 1;
	p.region[1].len = 0x1000 - 1;
	is_code(plan_validate(&p, &m), LB_OK, "adjacent regions in one claim do not overlap");

	/* Overlaps. */
	good_plan(&p, BOOT_LINUX64);
	p.region[2].start = BP_PAGE + 0x800;
	p.region[2].len = 0x100;
	s = plan_validate(&p, &m);
	is_code(s, LB_E_PLAN_OVERLAP, "a region inside another -> LB_E_PLAN_OVERLAP");
	ok(lb_detail.a == BP_PAGE && lb_detail.b == BP_PAGE + 0x800, "OVERLAP names both starts");
	good_plan(&p, BOOT_LINUX64);
	p.region[1].len = 0x800;
	p.region[2].start = BP_PAGE + 0x7ff;
	p.region[2].len = 0x10;
	is_code(plan_validate(&p, &m), LB_E_PLAN_OVERLAP, "regions sharing one byte overlap");
	good_plan(&p, BOOT_LINUX64);
	p.region[1].start = BP_PAGE + 0x800;
	p.region[1].len = 0x10;
	p.region[2].start = BP_PAGE + 0x700;
	p.region[2].len = 0x101;
	is_code(plan_validate(&p, &m), LB_E_PLAN_OVERLAP,
		"a later region ending on an earlier one's first byte overlaps");
	p.region[2].len = 0x100;
	is_code(plan_validate(&p, &m), LB_OK, "ending just before it does not");
	good_plan(&p, BOOT_LINUX64);
	p.region[1] = p.region[2];
	is_code(plan_validate(&p, &m), LB_E_PLAN_OVERLAP, "the same region twice overlaps");

	/* Outside the claim. */
	good_plan(&p, BOOT_LINUX64);
	p.region[0].len = KSIZE + 0x1000;
	s = plan_validate(&p, &m);
	is_code(s, LB_E_PLAN_NOT_RAM, "kernel region longer than its claim -> LB_E_PLAN_NOT_RAM");
	ok(lb_detail.a == KERNEL && lb_detail.b == KSIZE + 0x1000, "NOT_RAM names the region");
	good_plan(&p, BOOT_LINUX64);
	p.region[0].start = KERNEL - 0x1000;
	p.entry = KERNEL;
	is_code(plan_validate(&p, &m), LB_E_PLAN_NOT_RAM, "kernel region starting below its claim");
	good_plan(&p, BOOT_LINUX64);
	p.region[3].claim = MEM_CLAIM_KERNEL;
	is_code(plan_validate(&p, &m), LB_E_PLAN_NOT_RAM, "a region in a claim of another kind");
	good_plan(&p, BOOT_LINUX64);
	p.region[2].start = 0x30000;
	is_code(plan_validate(&p, &m), LB_E_PLAN_NOT_RAM, "a region in unclaimed RAM");
	good_plan(&p, BOOT_LINUX64);
	p.region[2].start = 0xA0000;
	is_code(plan_validate(&p, &m), LB_E_PLAN_NOT_RAM, "a region in the legacy hole");
	good_plan(&p, BOOT_LINUX64);
	p.region[2].start = 0xfffffffffffff000ull;
	p.region[2].len = 0x2000;
	is_code(plan_validate(&p, &m), LB_E_PLAN_NOT_RAM, "a region wrapping past 2^64");

	/* Entry. */
	good_plan(&p, BOOT_LINUX64);
	p.entry = KERNEL + KSIZE;
	s = plan_validate(&p, &m);
	is_code(s, LB_E_PLAN_ENTRY, "entry just past the kernel -> LB_E_PLAN_ENTRY");
	ok(lb_detail.a == KERNEL + KSIZE && lb_detail.b == KERNEL, "ENTRY names entry and kernel");
	p.entry = KERNEL - 1;
	is_code(plan_validate(&p, &m), LB_E_PLAN_ENTRY, "entry just below the kernel");
	p.entry = BP_PAGE;
	is_code(plan_validate(&p, &m), LB_E_PLAN_ENTRY, "entry in boot_params");
	good_plan(&p, BOOT_LINUX64);
	p.region[0] = p.region[3];
	p.nregions = 1;
	p.entry = INITRD;
	is_code(plan_validate(&p, &m), LB_E_PLAN_ENTRY, "no kernel region -> LB_E_PLAN_ENTRY");

	/* Above 4 GiB. */
	good_plan(&p, BOOT_LINUX64);
	p.region[2].start = 5 * GiB;
	p.region[2].len = 0x1000;
	s = plan_validate(&p, &m);
	is_code(s, LB_E_PLAN_UNREACHABLE, "boot data above 4 GiB -> LB_E_PLAN_UNREACHABLE");
	ok(lb_detail.a == 5 * GiB && lb_detail.b == 0x1000, "UNREACHABLE names the region");
	good_plan(&p, BOOT_LINUX32);
	p.region[3].start = INITRD_H;
	is_code(plan_validate(&p, &m), LB_E_PLAN_UNREACHABLE, "32-bit entry: initrd above 4 GiB");

	good_plan(&p, BOOT_LINUX64);
	p.reach = KERNEL + KSIZE;
	is_code(plan_validate(&p, &m), LB_OK, "kernel ending exactly at reach");
	p.reach = KERNEL + KSIZE - 1;
	s = plan_validate(&p, &m);
	is_code(s, LB_E_PLAN_UNREACHABLE, "kernel ending past reach -> LB_E_PLAN_UNREACHABLE");
	ok(lb_detail.a == KERNEL && lb_detail.b == KSIZE, "UNREACHABLE names the kernel");
	good_plan(&p, BOOT_LINUX64);
	p.reach = INITRD;
	p.region[3].start = INITRD_H;
	is_code(plan_validate(&p, &m), LB_OK, "the initrd is exempt from reach (DMA placed it)");

	struct memmap m2;
	make_map(&m2);
	memmap_claim(&m2, 6 * GiB, KSIZE, MEM_CLAIM_KERNEL);
	good_plan(&p, BOOT_LINUX64);
	p.region[0].start = 6 * GiB;
	p.entry = 6 * GiB + 0x200;
	is_code(plan_validate(&p, &m2), LB_E_PLAN_UNREACHABLE, "kernel above 4 GiB");
	good_plan(&p, BOOT_LINUX64);
	p.region[2].start = 4 * GiB - 0x1000;
	p.region[2].len = 0x2000;
	is_code(plan_validate(&p, &m2), LB_E_PLAN_NOT_RAM,
		"a region across the PCI hole is not RAM");

	return done_testing();
}
