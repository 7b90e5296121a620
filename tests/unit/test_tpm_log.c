/* boot/tpm_log.c: the header and events byte for byte as the PFP lays them out,
 * a full log refused at exactly its last byte, digests that do not match the
 * log's banks, a log read back after leapboot or SeaBIOS wrote it, and every
 * check of the reader on hand-made broken logs. */
#include <string.h>

#include "tpm_log.h"
#include "tap.h"

#define SENTINEL 0xA5
/* Expected bytes are string literals, a field per line; their NUL is not one. */
#define LEN(s) (sizeof(s) - 1)

/* A little-endian byte writer for the hand-made logs, apart from the code under
 * test. */
struct w {
	uint8_t *p;
	uint32_t n;
};

static void w8(struct w *w, uint8_t v)
{
	w->p[w->n++] = v;
}

static void w16(struct w *w, uint16_t v)
{
	w8(w, (uint8_t)v);
	w8(w, (uint8_t)(v >> 8));
}

static void w32(struct w *w, uint32_t v)
{
	w16(w, (uint16_t)v);
	w16(w, (uint16_t)(v >> 16));
}

static void wbytes(struct w *w, const void *b, uint32_t n)
{
	memcpy(w->p + w->n, b, n);
	w->n += n;
}

static void wfill(struct w *w, uint8_t v, uint32_t n)
{
	memset(w->p + w->n, v, n);
	w->n += n;
}

/* A header as SeaBIOS writes it: errata, vendorInfoSize's width and extra bytes
 * are parameters; the broken ones are made by patching its bytes. */
static void header(struct w *w, uint32_t n, const uint16_t *alg, uint8_t errata, int vendor_bytes)
{
	w32(w, 0);
	w32(w, EV_NO_ACTION);
	wfill(w, 0, 20);
	w32(w, 28 + 4 * n + (uint32_t)vendor_bytes);
	wbytes(w, "Spec ID Event03", 16);
	w32(w, 0);
	w8(w, 0);
	w8(w, 2);
	w8(w, errata);
	w8(w, 2);
	w32(w, n);
	for (uint32_t i = 0; i < n; i++) {
		w16(w, alg[i]);
		w16(w, (uint16_t)sha_digest_size(alg[i]));
	}
	wfill(w, 0, (uint32_t)vendor_bytes);
}

/* A TCG_PCR_EVENT2 with digests of bytes fill. */
static void event(struct w *w, uint32_t pcr, uint32_t type, uint32_t n, const uint16_t *alg,
		  uint8_t fill, const void *data, uint32_t len)
{
	w32(w, pcr);
	w32(w, type);
	w32(w, n);
	for (uint32_t i = 0; i < n; i++) {
		w16(w, alg[i]);
		wfill(w, fill, sha_digest_size(alg[i]));
	}
	w32(w, len);
	wbytes(w, data, len);
}

/* Equal bytes; the first difference as a diagnostic. */
static bool same(const uint8_t *got, const uint8_t *want, uint32_t n, const char *what)
{
	for (uint32_t i = 0; i < n; i++)
		if (got[i] != want[i]) {
			ok(false, "%s: %u bytes as expected", what, n);
			diag("byte %u: got %#x, want %#x", i, got[i], want[i]);
			return false;
		}
	return ok(true, "%s: %u bytes as expected", what, n);
}

static bool untouched(const uint8_t *p, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to; i++)
		if (p[i] != SENTINEL)
			return false;
	return true;
}

static struct tpm2_digests digests(uint32_t n, const uint16_t *alg, uint8_t fill)
{
	struct tpm2_digests d = {n, {0}, {{0}}};
	for (uint32_t i = 0; i < n && i < TPM2_BANKS_MAX; i++) {
		d.alg[i] = alg[i];
		memset(d.digest[i], fill, sha_digest_size(alg[i]));
	}
	return d;
}

static const uint16_t four[] = {TPM_ALG_SHA1, TPM_ALG_SHA256, TPM_ALG_SHA384, TPM_ALG_SHA512};
static const uint16_t sha256[] = {TPM_ALG_SHA256}, sha1[] = {TPM_ALG_SHA1};
static const uint16_t two[] = {TPM_ALG_SHA256, TPM_ALG_SHA1};

static uint8_t area[4096];

/* resume on len bytes of log in area, then zero up to cap; LB_E_TPM_LOG_BAD at
 * at wanted, l left as it was. */
static void refused(uint32_t cap, uint32_t at, const char *what)
{
	struct tpm_log l;
	memset(&l, SENTINEL, sizeof(l));
	status_t s = tpm_log_resume(&l, area, cap);
	ok(s.code == LB_E_TPM_LOG_BAD && lb_detail.a == at && lb_detail.b == cap &&
	       untouched((const uint8_t *)&l, 0, sizeof(l)),
	   "resume refuses %s: malformed at byte %u", what, at);
	if (s.code != LB_E_TPM_LOG_BAD || lb_detail.a != at)
		diag("code %d at %llu", s.code, (unsigned long long)lb_detail.a);
}

/* A fresh copy of the good two-bank SeaBIOS-shaped log (header and one event)
 * in a zeroed area; returns the offset of its event. */
static uint32_t good_log(uint32_t *end)
{
	struct w w = {area, 0};
	memset(area, 0, sizeof(area));
	header(&w, 2, two, 2, 1);
	uint32_t at = w.n;
	event(&w, 0, EV_S_CRTM_VERSION, 2, two, 0x33, "ok", 2);
	*end = w.n;
	return at;
}

int main(void)
{
	struct tpm_log l;
	struct tpm2_banks b1 = {1, {TPM_ALG_SHA256}};
	struct tpm2_banks b4 = {4, {TPM_ALG_SHA1, TPM_ALG_SHA256, TPM_ALG_SHA384, TPM_ALG_SHA512}};
	status_t s;

	/* The header. */
	static const uint8_t head1[] = "\0\0\0\0"				  /* pcrIndex 0 */
				       "\3\0\0\0"				  /* EV_NO_ACTION */
				       "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0" /* SHA-1 digest */
				       "\x21\0\0\0"				  /* eventSize 33 */
				       "Spec ID Event03\0"			  /* signature */
				       "\0\0\0\0"     /* platformClass */
				       "\0\2\0\2"     /* minor, major, errata, uintnSize */
				       "\1\0\0\0"     /* numberOfAlgorithms */
				       "\x0b\0\x20\0" /* SHA-256, 32 bytes */
				       "\0";	      /* vendorInfoSize */
	memset(area, SENTINEL, sizeof(area));
	s = tpm_log_start(&l, area, sizeof(area), &b1);
	is_code(s, LB_OK, "start with SHA-256");
	is_u64(LEN(head1), TPM_LOG_HEADER(1), "TPM_LOG_HEADER(1) is 65");
	is_u64(l.used, LEN(head1), "the header is the log so far");
	same(area, head1, LEN(head1), "header for SHA-256");
	ok(untouched(area, LEN(head1), sizeof(area)), "nothing written after the header");
	ok(l.base == area && l.cap == sizeof(area) && l.banks.n == 1 &&
	       l.banks.alg[0] == TPM_ALG_SHA256,
	   "the log keeps its area and banks");

	static const uint8_t head4[] = "\0\0\0\0"				  /* pcrIndex 0 */
				       "\3\0\0\0"				  /* EV_NO_ACTION */
				       "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0" /* SHA-1 digest */
				       "\x2d\0\0\0"				  /* eventSize 45 */
				       "Spec ID Event03\0"			  /* signature */
				       "\0\0\0\0"     /* platformClass */
				       "\0\2\0\2"     /* minor, major, errata, uintnSize */
				       "\4\0\0\0"     /* numberOfAlgorithms */
				       "\x04\0\x14\0" /* SHA-1, 20 bytes */
				       "\x0b\0\x20\0" /* SHA-256, 32 */
				       "\x0c\0\x30\0" /* SHA-384, 48 */
				       "\x0d\0\x40\0" /* SHA-512, 64 */
				       "\0";	      /* vendorInfoSize */
	memset(area, SENTINEL, sizeof(area));
	s = tpm_log_start(&l, area, sizeof(area), &b4);
	is_code(s, LB_OK, "start with four banks");
	is_u64(l.used, TPM_LOG_HEADER(4), "the four-bank header is 77 bytes");
	same(area, head4, LEN(head4), "header for SHA-1, SHA-256, SHA-384, SHA-512");
	ok(untouched(area, LEN(head4), sizeof(area)), "nothing written after it");

	memset(area, SENTINEL, sizeof(area));
	is_code(tpm_log_start(&l, area, 65, &b1), LB_OK, "a 65-byte area holds the header");
	memset(area, SENTINEL, sizeof(area));
	memset(&l, SENTINEL, sizeof(l));
	s = tpm_log_start(&l, area, 64, &b1);
	ok(s.code == LB_E_TPM_LOG_FULL && lb_detail.a == 65 && lb_detail.b == 64,
	   "a 64-byte area: full (65 bytes needed, 64)");
	ok(untouched(area, 0, sizeof(area)) && untouched((uint8_t *)&l, 0, sizeof(l)),
	   "nothing written, the log untouched");
	is_code(tpm_log_start(&l, NULL, 0, &b1), LB_E_TPM_LOG_FULL, "no area: full");

	struct tpm2_banks none = {0, {0}}, five = {5, {4, 0xB, 0xC, 0xD}};
	struct tpm2_banks sm3 = {2, {TPM_ALG_SHA256, 0x12}}, twice = {2, {0xB, 0xB}};
	is_code(tpm_log_start(&l, area, sizeof(area), &none), LB_E_TPM_NO_BANK, "no bank: refused");
	is_code(tpm_log_start(&l, area, sizeof(area), &five), LB_E_TPM_LOG_BANKS,
		"five banks: refused");
	s = tpm_log_start(&l, area, sizeof(area), &sm3);
	ok(s.code == LB_E_TPM_UNKNOWN_BANK && lb_detail.a == 0x12,
	   "an SM3 bank: leapboot cannot hash it");
	s = tpm_log_start(&l, area, sizeof(area), &twice);
	ok(s.code == LB_E_TPM_LOG_BANKS && lb_detail.a == 1 && lb_detail.b == 0xB,
	   "SHA-256 twice: refused at entry 1");

	/* Events. */
	struct tpm2_banks bsha1 = {1, {TPM_ALG_SHA1}};
	struct tpm2_digests d1 = digests(1, sha1, 0x11);
	static const uint8_t ev1[] = "\4\0\0\0"	  /* pcrIndex 4 */
				     "\x0d\0\0\0" /* EV_IPL */
				     "\1\0\0\0"	  /* digests.count */
				     "\4\0"	  /* SHA-1 */
				     "\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11"
				     "\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11"
				     "\3\0\0\0" /* eventSize */
				     "abc";
	memset(area, SENTINEL, sizeof(area));
	tpm_log_start(&l, area, sizeof(area), &bsha1);
	s = tpm_log_event(&l, 4, EV_IPL, &d1, "abc", 3);
	is_code(s, LB_OK, "an EV_IPL event in a SHA-1 log");
	is_u64(l.used, 65 + LEN(ev1), "41 bytes after the header");
	same(area + 65, ev1, LEN(ev1), "TCG_PCR_EVENT2 with SHA-1");
	ok(untouched(area, 65 + LEN(ev1), sizeof(area)), "nothing written after it");

	struct tpm2_digests d4 = digests(4, four, 0x44);
	memset(area, SENTINEL, sizeof(area));
	tpm_log_start(&l, area, sizeof(area), &b4);
	s = tpm_log_event(&l, 7, EV_SEPARATOR, &d4, NULL, 0);
	is_code(s, LB_OK, "an event with no data, four banks");
	uint8_t want[512];
	struct w w = {want, 0};
	w32(&w, 7);
	w32(&w, 4);
	w32(&w, 4);
	w16(&w, 4);
	wfill(&w, 0x44, 20);
	w16(&w, 0xB);
	wfill(&w, 0x44, 32);
	w16(&w, 0xC);
	wfill(&w, 0x44, 48);
	w16(&w, 0xD);
	wfill(&w, 0x44, 64);
	w32(&w, 0);
	is_u64(w.n, 12 + 22 + 34 + 50 + 66 + 4, "188 bytes");
	is_u64(l.used, 77 + w.n, "the log grew by them");
	same(area + 77, want, w.n, "TCG_PCR_EVENT2 with four banks, eventSize 0");
	ok(untouched(area, 77 + w.n, sizeof(area)), "nothing written after it");
	s = tpm_log_event(&l, 0, EV_S_CRTM_VERSION, &d4, "leapboot 0.9", 12);
	is_code(s, LB_OK, "a second event");
	ok(!memcmp(area + 77 + w.n + 4, "\x08\0\0\0\x04\0\0\0\x04\0", 10) &&
	       !memcmp(area + 77 + 2 * w.n - 4, "\x0c\0\0\0leapboot 0.9", 16),
	   "after the first: its type, count, ..., eventSize and data");

	/* Full, exactly at the boundary: the header (65) and the SHA-1 event (41). */
	memset(area, SENTINEL, sizeof(area));
	tpm_log_start(&l, area, 65 + 41, &bsha1);
	is_code(tpm_log_event(&l, 4, EV_IPL, &d1, "abc", 3), LB_OK,
		"an event that ends at cap fits");
	is_u64(l.used, 106, "the log is full to the byte");
	ok(untouched(area, 106, sizeof(area)), "and not a byte past cap");
	is_code(tpm_log_event(&l, 4, EV_IPL, &d1, NULL, 0), LB_E_TPM_LOG_FULL,
		"then even an empty event is refused");
	memset(area, SENTINEL, sizeof(area));
	tpm_log_start(&l, area, 65 + 41 - 1, &bsha1);
	s = tpm_log_event(&l, 4, EV_IPL, &d1, "abc", 3);
	ok(s.code == LB_E_TPM_LOG_FULL && lb_detail.a == 41 && lb_detail.b == 40,
	   "one byte less: full (41 bytes needed, 40 left)");
	ok(l.used == 65 && untouched(area, 65, sizeof(area)), "nothing written");
	s = tpm_log_event(&l, 4, EV_IPL, &d1, area, 0xFFFFFFFF);
	ok(s.code == LB_E_TPM_LOG_FULL && lb_detail.a == 0xFFFFFFFFull + 38,
	   "4 GiB of data: full, its size without overflow");
	ok(l.used == 65 && untouched(area, 65, sizeof(area)), "nothing written");
	l.used = l.cap + 1;
	is_code(tpm_log_event(&l, 4, EV_IPL, &d1, NULL, 0), LB_E_TPM_LOG_FULL,
		"used past cap: no room, not a wrap-around");

	/* Digests that are not the log's banks. */
	struct tpm2_banks b2 = {2, {TPM_ALG_SHA256, TPM_ALG_SHA1}};
	memset(area, SENTINEL, sizeof(area));
	tpm_log_start(&l, area, sizeof(area), &b2);
	struct tpm2_digests d = digests(2, two, 1);
	is_code(tpm_log_event(&l, 0, EV_POST_CODE, &d, NULL, 0), LB_OK,
		"SHA-256 and SHA-1, in the header's order");
	uint32_t used = l.used;
	d = digests(2, (const uint16_t[]){TPM_ALG_SHA1, TPM_ALG_SHA256}, 1);
	s = tpm_log_event(&l, 0, EV_POST_CODE, &d, NULL, 0);
	ok(s.code == LB_E_TPM_LOG_BANKS && lb_detail.a == 0 && lb_detail.b == TPM_ALG_SHA1,
	   "the same banks in the other order: refused at entry 0");
	d = digests(1, sha256, 1);
	s = tpm_log_event(&l, 0, EV_POST_CODE, &d, NULL, 0);
	ok(s.code == LB_E_TPM_LOG_BANKS && lb_detail.a == 1 && lb_detail.b == 0,
	   "SHA-256 only: refused at entry 1, missing");
	d = digests(3, (const uint16_t[]){TPM_ALG_SHA256, TPM_ALG_SHA1, TPM_ALG_SHA384}, 1);
	s = tpm_log_event(&l, 0, EV_POST_CODE, &d, NULL, 0);
	ok(s.code == LB_E_TPM_LOG_BANKS && lb_detail.a == 2 && lb_detail.b == TPM_ALG_SHA384,
	   "a third bank: refused at entry 2");
	d = digests(2, (const uint16_t[]){TPM_ALG_SHA256, TPM_ALG_SHA384}, 1);
	is_code(tpm_log_event(&l, 0, EV_POST_CODE, &d, NULL, 0), LB_E_TPM_LOG_BANKS,
		"SHA-384 for SHA-1: refused");
	d = digests(2, two, 1);
	d.n = 0xFFFFFFFF;
	is_code(tpm_log_event(&l, 0, EV_POST_CODE, &d, NULL, 0), LB_E_TPM_LOG_BANKS,
		"a digest count of 2^32 - 1: refused");
	ok(l.used == used && untouched(area, used, sizeof(area)), "nothing written by any of them");

	/* Read back what the writer wrote. */
	memset(area, 0, sizeof(area));
	tpm_log_start(&l, area, sizeof(area), &b4);
	for (uint32_t i = 0; i < 8; i++)
		tpm_log_event(&l, i, EV_SEPARATOR, &d4, "\0\0\0\0", 4);
	tpm_log_event(&l, 8, EV_IPL, &d4, "console=ttyS0", 13);
	tpm_log_event(&l, 0, EV_NO_ACTION, &d4, NULL, 0);
	struct tpm_log r;
	s = tpm_log_resume(&r, area, sizeof(area));
	is_code(s, LB_OK, "resume of a four-bank log of 10 events, the rest of the area zero");
	ok(r.base == area && r.cap == sizeof(area) && r.used == l.used &&
	       !memcmp(&r.banks, &l.banks, sizeof(r.banks)),
	   "same area, end (%u) and banks", l.used);
	s = tpm_log_resume(&r, area, l.used);
	ok(!s.code && r.used == l.used, "the same log in an area that ends with it");
	ok(!tpm_log_resume(&r, area, l.used + 7).code && r.used == l.used,
	   "7 zero bytes after it: the end");
	area[l.used + 6] = 1;
	refused(l.used + 7, l.used, "7 bytes after the log, not all zero");
	area[l.used + 6] = 0;
	s = tpm_log_resume(&r, area, sizeof(area));
	is_code(tpm_log_event(&r, 9, EV_IPL, &d4, "initrd", 6), LB_OK,
		"an event appended after resume");
	tpm_log_event(&l, 9, EV_IPL, &d4, "initrd", 6);
	ok(!tpm_log_resume(&r, area, sizeof(area)).code && r.used == l.used,
	   "and read back with the others");
	struct tpm_log only;
	memset(area, 0, sizeof(area));
	tpm_log_start(&only, area, sizeof(area), &b1);
	ok(!tpm_log_resume(&r, area, sizeof(area)).code && r.used == 65 && r.banks.n == 1 &&
	       r.banks.alg[0] == TPM_ALG_SHA256,
	   "a header alone: used 65, SHA-256");
	ok(!tpm_log_resume(&r, area, 65).code && r.used == 65, "a header filling its area");
	/* Found by fuzz_tpm_log: the unused bank slots were left as they were. */
	memset(&r, SENTINEL, sizeof(r));
	ok(!tpm_log_resume(&r, area, 65).code && !memcmp(&r.banks, &only.banks, sizeof(r.banks)),
	   "the banks read back equal the ones written, unused slots included");

	/* SeaBIOS's logs: specErrata 2 since 1.15, a 4-byte vendorInfoSize before 1.14. */
	uint32_t end, at = good_log(&end);
	w = (struct w){area, end};
	event(&w, 4, 5, 2, two, 0x55, "Calling INT 19h", 15);
	event(&w, 1, 0, 2, two, 0x66, "pcr 1, type 0", 13);
	ok(!tpm_log_resume(&r, area, sizeof(area)).code && r.used == w.n && r.banks.n == 2 &&
	       r.banks.alg[0] == TPM_ALG_SHA256 && r.banks.alg[1] == TPM_ALG_SHA1,
	   "a SeaBIOS 1.16 log: SHA-256 then SHA-1, to its end");
	ok(at == 32 + 28 + 8 + 1, "(its event at %u)", at);
	memset(area, 0, sizeof(area));
	w = (struct w){area, 0};
	header(&w, 1, sha256, 0, 4);
	event(&w, 0, EV_SEPARATOR, 1, sha256, 0x77, "\xff\xff\xff\xff", 4);
	ok(!tpm_log_resume(&r, area, sizeof(area)).code && r.used == w.n,
	   "a SeaBIOS 1.13 log (vendorInfoSize in 4 bytes)");

	/* Every check of the header. */
	good_log(&end);
	refused(31, 0, "an area shorter than the header's fixed part");
	area[0] = 1;
	refused(sizeof(area), 0, "a header for PCR 1");
	good_log(&end);
	area[4] = EV_SEPARATOR;
	refused(sizeof(area), 4, "a header of type EV_SEPARATOR");
	good_log(&end);
	refused(32 + 28 + 8, 28, "a Spec ID event past cap");
	area[28] = 28;
	refused(sizeof(area), 28, "a Spec ID event of 28 bytes");
	good_log(&end);
	area[28] = 0xFF;
	area[31] = 0xFF;
	refused(sizeof(area), 28, "a Spec ID event of 4 GiB");
	good_log(&end);
	area[32 + 14] = '2';
	refused(sizeof(area), 32, "\"Spec ID Event02\" (TPM 1.2's)");
	good_log(&end);
	area[32 + 15] = ' ';
	refused(sizeof(area), 32, "a signature without its NUL");
	good_log(&end);
	area[56] = 0;
	refused(sizeof(area), 56, "numberOfAlgorithms 0");
	area[56] = 5;
	refused(sizeof(area), 56, "numberOfAlgorithms 5");
	area[56] = 0;
	area[59] = 1;
	refused(sizeof(area), 56, "numberOfAlgorithms 2^24");
	good_log(&end);
	area[56] = 3;
	refused(sizeof(area), 28, "3 algorithms in a Spec ID event sized for 2");
	good_log(&end);
	area[60] = 0x12;
	refused(sizeof(area), 60, "an SM3 bank");
	good_log(&end);
	area[64] = 0x0B;
	refused(sizeof(area), 64, "SHA-256 twice");
	good_log(&end);
	area[62] = 20;
	refused(sizeof(area), 62, "SHA-256 with digestSize 20");
	good_log(&end);
	area[68] = 1;
	refused(sizeof(area), 68, "vendorInfoSize 1 with no vendor info in the event");

	/* Every check of an event. */
	at = good_log(&end);
	area[at + 8] = 1;
	refused(sizeof(area), at + 8, "an event with 1 digest in a two-bank log");
	at = good_log(&end);
	area[at + 12] = TPM_ALG_SHA1;
	area[at + 12 + 34] = TPM_ALG_SHA256;
	refused(sizeof(area), at + 12, "an event with the banks in the other order");
	at = good_log(&end);
	area[at + 12 + 34] = TPM_ALG_SHA384;
	refused(sizeof(area), at + 12 + 34, "an event with SHA-384 for SHA-1");
	at = good_log(&end);
	refused(at + 10, at + 8, "an area that ends in an event's digest count");
	refused(at + 13, at + 12, "an area that ends in an event's first algorithm id");
	refused(at + 20, at + 14, "an area that ends in an event's digest");
	refused(at + 12 + 34 + 22 + 2, at + 12 + 34 + 22, "an area that ends in an eventSize");
	refused(end - 1, at + 12 + 34 + 22, "an area that ends in an event's data");
	ok(!tpm_log_resume(&r, area, end).code && r.used == end,
	   "(the area ending with it is fine)");
	area[end - 4 - 2] = 0xFF;
	area[end - 4 - 2 + 3] = 0xFF;
	refused(sizeof(area), at + 12 + 34 + 22, "an eventSize of 4 GiB");
	at = good_log(&end);
	w = (struct w){area, end};
	event(&w, 5, 6, 2, two, 0x88, "x", 1);
	area[end + 8] = 3;
	refused(sizeof(area), end + 8, "a broken second event");
	at = good_log(&end);
	area[end] = 1;
	refused(end + 8, end + 8, "an area that ends after a pcrIndex and eventType");
	refused(end + 5, end, "5 bytes after the last event, not all zero");
	return done_testing();
}
