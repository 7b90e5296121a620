/*
 * pvh-probe-entry.S: the PVH 32-bit entry point of the PVH probe kernel.
 *
 * Entered as XEN_ELFNOTE_PHYS32_ENTRY says: 32-bit protected mode, paging off, %ebx = physical
 * address of struct hvm_start_info, no stack.  Everything the C part checks is recorded here
 * before it can change: registers, control registers, selectors, descriptor-table registers,
 * flags.  Only DS is relied on before the checks (the spec makes it flat, and every absolute
 * address below goes through it).  SS is checked for a flat 32-bit writable data segment before
 * the first push; if it is not one, SS is loaded from DS (the only segment register this code
 * may reload) and the C part reports the original SS as bad.
 */
	.code32

/* The PVH note: name "Xen", type 18 (XEN_ELFNOTE_PHYS32_ENTRY), 32-bit physical entry. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 2f - 1f			/* namesz */
	.long 4f - 3f			/* descsz */
	.long 18			/* type: XEN_ELFNOTE_PHYS32_ENTRY */
1:	.asciz "Xen"
2:	.balign 4
3:	.long pvh_start
4:	.balign 4

	.section .text.entry, "ax", @progbits
	.globl pvh_start
	.type pvh_start, @function
pvh_start:
	/* Registers and arithmetic flags first (mov and lahf/seto leave EFLAGS alone). */
	movl	%ebx, entry_ebx
	movl	%eax, entry_eax
	movl	%esp, entry_esp
	lahf
	seto	%al
	movw	%ax, entry_lahf		/* AH = SF ZF - AF - PF - CF, AL = OF */
	movl	%cr0, %eax
	movl	%eax, entry_cr0
	movl	%cr4, %eax
	movl	%eax, entry_cr4
	movw	%cs, entry_cs
	movw	%ds, entry_ds
	movw	%es, entry_es
	movw	%ss, entry_ss
	movw	%fs, entry_fs
	movw	%gs, entry_gs
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
	/* Same base as DS?  Write through SS, read back through DS, with two patterns. */
	movl	$0x13579bdf, %ss:ss_cell
	cmpl	$0x13579bdf, ss_cell
	jne	.Lss_bad
	movl	$0xeca86420, %ss:ss_cell
	cmpl	$0xeca86420, ss_cell
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
	.size pvh_start, . - pvh_start

/* Entry state, in .data so that nothing the loader must zero (bss) is written before the
 * C part has checked that bss really was zero. */
	.section .data, "aw", @progbits
	.balign 4
	.globl entry_ebx, entry_eax, entry_esp, entry_cr0, entry_cr4, entry_eflags, entry_lahf
	.globl entry_cs, entry_ds, entry_es, entry_ss, entry_fs, entry_gs, entry_tr
	.globl entry_gdtr, entry_idtr, entry_ss_reloaded, entry_eip_seen, entry_eip_linked
	.globl ss_cell
entry_ebx:		.long 0
entry_eax:		.long 0
entry_esp:		.long 0
entry_cr0:		.long 0
entry_cr4:		.long 0
entry_eflags:		.long 0
entry_ss_reloaded:	.long 0
entry_eip_seen:		.long 0
entry_eip_linked:	.long 0
ss_cell:		.long 0
entry_lahf:		.word 0
entry_cs:		.word 0
entry_ds:		.word 0
entry_es:		.word 0
entry_ss:		.word 0
entry_fs:		.word 0
entry_gs:		.word 0
entry_tr:		.word 0
	.balign 4
entry_gdtr:		.word 0		/* limit */
			.long 0		/* base */
	.balign 4
entry_idtr:		.word 0
			.long 0

	.section .note.GNU-stack, "", @progbits
