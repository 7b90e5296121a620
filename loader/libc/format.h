/* A small vsnprintf for console messages: %s %c %d %u %x %p with #, 0, width,
 * and the l/ll/z length modifiers. */
#ifndef LEAPBOOT_LIBC_FORMAT_H
#define LEAPBOOT_LIBC_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Returns the length of the full output; writes at most size-1 chars plus NUL. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
