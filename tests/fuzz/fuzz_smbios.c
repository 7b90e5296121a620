/* libFuzzer target: boot/smbios.c's structure walk (smbios_scan), the survey
 * that trusts QEMU's order (smbios_survey), and a type 0 put in front of a table.
 *
 * Input: an SMBIOS structure table, copied to an exact-size heap buffer, so that
 * a read past it is an ASan report.
 * Checks:
 *  - smbios_scan agrees with ref_scan (the rules of boot/smbios.h written out
 *    again, byte by byte) on the status and on every count;
 *  - smbios_survey gives smbios_scan's answer whenever the first structure is
 *    not one of QEMU's own (handle != type << 8);
 *  - a table that scans, with leapboot's type 0 put in front, scans again with
 *    one structure more and a type 0;
 *  - smbios_oem_value's value lies inside the table, holds no NUL, ends at one
 *    and follows "name=".
 * Seeds (tests/fuzz/corpus/smbios): QEMU 7.2's pc and q35 tables
 * (tests/unit/fixtures) and a few hand-made ones. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../boot/smbios.h"

#define HARNESS __attribute__((no_sanitize("coverage"), noinline))

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* The rules once more: a header of at least 4 bytes whose length fits, strings
 * up to the first pair of NULs, stop after type 127. */
HARNESS static int ref_scan(const uint8_t *t, size_t len, struct smbios_table_info *info)
{
	size_t off = 0;
	memset(info, 0, sizeof(*info));
	while (off < len) {
		size_t start = off;
		if (len - off < 4 || t[off + 1] < 4 || t[off + 1] > len - off)
			return LB_E_SMBIOS_BAD_STRUCTURE;
		size_t p = off + t[off + 1];
		for (;;) {
			if (p + 1 >= len)
				return LB_E_SMBIOS_BAD_STRUCTURE;
			if (t[p] == 0 && t[p + 1] == 0)
				break;
			p++;
		}
		off = p + 2;
		info->structures++;
		if (off - start > info->max_size)
			info->max_size = (uint16_t)(off - start);
		uint16_t handle = (uint16_t)(t[start + 2] | t[start + 3] << 8);
		if (handle > info->max_handle)
			info->max_handle = handle;
		if (t[start] == 0)
			info->has_bios = true;
		if (t[start] == 127)
			break;
	}
	return LB_OK;
}

/* Field by field: memcmp would also compare the struct's padding byte, which
 * nobody writes (a false finding, seen once in CI). */
HARNESS static int same(const struct smbios_table_info *a, const struct smbios_table_info *b)
{
	return a->structures == b->structures && a->max_size == b->max_size &&
	       a->max_handle == b->max_handle && a->has_bios == b->has_bios;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0xFFFF)
		return 0;
	uint8_t *t = malloc(size ? size : 1);
	memcpy(t, data, size);

	struct smbios_table_info got, want;
	status_t s = smbios_scan(t, (uint32_t)size, &got);
	int ref = ref_scan(t, size, &want);
	check(s.code == ref);
	if (!ref)
		check(same(&got, &want));

	uint8_t sm21[sizeof(struct smbios21_entry)] = "_SM_";
	struct smbios_table_info survey;
	status_t v = smbios_survey(sm21, t, (uint32_t)size, &survey);
	if (size < 4 || (t[2] | t[3] << 8) != t[0] << 8) {
		check(v.code == ref);
		if (!ref)
			check(same(&survey, &got));
	}

	if (!ref && want.max_handle < 0xFEFF) {
		uint8_t *both = malloc(SMBIOS_BIOS_SIZE + size);
		struct smbios_bios b = {.rom_size = 0x10000, .pci = size & 1, .acpi = size & 2};
		smbios_bios_build(both, want.max_handle + 1, &b, &got);
		memcpy(both + SMBIOS_BIOS_SIZE, t, size);
		struct smbios_table_info again;
		check(smbios_scan(both, (uint32_t)(SMBIOS_BIOS_SIZE + size), &again).code == LB_OK);
		/* A type 127 in front of the input ends the walk before it. */
		check(again.has_bios && again.structures == got.structures &&
		      again.structures <= want.structures + 1);
		free(both);
	}
	/* A short name the input can hold. */
	static const char name[] = "k";
	uint32_t at, n;
	if (smbios_oem_value(t, (uint32_t)size, name, &at, &n)) {
		check(at >= sizeof(name) && at <= size && n < size - at);
		check(!memchr(t + at, 0, n) && t[at + n] == 0);
		check(!memcmp(t + at - sizeof(name), "k=", 2));
	}
	free(t);
	return 0;
}
