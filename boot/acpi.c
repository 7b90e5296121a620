#include "acpi.h"
#include "anchors.h"
#include "checksum.h"
#include "le.h"
#include "../loader/libc/string.h"

/* Limits against hostile scripts: QEMU's largest blob (etc/acpi/tables with many
 * devices) is far below this. */
#define BLOB_MAX_SIZE  (16u << 20)
#define BLOB_MAX_ALIGN (1u << 20)

_Static_assert(LOADER_FILESZ % 8 == 0, "name fields are whole words");

/* The length of a name field's string, a word at a time; LOADER_FILESZ when
 * the field holds no NUL. */
static uint32_t name_len(const char *name)
{
	for (uint32_t i = 0; i < LOADER_FILESZ; i += 8) {
		uint64_t w;
		memcpy(&w, name + i, 8);
		uint64_t z = word_zero_bytes(w);
		if (z)
			return i + (uint32_t)__builtin_ctzll(z) / 8;
	}
	return LOADER_FILESZ;
}

static inline __attribute__((always_inline)) struct acpi_blob *find_blob(struct acpi_loader *l,
									 const char *name)
{
	/* A blob's name, its bytes and its NUL, against the field's is strncmp's
	 * equality, whatever follows the NUL in the command (both fields are
	 * LOADER_FILESZ bytes): the first 16 bytes masked, then any rest. Names
	 * are unique; the newest first, as QEMU's scripts allocate the tables
	 * last. */
	uint64_t q[2];
	memcpy(q, name, sizeof(q));
	for (uint32_t i = l->nblobs; i-- > 0;) {
		const struct acpi_blob *b = &l->blob[i];
		if (((q[0] & b->head_mask[0]) ^ b->head[0]) |
		    ((q[1] & b->head_mask[1]) ^ b->head[1]))
			continue;
		if (b->name_len < 16 || mem_equal(b->name + 16, name + 16, b->name_len + 1 - 16))
			return &l->blob[i];
	}
	return 0;
}

static bool in_blob(const struct acpi_blob *b, uint32_t offset, uint32_t len)
{
	return offset <= b->size && len <= b->size - offset;
}

static bool pointer_size_ok(uint8_t size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

static bool fits(uint64_t v, uint8_t size)
{
	return size == 8 || v < (1ull << (8 * size));
}

static status_t allocate(struct acpi_loader *l, const struct loader_entry *e,
			 const struct acpi_loader_ops *ops, void *ctx, uint32_t index)
{
	uint32_t size, file, align = e->alloc.align;
	uint32_t len = name_len(e->alloc.file);

	if (len == 0 || len == LOADER_FILESZ)
		return lb_fail(LB_E_ACPI_BAD_NAME, index, 0);
	if (find_blob(l, e->alloc.file))
		return lb_fail(LB_E_ACPI_DOUBLE_ALLOC, index, 0);
	if (!ops->find_file(ctx, e->alloc.file, len, &size, &file))
		return lb_fail(LB_E_ACPI_NO_FILE, index, 0);
	if (!align || (align & (align - 1)) || align > BLOB_MAX_ALIGN)
		return lb_fail(LB_E_ACPI_BAD_ALIGN, index, align);
	if (e->alloc.zone != LOADER_ZONE_HIGH && e->alloc.zone != LOADER_ZONE_FSEG)
		return lb_fail(LB_E_ACPI_BAD_ZONE, index, e->alloc.zone);
	if (!size || size > BLOB_MAX_SIZE)
		return lb_fail(LB_E_ACPI_BAD_SIZE, index, size);
	if (l->nblobs == ACPI_MAX_BLOBS)
		return lb_fail(LB_E_ACPI_TOO_MANY, index, ACPI_MAX_BLOBS);

	struct acpi_blob *b = &l->blob[l->nblobs];
	b->name_len = len;
	memset(b->name, 0, LOADER_FILESZ);
	memcpy(b->name, e->alloc.file, len);
	memcpy(b->head, b->name, sizeof(b->head));
	/* The head's bytes up to and including the NUL (at byte len), without a
	 * branch: each is a translation block under TCG. */
	uint32_t n = len + 1 < 16 ? len + 1 : 16;
	unsigned __int128 mask = ~(~(unsigned __int128)0 << (8 * n - 1) << 1);
	b->head_mask[0] = (uint64_t)mask;
	b->head_mask[1] = (uint64_t)(mask >> 64);
	b->size = size;
	b->zone = e->alloc.zone;
	status_t s = ops->allocate(ctx, file, size, align, b->zone, &b->addr, &b->mem);
	if (s.code)
		return s;
	l->nblobs++;
	return lb_ok();
}

static status_t add_pointer(struct acpi_loader *l, const struct loader_entry *e, uint32_t index)
{
	/* Blob names are checked at ALLOCATE; a bounded compare cannot match an
	 * unterminated name. */
	struct acpi_blob *dst = find_blob(l, e->pointer.dest_file);
	struct acpi_blob *src = find_blob(l, e->pointer.src_file);
	if (!dst || !src)
		return lb_fail(LB_E_ACPI_NOT_ALLOCATED, index, 0);
	uint8_t size = e->pointer.size;
	if (!pointer_size_ok(size))
		return lb_fail(LB_E_ACPI_BAD_POINTER_SIZE, index, size);
	if (!in_blob(dst, e->pointer.offset, size))
		return lb_fail(LB_E_ACPI_OUT_OF_BLOB, index, e->pointer.offset);
	uint8_t *p = dst->mem + e->pointer.offset;
	uint64_t v = le_get(p, size) + src->addr;
	if (!fits(v, size))
		return lb_fail(LB_E_ACPI_POINTER_OVERFLOW, index, v);
	le_put(p, size, v);
	return lb_ok();
}

static status_t add_checksum(struct acpi_loader *l, const struct loader_entry *e, uint32_t index)
{
	struct acpi_blob *b = find_blob(l, e->cksum.file);
	if (!b)
		return lb_fail(LB_E_ACPI_NOT_ALLOCATED, index, 0);
	if (!in_blob(b, e->cksum.offset, 1))
		return lb_fail(LB_E_ACPI_OUT_OF_BLOB, index, e->cksum.offset);
	if (!in_blob(b, e->cksum.start, e->cksum.length))
		return lb_fail(LB_E_ACPI_OUT_OF_BLOB, index, e->cksum.start);
	uint8_t sum = checksum_sum(b->mem + e->cksum.start, e->cksum.length);
	/* Make the range sum to zero, whatever the byte held before. */
	b->mem[e->cksum.offset] = (uint8_t)(b->mem[e->cksum.offset] - sum);
	return lb_ok();
}

static status_t write_pointer(struct acpi_loader *l, const struct loader_entry *e,
			      const struct acpi_loader_ops *ops, void *ctx, uint32_t index)
{
	uint32_t dst_size, dst;
	uint32_t len = name_len(e->wr_pointer.dest_file);

	if (len == 0 || len == LOADER_FILESZ)
		return lb_fail(LB_E_ACPI_BAD_NAME, index, 0);
	struct acpi_blob *src = find_blob(l, e->wr_pointer.src_file);
	if (!src)
		return lb_fail(LB_E_ACPI_NOT_ALLOCATED, index, 0);
	if (!ops->find_file(ctx, e->wr_pointer.dest_file, len, &dst_size, &dst))
		return lb_fail(LB_E_ACPI_NO_FILE, index, 0);
	uint8_t size = e->wr_pointer.size;
	if (!pointer_size_ok(size))
		return lb_fail(LB_E_ACPI_BAD_POINTER_SIZE, index, size);
	if (e->wr_pointer.dst_offset > dst_size || size > dst_size - e->wr_pointer.dst_offset)
		return lb_fail(LB_E_ACPI_OUT_OF_BLOB, index, e->wr_pointer.dst_offset);
	if (e->wr_pointer.src_offset >= src->size)
		return lb_fail(LB_E_ACPI_OUT_OF_BLOB, index, e->wr_pointer.src_offset);
	uint64_t v = src->addr + e->wr_pointer.src_offset;
	if (!fits(v, size))
		return lb_fail(LB_E_ACPI_POINTER_OVERFLOW, index, v);
	uint8_t bytes[8];
	le_put(bytes, size, v);
	return ops->write_file(ctx, dst, e->wr_pointer.dst_offset, bytes, size);
}

status_t acpi_run_loader(struct acpi_loader *l, const void *script, uint32_t len,
			 const struct acpi_loader_ops *ops, void *ctx)
{
	l->nblobs = 0;
	if (len % sizeof(struct loader_entry))
		return lb_fail(LB_E_ACPI_BAD_SCRIPT, len, sizeof(struct loader_entry));
	const struct loader_entry *entries = script; /* packed: any alignment */
	for (uint32_t i = 0; i < len / sizeof(struct loader_entry); i++) {
		const struct loader_entry *e = &entries[i];
		status_t s = lb_ok();
		switch (e->command) {
		case LOADER_ALLOCATE:
			s = allocate(l, e, ops, ctx, i);
			break;
		case LOADER_ADD_POINTER:
			s = add_pointer(l, e, i);
			break;
		case LOADER_ADD_CHECKSUM:
			s = add_checksum(l, e, i);
			break;
		case LOADER_WRITE_POINTER:
			s = write_pointer(l, e, ops, ctx, i);
			break;
		default:
			/* 0 is padding; later QEMUs may add commands older
			 * firmware is expected to skip (as SeaBIOS does). */
			break;
		}
		if (s.code)
			return s;
	}
	return lb_ok();
}

const struct acpi_blob *acpi_find_rsdp(const struct acpi_loader *l)
{
	for (uint32_t i = 0; i < l->nblobs; i++)
		if (l->blob[i].size >= 20 && le64(l->blob[i].mem) == ANCHOR_RSDP)
			return &l->blob[i];
	return 0;
}
