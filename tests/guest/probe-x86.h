/* What both x86 probes (PVH, 32-bit; bzImage, 64-bit) need of the CPU: port I/O,
 * segment checks, and the COM1 console. */
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

/* 115200 8N1 on COM1, no interrupts; out_c (probe-report.h) then writes to it. */
void com1_init(void);

/* The verdict on isa-debug-exit at 0x501 (PASS: 0x10, FAIL: 0x11), then halt. */
void probe_exit(void) __attribute__((noreturn));

#endif
