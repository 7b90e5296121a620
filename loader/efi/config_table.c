#include "efi.h"
#include "../libc/string.h"
#include "phys.h"

uint64_t efi_config_table(EFI_GUID guid)
{
	for (UINTN i = 0; i < efi_st->NumberOfTableEntries; i++) {
		const EFI_CONFIGURATION_TABLE *t = &efi_st->ConfigurationTable[i];
		if (!memcmp(&t->VendorGuid, &guid, sizeof(guid)))
			return phys(t->VendorTable);
	}
	return 0;
}
