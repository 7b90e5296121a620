#include "acpi_fw_cfg.h"
#include "le.h"
#include "../../loader/libc/string.h"

#define HID	      "QEMU0002"
#define HID_LEN	      9	  /* with its NUL */
#define DEVICE_REACH  128 /* _STA, _CCA and _CRS follow _HID within this */
#define MEMORY32FIXED 0x86
#define M32F_LENGTH   9 /* the descriptor's own length field */
#define BUFFER_OP     0x11

static const uint8_t *find(const uint8_t *p, const uint8_t *end, const void *what, uint32_t n)
{
	for (; end - p >= (long)n; p++)
		if (!memcmp(p, what, n))
			return p;
	return 0;
}

/* End of the Buffer whose PkgLength starts at p (ACPI 6.5 §20.2.4: the lead byte's
 * top two bits count the bytes that follow; the length counts itself), at most
 * limit: a descriptor past it belongs to the next object, not to this _CRS. */
static const uint8_t *buffer_end(const uint8_t *p, const uint8_t *limit)
{
	uint32_t follow = p < limit ? *p >> 6 : 0;
	if (limit - p <= follow)
		return p;
	uint32_t len = follow ? *p & 0x0f : *p & 0x3f;
	for (uint32_t i = 1; i <= follow; i++)
		len |= (uint32_t)p[i] << (8 * i - 4);
	return limit - p > len ? p + len : limit;
}

bool acpi_dsdt_fw_cfg(const uint8_t *aml, uint32_t len, uint64_t *base, uint32_t *size)
{
	const uint8_t *end = aml + len;
	const uint8_t *hid = find(aml, end, HID, HID_LEN);
	if (!hid)
		return false;
	const uint8_t *p = hid + HID_LEN;
	const uint8_t *limit = end - p > DEVICE_REACH ? p + DEVICE_REACH : end;
	const uint8_t *crs = find(p, limit, "_CRS", 4);
	if (!crs)
		return false;
	/* Name (_CRS, Buffer (...) { Memory32Fixed ... }): the descriptor is tag
	 * 0x86, length 9, then write flag, base, size. */
	static const uint8_t tag[] = {MEMORY32FIXED, M32F_LENGTH, 0};
	p = crs + 4;
	if (p >= limit || *p != BUFFER_OP)
		return false;
	limit = buffer_end(p + 1, limit);
	const uint8_t *d = find(p, limit, tag, sizeof(tag));
	if (!d || limit - d < 3 + 1 + 4 + 4)
		return false;
	*base = le32(d + 4);
	*size = le32(d + 8);
	return true;
}
