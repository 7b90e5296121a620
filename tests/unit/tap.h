/* A tiny TAP producer for the host unit tests: ok(), is_u64(), is_str(), and
 * done_testing() which prints the plan and gives the exit status. */
#ifndef LEAPBOOT_TEST_TAP_H
#define LEAPBOOT_TEST_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static unsigned tap_run, tap_failed;

static void tap_vresult(bool pass, const char *fmt, va_list ap)
{
	tap_run++;
	printf("%sok %u - ", pass ? "" : "not ", tap_run);
	vprintf(fmt, ap);
	putchar('\n');
	if (!pass)
		tap_failed++;
}

static void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2), unused));
static void tap_diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

static bool tap_ok(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3), unused));
static bool tap_ok(bool pass, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_vresult(pass, fmt, ap);
	va_end(ap);
	return pass;
}

static bool tap_is_u64(uint64_t got, uint64_t want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), unused));
static bool tap_is_u64(uint64_t got, uint64_t want, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_vresult(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		tap_diag("     got: %#" PRIx64 " (%" PRIu64 ")\n#     want: %#" PRIx64 " (%" PRIu64
			 ")",
			 got, got, want, want);
	return got == want;
}

static bool tap_is_str(const char *got, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), unused));
static bool tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	bool pass = got && want ? strcmp(got, want) == 0 : got == want;
	va_start(ap, fmt);
	tap_vresult(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		tap_diag("     got: \"%s\"\n#     want: \"%s\"", got ? got : "(null)",
			 want ? want : "(null)");
	return pass;
}

static int done_testing(void) __attribute__((unused));
static int done_testing(void)
{
	printf("1..%u\n", tap_run);
	if (tap_failed)
		tap_diag("Looks like you failed %u test%s of %u.", tap_failed,
			 tap_failed == 1 ? "" : "s", tap_run);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#define ok(cond, ...)	       tap_ok(!!(cond), __VA_ARGS__)
#define is_u64(got, want, ...) tap_is_u64((uint64_t)(got), (uint64_t)(want), __VA_ARGS__)
#define is_str(got, want, ...) tap_is_str((got), (want), __VA_ARGS__)
#define diag(...)	       tap_diag(__VA_ARGS__)
/* Checks the code of a status_t. */
#define is_code(st, want, ...) tap_is_u64((uint64_t)(st).code, (uint64_t)(want), __VA_ARGS__)

#endif
