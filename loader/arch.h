/* What every architecture provides: the ways out of leapboot (into the kernel,
 * or a failure stop), its console, and where its own RAM is. What only x86 has
 * is in arch/x86_64/arch_x86.h. */
#ifndef LEAPBOOT_ARCH_H
#define LEAPBOOT_ARCH_H

#include "../boot/plan.h"

/* Leaves leapboot for the kernel as the validated plan says. */
_Noreturn void arch_enter(const struct boot_plan *plan);

/* One character to the console UART (x86: COM1 16550; arm64: PL011). */
void arch_console_putc(char c);

/* Stops after an error: exits QEMU through isa-debug-exit when present, else halts. */
_Noreturn void arch_fail(void);

/* The CPU reaches RAM below this address only (the identity map); DMA reaches all. */
uint64_t arch_identity_limit(void);

/* leapboot's own RAM (data, bss, page tables, stack), from the linker script. */
void arch_firmware_ram(uint64_t *start, uint64_t *end);

/* Claims that RAM in the map, so that nothing is placed over leapboot. */
status_t arch_firmware_ram_claim(struct memmap *m);

#endif
