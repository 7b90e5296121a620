/* Per-machine set-up: only what the kernel cannot do itself. */
#ifndef LEAPBOOT_PLATFORM_H
#define LEAPBOOT_PLATFORM_H

#include "memmap.h"

enum machine {
	MACHINE_NO_PCI, /* microvm, or anything without a PCI host bridge */
	MACHINE_PC,	/* i440FX + PIIX */
	MACHINE_Q35,	/* Q35 MCH + ICH9 */
};

struct platform {
	enum machine machine;
	const char *name;
	uint64_t mmconfig_base, mmconfig_size; /* 0 when absent */
};

/* The ACPI PM I/O base leapboot programs on pc and q35 (SeaBIOS's choice too). */
#define PLATFORM_PM_BASE 0x600

/* Detects the machine and programs what must precede the kernel. */
void platform_init(struct platform *pl);

void platform_pc_init(struct platform *pl);
void platform_q35_init(struct platform *pl);

/* Reserves the machine's windows (q35 MMCONFIG) in the memory map. */
status_t platform_reserve(const struct platform *pl, struct memmap *m);

#endif
