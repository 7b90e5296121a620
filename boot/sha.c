/* The SHA family's common part: the algorithm table, buffering, padding. The
 * compression functions are in sha1.c, sha256.c and sha512.c, and with the CPU's
 * instructions in sha*_armv8.c (arm64). */
#include "out_of_line.h"
#include "sha.h"
#include "sha_block.h"
#include "../loader/libc/string.h"

typedef void compress_fn(uint64_t *h, const uint8_t *p, size_t blocks);

static const struct sha_alg {
	uint16_t alg;
	uint8_t size, block;
	compress_fn *portable;
	compress_fn *cpu_fn; /* with the CPU's instructions (where SHA_CPU_FNS) */
	uint32_t cpu;	     /* the sha_cpu bit that allows cpu_fn */
	const uint64_t *iv;
} algs[] = {
    {TPM_ALG_SHA1, 20, 64, sha1_blocks, SHA_ARMV8(sha1_blocks), SHA_CPU_SHA1, sha1_iv},
    {TPM_ALG_SHA256, 32, 64, sha256_blocks, SHA_ARMV8(sha256_blocks), SHA_CPU_SHA256, sha256_iv},
    {TPM_ALG_SHA384, 48, 128, sha512_blocks, SHA_ARMV8(sha512_blocks), SHA_CPU_SHA512, sha384_iv},
    {TPM_ALG_SHA512, 64, 128, sha512_blocks, SHA_ARMV8(sha512_blocks), SHA_CPU_SHA512, sha512_iv},
};

/* The compression function for this CPU, chosen at each call: sha_cpu may be set
 * after a context was started, and the two forms keep the same state. */
static void compress(const struct sha_alg *a, uint64_t *h, const uint8_t *p, size_t blocks)
{
	(SHA_CPU_FNS && (sha_cpu & a->cpu) ? a->cpu_fn : a->portable)(h, p, blocks);
}

static const struct sha_alg *find(uint16_t alg)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].alg == alg)
			return &algs[i];
	return 0;
}

OUT_OF_LINE uint32_t sha_digest_size(uint16_t alg)
{
	const struct sha_alg *a = find(alg);
	return a ? a->size : 0;
}

OUT_OF_LINE void sha_init(struct sha_ctx *c, uint16_t alg)
{
	const struct sha_alg *a = find(alg);
	c->alg = alg;
	c->fill = 0;
	c->total = 0;
	memcpy(c->h, a->iv, sizeof(c->h));
}

OUT_OF_LINE void sha_update(struct sha_ctx *c, const void *data, size_t n)
{
	const struct sha_alg *a = find(c->alg);
	const uint8_t *p = data;
	c->total += n;
	if (c->fill) {
		size_t take = a->block - c->fill < n ? a->block - c->fill : n;
		memcpy(c->block + c->fill, p, take);
		c->fill += (uint32_t)take;
		p += take;
		n -= take;
		if (c->fill < a->block)
			return;
		compress(a, c->h, c->block, 1);
		c->fill = 0;
	}
	/* Whole blocks straight from the caller's buffer. */
	if (n >= a->block) {
		compress(a, c->h, p, n / a->block);
		p += n - n % a->block;
		n %= a->block;
	}
	memcpy(c->block, p, n);
	c->fill = (uint32_t)n;
}

OUT_OF_LINE void sha_final(struct sha_ctx *c, uint8_t *digest)
{
	const struct sha_alg *a = find(c->alg);
	uint32_t len_bytes = a->block == 128 ? 16 : 8;
	uint64_t bits = c->total << 3;

	c->block[c->fill++] = 0x80;
	if (c->fill > a->block - len_bytes) {
		memset(c->block + c->fill, 0, a->block - c->fill);
		compress(a, c->h, c->block, 1);
		c->fill = 0;
	}
	memset(c->block + c->fill, 0, a->block - c->fill);
	/* The length, big-endian, in the block's last bytes (the high 64 bits of
	 * SHA-512's 128-bit length of a message below 2^61 bytes are 0). */
	for (int i = 0; i < 8; i++)
		c->block[a->block - 1 - i] = (uint8_t)(bits >> (8 * i));
	compress(a, c->h, c->block, 1);
	/* SHA-1 and SHA-256 keep 32-bit words, the others 64-bit ones. */
	for (uint32_t i = 0; i < a->size; i++) {
		if (a->block == 64)
			digest[i] = (uint8_t)(c->h[i / 4] >> (24 - 8 * (i % 4)));
		else
			digest[i] = (uint8_t)(c->h[i / 8] >> (56 - 8 * (i % 8)));
	}
}

OUT_OF_LINE void sha_digest(uint16_t alg, const void *data, size_t n, uint8_t *digest)
{
	struct sha_ctx c;
	sha_init(&c, alg);
	sha_update(&c, data, n);
	sha_final(&c, digest);
}
