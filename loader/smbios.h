/* SMBIOS entry points (2.1 "_SM_" and 3.0 "_SM3_") as QEMU provides them in
 * etc/smbios/smbios-anchor: checked, linked to the tables, checksummed. */
#ifndef LEAPBOOT_SMBIOS_H
#define LEAPBOOT_SMBIOS_H

#include <stdint.h>
#include "status.h"

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

/* Checks the entry point (len bytes) against the tables' size. */
status_t smbios_check(const uint8_t *entry, uint32_t len, uint32_t tables_size);

/* Points the entry point at the tables and recomputes its checksums. */
void smbios_link(uint8_t *entry, uint64_t tables_addr);

#endif
