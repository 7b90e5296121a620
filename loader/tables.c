#include "tables.h"
#include "phys.h"
#include "smbios.h"
#include "libc/string.h"

#define ONE_MIB		  0x100000ull
#define FOUR_GIB	  0x100000000ull
#define PAGE		  0x1000ull
#define LOADER_SCRIPT_MAX (128 * 128)

/* The script is read once and run in place; not zeroed at start-up. */
static uint8_t loader_script[LOADER_SCRIPT_MAX] __attribute__((section(".noinit")));

status_t tables_alloc(struct tables *t, uint32_t size, uint32_t align, uint8_t zone, uint32_t claim,
		      uint64_t *addr)
{
	if (align < 16)
		align = 16;
	if (zone == LOADER_ZONE_FSEG) {
		uint64_t a = (t->fseg_next + align - 1) & ~((uint64_t)align - 1);
		if (a < t->fseg_next || a > t->fseg_end || size > t->fseg_end - a)
			return lb_fail(LB_E_TABLES_NO_ROOM, size, zone);
		t->fseg_next = a + size;
		*addr = a;
		return lb_ok();
	}
	/* Whole pages, so the e820 map stays page-granular. */
	uint64_t hi = t->reach < FOUR_GIB ? t->reach : FOUR_GIB;
	uint64_t pages = ((uint64_t)size + PAGE - 1) & ~(PAGE - 1);
	status_t s = memmap_find(t->m, pages, align > PAGE ? align : PAGE, ONE_MIB, hi, true, addr);
	if (s.code)
		return lb_fail(LB_E_TABLES_NO_ROOM, size, zone);
	return memmap_claim(t->m, *addr, pages, claim);
}

static bool file_size(void *ctx, const char *name, uint32_t *size)
{
	struct tables *t = ctx;
	uint16_t key;
	return fw_cfg_find(t->fc, name, &key, size);
}

static status_t allocate(void *ctx, const char *name, uint32_t size, uint32_t align, uint8_t zone,
			 uint64_t *addr, uint8_t **mem)
{
	struct tables *t = ctx;
	uint16_t key;
	uint32_t fsize;

	if (!fw_cfg_find(t->fc, name, &key, &fsize) || fsize != size)
		return lb_fail(LB_E_ACPI_NO_FILE, 0, 0);
	/* Linux finds the ACPI tables in type-3 ranges; other blobs (vmgenid,
	 * hardware error logs) are plain reserved memory. */
	static const char acpi_tables[] = "etc/acpi/tables";
	uint32_t claim =
	    memcmp(name, acpi_tables, sizeof(acpi_tables)) == 0 ? MEM_CLAIM_ACPI : MEM_CLAIM_TABLES;
	status_t s = tables_alloc(t, size, align, zone, claim, addr);
	if (s.code)
		return s;
	*mem = (uint8_t *)(uintptr_t)*addr;
	return fw_cfg_read(t->fc, key, 0, *addr, size);
}

static status_t write_file(void *ctx, const char *name, uint32_t offset, const void *data,
			   uint32_t len)
{
	struct tables *t = ctx;
	uint16_t key;
	uint32_t size;

	if (!fw_cfg_find(t->fc, name, &key, &size))
		return lb_fail(LB_E_ACPI_NO_FILE, 0, 0);
	return fw_cfg_write(t->fc, key, offset, phys(data), len);
}

static const struct acpi_loader_ops loader_ops = {
    .file_size = file_size,
    .allocate = allocate,
    .write_file = write_file,
};

status_t tables_install_acpi(struct tables *t, struct acpi_loader *l, uint64_t *rsdp)
{
	uint16_t key;
	uint32_t size;

	*rsdp = 0;
	l->nblobs = 0;
	if (!fw_cfg_find(t->fc, "etc/table-loader", &key, &size))
		return lb_ok();
	if (size > sizeof(loader_script))
		return lb_fail(LB_E_ACPI_BAD_SIZE, 0, size);
	status_t s = fw_cfg_read(t->fc, key, 0, phys(loader_script), size);
	if (!s.code)
		s = acpi_run_loader(l, loader_script, size, &loader_ops, t);
	if (s.code)
		return s; /* the boot stops: a half-linked table is never handed over */
	const struct acpi_blob *r = acpi_find_rsdp(l);
	*rsdp = r ? r->addr : 0;
	return lb_ok();
}

status_t tables_install_smbios(struct tables *t, uint64_t *entry, uint64_t *tables)
{
	uint16_t akey, tkey;
	uint32_t asize, tsize;
	uint8_t anchor[SMBIOS_ANCHOR_MAX];
	uint64_t taddr = 0;

	*entry = 0;
	*tables = 0;
	if (!fw_cfg_find(t->fc, "etc/smbios/smbios-anchor", &akey, &asize) ||
	    !fw_cfg_find(t->fc, "etc/smbios/smbios-tables", &tkey, &tsize))
		return lb_ok();
	if (asize > sizeof(anchor))
		return lb_fail(LB_E_SMBIOS_BAD_ANCHOR, asize, 0);
	status_t s = fw_cfg_read(t->fc, akey, 0, phys(anchor), asize);
	if (!s.code)
		s = smbios_check(anchor, asize, tsize);
	if (!s.code)
		s = tables_alloc(t, tsize, 16, LOADER_ZONE_HIGH, MEM_CLAIM_TABLES, &taddr);
	if (!s.code)
		s = fw_cfg_read(t->fc, tkey, 0, taddr, tsize);
	/* The entry point on a 16-byte boundary in the F-segment, where Linux's
	 * DMI scan looks. */
	if (!s.code)
		s = tables_alloc(t, asize, 16, LOADER_ZONE_FSEG, 0, entry);
	if (s.code)
		return s;
	smbios_link(anchor, taddr);
	memcpy((void *)(uintptr_t)*entry, anchor, asize);
	*tables = taddr;
	return lb_ok();
}

status_t tables_install_mptable(struct tables *t, const struct mp_cpus *cpus, uint64_t *addr)
{
	uint32_t size = mptable_size(cpus->count);
	status_t s = tables_alloc(t, size, 16, LOADER_ZONE_FSEG, 0, addr);
	if (s.code)
		return s;
	return mptable_build((uint8_t *)(uintptr_t)*addr, size, *addr, cpus);
}
