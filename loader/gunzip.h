/* An arm64 Image.gz in memory, inflated in two steps: its first bytes (the Image
 * header, which says how large the kernel is and so where it goes), then the
 * rest straight to its place. zlib's state lives in a fixed arena. */
#ifndef LEAPBOOT_GUNZIP_H
#define LEAPBOOT_GUNZIP_H

#include <stdint.h>
#include <zlib.h>
#include "arm64.h"
#include "status.h"

struct gunzip {
	z_stream z;
};

/* Starts on the len bytes at src and inflates up to n bytes into head
 * (*got: fewer if the stream ends sooner). */
status_t gunzip_head(struct gunzip *g, const void *src, uint64_t len, void *head, uint32_t n,
		     uint32_t *got);

/* Inflates the rest to dst, which has room for cap bytes (image_size less the
 * head, for the messages: the Image's image_size); *total = every byte inflated,
 * head included. Ends the stream either way. */
status_t gunzip_rest(struct gunzip *g, void *dst, uint64_t cap, uint64_t image_size,
		     uint64_t *total);

/* Where an Image goes, once its header (img) says how large it is: *dst, with
 * room for img->image_size bytes (the firmware: placed in the memory map, which
 * sets img->base; leapboot.efi: pages from the firmware). */
typedef status_t (*gunzip_place_fn)(void *ctx, struct arm64_image *img, uint64_t *dst);

/* An Image.gz, the len bytes at gz, inflated: the Image header first, then,
 * where place says, the whole Image (*total bytes). img: its header. */
status_t gunzip_image(struct gunzip *g, const void *gz, uint64_t len, struct arm64_image *img,
		      gunzip_place_fn place, void *ctx, uint64_t *dst, uint64_t *total);

#endif
