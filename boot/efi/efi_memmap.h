/* The UEFI memory map (GetMemoryMap) as leapboot's memmap, for kernels booted
 * after ExitBootServices. */
#ifndef LEAPBOOT_EFI_MEMMAP_H
#define LEAPBOOT_EFI_MEMMAP_H

#include <stdint.h>
#include "memmap.h"

/* One EFI_MEMORY_DESCRIPTOR (UEFI 2.10 §7.2). The firmware's descriptors may be
 * longer (DescriptorSize); only these fields are read. */
struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t pages; /* 4 KiB each */
	uint64_t attribute;
};
_Static_assert(sizeof(struct efi_memory_descriptor) == 40, "EFI memory descriptor");
_Static_assert(__builtin_offsetof(struct efi_memory_descriptor, physical_start) == 8, "start");
_Static_assert(__builtin_offsetof(struct efi_memory_descriptor, pages) == 24, "pages");

enum efi_memory_type {
	EFI_RESERVED_MEMORY,
	EFI_LOADER_CODE,
	EFI_LOADER_DATA,
	EFI_BOOT_SERVICES_CODE,
	EFI_BOOT_SERVICES_DATA,
	EFI_RUNTIME_SERVICES_CODE,
	EFI_RUNTIME_SERVICES_DATA,
	EFI_CONVENTIONAL_MEMORY,
	EFI_UNUSABLE_MEMORY,
	EFI_ACPI_RECLAIM_MEMORY,
	EFI_ACPI_MEMORY_NVS,
	EFI_MEMORY_MAPPED_IO,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE,
	EFI_PAL_CODE,
	EFI_PERSISTENT_MEMORY,
	EFI_UNACCEPTED_MEMORY,
};

/* Adds the map's size bytes of descriptors (desc_size bytes apart) to m, typed as
 * Linux's EFI stub types its e820: conventional, loader and boot-services memory
 * is free RAM (so after ExitBootServices leapboot runs on its own stack and page
 * tables, and claims its own image); ACPI tables and NVS keep their types;
 * runtime services, MMIO and unknown types are reserved. */
status_t efi_memmap_convert(struct memmap *m, const void *map, uint64_t size,
			    uint64_t desc_size);

#endif
