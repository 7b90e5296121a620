/* fw_cfg's MMIO window from the DSDT (boot/efi/acpi_fw_cfg.c): the AML QEMU 7.2
 * writes for arm virt's Device (FWCF), with its real neighbours, and AML that must
 * not be taken for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../boot/efi/acpi_fw_cfg.h"
#include "bytes.h"
#include "tap.h"

#define N(a) (uint32_t)(sizeof(a) / sizeof((a)[0]))

#define VIRT_FW_CFG	 0x09020000u
#define VIRT_FW_CFG_SIZE 0x18u

/* Device (FWCF) as QEMU 7.2 builds it for -M virt (hw/arm/virt-acpi-build.c,
 * acpi_dsdt_add_fw_cfg), byte for byte as in the DSDT it serves: */
static const uint8_t fwcf[] = {
    0x5b, 0x82, 0x38, 'F',  'W',  'C', 'F', /* Device (FWCF), PkgLength 0x38 */
    0x08, '_',	'H',  'I',  'D',	    /* Name (_HID, */
    0x0d, 'Q',	'E',  'M',  'U',	    /* String "QEMU0002") */
    '0',  '0',	'0',  '2',  0x00,	    /* */
    0x08, '_',	'S',  'T',  'A',	    /* Name (_STA, */
    0x0a, 0x0b,				    /* BytePrefix 0x0B): present, enabled, not shown */
    0x08, '_',	'C',  'C',  'A',	    /* Name (_CCA, */
    0x01,				    /* One): DMA cache-coherent */
    0x08, '_',	'C',  'R',  'S',	    /* Name (_CRS, ResourceTemplate () {...}): */
    0x11, 0x11,				    /* Buffer, PkgLength 0x11, */
    0x0a, 0x0e,				    /* BufferSize BytePrefix 14: */
    0x86, 0x09, 0x00,			    /* Memory32Fixed, 9 bytes follow, */
    0x01,				    /* ReadWrite, */
    0x00, 0x00, 0x02, 0x09,		    /* base 0x09020000, */
    0x18, 0x00, 0x00, 0x00,		    /* length 0x18 */
    0x79, 0x00,				    /* EndTag, checksum 0 */
};
_Static_assert(sizeof(fwcf) == 2 + 0x38, "Device (FWCF) is as long as its PkgLength says");

/* Its neighbours in that DSDT, inside Scope (_SB): Device (C000) { _HID "ACPI0007",
 * _UID 0 } and Device (COM0) { _HID "ARMH0011", _UID 0, _CRS { Memory32Fixed
 * (0x09000000, 0x1000), Interrupt (0x21) } } before it, and the first virtio-mmio
 * Device (VR00) { _HID "LNRO0005", _UID 0, _CCA One, _CRS { Memory32Fixed
 * (0x0a000000, 0x200), Interrupt (0x30) } } after it. Captured from
 * qemu-system-aarch64 7.2 -M virt's etc/acpi/tables. */
static const uint8_t c000_com0[] = {
    0x5b, 0x82, 0x1a, 0x43, 0x30, 0x30, 0x30, 0x08, 0x5f, 0x48, 0x49, 0x44, 0x0d, 0x41, 0x43,
    0x50, 0x49, 0x30, 0x30, 0x30, 0x37, 0x00, 0x08, 0x5f, 0x55, 0x49, 0x44, 0x00, 0x5b, 0x82,
    0x3a, 0x43, 0x4f, 0x4d, 0x30, 0x08, 0x5f, 0x48, 0x49, 0x44, 0x0d, 0x41, 0x52, 0x4d, 0x48,
    0x30, 0x30, 0x31, 0x31, 0x00, 0x08, 0x5f, 0x55, 0x49, 0x44, 0x00, 0x08, 0x5f, 0x43, 0x52,
    0x53, 0x11, 0x1a, 0x0a, 0x17, 0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09, 0x00, 0x10,
    0x00, 0x00, 0x89, 0x06, 0x00, 0x01, 0x01, 0x21, 0x00, 0x00, 0x00, 0x79, 0x00,
};
static const uint8_t vr00[] = {
    0x5b, 0x82, 0x41, 0x04, 0x56, 0x52, 0x30, 0x30, 0x08, 0x5f, 0x48, 0x49, 0x44, 0x0d,
    0x4c, 0x4e, 0x52, 0x4f, 0x30, 0x30, 0x30, 0x35, 0x00, 0x08, 0x5f, 0x55, 0x49, 0x44,
    0x00, 0x08, 0x5f, 0x43, 0x43, 0x41, 0x01, 0x08, 0x5f, 0x43, 0x52, 0x53, 0x11, 0x1a,
    0x0a, 0x17, 0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x02, 0x00, 0x00,
    0x89, 0x06, 0x00, 0x01, 0x01, 0x30, 0x00, 0x00, 0x00, 0x79, 0x00,
};

/* The parts of Device (FWCF) after its name, to build variants from. */
static const uint8_t hid[] = {0x08, '_', 'H', 'I', 'D', 0x0d, 'Q', 'E',
			      'M',  'U', '0', '0', '0', '2',  0x00};
static const uint8_t sta[] = {0x08, '_', 'S', 'T', 'A', 0x0a, 0x0b};
static const uint8_t cca[] = {0x08, '_', 'C', 'C', 'A', 0x01};
static const uint8_t crs[] = {0x08, '_',  'C',	'R',  'S',  0x11, 0x11, 0x0a,
			      0x0e, 0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0x02,
			      0x09, 0x18, 0x00, 0x00, 0x00, 0x79, 0x00};
/* pc's and q35's: IO (Decode16, 0x510, 0x510, 1, 12). */
static const uint8_t crs_io[] = {0x08, '_',  'C',  'R',	 'S',  0x11, 0x0d, 0x0a, 0x0a, 0x47,
				 0x01, 0x10, 0x05, 0x10, 0x05, 0x01, 0x0c, 0x79, 0x00};
/* Method (_CRS) { Return (ResourceTemplate () { Memory32Fixed (...) }) }. */
static const uint8_t crs_method[] = {0x14, 0x19, '_',  'C',  'R',  'S',	 0x00, 0xa4, 0x11,
				     0x11, 0x0a, 0x0e, 0x86, 0x09, 0x00, 0x01, 0x00, 0x00,
				     0x02, 0x09, 0x18, 0x00, 0x00, 0x00, 0x79, 0x00};

struct aml {
	uint8_t b[1024];
	uint32_t n;
};

static void emit(struct aml *a, const void *p, uint32_t n)
{
	memcpy(a->b + a->n, p, n);
	a->n += n;
}

/* Device (name) { body }: the PkgLength counts itself, in one byte below 64, else
 * two (low nibble first). */
static void device(struct aml *a, const char *name, const struct aml *body)
{
	uint32_t len = 4 + body->n;
	emit(a, "\x5b\x82", 2);
	if (len + 1 < 0x40) {
		a->b[a->n++] = (uint8_t)(len + 1);
	} else {
		len += 2;
		a->b[a->n++] = (uint8_t)(0x40 | (len & 0xf));
		a->b[a->n++] = (uint8_t)(len >> 4);
	}
	emit(a, name, 4);
	emit(a, body->b, body->n);
}

/* Name (XPAD, "xx...x"): k + 7 bytes between _HID and _CRS. */
static void pad(struct aml *a, uint32_t k)
{
	emit(a, "\x08XPAD\x0d", 6);
	for (uint32_t i = 0; i < k; i++)
		a->b[a->n++] = 'x';
	a->b[a->n++] = 0;
}

/* acpi_dsdt_fw_cfg on an exact-size heap copy (a read past len is an ASan
 * report), base and size preset to a pattern finds_none wants left alone. */
static bool find(const uint8_t *aml, uint32_t len, uint64_t *base, uint32_t *size)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, aml, len);
	*base = 0x5a5a5a5a5a5a5a5aull;
	*size = 0x5a5a5a5a;
	bool found = acpi_dsdt_fw_cfg(copy, len, base, size);
	free(copy);
	return found;
}

static bool finds_virt(const uint8_t *aml, uint32_t len)
{
	uint64_t base;
	uint32_t size;
	return find(aml, len, &base, &size) && base == VIRT_FW_CFG && size == VIRT_FW_CFG_SIZE;
}

static bool finds_none(const uint8_t *aml, uint32_t len)
{
	uint64_t base;
	uint32_t size;
	return !find(aml, len, &base, &size) && base == 0x5a5a5a5a5a5a5a5aull && size == 0x5a5a5a5a;
}

static void test_qemu_virt(void)
{
	struct aml a = {.n = 0};
	emit(&a, c000_com0, N(c000_com0));
	emit(&a, fwcf, N(fwcf));
	emit(&a, vr00, N(vr00));
	ok(finds_virt(a.b, a.n), "QEMU virt's C000, COM0, FWCF, VR00: FWCF's 0x09020000+0x18");
	ok(finds_virt(fwcf, N(fwcf)), "Device (FWCF) alone");

	struct aml body = {.n = 0}, built = {.n = 0};
	emit(&body, hid, N(hid));
	emit(&body, sta, N(sta));
	emit(&body, cca, N(cca));
	emit(&body, crs, N(crs));
	device(&built, "FWCF", &body);
	ok(built.n == N(fwcf) && !memcmp(built.b, fwcf, N(fwcf)),
	   "the test's AML builder writes QEMU's bytes");

	/* Cut short: found once the whole descriptor is there (the EndTag is not
	 * needed). */
	uint32_t end = N(fwcf) - 2, wrong = 0;
	for (uint32_t n = 0; n <= N(fwcf); n++)
		if (n >= end ? !finds_virt(fwcf, n) : !finds_none(fwcf, n))
			wrong++;
	is_u64(wrong, 0, "Device (FWCF) cut to 0..%u bytes: found iff at least %u", N(fwcf), end);
	ok(finds_none(fwcf, 0), "no AML at all");
}

static void test_not_fw_cfg(void)
{
	uint8_t b[sizeof(fwcf)];

	memcpy(b, fwcf, sizeof(b));
	b[20] = '1';
	ok(finds_none(b, sizeof(b)), "_HID \"QEMU0001\"");
	memcpy(b, fwcf, sizeof(b));
	b[21] = 'X';
	ok(finds_none(b, sizeof(b)), "\"QEMU0002\" without its NUL");
	memcpy(b, fwcf, sizeof(b));
	b[13] = 'q';
	ok(finds_none(b, sizeof(b)), "\"qEMU0002\"");

	/* Not a Memory32Fixed descriptor: length 0x109, length 10, tag 0x87. */
	static const struct {
		uint32_t at;
		uint8_t v;
	} tags[] = {{46, 0x01}, {45, 0x0a}, {44, 0x87}};
	for (uint32_t i = 0; i < N(tags); i++) {
		memcpy(b, fwcf, sizeof(b));
		b[tags[i].at] = tags[i].v;
		ok(finds_none(b, sizeof(b)), "descriptor byte %u changed to %#x", tags[i].at,
		   tags[i].v);
	}
}

/* FWCF = Device (FWCF) { _HID, XPAD of k, _STA, _CCA, the given _CRS }. */
static void fwcf_with(struct aml *a, uint32_t k, const uint8_t *c, uint32_t cn)
{
	struct aml body = {.n = 0};
	emit(&body, hid, N(hid));
	if (k)
		pad(&body, k);
	emit(&body, sta, N(sta));
	emit(&body, cca, N(cca));
	emit(&body, c, cn);
	a->n = 0;
	device(a, "FWCF", &body);
}

static void test_crs(void)
{
	struct aml a;

	/* The descriptor ends 41 + k bytes after the _HID string: the last one in
	 * reach ends 128 bytes after it. */
	fwcf_with(&a, 87, crs, N(crs));
	ok(finds_virt(a.b, a.n), "descriptor ending 128 bytes after _HID: found");
	fwcf_with(&a, 88, crs, N(crs));
	ok(finds_none(a.b, a.n), "descriptor ending 129 bytes after _HID: out of reach");
	fwcf_with(&a, 120, crs, N(crs));
	ok(finds_none(a.b, a.n), "_CRS itself out of reach");

	fwcf_with(&a, 0, crs_method, N(crs_method));
	ok(finds_none(a.b, a.n), "Method (_CRS) instead of Name (_CRS, Buffer)");

	/* An IO port _CRS, then QEMU's next device: VR00's window is not fw_cfg's. */
	fwcf_with(&a, 0, crs_io, N(crs_io));
	ok(finds_none(a.b, a.n), "_CRS with pc's IO descriptor");
	emit(&a, vr00, N(vr00));
	ok(finds_none(a.b, a.n), "_CRS with pc's IO descriptor, VR00 next");

	/* The descriptor after an IO one in the same buffer is found. */
	static const uint8_t crs_both[] = {0x08, '_',  'C',  'R',  'S',	 0x11, 0x19, 0x0a,
					   0x16, 0x47, 0x01, 0x10, 0x05, 0x10, 0x05, 0x01,
					   0x0c, 0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0x02,
					   0x09, 0x18, 0x00, 0x00, 0x00, 0x79, 0x00};
	fwcf_with(&a, 0, crs_both, N(crs_both));
	emit(&a, vr00, N(vr00));
	ok(finds_virt(a.b, a.n), "IO, then Memory32Fixed in one _CRS: the Memory32Fixed");

	/* The Buffer's PkgLength bounds the search: from its own byte, 15 still hold
	 * the descriptor, 14 do not; the two-byte form is read too. */
	uint8_t c[N(crs) + 1];
	memcpy(c, crs, N(crs));
	c[6] = 15;
	fwcf_with(&a, 0, c, N(crs));
	emit(&a, vr00, N(vr00));
	ok(finds_virt(a.b, a.n), "Buffer PkgLength 15: the descriptor is inside");
	c[6] = 14;
	fwcf_with(&a, 0, c, N(crs));
	emit(&a, vr00, N(vr00));
	ok(finds_none(a.b, a.n),
	   "Buffer PkgLength 14: the descriptor sticks out, VR00's is not used");
	memcpy(c, crs, 6);
	c[6] = 0x42; /* 2 + (0x01 << 4) = 18 bytes, two of them its own */
	c[7] = 0x01;
	memcpy(c + 8, crs + 7, N(crs) - 7);
	fwcf_with(&a, 0, c, N(c));
	ok(finds_virt(a.b, a.n), "Buffer with a two-byte PkgLength");
	/* Two IO ports in a Buffer of 0x16 bytes (0x46 0x01), then VR00. */
	static const uint8_t crs_io2[] = {
	    0x08, '_',	'C',  'R',  'S',  0x11, 0x46, 0x01, 0x0a, 0x12, 0x47, 0x01, 0x10, 0x05,
	    0x10, 0x05, 0x01, 0x0c, 0x47, 0x01, 0x20, 0x05, 0x20, 0x05, 0x01, 0x04, 0x79, 0x00};
	fwcf_with(&a, 0, crs_io2, N(crs_io2));
	emit(&a, vr00, N(vr00));
	ok(finds_none(a.b, a.n), "two-byte PkgLength of an IO-only _CRS, VR00 next");
	fwcf_with(&a, 0, c, 8);
	ok(finds_none(a.b, a.n), "two-byte PkgLength, nothing after it");
	fwcf_with(&a, 0, c, 7);
	ok(finds_none(a.b, a.n), "two-byte PkgLength cut after its first byte");
}

static bool contains(const uint8_t *p, uint32_t n, const void *what, uint32_t wn)
{
	for (uint32_t i = 0; i + wn <= n; i++)
		if (!memcmp(p + i, what, wn))
			return true;
	return false;
}

/* QEMU's x86 DSDTs (tests/unit/fixtures): FWCF has an IO port, no MMIO window. */
static void test_x86_fixtures(void)
{
	static const char *const machines[] = {"pc", "q35", "microvm"};
	const char *dir = getenv("LEAPBOOT_FIXTURES");
	for (uint32_t i = 0; i < N(machines); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s/etc/acpi/tables",
			 dir && *dir ? dir : "tests/unit/fixtures", machines[i]);
		static uint8_t t[131072];
		FILE *f = fopen(path, "rb");
		uint32_t n = f ? (uint32_t)fread(t, 1, sizeof(t), f) : 0;
		if (f)
			fclose(f);
		/* The tables follow each other: FACS (pc, q35), then DSDT. */
		uint32_t off = 0;
		while (off + 8 <= n && memcmp(t + off, "DSDT", 4) && le32(t + off + 4) >= 8)
			off += le32(t + off + 4);
		bool dsdt =
		    off + 36 <= n && !memcmp(t + off, "DSDT", 4) && le32(t + off + 4) <= n - off;
		uint32_t len = dsdt ? le32(t + off + 4) - 36 : 0;
		ok(dsdt && contains(t + off + 36, len, "QEMU0002", 9) &&
		       finds_none(t + off + 36, len),
		   "%s's DSDT (%s): QEMU0002 with an IO port, nothing found", machines[i], path);
	}
}

/* Host memory stands for physical memory: the tables point at each other with
 * their real addresses, as the firmware's identity map has them. */
static uint8_t rsdp[36], xsdt[36 + 2 * 8], facp[276], apic[44], dsdt[36 + sizeof(fwcf)];

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* RSDP -> XSDT (APIC, then FACP) -> FACP (X_DSDT) -> DSDT holding Device (FWCF). */
static void build_tables(void)
{
	memcpy(rsdp, "RSD PTR ", 8);
	rsdp[15] = 2;
	put64(rsdp + 24, (uintptr_t)xsdt);
	memcpy(xsdt, "XSDT", 4);
	put32(xsdt + 4, sizeof(xsdt));
	put64(xsdt + 36, (uintptr_t)apic);
	put64(xsdt + 44, (uintptr_t)facp);
	memcpy(apic, "APIC", 4);
	put32(apic + 4, sizeof(apic));
	memcpy(facp, "FACP", 4);
	put32(facp + 4, sizeof(facp));
	put32(facp + 40, 0);
	put64(facp + 140, (uintptr_t)dsdt);
	memcpy(dsdt, "DSDT", 4);
	put32(dsdt + 4, sizeof(dsdt));
	memcpy(dsdt + 36, fwcf, sizeof(fwcf));
}

static void test_rsdp_walk(void)
{
	build_tables();
	is_u64(acpi_rsdp_fw_cfg(rsdp), VIRT_FW_CFG, "RSDP -> XSDT -> FACP -> X_DSDT -> FWCF");
	ok(!acpi_rsdp_fw_cfg(NULL), "no RSDP: 0");

	build_tables();
	rsdp[15] = 0;
	ok(!acpi_rsdp_fw_cfg(rsdp), "an ACPI 1.0 RSDP (no XSDT): 0");
	build_tables();
	rsdp[0] = 'X';
	ok(!acpi_rsdp_fw_cfg(rsdp), "a bad RSDP signature: 0");
	build_tables();
	put64(rsdp + 24, 0);
	ok(!acpi_rsdp_fw_cfg(rsdp), "no XSDT address: 0");
	build_tables();
	xsdt[0] = 'R';
	ok(!acpi_rsdp_fw_cfg(rsdp), "an RSDT where the XSDT should be: 0");
	build_tables();
	put32(xsdt + 4, 44);
	ok(!acpi_rsdp_fw_cfg(rsdp), "an XSDT whose length leaves out the FACP: 0");
	build_tables();
	put64(xsdt + 44, 0);
	ok(!acpi_rsdp_fw_cfg(rsdp), "a null entry, no FACP: 0");

	/* The 32-bit DSDT field serves where X_DSDT is 0 or the FADT too short. */
	build_tables();
	if ((uintptr_t)dsdt <= UINT32_MAX) {
		put64(facp + 140, 0);
		put32(facp + 40, (uint32_t)(uintptr_t)dsdt);
		is_u64(acpi_rsdp_fw_cfg(rsdp), VIRT_FW_CFG,
		       "the 32-bit DSDT field when X_DSDT is 0");
	} else {
		put64(facp + 140, 0);
		ok(!acpi_rsdp_fw_cfg(rsdp), "X_DSDT 0 and no 32-bit DSDT: 0");
	}
	build_tables();
	put32(facp + 4, 140);
	ok(!acpi_rsdp_fw_cfg(rsdp), "a FADT too short for X_DSDT, DSDT field 0: 0");

	build_tables();
	dsdt[0] = 'S';
	ok(!acpi_rsdp_fw_cfg(rsdp), "a bad DSDT signature: 0");
	build_tables();
	put32(dsdt + 4, 35);
	ok(!acpi_rsdp_fw_cfg(rsdp), "a DSDT shorter than its header: 0");
	build_tables();
	dsdt[36 + 52] = 0x10; /* the Memory32Fixed length: 0x10 bytes, fewer than fw_cfg's 0x18 */
	ok(!acpi_rsdp_fw_cfg(rsdp), "a window smaller than fw_cfg's registers: 0");
	build_tables();
	dsdt[36 + 13] = 'X'; /* _HID "XEMU0002" */
	ok(!acpi_rsdp_fw_cfg(rsdp), "_HID XEMU0002, no fw_cfg device in the DSDT: 0");
}

int main(void)
{
	test_qemu_virt();
	test_not_fw_cfg();
	test_crs();
	test_x86_fixtures();
	test_rsdp_walk();
	return done_testing();
}
