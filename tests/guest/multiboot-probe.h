/*
 * multiboot-probe.h: what the multiboot probe's files share — the Multiboot 0.6.96 information
 * structures, the link symbols, and the few output and memory helpers of multiboot-probe.c (the
 * entry state is probe-x86.h's).
 */
#ifndef MULTIBOOT_PROBE_H
#define MULTIBOOT_PROBE_H

#include "probe-report.h"
#include "probe-x86.h"

#define MB_HEADER_MAGIC	    0x1badb002u
#define MB_BOOTLOADER_MAGIC 0x2badb002u
#define MB_HEADER_AOUT	    (1u << 16)

/* The Multiboot information structure (spec 3.3, "Boot information format"). */
struct mb_info {
	u32 flags;
	u32 mem_lower; /* flags[0] */
	u32 mem_upper;
	u32 boot_device; /* flags[1] */
	u32 cmdline;	 /* flags[2] */
	u32 mods_count;	 /* flags[3] */
	u32 mods_addr;
	u32 syms[4];	 /* flags[4] (a.out) or flags[5] (ELF section headers) */
	u32 mmap_length; /* flags[6] */
	u32 mmap_addr;
	u32 drives_length; /* flags[7] */
	u32 drives_addr;
	u32 config_table;     /* flags[8] */
	u32 boot_loader_name; /* flags[9] */
	u32 apm_table;	      /* flags[10] */
	u32 vbe_control_info; /* flags[11] */
	u32 vbe_mode_info;
	u16 vbe_mode;
	u16 vbe_interface_seg;
	u16 vbe_interface_off;
	u16 vbe_interface_len;
};
_Static_assert(offsetof(struct mb_info, mem_lower) == 4, "mem_lower");
_Static_assert(offsetof(struct mb_info, boot_device) == 12, "boot_device");
_Static_assert(offsetof(struct mb_info, cmdline) == 16, "cmdline");
_Static_assert(offsetof(struct mb_info, mods_count) == 20, "mods_count");
_Static_assert(offsetof(struct mb_info, mods_addr) == 24, "mods_addr");
_Static_assert(offsetof(struct mb_info, syms) == 28, "syms");
_Static_assert(offsetof(struct mb_info, mmap_length) == 44, "mmap_length");
_Static_assert(offsetof(struct mb_info, mmap_addr) == 48, "mmap_addr");
_Static_assert(offsetof(struct mb_info, drives_length) == 52, "drives_length");
_Static_assert(offsetof(struct mb_info, config_table) == 60, "config_table");
_Static_assert(offsetof(struct mb_info, boot_loader_name) == 64, "boot_loader_name");
_Static_assert(offsetof(struct mb_info, apm_table) == 68, "apm_table");
_Static_assert(offsetof(struct mb_info, vbe_control_info) == 72, "vbe_control_info");
_Static_assert(offsetof(struct mb_info, vbe_mode) == 80, "vbe_mode");
_Static_assert(sizeof(struct mb_info) == 88, "mb_info size");

enum mb_flag {
	MBF_MEM,
	MBF_DEVICE,
	MBF_CMDLINE,
	MBF_MODS,
	MBF_AOUT_SYMS,
	MBF_ELF_SYMS,
	MBF_MMAP,
	MBF_DRIVES,
	MBF_CONFIG,
	MBF_NAME,
	MBF_APM,
	MBF_VBE,
	MBF_FB,
	MBF_COUNT
};

/* A module (mods_addr[i]): [mod_start, mod_end), its string, a reserved word. */
struct mb_module {
	u32 mod_start;
	u32 mod_end;
	u32 string;
	u32 reserved;
};
_Static_assert(sizeof(struct mb_module) == 16, "mb_module size");

/* A memory map entry: size (of the rest; the next entry is size + 4 bytes on), then the range. */
struct mb_mmap_entry {
	u32 size;
	u64 base_addr;
	u64 length;
	u32 type;
} __attribute__((packed));
_Static_assert(offsetof(struct mb_mmap_entry, base_addr) == 4, "base_addr");
_Static_assert(offsetof(struct mb_mmap_entry, length) == 12, "length");
_Static_assert(offsetof(struct mb_mmap_entry, type) == 20, "type");
_Static_assert(sizeof(struct mb_mmap_entry) == 24, "mb_mmap_entry size");

#define MB_MMAP_MIN_SIZE 20 /* the size field of the smallest entry */

/* The check pattern at the end of the loaded image (multiboot-probe-entry.S). */
#define MB_PATTERN(i) (0x5a000000u ^ ((u32)(i) << 20) ^ ((u32)(i) << 9) ^ ((u32)(i)*7))

/* --- the link ----------------------------------------------------------------------------- */

extern const u32 mb_header[], probe_pattern[], probe_pattern_end[];
extern u8 __image_start[], __image_end[], __load_end[], __bss_start[], __bss_end[];

/* --- multiboot-probe.c --------------------------------------------------------------------- */

void puthex32(u32 v);
void puthex64(u64 v);
/* A whole line for a failed check. */
void bad_line(const char *name, const char *why);
/* [addr, addr+len) overlaps the probe's image (load_addr to the end of its stack). */
int over_image(u64 addr, u64 len);
/* The kernel command line (empty without flags[2]), for the probe's words on it. */
extern const u8 *mb_cmd;
extern u32 mb_cmd_len;

/* --- multiboot-probe-cpu.c: the machine state (spec 3.2) ----------------------------------- */

/* eax, ebx, cr0, eflags, cs/ds/es/fs/gs/ss, then an information-only line. */
void check_cpu(void);
/* The A20 gate: memory 1 MiB apart is not the same memory. */
void check_a20(void);

/* --- multiboot-probe-mmap.c: the memory map and the mem_* fields --------------------------- */

/* Prints the map (or, without flags[6], makes one from mem_lower/mem_upper) into probe-map's
 * map, compares it with QEMU's etc/e820 and with mem_lower/mem_upper. */
void check_mmap(const struct mb_info *mbi);
/* Where the loader's own structures (the information, strings, the module table, the
 * map) may lie: RAM to QEMU (etc/e820) outside 0xA0000-0xFFFFF, whatever type the loader's map
 * gives it. The specification lets a loader put them anywhere; keeping them out of usable RAM, as
 * leapboot does (its own reserved pages), is as valid as GRUB's usable RAM. Without
 * etc/e820: the loader's usable RAM. */
int loader_data_covers(u64 addr, u64 len);

#endif
