/*
 * multiboot-probe-entry.S: the entry point of the multiboot probe (entry_addr, or the ELF entry).
 *
 * Entered as the Multiboot spec's "Machine state" says: 32-bit protected mode, paging off,
 * %eax = 0x2BADB002, %ebx = the Multiboot information, no stack (%esp undefined), GDTR perhaps
 * invalid.  probe-entry32.S records all of it before anything can change it.
 */
	.code32

	.section .text.entry, "ax", @progbits
	.globl mb_entry
	.type mb_entry, @function
mb_entry:
	jmp	probe_entry32		/* relative: no state changes on the way */
	.size mb_entry, . - mb_entry

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
