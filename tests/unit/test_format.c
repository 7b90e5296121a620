/* fmt_snprintf (loader/libc/format.c). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libc/format.h"
#include "tap.h"

/* Formats into a 64-byte buffer and compares with want; also the return value. */
#define FMT_IS(want, ...)                                                                          \
	do {                                                                                       \
		char b_[64];                                                                       \
		memset(b_, 'X', sizeof(b_));                                                       \
		int n_ = fmt_snprintf(b_, sizeof(b_), __VA_ARGS__);                                \
		is_str(b_, want, "fmt %s", #__VA_ARGS__);                                          \
		if (n_ != (int)strlen(want))                                                       \
			is_u64(n_, strlen(want), "return value of %s", #__VA_ARGS__);              \
	} while (0)

/* The same output as the host's snprintf, for formats where C agrees. */
#define LIKE_LIBC(...)                                                                             \
	do {                                                                                       \
		char a_[96], b_[96];                                                               \
		int na_ = fmt_snprintf(a_, sizeof(a_), __VA_ARGS__);                               \
		int nb_ = snprintf(b_, sizeof(b_), __VA_ARGS__);                                   \
		if (!ok(na_ == nb_ && strcmp(a_, b_) == 0, "like libc: %s -> \"%s\"",              \
			#__VA_ARGS__, b_))                                                         \
			diag("got \"%s\" (%d), libc \"%s\" (%d)", a_, na_, b_, nb_);               \
	} while (0)

/* fmt_vsnprintf with formats the compiler would reject. */
static int unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int main(void)
{
	/* Conversions. */
	FMT_IS("plain text", "plain text");
	FMT_IS("", "%s", "");
	FMT_IS("a-hello-b", "a-%s-b", "hello");
	FMT_IS("x=Q", "x=%c", 'Q');
	FMT_IS("0 42 -42", "%d %d %d", 0, 42, -42);
	FMT_IS("-2147483648 2147483647", "%d %d", INT_MIN, INT_MAX);
	FMT_IS("4294967295", "%u", UINT_MAX);
	FMT_IS("deadbeef", "%x", 0xdeadbeefu);
	FMT_IS("0xfd00000000", "%#llx", 0xfd00000000ull);
	FMT_IS("18446744073709551615", "%llu", ULLONG_MAX);
	FMT_IS("-9223372036854775808", "%lld", LLONG_MIN);
	FMT_IS("ffffffffffffffff", "%llx", ULLONG_MAX);
	FMT_IS("123456789012", "%lu", 123456789012ul);
	FMT_IS("-123456789012", "%ld", -123456789012l);
	FMT_IS("4096", "%zu", sizeof(char[4096]));
	FMT_IS("0x1234", "%p", (void *)0x1234);
	FMT_IS("0xffff800000000000", "%p", (void *)0xffff800000000000ull);
	FMT_IS("100%", "100%%");
	FMT_IS("1 two 3 4 5", "%d %s %c %u %x", 1, "two", '3', 4u, 5u);

	/* Width and padding. */
	FMT_IS("   42", "%5d", 42);
	FMT_IS("00042", "%05d", 42);
	FMT_IS("  -42", "%5d", -42);
	FMT_IS("-0042", "%05d", -42);
	FMT_IS("42", "%1d", 42);
	FMT_IS("000000ab", "%08x", 0xabu);
	FMT_IS("0x000000ab", "%#010x", 0xabu);
	FMT_IS("      0xab", "%#10x", 0xabu);
	FMT_IS("00000000000000001000", "%020llu", 0x3e8ull);
	FMT_IS("0x00001000", "%#010llx", 0x1000ull);

	/* Against the host's printf. */
	LIKE_LIBC("%d|%5d|%05d|%d", -7, -7, -7, 0);
	LIKE_LIBC("%u|%10u|%010u", 123u, 123u, 123u);
	LIKE_LIBC("%x|%8x|%08x|%#x|%#8x|%#08x", 0xbeefu, 0xbeefu, 0xbeefu, 0xbeefu, 0xbeefu,
		  0xbeefu);
	LIKE_LIBC("%llx|%#llx|%llu|%lld", 0x123456789abcdefull, 0x123456789abcdefull,
		  9876543210123ull, -9876543210123ll);
	LIKE_LIBC("%zu|%zx", (size_t)1 << 40, (size_t)0xabcdef);
	LIKE_LIBC("%p", (void *)0x7fff1234);
	LIKE_LIBC("%s=%c%c", "key", 'v', '!');
	LIKE_LIBC("%lu|%lx|%ld", 1ul << 63, 1ul << 63, LONG_MIN);

	/* The message formats of the status codes. */
	LIKE_LIBC("DMA transfer failed (key %#llx, %llu bytes)", 0x19ull, 4096ull);
	LIKE_LIBC("machine %s, fw_cfg %s, %u files", "q35", "DMA", 17u);

	/* Truncation: the full length is returned, the buffer ends in a NUL. */
	char buf[8];
	memset(buf, 'X', sizeof(buf));
	int n = fmt_snprintf(buf, sizeof(buf), "%s", "abcdefghijkl");
	is_u64(n, 12, "truncated: returns the full length");
	is_str(buf, "abcdefg", "truncated: size-1 chars and a NUL");
	memset(buf, 'X', sizeof(buf));
	n = fmt_snprintf(buf, 5, "%d-%x", 123456, 0xffu);
	is_u64(n, 9, "truncated number: full length");
	is_str(buf, "1234", "truncated number: 4 chars");
	ok(buf[5] == 'X', "nothing written past size");
	memset(buf, 'X', sizeof(buf));
	n = fmt_snprintf(buf, 4, "%08x", 1u);
	ok(n == 8 && strcmp(buf, "000") == 0, "truncated padding");
	memset(buf, 'X', sizeof(buf));
	n = fmt_snprintf(buf, 8, "%s", "1234567");
	ok(n == 7 && strcmp(buf, "1234567") == 0, "exactly fits");
	n = fmt_snprintf(buf, 1, "%s", "abc");
	ok(n == 3 && buf[0] == 0, "size 1: just the NUL");
	memset(buf, 'X', sizeof(buf));
	n = fmt_snprintf(buf, 0, "%s %d", "abc", 12345);
	is_u64(n, 9, "size 0: returns the length");
	ok(buf[0] == 'X', "size 0: buffer untouched");
	n = fmt_snprintf(NULL, 0, "%llu", 1234567890123ull);
	is_u64(n, 13, "size 0 with a NULL buffer measures");

	/* Ill-formed formats are shown, not crashed on. */
	char out[16];
	/* A lone % at the end (undefined in C): stop there, without reading past the
	 * NUL (the format is on the heap, exactly sized, for ASan). */
	char *trailing = strdup("50%");
	n = unchecked(out, sizeof(out), trailing);
	ok(n == (int)strlen(out) && strncmp(out, "50", 2) == 0, "a trailing %% ends the output");
	free(trailing);
	n = unchecked(out, sizeof(out), "[%s]", (char *)NULL);
	ok(n == 8 && strcmp(out, "[(null)]") == 0, "%%s of NULL prints (null)");
	n = unchecked(out, sizeof(out), "%q|%#");
	ok(n == 3 && strcmp(out, "%q|") == 0, "an unknown conversion is printed as is (\"%s\")",
	   out);

	return done_testing();
}
