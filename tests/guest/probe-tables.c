#include "probe-tables.h"
#include "probe-map.h"

struct acpi_rsdp {
	char signature[8];
	u8 checksum;
	char oem_id[6];
	u8 revision;
	u32 rsdt_address;
	u32 length; /* revision >= 2 from here on */
	u64 xsdt_address;
	u8 extended_checksum;
	u8 reserved[3];
} __attribute__((packed));
_Static_assert(offsetof(struct acpi_rsdp, length) == 20, "rsdp length");
_Static_assert(sizeof(struct acpi_rsdp) == 36, "rsdp size");

struct acpi_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "acpi header size");

/* FADT fields the reserved-range check follows (ACPI 6.x table 5.9). */
#define FADT_FACS	36
#define FADT_DSDT	40
#define FADT_X_FACS	132
#define FADT_X_DSDT	140
#define SMBIOS_FSEG	0xf0000u
#define SMBIOS_FSEG_END 0x100000u

static u8 sum8(const u8 *p, u32 n)
{
	u8 s = 0;
	while (n--)
		s += *p++;
	return s;
}

static u32 rd32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u64 rd64(const u8 *p)
{
	return rd32(p) | (u64)rd32(p + 4) << 32;
}

/* An ACPI table header at addr with the given signature and a good checksum; NULL if fine. */
static const char *check_sdt(u64 addr, const char *sig)
{
	if (!addr)
		return "address is 0";
	if (!probe_readable(addr, sizeof(struct acpi_header)))
		return "not addressable";
	const struct acpi_header *h = (const struct acpi_header *)probe_phys(addr);
	if (sig && memcmp(h->signature, sig, 4))
		return "bad signature";
	if (h->length < sizeof(*h) || h->length > (1u << 20) || !probe_readable(addr, h->length))
		return "bad length";
	if (sum8(probe_phys(addr), h->length))
		return "bad checksum";
	return 0;
}

int check_rsdp(const char *label, u64 addr)
{
	const char *why = 0, *sdt_why = 0;

	line(label);
	out_s("=0x");
	hexdigits(addr, 16);
	if (!addr) {
		why = "address is 0";
	} else if (!probe_readable(addr, 20)) {
		why = "not addressable";
	} else {
		const struct acpi_rsdp *r = (const struct acpi_rsdp *)probe_phys(addr);
		out_s(" rev=");
		putdec(r->revision);
		out_s(" oem=");
		putesc((const u8 *)r->oem_id, 6);
		out_s(" rsdt=0x");
		hexdigits(r->rsdt_address, 8);
		if (memcmp(r->signature, "RSD PTR ", 8)) {
			why = "no \"RSD PTR \" signature";
		} else if (sum8(probe_phys(addr), 20)) {
			why = "bad checksum (first 20 bytes)";
		} else if (r->revision >= 2) {
			out_s(" length=");
			putdec(r->length);
			out_s(" xsdt=0x");
			hexdigits(r->xsdt_address, 16);
			if (r->length < 36 || r->length > 4096 || !probe_readable(addr, r->length))
				why = "bad length";
			else if (sum8(probe_phys(addr), r->length))
				why = "bad extended checksum";
			else if (r->xsdt_address && (sdt_why = check_sdt(r->xsdt_address, "XSDT")))
				why = "XSDT invalid";
		}
		if (!why && (r->revision < 2 || r->rsdt_address) &&
		    (sdt_why = check_sdt(r->rsdt_address, "RSDT")))
			why = "RSDT invalid";
	}
	eol();
	line("rsdp=");
	if (why) {
		out_s("bad (");
		out_s(why);
		if (sdt_why) {
			out_s(": ");
			out_s(sdt_why);
		}
		out_c(')');
		record("rsdp");
	} else {
		out_s("ok");
	}
	eol();
	return !why;
}

/* "<name> <what> 0x<addr>+<len>" and whether it lies outside RAM. */
static int reserved_line(const char *name, const char *what, u64 addr, u64 len)
{
	line(name);
	out_c(' ');
	out_s(what);
	out_s(" 0x");
	hexdigits(addr, 16);
	out_c('+');
	putdec(len);
	int ok = map_reserved_covers(addr, len);
	if (!ok)
		bad(name, "in RAM or outside the map");
	eol();
	return ok;
}

/* The table at addr (any signature, good header) and, for the FADT, its DSDT and FACS. */
static int table_reserved(const char *name, u64 addr)
{
	if (check_sdt(addr, 0))
		return 1; /* not a table: check_rsdp has said what is wrong with the RSDP's */
	const u8 *t = probe_phys(addr);
	u32 len = rd32(t + 4);
	char sig[5] = {(char)t[0], (char)t[1], (char)t[2], (char)t[3], 0};
	int ok = reserved_line(name, sig, addr, len);
	if (!memcmp(t, "FACP", 4)) {
		u64 dsdt = len >= FADT_X_DSDT + 8 && rd64(t + FADT_X_DSDT) ? rd64(t + FADT_X_DSDT)
									   : rd32(t + FADT_DSDT);
		u64 facs = len >= FADT_X_FACS + 8 && rd64(t + FADT_X_FACS) ? rd64(t + FADT_X_FACS)
									   : rd32(t + FADT_FACS);
		if (dsdt && !check_sdt(dsdt, "DSDT"))
			ok &= reserved_line(name, "DSDT", dsdt, rd32(probe_phys(dsdt) + 4));
		if (facs && probe_readable(facs, 8) && !memcmp(probe_phys(facs), "FACS", 4))
			ok &= reserved_line(name, "FACS", facs, rd32(probe_phys(facs) + 4));
	}
	return ok;
}

/* Each table listed by the RSDT (4-byte entries) or XSDT (8-byte entries) at addr. */
static int listed_reserved(const char *name, u64 addr, u32 entry)
{
	int ok = table_reserved(name, addr);
	if (check_sdt(addr, 0))
		return ok;
	const u8 *t = probe_phys(addr);
	u32 len = rd32(t + 4);
	for (u32 off = sizeof(struct acpi_header); off + entry <= len; off += entry)
		ok &= table_reserved(name, entry == 8 ? rd64(t + off) : rd32(t + off));
	return ok;
}

void check_acpi_reserved(const char *name, u64 rsdp)
{
	int ok = 1;
	if (rsdp && probe_readable(rsdp, 36) && !memcmp(probe_phys(rsdp), "RSD PTR ", 8)) {
		const struct acpi_rsdp *r = (const struct acpi_rsdp *)probe_phys(rsdp);
		ok &= reserved_line(name, "RSDP", rsdp, r->revision >= 2 ? r->length : 20);
		if (r->rsdt_address)
			ok &= listed_reserved(name, r->rsdt_address, 4);
		if (r->revision >= 2 && r->xsdt_address)
			ok &= listed_reserved(name, r->xsdt_address, 8);
	}
	line(name);
	out_s(ok ? "=ok" : "=bad");
	eol();
}

void check_smbios(const char *reserved_name)
{
	u64 ep = 0, table = 0;
	u32 ep_len = 0, table_len = 0;
	const char *why = 0;

	for (u32 a = SMBIOS_FSEG; a < SMBIOS_FSEG_END && !ep; a += 16) {
		const u8 *p = probe_phys(a);
		if (!memcmp(p, "_SM3_", 5)) {
			ep = a, ep_len = p[6];
			table = rd64(p + 0x10), table_len = rd32(p + 0x0c);
		} else if (!memcmp(p, "_SM_", 4)) {
			ep = a, ep_len = p[5];
			table = rd32(p + 0x18), table_len = p[0x16] | p[0x17] << 8;
			if (memcmp(p + 0x10, "_DMI_", 5))
				why = "no _DMI_ in the 2.1 entry point";
			else if (sum8(p + 0x10, 15))
				why = "bad intermediate checksum";
		}
	}
	if (!ep) {
		line("smbios none");
		eol();
		return;
	}
	line("smbios entry=0x");
	hexdigits(ep, 8);
	out_s(" length=");
	putdec(ep_len);
	out_s(" table=0x");
	hexdigits(table, 16);
	out_s(" table_length=");
	putdec(table_len);
	if (!why && (ep_len < 0x18 || ep + ep_len > SMBIOS_FSEG_END))
		why = "bad entry point length";
	if (!why && sum8(probe_phys(ep), ep_len))
		why = "bad entry point checksum";
	if (!why && (!table || !table_len || !probe_readable(table, table_len)))
		why = "no structure table";
	if (why)
		bad("smbios", why);
	eol();
	line("smbios=");
	out_s(why ? "bad" : "ok");
	eol();
	int ok = reserved_line(reserved_name, "SMBIOS entry point", ep, ep_len);
	if (!why)
		ok &= reserved_line(reserved_name, "SMBIOS table", table, table_len);
	line(reserved_name);
	out_s(ok ? "=ok" : "=bad");
	eol();
}
