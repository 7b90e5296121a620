/* ACPI table-loader interpreter (boot/acpi.c): QEMU 7.2's own scripts for pc, q35
 * and microvm run against the blobs captured with them (tests/unit/fixtures), then
 * hand-made hostile scripts, each of which must fail with its exact code without a
 * byte written outside the allocated blobs and without a fw_cfg write.
 *
 * The test environment is a tiny fw_cfg of named files in memory behind struct
 * acpi_loader_ops: allocate() hands out host buffers framed by canary bytes, at
 * fake guest addresses (HIGH blobs top-down from 512 MiB, so the 128 KiB pc/q35
 * tables land at 0x1FFE0000; FSEG blobs bottom-up from 0xF5360); write_file()
 * records every write. LEAPBOOT_FIXTURES overrides the fixture directory. */
#include <stdlib.h>
#include <string.h>

#include "../../boot/acpi.h"
#include "../../boot/checksum.h"
#include "tap.h"
#include "bytes.h"

/* Undefined behaviour fails the test instead of only printing a line. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

#define GUARD	   64 /* canary bytes on each side of every blob */
#define HIGH_TOP   0x20000000u
#define FSEG_BASE  0xF5360u
#define FSEG_END   0x100000u
#define MAX_FILES  48
#define MAX_ALLOCS 24
#define MAX_WRITES 8
#define MIB	   (1u << 20)

static uint8_t canary(uint32_t i)
{
	return (uint8_t)(0xA5 ^ (i * 29));
}

struct file {
	char name[LOADER_FILESZ + 1]; /* up to 56 characters, always terminated here */
	uint8_t *data;		      /* NULL: size zero bytes (large synthetic files) */
	uint32_t size;
};

struct alloc {
	char name[LOADER_FILESZ + 1];
	uint8_t *raw; /* GUARD canaries, the blob, GUARD canaries */
	uint32_t size, align;
	uint8_t zone;
	uint64_t addr;
	const struct file *file;
};

struct write {
	char name[LOADER_FILESZ + 1];
	uint32_t offset, len;
	uint8_t data[8];
};

struct env {
	struct file files[MAX_FILES];
	unsigned nfiles;
	struct alloc allocs[MAX_ALLOCS];
	unsigned nallocs;
	struct write writes[MAX_WRITES];
	unsigned nwrites;
	uint64_t high_top, fseg_next, fseg_end;
	bool fail_writes; /* write_file returns an error */
	unsigned file_size_calls;
	unsigned violations; /* calls the interpreter must never make */
};

static void env_init(struct env *env)
{
	memset(env, 0, sizeof(*env));
	env->high_top = HIGH_TOP;
	env->fseg_next = FSEG_BASE;
	env->fseg_end = FSEG_END;
}

static void env_free(struct env *env)
{
	for (unsigned i = 0; i < env->nfiles; i++)
		free(env->files[i].data);
	for (unsigned i = 0; i < env->nallocs; i++)
		free(env->allocs[i].raw);
	memset(env, 0, sizeof(*env));
}

/* Adds a file; data is copied (NULL: zeros, not stored). Names of 56 characters
 * have no NUL in the table-loader's field. */
static struct file *env_add_file(struct env *env, const char *name, const void *data, uint32_t size)
{
	struct file *f = &env->files[env->nfiles++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->size = size;
	if (data) {
		f->data = malloc(size ? size : 1);
		memcpy(f->data, data, size);
	}
	return f;
}

/* A name as the interpreter passes it: must be terminated within the field. */
static struct file *env_find(struct env *env, const char *name)
{
	size_t n = strnlen(name, LOADER_FILESZ);
	if (n == LOADER_FILESZ) {
		env->violations++;
		return NULL;
	}
	for (unsigned i = 0; i < env->nfiles; i++)
		if (strlen(env->files[i].name) == n && memcmp(env->files[i].name, name, n) == 0)
			return &env->files[i];
	return NULL;
}

static bool env_find_file(void *ctx, const char *name, uint32_t len, uint32_t *size, uint32_t *file)
{
	struct env *env = ctx;
	env->file_size_calls++;
	struct file *f = env_find(env, name);
	if (f && strlen(name) != len)
		env->violations++;
	if (!f)
		return false;
	*size = f->size;
	*file = (uint32_t)(f - env->files);
	return true;
}

/* The file behind a handle from env_find_file; NULL (a violation) for another. */
static struct file *env_file(struct env *env, uint32_t file)
{
	if (file < env->nfiles)
		return &env->files[file];
	env->violations++;
	return NULL;
}

static status_t env_allocate(void *ctx, uint32_t file, uint32_t size, uint32_t align, uint8_t zone,
			     uint64_t *addr, uint8_t **mem)
{
	struct env *env = ctx;
	struct file *f = env_file(env, file);
	uint64_t a;

	if (!f || f->size != size || !size || !align || (align & (align - 1)) ||
	    (zone != LOADER_ZONE_HIGH && zone != LOADER_ZONE_FSEG) || env->nallocs == MAX_ALLOCS) {
		env->violations++;
		return lb_fail(LB_E_TABLES_NO_ROOM, size, align);
	}
	if (zone == LOADER_ZONE_HIGH) {
		if (size > env->high_top)
			return lb_fail(LB_E_TABLES_NO_ROOM, size, env->high_top);
		a = (env->high_top - size) & ~(uint64_t)(align - 1);
		env->high_top = a;
	} else {
		a = (env->fseg_next + align - 1) & ~(uint64_t)(align - 1);
		if (a + size > env->fseg_end)
			return lb_fail(LB_E_TABLES_NO_ROOM, size, env->fseg_end - env->fseg_next);
		env->fseg_next = a + size;
	}
	struct alloc *al = &env->allocs[env->nallocs++];
	memcpy(al->name, f->name, sizeof(al->name));
	al->size = size;
	al->align = align;
	al->zone = zone;
	al->addr = a;
	al->file = f;
	al->raw = calloc(1, (size_t)size + 2 * GUARD);
	for (uint32_t i = 0; i < GUARD; i++) {
		al->raw[i] = canary(i);
		al->raw[GUARD + size + i] = canary(GUARD + i);
	}
	if (f->data)
		memcpy(al->raw + GUARD, f->data, size);
	*addr = a;
	*mem = al->raw + GUARD;
	return lb_ok();
}

static status_t env_write_file(void *ctx, uint32_t file, uint32_t offset, const void *data,
			       uint32_t len)
{
	struct env *env = ctx;
	struct file *f = env_file(env, file);
	if (!f || offset > f->size || len > f->size - offset || len > 8 ||
	    env->nwrites == MAX_WRITES) {
		env->violations++;
		return lb_fail(LB_E_FWCFG_DMA_ERROR, offset, len);
	}
	if (env->fail_writes)
		return lb_fail(LB_E_FWCFG_DMA_ERROR, offset, len);
	struct write *w = &env->writes[env->nwrites++];
	memcpy(w->name, f->name, sizeof(w->name));
	w->offset = offset;
	w->len = len;
	memcpy(w->data, data, len);
	if (f->data)
		memcpy(f->data + offset, data, len);
	return lb_ok();
}

static const struct acpi_loader_ops env_ops = {
    .find_file = env_find_file,
    .allocate = env_allocate,
    .write_file = env_write_file,
};

static bool env_canaries_ok(const struct env *env)
{
	for (unsigned i = 0; i < env->nallocs; i++) {
		const struct alloc *al = &env->allocs[i];
		for (uint32_t j = 0; j < GUARD; j++)
			if (al->raw[j] != canary(j) ||
			    al->raw[GUARD + al->size + j] != canary(GUARD + j))
				return false;
	}
	return true;
}

/* Bytes of the blob that differ from its file. */
static uint32_t alloc_changed(const struct alloc *al)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < al->size; i++)
		n += al->raw[GUARD + i] != (al->file->data ? al->file->data[i] : 0);
	return n;
}

static bool env_blobs_pristine(const struct env *env)
{
	for (unsigned i = 0; i < env->nallocs; i++)
		if (alloc_changed(&env->allocs[i]))
			return false;
	return true;
}

static struct alloc *env_alloc(struct env *env, const char *name)
{
	for (unsigned i = 0; i < env->nallocs; i++)
		if (strcmp(env->allocs[i].name, name) == 0)
			return &env->allocs[i];
	return NULL;
}

/* Host address of guest [addr, addr + len) if it lies inside one blob. */
static uint8_t *env_host(const struct env *env, uint64_t addr, uint64_t len)
{
	for (unsigned i = 0; i < env->nallocs; i++) {
		const struct alloc *al = &env->allocs[i];
		if (addr >= al->addr && addr - al->addr <= al->size &&
		    len <= al->size - (addr - al->addr))
			return al->raw + GUARD + (addr - al->addr);
	}
	return NULL;
}

static uint8_t *read_whole(const char *path, uint32_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	*len = (uint32_t)n;
	return buf;
}

static const char *fixture_dir(void)
{
	const char *d = getenv("LEAPBOOT_FIXTURES");
	return d && *d ? d : "tests/unit/fixtures";
}

/* Adds fixtures/<machine>/<name> as fw_cfg file <name>; false if unreadable. */
static bool env_add_fixture(struct env *env, const char *machine, const char *name)
{
	char path[512];
	uint32_t len;
	snprintf(path, sizeof(path), "%s/%s/%s", fixture_dir(), machine, name);
	uint8_t *data = read_whole(path, &len);
	if (!data) {
		diag("cannot read %s", path);
		return false;
	}
	env_add_file(env, name, data, len);
	free(data);
	return true;
}

/* --- building scripts ------------------------------------------------------- */

struct script {
	struct loader_entry e[40];
	uint32_t n;
};

static struct loader_entry *s_new(struct script *s, uint32_t command)
{
	struct loader_entry *e = &s->e[s->n++];
	memset(e, 0, sizeof(*e));
	e->command = command;
	return e;
}

/* Copies a name into a 56-byte field; a name of 56 characters fills it. */
static void set_name(char *field, const char *name)
{
	memset(field, 0, LOADER_FILESZ);
	memcpy(field, name, strnlen(name, LOADER_FILESZ));
}

static void s_alloc(struct script *s, const char *file, uint32_t align, uint8_t zone)
{
	struct loader_entry *e = s_new(s, LOADER_ALLOCATE);
	set_name(e->alloc.file, file);
	e->alloc.align = align;
	e->alloc.zone = zone;
}

static void s_ptr(struct script *s, const char *dst, const char *src, uint32_t offset, uint8_t size)
{
	struct loader_entry *e = s_new(s, LOADER_ADD_POINTER);
	set_name(e->pointer.dest_file, dst);
	set_name(e->pointer.src_file, src);
	e->pointer.offset = offset;
	e->pointer.size = size;
}

static void s_cksum(struct script *s, const char *file, uint32_t offset, uint32_t start,
		    uint32_t length)
{
	struct loader_entry *e = s_new(s, LOADER_ADD_CHECKSUM);
	set_name(e->cksum.file, file);
	e->cksum.offset = offset;
	e->cksum.start = start;
	e->cksum.length = length;
}

static void s_wrptr(struct script *s, const char *dst, const char *src, uint32_t dst_offset,
		    uint32_t src_offset, uint8_t size)
{
	struct loader_entry *e = s_new(s, LOADER_WRITE_POINTER);
	set_name(e->wr_pointer.dest_file, dst);
	set_name(e->wr_pointer.src_file, src);
	e->wr_pointer.dst_offset = dst_offset;
	e->wr_pointer.src_offset = src_offset;
	e->wr_pointer.size = size;
}

/* --- the synthetic fw_cfg ----------------------------------------------------- */

#define RSDP	    "etc/acpi/rsdp"
#define TABLES	    "etc/acpi/tables"
#define GUID	    "etc/vmgenid_guid"
#define GUID_PTR    "etc/vmgenid_addr"
#define LONGNAME    "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN" /* 56 */
#define TABLES_SIZE 4096
#define FF_START    2048 /* tables: zeros, then 0xFF from here on */
#define TABLES_INIT 16	 /* tables: a little-endian 0x24 here */

_Static_assert(sizeof(LONGNAME) == LOADER_FILESZ + 1, "a 56-character name");

static void env_synthetic(struct env *env)
{
	uint8_t rsdp[36] = "RSD PTR ";
	static uint8_t tables[TABLES_SIZE];
	static uint8_t guid[4096];
	uint8_t guid_addr[8] = {0};
	uint8_t small[16] = {0};

	env_init(env);
	memset(tables, 0, sizeof(tables));
	memset(tables + FF_START, 0xFF, sizeof(tables) - FF_START);
	tables[TABLES_INIT] = 0x24;
	env_add_file(env, RSDP, rsdp, sizeof(rsdp));
	env_add_file(env, TABLES, tables, sizeof(tables));
	env_add_file(env, GUID, guid, sizeof(guid));
	env_add_file(env, GUID_PTR, guid_addr, sizeof(guid_addr));
	env_add_file(env, "etc/empty", NULL, 0);
	env_add_file(env, "etc/huge", NULL, 16 * MIB + 1);
	env_add_file(env, "etc/max", NULL, 16 * MIB);
	env_add_file(env, LONGNAME, small, sizeof(small));
	env_add_file(env, "etc/short-rsdp", "RSD PTR 0123456", 16);
	for (unsigned i = 0; i <= ACPI_MAX_BLOBS; i++) {
		char name[16];
		snprintf(name, sizeof(name), "blob%02u", i);
		env_add_file(env, name, small, sizeof(small));
	}
}

/* Every hostile script starts with these: rsdp (FSEG) and tables (HIGH). */
static void s_base(struct script *s)
{
	s->n = 0;
	s_alloc(s, RSDP, 16, LOADER_ZONE_FSEG);
	s_alloc(s, TABLES, 64, LOADER_ZONE_HIGH);
}

static status_t run_script(struct env *env, struct acpi_loader *l, const struct script *s)
{
	return acpi_run_loader(l, s->e, s->n * (uint32_t)sizeof(struct loader_entry), &env_ops,
			       env);
}

static const char *code_name(int code)
{
	switch (code) {
#define C(x)                                                                                       \
	case x:                                                                                    \
		return #x
		C(LB_OK);
		C(LB_E_ACPI_BAD_SCRIPT);
		C(LB_E_ACPI_BAD_NAME);
		C(LB_E_ACPI_DOUBLE_ALLOC);
		C(LB_E_ACPI_NO_FILE);
		C(LB_E_ACPI_BAD_ALIGN);
		C(LB_E_ACPI_BAD_ZONE);
		C(LB_E_ACPI_BAD_SIZE);
		C(LB_E_ACPI_TOO_MANY);
		C(LB_E_ACPI_NOT_ALLOCATED);
		C(LB_E_ACPI_BAD_POINTER_SIZE);
		C(LB_E_ACPI_OUT_OF_BLOB);
		C(LB_E_ACPI_POINTER_OVERFLOW);
		C(LB_E_TABLES_NO_ROOM);
		C(LB_E_FWCFG_DMA_ERROR);
#undef C
	}
	return "another code";
}

/* The script must fail with code at command index, leaving every canary and every
 * blob as it was, with nothing written to fw_cfg. */
static void expect_fail(const char *what, const struct script *s, int code, uint32_t index)
{
	struct env env;
	struct acpi_loader l;
	env_synthetic(&env);
	status_t st = run_script(&env, &l, s);
	if (!is_code(st, code, "%s -> %s", what, code_name(code)))
		diag("got %s (a=%#llx b=%#llx)", code_name(st.code),
		     (unsigned long long)lb_detail.a, (unsigned long long)lb_detail.b);
	is_u64(lb_detail.a, index, "%s: reported at command %u", what, index);
	bool canaries = env_canaries_ok(&env), pristine = env_blobs_pristine(&env);
	ok(canaries && pristine && env.nwrites == 0 && env.violations == 0,
	   "%s: canaries intact, blobs untouched, no fw_cfg write", what);
	if (!canaries || !pristine || env.nwrites || env.violations)
		diag("canaries %d, pristine %d, writes %u, violations %u", canaries, pristine,
		     env.nwrites, env.violations);
	env_free(&env);
}

/* The script must run; returns with env still set up for inspection. */
static bool expect_ok(const char *what, struct env *env, struct acpi_loader *l,
		      const struct script *s)
{
	env_synthetic(env);
	status_t st = run_script(env, l, s);
	bool pass = is_code(st, LB_OK, "%s runs", what);
	if (!pass)
		diag("got %s (a=%#llx b=%#llx)", code_name(st.code),
		     (unsigned long long)lb_detail.a, (unsigned long long)lb_detail.b);
	ok(env_canaries_ok(env) && env->violations == 0, "%s: canaries intact", what);
	return pass;
}

/* --- QEMU's scripts ------------------------------------------------------------ */

struct machine {
	const char *name;
	const char *root;     /* "RSDT" or "XSDT" */
	const char *list[8];  /* signatures the root lists, in order */
	bool facs;	      /* FADT points to a FACS */
	uint64_t tables_addr; /* where the fake puts etc/acpi/tables */
};

static const struct machine machines[] = {
    {"pc", "RSDT", {"FACP", "APIC", "HPET", "WAET"}, true, 0x1FFE0000},
    {"q35", "RSDT", {"FACP", "APIC", "HPET", "MCFG", "WAET"}, true, 0x1FFE0000},
    /* 738 bytes, 64-aligned below 512 MiB */
    {"microvm", "XSDT", {"FACP", "APIC"}, false, 0x1FFFFD00},
};

/* Why the table at guest addr is not valid (NULL if it is): a header inside a blob,
 * the signature (if sig), a length inside the blob and, unless FACS, byte sum 0. */
static const char *table_problem(const struct env *env, uint64_t addr, const char *sig,
				 const uint8_t **out)
{
	static char why[96];
	const uint8_t *h = env_host(env, addr, 36);
	if (sig && strcmp(sig, "FACS") == 0)
		h = env_host(env, addr, 8);
	if (!h)
		return "header not inside an allocated blob";
	if (sig && memcmp(h, sig, 4) != 0) {
		snprintf(why, sizeof(why), "signature %.4s, want %s", (const char *)h, sig);
		return why;
	}
	uint32_t len = le32(h + 4);
	bool facs = memcmp(h, "FACS", 4) == 0;
	if (len < (facs ? 64u : 36u) || !env_host(env, addr, len)) {
		snprintf(why, sizeof(why), "length %u does not fit in its blob", len);
		return why;
	}
	if (!facs && sum8(h, len) != 0) {
		snprintf(why, sizeof(why), "byte sum %#x over %u bytes", sum8(h, len), len);
		return why;
	}
	if (out)
		*out = h;
	return NULL;
}

static bool check_table(const struct env *env, const char *m, uint64_t addr, const char *sig,
			const char *what, const uint8_t **out)
{
	const char *why = table_problem(env, addr, sig, out);
	ok(!why, "%s: %s at %#llx is a valid table", m, what, (unsigned long long)addr);
	if (why)
		diag("%s", why);
	return !why;
}

/* Upper bound on the bytes of blob name the script may change: its pointers'
 * sizes plus one per checksum. */
static uint32_t change_budget(const uint8_t *script, uint32_t len, const char *name)
{
	uint32_t budget = 0;
	for (uint32_t i = 0; i + 128 <= len; i += 128) {
		struct loader_entry e;
		memcpy(&e, script + i, sizeof(e));
		if (e.command == LOADER_ADD_POINTER && strncmp(e.pointer.dest_file, name, 56) == 0)
			budget += e.pointer.size;
		if (e.command == LOADER_ADD_CHECKSUM && strncmp(e.cksum.file, name, 56) == 0)
			budget++;
	}
	return budget;
}

static void test_fixture(const struct machine *mc)
{
	const char *m = mc->name;
	struct env env;
	struct acpi_loader l;
	uint32_t len;
	char path[512];

	env_init(&env);
	snprintf(path, sizeof(path), "%s/%s/etc/table-loader", fixture_dir(), m);
	uint8_t *script = read_whole(path, &len);
	if (!ok(script && env_add_fixture(&env, m, "etc/acpi/rsdp") &&
		    env_add_fixture(&env, m, "etc/acpi/tables"),
		"%s: fixture files readable (run from the repository root or set "
		"LEAPBOOT_FIXTURES)",
		m)) {
		free(script);
		env_free(&env);
		return;
	}

	status_t st = acpi_run_loader(&l, script, len, &env_ops, &env);
	if (!is_code(st, LB_OK, "%s: QEMU's table-loader (%u commands) runs", m, len / 128))
		diag("got %s (a=%#llx b=%#llx)", code_name(st.code),
		     (unsigned long long)lb_detail.a, (unsigned long long)lb_detail.b);
	is_u64(l.nblobs, 2, "%s: two blobs allocated", m);
	ok(env_canaries_ok(&env), "%s: no guard byte changed", m);
	is_u64(env.nwrites, 0, "%s: no fw_cfg write (no WRITE_POINTER in the script)", m);
	is_u64(env.violations, 0, "%s: every callback call was well-formed", m);

	struct alloc *rs = env_alloc(&env, "etc/acpi/rsdp"),
		     *tb = env_alloc(&env, "etc/acpi/tables");
	if (!ok(rs && tb, "%s: etc/acpi/rsdp and etc/acpi/tables allocated", m))
		goto out;
	is_u64(rs->addr, FSEG_BASE, "%s: RSDP in the F-segment at 0xF5360", m);
	is_u64(tb->addr, mc->tables_addr, "%s: tables at %#llx (HIGH)", m,
	       (unsigned long long)mc->tables_addr);
	ok(alloc_changed(tb) <= change_budget(script, len, "etc/acpi/tables"),
	   "%s: tables: %u bytes changed, at most the pointers and checksums (%u)", m,
	   alloc_changed(tb), change_budget(script, len, "etc/acpi/tables"));

	const struct acpi_blob *b = acpi_find_rsdp(&l);
	if (!ok(b && strcmp(b->name, "etc/acpi/rsdp") == 0 && b->mem == rs->raw + GUARD &&
		    b->addr == rs->addr,
		"%s: acpi_find_rsdp finds the RSDP blob", m))
		goto out;
	const uint8_t *r = b->mem;
	is_u64(sum8(r, 20), 0, "%s: RSDP checksum (20 bytes)", m);
	uint8_t rev = r[15];
	uint64_t root = le32(r + 16);
	unsigned entsize = 4;
	if (rev >= 2) {
		uint32_t xlen = le32(r + 20);
		ok(xlen >= 36 && xlen <= b->size, "%s: RSDP revision %u, length %u", m, rev, xlen);
		is_u64(sum8(r, xlen <= b->size ? xlen : b->size), 0, "%s: RSDP extended checksum",
		       m);
		if (le64(r + 24)) {
			root = le64(r + 24);
			entsize = 8;
		}
	}
	ok(root >= tb->addr && root < tb->addr + tb->size,
	   "%s: RSDP's %s address %#llx is inside the tables blob", m, mc->root,
	   (unsigned long long)root);
	const uint8_t *rt = NULL;
	if (!check_table(&env, m, root, mc->root, mc->root, &rt))
		goto out;

	unsigned want = 0, n = (le32(rt + 4) - 36) / entsize;
	while (want < 8 && mc->list[want])
		want++;
	is_u64(n, want, "%s: %s lists %u tables", m, mc->root, want);
	const uint8_t *fadt = NULL;
	for (unsigned i = 0; i < n && i < want; i++) {
		uint64_t a = entsize == 8 ? le64(rt + 36 + 8 * i) : le32(rt + 36 + 4 * i);
		const uint8_t *t = NULL;
		char what[32];
		snprintf(what, sizeof(what), "%s[%u] %s", mc->root, i, mc->list[i]);
		if (check_table(&env, m, a, mc->list[i], what, &t) && i == 0)
			fadt = t;
	}
	if (!ok(fadt, "%s: FADT found", m))
		goto out;
	uint32_t flen = le32(fadt + 4);
	uint64_t dsdt = le32(fadt + 40), xdsdt = flen >= 148 ? le64(fadt + 140) : 0;
	ok(dsdt || xdsdt, "%s: FADT points to a DSDT", m);
	ok(!dsdt || !xdsdt || dsdt == xdsdt, "%s: FADT DSDT and X_DSDT agree", m);
	check_table(&env, m, xdsdt ? xdsdt : dsdt, "DSDT", "FADT->DSDT", NULL);
	uint64_t facs = le32(fadt + 36), xfacs = flen >= 140 ? le64(fadt + 132) : 0;
	if (mc->facs) {
		ok(!facs || !xfacs || facs == xfacs, "%s: FADT FACS and X_FACS agree", m);
		check_table(&env, m, xfacs ? xfacs : facs, "FACS", "FADT->FACS", NULL);
	} else {
		ok(!facs && !xfacs, "%s: hardware-reduced ACPI: no FACS", m);
	}

	/* Rerunning with the same struct starts from no blobs. */
	struct env env2;
	env_init(&env2);
	env_add_fixture(&env2, m, "etc/acpi/rsdp");
	env_add_fixture(&env2, m, "etc/acpi/tables");
	st = acpi_run_loader(&l, script, len, &env_ops, &env2);
	ok(st.code == LB_OK && l.nblobs == 2 &&
	       memcmp(env2.allocs[1].raw, tb->raw, tb->size + 2 * GUARD) == 0,
	   "%s: a second run with the same loader struct gives the same tables", m);
	env_free(&env2);

	/* A truncated script allocates nothing. */
	env_init(&env2);
	env_add_fixture(&env2, m, "etc/acpi/rsdp");
	env_add_fixture(&env2, m, "etc/acpi/tables");
	st = acpi_run_loader(&l, script, len - 1, &env_ops, &env2);
	ok(st.code == LB_E_ACPI_BAD_SCRIPT && lb_detail.a == len - 1 && env2.nallocs == 0 &&
	       env2.file_size_calls == 0,
	   "%s: the script one byte short -> LB_E_ACPI_BAD_SCRIPT before any command", m);
	env_free(&env2);

	/* A bad command after QEMU's: reported at its index, canaries intact. */
	uint8_t *longer = calloc(1, len + 128);
	memcpy(longer, script, len);
	struct script extra = {.n = 0};
	s_ptr(&extra, "etc/acpi/tables", "etc/acpi/rsdp", (uint32_t)tb->size - 2, 4);
	memcpy(longer + len, &extra.e[0], 128);
	env_init(&env2);
	env_add_fixture(&env2, m, "etc/acpi/rsdp");
	env_add_fixture(&env2, m, "etc/acpi/tables");
	st = acpi_run_loader(&l, longer, len + 128, &env_ops, &env2);
	ok(st.code == LB_E_ACPI_OUT_OF_BLOB && lb_detail.a == len / 128 && env_canaries_ok(&env2),
	   "%s: a pointer across the tables' end after QEMU's commands -> OUT_OF_BLOB at %u, "
	   "canaries intact",
	   m, len / 128);
	env_free(&env2);
	free(longer);
out:
	free(script);
	env_free(&env);
}

/* --- hostile scripts: ALLOCATE ---------------------------------------------- */

static void test_script_length(void)
{
	static const uint32_t lens[] = {1, 127, 129, 255, 4095};
	static uint8_t buf[4096];
	struct acpi_loader l;
	struct env env;

	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		env_synthetic(&env);
		status_t st = acpi_run_loader(&l, buf, lens[i], &env_ops, &env);
		ok(st.code == LB_E_ACPI_BAD_SCRIPT && lb_detail.a == lens[i] && lb_detail.b == 128,
		   "script of %u bytes (not a multiple of 128) -> LB_E_ACPI_BAD_SCRIPT", lens[i]);
		ok(l.nblobs == 0 && env.nallocs == 0 && env.file_size_calls == 0,
		   "script of %u bytes: nothing looked up or allocated", lens[i]);
		env_free(&env);
	}
	env_synthetic(&env);
	status_t st = acpi_run_loader(&l, buf, 0, &env_ops, &env);
	ok(st.code == LB_OK && l.nblobs == 0, "an empty script runs and allocates nothing");
	env_free(&env);
}

static void test_allocate(void)
{
	struct script s;
	struct env env;
	struct acpi_loader l;

	s_base(&s);
	s_alloc(&s, "etc/nope", 16, LOADER_ZONE_HIGH);
	expect_fail("ALLOCATE of a file fw_cfg does not have", &s, LB_E_ACPI_NO_FILE, 2);

	s_base(&s);
	s_alloc(&s, TABLES, 64, LOADER_ZONE_HIGH);
	expect_fail("ALLOCATE of the same file twice", &s, LB_E_ACPI_DOUBLE_ALLOC, 2);

	s_base(&s);
	s_alloc(&s, TABLES, 64, LOADER_ZONE_HIGH);
	memcpy(s.e[2].alloc.file + sizeof(TABLES), "junk", 4);
	expect_fail("ALLOCATE twice, the second name with bytes after its NUL", &s,
		    LB_E_ACPI_DOUBLE_ALLOC, 2);

	static const uint32_t bad_align[] = {0, 3, 6, 1u << 21, 0x80000000u, 0xFFFFFFFFu};
	for (unsigned i = 0; i < sizeof(bad_align) / sizeof(bad_align[0]); i++) {
		char what[64];
		snprintf(what, sizeof(what), "ALLOCATE with align %#x", bad_align[i]);
		s_base(&s);
		s_alloc(&s, GUID, bad_align[i], LOADER_ZONE_HIGH);
		expect_fail(what, &s, LB_E_ACPI_BAD_ALIGN, 2);
	}
	s.n = 0;
	s_alloc(&s, GUID, 1u << 20, LOADER_ZONE_HIGH);
	s_alloc(&s, RSDP, 1, LOADER_ZONE_FSEG);
	if (expect_ok("ALLOCATE with align 1 MiB (the largest allowed) and 1", &env, &l, &s))
		ok(env.allocs[0].addr % (1u << 20) == 0 && env.allocs[0].align == (1u << 20) &&
		       env.allocs[1].align == 1,
		   "the fake was asked for those alignments");
	env_free(&env);

	static const uint8_t bad_zone[] = {0, 3, 0xFF};
	for (unsigned i = 0; i < sizeof(bad_zone); i++) {
		char what[64];
		snprintf(what, sizeof(what), "ALLOCATE in zone %u", bad_zone[i]);
		s_base(&s);
		s_alloc(&s, GUID, 16, bad_zone[i]);
		expect_fail(what, &s, LB_E_ACPI_BAD_ZONE, 2);
	}

	s_base(&s);
	s_alloc(&s, "etc/empty", 16, LOADER_ZONE_HIGH);
	expect_fail("ALLOCATE of a 0-byte file", &s, LB_E_ACPI_BAD_SIZE, 2);
	s_base(&s);
	s_alloc(&s, "etc/huge", 16, LOADER_ZONE_HIGH);
	expect_fail("ALLOCATE of a file of 16 MiB + 1", &s, LB_E_ACPI_BAD_SIZE, 2);
	s.n = 0;
	s_alloc(&s, "etc/max", 16, LOADER_ZONE_HIGH);
	if (expect_ok("ALLOCATE of a file of 16 MiB (the largest allowed)", &env, &l, &s))
		ok(l.nblobs == 1 && l.blob[0].size == 16 * MIB, "16 MiB blob");
	env_free(&env);

	s_base(&s);
	s_alloc(&s, LONGNAME, 16, LOADER_ZONE_HIGH);
	expect_fail("ALLOCATE with a 56-byte name without NUL (fw_cfg has that file)", &s,
		    LB_E_ACPI_BAD_NAME, 2);
	s_base(&s);
	s_alloc(&s, "", 16, LOADER_ZONE_HIGH);
	expect_fail("ALLOCATE with an empty name", &s, LB_E_ACPI_BAD_NAME, 2);

	s.n = 0;
	for (unsigned i = 0; i < ACPI_MAX_BLOBS; i++) {
		char name[16];
		snprintf(name, sizeof(name), "blob%02u", i);
		s_alloc(&s, name, 16, LOADER_ZONE_HIGH);
	}
	if (expect_ok("ACPI_MAX_BLOBS (16) ALLOCATEs", &env, &l, &s))
		is_u64(l.nblobs, ACPI_MAX_BLOBS, "16 blobs");
	env_free(&env);
	s_alloc(&s, "blob16", 16, LOADER_ZONE_HIGH);
	expect_fail("a 17th ALLOCATE", &s, LB_E_ACPI_TOO_MANY, ACPI_MAX_BLOBS);

	/* The allocator's own failure comes back unchanged and adds no blob. */
	s.n = 0;
	s_alloc(&s, TABLES, 16, LOADER_ZONE_FSEG);
	env_synthetic(&env);
	env.fseg_end = FSEG_BASE + 1024;
	status_t st = run_script(&env, &l, &s);
	ok(st.code == LB_E_TABLES_NO_ROOM && l.nblobs == 0 && env.nallocs == 0,
	   "an allocate() failure (F-segment full) is returned and adds no blob");
	env_free(&env);
}

/* --- hostile scripts: ADD_POINTER --------------------------------------------- */

/* Blob names of every length a field can hold, each found by its exact name
 * (whatever follows the NUL in the command) and by nothing one byte off: a
 * changed byte at any place, one byte shorter, one byte longer. */
static void test_name_lengths(void)
{
	uint32_t found = 0, refused = 0, wrong = 0;
	uint8_t small[16] = {0};

	for (uint32_t len = 1; len < LOADER_FILESZ; len++) {
		char name[LOADER_FILESZ + 1] = {0};
		for (uint32_t i = 0; i < len; i++)
			name[i] = (char)('a' + (i * 7 + len) % 26);
		/* Each probe: the exact name, then near misses by index. */
		for (uint32_t probe = 0; probe <= len + 2; probe++) {
			char other[LOADER_FILESZ + 1];
			if (probe == len + 1 && len + 1 == LOADER_FILESZ)
				continue; /* no room for one more byte and a NUL */
			memcpy(other, name, sizeof(other));
			if (probe < len)
				other[probe] ^= 0x20; /* one byte changed */
			else if (probe == len)
				other[len - 1] = 0; /* one shorter */
			else if (probe == len + 1)
				other[len] = 'q'; /* one longer */
			struct env env;
			struct acpi_loader l;
			struct script sc = {.n = 0};
			env_init(&env);
			env_add_file(&env, name, small, sizeof(small));
			s_alloc(&sc, name, 16, LOADER_ZONE_HIGH);
			s_cksum(&sc, other, 0, 0, sizeof(small));
			/* Bytes after the NUL do not count. */
			char *field = sc.e[1].cksum.file;
			size_t n = strnlen(field, LOADER_FILESZ);
			memset(field + n + 1, 0xAA,
			       n + 1 < LOADER_FILESZ ? LOADER_FILESZ - n - 1 : 0);
			status_t st = run_script(&env, &l, &sc);
			bool exact =
			    probe == len + 2 || (probe == len + 1 && len + 1 >= LOADER_FILESZ);
			if (exact && st.code == LB_OK)
				found++;
			else if (!exact && st.code == LB_E_ACPI_NOT_ALLOCATED)
				refused++;
			else if (!wrong++)
				diag("name length %u, probe %u: %s", len, probe,
				     code_name(st.code));
			env_free(&env);
		}
	}
	ok(wrong == 0 && found == LOADER_FILESZ - 1,
	   "names of 1 to 55 bytes: each found by its name (%u), none by a near miss (%u refused)",
	   found, refused);
}

static void test_add_pointer(void)
{
	struct script s;
	struct env env;
	struct acpi_loader l;

	s_base(&s);
	s_ptr(&s, GUID, TABLES, 0, 4);
	expect_fail("ADD_POINTER into a file that exists but is not allocated", &s,
		    LB_E_ACPI_NOT_ALLOCATED, 2);
	s_base(&s);
	s_ptr(&s, TABLES, GUID, 0, 4);
	expect_fail("ADD_POINTER to a source that is not allocated", &s, LB_E_ACPI_NOT_ALLOCATED,
		    2);
	s_base(&s);
	s_ptr(&s, LONGNAME, TABLES, 0, 4);
	expect_fail("ADD_POINTER with an unterminated destination name", &s,
		    LB_E_ACPI_NOT_ALLOCATED, 2);
	s_base(&s);
	s_ptr(&s, "", TABLES, 0, 4);
	expect_fail("ADD_POINTER with an empty destination name", &s, LB_E_ACPI_NOT_ALLOCATED, 2);

	static const uint8_t bad_size[] = {0, 3, 5, 6, 7, 16, 255};
	for (unsigned i = 0; i < sizeof(bad_size); i++) {
		char what[64];
		snprintf(what, sizeof(what), "ADD_POINTER of size %u", bad_size[i]);
		s_base(&s);
		s_ptr(&s, TABLES, RSDP, 0, bad_size[i]);
		expect_fail(what, &s, LB_E_ACPI_BAD_POINTER_SIZE, 2);
	}

	static const struct {
		uint32_t offset;
		uint8_t size;
	} out[] = {
	    {33, 4},	      {29, 8},		{35, 2},	  {36, 1},
	    {37, 1},	      {0xFFFFFFFFu, 1}, {0xFFFFFFFFu, 8}, {0xFFFFFFFDu, 4},
	    {0xFFFFFFFCu, 4}, {0xFFFFFFF8u, 8}, {0xFFFFFFF9u, 8}, {0x80000000u, 4},
	};
	for (unsigned i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		char what[80];
		snprintf(what, sizeof(what),
			 "ADD_POINTER of size %u at offset %#x of a 36-byte blob", out[i].size,
			 out[i].offset);
		s_base(&s);
		s_ptr(&s, RSDP, TABLES, out[i].offset, out[i].size);
		expect_fail(what, &s, LB_E_ACPI_OUT_OF_BLOB, 2);
	}

	s_base(&s);
	s_ptr(&s, TABLES, TABLES, 0, 1);
	expect_fail("ADD_POINTER of size 1 whose result (>= 0x1FFE0000) does not fit", &s,
		    LB_E_ACPI_POINTER_OVERFLOW, 2);
	s_base(&s);
	s_ptr(&s, TABLES, RSDP, 0, 2);
	expect_fail("ADD_POINTER of size 2 whose result (0xF5360) does not fit", &s,
		    LB_E_ACPI_POINTER_OVERFLOW, 2);
	s_base(&s);
	s_ptr(&s, TABLES, RSDP, FF_START, 4);
	expect_fail("ADD_POINTER of size 4 to 0xFFFFFFFF + 0xF5360", &s, LB_E_ACPI_POINTER_OVERFLOW,
		    2);

	/* Successes: the value read is added to the source's address. */
	s_base(&s);
	s_ptr(&s, RSDP, TABLES, 32, 4);
	s_ptr(&s, TABLES, TABLES, TABLES_INIT, 4);
	s_ptr(&s, TABLES, RSDP, 0, 8);
	s_ptr(&s, TABLES, RSDP, FF_START - 8, 8);
	if (expect_ok("ADD_POINTERs of size 4 and 8, one ending at the blob's end", &env, &l, &s)) {
		struct alloc *rs = &env.allocs[0], *tb = &env.allocs[1];
		is_u64(le32(rs->raw + GUARD + 32), tb->addr, "rsdp[32] = tables' address");
		is_u64(le32(tb->raw + GUARD + TABLES_INIT), tb->addr + 0x24,
		       "tables[16] = tables' address + the 0x24 it held");
		is_u64(le64(tb->raw + GUARD), FSEG_BASE, "tables[0] = rsdp's address (8 bytes)");
		is_u64(le64(tb->raw + GUARD + FF_START - 8), FSEG_BASE, "tables[2040] as well");
		ok(alloc_changed(rs) <= 4 && alloc_changed(tb) <= 4 + 8 + 8,
		   "nothing but the pointers changed");
	}
	env_free(&env);

	/* Names with bytes after their NUL still name the blob. */
	s_base(&s);
	s_ptr(&s, RSDP, TABLES, 16, 4);
	memcpy(s.e[2].pointer.dest_file + sizeof(RSDP), "junk", 4);
	memcpy(s.e[2].pointer.src_file + sizeof(TABLES), "junk", 4);
	if (expect_ok("ADD_POINTER with bytes after the names' NULs", &env, &l, &s))
		is_u64(le32(env.allocs[0].raw + GUARD + 16), env.allocs[1].addr,
		       "the pointer is patched");
	env_free(&env);
}

/* --- hostile scripts: ADD_CHECKSUM -------------------------------------------- */

static void test_add_checksum(void)
{
	struct script s;
	struct env env;
	struct acpi_loader l;

	s_base(&s);
	s_cksum(&s, GUID, 0, 0, 16);
	expect_fail("ADD_CHECKSUM of a file that is not allocated", &s, LB_E_ACPI_NOT_ALLOCATED, 2);

	static const struct {
		uint32_t offset, start, length;
		const char *what;
	} out[] = {
	    {TABLES_SIZE, 0, 16, "checksum byte at the blob's size"},
	    {0xFFFFFFFFu, 0, 16, "checksum byte at 0xFFFFFFFF"},
	    {0, TABLES_SIZE + 1, 0, "start past the end"},
	    {0, 4000, 97, "start + length one past the end"},
	    {0, 0, TABLES_SIZE + 1, "length one more than the blob"},
	    {0, 16, 0xFFFFFFF8u, "start + length wrapping past 2^32 (to 8)"},
	    {0, 0xFFFFFFFFu, 2, "start 0xFFFFFFFF, length 2 (wraps to 1)"},
	    {0, 0, 0xFFFFFFFFu, "length 0xFFFFFFFF"},
	    {0, 0xFFFFFFFFu, 0xFFFFFFFFu, "start and length 0xFFFFFFFF"},
	};
	for (unsigned i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		char what[96];
		snprintf(what, sizeof(what), "ADD_CHECKSUM: %s", out[i].what);
		s_base(&s);
		s_cksum(&s, TABLES, out[i].offset, out[i].start, out[i].length);
		expect_fail(what, &s, LB_E_ACPI_OUT_OF_BLOB, 2);
	}

	s_base(&s);
	s_cksum(&s, TABLES, 9, 0, 1000);
	s_cksum(&s, TABLES, TABLES_SIZE - 1, 1000, TABLES_SIZE - 1000);
	s_cksum(&s, RSDP, 8, 0, 20);
	s_cksum(&s, TABLES, 100, TABLES_SIZE, 0);
	if (expect_ok("ADD_CHECKSUMs up to the blob's end, and an empty range at its end", &env, &l,
		      &s)) {
		const struct alloc *t = &env.allocs[1];
		is_u64(sum8(t->raw + GUARD, 1000), 0, "tables[0, 1000) sums to 0");
		is_u64(sum8(t->raw + GUARD + 1000, TABLES_SIZE - 1000), 0,
		       "tables[1000, 4096) sums to 0");
		is_u64(sum8(env.allocs[0].raw + GUARD, 20), 0, "rsdp[0, 20) sums to 0");
		is_u64(t->raw[GUARD + 100], 0, "an empty range leaves its checksum byte alone");
		ok(alloc_changed(t) <= 2 && alloc_changed(&env.allocs[0]) <= 1,
		   "only the checksum bytes changed");
	}
	env_free(&env);
}

/* --- hostile scripts: WRITE_POINTER ------------------------------------------- */

static void s_vmgenid(struct script *s)
{
	s_base(s);
	s_alloc(s, GUID, 4096, LOADER_ZONE_HIGH);
}

static void test_write_pointer(void)
{
	struct script s;
	struct env env;
	struct acpi_loader l;

	s_vmgenid(&s);
	s_wrptr(&s, "etc/nope", GUID, 0, 0, 8);
	expect_fail("WRITE_POINTER to a file fw_cfg does not have", &s, LB_E_ACPI_NO_FILE, 3);
	s_vmgenid(&s);
	s_wrptr(&s, LONGNAME, GUID, 0, 0, 8);
	expect_fail("WRITE_POINTER to an unterminated 56-byte name", &s, LB_E_ACPI_BAD_NAME, 3);
	s_vmgenid(&s);
	s_wrptr(&s, "", GUID, 0, 0, 8);
	expect_fail("WRITE_POINTER to an empty name", &s, LB_E_ACPI_BAD_NAME, 3);
	s_vmgenid(&s);
	s_wrptr(&s, GUID_PTR, "blob00", 0, 0, 8);
	expect_fail("WRITE_POINTER from a source that is not allocated", &s,
		    LB_E_ACPI_NOT_ALLOCATED, 3);

	static const uint8_t bad_size[] = {0, 3, 16, 255};
	for (unsigned i = 0; i < sizeof(bad_size); i++) {
		char what[64];
		snprintf(what, sizeof(what), "WRITE_POINTER of size %u", bad_size[i]);
		s_vmgenid(&s);
		s_wrptr(&s, GUID_PTR, GUID, 0, 0, bad_size[i]);
		expect_fail(what, &s, LB_E_ACPI_BAD_POINTER_SIZE, 3);
	}

	static const struct {
		uint32_t dst, src;
		uint8_t size;
		const char *what;
	} out[] = {
	    {1, 0, 8, "8 bytes at offset 1 of an 8-byte file"},
	    {8, 0, 1, "1 byte at the file's end"},
	    {5, 0, 4, "4 bytes at offset 5"},
	    {0xFFFFFFFFu, 0, 8, "destination offset 0xFFFFFFFF"},
	    {0xFFFFFFFCu, 0, 4, "destination offset 0xFFFFFFFC (wraps)"},
	    {0, 4096, 8, "source offset at the source blob's size"},
	    {0, 0xFFFFFFFFu, 8, "source offset 0xFFFFFFFF"},
	};
	for (unsigned i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		char what[96];
		snprintf(what, sizeof(what), "WRITE_POINTER: %s", out[i].what);
		s_vmgenid(&s);
		s_wrptr(&s, GUID_PTR, GUID, out[i].dst, out[i].src, out[i].size);
		expect_fail(what, &s, LB_E_ACPI_OUT_OF_BLOB, 3);
	}

	s_vmgenid(&s);
	s_wrptr(&s, GUID_PTR, GUID, 0, 40, 1);
	expect_fail("WRITE_POINTER of size 1 (address does not fit)", &s,
		    LB_E_ACPI_POINTER_OVERFLOW, 3);
	s_vmgenid(&s);
	s_wrptr(&s, GUID_PTR, GUID, 0, 40, 2);
	expect_fail("WRITE_POINTER of size 2 (address does not fit)", &s,
		    LB_E_ACPI_POINTER_OVERFLOW, 3);

	/* HIGH above 4 GiB: a 4-byte WRITE_POINTER cannot hold the address. */
	s_vmgenid(&s);
	s_wrptr(&s, GUID_PTR, GUID, 0, 40, 4);
	env_synthetic(&env);
	env.high_top = 0x120000000ull;
	status_t st = run_script(&env, &l, &s);
	ok(st.code == LB_E_ACPI_POINTER_OVERFLOW && lb_detail.a == 3 && env.nwrites == 0 &&
	       env_canaries_ok(&env),
	   "WRITE_POINTER of size 4 to a blob above 4 GiB -> LB_E_ACPI_POINTER_OVERFLOW, no "
	   "write");
	env_free(&env);

	/* vmgenid as QEMU does it: the GUID page's address + 40 into etc/vmgenid_addr. */
	s_vmgenid(&s);
	s_wrptr(&s, GUID_PTR, GUID, 0, 40, 8);
	if (expect_ok("vmgenid's WRITE_POINTER (8 bytes at offset 0, source offset 40)", &env, &l,
		      &s)) {
		const struct alloc *g = &env.allocs[2];
		ok(g->addr % 4096 == 0 && g->zone == LOADER_ZONE_HIGH,
		   "etc/vmgenid_guid: a page in HIGH memory (%#llx)", (unsigned long long)g->addr);
		is_u64(env.nwrites, 1, "one fw_cfg write");
		is_str(env.writes[0].name, GUID_PTR, "to etc/vmgenid_addr");
		ok(env.writes[0].offset == 0 && env.writes[0].len == 8, "offset 0, 8 bytes");
		is_u64(le64(env.writes[0].data), g->addr + 40, "the GUID's guest address");
		is_u64(le64(env.files[3].data), g->addr + 40,
		       "etc/vmgenid_addr now holds that address");
		ok(env_blobs_pristine(&env), "no blob changed");
	}
	env_free(&env);

	s_vmgenid(&s);
	s_wrptr(&s, GUID_PTR, GUID, 4, 4095, 4);
	if (expect_ok("WRITE_POINTER of 4 bytes ending at the file's end, last source byte", &env,
		      &l, &s))
		ok(env.nwrites == 1 && env.writes[0].offset == 4 && env.writes[0].len == 4 &&
		       le32(env.writes[0].data) == env.allocs[2].addr + 4095,
		   "recorded: offset 4, 4 bytes, address + 4095");
	env_free(&env);

	s_vmgenid(&s);
	s_wrptr(&s, GUID_PTR, GUID, 0, 40, 8);
	env_synthetic(&env);
	env.fail_writes = true;
	st = run_script(&env, &l, &s);
	is_code(st, LB_E_FWCFG_DMA_ERROR, "a failing fw_cfg write is returned");
	env_free(&env);
}

/* --- commands the interpreter does not know ----------------------------------- */

static void test_unknown_commands(void)
{
	struct script s;
	struct env env;
	struct acpi_loader l;

	/* SeaBIOS's romfile_loader_execute() ignores commands it does not recognise
	 * ("default: /+ Skip commands that we don't recognize. +/"); QEMU's 128-byte
	 * entries let later versions add commands that way, and it pads the script
	 * with zero entries (command 0). leapboot does the same. */
	static const uint32_t unknown[] = {0, 5, 6, 0x10, 0x80000001u, 0xFFFFFFFFu};
	for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		s.n = 0;
		struct loader_entry *e = s_new(&s, unknown[i]);
		memset(e->pad, 0xFF, sizeof(e->pad));
		e = s_new(&s, unknown[i]);
		set_name(e->alloc.file, TABLES); /* looks like an ALLOCATE */
		e->alloc.align = 64;
		e->alloc.zone = LOADER_ZONE_HIGH;
		env_synthetic(&env);
		status_t st = run_script(&env, &l, &s);
		ok(st.code == LB_OK && l.nblobs == 0 && env.nallocs == 0 &&
		       env.file_size_calls == 0 && env.nwrites == 0,
		   "command %#x is skipped (as SeaBIOS does): nothing looked up, allocated or "
		   "written",
		   unknown[i]);
		env_free(&env);
	}

	s_base(&s);
	s_new(&s, 0);
	s_new(&s, 7);
	s_ptr(&s, RSDP, TABLES, 16, 4);
	for (int i = 0; i < 8; i++)
		s_new(&s, 0);
	if (expect_ok("a script with unknown commands and zero padding between and after", &env, &l,
		      &s))
		is_u64(le32(env.allocs[0].raw + GUARD + 16), env.allocs[1].addr,
		       "the known commands took effect");
	env_free(&env);
}

static void test_find_rsdp(void)
{
	struct script s;
	struct env env;
	struct acpi_loader l;

	s.n = 0;
	s_alloc(&s, TABLES, 64, LOADER_ZONE_HIGH);
	s_alloc(&s, "etc/short-rsdp", 16, LOADER_ZONE_FSEG);
	if (expect_ok("a script without an RSDP blob", &env, &l, &s))
		ok(acpi_find_rsdp(&l) == NULL,
		   "acpi_find_rsdp: none (a 16-byte blob starting \"RSD PTR \" is too short)");
	env_free(&env);
	s_alloc(&s, RSDP, 16, LOADER_ZONE_FSEG);
	if (expect_ok("the RSDP allocated third", &env, &l, &s))
		ok(acpi_find_rsdp(&l) == &l.blob[2], "acpi_find_rsdp finds it");
	env_free(&env);
	env_synthetic(&env);
	status_t st = run_script(&env, &l, &s);
	l.nblobs = 0;
	ok(st.code == LB_OK && acpi_find_rsdp(&l) == NULL, "acpi_find_rsdp: no blobs, no RSDP");
	env_free(&env);
}

/* --- the byte sum without SSE2 ------------------------------------------------ */

/* The interpreter compiled a second time, at the end of this file, with __SSE2__
 * undefined: the portable byte sum that builds without SSE2 use. */
status_t portable_run_loader(struct acpi_loader *l, const void *script, uint32_t len,
			     const struct acpi_loader_ops *ops, void *ctx);
const struct acpi_blob *portable_find_rsdp(const struct acpi_loader *l);
uint8_t portable_checksum_sum(const void *data, uint32_t n);

/* Checksum byte 0 over 2048 zeros and n bytes of 0xFF (tables' layout); returns
 * the sum of the range afterwards (0 when right). */
static uint8_t checksum_ff(bool portable, uint32_t n)
{
	struct env env;
	struct acpi_loader l;
	struct script s = {.n = 0};

	s_alloc(&s, TABLES, 64, LOADER_ZONE_HIGH);
	s_cksum(&s, TABLES, 0, 0, FF_START + n);
	env_synthetic(&env);
	uint32_t len = s.n * 128;
	status_t st = portable ? portable_run_loader(&l, s.e, len, &env_ops, &env)
			       : acpi_run_loader(&l, s.e, len, &env_ops, &env);
	uint8_t sum = st.code ? 0xEE : sum8(env.allocs[0].raw + GUARD, FF_START + n);
	env_free(&env);
	return sum;
}

/* The portable checksum_sum (builds without SSE2) gathers byte pairs in four
 * 16-bit lanes l0..l3 for up to 128 words, then adds the lanes. An earlier version
 * folded them with one multiplication, (lanes * 0x0001000100010001) >> 48: the
 * product's lower 16-bit fields hold l0 + l1 and l0 + l1 + l2, and once those pass
 * 65535 they carry into the top field, so the sum came out too large from 43 words
 * of large bytes on (344 bytes of 0xFF: one carry). These lengths keep it out. */
static void test_portable_sum(void)
{
	static const uint32_t good[] = {0, 1, 7, 8, 15, 16, 336, 343};
	static const uint32_t bad[] = {344, 1000, 1024, 1031, 2048};

	for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		is_u64(checksum_ff(false, good[i]), 0,
		       "SSE2 byte sum: checksum over 2048 zeros + %u bytes of 0xFF", good[i]);
		is_u64(checksum_ff(true, good[i]), 0,
		       "portable byte sum: checksum over 2048 zeros + %u bytes of 0xFF", good[i]);
	}
	bool all = true;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		is_u64(checksum_ff(false, bad[i]), 0,
		       "SSE2 byte sum: checksum over 2048 zeros + %u bytes of 0xFF", bad[i]);
		uint8_t sum = checksum_ff(true, bad[i]);
		if (sum)
			diag("portable byte sum: %u bytes of 0xFF: the range sums to %#x, not 0",
			     bad[i], sum);
		all &= sum == 0;
	}
	ok(all, "portable byte sum: checksums over 344, 1000, 1024, 1031, 2048 bytes of 0xFF");
}

/* Every length to 400 at every alignment to 16, against a byte loop: the SSE2
 * steps of 128 and 16 bytes and the masked tail meet every remainder. */
static void test_sum_lengths(void)
{
	static uint8_t buf[416 + 16];
	unsigned wrong = 0;
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7 + (i >> 3) * 29);
	for (unsigned off = 0; off < 16; off++)
		for (unsigned n = 0; n <= 400; n++) {
			uint8_t want = 0;
			for (unsigned i = 0; i < n; i++)
				want = (uint8_t)(want + buf[off + i]);
			wrong += checksum_sum(buf + off, n) != want;
			wrong += portable_checksum_sum(buf + off, n) != want;
		}
	ok(wrong == 0, "byte sums of 0..400 bytes at offsets 0..15, both builds (%u wrong)", wrong);
}

/* QEMU's scripts through both builds give the same blobs, byte for byte. */
static void test_portable_fixtures(void)
{
	for (unsigned i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		const char *m = machines[i].name;
		struct env env[2];
		struct acpi_loader l;
		uint32_t len;
		char path[512];
		bool same = true;

		snprintf(path, sizeof(path), "%s/%s/etc/table-loader", fixture_dir(), m);
		uint8_t *script = read_whole(path, &len);
		for (int portable = 0; portable <= 1; portable++) {
			env_init(&env[portable]);
			bool have = script && env_add_fixture(&env[portable], m, "etc/acpi/rsdp") &&
				    env_add_fixture(&env[portable], m, "etc/acpi/tables");
			status_t st =
			    !have ? lb_fail(LB_E_ACPI_NO_FILE, 0, 0)
			    : portable
				? portable_run_loader(&l, script, len, &env_ops, &env[portable])
				: acpi_run_loader(&l, script, len, &env_ops, &env[portable]);
			same = same && st.code == LB_OK && env[portable].nallocs == 2;
		}
		for (unsigned b = 0; same && b < 2; b++)
			same = env[0].allocs[b].size == env[1].allocs[b].size &&
			       memcmp(env[0].allocs[b].raw, env[1].allocs[b].raw,
				      env[0].allocs[b].size + 2 * GUARD) == 0;
		ok(same, "%s: the portable build gives the same blobs as the SSE2 build", m);
		free(script);
		env_free(&env[0]);
		env_free(&env[1]);
	}
}

int main(void)
{
	for (unsigned i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		test_fixture(&machines[i]);
	test_script_length();
	test_allocate();
	test_name_lengths();
	test_add_pointer();
	test_add_checksum();
	test_write_pointer();
	test_unknown_commands();
	test_find_rsdp();
	test_portable_sum();
	test_sum_lengths();
	test_portable_fixtures();
	return done_testing();
}

/* Last in the file: acpi.c's and checksum.c's static helpers and macros must not
 * meet the code above. */
#undef __SSE2__
#define acpi_run_loader portable_run_loader
#define acpi_find_rsdp	portable_find_rsdp
#define checksum_sum	portable_checksum_sum
#define checksum_fix	portable_checksum_fix
#include "../../boot/checksum.c"
#include "../../boot/acpi.c"
