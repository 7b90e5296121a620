/* The pipeline, from the arch entry to the hand-off. */
#include "arch.h"
#include "arch/x86_64/arch_x86.h"
#include "console.h"
#include "fw_cfg.h"
#include "boot_x86.h"
#include "kernel_source.h"
#include "memmap.h"
#include "noinit.h"
#include "phys.h"
#include "stage.h"
#include "buffer_sizes.h"
#include "tables.h"
#include "arch/x86_64/boot_markers.h"
#include "arch/x86_64/fw_cfg_ports.h"
#include "arch/x86_64/mtrr.h"
#include "platform/platform.h"
#include "../boot/bzimage.h"
#include "../boot/e820.h"
#include "../pvh/pvh.h"

#define MIN_RAM	     0x200000ull
#define E820_RAW_MAX 128
#define ROM_SIZE     0x10000 /* leapboot.bin, as the Makefile checks it */

static struct fw_cfg_file fw_cfg_dir[FW_CFG_DIR_MAX] NOINIT;
static struct boot_e820_entry e820_raw[E820_RAW_MAX] NOINIT;
static struct memmap memmap NOINIT;
static struct acpi_loader acpi NOINIT;

/* The map: the one leapboot was started with (ELF form), else etc/e820. Then the
 * PC's legacy holes, leapboot's own pages, the machine's windows. */
static status_t memmap_build(struct fw_cfg *fc, const struct platform *pl,
			     const struct hvm_start_info *si)
{
	struct fw_cfg_blob e820 = fw_cfg_known(fc, FW_CFG_E820);
	status_t s;

	memmap.n = 0;
	if (si) {
		s = pvh_read_memmap(si, (const void *)(uintptr_t)si->memmap_paddr, &memmap);
	} else {
		if (!e820.key)
			return lb_fail(LB_E_FWCFG_NO_E820, fc->nfiles, 0);
		if (e820.size > sizeof(e820_raw))
			return lb_fail(LB_E_MEMMAP_FULL, E820_RAW_MAX, 0);
		s = fw_cfg_read(fc, e820.key, 0, phys(e820_raw), e820.size);
		if (!s.code)
			s = e820_parse(&memmap, e820_raw, e820.size);
	}
	/* Below 2 MiB there is no room for QEMU's ACPI tables (128 KiB above 1 MiB),
	 * below 1 MiB no RAM behind the F-segment; no kernel fits anyway. */
	uint64_t ram = memmap_ram_size(&memmap, UINT64_MAX);
	if (!s.code && ram < MIN_RAM)
		s = lb_fail(LB_E_MEMMAP_TOO_SMALL, ram >> 10, MIN_RAM >> 10);
	if (!s.code)
		s = e820_carve_legacy(&memmap);
	if (s.code)
		return s;
	s = arch_firmware_ram_claim(&memmap);
	if (!s.code)
		s = platform_reserve(pl, &memmap);
	return s;
}

/* Firmware tables: ACPI, SMBIOS, an MP table without ACPI. A malformed ACPI or
 * SMBIOS blob from the VMM is an error like any bad input: a kernel booted without
 * them would run degraded (one CPU, no power-off) and nobody would know why. */
static void install_tables(struct fw_cfg *fc, const struct platform *pl, uint64_t reach,
			   uint64_t *rsdp)
{
	struct tables tb = {.fc = fc, .m = &memmap, .reach = reach};
	uint64_t smbios, smbios_tables;
	arch_fseg_pool(&tb.fseg_next, &tb.fseg_end);
	stage_check("acpi", tables_install_acpi(&tb, &acpi, rsdp));
	struct smbios_bios bios = {
	    .rom_size = ROM_SIZE,
	    .pci = pl->machine != MACHINE_NO_PCI,
	    .acpi = *rsdp != 0,
	};
	stage_check("smbios", tables_install_smbios(&tb, &bios, &smbios, &smbios_tables));
	console_info("ACPI RSDP at %#llx (%u blobs), SMBIOS entry point at %#llx, tables at %#llx",
		     (unsigned long long)*rsdp, acpi.nblobs, (unsigned long long)smbios,
		     (unsigned long long)smbios_tables);
	if (!*rsdp) {
		/* No ACPI (-machine acpi=off): CPUs and the I/O APIC through an MP
		 * table instead, or Linux would run on one CPU. */
		struct mp_cpus cpus;
		uint64_t mp;
		arch_cpu_id(&cpus.signature, &cpus.features);
		status_t s = fw_cfg_read_u32(fc, FW_CFG_NB_CPUS, &cpus.count);
		cpus.count &= 0xFFFF;
		if (!s.code)
			s = tables_install_mptable(&tb, &cpus, &mp);
		if (s.code)
			console_warning("mptable", s, "booting with one CPU");
		else
			console_info("no ACPI: MP table for %u CPUs at %#llx", cpus.count,
				     (unsigned long long)mp);
	}
}

/* start_info: the PVH start_info when the ELF form was started as a kernel by
 * another firmware; 0 in the firmware form. */
void leapboot_main(uint64_t start_info)
{
	const struct hvm_start_info *si = (const void *)(uintptr_t)start_info;
	struct platform pl;
	struct fw_cfg fc;
	struct kernel_source src;
	uint64_t reach = arch_identity_limit();

	/* Started by another firmware, the machine is set up and its tables are in
	 * place: leapboot only fetches and boots the kernel. */
	if (si) {
		console_after_firmware();
		pl = (struct platform){.machine = MACHINE_NO_PCI, .name = "chain-loaded (PVH)"};
	} else {
		platform_init(&pl);
	}
	stage_check("fw_cfg", fw_cfg_probe(&fc, &fw_cfg_ports, 0, fw_cfg_dir, FW_CFG_DIR_MAX));
	boot_markers = fw_cfg_has(&fc, FW_CFG_LEAPBOOT_MARKERS);
	boot_marker(&fc, MARKER_FW_START);
	console_verbose = fw_cfg_has(&fc, FW_CFG_LEAPBOOT_VERBOSE);
	console_info("machine %s, fw_cfg %s, %u files", pl.name, fc.dma ? "DMA" : "port I/O",
		     fc.nfiles);

	stage_check("memmap", memmap_build(&fc, &pl, si));
	/* The machine's owner sets the memory types: the firmware form, not the
	 * chain-loader (its firmware did). */
	if (!si) {
		struct mtrr_plan mtrr;
		mtrr_setup(&memmap, pl.mmconfig_base, pl.mmconfig_size, &mtrr);
		console_info("MTRRs: write-back, %u ranges uncached, %llu KiB left write-back",
			     mtrr.n, (unsigned long long)(mtrr.left_wb >> 10));
	}

	uint64_t rsdp = si ? si->rsdp_paddr : 0;
	if (!si)
		install_tables(&fc, &pl, reach, &rsdp);
	boot_marker(&fc, MARKER_FW_DO_BOOT);

	stage_check("kernel", kernel_source_find(&fc, si != 0, &src));
	boot_x86(&fc, &src, &memmap, reach, rsdp);
}
