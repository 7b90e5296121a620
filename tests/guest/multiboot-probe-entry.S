/*
 * multiboot-probe-entry.S: the entry point of the multiboot probe (entry_addr, or the ELF entry).
 *
 * Entered as the Multiboot spec's "Machine state" says: 32-bit protected mode, paging off,
 * %eax = 0x2BADB002, %ebx = the Multiboot information, no stack (%esp undefined), GDTR perhaps
 * invalid.  Everything the C part checks is recorded here before it can change; only DS is
 * relied on before the checks (every absolute address below goes through it).  The probe never
 * loads a segment register, except SS when SS is not a usable flat stack: then SS is loaded from
 * DS and the C part reports the original SS as bad.
 */
	.code32

	.section .text.entry, "ax", @progbits
	.globl mb_entry
	.type mb_entry, @function
mb_entry:
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
	.size mb_entry, . - mb_entry

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

/*
 * The last 4 KiB of the loaded image: word i is MB_PATTERN(i) (multiboot-probe.h), which the
 * C part recomputes, so a short or misplaced load shows as "image".  Nothing writes it.
 */
	.section .probe_pattern, "aw", @progbits
	.balign 4
	.globl probe_pattern, probe_pattern_end
probe_pattern:
	.set i, 0
	.rept 1024
	.long 0x5a000000 ^ (i << 20) ^ (i << 9) ^ (i * 7)
	.set i, i + 1
	.endr
probe_pattern_end:

	.section .note.GNU-stack, "", @progbits
