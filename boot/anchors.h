/* The signatures that legacy scans look for on 16-byte boundaries of the BIOS
 * area, 0xE0000-0xFFFFF: Linux's for the RSDP ("RSD PTR "), SMBIOS ("_SM_",
 * "_SM3_", "_DMI_") and the MP table ("_MP_"). The x86 ROM is mapped there, so
 * its bytes must never hold one: a stray anchor in code or data would be taken
 * for a table. Each is kept with its top bits flipped and restored at run time
 * with a mask read from a volatile, which the compiler cannot fold in;
 * tests/anchor-check scans the image for any that slipped in. */
#ifndef LEAPBOOT_ANCHORS_H
#define LEAPBOOT_ANCHORS_H

#include <stdint.h>

#define ANCHOR_FLIP 0x8080808080808080ull

#define ANCHOR_BYTES4(a, b, c, d)                                                                  \
	((uint64_t)(uint8_t)(a) | (uint64_t)(uint8_t)(b) << 8 | (uint64_t)(uint8_t)(c) << 16 |     \
	 (uint64_t)(uint8_t)(d) << 24)
#define ANCHOR_BYTES8(a, b, c, d, e, f, g, h)                                                      \
	(ANCHOR_BYTES4(a, b, c, d) | ANCHOR_BYTES4(e, f, g, h) << 32)

static volatile const uint64_t anchor_flip = ANCHOR_FLIP;

static inline uint64_t anchor_restore(uint64_t flipped)
{
	return flipped ^ anchor_flip;
}

/* Little-endian values of the first four (RSDP: eight) bytes. */
#define ANCHOR_SM  ((uint32_t)anchor_restore(ANCHOR_BYTES4('_', 'S', 'M', '_') ^ ANCHOR_FLIP))
#define ANCHOR_SM3 ((uint32_t)anchor_restore(ANCHOR_BYTES4('_', 'S', 'M', '3') ^ ANCHOR_FLIP))
#define ANCHOR_DMI ((uint32_t)anchor_restore(ANCHOR_BYTES4('_', 'D', 'M', 'I') ^ ANCHOR_FLIP))
#define ANCHOR_MP  ((uint32_t)anchor_restore(ANCHOR_BYTES4('_', 'M', 'P', '_') ^ ANCHOR_FLIP))
#define ANCHOR_RSDP                                                                                \
	anchor_restore(ANCHOR_BYTES8('R', 'S', 'D', ' ', 'P', 'T', 'R', ' ') ^ ANCHOR_FLIP)

#endif
