/*
 * arm64-probe.c: an arm64 "kernel" (Image) that checks what its loader handed it, following
 * Documentation/arch/arm64/booting.rst, and says so on the PL011 at 0x09000000 (QEMU virt).
 *
 * Every line starts with "ARM64-PROBE: ", one fact per line.  The last one is "RESULT PASS" or
 * "RESULT FAIL <names>"; then the probe powers the machine off with PSCI SYSTEM_OFF through the
 * conduit the DTB's /psci node names (QEMU exits with status 0 either way: read the RESULT line).
 *
 * A failing check's line ends in " BAD: <why>" and its name goes into the RESULT line.  The
 * kernel command line may list checks that are expected to fail under a given loader:
 * "arm64-probe.allow=dcache,x1" still prints them as BAD but leaves them out of the verdict
 * (they are listed on an "allowed:" line).
 *
 * Runs with the MMU off (physical address = pointer; every data access is Device memory, so
 * nothing here may be unaligned: built with -mstrict-align, FDT read byte-wise).  Nothing here
 * touches memory the loader handed over except to read it.
 */
#include "probe-report.h"

const char probe_prefix[] = "ARM64-PROBE: ";
const char probe_allow_key[] = "arm64-probe.allow=";

/* --- protocol structures ------------------------------------------------------------------ */

/* The arm64 Image header (booting.rst), little-endian. */
struct arm64_image_header {
	u32 code0;
	u32 code1;
	u64 text_offset;
	u64 image_size;
	u64 flags;
	u64 res2;
	u64 res3;
	u64 res4;
	u32 magic;
	u32 res5;
};
_Static_assert(offsetof(struct arm64_image_header, text_offset) == 8, "text_offset");
_Static_assert(offsetof(struct arm64_image_header, image_size) == 16, "image_size");
_Static_assert(offsetof(struct arm64_image_header, flags) == 24, "flags");
_Static_assert(offsetof(struct arm64_image_header, magic) == 56, "magic");
_Static_assert(sizeof(struct arm64_image_header) == 64, "Image header size");
#define ARM64_IMAGE_MAGIC 0x644d5241u	/* "ARM\x64" */

/* The FDT header (devicetree specification 5.2), big-endian: read with be32(). */
struct fdt_header {
	u32 magic;
	u32 totalsize;
	u32 off_dt_struct;
	u32 off_dt_strings;
	u32 off_mem_rsvmap;
	u32 version;
	u32 last_comp_version;
	u32 boot_cpuid_phys;
	u32 size_dt_strings;
	u32 size_dt_struct;
};
_Static_assert(offsetof(struct fdt_header, totalsize) == 4, "totalsize");
_Static_assert(offsetof(struct fdt_header, off_dt_struct) == 8, "off_dt_struct");
_Static_assert(offsetof(struct fdt_header, off_dt_strings) == 12, "off_dt_strings");
_Static_assert(offsetof(struct fdt_header, off_mem_rsvmap) == 16, "off_mem_rsvmap");
_Static_assert(offsetof(struct fdt_header, version) == 20, "version");
_Static_assert(offsetof(struct fdt_header, last_comp_version) == 24, "last_comp_version");
_Static_assert(offsetof(struct fdt_header, size_dt_strings) == 32, "size_dt_strings");
_Static_assert(offsetof(struct fdt_header, size_dt_struct) == 36, "size_dt_struct");
_Static_assert(sizeof(struct fdt_header) == 40, "fdt_header size");

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define FDT_MAX_SIZE (2u << 20)	/* booting.rst: "must not exceed 2 megabytes in size" */

#define PSCI_SYSTEM_OFF 0x84000008u

#define SCTLR_M (1ull << 0)
#define SCTLR_C (1ull << 2)
#define SCTLR_I (1ull << 12)
#define DAIF_ALL (0xfull << 6)	/* D A I F: bits 9..6 */

#define SZ_2M (2ull << 20)
#define SZ_1G (1ull << 30)
#define SZ_32G (32ull << 30)

/* --- what the entry code recorded (arm64-probe-entry.S) ------------------------------------- */

struct entry_state {
	u64 x[4];
	u64 sp;
	u64 currentel;
	u64 daif;
	u64 cntfrq;
	u64 sctlr;
	u64 base;
};
_Static_assert(offsetof(struct entry_state, sp) == 32, "entry sp");
_Static_assert(offsetof(struct entry_state, currentel) == 40, "entry currentel");
_Static_assert(offsetof(struct entry_state, daif) == 48, "entry daif");
_Static_assert(offsetof(struct entry_state, cntfrq) == 56, "entry cntfrq");
_Static_assert(offsetof(struct entry_state, sctlr) == 64, "entry sctlr");
_Static_assert(offsetof(struct entry_state, base) == 72, "entry base");

extern struct entry_state entry_state;
extern const struct arm64_image_header _head;
extern u8 __image_start[], __image_end[];

void probe_main(u64 x0) __attribute__((noreturn));
void probe_exception(u64 slot, u64 esr, u64 elr, u64 far) __attribute__((noreturn));

/* Initialised words that the loader must have copied: one early, one at the end of the file. */
static volatile u32 data_magic = 0x41524d36;	/* "ARM6" */
static volatile u32 tail_magic __attribute__((section(".probe_tail"), used)) = 0x34544c21;

static const u8 *phys(u64 addr)
{
	return (const u8 *)(uptr)addr;
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u64 be64(const u8 *p)
{
	return (u64)be32(p) << 32 | be32(p + 4);
}

/* --- PL011 ----------------------------------------------------------------------------------- */

#define PL011_BASE 0x09000000ul
#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_TXFF (1u << 5)

static int mid_line;	/* something printed since the last newline */

void out_c(char c)
{
	volatile u32 *dr = (volatile u32 *)(PL011_BASE + PL011_DR);
	volatile u32 *fr = (volatile u32 *)(PL011_BASE + PL011_FR);
	for (u32 i = 0; i < 100000 && (*fr & PL011_FR_TXFF); i++)
		;
	*dr = (u8)c;
	mid_line = c != '\n';
}

static void puthex(u64 v)
{
	int digits = 1;
	while (digits < 16 && (v >> (4 * digits)))
		digits++;
	out_s("0x");
	hexdigits(v, digits);
}

/* --- power off ------------------------------------------------------------------------------ */

static int psci_smc;	/* conduit from /psci "method": 0 = hvc (the default), 1 = smc */

static u64 psci_call(u64 fn)
{
	register u64 x0 __asm__("x0") = fn;
	if (psci_smc)
		__asm__ volatile("smc #0"
				 : "+r"(x0)
				 :
				 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
				   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	else
		__asm__ volatile("hvc #0"
				 : "+r"(x0)
				 :
				 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
				   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return x0;
}

static void __attribute__((noreturn)) power_off(void)
{
	u64 ret = psci_call(PSCI_SYSTEM_OFF);
	line("PSCI SYSTEM_OFF returned ");
	puthex(ret);
	eol();
	for (;;)
		__asm__ volatile("wfi");
}

/* --- verdict ------------------------------------------------------------------------------- */

static void __attribute__((noreturn)) finish(void)
{
	report_verdict();
	power_off();
}

/* An exception (entry code's vectors): say what and where, then end the run. */
void probe_exception(u64 slot, u64 esr, u64 elr, u64 far)
{
	static const char kinds[4][7] = { "sync", "irq", "fiq", "serror" };
	static const char froms[4][13] = { "cur-el-sp0", "cur-el-spx", "lower-a64", "lower-a32" };
	static int nested;

	if (nested++)
		power_off();
	if (mid_line)
		eol();
	line("exception ");
	out_s(kinds[slot & 3]);
	out_c('/');
	out_s(froms[(slot >> 2) & 3]);
	out_s(" esr=");
	puthex(esr);
	out_s(" elr=");
	puthex(elr);
	if (elr >= (uptr)__image_start && elr < (uptr)__image_end) {
		out_s(" (image+");
		puthex(elr - (uptr)__image_start);
		out_c(')');
	}
	out_s(" far=");
	puthex(far);
	bad("exception", "unexpected exception");
	eol();
	finish();
}

/* --- the probe image ------------------------------------------------------------------------ */

static u64 img_start, img_size;

static void check_image(void)
{
	img_start = (uptr)__image_start;
	img_size = (uptr)(__image_end - __image_start);

	line("image=");
	puthex(img_start);
	out_c('-');
	puthex(img_start + img_size);
	out_s(" image_size=");
	puthex(_head.image_size);
	if (entry_state.base != img_start || _head.magic != ARM64_IMAGE_MAGIC ||
	    _head.image_size != img_size)
		bad("image", "probe build is inconsistent (header or base)");
	else if (img_start & (SZ_2M - 1))
		bad("image", "not at a 2 MiB-aligned base + text_offset 0");
	else if (data_magic != 0x41524d36 || tail_magic != 0x34544c21)
		bad("image", "initialised data not loaded (file truncated?)");
	else
		out_s(" ok");
	eol();
}

/* --- CPU state ------------------------------------------------------------------------------ */

static void check_cpu(void)
{
	static const char xname[4][3] = { "x0", "x1", "x2", "x3" };
	u64 x0 = entry_state.x[0];

	line("x0=");
	puthex(x0);
	if (!x0)
		bad("x0", "zero: no DTB");
	else if (x0 & 7)
		bad("x0", "DTB not 8-byte aligned");
	else
		out_s(" ok");
	eol();

	for (int i = 1; i < 4; i++) {
		line(xname[i]);
		out_c('=');
		puthex(entry_state.x[i]);
		if (entry_state.x[i])
			bad(xname[i], "not 0 (reserved)");
		else
			out_s(" ok");
		eol();
	}

	u64 el = (entry_state.currentel >> 2) & 3;
	line("el=");
	putdec(el);
	if (el != 1 && el != 2)
		bad("el", "not EL1 or EL2");
	else
		out_s(" ok");
	eol();

	if (el == 1) {
		u64 pfr0;
		__asm__("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
		if ((pfr0 >> 8) & 0xf) {
			line("info: EL2 is implemented but the kernel was entered at EL1"
			     " (booting.rst recommends EL2)");
			eol();
		}
	}

	u64 sctlr = entry_state.sctlr;
	line("sctlr_el");
	putdec(el);
	out_c('=');
	puthex(sctlr);
	eol();
	if (el == 0)
		return;	/* SCTLR unreadable: mmu/dcache not judged (el already failed) */

	line("mmu=");
	out_s(sctlr & SCTLR_M ? "on" : "off");
	if (sctlr & SCTLR_M)
		bad("mmu", "SCTLR.M set: the MMU must be off");
	else
		out_s(" ok");
	eol();

	line("dcache=");
	out_s(sctlr & SCTLR_C ? "on" : "off");
	if (sctlr & SCTLR_C)
		bad("dcache", "SCTLR.C set: the data cache must be off");
	else
		out_s(" ok");
	eol();

	line("icache=");
	out_s(sctlr & SCTLR_I ? "on" : "off");
	out_s(" (either is allowed)");
	eol();

	line("daif=");
	puthex(entry_state.daif & DAIF_ALL);
	if ((entry_state.daif & DAIF_ALL) != DAIF_ALL)
		bad("daif", "not all of D, A, I, F masked");
	else
		out_s(" ok");
	eol();

	line("cntfrq=");
	putdec(entry_state.cntfrq & 0xffffffffu);
	if (!(entry_state.cntfrq & 0xffffffffu))
		bad("cntfrq", "CNTFRQ_EL0 not programmed");
	else
		out_s(" ok");
	eol();

	/* booting.rst: entered at EL1, CNTHCTL_EL2.EL1PCTEN must be set where EL2 exists, so the
	 * physical counter is readable at EL1.  If it is not, the read traps to EL2, outside the
	 * probe's control: the output then ends in "cntpct=" (printed before the read). */
	line("cntpct=");
	u64 c0, c1;
	__asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(c0));
	for (u32 i = 0; i < 1000; i++)
		__asm__ volatile("");
	__asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(c1));
	puthex(c0);
	out_s(" then ");
	puthex(c1);
	if (c1 <= c0)
		bad("cntpct", "physical counter not running");
	else
		out_s(" ok");
	eol();

	line("info: sp=");
	puthex(entry_state.sp);
	eol();
}

/* --- the device tree ------------------------------------------------------------------------ */

static u64 dtb_addr;
static u32 dtb_size;	/* totalsize, once the header checked out */

#define MAX_MEM 16
struct dt_info {
	u32 addr_cells, size_cells;	/* the root's (defaults 2 and 1) */
	int have_chosen;
	const u8 *bootargs;
	u32 bootargs_len;
	const u8 *initrd_start, *initrd_end;
	u32 initrd_start_len, initrd_end_len;
	u64 mem_base[MAX_MEM], mem_size[MAX_MEM];
	u32 nmem;
	const char *mem_why;
	int have_psci;
	const u8 *method;
	u32 method_len;
};
static struct dt_info dt;

/* The node being walked at depth 2 (a child of the root). */
struct dt_node {
	const u8 *name;
	u32 name_len;	/* up to '@' */
	const u8 *device_type, *status, *compatible, *reg, *method;
	u32 device_type_len, status_len, compatible_len, reg_len, method_len;
	const u8 *bootargs, *initrd_start, *initrd_end;
	u32 bootargs_len, initrd_start_len, initrd_end_len;
};

/* A property value equals the string s (with its NUL). */
static int prop_is(const u8 *v, u32 len, const char *s)
{
	u32 n = 0;
	while (s[n])
		n++;
	return v && len == n + 1 && !memcmp(v, s, n + 1);
}

/* A string-list property contains an entry starting with prefix. */
static int prop_has_prefix(const u8 *v, u32 len, const char *prefix)
{
	u32 n = 0;
	while (prefix[n])
		n++;
	for (u32 i = 0; v && i < len;) {
		if (len - i >= n && !memcmp(v + i, prefix, n))
			return 1;
		while (i < len && v[i])
			i++;
		i++;
	}
	return 0;
}

static int name_is(const struct dt_node *nd, const char *s)
{
	u32 n = 0;
	while (s[n])
		n++;
	return nd->name_len == n && !memcmp(nd->name, s, n);
}

static u64 cells(const u8 *p, u32 n)
{
	return n == 2 ? be64(p) : be32(p);
}

static void node_done(const struct dt_node *nd)
{
	if (name_is(nd, "chosen")) {
		dt.have_chosen = 1;
		dt.bootargs = nd->bootargs;
		dt.bootargs_len = nd->bootargs_len;
		dt.initrd_start = nd->initrd_start;
		dt.initrd_start_len = nd->initrd_start_len;
		dt.initrd_end = nd->initrd_end;
		dt.initrd_end_len = nd->initrd_end_len;
	}
	if (prop_is(nd->device_type, nd->device_type_len, "memory") &&
	    (!nd->status || prop_is(nd->status, nd->status_len, "okay") ||
	     prop_is(nd->status, nd->status_len, "ok"))) {
		u32 ac = dt.addr_cells, sc = dt.size_cells, entry = 4 * (ac + sc);
		if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
			dt.mem_why = "root #address-cells/#size-cells not 1 or 2";
		} else if (!nd->reg || !nd->reg_len || nd->reg_len % entry) {
			dt.mem_why = "memory node reg missing or not a multiple of the cell sizes";
		} else {
			for (u32 i = 0; i < nd->reg_len; i += entry) {
				if (dt.nmem == MAX_MEM) {
					dt.mem_why = "more than 16 memory ranges";
					break;
				}
				dt.mem_base[dt.nmem] = cells(nd->reg + i, ac);
				dt.mem_size[dt.nmem] = cells(nd->reg + i + 4 * ac, sc);
				dt.nmem++;
			}
		}
	}
	if (!dt.have_psci &&
	    (name_is(nd, "psci") || prop_has_prefix(nd->compatible, nd->compatible_len, "arm,psci"))) {
		dt.have_psci = 1;
		dt.method = nd->method;
		dt.method_len = nd->method_len;
	}
}

/* Walk the structure block; NULL if it is well-formed, else why not. */
static const char *dt_walk(void)
{
	const u8 *f = phys(dtb_addr);
	u32 off = be32(f + offsetof(struct fdt_header, off_dt_struct));
	u32 end = off + be32(f + offsetof(struct fdt_header, size_dt_struct));
	u32 str = be32(f + offsetof(struct fdt_header, off_dt_strings));
	u32 str_size = be32(f + offsetof(struct fdt_header, size_dt_strings));
	struct dt_node nd;
	u32 depth = 0;

	dt.addr_cells = 2;
	dt.size_cells = 1;
	memset(&nd, 0, sizeof(nd));
	for (;;) {
		if (end - off < 4)
			return "structure block ends without FDT_END";
		u32 tok = be32(f + off);
		off += 4;
		if (tok == FDT_BEGIN_NODE) {
			const u8 *name = f + off;
			u32 n = 0;
			while (off + n < end && name[n])
				n++;
			if (off + n >= end)
				return "node name runs off the structure block";
			if (depth == 0 && n)
				return "root node has a name";
			off = (off + n + 1 + 3) & ~3u;
			if (off > end)
				return "node name padding runs off the structure block";
			depth++;
			if (depth == 2) {
				memset(&nd, 0, sizeof(nd));
				nd.name = name;
				for (nd.name_len = 0; nd.name_len < n && name[nd.name_len] != '@';)
					nd.name_len++;
			}
		} else if (tok == FDT_END_NODE) {
			if (!depth)
				return "FDT_END_NODE without a node";
			if (depth == 2)
				node_done(&nd);
			depth--;
		} else if (tok == FDT_PROP) {
			if (!depth)
				return "property outside the root node";
			if (end - off < 8)
				return "property header runs off the structure block";
			u32 len = be32(f + off), nameoff = be32(f + off + 4);
			off += 8;
			if (len > end - off)
				return "property value runs off the structure block";
			if (nameoff >= str_size)
				return "property name offset beyond the strings block";
			const char *pname = (const char *)f + str + nameoff;
			u32 k = nameoff;
			while (k < str_size && f[str + k])
				k++;
			if (k == str_size)
				return "property name not terminated in the strings block";
			const u8 *v = f + off;
			off = (off + len + 3) & ~3u;
			if (off > end)
				return "property padding runs off the structure block";
			if (depth == 1) {
				if (streq(pname, "#address-cells") && len == 4)
					dt.addr_cells = be32(v);
				else if (streq(pname, "#size-cells") && len == 4)
					dt.size_cells = be32(v);
			} else if (depth == 2) {
#define TAKE(field, pn)                       \
	if (streq(pname, pn)) {              \
		nd.field = v;                 \
		nd.field##_len = len;         \
	}
				TAKE(device_type, "device_type")
				TAKE(status, "status")
				TAKE(compatible, "compatible")
				TAKE(reg, "reg")
				TAKE(method, "method")
				TAKE(bootargs, "bootargs")
				TAKE(initrd_start, "linux,initrd-start")
				TAKE(initrd_end, "linux,initrd-end")
#undef TAKE
			}
		} else if (tok == FDT_NOP) {
			continue;
		} else if (tok == FDT_END) {
			if (depth)
				return "FDT_END inside a node";
			return 0;
		} else {
			return "unknown token";
		}
	}
}

/* The header at x0; sets dtb_size when it can be walked. */
static void check_dtb_header(void)
{
	const u8 *f = phys(dtb_addr);
	u32 magic = be32(f + offsetof(struct fdt_header, magic));
	u32 total = be32(f + offsetof(struct fdt_header, totalsize));
	u32 version = be32(f + offsetof(struct fdt_header, version));
	u32 last_comp = be32(f + offsetof(struct fdt_header, last_comp_version));
	u32 off_struct = be32(f + offsetof(struct fdt_header, off_dt_struct));
	u32 off_strings = be32(f + offsetof(struct fdt_header, off_dt_strings));
	u32 size_strings = be32(f + offsetof(struct fdt_header, size_dt_strings));
	u32 size_struct = be32(f + offsetof(struct fdt_header, size_dt_struct));

	line("dtb=");
	puthex(dtb_addr);
	out_s(" magic=");
	puthex(magic);
	out_s(" totalsize=");
	putdec(total);
	out_s(" version=");
	putdec(version);
	out_s(" last_comp_version=");
	putdec(last_comp);
	if (magic != FDT_MAGIC) {
		bad("dtb", "bad magic (want 0xd00dfeed)");
	} else if (total > FDT_MAX_SIZE) {
		bad("dtb", "totalsize above 2 MiB");
	} else if (version < 17 || last_comp > 17) {
		bad("dtb", "version not compatible with 17");
	} else if (total < sizeof(struct fdt_header) || off_struct > total ||
		   size_struct > total - off_struct || off_strings > total ||
		   size_strings > total - off_strings || (off_struct & 3)) {
		bad("dtb", "blocks outside totalsize");
	} else if (overlaps(dtb_addr, total, img_start, img_size)) {
		bad("dtb", "overlaps the probe image (image_size bytes from its start)");
	} else {
		out_s(" ok");
		dtb_size = total;
	}
	eol();
}

static int ram_covers(u64 addr, u64 len)
{
	u64 end = addr + len;
	if (end < addr)
		return 0;
	for (int progress = 1; addr < end && progress;) {
		progress = 0;
		for (u32 i = 0; i < dt.nmem; i++) {
			if (dt.mem_base[i] <= addr && addr - dt.mem_base[i] < dt.mem_size[i]) {
				addr = dt.mem_base[i] + dt.mem_size[i];
				progress = 1;
			}
		}
	}
	return addr >= end;
}

static void check_memory(void)
{
	for (u32 i = 0; i < dt.nmem; i++) {
		line("memory[");
		putdec(i);
		out_s("] base=");
		puthex(dt.mem_base[i]);
		out_s(" size=");
		puthex(dt.mem_size[i]);
		eol();
	}
	if (dt.mem_why || !dt.nmem) {
		line("memory");
		bad("memory", dt.mem_why ? dt.mem_why : "no /memory node (device_type \"memory\")");
		eol();
	}
}

static void check_coverage(const char *what, const char *name, u64 addr, u64 len)
{
	line("memory covers ");
	out_s(what);
	out_c(' ');
	puthex(addr);
	out_c('-');
	puthex(addr + len);
	if (!ram_covers(addr, len))
		bad(name, "not inside /memory");
	else
		out_s(" ok");
	eol();
}

static void check_chosen(void)
{
	if (!dt.have_chosen) {
		line("chosen");
		bad("chosen", "no /chosen node");
		eol();
	}

	/* bootargs: the line a test compares; printed bare, a problem on a line of its own. */
	if (!dt.bootargs) {
		line("bootargs none");
		eol();
	} else if (!dt.bootargs_len || dt.bootargs[dt.bootargs_len - 1]) {
		line("bootargs=");
		putesc(dt.bootargs, dt.bootargs_len);
		eol();
		line("bootargs");
		bad("bootargs", "not NUL-terminated");
		eol();
	} else {
		u32 n = 0;
		while (dt.bootargs[n])
			n++;
		line("bootargs=");
		putesc(dt.bootargs, n);
		eol();
		find_allow(dt.bootargs, n);
	}
}

static void check_initrd(void)
{
	if (!dt.initrd_start && !dt.initrd_end) {
		line("initrd none");
		eol();
		return;
	}
	line("initrd");
	if (!dt.initrd_start || !dt.initrd_end) {
		bad("initrd", "only one of linux,initrd-start and linux,initrd-end");
		eol();
		return;
	}
	if ((dt.initrd_start_len != 4 && dt.initrd_start_len != 8) ||
	    (dt.initrd_end_len != 4 && dt.initrd_end_len != 8)) {
		bad("initrd", "linux,initrd-start/-end not 4 or 8 bytes long");
		eol();
		return;
	}
	u64 start = cells(dt.initrd_start, dt.initrd_start_len / 4);
	u64 end = cells(dt.initrd_end, dt.initrd_end_len / 4);
	out_s(" start=");
	puthex(start);
	out_s(" end=");
	puthex(end);
	if (end < start) {
		bad("initrd", "end below start");
		eol();
		return;
	}
	/* booting.rst: within a 1 GB aligned window of up to 32 GB that covers the Image too. */
	u64 lo = (start < img_start ? start : img_start) & ~(SZ_1G - 1);
	u64 hi = end > img_start + img_size ? end : img_start + img_size;
	if (overlaps(start, end - start, img_start, img_size))
		bad("initrd", "overlaps the probe image (image_size bytes from its start)");
	else if (overlaps(start, end - start, dtb_addr, dtb_size))
		bad("initrd", "overlaps the DTB");
	else if (hi - lo > SZ_32G)
		bad("initrd", "not in a 1 GB-aligned window of at most 32 GB with the Image");
	else
		out_s(" ok");
	eol();

	int in_ram = ram_covers(start, end - start);
	check_coverage("initrd", "memory-initrd", start, end - start);
	line("initrd size=");
	putdec(end - start);
	if (in_ram) {
		out_s(" fnv1a=");
		hexdigits(fnv1a(phys(start), end - start), 8);
	} else {
		out_s(" (not read: outside /memory)");
	}
	eol();
}

static void check_psci(void)
{
	line("psci");
	if (!dt.have_psci) {
		out_s(" none: SYSTEM_OFF via hvc");
	} else if (!dt.method) {
		out_s(" method none: SYSTEM_OFF via hvc");
	} else if (prop_is(dt.method, dt.method_len, "hvc")) {
		out_s(" method=hvc");
	} else if (prop_is(dt.method, dt.method_len, "smc")) {
		out_s(" method=smc");
		psci_smc = 1;
	} else {
		out_s(" method=");
		putesc(dt.method, dt.method_len);
		bad("psci", "method is neither \"hvc\" nor \"smc\"; using hvc");
	}
	eol();
}

void probe_main(u64 x0)
{
	out_c('\n');
	line("arm64-probe start");
	eol();

	check_image();
	check_cpu();

	dtb_addr = x0;
	if (!x0)
		finish();
	check_dtb_header();
	if (!dtb_size)
		finish();
	const char *why = dt_walk();
	line("dtb structure");
	if (why)
		bad("dtb", why);
	else
		out_s(" ok");
	eol();
	if (why)
		finish();

	check_memory();
	check_chosen();
	check_coverage("image", "memory-image", img_start, img_size);
	check_coverage("dtb", "memory-dtb", dtb_addr, dtb_size);
	check_initrd();
	check_psci();
	finish();
}
