/* leapboot's data is identity-mapped: a pointer is its physical address. */
#ifndef LEAPBOOT_PHYS_H
#define LEAPBOOT_PHYS_H

#include <stdint.h>

static inline uint64_t phys(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

#endif
