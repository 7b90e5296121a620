/* Machine detection by the host bridge at 00:00.0, then the machine's own set-up. */
#include "platform.h"
#include "pci.h"

#define PCI_ID_I440FX 0x12378086u
#define PCI_ID_Q35    0x29C08086u

void platform_init(struct platform *pl)
{
	uint32_t id = pci_read32(PCI_BDF(0, 0, 0), 0);

	pl->mmconfig_base = 0;
	pl->mmconfig_size = 0;
	if (id == PCI_ID_Q35) {
		pl->machine = MACHINE_Q35;
		pl->name = "q35";
		platform_q35_init(pl);
	} else if (id == PCI_ID_I440FX) {
		pl->machine = MACHINE_PC;
		pl->name = "pc";
		platform_pc_init(pl);
	} else {
		/* microvm: no PCI, nothing to program; its F-segment is RAM already
		 * (QEMU maps its firmware image as RAM there). */
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
