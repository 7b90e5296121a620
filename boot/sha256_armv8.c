/* SHA-256's compression function with the ARMv8 Cryptographic Extension
 * (SHA256H, SHA256H2, SHA256SU0, SHA256SU1): four rounds, or four words of the
 * message schedule, per instruction. Only for a CPU whose ID_AA64ISAR0_EL1.SHA2 is
 * 1 or more (sha.c asks sha_cpu). The target pragma allows the instructions in
 * this file only: the rest of leapboot runs on any ARMv8-A. */
#pragma GCC target("+crypto")
#include <arm_neon.h>

#include "sha_block.h"

/* The big-endian words of 16 bytes. */
static inline uint32x4_t words(uint8x16_t b)
{
	return vreinterpretq_u32_u8(vrev32q_u8(b));
}

/* Four rounds: SHA256H and SHA256H2 each take the old other half, so abcd is
 * kept for the second. The schedule step (w holding W[t..t+15], four words in
 * each vector) makes the words 16 rounds on. */
#define ROUNDS4(i, next)                                                                           \
	do {                                                                                       \
		uint32x4_t wk = vaddq_u32(w[(i) % 4], vld1q_u32(sha256_k + 4 * (i)));              \
		uint32x4_t abcd0 = abcd;                                                           \
		if (next)                                                                          \
			w[(i) % 4] =                                                               \
			    vsha256su1q_u32(vsha256su0q_u32(w[(i) % 4], w[((i) + 1) % 4]),         \
					    w[((i) + 2) % 4], w[((i) + 3) % 4]);                   \
		abcd = vsha256hq_u32(abcd, efgh, wk);                                              \
		efgh = vsha256h2q_u32(efgh, abcd0, wk);                                            \
	} while (0)

void sha256_blocks_armv8(uint64_t *h, const uint8_t *p, size_t blocks)
{
	uint32x4_t abcd = {(uint32_t)h[0], (uint32_t)h[1], (uint32_t)h[2], (uint32_t)h[3]};
	uint32x4_t efgh = {(uint32_t)h[4], (uint32_t)h[5], (uint32_t)h[6], (uint32_t)h[7]};
	for (; blocks--; p += 64) {
		uint32x4_t abcd_in = abcd, efgh_in = efgh;
		/* One LD1 of four registers, which needs only byte alignment: of a
		 * 16-byte load of unaligned data, -mstrict-align (the firmware's flags)
		 * makes GCC emit 16 byte loads. The words are big-endian. */
		uint8x16x4_t m = vld1q_u8_x4(p);
		uint32x4_t w[4] = {words(m.val[0]), words(m.val[1]), words(m.val[2]),
				   words(m.val[3])};
		/* Unrolled, so that w[] stays in registers: 64 rounds are 16 steps. */
#pragma GCC unroll 16
		for (int i = 0; i < 16; i++)
			ROUNDS4(i, i < 12);
		abcd = vaddq_u32(abcd, abcd_in);
		efgh = vaddq_u32(efgh, efgh_in);
	}
	for (int i = 0; i < 4; i++) {
		h[i] = vgetq_lane_u32(abcd, 0);
		h[i + 4] = vgetq_lane_u32(efgh, 0);
		abcd = vextq_u32(abcd, abcd, 1);
		efgh = vextq_u32(efgh, efgh, 1);
	}
}
