/*
 * multiboot-probe-header.S: the Multiboot (0.6.96) header of the multiboot probe, in one of its
 * two forms.
 *
 * Default: the ELF form, flags 0x00000003 (bit 0: modules page-aligned, bit 1: memory
 * information wanted); the loader places the probe by its ELF program headers.
 * With -DMB_AOUT: the a.out kludge, flags 0x00010003 (bit 16: the address fields below are
 * valid and are what the loader must use).  The Makefile wraps that build into a flat binary:
 * 32 bytes that must not be loaded (an a.out-style file header), the image
 * [load_addr, load_end_addr), then a trailer that must not be loaded either; the loader finds
 * the image's file offset from header_addr - load_addr, zeroes up to bss_end_addr and enters
 * at entry_addr.
 *
 * The header opens .text: it must lie 4-byte aligned in the file's first 8 KiB.
 */
#define MB_HEADER_MAGIC	 0x1badb002
#define MB_PAGE_ALIGN	 (1 << 0)
#define MB_MEMORY_INFO	 (1 << 1)
#define MB_AOUT_KLUDGE	 (1 << 16)

#ifdef MB_AOUT
#define MB_FLAGS (MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_AOUT_KLUDGE)
#else
#define MB_FLAGS (MB_PAGE_ALIGN | MB_MEMORY_INFO)
#endif

	.section .text.header, "ax", @progbits
	.balign 4
	.globl mb_header
mb_header:
	.long MB_HEADER_MAGIC
	.long MB_FLAGS
	.long -(MB_HEADER_MAGIC + MB_FLAGS)	/* checksum: the three sum to 0 */
#ifdef MB_AOUT
	.long mb_header				/* header_addr */
	.long __image_start			/* load_addr */
	.long __load_end			/* load_end_addr: the end of .data */
	.long __image_end			/* bss_end_addr: bss and the stack */
	.long mb_entry				/* entry_addr */
#endif
	.globl mb_header_end
mb_header_end:

	.section .note.GNU-stack, "", @progbits
