/* SHA-512's compression function (also SHA-384's) with the ARMv8.2 SHA-512
 * instructions (SHA512H, SHA512H2, SHA512SU0, SHA512SU1): two rounds, or two
 * words of the message schedule, per instruction. Only for a CPU whose
 * ID_AA64ISAR0_EL1.SHA2 is 2 (sha.c asks sha_cpu), which is an ARMv8.2 one:
 * hence the target, for this file only. */
#pragma GCC target("arch=armv8.2-a+sha3")
#include <arm_neon.h>

#include "sha_block.h"

/* Two rounds, i of eight in a turn. The working variables are in pairs, ab cd ef
 * gh: the new ab is made in gh's register, the new ef by adding to cd, so each
 * two rounds rename them (as sha512.c renames its eight). w0 holds W[t], W[t+1]
 * and the schedule step turns it into W[t+16], W[t+17] from w1 (the next two
 * words), w4, w5 and w7. SHA512H wants its two words of W + K swapped. */
#define ROUNDS2(i, ab, cd, ef, gh, w0, w1, w4, w5, w7, next)                                       \
	do {                                                                                       \
		uint64x2_t wk = vaddq_u64(w0, k[i]);                                               \
		uint64x2_t t = vaddq_u64(vextq_u64(wk, wk, 1), gh);                                \
		t = vsha512hq_u64(t, vextq_u64(ef, gh, 1), vextq_u64(cd, ef, 1));                  \
		uint64x2_t ef_next = vaddq_u64(cd, t);                                             \
		gh = vsha512h2q_u64(t, cd, ab);                                                    \
		cd = ef_next;                                                                      \
		if (next)                                                                          \
			w0 = vsha512su1q_u64(vsha512su0q_u64(w0, w1), w7, vextq_u64(w4, w5, 1));   \
	} while (0)

/* Sixteen rounds, after which the names are back in place. */
#define ROUNDS16(next)                                                                             \
	do {                                                                                       \
		ROUNDS2(0, s0, s1, s2, s3, w0, w1, w4, w5, w7, next);                              \
		ROUNDS2(1, s3, s0, s1, s2, w1, w2, w5, w6, w0, next);                              \
		ROUNDS2(2, s2, s3, s0, s1, w2, w3, w6, w7, w1, next);                              \
		ROUNDS2(3, s1, s2, s3, s0, w3, w4, w7, w0, w2, next);                              \
		ROUNDS2(4, s0, s1, s2, s3, w4, w5, w0, w1, w3, next);                              \
		ROUNDS2(5, s3, s0, s1, s2, w5, w6, w1, w2, w4, next);                              \
		ROUNDS2(6, s2, s3, s0, s1, w6, w7, w2, w3, w5, next);                              \
		ROUNDS2(7, s1, s2, s3, s0, w7, w0, w3, w4, w6, next);                              \
		k += 8;                                                                            \
	} while (0)

/* The big-endian words of 16 bytes. */
static inline uint64x2_t words(uint8x16_t b)
{
	return vreinterpretq_u64_u8(vrev64q_u8(b));
}

void sha512_blocks_armv8(uint64_t *h, const uint8_t *p, size_t blocks)
{
	/* LD1 and ST1 of four registers: h is 8-byte aligned, not 16. */
	uint64x2x4_t state = vld1q_u64_x4(h);
	uint64x2_t s0 = state.val[0], s1 = state.val[1], s2 = state.val[2], s3 = state.val[3];
	for (; blocks--; p += 128) {
		uint64x2_t in0 = s0, in1 = s1, in2 = s2, in3 = s3;
		/* LD1 needs only byte alignment (see sha256_armv8.c). */
		uint8x16x4_t m = vld1q_u8_x4(p), n = vld1q_u8_x4(p + 64);
		uint64x2_t w0 = words(m.val[0]), w1 = words(m.val[1]), w2 = words(m.val[2]),
			   w3 = words(m.val[3]), w4 = words(n.val[0]), w5 = words(n.val[1]),
			   w6 = words(n.val[2]), w7 = words(n.val[3]);
		/* The 40 constant pairs do not fit in registers with the rest: this keeps
		 * GCC from copying them to the stack ahead of the loop, each is loaded
		 * by the add that uses it (a vector type: GCC knows it aligned, and
		 * loads it whole under -mstrict-align). */
		const uint64x2_t *k = (const uint64x2_t *)sha512_k;
		__asm__("" : "+r"(k));
		/* Unrolled: as a loop GCC adds copies between the turns (4.4
		 * instructions a byte instead of 3.9, make ARCH=aarch64 sha-ipb). */
#pragma GCC unroll 4
		for (int r = 0; r < 4; r++)
			ROUNDS16(1);
		ROUNDS16(0);
		s0 = vaddq_u64(s0, in0);
		s1 = vaddq_u64(s1, in1);
		s2 = vaddq_u64(s2, in2);
		s3 = vaddq_u64(s3, in3);
	}
	vst1q_u64_x4(h, (uint64x2x4_t){{s0, s1, s2, s3}});
}
