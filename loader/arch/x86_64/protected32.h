/* Shared by the firmware's and the EFI application's hand-offs (assembler only):
 * the last steps into Linux's 32-bit boot protocol and PVH from compatibility
 * mode. */
#ifndef LEAPBOOT_X86_PROTECTED32_H
#define LEAPBOOT_X86_PROTECTED32_H

#define LINUX_BOOT_CS	0x10
#define LINUX_BOOT_DS	0x18
#define CR0_PE		0x00000001
#define CR0_ET		0x00000010
#define MSR_EFER	0xC0000080
#define EFER_LME	0x00000100

/* Paging off and nothing but PE (what PVH asks and Linux's 32-bit protocol
 * accepts), long mode off, then the GDT at gdt_desc (0x10 flat 32-bit code,
 * 0x18 flat data) and a far return to the entry in %edi; %esi and %ebx as the
 * caller set them, %eax a copy of %esi (multiboot's magic; the other entries
 * do not look at %eax). */
	.macro	enter_protected32 gdt_desc
	movl	$(CR0_PE | CR0_ET), %eax
	movl	%eax, %cr0
	movl	$MSR_EFER, %ecx
	rdmsr
	andl	$~EFER_LME, %eax
	wrmsr
	xorl	%eax, %eax
	movl	%eax, %cr4
	lgdtl	\gdt_desc
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
	movl	%esi, %eax
	lretl
	.endm

#endif
