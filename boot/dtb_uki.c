#include "dtb_uki.h"
#include <libfdt.h>
#include "fdt_check.h"
#include "../loader/libc/string.h"

static bool is_memory(const void *fdt, int node)
{
	int len;
	const char *type = fdt_getprop(fdt, node, "device_type", &len);
	return type && len == sizeof("memory") && !memcmp(type, "memory", len);
}

static status_t fdt_error(int err, size_t cap)
{
	return lb_fail(err == -FDT_ERR_NOSPACE ? LB_E_FDT_FULL : LB_E_FDT_BAD, (uint64_t)-err, cap);
}

status_t dtb_uki(const void *tree, size_t tree_len, const void *machine, void *fdt, size_t cap)
{
	int err = tree_len < sizeof(struct fdt_header) || fdt_totalsize(tree) > tree_len
		      ? -FDT_ERR_TRUNCATED
		      : fdt_validate(tree);
	if (!err)
		err = fdt_open_into(tree, fdt, (int)cap);
	if (err)
		return fdt_error(err, cap);
	if (fdt_address_cells(fdt, 0) != fdt_address_cells(machine, 0) ||
	    fdt_size_cells(fdt, 0) != fdt_size_cells(machine, 0))
		return lb_fail(LB_E_FDT_CELLS, (uint64_t)fdt_address_cells(fdt, 0),
			       (uint64_t)fdt_size_cells(fdt, 0));
	int node = fdt_first_subnode(fdt, 0);
	while (node >= 0) {
		if (!is_memory(fdt, node)) {
			node = fdt_next_subnode(fdt, node);
			continue;
		}
		err = fdt_del_node(fdt, node); /* the next node moves into its place */
		if (err)
			return fdt_error(err, cap);
		node = fdt_first_subnode(fdt, 0);
	}
	fdt_for_each_subnode(node, machine, 0)
	{
		int len;
		const void *reg = fdt_getprop(machine, node, "reg", &len);
		if (!is_memory(machine, node) || !reg)
			continue;
		int copy = fdt_add_subnode(fdt, 0, fdt_get_name(machine, node, 0));
		err = copy < 0 ? copy : fdt_setprop_string(fdt, copy, "device_type", "memory");
		if (!err)
			err = fdt_setprop(fdt, copy, "reg", reg, len);
		if (err)
			return fdt_error(err, cap);
	}
	return lb_ok();
}
