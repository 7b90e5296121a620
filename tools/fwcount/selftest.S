/*
 * selftest.S - a 64 KiB "firmware" with known answers for fwcount.
 *
 * Real-mode code at F000:0000 (the reset vector jumps here); it ends at the
 * global label `stop`, linear 0xF0000 + offset (printed by `make check`).
 * Run on q35 with its default VGA, so that A000:0000 is MMIO (vga-lowmem).
 * After `stop` it writes 0 to port 0x501, which ends QEMU when an
 * isa-debug-exit device is there (selftest.sh's exit=off run), else halts.
 *
 * Expected, counted up to (excluding) `stop` (instance / iteration counts):
 *   instruction instances (arch_insns)             44  (incl. the reset ljmp)
 *   one-per-iteration count (insns - tcg_rep_extra): 44 - 6 REP instances
 *       + (5 + 1 + 3 + 4 + 4 + 2) passes            = 57
 *       (the REP with ECX=0 is one pass; REPE CMPSB ends on a mismatch)
 *   QEMU 7.2 also adds a trailing ECX=0 pass to the 4 REP loops that ran
 *   down to ECX=0, so there insns = 52 and tcg_rep_extra = 4.
 *   pio_in  = 1 (in imm) + 1 (in dx) + 3 (rep insb) + 1 (insb)  = 6
 *   pio_out = 5 (rep outsb) + 1 (out imm) + 2 (rep outsw)        = 8
 *   mmio_r  = 1, mmio_w = 1 (VGA window at 0xA0000)
 *   msr_r   = 2, msr_w = 2 (EFER and IA32_MTRR_DEF_TYPE, rewritten unchanged)
 *   cpuid   = 1
 *   code    = 44: every instruction runs once, so the distinct ones are the
 *             instances
 */
	.code16
	.text
	.globl _start
_start:
	cli
	mov	$0xf000, %ax
	mov	%ax, %ds
	mov	$msg, %si
	mov	$0x80, %dx
	mov	$5, %cx
	rep outsb			/* 5 iterations, 5 port writes */
	out	%al, $0x80		/* 1 port write */
	in	$0x80, %al		/* 1 port read */
	in	%dx, %al		/* 1 port read */
	xor	%cx, %cx
	rep outsb			/* ECX = 0: 1 pass, no port access */
	mov	$0x2000, %ax
	mov	%ax, %es
	xor	%di, %di
	mov	$3, %cx
	rep insb			/* 3 iterations, 3 port reads */
	insb				/* 1 port read */
	mov	$4, %cx
	xor	%si, %si
	rep movsb			/* 4 iterations, no I/O */
	push	%ds
	pop	%es
	mov	$s1, %si
	mov	$s2, %di
	mov	$10, %cx
	repe cmpsb			/* stops at the 4th byte: 4 iterations */
	mov	$msg, %si
	mov	$2, %cx
	rep outsw			/* 2 iterations, 2 port writes */
	mov	$0xa000, %ax
	mov	%ax, %es
	mov	%es:0, %al		/* 1 MMIO read */
	movb	%al, %es:1		/* 1 MMIO write */
	mov	$0xc0000080, %ecx	/* EFER */
	rdmsr				/* 1 MSR read */
	wrmsr				/* 1 MSR write */
	mov	$0x2ff, %ecx		/* IA32_MTRR_DEF_TYPE */
	data32 rdmsr			/* 1 MSR read, behind a prefix to skip */
	wrmsr				/* 1 MSR write */
	rdtsc				/* 0F 31, between WRMSR and RDMSR: neither */
	xor	%eax, %eax
	cpuid				/* 1 CPUID */
	.globl	stop
stop:
	nop
	.globl	after			/* a later stop for the match= checks */
after:
	mov	$0x501, %dx
	xor	%ax, %ax
	out	%ax, %dx		/* -device isa-debug-exit: QEMU exits, status 1 */
halt:
	hlt
	jmp	halt

msg:	.ascii	"hello"
s1:	.ascii	"abcX"
s2:	.ascii	"abcY"

	. = 0xfff0
reset:
	ljmp	$0xf000, $_start
	. = 0x10000
