/* SHA-1's compression function (FIPS 180-4, 6.1): still a TPM bank. */
#include "sha_block.h"

const uint64_t sha1_iv[8] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};

void sha1_blocks(uint64_t *h, const uint8_t *p, size_t blocks)
{
	/* The loops are unrolled: the rotation of the working variables is then
	 * renaming, not moves, about a third fewer instructions per byte. */
	for (; blocks--; p += 64) {
		uint32_t w[80];
		for (int t = 0; t < 16; t++)
			w[t] = sha_be32(p + 4 * t);
#pragma GCC unroll 80
		for (int t = 16; t < 80; t++)
			w[t] = ror32(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 31);
		uint32_t a = (uint32_t)h[0], b = (uint32_t)h[1], c = (uint32_t)h[2],
			 d = (uint32_t)h[3], e = (uint32_t)h[4];
#pragma GCC unroll 80
		for (int t = 0; t < 80; t++) {
			uint32_t f, k;
			if (t < 20)
				f = (b & c) | (~b & d), k = 0x5a827999u;
			else if (t < 40)
				f = b ^ c ^ d, k = 0x6ed9eba1u;
			else if (t < 60)
				f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdcu;
			else
				f = b ^ c ^ d, k = 0xca62c1d6u;
			uint32_t tmp = ror32(a, 27) + f + e + k + w[t];
			e = d;
			d = c;
			c = ror32(b, 2);
			b = a;
			a = tmp;
		}
		h[0] = (uint32_t)(h[0] + a);
		h[1] = (uint32_t)(h[1] + b);
		h[2] = (uint32_t)(h[2] + c);
		h[3] = (uint32_t)(h[3] + d);
		h[4] = (uint32_t)(h[4] + e);
	}
}
