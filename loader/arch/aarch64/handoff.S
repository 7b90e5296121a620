/*
 * arch_enter_arm64(entry, dtb, clean_start[], clean_end[], count): clean what the
 * kernel reads to the point of coherency, turn the MMU and caches off, and jump
 * with x0 = DTB, x1-x3 = 0 (booting.rst) — at EL2 through the EL2 stub when
 * leapboot was entered there (booting.rst recommends EL2: the kernel can run KVM,
 * and secondary CPUs, which PSCI starts at EL2, start in the same mode).
 */
#define SCTLR_M		(1 << 0)
#define SCTLR_C		(1 << 2)
#define SCTLR_I		(1 << 12)
#include "el2_stub.h"

	.text
	.globl	arch_enter_arm64
arch_enter_arm64:
	mov	x19, x0
	mov	x20, x1
	/* D-cache line size: 4 << CTR_EL0.DminLine */
	mrs	x5, ctr_el0
	ubfx	x5, x5, #16, #4
	mov	x6, #4
	lsl	x6, x6, x5
	sub	x7, x6, #1
	add	x12, x6, x6		/* 2, 3 and 4 lines */
	add	x13, x12, x6
	add	x14, x12, x12
1:	cbz	x4, 3f
	ldr	x8, [x2], #8
	ldr	x9, [x3], #8
	bic	x8, x8, x7
	/* Four lines per pass while four fit (a kernel is tens of MiB), then one. */
2:	add	x10, x8, x14
	cmp	x10, x9
	b.hi	5f
	dc	cvac, x8
	add	x11, x8, x6
	dc	cvac, x11
	add	x11, x8, x12
	dc	cvac, x11
	add	x11, x8, x13
	dc	cvac, x11
	mov	x8, x10
	b	2b
5:	cmp	x8, x9
	b.hs	4f
	dc	cvac, x8
	add	x8, x8, x6
	b	5b
4:	sub	x4, x4, #1
	b	1b
3:	dsb	sy
	mrs	x1, sctlr_el1
	bic	x1, x1, #SCTLR_M
	bic	x1, x1, #SCTLR_C
	bic	x1, x1, #SCTLR_I
	msr	sctlr_el1, x1
	isb
	ic	iallu
	tlbi	vmalle1
	dsb	sy
	isb
	mov	x0, x20
	ldr	x1, =arch_boot_el
	ldr	w1, [x1]
	cmp	w1, #2
	b.ne	5f
	mov	x1, x19
	hvc	#EL2_STUB_ENTER
5:	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x19
