#include "tables.h"
#include "out_of_line.h"
#include "phys.h"
#include "smbios.h"
#include "libc/string.h"

#define ONE_MIB		  0x100000ull
#define FOUR_GIB	  0x100000000ull
#define PAGE		  0x1000ull
#define LOADER_SCRIPT_MAX (128 * 128)

/* The script is read once and run in place; not zeroed at start-up. */
static uint8_t loader_script[LOADER_SCRIPT_MAX] __attribute__((section(".noinit")));

OUT_OF_LINE status_t tables_alloc(struct tables *t, uint32_t size, uint32_t align, uint8_t zone,
				  uint32_t claim, uint64_t *addr)
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

/* A file's handle is its fw_cfg key. */
static bool find_file(void *ctx, const char *name, uint32_t len, uint32_t *size, uint32_t *file)
{
	struct tables *t = ctx;
	uint16_t key;
	if (!fw_cfg_find_field(t->fc, name, len, &key, size))
		return false;
	*file = key;
	return true;
}

static status_t allocate(void *ctx, uint32_t file, uint32_t size, uint32_t align, uint8_t zone,
			 uint64_t *addr, uint8_t **mem)
{
	struct tables *t = ctx;

	/* Linux finds the ACPI tables in type-3 ranges; other blobs (vmgenid,
	 * hardware error logs) are plain reserved memory. etc/acpi/tables is a
	 * known file: its handle, the key, says which this is. */
	uint32_t claim =
	    file == fw_cfg_known(t->fc, FW_CFG_ACPI_TABLES).key ? MEM_CLAIM_ACPI : MEM_CLAIM_TABLES;
	status_t s = tables_alloc(t, size, align, zone, claim, addr);
	if (s.code)
		return s;
	*mem = (uint8_t *)(uintptr_t)*addr;
	return fw_cfg_read(t->fc, (uint16_t)file, 0, *addr, size);
}

static status_t write_file(void *ctx, uint32_t file, uint32_t offset, const void *data,
			   uint32_t len)
{
	struct tables *t = ctx;
	return fw_cfg_write(t->fc, (uint16_t)file, offset, phys(data), len);
}

static const struct acpi_loader_ops loader_ops = {
    .find_file = find_file,
    .allocate = allocate,
    .write_file = write_file,
};

status_t tables_install_acpi(struct tables *t, struct acpi_loader *l, uint64_t *rsdp)
{
	struct fw_cfg_blob script = fw_cfg_known(t->fc, FW_CFG_TABLE_LOADER);

	*rsdp = 0;
	l->nblobs = 0;
	if (!script.key)
		return lb_ok();
	if (script.size > sizeof(loader_script))
		return lb_fail(LB_E_ACPI_BAD_SIZE, 0, script.size);
	status_t s = fw_cfg_read(t->fc, script.key, 0, phys(loader_script), script.size);
	if (!s.code)
		s = acpi_run_loader(l, loader_script, script.size, &loader_ops, t);
	if (s.code)
		return s; /* the boot stops: a half-linked table is never handed over */
	const struct acpi_blob *r = acpi_find_rsdp(l);
	*rsdp = r ? r->addr : 0;
	return lb_ok();
}

/* Where the VMM gives no SMBIOS (microvm): a table of leapboot's own, type 0
 * alone, entry point and table in the F-segment, where Linux's DMI scan looks. */
static status_t install_own_smbios(struct tables *t, const struct smbios_bios *b,
				   uint64_t *entry, uint64_t *tables)
{
	status_t s = tables_alloc(t, SMBIOS_OWN_SIZE, 16, LOADER_ZONE_FSEG, 0, entry);
	if (s.code)
		return s;
	smbios_own_build((uint8_t *)(uintptr_t)*entry, *entry, b);
	*tables = *entry + SMBIOS_OWN_TABLE;
	return lb_ok();
}

status_t tables_install_smbios(struct tables *t, const struct smbios_bios *b, uint64_t *entry,
			       uint64_t *tables)
{
	struct fw_cfg_blob a = fw_cfg_known(t->fc, FW_CFG_SMBIOS_ANCHOR);
	struct fw_cfg_blob tb = fw_cfg_known(t->fc, FW_CFG_SMBIOS_TABLES);
	uint8_t anchor[SMBIOS_ANCHOR_MAX];
	struct smbios_table_info info;
	uint64_t taddr = 0;

	*entry = 0;
	*tables = 0;
	if (!a.key || !tb.key)
		return install_own_smbios(t, b, entry, tables);
	if (a.size > sizeof(anchor))
		return lb_fail(LB_E_SMBIOS_BAD_ANCHOR, a.size, 0);
	/* Room for a type 0 in front of QEMU's structures: QEMU builds one only
	 * when the user gives its fields (-smbios type=0,...), and then it stays. */
	uint32_t bios_size = SMBIOS_BIOS_SIZE;
	status_t s = fw_cfg_read(t->fc, a.key, 0, phys(anchor), a.size);
	if (!s.code)
		s = smbios_check(anchor, a.size, tb.size);
	if (!s.code)
		s = tables_alloc(t, bios_size + tb.size, 16, LOADER_ZONE_HIGH, MEM_CLAIM_TABLES,
				 &taddr);
	if (!s.code)
		s = fw_cfg_read(t->fc, tb.key, 0, taddr + bios_size, tb.size);
	if (!s.code)
		s = smbios_survey(anchor, (const uint8_t *)(uintptr_t)(taddr + bios_size), tb.size,
				  &info);
	uint32_t size = tb.size;
	if (!s.code && info.has_bios) {
		taddr += bios_size;
	} else if (!s.code) {
		/* Handles 0xFF00 and up are reserved. */
		if (info.max_handle >= 0xFEFF)
			return lb_fail(LB_E_SMBIOS_HANDLES, info.max_handle, 0);
		smbios_bios_build((uint8_t *)(uintptr_t)taddr, info.max_handle + 1, b, &info);
		size += SMBIOS_BIOS_SIZE;
	}
	/* The entry point on a 16-byte boundary in the F-segment, where Linux's
	 * DMI scan looks. */
	if (!s.code)
		s = tables_alloc(t, a.size, 16, LOADER_ZONE_FSEG, 0, entry);
	if (!s.code)
		s = smbios_link(anchor, taddr, size, &info);
	if (s.code)
		return s;
	memcpy((void *)(uintptr_t)*entry, anchor, a.size);
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
