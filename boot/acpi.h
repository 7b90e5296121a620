/* The interpreter of QEMU's etc/table-loader script: ALLOCATE, ADD_POINTER,
 * ADD_CHECKSUM, WRITE_POINTER, every command validated before it writes. */
#ifndef LEAPBOOT_ACPI_H
#define LEAPBOOT_ACPI_H

#include <stdbool.h>
#include <stdint.h>
#include "status.h"

#define LOADER_FILESZ 56

enum loader_command {
	LOADER_ALLOCATE = 1,
	LOADER_ADD_POINTER = 2,
	LOADER_ADD_CHECKSUM = 3,
	LOADER_WRITE_POINTER = 4,
};

enum loader_zone {
	LOADER_ZONE_HIGH = 1,
	LOADER_ZONE_FSEG = 2,
};

/* One 128-byte command as QEMU writes it (hw/acpi/bios-linker-loader.c), all
 * integers little-endian. */
struct loader_entry {
	uint32_t command;
	union {
		struct {
			char file[LOADER_FILESZ];
			uint32_t align;
			uint8_t zone;
		} __attribute__((packed)) alloc;
		struct {
			char dest_file[LOADER_FILESZ];
			char src_file[LOADER_FILESZ];
			uint32_t offset;
			uint8_t size;
		} __attribute__((packed)) pointer;
		struct {
			char file[LOADER_FILESZ];
			uint32_t offset;
			uint32_t start;
			uint32_t length;
		} __attribute__((packed)) cksum;
		struct {
			char dest_file[LOADER_FILESZ];
			char src_file[LOADER_FILESZ];
			uint32_t dst_offset;
			uint32_t src_offset;
			uint8_t size;
		} __attribute__((packed)) wr_pointer;
		uint8_t pad[124];
	};
} __attribute__((packed));
_Static_assert(sizeof(struct loader_entry) == 128, "table-loader entry");
_Static_assert(__builtin_offsetof(struct loader_entry, alloc.align) == 60, "alloc.align");
_Static_assert(__builtin_offsetof(struct loader_entry, alloc.zone) == 64, "alloc.zone");
_Static_assert(__builtin_offsetof(struct loader_entry, pointer.src_file) == 60, "src_file");
_Static_assert(__builtin_offsetof(struct loader_entry, pointer.offset) == 116, "ptr.offset");
_Static_assert(__builtin_offsetof(struct loader_entry, pointer.size) == 120, "ptr.size");
_Static_assert(__builtin_offsetof(struct loader_entry, cksum.offset) == 60, "cksum.offset");
_Static_assert(__builtin_offsetof(struct loader_entry, cksum.start) == 64, "cksum.start");
_Static_assert(__builtin_offsetof(struct loader_entry, cksum.length) == 68, "cksum.length");
_Static_assert(__builtin_offsetof(struct loader_entry, wr_pointer.dst_offset) == 116, "dst_off");
_Static_assert(__builtin_offsetof(struct loader_entry, wr_pointer.src_offset) == 120, "src_off");
_Static_assert(__builtin_offsetof(struct loader_entry, wr_pointer.size) == 124, "wr.size");

/* An allocated blob: where the guest sees it (addr) and where leapboot writes it
 * (mem; the same address in the firmware, a host buffer in the unit tests). */
struct acpi_blob {
	char name[LOADER_FILESZ]; /* NUL-padded */
	uint32_t name_len;	  /* without the NUL */
	/* The name's first 16 bytes as words, and masks of the bytes up to its
	 * NUL: a command names this blob if its field, masked, equals them. */
	uint64_t head[2], head_mask[2];
	uint64_t addr;
	uint8_t *mem;
	uint32_t size;
	uint8_t zone;
};

/* What the interpreter needs from the outside world. */
struct acpi_loader_ops {
	/* A fw_cfg file by name (len bytes, NUL-terminated): its size and a handle
	 * for the calls below; false if there is none. */
	bool (*find_file)(void *ctx, const char *name, uint32_t len, uint32_t *size,
			  uint32_t *file);
	/* Places size bytes (the file's size) aligned to align in zone and fills
	 * them with the file. */
	status_t (*allocate)(void *ctx, uint32_t file, uint32_t size, uint32_t align, uint8_t zone,
			     uint64_t *addr, uint8_t **mem);
	/* Writes len bytes into a fw_cfg file at offset (DMA write). */
	status_t (*write_file)(void *ctx, uint32_t file, uint32_t offset, const void *data,
			       uint32_t len);
};

#define ACPI_MAX_BLOBS 16

struct acpi_loader {
	uint32_t nblobs;
	struct acpi_blob blob[ACPI_MAX_BLOBS];
};

/* Runs the script (len bytes). On error nothing outside the allocated blobs has
 * been written; the caller stops the boot (one "leapboot: error: acpi:" line). */
status_t acpi_run_loader(struct acpi_loader *l, const void *script, uint32_t len,
			 const struct acpi_loader_ops *ops, void *ctx);

/* The blob holding the RSDP ("RSD PTR " at its start), or 0. */
const struct acpi_blob *acpi_find_rsdp(const struct acpi_loader *l);

#endif
