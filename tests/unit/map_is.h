/* Unit-test helper: a memmap must be exactly the expected ranges, in order. */
#ifndef LEAPBOOT_TEST_MAP_IS_H
#define LEAPBOOT_TEST_MAP_IS_H

#include <stdbool.h>
#include <stdint.h>

#include "../../boot/memmap.h"
#include "tap.h"

struct exp {
	uint64_t start, end;
	uint32_t type;
};

/* One TAP result; on a mismatch both maps as diagnostics. what and line say
 * which check it was. */
static inline bool map_is(const struct memmap *m, const struct exp *e, uint32_t n, const char *what,
			  int line)
{
	bool same = m->n == n;
	for (uint32_t i = 0; same && i < n; i++)
		same = m->r[i].start == e[i].start && m->r[i].end == e[i].end &&
		       m->r[i].type == e[i].type;
	ok(same, "%s:%d: map has the expected %u ranges", what, line, n);
	if (!same) {
		for (uint32_t i = 0; i < m->n; i++)
			diag("   got [%#llx, %#llx) type %#x", (unsigned long long)m->r[i].start,
			     (unsigned long long)m->r[i].end, m->r[i].type);
		for (uint32_t i = 0; i < n; i++)
			diag("  want [%#llx, %#llx) type %#x", (unsigned long long)e[i].start,
			     (unsigned long long)e[i].end, e[i].type);
	}
	return same;
}

/* MAP_IS(m, {start, end, type}, ...) */
#define MAP_IS(m, ...)                                                                             \
	map_is((m), (const struct exp[]){__VA_ARGS__},                                             \
	       sizeof((const struct exp[]){__VA_ARGS__}) / sizeof(struct exp), __func__, __LINE__)

#endif
