/* What the x86 probes (PVH and Multiboot, 32-bit; bzImage, 64-bit) need of the CPU: port I/O,
 * segment checks, and the COM1 console; for the 32-bit ones also the entry state and the checks
 * both make of it. */
#ifndef PROBE_X86_H
#define PROBE_X86_H

#include "probe-report.h"

static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* lar / lsl: access rights (bits 8..23 as in the descriptor) and limit; 0 if not accessible. */
#define AR_ACCESSED (1u << 8)
#define AR_WRITABLE (1u << 9)  /* data; readable for code */
#define AR_EXPDOWN  (1u << 10) /* data; conforming for code */
#define AR_CODE	    (1u << 11)
#define AR_S	    (1u << 12)
#define AR_P	    (1u << 15)
#define AR_L	    (1u << 21)
#define AR_DB	    (1u << 22)
#define AR_G	    (1u << 23)

static inline int lar(u16 sel, u32 *ar)
{
	u8 ok;
	__asm__("lar %2, %0; setz %1" : "=r"(*ar), "=q"(ok) : "rm"((u32)sel) : "cc");
	return ok;
}

static inline int lsl(u16 sel, u32 *limit)
{
	u8 ok;
	__asm__("lsl %2, %0; setz %1" : "=r"(*limit), "=q"(ok) : "rm"((u32)sel) : "cc");
	return ok;
}

/* verr: the segment is readable (so DS can be compared with CS through it). */
static inline int verr(u16 sel)
{
	u8 ok;
	__asm__("verr %1; setz %0" : "=q"(ok) : "rm"(sel) : "cc");
	return ok;
}

/* 115200 8N1 on COM1, no interrupts; out_c (probe-report.h) then writes to it. */
void com1_init(void);

/* The verdict on isa-debug-exit at 0x501 (PASS: 0x10, FAIL: 0x11), then halt. */
void probe_exit(void) __attribute__((noreturn));

#ifdef __i386__
/* --- the 32-bit probes: the state probe-entry32.S recorded, and checks of it --------------- */

extern u32 entry_eax, entry_ebx, entry_esp, entry_cr0, entry_cr3, entry_cr4, entry_eflags;
extern u32 entry_ss_reloaded, entry_eip_seen, entry_eip_linked, seg_cell;
extern u16 entry_lahf, entry_cs, entry_ds, entry_es, entry_fs, entry_gs, entry_ss, entry_tr;
extern u8 entry_gdtr[6], entry_idtr[6];

#define CR0_PE	  (1u << 0)
#define CR0_ET	  (1u << 4)
#define CR0_PG	  (1u << 31)
#define EFLAGS_TF (1u << 8)
#define EFLAGS_IF (1u << 9)
#define EFLAGS_VM (1u << 17)

/* Starts the line "cr0=<CR0 at entry>"; BAD (and 0) if PE is clear or PG set. */
int cr0_unpaged_protected(void);

/* "eflags=<EFLAGS at entry>" then ok, or BAD for the first of IF, TF, VM set in forbidden. */
void check_eflags(u32 forbidden);

/* The base of a GDT descriptor as the table holds it (not the hidden base); 0 if the GDT that
 * sgdt named has no such descriptor. */
int gdt_base(u16 sel, u32 *base);

/* Writes two patterns to seg_cell through seg (d e f g s) and reads them back through via
 * ('c' CS, 'd' DS): equal only if the two hidden bases are. */
int seg_base_same(char seg, char via);

/* A selector as lar, lsl and the GDT describe it; have_* say which of them answered. */
struct seg_seen {
	u32 ar, limit, base;
	int have_ar, have_limit, have_base;
};
/* Fills ar and limit (lar, lsl); the caller decides whether to trust the GDT for base. */
void seg_read(u16 sel, struct seg_seen *s);
/* Starts the line "<name>=<sel> ar=<rights> limit=<limit> base=<base>" (those it has). */
void seg_print(const char *name, u16 sel, const struct seg_seen *s);

/* " <name>=<base>/<limit>" of a descriptor-table register as sgdt/sidt stored it. */
void put_dtr(const char *name, const u8 dtr[6]);
#endif

#endif
