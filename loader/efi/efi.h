/* leapboot.efi's view of the UEFI firmware that started it (GNU-EFI types). */
#ifndef LEAPBOOT_EFI_H
#define LEAPBOOT_EFI_H

#include <efi.h>
#include "fw_cfg.h"
#include "kernel_source.h"

extern EFI_HANDLE efi_image;
extern EFI_SYSTEM_TABLE *efi_st;
/* leapboot.efi's own pages, from its loaded-image protocol. */
extern uint64_t efi_image_start, efi_image_end;

/* The console is the firmware's ConOut while boot services last; after
 * ExitBootServices, putc (a UART) if there is one. */
void efi_console_leave_firmware(void (*putc)(char c));

/* Powers the machine off through the runtime services after an error. */
_Noreturn void efi_power_off(void);

/* The configuration table entry for guid (ACPI, SMBIOS, the DTB), 0 if absent. */
uint64_t efi_config_table(EFI_GUID guid);

/* Bytes of free memory (EfiConventionalMemory) the firmware has left. */
status_t efi_free_memory(uint64_t *bytes);

/* Boots a kernel with an EFI stub: LoadImage from the bytes fw_cfg holds (or
 * from the len bytes at image, pages efi_arch_inflate allocated), the command
 * line as its load options, the initrd through LoadFile2 on Linux's initrd media
 * device path, StartImage. Returns only if that fails. */
status_t efi_boot_stub(struct fw_cfg *fc, const struct kernel_source *src, uint32_t cmdline_max,
		       uint64_t image, uint64_t len);

/* The final memory map (*final, size bytes of desc_size-byte descriptors), then
 * ExitBootServices, retried while the map key goes stale. Afterwards only the
 * UART and the runtime services are left. */
status_t efi_exit_boot_services(const void **final, uint64_t *size, uint64_t *desc_size);

/* Measured boot through the firmware's EFI_TCG2_PROTOCOL (tcg2.c). */
/* The longest event data leapboot.efi logs (a command line, at most CMDLINE_CAP
 * bytes, is cut to this in the log; its digest covers all of it). */
#define TCG2_EVENT_DATA_MAX 4096

/* Finds the protocol; a firmware without one, or whose TPM is absent, is no
 * error (*banks 0: nothing is measured). *banks: the active PCR banks
 * (EFI_TCG2_BOOT_HASH_ALG_* bits). A protocol that fails is LB_E_TCG2_CAPABILITY. */
status_t efi_tcg2_find(uint32_t *banks);
/* The protocol was found and has a TPM. */
bool efi_tcg2_present(void);
/* Extends pcr in every active bank with the digest of [data, data+len) and logs
 * an event of type with desc_len bytes of desc as its data (HashLogExtendEvent). */
status_t efi_tcg2_extend(uint32_t pcr, uint32_t type, uint64_t data, uint64_t len, const void *desc,
			 uint32_t desc_len);
/* *found: the firmware's log has an event for pcr of type whose data begin with
 * the len bytes at prefix. */
status_t efi_tcg2_log_has(uint32_t pcr, uint32_t type, const void *prefix, uint32_t len,
			  bool *found);

/* What leapboot.efi measures itself (measured.c), with a TPM: the command line
 * into PCR 8 (EV_IPL, the command line as data); the initrd into PCR 9 only if
 * the kernel's EFI stub did not, checked at ExitBootServices (a watch created
 * before StartImage; efi_measure_initrd_served records what LoadFile2 gave the
 * stub). A failure there prints its tpm error line and powers off. */
status_t efi_measure_cmdline(const char *cmdline, uint32_t len);
status_t efi_measure_initrd_watch(void);
void efi_measure_initrd_served(uint64_t at, uint64_t bytes);

/* What a front end does beyond the EFI stub, decided in main.c: x86 boots a
 * kernel without one (a PVH ELF, a bzImage) after leaving the firmware, and has
 * no gzip kernels (x86 kernels decompress themselves); arm64 inflates an
 * Image.gz (its kernels cannot), and boots only through a stub. */
#ifdef __x86_64__
#define EFI_ARCH_INFLATES     0
#define EFI_ARCH_BOOTS_DIRECT 1
#else
#define EFI_ARCH_INFLATES     1
#define EFI_ARCH_BOOTS_DIRECT 0
#endif

/* Per architecture (loader/efi/<arch>/): */
/* The fw_cfg device: ports on x86; on arm64 MMIO as the DTB or the DSDT says. */
status_t efi_arch_fw_cfg(struct fw_cfg *fc, struct fw_cfg_file *dir, uint32_t dir_max);
/* With EFI_ARCH_INFLATES: a gzip-compressed kernel inflated into pages of its
 * own (arm64's Image.gz): *image, *len. */
status_t efi_arch_inflate(struct fw_cfg *fc, const struct kernel_source *src, uint64_t *image,
			  uint64_t *len);
/* The PE machine an EFI stub must be built for. */
uint16_t efi_arch_pe_machine(void);
/* The longest command line the kernel (its first n bytes in head) accepts. */
uint32_t efi_arch_cmdline_max(const uint8_t *head, uint32_t n);
/* A kernel without an EFI stub (its first n bytes in head): an error if it is
 * not even a kernel of this architecture. */
status_t efi_arch_check_kernel(const uint8_t *head, uint32_t n);
/* With EFI_ARCH_BOOTS_DIRECT: leave the firmware and boot it as the firmware
 * form does. */
_Noreturn void efi_arch_boot_direct(struct fw_cfg *fc, const struct kernel_source *src);

#endif
