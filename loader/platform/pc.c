/* QEMU pc: i440FX host bridge + PIIX3 ISA bridge + PIIX4 power management. */
#include "x86.h"
#include "pci.h"

#define I440FX	    PCI_BDF(0, 0, 0)
#define I440FX_PAM0 0x59 /* bits 5:4 control 0xF0000-0xFFFFF */
#define PAM_HI_RW   0x30 /* read and write go to RAM */

#define PIIX4_PM	PCI_BDF(0, 1, 3)
#define PIIX4_PMBASE	0x40
#define PIIX4_PMREGMISC 0x80
#define PMIOSE		0x01 /* PM I/O space enable */

void platform_pc_init(struct platform *pl)
{
	(void)pl;
	/* The F-segment becomes RAM so that the RSDP, the SMBIOS entry point and
	 * the MP table can live where Linux's legacy scans look. */
	pci_write8(I440FX, I440FX_PAM0, PAM_HI_RW);
	/* ACPI PM registers at the base QEMU's FADT will report (QEMU builds the
	 * tables from this register when the firmware first reads them). Linux
	 * cannot do it: it finds PM1a only through the FADT. Without it there is
	 * no PM timer and no S5 power-off. */
	pci_write32(PIIX4_PM, PIIX4_PMBASE, PLATFORM_PM_BASE | 1);
	pci_write8(PIIX4_PM, PIIX4_PMREGMISC, PMIOSE);
	/* Not done, found unnecessary by experiment (Debian 6.1, virtio-blk and
	 * virtio-net on pc and q35): PIRQ link registers and INTERRUPT_LINE. With
	 * ACPI, Linux routes INTx itself through the DSDT's _PRT and link devices
	 * (_SRS writes the PIRQ registers); with acpi=off, virtio-pci uses MSI-X.
	 * Only INTx-only devices without ACPI would miss an interrupt. */
}
