/* The string functions the core, libfdt and zlib call; standard prototypes, so the
 * host's libc serves the unit tests. */
#ifndef LEAPBOOT_LIBC_STRING_H
#define LEAPBOOT_LIBC_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);
size_t strnlen(const char *s, size_t max);
char *strrchr(const char *s, int c);

/* Equality only, inline: possibly overlapping quadwords decide 8 to 32 bytes
 * (file and blob names) without a call. */
static inline unsigned long long mem_word_diff(const unsigned char *x, const unsigned char *y)
{
	unsigned long long u, v;
	__builtin_memcpy(&u, x, 8);
	__builtin_memcpy(&v, y, 8);
	return u ^ v;
}

static inline int mem_equal(const void *a, const void *b, size_t n)
{
	if (n < 8 || n > 32)
		return __builtin_memcmp(a, b, n) == 0;
	const unsigned char *x = a, *y = b;
	unsigned long long d = mem_word_diff(x, y) | mem_word_diff(x + n - 8, y + n - 8);
	if (n > 16)
		d |= mem_word_diff(x + 8, y + 8) | mem_word_diff(x + n - 16, y + n - 16);
	return d == 0;
}

/* Non-zero if the little-endian word w holds a zero byte; its lowest set bit is
 * bit 7 of the first one (bits above it may be set spuriously). */
static inline unsigned long long word_zero_bytes(unsigned long long w)
{
	return (w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull;
}

/* -ffreestanding turns GCC's builtins off; these let small fixed-size copies and
 * compares inline again (larger ones still call the functions above). */
#ifndef LEAPBOOT_LIBC_IMPL
#define memcpy(d, s, n) __builtin_memcpy(d, s, n)
#define memset(d, c, n) __builtin_memset(d, c, n)
#define memcmp(a, b, n) __builtin_memcmp(a, b, n)
#define strlen(s)	__builtin_strlen(s)
#endif

#endif
