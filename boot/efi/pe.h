/* Does a kernel carry an EFI stub? Its PE/COFF header says so. */
#ifndef LEAPBOOT_PE_H
#define LEAPBOOT_PE_H

#include <stdbool.h>
#include <stdint.h>

#define PE_MACHINE_X86_64 0x8664
#define PE_MACHINE_ARM64  0xAA64

/* True if the file's first n bytes are an MZ header pointing at a PE32+ header
 * for machine whose subsystem is EFI application: a kernel the firmware can
 * start itself (LoadImage), as Linux's EFI stub makes its bzImage and Image. */
bool pe_is_efi_app(const uint8_t *head, uint32_t n, uint16_t machine);

#endif
