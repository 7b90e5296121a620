#include "probe-map.h"

struct map_entry map[MAP_MAX];
u32 map_n;

void map_add(u64 addr, u64 size, u32 type)
{
	if (size && addr + size > addr && map_n < MAP_MAX)
		map[map_n++] = (struct map_entry){addr, size, type};
}

u64 map_ram_end(u64 addr)
{
	for (int progress = 1; progress;) {
		progress = 0;
		for (u32 i = 0; i < map_n; i++)
			if (map[i].type == MAP_RAM && map[i].addr <= addr &&
			    addr < map[i].addr + map[i].size) {
				addr = map[i].addr + map[i].size;
				progress = 1;
			}
	}
	return addr;
}

int map_ram_covers(u64 addr, u64 len)
{
	return map_ram_end(addr) >= addr + len;
}

int map_one_entry(u64 addr, u64 len, u32 *type)
{
	for (u32 i = 0; i < map_n; i++)
		if (map[i].addr <= addr && addr + len <= map[i].addr + map[i].size) {
			*type = map[i].type;
			return 1;
		}
	return 0;
}

int map_reserved_covers(u64 addr, u64 len)
{
	u64 end = addr + len;
	for (u32 i = 0; i < map_n; i++)
		if (map[i].type == MAP_RAM && overlaps(addr, len, map[i].addr, map[i].size))
			return 0;
	for (int progress = 1; addr < end && progress;) {
		progress = 0;
		for (u32 i = 0; i < map_n; i++)
			if (map[i].addr <= addr && addr < map[i].addr + map[i].size) {
				addr = map[i].addr + map[i].size;
				progress = 1;
			}
	}
	return addr >= end;
}

u64 map_ram_total(void)
{
	u64 sum = 0;
	for (u32 i = 0; i < map_n; i++)
		if (map[i].type == MAP_RAM)
			sum += map[i].size;
	return sum;
}

/* "<n>[KMG]" as bytes; 0 if it is not one. */
static u64 parse_size(const u8 *s, u32 len)
{
	u64 v = 0;
	u32 i = 0;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (s[i] - '0');
	if (!i || i + 1 < len)
		return 0;
	if (i == len)
		return v;
	switch (s[i]) {
	case 'K':
	case 'k':
		return v << 10;
	case 'M':
	case 'm':
		return v << 20;
	case 'G':
	case 'g':
		return v << 30;
	}
	return 0;
}

void check_ram_total(const char *name, const u8 *cmd, u32 len, const char *key)
{
	const u8 *val;
	u32 vlen;
	u64 total = map_ram_total();

	line(name);
	out_s(" ram=");
	putdec(total);
	if (!find_word(cmd, len, key, &val, &vlen)) {
		out_s(" not checked (no ");
		out_s(key);
		out_s(" on the command line)");
		eol();
		return;
	}
	u64 want = parse_size(val, vlen);
	out_s(" expected=");
	putdec(want);
	if (!want)
		bad(name, "cannot read the expected size");
	else if (total > want)
		bad(name, "more RAM than the machine has");
	else if (total + MAP_LEGACY_HOLE + MAP_SLACK < want)
		bad(name, "RAM missing beyond the legacy hole and the slack");
	else
		out_s(" ok");
	eol();
}
