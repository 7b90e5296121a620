/* The TPM of pc and q35, as QEMU describes it: the table-loader allocates the
 * log area (etc/tpm/log, which is empty without a TPM), and the ACPI
 * TPM2 table gives the interface (TIS or CRB) and the log area's place. */
#include "tpm_x86.h"
#include "measured.h"
#include "stage.h"
#include "../../boot/acpi_tables.h"
#include "../../boot/tpm_acpi.h"

#define SIG_TPM2 0x324D5054u /* "TPM2" */

static status_t begin(struct fw_cfg *fc, const struct acpi_loader *acpi, uint64_t rsdp,
		      uint32_t rom_size, struct measured_boot **mb)
{
	struct tpm_acpi ta;
	uint32_t avail;
	const uint8_t *t = acpi_find_table(acpi, rsdp, SIG_TPM2, &avail);
	if (!t)
		return lb_fail(LB_E_TPM_ACPI, 0, 0);
	status_t s = tpm_acpi_parse(t, avail, &ta);
	if (s.code)
		return s;
	/* The log goes where the table says, which must be the area the
	 * table-loader gave etc/tpm/log: leapboot's own allocation, in RAM. */
	const struct acpi_blob *b = acpi_find_blob(acpi, "etc/tpm/log", 11);
	if (!b || ta.log < b->addr || ta.log - b->addr > b->size ||
	    ta.log_len > b->size - (ta.log - b->addr))
		return lb_fail(LB_E_TPM_LOG_AREA, ta.log, ta.log_len);
	struct tpm_dev dev = {
	    .ops = &tpm_mmio,
	    .ctx = (void *)(uintptr_t)ta.base,
	    .iface = ta.iface,
	    .base = ta.base,
	    .short_polls = TPM_SHORT_POLLS,
	    .long_polls = TPM_LONG_POLLS,
	};
	uint64_t rom = 0x100000000ull - rom_size;
	return measured_begin(fc, &dev, b->mem + (ta.log - b->addr), ta.log_len,
			      (const void *)(uintptr_t)rom, rom, rom_size, mb);
}

struct measured_boot *tpm_x86_begin(struct fw_cfg *fc, const struct acpi_loader *acpi,
				    uint64_t rsdp, uint32_t rom_size)
{
	struct measured_boot *mb;
	stage_check("tpm", begin(fc, acpi, rsdp, rom_size, &mb));
	return mb;
}
