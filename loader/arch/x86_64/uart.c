#include "uart.h"
#include "io.h"

/* COM1, a 16550 UART at 0x3F8. QEMU needs no baud-rate set-up. */
#define COM1	   0x3F8
#define UART_THR   0
#define UART_LSR   5
#define LSR_THRE   0x20
#define THRE_TRIES 100000

void uart_putc(char c)
{
	for (int i = 0; i < THRE_TRIES && !(inb(COM1 + UART_LSR) & LSR_THRE); i++)
		;
	outb(COM1 + UART_THR, (uint8_t)c);
}
