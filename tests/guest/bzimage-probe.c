/*
 * bzimage-probe.c: a bzImage "kernel" that checks what its loader handed it through the 64-bit
 * boot protocol (Documentation/arch/x86/boot.rst) and says so on COM1.
 *
 * Every line starts with "BZIMAGE-PROBE: ".  The last one is "RESULT PASS" or "RESULT FAIL
 * <names>", after which the probe writes 0x10 (PASS) or 0x11 (FAIL) to isa-debug-exit at port
 * 0x501 (QEMU exit status 33 / 35) and halts if QEMU is still running.  The command line may list
 * checks expected to fail ("bzimage-probe.allow=smbios,e820-mem") and the RAM size the machine
 * was given ("bzimage-probe.mem=512M").
 *
 * Runs in long mode on its own identity map of the first 64 GiB (bzimage-probe-entry.S); the
 * loader's page tables are only read, to see what the loader had mapped.
 */
#include "probe-x86.h"
#include "probe-report.h"
#include "probe-map.h"
#include "probe-tables.h"

const char probe_prefix[] = "BZIMAGE-PROBE: ";
const char probe_allow_key[] = "bzimage-probe.allow=";

#define PROBE_MAPPED	 (64ull << 30)

#define BOOT_CS		 0x10
#define BOOT_DS		 0x18
#define LOADED_HIGH	 0x01
#define KASLR_FLAG	 0x02 /* set by the kernel's decompressor, never by a loader */
#define XLF_ABOVE_4G	 0x02
#define E820_ENTRIES_MAX 128
#define BOOT_PARAMS_SIZE 4096
#define HDR_OFFSET	 0x1f1

/* boot_params offsets (zero-page.rst, boot.rst) the probe reads. */
#define BP_ACPI_RSDP_ADDR    0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE  0x0c4
#define BP_EXT_CMD_LINE_PTR  0x0c8
#define BP_E820_ENTRIES	     0x1e8
#define BP_SENTINEL	     0x1ef
#define BP_TYPE_OF_LOADER    0x210
#define BP_LOADFLAGS	     0x211
#define BP_CODE32_START	     0x214
#define BP_RAMDISK_IMAGE     0x218
#define BP_RAMDISK_SIZE	     0x21c
#define BP_EXT_LOADER_VER    0x226
#define BP_CMD_LINE_PTR	     0x228
#define BP_INITRD_ADDR_MAX   0x22c
#define BP_XLOADFLAGS	     0x236
#define BP_CMDLINE_SIZE	     0x238
#define BP_SETUP_DATA	     0x250
#define BP_PREF_ADDRESS	     0x258
#define BP_INIT_SIZE	     0x260
#define BP_E820_TABLE	     0x2d0
#define E820_ENTRY_SIZE	     20

/* --- what the entry code recorded (bzimage-probe-entry.S) and the link gave ------------------ */

extern u64 entry_rsi, entry_rsp, entry_rdi, entry_rflags, entry_cr0, entry_cr3, entry_cr4;
extern u64 entry_efer, entry_rip_seen;
extern u16 entry_cs, entry_ds, entry_es, entry_ss, entry_fs, entry_gs;
extern u8 entry_gdtr[10], entry_idtr[10], entry_gdt[40];
extern u8 entry64[], __image_start[], __init_end[], __file_last_word[];
extern const u8 setup_header_in_file[], setup_header_in_file_end[];

void probe_main(void) __attribute__((noreturn));

/* --- memory, ports, COM1 ------------------------------------------------------------------ */

int probe_readable(u64 addr, u64 len)
{
	return addr <= PROBE_MAPPED && len <= PROBE_MAPPED - addr;
}

const u8 *probe_phys(u64 addr)
{
	return (const u8 *)(uptr)addr;
}

static u64 rd(const u8 *p, int size)
{
	u64 v = 0;
	for (int i = size - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void puthex(u64 v)
{
	out_s("0x");
	hexdigits(v, 16);
}

/* A " ok" or the failure, ending the line. */
static void verdict(const char *name, const char *why)
{
	if (why)
		bad(name, why);
	else
		out_s(" ok");
	eol();
}

/* --- CPU state -------------------------------------------------------------------------- */

#define CR0_PE	  (1ull << 0)
#define CR0_WP	  (1ull << 16)
#define CR0_PG	  (1ull << 31)
#define CR4_PAE	  (1ull << 5)
#define CR4_LA57  (1ull << 12)
#define EFER_LME  (1ull << 8)
#define EFER_LMA  (1ull << 10)
#define EFER_NXE  (1ull << 11)
#define RFLAGS_IF (1ull << 9)

static void check_mode(void)
{
	u32 ar = 0;
	int cs_long = lar(entry_cs, &ar) && (ar & AR_L);

	line("mode=64-bit efer=");
	puthex(entry_efer);
	out_s(" cr0=");
	puthex(entry_cr0);
	out_s(" cr4=");
	puthex(entry_cr4);
	out_s(" cr3=");
	puthex(entry_cr3);
	const char *why = 0;
	if (!(entry_efer & EFER_LMA) || !(entry_efer & EFER_LME))
		why = "EFER.LMA/LME clear";
	else if (!(entry_cr0 & CR0_PG) || !(entry_cr0 & CR0_PE))
		why = "CR0.PG/PE clear";
	else if (!(entry_cr4 & CR4_PAE))
		why = "CR4.PAE clear";
	else if (!cs_long)
		why = "CS is not a 64-bit code segment";
	verdict("mode", why);

	line("rflags=");
	puthex(entry_rflags);
	verdict("eflags", entry_rflags & RFLAGS_IF ? "IF set: interrupts enabled" : 0);

	line("info: rsp=");
	puthex(entry_rsp);
	out_s(" rdi=");
	puthex(entry_rdi);
	out_s(" fs=0x");
	hexdigits(entry_fs, 4);
	out_s(" gs=0x");
	hexdigits(entry_gs, 4);
	out_s(" gdtr=");
	puthex(rd(entry_gdtr + 2, 8));
	out_c('/');
	puthex(rd(entry_gdtr, 2));
	out_s(" idtr=");
	puthex(rd(entry_idtr + 2, 8));
	out_c('/');
	puthex(rd(entry_idtr, 2));
	eol();
}

/*
 * boot.rst, 64-bit protocol: CS = __BOOT_CS (0x10), execute/read; DS, ES, SS = __BOOT_DS (0x18),
 * read/write; both 4 GiB flat descriptors (base 0, limit 0xfffff with G), CS with L = 1.
 */
static void check_segment(const char *name, u16 sel, u16 want, int code)
{
	u32 ar = 0, limit = 0;
	u32 gdt_limit = (u32)rd(entry_gdtr, 2);
	int have_ar = lar(sel, &ar), have_limit = lsl(sel, &limit);
	int have_desc = !(sel & 4) && (sel | 7) <= gdt_limit && (sel | 7) < sizeof(entry_gdt);
	const u8 *d = entry_gdt + (sel & ~7u);
	u32 base = have_desc ? d[2] | (u32)d[3] << 8 | (u32)d[4] << 16 | (u32)d[7] << 24 : 0;
	u32 dlimit = have_desc ? d[0] | (u32)d[1] << 8 | (u32)(d[6] & 0xf) << 16 : 0;
	int granular = have_desc && (d[6] & 0x80);

	line(name);
	out_s("=0x");
	hexdigits(sel, 4);
	if (have_ar) {
		out_s(" ar=0x");
		hexdigits(ar & 0x00f0ff00, 8);
	}
	if (have_desc) {
		out_s(" desc=0x");
		hexdigits(rd(d, 8), 16);
	}
	const char *why = 0;
	if (sel != want)
		why = code ? "CS is not __BOOT_CS (0x10)" : "not __BOOT_DS (0x18)";
	else if (!have_ar || !have_limit || !have_desc)
		why = "descriptor not in the GDT";
	else if (!(ar & AR_P) || !(ar & AR_S))
		why = "not a present code/data descriptor";
	else if (code && (!(ar & AR_CODE) || !(ar & AR_WRITABLE)))
		why = "not an execute/read code segment";
	else if (code && (!(ar & AR_L) || (ar & AR_DB)))
		why = "not a 64-bit code segment (L=1, D=0)";
	else if (!code && ((ar & AR_CODE) || !(ar & AR_WRITABLE)))
		why = "not a read/write data segment";
	else if (base || dlimit != 0xfffff || !granular)
		why = "not 4 GiB flat (base 0, limit 0xfffff, G=1)";
	verdict(name, why);
}

/* --- the loader's page tables ------------------------------------------------------------- */

#define PTE_P	 (1ull << 0)
#define PTE_RW	 (1ull << 1)
#define PTE_PS	 (1ull << 7)
#define PTE_XD	 (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* The loader's tables (CR3 at entry) map [va, va+len) to the same physical addresses, writable
 * (when CR0.WP makes that matter) and executable if asked; NULL if so. */
static const char *loader_maps(u64 va, u64 len, int need_write, int need_exec)
{
	if (entry_cr4 & CR4_LA57)
		return "5-level paging: not walked";
	for (u64 page = va & ~0xfffull; page < va + len;) {
		u64 table = entry_cr3 & PTE_ADDR, e = 0, size = 0;
		for (int level = 4; level >= 1; level--) {
			u64 at = table + ((page >> (3 + 9 * level)) & 511) * 8;
			if (!probe_readable(at, 8))
				return "page table not addressable";
			e = rd(probe_phys(at), 8);
			if (!(e & PTE_P))
				return "not mapped";
			if (need_write && (entry_cr0 & CR0_WP) && !(e & PTE_RW))
				return "not writable";
			if (need_exec && (entry_efer & EFER_NXE) && (e & PTE_XD))
				return "not executable";
			size = 1ull << (3 + 9 * level);
			if (level == 1 || (level <= 3 && (e & PTE_PS)))
				break;
			table = e & PTE_ADDR;
		}
		if ((((e & PTE_ADDR) & ~(size - 1)) | (page & (size - 1))) != page)
			return "not identity-mapped";
		page = (page | (size - 1)) + 1;
	}
	return 0;
}

static void check_mapped(const char *name, u64 addr, u64 len, int write, int exec)
{
	line(name);
	out_c(' ');
	puthex(addr);
	out_c('+');
	putdec(len);
	verdict(name, loader_maps(addr, len, write, exec));
}

/* --- boot_params ---------------------------------------------------------------------------- */

static const u8 *bp;
static u64 load, init_size, cmdline, cmdline_len, initrd, initrd_size;

#define BPV(off, size) rd(bp + (off), (size))

/* Setup header fields the loader must leave as in the file (boot.rst: "read"). */
static const struct {
	u16 off;
	u8 size;
	const char *name;
} read_only[] = {
    {0x1f1, 1, "setup_sects"},
    {0x1f4, 4, "syssize"},
    {0x1fe, 2, "boot_flag"},
    {0x200, 2, "jump"},
    {0x202, 4, "header"},
    {0x206, 2, "version"},
    {0x20c, 2, "start_sys_seg"},
    {0x20e, 2, "kernel_version"},
    {0x22c, 4, "initrd_addr_max"},
    {0x230, 4, "kernel_alignment"},
    {0x234, 1, "relocatable_kernel"},
    {0x235, 1, "min_alignment"},
    {0x236, 2, "xloadflags"},
    {0x238, 4, "cmdline_size"},
    {0x248, 4, "payload_offset"},
    {0x24c, 4, "payload_length"},
    {0x258, 8, "pref_address"},
    {0x260, 4, "init_size"},
    {0x264, 4, "handover_offset"},
    {0x268, 4, "kernel_info_offset"},
};

static void check_header(void)
{
	int same = 1;
	line("hdr");
	for (u32 i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++) {
		u32 off = read_only[i].off;
		u64 want = rd(setup_header_in_file + off - HDR_OFFSET, read_only[i].size);
		u64 got = BPV(off, read_only[i].size);
		if (want != got) {
			out_c(' ');
			out_s(read_only[i].name);
			out_c('=');
			puthex(got);
			out_s("!=");
			puthex(want);
			same = 0;
		}
	}
	if (same)
		out_s(" as in the file");
	verdict("hdr", same ? 0 : "read-only setup header fields changed");

	line("sentinel=");
	putdec(bp[BP_SENTINEL]);
	verdict("sentinel",
		bp[BP_SENTINEL] ? "not 0: the kernel would think boot_params is stale" : 0);

	line("type_of_loader=0x");
	hexdigits(bp[BP_TYPE_OF_LOADER], 2);
	out_s(" ext_loader_ver=");
	putdec(bp[BP_EXT_LOADER_VER]);
	out_s(" ext_loader_type=");
	putdec(bp[BP_EXT_LOADER_VER + 1]);
	verdict("type_of_loader",
		bp[BP_TYPE_OF_LOADER] ? 0 : "0: the loader did not say who it is");

	u8 lf = bp[BP_LOADFLAGS];
	line("loadflags=0x");
	hexdigits(lf, 2);
	verdict("loadflags", !(lf & LOADED_HIGH) ? "LOADED_HIGH cleared"
			     : lf & KASLR_FLAG	 ? "KASLR_FLAG set (the kernel's own bit)"
						 : 0);

	line("info: code32_start=");
	puthex(BPV(BP_CODE32_START, 4));
	out_s(" setup_data=");
	puthex(BPV(BP_SETUP_DATA, 8));
	eol();
}

static void check_load(void)
{
	load = (uptr)__image_start;
	init_size = rd(setup_header_in_file + BP_INIT_SIZE - HDR_OFFSET, 4);
	line("load=");
	puthex(entry_rip_seen - 0x200);
	out_s(" pref_address=");
	puthex(rd(setup_header_in_file + BP_PREF_ADDRESS - HDR_OFFSET, 8));
	out_s(" init_size=");
	puthex(init_size);
	verdict("load",
		entry_rip_seen != (uptr)entry64 ? "not at pref_address (not relocatable)" : 0);
	line("image");
	verdict("image", *(volatile u32 *)__file_last_word != 0x4c415354
			     ? "the file's last word was not loaded"
			     : 0);
}

static void check_cmdline(void)
{
	u32 max = (u32)BPV(BP_CMDLINE_SIZE, 4);
	cmdline = BPV(BP_CMD_LINE_PTR, 4) | BPV(BP_EXT_CMD_LINE_PTR, 4) << 32;
	line("cmd_line_ptr=");
	puthex(cmdline);
	eol();
	line("cmdline=");
	if (!cmdline || !probe_readable(cmdline, 1)) {
		verdict("cmdline", cmdline ? "not addressable" : "cmd_line_ptr is 0");
		cmdline = 0;
		return;
	}
	const u8 *s = probe_phys(cmdline);
	u32 n = 0;
	while (n <= max && probe_readable(cmdline, n + 1) && s[n])
		n++;
	putesc(s, n);
	cmdline_len = n;
	verdict("cmdline", n > max ? "no NUL within cmdline_size bytes" : 0);
	find_allow(s, n);
}

static int e820_type_known(u32 t)
{
	return (t >= 1 && t <= 5) || t == 7 || t == 12;
}

static void check_e820(void)
{
	u32 n = bp[BP_E820_ENTRIES];
	const char *why = 0;
	line("e820_entries=");
	putdec(n);
	eol();
	if (!n || n > E820_ENTRIES_MAX) {
		line("e820");
		verdict("e820", n ? "more entries than the table holds" : "no entries");
		return;
	}
	u64 prev_end = 0;
	for (u32 i = 0; i < n; i++) {
		const u8 *e = bp + BP_E820_TABLE + i * E820_ENTRY_SIZE;
		u64 addr = rd(e, 8), size = rd(e + 8, 8);
		u32 type = (u32)rd(e + 16, 4);
		line("e820[");
		putdec(i);
		out_s("] ");
		puthex(addr);
		out_c('+');
		puthex(size);
		out_s(" type=");
		putdec(type);
		const char *w = !size			 ? "zero-sized entry"
				: addr + size < addr	 ? "entry wraps around"
				: !e820_type_known(type) ? "unknown type"
				: i && addr < prev_end	 ? "unsorted or overlapping"
							 : 0;
		if (w) {
			bad("e820", w);
			why = w;
		}
		eol();
		map_add(addr, size, type);
		if (addr + size > prev_end)
			prev_end = addr + size;
	}
	line("e820=");
	out_s(why ? "bad" : "ok");
	eol();
}

/* Inside RAM (kernel, initrd) or inside one RAM or reserved entry (boot_params, command line:
 * the kernel copies both before it reads the map, so either is safe; not ACPI, NVS, a hole or
 * two entries). */
static void check_in_ram(const char *name, u64 addr, u64 len)
{
	line(name);
	out_c(' ');
	puthex(addr);
	out_c('+');
	putdec(len);
	verdict(name, map_ram_covers(addr, len) ? 0 : "not inside RAM");
}

static void check_in_one_entry(const char *name, u64 addr, u64 len)
{
	u32 type = 0;
	line(name);
	out_c(' ');
	puthex(addr);
	out_c('+');
	putdec(len);
	int one = map_one_entry(addr, len, &type);
	if (one) {
		out_s(" type=");
		putdec(type);
	}
	verdict(name, !one			     ? "not inside one map entry"
		      : type != MAP_RAM && type != 2 ? "inside ACPI, NVS or unusable memory"
						     : 0);
}

static void check_initrd(void)
{
	initrd = BPV(BP_RAMDISK_IMAGE, 4) | BPV(BP_EXT_RAMDISK_IMAGE, 4) << 32;
	initrd_size = BPV(BP_RAMDISK_SIZE, 4) | BPV(BP_EXT_RAMDISK_SIZE, 4) << 32;
	u64 max = BPV(BP_INITRD_ADDR_MAX, 4);
	line("ramdisk_image=");
	puthex(initrd);
	out_s(" ramdisk_size=");
	putdec(initrd_size);
	const char *why = 0;
	if (!initrd && !initrd_size) {
		eol();
		line("initrd none");
		eol();
		return;
	}
	if (!initrd || !initrd_size)
		why = "image or size is 0";
	else if (initrd + initrd_size < initrd || !probe_readable(initrd, initrd_size))
		why = "wraps or lies beyond 64 GiB";
	else if (!(BPV(BP_XLOADFLAGS, 2) & XLF_ABOVE_4G) && initrd + initrd_size - 1 > max)
		why = "ends above initrd_addr_max";
	else if (overlaps(initrd, initrd_size, load, init_size))
		why = "overlaps the kernel's init_size range";
	else if (overlaps(initrd, initrd_size, entry_rsi, BOOT_PARAMS_SIZE))
		why = "overlaps boot_params";
	else if (cmdline && overlaps(initrd, initrd_size, cmdline, cmdline_len + 1))
		why = "overlaps the command line";
	verdict("initrd", why);
	line("initrd size=");
	putdec(initrd_size);
	if (!why) {
		out_s(" fnv1a=");
		hexdigits(fnv1a(probe_phys(initrd), initrd_size), 8);
	}
	eol();
	if (why)
		initrd_size = 0;
}

void probe_main(void)
{
	com1_init();
	out_c('\n');
	line("bzimage-probe start");
	eol();

	check_mode();
	check_segment("cs", entry_cs, BOOT_CS, 1);
	check_segment("ds", entry_ds, BOOT_DS, 0);
	check_segment("es", entry_es, BOOT_DS, 0);
	check_segment("ss", entry_ss, BOOT_DS, 0);
	check_load();

	line("rsi=");
	puthex(entry_rsi);
	bp = probe_phys(entry_rsi);
	if (!entry_rsi || !probe_readable(entry_rsi, BOOT_PARAMS_SIZE) ||
	    memcmp(bp + 0x202, "HdrS", 4)) {
		verdict("rsi", "not a boot_params (no HdrS at +0x202)");
		probe_exit();
	}
	verdict("rsi", 0);

	check_header();
	check_cmdline();
	check_e820();
	check_ram_total("e820-mem", cmdline ? probe_phys(cmdline) : 0, (u32)cmdline_len,
			"bzimage-probe.mem=");
	check_in_ram("e820-kernel", load, init_size);
	check_in_one_entry("e820-boot_params", entry_rsi, BOOT_PARAMS_SIZE);
	if (cmdline)
		check_in_one_entry("e820-cmdline", cmdline, cmdline_len + 1);
	check_initrd();
	if (initrd_size)
		check_in_ram("e820-initrd", initrd, initrd_size);

	if (check_rsdp("acpi_rsdp_addr", BPV(BP_ACPI_RSDP_ADDR, 8)))
		check_acpi_reserved("e820-acpi", BPV(BP_ACPI_RSDP_ADDR, 8));
	check_smbios("e820-smbios");

	check_mapped("map-kernel", load, init_size, 1, 1);
	check_mapped("map-boot_params", entry_rsi, BOOT_PARAMS_SIZE, 0, 0);
	if (cmdline)
		check_mapped("map-cmdline", cmdline, cmdline_len + 1, 0, 0);
	probe_exit();
}
