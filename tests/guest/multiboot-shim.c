/*
 * multiboot-shim.c: a test-only Multiboot kernel that spoils one or more things its loader
 * (QEMU's multiboot option ROM) handed over, chosen by words on the kernel command line, and
 * then enters the multiboot probe the way a loader would.  Used by multiboot-probe-selftest to
 * see each probe check fail.  Words (each spoils what the probe names in brackets):
 *   machine state: shim.eax [eax] shim.ebx0 [ebx] shim.cr0pg [cr0] shim.if [eflags]
 *     shim.cslimit [cs] shim.es_base shim.es_hidden [es] shim.fs16 [fs] shim.gslimit
 *     shim.gsnull [gs] shim.ss16 [ss] shim.a20 [a20]
 *   the probe image: shim.bss shim.pattern [image]
 *   the information: shim.noflag_mmap [flags, with multiboot-probe.need=mmap] shim.mbi_ram [mbi]
 *     shim.mmap_size shim.mmap_len shim.mmap_overlap shim.mmap_zero [mmap]
 *     shim.mmap_legacy [mmap-legacy] shim.mmap_ram [mmap-ram]
 *     shim.mmap_image [mmap-image mem_upper] shim.mem_lower [mem_lower] shim.mem_upper [mem_upper]
 *     shim.cmdline0 shim.cmdline_ram [cmdline] shim.name_ram [boot_loader_name]
 *     shim.mods_count [mods, with multiboot-probe.mods=] shim.mod_align shim.mod_ram
 *     shim.mod_over shim.mod_end shim.mod_string0 [mods] shim.mod [module 0's checksum]
 */
#include "cmdline-word.h"
#include "multiboot-probe.h"

void shim_main(u32 ebx) __attribute__((noreturn));
void shim_enter(u32 eax, u32 ebx, u32 mode, u32 *page_dir) __attribute__((noreturn));
extern u8 probe_bss_start[], probe_pattern_start[];

/* Mode bits of shim_enter (multiboot-shim-entry.S). */
enum {
	MODE_SS16 = 1 << 0,
	MODE_ES_BASE = 1 << 1,
	MODE_ES_HIDDEN = 1 << 2,
	MODE_FS16 = 1 << 3,
	MODE_GS_LIMIT = 1 << 4,
	MODE_GS_NULL = 1 << 5,
	MODE_CS_LIMIT = 1 << 6,
	MODE_PAGING = 1 << 7,
	MODE_IF = 1 << 8,
	MODE_A20_OFF = 1 << 9,
};

static const struct {
	const char *word;
	u32 mode;
} modes[] = {
    {"shim.ss16", MODE_SS16},
    {"shim.es_base", MODE_ES_BASE},
    {"shim.es_hidden", MODE_ES_HIDDEN},
    {"shim.fs16", MODE_FS16},
    {"shim.gslimit", MODE_GS_LIMIT},
    {"shim.gsnull", MODE_GS_NULL},
    {"shim.cslimit", MODE_CS_LIMIT},
    {"shim.cr0pg", MODE_PAGING},
    {"shim.if", MODE_IF},
    {"shim.a20", MODE_A20_OFF},
};

/* 4 MiB identity pages (present, writable, PS) for shim.cr0pg. */
static u32 page_dir[1024] __attribute__((aligned(4096)));

/*
 * Copies to put a pointer outside RAM: in the VGA text buffer (0xB8000, not RAM in QEMU's
 * etc/e820), which reads back what is written in text mode. (A loader's reserved pages are
 * a valid place: the specification lets it put the information anywhere.)
 */
#define OUTSIDE_MBI	0xb8040u
#define OUTSIDE_NAME	0xb80c0u
#define OUTSIDE_CMDLINE 0xb8100u

static u32 copy_to(u32 to, const void *from, u32 len)
{
	u8 *d = (u8 *)to;
	const u8 *s = from;
	for (u32 i = 0; i < len; i++)
		d[i] = s[i];
	return to;
}

static u32 strsize(u32 addr)
{
	const char *s = (const char *)addr;
	u32 n = 0;
	while (s[n])
		n++;
	return n + 1;
}

/* The last entry (spoilt there, the others stay readable). */
static struct mb_mmap_entry *mmap_last(struct mb_info *mbi)
{
	u32 p = mbi->mmap_addr, last = p;
	for (; p < mbi->mmap_addr + mbi->mmap_length; p += ((struct mb_mmap_entry *)p)->size + 4)
		last = p;
	return (struct mb_mmap_entry *)last;
}

/* The entry that holds addr. */
static struct mb_mmap_entry *mmap_at(struct mb_info *mbi, u64 addr)
{
	for (u32 p = mbi->mmap_addr; p < mbi->mmap_addr + mbi->mmap_length;) {
		struct mb_mmap_entry *e = (struct mb_mmap_entry *)p;
		if (e->base_addr <= addr && addr < e->base_addr + e->length)
			return e;
		p += e->size + 4;
	}
	return mmap_last(mbi);
}

void shim_main(u32 ebx)
{
	struct mb_info *mbi = (struct mb_info *)ebx;
	const char *cmd = (const char *)mbi->cmdline;
	struct mb_module *mods = (struct mb_module *)mbi->mods_addr;
	u32 eax = MB_BOOTLOADER_MAGIC, mode = 0;

	for (u32 i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (has(cmd, modes[i].word))
			mode |= modes[i].mode;
	for (u32 i = 0; i < 1024; i++)
		page_dir[i] = i << 22 | 0x83;

	if (has(cmd, "shim.eax"))
		eax ^= 1;
	if (has(cmd, "shim.bss"))
		probe_bss_start[1] = 0x5a;
	if (has(cmd, "shim.pattern"))
		probe_pattern_start[4096 - 3] ^= 0x10;
	if (has(cmd, "shim.noflag_mmap"))
		mbi->flags &= ~(1u << MBF_MMAP);
	if (has(cmd, "shim.mmap_size"))
		mmap_last(mbi)->size = 16;
	if (has(cmd, "shim.mmap_len"))
		mbi->mmap_length -= 4;
	if (has(cmd, "shim.mmap_overlap"))
		mmap_at(mbi, 0xf0000)->length += 0x1000; /* into the RAM at 1 MiB */
	if (has(cmd, "shim.mmap_zero"))
		mmap_at(mbi, 0xf0000)->length = 0;
	if (has(cmd, "shim.mmap_legacy"))
		mmap_at(mbi, 0xf0000)->type = 1;
	if (has(cmd, "shim.mmap_ram"))
		mmap_at(mbi, 0xfffc0000)->type = 1; /* the BIOS flash */
	if (has(cmd, "shim.mmap_image")) {
		struct mb_mmap_entry *e = mmap_at(mbi, 0x100000);
		e->base_addr += 0x200000; /* 1-3 MiB, where the probe is, no longer RAM */
		e->length -= 0x200000;
	}
	if (has(cmd, "shim.mem_lower"))
		mbi->mem_lower--;
	if (has(cmd, "shim.mem_upper"))
		mbi->mem_upper += 4;
	if (has(cmd, "shim.cmdline_ram"))
		mbi->cmdline = copy_to(OUTSIDE_CMDLINE, cmd, strsize(mbi->cmdline));
	if (has(cmd, "shim.name_ram"))
		mbi->boot_loader_name = copy_to(OUTSIDE_NAME, (void *)mbi->boot_loader_name,
						strsize(mbi->boot_loader_name));
	if (mbi->mods_count) {
		if (has(cmd, "shim.mod"))
			*(u8 *)mods[0].mod_start ^= 0xff;
		if (has(cmd, "shim.mod_align"))
			mods[0].mod_start += 16;
		if (has(cmd, "shim.mod_ram")) {
			mods[0].mod_start = 0xf0000; /* the BIOS area: reserved, not RAM */
			mods[0].mod_end = 0xf1000;
		}
		if (has(cmd, "shim.mod_over")) {
			mods[0].mod_start = 0x200000; /* the probe's first page */
			mods[0].mod_end = 0x201000;
		}
		if (has(cmd, "shim.mod_end"))
			mods[0].mod_end = mods[0].mod_start - 1;
		if (has(cmd, "shim.mod_string0"))
			mods[0].string = 0;
		if (has(cmd, "shim.mods_count"))
			mbi->mods_count--;
	}
	if (has(cmd, "shim.mbi_ram"))
		ebx = copy_to(OUTSIDE_MBI, mbi, sizeof(*mbi));
	if (has(cmd, "shim.cmdline0"))
		mbi->cmdline = 0; /* after the last look at cmd */
	if (has(cmd, "shim.ebx0"))
		ebx = 0;
	shim_enter(eax, ebx, mode, page_dir);
}
