/*
 * arm64-probe-entry.S: the arm64 Image header and entry of the arm64 probe kernel.
 *
 * Entered as Documentation/arch/arm64/booting.rst says: at the first byte of the Image, MMU
 * off, x0 = physical address of the DTB, x1 = x2 = x3 = 0.  Everything the C part checks is
 * recorded here before it can change (registers, CurrentEL, DAIF, SCTLR_ELx, CNTFRQ_EL0, SP).
 * Then, as a kernel must, the probe zeroes its own bss (booting.rst does not ask the loader to),
 * takes its own stack and exception vectors, and calls probe_main(x0).
 *
 * Position-independent: the probe runs wherever it was placed.  Addresses are formed with
 * adr/adrp only (never loaded from memory), so the image works at any 4 KiB-aligned address;
 * the Makefile links it at two bases and checks that the bytes are identical.
 *
 * With the MMU off every data access is Device-nGnRnE: no unaligned accesses (the C part is
 * built with -mstrict-align), no exclusives, no DC ZVA.
 */
	.section .text.head, "ax", @progbits
	.globl _head
_head:
	/* The 64-byte arm64 Image header (booting.rst, "Call the kernel image"). */
	b	probe_entry		/* code0: branch to the entry */
	.long	0			/* code1 */
	.quad	0			/* text_offset: the Image goes at a 2 MiB-aligned base */
	.quad	__image_size		/* image_size: the whole image, bss and stack included */
	.quad	0xa			/* flags: LE (bit 0 = 0), 4 KiB pages (bits 1-2 = 1),
					   placement anywhere in RAM (bit 3 = 1) */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5: no PE/COFF header */

	.section .text.entry, "ax", @progbits
	.globl probe_entry
	.type probe_entry, @function
probe_entry:
	/* Nothing before these stores may change x0-x3 or the flags. */
	adrp	x16, entry_state
	add	x16, x16, :lo12:entry_state
	stp	x0, x1, [x16, #0]	/* entry_x0, entry_x1 */
	stp	x2, x3, [x16, #16]	/* entry_x2, entry_x3 */
	mov	x17, sp
	str	x17, [x16, #32]		/* entry_sp */
	mrs	x17, CurrentEL
	str	x17, [x16, #40]		/* entry_currentel */
	mrs	x17, daif
	str	x17, [x16, #48]		/* entry_daif */
	mrs	x17, cntfrq_el0
	str	x17, [x16, #56]		/* entry_cntfrq */

	/* SCTLR of the current exception level (EL0 cannot read one: recorded as ~0). */
	mrs	x17, CurrentEL
	ubfx	x17, x17, #2, #2
	cmp	x17, #1
	b.eq	1f
	cmp	x17, #2
	b.eq	2f
	cmp	x17, #3
	b.eq	3f
	mov	x17, #-1
	b	4f
1:	mrs	x17, sctlr_el1
	b	4f
2:	mrs	x17, sctlr_el2
	b	4f
3:	mrs	x17, sctlr_el3
4:	str	x17, [x16, #64]		/* entry_sctlr */

	/* Where the image runs, as the CPU sees it (adr: PC-relative). */
	adr	x17, _head
	str	x17, [x16, #72]		/* entry_base */

	/* Zero bss (the kernel's job, not the loader's); the stack follows it, not zeroed. */
	adrp	x9, __bss_start
	add	x9, x9, :lo12:__bss_start
	adrp	x10, __bss_end
	add	x10, x10, :lo12:__bss_end
5:	cmp	x9, x10
	b.hs	6f
	str	xzr, [x9], #8		/* bss is 8-byte aligned and a multiple of 8 (.lds) */
	b	5b
6:
	adrp	x9, __stack_top
	add	x9, x9, :lo12:__stack_top
	mov	sp, x9

	/* Own exception vectors, so that a fault is reported instead of hanging. */
	adrp	x9, probe_vectors
	add	x9, x9, :lo12:probe_vectors
	mrs	x17, CurrentEL
	ubfx	x17, x17, #2, #2
	cmp	x17, #2
	b.eq	7f
	cmp	x17, #3
	b.eq	8f
	msr	vbar_el1, x9
	b	9f
7:	msr	vbar_el2, x9
	b	9f
8:	msr	vbar_el3, x9
9:	isb

	mov	x29, #0
	mov	x30, #0
	ldr	x0, [x16, #0]		/* x0 as the loader passed it */
	bl	probe_main
10:	wfi
	b	10b
	.size probe_entry, . - probe_entry

/*
 * Exception vectors: every one of the 16 slots calls
 *   probe_exception(slot, ESR_ELx, ELR_ELx, FAR_ELx)
 * which prints what happened and ends the run with "RESULT FAIL exception".
 */
.macro vector slot
	.balign 0x80
	mov	x0, #\slot
	b	exception_common
.endm

	.section .text.vectors, "ax", @progbits
	.balign 0x800
	.globl probe_vectors
probe_vectors:
	vector 0
	vector 1
	vector 2
	vector 3
	vector 4
	vector 5
	vector 6
	vector 7
	vector 8
	vector 9
	vector 10
	vector 11
	vector 12
	vector 13
	vector 14
	vector 15

exception_common:
	mrs	x9, CurrentEL
	ubfx	x9, x9, #2, #2
	cmp	x9, #2
	b.eq	2f
	cmp	x9, #3
	b.eq	3f
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	b	4f
2:	mrs	x1, esr_el2
	mrs	x2, elr_el2
	mrs	x3, far_el2
	b	4f
3:	mrs	x1, esr_el3
	mrs	x2, elr_el3
	mrs	x3, far_el3
4:	/* A fresh stack at the top of the image's stack area (the fault may have been a bad SP). */
	adrp	x9, __stack_top
	add	x9, x9, :lo12:__stack_top
	mov	sp, x9
	bl	probe_exception
5:	wfi
	b	5b

/* Entry state, in .data: nothing here waits for bss to be zeroed.  Offsets as used above. */
	.section .data, "aw", @progbits
	.balign 8
	.globl entry_state
entry_state:
	.quad	0, 0, 0, 0	/*  0: x0, x1, x2, x3 */
	.quad	0		/* 32: sp */
	.quad	0		/* 40: CurrentEL */
	.quad	0		/* 48: DAIF */
	.quad	0		/* 56: CNTFRQ_EL0 */
	.quad	0		/* 64: SCTLR_ELx */
	.quad	0		/* 72: address of the Image header */
	.size entry_state, . - entry_state

	.section .note.GNU-stack, "", @progbits
