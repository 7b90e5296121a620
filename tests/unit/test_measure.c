/* boot/measure.c, boot/measured_boot.c, boot/tpm_acpi.c and boot/acpi_tables.c:
 * the kernel's digest is the same whichever fields QEMU's -kernel rewrote and
 * however the bytes are split, an item that passes with a gap is refused, a
 * PVH ELF is measured by its span and an Image.gz by its Image, the whole
 * measured boot against the fake TPM (every extension, in order, and the log
 * that records them), the TPM2 table's fields and refusals, and the table found
 * through RSDT and XSDT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi_tables.h"
#include "fake_tpm.h"
#include "measured_boot.h"
#include "tap.h"
#include "tpm_acpi.h"

static const struct tpm2_banks four = {
    4, {TPM_ALG_SHA1, TPM_ALG_SHA256, TPM_ALG_SHA384, TPM_ALG_SHA512}};
static const struct tpm2_banks sha256_only = {1, {TPM_ALG_SHA256}};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

/* A bzImage-like file of n bytes: a pattern, the HdrS signature, a protocol. */
static uint8_t *bzimage(uint32_t n, uint16_t version)
{
	uint8_t *f = malloc(n);
	for (uint32_t i = 0; i < n; i++)
		f[i] = (uint8_t)(i * 7 + 3);
	memcpy(f + 0x202, "HdrS", 4);
	put16(f + 0x206, version);
	f[0x211] = 0x01; /* LOADED_HIGH */
	return f;
}

/* What QEMU's -kernel writes into the header (hw/i386/x86.c). */
static void qemu_rewrites(uint8_t *f)
{
	put16(f + 0x1FA, 0xFFFF);
	f[0x210] = 0xB0;
	f[0x211] |= 0x80;
	put32(f + 0x218, 0x7F000000);
	put32(f + 0x21C, 0x123456);
	put16(f + 0x224, 0xFE00);
	put32(f + 0x228, 0x20000);
	put64(f + 0x250, 0x1000);
}

/* The digests of f (n bytes) as the observer sees it, in pieces of step. */
static status_t observed(const struct tpm2_banks *b, const uint8_t *f, uint32_t n, uint32_t step,
			 struct tpm2_digests *d)
{
	struct measure_fetch m;
	measure_fetch_start(&m, b);
	for (uint32_t at = 0; at < n; at += step)
		measure_fetch_seen(&m, ITEM_KERNEL, at, f + at, n - at < step ? n - at : step);
	return measure_fetch_kernel(&m, n, 0, 0, d);
}

static bool same(const struct tpm2_digests *a, const struct tpm2_digests *b)
{
	if (a->n != b->n)
		return false;
	for (uint32_t i = 0; i < a->n; i++)
		if (a->alg[i] != b->alg[i] ||
		    memcmp(a->digest[i], b->digest[i], sha_digest_size(a->alg[i])))
			return false;
	return true;
}

static void test_kernel_digest(void)
{
	const uint32_t n = 20000;
	uint8_t *orig = bzimage(n, 0x20F), *qemu = bzimage(n, 0x20F);
	qemu_rewrites(qemu);
	struct tpm2_digests a, b, want;

	is_code(observed(&four, orig, n, n, &a), LB_OK, "bzImage: whole file at once");
	is_code(observed(&four, qemu, n, 1, &b), LB_OK,
		"bzImage: -kernel's rewrites, byte by byte");
	ok(same(&a, &b), "bzImage: the same digests in every bank with QEMU's rewrites");

	/* The definition: the file with the fields zeroed, one SHA-256. */
	uint8_t *c = malloc(n);
	memcpy(c, qemu, n);
	memset(c + 0x1FA, 0, 2);
	c[0x210] = 0;
	c[0x211] &= 0x7F;
	memset(c + 0x218, 0, 8);
	memset(c + 0x224, 0, 2);
	memset(c + 0x228, 0, 4);
	memset(c + 0x250, 0, 8);
	measure_digest(&four, c, n, &want);
	ok(same(&a, &want), "bzImage: the digest of the file with the listed fields zeroed");

	static const uint32_t steps[] = {3, 0x1F1, MEASURE_HEAD - 1, MEASURE_HEAD, 4096};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		observed(&sha256_only, qemu, n, steps[i], &b);
		struct tpm2_digests w;
		measure_digest(&sha256_only, c, n, &w);
		ok(same(&b, &w), "bzImage: pieces of %u bytes", steps[i]);
	}

	/* Any other byte counts: loadflags' other bits, the byte after a field. */
	static const uint32_t others[] = {0x1F9, 0x1FC, 0x211, 0x217, 0x220,
					  0x226, 0x22C, 0x258, 0x4000};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		uint8_t *m = bzimage(n, 0x20F);
		m[others[i]] ^= others[i] == 0x211 ? 0x40 : 0x01;
		observed(&four, m, n, 512, &b);
		ok(!same(&a, &b), "bzImage: byte %#x changes the digest", others[i]);
		free(m);
	}

	/* Before protocol 2.09 the setup_data bytes are setup code. */
	uint8_t *old = bzimage(n, 0x208), *old2 = bzimage(n, 0x208);
	old2[0x252] ^= 1;
	observed(&four, old, n, n, &a);
	observed(&four, old2, n, n, &b);
	ok(!same(&a, &b), "protocol 2.08: bytes 0x250-0x257 are measured");

	/* A file that is not a bzImage is hashed as it is. */
	uint8_t *plain = bzimage(n, 0x20F);
	memcpy(plain + 0x202, "HdrZ", 4);
	plain[0x210] = 0x55;
	observed(&four, plain, n, 100, &a);
	measure_digest(&four, plain, n, &want);
	ok(same(&a, &want), "not a bzImage: the whole file, nothing zeroed");

	/* Shorter than the header. */
	observed(&four, plain, 100, 7, &a);
	measure_digest(&four, plain, 100, &want);
	ok(same(&a, &want), "a 100-byte kernel: its bytes");
	free(orig);
	free(qemu);
	free(c);
	free(old);
	free(old2);
	free(plain);
}

static void test_incomplete(void)
{
	uint8_t *f = bzimage(8192, 0x20F);
	struct measure_fetch m;
	struct tpm2_digests d;

	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, f, 4000);
	measure_fetch_seen(&m, ITEM_KERNEL, 4096, f + 4096, 4096);
	is_code(measure_fetch_kernel(&m, 8192, 0, 0, &d), LB_E_MEASURE_INCOMPLETE,
		"a gap: refused");

	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, f, 4096);
	measure_fetch_seen(&m, ITEM_KERNEL, 4000, f + 4000, 4192);
	is_code(measure_fetch_kernel(&m, 8192, 0, 0, &d), LB_E_MEASURE_INCOMPLETE,
		"an overlap: refused");

	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, f, 4096);
	is_code(measure_fetch_kernel(&m, 8192, 0, 0, &d), LB_E_MEASURE_INCOMPLETE,
		"half the kernel: refused");

	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_INITRD, 0, f, 100);
	is_code(measure_fetch_initrd(&m, 101, &d), LB_E_MEASURE_INCOMPLETE,
		"an initrd one byte short: refused");

	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, f, 8192);
	measure_fetch_seen(&m, ITEM_MODULE(0), 0, f, 10);
	is_code(measure_fetch_kernel(&m, 8192, 0, 0, &d), LB_E_MEASURE_MODULE,
		"a multiboot module: refused");

	/* The command line is measured as the kernel gets it, not here. */
	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, f, 8192);
	measure_fetch_seen(&m, ITEM_CMDLINE, 0, "x", 1);
	is_code(measure_fetch_kernel(&m, 8192, 0, 0, &d), LB_OK, "the command line passes by");
	free(f);
}

static void test_pvh_span(void)
{
	uint8_t file[1024] = {0x7F, 'E', 'L', 'F'};
	uint8_t span[3000];
	for (uint32_t i = 0; i < sizeof(span); i++)
		span[i] = (uint8_t)(i ^ 0x5A);
	struct measure_fetch m;
	struct tpm2_digests d, want;
	measure_digest(&four, span, sizeof(span), &want);

	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, file, 600);
	measure_fetch_seen(&m, ITEM_KERNEL, 600, file + 600, 424);
	is_code(measure_fetch_kernel(&m, sizeof(file), span, sizeof(span), &d), LB_OK,
		"PVH ELF file: measured");
	ok(same(&d, &want), "PVH ELF file: the digest of the span it was loaded to");

	/* QEMU loaded it: the observer was shown the span itself. */
	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, span, sizeof(span));
	is_code(measure_fetch_kernel(&m, sizeof(span), span, sizeof(span), &d), LB_OK,
		"PVH loaded by QEMU: measured");
	ok(same(&d, &want), "PVH loaded by QEMU: the same digest");

	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, file, sizeof(file));
	is_code(measure_fetch_kernel(&m, sizeof(file), 0, 0, &d), LB_E_MEASURE_INCOMPLETE,
		"an ELF file without its span: refused");

	/* An Image.gz: measured as what it inflates to, never as the file. */
	static const uint8_t gz[8] = {0x1f, 0x8b, 0x0a, 0x1f, 0x00, 0x00};
	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, gz, 6);
	is_code(measure_fetch_kernel(&m, 6, 0, 0, &d), LB_E_MEASURE_INCOMPLETE,
		"a gzip file without what it inflates to: refused (fuzz_measure's finding)");
	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, gz, 6);
	is_code(measure_fetch_kernel(&m, 6, span, sizeof(span), &d), LB_OK,
		"a gzip file with the image it inflated to: measured");
	ok(same(&d, &want), "a gzip file: the digest of the inflated image");
}

/* An arm64 Image.gz leapboot inflated is measured by the Image it inflated to,
 * which is what the observer sees when QEMU inflated it (-kernel with -bios). */
static void test_gzip_span(void)
{
	uint8_t file[2000] = {0x1F, 0x8B, 0x08};
	uint8_t image[5000];
	for (uint32_t i = 0; i < sizeof(image); i++)
		image[i] = (uint8_t)(i * 31 + 7);
	memcpy(image + 0x38, "ARM\x64", 4);
	struct measure_fetch m;
	struct tpm2_digests d, want;
	measure_digest(&four, image, sizeof(image), &want);

	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, file, 1);
	measure_fetch_seen(&m, ITEM_KERNEL, 1, file + 1, sizeof(file) - 1);
	is_code(measure_fetch_kernel(&m, sizeof(file), image, sizeof(image), &d), LB_OK,
		"Image.gz: measured");
	ok(same(&d, &want), "Image.gz: the digest of the Image it inflated to");

	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, image, 3000);
	measure_fetch_seen(&m, ITEM_KERNEL, 3000, image + 3000, sizeof(image) - 3000);
	is_code(measure_fetch_kernel(&m, sizeof(image), 0, 0, &d), LB_OK,
		"the Image QEMU inflated: measured");
	ok(same(&d, &want), "the Image QEMU inflated: the same digest");

	/* A plain Image is its file, whatever span the caller gives. */
	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, image, sizeof(image));
	is_code(measure_fetch_kernel(&m, sizeof(image), file, sizeof(file), &d), LB_OK,
		"an Image with a span: measured");
	ok(same(&d, &want), "an Image with a span: its file's digest");

	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, file, sizeof(file));
	is_code(measure_fetch_kernel(&m, sizeof(file), 0, 0, &d), LB_E_MEASURE_INCOMPLETE,
		"an Image.gz without the Image: refused");

	/* A file shorter than the held header, gzip all the same. */
	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, file, 20);
	is_code(measure_fetch_kernel(&m, 20, image, sizeof(image), &d), LB_OK,
		"a 20-byte gzip file: measured");
	ok(same(&d, &want), "a 20-byte gzip file: by its span");

	/* One gzip byte is not gzip. */
	uint8_t one[600] = {0x1F, 0x8C};
	struct tpm2_digests whole;
	measure_digest(&four, one, sizeof(one), &whole);
	measure_fetch_start(&m, &four);
	measure_fetch_seen(&m, ITEM_KERNEL, 0, one, sizeof(one));
	is_code(measure_fetch_kernel(&m, sizeof(one), image, sizeof(image), &d), LB_OK,
		"1f 8c: measured");
	ok(same(&d, &whole), "1f 8c: not gzip, the whole file");
}

/* The TPM's extends, in order, against the events the boot defines. */
static void test_measured_boot(enum tpm_iface iface, uint8_t active, uint32_t nbanks)
{
	struct fake_tpm f;
	fake_tpm_init(&f, iface);
	f.active = active;
	struct tpm_dev t = fake_tpm_dev(&f);
	static uint8_t log[8192];
	memset(log, 0, sizeof(log));
	struct measured_boot mb;
	const char *ifn = iface == TPM_IFACE_CRB ? "CRB" : "TIS";

	is_code(measured_boot_start(&mb, &t, log, sizeof(log)), LB_OK, "%s: started", ifn);
	is_u64(mb.banks.n, nbanks, "%s: %u banks", ifn, nbanks);
	uint8_t rom[4096];
	memset(rom, 0xA5, sizeof(rom));
	is_code(measured_boot_firmware(&mb, rom, 0xFFFE0000, sizeof(rom)), LB_OK, "%s: PCR 0", ifn);
	uint8_t *k = bzimage(5000, 0x20F), initrd[777];
	memset(initrd, 0x11, sizeof(initrd));
	mb.observer.seen(mb.observer.ctx, ITEM_KERNEL, 0, k, 5000);
	mb.observer.seen(mb.observer.ctx, ITEM_INITRD, 0, initrd, sizeof(initrd));
	struct measured_kernel mk = {.size = 5000};
	const char cmdline[] = "console=ttyS0";
	is_code(measured_boot_finish(&mb, &mk, sizeof(initrd), cmdline, sizeof(cmdline) - 1), LB_OK,
		"%s: finished", ifn);

	/* Version, image, kernel, initrd, command line, 8 separators. */
	static const uint32_t pcrs[] = {0, 0, 4, 9, 8, 0, 1, 2, 3, 4, 5, 6, 7};
	is_u64(f.n_log, 13 * nbanks, "%s: 13 events, one extend per bank each", ifn);
	bool order = f.n_log == 13 * nbanks;
	for (uint32_t i = 0; order && i < f.n_log; i++)
		order = f.log[i].pcr == pcrs[i / nbanks];
	ok(order, "%s: the PCRs in the defined order", ifn);

	struct tpm2_digests d;
	measure_digest(&mb.banks, "console=ttyS0", 13, &d);
	uint32_t b = nbanks - 1;
	ok(f.n_log == 13 * nbanks &&
	       !memcmp(f.log[4 * nbanks + b].digest, d.digest[b], sha_digest_size(d.alg[b])),
	   "%s: PCR 8 got the command line's digest", ifn);
	measure_digest(&mb.banks, initrd, sizeof(initrd), &d);
	ok(f.n_log == 13 * nbanks &&
	       !memcmp(f.log[3 * nbanks + b].digest, d.digest[b], sha_digest_size(d.alg[b])),
	   "%s: PCR 9 got the initrd's digest", ifn);
	static const uint8_t zero4[4];
	measure_digest(&mb.banks, zero4, 4, &d);
	ok(f.n_log == 13 * nbanks &&
	       !memcmp(f.log[12 * nbanks].digest, d.digest[0], sha_digest_size(d.alg[0])),
	   "%s: the separator is the digest of four zero bytes", ifn);

	/* The log holds what was extended: it reads back to its end. */
	struct tpm_log back;
	is_code(tpm_log_resume(&back, log, sizeof(log)), LB_OK, "%s: the log reads back", ifn);
	is_u64(back.used, mb.log.used, "%s: to its end", ifn);
	ok(!f.granted, "%s: the TPM's locality given back", ifn);
	free(k);
}

static void test_measured_failures(void)
{
	struct fake_tpm f;
	struct tpm_dev t;
	struct measured_boot mb;
	static uint8_t log[8192];

	fake_tpm_init(&f, TPM_IFACE_TIS);
	f.fault = FAKE_TPM_NEVER_DONE;
	t = fake_tpm_dev(&f);
	t.long_polls = 100;
	is_code(measured_boot_start(&mb, &t, log, sizeof(log)), LB_E_TPM_TIMEOUT,
		"a TPM that never answers: timeout");

	fake_tpm_init(&f, TPM_IFACE_CRB);
	t = fake_tpm_dev(&f);
	is_code(measured_boot_start(&mb, &t, log, 40), LB_E_TPM_LOG_FULL,
		"a log area too small for the header: full");

	fake_tpm_init(&f, TPM_IFACE_CRB);
	t = fake_tpm_dev(&f);
	uint32_t header = TPM_LOG_HEADER(4);
	is_code(measured_boot_start(&mb, &t, log, header + 100), LB_OK,
		"a log area of 100 bytes more");
	uint8_t rom[64] = {0};
	is_code(measured_boot_firmware(&mb, rom, 0xFFFE0000, sizeof(rom)), LB_E_TPM_LOG_FULL,
		"events that do not fit: full, not truncated");
	is_u64(f.n_log, 0, "an event that does not fit is not extended either");

	fake_tpm_init(&f, TPM_IFACE_TIS);
	f.fault = FAKE_TPM_RC;
	f.fault_cc = 0x182; /* PCR_Extend */
	f.fault_rc = 0x98E;
	t = fake_tpm_dev(&f);
	measured_boot_start(&mb, &t, log, sizeof(log));
	is_code(measured_boot_firmware(&mb, rom, 0xFFFE0000, sizeof(rom)), LB_E_TPM_ERROR,
		"PCR_Extend failing: an error");
}

/* The chain-loader's boot: SeaBIOS's log goes on, no separators of leapboot's. */
static void test_resume(void)
{
	struct fake_tpm f;
	fake_tpm_init(&f, TPM_IFACE_TIS);
	f.active = FAKE_TPM_SHA256;
	struct tpm_dev t = fake_tpm_dev(&f);
	static uint8_t log[8192];
	memset(log, 0, sizeof(log));
	struct tpm_log earlier;
	struct tpm2_digests d;
	static const uint8_t sep[4] = {0xFF, 0xFF, 0xFF, 0xFF};
	tpm_log_start(&earlier, log, sizeof(log), &sha256_only);
	measure_digest(&sha256_only, sep, 4, &d);
	for (uint32_t pcr = 0; pcr < 8; pcr++)
		tpm_log_event(&earlier, pcr, EV_SEPARATOR, &d, sep, 4);
	tpm_startup(&t);

	struct measured_boot mb;
	is_code(measured_boot_resume(&mb, &t, log, sizeof(log)), LB_OK, "resume: SeaBIOS's log");
	is_u64(mb.log.used, earlier.used, "resume: appends after its last event");
	uint8_t *k = bzimage(3000, 0x20F);
	mb.observer.seen(mb.observer.ctx, ITEM_KERNEL, 0, k, 3000);
	struct measured_kernel mk = {.size = 3000};
	uint32_t before = f.n_log;
	is_code(measured_boot_finish(&mb, &mk, 0, "x", 1), LB_OK, "resume: finished");
	is_u64(f.n_log - before, 2, "resume: the kernel and the command line, no separators");
	struct tpm_log back;
	is_code(tpm_log_resume(&back, log, sizeof(log)), LB_OK, "resume: the log reads back");
	is_u64(back.used, mb.log.used, "resume: to its new end");

	fake_tpm_init(&f, TPM_IFACE_TIS); /* four banks, the log has one */
	t = fake_tpm_dev(&f);
	is_code(measured_boot_resume(&mb, &t, log, sizeof(log)), LB_E_TPM_LOG_BANKS,
		"resume: a log in other banks than the TPM's");
	memset(log, 0xA5, 64);
	fake_tpm_init(&f, TPM_IFACE_TIS);
	f.active = FAKE_TPM_SHA256;
	t = fake_tpm_dev(&f);
	is_code(measured_boot_resume(&mb, &t, log, sizeof(log)), LB_E_TPM_LOG_BAD,
		"resume: no log there");
	free(k);
}

/* A TPM2 table as QEMU builds it. */
static void tpm2_table(uint8_t *t, uint32_t method, uint64_t control, uint32_t laml, uint64_t lasa)
{
	memset(t, 0, TPM2_TABLE_LOG);
	memcpy(t, "TPM2", 4);
	put32(t + 4, TPM2_TABLE_LOG);
	t[8] = 4;
	put64(t + 40, control);
	put32(t + 48, method);
	put32(t + 64, laml);
	put64(t + 68, lasa);
}

static void test_tpm_acpi(void)
{
	uint8_t t[TPM2_TABLE_LOG];
	struct tpm_acpi a;

	tpm2_table(t, TPM2_START_TIS, 0, 0x10000, 0x7FFF0000);
	is_code(tpm_acpi_parse(t, sizeof(t), &a), LB_OK, "TPM2: TIS");
	ok(a.iface == TPM_IFACE_TIS && a.base == 0xFED40000 && a.log == 0x7FFF0000 &&
	       a.log_len == 0x10000,
	   "TPM2: TIS at 0xFED40000, the log area");
	tpm2_table(t, TPM2_START_CRB, 0xFED40040, 0x10000, 0x7FFF0000);
	is_code(tpm_acpi_parse(t, sizeof(t), &a), LB_OK, "TPM2: CRB");
	ok(a.iface == TPM_IFACE_CRB && a.base == 0xFED40000,
	   "TPM2: CRB registers from the control area");
	tpm2_table(t, TPM2_START_CRB, 0xFED40080, 0x10000, 0x7FFF0000);
	is_code(tpm_acpi_parse(t, sizeof(t), &a), LB_E_TPM_START_METHOD,
		"TPM2: a CRB control area not at 0x40");
	tpm2_table(t, 2, 0, 0x10000, 0x7FFF0000);
	is_code(tpm_acpi_parse(t, sizeof(t), &a), LB_E_TPM_START_METHOD, "TPM2: ACPI start method");
	tpm2_table(t, TPM2_START_TIS, 0, 0x10000, 0);
	is_code(tpm_acpi_parse(t, sizeof(t), &a), LB_E_TPM_LOG_AREA, "TPM2: no log address");
	tpm2_table(t, TPM2_START_TIS, 0, 0, 0x7FFF0000);
	is_code(tpm_acpi_parse(t, sizeof(t), &a), LB_E_TPM_LOG_AREA, "TPM2: no log length");
	tpm2_table(t, TPM2_START_TIS, 0, 0x10000, 0x7FFF0000);
	put32(t + 4, 52);
	is_code(tpm_acpi_parse(t, sizeof(t), &a), LB_E_TPM_LOG_AREA,
		"TPM2: a table without the log fields (revision 3)");
	tpm2_table(t, TPM2_START_TIS, 0, 0x10000, 0x7FFF0000);
	is_code(tpm_acpi_parse(t, sizeof(t) - 1, &a), LB_E_TPM_ACPI, "TPM2: longer than its blob");
	t[0] = 'X';
	is_code(tpm_acpi_parse(t, sizeof(t), &a), LB_E_TPM_ACPI, "TPM2: wrong signature");
	is_code(tpm_acpi_parse(t, 4, &a), LB_E_TPM_ACPI, "TPM2: four bytes");
}

static void test_find_table(void)
{
	static uint8_t tables[4096], rsdp[36];
	struct acpi_loader l = {.nblobs = 2};
	l.blob[0] = (struct acpi_blob){.name = "etc/acpi/tables",
				       .name_len = 15,
				       .addr = 0x7000000,
				       .mem = tables,
				       .size = sizeof(tables)};
	l.blob[1] = (struct acpi_blob){.name = "etc/acpi/rsdp",
				       .name_len = 13,
				       .addr = 0xF0000,
				       .mem = rsdp,
				       .size = sizeof(rsdp)};
	/* RSDT at 0, FACP at 256, TPM2 at 512, XSDT at 1024. */
	memcpy(tables, "RSDT", 4);
	put32(tables + 4, 36 + 8);
	put32(tables + 36, 0x7000000 + 256);
	put32(tables + 40, 0x7000000 + 512);
	memcpy(tables + 256, "FACP", 4);
	put32(tables + 260, 36);
	tpm2_table(tables + 512, TPM2_START_TIS, 0, 0x10000, 0x7FFF0000);
	memcpy(tables + 1024, "XSDT", 4);
	put32(tables + 1028, 36 + 8);
	put64(tables + 1024 + 36, 0x7000000 + 512);
	memcpy(rsdp, "RSD PTR ", 8);
	put32(rsdp + 16, 0x7000000);

	uint32_t avail = 0;
	const uint8_t *t = acpi_find_table(&l, 0xF0000, 0x324D5054u, &avail);
	ok(t == tables + 512 && avail == sizeof(tables) - 512, "RSDT: TPM2 found");
	ok(!acpi_find_table(&l, 0xF0000, 0x54455348u, &avail), "RSDT: no HEST");
	rsdp[15] = 2;
	put64(rsdp + 24, 0x7000000 + 1024);
	t = acpi_find_table(&l, 0xF0000, 0x324D5054u, &avail);
	ok(t == tables + 512, "XSDT: TPM2 found");
	put64(tables + 1024 + 36, 0x7000000 + 4090);
	ok(!acpi_find_table(&l, 0xF0000, 0x324D5054u, &avail),
	   "XSDT: an entry whose header leaves the blob: not found");
	put64(tables + 1024 + 36, 0x9000000);
	ok(!acpi_find_table(&l, 0xF0000, 0x324D5054u, &avail), "XSDT: an entry outside every blob");
	put32(tables + 1028, 5000);
	ok(!acpi_find_table(&l, 0xF0000, 0x324D5054u, &avail), "XSDT: longer than its blob");
	ok(!acpi_find_table(&l, 0xE0000, 0x324D5054u, &avail), "an RSDP outside the blobs");
	ok(acpi_find_blob(&l, "etc/acpi/rsdp", 13) == &l.blob[1], "blob by name");
	ok(!acpi_find_blob(&l, "etc/acpi/rsd", 12), "no blob by a prefix");
}

int main(void)
{
	test_kernel_digest();
	test_incomplete();
	test_pvh_span();
	test_gzip_span();
	test_measured_boot(TPM_IFACE_TIS, FAKE_TPM_ALL, 4);
	test_measured_boot(TPM_IFACE_CRB, FAKE_TPM_ALL, 4);
	test_measured_boot(TPM_IFACE_TIS, FAKE_TPM_SHA256, 1);
	test_measured_boot(TPM_IFACE_CRB, FAKE_TPM_SHA256, 1);
	test_measured_failures();
	test_resume();
	test_tpm_acpi();
	test_find_table();
	return done_testing();
}
