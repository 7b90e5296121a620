/* The CRB interface of a TPM 2.0, locality 0 (PTP, "CRB Interface"): request the
 * locality, CRB_CTRL_REQ.cmdReady, the command into the command buffer the
 * CTRL_CMD registers name, CRB_CTRL_START, wait for the TPM to clear it, the
 * response out of the response buffer. QEMU's tpm-crb (x86, at 0xFED40000) keeps
 * both buffers in one, right after the registers (0xFED40080, 3968 bytes);
 * leapboot takes buffers only inside locality 0's 4 KiB, the page it maps. */
#include "out_of_line.h"
#include "tpm.h"

static uint32_t rd(struct tpm_dev *t, uint32_t off)
{
	return t->ops->read32(t->ctx, off);
}

/* Polls a register until (value & mask) == want; *v the last value. */
static bool wait_reg(struct tpm_dev *t, uint32_t off, uint32_t mask, uint32_t want, uint32_t budget,
		     uint32_t *v, uint32_t *polls)
{
	for (*polls = 0;; ++*polls) {
		*v = rd(t, off);
		if ((*v & mask) == want)
			return true;
		if (*polls == budget)
			return false;
		t->ops->delay(t->ctx);
	}
}

/* A buffer the TPM names (address and size registers) as an offset in the
 * register page: after the registers, at least a header, inside the page. */
static status_t buffer(struct tpm_dev *t, uint32_t lo, uint32_t hi, uint32_t size_reg,
		       uint32_t *off, uint32_t *size)
{
	uint64_t addr = rd(t, lo) | (uint64_t)rd(t, hi) << 32;
	uint32_t sz = rd(t, size_reg);
	uint64_t first = t->base + CRB_REG(data_buffer), end = t->base + TPM_LOCALITY_SIZE;
	if (addr < first || addr > end || sz < TPM2_HEADER || sz > end - addr)
		return lb_fail(LB_E_TPM_CRB_BUFFER, addr, sz);
	*off = (uint32_t)(addr - t->base);
	*size = sz;
	return lb_ok();
}

static status_t crb_open(struct tpm_dev *t)
{
	uint32_t id = rd(t, CRB_REG(interface_id));
	if (CRB_INTERFACE_TYPE(id) != CRB_INTERFACE_CRB)
		return lb_fail(LB_E_TPM_NOT_CRB, id, CRB_INTERFACE_TYPE(id));
	uint32_t v, polls = 0, mine = CRB_LOC_STATE_VALID | CRB_LOC_STATE_ASSIGNED;
	v = rd(t, CRB_REG(loc_state));
	if ((v & mine) != mine || CRB_LOC_STATE_ACTIVE(v) != 0) {
		t->ops->write32(t->ctx, CRB_REG(loc_ctrl), CRB_LOC_CTRL_REQUEST);
		if (!wait_reg(t, CRB_REG(loc_sts), CRB_LOC_STS_GRANTED, CRB_LOC_STS_GRANTED,
			      t->short_polls, &v, &polls))
			return lb_fail(LB_E_TPM_NO_LOCALITY, v, polls);
		v = rd(t, CRB_REG(loc_state));
		if ((v & mine) != mine || CRB_LOC_STATE_ACTIVE(v) != 0)
			return lb_fail(LB_E_TPM_NO_LOCALITY, v, polls);
	}
	status_t s = buffer(t, CRB_REG(cmd_laddr), CRB_REG(cmd_haddr), CRB_REG(cmd_size),
			    &t->cmd_off, &t->cmd_size);
	if (!s.code)
		s = buffer(t, CRB_REG(rsp_laddr), CRB_REG(rsp_haddr), CRB_REG(rsp_size),
			   &t->rsp_off, &t->rsp_size);
	if (s.code)
		return s;
	t->open = true;
	return lb_ok();
}

/* Word accesses where the buffer offset is aligned and a whole word remains. */
static void put(struct tpm_dev *t, uint32_t off, const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len;) {
		if ((off + i) % 4 == 0 && len - i >= 4) {
			t->ops->write32(t->ctx, off + i,
					p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
					    (uint32_t)p[i + 3] << 24);
			i += 4;
		} else {
			t->ops->write8(t->ctx, off + i, p[i]);
			i++;
		}
	}
}

static void get(struct tpm_dev *t, uint32_t off, uint8_t *p, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to;) {
		if ((off + i) % 4 == 0 && to - i >= 4) {
			uint32_t v = rd(t, off + i);
			p[i] = (uint8_t)v;
			p[i + 1] = (uint8_t)(v >> 8);
			p[i + 2] = (uint8_t)(v >> 16);
			p[i + 3] = (uint8_t)(v >> 24);
			i += 4;
		} else {
			p[i] = t->ops->read8(t->ctx, off + i);
			i++;
		}
	}
}

OUT_OF_LINE status_t tpm_crb_send(struct tpm_dev *t, const uint8_t *cmd, uint32_t len, uint8_t *rsp,
				  uint32_t cap, uint32_t *rsp_len)
{
	status_t s;
	uint32_t v, polls;
	*rsp_len = 0;
	if (cap < TPM2_HEADER)
		return lb_fail(LB_E_TPM_RESPONSE_TOO_BIG, TPM2_HEADER, cap);
	if (!t->open && (s = crb_open(t)).code)
		return s;
	if (len > t->cmd_size)
		return lb_fail(LB_E_TPM_COMMAND_TOO_BIG, len, t->cmd_size);
	uint32_t cc = len >= TPM2_HEADER ? (uint32_t)cmd[6] << 24 | (uint32_t)cmd[7] << 16 |
					       (uint32_t)cmd[8] << 8 | cmd[9]
					 : 0;

	/* Ready: the TPM clears cmdReady once it has left Idle. */
	t->ops->write32(t->ctx, CRB_REG(ctrl_req), CRB_REQ_CMD_READY);
	if (!wait_reg(t, CRB_REG(ctrl_req), CRB_REQ_CMD_READY, 0, t->short_polls, &v, &polls))
		return lb_fail(LB_E_TPM_NOT_READY, rd(t, CRB_REG(ctrl_sts)), polls);
	v = rd(t, CRB_REG(ctrl_sts));
	if (v & CRB_STS_ERROR)
		return lb_fail(LB_E_TPM_FATAL, v, cc);
	if (v & CRB_STS_IDLE)
		return lb_fail(LB_E_TPM_NOT_READY, v, polls);

	put(t, t->cmd_off, cmd, len);
	t->ops->write32(t->ctx, CRB_REG(ctrl_start), CRB_START);
	if (!wait_reg(t, CRB_REG(ctrl_start), CRB_START, 0, t->long_polls, &v, &polls))
		return lb_fail(LB_E_TPM_TIMEOUT, rd(t, CRB_REG(ctrl_sts)), polls);
	v = rd(t, CRB_REG(ctrl_sts));
	if (v & CRB_STS_ERROR)
		return lb_fail(LB_E_TPM_FATAL, v, cc);

	get(t, t->rsp_off, rsp, 0, TPM2_HEADER);
	uint32_t size =
	    (uint32_t)rsp[2] << 24 | (uint32_t)rsp[3] << 16 | (uint32_t)rsp[4] << 8 | rsp[5];
	if (size < TPM2_HEADER)
		return lb_fail(LB_E_TPM_SHORT_RESPONSE, size, TPM2_HEADER);
	if (size > t->rsp_size)
		return lb_fail(LB_E_TPM_RESPONSE_SIZE, size, t->rsp_size);
	if (size > cap)
		return lb_fail(LB_E_TPM_RESPONSE_TOO_BIG, size, cap);
	get(t, t->rsp_off, rsp, TPM2_HEADER, size);
	*rsp_len = size;
	return lb_ok();
}

OUT_OF_LINE void tpm_crb_release(struct tpm_dev *t)
{
	if (!t->open)
		return;
	t->ops->write32(t->ctx, CRB_REG(ctrl_req), CRB_REQ_GO_IDLE);
	t->ops->write32(t->ctx, CRB_REG(loc_ctrl), CRB_LOC_CTRL_RELINQUISH);
	t->open = false;
}
