/* Hashing for measured boot: every bank at once, and the fetched items. */
#include "out_of_line.h"
#include "measure.h"
#include "le.h"
#include "../loader/libc/string.h"

#define ELF_MAGIC   0x464C457Fu /* "\x7fELF" */
#define GZIP_MAGIC0 0x1F
#define GZIP_MAGIC1 0x8B

OUT_OF_LINE void measure_hash_start(struct measure_hash *h, const struct tpm2_banks *banks)
{
	h->n = banks->n;
	for (uint32_t i = 0; i < banks->n; i++)
		sha_init(&h->c[i], banks->alg[i]);
}

OUT_OF_LINE void measure_hash_update(struct measure_hash *h, const void *data, size_t n)
{
	for (uint32_t i = 0; i < h->n; i++)
		sha_update(&h->c[i], data, n);
}

OUT_OF_LINE void measure_hash_final(struct measure_hash *h, struct tpm2_digests *d)
{
	d->n = h->n;
	for (uint32_t i = 0; i < h->n; i++) {
		d->alg[i] = h->c[i].alg;
		sha_final(&h->c[i], d->digest[i]);
	}
}

OUT_OF_LINE void measure_digest(const struct tpm2_banks *banks, const void *data, size_t n,
				struct tpm2_digests *d)
{
	struct measure_hash h;
	measure_hash_start(&h, banks);
	measure_hash_update(&h, data, n);
	measure_hash_final(&h, d);
}

/* Bytes [at, at + n) of the header, if the bytes reach that far. */
static void zero(uint8_t *head, uint32_t len, uint32_t at, uint32_t n)
{
	if (at + n <= len)
		memset(head + at, 0, n);
}

OUT_OF_LINE void measure_bzimage_canonical(uint8_t *head, uint32_t len)
{
	if (len < 0x208 || le32(head + 0x202) != 0x53726448u) /* "HdrS" */
		return;
	zero(head, len, 0x1FA, 2); /* vid_mode */
	zero(head, len, 0x210, 1); /* type_of_loader */
	if (len > 0x211)
		head[0x211] &= 0x7F; /* loadflags: CAN_USE_HEAP */
	zero(head, len, 0x218, 8);   /* ramdisk_image, ramdisk_size */
	zero(head, len, 0x224, 2);   /* heap_end_ptr */
	zero(head, len, 0x228, 4);   /* cmd_line_ptr */
	if (le16(head + 0x206) >= 0x209)
		zero(head, len, 0x250, 8); /* setup_data */
}

static void item_start(struct measure_item *it, const struct tpm2_banks *banks)
{
	measure_hash_start(&it->h, banks);
	it->seen = 0;
	it->broken = false;
	it->skipped = false;
	it->head_len = 0;
}

/* The kernel's first bytes, whole: a bzImage's header made route-independent,
 * an ELF file left to be measured where it is loaded, a gzip file (an arm64
 * Image.gz) by the image it inflates to. */
static void head_flush(struct measure_item *it)
{
	if ((it->head_len >= 4 && le32(it->head) == ELF_MAGIC) ||
	    (it->head_len >= 2 && it->head[0] == GZIP_MAGIC0 && it->head[1] == GZIP_MAGIC1)) {
		it->skipped = true;
		return;
	}
	measure_bzimage_canonical(it->head, it->head_len);
	measure_hash_update(&it->h, it->head, it->head_len);
}

static void item_bytes(struct measure_item *it, bool held, uint64_t offset, const uint8_t *p,
		       uint64_t len)
{
	if (offset != it->seen) {
		it->broken = true;
		return;
	}
	it->seen += len;
	if (held && it->head_len < MEASURE_HEAD) {
		uint64_t take = MEASURE_HEAD - it->head_len;
		if (take > len)
			take = len;
		memcpy(it->head + it->head_len, p, take);
		it->head_len += (uint32_t)take;
		p += take;
		len -= take;
		if (it->head_len < MEASURE_HEAD)
			return;
		head_flush(it);
	}
	if (!it->skipped)
		measure_hash_update(&it->h, p, len);
}

OUT_OF_LINE void measure_fetch_start(struct measure_fetch *f, const struct tpm2_banks *banks)
{
	f->banks = *banks;
	item_start(&f->kernel, banks);
	item_start(&f->initrd, banks);
	f->unmeasured = false;
	f->current = -1;
	memset(f->section_seen, 0, sizeof(f->section_seen));
}

/* The section passing ends when another begins, or at the end. */
static void section_end(struct measure_fetch *f)
{
	if (f->current < 0)
		return;
	f->section_seen[f->current] = f->section.broken ? UINT64_MAX : f->section.seen;
	measure_hash_final(&f->section.h, &f->section_digest[f->current]);
	f->current = -1;
}

static void section_bytes(struct measure_fetch *f, int32_t sec, uint64_t offset, const uint8_t *p,
			  uint64_t len)
{
	if (sec != f->current) {
		section_end(f);
		item_start(&f->section, &f->banks);
		f->section.broken = f->section_seen[sec] != 0; /* a second pass */
		f->current = sec;
	}
	item_bytes(&f->section, false, offset, p, len);
}

OUT_OF_LINE void measure_fetch_seen(void *ctx, enum kernel_item item, uint64_t offset,
				    const void *bytes, uint64_t len)
{
	struct measure_fetch *f = ctx;
	if (item == ITEM_KERNEL || item == ITEM_UKI(UKI_LINUX)) /* nobody rewrites .linux */
		item_bytes(&f->kernel, item == ITEM_KERNEL, offset, bytes, len);
	else if (item > ITEM_UKI(UKI_LINUX) && item < ITEM_UKI(UKI_SECTIONS))
		section_bytes(f, (int32_t)(item - ITEM_UKI(0)), offset, bytes, len);
	else if (item == ITEM_INITRD)
		item_bytes(&f->initrd, false, offset, bytes, len);
	else if (item != ITEM_CMDLINE) /* the command line is measured as the kernel gets it */
		f->unmeasured = true;
}

static status_t item_done(struct measure_item *it, uint64_t size)
{
	if (it->broken || it->seen != size)
		return lb_fail(LB_E_MEASURE_INCOMPLETE, it->seen, size);
	return lb_ok();
}

OUT_OF_LINE status_t measure_fetch_kernel(struct measure_fetch *f, uint64_t size, const void *span,
					  uint64_t span_len, struct tpm2_digests *d)
{
	struct measure_item *it = &f->kernel;
	if (f->unmeasured)
		return lb_fail(LB_E_MEASURE_MODULE, 0, 0);
	status_t s = item_done(it, size);
	if (s.code)
		return s;
	if (it->head_len < MEASURE_HEAD)
		head_flush(it);
	if (span && it->skipped) {
		/* A PVH ELF leapboot loaded itself: the span, as QEMU would load it;
		 * an Image.gz leapboot inflated: the Image, as QEMU would inflate it. */
		struct measure_hash *h = &it->h;
		measure_hash_update(h, span, span_len);
	} else if (it->skipped) {
		return lb_fail(LB_E_MEASURE_INCOMPLETE, 0, size);
	}
	measure_hash_final(&it->h, d);
	return lb_ok();
}

OUT_OF_LINE status_t measure_fetch_section(struct measure_fetch *f, enum uki_section sec,
					   uint64_t size, struct tpm2_digests *d)
{
	section_end(f);
	if (f->section_seen[sec] != size)
		return lb_fail(LB_E_MEASURE_INCOMPLETE, f->section_seen[sec], size);
	*d = f->section_digest[sec];
	return lb_ok();
}

OUT_OF_LINE status_t measure_fetch_initrd(struct measure_fetch *f, uint64_t size,
					  struct tpm2_digests *d)
{
	status_t s = item_done(&f->initrd, size);
	if (!s.code)
		measure_hash_final(&f->initrd.h, d);
	return s;
}
