#include "probe-report.h"

void *memset(void *d, int c, unsigned long n)
{
	u8 *p = d;
	while (n--)
		*p++ = (u8)c;
	return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	u8 *p = d;
	const u8 *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

void *memmove(void *d, const void *s, unsigned long n)
{
	u8 *p = d;
	const u8 *q = s;
	if (p < q)
		return memcpy(d, s, n);
	while (n--)
		p[n] = q[n];
	return d;
}

int memcmp(const void *a, const void *b, unsigned long n)
{
	const u8 *p = a, *q = b;
	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

int overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* Eight zero bytes multiply the hash by the prime eight times: one multiply by its 8th power,
 * so that large, mostly empty initrds are checked at qword speed (every byte still read; aligned
 * loads only, for the arm64 probe's Device memory). */
#define FNV_PRIME   0x01000193u
#define FNV_PRIME_8 0x5d615f21u

typedef u64 __attribute__((may_alias)) u64_alias;

u32 fnv1a(const u8 *p, u64 n)
{
	u32 h = 0x811c9dc5u;
	while (n && ((uptr)p & 7)) {
		h = (h ^ *p++) * FNV_PRIME;
		n--;
	}
	for (; n >= 8; n -= 8, p += 8) {
		if (!*(const u64_alias *)p) {
			h *= FNV_PRIME_8;
			continue;
		}
		for (int i = 0; i < 8; i++)
			h = (h ^ p[i]) * FNV_PRIME;
	}
	while (n--)
		h = (h ^ *p++) * FNV_PRIME;
	return h;
}

/* --- output --------------------------------------------------------------------------------- */

void out_s(const char *s)
{
	while (*s)
		out_c(*s++);
}

void hexdigits(u64 v, int digits)
{
	for (int i = digits - 1; i >= 0; i--)
		out_c("0123456789abcdef"[(v >> (4 * i)) & 0xf]);
}

/* Decimal without 64-bit division (i686 has no libgcc here): shift-and-subtract by 10. */
void putdec(u64 v)
{
	char buf[21];
	int n = 0;
	do {
		u64 q = 0, r = 0;
		for (int i = 63; i >= 0; i--) {
			r = (r << 1) | ((v >> i) & 1);
			if (r >= 10) {
				r -= 10;
				q |= 1ull << i;
			}
		}
		buf[n++] = (char)('0' + r);
		v = q;
	} while (v);
	while (n)
		out_c(buf[--n]);
}

void putesc(const u8 *s, u32 len)
{
	for (u32 i = 0; i < len; i++) {
		u8 c = s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out_c((char)c);
		} else {
			out_s("\\x");
			hexdigits(c, 2);
		}
	}
}

static void putaddr(const u8 *p)
{
	out_s("0x");
	hexdigits((uptr)p, 2 * sizeof(uptr));
}

int bss_zeroed(const u8 *start, const u8 *end)
{
	const u8 *p = start;
	while (p < end && !*p)
		p++;
	if (p == end)
		return 1;
	out_s(" bss=");
	putaddr(start);
	out_c('-');
	putaddr(end);
	out_s(" nonzero@");
	putaddr(p);
	bad("image", "bss not zeroed by the loader");
	return 0;
}

void line(const char *s)
{
	out_s(probe_prefix);
	out_s(s);
}

void eol(void)
{
	out_c('\n');
}

/* --- failures and the verdict --------------------------------------------------------------- */

#define MAX_NAMES 32
static const char *failed[MAX_NAMES];
static u32 nfailed;

int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

void record(const char *name)
{
	for (u32 i = 0; i < nfailed; i++)
		if (streq(failed[i], name))
			return;
	if (nfailed < MAX_NAMES)
		failed[nfailed++] = name;
}

void bad(const char *name, const char *why)
{
	out_s(" BAD: ");
	out_s(why);
	record(name);
}

static const u8 *allow;
static u32 allow_len;

static int is_allowed(const char *name)
{
	u32 i = 0;
	while (i < allow_len) {
		u32 j = 0;
		while (name[j] && i + j < allow_len && allow[i + j] == (u8)name[j])
			j++;
		if (!name[j] && (i + j == allow_len || allow[i + j] == ','))
			return 1;
		while (i < allow_len && allow[i] != ',')
			i++;
		i++;
	}
	return 0;
}

int find_word(const u8 *cmd, u32 len, const char *key, const u8 **val, u32 *vlen)
{
	u32 klen = 0, found = 0;
	while (key[klen])
		klen++;
	for (u32 i = 0; i + klen <= len; i++) {
		if ((i && cmd[i - 1] != ' ') || memcmp(cmd + i, key, klen))
			continue;
		*val = cmd + i + klen;
		for (*vlen = 0; *val + *vlen < cmd + len && (*val)[*vlen] != ' ';)
			++*vlen;
		found = 1;
	}
	return found;
}

void find_allow(const u8 *cmd, u32 len)
{
	find_word(cmd, len, probe_allow_key, &allow, &allow_len);
}

/* " name" for each failure that is (allowed = 1) or is not (0) on the allow list. */
static void list_failures(int allowed)
{
	for (u32 i = 0; i < nfailed; i++)
		if (is_allowed(failed[i]) == allowed) {
			out_c(' ');
			out_s(failed[i]);
		}
	eol();
}

u32 report_verdict(void)
{
	u32 hard = 0, soft = 0;
	for (u32 i = 0; i < nfailed; i++)
		is_allowed(failed[i]) ? soft++ : hard++;
	if (soft) {
		line("allowed:");
		list_failures(1);
	}
	if (hard) {
		line("RESULT FAIL");
		list_failures(0);
	} else {
		line("RESULT PASS");
		eol();
	}
	return hard;
}
