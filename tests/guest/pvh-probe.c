/*
 * pvh-probe.c: a PVH "kernel" that checks what its loader handed it and says so on COM1.
 *
 * Every line starts with "PVH-PROBE: ".  The last one is "RESULT PASS" or "RESULT FAIL <names>",
 * after which the probe writes 0x10 (PASS) or 0x11 (FAIL) to isa-debug-exit at port 0x501
 * (QEMU exit status 33 / 35) and halts if QEMU is still running.
 *
 * A check that fails is named in the RESULT line.  The kernel command line may list checks
 * that are expected to fail under a given loader: "pvh-probe.allow=rsdp,cr0" still prints
 * them as BAD but leaves them out of the verdict (they are listed on an "allowed:" line).
 *
 * Runs in 32-bit protected mode without paging: physical address = pointer.  Nothing here
 * touches memory the loader did not hand over, except to read it.
 */
#include "probe-x86.h"
#include "probe-report.h"
#include "probe-map.h"
#include "probe-tables.h"

const char probe_prefix[] = "PVH-PROBE: ";
const char probe_allow_key[] = "pvh-probe.allow=";

/* --- protocol structures (Xen public/arch-x86/hvm/start_info.h) -------------------------- */

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578u

struct hvm_start_info {
	u32 magic;
	u32 version;
	u32 flags;
	u32 nr_modules;
	u64 modlist_paddr;
	u64 cmdline_paddr;
	u64 rsdp_paddr;
	u64 memmap_paddr;	/* version >= 1 */
	u32 memmap_entries;	/* version >= 1 */
	u32 reserved;
};
_Static_assert(offsetof(struct hvm_start_info, nr_modules) == 12, "nr_modules");
_Static_assert(offsetof(struct hvm_start_info, modlist_paddr) == 16, "modlist_paddr");
_Static_assert(offsetof(struct hvm_start_info, cmdline_paddr) == 24, "cmdline_paddr");
_Static_assert(offsetof(struct hvm_start_info, rsdp_paddr) == 32, "rsdp_paddr");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 40, "memmap_paddr");
_Static_assert(offsetof(struct hvm_start_info, memmap_entries) == 48, "memmap_entries");
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info size");

struct hvm_modlist_entry {
	u64 paddr;
	u64 size;
	u64 cmdline_paddr;
	u64 reserved;
};
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry size");

struct hvm_memmap_table_entry {
	u64 addr;
	u64 size;
	u32 type;
	u32 reserved;
};
_Static_assert(offsetof(struct hvm_memmap_table_entry, type) == 16, "memmap type");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry size");

#define MEMMAP_RAM 1
#define MEMMAP_TYPE_MAX 7	/* 1 RAM .. 5 UNUSABLE (e820), 6 DISABLED, 7 PMEM */

/* --- the link (what the entry code recorded: probe-x86.h) ---------------------------------- */

extern u8 __image_start[], __image_end[], __bss_start[], __bss_end[];
extern u8 __stack_bottom[], __stack_top[];

void probe_main(void) __attribute__((noreturn));

/* An initialised word that the loader must have copied from the file. */
static volatile u32 data_magic = 0x50564850;	/* "PHVP" */

/* --- port I/O, addresses, COM1 --------------------------------------------------------------- */

/* Physical memory below 4 GiB as a pointer; the caller has checked the range. */
static inline const u8 *phys(u64 addr)
{
	return (const u8 *)(uptr)addr;
}

/* [addr, addr+len) lies below 4 GiB and does not wrap. */
static int below_4g(u64 addr, u64 len)
{
	return addr <= 0xffffffffull && len <= 0x100000000ull - addr;
}

int probe_readable(u64 addr, u64 len)
{
	return below_4g(addr, len);
}

const u8 *probe_phys(u64 addr)
{
	return phys(addr);
}

static void puthex(u64 v, int digits)
{
	out_s("0x");
	hexdigits(v, digits);
}

static void puthex32(u32 v)
{
	puthex(v, 8);
}

static void puthex64(u64 v)
{
	puthex(v, 16);
}

/* A whole line for a failed check. */
static void bad_line(const char *name, const char *why)
{
	line(name);
	bad(name, why);
	eol();
}

/* --- CPU state ------------------------------------------------------------------------------ */

/*
 * One line per segment register: "<name>=<sel> ar=<access> limit=<limit> base=<base>" then
 * ok or BAD.  Flat means: present, base 0, limit 4 GiB - 1, granular, not expand-down;
 * code is 32-bit (D=1, L=0) and readable enough to execute; data is writable.
 */
static void check_segment(const char *name, u16 sel, int code, int cs_readable)
{
	struct seg_seen s;
	seg_read(sel, &s);
	s.have_base = gdt_base(sel, &s.base);
	u32 ar = s.ar, limit = s.limit, base = s.base;

	seg_print(name, sel, &s);
	if (!s.have_ar || !s.have_limit) {
		bad(name, sel & ~3 ? "selector not accessible (lar/lsl failed)" : "null selector");
	} else if (!(ar & AR_P) || !(ar & AR_S)) {
		bad(name, "not a present code/data descriptor");
	} else if (code && !(ar & AR_CODE)) {
		bad(name, "not a code segment");
	} else if (code && (ar & AR_L)) {
		bad(name, "64-bit code segment (L=1)");
	} else if (code && !(ar & AR_DB)) {
		bad(name, "16-bit code segment (D=0)");
	} else if (!code && (ar & AR_CODE)) {
		bad(name, "code segment loaded as data");
	} else if (!code && !(ar & AR_WRITABLE)) {
		bad(name, "data segment not writable");
	} else if (!code && (ar & AR_EXPDOWN)) {
		bad(name, "expand-down data segment");
	} else if (!code && name[0] == 's' && !(ar & AR_DB)) {
		bad(name, "16-bit stack segment (B=0)");
	} else if (limit != 0xffffffff) {
		bad(name, "limit is not 4 GiB - 1");
	} else if (s.have_base && base != 0) {
		bad(name, "descriptor base is not 0");
	} else if (code && entry_eip_seen != entry_eip_linked) {
		bad(name, "CS base is not 0 (call pushed an unexpected offset)");
	} else if (!code && name[0] == 's' && entry_ss_reloaded) {
		bad(name, "failed the entry check (base differs from DS); SS was reloaded from DS");
	} else if (!code && cs_readable && !seg_base_same(name[0], 'c')) {
		bad(name, "hidden base differs from CS's (write/read-back test)");
	} else {
		out_s(" ok");
	}
	eol();
}

static void check_cpu(void)
{
	line("ebx=");
	puthex32(entry_ebx);
	if (!entry_ebx)
		bad("ebx", "zero: no start_info");
	eol();

	int cr0_mode_ok = cr0_unpaged_protected();
	if (cr0_mode_ok && (entry_cr0 & ~(CR0_PE | CR0_ET))) {
		static const char *const names[32] = {
			[1] = "MP", [2] = "EM", [3] = "TS", [5] = "NE", [16] = "WP", [18] = "AM",
			[29] = "NW", [30] = "CD",
		};
		out_s(" (");
		for (int i = 0, first = 1; i < 32; i++) {
			if (!(entry_cr0 & ~(CR0_PE | CR0_ET) & (1u << i)))
				continue;
			if (!first)
				out_c(' ');
			first = 0;
			if (names[i]) {
				out_s(names[i]);
			} else {
				out_s("bit");
				putdec(i);
			}
		}
		out_c(')');
		bad("cr0", entry_cr0 & (3u << 29) ? "CD/NW set (caches disabled); PVH wants only PE"
						  : "bits other than PE (and read-only ET) set");
	} else if (cr0_mode_ok) {
		out_s(" ok");
	}
	eol();

	line("cr4=");
	puthex32(entry_cr4);
	if (entry_cr4)
		bad("cr4", "not 0");
	else
		out_s(" ok");
	eol();

	check_eflags(EFLAGS_IF | EFLAGS_TF | EFLAGS_VM);

	int cs_readable = verr(entry_cs);
	check_segment("cs", entry_cs, 1, 0);
	check_segment("ds", entry_ds, 0, cs_readable);
	check_segment("es", entry_es, 0, cs_readable);
	check_segment("ss", entry_ss, 0, cs_readable);
	if (!cs_readable) {
		line("segment bases: CS is execute-only, hidden DS/ES/SS bases not compared");
		eol();
	}

	/* Information only: the PVH text also asks for TR = a 32-bit TSS (base 0, limit 0x67),
	 * which Linux does not use; fs/gs are unspecified. */
	line("info: fs=");
	puthex(entry_fs, 4);
	out_s(" gs=");
	puthex(entry_gs, 4);
	out_s(" tr=");
	puthex(entry_tr, 4);
	{
		u32 ar, limit;
		if (entry_tr && lar(entry_tr, &ar) && lsl(entry_tr, &limit)) {
			out_s(" tr.ar=");
			puthex(ar & 0x00f0ff00, 8);
			out_s(" tr.limit=");
			puthex32(limit);
		}
	}
	put_dtr("gdtr", entry_gdtr);
	put_dtr("idtr", entry_idtr);
	out_s(" eax=");
	puthex32(entry_eax);
	out_s(" esp=");
	puthex32(entry_esp);
	eol();
}

/* --- the probe image itself ----------------------------------------------------------------- */

static void check_image(void)
{
	line("image=");
	puthex32((uptr)__image_start);
	out_c('-');
	puthex32((uptr)__image_end);
	if (data_magic != 0x50564850) {
		bad("image", "initialised data not loaded");
	} else if (bss_zeroed(__bss_start, __bss_end)) {
		out_s(" data=ok bss=ok");
	}
	eol();
}

/* --- start_info ------------------------------------------------------------------------------ */

static const struct hvm_start_info *si;
static u64 si_addr;
static const struct hvm_memmap_table_entry *mm;

/* An entry that can be used for coverage questions even if the map as a whole is bad. */
static int entry_ok(const struct hvm_memmap_table_entry *e)
{
	return e->size && e->type >= 1 && e->type <= MEMMAP_TYPE_MAX && e->addr + e->size > e->addr;
}

/* Does [addr, addr+len) clash with the probe image? Then the loader put it over the kernel. */
static int over_image(u64 addr, u64 len)
{
	return overlaps(addr, len, (uptr)__image_start, (uptr)(__image_end - __image_start));
}

static void check_header(void)
{
	si_addr = entry_ebx;
	si = (const struct hvm_start_info *)(uptr)entry_ebx;

	line("start_info=");
	puthex32(entry_ebx);
	out_s(" magic=");
	puthex32(si->magic);
	out_s(" version=");
	putdec(si->version);
	out_s(" flags=");
	puthex32(si->flags);
	out_s(" reserved=");
	puthex32(si->version >= 1 ? si->reserved : 0);
	if (si->magic != XEN_HVM_START_MAGIC_VALUE)
		bad("magic", "not 0x336ec578");
	else if (si->version < 1)
		bad("version", "below 1: no memory map fields");
	else if (over_image(si_addr, sizeof(*si)))
		bad("start_info", "overlaps the probe image");
	else
		out_s(" ok");
	eol();
}

/* The command line, for the allow list and the expected RAM size. */
static const u8 *cmd;
static u32 cmd_len;

static void check_cmdline(void)
{
	u64 addr = si->cmdline_paddr;
	line("cmdline_paddr=");
	puthex64(addr);
	eol();
	if (!addr) {
		line("cmdline=");
		bad("cmdline", "cmdline_paddr is 0");
		eol();
		return;
	}
	if (!below_4g(addr, 1)) {
		bad_line("cmdline", "above 4 GiB");
		return;
	}
	const u8 *s = phys(addr);
	u32 n = 0, max = 65536;
	while (n < max && below_4g(addr, n + 1) && s[n])
		n++;
	line("cmdline=");
	putesc(s, n);
	if (n == max)
		bad("cmdline", "no NUL within 64 KiB");
	else if (over_image(addr, n + 1))
		bad("cmdline", "overlaps the probe image");
	eol();
	find_allow(s, n);
	cmd = s;
	cmd_len = n;
}

static void check_modules(void)
{
	const struct hvm_modlist_entry *ml;

	line("nr_modules=");
	putdec(si->nr_modules);
	out_s(" modlist_paddr=");
	puthex64(si->modlist_paddr);
	if (!si->nr_modules) {
		eol();
		line("module0 none");
		eol();
		return;
	}
	if (si->nr_modules > 1024) {
		bad("modules", "implausibly many");
		eol();
		return;
	}
	if (!si->modlist_paddr) {
		bad("modules", "modlist_paddr is 0");
		eol();
		return;
	}
	if (!below_4g(si->modlist_paddr, (u64)si->nr_modules * sizeof(*ml))) {
		bad("modules", "modlist above 4 GiB");
		eol();
		return;
	}
	if (over_image(si->modlist_paddr, (u64)si->nr_modules * sizeof(*ml)))
		bad("modules", "modlist overlaps the probe image");
	eol();

	ml = (const struct hvm_modlist_entry *)phys(si->modlist_paddr);
	for (u32 i = 0; i < si->nr_modules; i++) {
		line("module");
		putdec(i);
		out_s(" paddr=");
		puthex64(ml[i].paddr);
		out_s(" size=");
		putdec(ml[i].size);
		out_s(" cmdline_paddr=");
		puthex64(ml[i].cmdline_paddr);
		if (ml[i].cmdline_paddr && below_4g(ml[i].cmdline_paddr, 1)) {
			const u8 *s = phys(ml[i].cmdline_paddr);
			u32 n = 0;
			while (n < 4096 && s[n])
				n++;
			out_s(" cmdline=");
			putesc(s, n);
		}
		if (!ml[i].paddr)
			bad("modules", "paddr is 0");
		else if (!ml[i].size)
			bad("modules", "size is 0");
		else if (ml[i].paddr + ml[i].size < ml[i].paddr)
			bad("modules", "range wraps around");
		else if (over_image(ml[i].paddr, ml[i].size))
			bad("modules", "overlaps the probe image");
		else if (overlaps(ml[i].paddr, ml[i].size, si_addr, sizeof(*si)))
			bad("modules", "overlaps start_info");
		else if (map_n && !map_ram_covers(ml[i].paddr, ml[i].size))
			bad("modules", "not inside RAM of the memmap");
		else
			out_s(" ok");
		eol();
	}

	line("module0 size=");
	putdec(ml[0].size);
	if (ml[0].paddr && below_4g(ml[0].paddr, ml[0].size)) {
		out_s(" fnv1a=");
		hexdigits(fnv1a(phys(ml[0].paddr), (u32)ml[0].size), 8);
	} else {
		bad("module0", "not readable below 4 GiB");
	}
	eol();
}

static const char *const type_names[] = {
	"?", "ram", "reserved", "acpi", "nvs", "unusable", "disabled", "pmem",
};

/* Reasons the memmap is bad, for the "memmap=bad (...)" line. */
static const char *mm_why[8];
static u32 mm_nwhy;

static void memmap_bad(const char *name, const char *why)
{
	bad(name, why);
	for (u32 i = 0; i < mm_nwhy; i++)
		if (streq(mm_why[i], why))
			return;
	if (mm_nwhy < 8)
		mm_why[mm_nwhy++] = why;
}

/*
 * Every entry on its own line, a problem at the end of the entry's line; then whether RAM
 * covers the probe image and start_info; then "memmap=ok" or "memmap=bad (<reasons>)".
 * Failure names: "memmap" (the table itself), "memmap-image" and "memmap-start_info" (RAM
 * coverage), so that a known loader quirk can be allowed without hiding the others.
 */
static void check_memmap(void)
{
	const char *why = 0;
	u32 n = si->memmap_entries;

	line("memmap_paddr=");
	puthex64(si->memmap_paddr);
	out_s(" memmap_entries=");
	putdec(n);
	eol();

	if (!si->memmap_paddr || !n)
		why = "no memory map";
	else if (n > 4096)
		why = "implausibly many entries";
	else if (!below_4g(si->memmap_paddr, (u64)n * sizeof(*mm)))
		why = "map above 4 GiB";
	if (why) {
		line("memmap=bad (");
		out_s(why);
		out_c(')');
		record("memmap");
		eol();
		return;
	}

	mm = (const struct hvm_memmap_table_entry *)phys(si->memmap_paddr);
	for (u32 i = 0; i < n; i++) {
		const struct hvm_memmap_table_entry *e = &mm[i];
		const struct hvm_memmap_table_entry *p = i ? &mm[i - 1] : 0;
		line("memmap[");
		putdec(i);
		out_s("] addr=");
		puthex64(e->addr);
		out_s(" size=");
		puthex64(e->size);
		out_s(" type=");
		putdec(e->type);
		if (e->type <= MEMMAP_TYPE_MAX) {
			out_c(' ');
			out_s(type_names[e->type]);
		}
		if (e->reserved) {
			out_s(" reserved=");
			puthex32(e->reserved);
		}
		if (!e->size)
			memmap_bad("memmap", "zero-sized entry");
		else if (e->type < 1 || e->type > MEMMAP_TYPE_MAX)
			memmap_bad("memmap", "type not in 1..7");
		else if (e->addr + e->size < e->addr)
			memmap_bad("memmap", "entry wraps around");
		else if (e->reserved)
			memmap_bad("memmap", "reserved field not 0");
		else if (p && entry_ok(p) && e->addr < p->addr)
			memmap_bad("memmap", "not sorted by address");
		else if (p && entry_ok(p) && e->addr < p->addr + p->size)
			memmap_bad("memmap", "overlaps the previous entry");
		eol();
		map_add(e->addr, e->size, e->type);
	}
	if (over_image(si->memmap_paddr, (u64)n * sizeof(*mm))) {
		line("memmap table");
		memmap_bad("memmap", "table overlaps the probe image");
		eol();
	}

	line("memmap ram covers image");
	if (!map_ram_covers((uptr)__image_start, (uptr)(__image_end - __image_start)))
		memmap_bad("memmap-image", "probe image not inside RAM");
	else
		out_s(" ok");
	eol();
	line("memmap ram covers start_info");
	if (!map_ram_covers(si_addr, sizeof(*si)))
		memmap_bad("memmap-start_info", "start_info not inside RAM");
	else
		out_s(" ok");
	eol();

	line("memmap=");
	if (mm_nwhy) {
		out_s("bad (");
		for (u32 i = 0; i < mm_nwhy; i++) {
			if (i)
				out_s("; ");
			out_s(mm_why[i]);
		}
		out_c(')');
	} else {
		out_s("ok");
	}
	eol();
}

void probe_main(void)
{
	com1_init();
	out_c('\n');
	line("pvh-probe start");
	eol();

	check_image();	/* first: the checks below write bss */
	check_cpu();
	if (!entry_ebx)
		probe_exit();

	check_header();
	if (si->magic != XEN_HVM_START_MAGIC_VALUE)
		probe_exit();
	check_cmdline();
	/* The memmap first, so that module and RSDP checks can use it; printed in this order. */
	if (si->version >= 1)
		check_memmap();
	check_modules();
	int rsdp_ok = check_rsdp("rsdp_paddr", si->rsdp_paddr);
	if (si->version >= 1 && si->memmap_entries) {
		check_ram_total("memmap-mem", cmd, cmd_len, "pvh-probe.mem=");
		if (rsdp_ok)
			check_acpi_reserved("memmap-acpi", si->rsdp_paddr);
		check_smbios("memmap-smbios");
	}
	probe_exit();
}
