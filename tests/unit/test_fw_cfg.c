/* fw_cfg client (boot/fw_cfg.c) against the fake device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../boot/fw_cfg.h"
#include "fake_fw_cfg.h"
#include "known_files.h"
#include "tap.h"

#define DIR_MAX 16

/* A lookup by a NUL-terminated name. */
static bool find(const struct fw_cfg *fc, const char *name, uint16_t *key, uint32_t *size)
{
	return fw_cfg_find_len(fc, name, strlen(name), key, size);
}

static void pattern(uint8_t *buf, uint32_t len, uint32_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + seed + (i >> 8));
}

/* A device with a few files like QEMU's; returns the key of "opt/blob". */
static uint16_t populate(struct fake_fw_cfg *dev, const uint8_t *blob, uint32_t blob_len)
{
	uint8_t e820[40] = {0};
	fake_fw_cfg_add_file(dev, "etc/e820", e820, sizeof(e820));
	fake_fw_cfg_add_file(dev, "etc/table-loader", "xyz", 3);
	return fake_fw_cfg_add_file(dev, "opt/blob", blob, blob_len);
}

static void test_probe(void)
{
	struct fake_fw_cfg dev;
	struct fw_cfg fc;
	struct fw_cfg_file dir[DIR_MAX];
	uint8_t blob[100];
	uint16_t key;
	uint32_t size;

	/* With DMA. */
	fake_fw_cfg_init(&dev);
	pattern(blob, sizeof(blob), 1);
	populate(&dev, blob, sizeof(blob));
	memset(dir, 0xee, sizeof(dir));
	status_t s = fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, dir, DIR_MAX);
	is_code(s, LB_OK, "probe: a QEMU device with DMA");
	ok(fc.dma, "probe: DMA bit seen");
	is_u64(fc.nfiles, 3, "probe: three files in the directory");
	ok(fc.files == dir + 1, "probe: the entries follow the count in the caller's buffer");
	ok(memcmp(dir[1].name, "etc/e820", 9) == 0, "probe: first entry's name");
	is_u64(__builtin_bswap32(dir[3].size_be), 100, "probe: entries stay big-endian (size)");
	is_u64(__builtin_bswap16(dir[3].select_be), 0x22,
	       "probe: entries stay big-endian (select)");
	is_u64(dev.dma_requests, 1, "probe: the count and the entries in one DMA request");
	is_u64(dev.log[0].length, 4 + (DIR_MAX - 1) * 64,
	       "probe: the request covers the whole buffer (zeros past the directory)");
	is_u64(dir[4].size_be | dir[4].select_be | (uint8_t)dir[4].name[0], 0,
	       "probe: the device's zeros past the last entry");
	ok(dev.selects == 0 && dev.pio_reads == 0,
	   "probe: the DMA register alone finds a DMA device (no port I/O)");
	ok(find(&fc, "opt/blob", &key, &size) && key == 0x22 && size == 100,
	   "probe: files can be found afterwards");
	fake_fw_cfg_free(&dev);

	/* Without DMA: same directory through port I/O, no DMA request at all. */
	fake_fw_cfg_init(&dev);
	fake_fw_cfg_set_dma(&dev, false);
	populate(&dev, blob, sizeof(blob));
	memset(dir, 0xee, sizeof(dir));
	s = fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, dir, DIR_MAX);
	is_code(s, LB_OK, "probe without DMA");
	ok(!fc.dma, "probe without DMA: DMA bit clear");
	is_u64(fc.nfiles, 3, "probe without DMA: three files");
	is_u64(dev.dma_requests, 0, "probe without DMA: no DMA request");
	is_u64(dev.dma_probes, 1, "probe without DMA: the DMA register was tried first");
	ok(memcmp(dir[2].name, "etc/table-loader", 17) == 0,
	   "probe without DMA: directory entries read by port I/O");
	is_u64((uint8_t)dir[4].name[0], 0xee,
	       "probe without DMA: nothing read past the directory's entries");
	fake_fw_cfg_free(&dev);

	/* An empty directory. */
	fake_fw_cfg_init(&dev);
	s = fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, dir, DIR_MAX);
	is_code(s, LB_OK, "probe: no files at all is fine");
	is_u64(fc.nfiles, 0, "probe: zero files");
	ok(!find(&fc, "etc/e820", &key, &size), "find in an empty directory");
	fake_fw_cfg_free(&dev);

	/* Directory exactly as big as the buffer, then one more file. The buffer is
	 * exactly dir_max entries (the count and three files) so ASan catches a
	 * write past it. */
	fake_fw_cfg_init(&dev);
	populate(&dev, blob, sizeof(blob));
	struct fw_cfg_file *small = malloc(4 * sizeof(*small));
	s = fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, small, 4);
	is_code(s, LB_OK, "probe: directory exactly fills the buffer");
	fake_fw_cfg_add_file(&dev, "opt/one-too-many", "x", 1);
	s = fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, small, 4);
	is_code(s, LB_E_FWCFG_DIR_TOO_BIG, "probe: too many files -> LB_E_FWCFG_DIR_TOO_BIG");
	ok(lb_detail.a == 4 && lb_detail.b == 3,
	   "probe: error says 4 files, room for 3 (got %llu, %llu)",
	   (unsigned long long)lb_detail.a, (unsigned long long)lb_detail.b);
	is_u64(fc.nfiles, 0, "probe: no files usable after DIR_TOO_BIG");
	free(small);
	fake_fw_cfg_free(&dev);

	/* No device: ports read as 0xff. */
	fake_fw_cfg_init(&dev);
	dev.present = false;
	s = fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, dir, DIR_MAX);
	is_code(s, LB_E_FWCFG_ABSENT, "probe: no device -> LB_E_FWCFG_ABSENT");
	is_u64(lb_detail.a, 0xffffffff, "probe: reports the signature it read");
	ok(!fc.dma && fc.nfiles == 0, "probe: nothing usable without a device");
	is_u64(dev.dma_requests, 0, "probe: no DMA attempted without a device");
	fake_fw_cfg_free(&dev);

	/* A device answering with the wrong signature. */
	fake_fw_cfg_init(&dev);
	fake_fw_cfg_set_signature(&dev, "QEMX");
	s = fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, dir, DIR_MAX);
	is_code(s, LB_E_FWCFG_ABSENT, "probe: wrong signature -> LB_E_FWCFG_ABSENT");
	fake_fw_cfg_free(&dev);

	/* DMA failing while reading the directory. */
	fake_fw_cfg_init(&dev);
	populate(&dev, blob, sizeof(blob));
	dev.fail_dma_request = 1;
	s = fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, dir, DIR_MAX);
	is_code(s, LB_E_FWCFG_DMA_ERROR, "probe: DMA error on the directory is reported");
	is_u64(fc.nfiles, 0, "probe: no files after a failed directory read");
	fake_fw_cfg_free(&dev);
}

static void test_find(void)
{
	struct fake_fw_cfg dev;
	struct fw_cfg fc;
	struct fw_cfg_file dir[DIR_MAX];
	uint16_t key = 0;
	uint32_t size = 0;
	char n55[56], n56[57], n57[58];

	memset(n55, 'a', 55);
	n55[55] = 0;
	memset(n56, 'b', 56);
	n56[56] = 0;
	memcpy(n57, n56, 56);
	n57[56] = 'z';
	n57[57] = 0;

	fake_fw_cfg_init(&dev);
	fake_fw_cfg_add_file(&dev, "etc/e820", "0123456789", 10);
	fake_fw_cfg_add_file(&dev, "etc/e8200", "01", 2);
	fake_fw_cfg_add_file(&dev, n55, "x", 1);
	fake_fw_cfg_add_file(&dev, n56, "yy", 2);
	uint8_t *big = calloc(1, 0x12345);
	fake_fw_cfg_add_file(&dev, "opt/leapboot/kernel", big, 0x12345);
	free(big);
	status_t s = fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, dir, DIR_MAX);
	is_code(s, LB_OK, "find: probe");

	ok(find(&fc, "etc/e820", &key, &size), "find: etc/e820 present");
	is_u64(key, 0x20, "find: etc/e820 key");
	is_u64(size, 10, "find: etc/e820 size");
	ok(find(&fc, "etc/e8200", &key, &size) && key == 0x21 && size == 2,
	   "find: a name extending another is a different file");
	ok(!find(&fc, "etc/e82", &key, &size), "find: a prefix of a name is absent");
	ok(!find(&fc, "etc/e821", &key, &size), "find: a different name is absent");
	ok(!find(&fc, "", &key, &size), "find: the empty name is absent");
	ok(find(&fc, n55, &key, &size) && key == 0x22 && size == 1, "find: a 55-character name");
	/* QEMU NUL-terminates every name inside the 56 bytes, so an entry filled
	 * without a NUL is malformed and never matches. */
	ok(!find(&fc, n56, &key, &size),
	   "find: a 56-character entry without a NUL is never matched");
	n56[55] = 'c';
	ok(!find(&fc, n56, &key, &size), "find: a 56-character name differing in its last char");
	n55[54] = 'c';
	ok(!find(&fc, n55, &key, &size), "find: a 55-character name differing in its last char");
	ok(find(&fc, "opt/leapboot/kernel", &key, &size) && key == 0x24 && size == 0x12345,
	   "find: last file, size decoded from big-endian");

	/* A 57-character name can never be in the directory (56 bytes). */
	ok(!find(&fc, n57, &key, &size), "find: a 57-character name is absent");
	fake_fw_cfg_free(&dev);
}

/* The known files: found in the probe's one pass, whatever the order, and never
 * from a near miss (a character changed where the lookup tells names apart or
 * at the end, one more or one less). */

static void test_known(void)
{
	struct fake_fw_cfg dev;
	struct fw_cfg fc;
	static struct fw_cfg_file dir[128];
	uint8_t byte = 0;

	/* All of them, last first, between decoys; a second copy of each after. */
	fake_fw_cfg_init(&dev);
	fake_fw_cfg_add_file(&dev, "bootorder", &byte, 1);
	uint16_t keys[FW_CFG_KNOWN_FILES];
	for (int k = FW_CFG_KNOWN_FILES - 1; k >= 0; k--) {
		static uint8_t data[64];
		keys[k] = fake_fw_cfg_add_file(&dev, known_file_names[k], data, (uint32_t)k + 1);
		fake_fw_cfg_add_file(&dev, "etc/boot-fail-wait", data, 7);
	}
	for (int k = 0; k < FW_CFG_KNOWN_FILES; k++)
		fake_fw_cfg_add_file(&dev, known_file_names[k], &byte, 1);
	is_code(fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, dir, 128), LB_OK, "known: probe");
	bool all = true;
	for (int k = 0; k < FW_CFG_KNOWN_FILES; k++) {
		struct fw_cfg_blob b = fw_cfg_known(&fc, k);
		if (!fw_cfg_has(&fc, k) || b.key != keys[k] || b.size != (uint32_t)k + 1) {
			diag("%s: key %#x size %u", known_file_names[k], b.key, b.size);
			all = false;
		}
	}
	ok(all, "known: every known file found, the first of two copies");
	char field[56];
	uint16_t key;
	uint32_t size;
	memset(field, 0xAA, sizeof(field));
	memcpy(field, "etc/acpi/tables", 16);
	ok(fw_cfg_find_field(&fc, field, 15, &key, &size) && key == keys[FW_CFG_ACPI_TABLES] &&
	       size == FW_CFG_ACPI_TABLES + 1,
	   "known: a known name in a command's field, junk after its NUL");
	memcpy(field, "bootorder", 10);
	ok(fw_cfg_find_field(&fc, field, 9, &key, &size) && key == 0x20 && size == 1,
	   "known: an unknown name in a field is looked up in the directory");
	memcpy(field, "etc/acpi/tablez", 16);
	ok(!fw_cfg_find_field(&fc, field, 15, &key, &size),
	   "known: a near miss in a field is absent");
	fake_fw_cfg_free(&dev);

	/* Near misses only. */
	fake_fw_cfg_init(&dev);
	unsigned misses = 0;
	for (int k = 0; k < FW_CFG_KNOWN_FILES; k++) {
		size_t len = strlen(known_file_names[k]);
		size_t at[] = {4, known_file_at[k], len - 1};
		char name[64];
		for (unsigned i = 0; i < 3; i++) {
			if (at[i] >= len)
				continue;
			strcpy(name, known_file_names[k]);
			name[at[i]] ^= 0x20;
			fake_fw_cfg_add_file(&dev, name, &byte, 1);
			misses++;
		}
		snprintf(name, sizeof(name), "%sx", known_file_names[k]);
		fake_fw_cfg_add_file(&dev, name, &byte, 1);
		snprintf(name, sizeof(name), "%.*s", (int)len - 1, known_file_names[k]);
		fake_fw_cfg_add_file(&dev, name, &byte, 1);
		misses += 2;
	}
	is_code(fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, dir, 128), LB_OK,
		"known: probe of %u near misses", misses);
	bool none = true;
	for (int k = 0; k < FW_CFG_KNOWN_FILES; k++)
		none = none && !fw_cfg_has(&fc, k) && fw_cfg_known(&fc, k).size == 0;
	ok(none, "known: no near miss counts as a known file");
	fake_fw_cfg_free(&dev);
}

/* Reads an item with and without DMA; both paths must give the same bytes. */
static void test_read(void)
{
	enum { LEN = 10000 };
	struct fake_fw_cfg dev;
	struct fw_cfg fc;
	struct fw_cfg_file dir[DIR_MAX];
	uint8_t *src = malloc(LEN), *dst = malloc(LEN + 16);
	uint16_t key;

	pattern(src, LEN, 5);
	for (int use_dma = 1; use_dma >= 0; use_dma--) {
		const char *how = use_dma ? "DMA" : "PIO";
		fake_fw_cfg_init(&dev);
		fake_fw_cfg_set_dma(&dev, use_dma);
		key = populate(&dev, src, LEN);
		fake_fw_cfg_add_u32(&dev, FW_CFG_KERNEL_SIZE, 0x12345678);
		fake_fw_cfg_add_item(&dev, FW_CFG_SETUP_SIZE, "\x34\x12", 2);
		is_code(fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, dir, DIR_MAX), LB_OK, "%s: probe",
			how);

		/* Whole item. */
		fake_fw_cfg_reset_counters(&dev);
		memset(dst, 0xcc, LEN + 16);
		status_t s = fw_cfg_read(&fc, key, 0, phys(dst), LEN);
		is_code(s, LB_OK, "%s: read a whole item", how);
		ok(memcmp(dst, src, LEN) == 0, "%s: the bytes are the item's", how);
		ok(dst[LEN] == 0xcc, "%s: nothing written past len", how);
		if (use_dma) {
			is_u64(dev.dma_requests, 1, "DMA: one request for an item read from 0");
			is_u64(dev.log[0].control,
			       FW_CFG_DMA_SELECT | FW_CFG_DMA_READ | (uint32_t)key << 16,
			       "DMA: SELECT|READ with the key in bits 31..16");
			is_u64(dev.log[0].length, LEN, "DMA: the whole length in one request");
			is_u64(dev.log[0].address, phys(dst), "DMA: straight to the destination");
			is_u64(dev.pio_bytes, 0, "DMA: no byte moved by port I/O");
		} else {
			is_u64(dev.dma_requests, 0, "PIO: no DMA request without the DMA bit");
			is_u64(dev.pio_bytes, LEN, "PIO: exactly len bytes read");
		}

		/* From an offset: DMA skips with one request, PIO reads and discards. */
		static const uint32_t offs[] = {1, 63, 64, 65, 1000, 4097};
		for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
			uint32_t off = offs[i], len = 777;
			fake_fw_cfg_reset_counters(&dev);
			memset(dst, 0xcc, LEN);
			s = fw_cfg_read(&fc, key, off, phys(dst), len);
			is_code(s, LB_OK, "%s: read %u bytes at offset %u", how, len, off);
			ok(memcmp(dst, src + off, len) == 0 && dst[len] == 0xcc,
			   "%s: bytes at offset %u", how, off);
			if (use_dma) {
				ok(dev.dma_requests == 2 &&
				       dev.log[0].control == (FW_CFG_DMA_SELECT | FW_CFG_DMA_SKIP |
							      (uint32_t)key << 16) &&
				       dev.log[0].length == off &&
				       dev.log[1].control == FW_CFG_DMA_READ &&
				       dev.log[1].length == len,
				   "DMA: offset %u is one SELECT|SKIP then one READ", off);
				is_u64(dev.pio_bytes, 0, "DMA: offset %u not skipped by port I/O",
				       off);
			}
		}

		/* Reading past the end gives zeros (the device's behaviour passes through). */
		memset(dst, 0xcc, LEN);
		s = fw_cfg_read(&fc, key, LEN - 10, phys(dst), 20);
		is_code(s, LB_OK, "%s: read across the end of the item", how);
		ok(memcmp(dst, src + LEN - 10, 10) == 0 && dst[10] == 0 && dst[19] == 0 &&
		       dst[20] == 0xcc,
		   "%s: the part past the end reads as zero", how);

		/* A read selects again: a previous partial read does not shift it. */
		fw_cfg_read(&fc, key, 0, phys(dst), 3);
		memset(dst, 0xcc, LEN);
		fw_cfg_read(&fc, key, 0, phys(dst), 8);
		ok(memcmp(dst, src, 8) == 0, "%s: each read starts from the item's offset 0", how);

		/* Numeric items. */
		uint32_t v = 0;
		s = fw_cfg_read_u32(&fc, FW_CFG_KERNEL_SIZE, &v);
		is_code(s, LB_OK, "%s: read_u32", how);
		is_u64(v, 0x12345678, "%s: read_u32 decodes little-endian", how);
		v = 0xdeadbeef;
		fw_cfg_read_u32(&fc, FW_CFG_SETUP_SIZE, &v);
		is_u64(v, 0x1234, "%s: read_u32 of a 2-byte item: upper bytes zero", how);
		v = 0xdeadbeef;
		fw_cfg_read_u32(&fc, 0x7777, &v);
		is_u64(v, 0, "%s: read_u32 of a missing item is 0", how);

		/* Several at once: each its own request, in order. */
		static const uint16_t keys[] = {FW_CFG_SETUP_SIZE, 0x7777, FW_CFG_KERNEL_SIZE};
		uint32_t vs[4] = {1, 2, 3, 0xdeadbeef};
		uint32_t before = dev.dma_requests;
		s = fw_cfg_read_u32s(&fc, keys, vs, 3);
		is_code(s, LB_OK, "%s: read_u32s", how);
		ok(vs[0] == 0x1234 && vs[1] == 0 && vs[2] == 0x12345678 && vs[3] == 0xdeadbeef,
		   "%s: read_u32s reads each key into its slot, nothing past them", how);
		is_u64(dev.dma_requests - before, fc.dma ? 3 : 0, "%s: one DMA request per key",
		       how);
		fake_fw_cfg_free(&dev);
	}
	free(src);
	free(dst);
}

static void test_write_and_errors(void)
{
	struct fake_fw_cfg dev;
	struct fw_cfg fc;
	struct fw_cfg_file dir[DIR_MAX];
	uint8_t item[16], data[8] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7};
	uint8_t buf[32];
	const uint8_t *now;
	uint32_t len;

	memset(item, 0x11, sizeof(item));
	fake_fw_cfg_init(&dev);
	uint16_t key = fake_fw_cfg_add_file(&dev, "etc/vmgenid_addr", item, sizeof(item));
	is_code(fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, dir, DIR_MAX), LB_OK, "write: probe");

	/* At offset 4: SKIP then WRITE, the bytes land in the item. */
	fake_fw_cfg_reset_counters(&dev);
	status_t s = fw_cfg_write(&fc, key, 4, phys(data), 8);
	is_code(s, LB_OK, "write 8 bytes at offset 4");
	now = fake_fw_cfg_data(&dev, key, &len);
	ok(now[3] == 0x11 && memcmp(now + 4, data, 8) == 0 && now[12] == 0x11,
	   "write: bytes landed at offset 4..11, neighbours intact");
	ok(dev.dma_requests == 2 &&
	       dev.log[0].control == (FW_CFG_DMA_SELECT | FW_CFG_DMA_SKIP | (uint32_t)key << 16) &&
	       dev.log[0].length == 4 && dev.log[1].control == FW_CFG_DMA_WRITE,
	   "write at an offset: SELECT|SKIP then WRITE");

	/* At offset 0: one request. */
	fake_fw_cfg_reset_counters(&dev);
	s = fw_cfg_write(&fc, key, 0, phys(data), 2);
	is_code(s, LB_OK, "write at offset 0");
	now = fake_fw_cfg_data(&dev, key, &len);
	ok(now[0] == 0xa0 && now[1] == 0xa1 && now[2] == 0x11, "write at 0: bytes landed");
	ok(dev.dma_requests == 1 &&
	       dev.log[0].control == (FW_CFG_DMA_SELECT | FW_CFG_DMA_WRITE | (uint32_t)key << 16),
	   "write at 0: one SELECT|WRITE request");
	s = fw_cfg_read(&fc, key, 4, phys(buf), 8);
	ok(s.code == 0 && memcmp(buf, data, 8) == 0, "write: read back what was written");

	/* Past the end of the item: the device sets ERROR. */
	s = fw_cfg_write(&fc, key, 12, phys(data), 8);
	is_code(s, LB_E_FWCFG_DMA_ERROR, "write past the end -> LB_E_FWCFG_DMA_ERROR");
	ok(lb_detail.a == key && lb_detail.b == 8, "DMA error names key and length (%#llx, %llu)",
	   (unsigned long long)lb_detail.a, (unsigned long long)lb_detail.b);
	s = fw_cfg_write(&fc, 0x7777, 0, phys(data), 1);
	is_code(s, LB_E_FWCFG_DMA_ERROR, "write to a missing item -> LB_E_FWCFG_DMA_ERROR");

	/* Errors injected into a read: on the READ, and on the SKIP before it. */
	fake_fw_cfg_reset_counters(&dev);
	dev.fail_dma_request = 1;
	s = fw_cfg_read(&fc, key, 0, phys(buf), 4);
	is_code(s, LB_E_FWCFG_DMA_ERROR, "read: DMA error surfaced");
	ok(lb_detail.a == key && lb_detail.b == 4, "read: DMA error names key and length");
	fake_fw_cfg_reset_counters(&dev);
	s = fw_cfg_read(&fc, key, 4, phys(buf), 4);
	is_code(s, LB_E_FWCFG_DMA_ERROR, "read: DMA error on the SKIP surfaced");
	is_u64(dev.dma_requests, 1, "read: no READ request after a failed SKIP");
	fake_fw_cfg_reset_counters(&dev);
	dev.fail_dma_request = 2;
	s = fw_cfg_read(&fc, key, 4, phys(buf), 4);
	is_code(s, LB_E_FWCFG_DMA_ERROR, "read: DMA error on the READ after a SKIP surfaced");
	fake_fw_cfg_reset_counters(&dev);
	dev.fail_dma_request = 1;
	s = fw_cfg_write(&fc, key, 4, phys(data), 4);
	is_code(s, LB_E_FWCFG_DMA_ERROR, "write: DMA error on the SKIP surfaced");
	is_u64(dev.dma_requests, 1, "write: no WRITE request after a failed SKIP");
	fake_fw_cfg_reset_counters(&dev);
	dev.fail_dma_request = 2;
	static const uint16_t keys[] = {FW_CFG_KERNEL_SIZE, FW_CFG_SETUP_SIZE, FW_CFG_INITRD_SIZE};
	uint32_t vs[3];
	s = fw_cfg_read_u32s(&fc, keys, vs, 3);
	is_code(s, LB_E_FWCFG_DMA_ERROR, "read_u32s: DMA error on the second key surfaced");
	ok(dev.dma_requests == 2 && lb_detail.a == FW_CFG_SETUP_SIZE,
	   "read_u32s: stops at the failing key and names it");
	dev.fail_dma_request = 0;
	fake_fw_cfg_free(&dev);

	/* Without DMA there is no way to write. */
	memset(item, 0x11, sizeof(item));
	fake_fw_cfg_init(&dev);
	fake_fw_cfg_set_dma(&dev, false);
	key = fake_fw_cfg_add_file(&dev, "etc/vmgenid_addr", item, sizeof(item));
	is_code(fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, dir, DIR_MAX), LB_OK,
		"write without DMA: probe");
	fake_fw_cfg_reset_counters(&dev);
	s = fw_cfg_write(&fc, key, 0, phys(data), 8);
	is_code(s, LB_E_FWCFG_NO_DMA, "write without DMA -> LB_E_FWCFG_NO_DMA");
	is_u64(lb_detail.a, key, "NO_DMA names the key");
	now = fake_fw_cfg_data(&dev, key, &len);
	ok(memcmp(now, item, sizeof(item)) == 0, "write without DMA: item unchanged");
	ok(dev.dma_requests == 0 && dev.selects == 0, "write without DMA: device untouched");
	fake_fw_cfg_free(&dev);
}

int main(void)
{
	test_probe();
	test_find();
	test_known();
	test_read();
	test_write_and_errors();
	return done_testing();
}
