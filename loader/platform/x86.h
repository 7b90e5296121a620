/* The x86 machines' own set-up (pc, q35; microvm needs none): only what the
 * kernel cannot do itself. */
#ifndef LEAPBOOT_PLATFORM_X86_H
#define LEAPBOOT_PLATFORM_X86_H

#include "../platform.h"

/* The ACPI PM I/O base leapboot programs on pc and q35 (SeaBIOS's choice too). */
#define PLATFORM_PM_BASE 0x600

void platform_pc_init(struct platform *pl);
void platform_q35_init(struct platform *pl);

#endif
