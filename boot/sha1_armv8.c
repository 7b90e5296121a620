/* SHA-1's compression function with the ARMv8 Cryptographic Extension (SHA1C,
 * SHA1P, SHA1M, SHA1H, SHA1SU0, SHA1SU1): four rounds, or four words of the
 * message schedule, per instruction. Only for a CPU whose ID_AA64ISAR0_EL1.SHA1
 * is 1 (sha.c asks sha_cpu); the target is for this file only. */
#pragma GCC target("+crypto")
#include <arm_neon.h>

#include "sha_block.h"

/* The big-endian words of 16 bytes. */
static inline uint32x4_t words(uint8x16_t b)
{
	return vreinterpretq_u32_u8(vrev32q_u8(b));
}

/* FIPS 180-4, 4.2.1: one constant for each 20 rounds. */
static const uint32_t k[4] = {0x5a827999u, 0x6ed9eba1u, 0x8f1bbcdcu, 0xca62c1d6u};

void sha1_blocks_armv8(uint64_t *h, const uint8_t *p, size_t blocks)
{
	uint32x4_t abcd = {(uint32_t)h[0], (uint32_t)h[1], (uint32_t)h[2], (uint32_t)h[3]};
	uint32_t e = (uint32_t)h[4];
	for (; blocks--; p += 64) {
		uint32x4_t abcd_in = abcd;
		uint32_t e_in = e;
		/* LD1 needs only byte alignment (see sha256_armv8.c); the words are big-endian. */
		uint8x16x4_t m = vld1q_u8_x4(p);
		uint32x4_t w[4] = {words(m.val[0]), words(m.val[1]), words(m.val[2]),
				   words(m.val[3])};
		/* Four rounds a step, unrolled so that w[] stays in registers. The next
		 * step's e is the rotated a of this one's input (SHA1H); the schedule
		 * step makes the words 16 rounds on. */
#pragma GCC unroll 20
		for (int i = 0; i < 20; i++) {
			uint32x4_t wk = vaddq_u32(w[i % 4], vdupq_n_u32(k[i / 5]));
			uint32_t e_next = vsha1h_u32(vgetq_lane_u32(abcd, 0));
			if (i < 16)
				w[i % 4] = vsha1su1q_u32(
				    vsha1su0q_u32(w[i % 4], w[(i + 1) % 4], w[(i + 2) % 4]),
				    w[(i + 3) % 4]);
			if (i < 5)
				abcd = vsha1cq_u32(abcd, e, wk);
			else if (i < 10 || i >= 15)
				abcd = vsha1pq_u32(abcd, e, wk);
			else
				abcd = vsha1mq_u32(abcd, e, wk);
			e = e_next;
		}
		abcd = vaddq_u32(abcd, abcd_in);
		e += e_in;
	}
	h[4] = e;
	for (int i = 0; i < 4; i++) {
		h[i] = vgetq_lane_u32(abcd, 0);
		abcd = vextq_u32(abcd, abcd, 1);
	}
}
