#include "uki.h"
#include "efi/pe.h"
#include "le.h"
#include "../loader/libc/string.h"

const char uki_section_name[UKI_SECTIONS][UKI_NAME_CAP] = {
    [UKI_LINUX] = ".linux",   [UKI_OSREL] = ".osrel",	  [UKI_CMDLINE] = ".cmdline",
    [UKI_INITRD] = ".initrd", [UKI_UCODE] = ".ucode",	  [UKI_SPLASH] = ".splash",
    [UKI_DTB] = ".dtb",	      [UKI_UNAME] = ".uname",	  [UKI_SBAT] = ".sbat",
    [UKI_PCRSIG] = ".pcrsig", [UKI_PCRPKEY] = ".pcrpkey", [UKI_SDMAGIC] = ".sdmagic",
};

/* The Windows loader's limit (PE Format, NumberOfSections), which systemd-stub
 * applies too: no firmware's UKI has more, and it keeps the table within the
 * headers leapboot reads and the overlap check quadratic in a small number. */
#define SECTIONS_MAX 96

bool uki_is_mz(const uint8_t *head, uint32_t n)
{
	return n >= 2 && head[0] == 'M' && head[1] == 'Z';
}

/* A section name as its 8-byte field holds it, NUL-padded, as one word: the
 * field compares whole, so that ".linux2" is not ".linux". */
static uint64_t name_word(const char name[UKI_NAME_CAP])
{
	return le64((const uint8_t *)name);
}

/* The checks of every section's bytes in the file (known or not): they come
 * after the section table, end within the file and overlap no other section's. */
static status_t check_ranges(const struct pe_section *s, uint32_t count, uint64_t table_end,
			     uint64_t file_size)
{
	uint64_t at[SECTIONS_MAX], end[SECTIONS_MAX];
	for (uint32_t i = 0; i < count; i++) {
		uint64_t size = le32(s[i].size_of_raw_data);
		at[i] = le32(s[i].pointer_to_raw_data);
		end[i] = at[i] + size;
		/* Uninitialised data: no bytes in the file, PointerToRawData unused. */
		if (!size) {
			end[i] = at[i] = 0;
			continue;
		}
		if (end[i] > file_size)
			return lb_fail(LB_E_UKI_PAST_END, i + 1, file_size);
		if (at[i] < table_end)
			return lb_fail(LB_E_UKI_IN_HEADERS, i + 1, at[i]);
		for (uint32_t j = 0; j < i; j++)
			if (at[i] < end[j] && at[j] < end[i])
				return lb_fail(LB_E_UKI_OVERLAP, j + 1, i + 1);
	}
	return lb_ok();
}

status_t uki_parse(const uint8_t *hdr, uint32_t len, uint64_t file_size, uint16_t machine,
		   struct uki *u)
{
	memset(u, 0, sizeof(*u));
	uint64_t at = pe_header_at(hdr, len);
	if (!at)
		return lb_fail(LB_E_UKI_NOT_UKI, file_size, 0);
	if (at + sizeof(struct pe_header) > len)
		return lb_fail(LB_E_UKI_HEADERS, at + sizeof(struct pe_header), len);
	const struct pe_header *pe = (const struct pe_header *)(hdr + at);
	uint32_t count = le16(pe->number_of_sections);
	if (count == 0 || count > SECTIONS_MAX)
		return lb_fail(LB_E_UKI_SECTION_COUNT, count, SECTIONS_MAX);
	uint64_t table = at + sizeof(*pe) + le16(pe->size_of_optional_header);
	uint64_t table_end = table + count * sizeof(struct pe_section);
	if (table_end > len)
		return lb_fail(LB_E_UKI_HEADERS, table_end, len);
	const struct pe_section *s = (const struct pe_section *)(hdr + table);

	/* Each known section's entry, the last of its name (0: none, else 1-based). */
	uint32_t entry[UKI_SECTIONS] = {0}, profile = 0;
	static const char profile_name[UKI_NAME_CAP] = ".profile";
	for (uint32_t i = 0; i < count; i++) {
		uint64_t name = le64(s[i].name), profile_word = name_word(profile_name);
		for (unsigned k = 0; k < UKI_SECTIONS; k++)
			if (name == name_word(uki_section_name[k])) {
				entry[k] = i + 1;
				break;
			}
		if (!profile && name == profile_word)
			profile = i + 1;
	}
	/* A PE without .linux is some other PE file, a kernel's EFI stub say:
	 * nothing else of it is leapboot's to judge, unless it has systemd-stub's
	 * other sections (not .sbat: kernels carry one too), a UKI without its
	 * kernel. */
	for (unsigned k = 0; !entry[UKI_LINUX] && k < UKI_SECTIONS; k++)
		if (entry[k] && k != UKI_SBAT)
			return lb_fail(LB_E_UKI_NO_LINUX, 0, count);
	if (!entry[UKI_LINUX])
		return lb_fail(LB_E_UKI_NOT_UKI, file_size, count);

	if (le16(pe->machine) != machine)
		return lb_fail(LB_E_UKI_MACHINE, le16(pe->machine), machine);
	const struct pe_optional_header *opt = (const struct pe_optional_header *)(pe + 1);
	if (le16(pe->size_of_optional_header) < sizeof(opt->magic) ||
	    (le16(opt->magic) != PE_MAGIC_PE32 && le16(opt->magic) != PE_MAGIC_PE32PLUS))
		return lb_fail(LB_E_UKI_HEADERS, at + sizeof(*pe), len);
	if (profile)
		return lb_fail(LB_E_UKI_PROFILE, profile, count);
	status_t st = check_ranges(s, count, table_end, file_size);
	if (st.code)
		return st;

	/* Into u only once all is well: a failure reports nothing. */
	struct uki_range range[UKI_SECTIONS] = {0};
	for (unsigned k = 0; k < UKI_SECTIONS; k++) {
		if (!entry[k])
			continue;
		const struct pe_section *e = &s[entry[k] - 1];
		uint32_t size = le32(e->virtual_size);
		/* leapboot reads sections from the file: a tail past SizeOfRawData
		 * would be zeros nobody wrote. Size 0 is absent, as in systemd-stub. */
		if (size > le32(e->size_of_raw_data))
			return lb_fail(LB_E_UKI_VIRTUAL_SIZE, entry[k], size);
		if (size)
			range[k] = (struct uki_range){le32(e->pointer_to_raw_data), size};
	}
	if (!range[UKI_LINUX].size)
		return lb_fail(LB_E_UKI_NO_LINUX, entry[UKI_LINUX], count);
	memcpy(u->section, range, sizeof(range));
	u->machine = machine;
	return lb_ok();
}

uint32_t uki_stub_version(const char *magic, uint32_t len)
{
	static const char tag[] = "systemd-stub ";
	const uint32_t n = sizeof(tag) - 1;
	for (uint32_t i = 0; i + n <= len; i++) {
		if (memcmp(magic + i, tag, n) != 0)
			continue;
		uint64_t v = 0;
		uint32_t d = i + n;
		for (; d < len && magic[d] >= '0' && magic[d] <= '9'; d++) {
			v = v * 10 + (uint64_t)(magic[d] - '0');
			if (v > UINT32_MAX)
				return 0;
		}
		return (uint32_t)v;
	}
	return 0;
}

bool uki_section_measured(enum uki_section s, uint32_t stub_version)
{
	switch (s) {
	/* The signature of the PCR 11 values, and the stub's own version string. */
	case UKI_PCRSIG:
	case UKI_SDMAGIC:
		return false;
	case UKI_UNAME:
	case UKI_SBAT:
		return stub_version == 0 || stub_version >= 254;
	/* A stub before 256 ignores .ucode altogether; leapboot hands it to the
	 * kernel whatever the stub's version, so it always measures it. */
	case UKI_UCODE:
	default:
		return true;
	}
}
