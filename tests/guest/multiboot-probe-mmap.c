/*
 * The memory the loader describes: the Multiboot memory map (mmap_addr/mmap_length, flags[6]),
 * held against QEMU's own RAM (fw_cfg etc/e820, read by the probe itself) and against
 * mem_lower/mem_upper (flags[0]).  The map goes into probe-map's list, which the other checks
 * ask whether a pointer lies in RAM; without flags[6] that list is made from mem_lower and
 * mem_upper (the two ranges they describe).
 */
#include "multiboot-probe.h"
#include "probe-fwcfg.h"
#include "probe-map.h"

#define MB_RAM	      1 /* "available RAM"; every other type is reserved */
#define LEGACY_START  0xa0000ull
#define LEGACY_END    0x100000ull
#define LOWER_MAX     (640 * 1024ull)
#define UPPER_START   0x100000ull
#define MMAP_MAX      256
#define QEMU_E820_MAX 128

/* An entry of QEMU's etc/e820 (struct e820_entry in QEMU's hw/i386/e820_memory_layout.h). */
struct qemu_e820 {
	u64 address;
	u64 length;
	u32 type;
} __attribute__((packed));
_Static_assert(sizeof(struct qemu_e820) == 20, "etc/e820 entry size");

static struct qemu_e820 qemu_map[QEMU_E820_MAX];
static u32 qemu_n;

/* The Multiboot map as listed (probe-map's copy drops what it cannot use). */
static struct map_entry mmap[MMAP_MAX];
static u32 mmap_n;

static const char *const type_names[] = {"?", "ram", "reserved", "acpi", "nvs", "bad"};

static void put_type(u32 type)
{
	out_s(" type=");
	putdec(type);
	if (type >= 1 && type <= 5) {
		out_c(' ');
		out_s(type_names[type]);
	}
}

/* Reasons for "mmap=bad (...)", each once. */
static const char *why[8];
static u32 nwhy;

static void mmap_bad(const char *reason)
{
	bad("mmap", reason);
	for (u32 i = 0; i < nwhy; i++)
		if (streq(why[i], reason))
			return;
	if (nwhy < 8)
		why[nwhy++] = reason;
}

/* Reads the table entry by entry, one line each; returns 0 if there is none to read. */
static int read_mmap(const struct mb_info *mbi)
{
	u64 p = mbi->mmap_addr, end = p + mbi->mmap_length;

	line("mmap_addr=");
	puthex32(mbi->mmap_addr);
	out_s(" mmap_length=");
	putdec(mbi->mmap_length);
	if (!mbi->mmap_addr || !mbi->mmap_length)
		mmap_bad("no entries");
	else if (end > 0x100000000ull)
		mmap_bad("the table runs past 4 GiB");
	eol();
	if (nwhy)
		return 0;

	while (p < end && mmap_n < MMAP_MAX) {
		const struct mb_mmap_entry *e = (const struct mb_mmap_entry *)(uptr)p;
		if (end - p < 4 + MB_MMAP_MIN_SIZE) {
			line("mmap table");
			mmap_bad("mmap_length ends inside an entry");
			eol();
			break;
		}
		line("mmap[");
		putdec(mmap_n);
		out_s("] size=");
		putdec(e->size);
		out_s(" base=");
		puthex64(e->base_addr);
		out_s(" length=");
		puthex64(e->length);
		put_type(e->type);
		if (e->size < MB_MMAP_MIN_SIZE)
			mmap_bad("size field below 20");
		else if (e->size + 4ull > end - p)
			mmap_bad("entry runs past mmap_length");
		else if (!e->length)
			mmap_bad("zero-length entry");
		else if (e->base_addr + e->length < e->base_addr)
			mmap_bad("entry wraps around");
		eol();
		if (e->size < MB_MMAP_MIN_SIZE || e->size + 4ull > end - p)
			break;
		mmap[mmap_n++] = (struct map_entry){e->base_addr, e->length, e->type};
		map_add(e->base_addr, e->length, e->type == MB_RAM ? MAP_RAM : 2);
		p += e->size + 4ull;
	}
	return 1;
}

static void check_overlaps(void)
{
	for (u32 i = 0; i < mmap_n; i++)
		for (u32 j = i + 1; j < mmap_n; j++)
			if (overlaps(mmap[i].addr, mmap[i].size, mmap[j].addr, mmap[j].size)) {
				line("mmap[");
				putdec(i);
				out_s("] and mmap[");
				putdec(j);
				out_c(']');
				mmap_bad("entries overlap");
				eol();
				return;
			}
}

static void read_qemu_e820(void)
{
	u16 key;
	u32 size;

	line("e820 (QEMU's etc/e820)");
	if (!fw_cfg_present()) {
		bad("e820", "no fw_cfg signature at 0x510");
		eol();
		return;
	}
	if (!fw_cfg_file("etc/e820", &key, &size) || !size || size % sizeof(qemu_map[0])) {
		bad("e820", "no etc/e820 file (or not whole entries)");
		eol();
		return;
	}
	qemu_n = size / sizeof(qemu_map[0]);
	if (qemu_n > QEMU_E820_MAX)
		qemu_n = QEMU_E820_MAX;
	fw_cfg_read(key, qemu_map, qemu_n * sizeof(qemu_map[0]));
	out_s(" entries=");
	putdec(qemu_n);
	eol();
	for (u32 i = 0; i < qemu_n; i++) {
		line("e820[");
		putdec(i);
		out_s("] addr=");
		puthex64(qemu_map[i].address);
		out_s(" length=");
		puthex64(qemu_map[i].length);
		put_type(qemu_map[i].type);
		eol();
	}
}

/* QEMU's RAM covers [addr, addr+len) without a gap. */
static int qemu_ram_covers(u64 addr, u64 len)
{
	u64 end = addr + len;
	for (int progress = 1; addr < end && progress;) {
		progress = 0;
		for (u32 i = 0; i < qemu_n; i++) {
			const struct qemu_e820 *e = &qemu_map[i];
			if (e->type == MB_RAM && e->address <= addr &&
			    addr < e->address + e->length) {
				addr = e->address + e->length;
				progress = 1;
			}
		}
	}
	return addr >= end;
}

int loader_data_covers(u64 addr, u64 len)
{
	if (overlaps(addr, len, LEGACY_START, LEGACY_END - LEGACY_START))
		return 0; /* etc/e820 lists the VGA and BIOS window as RAM */
	return qemu_n ? qemu_ram_covers(addr, len) : map_ram_covers(addr, len);
}

/* Every usable range is RAM to QEMU, and none is in the legacy hole 0xA0000-0xFFFFF. */
static void check_usable(void)
{
	line("mmap-ram");
	if (qemu_n) {
		u32 i = 0;
		while (i < mmap_n &&
		       (mmap[i].type != MB_RAM || qemu_ram_covers(mmap[i].addr, mmap[i].size)))
			i++;
		if (i < mmap_n) {
			out_s(" mmap[");
			putdec(i);
			out_c(']');
			bad("mmap-ram", "usable, but not RAM in QEMU's etc/e820");
		} else {
			out_s(" ok");
		}
	} else {
		out_s(" not checked (no etc/e820)");
	}
	eol();

	line("mmap-legacy");
	u32 i = 0;
	while (i < mmap_n &&
	       (mmap[i].type != MB_RAM ||
		!overlaps(mmap[i].addr, mmap[i].size, LEGACY_START, LEGACY_END - LEGACY_START)))
		i++;
	if (i < mmap_n) {
		out_s(" mmap[");
		putdec(i);
		out_c(']');
		bad("mmap-legacy", "usable memory in 0xA0000-0xFFFFF");
	} else {
		out_s(" ok");
	}
	eol();

	line("mmap-image");
	if (!map_ram_covers((uptr)__image_start, (uptr)(__image_end - __image_start)))
		bad("mmap-image", "the probe image (with bss and stack) is not all usable RAM");
	else
		out_s(" ok");
	eol();
}

/* The top of usable conventional memory (below 640 KiB) in the map. */
static u64 conventional_top(void)
{
	u64 top = 0;
	for (u32 i = 0; i < map_n; i++) {
		u64 end = map[i].addr + map[i].size;
		if (map[i].type == MAP_RAM && map[i].addr < LOWER_MAX)
			top = end < LOWER_MAX ? (end > top ? end : top) : LOWER_MAX;
	}
	return top;
}

/* mem_lower: the specification's "amount of lower memory", which loaders count two ways
 * from the same map: GRUB 2 the usable RAM from 0 on, QEMU's option ROM and GRUB legacy
 * INT 12h's answer, the top of usable conventional memory (a loader's own reserved pages
 * at the bottom do not shorten it); either is accepted. mem_upper: KiB of usable RAM from
 * 1 MiB to the first hole, as both count it. */
static void check_mem_fields(const struct mb_info *mbi)
{
	u64 lower = map_ram_end(0), top = conventional_top() >> 10;
	u64 upper = map_ram_end(UPPER_START) - UPPER_START;
	if (lower > LOWER_MAX)
		lower = LOWER_MAX;
	lower >>= 10;
	upper >>= 10;

	line("mem_lower=");
	putdec(mbi->mem_lower);
	out_s(" map=");
	putdec(lower);
	if (top != lower) {
		out_s(" or ");
		putdec(top);
	}
	if (mbi->mem_lower != lower && mbi->mem_lower != top)
		bad("mem_lower", "neither the usable RAM at 0 nor the top of conventional memory");
	else
		out_s(" ok");
	eol();

	line("mem_upper=");
	putdec(mbi->mem_upper);
	out_s(" map=");
	putdec(upper);
	if (mbi->mem_upper != upper)
		bad("mem_upper", "differs from the usable RAM at 1 MiB in the map");
	else
		out_s(" ok");
	eol();
}

void check_mmap(const struct mb_info *mbi)
{
	int have_mem = mbi->flags & (1u << MBF_MEM);

	if (!(mbi->flags & (1u << MBF_MMAP))) {
		line("mmap none (usable RAM from mem_lower/mem_upper)");
		eol();
		if (have_mem) {
			map_add(0, (u64)mbi->mem_lower << 10, MAP_RAM);
			map_add(UPPER_START, (u64)mbi->mem_upper << 10, MAP_RAM);
			mmap[mmap_n++] = (struct map_entry){0, (u64)mbi->mem_lower << 10, MB_RAM};
			mmap[mmap_n++] =
			    (struct map_entry){UPPER_START, (u64)mbi->mem_upper << 10, MB_RAM};
		}
		read_qemu_e820();
		check_usable();
	} else if (read_mmap(mbi)) {
		check_overlaps();
		read_qemu_e820();
		check_usable();
		line("mmap table at=");
		puthex32(mbi->mmap_addr);
		if (!loader_data_covers(mbi->mmap_addr, mbi->mmap_length))
			mmap_bad("the table is not in RAM");
		else if (over_image(mbi->mmap_addr, mbi->mmap_length))
			mmap_bad("the table overlaps the probe image");
		else
			out_s(" ok");
		eol();
		if (have_mem)
			check_mem_fields(mbi);
	}
	if (mbi->flags & (1u << MBF_MMAP)) {
		line("mmap=");
		if (nwhy) {
			out_s("bad (");
			for (u32 i = 0; i < nwhy; i++) {
				if (i)
					out_s("; ");
				out_s(why[i]);
			}
			out_c(')');
		} else {
			out_s("ok");
		}
		eol();
	}
	check_ram_total("mmap-mem", mb_cmd, mb_cmd_len, "multiboot-probe.mem=");
}
