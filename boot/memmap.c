#include "memmap.h"
#include "out_of_line.h"

static bool is_ram_like(uint32_t type)
{
	return type == MEM_RAM || type >= MEM_CLAIM_FIRMWARE;
}

/* Moves the ranges from index from on to index to: the map grows or shrinks by
 * to - from, and must still fit. Range by range: the tails are a few ranges. */
static inline __attribute__((always_inline)) status_t shift_tail(struct memmap *m, uint32_t from,
								 uint32_t to)
{
	uint32_t n = m->n;
	if (n - from + to > MEMMAP_MAX)
		return lb_fail(LB_E_MEMMAP_FULL, MEMMAP_MAX, 0);
	if (to > from)
		for (uint32_t j = n; j-- > from;)
			m->r[j + (to - from)] = m->r[j];
	else if (to < from)
		for (uint32_t j = from; j < n; j++)
			m->r[j - (from - to)] = m->r[j];
	m->n = n - from + to;
	return lb_ok();
}

/* Replaces ranges [lo, hi) of the map with the k pieces. */
static status_t splice(struct memmap *m, uint32_t lo, uint32_t hi, const struct mem_range *pieces,
		       uint32_t k)
{
	status_t s = shift_tail(m, hi, lo + k);
	for (uint32_t j = 0; j < k && !s.code; j++)
		m->r[lo + j] = pieces[j];
	return s;
}

/* Gives [start, end), which lies inside range i (or, if gap, in the hole before
 * it), type t: range i splits into at most three pieces, and the middle one
 * joins a neighbour that holds t and touches it (the map stays merged). The
 * pieces are written in place. */
OUT_OF_LINE static status_t split(struct memmap *m, uint32_t i, bool gap, uint64_t start,
				  uint64_t end, uint32_t t)
{
	const struct mem_range r = gap ? (struct mem_range){start, end, MEM_NONE} : m->r[i];
	uint32_t lo = i, hi = i + !gap;
	uint64_t s = start, e = end;

	if (t == r.type)
		return lb_ok();
	bool below = r.start < start, above = end < r.end;
	if (!below && i && m->r[i - 1].end == start && m->r[i - 1].type == t)
		s = m->r[--lo].start;
	if (!above && hi < m->n && m->r[hi].start == end && m->r[hi].type == t)
		e = m->r[hi++].end;
	uint32_t k = below + (t != MEM_NONE) + above;
	status_t st = shift_tail(m, hi, lo + k);
	if (st.code)
		return st;
	struct mem_range *p = &m->r[lo];
	if (below)
		*p++ = (struct mem_range){r.start, start, r.type};
	if (t != MEM_NONE)
		*p++ = (struct mem_range){s, e, t};
	if (above)
		*p = (struct mem_range){end, r.end, r.type};
	return lb_ok();
}

/* The first range that ends after addr (m->n if none does). */
OUT_OF_LINE static uint32_t range_after(const struct memmap *m, uint64_t addr)
{
	/* Past the last range's end, none; otherwise the last stops the scan. */
	if (!m->n || m->r[m->n - 1].end <= addr)
		return m->n;
	uint32_t i = 0;
	while (m->r[i].end <= addr)
		i++;
	return i;
}

/* Rewrites the map so that [start, end) gets pick(old type, type); gaps inside the
 * range count as MEM_NONE. The result stays sorted and merged. Only the ranges
 * touching [start, end) can change (the map is merged, so nothing beyond them
 * can merge with the result): they are rebuilt, the rest is moved. */
static status_t apply(struct memmap *m, uint64_t start, uint64_t end, uint32_t type, bool force)
{
	struct mem_range out[MEMMAP_MAX * 2 + 4];
	uint32_t n = 0;
	uint64_t cursor = start; /* first address of [start,end) not yet emitted */

	if (end <= start)
		return lb_ok();
	/* The common edits first: past the last range (an e820 table read in
	 * order), inside one range, or inside one hole. */
	if (!m->n || start >= m->r[m->n - 1].end) {
		struct mem_range *last = m->n ? &m->r[m->n - 1] : 0;
		if (type == MEM_NONE)
			return lb_ok();
		if (last && last->end == start && last->type == type) {
			last->end = end;
			return lb_ok();
		}
		return splice(m, m->n, m->n, &(struct mem_range){start, end, type}, 1);
	}
	uint32_t i = range_after(m, start);
	const struct mem_range *r = &m->r[i];
	bool gap = end <= r->start;
	if (gap || (r->start <= start && end <= r->end))
		return split(m, i, gap, start, end,
			     gap || force || type > r->type ? type : r->type);
	uint32_t lo = 0, hi;
	while (lo < m->n && m->r[lo].end < start)
		lo++;
	for (hi = lo; hi < m->n && m->r[hi].start <= end; hi++)
		;
	for (uint32_t i = lo; i <= hi; i++) {
		const struct mem_range *r = i < hi ? &m->r[i] : 0;
		/* Gap of the new range before this existing range. */
		uint64_t gap_end = r ? (r->start < end ? r->start : end) : end;
		if (cursor < gap_end && type != MEM_NONE)
			out[n++] = (struct mem_range){cursor, gap_end, type};
		if (cursor < gap_end)
			cursor = gap_end;
		if (!r)
			break;
		if (r->end <= start || r->start >= end) {
			out[n++] = *r;
			continue;
		}
		if (r->start < start)
			out[n++] = (struct mem_range){r->start, start, r->type};
		uint64_t s = r->start > start ? r->start : start;
		uint64_t e = r->end < end ? r->end : end;
		uint32_t t = force ? type : (r->type > type ? r->type : type);
		if (t != MEM_NONE)
			out[n++] = (struct mem_range){s, e, t};
		cursor = e > cursor ? e : cursor;
		if (r->end > end)
			out[n++] = (struct mem_range){end, r->end, r->type};
	}
	/* Merge neighbours of the same type. */
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (k && out[k - 1].end == out[i].start && out[k - 1].type == out[i].type)
			out[k - 1].end = out[i].end;
		else
			out[k++] = out[i];
	}
	return splice(m, lo, hi, out, k);
}

status_t memmap_add(struct memmap *m, uint64_t start, uint64_t len, uint32_t type)
{
	uint64_t end = start + len;
	if (end < start)
		end = UINT64_MAX; /* clamp a range that wraps */
	return apply(m, start, end, type, false);
}

status_t memmap_set(struct memmap *m, uint64_t start, uint64_t end, uint32_t type)
{
	return apply(m, start, end, type, true);
}

bool memmap_covered(const struct memmap *m, uint64_t start, uint64_t end, uint32_t type)
{
	if (end < start)
		return false;
	/* The map is merged, so a span of one type is one range (and an empty
	 * span is covered anywhere). */
	uint32_t i = range_after(m, start);
	if (i < m->n && m->r[i].start <= start && end <= m->r[i].end)
		return m->r[i].type == type || start == end;
	return start == end;
}

OUT_OF_LINE status_t memmap_claim(struct memmap *m, uint64_t start, uint64_t len, uint32_t type)
{
	uint64_t end = start + len;
	if (end < start)
		return lb_fail(LB_E_MEMMAP_NOT_RAM, start, len);
	if (!len)
		return lb_ok();
	/* The map is merged, so free RAM under the claim is one range. */
	uint32_t i = range_after(m, start);
	if (i == m->n || m->r[i].type != MEM_RAM || m->r[i].start > start || m->r[i].end < end)
		return lb_fail(LB_E_MEMMAP_NOT_RAM, start, len);
	return split(m, i, false, start, end, type);
}

OUT_OF_LINE status_t memmap_find(const struct memmap *m, uint64_t len, uint64_t align, uint64_t lo,
				 uint64_t hi, bool top_down, uint64_t *out)
{
	if (align == 0)
		align = 1;
	/* The ranges are sorted: the first that fits, from the top or from the
	 * bottom, holds the best place. */
	for (uint32_t k = 0; k < m->n; k++) {
		const struct mem_range *r = &m->r[top_down ? m->n - 1 - k : k];
		if (r->type != MEM_RAM)
			continue;
		uint64_t s = r->start > lo ? r->start : lo;
		uint64_t e = r->end < hi ? r->end : hi;
		if (e <= s || e - s < len)
			continue;
		uint64_t cand;
		if (top_down) {
			cand = (e - len) & ~(align - 1);
			if (cand < s)
				continue;
		} else {
			cand = (s + align - 1) & ~(align - 1);
			if (cand < s || cand > e || e - cand < len)
				continue;
		}
		*out = cand;
		return lb_ok();
	}
	return lb_fail(LB_E_MEMMAP_NO_ROOM, len, align);
}

uint64_t memmap_ram_size(const struct memmap *m, uint64_t limit)
{
	uint64_t total = 0;
	for (uint32_t i = 0; i < m->n; i++) {
		const struct mem_range *r = &m->r[i];
		if (is_ram_like(r->type) && r->start < limit)
			total += (r->end < limit ? r->end : limit) - r->start;
	}
	return total;
}

/* The map is sorted: the first RAM range from the top that starts below limit. */
uint64_t memmap_ram_top(const struct memmap *m, uint64_t limit)
{
	for (uint32_t i = m->n; i-- > 0;) {
		const struct mem_range *r = &m->r[i];
		if (is_ram_like(r->type) && r->start < limit)
			return r->end < limit ? r->end : limit;
	}
	return 0;
}
