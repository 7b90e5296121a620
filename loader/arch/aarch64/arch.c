#include "../../arch.h"
#include "../../platform/virt.h"
#include "../../console.h"
#include "mmio.h"

/* PL011 UART of QEMU virt. */
#define UART0	 VIRT_UART_BASE
#define UART_DR	 0x00
#define UART_FR	 0x18
#define FR_TXFF	 0x20
#define TX_TRIES 100000

/* PSCI SYSTEM_OFF: QEMU virt implements PSCI itself, called by HVC when the
 * guest has no EL2 and by SMC when it has (its DTB's /psci method says the same). */
#define PSCI_SYSTEM_OFF 0x84000008ull

/* The identity map covers the first 512 GiB. */
#define IDENTITY_LIMIT (512ull << 30)

extern char __fw_start[], __fw_end[];

/* The exception level leapboot was entered at (start.S): 2 means EL2 is present. */
uint32_t arch_boot_el;

_Noreturn void arch_enter_arm64(uint64_t entry, uint64_t dtb, const uint64_t *start,
				const uint64_t *end, uint64_t count);

void arch_console_putc(char c)
{
	for (int i = 0; i < TX_TRIES && (mmio_read32(UART0 + UART_FR) & FR_TXFF); i++)
		;
	mmio_write8(UART0 + UART_DR, (uint8_t)c);
}

_Noreturn void arch_enter(const struct boot_plan *plan)
{
	uint64_t start[PLAN_MAX_REGIONS], end[PLAN_MAX_REGIONS];
	for (uint32_t i = 0; i < plan->nregions; i++) {
		start[i] = plan->region[i].start;
		end[i] = plan->region[i].start + plan->region[i].len;
	}
	arch_enter_arm64(plan->entry, plan->arg, start, end, plan->nregions);
}

_Noreturn void arch_fail(void)
{
	register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
	if (arch_boot_el == 2)
		__asm__ volatile("smc #0" : "+r"(x0) : : "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
	for (;;)
		__asm__ volatile("wfi");
}

/* What ESR_EL1's exception class says happened, for the common classes. */
static const char *exception_kind(uint64_t esr, uint64_t vector)
{
	if (vector % 4 != 0)
		return vector % 4 == 1 ? "IRQ" : vector % 4 == 2 ? "FIQ" : "SError";
	switch (esr >> 26) {
	case 0x00:
		return "undefined instruction";
	case 0x20:
	case 0x21:
		return "instruction abort";
	case 0x22:
		return "PC alignment fault";
	case 0x24:
	case 0x25:
		return "data abort";
	case 0x26:
		return "SP alignment fault";
	default:
		return "exception";
	}
}

/* From vectors.S: an exception inside leapboot. */
_Noreturn void arch_exception(uint64_t esr, uint64_t elr, uint64_t far, uint64_t vector)
{
	console_exception(exception_kind(esr, vector), esr, elr, far, vector);
	arch_fail();
}

uint64_t arch_identity_limit(void)
{
	return IDENTITY_LIMIT;
}

void arch_firmware_ram(uint64_t *start, uint64_t *end)
{
	*start = (uint64_t)(uintptr_t)__fw_start;
	*end = (uint64_t)(uintptr_t)__fw_end;
}
