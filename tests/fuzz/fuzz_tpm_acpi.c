/* boot/tpm_acpi.c and boot/acpi_tables.c on any bytes: the input is one blob at
 * a made-up guest address, its first bytes an RSDP. Rules: a TPM2 table that
 * parses names TIS at 0xFED40000 or CRB at a 4 KiB page whose control area is at
 * 0x40, and a non-empty log area; a table found through the RSDT or XSDT lies,
 * header and all, inside the blob, with avail its bytes to the blob's end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acpi_tables.h"
#include "tpm_acpi.h"

#define BLOB_ADDR 0x7FF00000u

static void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	uint8_t *b = malloc(size ? size : 1);
	memcpy(b, data, size);

	struct tpm_acpi ta;
	if (!tpm_acpi_parse(b, (uint32_t)size, &ta).code) {
		check(ta.log != 0 && ta.log_len != 0);
		check(ta.iface == TPM_IFACE_TIS ? ta.base == TPM_PC_BASE : (ta.base & 0xFFF) == 0);
	}

	static struct acpi_loader l;
	l.nblobs = 1;
	l.blob[0] = (struct acpi_blob){.addr = BLOB_ADDR, .mem = b, .size = (uint32_t)size};
	uint32_t avail = 0;
	const uint8_t *t = acpi_find_table(&l, BLOB_ADDR, 0x324D5054u, &avail);
	if (t) {
		check(t >= b && t + 36 <= b + size);
		check(avail == (uint32_t)(b + size - t));
		check(!memcmp(t, "TPM2", 4));
		tpm_acpi_parse(t, avail, &ta);
	}
	free(b);
	return 0;
}
