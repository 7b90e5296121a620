/* The unit tests' fw_cfg device; see fake_fw_cfg.h. Modelled on QEMU's
 * hw/nvram/fw_cfg.c: selecting resets the data offset, reads past the end give 0,
 * a DMA SKIP advances the offset, a DMA WRITE past the end sets ERROR. */
#include "fake_fw_cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct fake_fw_cfg_item *find(struct fake_fw_cfg *dev, uint16_t key)
{
	for (unsigned i = 0; i < FAKE_FW_CFG_MAX_ITEMS; i++)
		if (dev->items[i].used && dev->items[i].key == key)
			return &dev->items[i];
	return NULL;
}

static struct fake_fw_cfg_item *slot(struct fake_fw_cfg *dev, uint16_t key)
{
	struct fake_fw_cfg_item *it = find(dev, key);
	if (it)
		return it;
	for (unsigned i = 0; i < FAKE_FW_CFG_MAX_ITEMS; i++) {
		if (!dev->items[i].used) {
			it = &dev->items[i];
			memset(it, 0, sizeof(*it));
			it->used = true;
			it->key = key;
			return it;
		}
	}
	fprintf(stderr, "fake_fw_cfg: more than %d items\n", FAKE_FW_CFG_MAX_ITEMS);
	abort();
}

static void set_data(struct fake_fw_cfg_item *it, const void *data, uint32_t len)
{
	free(it->data);
	it->data = malloc(len ? len : 1);
	if (!it->data)
		abort();
	if (len)
		memcpy(it->data, data, len);
	it->len = len;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const void *q)
{
	const uint8_t *p = q;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const void *q)
{
	const uint8_t *p = q;
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/* The directory item in the device's format: BE32 count, then 64-byte entries
 * {BE32 size, BE16 select, u16 reserved, char name[56]}, in key order. */
static void rebuild_dir(struct fake_fw_cfg *dev)
{
	uint32_t count = 0;
	for (unsigned i = 0; i < FAKE_FW_CFG_MAX_ITEMS; i++)
		count += dev->items[i].used && dev->items[i].is_file;
	uint32_t len = 4 + 64 * count;
	uint8_t *dir = calloc(1, len);
	if (!dir)
		abort();
	put_be32(dir, count);
	uint32_t n = 0;
	for (uint16_t key = 0x20; key < dev->next_file_key; key++) {
		const struct fake_fw_cfg_item *it = find(dev, key);
		if (!it || !it->is_file)
			continue;
		uint8_t *e = dir + 4 + 64 * n++;
		put_be32(e, it->len);
		e[4] = (uint8_t)(key >> 8);
		e[5] = (uint8_t)key;
		memcpy(e + 8, it->name, sizeof(it->name));
	}
	set_data(slot(dev, FW_CFG_FILE_DIR), dir, len);
	free(dir);
}

static void set_id(struct fake_fw_cfg *dev)
{
	uint32_t id = FW_CFG_ID_TRADITIONAL | (dev->dma_enabled ? FW_CFG_ID_DMA : 0);
	uint8_t le[4] = {(uint8_t)id, (uint8_t)(id >> 8), (uint8_t)(id >> 16), (uint8_t)(id >> 24)};
	set_data(slot(dev, FW_CFG_ID), le, sizeof(le));
}

void fake_fw_cfg_init(struct fake_fw_cfg *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->present = true;
	dev->dma_enabled = true;
	dev->next_file_key = 0x20;
	set_data(slot(dev, FW_CFG_SIGNATURE), "QEMU", 4);
	set_id(dev);
	rebuild_dir(dev);
}

void fake_fw_cfg_free(struct fake_fw_cfg *dev)
{
	for (unsigned i = 0; i < FAKE_FW_CFG_MAX_ITEMS; i++) {
		free(dev->items[i].data);
		dev->items[i].data = NULL;
		dev->items[i].used = false;
	}
}

void fake_fw_cfg_set_dma(struct fake_fw_cfg *dev, bool on)
{
	dev->dma_enabled = on;
	set_id(dev);
}

void fake_fw_cfg_set_signature(struct fake_fw_cfg *dev, const char sig[4])
{
	set_data(slot(dev, FW_CFG_SIGNATURE), sig, 4);
}

void fake_fw_cfg_add_item(struct fake_fw_cfg *dev, uint16_t key, const void *data, uint32_t len)
{
	set_data(slot(dev, key), data, len);
}

void fake_fw_cfg_add_u32(struct fake_fw_cfg *dev, uint16_t key, uint32_t value)
{
	uint8_t le[4] = {(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16),
			 (uint8_t)(value >> 24)};
	fake_fw_cfg_add_item(dev, key, le, sizeof(le));
}

uint16_t fake_fw_cfg_add_file(struct fake_fw_cfg *dev, const char *name, const void *data,
			      uint32_t len)
{
	uint16_t key = dev->next_file_key++;
	struct fake_fw_cfg_item *it = slot(dev, key);
	set_data(it, data, len);
	it->is_file = true;
	size_t n = strlen(name);
	memcpy(it->name, name, n < sizeof(it->name) ? n : sizeof(it->name));
	rebuild_dir(dev);
	return key;
}

const uint8_t *fake_fw_cfg_data(const struct fake_fw_cfg *dev, uint16_t key, uint32_t *len)
{
	const struct fake_fw_cfg_item *it = find((struct fake_fw_cfg *)dev, key);
	if (!it)
		return NULL;
	if (len)
		*len = it->len;
	return it->data;
}

void fake_fw_cfg_reset_counters(struct fake_fw_cfg *dev)
{
	dev->dma_probes = 0;
	dev->selects = 0;
	dev->pio_reads = 0;
	dev->pio_bytes = 0;
	dev->dma_requests = 0;
	dev->dma_bytes = 0;
	memset(dev->log, 0, sizeof(dev->log));
}

static void do_select(struct fake_fw_cfg *dev, uint16_t key)
{
	dev->cur_key = key;
	dev->cur_valid = find(dev, key) != NULL;
	dev->offset = 0;
}

static void op_select(void *ctx, uint16_t key)
{
	struct fake_fw_cfg *dev = ctx;
	dev->selects++;
	if (dev->present)
		do_select(dev, key);
}

static void op_read(void *ctx, void *dst, uint32_t len)
{
	struct fake_fw_cfg *dev = ctx;
	uint8_t *d = dst;

	dev->pio_reads++;
	dev->pio_bytes += len;
	if (!dev->present) {
		memset(d, 0xff, len); /* an unclaimed I/O port */
		return;
	}
	const struct fake_fw_cfg_item *it = dev->cur_valid ? find(dev, dev->cur_key) : NULL;
	for (uint32_t i = 0; i < len; i++) {
		if (it && dev->offset < it->len)
			d[i] = it->data[dev->offset++];
		else
			d[i] = 0;
	}
}

static void op_dma(void *ctx, uint64_t desc)
{
	struct fake_fw_cfg *dev = ctx;
	uint8_t *raw = (uint8_t *)(uintptr_t)desc;
	uint32_t control = get_be32(raw);
	uint32_t length = get_be32(raw + 4);
	uint64_t address = get_be64(raw + 8);
	struct fake_fw_cfg_dma_log *log =
	    dev->dma_requests < FAKE_FW_CFG_LOG ? &dev->log[dev->dma_requests] : NULL;

	dev->dma_requests++;
	if (log)
		*log = (struct fake_fw_cfg_dma_log){control, length, address, control};
	if (!dev->present || !dev->dma_enabled)
		return; /* no DMA register: the descriptor is never looked at */

	uint32_t result = 0;
	if (dev->fail_dma_request == dev->dma_requests) {
		result = FW_CFG_DMA_ERROR;
		goto done;
	}
	if (control & FW_CFG_DMA_SELECT)
		do_select(dev, (uint16_t)(control >> 16));
	bool read = control & FW_CFG_DMA_READ;
	bool write = !read && (control & FW_CFG_DMA_WRITE);
	bool skip = !read && !write && (control & FW_CFG_DMA_SKIP);
	if (!read && !write && !skip)
		length = 0;
	struct fake_fw_cfg_item *it = dev->cur_valid ? find(dev, dev->cur_key) : NULL;
	uint8_t *p = (uint8_t *)(uintptr_t)address;
	while (length && !(result & FW_CFG_DMA_ERROR)) {
		uint32_t n;
		if (!it || dev->offset >= it->len) {
			n = length;
			if (write) {
				result |= FW_CFG_DMA_ERROR;
				break;
			}
			if (read) {
				memset(p, 0, n);
				dev->dma_bytes += n;
			}
		} else {
			n = it->len - dev->offset < length ? it->len - dev->offset : length;
			if (read)
				memcpy(p, it->data + dev->offset, n);
			if (write)
				memcpy(it->data + dev->offset, p, n);
			if (read || write)
				dev->dma_bytes += n;
			dev->offset += n;
		}
		if (read || write)
			p += n; /* a SKIP has no buffer (address 0) */
		length -= n;
	}
done:
	/* Done: control back to 0, or ERROR; big-endian like every descriptor field. */
	put_be32(raw, result);
	if (log)
		log->result = result;
}

/* The DMA register exists only on a device with DMA; it reads "QEMU CFG" when
 * the device is QEMU's (modelled as: the signature item says "QEMU"). */
static bool op_dma_present(void *ctx)
{
	struct fake_fw_cfg *dev = ctx;
	const struct fake_fw_cfg_item *sig = find(dev, FW_CFG_SIGNATURE);
	dev->dma_probes++;
	return dev->present && dev->dma_enabled && sig && sig->len == 4 &&
	       memcmp(sig->data, "QEMU", 4) == 0;
}

const struct fw_cfg_ops fake_fw_cfg_ops = {
    .dma_present = op_dma_present,
    .select = op_select,
    .read = op_read,
    .dma = op_dma,
};
