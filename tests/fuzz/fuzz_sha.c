/* boot/sha*.c against OpenSSL's libcrypto on the host: any message, fed to
 * sha_update in pieces the input chooses, gives the digest OpenSSL gives it in
 * one call, for each of SHA-1, SHA-256, SHA-384 and SHA-512.
 *
 * Input: byte 0 seeds the piece lengths (1 to 255 bytes, from a small
 * generator), the rest is the message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "sha.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		uint16_t alg;
		const char *name;
	} algs[] = {{TPM_ALG_SHA1, "SHA1"},
		    {TPM_ALG_SHA256, "SHA256"},
		    {TPM_ALG_SHA384, "SHA384"},
		    {TPM_ALG_SHA512, "SHA512"}};
	if (!size)
		return 0;
	uint32_t seed = data[0] * 2654435761u + 1;
	const uint8_t *msg = data + 1;
	size_t len = size - 1;

	for (size_t a = 0; a < sizeof(algs) / sizeof(algs[0]); a++) {
		uint8_t want[EVP_MAX_MD_SIZE], got[SHA_MAX_DIGEST];
		unsigned int n;
		check(EVP_Digest(msg, len, want, &n, EVP_get_digestbyname(algs[a].name), 0));
		check(n == sha_digest_size(algs[a].alg));

		struct sha_ctx c;
		uint32_t s = seed;
		sha_init(&c, algs[a].alg);
		for (size_t at = 0; at < len;) {
			s = s * 1103515245u + 12345u;
			size_t piece = (s >> 16) % 255 + 1;
			if (piece > len - at)
				piece = len - at;
			sha_update(&c, msg + at, piece);
			at += piece;
		}
		sha_final(&c, got);
		check(memcmp(got, want, n) == 0);
	}
	return 0;
}
