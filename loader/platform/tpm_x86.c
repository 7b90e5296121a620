/* The TPM of pc and q35, as QEMU describes it: the table-loader allocates the
 * log area (etc/tpm/log, which is empty without a TPM), and the ACPI
 * TPM2 table gives the interface (TIS or CRB) and the log area's place. */
#include "tpm_x86.h"
#include "measured.h"
#include "noinit.h"
#include "stage.h"
#include "../../boot/acpi_tables.h"
#include "../../boot/tpm_acpi.h"

#define SIG_TPM2 0x324D5054u /* "TPM2" */

/* The TPM the ACPI tables in acpi describe (leapboot's own, or the RAM another
 * firmware's are in). */
static status_t find(const struct acpi_loader *acpi, uint64_t rsdp, struct tpm_acpi *ta,
		     struct tpm_dev *dev)
{
	uint32_t avail;
	const uint8_t *t = acpi_find_table(acpi, rsdp, SIG_TPM2, &avail);
	if (!t)
		return lb_fail(LB_E_TPM_ACPI, 0, 0);
	status_t s = tpm_acpi_parse(t, avail, ta);
	*dev = (struct tpm_dev){
	    .ops = &tpm_mmio,
	    .ctx = (void *)(uintptr_t)ta->base,
	    .iface = ta->iface,
	    .base = ta->base,
	    .short_polls = TPM_SHORT_POLLS,
	    .long_polls = TPM_LONG_POLLS,
	};
	return s;
}

static status_t begin(struct fw_cfg *fc, const struct acpi_loader *acpi, uint64_t rsdp,
		      uint32_t rom_size, struct measured_boot **mb)
{
	struct tpm_acpi ta;
	struct tpm_dev dev;
	status_t s = find(acpi, rsdp, &ta, &dev);
	if (s.code)
		return s;
	/* The log goes where the table says, which must be the area the
	 * table-loader gave etc/tpm/log: leapboot's own allocation, in RAM. */
	const struct acpi_blob *b = acpi_find_blob(acpi, "etc/tpm/log", 11);
	if (!b || ta.log < b->addr || ta.log - b->addr > b->size ||
	    ta.log_len > b->size - (ta.log - b->addr))
		return lb_fail(LB_E_TPM_LOG_AREA, ta.log, ta.log_len);
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

/* SeaBIOS's tables: wherever they are in the RAM leapboot reaches (the ELF
 * form's identity map), one "blob" of it all. */
static struct acpi_loader ram NOINIT;

struct measured_boot *tpm_x86_resume(uint64_t rsdp, uint64_t reach)
{
	struct tpm_acpi ta;
	struct tpm_dev dev;
	struct measured_boot *mb;
	const uint64_t low = 0x1000; /* no table at page 0 */
	ram.nblobs = 1;
	ram.blob[0] = (struct acpi_blob){
	    .addr = low, .mem = (uint8_t *)(uintptr_t)low, .size = (uint32_t)(reach - low)};
	status_t s = find(&ram, rsdp, &ta, &dev);
	if (!s.code && (ta.log < low || ta.log > reach || ta.log_len > reach - ta.log))
		s = lb_fail(LB_E_TPM_LOG_AREA, ta.log, ta.log_len);
	if (!s.code)
		s = measured_resume(&dev, (uint8_t *)(uintptr_t)ta.log, ta.log_len, &mb);
	stage_check("tpm", s);
	return mb;
}
