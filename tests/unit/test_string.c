/* leapboot's own string functions (loader/libc/string.c), which only the
 * firmware links: compiled here under other names and checked against byte
 * loops at every length and overlap the boot path can meet. */
#include <stdint.h>
#include <stdio.h>

#include "tap.h"

#define memcpy	lb_memcpy
#define memmove lb_memmove
#define memset	lb_memset
#define memcmp	lb_memcmp
#define memchr	lb_memchr
#define strlen	lb_strlen
#define strncmp lb_strncmp
#define strnlen lb_strnlen
#define strrchr lb_strrchr
#include "libc/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen

#define SPAN 160

static uint8_t pat(unsigned i)
{
	return (uint8_t)(i * 37 + 11 + (i >> 4));
}

/* memmove both ways at every overlap, memcpy and memset at every offset. */
static void test_moves(void)
{
	static uint8_t buf[SPAN * 2], want[SPAN * 2];
	unsigned wrong = 0, cases = 0;

	for (unsigned n = 0; n <= 64; n++)
		for (unsigned from = 0; from < 24; from++)
			for (unsigned to = 0; to < 24; to++) {
				for (unsigned i = 0; i < sizeof(buf); i++)
					buf[i] = want[i] = pat(i);
				uint8_t tmp[64]; /* the reference copies through a buffer */
				for (unsigned i = 0; i < n; i++)
					tmp[i] = buf[SPAN + from + i];
				for (unsigned i = 0; i < n; i++)
					want[SPAN + to + i] = tmp[i];
				void *r = lb_memmove(buf + SPAN + to, buf + SPAN + from, n);
				wrong += r != buf + SPAN + to;
				for (unsigned i = 0; i < sizeof(buf); i++)
					wrong += buf[i] != want[i];
				cases++;
			}
	ok(wrong == 0, "memmove: %u overlapping and separate moves of 0..64 bytes (%u wrong)",
	   cases, wrong);

	wrong = 0;
	for (unsigned n = 0; n <= 100; n++)
		for (unsigned off = 0; off < 16; off++) {
			uint8_t src[128], dst[128 + 16];
			for (unsigned i = 0; i < sizeof(src); i++)
				src[i] = pat(i);
			lb_memset(dst, 0xA5, sizeof(dst));
			lb_memcpy(dst + off, src, n);
			for (unsigned i = 0; i < sizeof(dst); i++)
				wrong += dst[i] != (i >= off && i < off + n ? src[i - off] : 0xA5);
			lb_memset(dst + off, 0x3C, n);
			for (unsigned i = 0; i < sizeof(dst); i++)
				wrong += dst[i] != (i >= off && i < off + n ? 0x3C : 0xA5);
		}
	ok(wrong == 0, "memcpy and memset: 0..100 bytes at offsets 0..15 (%u wrong)", wrong);
}

static void test_compares(void)
{
	unsigned wrong = 0;
	for (unsigned n = 0; n <= 40; n++)
		for (unsigned at = 0; at <= n; at++) {
			uint8_t a[48], b[48];
			for (unsigned i = 0; i < sizeof(a); i++)
				a[i] = b[i] = pat(i);
			if (at < n)
				b[at] = (uint8_t)(a[at] + 1);
			int r = lb_memcmp(a, b, n);
			wrong += at < n ? !(r < 0) : r != 0;
			wrong += mem_equal(a, b, n) != (at == n);
		}
	ok(wrong == 0, "memcmp and mem_equal: 0..40 bytes, a difference at each place (%u wrong)",
	   wrong);

	wrong = 0;
	static char s[96];
	for (unsigned off = 0; off < 16; off++)
		for (unsigned len = 0; len < 64; len++) {
			for (unsigned i = 0; i < sizeof(s); i++)
				s[i] = 'a' + (char)(i % 26);
			s[off + len] = 0;
			wrong += lb_strlen(s + off) != len;
		}
	ok(wrong == 0, "strlen: 0..63 characters at offsets 0..15 (%u wrong)", wrong);
}

int main(void)
{
	test_moves();
	test_compares();
	return done_testing();
}
