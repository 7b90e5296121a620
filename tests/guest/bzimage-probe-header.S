/*
 * bzimage-probe-header.S: the probe's setup part, i.e. what makes the file a bzImage: a 1 KiB
 * real-mode part (setup_sects = 1) with the setup header at 0x1F1, protocol 2.15.  The setup code
 * itself is never run (the probe is for 64-bit-protocol loaders), so the part is only the header.
 *
 * The header is emitted twice from one macro: into the file (.setup) and into the loaded image
 * (.rodata), where the probe compares boot_params.hdr with it (setup_header_in_file).
 * Sizes and addresses come from bzimage-probe.lds (__syssize, __init_size, IMAGE_LOAD); the self-test shim reuses it with its own.
 */
#define LOADED_HIGH		0x01
#define XLF_KERNEL_64		0x01
#define XLF_CAN_BE_LOADED_ABOVE_4G 0x02

	.macro setup_header
	.byte	1			/* 0x1F1 setup_sects: 1 + 1 sectors before the 32/64-bit part */
	.word	0			/* 0x1F2 root_flags */
	.long	__syssize		/* 0x1F4 syssize: 32/64-bit part in 16-byte units */
	.word	0			/* 0x1F8 ram_size (obsolete) */
	.word	0xffff			/* 0x1FA vid_mode: normal */
	.word	0			/* 0x1FC root_dev */
	.word	0xaa55			/* 0x1FE boot_flag */
	.byte	0xeb, 0x6a		/* 0x200 jump over the header, to 0x26C: its end */
	.ascii	"HdrS"			/* 0x202 header */
	.word	0x020f			/* 0x206 version 2.15 */
	.long	0			/* 0x208 realmode_swtch */
	.word	0			/* 0x20C start_sys_seg (obsolete) */
	.word	kernel_version_string - setup_start - 0x200 /* 0x20E kernel_version */
	.byte	0			/* 0x210 type_of_loader: the loader writes it */
	.byte	LOADED_HIGH		/* 0x211 loadflags */
	.word	0			/* 0x212 setup_move_size */
	.long	IMAGE_LOAD		/* 0x214 code32_start */
	.long	0, 0			/* 0x218 ramdisk_image, ramdisk_size: the loader's */
	.long	0			/* 0x220 bootsect_kludge */
	.word	0			/* 0x224 heap_end_ptr */
	.byte	0, 0			/* 0x226 ext_loader_ver, ext_loader_type */
	.long	0			/* 0x228 cmd_line_ptr: the loader's */
	.long	0x7fffffff		/* 0x22C initrd_addr_max (as Linux) */
	.long	0x200000		/* 0x230 kernel_alignment */
	.byte	0			/* 0x234 relocatable_kernel: no, it runs where it is linked */
	.byte	21			/* 0x235 min_alignment: log2 of 2 MiB */
	.word	XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G /* 0x236 xloadflags */
	.long	2047			/* 0x238 cmdline_size: as Linux, COMMAND_LINE_SIZE - 1 */
	.long	0			/* 0x23C hardware_subarch: PC */
	.quad	0			/* 0x240 hardware_subarch_data */
	.long	0, 0			/* 0x248 payload_offset, payload_length: nothing compressed */
	.quad	0			/* 0x250 setup_data: the loader's */
	.quad	IMAGE_LOAD		/* 0x258 pref_address */
	.long	__init_size		/* 0x260 init_size */
	.long	0			/* 0x264 handover_offset: no EFI */
	.long	0			/* 0x268 kernel_info_offset */
	.endm

	.section .setup, "a", @progbits
setup_start:
	.fill	0x1f1, 1, 0
	setup_header
kernel_version_string:
	.asciz	"bzimage-probe"
	.fill	0x400 - (. - setup_start), 1, 0

	.section .rodata.header, "a", @progbits
	.globl	setup_header_in_file
setup_header_in_file:
	setup_header
	.globl	setup_header_in_file_end
setup_header_in_file_end:

	.section .note.GNU-stack, "", @progbits
