/* A unified kernel image as the kernel source (boot/uki_source.c,
 * boot/kernel_source.c) against the fake fw_cfg: a UKI built from Debian's
 * systemd-stub with small random sections (fixtures/uki/uki-small-x86_64.efi,
 * LEAPBOOT_FIXTURES overrides the directory), from opt/leapboot/kernel and split
 * as QEMU's -kernel gives it; Linux's own PE heads left alone; the user's
 * command line against .cmdline; the SMBIOS extra; the joined initrd; and what
 * an observer is shown of each. */
#include <stdlib.h>
#include <string.h>

#include "kernel_source.h"
#include "measured_boot.h"
#include "arm64.h"
#include "boot_params.h"
#include "fake_fw_cfg.h"
#include "tap.h"

#define DIR_MAX	  16
#define MACHINE	  0x8664
#define SHOWN_MAX 32

/* uki-small-x86_64.efi's sections (fixtures/uki/README.md). */
static const struct uki_range want[UKI_SECTIONS] = {
    [UKI_LINUX] = {0x12600, 0x1003}, [UKI_OSREL] = {0x11400, 0xc},
    [UKI_CMDLINE] = {0x11600, 0x15}, [UKI_INITRD] = {0x11800, 0x802},
    [UKI_UCODE] = {0x12200, 0x3e9},  [UKI_SBAT] = {0x11000, 0xe2},
    [UKI_SDMAGIC] = {0x11200, 0x34},
};
static const char uki_cmdline[] = "console=ttyS0 quiet"; /* "console=ttyS0\tquiet\1\n" */
static uint8_t *uki;
static uint32_t uki_len;

/* What an observer was shown, and whether each piece held the item's bytes. */
struct shown {
	enum kernel_item item;
	uint64_t offset, len;
	bool right;
};

struct record {
	uint32_t n;
	struct shown s[SHOWN_MAX];
	const uint8_t *user_cmdline, *user_initrd;
};

static void record(void *ctx, enum kernel_item item, uint64_t offset, const void *bytes,
		   uint64_t len)
{
	struct record *r = ctx;
	const uint8_t *from = item == ITEM_CMDLINE  ? r->user_cmdline
			      : item == ITEM_INITRD ? r->user_initrd
			      : item >= ITEM_UKI(0) && item < ITEM_UKI(UKI_SECTIONS)
				  ? uki + want[item - ITEM_UKI(0)].at
				  : NULL;
	if (r->n < SHOWN_MAX)
		r->s[r->n++] =
		    (struct shown){item, offset, len, from && !memcmp(from + offset, bytes, len)};
}

/* Whether piece i was item's [offset, offset + len), with its bytes. */
static bool shown(const struct record *r, uint32_t i, enum kernel_item item, uint64_t offset,
		  uint64_t len)
{
	const struct shown *s = &r->s[i];
	return i < r->n && s->item == item && s->offset == offset && s->len == len && s->right;
}

struct setup {
	struct fake_fw_cfg dev;
	struct fw_cfg fc;
	struct fw_cfg_file dir[DIR_MAX];
	struct kernel_source src;
	struct record rec;
	struct fetch_observer obs;
	uint16_t key; /* opt/leapboot/kernel's */
	uint8_t hdr[UKI_HEADERS_MAX];
};

static void start(struct setup *t, const uint8_t *kernel, uint32_t len)
{
	memset(t, 0, sizeof(*t));
	fake_fw_cfg_init(&t->dev);
	if (kernel)
		t->key = fake_fw_cfg_add_file(&t->dev, "opt/leapboot/kernel", kernel, len);
}

/* -kernel: the file split at setup bytes, as QEMU splits an old zImage. */
static void start_split(struct setup *t, uint32_t setup)
{
	start(t, NULL, 0);
	fake_fw_cfg_add_u32(&t->dev, FW_CFG_KERNEL_SIZE, uki_len - setup);
	fake_fw_cfg_add_item(&t->dev, FW_CFG_KERNEL_DATA, uki + setup, uki_len - setup);
	fake_fw_cfg_add_u32(&t->dev, FW_CFG_SETUP_SIZE, setup);
	fake_fw_cfg_add_item(&t->dev, FW_CFG_SETUP_DATA, uki, setup);
}

/* Probes, finds the kernel, opens it as a UKI with the fw_cfg bytes read
 * counted from there. */
static status_t open_uki(struct setup *t, bool opt_only)
{
	status_t s = fw_cfg_probe(&t->fc, &fake_fw_cfg_ops, &t->dev, t->dir, DIR_MAX);
	if (!s.code)
		s = kernel_source_find(&t->fc, opt_only, &t->src);
	t->obs = (struct fetch_observer){record, &t->rec};
	t->src.observer = &t->obs;
	fake_fw_cfg_reset_counters(&t->dev);
	return s.code ? s : kernel_source_open_uki(&t->fc, &t->src, MACHINE, t->hdr);
}

static uint64_t bytes_read(const struct setup *t)
{
	return t->dev.dma_bytes + t->dev.pio_bytes;
}

static void finish(struct setup *t)
{
	fake_fw_cfg_free(&t->dev);
}

/* Every section where the file has it: key and offset in that item. */
static bool placed(const struct kernel_source *src, uint32_t split)
{
	bool right = true;
	for (uint32_t i = 0; i < UKI_SECTIONS; i++) {
		const struct kernel_part *p = &src->uki_part[i];
		bool in_setup = split && want[i].at < split;
		uint16_t key = !split ? p->key : in_setup ? FW_CFG_SETUP_DATA : FW_CFG_KERNEL_DATA;
		right = right && p->size == want[i].size &&
			(!want[i].size ||
			 (p->key == key && p->at == want[i].at - (in_setup ? 0 : split)));
	}
	return right;
}

/* The kernel fetched in two pieces: .linux's bytes, shown as ITEM_UKI(UKI_LINUX). */
static void check_kernel(struct setup *t, const char *what)
{
	uint8_t buf[0x1003];
	t->rec.n = 0;
	is_u64(kernel_source_size(&t->src, ITEM_KERNEL), sizeof(buf), "%s: the kernel is .linux",
	       what);
	ok(!kernel_source_fetch(&t->fc, &t->src, ITEM_KERNEL, 0, phys(buf), 100).code &&
	       !kernel_source_fetch(&t->fc, &t->src, ITEM_KERNEL, 100, phys(buf + 100),
				    sizeof(buf) - 100)
		    .code &&
	       !memcmp(buf, uki + want[UKI_LINUX].at, sizeof(buf)),
	   "%s: ITEM_KERNEL reads .linux's bytes", what);
	ok(t->rec.n == 2 && shown(&t->rec, 0, ITEM_UKI(UKI_LINUX), 0, 100) &&
	       shown(&t->rec, 1, ITEM_UKI(UKI_LINUX), 100, sizeof(buf) - 100),
	   "%s: shown as ITEM_UKI(UKI_LINUX), offsets in .linux", what);
}

static void test_opt(void)
{
	struct setup t;
	diag("a UKI in opt/leapboot/kernel, no command line, no initrd");
	start(&t, uki, uki_len);
	is_code(open_uki(&t, true), LB_OK, "opt: opened");
	ok(t.src.uki && placed(&t.src, 0), "opt: a UKI, every section where the file has it");
	ok(t.src.uki_part[UKI_LINUX].key == t.key, "opt: in opt/leapboot/kernel");
	is_u64(bytes_read(&t), 1024, "opt: its headers in one 1 KiB read");
	ok(!t.src.setup.size && t.src.image.key == t.key && t.src.image.size == 0x1003,
	   "opt: the image is .linux, no setup part");
	ok(t.src.uki_cmdline, "opt: no user command line: .cmdline is the command line");
	ok(!t.src.uki_extra.size, "opt: no SMBIOS tables, no extra");
	check_kernel(&t, "opt");
	finish(&t);
}

static void test_split(void)
{
	struct setup t;
	diag("a UKI as QEMU's -kernel splits it");
	start_split(&t, 512);
	is_code(open_uki(&t, false), LB_OK, "split at 512: opened, headers across both items");
	ok(t.src.uki && placed(&t.src, 512), "split at 512: every section in the image item");
	check_kernel(&t, "split at 512");
	finish(&t);

	start_split(&t, want[UKI_OSREL].at);
	is_code(open_uki(&t, false), LB_OK, "split at .osrel: opened");
	ok(t.src.uki && placed(&t.src, want[UKI_OSREL].at),
	   "split at .osrel: .sbat and .sdmagic in the setup item, the rest in the image item");
	char magic[0x34];
	ok(!kernel_source_peek(&t.fc, &t.src, ITEM_UKI(UKI_SDMAGIC), 0, phys(magic), sizeof(magic))
		   .code &&
	       !memcmp(magic, "#### LoaderInfo: systemd-stub ", 30),
	   "split at .osrel: .sdmagic read from the setup item");
	check_kernel(&t, "split at .osrel");
	finish(&t);

	static const struct {
		uint32_t split;
		enum uki_section sec;
	} inside[] = {{0x12700, UKI_LINUX}, {0x11210, UKI_SDMAGIC}, {0x11801, UKI_INITRD}};
	for (uint32_t i = 0; i < sizeof(inside) / sizeof(inside[0]); i++) {
		start_split(&t, inside[i].split);
		status_t s = open_uki(&t, false);
		ok(s.code == LB_E_UKI_SPLIT && lb_detail.a == inside[i].sec &&
		       lb_detail.b == inside[i].split,
		   "split at %#x, inside %s: LB_E_UKI_SPLIT (%llu, %#llx)", inside[i].split,
		   uki_section_name[inside[i].sec], (unsigned long long)lb_detail.a,
		   (unsigned long long)lb_detail.b);
		finish(&t);
	}
}

/* Linux's own EFI stub's heads: no UKI, nothing read past the first KiB. */
static void test_linux_heads(void)
{
	static const struct {
		uint32_t at, magic;
		const char *what;
	} heads[] = {{0x202, SETUP_HDR_MAGIC, "bzImage (HdrS at 0x202)"},
		     {0x38, ARM64_IMAGE_MAGIC, "arm64 Image (ARM\\x64 at 0x38)"}};
	uint8_t *f = malloc(uki_len);
	for (uint32_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		struct setup t;
		/* The UKI itself but for the magic: only the magic can stop it. */
		memcpy(f, uki, uki_len);
		memcpy(f + heads[i].at, &heads[i].magic, 4);
		start(&t, f, uki_len);
		is_code(open_uki(&t, true), LB_OK, "%s: fine", heads[i].what);
		ok(!t.src.uki && t.src.image.key == t.key && t.src.image.size == uki_len,
		   "%s: left as it is", heads[i].what);
		ok(bytes_read(&t) <= 1024, "%s: %llu bytes read", heads[i].what,
		   (unsigned long long)bytes_read(&t));
		finish(&t);
	}
	free(f);
}

/* QEMU's -append and opt/leapboot/cmdline: which replace .cmdline. */
static void test_user_cmdline(void)
{
	static const struct {
		const char *text;
		uint32_t len; /* 0: no item */
		const char *cmdline;
	} cases[] = {
	    {"", 0, uki_cmdline},
	    {"", 1, uki_cmdline},		  /* -append "" */
	    {"\nroot=/dev/vda", 15, uki_cmdline}, /* a control character first */
	    {"quiet splash\n", 14, "quiet splash"},
	};
	for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (int split = 0; split < 2; split++) {
			struct setup t;
			char buf[256], what[64];
			uint32_t len;
			bool user = cases[i].cmdline != uki_cmdline;
			snprintf(what, sizeof(what), "%s, user's %u bytes",
				 split ? "-kernel" : "opt", cases[i].len);
			if (split) {
				start_split(&t, 512);
				fake_fw_cfg_add_u32(&t.dev, FW_CFG_CMDLINE_SIZE, cases[i].len);
				fake_fw_cfg_add_item(&t.dev, FW_CFG_CMDLINE_DATA, cases[i].text,
						     cases[i].len);
			} else {
				start(&t, uki, uki_len);
				if (cases[i].len)
					fake_fw_cfg_add_file(&t.dev, "opt/leapboot/cmdline",
							     cases[i].text, cases[i].len);
			}
			t.rec.user_cmdline = (const uint8_t *)cases[i].text;
			is_code(open_uki(&t, !split), LB_OK, "%s: opened", what);
			ok(t.src.uki_cmdline == !user, "%s: %s", what,
			   user ? "the user's command line" : ".cmdline");
			t.rec.n = 0;
			is_code(kernel_source_cmdline(&t.fc, &t.src, 2048, buf, sizeof(buf), &len),
				LB_OK, "%s: read", what);
			is_str(buf, cases[i].cmdline, "%s: the command line", what);
			is_u64(len, strlen(cases[i].cmdline), "%s: its length", what);
			ok(t.rec.n == 1 &&
			       shown(&t.rec, 0, user ? ITEM_CMDLINE : ITEM_UKI(UKI_CMDLINE), 0,
				     user ? cases[i].len : want[UKI_CMDLINE].size),
			   "%s: shown whole as %s", what,
			   user ? "ITEM_CMDLINE" : "ITEM_UKI(.cmdline)");
			finish(&t);
		}
}

/* A table: a type 1, the OEM strings, the end. */
static uint32_t smbios_table(uint8_t *t, const char *strings, uint32_t len)
{
	static const uint8_t type1[] = {1, 4, 0x00, 0x01, 'x', 0, 0};
	static const uint8_t type11[] = {11, 5, 0x00, 0x0B, 2};
	static const uint8_t end[] = {127, 4, 0xFF, 0xFF, 0, 0};
	uint32_t n = 0;
	memcpy(t, type1, sizeof(type1));
	n += sizeof(type1);
	memcpy(t + n, type11, sizeof(type11));
	n += sizeof(type11);
	memcpy(t + n, strings, len);
	n += len;
	memcpy(t + n, end, sizeof(end));
	return n + sizeof(end);
}

static const char oem[] =
    "foo=bar\0io.systemd.stub.kernel-cmdline-extra=systemd.log_level=debug\0"; /* and the NUL that
										  ends the strings
										*/

/* A UKI with the SMBIOS extra, the user's command line if any. */
static void start_extra(struct setup *t, const char *user)
{
	uint8_t table[256];
	start(t, uki, uki_len);
	if (user)
		fake_fw_cfg_add_file(&t->dev, "opt/leapboot/cmdline", user, (uint32_t)strlen(user));
	fake_fw_cfg_add_file(&t->dev, "etc/smbios/smbios-tables", table,
			     smbios_table(table, oem, sizeof(oem)));
	t->rec.user_cmdline = (const uint8_t *)user;
}

static void test_extra(void)
{
	static const char extra[] = "systemd.log_level=debug";
	struct setup t;
	char buf[256], joined[256];
	uint32_t len, n;

	diag("io.systemd.stub.kernel-cmdline-extra in an SMBIOS type 11");
	start_extra(&t, NULL);
	is_code(open_uki(&t, true), LB_OK, "extra: opened");
	is_u64(t.src.uki_extra.size, strlen(extra), "extra: its value's length");
	snprintf(joined, sizeof(joined), "%s %s", uki_cmdline, extra);
	n = (uint32_t)strlen(joined);
	is_code(kernel_source_cmdline(&t.fc, &t.src, n, buf, sizeof(buf), &len), LB_OK,
		"extra: .cmdline and the extra, max %u", n);
	is_str(buf, joined, "extra: after .cmdline and a space");
	is_u64(len, n, "extra: the whole length");
	ok(t.rec.n == 1 && shown(&t.rec, 0, ITEM_UKI(UKI_CMDLINE), 0, want[UKI_CMDLINE].size),
	   "extra: only .cmdline shown");
	status_t s = kernel_source_cmdline(&t.fc, &t.src, n - 1, buf, sizeof(buf), &len);
	ok(s.code == LB_E_CMDLINE_TOO_LONG && lb_detail.a == n && lb_detail.b == n - 1,
	   "extra: max %u: LB_E_CMDLINE_TOO_LONG (%llu, %llu)", n - 1,
	   (unsigned long long)lb_detail.a, (unsigned long long)lb_detail.b);
	is_code(kernel_source_cmdline(&t.fc, &t.src, 2048, buf, n, &len), LB_E_CMDLINE_TOO_LONG,
		"extra: a buffer without room for its NUL: LB_E_CMDLINE_TOO_LONG");
	is_code(kernel_source_cmdline(&t.fc, &t.src, 2048, buf, n + 1, &len), LB_OK,
		"extra: a buffer just big enough");
	finish(&t);

	start_extra(&t, "quiet\n");
	is_code(open_uki(&t, true), LB_OK, "extra, user's: opened");
	is_code(kernel_source_cmdline(&t.fc, &t.src, 2048, buf, sizeof(buf), &len), LB_OK,
		"extra, user's: read");
	is_str(buf, "quiet systemd.log_level=debug", "extra, user's: after the user's");

	/* Measuring: what the boot did not fetch is shown, the rest described. */
	struct measured_kernel k = {0};
	uint64_t initrd = 1;
	t.rec.n = 0;
	is_code(kernel_source_measured_uki(&t.fc, &t.src, len, 0, &k, &initrd), LB_OK,
		"measured: described");
	ok(k.uki == &t.src && k.uki_stub == 252, "measured: systemd-stub %u from .sdmagic",
	   k.uki_stub);
	ok(k.user_cmdline_len == 5 && k.extra_len == strlen(extra),
	   "measured: the user's 5 bytes for PCR 12, then the extra's %u", k.extra_len);
	is_u64(initrd, 0, "measured: the image's initrds are its sections, no user initrd");
	ok(t.rec.n == 2 && shown(&t.rec, 0, ITEM_UKI(UKI_OSREL), 0, want[UKI_OSREL].size) &&
	       shown(&t.rec, 1, ITEM_UKI(UKI_CMDLINE), 0, want[UKI_CMDLINE].size),
	   "measured: .osrel and the unused .cmdline shown (not .sbat under 252, not .sdmagic)");
	t.rec.n = 0;
	is_code(kernel_source_measured_uki(&t.fc, &t.src, len, 1u << UKI_OSREL, &k, &initrd), LB_OK,
		"measured, .osrel fetched: described");
	ok(t.rec.n == 1 && shown(&t.rec, 0, ITEM_UKI(UKI_CMDLINE), 0, want[UKI_CMDLINE].size),
	   "measured, .osrel fetched: only .cmdline shown");
	finish(&t);
}

static bool all(const uint8_t *p, uint8_t v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void test_initrd(void)
{
	enum { UCODE = 0x3e9, INITRD = 0x802, USER = 333, PAD = 16 };
	uint8_t user[USER], dst[4096];
	for (uint32_t i = 0; i < USER; i++)
		user[i] = (uint8_t)(i * 13 + 1);

	for (int with_user = 0; with_user < 2; with_user++) {
		struct setup t;
		const char *what = with_user ? "initrd, user's too" : "initrd";
		uint32_t size = 1004 + 2052 + (with_user ? USER : 0);
		start(&t, uki, uki_len);
		if (with_user)
			fake_fw_cfg_add_file(&t.dev, "opt/leapboot/initrd", user, USER);
		t.rec.user_initrd = user;
		is_code(open_uki(&t, true), LB_OK, "%s: opened", what);
		is_u64(kernel_source_initrd_size(&t.src), size,
		       "%s: .ucode and .initrd each padded to 4 bytes", what);
		memset(dst, 0xAA, sizeof(dst));
		is_code(kernel_source_fetch_initrd(&t.fc, &t.src, phys(dst)), LB_OK, "%s: fetched",
			what);
		ok(!memcmp(dst, uki + want[UKI_UCODE].at, UCODE) && all(dst + UCODE, 0, 3) &&
		       !memcmp(dst + 1004, uki + want[UKI_INITRD].at, INITRD) &&
		       all(dst + 1004 + INITRD, 0, 2),
		   "%s: .ucode, zeros, .initrd, zeros", what);
		ok(!with_user || !memcmp(dst + 3056, user, USER), "%s: then the user's", what);
		ok(all(dst + size, 0xAA, PAD), "%s: nothing written beyond", what);
		ok(t.rec.n == 2u + with_user && shown(&t.rec, 0, ITEM_UKI(UKI_UCODE), 0, UCODE) &&
		       shown(&t.rec, 1, ITEM_UKI(UKI_INITRD), 0, INITRD) &&
		       (!with_user || shown(&t.rec, 2, ITEM_INITRD, 0, USER)),
		   "%s: each part shown whole, as its own item", what);
		finish(&t);
	}
}

static uint8_t *load(const char *name, uint32_t *len)
{
	const char *d = getenv("LEAPBOOT_FIXTURES");
	char path[512];
	snprintf(path, sizeof(path), "%s/uki/%s", d && *d ? d : "tests/unit/fixtures", name);
	FILE *f = fopen(path, "rb");
	uint8_t *p = malloc(1 << 20);
	*len = f ? (uint32_t)fread(p, 1, 1 << 20, f) : 0;
	if (f)
		fclose(f);
	return p;
}

int main(void)
{
	uki = load("uki-small-x86_64.efi", &uki_len);
	if (!ok(uki_len >= want[UKI_LINUX].at + want[UKI_LINUX].size,
		"fixture uki-small-x86_64.efi read (%u bytes)", uki_len))
		return done_testing();
	test_opt();
	test_split();
	test_linux_heads();
	test_user_cmdline();
	test_extra();
	test_initrd();
	free(uki);
	return done_testing();
}
