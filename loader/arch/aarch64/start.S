/*
 * arm64 entry: from QEMU's reset (the -bios form, at 0 in flash, x0 = 0) or as a
 * kernel (the Image form, x0 = DTB). Drop from EL2 to EL1 (leaving the EL2 stub
 * that returns the kernel to EL2, see el2_stub.S), stack, FP/SIMD, vectors,
 * .data/.bss, then the MMU with caches (zlib and libfdt make unaligned accesses,
 * which fault with the MMU off), then the CPU's SHA instructions.
 */
#define IMAGE_TEXT_OFFSET 0x80000	/* keep in step with leapboot-image.lds */
#define SCTLR_M		(1 << 0)
#define SCTLR_C		(1 << 2)
#define SCTLR_I		(1 << 12)
#define HCR_RW		(1 << 31)
#define SPSR_EL1H_DAIF	0x3c5
#define CPACR_FPEN	(3 << 20)
/* Level-1 blocks of 1 GiB: attribute index 0 = device, 1 = normal write-back. */
#define BLOCK		0x1
#define AF		(1 << 10)
#define SH_INNER	(3 << 8)
#define ATTR_NORMAL	(1 << 2)
#define MAIR_VALUE	0xff00			/* attr0 device-nGnRnE, attr1 normal WB */
/* T0SZ 25 (39-bit VA, lookup from level 1), WB-WA inner/outer, inner shareable,
 * 4 KiB granule, no TTBR1 walks, 40-bit PA. */
#define TCR_VALUE	(25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | (2 << 32))

	.section .text.start, "ax"
	.globl	_start
_start:
	mov	x19, x0
	mrs	x20, CurrentEL
	lsr	x20, x20, #2
	cmp	x20, #2
	b.ne	el1
	ldr	x1, =el2_stub_vectors
	msr	vbar_el2, x1
	mov	x1, #HCR_RW
	msr	hcr_el2, x1
	mov	x1, #SPSR_EL1H_DAIF
	msr	spsr_el2, x1
	adr	x1, el1
	msr	elr_el2, x1
	eret
el1:
	ldr	x1, =__stack_top
	mov	sp, x1
	mov	x1, #CPACR_FPEN
	msr	cpacr_el1, x1
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	ldr	x1, =__data_load
	ldr	x2, =__data_start
	ldr	x3, =__data_end
1:	cmp	x2, x3
	b.hs	2f
	ldr	x4, [x1], #8
	str	x4, [x2], #8
	b	1b
2:	ldr	x2, =__bss_start
	ldr	x3, =__bss_end
3:	cmp	x2, x3
	b.hs	4f
	str	xzr, [x2], #8
	b	3b
4:	ldr	x2, =arch_boot_el
	str	w20, [x2]
	/* Identity map of the first 512 GiB: the first GiB (flash, MMIO) as
	 * device memory, the rest (RAM from 1 GiB on virt) normal cacheable. */
	ldr	x2, =l1_table
	mov	x3, #(BLOCK | AF)
	str	x3, [x2], #8
	mov	x4, #1
	mov	x5, #(BLOCK | AF | SH_INNER | ATTR_NORMAL)
5:	orr	x3, x5, x4, lsl #30
	str	x3, [x2], #8
	add	x4, x4, #1
	cmp	x4, #512
	b.lo	5b
	ldr	x1, =MAIR_VALUE
	msr	mair_el1, x1
	ldr	x1, =TCR_VALUE
	msr	tcr_el1, x1
	ldr	x1, =l1_table
	msr	ttbr0_el1, x1
	dsb	sy
	tlbi	vmalle1
	dsb	sy
	isb
	mrs	x1, sctlr_el1
	orr	x1, x1, #SCTLR_M
	orr	x1, x1, #SCTLR_C
	orr	x1, x1, #SCTLR_I
	msr	sctlr_el1, x1
	isb
	/* Which SHA instructions the CPU has, for the SHA code (boot/sha_cpu.c),
	 * once and before anything hashes: FP/SIMD is on, so it may use them. */
	mrs	x0, id_aa64isar0_el1
	bl	sha_cpu_armv8
	ldr	x1, =sha_cpu
	str	w0, [x1]
	mov	x0, x19
	bl	leapboot_main
6:	wfi
	b	6b

	.section .noinit, "aw", @nobits
	.balign	4096
l1_table:
	.skip	4096
	.balign	16
	.skip	32768
	.globl	__stack_top
__stack_top:

/*
 * The Image form (leapboot.Image, for -kernel): an arm64 Image header in front,
 * so that QEMU or another loader starts leapboot like a Linux kernel (x0 = DTB).
 * Only its linker script keeps this section.
 */
	.section .text.image_header, "ax"
	.globl	image_header
image_header:
	b	_start			/* code0 */
	.long	0			/* code1 */
	.quad	IMAGE_TEXT_OFFSET	/* text_offset */
	.quad	__image_size		/* image_size, bss and stack included */
	.quad	0x2			/* flags: little-endian, 4 KiB pages, near RAM start */
	.quad	0, 0, 0			/* res2-4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* no PE header */
