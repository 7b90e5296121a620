/* The SHA code with the CPU's SHA instructions (boot/sha*_armv8.c) against the
 * portable code, on an arm64 CPU: the firmware's own objects, run by qemu-aarch64
 * as `-cpu max` (SHA-1, SHA-256 and SHA-512 instructions) and `-cpu cortex-a57`
 * (no SHA-512). The CPU's ID_AA64ISAR0_EL1 (qemu-user gives EL0 the kernel's view
 * of it) is decoded as the firmware's entry does, and checked against the
 * kernel's HWCAP bits; then each path the CPU has is run on the FIPS 180-4
 * vectors, and against the portable code on random messages of random lengths
 * and alignments, through sha_update split at every point, and on the block
 * functions directly from random states. LEAPBOOT_QEMU_CPU, when set, names the
 * CPU in the test names. */
#include <asm/hwcap.h>
#include <sys/auxv.h>

#include "sha_block.h"
#include "sha_vectors.h"
#include "tap.h"

static const char *cpu = "";

/* A reproducible stream of test data (xorshift64). */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)next();
}

/* The digest of msg with sha_cpu = path: in one update, or split at cut. */
static void digest(uint32_t path, uint16_t alg, const uint8_t *msg, size_t n, size_t cut,
		   uint8_t *d)
{
	struct sha_ctx c;
	sha_cpu = path;
	sha_init(&c, alg);
	sha_update(&c, msg, cut);
	sha_update(&c, msg + cut, n - cut);
	sha_final(&c, d);
	sha_cpu = 0;
}

/* The known digests with sha_cpu = path. */
static void known_answers(uint32_t path, uint16_t alg)
{
	uint8_t d[SHA_MAX_DIGEST];
	char got[2 * SHA_MAX_DIGEST + 1];
	uint32_t n = sha_digest_size(alg);
	bool same = true;

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		if (vectors[i].alg != alg)
			continue;
		for (size_t cut = 0; cut <= vectors[i].len; cut++) {
			digest(path, alg, (const uint8_t *)vectors[i].msg, vectors[i].len, cut, d);
			hex(d, n, got);
			same &= strcmp(got, vectors[i].want) == 0;
		}
	}
	tap_ok(same, "%s%s with its instructions: FIPS 180-4's examples, split at every point", cpu,
	       name(alg));

	uint8_t *buf = malloc(4099);
	for (size_t i = 0; i < 4099; i++)
		buf[i] = pattern(i);
	same = true;
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		if (patterns[i].alg != alg)
			continue;
		digest(path, alg, buf, patterns[i].len, 0, d);
		hex(d, n, got);
		same &= strcmp(got, patterns[i].want) == 0;
	}
	free(buf);
	tap_ok(same, "%s%s with its instructions: the pattern at every boundary length", cpu,
	       name(alg));

	char a[1000];
	memset(a, 'a', sizeof(a));
	struct sha_ctx c;
	sha_cpu = path;
	sha_init(&c, alg);
	for (int i = 0; i < 1000; i++)
		sha_update(&c, a, sizeof(a));
	sha_final(&c, d);
	sha_cpu = 0;
	hex(d, n, got);
	for (size_t i = 0; i < sizeof(million_a) / sizeof(million_a[0]); i++)
		if (million_a[i].alg == alg)
			tap_is_str(got, million_a[i].want,
				   "%s%s with its instructions: one million 'a'", cpu, name(alg));
}

/* Random messages: the instructions' digest, split at every point, against the
 * portable one in one piece. Lengths up to 9 blocks and a byte offset into the
 * buffer, so that whole blocks are hashed from unaligned data. */
static void random_messages(uint32_t path, uint16_t alg)
{
	enum { MESSAGES = 120, MAX_LEN = 9 * 128 + 1, ALIGN = 16 };
	static uint8_t buf[MAX_LEN + ALIGN];
	uint8_t want[SHA_MAX_DIGEST], got[SHA_MAX_DIGEST];
	uint32_t n = sha_digest_size(alg);
	unsigned bad = 0, splits = 0;

	for (int m = 0; m < MESSAGES; m++) {
		size_t len = next() % MAX_LEN, off = next() % ALIGN;
		uint8_t *msg = buf + off;
		fill(msg, len);
		digest(0, alg, msg, len, 0, want);
		for (size_t cut = 0; cut <= len; cut++, splits++) {
			digest(path, alg, msg, len, cut, got);
			bad += memcmp(got, want, n) != 0;
		}
	}
	tap_ok(!bad, "%s%s: instructions and portable code agree on %d random messages (%u splits)",
	       cpu, name(alg), MESSAGES, splits);
	if (bad)
		tap_diag("%u splits differ", bad);
}

/* The block functions themselves, from random states over 1 to 8 blocks. */
static void random_blocks(const char *what, void (*portable)(uint64_t *, const uint8_t *, size_t),
			  void (*instructions)(uint64_t *, const uint8_t *, size_t), size_t block,
			  bool words32)
{
	uint8_t data[8 * 128 + 1];
	unsigned bad = 0;
	for (int t = 0; t < 200; t++) {
		uint64_t h[8], g[8];
		for (int i = 0; i < 8; i++)
			h[i] = g[i] = words32 ? (uint32_t)next() : next();
		size_t blocks = 1 + next() % 8, off = next() % 2;
		fill(data + off, blocks * block);
		portable(h, data + off, blocks);
		instructions(g, data + off, blocks);
		bad += memcmp(h, g, sizeof(h)) != 0;
	}
	tap_ok(!bad, "%s%s: the block functions agree from 200 random states", cpu, what);
}

int main(void)
{
	if (getenv("LEAPBOOT_QEMU_CPU")) {
		static char prefix[64];
		snprintf(prefix, sizeof(prefix), "%s: ", getenv("LEAPBOOT_QEMU_CPU"));
		cpu = prefix;
	}

	/* What the firmware's entry does (loader/arch/aarch64/start.S). */
	uint64_t isar0;
	__asm__("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
	uint32_t have = sha_cpu_armv8(isar0);
	unsigned long hwcap = getauxval(AT_HWCAP);
	uint32_t kernel = (hwcap & HWCAP_SHA1 ? SHA_CPU_SHA1 : 0) |
			  (hwcap & HWCAP_SHA2 ? SHA_CPU_SHA256 : 0) |
			  (hwcap & HWCAP_SHA512 ? SHA_CPU_SHA512 : 0);
	tap_is_u64(have, kernel, "%sID_AA64ISAR0_EL1 %#llx: SHA instructions %s%s%s, as HWCAP says",
		   cpu, (unsigned long long)isar0, have & SHA_CPU_SHA1 ? "SHA-1 " : "",
		   have & SHA_CPU_SHA256 ? "SHA-256 " : "", have & SHA_CPU_SHA512 ? "SHA-512" : "");
	tap_ok(have & SHA_CPU_SHA256,
	       "%sthe CPU has the SHA-256 instructions (every QEMU arm64 CPU "
	       "tested here does)",
	       cpu);

	static const struct {
		uint16_t alg;
		uint32_t bit;
	} algs[] = {{TPM_ALG_SHA1, SHA_CPU_SHA1},
		    {TPM_ALG_SHA256, SHA_CPU_SHA256},
		    {TPM_ALG_SHA384, SHA_CPU_SHA512},
		    {TPM_ALG_SHA512, SHA_CPU_SHA512}};
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (!(have & algs[i].bit)) {
			/* sha.c must not call what the CPU lacks: that would trap. */
			uint8_t d[SHA_MAX_DIGEST];
			char got[2 * SHA_MAX_DIGEST + 1];
			digest(have, algs[i].alg, (const uint8_t *)"abc", 3, 1, d);
			hex(d, sha_digest_size(algs[i].alg), got);
			bool ok = false;
			for (size_t v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++)
				if (vectors[v].alg == algs[i].alg && vectors[v].len == 3)
					ok = strcmp(got, vectors[v].want) == 0;
			tap_ok(ok,
			       "%s%s: no instructions for it, the portable code with sha_cpu %#x",
			       cpu, name(algs[i].alg), have);
			continue;
		}
		known_answers(algs[i].bit, algs[i].alg);
		random_messages(algs[i].bit, algs[i].alg);
	}
	if (have & SHA_CPU_SHA1)
		random_blocks("SHA-1", sha1_blocks, sha1_blocks_armv8, 64, true);
	if (have & SHA_CPU_SHA256)
		random_blocks("SHA-256", sha256_blocks, sha256_blocks_armv8, 64, true);
	if (have & SHA_CPU_SHA512)
		random_blocks("SHA-512", sha512_blocks, sha512_blocks_armv8, 128, false);
	return done_testing();
}
