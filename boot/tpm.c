/* The commands leapboot sends a TPM, through its interface: Startup, the active
 * banks, PCR_Extend. boot/tpm2.c marshals and checks the bytes; the transports
 * carry them. */
#include "out_of_line.h"
#include "tpm.h"

OUT_OF_LINE status_t tpm_send(struct tpm_dev *t, const uint8_t *cmd, uint32_t len, uint8_t *rsp,
			      uint32_t cap, uint32_t *rsp_len)
{
	if (t->iface == TPM_IFACE_CRB)
		return tpm_crb_send(t, cmd, len, rsp, cap, rsp_len);
	return tpm_tis_send(t, cmd, len, rsp, cap, rsp_len);
}

OUT_OF_LINE void tpm_release(struct tpm_dev *t)
{
	if (t->iface == TPM_IFACE_CRB)
		tpm_crb_release(t);
	else
		tpm_tis_release(t);
}

OUT_OF_LINE status_t tpm_startup(struct tpm_dev *t)
{
	uint8_t cmd[TPM2_HEADER + 2], rsp[TPM_RESPONSE_MAX];
	uint32_t len = tpm2_startup_clear(cmd, sizeof(cmd)), rsp_len;
	status_t s = tpm_send(t, cmd, len, rsp, sizeof(rsp), &rsp_len);
	return s.code ? s : tpm2_startup_done(rsp, rsp_len);
}

OUT_OF_LINE status_t tpm_get_banks(struct tpm_dev *t, struct tpm2_banks *banks)
{
	uint8_t cmd[TPM2_HEADER + 12], rsp[TPM_RESPONSE_MAX];
	uint32_t len = tpm2_get_pcr_banks(cmd, sizeof(cmd)), rsp_len;
	status_t s = tpm_send(t, cmd, len, rsp, sizeof(rsp), &rsp_len);
	return s.code ? s : tpm2_pcr_banks(rsp, rsp_len, banks);
}

OUT_OF_LINE status_t tpm_extend(struct tpm_dev *t, uint32_t pcr, const struct tpm2_digests *d)
{
	uint8_t cmd[TPM2_EXTEND_MAX], rsp[TPM_RESPONSE_MAX];
	uint32_t len = tpm2_pcr_extend(cmd, sizeof(cmd), pcr, d), rsp_len;
	status_t s = tpm_send(t, cmd, len, rsp, sizeof(rsp), &rsp_len);
	return s.code ? s : tpm2_extend_done(rsp, rsp_len);
}
