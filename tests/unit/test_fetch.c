/* The one fetch path (boot/kernel_source.c, boot/kernel.c) against the fake
 * fw_cfg: an observer must see every byte of the kernel file, the initrd and the
 * command line exactly once, offsets rising, and the bytes must be the file's.
 * "Physical" RAM is a host mapping at 1 GiB described to the memory map, so the kernel
 * lands where leapboot would put it. Paths: a bzImage from opt/leapboot/kernel
 * and split as QEMU's -kernel gives it, a PVH ELF with gaps and shared bytes
 * between its segments, a kernel QEMU loaded itself, and with no observer. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kernel.h"
#include "../../elf/elf.h"
#include "bz_header.h"
#include "fake_fw_cfg.h"
#include "tap.h"

#define RAM_BYTES (64u << 20)
#define RAM_AT	  0x40000000ul /* below 4 GiB, where QEMU loads a PVH ELF itself */
#define DIR_MAX	  32

/* What the observer saw of one item. */
struct seen {
	const uint8_t *file;
	uint64_t size, next; /* next: the offset the next call must start at */
	unsigned calls, wrong_offset, wrong_bytes;
};

struct watch {
	struct seen item[3];
};

static void seen(void *ctx, enum kernel_item item, uint64_t offset, const void *bytes, uint64_t len)
{
	struct seen *s = &((struct watch *)ctx)->item[item];
	s->calls++;
	if (offset != s->next || offset + len > s->size) {
		s->wrong_offset++;
		return;
	}
	if (memcmp(s->file + offset, bytes, len))
		s->wrong_bytes++;
	s->next = offset + len;
}

static bool saw_whole(const struct seen *s)
{
	return s->calls && !s->wrong_offset && !s->wrong_bytes && s->next == s->size;
}

static uint8_t *ram;

static void ram_map(struct memmap *m)
{
	memset(m, 0, sizeof(*m));
	memmap_add(m, (uintptr_t)ram, RAM_BYTES, MEM_RAM);
}

static uint8_t *pattern(uint32_t len, uint8_t seed)
{
	uint8_t *p = malloc(len);
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 8));
	return p;
}

/* A protocol-2.15 64-bit bzImage with a setup part longer than leapboot's 4 KiB
 * head (so part of it is read for the observer only). */
static uint8_t *make_bzimage(uint32_t setup_sects, uint32_t pm_bytes, uint32_t *len)
{
	uint32_t setup = (setup_sects + 1) * 512u;
	*len = setup + pm_bytes;
	uint8_t *p = pattern(*len, 1);
	/* pref_address is not in the host mapping: the kernel is relocated into it. */
	struct setup_header h = bz_header((uint8_t)setup_sects, pm_bytes / 16, 0x400000);
	memcpy(p + SETUP_HDR_OFFSET, &h, sizeof(h));
	return p;
}

static void put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An ELF64 with a PVH note and three PT_LOADs placed in the host buffer: a gap
 * before the first, the second sharing its first bytes with the first's last,
 * the third listed first in the program headers though last in the file, and
 * bytes after the last (where section headers would be). */
static uint8_t *make_elf(uint32_t *len)
{
	enum { PH = 64, NOTE = 0x200, SEG0 = 0x1000, SEG1 = 0x3000, SEG2 = 0x5000, END = 0x7100 };
	*len = END;
	uint8_t *p = pattern(END, 3);
	uint64_t base = ((uintptr_t)ram + 0x200000) & ~0x1FFFFFull;
	memset(p, 0, 64);
	memcpy(p, "\177ELF", 4);
	p[4] = 2; /* ELF64 */
	p[5] = 1; /* little-endian */
	p[6] = 1;
	put(p + 16, 2, 2);  /* ET_EXEC */
	put(p + 18, 62, 2); /* x86-64 */
	put(p + 20, 1, 4);
	put(p + 24, base, 8);
	put(p + 32, PH, 8);
	put(p + 52, 64, 2);
	put(p + 54, 56, 2);
	put(p + 56, 4, 2);
	static const struct {
		uint32_t type;
		uint64_t off, vaddr_off, filesz, memsz;
	} ph[4] = {
	    {1, SEG2, 0x20000, 0x1000, 0x2000}, /* PT_LOAD, last in the file, first listed */
	    {1, SEG0, 0x0, 0x2100, 0x3000},	/* ends 0x100 into SEG1's bytes */
	    {1, SEG1, 0x10000, 0x1000, 0x1000},
	    {4, NOTE, 0, 0x18, 0x18}, /* PT_NOTE */
	};
	for (int i = 0; i < 4; i++) {
		uint8_t *h = p + PH + 56 * i;
		memset(h, 0, 56);
		put(h, ph[i].type, 4);
		put(h + 8, ph[i].off, 8);
		put(h + 16, base + ph[i].vaddr_off, 8);
		put(h + 24, base + ph[i].vaddr_off, 8);
		put(h + 32, ph[i].filesz, 8);
		put(h + 40, ph[i].memsz, 8);
	}
	/* The note: "Xen", XEN_ELFNOTE_PHYS32_ENTRY, the entry. */
	uint8_t *n = p + NOTE;
	put(n, 4, 4);
	put(n + 4, 8, 4);
	put(n + 8, ELF_NOTE_XEN_PHYS32_ENTRY, 4);
	memcpy(n + 12, "Xen", 4);
	put(n + 16, base + 0x40, 8);
	return p;
}

struct setup {
	struct fake_fw_cfg dev;
	struct fw_cfg fc;
	struct fw_cfg_file dir[DIR_MAX];
	struct memmap m;
	struct kernel_source src;
	struct watch w;
	struct fetch_observer obs;
};

static void start(struct setup *t, const uint8_t *kernel, uint32_t klen, const uint8_t *initrd,
		  uint32_t ilen, const char *cmdline)
{
	memset(t, 0, sizeof(*t));
	fake_fw_cfg_init(&t->dev);
	fake_fw_cfg_add_file(&t->dev, "opt/leapboot/kernel", kernel, klen);
	if (initrd)
		fake_fw_cfg_add_file(&t->dev, "opt/leapboot/initrd", initrd, ilen);
	fake_fw_cfg_add_file(&t->dev, "opt/leapboot/cmdline", cmdline, (uint32_t)strlen(cmdline));
	ok(!fw_cfg_probe(&t->fc, &fake_fw_cfg_ops, &t->dev, t->dir, DIR_MAX).code, "  probe");
	ok(!kernel_source_find(&t->fc, true, &t->src).code, "  the opt/leapboot files found");
	ram_map(&t->m);
	t->w.item[ITEM_KERNEL] = (struct seen){.file = kernel, .size = klen};
	t->w.item[ITEM_INITRD] = (struct seen){.file = initrd, .size = ilen};
	t->w.item[ITEM_CMDLINE] =
	    (struct seen){.file = (const uint8_t *)cmdline, .size = strlen(cmdline)};
	t->obs = (struct fetch_observer){seen, &t->w};
	t->src.observer = &t->obs;
}

/* The kernel, the initrd and the command line, as boot_x86 fetches them. */
static status_t fetch_all(struct setup *t, struct kernel *k)
{
	char cmdline[4096];
	uint32_t len;
	uint64_t initrd;
	status_t s = kernel_load(&t->fc, &t->src, &t->m, UINT64_MAX, k);
	if (!s.code)
		s = kernel_load_initrd(&t->fc, &t->src, k, &t->m, UINT64_MAX, &initrd);
	if (!s.code)
		s = kernel_source_cmdline(&t->fc, &t->src, k->cmdline_max, cmdline, sizeof(cmdline),
					  &len);
	return s;
}

static void test_bzimage(void)
{
	uint32_t klen, ilen = 300000;
	uint8_t *kernel = make_bzimage(17, 0x40000, &klen);
	uint8_t *initrd = pattern(ilen, 9);
	struct setup t;
	struct kernel k;

	diag("a bzImage (9 KiB of setup) from opt/leapboot/kernel");
	start(&t, kernel, klen, initrd, ilen, "console=ttyS0 panic=-1");
	is_code(fetch_all(&t, &k), LB_OK, "bzImage: kernel, initrd and cmdline fetched");
	ok(k.format == KERNEL_BZIMAGE &&
	       !memcmp((void *)(uintptr_t)k.bz.load, kernel + 18 * 512, klen - 18 * 512),
	   "bzImage: the protected-mode part at its load address");
	ok(saw_whole(&t.w.item[ITEM_KERNEL]),
	   "bzImage: the observer saw the whole file once, in order (%u calls)",
	   t.w.item[ITEM_KERNEL].calls);
	ok(saw_whole(&t.w.item[ITEM_INITRD]), "bzImage: ... the whole initrd once");
	ok(saw_whole(&t.w.item[ITEM_CMDLINE]), "bzImage: ... the command line once");
	fake_fw_cfg_free(&t.dev);

	/* QEMU's -kernel: the setup part and the rest as two items. */
	diag("the same bzImage split as QEMU's -kernel gives it");
	start(&t, kernel, klen, initrd, ilen, "quiet");
	fake_fw_cfg_add_u32(&t.dev, FW_CFG_KERNEL_SIZE, klen - 18 * 512);
	fake_fw_cfg_add_item(&t.dev, FW_CFG_KERNEL_DATA, kernel + 18 * 512, klen - 18 * 512);
	fake_fw_cfg_add_u32(&t.dev, FW_CFG_SETUP_SIZE, 18 * 512);
	fake_fw_cfg_add_item(&t.dev, FW_CFG_SETUP_DATA, kernel, 18 * 512);
	fake_fw_cfg_add_u32(&t.dev, FW_CFG_INITRD_SIZE, ilen);
	fake_fw_cfg_add_item(&t.dev, FW_CFG_INITRD_DATA, initrd, ilen);
	fake_fw_cfg_add_u32(&t.dev, FW_CFG_CMDLINE_SIZE, 6);
	fake_fw_cfg_add_item(&t.dev, FW_CFG_CMDLINE_DATA, "quiet", 6);
	const struct fetch_observer *obs = t.src.observer;
	ok(!kernel_source_find(&t.fc, false, &t.src).code && t.src.setup.size == 18 * 512,
	   "split: found as -kernel, setup %u bytes", t.src.setup.size);
	t.src.observer = obs;
	t.w.item[ITEM_CMDLINE].size = 6; /* QEMU counts the NUL */
	t.w.item[ITEM_CMDLINE].file = (const uint8_t *)"quiet";
	is_code(fetch_all(&t, &k), LB_OK, "split: fetched");
	ok(saw_whole(&t.w.item[ITEM_KERNEL]), "split: the observer saw setup, then the rest, once");
	ok(saw_whole(&t.w.item[ITEM_INITRD]) && saw_whole(&t.w.item[ITEM_CMDLINE]),
	   "split: the initrd and the command line (with its NUL) once");
	fake_fw_cfg_free(&t.dev);

	/* Nobody looking: the same boot, no byte read for the observer. */
	start(&t, kernel, klen, initrd, ilen, "x");
	t.src.observer = 0;
	fake_fw_cfg_reset_counters(&t.dev);
	is_code(fetch_all(&t, &k), LB_OK, "no observer: fetched");
	is_u64(t.dev.dma_requests, 5,
	       "no observer: five DMA requests (the head; a skip to the protected-mode part and "
	       "its read; the initrd; the cmdline), the setup part not read");
	fake_fw_cfg_free(&t.dev);
	free(kernel);
	free(initrd);
}

static void test_elf(void)
{
	uint32_t klen;
	uint8_t *kernel = make_elf(&klen);
	struct setup t;
	struct kernel k;

	diag("a PVH ELF: a gap, shared bytes, segments out of file order, a tail");
	start(&t, kernel, klen, NULL, 0, "console=hvc0");
	is_code(fetch_all(&t, &k), LB_OK, "ELF: fetched");
	ok(k.format == KERNEL_PVH && k.entry, "ELF: PVH entry %#llx", (unsigned long long)k.entry);
	ok(saw_whole(&t.w.item[ITEM_KERNEL]),
	   "ELF: the observer saw the whole file once, in order (%u calls, %u out of order, %u "
	   "wrong)",
	   t.w.item[ITEM_KERNEL].calls, t.w.item[ITEM_KERNEL].wrong_offset,
	   t.w.item[ITEM_KERNEL].wrong_bytes);
	ok(!t.w.item[ITEM_INITRD].calls, "ELF: no initrd, nothing shown for it");
	uint64_t base = ((uintptr_t)ram + 0x200000) & ~0x1FFFFFull;
	ok(!memcmp((void *)(uintptr_t)(base + 0x10000), kernel + 0x3000, 0x1000) &&
	       !memcmp((void *)(uintptr_t)base, kernel + 0x1000, 0x2100),
	   "ELF: both segments in place, the shared bytes in each");
	fake_fw_cfg_free(&t.dev);
	free(kernel);
}

/* PVH -kernel: QEMU loaded the ELF; the observer sees its span where it lies. */
static void test_preloaded(void)
{
	struct setup t;
	struct kernel k;
	uint8_t *span = ram + 0x400000;
	uint8_t *image = pattern(0x5000, 5);
	memcpy(span, image, 0x5000);

	diag("a PVH ELF QEMU loaded itself");
	start(&t, image, 1, NULL, 0, "");
	t.src.preloaded_entry = (uint32_t)(uintptr_t)span + 0x40;
	t.src.preloaded_addr = (uint32_t)(uintptr_t)span;
	t.src.preloaded_size = 0x5000;
	t.w.item[ITEM_KERNEL].size = 0x5000;
	is_code(kernel_load(&t.fc, &t.src, &t.m, UINT64_MAX, &k), LB_OK, "preloaded: claimed");
	ok(saw_whole(&t.w.item[ITEM_KERNEL]) && t.w.item[ITEM_KERNEL].calls == 1,
	   "preloaded: the observer saw the loaded span once, where QEMU put it");
	fake_fw_cfg_free(&t.dev);
	free(image);
}

int main(void)
{
	ram = mmap((void *)RAM_AT, RAM_BYTES, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (!ok(ram == (void *)RAM_AT, "64 MiB of \"RAM\" mapped at %#lx", RAM_AT))
		return done_testing();
	test_bzimage();
	test_elf();
	test_preloaded();
	munmap(ram, RAM_BYTES);
	return done_testing();
}
