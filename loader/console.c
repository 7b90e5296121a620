/* COM1, a 16550 UART at 0x3F8. QEMU needs no baud-rate set-up. */
#include <stdarg.h>
#include "console.h"
#include "libc/format.h"
#include "io.h"

#define COM1	   0x3F8
#define UART_THR   0
#define UART_LSR   5
#define LSR_THRE   0x20
#define THRE_TRIES 100000

bool console_verbose;
static bool needs_newline;

void console_after_firmware(void)
{
	needs_newline = true;
}

static void putc_serial(char c)
{
	for (int i = 0; i < THRE_TRIES && !(inb(COM1 + UART_LSR) & LSR_THRE); i++)
		;
	outb(COM1 + UART_THR, (uint8_t)c);
}

static void write_line(const char *s)
{
	if (needs_newline) {
		needs_newline = false;
		putc_serial('\r');
		putc_serial('\n');
	}
	for (; *s; s++) {
		if (*s == '\n')
			putc_serial('\r');
		putc_serial(*s);
	}
}

static void vprint(const char *prefix, const char *fmt, va_list ap)
{
	char line[256];
	int n = fmt_snprintf(line, sizeof(line), "%s", prefix);
	fmt_vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	write_line(line);
	write_line("\n");
}

void console_info(const char *fmt, ...)
{
	if (!console_verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	vprint("leapboot: ", fmt, ap);
	va_end(ap);
}

static void report(const char *kind, const char *stage, status_t s, const char *consequence)
{
	char line[256];
	int n = fmt_snprintf(line, sizeof(line), "leapboot: %s: %s: ", kind, stage);
	n += fmt_snprintf(line + n, sizeof(line) - (size_t)n, lb_message(s.code),
			  (unsigned long long)s.a, (unsigned long long)s.b);
	if (consequence && (size_t)n < sizeof(line))
		fmt_snprintf(line + n, sizeof(line) - (size_t)n, "; %s", consequence);
	write_line(line);
	write_line("\n");
}

void console_error(const char *stage, status_t s)
{
	report("error", stage, s, 0);
}

void console_warning(const char *stage, status_t s, const char *consequence)
{
	report("warning", stage, s, consequence);
}
