#include "checksum.h"
#include "../loader/libc/string.h"

/* Byte sum mod 256. The tables QEMU generates are several KiB, and summing them
 * dominated leapboot's instruction count: SSE2 adds 16 bytes per instruction
 * where there is SSE2; elsewhere eight bytes per step. */
uint8_t checksum_sum(const void *data, uint32_t n)
{
	const uint8_t *p = data;
	uint64_t total = 0;
#ifdef __SSE2__
	if (n >= 16) {
		typedef char v16qi __attribute__((vector_size(16)));
		/* Unsigned lanes: their sums wrap, as a checksum's do. */
		typedef unsigned char v16qu __attribute__((vector_size(16)));
		typedef unsigned char v16qi_unaligned __attribute__((vector_size(16), aligned(1)));
		typedef long long v2di __attribute__((vector_size(16)));
		/* Lane i of the window's mask: 0xFF from lane 16 - r on. */
		static const uint8_t tail_mask[32] = {[16 ... 31] = 0xFF};
		const uint8_t *end = p + n;
		v16qu acc = {0};
		/* Sixteen byte lanes summed mod 256, which is all a checksum needs,
		 * 128 bytes a step; one PSADBW adds the lanes at the end. */
		for (; end - p >= 128; p += 128) {
			const v16qi_unaligned *v = (const void *)p;
			acc += (v[0] + v[1]) + (v[2] + v[3]) + (v[4] + v[5]) + (v[6] + v[7]);
		}
		for (; end - p >= 16; p += 16)
			acc += *(const v16qi_unaligned *)p;
		/* The last r < 16 bytes: the window of 16 that ends with them, its
		 * first 16 - r lanes (counted already) masked off. */
		uint32_t r = (uint32_t)(end - p);
		acc += *(const v16qi_unaligned *)(end - 16) &
		       *(const v16qi_unaligned *)(tail_mask + r);
		v2di sums = (v2di)__builtin_ia32_psadbw128((v16qi)acc, (v16qi){0});
		return (uint8_t)(sums[0] + sums[1]);
	}
#endif
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
	while (n--)
		total += *p++;
	return (uint8_t)total;
}

uint8_t checksum_fix(const void *data, uint32_t n)
{
	return (uint8_t)-checksum_sum(data, n);
}
