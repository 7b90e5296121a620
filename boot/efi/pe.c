#include "pe.h"
#include "le.h"

#define MZ_LFANEW	  0x3C
#define COFF_MACHINE	  4 /* from the "PE\0\0" signature */
#define COFF_OPT_SIZE	  20
#define COFF_OPT_HEADER	  24
#define OPT_MAGIC	  0
#define OPT_SUBSYSTEM	  68
#define PE32PLUS_MAGIC	  0x20B
#define SUBSYSTEM_EFI_APP 10

bool pe_is_efi_app(const uint8_t *head, uint32_t n, uint16_t machine)
{
	if (n < MZ_LFANEW + 4 || head[0] != 'M' || head[1] != 'Z')
		return false;
	uint32_t pe = le32(head + MZ_LFANEW);
	/* The signature, the COFF header and the optional header up to Subsystem. */
	if (pe > n || n - pe < COFF_OPT_HEADER + OPT_SUBSYSTEM + 2)
		return false;
	const uint8_t *p = head + pe;
	if (p[0] != 'P' || p[1] != 'E' || p[2] || p[3])
		return false;
	if (le16(p + COFF_MACHINE) != machine || le16(p + COFF_OPT_SIZE) < OPT_SUBSYSTEM + 2)
		return false;
	const uint8_t *opt = p + COFF_OPT_HEADER;
	return le16(opt + OPT_MAGIC) == PE32PLUS_MAGIC &&
	       le16(opt + OPT_SUBSYSTEM) == SUBSYSTEM_EFI_APP;
}
