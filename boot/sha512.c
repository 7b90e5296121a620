/* SHA-512's compression function (FIPS 180-4, 6.4), also SHA-384's. */
#include "sha_block.h"

/* The first 64 bits of the fractional parts of the cube roots of the first 80
 * primes (shared with sha512_armv8.c); the square roots of the first 8 (SHA-512)
 * and of the 9th to 16th (SHA-384). */
const uint64_t sha512_k[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
    0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
    0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
    0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
    0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
    0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull,
    0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull,
    0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
    0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
    0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
    0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
    0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
    0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
    0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

const uint64_t sha512_iv[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};

const uint64_t sha384_iv[8] = {
    0xcbbb9d5dc1059ed8ull, 0x629a292a367cd507ull, 0x9159015a3070dd17ull, 0x152fecd8f70e5939ull,
    0x67332667ffc00b31ull, 0x8eb44a8768581511ull, 0xdb0c2e0d64f98fa7ull, 0x47b5481dbefa4fa4ull,
};

#define BSIG0(x)     (ror64((x) ^ ror64((x) ^ ror64(x, 5), 6), 28))
#define BSIG1(x)     (ror64((x) ^ ror64((x) ^ ror64(x, 23), 4), 14))
#define SSIG0(x)     (ror64((x) ^ ror64(x, 7), 1) ^ (x) >> 7)
#define SSIG1(x)     (ror64((x) ^ ror64(x, 42), 19) ^ (x) >> 6)
#define CH(e, f, g)  ((g) ^ ((e) & ((f) ^ (g))))
#define MAJ(a, b, c) ((b) ^ (((a) ^ (b)) & ((b) ^ (c))))
#define R(a, b, c, d, e, f, g, h, i)                                                               \
	do {                                                                                       \
		h += BSIG1(e) + CH(e, f, g) + kt[i] + wt[i];                                       \
		d += h;                                                                            \
		h += BSIG0(a) + MAJ(a, b, c);                                                      \
	} while (0)

/* As sha256.c: eight renamed rounds a turn, nested rotations (ROTR28 ^ ROTR34 ^
 * ROTR39 = ROTR28(x ^ ROTR6(x ^ ROTR5(x)))), Maj sharing a ^ b. */
void sha512_blocks(uint64_t *h, const uint8_t *p, size_t blocks)
{
	for (; blocks--; p += 128) {
		uint64_t w[80];
#pragma GCC unroll 16
		for (int t = 0; t < 16; t++)
			w[t] = sha_be64(p + 8 * t);
#pragma GCC unroll 4
		for (int t = 16; t < 80; t++)
			w[t] = SSIG1(w[t - 2]) + w[t - 7] + SSIG0(w[t - 15]) + w[t - 16];
		uint64_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6],
			 hh = h[7];
		for (int t = 0; t < 80; t += 8) {
			const uint64_t *kt = sha512_k + t, *wt = w + t;
			/* See sha256.c. */
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
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		h[4] += e;
		h[5] += f;
		h[6] += g;
		h[7] += hh;
	}
}
