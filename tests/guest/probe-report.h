/*
 * probe-report: what both probe kernels share — freestanding mem* functions, console output
 * ("<PREFIX>: " lines, hex, decimal, escaped bytes), failed-check bookkeeping with the
 * "<probe>.allow=" list from the command line, the verdict lines, FNV-1a.
 *
 * Each probe defines out_c (its UART), probe_prefix ("PVH-PROBE: ") and
 * probe_allow_key ("pvh-probe.allow=").
 */
#ifndef PROBE_REPORT_H
#define PROBE_REPORT_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef __UINTPTR_TYPE__ uptr;

#define offsetof(t, m) __builtin_offsetof(t, m)

/* Provided by the probe: its UART, its line prefix and its allow-list key. */
void out_c(char c);
extern const char probe_prefix[];
extern const char probe_allow_key[];

/* GCC may emit calls to these. */
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);
void *memmove(void *d, const void *s, unsigned long n);
int memcmp(const void *a, const void *b, unsigned long n);

int overlaps(u64 a, u64 alen, u64 b, u64 blen);
int streq(const char *a, const char *b);
u32 fnv1a(const u8 *p, u64 n);

void out_s(const char *s);
void hexdigits(u64 v, int digits);
void putdec(u64 v);
/* Printable ASCII as is; backslash and anything else as \xNN. */
void putesc(const u8 *s, u32 len);
/* "<prefix>s" (the line goes on until eol). */
void line(const char *s);
void eol(void);

/* The loader zeroed [start, end), the probe's bss; if not, " bss=<start>-<end> nonzero@<first>"
 * and the failed check "image". */
int bss_zeroed(const u8 *start, const u8 *end);

/* Record a failed check by name (once). */
void record(const char *name);
/* Record a failed check; print " BAD: why" to end the current line. */
void bad(const char *name, const char *why);
/* The value of the command line's last word that starts with key ("<probe>.<name>="). */
int find_word(const u8 *cmd, u32 len, const char *key, const u8 **val, u32 *vlen);
/* The allow list: the value of the command line's "<probe>.allow=" word. */
void find_allow(const u8 *cmd, u32 len);
/* Prints the "allowed:" line (if any) and "RESULT PASS" or "RESULT FAIL <names>";
 * returns the number of failures not allowed. */
u32 report_verdict(void);

#endif
