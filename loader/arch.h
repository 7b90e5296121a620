/* The only ways out of leapboot: into the kernel, or a failure stop. */
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

/* Free F-segment space (below 1 MiB, where legacy scans for the RSDP, SMBIOS and
 * the MP table look), writable once the platform is set up. */
void arch_fseg_pool(uint64_t *start, uint64_t *end);

/* The boot CPU's signature and feature flags (x86: CPUID leaf 1 EAX, EDX). */
void arch_cpu_id(uint32_t *signature, uint32_t *features);

/* leapboot's own RAM (data, bss, page tables, stack), from the linker script. */
void arch_firmware_ram(uint64_t *start, uint64_t *end);

#endif
