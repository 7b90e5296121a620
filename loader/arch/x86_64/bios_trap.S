/*
 * The BIOS trap (firmware form): leapboot provides no BIOS services, so a kernel that calls
 * one gets one error line on COM1 and isa-debug-exit instead of running into whatever an
 * empty vector points at (a silent hang or a triple fault).
 *
 * Real mode: every vector of the interrupt vector table at 0 leads to the real-mode entries,
 * copied to the F-segment at TRAP16_LINEAR. Vectors 0x00-0x0F (CPU exceptions, and the PIC's
 * interrupts, which arrive there while nobody has programmed it) are CS = TRAP16_SEG - N,
 * IP = 16 N, so bios_trap16 knows N from CS. Vectors 0x10-0xFF, the BIOS services, are only
 * reached by an `int N` instruction: they are all one entry, bios_trap16_int, which reads N
 * from that instruction before the return address, so they can be written 16 bytes at a
 * time (60 stores in a loop, against 120 quadwords for distinct vectors). Both switch to 32-bit protected mode
 * (start.S's GDT) and join the 32-bit reporter, which runs from the ROM.
 *
 * 32-bit code before the kernel loads an IDT of its own: idt32 has 14 gates, so an `int N`
 * with N >= 14 is beyond its limit and raises #GP with error code 8 N + 2, and a CPU
 * exception N < 14 finds no gate there and raises #GP or #NP with 8 N + 2. Only those two
 * gates exist; the reporter tells an int from an exception by the instruction at EIP.
 *
 * All of it but bios_trap_install is one section at a fixed ROM address (leapboot.lds), so
 * that the vectors and the addresses bios_trap_install uses are constants; the ELF form,
 * started by a firmware with a BIOS, discards it.
 */
#define TRAP_ROM	0xFFFFFA00	/* .bios_trap's address (leapboot.lds checks it) */
#define TRAP16_LINEAR	0xFFA00		/* its first bytes, the real-mode entry, copied here */
#define TRAP16_SEG	(TRAP16_LINEAR >> 4)
#define IN_TRAP(sym)	(TRAP_ROM + (sym) - bios_trap16)
#define IVT_LOW_QWORDS	8		/* vectors 0x00-0x0F, 4 bytes each */
#define IVT_INT_ROUNDS	4		/* vectors 0x10-0xFF: 4 rounds of 15 stores */
#define IVT_INT_STORES	15		/*   of 16 bytes (a loop: TCG translates it once) */
#define IVT_INT		(TRAP16_SEG << 16 | (bios_trap16_int - bios_trap16))
#define SEL_CODE32	0x08		/* start.S's gdt: flat 32-bit code */
#define SEL_LINUX_CS	0x10		/* the hand-off's GDT (handoff.S): flat 32-bit code */
#define IDT_GATE32	0x8E		/* present, DPL 0, 32-bit interrupt gate */
#define TRAP_HIGH	0xFFFF0000	/* the top 16 bits of every address in .bios_trap */
#define COM1		0x3F8
#define UART_LSR	5
#define LSR_THRE	0x20
#define DEBUG_EXIT_PORT	0x501
#define DEBUG_EXIT_FAILURE 1
#define OP_INT		0xCD		/* int imm8 */
#define FIELD_BYTE	2		/* template bytes: a field of that many hex digits */
#define FIELD_WORD	8

	.globl	bios_trap_rom
	.set	bios_trap_rom, TRAP_ROM

/* bios_trap_install(): the vector table, the real-mode entry in the F-segment (on pc and q35
 * the F-segment is RAM without the ROM's image once PAM is set; on microvm a copy of it), and
 * the 32-bit IDT, which stays loaded for the kernel. Loaded now, it changes nothing for
 * leapboot itself: a fault in long mode found no valid gate before and finds none now. Code
 * that goes back to real mode loads the real-mode IDTR itself (GRUB, for one, hands kernels
 * an IDT of limit 0), and so reaches the vector table. */
	.text
	.code64
	.globl	bios_trap_install
bios_trap_install:
	movl	$IN_TRAP(ivt), %esi
	xorl	%edi, %edi
	movl	$IVT_LOW_QWORDS, %ecx
	rep movsq
	/* Vectors 0x10-0xFF, from %rdi = 0x40 on. */
	movl	$IVT_INT, %eax
	movd	%eax, %xmm0
	pshufd	$0, %xmm0, %xmm0
	movb	$IVT_INT_ROUNDS, %cl
1:	.set	store, 0
	.rept	IVT_INT_STORES
	movaps	%xmm0, store * 16(%rdi)
	.set	store, store + 1
	.endr
	addq	$IVT_INT_STORES * 16, %rdi
	decb	%cl
	jnz	1b
	movl	$TRAP_ROM, %esi
	movl	$TRAP16_LINEAR, %edi
	movl	$(trap16_end - bios_trap16 + 7) / 8, %ecx
	rep movsq
	movl	$IN_TRAP(idt32_desc), %eax
	lidt	(%rax)
	ret

	.section .text.bios_trap, "ax"
	.code16
/* Vector N: CS = TRAP16_SEG - N, IP = 16 N; AH as the caller set it. */
bios_trap16:
	cld
	movw	$TRAP16_SEG, %cx
	movw	%cx, %ds
	movw	%cs, %dx
	subw	%dx, %cx
	movzwl	%cx, %ecx			/* the vector */
to_protected:
	movzbl	%ah, %ebx
	lgdtl	gdt_desc16 - bios_trap16
	movl	%cr0, %eax
	orb	$1, %al				/* PE */
	movl	%eax, %cr0
	ljmpl	$SEL_CODE32, $trap32_bios
/* Vectors 0x10-0xFF: CS = TRAP16_SEG; the caller's return address is on its stack. */
bios_trap16_int:
	cld
	movw	%sp, %bp
	ldsw	(%bp), %si			/* %ss: the return address */
	movzbl	-1(%si), %ecx			/* int N's N */
	movw	%cs, %dx
	movw	%dx, %ds
	jmp	to_protected
gdt_desc16:
	.word	SEL_CODE32 + 7			/* start.S's gdt up to its 32-bit code */
	.long	gdt
trap16_end:

	.balign	8, 0
idt32_desc:
	.word	idt32_end - idt32 - 1
	.quad	idt32				/* 8 bytes: lidt from long mode */

ivt:	.set	vector, 0
	.rept	16
	.word	16 * vector, TRAP16_SEG - vector
	.set	vector, vector + 1
	.endr

	.code32
trap32_np:
	movl	$11, %ecx
	jmp	1f
trap32_gp:
	movl	$13, %ecx
1:	cld
	popl	%edx				/* error code */
	popl	%ebx				/* EIP */
	testb	$2, %dl				/* it names a gate: the vector was N */
	jz	trap32_exception
	movl	%edx, %ecx
	shrl	$3, %ecx
	cmpb	$OP_INT, %cs:(%ebx)		/* int N at EIP: a call, not a fault */
	jne	trap32_exception
	cmpb	%cl, %cs:1(%ebx)
	jne	trap32_exception
	movzbl	%ah, %ebx
trap32_bios:				/* %ecx: the vector, %ebx: AH */
	shll	$24, %ebx
	movl	$msg_bios, %esi
	jmp	report
trap32_exception:			/* %ecx: the vector, %ebx: EIP */
	movl	$msg_exception, %esi
/* The template at %esi to COM1, its fields from %ecx then %ebx, each value's first digit
 * in its top nibble; no stack, no data segment (the kernel's may be anything). */
report:
	shll	$24, %ecx
	movw	$COM1 + UART_LSR, %dx
	xorl	%edi, %edi			/* digits left in the field */
next:
	testl	%edi, %edi
	jnz	digit
	lodsb	%cs:(%esi), %al
	cmpb	$FIELD_WORD, %al
	ja	put
	testb	%al, %al
	jz	done
	movzbl	%al, %edi
digit:
	roll	$4, %ecx
	movb	%cl, %al
	andb	$0xF, %al
	cmpb	$10, %al			/* 0-15 to '0'-'9', 'A'-'F' */
	sbbb	$0x69, %al
	das
	orb	$0x20, %al			/* lower case, as leapboot's other lines */
	decl	%edi
	jnz	put
	xchgl	%ecx, %ebx			/* the next field's value */
put:
	movb	%al, %ah
2:	inb	%dx, %al
	testb	$LSR_THRE, %al
	jz	2b
	movb	%ah, %al
	subw	$UART_LSR, %dx
	outb	%al, %dx
	addw	$UART_LSR, %dx
	jmp	next
done:
	movw	$DEBUG_EXIT_PORT, %dx
	movb	$DEBUG_EXIT_FAILURE, %al
	outb	%al, %dx
3:	cli
	hlt
	jmp	3b

/* Templates: bytes 1..FIELD_WORD are hex fields; each starts a line of its own, as the kernel
 * may have left one half written. They double as idt32's gates 0-10: every byte is below
 * 0x80, so no 8 of them make a present gate. */
messages:
msg_bios:
	.ascii	"\r\nleapboot: error: the kernel called BIOS interrupt 0x"
	.byte	FIELD_BYTE
	.ascii	" (AH=0x"
	.byte	FIELD_BYTE
	.asciz	"); leapboot provides no BIOS services\r\n"
msg_exception:
	.ascii	"\r\nleapboot: error: the kernel raised CPU exception 0x"
	.byte	FIELD_BYTE
	.ascii	" at 0x"
	.byte	FIELD_WORD
	.asciz	" before it set up an IDT\r\n"
	.if	. - messages < 11 * 8
	.error	"bios_trap: the messages are shorter than idt32's gates 0-10"
	.endif
	.balign	8, 0
idt32	= . - 11 * 8
	.macro	gate32 handler
	.word	\handler - TRAP_HIGH, SEL_LINUX_CS
	.byte	0, IDT_GATE32
	.word	TRAP_HIGH >> 16
	.endm
	gate32	trap32_np			/* 11 */
	.quad	0				/* 12 */
	gate32	trap32_gp			/* 13 */
idt32_end:
