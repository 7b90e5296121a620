#include "out_of_line.h"
#include "tpm2.h"
#include "../loader/libc/string.h"

#define TPM_ST_NO_SESSIONS 0x8001
#define TPM_ST_SESSIONS	   0x8002
#define TPM_CC_STARTUP	   0x0144
#define TPM_CC_GET_CAP	   0x017A
#define TPM_CC_PCR_EXTEND  0x0182
#define TPM_SU_CLEAR	   0x0000
#define TPM_CAP_PCRS	   0x00000005
#define TPM_RS_PW	   0x40000009
#define PW_SESSION	   9 /* handle, empty nonce, attributes, empty HMAC */

struct out {
	uint8_t *p;
	uint32_t len, cap;
};

static void put(struct out *o, uint64_t v, uint32_t bytes)
{
	for (uint32_t i = 0; i < bytes; i++, o->len++)
		if (o->len < o->cap)
			o->p[o->len] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

/* The header with the final size, or 0 if it did not fit. */
static uint32_t finish(struct out *o)
{
	if (o->len > o->cap)
		return 0;
	uint32_t len = o->len;
	o->len = 2;
	put(o, len, 4);
	return len;
}

static uint64_t get(const uint8_t *p, uint32_t bytes)
{
	uint64_t v = 0;
	for (uint32_t i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

OUT_OF_LINE uint32_t tpm2_startup_clear(uint8_t *buf, uint32_t cap)
{
	struct out o = {buf, 0, cap};
	put(&o, TPM_ST_NO_SESSIONS, 2);
	put(&o, 0, 4);
	put(&o, TPM_CC_STARTUP, 4);
	put(&o, TPM_SU_CLEAR, 2);
	return finish(&o);
}

OUT_OF_LINE uint32_t tpm2_get_pcr_banks(uint8_t *buf, uint32_t cap)
{
	struct out o = {buf, 0, cap};
	put(&o, TPM_ST_NO_SESSIONS, 2);
	put(&o, 0, 4);
	put(&o, TPM_CC_GET_CAP, 4);
	put(&o, TPM_CAP_PCRS, 4);
	put(&o, 0, 4); /* property */
	put(&o, 1, 4); /* propertyCount: the selection list is one capability */
	return finish(&o);
}

OUT_OF_LINE uint32_t tpm2_pcr_extend(uint8_t *buf, uint32_t cap, uint32_t pcr,
				     const struct tpm2_digests *d)
{
	struct out o = {buf, 0, cap};
	put(&o, TPM_ST_SESSIONS, 2);
	put(&o, 0, 4);
	put(&o, TPM_CC_PCR_EXTEND, 4);
	put(&o, pcr, 4);
	put(&o, PW_SESSION, 4);
	put(&o, TPM_RS_PW, 4);
	put(&o, 0, 2); /* nonce */
	put(&o, 0, 1); /* attributes */
	put(&o, 0, 2); /* HMAC: the empty password */
	put(&o, d->n, 4);
	for (uint32_t i = 0; i < d->n && i < TPM2_BANKS_MAX; i++) {
		uint32_t size = sha_digest_size(d->alg[i]);
		put(&o, d->alg[i], 2);
		for (uint32_t j = 0; j < size; j++)
			put(&o, d->digest[i][j], 1);
	}
	return finish(&o);
}

OUT_OF_LINE status_t tpm2_response(const uint8_t *rsp, uint32_t len, uint32_t *rc)
{
	if (len < TPM2_HEADER)
		return lb_fail(LB_E_TPM_SHORT_RESPONSE, len, TPM2_HEADER);
	uint32_t tag = (uint32_t)get(rsp, 2), size = (uint32_t)get(rsp + 2, 4);
	if (size != len)
		return lb_fail(LB_E_TPM_RESPONSE_SIZE, size, len);
	if (tag != TPM_ST_NO_SESSIONS && tag != TPM_ST_SESSIONS)
		return lb_fail(LB_E_TPM_RESPONSE_TAG, tag, 0);
	*rc = (uint32_t)get(rsp + 6, 4);
	return lb_ok();
}

/* The header, and a response code of success or of also (the one other code
 * the caller accepts; success again when there is none). */
static status_t expect_rc(const uint8_t *rsp, uint32_t len, uint32_t cc, uint32_t also)
{
	uint32_t rc;
	status_t s = tpm2_response(rsp, len, &rc);
	if (!s.code && rc != TPM2_RC_SUCCESS && rc != also)
		s = lb_fail(LB_E_TPM_ERROR, cc, rc);
	return s;
}

/* Startup answers with a bare header. */
OUT_OF_LINE status_t tpm2_startup_done(const uint8_t *rsp, uint32_t len)
{
	status_t s = expect_rc(rsp, len, TPM_CC_STARTUP, TPM2_RC_INITIALIZE);
	if (!s.code && len != TPM2_HEADER)
		return lb_fail(LB_E_TPM_BAD_RESPONSE, TPM_CC_STARTUP, len);
	return s;
}

OUT_OF_LINE status_t tpm2_pcr_banks(const uint8_t *rsp, uint32_t len, struct tpm2_banks *banks)
{
	status_t s = expect_rc(rsp, len, TPM_CC_GET_CAP, TPM2_RC_SUCCESS);
	if (s.code)
		return s;
	/* moreData (1), capability (4), count (4), then each selection: hash (2),
	 * sizeofSelect (1), that many bytes of PCR bits. */
	uint32_t at = TPM2_HEADER;
	if (len - at < 9 || get(rsp + at + 1, 4) != TPM_CAP_PCRS)
		return lb_fail(LB_E_TPM_BAD_CAPABILITY, at, len);
	uint64_t count = get(rsp + at + 5, 4);
	at += 9;
	banks->n = 0;
	for (uint64_t i = 0; i < count; i++) {
		if (len - at < 3)
			return lb_fail(LB_E_TPM_BAD_CAPABILITY, at, len);
		uint16_t alg = (uint16_t)get(rsp + at, 2);
		uint32_t select = rsp[at + 2];
		at += 3;
		if (len - at < select)
			return lb_fail(LB_E_TPM_BAD_CAPABILITY, at, len);
		bool active = false;
		for (uint32_t j = 0; j < select; j++)
			active |= rsp[at + j] != 0;
		at += select;
		if (!active)
			continue;
		if (!sha_digest_size(alg))
			return lb_fail(LB_E_TPM_UNKNOWN_BANK, alg, 0);
		if (banks->n == TPM2_BANKS_MAX)
			return lb_fail(LB_E_TPM_BAD_CAPABILITY, at, len);
		banks->alg[banks->n++] = alg;
	}
	if (at != len)
		return lb_fail(LB_E_TPM_BAD_CAPABILITY, at, len);
	if (!banks->n)
		return lb_fail(LB_E_TPM_NO_BANK, count, 0);
	return lb_ok();
}

/* PCR_Extend's success: the sessions tag, parameterSize 0 (it has no response
 * parameters), and the password session's answer: an empty nonce, the session
 * attributes, an empty HMAC. */
OUT_OF_LINE status_t tpm2_extend_done(const uint8_t *rsp, uint32_t len)
{
	status_t s = expect_rc(rsp, len, TPM_CC_PCR_EXTEND, TPM2_RC_SUCCESS);
	if (s.code)
		return s;
	if (len != TPM2_EXTEND_RESPONSE || get(rsp, 2) != TPM_ST_SESSIONS ||
	    get(rsp + TPM2_HEADER, 4) != 0 || get(rsp + TPM2_HEADER + 4, 2) != 0 ||
	    get(rsp + TPM2_HEADER + 7, 2) != 0)
		return lb_fail(LB_E_TPM_BAD_RESPONSE, TPM_CC_PCR_EXTEND, len);
	return lb_ok();
}
