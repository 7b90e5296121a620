/*
 * probe-map: questions about the memory map a probe was handed (e820 or the PVH memmap), asked
 * of one normalised copy: does RAM cover a range, does one entry hold it, is it kept out of RAM,
 * and is the RAM total what `-m` gave.
 */
#ifndef PROBE_MAP_H
#define PROBE_MAP_H

#include "probe-report.h"

#define MAP_RAM 1
#define MAP_MAX 256

struct map_entry {
	u64 addr, size;
	u32 type;
};

/* The map, as the probe copied it (only usable entries: size non-zero, no wrap). */
extern struct map_entry map[MAP_MAX];
extern u32 map_n;

/* Adds one entry of the loader's map; entries that are unusable for questions are dropped. */
void map_add(u64 addr, u64 size, u32 type);
/* Where the RAM that holds addr ends, following RAM entries that touch (addr if none holds it). */
u64 map_ram_end(u64 addr);
/* RAM entries cover [addr, addr+len) without a gap (in any order). */
int map_ram_covers(u64 addr, u64 len);
/* One entry holds all of [addr, addr+len); its type in *type. */
int map_one_entry(u64 addr, u64 len, u32 *type);
/* No byte of [addr, addr+len) is in RAM, and every byte is in some entry. */
int map_reserved_covers(u64 addr, u64 len);
u64 map_ram_total(void);

/*
 * "<name>=ok" when the RAM total fits the size given as "<probe>.<key>=<n>[KMG]" on the command
 * line: at most that, and at least that less the legacy hole (0xA0000-0xFFFFF) and MAP_SLACK
 * for firmware reservations (EBDA, the loader's own pages, ACPI and SMBIOS tables).  Without the
 * word: "<name> not checked".
 */
#define MAP_LEGACY_HOLE 0x60000ull
#define MAP_SLACK	(1024 * 1024ull)
void check_ram_total(const char *name, const u8 *cmd, u32 len, const char *key);

#endif
