/*
 * multiboot-probe.c: a Multiboot (0.6.96) "kernel" that checks what its loader handed it and
 * says so on COM1.
 *
 * Every line starts with "MULTIBOOT-PROBE: ".  The last one is "RESULT PASS" or "RESULT FAIL
 * <names>", after which the probe writes 0x10 (PASS) or 0x11 (FAIL) to isa-debug-exit at port
 * 0x501 (QEMU exit status 33 / 35) and halts if QEMU is still running.
 *
 * Words on the kernel command line:
 *   multiboot-probe.allow=<name>,...  failures still printed, but kept out of the verdict
 *   multiboot-probe.need=<flag>,...   information the loader must give (mem is always needed:
 *                                     the header sets flags[1]); flag names as on the mbi line
 *   multiboot-probe.mods=<n>          exactly n modules
 *   multiboot-probe.mem=<n>[KMG]      the RAM total of the map against -m (probe-map.h)
 *
 * Runs in 32-bit protected mode without paging on the loader's segments: physical address =
 * pointer.  Nothing outside the probe's own image is written.
 */
#include "multiboot-probe.h"
#include "probe-map.h"
#include "probe-x86.h"

const char probe_prefix[] = "MULTIBOOT-PROBE: ";
const char probe_allow_key[] = "multiboot-probe.allow=";

void probe_main(void) __attribute__((noreturn));

#define CMDLINE_MAX 65536
#define STRING_MAX  4096
#define MODS_MAX    256
#define PAGE_SIZE   4096

static const char *const flag_names[MBF_COUNT] = {
    "mem",    "device", "cmdline", "mods", "aout_syms", "elf_syms", "mmap",
    "drives", "config", "name",	   "apm",  "vbe",	"fb",
};

static const struct mb_info *mbi;
const u8 *mb_cmd;
u32 mb_cmd_len;

/* --- helpers (multiboot-probe.h) ------------------------------------------------------------ */

void puthex32(u32 v)
{
	out_s("0x");
	hexdigits(v, 8);
}

void puthex64(u64 v)
{
	out_s("0x");
	hexdigits(v, 16);
}

void bad_line(const char *name, const char *why)
{
	line(name);
	bad(name, why);
	eol();
}

int over_image(u64 addr, u64 len)
{
	return overlaps(addr, len, (uptr)__image_start, (uptr)(__image_end - __image_start));
}

/* Length of the string at addr (max if there is no NUL within max bytes or below 4 GiB). */
static u32 string_len(u32 addr, u32 max)
{
	const u8 *s = (const u8 *)(uptr)addr;
	u32 n = 0;
	while (n < max && n <= 0xffffffffu - addr && s[n])
		n++;
	return n;
}

/* A decimal number as the whole of [s, s+len); -1 if it is not one. */
static long long parse_dec(const u8 *s, u32 len)
{
	long long v = 0;
	if (!len || len > 9)
		return -1;
	for (u32 i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* --- the probe image ------------------------------------------------------------------------ */

static void check_image(void)
{
	u32 n = probe_pattern_end - probe_pattern, i = 0;

	line("image=");
	puthex32((uptr)__image_start);
	out_c('-');
	puthex32((uptr)__image_end);
	while (i < n && probe_pattern[i] == MB_PATTERN(i))
		i++;
	if (mb_header[0] != MB_HEADER_MAGIC) {
		bad("image", "the Multiboot header is not where it was linked");
	} else if (i < n) {
		out_s(" pattern@");
		puthex32((uptr)&probe_pattern[i]);
		bad("image", "the data's last 4 KiB are not as linked (short or misplaced load)");
	} else if (bss_zeroed(__bss_start, __bss_end)) {
		out_s(" data=ok bss=ok");
	}
	eol();
}

/* Which header form this build has, and its address fields (information only). */
static void report_header(void)
{
	line(mb_header[1] & MB_HEADER_AOUT ? "header=aout flags=" : "header=elf flags=");
	puthex32(mb_header[1]);
	if (mb_header[1] & MB_HEADER_AOUT) {
		static const char *const fields[5] = {"header_addr", "load_addr", "load_end_addr",
						      "bss_end_addr", "entry_addr"};
		for (int i = 0; i < 5; i++) {
			out_c(' ');
			out_s(fields[i]);
			out_c('=');
			puthex32(mb_header[3 + i]);
		}
	}
	eol();
}

/* --- the information structure ------------------------------------------------------------- */

static int has_flag(enum mb_flag f)
{
	return (mbi->flags >> f) & 1;
}

/* The bytes of the structure that the flags say are there. */
static u32 mbi_size(void)
{
	static const u8 end_of[MBF_COUNT] = {12, 16, 20, 28, 44, 44, 52, 60, 64, 68, 72, 88, 88};
	u32 size = 4;
	for (int f = 0; f < MBF_COUNT; f++)
		if (has_flag(f) && end_of[f] > size)
			size = end_of[f];
	return size;
}

/* The command line first, silently: its words steer the checks. */
static void find_cmdline(void)
{
	static const u8 empty[1];
	mb_cmd = empty;
	if (!has_flag(MBF_CMDLINE) || !mbi->cmdline)
		return;
	mb_cmd = (const u8 *)(uptr)mbi->cmdline;
	mb_cmd_len = string_len(mbi->cmdline, CMDLINE_MAX);
	find_allow(mb_cmd, mb_cmd_len);
}

/* Is name (len bytes) a flag name? Its bit, or -1. */
static int flag_bit(const u8 *name, u32 len)
{
	for (int f = 0; f < MBF_COUNT; f++) {
		u32 i = 0;
		while (i < len && flag_names[f][i] == (char)name[i])
			i++;
		if (i == len && !flag_names[f][i])
			return f;
	}
	return -1;
}

static void check_flags(void)
{
	u32 need = 1u << MBF_MEM, unknown = 0;
	const u8 *val;
	u32 vlen;

	if (find_word(mb_cmd, mb_cmd_len, "multiboot-probe.need=", &val, &vlen))
		for (u32 i = 0, j; i < vlen; i = j + 1) {
			for (j = i; j < vlen && val[j] != ','; j++)
				;
			int f = flag_bit(val + i, j - i);
			if (f < 0)
				unknown = 1;
			else
				need |= 1u << f;
		}

	line("mbi=");
	puthex32(entry_ebx);
	out_s(" flags=");
	puthex32(mbi->flags);
	out_s(" (");
	for (int f = 0, first = 1; f < 32; f++) {
		if (!((mbi->flags >> f) & 1))
			continue;
		if (!first)
			out_c(' ');
		first = 0;
		if (f < MBF_COUNT) {
			out_s(flag_names[f]);
		} else {
			out_s("bit");
			putdec(f);
		}
	}
	out_c(')');
	if (need & ~mbi->flags) {
		out_s(" missing:");
		for (int f = 0; f < MBF_COUNT; f++)
			if ((need & ~mbi->flags) >> f & 1) {
				out_c(' ');
				out_s(flag_names[f]);
			}
		bad("flags", "information the probe needs is missing");
	} else if (unknown) {
		bad("flags", "multiboot-probe.need= names an unknown flag");
	} else if (has_flag(MBF_AOUT_SYMS) && has_flag(MBF_ELF_SYMS)) {
		bad("flags", "flags[4] and flags[5] are both set");
	} else {
		out_s(" ok");
	}
	eol();
}

static void check_mbi_placement(void)
{
	u32 size = mbi_size();
	line("mbi at=");
	puthex32(entry_ebx);
	out_s(" size=");
	putdec(size);
	if (!loader_data_covers(entry_ebx, size))
		bad("mbi", "not in RAM");
	else
		out_s(" ok");
	eol();
}

/*
 * A string the loader points at: "<label>=<escaped>" (the line a test compares), then
 * "<label> at=<addr> len=<n>" with the checks: NUL-terminated within max bytes, in usable RAM,
 * not over the probe.
 */
static void check_string(const char *label, const char *name, u32 addr, u32 max)
{
	u32 n = addr ? string_len(addr, max) : 0;

	line(label);
	out_c('=');
	if (addr)
		putesc((const u8 *)(uptr)addr, n);
	eol();
	line(label);
	out_s(" at=");
	puthex32(addr);
	out_s(" len=");
	putdec(n);
	if (!addr)
		bad(name, "the pointer is 0");
	else if (n == max || n > 0xffffffffu - addr)
		bad(name, "no NUL within the limit");
	else if (!loader_data_covers(addr, n + 1))
		bad(name, "not in RAM");
	else if (over_image(addr, n + 1))
		bad(name, "overlaps the probe image");
	else
		out_s(" ok");
	eol();
}

static void check_cmdline(void)
{
	if (!has_flag(MBF_CMDLINE)) {
		line("cmdline none");
		eol();
		return;
	}
	check_string("cmdline", "cmdline", mbi->cmdline, CMDLINE_MAX);
}

static void check_name(void)
{
	if (!has_flag(MBF_NAME)) {
		line("boot_loader_name none");
		eol();
		return;
	}
	check_string("boot_loader_name", "boot_loader_name", mbi->boot_loader_name, STRING_MAX);
}

/* Why module i is misplaced; 0 if it is not. */
static const char *module_problem(const struct mb_module *m, u32 count, u32 i)
{
	const struct mb_module *mi = &m[i];
	u32 len = mi->mod_end - mi->mod_start;

	if (mi->mod_end < mi->mod_start)
		return "mod_end below mod_start";
	if (mi->mod_start % PAGE_SIZE)
		return "not page-aligned (the header's flags[0] asks for it)";
	if (len && !map_ram_covers(mi->mod_start, len))
		return "not in usable RAM";
	if (over_image(mi->mod_start, len))
		return "overlaps the probe image";
	if (overlaps(mi->mod_start, len, entry_ebx, mbi_size()))
		return "overlaps the Multiboot information";
	for (u32 j = 0; j < count; j++)
		if (j != i && m[j].mod_end >= m[j].mod_start &&
		    overlaps(mi->mod_start, len, m[j].mod_start, m[j].mod_end - m[j].mod_start))
			return "overlaps another module";
	if (!mi->string)
		return "no string";
	u32 n = string_len(mi->string, STRING_MAX);
	if (n == STRING_MAX || n > 0xffffffffu - mi->string)
		return "string not NUL-terminated within 4 KiB";
	if (!loader_data_covers(mi->string, n + 1))
		return "string not in RAM";
	if (over_image(mi->string, n + 1))
		return "string overlaps the probe image";
	return 0;
}

static void check_modules(void)
{
	const u8 *val;
	u32 vlen;
	int asked = find_word(mb_cmd, mb_cmd_len, "multiboot-probe.mods=", &val, &vlen);
	long long want = asked ? parse_dec(val, vlen) : -1;
	if (!has_flag(MBF_MODS)) {
		line("mods none");
		if (want > 0)
			bad("mods", "multiboot-probe.mods= asks for modules");
		eol();
		return;
	}

	u32 count = mbi->mods_count, table = count * sizeof(struct mb_module);
	line("mods_count=");
	putdec(count);
	out_s(" mods_addr=");
	puthex32(mbi->mods_addr);
	if (asked && want < 0)
		bad("mods", "cannot read multiboot-probe.mods=");
	else if (want >= 0 && count != want)
		bad("mods", "not the number multiboot-probe.mods= asks for");
	else if (count > MODS_MAX)
		bad("mods", "implausibly many");
	else if (count && (!mbi->mods_addr || !loader_data_covers(mbi->mods_addr, table)))
		bad("mods", "the module table is not in RAM");
	else if (count && over_image(mbi->mods_addr, table))
		bad("mods", "the module table overlaps the probe image");
	else
		out_s(" ok");
	eol();
	if (count > MODS_MAX || (count && !mbi->mods_addr))
		return;

	const struct mb_module *m = (const struct mb_module *)(uptr)mbi->mods_addr;
	for (u32 i = 0; i < count; i++) {
		const char *why = module_problem(m, count, i);
		line("module");
		putdec(i);
		out_s(" start=");
		puthex32(m[i].mod_start);
		out_s(" end=");
		puthex32(m[i].mod_end);
		if (why)
			bad("mods", why);
		else
			out_s(" ok");
		eol();
		if (m[i].mod_end >= m[i].mod_start) {
			u32 len = m[i].mod_end - m[i].mod_start;
			line("module");
			putdec(i);
			out_s(" size=");
			putdec(len);
			/* Only RAM: a wild mod_end would have the probe hash gigabytes. */
			if (len && !map_ram_covers(m[i].mod_start, len)) {
				out_s(" fnv1a not computed (not in usable RAM)");
			} else {
				out_s(" fnv1a=");
				hexdigits(fnv1a((const u8 *)(uptr)m[i].mod_start, len), 8);
			}
			eol();
		}
		if (m[i].string) {
			line("module");
			putdec(i);
			out_s(" cmdline=");
			putesc((const u8 *)(uptr)m[i].string, string_len(m[i].string, STRING_MAX));
			eol();
		}
	}
}

/* Fields the probe does not check, when present. */
static void report_info(void)
{
	if (has_flag(MBF_DEVICE)) {
		line("info: boot_device=");
		puthex32(mbi->boot_device);
		eol();
	}
}

void probe_main(void)
{
	com1_init();
	out_c('\n');
	line("multiboot-probe start");
	eol();

	check_image(); /* first: everything below writes bss */
	report_header();
	check_cpu();
	check_a20();
	if (!entry_ebx || entry_ebx > 0xffffffffu - sizeof(struct mb_info))
		probe_exit();

	mbi = (const struct mb_info *)(uptr)entry_ebx;
	find_cmdline();
	check_flags();
	check_mmap(mbi);
	check_mbi_placement();
	check_cmdline();
	check_name();
	check_modules();
	report_info();
	probe_exit();
}
