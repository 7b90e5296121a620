/* The TPM's node in a device tree: where its registers are, and its event log. */
#include "dtb_tpm.h"
#include <libfdt.h>
#include "fdt_check.h"
#include "../loader/libc/string.h"

/* The first node compatible with the TPM whose status is absent or "okay"/"ok"
 * (as Linux's of_device_is_available); a negative libfdt error if none. */
static int tpm_node(const void *fdt)
{
	int node = -1;
	for (;;) {
		node = fdt_node_offset_by_compatible(fdt, node, DTB_TPM_COMPATIBLE);
		if (node < 0)
			return node;
		const char *status = fdt_getprop(fdt, node, "status", 0);
		if (!status || strncmp(status, "ok", 2) == 0)
			return node;
	}
}

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;
	for (int i = 0; i < cells; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

/* One or two cells, as every bus of arm virt has. */
static int cells_ok(int n)
{
	return n == 1 || n == 2;
}

static status_t unusable(uint64_t addr, int node)
{
	return lb_fail(LB_E_TPM_DTB, addr, (uint64_t)node);
}

/* [*addr, *addr + size) in the address space of parent's children, moved into
 * parent's own (its parent's children's), through parent's ranges: none is a
 * bus that is not memory-mapped; empty, the same addresses. */
static status_t through_ranges(const void *fdt, int parent, int grandparent, uint64_t *addr,
			       uint64_t size)
{
	int len;
	const fdt32_t *r = fdt_getprop(fdt, parent, "ranges", &len);
	if (!r)
		return unusable(*addr, parent);
	if (len == 0)
		return lb_ok();
	int cac = fdt_address_cells(fdt, parent), csc = fdt_size_cells(fdt, parent);
	int pac = fdt_address_cells(fdt, grandparent);
	if (!cells_ok(cac) || !cells_ok(csc) || !cells_ok(pac))
		return unusable(*addr, parent);
	int entry = (cac + pac + csc) * 4;
	for (int off = 0; off + entry <= len; off += entry) {
		const fdt32_t *e = r + off / 4;
		uint64_t child = read_cells(e, cac), to = read_cells(e + cac, pac);
		uint64_t n = read_cells(e + cac + pac, csc);
		if (*addr >= child && *addr - child <= n && size <= n - (*addr - child)) {
			*addr = to + (*addr - child);
			return lb_ok();
		}
	}
	return unusable(*addr, parent);
}

status_t dtb_tpm_find(const void *fdt, uint64_t *base, uint64_t *size)
{
	*base = *size = 0;
	int err = fdt_validate(fdt);
	if (err)
		return lb_fail(LB_E_FDT_BAD, (uint64_t)-err, 0);
	int node = tpm_node(fdt);
	if (node < 0)
		return lb_ok();
	int parent = fdt_parent_offset(fdt, node);
	if (parent < 0)
		return unusable(0, node);
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || !cells_ok(ac) || !cells_ok(sc) || len < (ac + sc) * 4)
		return unusable(0, node);
	uint64_t addr = read_cells(reg, ac), n = read_cells(reg + ac, sc);
	if (!n || addr + n < addr)
		return unusable(addr, node);
	while (parent != 0) {
		int grandparent = fdt_parent_offset(fdt, parent);
		if (grandparent < 0)
			return unusable(addr, parent);
		status_t s = through_ranges(fdt, parent, grandparent, &addr, n);
		if (s.code)
			return s;
		parent = grandparent;
	}
	if (addr + n < addr)
		return unusable(addr, node);
	*base = addr;
	*size = n;
	return lb_ok();
}

status_t dtb_tpm_log(void *fdt, size_t cap, uint64_t log, uint32_t size)
{
	int err = fdt_open_into(fdt, fdt, (int)cap);
	if (err)
		return lb_fail(err == -FDT_ERR_NOSPACE ? LB_E_FDT_FULL : LB_E_FDT_BAD,
			       (uint64_t)-err, cap);
	int node = tpm_node(fdt);
	if (node < 0)
		return unusable(log, node);
	err = fdt_setprop_u64(fdt, node, "linux,sml-base", log);
	if (!err)
		err = fdt_setprop_u32(fdt, node, "linux,sml-size", size);
	if (!err)
		err = fdt_add_mem_rsv(fdt, log, size);
	if (!err)
		err = fdt_pack(fdt);
	if (!err)
		err = fdt_check_full(fdt, cap);
	if (err)
		return lb_fail(LB_E_FDT_FULL, (uint64_t)-err, cap);
	return lb_ok();
}
