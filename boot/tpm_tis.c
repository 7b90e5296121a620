/* The TIS/FIFO interface of a TPM 2.0, locality 0 (PTP, "FIFO Interface"): take
 * the locality, commandReady, the command into TPM_DATA_FIFO in bursts of at most
 * burstCount bytes with TPM_STS.expect set until the last one, tpmGo, wait for
 * dataAvail, the response out of the FIFO the same way. QEMU's tpm-tis (x86, at
 * 0xFED40000) and tpm-tis-device (arm64 virt) present it. */
#include "out_of_line.h"
#include "tpm.h"

static uint32_t sts(struct tpm_dev *t)
{
	return t->ops->read32(t->ctx, TIS_REG(sts));
}

static void set_sts(struct tpm_dev *t, uint8_t bits)
{
	t->ops->write8(t->ctx, TIS_REG(sts), bits);
}

/* Polls TPM_STS until (sts & mask) == want, waiting at most budget times; *st
 * is the last value read, *polls the waits. */
static bool wait_sts(struct tpm_dev *t, uint32_t mask, uint32_t want, uint32_t budget, uint32_t *st,
		     uint32_t *polls)
{
	for (*polls = 0;; ++*polls) {
		*st = sts(t);
		if ((*st & mask) == want)
			return true;
		if (*polls == budget)
			return false;
		t->ops->delay(t->ctx);
	}
}

static bool granted(uint8_t access)
{
	return !(access & TIS_ACCESS_RESERVED) &&
	       (access & (TIS_ACCESS_VALID | TIS_ACCESS_ACTIVE)) ==
		   (TIS_ACCESS_VALID | TIS_ACCESS_ACTIVE);
}

/* Locality 0 (requested unless it is ours already), and a TPM 2.0 behind it. A
 * bus with no device reads all ones, which sets the reserved bit. */
static status_t tis_open(struct tpm_dev *t)
{
	uint8_t access = t->ops->read8(t->ctx, TIS_REG(access));
	uint32_t polls = 0;
	if (!granted(access) && !(access & TIS_ACCESS_RESERVED)) {
		t->ops->write8(t->ctx, TIS_REG(access), TIS_ACCESS_REQUEST_USE);
		for (;;) {
			access = t->ops->read8(t->ctx, TIS_REG(access));
			if (granted(access) || (access & TIS_ACCESS_RESERVED) ||
			    polls == t->short_polls)
				break;
			t->ops->delay(t->ctx);
			polls++;
		}
	}
	if (!granted(access))
		return lb_fail(LB_E_TPM_NO_LOCALITY, access, polls);
	uint32_t st = sts(t);
	if (TIS_STS_FAMILY(st) != TIS_FAMILY_TPM2)
		return lb_fail(LB_E_TPM_NOT_TPM2, st, TIS_STS_FAMILY(st));
	t->open = true;
	return lb_ok();
}

/* burstCount, once it is not 0; *st the status it came with. */
static status_t burst(struct tpm_dev *t, uint32_t at, uint32_t len, uint32_t *st, uint32_t *count)
{
	for (uint32_t polls = 0;; polls++) {
		*st = sts(t);
		*count = TIS_STS_BURST(*st);
		if (*count)
			return lb_ok();
		if (polls == t->short_polls)
			return lb_fail(LB_E_TPM_NO_BURST, at, len);
		t->ops->delay(t->ctx);
	}
}

/* The command into the FIFO: expect must stay set until the last byte and be
 * clear after it. 32-bit FIFO writes where a whole word fits the burst. */
static status_t put_command(struct tpm_dev *t, const uint8_t *cmd, uint32_t len)
{
	uint32_t at = 0, st, count, polls;
	while (at < len) {
		status_t s = burst(t, at, len, &st, &count);
		if (s.code)
			return s;
		if (at && (st & TIS_STS_VALID) && !(st & TIS_STS_EXPECT))
			return lb_fail(LB_E_TPM_FIFO, st, at);
		uint32_t end = at + (count < len - at ? count : len - at);
		for (; end - at >= 4; at += 4)
			t->ops->write32(t->ctx, TIS_REG(data_fifo),
					cmd[at] | (uint32_t)cmd[at + 1] << 8 |
					    (uint32_t)cmd[at + 2] << 16 |
					    (uint32_t)cmd[at + 3] << 24);
		for (; at < end; at++)
			t->ops->write8(t->ctx, TIS_REG(data_fifo), cmd[at]);
	}
	if (!wait_sts(t, TIS_STS_VALID | TIS_STS_EXPECT, TIS_STS_VALID, t->short_polls, &st,
		      &polls))
		return lb_fail(LB_E_TPM_FIFO, st, len);
	return lb_ok();
}

/* Response bytes [at, to) out of the FIFO, each burst while dataAvail is set.
 * claimed: the size field, once read (0 before), for the error when the data
 * ends early. */
static status_t get_response(struct tpm_dev *t, uint8_t *rsp, uint32_t at, uint32_t to,
			     uint32_t claimed)
{
	uint32_t st, count, polls = 0;
	while (at < to) {
		st = sts(t);
		if ((st & (TIS_STS_VALID | TIS_STS_DATA_AVAIL)) == TIS_STS_VALID)
			return claimed ? lb_fail(LB_E_TPM_RESPONSE_SIZE, claimed, at)
				       : lb_fail(LB_E_TPM_SHORT_RESPONSE, at, TPM2_HEADER);
		count = TIS_STS_BURST(st);
		if (!count || !(st & TIS_STS_DATA_AVAIL)) {
			if (polls++ == t->short_polls)
				return lb_fail(LB_E_TPM_NO_BURST, at, to);
			t->ops->delay(t->ctx);
			continue;
		}
		uint32_t end = at + (count < to - at ? count : to - at);
		for (; end - at >= 4; at += 4) {
			uint32_t v = t->ops->read32(t->ctx, TIS_REG(data_fifo));
			rsp[at] = (uint8_t)v;
			rsp[at + 1] = (uint8_t)(v >> 8);
			rsp[at + 2] = (uint8_t)(v >> 16);
			rsp[at + 3] = (uint8_t)(v >> 24);
		}
		for (; at < end; at++)
			rsp[at] = t->ops->read8(t->ctx, TIS_REG(data_fifo));
	}
	return lb_ok();
}

OUT_OF_LINE status_t tpm_tis_send(struct tpm_dev *t, const uint8_t *cmd, uint32_t len, uint8_t *rsp,
				  uint32_t cap, uint32_t *rsp_len)
{
	status_t s = lb_ok();
	uint32_t st, polls;
	*rsp_len = 0;
	if (cap < TPM2_HEADER)
		return lb_fail(LB_E_TPM_RESPONSE_TOO_BIG, TPM2_HEADER, cap);
	if (!t->open && (s = tis_open(t)).code)
		return s;

	set_sts(t, TIS_STS_COMMAND_READY);
	if (!wait_sts(t, TIS_STS_COMMAND_READY, TIS_STS_COMMAND_READY, t->short_polls, &st, &polls))
		return lb_fail(LB_E_TPM_NOT_READY, st, polls);
	if ((s = put_command(t, cmd, len)).code)
		return s;
	set_sts(t, TIS_STS_GO);
	uint32_t done = TIS_STS_VALID | TIS_STS_DATA_AVAIL;
	if (!wait_sts(t, done, done, t->long_polls, &st, &polls))
		return lb_fail(LB_E_TPM_TIMEOUT, st, polls);

	if ((s = get_response(t, rsp, 0, TPM2_HEADER, 0)).code)
		return s;
	uint32_t size =
	    (uint32_t)rsp[2] << 24 | (uint32_t)rsp[3] << 16 | (uint32_t)rsp[4] << 8 | rsp[5];
	if (size < TPM2_HEADER)
		return lb_fail(LB_E_TPM_SHORT_RESPONSE, size, TPM2_HEADER);
	if (size > cap)
		return lb_fail(LB_E_TPM_RESPONSE_TOO_BIG, size, cap);
	if ((s = get_response(t, rsp, TPM2_HEADER, size, size)).code)
		return s;
	/* All of it read: dataAvail must be clear now, or the size field was short. */
	if (!wait_sts(t, TIS_STS_VALID, TIS_STS_VALID, t->short_polls, &st, &polls))
		return lb_fail(LB_E_TPM_FIFO, st, size);
	if (st & TIS_STS_DATA_AVAIL)
		return lb_fail(LB_E_TPM_RESPONSE_SIZE, size, size + TIS_STS_BURST(st));
	set_sts(t, TIS_STS_COMMAND_READY); /* back to Ready: the FIFO is emptied */
	*rsp_len = size;
	return lb_ok();
}

OUT_OF_LINE void tpm_tis_release(struct tpm_dev *t)
{
	if (!t->open)
		return;
	t->ops->write8(t->ctx, TIS_REG(access), TIS_ACCESS_ACTIVE);
	t->open = false;
}
