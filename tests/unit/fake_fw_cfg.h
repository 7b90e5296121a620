/* A host-side fw_cfg device for the unit tests: items and files in memory, served
 * through struct fw_cfg_ops by port-I/O-style select/read and by DMA, where the
 * "physical" addresses in descriptors are host pointers. */
#ifndef LEAPBOOT_TEST_FAKE_FW_CFG_H
#define LEAPBOOT_TEST_FAKE_FW_CFG_H

#include <stdbool.h>
#include <stdint.h>
#include "../../boot/fw_cfg.h"

#define FAKE_FW_CFG_MAX_ITEMS 96
#define FAKE_FW_CFG_LOG	      32 /* DMA requests remembered for assertions */

struct fake_fw_cfg_item {
	bool used;
	uint16_t key;
	uint8_t *data; /* owned by the device */
	uint32_t len;
	bool is_file;
	char name[56]; /* as in the directory: NUL-padded, not always terminated */
};

struct fake_fw_cfg_dma_log {
	uint32_t control; /* as the guest wrote it */
	uint32_t length;
	uint64_t address;
	uint32_t result; /* control as the device left it */
};

struct fake_fw_cfg {
	/* configuration */
	bool present;	  /* false: no device, every read gives 0xff */
	bool dma_enabled; /* FW_CFG_ID_DMA in the ID item; DMA requests are ignored without it */
	uint32_t fail_dma_request; /* 1-based number of a DMA request to fail; 0 = none */

	/* state */
	struct fake_fw_cfg_item items[FAKE_FW_CFG_MAX_ITEMS];
	uint16_t next_file_key;
	uint16_t cur_key;
	bool cur_valid;
	uint32_t offset;

	/* counters */
	uint32_t dma_probes;   /* dma_present() calls */
	uint32_t selects;      /* select() calls */
	uint32_t pio_reads;    /* read() calls */
	uint64_t pio_bytes;    /* bytes returned by read() */
	uint32_t dma_requests; /* dma() calls */
	uint64_t dma_bytes;    /* bytes moved by READ and WRITE */
	struct fake_fw_cfg_dma_log log[FAKE_FW_CFG_LOG];
};

extern const struct fw_cfg_ops fake_fw_cfg_ops;

/* A present device with DMA, the signature, the ID and an empty directory. */
void fake_fw_cfg_init(struct fake_fw_cfg *dev);
void fake_fw_cfg_free(struct fake_fw_cfg *dev);

/* Turns the DMA feature bit (and the DMA interface) on or off. */
void fake_fw_cfg_set_dma(struct fake_fw_cfg *dev, bool on);
/* Replaces the 4-byte signature at key 0 (e.g. to make it wrong). */
void fake_fw_cfg_set_signature(struct fake_fw_cfg *dev, const char sig[4]);

/* Adds (or replaces) a numeric item; the data is copied. */
void fake_fw_cfg_add_item(struct fake_fw_cfg *dev, uint16_t key, const void *data, uint32_t len);
void fake_fw_cfg_add_u32(struct fake_fw_cfg *dev, uint16_t key, uint32_t value);
/* Adds a named file at the next key from 0x20 up and returns that key; names of
 * up to 56 characters are stored (56 without a NUL, as the format allows). */
uint16_t fake_fw_cfg_add_file(struct fake_fw_cfg *dev, const char *name, const void *data,
			      uint32_t len);

/* The item's current bytes (NULL if absent). */
const uint8_t *fake_fw_cfg_data(const struct fake_fw_cfg *dev, uint16_t key, uint32_t *len);

/* Zeroes the counters and the DMA log. */
void fake_fw_cfg_reset_counters(struct fake_fw_cfg *dev);

#endif
