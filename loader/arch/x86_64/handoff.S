/*
 * The two ways into a Linux kernel. Both are reached only through arch_enter()
 * with a validated plan.
 */
#include "protected32.h"

#define SEL_CODE32	0x08

	.text
	.code64
/* arch_enter_linux64(entry %rdi, boot_params %rsi): the 64-bit boot protocol.
 * The CPU already runs on a GDT whose 0x10 is flat 64-bit code and 0x18 flat
 * data, with 0–4 GiB identity-mapped. */
	.globl	arch_enter_linux64
arch_enter_linux64:
	cli
	movq	%rdi, %rax
	xorl	%ebx, %ebx
	xorl	%ebp, %ebp
	xorl	%edi, %edi
	jmp	*%rax

/* arch_enter_protected32(entry %edi, %esi, %ebx from %edx): Linux's 32-bit boot
 * protocol (%esi = boot_params) and PVH (%ebx = hvm_start_info): leave long mode
 * through a compatibility-mode segment, turn paging off, and load a GDT whose
 * 0x10 is flat 32-bit code and 0x18 flat data. */
	.globl	arch_enter_protected32
arch_enter_protected32:
	cli
	movl	%edx, %ebx
	pushq	$SEL_CODE32
	movabsq	$leave_long_mode, %rax
	pushq	%rax
	lretq

	.section .text.low, "ax"
	.code32
leave_long_mode:
	enter_protected32 gdt_linux32_desc

	.balign 8
gdt_linux32:
	.quad	0
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x10: 32-bit code, flat */
	.quad	0x00cf93000000ffff	/* 0x18: data, flat */
gdt_linux32_end:
gdt_linux32_desc:
	.word	gdt_linux32_end - gdt_linux32 - 1
	.long	gdt_linux32
