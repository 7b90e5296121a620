#include "checksum.h"
#include "libc/string.h"

/* Byte sum mod 256. The tables QEMU generates are several KiB, and summing them
 * dominated leapboot's instruction count: use SSE2's PSADBW (16 bytes per
 * instruction) where there is SSE2, eight bytes per step elsewhere. */
uint8_t checksum_sum(const void *data, uint32_t n)
{
	const uint8_t *p = data;
	uint64_t total = 0;
#ifdef __SSE2__
	typedef char v16qi __attribute__((vector_size(16)));
	typedef long long v2di __attribute__((vector_size(16)));
	v2di acc = {0, 0};
	/* Four blocks a step: the loop's own instructions are half of the count. */
	for (; n >= 64; n -= 64, p += 64) {
		v16qi x[4];
		memcpy(x, p, 64);
		acc += __builtin_ia32_psadbw128(x[0], (v16qi){0}) +
		       __builtin_ia32_psadbw128(x[1], (v16qi){0}) +
		       __builtin_ia32_psadbw128(x[2], (v16qi){0}) +
		       __builtin_ia32_psadbw128(x[3], (v16qi){0});
	}
	for (; n >= 16; n -= 16, p += 16) {
		v16qi x;
		memcpy(&x, p, 16);
		acc += __builtin_ia32_psadbw128(x, (v16qi){0});
	}
	total = (uint64_t)(acc[0] + acc[1]);
#else
	const uint64_t even = 0x00FF00FF00FF00FFull;
	while (n >= 8) {
		/* Four 16-bit lanes gain at most 2 * 255 per word: fold before 128. */
		uint64_t lanes = 0;
		uint32_t words = n / 8 < 128 ? n / 8 : 128;
		for (uint32_t i = 0; i < words; i++, p += 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			lanes += (w & even) + ((w >> 8) & even);
		}
		total += (lanes & 0xFFFF) + (lanes >> 16 & 0xFFFF) + (lanes >> 32 & 0xFFFF) +
			 (lanes >> 48);
		n -= words * 8;
	}
#endif
	while (n--)
		total += *p++;
	return (uint8_t)total;
}

uint8_t checksum_fix(const void *data, uint32_t n)
{
	return (uint8_t)-checksum_sum(data, n);
}
