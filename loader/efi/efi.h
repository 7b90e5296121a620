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
