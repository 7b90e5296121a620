/* SHA-1's compression function (FIPS 180-4, 6.1): still a TPM bank. */
#include "sha_block.h"

const uint64_t sha1_iv[8] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};

#define CH(b, c, d)	((d) ^ ((b) & ((c) ^ (d))))
#define PARITY(b, c, d) ((b) ^ (c) ^ (d))
#define MAJ(b, c, d)	((c) ^ (((b) ^ (c)) & ((c) ^ (d))))
#define R(F, K, a, b, c, d, e, i)                                                                  \
	do {                                                                                       \
		e += ror32(a, 27) + F(b, c, d) + (K) + wt[i];                                      \
		b = ror32(b, 2);                                                                   \
	} while (0)
/* Ten rounds, the working variables renamed rather than moved (round i + 1 is
 * R(F, K, e, a, b, c, d)), after which the names are back in place. */
#define R10(F, K)                                                                                  \
	do {                                                                                       \
		R(F, K, a, b, c, d, e, 0);                                                         \
		R(F, K, e, a, b, c, d, 1);                                                         \
		R(F, K, d, e, a, b, c, 2);                                                         \
		R(F, K, c, d, e, a, b, 3);                                                         \
		R(F, K, b, c, d, e, a, 4);                                                         \
		R(F, K, a, b, c, d, e, 5);                                                         \
		R(F, K, e, a, b, c, d, 6);                                                         \
		R(F, K, d, e, a, b, c, 7);                                                         \
		R(F, K, c, d, e, a, b, 8);                                                         \
		R(F, K, b, c, d, e, a, 9);                                                         \
	} while (0)

void sha1_blocks(uint64_t *h, const uint8_t *p, size_t blocks)
{
	for (; blocks--; p += 64) {
		uint32_t w[80];
#pragma GCC unroll 16
		for (int t = 0; t < 16; t++)
			w[t] = sha_be32(p + 4 * t);
#pragma GCC unroll 4
		for (int t = 16; t < 80; t++)
			w[t] = ror32(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 31);
		uint32_t a = (uint32_t)h[0], b = (uint32_t)h[1], c = (uint32_t)h[2],
			 d = (uint32_t)h[3], e = (uint32_t)h[4];
		const uint32_t *wt = w;
		/* A function and a constant for each 20 rounds (4.1.1, 4.2.1). */
		for (; wt < w + 20; wt += 10)
			R10(CH, 0x5a827999u);
		for (; wt < w + 40; wt += 10)
			R10(PARITY, 0x6ed9eba1u);
		for (; wt < w + 60; wt += 10)
			R10(MAJ, 0x8f1bbcdcu);
		for (; wt < w + 80; wt += 10)
			R10(PARITY, 0xca62c1d6u);
		h[0] = (uint32_t)(h[0] + a);
		h[1] = (uint32_t)(h[1] + b);
		h[2] = (uint32_t)(h[2] + c);
		h[3] = (uint32_t)(h[3] + d);
		h[4] = (uint32_t)(h[4] + e);
	}
}
