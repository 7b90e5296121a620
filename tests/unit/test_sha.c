/* boot/sha*.c against FIPS 180-4's example messages (the digests as any SHA
 * implementation gives them), a pattern at every length around the block and
 * padding boundaries, one million 'a' fed in uneven pieces, and every split
 * point of a message through sha_update; the decoding of an arm64 CPU's SHA
 * instructions (sha_cpu.c), which on the host change nothing. The instructions
 * themselves are tested on arm64 CPUs by aarch64/test_sha_armv8.c. */
#include <stdlib.h>
#include <string.h>

#include "sha.h"
#include "sha_vectors.h"
#include "tap.h"

int main(void)
{
	uint8_t d[SHA_MAX_DIGEST];
	char got[2 * SHA_MAX_DIGEST + 1];

	tap_is_u64(sha_digest_size(TPM_ALG_SHA1), 20, "SHA-1: 20 bytes");
	tap_is_u64(sha_digest_size(TPM_ALG_SHA256), 32, "SHA-256: 32 bytes");
	tap_is_u64(sha_digest_size(TPM_ALG_SHA384), 48, "SHA-384: 48 bytes");
	tap_is_u64(sha_digest_size(TPM_ALG_SHA512), 64, "SHA-512: 64 bytes");
	tap_is_u64(sha_digest_size(0x0012), 0, "SM3 (0x12): not leapboot's");

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		uint32_t n = sha_digest_size(vectors[i].alg);
		sha_digest(vectors[i].alg, vectors[i].msg, vectors[i].len, d);
		hex(d, n, got);
		tap_is_str(got, vectors[i].want, "%s of %s", name(vectors[i].alg), vectors[i].name);
		/* Every split point of the message into two updates. */
		bool same = true;
		for (size_t cut = 0; cut <= vectors[i].len; cut++) {
			struct sha_ctx c;
			uint8_t e[SHA_MAX_DIGEST];
			sha_init(&c, vectors[i].alg);
			sha_update(&c, vectors[i].msg, cut);
			sha_update(&c, vectors[i].msg + cut, vectors[i].len - cut);
			sha_final(&c, e);
			same &= memcmp(d, e, n) == 0;
		}
		tap_ok(same, "%s of %s: the same digest for every split into two updates",
		       name(vectors[i].alg), vectors[i].name);
	}

	uint8_t *buf = malloc(4099);
	for (size_t i = 0; i < 4099; i++)
		buf[i] = pattern(i);
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		sha_digest(patterns[i].alg, buf, patterns[i].len, d);
		hex(d, sha_digest_size(patterns[i].alg), got);
		tap_is_str(got, patterns[i].want, "%s of %zu pattern bytes", name(patterns[i].alg),
			   patterns[i].len);
	}
	free(buf);

	/* One million 'a', in pieces of 1 to 200 bytes (each length in turn). */
	char a[200];
	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < sizeof(million_a) / sizeof(million_a[0]); i++) {
		struct sha_ctx c;
		size_t left = 1000000, piece = 1;
		sha_init(&c, million_a[i].alg);
		while (left) {
			size_t n = piece < left ? piece : left;
			sha_update(&c, a, n);
			left -= n;
			piece = piece % 200 + 1;
		}
		sha_final(&c, d);
		hex(d, sha_digest_size(million_a[i].alg), got);
		tap_is_str(got, million_a[i].want, "%s of one million 'a' in uneven pieces",
			   name(million_a[i].alg));
	}

	/* ID_AA64ISAR0_EL1 as QEMU's CPUs have it: cortex-a57 (SHA1 = 1, SHA2 = 1),
	 * max (SHA2 = 2: SHA-512 too); and fields that a later CPU may raise. */
	tap_is_u64(sha_cpu_armv8(0), 0, "ID_AA64ISAR0_EL1 0: no SHA instructions");
	tap_is_u64(sha_cpu_armv8(0x11120), SHA_CPU_SHA1 | SHA_CPU_SHA256,
		   "ID_AA64ISAR0_EL1 of cortex-a57: SHA-1 and SHA-256");
	tap_is_u64(sha_cpu_armv8(0x1021111110212120ull),
		   SHA_CPU_SHA1 | SHA_CPU_SHA256 | SHA_CPU_SHA512,
		   "ID_AA64ISAR0_EL1 of QEMU's max: SHA-1, SHA-256 and SHA-512");
	tap_is_u64(sha_cpu_armv8(0x1000), SHA_CPU_SHA256, "SHA2 = 1 alone: SHA-256 only");
	tap_is_u64(sha_cpu_armv8(0x3f00), SHA_CPU_SHA1 | SHA_CPU_SHA256 | SHA_CPU_SHA512,
		   "fields above 1 and 2 include the lower ones' instructions");
	tap_is_u64(sha_cpu_armv8(~0xff00ull), 0, "the other fields say nothing about SHA");

	/* The host has no code for those bits: sha.c stays portable. */
	tap_is_u64(sha_cpu, 0, "sha_cpu: 0 until a loader sets it");
	sha_cpu = SHA_CPU_SHA1 | SHA_CPU_SHA256 | SHA_CPU_SHA512;
	bool same = true;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		sha_digest(vectors[i].alg, vectors[i].msg, vectors[i].len, d);
		hex(d, sha_digest_size(vectors[i].alg), got);
		same &= strcmp(got, vectors[i].want) == 0;
	}
	sha_cpu = 0;
	tap_ok(same, "every bit of sha_cpu set on a build without the instructions: the same "
		     "digests");
	return done_testing();
}
