/*
 * leapboot.efi's way into a kernel without an EFI stub, after ExitBootServices.
 * Position-independent (the firmware chose where leapboot.efi lives; arch.c made
 * sure it is below 4 GiB, and runs it on its own stack and page tables): it loads
 * its own GDT, whose 0x10 and 0x18 are what Linux's boot protocols ask for.
 */
#include "../../arch/x86_64/protected32.h"

#define SEL_CODE32	0x08

	.text
	.code64
/* x86_enter(entry %rdi, %rsi, %ebx from %edx, protected32 %ecx) */
	.globl	x86_enter
x86_enter:
	cli
	leaq	gdt64(%rip), %rax
	movq	%rax, gdt64_desc + 2(%rip)
	leaq	gdt32(%rip), %rax
	movl	%eax, gdt32_desc + 2(%rip)
	lgdt	gdt64_desc(%rip)
	movl	$LINUX_BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%edx, %ebx
	testl	%ecx, %ecx
	jnz	1f
	/* The 64-bit boot protocol: CS 0x10, identity-mapped by the firmware. */
	leaq	2f(%rip), %rax
	pushq	$LINUX_BOOT_CS
	pushq	%rax
	lretq
2:	movq	%rdi, %rax
	xorl	%ebp, %ebp
	xorl	%edi, %edi
	jmp	*%rax

	/* 32-bit protected mode (Linux's 32-bit protocol, PVH): leave long mode
	 * through a compatibility-mode segment, paging off, then a GDT whose 0x10
	 * is flat 32-bit code. */
1:	leaq	gdt32_desc(%rip), %rbp
	leaq	3f(%rip), %rax
	pushq	$SEL_CODE32
	pushq	%rax
	lretq
	.code32
3:	enter_protected32 (%ebp)

	.data
	.balign	8
gdt64:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: 32-bit code, to leave long mode */
	.quad	0x00af9b000000ffff	/* 0x10: 64-bit code */
	.quad	0x00cf93000000ffff	/* 0x18: data, flat */
gdt64_end:
gdt32:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: 32-bit code, still in CS */
	.quad	0x00cf9b000000ffff	/* 0x10: 32-bit code, flat */
	.quad	0x00cf93000000ffff	/* 0x18: data, flat */
gdt32_end:
	.balign	8
gdt64_desc:
	.word	gdt64_end - gdt64 - 1
	.quad	0
gdt32_desc:
	.word	gdt32_end - gdt32 - 1
	.long	0
	.section .note.GNU-stack, "", @progbits
