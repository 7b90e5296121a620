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
/* The round constants, shared by both forms of each function; aligned for the
 * 16-byte vector loads of sha*_armv8.c (built with -mstrict-align). */
extern const uint32_t sha256_k[64] __attribute__((aligned(16)));
extern const uint64_t sha512_k[80] __attribute__((aligned(16)));

/* The same functions with the CPU's SHA instructions: the ARMv8 Cryptographic
 * Extension's (sha*_armv8.c), in arm64 builds only. sha.c calls one when sha_cpu
 * (set by the loader, which reads the CPU's ID registers) says the CPU has it. */
#ifdef __aarch64__
void sha1_blocks_armv8(uint64_t *h, const uint8_t *p, size_t blocks);
void sha256_blocks_armv8(uint64_t *h, const uint8_t *p, size_t blocks);
void sha512_blocks_armv8(uint64_t *h, const uint8_t *p, size_t blocks);
#define SHA_ARMV8(name) name##_armv8
#define SHA_CPU_FNS	1
#else
#define SHA_ARMV8(name) 0
#define SHA_CPU_FNS	0 /* sha.c's test folds away: the portable code only */
#endif

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
