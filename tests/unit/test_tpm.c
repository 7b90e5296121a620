/* boot/tpm_tis.c, boot/tpm_crb.c and boot/tpm.c against the fake TPM of
 * fake_tpm.c: for each interface the normal path (Startup, the banks, extends
 * checked digest by digest, the command bytes the TPM received written out by
 * hand), slow TPMs within and past the poll budgets, bursts of every size, and
 * each injected fault giving its own error code. */
#include <stdio.h>
#include <string.h>

#include "fake_tpm.h"
#include "tap.h"
#include "tpm.h"

static const char *name(enum tpm_iface i)
{
	return i == TPM_IFACE_CRB ? "CRB" : "TIS";
}

/* A digest per bank of a pattern: byte j of bank b is seed + 16 b + j. */
static struct tpm2_digests digests(uint8_t seed, uint32_t n, const uint16_t *alg)
{
	struct tpm2_digests d = {n, {0}, {{0}}};
	for (uint32_t b = 0; b < n; b++) {
		d.alg[b] = alg[b];
		for (uint32_t j = 0; j < SHA_MAX_DIGEST; j++)
			d.digest[b][j] = (uint8_t)(seed + 16 * b + j);
	}
	return d;
}

static const uint16_t four[] = {TPM_ALG_SHA1, TPM_ALG_SHA256, TPM_ALG_SHA384, TPM_ALG_SHA512};

/* A started fake TPM of the interface, and its device. */
static void started(struct fake_tpm *f, struct tpm_dev *t, enum tpm_iface iface, uint8_t active)
{
	fake_tpm_init(f, iface);
	f->active = active;
	*t = fake_tpm_dev(f);
	tpm_startup(t);
}

static void normal_path(enum tpm_iface iface)
{
	const char *n = name(iface);
	struct fake_tpm f;
	struct tpm_dev t;
	fake_tpm_init(&f, iface);
	t = fake_tpm_dev(&f);

	static const uint8_t startup[] = {0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0};
	is_code(tpm_startup(&t), LB_OK, "%s: Startup(CLEAR)", n);
	ok(f.started && f.last_cmd_len == sizeof(startup) &&
	       !memcmp(f.last_cmd, startup, sizeof(startup)),
	   "%s: the TPM received Startup's 12 bytes as written", n);
	is_code(tpm_startup(&t), LB_OK, "%s: Startup again: TPM_RC_INITIALIZE is fine", n);
	is_u64(f.last_rc, 0x100, "%s: (the TPM did answer TPM_RC_INITIALIZE)", n);

	static const uint8_t getcap[] = {0x80, 0x01, 0, 0, 0, 22, 0, 0, 0x01, 0x7A, 0,
					 0,    0,    5, 0, 0, 0,  0, 0, 0,    0,    1};
	struct tpm2_banks banks = {0};
	is_code(tpm_get_banks(&t, &banks), LB_OK, "%s: GetCapability(PCRS)", n);
	ok(f.last_cmd_len == sizeof(getcap) && !memcmp(f.last_cmd, getcap, sizeof(getcap)),
	   "%s: the TPM received GetCapability's 22 bytes as written", n);
	ok(banks.n == 4 && banks.alg[0] == TPM_ALG_SHA1 && banks.alg[1] == TPM_ALG_SHA256 &&
	       banks.alg[2] == TPM_ALG_SHA384 && banks.alg[3] == TPM_ALG_SHA512,
	   "%s: a fresh swtpm's four banks, in order", n);

	struct tpm2_digests d = digests(0x10, 4, four);
	is_code(tpm_extend(&t, 8, &d), LB_OK, "%s: PCR_Extend of PCR 8, four banks", n);
	is_u64(f.last_cmd_len, 31 + 4 * 2 + 20 + 32 + 48 + 64, "%s: 203 bytes sent", n);
	bool each = true;
	for (uint32_t b = 0; b < 4; b++)
		each &= fake_tpm_extends(&f, 8, four[b]) == 1 &&
			!memcmp(fake_tpm_extended(&f, 8, four[b], 0), d.digest[b],
				sha_digest_size(four[b]));
	ok(each, "%s: each bank of PCR 8 got its own digest, once", n);
	struct tpm2_digests d2 = digests(0x80, 4, four);
	is_code(tpm_extend(&t, 8, &d2), LB_OK, "%s: a second extend of PCR 8", n);
	ok(fake_tpm_extends(&f, 8, TPM_ALG_SHA384) == 2 &&
	       !memcmp(fake_tpm_extended(&f, 8, TPM_ALG_SHA384, 1), d2.digest[2], 48) &&
	       !memcmp(fake_tpm_extended(&f, 8, TPM_ALG_SHA384, 0), d.digest[2], 48),
	   "%s: PCR 8's SHA-384 bank: both digests, in order", n);
	is_u64(fake_tpm_extends(&f, 9, TPM_ALG_SHA256), 0, "%s: PCR 9 untouched", n);
	is_u64(f.bad_accesses, 0, "%s: only registers of locality 0, aligned", n);
	diag("%s: Startup x2, GetCapability, 2 extends of 4 banks: %u reads, %u writes, %u "
	     "delays",
	     n, f.reads, f.writes, f.delays);

	tpm_release(&t);
	ok(!f.granted && !t.open, "%s: released: the locality given back", n);
	if (iface == TPM_IFACE_CRB)
		ok(f.crb_sts & CRB_STS_IDLE, "CRB: released: goIdle");
	is_code(tpm_get_banks(&t, &banks), LB_OK, "%s: requested again on the next command", n);

	/* swtpm_setup --pcr-banks sha256; the extend byte for byte. */
	started(&f, &t, iface, FAKE_TPM_SHA256);
	is_code(tpm_get_banks(&t, &banks), LB_OK, "%s: SHA-256 only", n);
	ok(banks.n == 1 && banks.alg[0] == TPM_ALG_SHA256, "%s: one bank, SHA-256", n);
	struct tpm2_digests one = {1, {TPM_ALG_SHA256}, {{0}}};
	for (int j = 0; j < 32; j++)
		one.digest[0][j] = (uint8_t)j;
	is_code(tpm_extend(&t, 9, &one), LB_OK, "%s: PCR_Extend of PCR 9, SHA-256", n);
	static const uint8_t extend[] = {
	    0x80, 0x02, 0,    0,    0,	65,   /* sessions, 65 bytes */
	    0,	  0,	0x01, 0x82,	      /* TPM_CC_PCR_Extend */
	    0,	  0,	0,    9,	      /* PCR 9 */
	    0,	  0,	0,    9,	      /* authorizationSize */
	    0x40, 0,	0,    9,	      /* TPM_RS_PW */
	    0,	  0,	0,    0,    0,	      /* empty nonce, attributes, empty HMAC */
	    0,	  0,	0,    1,    0,	0x0B, /* one digest: SHA-256 */
	    0,	  1,	2,    3,    4,	5,    6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
	    16,	  17,	18,   19,   20, 21,   22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
	ok(f.last_cmd_len == sizeof(extend) && !memcmp(f.last_cmd, extend, sizeof(extend)),
	   "%s: the TPM received PCR_Extend's 65 bytes as written", n);
	ok(fake_tpm_extends(&f, 9, TPM_ALG_SHA256) == 1 &&
	       !memcmp(fake_tpm_extended(&f, 9, TPM_ALG_SHA256, 0), one.digest[0], 32),
	   "%s: PCR 9's SHA-256 bank got the digest", n);

	/* Before Startup every command is refused. */
	fake_tpm_init(&f, iface);
	t = fake_tpm_dev(&f);
	is_code(tpm_get_banks(&t, &banks), LB_E_TPM_ERROR, "%s: GetCapability before Startup", n);
	ok(lb_detail.a == 0x17A && lb_detail.b == 0x100,
	   "%s: the error names GetCapability and TPM_RC_INITIALIZE", n);
}

/* The poll budgets bound every wait, exactly. */
static void budgets(enum tpm_iface iface)
{
	const char *n = name(iface);
	struct fake_tpm f;
	struct tpm_dev t;
	fake_tpm_init(&f, iface);
	t = fake_tpm_dev(&f);
	f.exec_ticks = t.long_polls;
	is_code(tpm_startup(&t), LB_OK, "%s: a command that takes the whole budget (%u polls)", n,
		t.long_polls);
	f.exec_ticks = t.long_polls + 1;
	is_code(tpm_startup(&t), LB_E_TPM_TIMEOUT, "%s: one poll more: timed out", n);
	is_u64(lb_detail.b, t.long_polls, "%s: after %u polls", n, t.long_polls);
	f.exec_ticks = 0;
	is_code(tpm_startup(&t), LB_OK, "%s: the next command after a timeout still works", n);
	is_code(tpm_startup(&t), LB_OK, "%s: a TPM that answers at once", n);
}

static void bursts(void)
{
	for (uint16_t burst = 1; burst <= 9; burst++) {
		struct fake_tpm f;
		struct tpm_dev t;
		started(&f, &t, TPM_IFACE_TIS, FAKE_TPM_ALL);
		f.burst_max = burst;
		struct tpm2_banks banks;
		struct tpm2_digests d = digests(burst, 4, four);
		bool good = !tpm_get_banks(&t, &banks).code && banks.n == 4 &&
			    !tpm_extend(&t, 4, &d).code &&
			    !memcmp(fake_tpm_extended(&f, 4, TPM_ALG_SHA512, 0), d.digest[3], 64) &&
			    !f.bad_accesses;
		ok(good, "TIS: burstCount %u: banks and an extend of 4 banks (%u reads, %u writes)",
		   burst, f.reads, f.writes);
	}
}

struct fault_case {
	enum fake_tpm_fault fault;
	uint32_t after;		/* commands before it */
	int32_t delta;		/* SIZE_LIE */
	uint16_t burst;		/* burst_max */
	int step;		/* 0 Startup, 1 GetCapability, 2 PCR_Extend */
	int want_tis, want_crb; /* -1: not for this interface */
	const char *what;
};

static const struct fault_case faults[] = {
    {FAKE_TPM_ABSENT, 0, 0, 0, 0, LB_E_TPM_NO_LOCALITY, LB_E_TPM_NOT_CRB, "no device (all ones)"},
    {FAKE_TPM_NO_LOCALITY, 0, 0, 0, 0, LB_E_TPM_NO_LOCALITY, LB_E_TPM_NO_LOCALITY,
     "locality never granted"},
    {FAKE_TPM_NEVER_READY, 0, 0, 0, 0, LB_E_TPM_NOT_READY, LB_E_TPM_NOT_READY,
     "never ready for a command"},
    {FAKE_TPM_NEVER_DONE, 0, 0, 0, 0, LB_E_TPM_TIMEOUT, LB_E_TPM_TIMEOUT, "never finishes"},
    {FAKE_TPM_BURST_ZERO, 0, 0, 0, 0, LB_E_TPM_NO_BURST, -1, "burstCount 0 forever, sending"},
    {FAKE_TPM_BURST_ZERO_READ, 0, 0, 0, 0, LB_E_TPM_NO_BURST, -1,
     "burstCount 0 forever, receiving"},
    {FAKE_TPM_EXPECT_EARLY, 0, 0, 4, 0, LB_E_TPM_FIFO, -1, "expect clear after 4 of 12 bytes"},
    {FAKE_TPM_EXPECT_STUCK, 0, 0, 0, 0, LB_E_TPM_FIFO, -1, "expect still set after the last byte"},
    {FAKE_TPM_TPM12, 0, 0, 0, 0, LB_E_TPM_NOT_TPM2, -1, "a TPM 1.2 (TPM_STS family)"},
    {FAKE_TPM_NOT_CRB, 0, 0, 0, 0, -1, LB_E_TPM_NOT_CRB, "INTERFACE_ID says FIFO"},
    {FAKE_TPM_FATAL, 0, 0, 0, 0, -1, LB_E_TPM_FATAL, "tpmSts (fatal error)"},
    {FAKE_TPM_CRB_BUFFER_OUT, 0, 0, 0, 0, -1, LB_E_TPM_CRB_BUFFER,
     "command buffer past the register page"},
    {FAKE_TPM_RC, 0, 0, 0, 0, LB_E_TPM_ERROR, LB_E_TPM_ERROR, "Startup answers TPM_RC_FAILURE"},
    {FAKE_TPM_RC, 1, 0, 0, 1, LB_E_TPM_ERROR, LB_E_TPM_ERROR,
     "GetCapability answers TPM_RC_FAILURE"},
    {FAKE_TPM_RC, 2, 0, 0, 2, LB_E_TPM_ERROR, LB_E_TPM_ERROR, "PCR_Extend answers TPM_RC_FAILURE"},
    {FAKE_TPM_SIZE_LIE, 0, 4, 0, 0, LB_E_TPM_RESPONSE_SIZE, LB_E_TPM_BAD_RESPONSE,
     "Startup's size field 4 too large"},
    {FAKE_TPM_SIZE_LIE, 1, -1, 0, 1, LB_E_TPM_RESPONSE_SIZE, LB_E_TPM_BAD_CAPABILITY,
     "GetCapability's size field 1 too small"},
    {FAKE_TPM_SIZE_LIE, 2, 1, 0, 2, LB_E_TPM_RESPONSE_SIZE, LB_E_TPM_BAD_RESPONSE,
     "PCR_Extend's size field 1 too large"},
    {FAKE_TPM_SIZE_LIE, 0, -4, 0, 0, LB_E_TPM_SHORT_RESPONSE, LB_E_TPM_SHORT_RESPONSE,
     "a size field of 6"},
    {FAKE_TPM_SIZE_LIE, 0, 1000, 0, 0, LB_E_TPM_RESPONSE_TOO_BIG, LB_E_TPM_RESPONSE_TOO_BIG,
     "a size field of 1010"},
    {FAKE_TPM_SIZE_LIE, 0, 5000, 0, 0, LB_E_TPM_RESPONSE_TOO_BIG, LB_E_TPM_RESPONSE_SIZE,
     "a size field past the CRB buffer"},
    {FAKE_TPM_WRONG_TAG, 0, 0, 0, 0, LB_E_TPM_RESPONSE_TAG, LB_E_TPM_RESPONSE_TAG,
     "TPM 1.2's response tag"},
    {FAKE_TPM_WRONG_TAG, 2, 0, 0, 2, LB_E_TPM_RESPONSE_TAG, LB_E_TPM_RESPONSE_TAG,
     "TPM 1.2's tag answering PCR_Extend"},
};

static status_t step(struct tpm_dev *t, int which)
{
	struct tpm2_banks banks;
	struct tpm2_digests d = digests(1, 4, four);
	status_t s = lb_ok();
	for (int i = 0; i <= which && !s.code; i++)
		s = i == 0   ? tpm_startup(t)
		    : i == 1 ? tpm_get_banks(t, &banks)
			     : tpm_extend(t, 0, &d);
	return s;
}

static void fault_cases(enum tpm_iface iface)
{
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		const struct fault_case *c = &faults[i];
		int want = iface == TPM_IFACE_CRB ? c->want_crb : c->want_tis;
		if (want < 0)
			continue;
		struct fake_tpm f;
		fake_tpm_init(&f, iface);
		f.fault = c->fault;
		f.fault_after = c->after;
		f.fault_delta = c->delta;
		f.fault_rc = 0x101;
		f.burst_max = c->burst;
		struct tpm_dev t = fake_tpm_dev(&f);
		status_t s = step(&t, c->step);
		char msg[160];
		snprintf(msg, sizeof(msg), lb_message(s.code), (unsigned long long)lb_detail.a,
			 (unsigned long long)lb_detail.b);
		is_code(s, want, "%s: %s: %s", name(iface), c->what, msg);
		if (c->fault == FAKE_TPM_RC)
			ok(lb_detail.a == (c->step == 0	  ? 0x144
					   : c->step == 1 ? 0x17A
							  : 0x182) &&
			       lb_detail.b == 0x101,
			   "%s: the error names the command and the code", name(iface));
		if (c->fault == FAKE_TPM_RC && c->step == 2)
			is_u64(f.n_log, 0, "%s: nothing extended", name(iface));
	}
}

int main(void)
{
	normal_path(TPM_IFACE_TIS);
	normal_path(TPM_IFACE_CRB);
	budgets(TPM_IFACE_TIS);
	budgets(TPM_IFACE_CRB);
	bursts();
	fault_cases(TPM_IFACE_TIS);
	fault_cases(TPM_IFACE_CRB);

	/* A command larger than the CRB buffer is refused before it is written. */
	struct fake_tpm f;
	struct tpm_dev t;
	started(&f, &t, TPM_IFACE_CRB, FAKE_TPM_ALL);
	static uint8_t big[FAKE_TPM_CRB_DATA + 1];
	uint8_t rsp[64];
	uint32_t len;
	is_code(tpm_send(&t, big, sizeof(big), rsp, sizeof(rsp), &len), LB_E_TPM_COMMAND_TOO_BIG,
		"CRB: a command one byte larger than the buffer");
	is_code(tpm_send(&t, big, 12, rsp, 9, &len), LB_E_TPM_RESPONSE_TOO_BIG,
		"CRB: room for less than a response header");
	return done_testing();
}
