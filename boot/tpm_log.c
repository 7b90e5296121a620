/* The TCG crypto-agile event log, written and read in a byte area. */
#include "out_of_line.h"
#include "tpm_log.h"
#include "le.h"
#include "../loader/libc/string.h"

/* An entry's bytes besides its digests and event: the count's frame, eventSize. */
#define EVENT2_FIXED ((uint32_t)sizeof(struct tcg_pcr_event2) + 4)

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

	/* The SHA-1 format's frame, so that a reader of the old format skips it:
	 * PCR 0, EV_NO_ACTION, a zero digest. */
	struct tcg_pcr_event *h = (struct tcg_pcr_event *)area;
	memset(h, 0, sizeof(*h));
	le_put32(h->event_type, EV_NO_ACTION);
	le_put32(h->event_size, TPM_LOG_SPEC_ID(n));
	struct tcg_spec_id_event *e = (struct tcg_spec_id_event *)(h + 1);
	memcpy(e->signature, spec_id_signature, sizeof(e->signature));
	le_put32(e->platform_class, 0); /* client */
	e->spec_version_minor = 0;
	e->spec_version_major = 2;
	e->spec_errata = 0;
	e->uintn_size = 2; /* UINT64 */
	le_put32(e->number_of_algorithms, n);
	struct tcg_alg_size *alg = (struct tcg_alg_size *)(e + 1);
	for (uint32_t i = 0; i < n; i++) {
		le_put16(alg[i].algorithm_id, banks->alg[i]);
		le_put16(alg[i].digest_size, (uint16_t)sha_digest_size(banks->alg[i]));
	}
	*(uint8_t *)(alg + n) = 0; /* vendorInfoSize */

	*l = (struct tpm_log){area, cap, size, *banks};
	return lb_ok();
}

OUT_OF_LINE status_t tpm_log_room(const struct tpm_log *l, uint32_t len)
{
	uint32_t digests = 0;
	for (uint32_t i = 0; i < l->banks.n; i++)
		digests += 2 + sha_digest_size(l->banks.alg[i]);
	uint64_t size = (uint64_t)EVENT2_FIXED + digests + len;
	uint32_t left = l->used < l->cap ? l->cap - l->used : 0;
	return size > left ? lb_fail(LB_E_TPM_LOG_FULL, size, left) : lb_ok();
}

OUT_OF_LINE status_t tpm_log_event(struct tpm_log *l, uint32_t pcr, uint32_t type,
				   const struct tpm2_digests *d, const void *data, uint32_t len)
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

	struct tcg_pcr_event2 *ev = (struct tcg_pcr_event2 *)(l->base + l->used);
	le_put32(ev->pcr_index, pcr);
	le_put32(ev->event_type, type);
	le_put32(ev->count, d->n);
	uint8_t *p = (uint8_t *)(ev + 1);
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

/* Offsets in the header, for the place where it is malformed. */
#define AT_HEADER(field) ((uint32_t)offsetof(struct tcg_pcr_event, field))
#define AT_SPEC(field)                                                                             \
	((uint32_t)(sizeof(struct tcg_pcr_event) + offsetof(struct tcg_spec_id_event, field)))
#define AT_ALGS ((uint32_t)(sizeof(struct tcg_pcr_event) + sizeof(struct tcg_spec_id_event)))

/* The header: a TCG_PCClientPCREvent whose event is a TCG_EfiSpecIDEvent; its
 * banks into *b, its end into *end. */
static status_t read_header(const uint8_t *a, uint32_t cap, struct tpm2_banks *b, uint32_t *end)
{
	const struct tcg_pcr_event *h = (const struct tcg_pcr_event *)a;
	if (!fits(0, sizeof(*h), cap) || le32(h->pcr_index) != 0)
		return bad(AT_HEADER(pcr_index), cap);
	if (le32(h->event_type) != EV_NO_ACTION)
		return bad(AT_HEADER(event_type), cap);
	uint32_t size = le32(h->event_size);
	if (!fits(sizeof(*h), size, cap) || size < TPM_LOG_SPEC_ID(0))
		return bad(AT_HEADER(event_size), cap);
	const struct tcg_spec_id_event *e = (const struct tcg_spec_id_event *)(h + 1);
	if (memcmp(e->signature, spec_id_signature, sizeof(e->signature)))
		return bad(AT_SPEC(signature), cap);
	uint32_t n = le32(e->number_of_algorithms);
	if (n < 1 || n > TPM2_BANKS_MAX)
		return bad(AT_SPEC(number_of_algorithms), cap);
	if (size < TPM_LOG_SPEC_ID(n))
		return bad(AT_HEADER(event_size), cap);
	const struct tcg_alg_size *alg = (const struct tcg_alg_size *)(e + 1);
	b->n = n;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t at = AT_ALGS + i * (uint32_t)sizeof(*alg);
		uint16_t id = le16(alg[i].algorithm_id);
		uint32_t digest = sha_digest_size(id);
		if (!digest)
			return bad(at, cap);
		for (uint32_t j = 0; j < i; j++)
			if (b->alg[j] == id)
				return bad(at, cap);
		if (le16(alg[i].digest_size) != digest)
			return bad(at + 2, cap);
		b->alg[i] = id;
	}
	/* vendorInfoSize, then that many bytes, inside the event; bytes after them
	 * are allowed: SeaBIOS before 1.14 wrote vendorInfoSize as 4 bytes. */
	uint8_t vendor = *(const uint8_t *)(alg + n);
	if (size - TPM_LOG_SPEC_ID(n) < vendor)
		return bad(AT_ALGS + n * (uint32_t)sizeof(*alg), cap);
	*end = (uint32_t)sizeof(*h) + size;
	return lb_ok();
}

/* The end of the TCG_PCR_EVENT2 at at, with the digests of b, and where its
 * event data start; at itself if it is the log's end: zero pcrIndex and
 * eventType, or zero bytes to cap. */
static status_t read_event(const uint8_t *a, uint32_t cap, const struct tpm2_banks *b, uint32_t at,
			   uint32_t *end, uint32_t *data)
{
	const struct tcg_pcr_event2 *ev = (const struct tcg_pcr_event2 *)(a + at);
	*end = at;
	*data = at;
	if (!fits(at, sizeof(ev->pcr_index) + sizeof(ev->event_type), cap)) {
		for (uint32_t i = at; i < cap; i++)
			if (a[i])
				return bad(at, cap);
		return lb_ok();
	}
	if (!le32(ev->pcr_index) && !le32(ev->event_type))
		return lb_ok();
	uint32_t p = at + (uint32_t)offsetof(struct tcg_pcr_event2, count);
	if (!fits(p, sizeof(ev->count), cap) || le32(ev->count) != b->n)
		return bad(p, cap);
	p += sizeof(ev->count);
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
	struct tpm2_banks b = {0, {0}}; /* unused slots zero, as compared whole */
	uint32_t at = 0, end, data;
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
	struct tpm2_banks b = {0, {0}};
	uint32_t at = 0, end, data;
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
