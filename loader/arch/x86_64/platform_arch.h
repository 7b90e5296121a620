/* What the x86 machines keep between the pipeline's steps. */
#ifndef LEAPBOOT_X86_PLATFORM_ARCH_H
#define LEAPBOOT_X86_PLATFORM_ARCH_H

#include <stdint.h>
#include "../../../pvh/pvh.h"

enum machine {
	MACHINE_NO_PCI, /* microvm, or anything without a PCI host bridge */
	MACHINE_PC,	/* i440FX + PIIX */
	MACHINE_Q35,	/* Q35 MCH + ICH9 */
};

struct platform_arch {
	enum machine machine;
	uint64_t mmconfig_base, mmconfig_size; /* 0 when absent */
	const struct hvm_start_info *si;       /* chain-loaded: what the firmware handed over */
	uint64_t rsdp;			       /* the ACPI RSDP, 0 if none */
};

#endif
