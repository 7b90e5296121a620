/* The console under UEFI: lines to ConOut (which OVMF and AAVMF also copy to the
 * serial port), the UART once the firmware is gone. */
#include "efi.h"
#include "../arch.h"

#define LINE_MAX 256

static CHAR16 line[LINE_MAX + 1];
static uint32_t used;
static void (*uart_putc)(char c);
static bool firmware_gone;

static void flush(void)
{
	line[used] = 0;
	if (used)
		efi_st->ConOut->OutputString(efi_st->ConOut, line);
	used = 0;
}

void arch_console_putc(char c)
{
	if (firmware_gone) {
		if (uart_putc)
			uart_putc(c);
		return;
	}
	line[used++] = (CHAR16)(unsigned char)c;
	if (c == '\n' || used == LINE_MAX)
		flush();
}

void efi_console_leave_firmware(void (*putc)(char c))
{
	flush();
	firmware_gone = true;
	uart_putc = putc;
}

_Noreturn void efi_power_off(void)
{
	if (!firmware_gone)
		flush();
	efi_st->RuntimeServices->ResetSystem(EfiResetShutdown, EFI_ABORTED, 0, 0);
	for (;;)
		;
}
