/* Sizes every form agrees on. */
#ifndef LEAPBOOT_BUFFER_SIZES_H
#define LEAPBOOT_BUFFER_SIZES_H

/* fw_cfg directory entries leapboot reads (QEMU has about 20). */
#define FW_CFG_DIR_MAX 128
/* The command-line buffer, its NUL included: above every kernel's limit. */
#define CMDLINE_CAP 4096
/* What is read of a kernel to tell its format: the MZ and PE headers, a setup
 * header, or an ELF header with its program headers. */
#define KERNEL_HEAD_BYTES 4096
/* An arm64 Image's header, which says where the Image goes. */
#define ARM64_HEAD_BYTES 64

#endif
