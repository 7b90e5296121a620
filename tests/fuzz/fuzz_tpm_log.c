/* boot/tpm_log.c on any bytes: the input is an event log area, in an exact-size
 * heap copy (ASan catches a byte read or written past cap).
 * - tpm_log_resume agrees with a reference reader written out below (64-bit
 *   offsets, field by field) on the verdict, the end of the log or the offset of
 *   the malformed field, and the banks; it never writes into the area, and
 *   leaves the log untouched when it refuses.
 * - On a log it accepted, an event is appended: it fits exactly when its size is
 *   at most cap - used, then it is written in place with nothing touched before
 *   or after it and the log resumes to its new end; else LB_E_TPM_LOG_FULL with
 *   nothing written. Digests for other banks are refused and write nothing.
 * - tpm_log_start, with banks from the middle byte, writes a header that resumes
 *   to the same banks and end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tpm_log.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static uint64_t get(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t digest_size(uint64_t alg)
{
	switch (alg) {
	case 0x0004:
		return 20;
	case 0x000B:
		return 32;
	case 0x000C:
		return 48;
	case 0x000D:
		return 64;
	}
	return 0;
}

/* The reference reader: 0 and the log's end in *at, or 1 and the offset of the
 * malformed field in *at. */
static int reference(const uint8_t *a, uint64_t cap, uint64_t *at, struct tpm2_banks *b)
{
#define BAD(off)                                                                                   \
	do {                                                                                       \
		*at = (off);                                                                       \
		return 1;                                                                          \
	} while (0)
	if (cap < 32 || get(a, 4) != 0)
		BAD(0);
	if (get(a + 4, 4) != 3)
		BAD(4);
	uint64_t size = get(a + 28, 4);
	if (32 + size > cap || size < 29)
		BAD(28);
	if (memcmp(a + 32, "Spec ID Event03", 16))
		BAD(32);
	uint64_t n = get(a + 56, 4);
	if (n < 1 || n > 4)
		BAD(56);
	if (size < 29 + 4 * n)
		BAD(28);
	b->n = (uint32_t)n;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t alg = get(a + 60 + 4 * i, 2);
		if (!digest_size(alg))
			BAD(60 + 4 * i);
		for (uint64_t j = 0; j < i; j++)
			if (b->alg[j] == alg)
				BAD(60 + 4 * i);
		if (get(a + 62 + 4 * i, 2) != digest_size(alg))
			BAD(62 + 4 * i);
		b->alg[i] = (uint16_t)alg;
	}
	if (29 + 4 * n + a[60 + 4 * n] > size)
		BAD(60 + 4 * n);
	uint64_t e = 32 + size;
	for (;;) {
		if (cap - e < 8) {
			for (uint64_t i = e; i < cap; i++)
				if (a[i])
					BAD(e);
			break;
		}
		if (!get(a + e, 4) && !get(a + e + 4, 4))
			break;
		if (e + 12 > cap || get(a + e + 8, 4) != n)
			BAD(e + 8);
		uint64_t p = e + 12;
		for (uint64_t i = 0; i < n; i++) {
			if (p + 2 > cap || get(a + p, 2) != b->alg[i])
				BAD(p);
			p += 2;
			if (p + digest_size(b->alg[i]) > cap)
				BAD(p);
			p += digest_size(b->alg[i]);
		}
		if (p + 4 > cap || p + 4 + get(a + p, 4) > cap)
			BAD(p);
		e = p + 4 + get(a + p, 4);
	}
	*at = e;
	return 0;
#undef BAD
}

static struct tpm2_digests digests_for(const struct tpm2_banks *b, uint8_t fill)
{
	struct tpm2_digests d;
	memset(&d, fill, sizeof(d));
	d.n = b->n;
	for (uint32_t i = 0; i < b->n; i++)
		d.alg[i] = b->alg[i];
	return d;
}

static void append(struct tpm_log *l, uint8_t *area, const uint8_t *before, uint32_t len)
{
	static const uint8_t data[64] = "leapboot: kernel, initrd, command line, separator...";
	struct tpm2_digests d = digests_for(&l->banks, 0x5A);
	uint32_t event = (len * 7) % 61, used = l->used;
	uint64_t size = 16 + event;
	for (uint32_t i = 0; i < l->banks.n; i++)
		size += 2 + digest_size(l->banks.alg[i]);

	/* Other banks first: refused, nothing written. */
	struct tpm2_digests other = d;
	other.alg[l->banks.n - 1] ^= 1;
	check(tpm_log_event(l, 9, EV_IPL, &other, data, event).code == LB_E_TPM_LOG_BANKS);
	other = d;
	other.n = l->banks.n - 1;
	check(tpm_log_event(l, 9, EV_IPL, &other, data, event).code == LB_E_TPM_LOG_BANKS);
	check(l->used == used && !memcmp(area, before, len));

	status_t s = tpm_log_event(l, 9, EV_IPL, &d, data, event);
	if (size > len - used) {
		check(s.code == LB_E_TPM_LOG_FULL && lb_detail.a == size &&
		      lb_detail.b == len - used);
		check(l->used == used && !memcmp(area, before, len));
		return;
	}
	check(!s.code && l->used == used + size);
	check(!memcmp(area, before, used) &&
	      !memcmp(area + l->used, before + l->used, len - l->used));
	check(get(area + used, 4) == 9 && get(area + used + 4, 4) == EV_IPL &&
	      get(area + l->used - event - 4, 4) == event &&
	      !memcmp(area + l->used - event, data, event));
	struct tpm_log again;
	check(!tpm_log_resume(&again, area, l->used).code && again.used == l->used);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	uint32_t len = (uint32_t)size;
	uint8_t *area = malloc(size ? size : 1);
	memcpy(area, data, size);

	struct tpm_log l, fresh;
	struct tpm2_banks rb;
	uint64_t at;
	memset(&l, 0xEE, sizeof(l));
	fresh = l;
	status_t s = tpm_log_resume(&l, area, len);
	int bad = reference(data, len, &at, &rb);
	check(!memcmp(area, data, size));
	if (bad) {
		check(s.code == LB_E_TPM_LOG_BAD && lb_detail.a == at && lb_detail.b == len);
		check(!memcmp(&l, &fresh, sizeof(l)));
	} else {
		check(!s.code && l.base == area && l.cap == len && l.used == at);
		check(l.banks.n == rb.n && !memcmp(l.banks.alg, rb.alg, rb.n * sizeof(rb.alg[0])));
		append(&l, area, data, len);
	}

	/* A fresh header over the same area: banks from the middle byte (a log's
	 * first and last are zero; bits 0-3 which, bits 6-7 a rotation of their
	 * order). */
	struct tpm2_banks b = {0, {0}};
	static const uint16_t algs[] = {TPM_ALG_SHA1, TPM_ALG_SHA256, TPM_ALG_SHA384,
					TPM_ALG_SHA512};
	uint8_t pick = size ? data[size / 2] : 0;
	for (int i = 0; i < 4; i++)
		if (pick >> i & 1)
			b.alg[b.n++] = algs[(i + (pick >> 6)) & 3];
	s = tpm_log_start(&l, area, len, &b);
	if (!b.n) {
		check(s.code == LB_E_TPM_NO_BANK);
	} else if (TPM_LOG_HEADER(b.n) > len) {
		check(s.code == LB_E_TPM_LOG_FULL);
	} else {
		struct tpm_log r;
		check(!s.code && l.used == TPM_LOG_HEADER(b.n));
		check(!tpm_log_resume(&r, area, l.used).code && r.used == l.used &&
		      !memcmp(&r.banks, &l.banks, sizeof(r.banks)));
	}
	free(area);
	return 0;
}
