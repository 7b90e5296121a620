/* boot/tpm2.c: the commands byte for byte as TPM 2.0 Part 3 lays them out, and
 * every way a response can be wrong: too short, a size that lies, a wrong tag,
 * an error code, a bank list cut anywhere, too many banks, an unknown active
 * bank, none active. */
#include <string.h>

#include "tpm2.h"
#include "tap.h"

static void be(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* A response: tag, size (len unless size_lie), rc, then body. */
static uint32_t response(uint8_t *r, uint16_t tag, uint32_t rc, const uint8_t *body,
			 uint32_t body_len)
{
	be(r, tag, 2);
	be(r + 2, 10 + body_len, 4);
	be(r + 6, rc, 4);
	if (body_len)
		memcpy(r + 10, body, body_len);
	return 10 + body_len;
}

/* GetCapability(PCRS)'s body for n selections of (alg, sizeofSelect, first byte). */
static uint32_t banks_body(uint8_t *b, uint32_t count, const uint16_t *alg, const uint8_t *first)
{
	uint32_t at = 0;
	b[at++] = 0; /* moreData */
	be(b + at, 5, 4);
	at += 4;
	be(b + at, count, 4);
	at += 4;
	for (uint32_t i = 0; i < count; i++) {
		be(b + at, alg[i], 2);
		b[at + 2] = 3;
		b[at + 3] = first[i];
		b[at + 4] = 0;
		b[at + 5] = 0;
		at += 6;
	}
	return at;
}

int main(void)
{
	uint8_t buf[512], r[512], body[256];
	uint32_t n, rc;

	static const uint8_t startup[] = {0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0};
	n = tpm2_startup_clear(buf, sizeof(buf));
	ok(n == sizeof(startup) && !memcmp(buf, startup, n), "Startup(CLEAR): 12 bytes, CC 0x144");
	is_u64(tpm2_startup_clear(buf, 11), 0, "Startup into 11 bytes: 0, nothing claimed");

	static const uint8_t getcap[] = {0x80, 0x01, 0, 0, 0, 22, 0, 0, 0x01, 0x7A, 0,
					 0,    0,    5, 0, 0, 0,  0, 0, 0,    0,    1};
	n = tpm2_get_pcr_banks(buf, sizeof(buf));
	ok(n == sizeof(getcap) && !memcmp(buf, getcap, n), "GetCapability(PCRS, 0, 1): 22 bytes");

	struct tpm2_digests d = {2, {TPM_ALG_SHA1, TPM_ALG_SHA256}, {{0}}};
	memset(d.digest[0], 0x11, 20);
	memset(d.digest[1], 0x22, 32);
	n = tpm2_pcr_extend(buf, sizeof(buf), 4, &d);
	is_u64(n, 10 + 4 + 4 + 9 + 4 + 22 + 34, "PCR_Extend with SHA-1 and SHA-256: 87 bytes");
	static const uint8_t head[] = {0x80, 0x02, 0, 0, 0, 87, 0, 0,	 0x01, 0x82, 0,
				       0,    0,	   4, 0, 0, 0,	9, 0x40, 0,    0,    9,
				       0,    0,	   0, 0, 0, 0,	0, 0,	 2};
	ok(!memcmp(buf, head, sizeof(head)),
	   "PCR_Extend: sessions tag, PCR 4, a password session, 2 digests");
	ok(buf[31] == 0 && buf[32] == 4 && buf[33] == 0x11 && buf[52] == 0x11 && buf[53] == 0 &&
	       buf[54] == 0x0B && buf[55] == 0x22 && buf[86] == 0x22,
	   "PCR_Extend: each digest after its algorithm id");
	is_u64(tpm2_pcr_extend(buf, 86, 4, &d), 0, "PCR_Extend one byte short of room: 0");

	/* Responses. */
	n = response(r, 0x8001, 0, 0, 0);
	is_u64(tpm2_startup_done(r, n).code, LB_OK, "Startup: success");
	n = response(r, 0x8001, 0x100, 0, 0);
	is_u64(tpm2_startup_done(r, n).code, LB_OK,
	       "Startup: TPM_RC_INITIALIZE (started already) is fine");
	n = response(r, 0x8001, 0x101, 0, 0);
	is_u64(tpm2_startup_done(r, n).code, LB_E_TPM_ERROR, "Startup: TPM_RC_FAILURE is an error");
	ok(lb_detail.a == 0x144 && lb_detail.b == 0x101,
	   "the error names the command and the code");
	is_u64(tpm2_response(r, 9, &rc).code, LB_E_TPM_SHORT_RESPONSE,
	       "9 bytes: shorter than a header");
	n = response(r, 0x8001, 0, 0, 0);
	is_u64(tpm2_response(r, n + 1, &rc).code, LB_E_TPM_RESPONSE_SIZE,
	       "a size field one short of the bytes received");
	be(r + 2, 0xFFFFFFFF, 4);
	is_u64(tpm2_response(r, n, &rc).code, LB_E_TPM_RESPONSE_SIZE, "a size field of 4 GiB");
	n = response(r, 0x00C4, 0, 0, 0);
	is_u64(tpm2_response(r, n, &rc).code, LB_E_TPM_RESPONSE_TAG, "tag 0x00C4 (TPM 1.2's)");
	n = response(r, 0x8002, 0x922, 0, 0);
	is_u64(tpm2_extend_done(r, n).code, LB_E_TPM_ERROR, "PCR_Extend answered with an error");
	static const uint8_t pw_answer[] = {0, 0, 0, 0, 0, 0, 1, 0, 0, 0xEE};
	n = response(r, 0x8002, 0, pw_answer, 9);
	is_u64(tpm2_extend_done(r, n).code, LB_OK,
	       "PCR_Extend: success, parameterSize 0, the password session's empty answer");
	n = response(r, 0x8002, 0, pw_answer, 10);
	is_u64(tpm2_extend_done(r, n).code, LB_E_TPM_BAD_RESPONSE,
	       "PCR_Extend: a byte after the session's answer");
	n = response(r, 0x8002, 0, (const uint8_t[]){0, 0, 0, 5, 0, 0, 1, 0, 0}, 9);
	is_u64(tpm2_extend_done(r, n).code, LB_E_TPM_BAD_RESPONSE,
	       "PCR_Extend: parameterSize 5 (it has no response parameters)");
	n = response(r, 0x8001, 0, pw_answer, 9);
	is_u64(tpm2_extend_done(r, n).code, LB_E_TPM_BAD_RESPONSE,
	       "PCR_Extend: success without the sessions tag");
	n = response(r, 0x8002, 0, (const uint8_t[]){0, 0, 0, 0, 0, 1, 0xAA, 1, 0, 0}, 10);
	is_u64(tpm2_extend_done(r, n).code, LB_E_TPM_BAD_RESPONSE,
	       "PCR_Extend: a nonce in a password session's answer");
	n = response(r, 0x8001, 0, (const uint8_t[]){0, 0}, 2);
	is_u64(tpm2_startup_done(r, n).code, LB_E_TPM_BAD_RESPONSE,
	       "Startup: success with 2 bytes after the header");

	/* Bank lists. */
	struct tpm2_banks banks;
	static const uint16_t four[] = {TPM_ALG_SHA1, TPM_ALG_SHA256, TPM_ALG_SHA384,
					TPM_ALG_SHA512};
	static const uint8_t all_on[] = {0xFF, 0xFF, 0xFF, 0xFF}, only256[] = {0, 0xFF, 0, 0};
	uint32_t bl = banks_body(body, 4, four, all_on);
	n = response(r, 0x8001, 0, body, bl);
	is_u64(tpm2_pcr_banks(r, n, &banks).code, LB_OK, "a fresh swtpm's four banks");
	ok(banks.n == 4 && banks.alg[0] == TPM_ALG_SHA1 && banks.alg[3] == TPM_ALG_SHA512,
	   "four banks, in the TPM's order");
	bl = banks_body(body, 4, four, only256);
	n = response(r, 0x8001, 0, body, bl);
	is_u64(tpm2_pcr_banks(r, n, &banks).code, LB_OK, "swtpm_setup --pcr-banks sha256");
	ok(banks.n == 1 && banks.alg[0] == TPM_ALG_SHA256,
	   "a bank with no PCR selected is not active");
	bool cut_ok = true;
	for (uint32_t cut = 0; cut < bl; cut++) {
		uint8_t rr[512];
		uint32_t m = response(rr, 0x8001, 0, body, cut);
		cut_ok &= tpm2_pcr_banks(rr, m, &banks).code == LB_E_TPM_BAD_CAPABILITY;
	}
	ok(cut_ok, "the bank list cut at each of its %u bytes: malformed", bl);
	bl = banks_body(body, 4, four, only256);
	body[bl] = 0;
	n = response(r, 0x8001, 0, body, bl + 1);
	is_u64(tpm2_pcr_banks(r, n, &banks).code, LB_E_TPM_BAD_CAPABILITY,
	       "a byte after the bank list: malformed");
	static const uint16_t sm3[] = {0x0012};
	bl = banks_body(body, 1, sm3, all_on);
	n = response(r, 0x8001, 0, body, bl);
	is_u64(tpm2_pcr_banks(r, n, &banks).code, LB_E_TPM_UNKNOWN_BANK,
	       "an active SM3 bank: leapboot cannot measure it");
	static const uint16_t five[] = {4, 0xB, 0xC, 0xD, 0xB};
	static const uint8_t five_on[] = {1, 1, 1, 1, 1};
	bl = banks_body(body, 5, five, five_on);
	n = response(r, 0x8001, 0, body, bl);
	is_u64(tpm2_pcr_banks(r, n, &banks).code, LB_E_TPM_BAD_CAPABILITY,
	       "five active banks: malformed");
	static const uint8_t none_on[] = {0, 0, 0, 0};
	bl = banks_body(body, 4, four, none_on);
	n = response(r, 0x8001, 0, body, bl);
	is_u64(tpm2_pcr_banks(r, n, &banks).code, LB_E_TPM_NO_BANK, "no bank active");
	bl = banks_body(body, 0, four, all_on);
	be(body + 5, 0xFFFFFFFF, 4);
	n = response(r, 0x8001, 0, body, bl);
	is_u64(tpm2_pcr_banks(r, n, &banks).code, LB_E_TPM_BAD_CAPABILITY,
	       "a count of 2^32 - 1 with no entries");
	bl = banks_body(body, 1, four, all_on);
	be(body + 1, 6, 4);
	n = response(r, 0x8001, 0, body, bl);
	is_u64(tpm2_pcr_banks(r, n, &banks).code, LB_E_TPM_BAD_CAPABILITY,
	       "capability 6, not PCRS");
	return done_testing();
}
