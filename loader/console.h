/* Serial console: quiet unless asked (every byte is a port write), errors always. */
#ifndef LEAPBOOT_CONSOLE_H
#define LEAPBOOT_CONSOLE_H

#include <stdbool.h>
#include "status.h"

extern bool console_verbose;

/* Another firmware ran before and may have left a line unfinished ("Booting from
 * ROM.."): start leapboot's first line on a new one. */
void console_after_firmware(void);

/* "leapboot: <message>" when verbose; the test before the call, so that a quiet
 * boot does not even gather the arguments. */
void console_print_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define console_info(...)                                                                          \
	do {                                                                                       \
		if (console_verbose)                                                               \
			console_print_info(__VA_ARGS__);                                           \
	} while (0)

/* "leapboot: error: <stage>: <what> (<detail>)", always. */
void console_error(const char *stage, status_t s);

/* "leapboot: warning: <stage>: <what> (<detail>); <consequence>", always. */
void console_warning(const char *stage, status_t s, const char *consequence);

/* An exception inside leapboot, always: "leapboot: error: cpu: <kind> in leapboot
 * (vector, ESR, ELR, FAR)". */
void console_exception(const char *kind, uint64_t syndrome, uint64_t pc, uint64_t address,
		       uint64_t vector);

#endif
