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

#define ACPI_HEADER	36
#define RSDP_REVISION	15
#define RSDP_XSDT	24
#define FADT_DSDT	40
#define FADT_X_DSDT	140
#define FW_CFG_MIN_SIZE 0x18 /* data, selector, DMA */

/* A table by signature in the XSDT; 0 if absent. */
static const uint8_t *xsdt_find(const uint8_t *xsdt, const char *sig)
{
	uint32_t len = le32(xsdt + 4);
	for (uint32_t off = ACPI_HEADER; off + 8 <= len; off += 8) {
		const uint8_t *t = (const uint8_t *)(uintptr_t)le64(xsdt + off);
		if (t && !memcmp(t, sig, 4))
			return t;
	}
	return 0;
}

uint64_t acpi_rsdp_fw_cfg(const uint8_t *rsdp)
{
	if (!rsdp || memcmp(rsdp, "RSD PTR ", 8) || rsdp[RSDP_REVISION] < 2)
		return 0;
	const uint8_t *xsdt = (const uint8_t *)(uintptr_t)le64(rsdp + RSDP_XSDT);
	if (!xsdt || memcmp(xsdt, "XSDT", 4))
		return 0;
	const uint8_t *fadt = xsdt_find(xsdt, "FACP");
	if (!fadt)
		return 0;
	uint64_t dsdt_addr = le32(fadt + 4) >= FADT_X_DSDT + 8 ? le64(fadt + FADT_X_DSDT) : 0;
	if (!dsdt_addr)
		dsdt_addr = le32(fadt + FADT_DSDT);
	const uint8_t *dsdt = (const uint8_t *)(uintptr_t)dsdt_addr;
	if (!dsdt || memcmp(dsdt, "DSDT", 4) || le32(dsdt + 4) < ACPI_HEADER)
		return 0;
	uint64_t base;
	uint32_t size;
	if (!acpi_dsdt_fw_cfg(dsdt + ACPI_HEADER, le32(dsdt + 4) - ACPI_HEADER, &base, &size) ||
	    size < FW_CFG_MIN_SIZE)
		return 0;
	return base;
}
