/* fw_cfg on x86: selector 0x510, data 0x511, DMA address 0x514/0x518 (big-endian). */
#include "fw_cfg_ports.h"
#include "io.h"

#define FW_CFG_PORT_SEL	     0x510
#define FW_CFG_PORT_DATA     0x511
#define FW_CFG_PORT_DMA_HIGH 0x514
#define FW_CFG_PORT_DMA_LOW  0x518

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

static void ports_dma(void *ctx, uint64_t desc)
{
	(void)ctx;
	/* The high write also clears the device's latched low half. */
	outl(FW_CFG_PORT_DMA_HIGH, __builtin_bswap32((uint32_t)(desc >> 32)));
	outl(FW_CFG_PORT_DMA_LOW, __builtin_bswap32((uint32_t)desc));
}

const struct fw_cfg_ops fw_cfg_ports = {
    .select = ports_select,
    .read = ports_read,
    .dma = ports_dma,
};
