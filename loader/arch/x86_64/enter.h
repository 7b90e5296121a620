/* Into the kernel: the 64-bit boot protocol, or 32-bit protected mode with
 * paging off (the 32-bit boot protocol, PVH). */
#ifndef LEAPBOOT_X86_ENTER_H
#define LEAPBOOT_X86_ENTER_H

#include <stdint.h>

_Noreturn void x86_enter(uint64_t entry, uint64_t rsi, uint32_t ebx, uint32_t protected32);

#endif
