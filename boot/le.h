/* Little-endian fields read byte by byte: headers and firmware tables give no
 * alignment guarantee. */
#ifndef LEAPBOOT_LE_H
#define LEAPBOOT_LE_H

#include <stdint.h>

static inline __attribute__((always_inline)) uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline __attribute__((always_inline)) uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline __attribute__((always_inline)) uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Little-endian fields of 1, 2, 4 or 8 bytes (the table-loader's pointers). */
static inline uint64_t le_get(const uint8_t *p, uint8_t size)
{
	switch (size) {
	case 1:
		return p[0];
	case 2:
		return le16(p);
	case 4:
		return le32(p);
	default:
		return le64(p);
	}
}

static inline void le_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void le_put32(uint8_t *p, uint32_t v)
{
	le_put16(p, (uint16_t)v);
	le_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void le_put(uint8_t *p, uint8_t size, uint64_t v)
{
	switch (size) {
	case 1:
		p[0] = (uint8_t)v;
		break;
	case 2:
		le_put16(p, (uint16_t)v);
		break;
	case 4:
		le_put32(p, (uint32_t)v);
		break;
	default:
		le_put32(p, (uint32_t)v);
		le_put32(p + 4, (uint32_t)(v >> 32));
	}
}

#endif
