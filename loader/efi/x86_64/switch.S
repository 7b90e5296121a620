/* efi_switch_x86(cr3 %rdi, stack top %rsi, fn %rdx): leapboot.efi leaves the
 * firmware's page tables and stack, which are free RAM after ExitBootServices. */
	.text
	.code64
	.globl	efi_switch_x86
efi_switch_x86:
	movq	%rdi, %cr3
	movq	%rsi, %rsp
	xorl	%ebp, %ebp
	call	*%rdx
	ud2
	.section .note.GNU-stack, "", @progbits
