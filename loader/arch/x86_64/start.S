/*
 * From the reset vector to C: real mode only long enough to load a GDT, then
 * 32-bit protected mode to switch on the prebuilt page tables, then long mode.
 *
 * The ROM is 128 KiB ending at 4 GiB. This file is linked at its physical address
 * (it runs before paging); the C code is linked at the ROM's alias in the top
 * 2 GiB of the address space (-mcmodel=kernel), which the page tables map onto
 * the same physical ROM.
 */
#define CR0_PE		0x00000001
#define CR0_MP		0x00000002
#define CR0_EM		0x00000004
#define CR0_ET		0x00000010
#define CR0_NW		0x20000000
#define CR0_CD		0x40000000
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define CR4_OSFXSR	0x00000200
#define CR4_OSXMMEXCPT	0x00000400
#define MSR_EFER	0xC0000080
#define EFER_LME	0x00000100
/* Present, writable, accessed (and dirty, 2 MiB page) preset, so the CPU never
 * writes the tables back while walking them. */
#define PTE_TABLE	0x23
#define PTE_2M		0xE3
/* CS's base from reset until the far jump (whatever the ROM's size). */
#define RESET_CS_BASE	0xFFFF0000
#define ROM_2M_PAGE	0xFFE00000

#define SEL_CODE32	0x08
#define SEL_CODE64	0x10
#define SEL_DATA	0x18

	/* Firmware form only: the ELF form's linker script drops this section. */
	.section .text.start16, "ax"
	.code16
start16:
	cli
	cld
	xorl	%ebx, %ebx		/* no PVH start_info: the firmware form */
	lgdtl	%cs:(gdt_desc - RESET_CS_BASE)
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$SEL_CODE32, $start32

	.section .text.low, "ax"
	.code32
	.globl	start32
start32:		/* %ebx: PVH start_info, or 0; preserved to the C entry */
	/* The segments the copies below and the stack use. Not %fs and %gs:
	 * nothing uses them, and each load ends a TCG translation block. */
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss

	/* .data: ROM → RAM (nothing to copy in the ELF form). */
	movl	$__data_load, %esi
	movl	$__data_start, %edi
	movl	$__data_dwords, %ecx
	rep movsl
	/* .bss: zero (small by design; big buffers live in .noinit). */
	movl	$__bss_start, %edi
	movl	$__bss_dwords, %ecx
	xorl	%eax, %eax
	rep stosl

	/* Long mode on the prebuilt page tables (below). */
	movl	$(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl	%eax, %cr4
	movl	$pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	/* Paging on, caches on (the CPU resets with CD and NW set), FPU/SSE
	 * usable. */
	movl	$(CR0_PE | CR0_MP | CR0_ET | CR0_PG), %eax
	movl	%eax, %cr0
	ljmpl	$SEL_CODE64, $start64

	.code64
start64:
	movl	$__stack_top, %esp
	xorl	%ebp, %ebp
	movl	%ebx, %edi		/* leapboot_main(start_info) */
	movabsq	$leapboot_main, %rax
	call	*%rax
3:	cli
	hlt
	jmp	3b

	.balign 8
	.globl	gdt
gdt:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: 32-bit code, flat */
	.quad	0x00af9b000000ffff	/* 0x10: 64-bit code */
	.quad	0x00cf93000000ffff	/* 0x18: data, flat */
gdt_end:
	.globl	gdt_desc
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

	.section .reset, "ax"
	.code16
	.globl	reset_vector
reset_vector:
	jmp	start16
	.balign	16, 0xf4

	/* The page tables, prebuilt: one PD of 2 MiB pages identity-maps 0 –
	 * 1 GiB-2 MiB (all leapboot and the kernel's entry need); its last entry
	 * maps the ROM's 2 MiB page at the top-2 GiB alias (PML4[511], PDPT[511]).
	 * That alias also maps 0xFFFFFFFFC0000000 + x to x: where the ELF form's
	 * code runs. A second PD identity-maps the last GiB below 4 GiB (PDPT[3]):
	 * the ROM at its physical address, and the devices there (a TPM at
	 * 0xFED40000), which MTRRs make uncached.
	 * In the firmware form they are ROM: no instruction builds them, and the
	 * preset accessed/dirty bits mean the CPU never writes them. */
	.section .pagetables, "a"
	.balign	4096
pml4:	.quad	pdpt + PTE_TABLE
	.fill	510, 8, 0
	.quad	pdpt + PTE_TABLE
pdpt:	.quad	pd + PTE_TABLE
	.fill	2, 8, 0
	.quad	pd_high + PTE_TABLE
	.fill	507, 8, 0
	.quad	pd + PTE_TABLE
pd:	.set	page, 0
	.rept	511
	.quad	page * 0x200000 + PTE_2M
	.set	page, page + 1
	.endr
	.quad	ROM_2M_PAGE + PTE_2M
pd_high: .set	page, 0x600
	.rept	512
	.quad	page * 0x200000 + PTE_2M
	.set	page, page + 1
	.endr

	.section .noinit, "aw", @nobits
	.globl	__stack_bottom
	.balign	16
__stack_bottom:
	.skip	32768
__stack_top:
