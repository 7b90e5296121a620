/* The x86 machines (pc, q35, microvm, detected by the host bridge at 00:00.0)
 * and the chain-loader (started by another firmware), behind loader/platform.h. */
#include "x86.h"
#include "pci.h"
#include "arch.h"
#include "boot_x86.h"
#include "console.h"
#include "noinit.h"
#include "phys.h"
#include "stage.h"
#include "tables.h"
#include "tpm_x86.h"
#include "arch/x86_64/arch_x86.h"
#include "arch/x86_64/bios_trap.h"
#include "arch/x86_64/fw_cfg_ports.h"
#include "arch/x86_64/mtrr.h"
#include "../../boot/e820.h"

#define PCI_ID_I440FX 0x12378086u
#define PCI_ID_Q35    0x29C08086u

#define MIN_RAM	     0x200000ull
#define E820_RAW_MAX 128
#define ROM_SIZE     0x20000 /* leapboot.bin, as the Makefile checks it */

static struct boot_e820_entry e820_raw[E820_RAW_MAX] NOINIT;
static struct acpi_loader acpi NOINIT;

void platform_init(struct platform *pl, uint64_t boot_arg)
{
	struct platform_arch *a = &pl->arch;

	*pl = (struct platform){.fw_cfg_ops = &fw_cfg_ports, .fw_cfg_bus = "port I/O"};
	/* Started by another firmware, the machine is set up and its tables are in
	 * place: leapboot only fetches and boots the kernel. */
	if (boot_arg) {
		console_after_firmware();
		a->si = (const void *)(uintptr_t)boot_arg;
		a->rsdp = a->si->rsdp_paddr;
		pl->name = "chain-loaded (PVH)";
		pl->opt_only = true;
		return;
	}
	uint32_t id = pci_read32(PCI_BDF(0, 0, 0), 0);
	if (id == PCI_ID_Q35) {
		a->machine = MACHINE_Q35;
		pl->name = "q35";
		platform_q35_init(pl);
	} else if (id == PCI_ID_I440FX) {
		a->machine = MACHINE_PC;
		pl->name = "pc";
		platform_pc_init(pl);
	} else {
		/* microvm: no PCI, nothing to program; its F-segment is RAM already
		 * (QEMU maps its firmware image as RAM there). */
		pl->name = "no PCI (microvm)";
	}
	bios_trap_install();
}

/* The map: the one leapboot was started with (ELF form), else etc/e820. Then the
 * PC's legacy holes and the machine's windows. */
status_t platform_memmap(struct platform *pl, struct fw_cfg *fc, struct memmap *m)
{
	const struct hvm_start_info *si = pl->arch.si;
	struct fw_cfg_blob e820 = fw_cfg_known(fc, FW_CFG_E820);
	status_t s;

	if (si) {
		s = pvh_read_memmap(si, (const void *)(uintptr_t)si->memmap_paddr, m);
	} else {
		if (!e820.key)
			return lb_fail(LB_E_FWCFG_NO_E820, fc->nfiles, 0);
		if (e820.size > sizeof(e820_raw))
			return lb_fail(LB_E_MEMMAP_FULL, E820_RAW_MAX, 0);
		s = fw_cfg_read(fc, e820.key, 0, phys(e820_raw), e820.size);
		if (!s.code)
			s = e820_parse(m, e820_raw, e820.size);
	}
	/* Below 2 MiB there is no room for QEMU's ACPI tables (128 KiB above 1 MiB),
	 * below 1 MiB no RAM behind the F-segment; no kernel fits anyway. */
	uint64_t ram = memmap_ram_size(m, UINT64_MAX);
	if (!s.code && ram < MIN_RAM)
		s = lb_fail(LB_E_MEMMAP_TOO_SMALL, ram >> 10, MIN_RAM >> 10);
	if (!s.code)
		s = e820_carve_legacy(m);
	if (!s.code && pl->arch.mmconfig_size)
		s = memmap_set(m, pl->arch.mmconfig_base,
			       pl->arch.mmconfig_base + pl->arch.mmconfig_size, MEM_RESERVED);
	return s;
}

/* The memory types, then the firmware tables: ACPI, SMBIOS, an MP table without
 * ACPI. Only the machine's owner sets them: the chain-loader's firmware did. A
 * malformed ACPI or SMBIOS blob from the VMM is an error like any bad input: a
 * kernel booted without them would run degraded (one CPU, no power-off) and
 * nobody would know why. */
void platform_tables(struct platform *pl, struct fw_cfg *fc, struct memmap *m)
{
	struct platform_arch *a = &pl->arch;
	if (a->si)
		return;

	struct mtrr_plan mtrr;
	mtrr_setup(m, a->mmconfig_base, a->mmconfig_size, &mtrr);
	console_info("MTRRs: write-back, %u ranges uncached, %llu KiB left write-back", mtrr.n,
		     (unsigned long long)(mtrr.left_wb >> 10));

	struct tables tb = {.fc = fc, .m = m, .reach = arch_identity_limit()};
	uint64_t smbios, smbios_tables;
	arch_fseg_pool(&tb.fseg_next, &tb.fseg_end);
	stage_check("acpi", tables_install_acpi(&tb, &acpi, &a->rsdp));
	struct smbios_bios bios = {
	    .rom_size = ROM_SIZE,
	    .pci = a->machine != MACHINE_NO_PCI,
	    .acpi = a->rsdp != 0,
	};
	stage_check("smbios", tables_install_smbios(&tb, &bios, &smbios, &smbios_tables));
	console_info("ACPI RSDP at %#llx (%u blobs), SMBIOS entry point at %#llx, tables at %#llx",
		     (unsigned long long)a->rsdp, acpi.nblobs, (unsigned long long)smbios,
		     (unsigned long long)smbios_tables);
	if (!a->rsdp) {
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

/* With a TPM: leapboot and the tables measured (the chain-loader: SeaBIOS's
 * log continued), then the kernel's items on their way in. */
static OUT_OF_LINE _Noreturn void boot_measured(struct platform *pl, struct fw_cfg *fc,
						const struct kernel_source *src, struct memmap *m)
{
	struct measured_boot *mb = pl->arch.si
				       ? tpm_x86_resume(pl->arch.rsdp, arch_identity_limit())
				       : tpm_x86_begin(fc, &acpi, pl->arch.rsdp, ROM_SIZE);
	struct kernel_source measured_src = *src;
	measured_src.observer = &mb->observer;
	boot_x86(fc, &measured_src, m, arch_identity_limit(), pl->arch.rsdp);
}

_Noreturn void platform_boot(struct platform *pl, struct fw_cfg *fc,
			     const struct kernel_source *src, struct memmap *m)
{
	if (fw_cfg_has_tpm(fc))
		boot_measured(pl, fc, src, m);
	boot_x86(fc, src, m, arch_identity_limit(), pl->arch.rsdp);
}
