/* arm64 Linux boot (Documentation/arch/arm64/booting.rst): the Image header,
 * placement (the device tree is boot/dtb.h). Pure code. */
#ifndef LEAPBOOT_ARM64_H
#define LEAPBOOT_ARM64_H

#include <stddef.h>
#include <stdint.h>
#include "memmap.h"
#include "status.h"

struct arm64_image_header {
	uint32_t code0, code1;
	uint64_t text_offset;
	uint64_t image_size;
	uint64_t flags;
	uint64_t res2, res3, res4;
	uint32_t magic;
	uint32_t pe_offset;
} __attribute__((packed));
_Static_assert(sizeof(struct arm64_image_header) == 64, "arm64 Image header");
_Static_assert(offsetof(struct arm64_image_header, text_offset) == 0x08, "text_offset");
_Static_assert(offsetof(struct arm64_image_header, image_size) == 0x10, "image_size");
_Static_assert(offsetof(struct arm64_image_header, flags) == 0x18, "flags");
_Static_assert(offsetof(struct arm64_image_header, magic) == 0x38, "magic");

#define ARM64_IMAGE_MAGIC  0x644d5241 /* "ARM\x64" */
#define ARM64_FLAG_BE	   0x1
#define ARM64_KERNEL_ALIGN 0x200000
/* Linux Images need tens of MiB; the cap keeps sizes within zlib's 32-bit counts. */
#define ARM64_IMAGE_SIZE_MAX 0xffffffffull
/* Linux arm64's COMMAND_LINE_SIZE (2048) less the NUL: longer bootargs are cut. */
#define ARM64_CMDLINE_MAX 2047

struct arm64_image {
	uint64_t text_offset, image_size, flags;
	uint64_t base; /* 2 MiB-aligned; the kernel starts at base + text_offset */
};

/* Validates the header in the first len bytes of the Image. */
status_t arm64_parse(struct arm64_image *img, const void *head, size_t len);

/* Places and claims [base, base + text_offset + image_size) in free RAM: as low as
 * possible (booting.rst: as close as possible to the start of RAM). */
status_t arm64_place(struct arm64_image *img, struct memmap *m);

#endif
