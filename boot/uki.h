/* Unified kernel images (UAPI group "Unified Kernel Image"): a PE/COFF file,
 * systemd-stub's code plus sections holding the kernel (.linux), its initrd,
 * command line and more. leapboot reads the sections straight from the file.
 * Pure code: header bytes in, file ranges out. */
#ifndef LEAPBOOT_UKI_H
#define LEAPBOOT_UKI_H

#include <stdbool.h>
#include <stdint.h>
#include "status.h"

/* The sections leapboot knows, in systemd-stub's measuring order (PCR 11). */
enum uki_section {
	UKI_LINUX,
	UKI_OSREL,
	UKI_CMDLINE,
	UKI_INITRD,
	UKI_UCODE,
	UKI_SPLASH,
	UKI_DTB,
	UKI_UNAME,
	UKI_SBAT,
	UKI_PCRSIG,
	UKI_PCRPKEY,
	UKI_SDMAGIC, /* systemd-stub's "#### LoaderInfo: systemd-stub VERSION ####" */
	UKI_SECTIONS
};

/* ".linux", ".osrel", ...: the section names, NUL-ended (a name fills at most
 * the 8 bytes of its field). */
#define UKI_NAME_CAP 9
extern const char uki_section_name[UKI_SECTIONS][UKI_NAME_CAP];

/* A section's bytes in the file: size (its VirtualSize) bytes from at. */
struct uki_range {
	uint32_t at, size; /* size 0: the section is absent */
};

struct uki {
	struct uki_range section[UKI_SECTIONS];
	uint16_t machine; /* the PE header's Machine */
};

/* The most header bytes uki_parse reads: the section table must end within. */
#define UKI_HEADERS_MAX 8192

/* Whether the file's first n bytes (n >= 2) start a PE file ("MZ"): only then
 * is it worth reading its headers. */
bool uki_is_mz(const uint8_t *head, uint32_t n);

/* Parses a PE file's headers, hdr its first len bytes (len = the smaller of the
 * file's size and UKI_HEADERS_MAX), file_size its size, machine the PE
 * Machine this leapboot boots (0x8664, 0xAA64).
 * - Not a UKI (not MZ/PE, or a PE without a .linux section, e.g. a bzImage
 *   with Linux's EFI stub): LB_E_UKI_NOT_UKI, which callers treat as "go on
 *   with the file as a kernel".
 * - A UKI that cannot be booted: the other LB_E_UKI_* codes.
 * Checks every section (known or not): its file range inside the file and
 * after the headers, no two file ranges overlapping, no size that wraps; a
 * known section's VirtualSize not beyond its SizeOfRawData. A name repeated:
 * the last wins, as in systemd-stub. */
status_t uki_parse(const uint8_t *hdr, uint32_t len, uint64_t file_size, uint16_t machine,
		   struct uki *u);

/* The major version of the systemd-stub named in a .sdmagic section's bytes
 * ("#### LoaderInfo: systemd-stub 252.39-1~deb12u2 ####" -> 252); 0 if the
 * bytes do not name one. */
uint32_t uki_stub_version(const char *magic, uint32_t len);

/* Whether the stub of that version measures the section into PCR 11
 * (.uname and .sbat from systemd 254, .ucode from 256; .pcrsig and .sdmagic
 * never). Version 0 (unknown) measures as the newest. */
bool uki_section_measured(enum uki_section s, uint32_t stub_version);

/* A command line as systemd-stub hands it on: control characters become
 * spaces, trailing spaces go; its new length. */
uint32_t uki_cmdline_mangle(char *s, uint32_t len);

#endif
