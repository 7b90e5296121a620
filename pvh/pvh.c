#include "pvh.h"
#include "../boot/e820.h"
#include "../loader/libc/string.h"

status_t pvh_build(struct pvh_start *out, uint64_t self, const struct memmap *m,
		   const struct pvh_args *a)
{
	struct boot_e820_entry map[PVH_MEMMAP_MAX];
	uint32_t n;

	/* The header and module zeroed; of the table only the entries the kernel
	 * is told about are written (memset on all of it would be 3 KiB). */
	memset(out, 0, offsetof(struct pvh_start, memmap));
	/* The same map the bzImage path hands over in boot_params. */
	status_t s = e820_build(m, map, PVH_MEMMAP_MAX, &n);
	if (s.code)
		return s;
	for (uint32_t i = 0; i < n; i++)
		out->memmap[i] =
		    (struct hvm_memmap_table_entry){map[i].addr, map[i].size, map[i].type, 0};
	out->info.magic = HVM_START_MAGIC;
	out->info.version = 1;
	out->info.cmdline_paddr = a->cmdline;
	out->info.rsdp_paddr = a->rsdp;
	out->info.memmap_paddr = self + offsetof(struct pvh_start, memmap);
	out->info.memmap_entries = n;
	if (a->initrd_size) {
		out->module.paddr = a->initrd;
		out->module.size = a->initrd_size;
		out->info.nr_modules = 1;
		out->info.modlist_paddr = self + offsetof(struct pvh_start, module);
	}
	return lb_ok();
}

void pvh_plan(uint64_t entry, uint64_t lo, uint64_t hi, uint64_t start_info, uint64_t reach,
	      struct boot_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->mode = BOOT_PVH32;
	plan->entry = entry;
	plan->arg = start_info;
	plan->reach = reach;
	plan_add_region(plan, lo, hi - lo, MEM_CLAIM_KERNEL);
	plan_add_region(plan, start_info, sizeof(struct pvh_start), MEM_CLAIM_FIRMWARE);
}

status_t pvh_read_memmap(const struct hvm_start_info *si, const struct hvm_memmap_table_entry *map,
			 struct memmap *m)
{
	if (si->magic != HVM_START_MAGIC)
		return lb_fail(LB_E_PVH_BAD_START_INFO, si->magic, si->version);
	if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries ||
	    si->memmap_entries > PVH_MEMMAP_MAX)
		return lb_fail(LB_E_PVH_NO_MEMMAP, si->version, si->memmap_entries);
	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		if (!map[i].size || map[i].type == MEM_NONE)
			continue;
		uint32_t type = map[i].type < MEM_CLAIM_FIRMWARE ? map[i].type : MEM_RESERVED;
		status_t s = memmap_add(m, map[i].addr, map[i].size, type);
		if (s.code)
			return s;
	}
	return lb_ok();
}
