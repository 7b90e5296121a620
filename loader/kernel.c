#include "kernel.h"
#include "libc/string.h"

#define HEAD_BYTES 1024 /* covers the setup header of every protocol version */

static struct fw_cfg_blob file_blob(struct fw_cfg *fc, const char *name)
{
	struct fw_cfg_blob b = {0, 0};
	if (!fw_cfg_find(fc, name, &b.key, &b.size))
		b.size = 0;
	return b;
}

static status_t item_blob(struct fw_cfg *fc, uint16_t size_key, uint16_t data_key,
			  struct fw_cfg_blob *b)
{
	b->key = data_key;
	return fw_cfg_read_u32(fc, size_key, &b->size);
}

status_t kernel_source_find(struct fw_cfg *fc, struct kernel_source *src)
{
	struct fw_cfg_blob kernel_size;
	status_t s = item_blob(fc, FW_CFG_KERNEL_SIZE, FW_CFG_KERNEL_DATA, &kernel_size);
	if (s.code)
		return s;
	memset(src, 0, sizeof(*src));
	if (kernel_size.size) {
		src->origin = "-kernel";
		src->image = file_blob(fc, "etc/boot/kernel");
		if (!src->image.size) {
			/* QEMU split the image: setup part (header patched by QEMU,
			 * which leapboot rewrites anyway) and protected-mode part. */
			src->image = kernel_size;
			s = item_blob(fc, FW_CFG_SETUP_SIZE, FW_CFG_SETUP_DATA, &src->setup);
		}
		if (!s.code)
			s = item_blob(fc, FW_CFG_INITRD_SIZE, FW_CFG_INITRD_DATA, &src->initrd);
		if (!s.code)
			s = item_blob(fc, FW_CFG_CMDLINE_SIZE, FW_CFG_CMDLINE_DATA, &src->cmdline);
		return s;
	}
	uint16_t key;
	uint32_t size;
	if (!fw_cfg_find(fc, "opt/leapboot/kernel", &key, &size))
		return lb_fail(LB_E_KERNEL_NONE, 0, 0);
	src->origin = "opt/leapboot/kernel";
	src->image = (struct fw_cfg_blob){key, size};
	src->initrd = file_blob(fc, "opt/leapboot/initrd");
	src->cmdline = file_blob(fc, "opt/leapboot/cmdline");
	return lb_ok();
}

status_t kernel_load_bzimage(struct fw_cfg *fc, const struct kernel_source *src, struct memmap *m,
			     uint64_t reach, struct bzimage *bz)
{
	uint8_t head[HEAD_BYTES];
	const struct fw_cfg_blob *hb = src->setup.size ? &src->setup : &src->image;
	uint32_t n = hb->size < sizeof(head) ? hb->size : (uint32_t)sizeof(head);

	status_t s = fw_cfg_read(fc, hb->key, 0, (uint64_t)(uintptr_t)head, n);
	if (!s.code)
		s = bzimage_parse(bz, head, n);
	if (!s.code)
		s = bzimage_check_sizes(bz, src->setup.size, src->image.size);
	if (!s.code)
		s = bzimage_place_kernel(bz, m, reach);
	if (s.code)
		return s;
	uint32_t offset = src->setup.size ? 0 : bz->setup_size;
	return fw_cfg_read(fc, src->image.key, offset, bz->load, (uint32_t)bz->pm_size);
}

status_t kernel_load_initrd(struct fw_cfg *fc, const struct kernel_source *src,
			    const struct bzimage *bz, struct memmap *m, uint64_t reach,
			    uint64_t *addr)
{
	*addr = 0;
	if (!src->initrd.size)
		return lb_ok();
	uint64_t limit = fc->dma ? UINT64_MAX : reach;
	status_t s = bzimage_place_initrd(bz, m, src->initrd.size, limit, addr);
	if (s.code)
		return s;
	return fw_cfg_read(fc, src->initrd.key, 0, *addr, src->initrd.size);
}

status_t kernel_load_cmdline(struct fw_cfg *fc, const struct kernel_source *src,
			     const struct bzimage *bz, char *buf, uint32_t cap)
{
	uint32_t len = src->cmdline.size;

	buf[0] = '\0';
	if (!len)
		return lb_ok();
	if (len >= cap)
		return lb_fail(LB_E_CMDLINE_TOO_LONG, len, bz->cmdline_max);
	status_t s = fw_cfg_read(fc, src->cmdline.key, 0, (uint64_t)(uintptr_t)buf, len);
	if (s.code)
		return s;
	buf[len] = '\0';
	/* QEMU counts the NUL; a file may end in newlines. */
	while (len && (buf[len - 1] == '\0' || buf[len - 1] == '\n'))
		buf[--len] = '\0';
	len = (uint32_t)strlen(buf);
	return bzimage_check_cmdline(bz, len);
}
