/* Error messages (boot/status.c): one per code, each consuming a and b as
 * unsigned long long. */
#include <stdio.h>
#include <string.h>

#include "../../boot/status.h"
#include "libc/format.h"
#include "tap.h"

/* Counts the conversions of fmt; false if one is not %llu/%llx/%lld (with # or 0). */
static bool only_ll(const char *fmt, int *count)
{
	*count = 0;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		p++;
		while (*p == '#' || *p == '0')
			p++;
		while (*p >= '1' && *p <= '9')
			p++;
		if (p[0] != 'l' || p[1] != 'l' || !strchr("uxd", p[2]))
			return false;
		p += 2;
		(*count)++;
	}
	return true;
}

int main(void)
{
	const char *unknown = lb_message(-1);

	ok(unknown != NULL, "a message for an unknown code");
	ok(lb_message(LB_E_COUNT) == unknown, "LB_E_COUNT is unknown");
	is_str(lb_message(LB_OK), "ok", "LB_OK says ok");
	for (int code = 1; code < LB_E_COUNT; code++) {
		const char *msg = lb_message(code);
		int conv = 0;
		if (!ok(msg && msg != unknown && only_ll(msg, &conv) && conv <= 2,
			"code %d has a message using at most a and b as unsigned long long", code))
			diag("message: %s", msg ? msg : "(null)");
	}

	/* Every message formats with leapboot's printf as with the C library's (the
	 * wording itself is free to change). */
	bool same = true;
	for (int code = 0; code < LB_E_COUNT; code++) {
		char a[200], b[200];
		int na = fmt_snprintf(a, sizeof(a), lb_message(code), 0x1234ull, 77ull);
		int nb = snprintf(b, sizeof(b), lb_message(code), 0x1234ull, 77ull);
		if (na != nb || strcmp(a, b) != 0) {
			diag("code %d: \"%s\" vs libc \"%s\"", code, a, b);
			same = false;
		}
	}
	ok(same, "all messages format as the C library formats them");
	return done_testing();
}
