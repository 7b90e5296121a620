/* Console lines on the architecture's UART (arch_console_putc). */
#include <stdarg.h>
#include "arch.h"
#include "console.h"
#include "libc/format.h"

bool console_verbose;
static bool needs_newline;

void console_after_firmware(void)
{
	needs_newline = true;
}

static void write_line(const char *s)
{
	if (needs_newline) {
		needs_newline = false;
		arch_console_putc('\r');
		arch_console_putc('\n');
	}
	for (; *s; s++) {
		if (*s == '\n')
			arch_console_putc('\r');
		arch_console_putc(*s);
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

void console_print_info(const char *fmt, ...)
{
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
			  (unsigned long long)lb_detail.a, (unsigned long long)lb_detail.b);
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

void console_exception(const char *kind, uint64_t syndrome, uint64_t pc, uint64_t address,
		       uint64_t vector)
{
	char line[192];
	fmt_snprintf(line, sizeof(line),
		     "leapboot: error: cpu: %s in leapboot (vector %llu, ESR %#llx, ELR %#llx, "
		     "FAR %#llx)",
		     kind, (unsigned long long)vector, (unsigned long long)syndrome,
		     (unsigned long long)pc, (unsigned long long)address);
	write_line(line);
	write_line("\n");
}
