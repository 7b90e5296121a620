/* Intel MultiProcessor Specification 1.4 tables: how Linux finds the CPUs and
 * the I/O APIC when a machine has no ACPI (-machine acpi=off). */
#ifndef LEAPBOOT_MPTABLE_H
#define LEAPBOOT_MPTABLE_H

#include <stdint.h>
#include "status.h"

struct mp_floating {
	char signature[4]; /* "_MP_" */
	uint32_t config;   /* physical address of the configuration table */
	uint8_t length;	   /* in 16-byte units: 1 */
	uint8_t revision;  /* 4: MP spec 1.4 */
	uint8_t checksum;
	uint8_t feature[5]; /* feature[0] = 0: a configuration table follows */
} __attribute__((packed));
_Static_assert(sizeof(struct mp_floating) == 16, "MP floating pointer");

struct mp_config {
	char signature[4]; /* "PCMP" */
	uint16_t length;   /* header and base entries */
	uint8_t revision;
	uint8_t checksum;
	char oem[8];
	char product[12];
	uint32_t oem_table;
	uint16_t oem_table_size;
	uint16_t entries;
	uint32_t lapic;
	uint16_t ext_length;
	uint8_t ext_checksum;
	uint8_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct mp_config) == 44, "MP configuration table header");
_Static_assert(__builtin_offsetof(struct mp_config, entries) == 34, "entries");
_Static_assert(__builtin_offsetof(struct mp_config, lapic) == 36, "lapic");

struct mp_processor {
	uint8_t type; /* 0 */
	uint8_t apic_id;
	uint8_t apic_version;
	uint8_t flags; /* bit 0 enabled, bit 1 boot processor */
	uint32_t signature;
	uint32_t features;
	uint8_t reserved[8];
} __attribute__((packed));
_Static_assert(sizeof(struct mp_processor) == 20, "MP processor entry");

struct mp_bus {
	uint8_t type; /* 1 */
	uint8_t id;
	char name[6];
} __attribute__((packed));
_Static_assert(sizeof(struct mp_bus) == 8, "MP bus entry");

struct mp_ioapic {
	uint8_t type; /* 2 */
	uint8_t id;
	uint8_t version;
	uint8_t flags; /* bit 0 enabled */
	uint32_t address;
} __attribute__((packed));
_Static_assert(sizeof(struct mp_ioapic) == 8, "MP I/O APIC entry");

struct mp_interrupt {
	uint8_t type; /* 3 I/O interrupt, 4 local interrupt */
	uint8_t kind; /* 0 INT, 1 NMI, 2 SMI, 3 ExtINT */
	uint16_t flags;
	uint8_t src_bus;
	uint8_t src_irq;
	uint8_t dst_apic;
	uint8_t dst_pin;
} __attribute__((packed));
_Static_assert(sizeof(struct mp_interrupt) == 8, "MP interrupt entry");

struct mp_cpus {
	uint32_t count;	    /* APIC IDs 0 .. count-1 */
	uint32_t signature; /* CPUID 1: EAX */
	uint32_t features;  /* CPUID 1: EDX */
};

/* Bytes mptable_build needs for count CPUs. */
uint32_t mptable_size(uint32_t count);

/* Writes the floating pointer and, right after it, the configuration table into
 * buf (cap bytes), which the guest sees at addr. */
status_t mptable_build(uint8_t *buf, uint32_t cap, uint64_t addr, const struct mp_cpus *cpus);

#endif
