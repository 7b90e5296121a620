/* 8-bit checksums, as ACPI, SMBIOS and the MP tables use them: every byte of a
 * structure sums to 0 mod 256. */
#ifndef LEAPBOOT_CHECKSUM_H
#define LEAPBOOT_CHECKSUM_H

#include <stdint.h>

/* The sum of n bytes mod 256. */
uint8_t checksum_sum(const void *data, uint32_t n);

/* The byte that, stored in a checksum field holding 0, makes the sum 0. */
uint8_t checksum_fix(const void *data, uint32_t n);

#endif
