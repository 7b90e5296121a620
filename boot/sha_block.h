/* The SHA compression functions, over whole blocks, and their initial values
 * (sha.c holds the rest). State words in h[0..7]; SHA-1 and SHA-256 use the
 * low 32 bits of each. */
#ifndef LEAPBOOT_SHA_BLOCK_H
#define LEAPBOOT_SHA_BLOCK_H

#include <stddef.h>
#include <stdint.h>

void sha1_blocks(uint64_t *h, const uint8_t *p, size_t blocks);
void sha256_blocks(uint64_t *h, const uint8_t *p, size_t blocks);
void sha512_blocks(uint64_t *h, const uint8_t *p, size_t blocks);

extern const uint64_t sha1_iv[8], sha256_iv[8], sha384_iv[8], sha512_iv[8];

static inline uint32_t sha_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t sha_be64(const uint8_t *p)
{
	return (uint64_t)sha_be32(p) << 32 | sha_be32(p + 4);
}

static inline uint32_t ror32(uint32_t x, unsigned n)
{
	return x >> n | x << (32 - n);
}

static inline uint64_t ror64(uint64_t x, unsigned n)
{
	return x >> n | x << (64 - n);
}

#endif
