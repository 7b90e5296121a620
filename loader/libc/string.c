#define LEAPBOOT_LIBC_IMPL
#include "string.h"
#include <stdint.h>

#ifdef __x86_64__
void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;
	/* Whole quadwords first, as in memset. */
	size_t q = n / 8, r = n % 8;
	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(q) : : "memory");
	/* A size known to be whole quadwords (most structs) drops the byte step. */
	if (r)
		__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(r) : : "memory");
	return ret;
}
#else
void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	/* Eight bytes a step when both sides allow it. */
	if (!(((uintptr_t)d | (uintptr_t)s) & 7))
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
	while (n--)
		*d++ = *s++;
	return dst;
}
#endif

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
#ifdef __x86_64__
	/* Overlapping with dst above src: from the end, the odd bytes first, then
	 * quadwords with the direction flag set (one instruction per 8 bytes). */
	const unsigned char *se = s + n - 1;
	unsigned char *de = d + n - 1;
	size_t r = n % 8;
	__asm__ volatile("std\n\t"
			 "rep movsb\n\t"
			 "sub $7, %%rsi\n\t"
			 "sub $7, %%rdi\n\t"
			 "mov %[q], %%rcx\n\t"
			 "rep movsq\n\t"
			 "cld"
			 : "+D"(de), "+S"(se), "+c"(r)
			 : [q] "r"(n / 8)
			 : "memory", "cc");
#else
	/* Overlapping with dst above src: from the end, eight bytes a step. */
	for (; n >= 8; n -= 8) {
		uint64_t w;
		__builtin_memcpy(&w, s + n - 8, 8);
		__builtin_memcpy(d + n - 8, &w, 8);
	}
	while (n--)
		d[n] = s[n];
#endif
	return dst;
}

#ifdef __x86_64__
void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;
	/* Whole quadwords first: rep stosq is one instruction per 8 bytes. */
	uint64_t pattern = 0x0101010101010101ull * (unsigned char)c;
	size_t q = n / 8, r = n % 8;
	__asm__ volatile("rep stosq" : "+D"(dst), "+c"(q) : "a"(pattern) : "memory");
	if (r)
		__asm__ volatile("rep stosb" : "+D"(dst), "+c"(r) : "a"(pattern) : "memory");
	return ret;
}
#else
void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t pattern = 0x0101010101010101ull * (unsigned char)c;
	for (; n && ((uintptr_t)d & 7); n--)
		*d++ = (unsigned char)c;
	for (; n >= 8; n -= 8, d += 8)
		*(uint64_t *)(void *)d = pattern;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}
#endif

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	uint64_t u, v;
	/* Equal quadwords skipped eight bytes a step (the last one overlapping the
	 * one before when n is not a multiple of 8); the bytes decide the sign. */
	for (; n >= 8; n -= 8, x += 8, y += 8) {
		__builtin_memcpy(&u, x, 8);
		__builtin_memcpy(&v, y, 8);
		if (u != v)
			break;
		if (n > 8 && n < 16) {
			__builtin_memcpy(&u, x + n - 8, 8);
			__builtin_memcpy(&v, y + n - 8, 8);
			if (u == v)
				return 0;
		}
	}
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	for (size_t i = 0; i < n; i++)
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;
	/* Bytes up to an 8-byte boundary, then aligned quadwords (which never cross
	 * a page, so reading past the NUL is harmless) until one holds a zero. */
	for (; (uintptr_t)p & 7; p++)
		if (!*p)
			return (size_t)(p - s);
	for (;; p += 8) {
		uint64_t w;
		__builtin_memcpy(&w, p, 8);
		if (word_zero_bytes(w))
			break;
	}
	while (*p)
		p++;
	return (size_t)(p - s);
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return (unsigned char)a[i] - (unsigned char)b[i];
		if (!a[i])
			return 0;
	}
	return 0;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

char *strrchr(const char *s, int c)
{
	const char *last = 0;
	do {
		if (*s == (char)c)
			last = s;
	} while (*s++);
	return (char *)last;
}
