/* libFuzzer target: the unified kernel image parser (boot/uki.c) on arbitrary
 * bytes.
 *
 * The input's first 8 bytes (LE) are the file's size, the rest its headers,
 * parsed in an exact-size heap copy for x86_64 and arm64. Whatever the bytes:
 * only LB_OK or an LB_E_UKI_* code, nothing reported on failure, no MZ or no
 * "PE\0\0" in sight is LB_E_UKI_NOT_UKI. On success, against the PE/COFF
 * spec's offsets read here: the machine asked for, 1 to 96 sections in the
 * bytes given, no .profile; every section with raw data after the section
 * table, inside the file and overlapping no other; each known section the last
 * entry of its name, its VirtualSize within its raw data (or absent when 0),
 * and .linux present. The same bytes as a .sdmagic section: a version found is
 * written in them after "systemd-stub ".
 * Seeds (tests/fuzz/corpus/uki): the heads of tests/unit/fixtures/uki and one
 * broken rule each (tests/fuzz/make-seeds). */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/unit/outcome.h"
#include "../boot/efi/pe.h"
#include "../boot/uki.h"
#include "../unit/bytes.h"

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_uki: %s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Section entry i's 8-byte name against a NUL-padded name. */
static bool named(const uint8_t *e, const char *name)
{
	char padded[8] = {0};
	memcpy(padded, name, strlen(name));
	return !memcmp(e, padded, 8);
}

static void check_success(const uint8_t *h, uint32_t len, uint64_t file_size, uint16_t machine,
			  const struct uki *u)
{
	uint64_t pe = le32(h + 0x3c);
	check(h[0] == 'M' && h[1] == 'Z' && pe + 24 <= len && !memcmp(h + pe, "PE\0\0", 4));
	check(le16(h + pe + 4) == machine && u->machine == machine);
	uint32_t count = le16(h + pe + 6);
	uint64_t table = pe + 24 + le16(h + pe + 20), end = table + 40ull * count;
	check(count >= 1 && count <= 96 && end <= len);

	const uint8_t *t = h + table;
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e = t + 40 * i;
		check(!named(e, ".profile"));
		uint64_t at = le32(e + 20), size = le32(e + 16);
		if (!size)
			continue;
		check(at >= end && at + size <= file_size);
		for (uint32_t j = 0; j < count; j++) {
			const uint8_t *o = t + 40 * j;
			uint64_t at_o = le32(o + 20), size_o = le32(o + 16);
			check(j == i || !size_o || at + size <= at_o || at_o + size_o <= at);
		}
	}
	for (unsigned s = 0; s < UKI_SECTIONS; s++) {
		const uint8_t *last = NULL;
		for (uint32_t i = 0; i < count; i++)
			if (named(t + 40 * i, uki_section_name[s]))
				last = t + 40 * i;
		struct uki_range r = u->section[s];
		if (!last || !le32(last + 8)) {
			check(!r.at && !r.size);
			continue;
		}
		check(r.at == le32(last + 20) && r.size == le32(last + 8));
		check(r.size <= le32(last + 16) && (uint64_t)r.at + r.size <= file_size);
	}
	check(u->section[UKI_LINUX].size);
}

static void fuzz_parse(const uint8_t *hdr, uint32_t len, uint64_t file_size, uint16_t machine)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, hdr, len);
	struct uki u;
	memset(&u, 0xA5, sizeof(u));
	struct outcome o = outcome(uki_parse(copy, len, file_size, machine, &u));
	free(copy);
	check(o.code == LB_OK || (o.code >= LB_E_UKI_NOT_UKI && o.code <= LB_E_UKI_PROFILE));
	if (!pe_header_at(hdr, len))
		check(o.code == LB_E_UKI_NOT_UKI);
	if (o.code == LB_OK) {
		check_success(hdr, len, file_size, machine, &u);
		return;
	}
	check(all_zero(&u, sizeof(u)));
}

/* A version found is the digits written after the first "systemd-stub ". */
static void fuzz_version(const uint8_t *data, uint32_t len)
{
	char *copy = malloc(len ? len : 1);
	memcpy(copy, data, len);
	uint32_t v = uki_stub_version(copy, len);
	free(copy);
	if (!v)
		return;
	const char *at = memmem(data, len, "systemd-stub ", 13);
	check(at);
	char want[16];
	int n = snprintf(want, sizeof(want), "%u", v);
	const char *digits = at + 13, *end = (const char *)data + len;
	while (digits < end && *digits == '0')
		digits++;
	check(end - digits >= n && !memcmp(digits, want, (size_t)n));
	check(digits + n == end || digits[n] < '0' || digits[n] > '9');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8 || size > 8 + UKI_HEADERS_MAX)
		return 0;
	uint64_t file_size = le64(data);
	const uint8_t *hdr = data + 8;
	uint32_t len = (uint32_t)size - 8;
	check(uki_is_mz(hdr, len) == (len >= 2 && hdr[0] == 'M' && hdr[1] == 'Z'));
	fuzz_parse(hdr, len, file_size, PE_MACHINE_X86_64);
	fuzz_parse(hdr, len, file_size, PE_MACHINE_ARM64);
	fuzz_version(hdr, len);
	return 0;
}
