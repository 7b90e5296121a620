/* Exception vectors: any exception in leapboot is reported (ESR, ELR, FAR) and
 * stops the machine, instead of looping or jumping anywhere. */
	.section .text.vectors, "ax"
	.balign	2048
	.globl	vectors
vectors:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.balign	128
	mov	x3, #\n
	b	exception
	.endr

exception:
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	bl	arch_exception
1:	wfi
	b	1b
