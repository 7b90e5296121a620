/* The fake TPM of fake_tpm.h: TIS and CRB register models after QEMU 7.2's
 * hw/tpm/tpm_tis_common.c and tpm_crb.c (their state machines as the PTP
 * describes them), and a command interpreter for TPM 2.0 Part 3's Startup,
 * GetCapability and PCR_Extend. */
#include <string.h>

#include "fake_tpm.h"

#define ST_NO_SESSIONS 0x8001
#define ST_SESSIONS    0x8002
#define CC_STARTUP     0x0144
#define CC_GET_CAP     0x017A
#define CC_PCR_EXTEND  0x0182
#define RS_PW	       0x40000009
#define CAP_PCRS       5

/* Response codes (TPM 2.0 Part 2) */
#define RC_SUCCESS	0x000
#define RC_BAD_TAG	0x01E
#define RC_INITIALIZE	0x100
#define RC_VALUE	0x084
#define RC_HASH		0x083
#define RC_SIZE		0x095
#define RC_AUTH_MISSING 0x125
#define RC_COMMAND_CODE 0x143
#define RC_COMMAND_SIZE 0x142
#define RC_HANDLE	0x08B

static const struct {
	uint8_t bit;
	uint16_t alg;
	uint32_t size;
} banks[] = {
    {FAKE_TPM_SHA1, 0x0004, 20},
    {FAKE_TPM_SHA256, 0x000B, 32},
    {FAKE_TPM_SHA384, 0x000C, 48},
    {FAKE_TPM_SHA512, 0x000D, 64},
};
#define N_BANKS (sizeof(banks) / sizeof(banks[0]))

static uint32_t be(const uint8_t *p, uint32_t n)
{
	uint32_t v = 0;
	for (uint32_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be(uint8_t *p, uint32_t v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static uint32_t error(uint8_t *rsp, uint32_t rc)
{
	put_be(rsp, ST_NO_SESSIONS, 2);
	put_be(rsp + 2, 10, 4);
	put_be(rsp + 6, rc, 4);
	return 10;
}

/* PCR_Extend's parameters after the handle: the authorization area (one
 * password session with an empty password), then TPML_DIGEST_VALUES. */
static uint32_t extend(struct fake_tpm *t, const uint8_t *c, uint32_t len, uint8_t *rsp)
{
	uint32_t at = 10, pcr, auth;
	if (be(c, 2) != ST_SESSIONS)
		return error(rsp, RC_AUTH_MISSING);
	if (len - at < 8)
		return error(rsp, RC_COMMAND_SIZE);
	pcr = be(c + at, 4);
	auth = be(c + at + 4, 4);
	at += 8;
	if (pcr > 23)
		return error(rsp, RC_VALUE);
	if (auth != 9 || len - at < auth)
		return error(rsp, RC_SIZE);
	/* handle, nonce size 0, attributes, hmac size 0: TPM_RS_PW, no password */
	if (be(c + at, 4) != RS_PW || be(c + at + 4, 2) != 0 || be(c + at + 7, 2) != 0)
		return error(rsp, RC_HANDLE);
	at += auth;
	if (len - at < 4)
		return error(rsp, RC_SIZE);
	uint32_t count = be(c + at, 4);
	at += 4;
	if (count > 16)
		return error(rsp, RC_SIZE);
	/* Check everything before extending anything, as a TPM does. */
	uint32_t first = at;
	for (uint32_t i = 0; i < count; i++) {
		if (len - at < 2)
			return error(rsp, RC_SIZE);
		uint16_t alg = (uint16_t)be(c + at, 2);
		uint32_t size = 0;
		for (uint32_t b = 0; b < N_BANKS; b++)
			if (banks[b].alg == alg)
				size = banks[b].size;
		if (!size)
			return error(rsp, RC_HASH);
		at += 2;
		if (len - at < size)
			return error(rsp, RC_SIZE);
		at += size;
	}
	if (at != len)
		return error(rsp, RC_SIZE);
	for (at = first; count--;) {
		uint16_t alg = (uint16_t)be(c + at, 2);
		for (uint32_t b = 0; b < N_BANKS; b++) {
			if (banks[b].alg != alg)
				continue;
			if ((t->active & banks[b].bit) && t->n_log < FAKE_TPM_LOG) {
				struct fake_tpm_extend *e = &t->log[t->n_log++];
				e->pcr = pcr;
				e->alg = alg;
				memcpy(e->digest, c + at + 2, banks[b].size);
			}
			at += 2 + banks[b].size;
		}
	}
	/* parameterSize 0, then the session: empty nonce, continueSession, empty HMAC */
	static const uint8_t ok[] = {0x80, 0x02, 0, 0, 0, 19, 0, 0, 0, 0,
				     0,	   0,	 0, 0, 0, 0,  1, 0, 0};
	memcpy(rsp, ok, sizeof(ok));
	return sizeof(ok);
}

static uint32_t get_capability(struct fake_tpm *t, const uint8_t *c, uint32_t len, uint8_t *rsp)
{
	if (be(c, 2) != ST_NO_SESSIONS)
		return error(rsp, RC_BAD_TAG);
	if (len != 22)
		return error(rsp, RC_COMMAND_SIZE);
	if (be(c + 10, 4) != CAP_PCRS || be(c + 18, 4) == 0)
		return error(rsp, RC_VALUE);
	/* moreData, capability, TPML_PCR_SELECTION: each bank, 3 bytes of PCR bits */
	uint32_t at = 10;
	rsp[at++] = 0;
	put_be(rsp + at, CAP_PCRS, 4);
	put_be(rsp + at + 4, N_BANKS, 4);
	at += 8;
	for (uint32_t b = 0; b < N_BANKS; b++) {
		uint8_t bits = t->active & banks[b].bit ? 0xFF : 0;
		put_be(rsp + at, banks[b].alg, 2);
		rsp[at + 2] = 3;
		rsp[at + 3] = rsp[at + 4] = rsp[at + 5] = bits;
		at += 6;
	}
	put_be(rsp, ST_NO_SESSIONS, 2);
	put_be(rsp + 2, at, 4);
	put_be(rsp + 6, RC_SUCCESS, 4);
	return at;
}

/* One command of len bytes: the response into rsp (FAKE_TPM_BUFFER), its
 * length returned. */
static uint32_t interpret(struct fake_tpm *t, const uint8_t *c, uint32_t len, uint8_t *rsp)
{
	t->commands++;
	memcpy(t->last_cmd, c, len);
	t->last_cmd_len = len;
	if (len < 10 || be(c + 2, 4) != len)
		return error(rsp, RC_COMMAND_SIZE);
	uint32_t tag = be(c, 2), cc = be(c + 6, 4);
	if (tag != ST_NO_SESSIONS && tag != ST_SESSIONS)
		return error(rsp, RC_BAD_TAG);
	if (cc == CC_STARTUP) {
		if (tag != ST_NO_SESSIONS || len != 12)
			return error(rsp, RC_COMMAND_SIZE);
		if (be(c + 10, 2) > 1)
			return error(rsp, RC_VALUE);
		if (t->started)
			return error(rsp, RC_INITIALIZE);
		t->started = true;
		return error(rsp, RC_SUCCESS);
	}
	if (!t->started)
		return error(rsp, RC_INITIALIZE);
	if (cc == CC_GET_CAP)
		return get_capability(t, c, len, rsp);
	if (cc == CC_PCR_EXTEND)
		return extend(t, c, len, rsp);
	return error(rsp, RC_COMMAND_CODE);
}

/* The interpreter and the response faults; rsp holds the response. A command
 * answered with an injected error code is not run. */
static uint32_t execute(struct fake_tpm *t, const uint8_t *c, uint32_t len, uint8_t *rsp)
{
	uint8_t tmp[FAKE_TPM_BUFFER];
	uint32_t cc = len >= 10 ? be(c + 6, 4) : 0, out;
	bool fault = t->commands >= t->fault_after;
	memcpy(tmp, c, len);
	if (fault && t->fault == FAKE_TPM_RC && (!t->fault_cc || t->fault_cc == cc)) {
		t->commands++;
		memcpy(t->last_cmd, tmp, len);
		t->last_cmd_len = len;
		out = error(rsp, t->fault_rc);
	} else {
		out = interpret(t, tmp, len, rsp);
	}
	t->last_rc = be(rsp + 6, 4);
	if (fault && t->fault == FAKE_TPM_SIZE_LIE)
		put_be(rsp + 2, (uint32_t)((int32_t)out + t->fault_delta), 4);
	if (fault && t->fault == FAKE_TPM_WRONG_TAG)
		put_be(rsp, 0x00C4, 2);
	return out;
}

/* --- TIS ------------------------------------------------------------------ */

static uint32_t tis_burst(struct fake_tpm *t)
{
	uint32_t n;
	if (t->sts & TIS_STS_DATA_AVAIL) {
		if (t->fault == FAKE_TPM_BURST_ZERO_READ)
			return 0;
		n = t->rsp_len - t->rw;
	} else {
		if (t->fault == FAKE_TPM_BURST_ZERO)
			return 0;
		n = FAKE_TPM_BUFFER - t->rw;
	}
	if (t->burst_max && n > t->burst_max)
		n = t->burst_max;
	return n > 0xFFFF ? 0xFFFF : n;
}

static uint32_t tis_sts(struct fake_tpm *t)
{
	if (!t->granted)
		return 0xFFFFFFFF; /* QEMU: TPM_STS of a locality that is not active */
	uint32_t family = t->fault == FAKE_TPM_TPM12 ? 0 : (uint32_t)TIS_FAMILY_TPM2 << 26;
	return family | tis_burst(t) << 8 | t->sts;
}

static void tis_complete(struct fake_tpm *t)
{
	t->rsp_len = execute(t, t->buf, t->rw, t->buf);
	t->rw = 0;
	t->state = FAKE_COMPLETION;
	t->sts = TIS_STS_VALID | TIS_STS_DATA_AVAIL;
}

static uint8_t tis_fifo_read(struct fake_tpm *t)
{
	if (t->state != FAKE_COMPLETION || !(t->sts & TIS_STS_DATA_AVAIL))
		return 0xFF;
	uint8_t v = t->buf[t->rw++];
	if (t->rw >= t->rsp_len)
		t->sts = TIS_STS_VALID;
	return v;
}

static void tis_fifo_write(struct fake_tpm *t, uint8_t v)
{
	if (t->state == FAKE_READY) {
		t->state = FAKE_RECEPTION;
		t->sts = TIS_STS_EXPECT | TIS_STS_VALID;
	}
	if (t->state != FAKE_RECEPTION || !(t->sts & TIS_STS_EXPECT))
		return; /* dropped, as QEMU drops it */
	if (t->rw < FAKE_TPM_BUFFER)
		t->buf[t->rw++] = v;
	bool more = t->rw < 6 || be(t->buf + 2, 4) > t->rw;
	if (t->fault == FAKE_TPM_EXPECT_STUCK)
		more = true;
	if (t->fault == FAKE_TPM_EXPECT_EARLY && t->rw >= 4)
		more = false;
	t->sts = more ? TIS_STS_EXPECT | TIS_STS_VALID : TIS_STS_VALID;
}

static void tis_sts_write(struct fake_tpm *t, uint8_t v)
{
	if (!t->granted)
		return;
	if (v == TIS_STS_COMMAND_READY) {
		if (t->fault == FAKE_TPM_NEVER_READY)
			return;
		t->rw = 0;
		t->state = FAKE_READY;
		t->sts = TIS_STS_COMMAND_READY;
	} else if (v == TIS_STS_GO) {
		if (t->state != FAKE_RECEPTION || (t->sts & TIS_STS_EXPECT))
			return;
		t->state = FAKE_EXECUTION;
		t->ticks_left = t->exec_ticks;
		if (!t->ticks_left && t->fault != FAKE_TPM_NEVER_DONE)
			tis_complete(t);
	} else if (v == TIS_STS_RESPONSE_RETRY && t->state == FAKE_COMPLETION) {
		t->rw = 0;
		t->sts = TIS_STS_VALID | TIS_STS_DATA_AVAIL;
	}
}

static uint32_t tis_read(struct fake_tpm *t, uint32_t off, uint32_t size)
{
	uint32_t reg = off & ~3u, shift = (off & 3) * 8, v;
	switch (reg) {
	case TIS_REG(access):
		v = TIS_ACCESS_VALID | TIS_ACCESS_ESTABLISHMENT |
		    (t->granted ? TIS_ACCESS_ACTIVE : 0);
		break;
	case TIS_REG(sts):
		v = tis_sts(t);
		break;
	case TIS_REG(data_fifo):
		v = 0;
		for (uint32_t i = 0; i < size; i++)
			v |= (uint32_t)tis_fifo_read(t) << (8 * i);
		return v;
	case TIS_REG(interface_id):
		v = 0x00000000; /* FIFO interface (QEMU adds version and capability bits) */
		break;
	case TIS_REG(did_vid):
		v = 0x00011014; /* QEMU's: IBM, device 1 */
		break;
	default:
		t->bad_accesses++;
		v = 0xFFFFFFFF;
	}
	return v >> shift;
}

static void tis_write(struct fake_tpm *t, uint32_t off, uint32_t v, uint32_t size)
{
	switch (off) {
	case TIS_REG(access):
		if (v & TIS_ACCESS_ACTIVE)
			t->granted = false;
		else if ((v & TIS_ACCESS_REQUEST_USE) && t->fault != FAKE_TPM_NO_LOCALITY)
			t->granted = true;
		break;
	case TIS_REG(sts):
		tis_sts_write(t, (uint8_t)v);
		break;
	case TIS_REG(data_fifo):
		if (!t->granted)
			break;
		for (uint32_t i = 0; i < size; i++)
			tis_fifo_write(t, (uint8_t)(v >> (8 * i)));
		break;
	default:
		t->bad_accesses++;
	}
}

/* --- CRB ------------------------------------------------------------------ */

static void crb_complete(struct fake_tpm *t)
{
	uint32_t len = be(t->crb + 2, 4);
	if (len > FAKE_TPM_CRB_DATA)
		len = FAKE_TPM_CRB_DATA;
	uint8_t rsp[FAKE_TPM_BUFFER];
	uint32_t n = execute(t, t->crb, len, rsp);
	memcpy(t->crb, rsp, n);
	memset(t->crb + n, 0, FAKE_TPM_CRB_DATA - n);
	t->crb_start = 0;
	if (t->fault == FAKE_TPM_FATAL)
		t->crb_sts |= CRB_STS_ERROR;
}

static uint32_t crb_reg(struct fake_tpm *t, uint32_t reg)
{
	switch (reg) {
	case CRB_REG(loc_state):
		return CRB_LOC_STATE_VALID | (t->granted ? CRB_LOC_STATE_ASSIGNED : 0);
	case CRB_REG(loc_sts):
		return t->granted ? CRB_LOC_STS_GRANTED : 0;
	case CRB_REG(interface_id):
		/* QEMU 7.2's: InterfaceType CRB (1), InterfaceVersion 1, 64-byte
		 * transfers (bits 11-12), CapCRB (bit 14), InterfaceSelector CRB
		 * (bits 17-18); FIFO (type 0) for the fault */
		return t->fault == FAKE_TPM_NOT_CRB ? 0 : 0x1 | 0x10 | 0x1800 | 0x4000 | 0x20000;
	case CRB_REG(interface_id_hi):
		return 0x1014;
	case CRB_REG(ctrl_req):
		return t->fault == FAKE_TPM_NEVER_READY && (t->crb_sts & CRB_STS_IDLE)
			   ? CRB_REQ_CMD_READY
			   : 0;
	case CRB_REG(ctrl_sts):
		return t->crb_sts;
	case CRB_REG(ctrl_start):
		return t->crb_start;
	case CRB_REG(cmd_size):
	case CRB_REG(rsp_size):
		return FAKE_TPM_CRB_DATA;
	case CRB_REG(cmd_laddr):
		return FAKE_TPM_BASE + CRB_REG(data_buffer) +
		       (t->fault == FAKE_TPM_CRB_BUFFER_OUT ? TPM_LOCALITY_SIZE : 0);
	case CRB_REG(rsp_laddr):
		return FAKE_TPM_BASE + CRB_REG(data_buffer);
	case CRB_REG(cmd_haddr):
	case CRB_REG(rsp_haddr):
	case CRB_REG(loc_ctrl):
	case CRB_REG(ctrl_cancel):
	case CRB_REG(int_enable):
	case CRB_REG(int_sts):
		return 0;
	default:
		t->bad_accesses++;
		return 0xFFFFFFFF;
	}
}

static uint32_t crb_read(struct fake_tpm *t, uint32_t off, uint32_t size)
{
	if (off >= CRB_REG(data_buffer)) {
		uint32_t v = 0, at = off - CRB_REG(data_buffer);
		for (uint32_t i = 0; i < size; i++)
			v |= (uint32_t)t->crb[at + i] << (8 * i);
		return v;
	}
	return crb_reg(t, off & ~3u) >> ((off & 3) * 8);
}

static void crb_write(struct fake_tpm *t, uint32_t off, uint32_t v, uint32_t size)
{
	if (off >= CRB_REG(data_buffer)) {
		uint32_t at = off - CRB_REG(data_buffer);
		for (uint32_t i = 0; i < size; i++)
			t->crb[at + i] = (uint8_t)(v >> (8 * i));
		return;
	}
	switch (off) {
	case CRB_REG(loc_ctrl):
		if (v == CRB_LOC_CTRL_RELINQUISH)
			t->granted = false;
		else if (v == CRB_LOC_CTRL_REQUEST && t->fault != FAKE_TPM_NO_LOCALITY)
			t->granted = true;
		break;
	case CRB_REG(ctrl_req):
		if (v == CRB_REQ_CMD_READY && t->fault != FAKE_TPM_NEVER_READY)
			t->crb_sts &= ~(uint32_t)CRB_STS_IDLE;
		else if (v == CRB_REQ_GO_IDLE)
			t->crb_sts |= CRB_STS_IDLE;
		break;
	case CRB_REG(ctrl_start):
		if (!t->granted || t->crb_start || !(v & CRB_START))
			break;
		t->crb_start = CRB_START;
		t->ticks_left = t->exec_ticks;
		if (!t->ticks_left && t->fault != FAKE_TPM_NEVER_DONE)
			crb_complete(t);
		break;
	case CRB_REG(ctrl_cancel):
	case CRB_REG(int_enable):
	case CRB_REG(int_sts):
		break;
	default:
		t->bad_accesses++;
	}
}

/* --- the ops ---------------------------------------------------------------- */

static bool in_page(struct fake_tpm *t, uint32_t off, uint32_t size)
{
	if (off >= TPM_LOCALITY_SIZE || TPM_LOCALITY_SIZE - off < size || off % size) {
		t->bad_accesses++;
		return false;
	}
	return true;
}

static uint32_t read_n(void *ctx, uint32_t off, uint32_t size)
{
	struct fake_tpm *t = ctx;
	t->reads++;
	uint32_t ones = size == 4 ? 0xFFFFFFFF : 0xFF;
	if (t->fault == FAKE_TPM_ABSENT || !in_page(t, off, size))
		return ones;
	uint32_t v = t->iface == TPM_IFACE_CRB ? crb_read(t, off, size) : tis_read(t, off, size);
	return v & ones;
}

static void write_n(void *ctx, uint32_t off, uint32_t v, uint32_t size)
{
	struct fake_tpm *t = ctx;
	t->writes++;
	if (t->fault == FAKE_TPM_ABSENT || !in_page(t, off, size))
		return;
	if (t->iface == TPM_IFACE_CRB)
		crb_write(t, off, v, size);
	else
		tis_write(t, off, v, size);
}

static uint8_t fake_read8(void *ctx, uint32_t off)
{
	return (uint8_t)read_n(ctx, off, 1);
}

static uint32_t fake_read32(void *ctx, uint32_t off)
{
	return read_n(ctx, off, 4);
}

static void fake_write8(void *ctx, uint32_t off, uint8_t v)
{
	write_n(ctx, off, v, 1);
}

static void fake_write32(void *ctx, uint32_t off, uint32_t v)
{
	write_n(ctx, off, v, 4);
}

static void fake_delay(void *ctx)
{
	struct fake_tpm *t = ctx;
	t->delays++;
	bool running = t->iface == TPM_IFACE_CRB ? t->crb_start : t->state == FAKE_EXECUTION;
	if (!running || t->fault == FAKE_TPM_NEVER_DONE)
		return;
	if (t->ticks_left && --t->ticks_left)
		return;
	if (t->iface == TPM_IFACE_CRB)
		crb_complete(t);
	else
		tis_complete(t);
}

const struct tpm_mmio_ops fake_tpm_ops = {
    .read8 = fake_read8,
    .read32 = fake_read32,
    .write8 = fake_write8,
    .write32 = fake_write32,
    .delay = fake_delay,
};

void fake_tpm_init(struct fake_tpm *t, enum tpm_iface iface)
{
	memset(t, 0, sizeof(*t));
	t->iface = iface;
	t->active = FAKE_TPM_ALL;
	t->exec_ticks = 3;
	t->state = FAKE_IDLE;
	t->crb_sts = CRB_STS_IDLE;
}

struct tpm_dev fake_tpm_dev(struct fake_tpm *t)
{
	return (struct tpm_dev){
	    .ops = &fake_tpm_ops,
	    .ctx = t,
	    .iface = t->iface,
	    .base = FAKE_TPM_BASE,
	    .short_polls = 50,
	    .long_polls = 1000,
	};
}

uint32_t fake_tpm_extends(const struct fake_tpm *t, uint32_t pcr, uint16_t alg)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < t->n_log; i++)
		n += t->log[i].pcr == pcr && t->log[i].alg == alg;
	return n;
}

const uint8_t *fake_tpm_extended(const struct fake_tpm *t, uint32_t pcr, uint16_t alg, uint32_t i)
{
	for (uint32_t j = 0; j < t->n_log; j++)
		if (t->log[j].pcr == pcr && t->log[j].alg == alg && !i--)
			return t->log[j].digest;
	return NULL;
}
