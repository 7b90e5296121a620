/*
 * bzimage-probe-entry.S: the probe's two entry points.
 *
 * +0x200, the 64-bit boot protocol's entry: first a test that tells 64-bit mode from 32-bit
 * mode (0x48 is a REX prefix in one, "dec %eax" in the other), then the entry state is recorded
 * before anything changes it, the bss is zeroed (a bzImage's loader does not), and the probe
 * switches to its own page tables (an identity map of the first 64 GiB, 2 MiB pages), so that
 * it can read the initrd and firmware tables wherever they are and walk the loader's tables.
 *
 * +0, the 32-bit protocol's entry (for a loader that ignores XLF_KERNEL_64), and the 64-bit
 * entry reached in 32-bit mode: both only say so and fail ("mode").
 */
#define COM1		0x3f8
#define DEBUG_EXIT	0x501
#define EXIT_FAIL	0x11
#define PD_ENTRIES	(64 * 512)	/* 64 GiB of 2 MiB pages */

	.section .text.head32, "ax", @progbits
	.code32
	.globl	entry32
entry32:
	movl	$msg_at_0, %esi
	jmp	report_32bit

/* Prints the NUL-terminated line at %esi and the FAIL verdict, then exits QEMU. */
report_32bit:
	cli
	call	puts32
	movl	$msg_verdict, %esi
	call	puts32
	movw	$DEBUG_EXIT, %dx
	movb	$EXIT_FAIL, %al
	outb	%al, %dx
1:	hlt
	jmp	1b

puts32:
	lodsb
	testb	%al, %al
	jz	2f
	movw	$COM1, %dx
	outb	%al, %dx
	jmp	puts32
2:	ret

msg_at_0:
	.asciz	"\nBZIMAGE-PROBE: mode=32-bit BAD: entered at +0, the 32-bit protocol's entry\n"
msg_at_200:
	.asciz	"\nBZIMAGE-PROBE: mode=32-bit BAD: the 64-bit entry (+0x200) entered in 32-bit mode\n"
msg_verdict:
	.asciz	"BZIMAGE-PROBE: RESULT FAIL mode\n"

	.section .text.entry64, "ax", @progbits
	.code64
	.globl	entry64
entry64:
	.byte	0x31, 0xc0		/* xor %eax, %eax */
	.byte	0x48, 0x90		/* 64-bit: nop (REX.W xchg); 32-bit: dec %eax; nop */
	.byte	0x85, 0xc0		/* test %eax, %eax */
	.byte	0x74, 1f - 0f		/* jz 1f: 64-bit mode */
0:	.code32
	movl	$msg_at_200, %esi
	jmp	report_32bit
	.code64
1:	movq	%rsi, entry_rsi(%rip)
	movq	%rsp, entry_rsp(%rip)
	movq	%rdi, entry_rdi(%rip)
	leaq	entry_stack_top(%rip), %rsp
	pushfq
	popq	entry_rflags(%rip)
	cli
	movq	%cr0, %rax
	movq	%rax, entry_cr0(%rip)
	movq	%cr3, %rax
	movq	%rax, entry_cr3(%rip)
	movq	%cr4, %rax
	movq	%rax, entry_cr4(%rip)
	movl	$0xc0000080, %ecx	/* EFER */
	rdmsr
	movl	%eax, entry_efer(%rip)
	movl	%edx, entry_efer+4(%rip)
	movw	%cs, entry_cs(%rip)
	movw	%ds, entry_ds(%rip)
	movw	%es, entry_es(%rip)
	movw	%ss, entry_ss(%rip)
	movw	%fs, entry_fs(%rip)
	movw	%gs, entry_gs(%rip)
	sgdt	entry_gdtr(%rip)
	sidt	entry_idtr(%rip)
	/* The GDT's first five descriptors, read through the loader's map (the CPU needs it
	 * mapped there anyway); fewer if the limit says so. */
	movzwl	entry_gdtr(%rip), %ecx
	incl	%ecx
	cmpl	$40, %ecx
	jbe	2f
	movl	$40, %ecx
2:	movq	entry_gdtr+2(%rip), %rsi
	leaq	entry_gdt(%rip), %rdi
	cld
	rep movsb
	/* Where this code runs: the link-time address, if the loader honoured pref_address. */
	leaq	entry64(%rip), %rax
	movq	%rax, entry_rip_seen(%rip)

	/* bss (which holds the page tables and the stack) zeroed by the probe itself. */
	leaq	__bss_start(%rip), %rdi
	leaq	__bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb

	/* pml4[0] -> pdpt; pdpt[i] -> pd + i * 4 KiB; pd: 2 MiB pages, present, writable. */
	leaq	probe_pdpt(%rip), %rax
	orq	$3, %rax
	movq	%rax, probe_pml4(%rip)
	leaq	probe_pd(%rip), %rax
	orq	$3, %rax
	leaq	probe_pdpt(%rip), %rdi
	movl	$64, %ecx
3:	movq	%rax, (%rdi)
	addq	$4096, %rax
	addq	$8, %rdi
	decl	%ecx
	jnz	3b
	movq	$0x83, %rax		/* PS, RW, P */
	leaq	probe_pd(%rip), %rdi
	movl	$PD_ENTRIES, %ecx
4:	movq	%rax, (%rdi)
	addq	$0x200000, %rax
	addq	$8, %rdi
	decl	%ecx
	jnz	4b
	leaq	probe_pml4(%rip), %rax
	movq	%rax, %cr3

	leaq	__stack_top(%rip), %rsp
	xorl	%ebp, %ebp
	call	probe_main
5:	cli
	hlt
	jmp	5b

/* Entry state: in .data, written before the bss is cleared. */
	.section .data, "aw", @progbits
	.balign 16
	.globl	entry_rsi, entry_rsp, entry_rdi, entry_rflags, entry_cr0, entry_cr3, entry_cr4
	.globl	entry_efer, entry_cs, entry_ds, entry_es, entry_ss, entry_fs, entry_gs
	.globl	entry_gdtr, entry_idtr, entry_gdt, entry_rip_seen
entry_rsi:	.quad	0
entry_rsp:	.quad	0
entry_rdi:	.quad	0
entry_rflags:	.quad	0
entry_cr0:	.quad	0
entry_cr3:	.quad	0
entry_cr4:	.quad	0
entry_efer:	.quad	0
entry_rip_seen:	.quad	0
entry_gdt:	.fill	40, 1, 0
entry_cs:	.word	0
entry_ds:	.word	0
entry_es:	.word	0
entry_ss:	.word	0
entry_fs:	.word	0
entry_gs:	.word	0
	.balign 8
entry_gdtr:	.fill	10, 1, 0
	.balign 8
entry_idtr:	.fill	10, 1, 0
	.balign 16
	.fill	256, 1, 0	/* a few words of stack for pushfq, before the bss is usable */
entry_stack_top:

	.section .bss, "aw", @nobits
	.balign 4096
	.globl	probe_pml4, probe_pdpt, probe_pd
probe_pml4:	.skip	4096
probe_pdpt:	.skip	4096
probe_pd:	.skip	PD_ENTRIES * 8

	.section .note.GNU-stack, "", @progbits
