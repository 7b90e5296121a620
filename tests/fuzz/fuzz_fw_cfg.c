/* libFuzzer target: boot/fw_cfg.c's probe (the file directory read) and name
 * lookups, on a fake fw_cfg device (tests/unit/fake_fw_cfg.c) whose directory item
 * is the input.
 *
 * Input: one flags byte (bit 0: the device has DMA; bits 1-7: dir_max, the
 * directory capacity leapboot passes, 1 to 128), then the bytes of the directory
 * item (a big-endian count, then 64-byte entries: size, select, reserved, name).
 *
 * Checks:
 *  - probe: DIR_TOO_BIG exactly when the count exceeds dir_max, else OK with nfiles
 *    = count, every entry as in the item (zero where the item ends early, as QEMU
 *    reads past an item's end), no write past dir_max entries (the directory is an
 *    exact-size heap buffer), by DMA and by port I/O alike;
 *  - fw_cfg_find_len: for the names leapboot looks up, for every NUL-terminated
 *    name in the directory and for each with a character cut off or added, the same
 *    answer as a plain reference: the first entry whose name field holds exactly
 *    that name and its NUL, with its key and size decoded big-endian;
 *  - the known files the probe finds in its one pass: each as the reference's first
 *    entry of that name with a key other than 0, absent (key and size 0) if none;
 *    fw_cfg_find_field, for the same names in 56-byte fields, answers the same.
 * Seeds (tests/fuzz/corpus/fw_cfg): QEMU 7.2's directories for pc, q35 and microvm
 * as a guest reads them, and hostile ones (tests/fuzz/make-seeds). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/unit/fake_fw_cfg.h"
#include "../tests/unit/known_files.h"

#define HARNESS __attribute__((no_sanitize("coverage"), noinline))

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_fw_cfg: %s:%d: check failed: %s\n", __FILE__,        \
				__LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define ENTRY	 64
#define NAME_MAX 56

/* Looked up besides the known names: a near one and the empty name. */
static const char *const wanted[] = {"etc/boot-fail-wait", ""};

static uint32_t be(const uint8_t *p, int n)
{
	uint32_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* The directory entry i as the device serves it: zero past the item's end. */
static HARNESS void entry_bytes(const uint8_t *item, size_t len, uint32_t i, uint8_t out[ENTRY])
{
	for (size_t k = 0; k < ENTRY; k++) {
		size_t at = 4 + (size_t)i * ENTRY + k;
		out[k] = at < len ? item[at] : 0;
	}
}

static HARNESS bool ref_find(const uint8_t *item, size_t len, uint32_t count, const char *name,
			     uint16_t *key, uint32_t *size)
{
	size_t n = strlen(name);
	for (uint32_t i = 0; i < count; i++) {
		uint8_t e[ENTRY];
		entry_bytes(item, len, i, e);
		if (n < NAME_MAX && memcmp(e + 8, name, n + 1) == 0) {
			*key = (uint16_t)be(e + 4, 2);
			*size = be(e, 4);
			return true;
		}
	}
	return false;
}

/* The reference for a known name: its first entry with a key other than 0. */
static HARNESS bool ref_known(const uint8_t *item, size_t len, uint32_t count, const char *name,
			      uint16_t *key, uint32_t *size)
{
	for (uint32_t i = 0; i < count; i++) {
		uint8_t e[ENTRY];
		entry_bytes(item, len, i, e);
		uint16_t k = (uint16_t)be(e + 4, 2);
		if (k && memcmp(e + 8, name, strlen(name) + 1) == 0) {
			*key = k;
			*size = be(e, 4);
			return true;
		}
	}
	return false;
}

static HARNESS int known_number(const char *name)
{
	for (int k = 0; k < FW_CFG_KNOWN_FILES; k++)
		if (strcmp(name, known_file_names[k]) == 0)
			return k;
	return -1;
}

/* fw_cfg_find_len, and fw_cfg_find_field on the name in a 56-byte field with
 * junk after its NUL (a known name answers as the known file does). */
static HARNESS void check_find(const struct fw_cfg *fc, const uint8_t *item, size_t len,
			       const char *name)
{
	uint16_t key = 0, rkey = 0;
	uint32_t size = 0, rsize = 0;
	size_t n = strlen(name);
	bool got = fw_cfg_find_len(fc, name, n, &key, &size);
	bool want = ref_find(item, len, fc->nfiles, name, &rkey, &rsize);
	check(got == want);
	if (got)
		check(key == rkey && size == rsize);
	if (n >= NAME_MAX)
		return;
	char field[NAME_MAX];
	memset(field, 0xAA, sizeof(field));
	memcpy(field, name, n + 1);
	if (known_number(name) >= 0)
		want = ref_known(item, len, fc->nfiles, name, &rkey, &rsize);
	got = fw_cfg_find_field(fc, field, n, &key, &size);
	check(got == want);
	if (got)
		check(key == rkey && size == rsize);
}

/* The known files the probe found, against the reference. */
static HARNESS void check_known(const struct fw_cfg *fc, const uint8_t *item, size_t len)
{
	for (int k = 0; k < FW_CFG_KNOWN_FILES; k++) {
		uint16_t rkey = 0;
		uint32_t rsize = 0;
		ref_known(item, len, fc->nfiles, known_file_names[k], &rkey, &rsize);
		struct fw_cfg_blob b = fw_cfg_known(fc, k);
		check(b.key == rkey && b.size == rsize && fw_cfg_has(fc, k) == (rkey != 0));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool dma = data[0] & 1;
	uint32_t dir_max = (data[0] >> 1) + 1;
	const uint8_t *item = data + 1;
	size_t len = size - 1;

	static struct fake_fw_cfg dev;
	fake_fw_cfg_init(&dev);
	fake_fw_cfg_set_dma(&dev, dma);
	fake_fw_cfg_add_item(&dev, FW_CFG_FILE_DIR, item, (uint32_t)len);

	struct fw_cfg_file *dir = malloc(dir_max * sizeof(*dir));
	struct fw_cfg fc;
	status_t s = fw_cfg_probe(&fc, &fake_fw_cfg_ops, &dev, dir, dir_max);
	uint8_t count_be[4] = {0};
	memcpy(count_be, item, len < 4 ? len : 4);
	uint32_t count = be(count_be, 4);
	/* dir[0] holds the count: room for dir_max - 1 entries. */
	if (count > dir_max - 1) {
		check(s.code == LB_E_FWCFG_DIR_TOO_BIG && lb_detail.a == count &&
		      lb_detail.b == dir_max - 1);
	} else {
		check(s.code == LB_OK && fc.nfiles == count && fc.dma == dma &&
		      fc.files == dir + 1);
		for (uint32_t i = 0; i < count; i++) {
			uint8_t e[ENTRY];
			entry_bytes(item, len, i, e);
			check(memcmp(&fc.files[i], e, ENTRY) == 0);
		}
		for (int k = 0; k < FW_CFG_KNOWN_FILES; k++)
			check_find(&fc, item, len, known_file_names[k]);
		for (size_t w = 0; w < sizeof(wanted) / sizeof(wanted[0]); w++)
			check_find(&fc, item, len, wanted[w]);
		check_known(&fc, item, len);
		for (uint32_t i = 0; i < count; i++) {
			char name[NAME_MAX + 2];
			memcpy(name, fc.files[i].name, NAME_MAX);
			name[NAME_MAX] = 0;
			size_t n = strlen(name);
			check_find(&fc, item, len, name);
			if (n) {
				name[n - 1] = 0; /* a prefix */
				check_find(&fc, item, len, name);
				name[n - 1] = fc.files[i].name[n - 1];
			}
			name[n] = 'x'; /* one character longer */
			name[n + 1] = 0;
			check_find(&fc, item, len, name);
		}
	}
	free(dir);
	fake_fw_cfg_free(&dev);
	return 0;
}
