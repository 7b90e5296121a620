/* Errors as values: every fallible function returns a status_t. */
#ifndef LEAPBOOT_STATUS_H
#define LEAPBOOT_STATUS_H

#include <stdint.h>

enum lb_code {
	LB_OK = 0,
	/* fw_cfg */
	LB_E_FWCFG_ABSENT,
	LB_E_FWCFG_DIR_TOO_BIG,
	LB_E_FWCFG_DMA_ERROR,
	LB_E_FWCFG_NO_DMA,
	LB_E_FWCFG_NO_E820,
	/* memory map */
	LB_E_MEMMAP_FULL,
	LB_E_MEMMAP_BAD_E820,
	LB_E_MEMMAP_NO_ROOM,
	LB_E_MEMMAP_NOT_RAM,
	LB_E_MEMMAP_TOO_SMALL,
	LB_E_E820_TOO_MANY,
	/* kernel */
	LB_E_KERNEL_NONE,
	LB_E_KERNEL_TOO_SMALL,
	LB_E_KERNEL_NO_BOOTFLAG,
	LB_E_KERNEL_NO_HDRS,
	LB_E_KERNEL_16BIT_ONLY,
	LB_E_KERNEL_REAL_MODE_ONLY,
	LB_E_KERNEL_SETUP_TOO_BIG,
	LB_E_KERNEL_SETUP_MISMATCH,
	LB_E_KERNEL_TRUNCATED,
	LB_E_KERNEL_NO_ROOM,
	LB_E_KERNEL_NOT_RELOCATABLE,
	/* initrd / cmdline */
	LB_E_INITRD_TOO_BIG,
	LB_E_INITRD_NO_ROOM,
	LB_E_INITRD_ABOVE_MAX,
	LB_E_CMDLINE_TOO_LONG,
	/* ACPI table-loader */
	LB_E_ACPI_BAD_SCRIPT,
	LB_E_ACPI_BAD_NAME,
	LB_E_ACPI_DOUBLE_ALLOC,
	LB_E_ACPI_NO_FILE,
	LB_E_ACPI_BAD_ALIGN,
	LB_E_ACPI_BAD_ZONE,
	LB_E_ACPI_BAD_SIZE,
	LB_E_ACPI_TOO_MANY,
	LB_E_ACPI_NOT_ALLOCATED,
	LB_E_ACPI_BAD_POINTER_SIZE,
	LB_E_ACPI_OUT_OF_BLOB,
	LB_E_ACPI_POINTER_OVERFLOW,
	LB_E_TABLES_NO_ROOM,
	/* SMBIOS */
	LB_E_SMBIOS_BAD_ANCHOR,
	LB_E_SMBIOS_BAD_TABLES,
	LB_E_SMBIOS_BAD_STRUCTURE,
	LB_E_SMBIOS_HANDLES,
	/* MP table */
	LB_E_MPTABLE_CPUS,
	/* ELF / PVH */
	LB_E_ELF_NOT_ELF,
	LB_E_ELF_UNSUPPORTED,
	LB_E_ELF_BAD_PHDRS,
	LB_E_ELF_SEGMENT_OUTSIDE,
	LB_E_ELF_SEGMENT_NOT_RAM,
	LB_E_ELF_SEGMENT_WRAPS,
	LB_E_ELF_MEMSZ,
	LB_E_ELF_OVERLAP,
	LB_E_ELF_TOO_MANY,
	LB_E_ELF_NO_LOAD,
	LB_E_ELF_BAD_NOTE,
	LB_E_ELF_NO_PVH_NOTE,
	LB_E_PVH_BAD_START_INFO,
	LB_E_PVH_NO_MEMMAP,
	/* multiboot */
	LB_E_MB_NONE,
	LB_E_MB_CHECKSUM,
	LB_E_MB_FLAGS,
	LB_E_MB_HEADER_CUT,
	LB_E_MB_HEADER_ADDR,
	LB_E_MB_LOAD_END,
	LB_E_MB_BSS_END,
	LB_E_MB_ENTRY,
	LB_E_MB_NOT_FREE,
	LB_E_MB_TOO_MANY_MODULES,
	LB_E_MB_MODULE_NO_ROOM,
	LB_E_MB_BAD_INFO,
	LB_E_MB_INITRD,
	LB_E_MB_EFI,
	/* TPM */
	LB_E_TPM_SHORT_RESPONSE,
	LB_E_TPM_RESPONSE_SIZE,
	LB_E_TPM_RESPONSE_TAG,
	LB_E_TPM_ERROR,
	LB_E_TPM_BAD_CAPABILITY,
	LB_E_TPM_UNKNOWN_BANK,
	LB_E_TPM_NO_BANK,
	/* arm64 */
	LB_E_ARM64_NOT_IMAGE,
	LB_E_ARM64_TOO_SHORT,
	LB_E_ARM64_OLD_IMAGE,
	LB_E_ARM64_BIG_ENDIAN,
	LB_E_ARM64_BAD_HEADER,
	LB_E_ARM64_NO_ROOM,
	LB_E_ARM64_BAD_GZIP,
	LB_E_ARM64_GZIP_TRUNCATED,
	LB_E_ARM64_TOO_BIG,
	LB_E_FDT_BAD,
	LB_E_FDT_NO_MEMORY,
	LB_E_FDT_FULL,
	LB_E_STACK_SMASHED,

	LB_E_EFI_NO_MEMORY,
	LB_E_EFI_LOAD_IMAGE,
	LB_E_EFI_START_IMAGE,
	LB_E_EFI_PROTOCOL,
	LB_E_EFI_MEMMAP,
	LB_E_EFI_BAD_MEMMAP,
	LB_E_EFI_EXIT,
	LB_E_EFI_IMAGE_HIGH,
	LB_E_EFI_NO_STUB,
	LB_E_EFI_NO_FWCFG,
	LB_E_EFI_GZIP,
	/* plan */
	LB_E_PLAN_OVERLAP,
	LB_E_PLAN_NOT_RAM,
	LB_E_PLAN_ENTRY,
	LB_E_PLAN_UNREACHABLE,
	LB_E_COUNT
};

/* A code, in a register. The two numbers that make its message precise are
 * few and rare, so they stay out of the value every call returns: lb_fail puts
 * them in lb_detail, where the failure that is reported finds them. A failure is
 * either returned at once or dropped, never kept while another one is made. */
typedef struct {
	int code;
} status_t;

extern struct lb_detail {
	uint64_t a, b;
} lb_detail;

static inline status_t lb_ok(void)
{
	return (status_t){LB_OK};
}

static inline status_t lb_fail(int code, uint64_t a, uint64_t b)
{
	lb_detail.a = a;
	lb_detail.b = b;
	return (status_t){code};
}

/* printf format for a code; it consumes a then b as unsigned long long. */
const char *lb_message(int code);

#endif
