/*
 * multiboot-shim-entry.S: entry and exit of the multiboot self-test shim (see multiboot-shim.c).
 * The shim is a Multiboot kernel (the probe's ELF-form header, multiboot-probe-header.S) that
 * spoils part of what its loader handed over and then enters the multiboot probe, loaded beside
 * it with -device loader, the way a loader would: its own GDT, then the spoilt machine state.
 */
	.code32

	.section .text.entry, "ax", @progbits
	.globl mb_entry
mb_entry:
	movl	$shim_stack_top, %esp
	pushl	%ebx
	call	shim_main		/* does not return: ends in shim_enter */
1:	cli
	hlt
	jmp	1b

/* Spoils (the mode bits of shim_enter; multiboot-shim.c sets them from its words). */
#define MODE_SS16	(1 << 0)
#define MODE_ES_BASE	(1 << 1)
#define MODE_ES_HIDDEN	(1 << 2)
#define MODE_FS16	(1 << 3)
#define MODE_GS_LIMIT	(1 << 4)
#define MODE_GS_NULL	(1 << 5)
#define MODE_CS_LIMIT	(1 << 6)
#define MODE_PAGING	(1 << 7)
#define MODE_IF		(1 << 8)
#define MODE_A20_OFF	(1 << 9)

#define SEL_CODE	0x08
#define SEL_DATA	0x10
#define SEL_STACK16	0x18
#define SEL_BASE_1M	0x20
#define SEL_DATA16	0x28
#define SEL_LIMIT_1M	0x30
#define SEL_CODE_16M	0x38

/* void shim_enter(u32 eax, u32 ebx, u32 mode, u32 *page_dir) */
	.globl shim_enter
shim_enter:
	movl	4(%esp), %esi		/* eax for the probe */
	movl	8(%esp), %ebx
	movl	12(%esp), %ecx
	movl	16(%esp), %edi
	lgdt	gdt_desc
	ljmp	$SEL_CODE, $1f
1:	movw	$SEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss

	testl	$MODE_PAGING, %ecx	/* identity map, 4 MiB pages (PSE) */
	jz	1f
	movl	%cr4, %eax
	orl	$0x10, %eax
	movl	%eax, %cr4
	movl	%edi, %cr3
	movl	%cr0, %eax
	orl	$0x80000000, %eax
	movl	%eax, %cr0
1:	testl	$MODE_A20_OFF, %ecx	/* the fast A20 gate (port 0x92 bit 1) */
	jz	1f
	inb	$0x92, %al
	andb	$~0x02, %al
	outb	%al, $0x92
1:	testl	$MODE_IF, %ecx		/* IF set, with every PIC line masked (no IDT to take one) */
	jz	1f
	movb	$0xff, %al
	outb	%al, $0x21
	outb	%al, $0xa1
	sti
1:	testl	$(MODE_ES_BASE | MODE_ES_HIDDEN), %ecx
	jz	1f
	movw	$SEL_BASE_1M, %ax
	movw	%ax, %es
	testl	$MODE_ES_HIDDEN, %ecx
	jz	1f
	movl	$0x00cf9200, gdt + SEL_BASE_1M + 4	/* the table now says base 0; ES keeps 1 MiB */
1:	testl	$MODE_FS16, %ecx
	jz	1f
	movw	$SEL_DATA16, %ax
	movw	%ax, %fs
1:	testl	$MODE_GS_LIMIT, %ecx
	jz	1f
	movw	$SEL_LIMIT_1M, %ax
	movw	%ax, %gs
1:	testl	$MODE_GS_NULL, %ecx
	jz	1f
	xorl	%eax, %eax
	movw	%ax, %gs
1:	testl	$MODE_SS16, %ecx
	jz	1f
	movw	$SEL_STACK16, %ax
	movw	%ax, %ss		/* no stack use from here on */
1:	movl	%esi, %eax
	testl	$MODE_CS_LIMIT, %ecx
	jz	1f
	ljmp	*probe_far_code16m
1:	ljmp	*probe_far_code

	.section .data, "aw", @progbits
	.balign 8
gdt:	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08 code, flat 32-bit */
	.quad 0x00cf92000000ffff	/* 0x10 data, flat */
	.quad 0x000092000000ffff	/* 0x18 data, 64 KiB, B=0 (a 16-bit stack) */
	.quad 0x00cf92100000ffff	/* 0x20 data, base 1 MiB */
	.quad 0x008f92000000ffff	/* 0x28 data, 4 GiB, B=0 */
	.quad 0x00c09200000000ff	/* 0x30 data, limit 1 MiB - 1 */
	.quad 0x00c09a0000000fff	/* 0x38 code, 32-bit, limit 16 MiB - 1 */
gdt_end:
	.balign 4
	.word 0
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
	.balign 4
probe_far_code:
	.long probe_entry
	.word SEL_CODE
	.balign 4
probe_far_code16m:
	.long probe_entry
	.word SEL_CODE_16M

	.section .bss, "aw", @nobits
	.balign 16
	.skip 8192
shim_stack_top:

	.section .note.GNU-stack, "", @progbits
