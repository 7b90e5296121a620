/* QEMU q35: Q35 MCH host bridge + ICH9 LPC bridge. */
#include "x86.h"
#include "pci.h"

#define MCH	     PCI_BDF(0, 0, 0)
#define MCH_PAM0     0x90 /* bits 5:4 control 0xF0000-0xFFFFF */
#define PAM_HI_RW    0x30
#define MCH_PCIEXBAR 0x60

/* PCIEXBAR: base, length 256 MiB (bits 2:1 = 0), enable (bit 0). 0xB0000000 is
 * where QEMU's q35 ends low RAM at most and what SeaBIOS and OVMF choose; QEMU
 * builds the ACPI MCFG from this register. */
#define MMCONFIG_BASE	0xB0000000u
#define MMCONFIG_SIZE	0x10000000u
#define PCIEXBAR_ENABLE 0x1u

#define ICH9_LPC	  PCI_BDF(0, 0x1f, 0)
#define ICH9_PMBASE	  0x40
#define ICH9_ACPI_CNTL	  0x44
#define ICH9_ACPI_EN_SCI9 0x80 /* ACPI I/O enable; SCI on IRQ 9 (bits 2:0 = 0) */

void platform_q35_init(struct platform *pl)
{
	pci_write32(MCH, MCH_PCIEXBAR + 4, 0);
	pci_write32(MCH, MCH_PCIEXBAR, MMCONFIG_BASE | PCIEXBAR_ENABLE);
	pl->arch.mmconfig_base = MMCONFIG_BASE;
	pl->arch.mmconfig_size = MMCONFIG_SIZE;
	/* See pc.c: F-segment as RAM, PM registers where the FADT says, and why
	 * the PIRQ links are left to Linux. */
	pci_write8(MCH, MCH_PAM0, PAM_HI_RW);
	pci_write32(ICH9_LPC, ICH9_PMBASE, PLATFORM_PM_BASE | 1);
	pci_write8(ICH9_LPC, ICH9_ACPI_CNTL, ICH9_ACPI_EN_SCI9);
}
