#include "dtb.h"
#include <libfdt.h>
#include "fdt_check.h"
#include "../loader/libc/string.h"

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;
	for (int i = 0; i < cells; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

/* What the tree says must survive the boot: /memreserve/ entries and the
 * children of /reserved-memory (with that node's own cell sizes). */
static status_t fdt_reservations(const void *fdt, struct memmap *m)
{
	status_t s = lb_ok();
	for (int i = 0; i < fdt_num_mem_rsv(fdt) && !s.code; i++) {
		uint64_t addr, size;
		if (fdt_get_mem_rsv(fdt, i, &addr, &size) == 0)
			s = memmap_add(m, addr, size, MEM_RESERVED);
	}
	int parent = fdt_path_offset(fdt, "/reserved-memory");
	if (parent < 0)
		return s;
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return lb_fail(LB_E_FDT_BAD, (uint64_t)ac, (uint64_t)sc);
	int node;
	fdt_for_each_subnode(node, fdt, parent)
	{
		const char *status = fdt_getprop(fdt, node, "status", 0);
		if (status && strncmp(status, "ok", 2) != 0)
			continue;
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		int entry = (ac + sc) * 4;
		for (int off = 0; reg && off + entry <= len && !s.code; off += entry)
			s = memmap_add(m, read_cells(reg + off / 4, ac),
				       read_cells(reg + off / 4 + ac, sc), MEM_RESERVED);
	}
	return s;
}

status_t dtb_memory(const void *fdt, struct memmap *m)
{
	int err = fdt_validate(fdt);
	if (err)
		return lb_fail(LB_E_FDT_BAD, (uint64_t)-err, 0);
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return lb_fail(LB_E_FDT_BAD, (uint64_t)ac, (uint64_t)sc);
	int node;
	/* As Linux does (early_init_dt_scan_memory): children of the root with
	 * device_type "memory", unless their status is other than "okay"/"ok". */
	fdt_for_each_subnode(node, fdt, 0)
	{
		int len;
		const char *type = fdt_getprop(fdt, node, "device_type", &len);
		if (!type || len != sizeof("memory") || memcmp(type, "memory", len) != 0)
			continue;
		const char *status = fdt_getprop(fdt, node, "status", 0);
		if (status && strncmp(status, "ok", 2) != 0)
			continue;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		int entry = (ac + sc) * 4;
		for (int off = 0; reg && off + entry <= len; off += entry) {
			const fdt32_t *p = reg + off / 4;
			uint64_t size = read_cells(p + ac, sc);
			if (!size)
				continue;
			status_t s = memmap_add(m, read_cells(p, ac), size, MEM_RAM);
			if (s.code)
				return s;
		}
	}
	status_t s = fdt_reservations(fdt, m);
	/* No node, or nodes whose ranges are empty or all reserved: no RAM either way. */
	if (!s.code && !memmap_ram_size(m, UINT64_MAX))
		return lb_fail(LB_E_FDT_NO_MEMORY, 0, 0);
	return s;
}

/* Copies src's blocks into fdt, not the free space after them (QEMU's tree is 1 MiB
 * long with 7 KiB used; fdt_open_into would move all of it), as a tree of that size. */
static int copy_blocks(const void *src, void *fdt, size_t cap)
{
	int err = fdt_validate(src);
	if (err)
		return err;
	size_t used = fdt_totalsize(src);
	if (fdt_version(src) >= 17 && fdt_off_mem_rsvmap(src) < fdt_off_dt_struct(src) &&
	    fdt_off_dt_struct(src) < fdt_off_dt_strings(src)) {
		used = fdt_off_dt_strings(src) + fdt_size_dt_strings(src);
		if (used < fdt_off_dt_struct(src) + fdt_size_dt_struct(src))
			used = fdt_off_dt_struct(src) + fdt_size_dt_struct(src);
	}
	if (used > cap)
		return -FDT_ERR_NOSPACE;
	memmove(fdt, src, used);
	fdt_set_totalsize(fdt, (uint32_t)used);
	return 0;
}

status_t dtb_chosen(const void *src, void *fdt, size_t cap, const char *cmdline, uint64_t initrd,
		    uint64_t initrd_size)
{
	int err = copy_blocks(src, fdt, cap);
	if (!err)
		err = fdt_open_into(fdt, fdt, (int)cap);
	if (err == -FDT_ERR_NOSPACE)
		return lb_fail(LB_E_FDT_FULL, (uint64_t)-err, cap);
	if (err)
		return lb_fail(LB_E_FDT_BAD, (uint64_t)-err, cap);
	int chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	if (chosen < 0)
		return lb_fail(LB_E_FDT_FULL, (uint64_t)-chosen, cap);
	if (cmdline)
		err = fdt_setprop_string(fdt, chosen, "bootargs", cmdline);
	if (!err && initrd_size)
		err = fdt_setprop_u64(fdt, chosen, "linux,initrd-start", initrd);
	if (!err && initrd_size)
		err = fdt_setprop_u64(fdt, chosen, "linux,initrd-end", initrd + initrd_size);
	if (!err)
		err = fdt_pack(fdt);
	if (!err)
		err = fdt_check_full(fdt, cap);
	if (err)
		return lb_fail(LB_E_FDT_FULL, (uint64_t)-err, cap);
	return lb_ok();
}

uint64_t dtb_fw_cfg(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "qemu,fw-cfg-mmio");
	int len;
	const fdt64_t *reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : 0;
	return reg && len >= 8 ? fdt64_to_cpu(reg[0]) : 0;
}
