/* A unified kernel image's measurement (boot/measure.c, boot/measured_boot.c):
 * each section's digests as its bytes pass, in one or more pieces, refused
 * after a gap or a second pass; .linux hashed raw; and PCRs 11 and 12 as
 * systemd-stub extends them, against the fake TPM, each digest computed here
 * with the SHA functions alone. */
#include <stdlib.h>
#include <string.h>

#include "fake_tpm.h"
#include "measured_boot.h"
#include "tap.h"

static const struct tpm2_banks two = {2, {TPM_ALG_SHA1, TPM_ALG_SHA256}};

static void sha(uint16_t alg, const void *p, size_t n, uint8_t *out)
{
	struct sha_ctx c;
	sha_init(&c, alg);
	sha_update(&c, p, n);
	sha_final(&c, out);
}

/* Whether d holds, in two's banks, the digests of [p, p + n). */
static bool digests_of(const struct tpm2_digests *d, const void *p, size_t n)
{
	bool right = d->n == two.n;
	for (uint32_t i = 0; right && i < two.n; i++) {
		uint8_t want[SHA_MAX_DIGEST];
		sha(two.alg[i], p, n, want);
		right = d->alg[i] == two.alg[i] &&
			!memcmp(d->digest[i], want, sha_digest_size(two.alg[i]));
	}
	return right;
}

static void show(struct measure_fetch *f, enum kernel_item item, uint64_t offset, const uint8_t *p,
		 uint64_t len)
{
	measure_fetch_seen(f, item, offset, p + offset, len);
}

static void test_sections(void)
{
	static const uint8_t osrel[] = "ID=leapboot\n", cmdline[] = "console=ttyS0 quiet";
	struct measure_fetch f;
	struct tpm2_digests d;

	measure_fetch_start(&f, &two);
	show(&f, ITEM_UKI(UKI_OSREL), 0, osrel, sizeof(osrel));
	show(&f, ITEM_UKI(UKI_CMDLINE), 0, cmdline, 7);
	show(&f, ITEM_UKI(UKI_CMDLINE), 7, cmdline, sizeof(cmdline) - 7);
	ok(!measure_fetch_section(&f, UKI_OSREL, sizeof(osrel), &d).code &&
	       digests_of(&d, osrel, sizeof(osrel)),
	   "sections: .osrel's SHA-1 and SHA-256");
	ok(!measure_fetch_section(&f, UKI_CMDLINE, sizeof(cmdline), &d).code &&
	       digests_of(&d, cmdline, sizeof(cmdline)),
	   "sections: .cmdline's, shown in two pieces");
	is_code(measure_fetch_section(&f, UKI_CMDLINE, sizeof(cmdline) + 1, &d),
		LB_E_MEASURE_INCOMPLETE, "sections: a size other than what passed is refused");
	is_code(measure_fetch_section(&f, UKI_INITRD, 10, &d), LB_E_MEASURE_INCOMPLETE,
		"sections: one never shown is refused");

	measure_fetch_start(&f, &two);
	show(&f, ITEM_UKI(UKI_OSREL), 0, osrel, 4);
	show(&f, ITEM_UKI(UKI_OSREL), 5, osrel, sizeof(osrel) - 5);
	is_code(measure_fetch_section(&f, UKI_OSREL, sizeof(osrel), &d), LB_E_MEASURE_INCOMPLETE,
		"sections: a gap is refused");

	measure_fetch_start(&f, &two);
	show(&f, ITEM_UKI(UKI_OSREL), 0, osrel, sizeof(osrel));
	show(&f, ITEM_UKI(UKI_CMDLINE), 0, cmdline, sizeof(cmdline));
	show(&f, ITEM_UKI(UKI_OSREL), 0, osrel, sizeof(osrel));
	is_code(measure_fetch_section(&f, UKI_OSREL, sizeof(osrel), &d), LB_E_MEASURE_INCOMPLETE,
		"sections: a second pass is refused");
	ok(!measure_fetch_section(&f, UKI_CMDLINE, sizeof(cmdline), &d).code &&
	       digests_of(&d, cmdline, sizeof(cmdline)),
	   "sections: ... the other section unharmed");

	measure_fetch_start(&f, &two);
	show(&f, ITEM_UKI(UKI_OSREL), 0, osrel, 4);
	show(&f, ITEM_UKI(UKI_CMDLINE), 0, cmdline, sizeof(cmdline));
	show(&f, ITEM_UKI(UKI_OSREL), 4, osrel, sizeof(osrel) - 4);
	is_code(measure_fetch_section(&f, UKI_OSREL, sizeof(osrel), &d), LB_E_MEASURE_INCOMPLETE,
		"sections: one interrupted by another is refused");
}

/* A bzImage head with the fields QEMU's -kernel rewrites set. */
static uint8_t *bzimage_head(uint32_t n)
{
	uint8_t *k = malloc(n);
	for (uint32_t i = 0; i < n; i++)
		k[i] = (uint8_t)(i * 5 + 3);
	memcpy(k + 0x202, "HdrS", 4);
	k[0x206] = 0x0F; /* protocol 2.15 */
	k[0x207] = 0x02;
	return k;
}

static void test_linux_raw(void)
{
	enum { N = 3000 };
	uint8_t *k = bzimage_head(N);
	struct measure_fetch f;
	struct tpm2_digests d;

	measure_fetch_start(&f, &two);
	show(&f, ITEM_UKI(UKI_LINUX), 0, k, 100);
	show(&f, ITEM_UKI(UKI_LINUX), 100, k, N - 100);
	ok(!measure_fetch_kernel(&f, N, NULL, 0, &d).code && digests_of(&d, k, N),
	   ".linux: hashed raw, QEMU's fields left as they are");
	measure_fetch_start(&f, &two);
	show(&f, ITEM_KERNEL, 0, k, N);
	ok(!measure_fetch_kernel(&f, N, NULL, 0, &d).code && !digests_of(&d, k, N),
	   "a kernel file with that head: made canonical (so the check above can fail)");
	free(k);
}

/* Whether PCR pcr's extends in alg were the digests of each message. */
static bool extends_are(const struct fake_tpm *t, uint32_t pcr, uint16_t alg,
			const void *const *msg, const size_t *len, uint32_t n)
{
	bool right = fake_tpm_extends(t, pcr, alg) == n;
	for (uint32_t i = 0; right && i < n; i++) {
		uint8_t want[SHA_MAX_DIGEST];
		sha(alg, msg[i], len[i], want);
		right = !memcmp(fake_tpm_extended(t, pcr, alg, i), want, sha_digest_size(alg));
	}
	return right;
}

static void test_measured_boot(void)
{
	static const uint8_t osrel[] = "ID=leapboot\n";
	enum { N = 3000 };
	static const uint8_t utf16_quiet[] = {'q', 0, 'u', 0, 'i', 0, 'e', 0, 't', 0, 0, 0};
	static const uint8_t utf16_extra[] = {'x', 0, '=', 0, '1', 0, 0, 0};
	static const char cmdline[] = "quiet x=1";
	uint8_t *k = bzimage_head(N);
	struct fake_tpm ft;
	fake_tpm_init(&ft, TPM_IFACE_CRB);
	ft.active = FAKE_TPM_SHA1 | FAKE_TPM_SHA256;
	struct tpm_dev t = fake_tpm_dev(&ft);
	static uint8_t log[8192];
	struct measured_boot mb;

	is_code(measured_boot_start(&mb, &t, log, sizeof(log)), LB_OK, "boot: started");
	struct kernel_source src = {.uki = true};
	src.uki_part[UKI_LINUX].size = N;
	src.uki_part[UKI_OSREL].size = sizeof(osrel);
	src.uki_part[UKI_SDMAGIC].size = 10; /* never measured */
	mb.observer.seen(mb.observer.ctx, ITEM_UKI(UKI_LINUX), 0, k, N);
	mb.observer.seen(mb.observer.ctx, ITEM_UKI(UKI_OSREL), 0, osrel, sizeof(osrel));
	struct measured_kernel mk = {.size = N, .uki = &src, .user_cmdline_len = 5, .extra_len = 3};
	is_code(measured_boot_finish(&mb, &mk, 0, cmdline, sizeof(cmdline) - 1), LB_OK,
		"boot: finished");

	const void *pcr11[] = {".linux", k, ".osrel", osrel};
	const size_t len11[] = {7, N, 7, sizeof(osrel)};
	const void *pcr12[] = {utf16_quiet, utf16_extra};
	const size_t len12[] = {sizeof(utf16_quiet), sizeof(utf16_extra)};
	static const uint8_t separator[4];
	const void *pcr4[] = {k, separator};
	const size_t len4[] = {N, sizeof(separator)};
	for (uint32_t i = 0; i < two.n; i++) {
		ok(extends_are(&ft, 11, two.alg[i], pcr11, len11, 4),
		   "boot, bank %#x: PCR 11: .linux's name and NUL, its bytes, then .osrel's",
		   two.alg[i]);
		ok(extends_are(&ft, 12, two.alg[i], pcr12, len12, 2),
		   "boot, bank %#x: PCR 12: the user's command line, then the extra, UTF-16LE "
		   "with NUL",
		   two.alg[i]);
		ok(extends_are(&ft, 4, two.alg[i], pcr4, len4, 2),
		   "boot, bank %#x: PCR 4: .linux raw, then the separator", two.alg[i]);
	}
	free(k);
}

int main(void)
{
	test_sections();
	test_linux_raw();
	test_measured_boot();
	return done_testing();
}
