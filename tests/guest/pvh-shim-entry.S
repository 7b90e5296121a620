/*
 * pvh-shim-entry.S: entry and exit of the self-test shim (see pvh-shim.c).  The shim is a
 * PVH kernel that spoils part of what its loader handed over and then jumps to the PVH probe
 * (loaded beside it with -device loader), so that the probe's checks can be seen failing.
 */
	.code32

	.section .note.Xen, "a", @note
	.balign 4
	.long 2f - 1f
	.long 4f - 3f
	.long 18			/* XEN_ELFNOTE_PHYS32_ENTRY */
1:	.asciz "Xen"
2:	.balign 4
3:	.long shim_start
4:	.balign 4

	.section .text.entry, "ax", @progbits
	.globl shim_start
shim_start:
	movl	$shim_stack_top, %esp
	pushl	%ebx
	call	shim_main		/* does not return: ends in shim_enter */
1:	cli
	hlt
	jmp	1b

#define MODE_SS16	1
#define MODE_ES_BASE	2
#define MODE_ES_HIDDEN	4
#define MODE_CR0_CD	8
#define MODE_CR4_PSE	16

/* void shim_enter(u32 ebx, u32 mode): own GDT, spoil what mode says, jump to the probe. */
	.globl shim_enter
shim_enter:
	movl	4(%esp), %ebx
	movl	8(%esp), %ecx
	lgdt	gdt_desc
	ljmp	$0x08, $1f
1:	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	testl	$MODE_SS16, %ecx
	jz	1f
	movw	$0x18, %ax
	movw	%ax, %ss		/* no stack use from here on */
1:	testl	$(MODE_ES_BASE | MODE_ES_HIDDEN), %ecx
	jz	1f
	movw	$0x20, %ax
	movw	%ax, %es
	testl	$MODE_ES_HIDDEN, %ecx
	jz	1f
	movl	$0x00cf9200, gdt + 0x24	/* the table now says base 0; ES keeps 1 MiB */
1:	testl	$MODE_CR0_CD, %ecx
	jz	1f
	movl	%cr0, %eax
	orl	$0x40000000, %eax
	movl	%eax, %cr0
1:	testl	$MODE_CR4_PSE, %ecx
	jz	1f
	movl	%cr4, %eax
	orl	$0x10, %eax
	movl	%eax, %cr4
1:	xorl	%eax, %eax
	movl	$probe_entry, %edx
	jmp	*%edx

	.section .data, "aw", @progbits
	.balign 8
gdt:	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08 code, flat 32-bit */
	.quad 0x00cf92000000ffff	/* 0x10 data, flat */
	.quad 0x000092000000ffff	/* 0x18 data, 64 KiB, B=0 (a 16-bit stack) */
	.quad 0x00cf92100000ffff	/* 0x20 data, base 1 MiB */
gdt_end:
	.balign 4
	.word 0
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.section .bss, "aw", @nobits
	.balign 16
	.skip 8192
shim_stack_top:

	.section .note.GNU-stack, "", @progbits
