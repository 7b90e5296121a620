/*
 * pvh-probe-entry.S: the PVH 32-bit entry point of the PVH probe kernel.
 *
 * Entered as XEN_ELFNOTE_PHYS32_ENTRY says: 32-bit protected mode, paging off, %ebx = physical
 * address of struct hvm_start_info, no stack.  probe-entry32.S records all of it before anything
 * can change it (the spec makes DS flat, which is all that code relies on).
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
	jmp	probe_entry32		/* relative: no state changes on the way */
	.size pvh_start, . - pvh_start

	.section .note.GNU-stack, "", @progbits
