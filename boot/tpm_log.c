#include "out_of_line.h"
#include "tpm_log.h"
#include "le.h"
#include "../loader/libc/string.h"

#define EVENT2_FIXED (4 + 4 + 4 + 4) /* pcrIndex, eventType, digest count, eventSize */

static const uint8_t spec_id_signature[16] = "Spec ID Event03";

/* n bytes fit at offset at of cap, without overflow. */
static bool fits(uint32_t at, uint32_t n, uint32_t cap)
{
	return at <= cap && n <= cap - at;
}

/* A bank list a TPM can have: 1 to TPM2_BANKS_MAX hashes leapboot has, each once. */
static status_t check_banks(const struct tpm2_banks *b)
{
	if (!b->n)
		return lb_fail(LB_E_TPM_NO_BANK, 0, 0);
	if (b->n > TPM2_BANKS_MAX)
		return lb_fail(LB_E_TPM_LOG_BANKS, TPM2_BANKS_MAX, 0);
	for (uint32_t i = 0; i < b->n; i++) {
		if (!sha_digest_size(b->alg[i]))
			return lb_fail(LB_E_TPM_UNKNOWN_BANK, b->alg[i], 0);
		for (uint32_t j = 0; j < i; j++)
			if (b->alg[j] == b->alg[i])
				return lb_fail(LB_E_TPM_LOG_BANKS, i, b->alg[i]);
	}
	return lb_ok();
}

OUT_OF_LINE status_t tpm_log_start(struct tpm_log *l, uint8_t *area, uint32_t cap,
		       const struct tpm2_banks *banks)
{
	status_t s = check_banks(banks);
	if (s.code)
		return s;
	uint32_t n = banks->n, size = TPM_LOG_HEADER(n);
	if (size > cap)
		return lb_fail(LB_E_TPM_LOG_FULL, size, cap);

	/* The SHA-1 format's fields, so that a reader of the old format skips it:
	 * PCR 0, EV_NO_ACTION, a zero digest. */
	uint8_t *p = area;
	memset(p, 0, 28);
	le_put32(p + 4, EV_NO_ACTION);
	le_put32(p + 28, TPM_LOG_SPEC_ID(n));
	p += 32;
	memcpy(p, spec_id_signature, 16);
	le_put32(p + 16, 0); /* platformClass: client */
	p[20] = 0;	     /* specVersionMinor */
	p[21] = 2;	     /* specVersionMajor */
	p[22] = 0;	     /* specErrata */
	p[23] = 2;	     /* uintnSize: UINT64 */
	le_put32(p + 24, n);
	p += 28;
	for (uint32_t i = 0; i < n; i++, p += 4) {
		le_put16(p, banks->alg[i]);
		le_put16(p + 2, (uint16_t)sha_digest_size(banks->alg[i]));
	}
	*p = 0; /* vendorInfoSize */

	*l = (struct tpm_log){area, cap, size, *banks};
	return lb_ok();
}

OUT_OF_LINE status_t tpm_log_event(struct tpm_log *l, uint32_t pcr, uint32_t type, const struct tpm2_digests *d,
		       const void *data, uint32_t len)
{
	uint32_t i = 0, digests = 0;
	while (i < l->banks.n && i < d->n && d->alg[i] == l->banks.alg[i])
		digests += 2 + sha_digest_size(d->alg[i++]);
	if (i != l->banks.n || i != d->n)
		return lb_fail(LB_E_TPM_LOG_BANKS, i,
			       i < d->n && i < TPM2_BANKS_MAX ? d->alg[i] : 0);

	/* At most 16 + 4 * 66 bytes besides data: no overflow in 64 bits. */
	uint64_t size = (uint64_t)EVENT2_FIXED + digests + len;
	uint32_t left = l->used < l->cap ? l->cap - l->used : 0;
	if (size > left)
		return lb_fail(LB_E_TPM_LOG_FULL, size, left);

	uint8_t *p = l->base + l->used;
	le_put32(p, pcr);
	le_put32(p + 4, type);
	le_put32(p + 8, d->n);
	p += 12;
	for (i = 0; i < d->n; i++) {
		uint32_t n = sha_digest_size(d->alg[i]);
		le_put16(p, d->alg[i]);
		memcpy(p + 2, d->digest[i], n);
		p += 2 + n;
	}
	le_put32(p, len);
	if (len)
		memcpy(p + 4, data, len);
	l->used += (uint32_t)size;
	return lb_ok();
}

static status_t bad(uint32_t at, uint32_t cap)
{
	return lb_fail(LB_E_TPM_LOG_BAD, at, cap);
}

/* The header: a TCG_PCClientPCREvent whose event is a TCG_EfiSpecIDEvent; its
 * banks into *b, its size into *end. */
static status_t read_header(const uint8_t *a, uint32_t cap, struct tpm2_banks *b, uint32_t *end)
{
	if (!fits(0, 32, cap))
		return bad(0, cap);
	if (le32(a) != 0)
		return bad(0, cap);
	if (le32(a + 4) != EV_NO_ACTION)
		return bad(4, cap);
	uint32_t size = le32(a + 28);
	if (!fits(32, size, cap) || size < TPM_LOG_SPEC_ID(0))
		return bad(28, cap);
	const uint8_t *e = a + 32;
	if (memcmp(e, spec_id_signature, 16))
		return bad(32, cap);
	uint32_t n = le32(e + 24);
	if (n < 1 || n > TPM2_BANKS_MAX)
		return bad(32 + 24, cap);
	if (size < TPM_LOG_SPEC_ID(n))
		return bad(28, cap);
	b->n = n;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t at = 32 + 28 + 4 * i;
		uint16_t alg = le16(a + at);
		uint32_t digest = sha_digest_size(alg);
		if (!digest)
			return bad(at, cap);
		for (uint32_t j = 0; j < i; j++)
			if (b->alg[j] == alg)
				return bad(at, cap);
		if (le16(a + at + 2) != digest)
			return bad(at + 2, cap);
		b->alg[i] = alg;
	}
	/* vendorInfoSize, then that many bytes, inside the event; bytes after them
	 * are allowed: SeaBIOS before 1.14 wrote vendorInfoSize as 4 bytes. */
	uint32_t vendor = 32 + TPM_LOG_SPEC_ID(n) - 1;
	if (size - TPM_LOG_SPEC_ID(n) < a[vendor])
		return bad(vendor, cap);
	*end = 32 + size;
	return lb_ok();
}

/* The end of the TCG_PCR_EVENT2 at at, with the digests of b, and where its
 * event data start; at itself if it is the log's end: zero pcrIndex and
 * eventType, or zero bytes to cap. */
static status_t read_event(const uint8_t *a, uint32_t cap, const struct tpm2_banks *b, uint32_t at,
			   uint32_t *end, uint32_t *data)
{
	*end = at;
	*data = at;
	if (!fits(at, 8, cap)) {
		for (uint32_t i = at; i < cap; i++)
			if (a[i])
				return bad(at, cap);
		return lb_ok();
	}
	if (!le32(a + at) && !le32(a + at + 4))
		return lb_ok();
	uint32_t p = at + 8;
	if (!fits(p, 4, cap) || le32(a + p) != b->n)
		return bad(p, cap);
	p += 4;
	for (uint32_t i = 0; i < b->n; i++) {
		if (!fits(p, 2, cap) || le16(a + p) != b->alg[i])
			return bad(p, cap);
		p += 2;
		uint32_t digest = sha_digest_size(b->alg[i]);
		if (!fits(p, digest, cap))
			return bad(p, cap);
		p += digest;
	}
	if (!fits(p, 4, cap) || !fits(p + 4, le32(a + p), cap))
		return bad(p, cap);
	*data = p + 4;
	*end = p + 4 + le32(a + p);
	return lb_ok();
}

OUT_OF_LINE status_t tpm_log_resume(struct tpm_log *l, uint8_t *area, uint32_t cap)
{
	struct tpm2_banks b;
	uint32_t at, end, data;
	status_t s = read_header(area, cap, &b, &at);
	/* Each entry has at least 16 bytes: the walk ends. */
	while (!s.code && at < cap) {
		s = read_event(area, cap, &b, at, &end, &data);
		if (end == at)
			break;
		at = end;
	}
	if (s.code)
		return s;
	*l = (struct tpm_log){area, cap, at, b};
	return lb_ok();
}

OUT_OF_LINE status_t tpm_log_find(const uint8_t *area, uint32_t cap, uint32_t last, uint32_t pcr,
				  uint32_t type, const void *prefix, uint32_t len, bool *found)
{
	struct tpm2_banks b;
	uint32_t at, end, data;
	*found = false;
	status_t s = read_header(area, cap, &b, &at);
	while (!s.code && at <= last) {
		s = read_event(area, cap, &b, at, &end, &data);
		if (s.code || end == at)
			break;
		if (le32(area + at) == pcr && le32(area + at + 4) == type && end - data >= len &&
		    !memcmp(area + data, prefix, len))
			*found = true;
		at = end;
	}
	if (s.code)
		*found = false;
	return s;
}
