#include "fw_cfg.h"
#include "out_of_line.h"
#include "phys.h"
#include "../loader/libc/string.h"

static inline uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

/* One DMA request; the descriptor lives on the stack, which is RAM. The
 * back-end's dma() is a memory barrier for the compiler (the descriptor stored
 * before, read back after) and orders the device's access. */
static status_t dma(struct fw_cfg *fc, uint32_t control, uint64_t addr, uint32_t len, uint16_t key)
{
	struct fw_cfg_dma_access d = {be32(control), be32(len), __builtin_bswap64(addr)};

	fc->ops->dma(fc->ctx, phys(&d));
	uint32_t done = be32(d.control_be);
	if (done & FW_CFG_DMA_ERROR)
		return lb_fail(LB_E_FWCFG_DMA_ERROR, key, len);
	return lb_ok();
}

/* A skip to offset, then the transfer without selecting (so rewinding) again.
 * Out of line: the common transfers start at 0 and then need no registers
 * kept across a call. */
static __attribute__((noinline)) status_t dma_skip_then(struct fw_cfg *fc, uint16_t key,
							uint32_t offset, uint32_t op, uint64_t addr,
							uint32_t len)
{
	status_t s =
	    dma(fc, FW_CFG_DMA_SELECT | (uint32_t)key << 16 | FW_CFG_DMA_SKIP, 0, offset, key);
	if (s.code)
		return s;
	return dma(fc, op, addr, len, key);
}

/* A DMA read or write (op) of len bytes at offset of item key. */
static inline __attribute__((always_inline)) status_t
dma_at(struct fw_cfg *fc, uint16_t key, uint32_t offset, uint32_t op, uint64_t addr, uint32_t len)
{
	if (offset)
		return dma_skip_then(fc, key, offset, op, addr, len);
	return dma(fc, FW_CFG_DMA_SELECT | (uint32_t)key << 16 | op, addr, len, key);
}

/* Without DMA: through the data register, the offset read into scratch. Out of
 * line, so that its buffer costs the DMA path nothing. */
static __attribute__((noinline)) status_t pio_read(struct fw_cfg *fc, uint16_t key, uint32_t offset,
						   uint64_t dst, uint32_t len)
{
	fc->ops->select(fc->ctx, key);
	uint8_t scratch[64];
	while (offset) {
		uint32_t n = offset < sizeof(scratch) ? offset : sizeof(scratch);
		fc->ops->read(fc->ctx, scratch, n);
		offset -= n;
	}
	fc->ops->read(fc->ctx, (void *)(uintptr_t)dst, len);
	return lb_ok();
}

static inline __attribute__((always_inline)) status_t
transfer(struct fw_cfg *fc, uint16_t key, uint32_t offset, uint64_t dst, uint32_t len)
{
	if (!fc->dma)
		return pio_read(fc, key, offset, dst, len);
	return dma_at(fc, key, offset, FW_CFG_DMA_READ, dst, len);
}

/* The lookup hashes a name's byte 4 and its byte at, which byte 4 picks: a few
 * loads and one lea, then one whole-name compare decides. The tables are
 * constant expressions over the list (each entry the row that hashes to it), as
 * a string's bytes are no integer constants for a switch; the unit tests check
 * that every name finds itself and no near miss does. */
#define KNOWN_HASH(b4, b_at)   ((uint8_t)((b_at) + 2 * (b4)))
#define AT_IF(id, str, at, b4) (uint8_t)(str)[4] == (b4) ? (at):
#define AT(b4)		       (FW_CFG_KNOWN_LIST(AT_IF, b4) 4)
#define AT4(b)		       AT(b), AT(b + 1), AT(b + 2), AT(b + 3)
#define AT16(b)		       AT4(b), AT4(b + 4), AT4(b + 8), AT4(b + 12)
#define AT64(b)		       AT16(b), AT16(b + 16), AT16(b + 32), AT16(b + 48)
static const uint8_t known_at[256] = {AT64(0), AT64(64), AT64(128), AT64(192)};

#define SLOT_IF(id, str, at, h) KNOWN_HASH((str)[4], (str)[at]) == (h) ? FW_CFG_##id:
#define SLOT(h)			(FW_CFG_KNOWN_LIST(SLOT_IF, h) FW_CFG_KNOWN_FILES)
#define SLOT4(h)		SLOT(h), SLOT(h + 1), SLOT(h + 2), SLOT(h + 3)
#define SLOT16(h)		SLOT4(h), SLOT4(h + 4), SLOT4(h + 8), SLOT4(h + 12)
#define SLOT64(h)		SLOT16(h), SLOT16(h + 16), SLOT16(h + 32), SLOT16(h + 48)
static const uint8_t known_slot[256] = {SLOT64(0), SLOT64(64), SLOT64(128), SLOT64(192)};

#define KNOWN_LEN(id, str, at, arg) [FW_CFG_##id] = sizeof(str),
static const uint8_t known_len[FW_CFG_KNOWN_FILES] = {FW_CFG_KNOWN_LIST(KNOWN_LEN, )};

/* The known file a name in a 56-byte field names, or -1. A case per file, so
 * that each compare knows its length and name. */
static int known_index(const char *name)
{
	uint8_t b4 = (uint8_t)name[4];
	unsigned k = known_slot[KNOWN_HASH(b4, (uint8_t)name[known_at[b4]])];
	switch (k) {
#define KNOWN_CASE(id, str, at, arg)                                                               \
	case FW_CFG_##id:                                                                          \
		return mem_equal(name, str, sizeof(str)) ? (int)k : -1;
		FW_CFG_KNOWN_LIST(KNOWN_CASE, )
	}
	return -1;
}

/* One walk over the directory for every known name; the first entry of a name
 * counts, as in fw_cfg_find_len. Key 0 (the signature) is no file's. */
static OUT_OF_LINE void find_known(struct fw_cfg *fc)
{
	for (uint32_t i = 0; i < fc->nfiles; i++) {
		const struct fw_cfg_file *f = &fc->files[i];
		int k = known_index(f->name);
		if (k >= 0 && !fc->known[k].key && f->select_be)
			fc->known[k] =
			    (struct fw_cfg_blob){__builtin_bswap16(f->select_be), be32(f->size_be)};
	}
}

status_t fw_cfg_probe(struct fw_cfg *fc, const struct fw_cfg_ops *ops, void *ctx,
		      struct fw_cfg_file *dir, uint32_t dir_max)
{
	/* The item is the count, then the entries: the count lands in the last
	 * word of dir[0], so that one read puts the entries at dir[1]. */
	uint32_t *count_be = (uint32_t *)(void *)(dir + 1) - 1;
	uint32_t room = dir_max - 1;

	fc->ops = ops;
	fc->ctx = ctx;
	fc->dma = false;
	fc->nfiles = 0;
	fc->files = dir + 1;
	memset(fc->known, 0, sizeof(fc->known));
	if (ops->dma_present && ops->dma_present(ctx)) {
		fc->dma = true;
	} else {
		uint32_t sig = 0, id = 0;
		ops->select(ctx, FW_CFG_SIGNATURE);
		ops->read(ctx, &sig, sizeof(sig));
		if (memcmp(&sig, "QEMU", 4) != 0)
			return lb_fail(LB_E_FWCFG_ABSENT, sig, 0);
		ops->select(ctx, FW_CFG_ID);
		ops->read(ctx, &id, sizeof(id));
		fc->dma = (id & FW_CFG_ID_DMA) != 0;
	}

	/* With DMA, the count and room entries in one request: QEMU reads zeros
	 * past an item's end. */
	uint32_t ahead = fc->dma ? room * (uint32_t)sizeof(*dir) : 0;
	status_t s = fw_cfg_read(fc, FW_CFG_FILE_DIR, 0, phys(count_be), sizeof(*count_be) + ahead);
	if (s.code)
		return s;
	uint32_t count = be32(*count_be);
	if (count > room)
		return lb_fail(LB_E_FWCFG_DIR_TOO_BIG, count, room);
	if (!fc->dma)
		ops->read(ctx, fc->files, count * (uint32_t)sizeof(*dir));
	fc->nfiles = count;
	find_known(fc);
	return lb_ok();
}

OUT_OF_LINE bool fw_cfg_find_len(const struct fw_cfg *fc, const char *name, size_t len,
				 uint16_t *key, uint32_t *size)
{
	uint64_t head = 0, mask = ~0ull;

	if (len >= sizeof(fc->files[0].name))
		return false; /* no entry can hold it with its NUL */
	/* The first eight bytes of the name (with its NUL, if it ends before)
	 * against each entry's in one compare; the rest only where they match. */
	size_t n = len + 1 < 8 ? len + 1 : 8;
	memcpy(&head, name, n);
	if (n < 8)
		mask = (1ull << (8 * n)) - 1;
	for (uint32_t i = 0; i < fc->nfiles; i++) {
		const struct fw_cfg_file *f = &fc->files[i];
		uint64_t w;
		memcpy(&w, f->name, 8);
		if ((w & mask) != head || !mem_equal(f->name + n, name + n, len + 1 - n))
			continue;
		*key = __builtin_bswap16(f->select_be);
		*size = be32(f->size_be);
		return true;
	}
	return false;
}

bool fw_cfg_find_field(const struct fw_cfg *fc, const char name[56], size_t len, uint16_t *key,
		       uint32_t *size)
{
	int k = known_index(name);
	if (k < 0 || known_len[k] != len + 1)
		return fw_cfg_find_len(fc, name, len, key, size);
	*key = fc->known[k].key;
	*size = fc->known[k].size;
	return *key != 0;
}

OUT_OF_LINE status_t fw_cfg_read(struct fw_cfg *fc, uint16_t key, uint32_t offset, uint64_t dst,
				 uint32_t len)
{
	return transfer(fc, key, offset, dst, len);
}

status_t fw_cfg_read_u32s(struct fw_cfg *fc, const uint16_t *keys, uint32_t *values, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		status_t s = transfer(fc, keys[i], 0, phys(&values[i]), sizeof(values[i]));
		if (s.code)
			return s;
	}
	return lb_ok();
}

status_t fw_cfg_write(struct fw_cfg *fc, uint16_t key, uint32_t offset, uint64_t src, uint32_t len)
{
	if (!fc->dma)
		return lb_fail(LB_E_FWCFG_NO_DMA, key, 0);
	return dma_at(fc, key, offset, FW_CFG_DMA_WRITE, src, len);
}
