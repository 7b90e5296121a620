/* boot/dtb_tpm.c: the TPM found in a device tree as QEMU virt describes it
 * (tpm-tis-device on the platform bus, its reg translated through the bus's
 * ranges), the trees it is not found in or refused from (a malformed one too), and the event log
 * handed to Linux (linux,sml-base and linux,sml-size big-endian on the TPM's
 * node, a /memreserve/ entry, the rest of the tree intact). */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../boot/dtb_tpm.h"
#include "tap.h"

#define DT_CAP 16384

static int dt_err;

#define DT(call)                                                                                   \
	do {                                                                                       \
		int e_ = (call);                                                                   \
		if (e_ && !dt_err)                                                                 \
			dt_err = e_;                                                               \
	} while (0)

static void cells(void *buf, int ac, int sc)
{
	if (ac >= 0)
		DT(fdt_property_u32(buf, "#address-cells", (uint32_t)ac));
	if (sc >= 0)
		DT(fdt_property_u32(buf, "#size-cells", (uint32_t)sc));
}

static void *dt_begin(void)
{
	void *buf = calloc(1, DT_CAP);
	dt_err = 0;
	DT(fdt_create(buf, DT_CAP));
	DT(fdt_finish_reservemap(buf));
	DT(fdt_begin_node(buf, ""));
	cells(buf, 2, 2);
	DT(fdt_property_string(buf, "compatible", "linux,dummy-virt"));
	return buf;
}

static void *dt_end(void *buf)
{
	DT(fdt_end_node(buf));
	DT(fdt_finish(buf));
	if (!dt_err)
		DT(fdt_check_full(buf, DT_CAP));
	if (dt_err) {
		diag("building a test DTB failed: %s", fdt_strerror(dt_err));
		exit(1);
	}
	return buf;
}

/* A property of 32-bit cells. */
static void prop_cells(void *buf, const char *name, const uint32_t *v, int n)
{
	fdt32_t c[16];
	for (int i = 0; i < n; i++)
		c[i] = cpu_to_fdt32(v[i]);
	DT(fdt_property(buf, name, c, n * 4));
}

#define PROP(buf, name, ...)                                                                       \
	prop_cells((buf), (name), (const uint32_t[]){__VA_ARGS__},                                 \
		   (int)(sizeof((const uint32_t[]){__VA_ARGS__}) / 4))

/* The TPM node as QEMU 7.2 writes it (hw/arm/sysbus-fdt.c): reg <offset 0x5000>
 * in the bus's one-cell space; status when given. */
static void tpm(void *buf, uint32_t off, const char *status)
{
	char name[32];
	snprintf(name, sizeof(name), "tpm_tis@%x", off);
	DT(fdt_begin_node(buf, name));
	PROP(buf, "reg", off, 0x5000);
	DT(fdt_property_string(buf, "compatible", DTB_TPM_COMPATIBLE));
	if (status)
		DT(fdt_property_string(buf, "status", status));
	DT(fdt_end_node(buf));
}

static void pl011(void *buf)
{
	DT(fdt_begin_node(buf, "pl011@9000000"));
	PROP(buf, "reg", 0, 0x9000000, 0, 0x1000);
	DT(fdt_property_string(buf, "compatible", "arm,pl011"));
	DT(fdt_end_node(buf));
}

/* QEMU virt's platform bus at 0xc000000 (32 MiB), with the TPM at off. */
static void *virt_tree(uint32_t off)
{
	void *buf = dt_begin();
	pl011(buf);
	DT(fdt_begin_node(buf, "platform-bus@c000000"));
	PROP(buf, "ranges", 0, 0, 0xc000000, 0x2000000);
	cells(buf, 1, 1);
	DT(fdt_property(buf, "compatible", "qemu,platform\0simple-bus", 25));
	tpm(buf, off, NULL);
	DT(fdt_end_node(buf));
	DT(fdt_begin_node(buf, "chosen"));
	DT(fdt_property_string(buf, "bootargs", "console=ttyAMA0"));
	DT(fdt_end_node(buf));
	return dt_end(buf);
}

static void found(const void *fdt, uint64_t want_base, uint64_t want_size, const char *what)
{
	uint64_t base = 1, size = 1;
	is_code(dtb_tpm_find(fdt, &base, &size), LB_OK, "%s: no error", what);
	is_u64(base, want_base, "%s: base %#llx", what, (unsigned long long)want_base);
	is_u64(size, want_size, "%s: size %#llx", what, (unsigned long long)want_size);
}

static void refused(const void *fdt, const char *what)
{
	uint64_t base = 1, size = 1;
	is_code(dtb_tpm_find(fdt, &base, &size), LB_E_TPM_DTB, "%s: refused", what);
}

static void test_find(void)
{
	void *t = virt_tree(0);
	found(t, 0xc000000, 0x5000, "QEMU virt, tpm_tis@0 on the platform bus");
	free(t);
	t = virt_tree(0x1000);
	found(t, 0xc001000, 0x5000, "the TPM further into the bus");
	free(t);

	/* A tree fdt_validate refuses (libfdt could loop on it): not read. */
	t = virt_tree(0);
	uint32_t off = fdt_off_dt_struct(t);
	memcpy((uint8_t *)t + off, "\0\0\0\x07", 4); /* an unknown tag first */
	uint64_t b = 1, n = 1;
	is_code(dtb_tpm_find(t, &b, &n), LB_E_FDT_BAD, "a malformed tree: LB_E_FDT_BAD");
	ok(b == 0 && n == 0, "  nothing found");
	free(t);

	/* No TPM: found nothing, and no error. */
	t = dt_begin();
	pl011(t);
	t = dt_end(t);
	found(t, 0, 0, "no TPM node");
	free(t);

	/* A disabled TPM is no TPM; the next enabled one is. */
	t = dt_begin();
	DT(fdt_begin_node(t, "bus"));
	PROP(t, "ranges", 0, 0, 0xc000000, 0x2000000);
	cells(t, 1, 1);
	tpm(t, 0, "disabled");
	tpm(t, 0x10000, "okay");
	DT(fdt_end_node(t));
	t = dt_end(t);
	found(t, 0xc010000, 0x5000, "disabled first, okay second");
	free(t);
	t = dt_begin();
	DT(fdt_begin_node(t, "bus"));
	PROP(t, "ranges", 0, 0, 0xc000000, 0x2000000);
	cells(t, 1, 1);
	tpm(t, 0, "fail");
	DT(fdt_end_node(t));
	t = dt_end(t);
	found(t, 0, 0, "only a failed TPM");
	free(t);

	/* At the root: two cells each, no translation. */
	t = dt_begin();
	DT(fdt_begin_node(t, "tpm@fed40000"));
	PROP(t, "reg", 0x1, 0xfed40000, 0, 0x5000);
	DT(fdt_property_string(t, "compatible", DTB_TPM_COMPATIBLE));
	DT(fdt_end_node(t));
	t = dt_end(t);
	found(t, 0x1fed40000ull, 0x5000, "at the root, 2+2 cells");
	free(t);

	/* An empty ranges: the bus's addresses are the parent's. */
	t = dt_begin();
	DT(fdt_begin_node(t, "soc"));
	DT(fdt_property(t, "ranges", NULL, 0));
	cells(t, 1, 1);
	DT(fdt_begin_node(t, "tpm"));
	PROP(t, "reg", 0xd000000, 0x1000);
	DT(fdt_property_string(t, "compatible", DTB_TPM_COMPATIBLE));
	DT(fdt_end_node(t));
	DT(fdt_end_node(t));
	t = dt_end(t);
	found(t, 0xd000000, 0x1000, "an empty ranges is the identity");
	free(t);

	/* Two buses, two translations, the second of two ranges entries. */
	t = dt_begin();
	DT(fdt_begin_node(t, "outer"));
	PROP(t, "ranges", 0x0, 0x0, 0x20000000, 0x1000000, 0x40000000, 0x0, 0x08000000, 0x1000000);
	cells(t, 1, 1);
	DT(fdt_begin_node(t, "inner"));
	PROP(t, "ranges", 0x0, 0x40000100, 0x1000);
	cells(t, 1, 1);
	DT(fdt_begin_node(t, "tpm"));
	PROP(t, "reg", 0x10, 0x100);
	DT(fdt_property_string(t, "compatible", DTB_TPM_COMPATIBLE));
	DT(fdt_end_node(t));
	DT(fdt_end_node(t));
	DT(fdt_end_node(t));
	t = dt_end(t);
	found(t, 0x08000110, 0x100, "nested buses");
	free(t);

	/* A bus without ranges (I2C, SPI): not memory-mapped. */
	t = dt_begin();
	DT(fdt_begin_node(t, "i2c"));
	cells(t, 1, 0);
	DT(fdt_begin_node(t, "tpm@2e"));
	PROP(t, "reg", 0x2e);
	DT(fdt_property_string(t, "compatible", DTB_TPM_COMPATIBLE));
	DT(fdt_end_node(t));
	DT(fdt_end_node(t));
	t = dt_end(t);
	refused(t, "a bus without ranges (and no size cells)");
	free(t);
	t = dt_begin();
	DT(fdt_begin_node(t, "bus"));
	cells(t, 1, 1);
	tpm(t, 0, NULL);
	DT(fdt_end_node(t));
	t = dt_end(t);
	refused(t, "a bus without ranges");
	free(t);

	/* Registers the bus's ranges do not cover, or only in part. */
	t = virt_tree(0x1ffc000);
	refused(t, "reg crossing the end of the bus's range");
	free(t);
	t = virt_tree(0x2000000);
	refused(t, "reg after the bus's range");
	free(t);

	/* No reg, a short reg, a zero size, a wrapping reg, unusual cells. */
	t = dt_begin();
	DT(fdt_begin_node(t, "tpm"));
	DT(fdt_property_string(t, "compatible", DTB_TPM_COMPATIBLE));
	DT(fdt_end_node(t));
	t = dt_end(t);
	refused(t, "no reg");
	free(t);
	t = dt_begin();
	DT(fdt_begin_node(t, "tpm"));
	PROP(t, "reg", 0, 0xc000000, 0);
	DT(fdt_property_string(t, "compatible", DTB_TPM_COMPATIBLE));
	DT(fdt_end_node(t));
	t = dt_end(t);
	refused(t, "a reg shorter than one entry");
	free(t);
	t = dt_begin();
	DT(fdt_begin_node(t, "tpm"));
	PROP(t, "reg", 0, 0xc000000, 0, 0);
	DT(fdt_property_string(t, "compatible", DTB_TPM_COMPATIBLE));
	DT(fdt_end_node(t));
	t = dt_end(t);
	refused(t, "a zero size");
	free(t);
	t = dt_begin();
	DT(fdt_begin_node(t, "tpm"));
	PROP(t, "reg", 0xffffffff, 0xfffff000, 0, 0x5000);
	DT(fdt_property_string(t, "compatible", DTB_TPM_COMPATIBLE));
	DT(fdt_end_node(t));
	t = dt_end(t);
	refused(t, "a reg that wraps");
	free(t);
	t = dt_begin();
	DT(fdt_begin_node(t, "bus"));
	PROP(t, "ranges", 0, 0, 0, 0, 0xc000000, 0x2000000);
	cells(t, 3, 1);
	DT(fdt_begin_node(t, "tpm"));
	PROP(t, "reg", 0, 0, 0, 0x5000);
	DT(fdt_property_string(t, "compatible", DTB_TPM_COMPATIBLE));
	DT(fdt_end_node(t));
	DT(fdt_end_node(t));
	t = dt_end(t);
	refused(t, "three address cells (PCI-like)");
	free(t);
}

/* The property's bytes, and its length (-1 when absent). */
static const uint8_t *tpm_prop(const void *fdt, const char *name, int *len)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, DTB_TPM_COMPATIBLE);
	const uint8_t *p = node >= 0 ? fdt_getprop(fdt, node, name, len) : NULL;
	if (!p)
		*len = -1;
	return p;
}

static bool is_be(const uint8_t *p, int len, uint64_t v, int n)
{
	if (!p || len != n)
		return false;
	for (int i = 0; i < n; i++)
		if (p[i] != (uint8_t)(v >> 8 * (n - 1 - i)))
			return false;
	return true;
}

static void test_log(void)
{
	void *tree = virt_tree(0);
	uint32_t used = fdt_totalsize(tree);
	uint8_t *fdt = malloc(DT_CAP);
	memcpy(fdt, tree, used);
	memset(fdt + used, 0xee, DT_CAP - used);
	ok(fdt_pack(fdt) == 0, "the tree packed, as dtb_chosen leaves it");

	is_code(dtb_tpm_log(fdt, DT_CAP, 0x5fff0000, 0x10000), LB_OK, "log described");
	ok(fdt_check_full(fdt, DT_CAP) == 0, "the tree checks");
	ok(fdt_totalsize(fdt) == fdt_off_dt_strings(fdt) + fdt_size_dt_strings(fdt),
	   "the tree is packed");
	int len;
	const uint8_t *p = tpm_prop(fdt, "linux,sml-base", &len);
	ok(is_be(p, len, 0x5fff0000, 8), "linux,sml-base: 8 bytes, big-endian (length %d)", len);
	p = tpm_prop(fdt, "linux,sml-size", &len);
	ok(is_be(p, len, 0x10000, 4), "linux,sml-size: 4 bytes, big-endian (length %d)", len);
	is_u64(fdt_num_mem_rsv(fdt), 1, "one /memreserve/ entry");
	uint64_t a = 0, s = 0;
	ok(fdt_get_mem_rsv(fdt, 0, &a, &s) == 0 && a == 0x5fff0000 && s == 0x10000,
	   "  the log's: %#llx + %#llx", (unsigned long long)a, (unsigned long long)s);
	uint64_t base, size;
	is_code(dtb_tpm_find(fdt, &base, &size), LB_OK, "the TPM still found");
	ok(base == 0xc000000 && size == 0x5000, "  at the same place");
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", &len) : NULL;
	ok(args && strcmp(args, "console=ttyAMA0") == 0, "/chosen intact");
	ok(fdt_path_offset(fdt, "/pl011@9000000") >= 0, "/pl011 intact");

	/* Above 4 GiB (-m 8G): the base's high word too. */
	memcpy(fdt, tree, used);
	is_code(dtb_tpm_log(fdt, DT_CAP, 0x23fff0000ull, 0x10000), LB_OK, "a log above 4 GiB");
	p = tpm_prop(fdt, "linux,sml-base", &len);
	ok(is_be(p, len, 0x23fff0000ull, 8), "linux,sml-base keeps the high word");

	/* No room: the tree's own size as the buffer. */
	memcpy(fdt, tree, used);
	ok(fdt_pack(fdt) == 0, "packed again");
	uint32_t packed = fdt_totalsize(fdt);
	is_code(dtb_tpm_log(fdt, packed, 0x5fff0000, 0x10000), LB_E_FDT_FULL,
		"no room for the properties: LB_E_FDT_FULL");
	free(tree);

	/* No TPM node. */
	tree = dt_begin();
	pl011(tree);
	tree = dt_end(tree);
	memcpy(fdt, tree, fdt_totalsize(tree));
	is_code(dtb_tpm_log(fdt, DT_CAP, 0x5fff0000, 0x10000), LB_E_TPM_DTB,
		"no TPM node: LB_E_TPM_DTB");
	free(tree);
	free(fdt);
}

int main(void)
{
	test_find();
	test_log();
	return done_testing();
}
