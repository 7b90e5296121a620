/* SHA-256's compression function (FIPS 180-4, 6.2). */
#include "sha_block.h"

/* The first 32 bits of the fractional parts of the cube roots of the first 64
 * primes (shared with sha256_armv8.c), and of the square roots of the first 8. */
const uint32_t sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u,
};

const uint64_t sha256_iv[8] = {
    0x000000006a09e667ull, 0x00000000bb67ae85ull, 0x000000003c6ef372ull, 0x00000000a54ff53aull,
    0x00000000510e527full, 0x000000009b05688cull, 0x000000001f83d9abull, 0x000000005be0cd19ull,
};

#define BSIG0(x)     (ror32((x) ^ ror32((x) ^ ror32(x, 9), 11), 2))
#define BSIG1(x)     (ror32((x) ^ ror32((x) ^ ror32(x, 14), 5), 6))
#define SSIG0(x)     (ror32((x) ^ ror32(x, 11), 7) ^ (x) >> 3)
#define SSIG1(x)     (ror32((x) ^ ror32(x, 2), 17) ^ (x) >> 10)
#define CH(e, f, g)  ((g) ^ ((e) & ((f) ^ (g))))
#define MAJ(a, b, c) ((b) ^ (((a) ^ (b)) & ((b) ^ (c))))
#define R(a, b, c, d, e, f, g, h, i)                                                               \
	do {                                                                                       \
		h += BSIG1(e) + CH(e, f, g) + kt[i] + wt[i];                                       \
		d += h;                                                                            \
		h += BSIG0(a) + MAJ(a, b, c);                                                      \
	} while (0)

/* Eight rounds a turn, the working variables renamed rather than moved (round
 * i + 1 is R(h, a, ..., g)); each Sigma's three rotations nested so that each
 * costs one instruction (ROTR2 ^ ROTR13 ^ ROTR22 = ROTR2(x ^ ROTR11(x ^ ROTR9(x))));
 * Maj in the form whose b ^ c is the previous round's a ^ b. Fully unrolled
 * rounds ran more instructions (the constants went to registers and spilled)
 * in four times the code. */
void sha256_blocks(uint64_t *h, const uint8_t *p, size_t blocks)
{
	for (; blocks--; p += 64) {
		uint32_t w[64];
#pragma GCC unroll 16
		for (int t = 0; t < 16; t++)
			w[t] = sha_be32(p + 4 * t);
#pragma GCC unroll 4
		for (int t = 16; t < 64; t++)
			w[t] = SSIG1(w[t - 2]) + w[t - 7] + SSIG0(w[t - 15]) + w[t - 16];
		uint32_t a = (uint32_t)h[0], b = (uint32_t)h[1], c = (uint32_t)h[2],
			 d = (uint32_t)h[3], e = (uint32_t)h[4], f = (uint32_t)h[5],
			 g = (uint32_t)h[6], hh = (uint32_t)h[7];
		for (int t = 0; t < 64; t += 8) {
			const uint32_t *kt = sha256_k + t, *wt = w + t;
			/* Keeps GCC from loading the constants ahead into registers it
			 * then lacks: each is read by the add that uses it. */
			__asm__("" : "+r"(kt));
			R(a, b, c, d, e, f, g, hh, 0);
			R(hh, a, b, c, d, e, f, g, 1);
			R(g, hh, a, b, c, d, e, f, 2);
			R(f, g, hh, a, b, c, d, e, 3);
			R(e, f, g, hh, a, b, c, d, 4);
			R(d, e, f, g, hh, a, b, c, 5);
			R(c, d, e, f, g, hh, a, b, 6);
			R(b, c, d, e, f, g, hh, a, 7);
		}
		h[0] = (uint32_t)(h[0] + a);
		h[1] = (uint32_t)(h[1] + b);
		h[2] = (uint32_t)(h[2] + c);
		h[3] = (uint32_t)(h[3] + d);
		h[4] = (uint32_t)(h[4] + e);
		h[5] = (uint32_t)(h[5] + f);
		h[6] = (uint32_t)(h[6] + g);
		h[7] = (uint32_t)(h[7] + hh);
	}
}
