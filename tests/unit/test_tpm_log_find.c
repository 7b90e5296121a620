/* tpm_log_find (boot/tpm_log.c): leapboot.efi looks through the firmware's
 * crypto-agile log (EFI_TCG2's GetEventLog) for the event Linux's EFI stub logs
 * for the initrd. The walk stops at the entry at last, whatever follows it (the
 * firmware's log area is 0xFF after its last entry), and a malformed entry is
 * an error, never "not found". */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "tpm_log.h"

#define LOG_BYTES  4096
#define TAG_INITRD 0x8F3B22ECu

static const struct tpm2_banks four = {
    4, {TPM_ALG_SHA1, TPM_ALG_SHA256, TPM_ALG_SHA384, TPM_ALG_SHA512}};
static const struct tpm2_banks sha256_only = {1, {TPM_ALG_SHA256}};
static const uint8_t tag[4] = {0xEC, 0x22, 0x3B, 0x8F};

static uint8_t area[LOG_BYTES];
static struct tpm_log log_;
static struct tpm2_digests digests;

static void start(const struct tpm2_banks *b)
{
	memset(area, 0xFF, sizeof(area));
	is_code(tpm_log_start(&log_, area, sizeof(area), b), LB_OK, "the log's header");
	digests.n = b->n;
	for (uint32_t i = 0; i < b->n; i++) {
		digests.alg[i] = b->alg[i];
		memset(digests.digest[i], 0x11 * (int)(i + 1), sizeof(digests.digest[i]));
	}
}

/* Appends an event; returns the offset it begins at. */
static uint32_t event(uint32_t pcr, uint32_t type, const void *data, uint32_t len)
{
	uint32_t at = log_.used;
	if (tpm_log_event(&log_, pcr, type, &digests, data, len).code)
		ok(false, "appending an event");
	return at;
}

/* The stub's initrd event: EFI_TCG2_TAGGED_EVENT {id, size, "Linux initrd\0"}. */
static uint32_t stub_initrd_event(uint32_t pcr, uint32_t id)
{
	uint8_t d[8 + 13];
	for (int i = 0; i < 4; i++)
		d[i] = (uint8_t)(id >> 8 * i);
	d[4] = 13, d[5] = d[6] = d[7] = 0;
	memcpy(d + 8, "Linux initrd", 13);
	return event(pcr, EV_EVENT_TAG, d, sizeof(d));
}

static bool find(uint32_t last, uint32_t pcr, uint32_t type, const void *prefix, uint32_t len,
		 int want_code)
{
	bool found = true;
	status_t s = tpm_log_find(area, sizeof(area), last, pcr, type, prefix, len, &found);
	if (s.code != want_code)
		diag("tpm_log_find: code %d, expected %d", s.code, want_code);
	return s.code == want_code ? found : !found;
}

static void test_found(const struct tpm2_banks *b, const char *what)
{
	start(b);
	event(0, EV_S_CRTM_VERSION, "fw", 2);
	event(9, EV_EVENT_TAG, "\xed\x22\x3b\x8f", 4); /* the load options' tag */
	uint32_t last = stub_initrd_event(9, TAG_INITRD);
	ok(find(last, 9, EV_EVENT_TAG, tag, 4, LB_OK), "%s: the stub's initrd event, the last one",
	   what);
	ok(!find(last, 8, EV_EVENT_TAG, tag, 4, LB_OK), "%s: not in PCR 8", what);
	ok(!find(last, 9, EV_IPL, tag, 4, LB_OK), "%s: not as EV_IPL", what);
	ok(!find(last, 9, EV_EVENT_TAG, "\xee\x22\x3b\x8f", 4, LB_OK), "%s: another tag: not found",
	   what);
	ok(find(last, 9, EV_EVENT_TAG, "\xed\x22\x3b\x8f", 4, LB_OK),
	   "%s: an event before the last is found too", what);

	uint32_t before = event(5, EV_SEPARATOR, "\0\0\0\0", 4);
	ok(find(before, 9, EV_EVENT_TAG, tag, 4, LB_OK), "%s: found before a later last entry",
	   what);
	ok(!find(last - 1, 9, EV_EVENT_TAG, tag, 4, LB_OK),
	   "%s: an entry beginning after last is not looked at", what);
}

static void test_not_found(void)
{
	start(&four);
	ok(!find(0, 9, EV_EVENT_TAG, tag, 4, LB_OK), "a log of its header alone: nothing found");
	uint32_t last = event(9, EV_EVENT_TAG, "\xec\x22", 2);
	ok(!find(last, 9, EV_EVENT_TAG, tag, 4, LB_OK), "event data shorter than the prefix");
	last = event(9, EV_EVENT_TAG, "", 0);
	ok(!find(last, 9, EV_EVENT_TAG, tag, 4, LB_OK), "no event data at all");
	ok(find(last, 9, EV_EVENT_TAG, "", 0, LB_OK), "an empty prefix matches any such event");
}

static void test_malformed(void)
{
	start(&sha256_only);
	event(0, EV_S_CRTM_VERSION, "fw", 2);
	uint32_t last = stub_initrd_event(9, TAG_INITRD);
	/* The digest count of the last entry says 2 where the header lists 1 bank. */
	area[last + 8] = 2;
	ok(!find(last, 9, EV_EVENT_TAG, tag, 4, LB_E_TPM_LOG_BAD),
	   "a wrong digest count up to last: malformed, not found");
	area[last + 8] = 1;
	/* An event size that runs past the area. */
	uint32_t size_at = last + 12 + 2 + 32;
	area[size_at + 3] = 0x7F;
	ok(!find(last, 9, EV_EVENT_TAG, tag, 4, LB_E_TPM_LOG_BAD),
	   "an event larger than the area: malformed");
	area[size_at + 3] = 0;
	ok(find(last, 9, EV_EVENT_TAG, tag, 4, LB_OK), "repaired, it is found again");
	uint32_t after = event(5, EV_SEPARATOR, "\0\0\0\0", 4);
	area[after + 8] = 3;
	ok(!find(after, 9, EV_EVENT_TAG, tag, 4, LB_E_TPM_LOG_BAD),
	   "a malformed entry after the match: malformed, and nothing found (fuzz_efi)");
	area[after + 8] = 1;
	memcpy(area + 32, "Spec ID Event02", 16);
	ok(!find(last, 9, EV_EVENT_TAG, tag, 4, LB_E_TPM_LOG_BAD), "a header of another format");
}

int main(void)
{
	test_found(&four, "four banks");
	test_found(&sha256_only, "sha256 only");
	test_not_found();
	test_malformed();
	return done_testing();
}
