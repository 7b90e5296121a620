/* The ACPI TPM2 table. */
#include "tpm_acpi.h"
#include "le.h"

#define CRB_CONTROL_AREA 0x40 /* CRB_CTRL_REQ: the control area's offset in locality 0 */

status_t tpm_acpi_parse(const uint8_t *t, uint32_t avail, struct tpm_acpi *out)
{
	if (avail < 8 || le32(t) != 0x324D5054u) /* "TPM2" */
		return lb_fail(LB_E_TPM_ACPI, avail, 0);
	uint32_t len = le32(t + 4);
	if (len > avail || len < TPM2_TABLE_START_METHOD + 4)
		return lb_fail(LB_E_TPM_ACPI, len, avail);
	uint32_t method = le32(t + TPM2_TABLE_START_METHOD);
	uint64_t control = le64(t + 40);
	if (method == TPM2_START_TIS) {
		out->iface = TPM_IFACE_TIS;
		out->base = TPM_PC_BASE;
	} else if (method == TPM2_START_CRB && (control & 0xFFF) == CRB_CONTROL_AREA) {
		out->iface = TPM_IFACE_CRB;
		out->base = control - CRB_CONTROL_AREA;
	} else {
		return lb_fail(LB_E_TPM_START_METHOD, method, control);
	}
	if (len < TPM2_TABLE_LOG)
		return lb_fail(LB_E_TPM_LOG_AREA, 0, 0);
	out->log_len = le32(t + 64);
	out->log = le64(t + 68);
	if (!out->log || !out->log_len)
		return lb_fail(LB_E_TPM_LOG_AREA, out->log, out->log_len);
	return lb_ok();
}
