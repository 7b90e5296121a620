/* QEMU fw_cfg client: probe, file directory, DMA and data-register transfers through a transport's
 * ops (loader/arch/x86_64/fw_cfg_ports.c, loader/fw_cfg_mmio.c; tests/unit/fake_fw_cfg.c). */
#ifndef LEAPBOOT_FW_CFG_H
#define LEAPBOOT_FW_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "phys.h"
#include "status.h"

enum fw_cfg_key {
	FW_CFG_SIGNATURE = 0x00,
	FW_CFG_ID = 0x01,
	FW_CFG_NB_CPUS = 0x05,
	FW_CFG_KERNEL_SIZE = 0x08,
	FW_CFG_INITRD_SIZE = 0x0b,
	FW_CFG_KERNEL_DATA = 0x11,
	FW_CFG_INITRD_DATA = 0x12,
	FW_CFG_CMDLINE_SIZE = 0x14,
	FW_CFG_CMDLINE_DATA = 0x15,
	FW_CFG_SETUP_SIZE = 0x17,
	FW_CFG_SETUP_DATA = 0x18,
	FW_CFG_FILE_DIR = 0x19,
};

#define FW_CFG_ID_TRADITIONAL 0x1u
#define FW_CFG_ID_DMA	      0x2u

/* One directory entry as the device sends it (size and select big-endian). */
struct fw_cfg_file {
	uint32_t size_be;
	uint16_t select_be;
	uint16_t reserved;
	char name[56];
} __attribute__((packed));
_Static_assert(sizeof(struct fw_cfg_file) == 64, "fw_cfg file entry");

/* DMA descriptor; all fields big-endian. */
struct fw_cfg_dma_access {
	uint32_t control_be;
	uint32_t length_be;
	uint64_t address_be;
} __attribute__((packed));
_Static_assert(sizeof(struct fw_cfg_dma_access) == 16, "fw_cfg DMA descriptor");
_Static_assert(__builtin_offsetof(struct fw_cfg_dma_access, length_be) == 4, "length");
_Static_assert(__builtin_offsetof(struct fw_cfg_dma_access, address_be) == 8, "address");

#define FW_CFG_DMA_ERROR  0x01u
#define FW_CFG_DMA_READ	  0x02u
#define FW_CFG_DMA_SKIP	  0x04u
#define FW_CFG_DMA_SELECT 0x08u
#define FW_CFG_DMA_WRITE  0x10u

/* The transport: x86 ports, arm MMIO, or the unit tests' fake. */
struct fw_cfg_ops {
	/* Optional: true if the DMA register answers with its signature ("QEMU CFG"),
	 * which says in one access that fw_cfg is there and has DMA. */
	bool (*dma_present)(void *ctx);
	void (*select)(void *ctx, uint16_t key);
	void (*read)(void *ctx, void *dst, uint32_t len);
	/* Start the DMA transfer described at physical address desc; QEMU completes it
	 * before the register write returns. */
	void (*dma)(void *ctx, uint64_t desc);
};

/* An item or file: its selector key and size (0: absent). */
struct fw_cfg_blob {
	uint16_t key;
	uint32_t size;
};

/* The files leapboot itself reads, found in the pass that reads the directory
 * (one walk over it instead of one per name). X(id, name, at, arg): byte at of
 * the name tells it apart from the other names with the same byte 4's low
 * nibble (4 if none has it), as the lookup in boot/fw_cfg.c hashes them; arg is
 * the caller's, passed through. */
#define FW_CFG_KNOWN_LIST(X, arg)                                                                  \
	X(E820, "etc/e820", 4, arg)                                                                \
	X(TABLE_LOADER, "etc/table-loader", 5, arg)                                                \
	X(SMBIOS_ANCHOR, "etc/smbios/smbios-anchor", 18, arg)                                      \
	X(SMBIOS_TABLES, "etc/smbios/smbios-tables", 18, arg)                                      \
	X(BOOT_KERNEL, "etc/boot/kernel", 4, arg)                                                  \
	X(LEAPBOOT_KERNEL, "opt/leapboot/kernel", 13, arg)                                         \
	X(LEAPBOOT_INITRD, "opt/leapboot/initrd", 13, arg)                                         \
	X(LEAPBOOT_CMDLINE, "opt/leapboot/cmdline", 13, arg)                                       \
	X(LEAPBOOT_MARKERS, "opt/leapboot/markers", 13, arg)                                       \
	X(LEAPBOOT_VERBOSE, "opt/leapboot/verbose", 13, arg)                                       \
	X(ACPI_TABLES, "etc/acpi/tables", 9, arg) /* which the table-loader names */               \
	X(ACPI_RSDP, "etc/acpi/rsdp", 9, arg)                                                      \
	X(TPM_LOG, "etc/tpm/log", 5, arg) /* the TPM log area: empty without a TPM */

#define FW_CFG_KNOWN_ENUM(id, name, at, arg) FW_CFG_##id,
enum fw_cfg_known_file { FW_CFG_KNOWN_LIST(FW_CFG_KNOWN_ENUM, ) FW_CFG_KNOWN_FILES };
#undef FW_CFG_KNOWN_ENUM

struct fw_cfg {
	const struct fw_cfg_ops *ops;
	void *ctx;
	bool dma;
	uint32_t nfiles;
	struct fw_cfg_file *files;
	struct fw_cfg_blob known[FW_CFG_KNOWN_FILES]; /* key 0: absent */
};

/* Checks the signature and feature bits, reads the file directory into dir
 * and finds the known files in it. dir[0] holds the directory's count, so the
 * entries start at dir[1] (fc->files): room for dir_max - 1 files (dir_max >= 1). */
status_t fw_cfg_probe(struct fw_cfg *fc, const struct fw_cfg_ops *ops, void *ctx,
		      struct fw_cfg_file *dir, uint32_t dir_max);

/* Looks a file up by name (len bytes, without the NUL); false if it is absent. */
bool fw_cfg_find_len(const struct fw_cfg *fc, const char *name, size_t len, uint16_t *key,
		     uint32_t *size);

/* Reads len bytes from offset of item key straight to physical address dst. */
status_t fw_cfg_read(struct fw_cfg *fc, uint16_t key, uint32_t offset, uint64_t dst, uint32_t len);

/* Reads a little-endian 32-bit numeric item (sizes QEMU provides), straight into
 * *value, which must be leapboot's memory (fw_cfg numeric items are little-endian,
 * like x86 and arm64; a shorter item reads as zeros past its end). */
static inline status_t fw_cfg_read_u32(struct fw_cfg *fc, uint16_t key, uint32_t *value)
{
	return fw_cfg_read(fc, key, 0, phys(value), sizeof(*value));
}

/* The same for the items keys[0..n) into values[0..n), one request each: one
 * loop of its own, the least code to translate for several. */
status_t fw_cfg_read_u32s(struct fw_cfg *fc, const uint16_t *keys, uint32_t *values, uint32_t n);

/* A file named in a 56-byte field (len bytes and a NUL), as table-loader
 * commands name them: a known name is answered from the directory pass. */
bool fw_cfg_find_field(const struct fw_cfg *fc, const char name[56], size_t len, uint16_t *key,
		       uint32_t *size);

/* A known file (key 0 and size 0 when it is absent). */
static inline struct fw_cfg_blob fw_cfg_known(const struct fw_cfg *fc, enum fw_cfg_known_file f)
{
	return fc->known[f];
}

/* QEMU has a TPM: on pc and q35 (and arm virt) etc/tpm/log always exists, with
 * the log area's size only when a TPM is attached. */
static inline bool fw_cfg_has_tpm(const struct fw_cfg *fc)
{
	return fc->known[FW_CFG_TPM_LOG].size != 0;
}

static inline bool fw_cfg_has(const struct fw_cfg *fc, enum fw_cfg_known_file f)
{
	return fc->known[f].key != 0;
}

/* Writes len bytes from physical address src into item key at offset (DMA only). */
status_t fw_cfg_write(struct fw_cfg *fc, uint16_t key, uint32_t offset, uint64_t src, uint32_t len);

#endif
