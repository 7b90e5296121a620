/*
 * The EL2 stub. Entered at EL2, leapboot runs at EL1 and leaves these vectors in
 * VBAR_EL2; its hand-off issues HVC #EL2_STUB_ENTER with x0 = DTB, x1 = the
 * kernel's entry, and the stub enters the kernel at EL2h: DAIF masked, MMU and
 * caches off, x1-x3 = 0. Anything else reaching EL2 is a leapboot bug: power off
 * through PSCI (SMC, QEMU's conduit when EL2 is present) rather than hang.
 */
#include "el2_stub.h"
#define ESR_EC_SHIFT	26
#define EC_HVC64	0x16
#define SPSR_EL2H_DAIF	0x3c9
#define SCTLR_M		(1 << 0)
#define SCTLR_C		(1 << 2)
#define PSCI_SYSTEM_OFF	0x84000008

	.section .text.el2_stub, "ax"
	.balign	2048
	.globl	el2_stub_vectors
el2_stub_vectors:
	.rept	16
	.balign	128
	b	el2_stub
	.endr

el2_stub:
	mrs	x9, esr_el2
	lsr	x10, x9, #ESR_EC_SHIFT
	cmp	x10, #EC_HVC64
	b.ne	off
	and	x10, x9, #0xffff
	mov	x11, #EL2_STUB_ENTER
	cmp	x10, x11
	b.ne	off
	mrs	x9, sctlr_el2
	bic	x9, x9, #SCTLR_M
	bic	x9, x9, #SCTLR_C
	msr	sctlr_el2, x9
	isb
	msr	elr_el2, x1
	mov	x9, #SPSR_EL2H_DAIF
	msr	spsr_el2, x9
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	eret

off:
	ldr	x0, =PSCI_SYSTEM_OFF
	smc	#0
1:	wfi
	b	1b
