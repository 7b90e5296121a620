/*
 * bzimage-shim-entry.S: entry and exit of the bzImage probe's self-test shim (bzimage-shim.c),
 * a bzImage that spoils part of what leapboot handed over and then enters the probe (loaded
 * beside it with -device loader) at its 64-bit entry.
 */
#define MODE_CS08	1	/* CS = 0x08 (a 64-bit code segment, but not __BOOT_CS) */
#define MODE_DS_RO	2	/* DS = a read-only data segment */
#define MODE_ES0	4	/* ES = the null selector */
#define MODE_SS_BASE	8	/* SS = a data segment with base 1 MiB */
#define MODE_STI	16	/* interrupts on */
#define MODE_COMPAT	32	/* the 64-bit entry reached in compatibility (32-bit) mode */
#define PROBE_ENTRY64	0x1000200

	.section .text.entry64, "ax", @progbits
	.code64
	.globl	shim_entry64
shim_entry64:
	leaq	shim_stack_top(%rip), %rsp
	movq	%rsi, %rdi
	call	shim_main		/* does not return: ends in shim_enter */
1:	cli
	hlt
	jmp	1b

/* void shim_enter(u64 boot_params, u32 mode, u64 cr3): own GDT and page tables, spoil what
 * mode says, jump to the probe. */
	.text
	.globl	shim_enter
shim_enter:
	movq	%rdi, %rbx
	movl	%esi, %r12d
	lgdt	gdt_desc(%rip)
	movq	%rdx, %cr3
	movl	$0x10, %eax
	testl	$MODE_CS08, %r12d
	jz	1f
	movl	$0x08, %eax
1:	pushq	%rax
	leaq	2f(%rip), %rax
	pushq	%rax
	lretq
2:	movl	$0x18, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	testl	$MODE_DS_RO, %r12d
	jz	1f
	movl	$0x20, %eax
	movw	%ax, %ds
1:	testl	$MODE_ES0, %r12d
	jz	1f
	xorl	%eax, %eax
	movw	%ax, %es
1:	testl	$MODE_SS_BASE, %r12d
	jz	1f
	movl	$0x28, %eax
	movw	%ax, %ss
1:	movq	%rbx, %rsi
	testl	$MODE_COMPAT, %r12d
	jz	1f
	pushq	$0x30
	pushq	$PROBE_ENTRY64
	lretq
1:	testl	$MODE_STI, %r12d
	jz	1f
	sti
1:	movl	$PROBE_ENTRY64, %eax
	jmp	*%rax

	.section .data, "aw", @progbits
	.balign 8
gdt:	.quad	0
	.quad	0x00af9b000000ffff	/* 0x08 64-bit code */
	.quad	0x00af9b000000ffff	/* 0x10 64-bit code: __BOOT_CS */
	.quad	0x00cf93000000ffff	/* 0x18 data, flat: __BOOT_DS */
	.quad	0x00cf91000000ffff	/* 0x20 data, read-only */
	.quad	0x00cf93100000ffff	/* 0x28 data, base 1 MiB */
	.quad	0x00cf9b000000ffff	/* 0x30 32-bit code: compatibility mode */
gdt_end:
	.balign 4
	.word	0
gdt_desc:
	.word	gdt_end - gdt - 1
	.quad	gdt

	.section .bss, "aw", @nobits
	.balign 16
	.skip	8192
shim_stack_top:

	.section .note.GNU-stack, "", @progbits
