/* boot/measure.c's kernel digest on any bytes, split anywhere: the first two
 * input bytes choose the piece sizes, the rest is the kernel. Rules: the digest
 * is the same however the kernel is split; it equals SHA-256 of the file with
 * docs/measured-boot.md's setup-header fields zeroed when the file is a bzImage
 * (measure_bzimage_canonical on a whole copy), of the file itself otherwise; an
 * ELF or gzip file (measured where it is loaded, or as what it inflates to) is
 * refused without that span. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "measure.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static const struct tpm2_banks sha256 = {1, {TPM_ALG_SHA256}};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 16384)
		return 0;
	uint32_t a = data[0] + 1u, b = data[1] * 3u + 1u;
	const uint8_t *k = data + 2;
	uint32_t n = (uint32_t)size - 2;

	struct measure_fetch f;
	struct tpm2_digests d;
	measure_fetch_start(&f, &sha256);
	for (uint32_t at = 0, i = 0; at < n; i++) {
		uint32_t step = i % 2 ? b : a;
		if (step > n - at)
			step = n - at;
		measure_fetch_seen(&f, ITEM_KERNEL, at, k + at, step);
		at += step;
	}
	status_t s = measure_fetch_kernel(&f, n, 0, 0, &d);
	static const uint8_t elf_magic[4] = {0x7f, 'E', 'L', 'F'};
	int loaded =
	    (n >= 4 && !memcmp(k, elf_magic, 4)) || (n >= 2 && k[0] == 0x1f && k[1] == 0x8b);
	if (loaded) {
		check(s.code == LB_E_MEASURE_INCOMPLETE);
		return 0;
	}
	check(!s.code);
	uint8_t *copy = malloc(n ? n : 1);
	memcpy(copy, k, n);
	measure_bzimage_canonical(copy, n < MEASURE_HEAD ? n : MEASURE_HEAD);
	uint8_t want[32];
	sha_digest(TPM_ALG_SHA256, copy, n, want);
	check(d.n == 1 && !memcmp(d.digest[0], want, 32));
	free(copy);
	return 0;
}
