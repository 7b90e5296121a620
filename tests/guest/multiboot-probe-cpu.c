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
	struct seg_seen s;
	const char *why;

	seg_read(sel, &s);
	/* GDTR may be invalid at entry: the table is read only for a descriptor lar could read. */
	s.have_base = s.have_ar && gdt_base(sel, &s.base);
	seg_print(name, sel, &s);
	if (!(sel & ~3u)) {
		bad(name, "null selector");
	} else if (s.have_ar && (why = bad_rights(s.ar, code, stack))) {
		bad(name, why);
	} else if (s.have_limit && s.limit != 0xffffffff) {
		bad(name, "limit is not 0xffffffff");
	} else if (s.have_base && s.base) {
		bad(name, "descriptor base is not 0");
	} else if (code && entry_eip_seen != entry_eip_linked) {
		bad(name, "CS base is not 0 (a call pushed an unexpected offset)");
	} else if (stack && entry_ss_reloaded) {
		bad(name, "not a flat 32-bit stack at entry (SS was reloaded from DS)");
	} else if (!code && name[0] == 'd' && !cs_readable) {
		out_s(" ok (CS is execute-only: DS's hidden base not compared)");
	} else if (!code && !seg_base_same(name[0], name[0] == 'd' ? 'c' : 'd')) {
		bad(name, name[0] == 'd' ? "hidden base differs from CS's (written, read back)"
					 : "hidden base differs from DS's (written, read back)");
	} else {
		out_s(" ok");
		if (!s.have_ar || !s.have_limit)
			out_s(
			    " (descriptor not readable by lar/lsl: GDTR may be invalid at entry)");
	}
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

	if (cr0_unpaged_protected())
		out_s(" ok");
	eol();
	check_eflags(EFLAGS_IF | EFLAGS_VM);

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
	put_dtr("gdtr", entry_gdtr);
	put_dtr("idtr", entry_idtr);
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
