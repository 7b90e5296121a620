/*
 * bzimage-shim.c: a test-only bzImage that leapboot boots; it makes leapboot's boot_params
 * describe the probe (loaded beside it at 16 MiB with -device loader: its read-only setup header
 * fields are copied from the probe's setup part), spoils what the command line names, and enters
 * the probe the way a loader would (shim_enter).  Used by bzimage-probe-selftest to see each
 * check fail.  Words:
 *   boot_params: shim.rsi0 shim.hdr shim.sentinel shim.loader shim.loadflags shim.cmdline0
 *     shim.cmdline_long shim.rsdtsum shim.initrd_flip shim.initrd_kernel shim.image
 *   e820: shim.e820sort shim.e820type shim.e820overlap shim.kernel_reserved shim.initrd_reserved
 *     shim.acpi_ram shim.smbios_ram shim.bp_split shim.cmdline_split
 *   page tables: shim.unmap_tail shim.unmap_bp shim.unmap_cmdline
 *   CPU: shim.cs08 shim.ds_ro shim.es0 shim.ss_base shim.sti shim.compat
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#include "cmdline-word.h"

#define PROBE_LOAD    0x1000000ull
#define PROBE_SETUP   (PROBE_LOAD - 0x400)
#define HDR_START     0x1f1
#define HDR_END	      0x26c
#define E820_MAX      128
#define PAGE	      0x1000ull
#define SPLIT_LOW_RAM 0x9f000ull /* a page of RAM then the EBDA (reserved) */

#define MODE_CS08    1
#define MODE_DS_RO   2
#define MODE_ES0     4
#define MODE_SS_BASE 8
#define MODE_STI     16
#define MODE_COMPAT  32

struct e820 {
	u64 addr, size;
	u32 type;
} __attribute__((packed));
_Static_assert(sizeof(struct e820) == 20, "e820 entry");

void shim_main(u8 *bp) __attribute__((noreturn));
void shim_enter(u8 *bp, u32 mode, u64 cr3) __attribute__((noreturn));
extern u8 probe_last_word[];

static u64 pml4[512] __attribute__((aligned(4096)));
static u64 pdpt[512] __attribute__((aligned(4096)));
static u64 pd[4][512] __attribute__((aligned(4096)));
static u64 pt[512] __attribute__((aligned(4096)));
static char long_cmdline[2200];
static struct e820 e820_out[E820_MAX];

static u64 rd(const u8 *p, int n)
{
	u64 v = 0;
	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void wr(u8 *p, int n, u64 v)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (u8)v;
}

static void copy(void *d, const void *s, u64 n)
{
	u8 *p = d;
	const u8 *q = s;
	while (n--)
		*p++ = *q++;
}

/* Gives [a, a+len) the type, splitting the entries it lies in (they must cover it). */
static void e820_set(u8 *bp, u64 a, u64 len, u32 type)
{
	struct e820 *t = (struct e820 *)(bp + 0x2d0);
	u32 n = bp[0x1e8], m = 0, done = 0;
	for (u32 i = 0; i < n && m + 3 <= E820_MAX; i++) {
		u64 end = t[i].addr + t[i].size;
		if (end <= a || t[i].addr >= a + len) {
			e820_out[m++] = t[i];
			continue;
		}
		if (t[i].addr < a)
			e820_out[m++] = (struct e820){t[i].addr, a - t[i].addr, t[i].type};
		if (!done)
			e820_out[m++] = (struct e820){a, len, type};
		done = 1;
		if (end > a + len)
			e820_out[m++] = (struct e820){a + len, end - a - len, t[i].type};
	}
	copy(t, e820_out, m * sizeof(*t));
	bp[0x1e8] = (u8)m;
}

/* Identity map of 0-4 GiB in 2 MiB pages; the 4 KiB page at hole (if any) left out. */
static u64 page_tables(u64 hole)
{
	pml4[0] = (u64)pdpt | 3;
	for (u64 i = 0; i < 4; i++) {
		pdpt[i] = (u64)pd[i] | 3;
		for (u64 j = 0; j < 512; j++)
			pd[i][j] = (i << 30 | j << 21) | 0x83;
	}
	if (hole) {
		u64 big = hole & ~0x1fffffull;
		for (u64 k = 0; k < 512; k++)
			pt[k] = (big + k * PAGE) | 3;
		pt[(hole - big) / PAGE] = 0;
		pd[big >> 30][(big >> 21) & 511] = (u64)pt | 3;
	}
	return (u64)pml4;
}

void shim_main(u8 *bp)
{
	const char *cmd = (const char *)rd(bp + 0x228, 4);
	const u8 *probe_hdr = (const u8 *)PROBE_SETUP;
	u64 initrd = rd(bp + 0x218, 4), initrd_size = rd(bp + 0x21c, 4);
	u64 rsdp = rd(bp + 0x70, 8);
	u32 mode = 0;
	u64 hole = 0;

	/* boot_params for the probe: its header, with what the loader writes kept. */
	u8 mine[HDR_END - HDR_START];
	copy(mine, bp + HDR_START, sizeof(mine));
	copy(bp + HDR_START, probe_hdr + HDR_START, sizeof(mine));
	static const u16 loader_fields[][2] = {
	    {0x1fa, 2}, {0x210, 2}, {0x214, 4}, {0x218, 8},
	    {0x224, 2}, {0x226, 2}, {0x228, 4}, {0x250, 8},
	};
	for (u32 i = 0; i < sizeof(loader_fields) / sizeof(loader_fields[0]); i++)
		copy(bp + loader_fields[i][0], mine + loader_fields[i][0] - HDR_START,
		     loader_fields[i][1]);

	if (has(cmd, "shim.hdr"))
		bp[0x1f4] ^= 1; /* syssize */
	if (has(cmd, "shim.sentinel"))
		bp[0x1ef] = 0xff;
	if (has(cmd, "shim.loader"))
		bp[0x210] = 0;
	if (has(cmd, "shim.loadflags"))
		bp[0x211] &= (u8)~1;
	if (has(cmd, "shim.rsdtsum") && rsdp)
		((u8 *)rd((const u8 *)rsdp + 16, 4))[9] ^= 1; /* the RSDT's checksum */
	if (has(cmd, "shim.initrd_flip") && initrd_size)
		*(u8 *)initrd ^= 0xff;
	if (has(cmd, "shim.initrd_kernel"))
		wr(bp + 0x218, 4, PROBE_LOAD);
	if (has(cmd, "shim.image"))
		wr(probe_last_word, 4, 0);
	if (has(cmd, "shim.e820sort")) {
		struct e820 *t = (struct e820 *)(bp + 0x2d0), x = t[0];
		t[0] = t[1];
		t[1] = x;
	}
	if (has(cmd, "shim.e820type"))
		wr(bp + 0x2d0 + 16, 4, 9);
	if (has(cmd, "shim.e820overlap"))
		wr(bp + 0x2d0 + 8, 8, rd(bp + 0x2d0 + 8, 8) + PAGE);
	if (has(cmd, "shim.kernel_reserved"))
		e820_set(bp, PROBE_LOAD + 4 * PAGE, PAGE, 2);
	if (has(cmd, "shim.initrd_reserved") && initrd_size)
		e820_set(bp, initrd, PAGE, 2);
	if (has(cmd, "shim.acpi_ram") && rsdp) {
		const u8 *rsdt = (const u8 *)rd((const u8 *)rsdp + 16, 4);
		e820_set(bp, (u64)rsdt, rd(rsdt + 4, 4), 1);
	}
	if (has(cmd, "shim.smbios_ram")) {
		for (const u8 *p = (const u8 *)0xf0000; p < (const u8 *)0x100000; p += 16)
			if (p[0] == '_' && p[1] == 'S' && p[2] == 'M' && p[3] == '_') {
				e820_set(bp, rd(p + 0x18, 4), rd(p + 0x16, 2), 1);
				break;
			}
	}
	if (has(cmd, "shim.cmdline_long")) {
		u32 n = 0;
		for (; cmd[n]; n++)
			long_cmdline[n] = cmd[n];
		long_cmdline[n++] = ' ';
		while (n < sizeof(long_cmdline) - 1)
			long_cmdline[n++] = 'x';
		wr(bp + 0x228, 4, (u64)long_cmdline);
	}
	if (has(cmd, "shim.cmdline_split")) {
		u32 n = 0;
		while (cmd[n])
			n++;
		char *to = (char *)(SPLIT_LOW_RAM + PAGE - 8);
		copy(to, cmd, n + 1);
		wr(bp + 0x228, 4, (u64)to);
	}
	if (has(cmd, "shim.unmap_tail"))
		hole = PROBE_LOAD + rd(probe_hdr + 0x260, 4) - PAGE;
	if (has(cmd, "shim.unmap_bp"))
		hole = (u64)bp & ~(PAGE - 1);
	if (has(cmd, "shim.unmap_cmdline"))
		hole = (u64)cmd & ~(PAGE - 1);
	if (has(cmd, "shim.cs08"))
		mode |= MODE_CS08;
	if (has(cmd, "shim.ds_ro"))
		mode |= MODE_DS_RO;
	if (has(cmd, "shim.es0"))
		mode |= MODE_ES0;
	if (has(cmd, "shim.ss_base"))
		mode |= MODE_SS_BASE;
	if (has(cmd, "shim.sti"))
		mode |= MODE_STI;
	if (has(cmd, "shim.compat"))
		mode |= MODE_COMPAT;
	if (has(cmd, "shim.bp_split")) {
		copy((void *)SPLIT_LOW_RAM, bp, PAGE);
		bp = (u8 *)SPLIT_LOW_RAM;
	}
	if (has(cmd, "shim.cmdline0"))
		wr(bp + 0x228, 4, 0); /* after the last look at cmd */
	if (has(cmd, "shim.rsi0"))
		bp = 0;
	shim_enter(bp, mode, page_tables(hole));
}
