/* What only the x86 firmware has: the F-segment and CPUID. */
#ifndef LEAPBOOT_ARCH_X86_H
#define LEAPBOOT_ARCH_X86_H

#include <stdint.h>

/* Free F-segment space (below 1 MiB, where legacy scans for the RSDP, SMBIOS and
 * the MP table look), writable once the platform is set up. */
void arch_fseg_pool(uint64_t *start, uint64_t *end);

/* The boot CPU's signature and feature flags (CPUID leaf 1 EAX, EDX). */
void arch_cpu_id(uint32_t *signature, uint32_t *features);

#endif
