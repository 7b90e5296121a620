#include "pe.h"
#include "le.h"

#define SUBSYSTEM_EFI_APP 10

uint32_t pe_header_at(const uint8_t *head, uint32_t n)
{
	const struct pe_dos_header *dos = (const struct pe_dos_header *)head;
	if (n < sizeof(*dos) || dos->magic[0] != 'M' || dos->magic[1] != 'Z')
		return 0;
	uint32_t at = le32(dos->e_lfanew);
	/* In 64 bits: e_lfanew near 4 GiB must not wrap to the start. */
	if ((uint64_t)at + sizeof(((struct pe_header *)0)->signature) > n)
		return 0;
	const uint8_t *sig = head + at;
	if (sig[0] != 'P' || sig[1] != 'E' || sig[2] || sig[3])
		return 0;
	return at;
}

bool pe_is_efi_app(const uint8_t *head, uint32_t n, uint16_t machine)
{
	uint32_t at = pe_header_at(head, n);
	/* The COFF header and the optional header up to Subsystem. */
	if (!at || n - at < sizeof(struct pe_header) + sizeof(struct pe_optional_header))
		return false;
	const struct pe_header *pe = (const struct pe_header *)(head + at);
	const struct pe_optional_header *opt = (const struct pe_optional_header *)(pe + 1);
	if (le16(pe->machine) != machine ||
	    le16(pe->size_of_optional_header) < sizeof(struct pe_optional_header))
		return false;
	return le16(opt->magic) == PE_MAGIC_PE32PLUS && le16(opt->subsystem) == SUBSYSTEM_EFI_APP;
}
