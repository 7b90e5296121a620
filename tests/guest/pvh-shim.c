/*
 * pvh-shim.c: a test-only PVH kernel that spoils one or more things its loader handed over,
 * chosen by words on the kernel command line, and then enters the PVH probe the way a loader
 * would.  Used by pvh-probe-selftest to see each probe check fail.  Words:
 *   shim.ebx0 shim.magic shim.cmdline0 shim.unsorted shim.overlap shim.zerosize shim.type9
 *   shim.rsdp0 shim.rsdpsum shim.mod shim.bss shim.modram shim.ss16 shim.es_base
 *   shim.es_hidden shim.cr0cd shim.cr4 shim.acpi_ram shim.smbios_ram
 */
typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;

#include "cmdline-word.h"

struct hvm_start_info {
	u32 magic, version, flags, nr_modules;
	u64 modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	u32 memmap_entries, reserved;
};
struct hvm_modlist_entry {
	u64 paddr, size, cmdline_paddr, reserved;
};
struct hvm_memmap_table_entry {
	u64 addr, size;
	u32 type, reserved;
};
_Static_assert(sizeof(struct hvm_start_info) == 56, "start_info");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entry");

void shim_main(u32 ebx) __attribute__((noreturn));
void shim_enter(u32 ebx, u32 mode) __attribute__((noreturn));
extern u8 probe_bss_start[];

static struct hvm_start_info si_copy;
static u8 rsdp_copy[36] __attribute__((aligned(16)));

/* The memmap entry holding addr becomes RAM. */
static void make_ram(struct hvm_memmap_table_entry *mm, u32 n, u32 addr)
{
	for (u32 i = 0; i < n; i++)
		if (mm[i].addr <= addr && addr < mm[i].addr + mm[i].size)
			mm[i].type = 1;
}

void shim_main(u32 ebx)
{
	struct hvm_start_info *si = (struct hvm_start_info *)ebx;
	const char *cmd = (const char *)(u32)si->cmdline_paddr;
	struct hvm_memmap_table_entry *mm = (void *)(u32)si->memmap_paddr;
	struct hvm_modlist_entry *ml = (void *)(u32)si->modlist_paddr;
	u32 mode = 0;

	if (has(cmd, "shim.unsorted")) {
		struct hvm_memmap_table_entry t = mm[0];
		mm[0] = mm[1];
		mm[1] = t;
	}
	if (has(cmd, "shim.overlap"))
		mm[0].size += 0x1000;
	if (has(cmd, "shim.zerosize"))
		mm[1].size = 0;
	if (has(cmd, "shim.type9"))
		mm[1].type = 9;
	if (has(cmd, "shim.rsdp0"))
		si->rsdp_paddr = 0;
	if (has(cmd, "shim.rsdpsum")) {
		const u8 *r = (const u8 *)(u32)si->rsdp_paddr;
		for (u32 i = 0; i < sizeof(rsdp_copy); i++)
			rsdp_copy[i] = r[i];
		rsdp_copy[8] ^= 1;
		si->rsdp_paddr = (u32)rsdp_copy;
	}
	if (has(cmd, "shim.acpi_ram") && si->rsdp_paddr)
		make_ram(mm, si->memmap_entries, *(const u32 *)(u32)(si->rsdp_paddr + 16));
	if (has(cmd, "shim.smbios_ram"))
		for (const u8 *p = (const u8 *)0xf0000; p < (const u8 *)0x100000; p += 16)
			if (p[0] == '_' && p[1] == 'S' && p[2] == 'M' && p[3] == '_') {
				make_ram(mm, si->memmap_entries, *(const u32 *)(p + 0x18));
				break;
			}
	if (has(cmd, "shim.mod") && si->nr_modules)
		*(u8 *)(u32)ml[0].paddr ^= 0xff;
	if (has(cmd, "shim.modram") && si->nr_modules)
		ml[0].paddr = 0xf0000;	/* the BIOS area: reserved, not RAM */
	if (has(cmd, "shim.bss"))
		probe_bss_start[1] = 0x5a;
	if (has(cmd, "shim.ss16"))
		mode |= 1;
	if (has(cmd, "shim.es_base"))
		mode |= 2;
	if (has(cmd, "shim.es_hidden"))
		mode |= 4;
	if (has(cmd, "shim.cr0cd"))
		mode |= 8;
	if (has(cmd, "shim.cr4"))
		mode |= 16;
	if (has(cmd, "shim.magic")) {
		si_copy = *si;
		si_copy.magic ^= 0x100;
		ebx = (u32)&si_copy;
	}
	if (has(cmd, "shim.cmdline0"))
		si->cmdline_paddr = 0;	/* after the last look at cmd */
	if (has(cmd, "shim.ebx0"))
		ebx = 0;
	shim_enter(ebx, mode);
}
