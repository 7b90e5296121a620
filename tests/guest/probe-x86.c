/* The x86 probes' COM1 (set up once, then polled byte by byte), their exit, and the 32-bit
 * probes' checks of their entry state. */
#include "probe-x86.h"

#define COM1 0x3f8

void com1_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0x07); /* FIFO on, cleared */
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

void out_c(char c)
{
	for (u32 i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (u8)c);
}

void probe_exit(void)
{
	u32 hard = report_verdict();
	outb(0x501, hard ? 0x11 : 0x10); /* isa-debug-exit: QEMU exits with 35 or 33 */
	for (;;)
		__asm__ volatile("cli; hlt");
}

#ifdef __i386__
static u32 rd32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static void puthex32(u32 v)
{
	out_s("0x");
	hexdigits(v, 8);
}

int cr0_unpaged_protected(void)
{
	line("cr0=");
	puthex32(entry_cr0);
	if (!(entry_cr0 & CR0_PE))
		bad("cr0", "PE clear");
	else if (entry_cr0 & CR0_PG)
		bad("cr0", "PG set");
	else
		return 1;
	return 0;
}

void check_eflags(u32 forbidden)
{
	static const struct {
		u32 bit;
		const char *why;
	} flags[] = {{EFLAGS_IF, "IF set"}, {EFLAGS_TF, "TF set"}, {EFLAGS_VM, "VM set"}};
	/* EFLAGS as pushed, with the arithmetic flags of the entry moment put back (OF SF ZF AF PF
	 * CF were clobbered before pushf, kept by lahf/seto). */
	u32 v = entry_eflags & ~0x8d5u;
	v |= (entry_lahf >> 8) & 0xd5;
	v |= (entry_lahf & 0xff) ? 0x800 : 0;
	line("eflags=");
	puthex32(v);
	for (u32 i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (v & forbidden & flags[i].bit) {
			bad("eflags", flags[i].why);
			eol();
			return;
		}
	out_s(" ok");
	eol();
}

int gdt_base(u16 sel, u32 *base)
{
	if ((sel & 4) || (sel | 7) > (u16)(entry_gdtr[0] | entry_gdtr[1] << 8))
		return 0; /* an LDT selector, or past the GDT's limit */
	const u8 *d = (const u8 *)(uptr)(rd32(entry_gdtr + 2) + (sel & ~7u));
	*base = d[2] | (u32)d[3] << 8 | (u32)d[4] << 16 | (u32)d[7] << 24;
	return 1;
}

int seg_base_same(char seg, char via)
{
	static const u32 pat[2] = {0x6b1d5e03, 0x94e2a1fc};
	for (int i = 0; i < 2; i++) {
		u32 got;
		if (seg == 'd')
			__asm__ volatile("movl %1, %%ds:seg_cell" : "=m"(seg_cell) : "r"(pat[i]));
		else if (seg == 'e')
			__asm__ volatile("movl %1, %%es:seg_cell" : "=m"(seg_cell) : "r"(pat[i]));
		else if (seg == 'f')
			__asm__ volatile("movl %1, %%fs:seg_cell" : "=m"(seg_cell) : "r"(pat[i]));
		else if (seg == 'g')
			__asm__ volatile("movl %1, %%gs:seg_cell" : "=m"(seg_cell) : "r"(pat[i]));
		else
			__asm__ volatile("movl %1, %%ss:seg_cell" : "=m"(seg_cell) : "r"(pat[i]));
		if (via == 'c')
			__asm__ volatile("movl %%cs:seg_cell, %0" : "=r"(got) : "m"(seg_cell));
		else
			got = *(volatile u32 *)&seg_cell;
		if (got != pat[i])
			return 0;
	}
	return 1;
}

void seg_read(u16 sel, struct seg_seen *s)
{
	*s = (struct seg_seen){0};
	s->have_ar = lar(sel, &s->ar);
	s->have_limit = lsl(sel, &s->limit);
}

void seg_print(const char *name, u16 sel, const struct seg_seen *s)
{
	line(name);
	out_s("=0x");
	hexdigits(sel, 4);
	if (s->have_ar) {
		out_s(" ar=");
		puthex32(s->ar & 0x00f0ff00);
	}
	if (s->have_limit) {
		out_s(" limit=");
		puthex32(s->limit);
	}
	if (s->have_base) {
		out_s(" base=");
		puthex32(s->base);
	}
}

void put_dtr(const char *name, const u8 dtr[6])
{
	out_c(' ');
	out_s(name);
	out_c('=');
	puthex32(rd32(dtr + 2));
	out_s("/0x");
	hexdigits(dtr[0] | dtr[1] << 8, 4);
}
#endif
