/*
 * The two ways into a Linux kernel. Both are reached only through arch_enter()
 * with a validated plan.
 */
#define SEL_CODE32	0x08
#define SEL_DATA	0x18
#define LINUX_BOOT_CS	0x10
#define LINUX_BOOT_DS	0x18
#define CR0_PE		0x00000001
#define CR0_ET		0x00000010
#define MSR_EFER	0xC0000080
#define EFER_LME	0x00000100

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
	/* Paging off, and nothing but PE: what PVH asks and Linux's 32-bit
	 * protocol accepts. */
	movl	$(CR0_PE | CR0_ET), %eax
	movl	%eax, %cr0
	movl	$MSR_EFER, %ecx
	rdmsr
	andl	$~EFER_LME, %eax
	wrmsr
	xorl	%eax, %eax
	movl	%eax, %cr4
	lgdtl	gdt_linux32_desc
	movl	$LINUX_BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	pushl	$LINUX_BOOT_CS
	pushl	%edi
	xorl	%ebp, %ebp
	xorl	%edi, %edi
	lretl

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
