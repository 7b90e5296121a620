/* COM1, the console UART, written directly (the EFI form uses it once the
 * firmware's console is gone). */
#ifndef LEAPBOOT_X86_UART_H
#define LEAPBOOT_X86_UART_H

void uart_putc(char c);

#endif
