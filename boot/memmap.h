/* Physical memory map: sorted, non-overlapping ranges with a type each, and
 * merged (touching neighbours never share a type), as every edit leaves it. */
#ifndef LEAPBOOT_MEMMAP_H
#define LEAPBOOT_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>
#include "status.h"

/* E820 types pass through unchanged; leapboot's own claims are above them. */
enum mem_type {
	MEM_NONE = 0, /* a hole: not in the map */
	MEM_RAM = 1,
	MEM_RESERVED = 2,
	MEM_ACPI = 3,
	MEM_NVS = 4,
	MEM_UNUSABLE = 5,
	MEM_CLAIM_FIRMWARE = 0x10000, /* leapboot's own pages */
	MEM_CLAIM_KERNEL,
	MEM_CLAIM_INITRD,
	MEM_CLAIM_ACPI,	  /* blobs holding ACPI tables */
	MEM_CLAIM_TABLES, /* other firmware tables and blobs (SMBIOS, vmgenid, ...) */
};

#define MEMMAP_MAX 128

struct mem_range {
	uint64_t start, end; /* [start, end) */
	uint32_t type;
};

struct memmap {
	uint32_t n;
	struct mem_range r[MEMMAP_MAX];
};

/* Adds a range as firmware tables describe it: where ranges overlap, the higher
 * type wins (RAM loses to anything reserved), as Linux sanitizes e820. */
status_t memmap_add(struct memmap *m, uint64_t start, uint64_t len, uint32_t type);

/* Forces [start, end) to type (MEM_NONE removes it). */
status_t memmap_set(struct memmap *m, uint64_t start, uint64_t end, uint32_t type);

/* Claims [start, start+len) for one of leapboot's uses; it must be free RAM. */
status_t memmap_claim(struct memmap *m, uint64_t start, uint64_t len, uint32_t type);

/* True if [start, end) is entirely of the given type. */
bool memmap_covered(const struct memmap *m, uint64_t start, uint64_t end, uint32_t type);

/* Finds len bytes of free RAM aligned to align inside [lo, hi): the highest such
 * place when top_down, else the lowest. */
status_t memmap_find(const struct memmap *m, uint64_t len, uint64_t align, uint64_t lo, uint64_t hi,
		     bool top_down, uint64_t *out);

/* Bytes of RAM (free or claimed) below limit. */
uint64_t memmap_ram_size(const struct memmap *m, uint64_t limit);

/* End of the highest RAM (free or claimed) range below limit. */
uint64_t memmap_ram_top(const struct memmap *m, uint64_t limit);

#endif
