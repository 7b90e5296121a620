/* What measured boot hashes (docs/measured-boot.md): a message in every active
 * bank at once, and the kernel, initrd and command line as the one fetch path
 * shows them (struct fetch_observer), the kernel's digest independent of the
 * route it came by. Pure code: bytes in, digests out. */
#ifndef LEAPBOOT_MEASURE_H
#define LEAPBOOT_MEASURE_H

#include <stdbool.h>
#include "kernel_source.h"
#include "sha.h"
#include "tpm2.h"

/* One message hashed in every bank of a list. */
struct measure_hash {
	uint32_t n;
	struct sha_ctx c[TPM2_BANKS_MAX];
};

void measure_hash_start(struct measure_hash *h, const struct tpm2_banks *banks);
void measure_hash_update(struct measure_hash *h, const void *data, size_t n);
/* The digests in the banks' order; h is spent. */
void measure_hash_final(struct measure_hash *h, struct tpm2_digests *d);
/* One message at once. */
void measure_digest(const struct tpm2_banks *banks, const void *data, size_t n,
		    struct tpm2_digests *d);

/* The setup-header bytes up to setup_data's end: what QEMU's -kernel may
 * rewrite lies below. */
#define MEASURE_HEAD 0x258

/* Zeroes, in a bzImage's first len bytes, the setup-header fields QEMU's
 * -kernel rewrites (the list is in docs/measured-boot.md); nothing if the
 * bytes are not a bzImage's. */
void measure_bzimage_canonical(uint8_t *head, uint32_t len);

/* An item being hashed as it is fetched: its bytes must come whole, in order. */
struct measure_item {
	struct measure_hash h;
	uint64_t seen; /* bytes hashed so far */
	bool broken;   /* a gap or an overlap: its digest would mean nothing */
	bool skipped;  /* the kernel is an ELF or gzip file, measured where it was loaded */
	uint32_t head_len;
	uint8_t head[MEASURE_HEAD]; /* the kernel's first bytes, held until whole */
};

/* The observer's state: the kernel and initrd as they pass. A multiboot
 * module is not measured: seeing one marks the boot unmeasurable. */
struct measure_fetch {
	struct measure_item kernel, initrd;
	bool unmeasured; /* an item leapboot does not measure was fetched */
	/* A unified kernel image's sections but .linux (the kernel), each
	 * passing whole before the next: the one passing, and those passed. */
	struct tpm2_banks banks;
	struct measure_item section;
	int32_t current; /* -1: none yet */
	uint64_t section_seen[UKI_SECTIONS];
	struct tpm2_digests section_digest[UKI_SECTIONS];
};

void measure_fetch_start(struct measure_fetch *f, const struct tpm2_banks *banks);
/* The struct fetch_observer callback; ctx is a struct measure_fetch. */
void measure_fetch_seen(void *ctx, enum kernel_item item, uint64_t offset, const void *bytes,
			uint64_t len);

/* The kernel's digests: of its bytes as they passed (size bytes in all), or,
 * for a PVH ELF or a gzip file (span set), of the span it was loaded or
 * inflated to, [span, span+span_len). An item that did not pass whole is an
 * error, and so is an ELF or gzip file without its span. */
status_t measure_fetch_kernel(struct measure_fetch *f, uint64_t size, const void *span,
			      uint64_t span_len, struct tpm2_digests *d);
/* A unified kernel image's section's digests (size bytes), but .linux's:
 * those are the kernel's. */
status_t measure_fetch_section(struct measure_fetch *f, enum uki_section sec, uint64_t size,
			       struct tpm2_digests *d);
/* The initrd's digests (size bytes). */
status_t measure_fetch_initrd(struct measure_fetch *f, uint64_t size, struct tpm2_digests *d);

#endif
