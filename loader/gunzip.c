#include "gunzip.h"
#include "buffer_sizes.h"
#include "noinit.h"
#include "libc/string.h"

#define INFLATE_ARENA 0x10000 /* zlib's state and 32 KiB window */

static uint8_t inflate_arena[INFLATE_ARENA] NOINIT __attribute__((aligned(16)));
static uint32_t inflate_used;

/* zlib's allocations: a bump allocator over the arena, reset per stream. */
static voidpf arena_alloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	uint64_t n = ((uint64_t)items * size + 15) & ~15ull;
	if (n > INFLATE_ARENA - inflate_used)
		return Z_NULL;
	void *p = inflate_arena + inflate_used;
	inflate_used += (uint32_t)n;
	return p;
}

static void arena_free(voidpf opaque, voidpf p)
{
	(void)opaque;
	(void)p;
}

/* Why an inflate stopped short of Z_STREAM_END. */
static status_t gzip_error(const z_stream *z, int zr, uint64_t image_size)
{
	if (zr == Z_BUF_ERROR && !z->avail_out)
		return lb_fail(LB_E_ARM64_TOO_BIG, z->total_out + 1, image_size);
	if (zr == Z_BUF_ERROR && !z->avail_in)
		return lb_fail(LB_E_ARM64_GZIP_TRUNCATED, z->total_in, z->total_out);
	return lb_fail(LB_E_ARM64_BAD_GZIP, (uint64_t)-zr, z->total_in);
}

status_t gunzip_head(struct gunzip *g, const void *src, uint64_t len, void *head, uint32_t n,
		     uint32_t *got)
{
	z_stream *z = &g->z;
	memset(g, 0, sizeof(*g));
	inflate_used = 0;
	z->zalloc = arena_alloc;
	z->zfree = arena_free;
	z->next_in = (Bytef *)(uintptr_t)src;
	z->avail_in = (uInt)len;
	z->next_out = head;
	z->avail_out = n;
	int zr = inflateInit2(z, 16 + MAX_WBITS);
	while (zr == Z_OK && z->avail_out)
		zr = inflate(z, Z_NO_FLUSH);
	*got = n - z->avail_out;
	if (zr == Z_STREAM_END || (zr == Z_OK && !z->avail_out))
		return lb_ok();
	status_t s = gzip_error(z, zr, n);
	inflateEnd(z);
	return s;
}

status_t gunzip_rest(struct gunzip *g, void *dst, uint64_t cap, uint64_t image_size,
		     uint64_t *total)
{
	z_stream *z = &g->z;
	z->next_out = dst;
	z->avail_out = (uInt)cap;
	int zr = inflate(z, Z_FINISH);
	*total = z->total_out;
	status_t s = zr == Z_STREAM_END ? lb_ok() : gzip_error(z, zr, image_size);
	inflateEnd(z);
	return s;
}

status_t gunzip_image(struct gunzip *g, const void *gz, uint64_t len, struct arm64_image *img,
		      gunzip_place_fn place, void *ctx, uint64_t *dst, uint64_t *total)
{
	uint8_t head[ARM64_HEAD_BYTES];
	uint32_t got;

	status_t s = gunzip_head(g, gz, len, head, sizeof(head), &got);
	if (!s.code)
		s = arm64_parse(img, head, got);
	if (!s.code)
		s = place(ctx, img, dst);
	if (s.code)
		return s;
	memcpy((void *)(uintptr_t)*dst, head, got);
	return gunzip_rest(g, (void *)(uintptr_t)(*dst + got), img->image_size - got,
			   img->image_size, total);
}
