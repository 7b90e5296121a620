/* fw_cfg on x86: selector 0x510, data 0x511, DMA address 0x514/0x518 (big-endian). */
#include "fw_cfg_ports.h"
#include "io.h"

#define FW_CFG_PORT_SEL	     0x510
#define FW_CFG_PORT_DATA     0x511
#define FW_CFG_PORT_DMA_HIGH 0x514
#define FW_CFG_PORT_DMA_LOW  0x518

/* The DMA register's first half: "QEMU" (it reads as "QEMU CFG", big-endian);
 * an unclaimed port (no fw_cfg, or fw_cfg without DMA) reads as all ones. */
static bool ports_dma_present(void *ctx)
{
	(void)ctx;
	uint32_t v = inl(FW_CFG_PORT_DMA_HIGH);
	return v == ('Q' | 'E' << 8 | 'M' << 16 | (uint32_t)'U' << 24);
}

static void ports_select(void *ctx, uint16_t key)
{
	(void)ctx;
	outw(FW_CFG_PORT_SEL, key);
}

static void ports_read(void *ctx, void *dst, uint32_t len)
{
	(void)ctx;
	insb(FW_CFG_PORT_DATA, dst, len);
}

/* QEMU clears its latched DMA address after every transfer, so after one
 * transfer a descriptor below 4 GiB needs only the low write (which starts it).
 * The first one writes both halves: a guest may have left a high half there
 * before a reset. */
static bool latch_clear;

static void ports_dma(void *ctx, uint64_t desc)
{
	(void)ctx;
	/* The descriptor in memory before the device reads it, and read back
	 * after it wrote it (the port writes themselves are no compiler barrier). */
	__asm__ volatile("" : : "r"(desc) : "memory");
	uint32_t high = (uint32_t)(desc >> 32);
	if (high || !latch_clear)
		outl(FW_CFG_PORT_DMA_HIGH, __builtin_bswap32(high));
	outl(FW_CFG_PORT_DMA_LOW, __builtin_bswap32((uint32_t)desc));
	__asm__ volatile("" : : "r"(desc) : "memory");
	latch_clear = true;
}

const struct fw_cfg_ops fw_cfg_ports = {
    .dma_present = ports_dma_present,
    .select = ports_select,
    .read = ports_read,
    .dma = ports_dma,
};
