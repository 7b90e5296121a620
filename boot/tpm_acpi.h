/* The ACPI TPM2 table (TCG ACPI Specification, revision 4 with the log area
 * fields, as QEMU builds it): which interface the TPM has, where, and where the
 * event log goes. Pure code: the table's bytes in. */
#ifndef LEAPBOOT_TPM_ACPI_H
#define LEAPBOOT_TPM_ACPI_H

#include "tpm.h"

#define TPM2_TABLE_START_METHOD 48
#define TPM2_TABLE_LOG		76 /* up to the log area start address's end */

/* Start methods */
#define TPM2_START_TIS 6 /* "memory-mapped I/O": the TIS/FIFO interface */
#define TPM2_START_CRB 7

/* The PC Client PTP's fixed address of TIS locality 0 (the TPM2 table names
 * no address for it); QEMU's tpm-crb sits there too. */
#define TPM_PC_BASE 0xFED40000ull

struct tpm_acpi {
	enum tpm_iface iface;
	uint64_t base;	  /* locality 0's registers */
	uint64_t log;	  /* LASA */
	uint32_t log_len; /* LAML */
};

/* The table (avail bytes readable at t): signature, a length within avail and
 * long enough for the log area, a start method leapboot drives, a CRB control
 * area at offset 0x40 of a 4 KiB-aligned register page, a log area that is
 * not empty. */
status_t tpm_acpi_parse(const uint8_t *t, uint32_t avail, struct tpm_acpi *out);

#endif
