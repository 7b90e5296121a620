/* SMBIOS entry points (boot/smbios.c): QEMU 7.2's pc and q35 anchors
 * (tests/unit/fixtures, LEAPBOOT_FIXTURES overrides the directory), a synthetic
 * 3.0 entry point, and broken ones. */
#include <stdlib.h>
#include <string.h>

#include "../../boot/smbios.h"
#include "tap.h"
#include "bytes.h"

/* Undefined behaviour fails the test instead of only printing a line. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

#define CANARY 0x5A
#define SLACK  16

static const char *fixture_dir(void)
{
	const char *d = getenv("LEAPBOOT_FIXTURES");
	return d && *d ? d : "tests/unit/fixtures";
}

/* Reads fixtures/<machine>/<name> into buf (at most cap bytes); -1 if unreadable. */
static long read_fixture(const char *machine, const char *name, uint8_t *buf, size_t cap)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s/%s", fixture_dir(), machine, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag("cannot read %s", path);
		return -1;
	}
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	return (long)n;
}

/* Structures in an SMBIOS table area up to and including type 127; 0 if malformed. */
static unsigned count_structures(const uint8_t *t, uint32_t len)
{
	uint32_t off = 0;
	unsigned n = 0;
	while (off + 4 <= len && t[off + 1] >= 4) {
		uint8_t type = t[off];
		uint32_t p = off + t[off + 1];
		while (p + 1 < len && (t[p] || t[p + 1]))
			p++;
		if (p + 1 >= len)
			return 0;
		off = p + 2;
		n++;
		if (type == 127)
			return off == len ? n : 0;
	}
	return 0;
}

/* Every byte of a and b outside the ranges [skip[i], skip[i] + 1) ... equal? */
static bool same_except(const uint8_t *a, const uint8_t *b, uint32_t len, const uint32_t *skip,
			unsigned nskip)
{
	for (uint32_t i = 0; i < len; i++) {
		bool skipped = false;
		for (unsigned k = 0; k < nskip; k++)
			skipped |= i == skip[k];
		if (!skipped && a[i] != b[i])
			return false;
	}
	return true;
}

static bool slack_ok(const uint8_t *buf, uint32_t len)
{
	for (uint32_t i = len; i < len + SLACK; i++)
		if (buf[i] != CANARY)
			return false;
	return true;
}

static void test_fixture(const char *m)
{
	uint8_t anchor[SMBIOS_ANCHOR_MAX + SLACK], orig[SMBIOS_ANCHOR_MAX];
	static uint8_t tables[65536];

	memset(anchor, CANARY, sizeof(anchor));
	long alen = read_fixture(m, "etc/smbios/smbios-anchor", anchor, SMBIOS_ANCHOR_MAX);
	long tlen = read_fixture(m, "etc/smbios/smbios-tables", tables, sizeof(tables));
	if (!ok(alen == sizeof(struct smbios21_entry) && tlen > 0,
		"%s: anchor (31 bytes) and tables readable (run from the repository root or set "
		"LEAPBOOT_FIXTURES)",
		m))
		return;
	memcpy(orig, anchor, sizeof(orig));
	ok(memcmp(anchor, "_SM_", 4) == 0 && memcmp(anchor + 0x10, "_DMI_", 5) == 0,
	   "%s: a 2.1 (32-bit) entry point", m);
	is_u64(count_structures(tables, (uint32_t)tlen), anchor[0x1C] | anchor[0x1D] << 8,
	       "%s: the tables hold as many structures as the anchor says", m);

	status_t s = smbios_check(anchor, (uint32_t)alen, (uint32_t)tlen);
	is_code(s, LB_OK, "%s: smbios_check accepts QEMU's anchor with its %ld bytes of tables", m,
		tlen);
	is_code(smbios_check(anchor, (uint32_t)alen, (uint32_t)tlen + 1), LB_E_SMBIOS_BAD_TABLES,
		"%s: one byte more of tables than the anchor says -> LB_E_SMBIOS_BAD_TABLES", m);
	s = smbios_check(anchor, (uint32_t)alen, (uint32_t)tlen - 1);
	is_code(s, LB_E_SMBIOS_BAD_TABLES, "%s: one byte less -> LB_E_SMBIOS_BAD_TABLES", m);
	ok(lb_detail.a == (uint64_t)tlen - 1 && lb_detail.b == (uint64_t)tlen,
	   "%s: BAD_TABLES reports the tables' size and the anchor's", m);
	ok(memcmp(anchor, orig, sizeof(orig)) == 0, "%s: smbios_check changes nothing", m);

	struct smbios_table_info info;
	is_code(smbios_scan(tables, (uint32_t)tlen, &info), LB_OK,
		"%s: smbios_scan walks QEMU's tables", m);
	is_u64(info.structures, anchor[0x1C] | anchor[0x1D] << 8,
	       "%s: scan: the anchor's structure count", m);
	is_u64(info.max_size, anchor[0x08] | anchor[0x09] << 8,
	       "%s: scan: the anchor's largest structure", m);
	is_u64(info.max_handle, 0x7F00, "%s: scan: the highest handle is type 127's, 0x7F00", m);
	ok(!info.has_bios, "%s: scan: QEMU gives no type 0 by default", m);
	struct smbios_table_info fast;
	is_code(smbios_survey(anchor, tables, (uint32_t)tlen, &fast), LB_OK, "%s: survey", m);
	ok(!fast.has_bios && fast.structures == info.structures && fast.max_size == info.max_size &&
	       fast.max_handle < 0x100,
	   "%s: survey from the first structure: no type 0, the same counts, a handle below "
	   "QEMU's",
	   m);

	static const uint64_t addrs[] = {0x1FFDF000, 0x000F0000, 0xFFFFFFF0};
	for (unsigned i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		is_code(smbios_link(anchor, addrs[i], (uint32_t)tlen, &info), LB_OK,
			"%s: linked to %#llx", m, (unsigned long long)addrs[i]);
		is_u64(le32(anchor + 0x18), addrs[i], "%s: linked to %#llx: table address set", m,
		       (unsigned long long)addrs[i]);
		is_u64(sum8(anchor, 0x1F), 0, "%s: linked to %#llx: entry checksum", m,
		       (unsigned long long)addrs[i]);
		is_u64(sum8(anchor + 0x10, 0x0F), 0,
		       "%s: linked to %#llx: intermediate (_DMI_) checksum", m,
		       (unsigned long long)addrs[i]);
		static const uint32_t changed[] = {0x04, 0x15, 0x18, 0x19, 0x1A, 0x1B};
		ok(same_except(anchor, orig, 0x1F, changed, 6) && slack_ok(anchor, 0x1F),
		   "%s: linked to %#llx: nothing else changed, nothing written past 31 bytes", m,
		   (unsigned long long)addrs[i]);
	}
	is_code(smbios_check(anchor, (uint32_t)alen, (uint32_t)tlen), LB_OK,
		"%s: the linked anchor still passes smbios_check", m);
}

/* A 3.0 entry point as QEMU writes it for -smbios-entry-point-type=64. */
static void make_sm3(uint8_t *e, uint32_t max_size)
{
	memset(e, 0, sizeof(struct smbios30_entry));
	memcpy(e, "_SM3_", 5);
	e[6] = sizeof(struct smbios30_entry); /* length */
	e[7] = 3;			      /* major */
	e[8] = 0;			      /* minor */
	e[9] = 0;			      /* docrev */
	e[10] = 1;			      /* entry point revision */
	e[0x0C] = (uint8_t)max_size;
	e[0x0D] = (uint8_t)(max_size >> 8);
	e[0x0E] = (uint8_t)(max_size >> 16);
	e[0x0F] = (uint8_t)(max_size >> 24);
	e[5] = (uint8_t)-sum8(e, sizeof(struct smbios30_entry));
}

static void test_sm3(void)
{
	uint8_t e[SMBIOS_ANCHOR_MAX + SLACK], orig[sizeof(struct smbios30_entry)];

	memset(e, CANARY, sizeof(e));
	make_sm3(e, 400);
	memcpy(orig, e, sizeof(orig));
	is_code(smbios_check(e, 24, 321), LB_OK, "3.0: tables smaller than the maximum");
	is_code(smbios_check(e, 24, 400), LB_OK, "3.0: tables exactly the maximum");
	status_t s = smbios_check(e, 24, 401);
	is_code(s, LB_E_SMBIOS_BAD_TABLES, "3.0: tables larger than the maximum -> BAD_TABLES");
	ok(lb_detail.a == 401 && lb_detail.b == 400,
	   "3.0: BAD_TABLES reports the tables' size and the maximum");

	static const uint64_t addrs[] = {0x1FFDF000, 0x123456789ABCull, 0xFFFFFFFFFFFFF000ull};
	struct smbios_table_info info = {0};
	for (unsigned i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		smbios_link(e, addrs[i], 400, &info);
		is_u64(le64(e + 0x10), addrs[i], "3.0: linked to %#llx: 64-bit table address",
		       (unsigned long long)addrs[i]);
		is_u64(sum8(e, 24), 0, "3.0: linked to %#llx: checksum over 24 bytes",
		       (unsigned long long)addrs[i]);
		static const uint32_t changed[] = {0x05, 0x10, 0x11, 0x12, 0x13,
						   0x14, 0x15, 0x16, 0x17};
		ok(same_except(e, orig, 24, changed, 9) && slack_ok(e, 24),
		   "3.0: linked to %#llx: nothing else changed, nothing written past 24 bytes",
		   (unsigned long long)addrs[i]);
	}
	is_code(smbios_check(e, 24, 400), LB_OK, "3.0: the linked anchor still passes");

	make_sm3(e, 400);
	e[6] = 0x1F;
	is_code(smbios_check(e, 24, 100), LB_E_SMBIOS_BAD_ANCHOR, "3.0: length byte 0x1F");
	e[6] = 0x17;
	is_code(smbios_check(e, 24, 100), LB_E_SMBIOS_BAD_ANCHOR, "3.0: length byte 0x17");
	make_sm3(e, 400);
	is_code(smbios_check(e, 23, 100), LB_E_SMBIOS_BAD_ANCHOR, "3.0 anchor of 23 bytes");
	is_code(smbios_check(e, 25, 100), LB_E_SMBIOS_BAD_ANCHOR, "3.0 anchor of 25 bytes");
	is_code(smbios_check(e, 31, 100), LB_E_SMBIOS_BAD_ANCHOR,
		"3.0 anchor given with the 2.1 size (31)");
	e[4] = 'X';
	is_code(smbios_check(e, 24, 100), LB_E_SMBIOS_BAD_ANCHOR, "3.0: signature _SM3X");
	make_sm3(e, 0);
	is_code(smbios_check(e, 24, 1), LB_E_SMBIOS_BAD_TABLES, "3.0: maximum size 0");
}

/* A 2.1 entry point like QEMU's, for the broken variants. */
static void make_sm21(uint8_t *e, uint16_t table_length)
{
	memset(e, 0, sizeof(struct smbios21_entry));
	memcpy(e, "_SM_", 4);
	e[5] = 0x1F;
	e[6] = 2;
	e[7] = 8;
	memcpy(e + 0x10, "_DMI_", 5);
	e[0x16] = (uint8_t)table_length;
	e[0x17] = (uint8_t)(table_length >> 8);
	e[0x1C] = 8;
	e[0x1E] = 0x28;
}

static void test_bad21(void)
{
	uint8_t e[SMBIOS_ANCHOR_MAX + SLACK];
	status_t s;

	make_sm21(e, 321);
	is_code(smbios_check(e, 31, 321), LB_OK, "2.1: a well-formed synthetic anchor passes");
	memcpy(e, "_SN_", 4);
	s = smbios_check(e, 31, 321);
	is_code(s, LB_E_SMBIOS_BAD_ANCHOR, "2.1: signature _SN_ -> BAD_ANCHOR");
	ok(lb_detail.a == 31 && (lb_detail.b & 0xFFFFFFFF) == 0x5F4E535F,
	   "BAD_ANCHOR reports length, signature");
	memcpy(e, "_sm_", 4);
	is_code(smbios_check(e, 31, 321), LB_E_SMBIOS_BAD_ANCHOR, "2.1: signature _sm_");
	make_sm21(e, 321);
	memcpy(e + 0x10, "_DMX_", 5);
	is_code(smbios_check(e, 31, 321), LB_E_SMBIOS_BAD_ANCHOR, "2.1: intermediate anchor _DMX_");
	make_sm21(e, 321);
	e[5] = 0x1E;
	is_code(smbios_check(e, 31, 321), LB_E_SMBIOS_BAD_ANCHOR, "2.1: length byte 0x1E");
	e[5] = 0x18;
	is_code(smbios_check(e, 31, 321), LB_E_SMBIOS_BAD_ANCHOR, "2.1: length byte 0x18");
	e[5] = 0x20;
	is_code(smbios_check(e, 31, 321), LB_E_SMBIOS_BAD_ANCHOR, "2.1: length byte 0x20");
	make_sm21(e, 321);
	static const uint32_t sizes[] = {0, 4, 24, 30, 32};
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		is_code(smbios_check(e, sizes[i], 321), LB_E_SMBIOS_BAD_ANCHOR,
			"2.1 anchor given as %u bytes", sizes[i]);
	is_code(smbios_check(e, 31, 0), LB_E_SMBIOS_BAD_TABLES, "2.1: no tables");
	is_code(smbios_check(e, 31, 321 + 65536), LB_E_SMBIOS_BAD_TABLES,
		"2.1: tables 64 KiB larger (the 16-bit length must not wrap)");
	make_sm21(e, 0xFFFF);
	is_code(smbios_check(e, 31, 0xFFFF), LB_OK, "2.1: the largest table length, 65535");
	memset(e, 0, sizeof(e));
	is_code(smbios_check(e, 31, 0), LB_E_SMBIOS_BAD_ANCHOR, "31 zero bytes");
}

/* A structure: type, handle, a formatted area of len bytes (4 at least), strings. */
static uint32_t put_structure(uint8_t *t, uint8_t type, uint16_t handle, uint8_t len,
			      const char *strings, uint32_t strings_len)
{
	memset(t, 0, len);
	t[0] = type;
	t[1] = len;
	t[2] = (uint8_t)handle;
	t[3] = (uint8_t)(handle >> 8);
	memcpy(t + len, strings, strings_len);
	return len + strings_len;
}

/* smbios_oem_value's answer for name in t: the value, or NULL. */
static const char *oem(const uint8_t *t, uint32_t len, const char *name)
{
	static char v[64];
	uint32_t at = 0, n = 0;
	if (!smbios_oem_value(t, len, name, &at, &n))
		return NULL;
	if (at + n > len || n >= sizeof(v))
		return "(outside)";
	memcpy(v, t + at, n);
	v[n] = '\0';
	return v;
}

#define S(x) x, sizeof(x) /* strings with the NUL that ends them */

static void test_oem_value(void)
{
	uint8_t t[256], *cut;
	uint32_t n = 0;
	n += put_structure(t + n, 1, 0x100, 8, S("x\0"));
	n += put_structure(t + n, 11, 0xB00, 5, S("abc=1\0k\0key=\0k=first\0k=second\0"));
	n += put_structure(t + n, 127, 0x7F00, 4, S("\0"));
	is_str(oem(t, n, "abc"), "1", "oem: found");
	is_str(oem(t, n, "k"), "first", "oem: the first of several, not a bare 'k'");
	is_str(oem(t, n, "key"), "", "oem: an empty value");
	ok(!oem(t, n, "ab"), "oem: a name must be followed by '='");
	ok(!oem(t, n, "x"), "oem: another type's strings are not OEM strings");
	ok(!oem(t, n, "none"), "oem: not found");

	/* QEMU's order: its own types 1, 4, 11, 16, 17, then the end. */
	n = 0;
	n += put_structure(t + n, 1, 0x100, 8, S("\0"));
	n += put_structure(t + n, 4, 0x400, 8, S("CPU\0"));
	n += put_structure(t + n, 11, 0xB00, 5, S("a=b\0"));
	n += put_structure(t + n, 16, 0x1000, 8, S("\0"));
	n += put_structure(t + n, 17, 0x1100, 8, S("\0"));
	n += put_structure(t + n, 127, 0x7F00, 4, S("\0"));
	is_str(oem(t, n, "a"), "b", "oem: QEMU's order, type 11 after type 4, before type 16");
	/* After QEMU's own type 16 no type 11 comes: the walk ends there. */
	n = 0;
	n += put_structure(t + n, 16, 0x1000, 8, S("\0"));
	n += put_structure(t + n, 11, 0xB00, 5, S("a=b\0"));
	n += put_structure(t + n, 127, 0x7F00, 4, S("\0"));
	ok(!oem(t, n, "a"), "oem: stops at QEMU's own type 16 (handle 0x1000)");
	/* A user's structure (-smbios file=) of a later type with a handle of its own. */
	t[2] = 0x34;
	t[3] = 0x12;
	is_str(oem(t, n, "a"), "b", "oem: a user's type 16 (handle 0x1234) does not stop it");
	t[0] = 17;
	t[2] = 0x00;
	t[3] = 0x10;
	is_str(oem(t, n, "a"), "b", "oem: nor a user's type 17 with handle 0x1000");

	/* Truncated tables, copied to an exact-size buffer (a read past is ASan's). */
	n = put_structure(t, 11, 0xB00, 5, S("z=1\0a=b\0"));
	for (uint32_t len = 0; len < n; len++) {
		cut = malloc(len ? len : 1);
		memcpy(cut, t, len);
		const char *v = oem(cut, len, "a");
		if (!ok(!v || (len == n - 1 && !strcmp(v, "b")),
			"oem: the table cut to %u of %u bytes: %s", len, n, v ? v : "not found"))
			diag("got %s", v);
		free(cut);
	}
	/* The strings' end missing, the next structure's type a 1: not a structure. */
	n = put_structure(t, 11, 0xB00, 5, S("z=1\0"));
	t[n++] = 1;
	ok(!oem(t, n, "a"), "oem: no double NUL, no answer");
}

static void test_scan(void)
{
	uint8_t t[256];
	struct smbios_table_info info;
	uint32_t n = 0;

	/* A user's binary type 11 first (handle 0x1234), then a user type 0 after
	 * QEMU-like ones: only a walk finds it. */
	n += put_structure(t + n, 11, 0x1234, 5, "user\0\0", 6);
	n += put_structure(t + n, 1, 0x100, 0x1B, "QEMU\0\0", 6);
	n += put_structure(t + n, 0, 0x2000, 0x18, "\0\0", 2);
	n += put_structure(t + n, 127, 0x7F00, 4, "\0\0", 2);
	is_code(smbios_scan(t, n, &info), LB_OK, "scan: four structures");
	ok(info.has_bios && info.structures == 4 && info.max_handle == 0x7F00 &&
	       info.max_size == 0x1B + 6,
	   "scan: type 0 found, 4 structures, highest handle 0x7F00, largest 0x21 bytes");
	uint8_t sm21[sizeof(struct smbios21_entry)] = "_SM_";
	is_code(smbios_survey(sm21, t, n, &info), LB_OK, "survey: a user's structure first");
	ok(info.has_bios && info.structures == 4, "survey walks when the first is not QEMU's own");

	/* QEMU's order with -smbios type=0,...: type 0 first, handle 0. */
	uint32_t m = put_structure(t, 0, 0, 0x18, "X\0\0", 3);
	m += put_structure(t + m, 127, 0x7F00, 4, "\0\0", 2);
	is_code(smbios_survey(sm21, t, m, &info), LB_OK, "survey: QEMU's type 0 first");
	ok(info.has_bios, "survey: the user's type 0 (vendor X) is kept");

	/* Readers stop at type 127: what follows it is not looked at. */
	memset(t + m, 0xFF, 8);
	is_code(smbios_scan(t, m + 8, &info), LB_OK, "scan stops at type 127");
	is_u64(info.structures, 2, "scan: two structures before the end");

	/* Broken tables: never read past the end, always an error. */
	uint8_t b[16];
	put_structure(b, 1, 0x100, 4, "\0\0", 2);
	b[1] = 3;
	is_code(smbios_scan(b, 6, &info), LB_E_SMBIOS_BAD_STRUCTURE, "scan: length 3");
	b[1] = 7;
	is_code(smbios_scan(b, 6, &info), LB_E_SMBIOS_BAD_STRUCTURE, "scan: length past the end");
	b[1] = 4;
	is_code(smbios_scan(b, 5, &info), LB_E_SMBIOS_BAD_STRUCTURE, "scan: one NUL of two");
	is_code(smbios_scan(b, 3, &info), LB_E_SMBIOS_BAD_STRUCTURE, "scan: a 3-byte header");
	put_structure(b, 1, 0x100, 4, "ab\0c", 4);
	is_code(smbios_scan(b, 8, &info), LB_E_SMBIOS_BAD_STRUCTURE,
		"scan: strings run off the end");
	is_code(smbios_scan(b, 0, &info), LB_OK, "scan: an empty area has nothing");
	is_u64(info.structures, 0, "scan: an empty area: no structures");
}

static const char strings[] = SMBIOS_BIOS_STRINGS;

static void test_bios(void)
{
	uint8_t t[SMBIOS_BIOS_SIZE + SLACK];
	struct smbios_table_info info = {.structures = 9, .max_size = 20};
	struct smbios_bios b = {.rom_size = 0x10000, .pci = true, .acpi = true};

	memset(t, CANARY, sizeof(t));
	smbios_bios_build(t, 0x7F01, &b, &info);
	ok(slack_ok(t, SMBIOS_BIOS_SIZE), "type 0: nothing written past SMBIOS_BIOS_SIZE");
	ok(t[0] == 0 && t[1] == 0x18 && le16(t + 2) == 0x7F01,
	   "type 0: header, length 0x18, handle");
	ok(t[4] == 1 && t[5] == 2 && t[8] == 3, "type 0: vendor, version, date are strings 1-3");
	is_u64(le16(t + 6), 0, "type 0: no runtime BIOS segment");
	is_u64(t[9], 0, "type 0: a 64 KiB ROM");
	is_u64(le64(t + 0x0A), 1u << 7, "type 0: PCI supported, no BIOS services");
	is_u64(t[0x12], 1, "type 0: ACPI supported");
	is_u64(t[0x13], 0x10, "type 0: a virtual machine, not UEFI");
	ok(t[0x14] == LEAPBOOT_VERSION_MAJOR && t[0x15] == LEAPBOOT_VERSION_MINOR &&
	       t[0x16] == 0xFF && t[0x17] == 0xFF,
	   "type 0: release %u.%u, no embedded controller", LEAPBOOT_VERSION_MAJOR,
	   LEAPBOOT_VERSION_MINOR);
	ok(strcmp((const char *)t + 0x18, "leapboot") == 0, "type 0: vendor leapboot");
	ok(memcmp(t + 0x18, strings, sizeof(strings)) == 0 && t[SMBIOS_BIOS_SIZE - 1] == 0 &&
	       t[SMBIOS_BIOS_SIZE - 2] == 0,
	   "type 0: version " LEAPBOOT_VERSION ", date " LEAPBOOT_BIOS_DATE ", two NULs at the "
	   "end");
	ok(info.structures == 10 && info.max_size == SMBIOS_BIOS_SIZE,
	   "type 0: counted, the largest structure now");
	struct smbios_table_info walked;
	is_code(smbios_scan(t, SMBIOS_BIOS_SIZE, &walked), LB_OK, "type 0: scans as one structure");
	ok(walked.has_bios && walked.structures == 1 && walked.max_size == SMBIOS_BIOS_SIZE,
	   "type 0: the walk agrees on its size");

	b = (struct smbios_bios){.rom_size = 0x20000};
	smbios_bios_build(t, 1, &b, &info);
	ok(t[9] == 1 && le64(t + 0x0A) == 0 && t[0x12] == 0,
	   "type 0 on microvm without ACPI: 128 KiB ROM, no PCI, no ACPI");
}

static void test_own_table(void)
{
	uint8_t t[SMBIOS_OWN_SIZE + SLACK];
	struct smbios_bios b = {.rom_size = 0x10000, .acpi = true};
	struct smbios_table_info walked;
	const uint8_t *table = t + SMBIOS_OWN_TABLE;

	memset(t, CANARY, sizeof(t));
	smbios_own_build(t, 0xF7C20, &b);
	ok(slack_ok(t, SMBIOS_OWN_SIZE), "own table: nothing written past SMBIOS_OWN_SIZE");
	ok(memcmp(t, "_SM3_", 5) == 0 && t[6] == 24 && t[7] == 3, "own table: a 3.0 entry point");
	is_code(smbios_check(t, 24, SMBIOS_OWN_SIZE - SMBIOS_OWN_TABLE), LB_OK,
		"own table: smbios_check accepts it");
	ok(le64(t + 0x10) == 0xF7C20 + SMBIOS_OWN_TABLE &&
	       le32(t + 0x0C) == SMBIOS_OWN_SIZE - SMBIOS_OWN_TABLE && sum8(t, 24) == 0,
	   "own table: address, size and checksum");
	is_code(smbios_scan(table, SMBIOS_OWN_SIZE - SMBIOS_OWN_TABLE, &walked), LB_OK,
		"own table: scans");
	ok(walked.has_bios && walked.structures == 2 && walked.max_handle == 1 &&
	       table[SMBIOS_BIOS_SIZE] == 127,
	   "own table: type 0 and type 127, handles 0 and 1");
}

static void test_link_too_big(void)
{
	uint8_t e[sizeof(struct smbios21_entry)];
	struct smbios_table_info info = {0};
	make_sm21(e, 100);
	status_t s = smbios_link(e, 0x1000, 0x10000, &info);
	is_code(s, LB_E_SMBIOS_BAD_TABLES, "2.1: 64 KiB of tables do not fit its 16-bit length");
}

int main(void)
{
	test_fixture("pc");
	test_fixture("q35");
	test_sm3();
	test_bad21();
	test_scan();
	test_oem_value();
	test_bios();
	test_own_table();
	test_link_too_big();
	return done_testing();
}
