#include "arm64.h"
#include "../loader/libc/string.h"

#define TWO_MIB 0x200000ull

status_t arm64_parse(struct arm64_image *img, const void *head, size_t len)
{
	struct arm64_image_header h;

	memset(img, 0, sizeof(*img));
	if (len < sizeof(h))
		return lb_fail(LB_E_ARM64_TOO_SHORT, len, sizeof(h));
	memcpy(&h, head, sizeof(h));
	if (h.magic != ARM64_IMAGE_MAGIC)
		return lb_fail(LB_E_ARM64_NOT_IMAGE, h.magic, ARM64_IMAGE_MAGIC);
	if (h.image_size == 0)
		return lb_fail(LB_E_ARM64_OLD_IMAGE, h.text_offset, 0);
	if (h.flags & ARM64_FLAG_BE)
		return lb_fail(LB_E_ARM64_BIG_ENDIAN, h.flags, 0);
	if (h.text_offset >= TWO_MIB * 1024 || h.image_size > ARM64_IMAGE_SIZE_MAX)
		return lb_fail(LB_E_ARM64_BAD_HEADER, h.text_offset, h.image_size);
	img->text_offset = h.text_offset;
	img->image_size = h.image_size;
	img->flags = h.flags;
	return lb_ok();
}

status_t arm64_place(struct arm64_image *img, struct memmap *m)
{
	uint64_t span = img->text_offset + img->image_size;
	status_t s = memmap_find(m, span, TWO_MIB, 0, UINT64_MAX, false, &img->base);
	if (s.code)
		return lb_fail(LB_E_ARM64_NO_ROOM, img->image_size, img->text_offset);
	return memmap_claim(m, img->base, span, MEM_CLAIM_KERNEL);
}
