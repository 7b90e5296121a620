/* boot/tpm2.c's response checks on any bytes, from an exact-size heap copy (ASan
 * catches a read past the response). Rules: a response passes the header check
 * only with at least 10 bytes, its size field equal to their number and a
 * response tag; a bank list that passes names 1 to 4 banks, each one leapboot
 * hashes, and only from a success response with nothing after the list; Startup
 * passes with a bare header, PCR_Extend with parameterSize 0 and an empty nonce
 * and HMAC (a password session's answer), 19 bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tpm2.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	uint32_t len = (uint32_t)size, rc = 0;
	uint8_t *r = malloc(size ? size : 1);
	memcpy(r, data, size);

	status_t s = tpm2_response(r, len, &rc);
	if (!s.code) {
		uint32_t tag = (uint32_t)r[0] << 8 | r[1];
		uint32_t sz =
		    (uint32_t)r[2] << 24 | (uint32_t)r[3] << 16 | (uint32_t)r[4] << 8 | r[5];
		check(len >= 10 && sz == len && (tag == 0x8001 || tag == 0x8002));
	}
	struct tpm2_banks banks;
	if (!tpm2_pcr_banks(r, len, &banks).code) {
		check(!s.code && rc == 0);
		check(banks.n >= 1 && banks.n <= TPM2_BANKS_MAX);
		for (uint32_t i = 0; i < banks.n; i++)
			check(sha_digest_size(banks.alg[i]) != 0);
	}
	if (!tpm2_startup_done(r, len).code)
		check(!s.code && (rc == 0 || rc == TPM2_RC_INITIALIZE) && len == 10);
	if (!tpm2_extend_done(r, len).code) {
		check(!s.code && rc == 0 && len == 19 && r[0] == 0x80 && r[1] == 0x02);
		for (int i = 10; i < 16; i++)
			check(r[i] == 0 && r[17] == 0 && r[18] == 0);
	}
	free(r);
	return 0;
}
