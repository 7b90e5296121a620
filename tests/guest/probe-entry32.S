/*
 * probe-entry32.S: what the 32-bit probes (PVH, Multiboot) do first, entered by a jump from
 * their own entry point (pvh-probe-entry.S, multiboot-probe-entry.S).
 *
 * Entered in 32-bit protected mode, paging off, with no stack (%esp undefined).  Everything the
 * C part checks is recorded here before it can change: registers, control registers, selectors,
 * descriptor-table registers, flags.  Only DS is relied on before the checks (every absolute
 * address below goes through it).  The probe never loads a segment register, except SS when SS
 * is not a usable flat stack: then SS is loaded from DS and the C part reports the original SS
 * as bad.  The state is declared in probe-x86.h.
 */
	.code32

	.section .text, "ax", @progbits
	.globl probe_entry32
	.type probe_entry32, @function
probe_entry32:
	/* Registers and arithmetic flags first (mov and lahf/seto leave EFLAGS alone). */
	movl	%eax, entry_eax
	movl	%ebx, entry_ebx
	movl	%esp, entry_esp
	lahf
	seto	%al
	movw	%ax, entry_lahf		/* AH = SF ZF - AF - PF - CF, AL = OF */
	movl	%cr0, %eax
	movl	%eax, entry_cr0
	movl	%cr3, %eax
	movl	%eax, entry_cr3
	movl	%cr4, %eax
	movl	%eax, entry_cr4
	movw	%cs, entry_cs
	movw	%ds, entry_ds
	movw	%es, entry_es
	movw	%fs, entry_fs
	movw	%gs, entry_gs
	movw	%ss, entry_ss
	str	entry_tr
	sgdt	entry_gdtr
	sidt	entry_idtr

	/* Is SS usable as a flat 32-bit stack?  (lar/lsl/cmp change only the arithmetic flags.) */
	lar	entry_ss, %eax
	jnz	.Lss_bad			/* null, beyond the GDT limit, or a system segment */
	andl	$0x00c09e00, %eax		/* G, D/B, P, S, code, expand-down, writable */
	cmpl	$0x00c09200, %eax		/* 4 KiB granular, 32-bit, present data, up, writable */
	jne	.Lss_bad
	lsl	entry_ss, %eax
	jnz	.Lss_bad
	cmpl	$0xffffffff, %eax
	jne	.Lss_bad
	/* The same base as DS?  Write through SS, read back through DS, with two patterns. */
	movl	$0x2badcafe, %ss:seg_cell
	cmpl	$0x2badcafe, seg_cell
	jne	.Lss_bad
	movl	$0xd4523501, %ss:seg_cell
	cmpl	$0xd4523501, seg_cell
	jne	.Lss_bad
	jmp	.Lss_ok
.Lss_bad:
	movl	$1, entry_ss_reloaded
	movw	%ds, %ax
	movw	%ax, %ss
.Lss_ok:
	movl	$__stack_top, %esp
	pushfl
	popl	entry_eflags

	/* CS base: the offset pushed by a call must be the link-time (= physical) address. */
	call	1f
1:	popl	%eax
	movl	%eax, entry_eip_seen
	movl	$1b, entry_eip_linked

	xorl	%ebp, %ebp
	call	probe_main
2:	cli
	hlt
	jmp	2b
	.size probe_entry32, . - probe_entry32

/* Entry state, in .data so that nothing the loader must zero (bss) is written before the
 * C part has checked that bss really was zero. */
	.section .data, "aw", @progbits
	.balign 4
	.globl entry_eax, entry_ebx, entry_esp, entry_cr0, entry_cr3, entry_cr4, entry_eflags
	.globl entry_lahf, entry_cs, entry_ds, entry_es, entry_fs, entry_gs, entry_ss, entry_tr
	.globl entry_gdtr, entry_idtr, entry_ss_reloaded, entry_eip_seen, entry_eip_linked
	.globl seg_cell
entry_eax:		.long 0
entry_ebx:		.long 0
entry_esp:		.long 0
entry_cr0:		.long 0
entry_cr3:		.long 0
entry_cr4:		.long 0
entry_eflags:		.long 0
entry_ss_reloaded:	.long 0
entry_eip_seen:		.long 0
entry_eip_linked:	.long 0
seg_cell:		.long 0
entry_lahf:		.word 0
entry_cs:		.word 0
entry_ds:		.word 0
entry_es:		.word 0
entry_fs:		.word 0
entry_gs:		.word 0
entry_ss:		.word 0
entry_tr:		.word 0
	.balign 4
entry_gdtr:		.word 0		/* limit */
			.long 0		/* base */
	.balign 4
entry_idtr:		.word 0
			.long 0

	.section .note.GNU-stack, "", @progbits
