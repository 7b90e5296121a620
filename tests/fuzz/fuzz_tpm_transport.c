/* boot/tpm_tis.c, boot/tpm_crb.c and boot/tpm.c against a hostile TPM: the fake
 * TPM of tests/unit/fake_tpm.c, configured by the input's first 8 bytes, with
 * every register read the transport makes (the response bytes included: CRB's
 * buffer and TIS's FIFO are registers too) open to tampering by the rest.
 *
 *   byte 0  bit 0 CRB (else TIS), bits 1-4 the active banks
 *   byte 1  fault (enum fake_tpm_fault, modulo its count)
 *   byte 2  burst_max (TIS)      byte 3  exec_ticks
 *   byte 4  fault_after          byte 5  fault_delta (signed)
 *   byte 6  response cap for the last, direct tpm_send (10 + the byte)
 *   byte 7  reserved
 *   then, per register read: a byte c; c == 0: the true value; otherwise the
 *   true value XOR the next 4 bytes (little-endian). When the input runs out,
 *   reads are true.
 *
 * Rules: the transport touches only locality 0's 4 KiB, aligned (the fake counts
 * anything else); every wait ends within its budget; every failure is an
 * LB_E_TPM_* code; a bank list that passes names 1 to 4 banks leapboot hashes;
 * a response tpm_send accepts fits its buffer (an exact-size heap copy: ASan),
 * is at least a header and carries its own length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/fake_tpm.h"
#include "tpm.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

struct hostile {
	struct fake_tpm f;
	const uint8_t *in;
	size_t len, at;
	uint64_t delays;
};

static uint32_t tamper(struct hostile *h, uint32_t v, uint32_t mask)
{
	if (h->at >= h->len)
		return v;
	uint8_t c = h->in[h->at++];
	if (!c)
		return v;
	uint32_t x = 0;
	for (int i = 0; i < 4 && h->at < h->len; i++)
		x |= (uint32_t)h->in[h->at++] << (8 * i);
	return (v ^ x) & mask;
}

static uint8_t h_read8(void *ctx, uint32_t off)
{
	struct hostile *h = ctx;
	return (uint8_t)tamper(h, fake_tpm_ops.read8(&h->f, off), 0xFF);
}

static uint32_t h_read32(void *ctx, uint32_t off)
{
	struct hostile *h = ctx;
	return tamper(h, fake_tpm_ops.read32(&h->f, off), 0xFFFFFFFF);
}

static void h_write8(void *ctx, uint32_t off, uint8_t v)
{
	struct hostile *h = ctx;
	fake_tpm_ops.write8(&h->f, off, v);
}

static void h_write32(void *ctx, uint32_t off, uint32_t v)
{
	struct hostile *h = ctx;
	fake_tpm_ops.write32(&h->f, off, v);
}

static void h_delay(void *ctx)
{
	struct hostile *h = ctx;
	h->delays++;
	fake_tpm_ops.delay(&h->f);
}

static const struct tpm_mmio_ops hostile_ops = {
    .read8 = h_read8,
    .read32 = h_read32,
    .write8 = h_write8,
    .write32 = h_write32,
    .delay = h_delay,
};

/* The most waits one command may make: the execution, and a short budget per
 * byte moved and per handshake. */
static uint64_t bound(const struct tpm_dev *t)
{
	return t->long_polls + (uint64_t)t->short_polls * (8 + TPM2_EXTEND_MAX + TPM_RESPONSE_MAX);
}

static void check_status(status_t s)
{
	check(s.code == LB_OK ||
	      (s.code >= LB_E_TPM_SHORT_RESPONSE && s.code <= LB_E_TPM_CRB_BUFFER));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8 || size > 4096)
		return 0;
	static struct hostile h;
	fake_tpm_init(&h.f, data[0] & 1 ? TPM_IFACE_CRB : TPM_IFACE_TIS);
	h.f.active = (data[0] >> 1) & 0xF;
	h.f.fault = (enum fake_tpm_fault)(data[1] % (FAKE_TPM_WRONG_TAG + 1));
	h.f.burst_max = data[2];
	h.f.exec_ticks = data[3];
	h.f.fault_after = data[4];
	h.f.fault_delta = (int8_t)data[5];
	h.f.fault_rc = 0x101;
	h.in = data + 8;
	h.len = size - 8;
	h.at = 0;
	h.delays = 0;
	struct tpm_dev t = {
	    .ops = &hostile_ops,
	    .ctx = &h,
	    .iface = h.f.iface,
	    .base = FAKE_TPM_BASE,
	    .short_polls = 8,
	    .long_polls = 200,
	};

	status_t s = tpm_startup(&t);
	check_status(s);
	check(h.delays <= bound(&t));
	struct tpm2_banks banks = {0};
	if (!s.code) {
		h.delays = 0;
		s = tpm_get_banks(&t, &banks);
		check_status(s);
		check(h.delays <= bound(&t));
	}
	if (!s.code) {
		check(banks.n >= 1 && banks.n <= TPM2_BANKS_MAX);
		struct tpm2_digests d = {banks.n, {0}, {{0}}};
		for (uint32_t i = 0; i < banks.n; i++) {
			check(sha_digest_size(banks.alg[i]) != 0);
			d.alg[i] = banks.alg[i];
			memset(d.digest[i], (int)i + 1, SHA_MAX_DIGEST);
		}
		h.delays = 0;
		check_status(tpm_extend(&t, 4, &d));
		check(h.delays <= bound(&t));
	}

	/* A raw exchange into an exact-size buffer. */
	uint32_t cap = 10 + data[6], rsp_len = 0;
	uint8_t cmd[16], *rsp = malloc(cap);
	uint32_t len = tpm2_startup_clear(cmd, sizeof(cmd));
	h.delays = 0;
	s = tpm_send(&t, cmd, len, rsp, cap, &rsp_len);
	check_status(s);
	check(h.delays <= bound(&t));
	if (!s.code) {
		uint32_t field = (uint32_t)rsp[2] << 24 | (uint32_t)rsp[3] << 16 |
				 (uint32_t)rsp[4] << 8 | rsp[5];
		check(rsp_len >= 10 && rsp_len <= cap && field == rsp_len);
	} else {
		check(rsp_len == 0);
	}
	free(rsp);
	tpm_release(&t);
	check(h.f.bad_accesses == 0);
	return 0;
}
