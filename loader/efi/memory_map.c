/* The firmware's memory map: how much is free, and the final one with which
 * leapboot leaves the firmware. */
#include "efi.h"
#include "../../boot/efi/efi_memmap.h"
#include "../libc/string.h"

/* Static, so that reading the map allocates nothing (which would change it). */
#define MAP_BYTES  0x10000
#define EXIT_TRIES 8

static uint64_t map[MAP_BYTES / 8];

static status_t get_map(void *buf, uint64_t cap, uint64_t *size, uint64_t *desc_size, UINTN *key)
{
	UINTN n = cap, dsize = 0;
	UINT32 version;
	EFI_STATUS st = efi_st->BootServices->GetMemoryMap(&n, buf, key, &dsize, &version);
	if (EFI_ERROR(st))
		return lb_fail(LB_E_EFI_MEMMAP, st, n);
	*size = n;
	*desc_size = dsize;
	return lb_ok();
}

status_t efi_free_memory(uint64_t *bytes)
{
	uint64_t size, desc_size;
	UINTN key;
	status_t s = get_map(map, sizeof(map), &size, &desc_size, &key);
	if (s.code)
		return s;
	if (desc_size < sizeof(struct efi_memory_descriptor))
		return lb_fail(LB_E_EFI_BAD_MEMMAP, desc_size, size);
	*bytes = 0;
	for (uint64_t off = 0; off + desc_size <= size; off += desc_size) {
		struct efi_memory_descriptor d;
		memcpy(&d, (const uint8_t *)map + off, sizeof(d));
		if (d.type == EFI_CONVENTIONAL_MEMORY)
			*bytes += d.pages << 12;
	}
	return lb_ok();
}

status_t efi_exit_boot_services(const void **final, uint64_t *size, uint64_t *desc_size)
{
	EFI_STATUS st = EFI_INVALID_PARAMETER;
	*final = map;
	for (int tries = 1; tries <= EXIT_TRIES; tries++) {
		UINTN key;
		status_t s = get_map(map, sizeof(map), size, desc_size, &key);
		if (s.code)
			return s;
		/* A stale key (the firmware allocated since) is the only retry. */
		st = efi_st->BootServices->ExitBootServices(efi_image, key);
		if (st != EFI_INVALID_PARAMETER)
			return EFI_ERROR(st) ? lb_fail(LB_E_EFI_EXIT, st, tries) : lb_ok();
	}
	return lb_fail(LB_E_EFI_EXIT, st, EXIT_TRIES);
}
