#include "../../arch.h"
#include "arch_x86.h"
#include "enter.h"
#include "io.h"
#include "msr.h"
#include "uart.h"

/* start.S identity-maps 0 – 1 GiB-2 MiB; the last 2 MiB page is the ROM's. */
#define IDENTITY_LIMIT 0x3FE00000ull

/* From the linker script of each form: leapboot's own pages, and the free
 * F-segment space (the ROM's low alias beyond the image; none in the ELF form). */
extern char __fw_start[], __fw_end[], __fseg_pool_start[], __fseg_pool_end[];

_Noreturn void arch_enter_linux64(uint64_t entry, uint64_t boot_params);
_Noreturn void arch_enter_protected32(uint32_t entry, uint32_t esi, uint32_t ebx);

void arch_console_putc(char c)
{
	uart_putc(c);
}

_Noreturn void x86_enter(uint64_t entry, uint64_t rsi, uint32_t ebx, uint32_t protected32)
{
	if (protected32)
		arch_enter_protected32((uint32_t)entry, (uint32_t)rsi, ebx);
	arch_enter_linux64(entry, rsi);
}

_Noreturn void arch_fail(void)
{
	debug_exit_failure();
	for (;;)
		__asm__ volatile("cli; hlt");
}

uint64_t arch_identity_limit(void)
{
	return IDENTITY_LIMIT;
}

void arch_fseg_pool(uint64_t *start, uint64_t *end)
{
	*start = (uint64_t)(uintptr_t)__fseg_pool_start;
	*end = (uint64_t)(uintptr_t)__fseg_pool_end;
}

void arch_cpu_id(uint32_t *signature, uint32_t *features)
{
	struct cpuid r = cpuid(1);
	*signature = r.a;
	*features = r.d;
}

void arch_firmware_ram(uint64_t *start, uint64_t *end)
{
	*start = (uint64_t)(uintptr_t)__fw_start;
	*end = (uint64_t)(uintptr_t)__fw_end;
}
