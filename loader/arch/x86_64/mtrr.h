/* The boot CPU's MTRRs, programmed by the firmware form (boot/mtrr.h says how). */
#ifndef LEAPBOOT_X86_MTRR_SETUP_H
#define LEAPBOOT_X86_MTRR_SETUP_H

#include "memmap.h"
#include "../../../boot/mtrr.h"

/* Write-back by default; uncached: the legacy VGA window, everything from the
 * top of RAM below 4 GiB up to 4 GiB (QEMU's 32-bit PCI hole, the I/O APIC,
 * HPET, local APIC and ROM), and an MMCONFIG window (base, size; size 0 for
 * none) where it is not inside that hole. Fills *plan with what it set; n = 0
 * on a CPU without MTRRs. */
void mtrr_setup(const struct memmap *m, uint64_t mmconfig_base, uint64_t mmconfig_size,
		struct mtrr_plan *plan);

#endif
