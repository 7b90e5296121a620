/* Byte-level helpers shared by the unit tests and fuzz targets: reading little-endian
 * fields, 8-bit sums, all-zero checks. */
#ifndef LEAPBOOT_TEST_BYTES_H
#define LEAPBOOT_TEST_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../boot/le.h"

static inline uint8_t sum8(const uint8_t *p, uint64_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static inline bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

#endif
