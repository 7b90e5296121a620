/* SMBIOS: the entry points (2.1 "_SM_" and 3.0 "_SM3_") as QEMU provides them in
 * etc/smbios/smbios-anchor, checked, linked to the tables and checksummed; a walk
 * of the structure table; and the BIOS information (type 0) only firmware can
 * give, which QEMU leaves to it. */
#ifndef LEAPBOOT_SMBIOS_H
#define LEAPBOOT_SMBIOS_H

#include <stdbool.h>
#include <stdint.h>
#include "status.h"
#include "version.h"

struct smbios21_entry {
	char anchor[4]; /* "_SM_" */
	uint8_t checksum;
	uint8_t length; /* 0x1F */
	uint8_t major, minor;
	uint16_t max_structure_size;
	uint8_t revision;
	uint8_t formatted[5];
	char intermediate_anchor[5]; /* "_DMI_" */
	uint8_t intermediate_checksum;
	uint16_t table_length;
	uint32_t table_address;
	uint16_t structures;
	uint8_t bcd_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct smbios21_entry) == 0x1F, "SMBIOS 2.1 entry point");
_Static_assert(__builtin_offsetof(struct smbios21_entry, intermediate_anchor) == 0x10, "_DMI_");
_Static_assert(__builtin_offsetof(struct smbios21_entry, table_length) == 0x16, "length");
_Static_assert(__builtin_offsetof(struct smbios21_entry, table_address) == 0x18, "address");

struct smbios30_entry {
	char anchor[5]; /* "_SM3_" */
	uint8_t checksum;
	uint8_t length; /* 0x18 */
	uint8_t major, minor, docrev;
	uint8_t revision;
	uint8_t reserved;
	uint32_t table_max_size;
	uint64_t table_address;
} __attribute__((packed));
_Static_assert(sizeof(struct smbios30_entry) == 0x18, "SMBIOS 3.0 entry point");
_Static_assert(__builtin_offsetof(struct smbios30_entry, table_max_size) == 0x0C, "max");
_Static_assert(__builtin_offsetof(struct smbios30_entry, table_address) == 0x10, "address");

#define SMBIOS_ANCHOR_MAX 0x20

/* Type 0, BIOS information, in the SMBIOS 2.4 layout (read by every version). */
struct smbios_bios_header {
	uint8_t type; /* 0 */
	uint8_t length;
	uint16_t handle;
	uint8_t vendor, version; /* string numbers, from 1 */
	uint16_t start_segment;	 /* 0: no runtime BIOS image below 1 MiB */
	uint8_t release_date;
	uint8_t rom_size;	     /* 64 KiB units, minus one */
	uint64_t characteristics;    /* bit 7: PCI */
	uint8_t characteristics_ext; /* bit 0: ACPI */
	uint8_t characteristics_ext2;
	uint8_t major, minor;
	uint8_t ec_major, ec_minor; /* 0xFF: no embedded controller firmware */
} __attribute__((packed));
_Static_assert(sizeof(struct smbios_bios_header) == 0x18, "SMBIOS type 0, version 2.4");
_Static_assert(__builtin_offsetof(struct smbios_bios_header, characteristics) == 0x0A, "chars");
_Static_assert(__builtin_offsetof(struct smbios_bios_header, major) == 0x14, "release");

#define SMBIOS_BIOS_PCI	      (1ull << 7)
#define SMBIOS_BIOS_EXT_ACPI  0x01
#define SMBIOS_BIOS_EXT2_UEFI 0x08
#define SMBIOS_BIOS_EXT2_VM   0x10

/* Type 0's strings: vendor, version, release date (mm/dd/yyyy), and the NUL
 * that ends the set. */
#define SMBIOS_BIOS_STRINGS "leapboot\0" LEAPBOOT_VERSION "\0" LEAPBOOT_BIOS_DATE "\0"
#define SMBIOS_BIOS_SIZE    (sizeof(struct smbios_bios_header) + sizeof(SMBIOS_BIOS_STRINGS))

/* What type 0 says of the machine leapboot booted. */
struct smbios_bios {
	uint32_t rom_size;
	bool pci, acpi;
};

/* What a type 0 added in front of a table must know of it: the counts a 2.1
 * entry point keeps, a free handle. */
struct smbios_table_info {
	uint16_t structures; /* up to and including type 127 */
	uint16_t max_size;   /* the largest structure, strings included */
	uint16_t max_handle;
	bool has_bios; /* a type 0 */
};

/* Checks the entry point (len bytes) against the tables' size. */
status_t smbios_check(const uint8_t *entry, uint32_t len, uint32_t tables_size);

/* Walks the structures of a table area of len bytes; a structure shorter than
 * its header or whose strings run past the end is an error. */
status_t smbios_scan(const uint8_t *t, uint32_t len, struct smbios_table_info *info);

/* The value of the first OEM string (type 11) "name=value" in a table area of
 * len bytes: its offset in t and length; false if there is none. A malformed
 * structure ends the search. */
bool smbios_oem_value(const uint8_t *t, uint32_t len, const char *name, uint32_t *at, uint32_t *n);

/* The same answer for the tables QEMU gives with this (checked) entry point,
 * from their first structure where QEMU's order settles it, else by a walk. */
status_t smbios_survey(const uint8_t *entry, const uint8_t *t, uint32_t len,
		       struct smbios_table_info *info);

/* Writes type 0 (SMBIOS_BIOS_SIZE bytes) with the given handle at out and
 * counts it in info. */
void smbios_bios_build(uint8_t *out, uint16_t handle, const struct smbios_bios *b,
		       struct smbios_table_info *info);

/* A table of its own where the VMM has none: at addr, mapped at out, a 3.0
 * entry point, and SMBIOS_OWN_TABLE bytes on, the table: type 0 and the
 * end-of-table structure. */
#define SMBIOS_END_SIZE	 6
#define SMBIOS_OWN_TABLE 32 /* the entry point's 24 bytes, rounded up to 16 */
#define SMBIOS_OWN_SIZE	 (SMBIOS_OWN_TABLE + SMBIOS_BIOS_SIZE + SMBIOS_END_SIZE)
void smbios_own_build(uint8_t *out, uint64_t addr, const struct smbios_bios *b);

/* Points the entry point at the tables (tables_size bytes, as info describes
 * them) and recomputes its checksums. A 2.1 entry point has 16 bits for the
 * size: more is an error. */
status_t smbios_link(uint8_t *entry, uint64_t tables_addr, uint32_t tables_size,
		     const struct smbios_table_info *info);

#endif
