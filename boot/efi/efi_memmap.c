#include "efi_memmap.h"
#include "../../loader/libc/string.h"

#define EFI_PAGE_SHIFT 12

static uint32_t mem_type(uint32_t efi)
{
	switch (efi) {
	case EFI_CONVENTIONAL_MEMORY:
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
		return MEM_RAM;
	case EFI_ACPI_RECLAIM_MEMORY:
		return MEM_ACPI;
	case EFI_ACPI_MEMORY_NVS:
		return MEM_NVS;
	case EFI_UNUSABLE_MEMORY:
		return MEM_UNUSABLE;
	default:
		return MEM_RESERVED;
	}
}

/* Descriptor i, copied out: the firmware only promises 8-byte alignment of the
 * map, and a fuzzer none. */
static void descriptor(const void *map, uint64_t desc_size, uint64_t i,
		       struct efi_memory_descriptor *d)
{
	memcpy(d, (const uint8_t *)map + i * desc_size, sizeof(*d));
}

static bool range_of(const struct efi_memory_descriptor *d, uint64_t *start, uint64_t *end)
{
	*start = d->physical_start;
	if (d->pages > (UINT64_MAX >> EFI_PAGE_SHIFT))
		return false;
	uint64_t len = d->pages << EFI_PAGE_SHIFT;
	*end = *start + len;
	return *end >= *start && !(*start & ((1u << EFI_PAGE_SHIFT) - 1));
}

status_t efi_memmap_convert(struct memmap *m, const void *map, uint64_t size, uint64_t desc_size)
{
	if (desc_size < sizeof(struct efi_memory_descriptor) || desc_size % 8 || size % desc_size)
		return lb_fail(LB_E_EFI_BAD_MEMMAP, desc_size, size);
	uint64_t n = size / desc_size;
	struct efi_memory_descriptor d;
	uint64_t start, end;
	for (uint64_t i = 0; i < n; i++) {
		descriptor(map, desc_size, i, &d);
		if (!range_of(&d, &start, &end))
			return lb_fail(LB_E_EFI_BAD_MEMMAP, i, d.physical_start);
		status_t s = memmap_add(m, start, end - start, mem_type(d.type));
		if (s.code)
			return s;
	}
	return lb_ok();
}
