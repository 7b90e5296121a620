/* leapboot's own pages, claimed the same way in every firmware form. */
#include "arch.h"

status_t arch_firmware_ram_claim(struct memmap *m)
{
	uint64_t start, end;
	arch_firmware_ram(&start, &end);
	return memmap_claim(m, start, end - start, MEM_CLAIM_FIRMWARE);
}
