/*
 * bios-call.S: a kernel that needs a BIOS, for tests/bios-trap.bats. A 32-bit PVH ELF loaded at
 * LOAD, below 1 MiB so that its real-mode part runs in place. The first byte of its command
 * line says how it calls the BIOS:
 *   r (or anything else)  from real mode, the way a real-mode caller does it (16-bit segments,
 *                         PE off, IDTR at the vector table): int 0x13, AH=0x42 (EDD read)
 *   l                     the same with a low vector, one the PIC's interrupts share: int 0x08
 *                         (the BIOS's timer tick), AH=0x00
 *   p                     from 32-bit code, through the IDT it was handed: int 0x10, AH=0x0e
 *   u                     ud2: a CPU exception before it has an IDT of its own
 * Under leapboot the call must not return. When it does (a BIOS answered: SeaBIOS under the
 * chain-loader), the real-mode caller prints "BIOS-CALL: returned" and writes 0x10 to
 * isa-debug-exit (QEMU exits 33); the others halt, and the test's timeout catches them.
 */
#define LOAD		0x80000		/* where bios-call.lds links start; offsets below are from it */
#define RM_SEG		(LOAD >> 4)
#define SEL_CODE16	0x08
#define SEL_DATA16	0x10
#define START_INFO_CMDLINE 24		/* hvm_start_info.cmdline_paddr */
#define COM1		0x3F8
#define DEBUG_EXIT_PORT	0x501
#define EXIT_RETURNED	0x10

	.section .note.Xen, "a", @note
	.balign	4
	.long	4, 4, 18			/* "Xen", a 4-byte entry, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz	"Xen"
	.long	start

	.text
	.code32
	.globl	start
start:
	movl	START_INFO_CMDLINE(%ebx), %esi
	movb	(%esi), %al
	movb	%al, %cl			/* the mode, for the real-mode part */
	cmpb	$'p', %al
	je	from32
	cmpb	$'u', %al
	je	fault
	lgdtl	gdt_desc
	ljmpl	$SEL_CODE16, $(pm16 - start)
from32:
	movw	$0x0e41, %ax
	int	$0x10
	jmp	stop
fault:
	ud2
stop:
	cli
	hlt
	jmp	stop

	.code16
pm16:					/* 16-bit protected mode: real-mode limits, then PE off */
	movw	$SEL_DATA16, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr0, %eax
	andb	$~1, %al
	movl	%eax, %cr0
	ljmpw	$RM_SEG, $(real - start)
real:
	movw	%cs, %ax
	movw	%ax, %ds
	movw	%ax, %ss
	xorw	%sp, %sp			/* the top of its 64 KiB segment */
	lidtw	rm_idt - start
	cmpb	$'l', %cl
	je	low_vector
	movb	$0x42, %ah
	movb	$0x80, %dl
	int	$0x13
	jmp	3f
low_vector:
	movb	$0x00, %ah
	int	$0x08
3:	cld
	movw	$(returned - start), %si
	movw	$COM1, %dx
1:	lodsb
	outb	%al, %dx
	testb	%al, %al
	jnz	1b
	movw	$DEBUG_EXIT_PORT, %dx
	movb	$EXIT_RETURNED, %al
	outb	%al, %dx
2:	cli
	hlt
	jmp	2b
returned:
	.asciz	"BIOS-CALL: returned\r\n"

	.balign	8
gdt:	.quad	0
	.quad	0x00009A080000FFFF		/* 0x08: 16-bit code, base LOAD, 64 KiB */
	.quad	0x000092080000FFFF		/* 0x10: 16-bit data, base LOAD, 64 KiB */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt
rm_idt:
	.word	0x3FF				/* the real-mode vector table at 0 */
	.long	0
