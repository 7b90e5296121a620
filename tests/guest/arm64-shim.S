/*
 * arm64-shim.S: test-only arm64 Image for arm64-probe-selftest.  Booted by QEMU's own loader
 * (-kernel), it spoils one entry condition and then jumps to the arm64 probe, which is loaded
 * beside it with -device loader,file=arm64-probe.Image,addr=PROBE_ADDR,force-raw=on.  The probe
 * must then name exactly the spoilt check.  Built once per case with -DSPOIL_<case>:
 *
 *   none       nothing spoilt (the probe must PASS)
 *   x0zero     x0 = 0 (no DTB)                        -> x0
 *   x1/x2/x3   x1/x2/x3 = 1                           -> x1/x2/x3
 *   daif       D, A, I, F unmasked                    -> daif
 *   dcache     SCTLR_EL1.C set (MMU still off)        -> dcache
 *   misplaced  probe entered at a 4 KiB- but not 2 MiB-aligned address (PROBE_ADDR + 64 KiB,
 *              where the self-test loads it for this case)          -> image
 *
 * Everything else (x0..x3, SP, EL, the other SCTLR bits) reaches the probe as QEMU set it.
 */
#define PROBE_ADDR 0x40400000
#define PROBE_MISPLACED (PROBE_ADDR + 0x10000)

	.text
	.globl _start
_start:
	b	1f
	.long	0
	.quad	0		/* text_offset */
	.quad	0x10000		/* image_size */
	.quad	0xa		/* LE, 4 KiB pages, anywhere */
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0
1:
#if defined(SPOIL_x0zero)
	mov	x0, #0
#elif defined(SPOIL_x1)
	mov	x1, #1
#elif defined(SPOIL_x2)
	mov	x2, #1
#elif defined(SPOIL_x3)
	mov	x3, #1
#elif defined(SPOIL_daif)
	msr	daifclr, #0xf
#elif defined(SPOIL_dcache)
	mrs	x9, sctlr_el1
	orr	x9, x9, #(1 << 2)
	msr	sctlr_el1, x9
	isb
#elif defined(SPOIL_misplaced) || defined(SPOIL_none)
#else
#error "no SPOIL_<case> defined"
#endif
#if defined(SPOIL_misplaced)
	ldr	x16, =PROBE_MISPLACED
#else
	ldr	x16, =PROBE_ADDR
#endif
	br	x16
	.ltorg

	.section .note.GNU-stack, "", @progbits
