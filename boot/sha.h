/* SHA-1, SHA-256, SHA-384 and SHA-512 (FIPS 180-4), incremental: the banks a TPM
 * can have active, for measured boot (issue 24). Pure code: buffers only. */
#ifndef LEAPBOOT_SHA_H
#define LEAPBOOT_SHA_H

#include <stddef.h>
#include <stdint.h>

/* TPM algorithm identifiers (TPM 2.0 Part 2, TPM_ALG_ID). */
#define TPM_ALG_SHA1   0x0004
#define TPM_ALG_SHA256 0x000B
#define TPM_ALG_SHA384 0x000C
#define TPM_ALG_SHA512 0x000D

#define SHA_MAX_DIGEST 64

struct sha_ctx {
	uint16_t alg;
	uint32_t fill;	    /* bytes waiting in block */
	uint64_t total;	    /* bytes hashed so far */
	uint64_t h[8];	    /* SHA-384/512 state; SHA-1/256 use the low words */
	uint8_t block[128]; /* a partial block */
};

/* The digest size of alg, 0 if leapboot has no such hash. */
uint32_t sha_digest_size(uint16_t alg);

/* Starts a hash of alg (which sha_digest_size knows). */
void sha_init(struct sha_ctx *c, uint16_t alg);

/* Adds n bytes; any split of a message gives the same digest. */
void sha_update(struct sha_ctx *c, const void *data, size_t n);

/* Writes the digest (sha_digest_size bytes); the context is spent. */
void sha_final(struct sha_ctx *c, uint8_t *digest);

/* One message at once. */
void sha_digest(uint16_t alg, const void *data, size_t n, uint8_t *digest);

/* The CPU's SHA instructions the functions above may use, SHA_CPU_* bits (sha_cpu.c):
 * 0, the portable code, unless the loader, which can read the CPU's ID registers,
 * set it before hashing. A bit for which the build has no code changes nothing:
 * x86 and the host tests always run the portable code. Either way the digests are
 * the same. */
extern uint32_t sha_cpu;
#define SHA_CPU_SHA1   (1u << 0)
#define SHA_CPU_SHA256 (1u << 1)
#define SHA_CPU_SHA512 (1u << 2) /* also SHA-384 */

/* The bits an arm64 CPU allows, from its ID_AA64ISAR0_EL1 (read by the caller). */
uint32_t sha_cpu_armv8(uint64_t id_aa64isar0);

#endif
