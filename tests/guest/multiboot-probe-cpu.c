/*
 * The machine state a Multiboot loader must hand over (spec 3.2, "Machine state"): EAX, EBX,
 * CR0.PE/PG, EFLAGS.IF/VM, flat 32-bit CS, DS, ES, FS, GS, SS, and the A20 gate.  Everything
 * else is undefined and printed for information only.
 *
 * Segments are judged twice: by their descriptors (lar/lsl, and the base read from the GDT
 * that sgdt named) and by what the hidden part does (a value written through the segment is
 * read back through DS; a call pushes the link-time address when CS's base is 0).  The spec lets
 * GDTR be invalid at entry, so a selector lar cannot read is reported, not failed, as long as
 * the segment behaves.
 */
#include "multiboot-probe.h"
#include "probe-x86.h"

#define CR0_PE	     (1u << 0)
#define CR0_PG	     (1u << 31)
#define EFLAGS_IF    (1u << 9)
#define EFLAGS_VM    (1u << 17)
#define EFLAGS_ARITH 0x8d5u /* OF SF ZF AF PF CF: clobbered before pushf, kept by lahf/seto */

#define AR_WRITABLE (1u << 9) /* data; readable for code */
#define AR_EXPDOWN  (1u << 10)
#define AR_CODE	    (1u << 11)
#define AR_S	    (1u << 12)
#define AR_P	    (1u << 15)
#define AR_L	    (1u << 21)
#define AR_DB	    (1u << 22)

#define SEL_TI 4 /* the selector names the LDT */

static u32 rd32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u32 gdtr_base(void)
{
	return rd32(entry_gdtr + 2);
}

static u16 gdtr_limit(void)
{
	return (u16)(entry_gdtr[0] | entry_gdtr[1] << 8);
}

/* The base of a GDT descriptor as the table holds it (not the hidden base). */
static int gdt_base(u16 sel, u32 *base)
{
	if ((sel & SEL_TI) || (sel | 7) > gdtr_limit())
		return 0;
	const u8 *d = (const u8 *)(uptr)(gdtr_base() + (sel & ~7u));
	*base = d[2] | (u32)d[3] << 8 | (u32)d[4] << 16 | (u32)d[7] << 24;
	return 1;
}

static int verr(u16 sel)
{
	u8 ok;
	__asm__("verr %1; setz %0" : "=q"(ok) : "rm"(sel) : "cc");
	return ok;
}

/* Write two patterns through the segment, read them back through DS (or, for DS, through CS):
 * equal only if the hidden bases are. */
static int base_matches(char seg)
{
	static const u32 pat[2] = {0x6b1d5e03, 0x94e2a1fc};
	for (int i = 0; i < 2; i++) {
		u32 got;
		switch (seg) {
		case 'd':
			__asm__ volatile("movl %1, %%ds:seg_cell" : "=m"(seg_cell) : "r"(pat[i]));
			__asm__ volatile("movl %%cs:seg_cell, %0" : "=r"(got) : "m"(seg_cell));
			break;
		case 'e':
			__asm__ volatile("movl %1, %%es:seg_cell" : "=m"(seg_cell) : "r"(pat[i]));
			got = *(volatile u32 *)&seg_cell;
			break;
		case 'f':
			__asm__ volatile("movl %1, %%fs:seg_cell" : "=m"(seg_cell) : "r"(pat[i]));
			got = *(volatile u32 *)&seg_cell;
			break;
		case 'g':
			__asm__ volatile("movl %1, %%gs:seg_cell" : "=m"(seg_cell) : "r"(pat[i]));
			got = *(volatile u32 *)&seg_cell;
			break;
		default:
			__asm__ volatile("movl %1, %%ss:seg_cell" : "=m"(seg_cell) : "r"(pat[i]));
			got = *(volatile u32 *)&seg_cell;
			break;
		}
		if (got != pat[i])
			return 0;
	}
	return 1;
}

/* Why a descriptor's access rights are not those of a flat 32-bit segment; 0 if they are. */
static const char *bad_rights(u32 ar, int code, int stack)
{
	if (!(ar & AR_P) || !(ar & AR_S))
		return "not a present code/data descriptor";
	if (code) {
		if (!(ar & AR_CODE))
			return "not a code segment";
		if (!(ar & AR_WRITABLE))
			return "execute-only (the spec asks for read/execute)";
		if (ar & AR_L)
			return "64-bit code segment (L=1)";
		if (!(ar & AR_DB))
			return "16-bit code segment (D=0)";
		return 0;
	}
	if (ar & AR_CODE)
		return "code segment loaded as data";
	if (!(ar & AR_WRITABLE))
		return "data segment not writable";
	if (ar & AR_EXPDOWN)
		return "expand-down data segment";
	if (!(ar & AR_DB))
		return stack ? "16-bit stack segment (B=0)" : "16-bit data segment (B=0)";
	return 0;
}

/*
 * "<name>=<sel> ar=<rights> limit=<limit> base=<base in the GDT>" then ok or BAD.  name is one
 * of cs ds es fs gs ss; for ds..ss, cs_readable says whether DS can be compared with CS.
 */
static void check_segment(const char *name, u16 sel, int cs_readable)
{
	int code = name[0] == 'c', stack = name[0] == 's' && name[1] == 's';
	u32 ar = 0, limit = 0, base = 0;
	int have_ar = lar(sel, &ar), have_limit = lsl(sel, &limit);
	int have_base = have_ar && gdt_base(sel, &base);
	const char *why;

	line(name);
	out_c('=');
	out_s("0x");
	hexdigits(sel, 4);
	if (have_ar) {
		out_s(" ar=");
		puthex32(ar & 0x00f0ff00);
	}
	if (have_limit) {
		out_s(" limit=");
		puthex32(limit);
	}
	if (have_base) {
		out_s(" base=");
		puthex32(base);
	}
	if (!(sel & ~3u)) {
		bad(name, "null selector");
	} else if (have_ar && (why = bad_rights(ar, code, stack))) {
		bad(name, why);
	} else if (have_limit && limit != 0xffffffff) {
		bad(name, "limit is not 0xffffffff");
	} else if (have_base && base) {
		bad(name, "descriptor base is not 0");
	} else if (code && entry_eip_seen != entry_eip_linked) {
		bad(name, "CS base is not 0 (a call pushed an unexpected offset)");
	} else if (stack && entry_ss_reloaded) {
		bad(name, "not a flat 32-bit stack at entry (SS was reloaded from DS)");
	} else if (!code && name[0] == 'd' && !cs_readable) {
		out_s(" ok (CS is execute-only: DS's hidden base not compared)");
	} else if (!code && !base_matches(name[0])) {
		bad(name, name[0] == 'd' ? "hidden base differs from CS's (written, read back)"
					 : "hidden base differs from DS's (written, read back)");
	} else {
		out_s(" ok");
		if (!have_ar || !have_limit)
			out_s(
			    " (descriptor not readable by lar/lsl: GDTR may be invalid at entry)");
	}
	eol();
}

static void check_cr0(void)
{
	line("cr0=");
	puthex32(entry_cr0);
	if (!(entry_cr0 & CR0_PE))
		bad("cr0", "PE clear");
	else if (entry_cr0 & CR0_PG)
		bad("cr0", "PG set");
	else
		out_s(" ok");
	eol();
}

static void check_eflags(void)
{
	/* EFLAGS as pushed, with the arithmetic flags of the entry moment put back. */
	u32 v = entry_eflags & ~EFLAGS_ARITH;
	v |= (entry_lahf >> 8) & 0xd5;
	v |= (entry_lahf & 0xff) ? 0x800 : 0;
	line("eflags=");
	puthex32(v);
	if (v & EFLAGS_IF)
		bad("eflags", "IF set");
	else if (v & EFLAGS_VM)
		bad("eflags", "VM set");
	else
		out_s(" ok");
	eol();
}

void check_cpu(void)
{
	line("eax=");
	puthex32(entry_eax);
	if (entry_eax != MB_BOOTLOADER_MAGIC)
		bad("eax", "not 0x2badb002");
	else
		out_s(" ok");
	eol();

	line("ebx=");
	puthex32(entry_ebx);
	if (!entry_ebx)
		bad("ebx", "0: no Multiboot information");
	else if (entry_ebx > 0xffffffffu - sizeof(struct mb_info))
		bad("ebx", "the information would wrap past 4 GiB");
	else if (over_image(entry_ebx, sizeof(struct mb_info)))
		bad("ebx", "the information overlaps the probe image");
	else
		out_s(" ok");
	eol();

	check_cr0();
	check_eflags();

	int cs_readable = verr(entry_cs);
	check_segment("cs", entry_cs, 0);
	check_segment("ds", entry_ds, cs_readable);
	check_segment("es", entry_es, cs_readable);
	check_segment("fs", entry_fs, cs_readable);
	check_segment("gs", entry_gs, cs_readable);
	check_segment("ss", entry_ss, cs_readable);

	line("info: cr3=");
	puthex32(entry_cr3);
	out_s(" cr4=");
	puthex32(entry_cr4);
	out_s(" esp=");
	puthex32(entry_esp);
	out_s(" gdtr=");
	puthex32(gdtr_base());
	out_c('/');
	out_s("0x");
	hexdigits(gdtr_limit(), 4);
	out_s(" idtr=");
	puthex32(rd32(entry_idtr + 2));
	out_c('/');
	out_s("0x");
	hexdigits(entry_idtr[0] | entry_idtr[1] << 8, 4);
	out_s(" tr=0x");
	hexdigits(entry_tr, 4);
	eol();
}

/*
 * A cell of the probe's own image and the address 1 MiB away (bit 20 flipped): with A20 masked
 * both name the same byte, so two different values written to the cell both show up there.
 * Only the cell is written; the other address is only read.
 */
static volatile u32 a20_cell = 1;

void check_a20(void)
{
	volatile u32 *other = (volatile u32 *)((uptr)&a20_cell ^ (1u << 20));
	u32 saved = a20_cell, aliased = 1;

	for (u32 pat = 0x1a20cafe; pat != 0x1a20cafe + 2 && aliased; pat++) {
		a20_cell = pat;
		aliased = *other == pat;
	}
	a20_cell = saved;
	line("a20 cell=");
	puthex32((uptr)&a20_cell);
	out_s(" alias=");
	puthex32((uptr)other);
	if (aliased)
		bad("a20", "the gate is closed: memory 1 MiB apart is the same memory");
	else
		out_s(" ok");
	eol();
}
