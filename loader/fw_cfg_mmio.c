/* fw_cfg on arm virt: MMIO, data at +0, big-endian selector at +8, big-endian DMA
 * address at +16. The base comes from the DTB (compatible "qemu,fw-cfg-mmio"). */
#include "fw_cfg_mmio.h"
#include "mmio.h"

#define FW_CFG_DATA 0
#define FW_CFG_SEL  8
#define FW_CFG_DMA  16

static uint64_t base(void *ctx)
{
	return (uint64_t)(uintptr_t)ctx;
}

static void mmio_select(void *ctx, uint16_t key)
{
	mmio_write16(base(ctx) + FW_CFG_SEL, __builtin_bswap16(key));
}

static void mmio_read(void *ctx, void *dst, uint32_t len)
{
	uint8_t *p = dst;
	for (uint32_t i = 0; i < len; i++)
		p[i] = mmio_read8(base(ctx) + FW_CFG_DATA);
}

static void mmio_dma(void *ctx, uint64_t desc)
{
	__asm__ volatile("dsb sy" ::: "memory");
	mmio_write64(base(ctx) + FW_CFG_DMA, __builtin_bswap64(desc));
	__asm__ volatile("dsb sy" ::: "memory");
}

const struct fw_cfg_ops fw_cfg_mmio = {
    .select = mmio_select,
    .read = mmio_read,
    .dma = mmio_dma,
};
