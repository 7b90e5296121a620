/* A unified kernel image's own device tree with the machine's RAM
 * (boot/dtb_uki.c): its /memory nodes replaced by the machine's, the rest of
 * it kept; trees whose cells disagree, broken trees and a full buffer refused. */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "dtb_uki.h"
#include "tap.h"

#define CAP 4096

/* A tree: root cells ac/sc, one memory node per (base, size) pair, and a
 * node of the image's own. */
static void *tree(int ac, const uint64_t *mem, int n, const char *model)
{
	void *t = calloc(1, CAP);
	int err = fdt_create(t, CAP) | fdt_finish_reservemap(t) | fdt_begin_node(t, "") |
		  fdt_property_u32(t, "#address-cells", (uint32_t)ac) |
		  fdt_property_u32(t, "#size-cells", 2) | fdt_property_string(t, "model", model);
	for (int i = 0; i < n; i++) {
		char name[32];
		fdt64_t reg[2] = {cpu_to_fdt64(mem[2 * i]), cpu_to_fdt64(mem[2 * i + 1])};
		snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)mem[2 * i]);
		err |= fdt_begin_node(t, name) | fdt_property_string(t, "device_type", "memory") |
		       fdt_property(t, "reg", reg, sizeof(reg)) | fdt_end_node(t);
	}
	err |= fdt_begin_node(t, "uart@9000000") |
	       fdt_property_string(t, "compatible", "arm,pl011") | fdt_end_node(t) |
	       fdt_end_node(t) | fdt_finish(t);
	ok(!err, "  %s built", model);
	return t;
}

/* The memory nodes of fdt and their reg, as "base+size " in order. */
static const char *memory(const void *fdt)
{
	static char s[256];
	int node, len, n = 0;
	s[0] = '\0';
	fdt_for_each_subnode(node, fdt, 0)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const uint8_t *reg = fdt_getprop(fdt, node, "reg", &len);
		if (type && !strcmp(type, "memory") && reg && len == 16)
			n += snprintf(s + n, sizeof(s) - (size_t)n, "%llx+%llx ",
				      (unsigned long long)fdt64_ld((const fdt64_t *)reg),
				      (unsigned long long)fdt64_ld((const fdt64_t *)(reg + 8)));
	}
	return s;
}

static void test_replaced(void)
{
	static const uint64_t own[] = {0x40000000, 128 << 20};
	static const uint64_t one[] = {0x40000000, 1ull << 30};
	static const uint64_t two[] = {0x40000000, 1ull << 30, 0x100000000, 2ull << 30};
	void *uki = tree(2, own, 1, "uki"), *m1 = tree(2, one, 1, "machine"),
	     *m2 = tree(2, two, 2, "machine, two nodes"), *out = malloc(CAP);

	is_code(dtb_uki(uki, fdt_totalsize(uki), m1, out, CAP), LB_OK, "one node: opened");
	is_str(memory(out), "40000000+40000000 ", "one node: the machine's, not the 128 MiB");
	is_code(dtb_uki(uki, fdt_totalsize(uki), m2, out, CAP), LB_OK, "two nodes: opened");
	const char *got = memory(out);
	/* libfdt adds a node before its siblings: the order is not the point. */
	ok(strlen(got) == 37 && strstr(got, "40000000+40000000 ") &&
	       strstr(got, "100000000+80000000 "),
	   "two nodes: both, with reg: %s", got);
	ok(!fdt_check_full(out, CAP), "two nodes: a sound tree");
	const char *model = fdt_getprop(out, 0, "model", NULL);
	is_str(model, "uki", "two nodes: the image's root properties kept");
	int uart = fdt_path_offset(out, "/uart@9000000");
	is_str(uart >= 0 ? fdt_getprop(out, uart, "compatible", NULL) : NULL, "arm,pl011",
	       "two nodes: the image's other nodes kept");

	void *wide = tree(1, NULL, 0, "machine, one address cell");
	is_code(dtb_uki(uki, fdt_totalsize(uki), wide, out, CAP), LB_E_FDT_CELLS,
		"cells disagree: LB_E_FDT_CELLS");
	is_code(dtb_uki(uki, fdt_totalsize(uki), m2, out, fdt_totalsize(uki)), LB_E_FDT_FULL,
		"a buffer with no room for the machine's nodes: LB_E_FDT_FULL");
	is_code(dtb_uki(uki, fdt_totalsize(uki) - 1, m1, out, CAP), LB_E_FDT_BAD,
		"a tree cut short: LB_E_FDT_BAD");
	is_code(dtb_uki(uki, 10, m1, out, CAP), LB_E_FDT_BAD,
		"fewer bytes than a header: LB_E_FDT_BAD");
	uint8_t *garbage = malloc(fdt_totalsize(uki));
	memcpy(garbage, uki, fdt_totalsize(uki));
	memset(garbage + fdt_off_dt_struct(uki) + 8, 0xEE, 16);
	is_code(dtb_uki(garbage, fdt_totalsize(uki), m1, out, CAP), LB_E_FDT_BAD,
		"a garbled structure block: LB_E_FDT_BAD");
	free(garbage);
	free(uki);
	free(m1);
	free(m2);
	free(wide);
	free(out);
}

int main(void)
{
	test_replaced();
	return done_testing();
}
