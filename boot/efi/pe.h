/* PE/COFF headers (Microsoft's PE Format): finding them, and whether a kernel
 * carries an EFI stub. Fields are little-endian byte arrays: PE headers give no
 * alignment guarantee. */
#ifndef LEAPBOOT_PE_H
#define LEAPBOOT_PE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PE_MACHINE_X86_64 0x8664
#define PE_MACHINE_ARM64  0xAA64

#define PE_MAGIC_PE32	  0x10B
#define PE_MAGIC_PE32PLUS 0x20B

/* The MS-DOS header: "MZ", and where the PE header is. */
struct pe_dos_header {
	uint8_t magic[2];
	uint8_t dos[58];
	uint8_t e_lfanew[4];
};
_Static_assert(offsetof(struct pe_dos_header, e_lfanew) == 0x3C, "e_lfanew");
_Static_assert(sizeof(struct pe_dos_header) == 64, "MS-DOS header");

/* The "PE\0\0" signature and the COFF file header; the optional header follows. */
struct pe_header {
	uint8_t signature[4];
	uint8_t machine[2];
	uint8_t number_of_sections[2];
	uint8_t time_date_stamp[4];
	uint8_t pointer_to_symbol_table[4];
	uint8_t number_of_symbols[4];
	uint8_t size_of_optional_header[2];
	uint8_t characteristics[2];
};
_Static_assert(offsetof(struct pe_header, machine) == 4, "Machine");
_Static_assert(offsetof(struct pe_header, number_of_sections) == 6, "NumberOfSections");
_Static_assert(offsetof(struct pe_header, size_of_optional_header) == 20, "SizeOfOptionalHeader");
_Static_assert(sizeof(struct pe_header) == 24, "COFF header");

/* The optional header up to Subsystem, which PE32 and PE32+ place alike. */
struct pe_optional_header {
	uint8_t magic[2];
	uint8_t fields[66];
	uint8_t subsystem[2];
};
_Static_assert(offsetof(struct pe_optional_header, subsystem) == 68, "Subsystem");
_Static_assert(sizeof(struct pe_optional_header) == 70, "optional header to Subsystem");

/* A section table entry; the table follows the optional header. */
struct pe_section {
	uint8_t name[8]; /* NUL-padded, not NUL-ended when 8 long */
	uint8_t virtual_size[4];
	uint8_t virtual_address[4];
	uint8_t size_of_raw_data[4];
	uint8_t pointer_to_raw_data[4];
	uint8_t pointer_to_relocations[4];
	uint8_t pointer_to_linenumbers[4];
	uint8_t number_of_relocations[2];
	uint8_t number_of_linenumbers[2];
	uint8_t characteristics[4];
};
_Static_assert(offsetof(struct pe_section, virtual_size) == 8, "VirtualSize");
_Static_assert(offsetof(struct pe_section, size_of_raw_data) == 16, "SizeOfRawData");
_Static_assert(offsetof(struct pe_section, pointer_to_raw_data) == 20, "PointerToRawData");
_Static_assert(sizeof(struct pe_section) == 40, "section header");

/* Where the PE header is, if the file's first n bytes are an MZ header whose
 * e_lfanew points at a "PE\0\0" signature within them; 0 otherwise. Only the
 * signature is known to be within the n bytes. */
uint32_t pe_header_at(const uint8_t *head, uint32_t n);

/* True if the file's first n bytes are an MZ header pointing at a PE32+ header
 * for machine whose subsystem is EFI application: a kernel the firmware can
 * start itself (LoadImage), as Linux's EFI stub makes its bzImage and Image. */
bool pe_is_efi_app(const uint8_t *head, uint32_t n, uint16_t machine);

#endif
