/* Machine detection by the host bridge at 00:00.0, and q35's MMCONFIG window. */
#include "platform.h"
#include "pci.h"

#define PCI_ID_I440FX 0x12378086u
#define PCI_ID_Q35    0x29C08086u

/* Q35 MCH PCIEXBAR (64-bit register at 0x60): base, length 256 MiB (bits 2:1 = 0),
 * enable (bit 0). 0xB0000000 is where QEMU's q35 ends low RAM at most, and what
 * SeaBIOS and OVMF choose, so the ACPI MCFG QEMU generates will agree. */
#define Q35_PCIEXBAR	  0x60
#define Q35_MMCONFIG_BASE 0xB0000000u
#define Q35_MMCONFIG_SIZE 0x10000000u
#define PCIEXBAR_ENABLE	  0x1u

void platform_init(struct platform *pl)
{
	uint32_t id = pci_read32(0, 0, 0, 0);

	pl->mmconfig_base = 0;
	pl->mmconfig_size = 0;
	if (id == PCI_ID_Q35) {
		pl->machine = MACHINE_Q35;
		pl->name = "q35";
		pci_write32(0, 0, 0, Q35_PCIEXBAR + 4, 0);
		pci_write32(0, 0, 0, Q35_PCIEXBAR, Q35_MMCONFIG_BASE | PCIEXBAR_ENABLE);
		pl->mmconfig_base = Q35_MMCONFIG_BASE;
		pl->mmconfig_size = Q35_MMCONFIG_SIZE;
	} else if (id == PCI_ID_I440FX) {
		pl->machine = MACHINE_PC;
		pl->name = "pc";
	} else {
		pl->machine = MACHINE_NO_PCI;
		pl->name = "no PCI (microvm)";
	}
}

status_t platform_reserve(const struct platform *pl, struct memmap *m)
{
	if (!pl->mmconfig_size)
		return lb_ok();
	return memmap_set(m, pl->mmconfig_base, pl->mmconfig_base + pl->mmconfig_size,
			  MEM_RESERVED);
}
