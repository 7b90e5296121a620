#include "fdt_check.h"
#include <libfdt.h>

#define MAX_DEPTH 64 /* far more than any real tree */

static uint32_t be32_at(const char *p)
{
	const unsigned char *b = (const unsigned char *)p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The /memreserve/ list ends (an entry of size 0) before the next block starts. */
static int check_rsvmap(const char *fdt)
{
	uint32_t rsv = fdt_off_mem_rsvmap(fdt), end = fdt_totalsize(fdt);
	if (fdt_off_dt_struct(fdt) > rsv && fdt_off_dt_struct(fdt) < end)
		end = fdt_off_dt_struct(fdt);
	if (fdt_off_dt_strings(fdt) > rsv && fdt_off_dt_strings(fdt) < end)
		end = fdt_off_dt_strings(fdt);
	for (uint32_t off = rsv; end >= 16 && off <= end - 16; off += 16)
		if (!be32_at(fdt + off + 8) && !be32_at(fdt + off + 12))
			return 0;
	return -FDT_ERR_BADLAYOUT;
}

/* A NUL within [p, end): the length of the string at p, else -1. */
static int64_t string_len(const char *p, const char *end)
{
	for (const char *q = p; q < end; q++)
		if (!*q)
			return q - p;
	return -1;
}

static int check_structure(const char *fdt)
{
	const char *p = fdt + fdt_off_dt_struct(fdt);
	const char *end = p + fdt_size_dt_struct(fdt);
	const char *strings = fdt + fdt_off_dt_strings(fdt);
	uint32_t strings_size = fdt_size_dt_strings(fdt);
	int depth = 0, roots = 0;

	while (end - p >= 4) {
		uint32_t tag = be32_at(p);
		p += 4;
		switch (tag) {
		case FDT_BEGIN_NODE: {
			int64_t n = string_len(p, end);
			if (n < 0 || (depth == 0 && (n != 0 || roots++)) || ++depth > MAX_DEPTH)
				return -FDT_ERR_BADSTRUCTURE;
			p += (n + 1 + 3) & ~3;
			break;
		}
		case FDT_END_NODE:
			if (depth-- == 0)
				return -FDT_ERR_BADSTRUCTURE;
			break;
		case FDT_PROP: {
			if (depth == 0 || end - p < 8)
				return -FDT_ERR_BADSTRUCTURE;
			uint32_t len = be32_at(p), name = be32_at(p + 4);
			p += 8;
			if (len > (uint64_t)(end - p) || name >= strings_size ||
			    string_len(strings + name, strings + strings_size) < 0)
				return -FDT_ERR_BADSTRUCTURE;
			p += (len + 3) & ~3u;
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			return depth == 0 && roots == 1 ? 0 : -FDT_ERR_BADSTRUCTURE;
		default:
			return -FDT_ERR_BADSTRUCTURE;
		}
		if (p > end)
			return -FDT_ERR_BADSTRUCTURE;
	}
	return -FDT_ERR_TRUNCATED;
}

int fdt_validate(const void *fdt)
{
	int err = fdt_check_header(fdt);
	if (err)
		return err;
	if (fdt_version(fdt) < 17)
		return -FDT_ERR_BADVERSION;
	if (fdt_off_dt_struct(fdt) % 4)
		return -FDT_ERR_BADLAYOUT;
	err = check_rsvmap(fdt);
	return err ? err : check_structure(fdt);
}
