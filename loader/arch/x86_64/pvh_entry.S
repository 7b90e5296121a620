/*
 * The ELF form's entry (leapboot.elf, a -kernel chain-loader): started through
 * the Xen PVH ABI in 32-bit protected mode, paging off, %ebx = hvm_start_info.
 * Load leapboot's own GDT and join the firmware form's 32-bit start-up, which
 * keeps %ebx for the C entry.
 */
#define SEL_CODE32	0x08
#define XEN_ELFNOTE_PHYS32_ENTRY 18

	.section .note.Xen, "a", @note
	.balign	4
	.long	4			/* name size: "Xen\0" */
	.long	4			/* descriptor size */
	.long	XEN_ELFNOTE_PHYS32_ENTRY
	.asciz	"Xen"
	.long	pvh_start

	.section .text.low, "ax"
	.code32
	.globl	pvh_start
pvh_start:
	cli
	cld
	lgdtl	gdt_desc
	ljmpl	$SEL_CODE32, $start32
