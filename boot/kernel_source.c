/* Where the kernel, initrd and command line come from: QEMU's -kernel items or
 * leapboot's own opt/leapboot files. */
#include "kernel_source.h"
#include "phys.h"
#include "../elf/elf.h"
#include "../loader/libc/string.h"

#define FW_CFG_KERNEL_ADDR  0x07
#define FW_CFG_KERNEL_ENTRY 0x10

/* The numeric items of -kernel, read in one go where -kernel can be the user's
 * kernel. */
enum { N_KERNEL_SIZE, N_SETUP_SIZE, N_INITRD_SIZE, N_CMDLINE_SIZE, N_KERNEL_ENTRY, N_ITEMS };
static const uint16_t numeric_key[N_ITEMS] = {
    [N_KERNEL_SIZE] = FW_CFG_KERNEL_SIZE,   [N_SETUP_SIZE] = FW_CFG_SETUP_SIZE,
    [N_INITRD_SIZE] = FW_CFG_INITRD_SIZE,   [N_CMDLINE_SIZE] = FW_CFG_CMDLINE_SIZE,
    [N_KERNEL_ENTRY] = FW_CFG_KERNEL_ENTRY,
};

/* QEMU loads an ELF with a PVH note itself and only says where: KERNEL_ENTRY is
 * set and its SETUP_DATA holds the ELF's first bytes. */
static status_t find_preloaded(struct fw_cfg *fc, struct kernel_source *src, uint32_t entry)
{
	uint32_t magic = 0;
	if (!entry || !src->setup.size)
		return lb_ok();
	status_t s = kernel_source_peek(fc, src, ITEM_KERNEL, 0, phys(&magic), sizeof(magic));
	if (s.code || !elf_is_elf(&magic, sizeof(magic)))
		return s;
	src->preloaded_entry = entry;
	src->preloaded_size = src->image.size; /* KERNEL_SIZE */
	return fw_cfg_read_u32(fc, FW_CFG_KERNEL_ADDR, &src->preloaded_addr);
}

status_t kernel_source_find(struct fw_cfg *fc, bool opt_only, struct kernel_source *src)
{
	uint32_t v[N_ITEMS];
	status_t s = opt_only ? lb_ok() : fw_cfg_read_u32s(fc, numeric_key, v, N_ITEMS);
	if (s.code)
		return s;
	memset(src, 0, sizeof(*src));
	if (!opt_only && v[N_KERNEL_SIZE]) {
		src->origin = "-kernel";
		/* Only QEMU's multiboot loader sets an entry without a setup part
		 * (for a PVH ELF, the setup part holds its first bytes). */
		if (v[N_KERNEL_ENTRY] && !v[N_SETUP_SIZE]) {
			src->qemu_multiboot = true;
			src->preloaded_entry = v[N_KERNEL_ENTRY];
			src->image = (struct fw_cfg_blob){FW_CFG_KERNEL_DATA, v[N_KERNEL_SIZE]};
			src->mbi = (struct fw_cfg_blob){FW_CFG_INITRD_DATA, v[N_INITRD_SIZE]};
			return fw_cfg_read_u32(fc, FW_CFG_KERNEL_ADDR, &src->preloaded_addr);
		}
		src->initrd = (struct fw_cfg_blob){FW_CFG_INITRD_DATA, v[N_INITRD_SIZE]};
		src->cmdline = (struct fw_cfg_blob){FW_CFG_CMDLINE_DATA, v[N_CMDLINE_SIZE]};
		src->image = fw_cfg_known(fc, FW_CFG_BOOT_KERNEL);
		if (src->image.size)
			return lb_ok();
		/* QEMU split the image: setup part (header patched by QEMU, which
		 * leapboot rewrites anyway) and protected-mode part. */
		src->image = (struct fw_cfg_blob){FW_CFG_KERNEL_DATA, v[N_KERNEL_SIZE]};
		src->setup = (struct fw_cfg_blob){FW_CFG_SETUP_DATA, v[N_SETUP_SIZE]};
		return find_preloaded(fc, src, v[N_KERNEL_ENTRY]);
	}
	if (!fw_cfg_has(fc, FW_CFG_LEAPBOOT_KERNEL))
		return lb_fail(LB_E_KERNEL_NONE, 0, 0);
	src->origin = "opt/leapboot/kernel";
	src->image = fw_cfg_known(fc, FW_CFG_LEAPBOOT_KERNEL);
	src->initrd = fw_cfg_known(fc, FW_CFG_LEAPBOOT_INITRD);
	src->cmdline = fw_cfg_known(fc, FW_CFG_LEAPBOOT_CMDLINE);
	return lb_ok();
}

uint32_t kernel_source_module_name(uint32_t i, char name[KERNEL_SOURCE_NAME_CAP])
{
	const char base[] = "opt/leapboot/module";
	uint32_t len = sizeof(base) - 1;
	memcpy(name, base, len);
	if (i >= 10)
		name[len++] = (char)('0' + i / 10 % 10);
	name[len++] = (char)('0' + i % 10);
	name[len] = '\0';
	return len;
}

status_t kernel_source_modules(const struct fw_cfg *fc, struct kernel_modules *mods)
{
	char name[KERNEL_SOURCE_NAME_CAP];

	for (mods->n = 0;; mods->n++) {
		uint32_t i = mods->n, len = kernel_source_module_name(i, name);
		struct fw_cfg_blob mod, cmdline = {0};
		if (!fw_cfg_find_len(fc, name, len, &mod.key, &mod.size))
			return lb_ok();
		if (i == KERNEL_SOURCE_MODULES) /* two digits are enough below it */
			return lb_fail(LB_E_MB_TOO_MANY_MODULES, i + 1, KERNEL_SOURCE_MODULES);
		memcpy(name + len, ".cmdline", 9); /* with its NUL: names compare with it */
		fw_cfg_find_len(fc, name, len + 8, &cmdline.key, &cmdline.size);
		mods->file[i] = mod;
		mods->cmdline[i] = cmdline;
	}
}

/* Where an item's bytes are: size bytes from at in the fw_cfg item key. */
static struct kernel_part item_part(const struct kernel_source *src, enum kernel_item item)
{
	struct fw_cfg_blob b;
	if (item >= ITEM_UKI(0))
		return src->uki_part[item - ITEM_UKI(0)];
	if (item >= ITEM_MODULE0) {
		uint32_t i = (uint32_t)(item - ITEM_MODULE0) / 2;
		b = (item - ITEM_MODULE0) % 2 ? src->modules->cmdline[i] : src->modules->file[i];
	} else if (item == ITEM_CMDLINE) {
		if (src->uki_cmdline)
			return src->uki_part[UKI_CMDLINE];
		b = src->cmdline;
	} else if (item == ITEM_KERNEL && src->uki) {
		return src->uki_part[UKI_LINUX];
	} else {
		b = item == ITEM_INITRD ? src->initrd : src->image;
	}
	return (struct kernel_part){b.key, 0, b.size};
}

uint64_t kernel_source_size(const struct kernel_source *src, enum kernel_item item)
{
	return (uint64_t)item_part(src, item).size + (item == ITEM_KERNEL ? src->setup.size : 0);
}

/* A split kernel is its setup blob, then its image blob: a read stays in one. */
status_t kernel_source_peek(struct fw_cfg *fc, const struct kernel_source *src,
			    enum kernel_item item, uint32_t offset, uint64_t dst, uint32_t len)
{
	struct kernel_part p = item_part(src, item);
	if (item == ITEM_KERNEL && src->setup.size) {
		if (offset < src->setup.size)
			p = (struct kernel_part){src->setup.key, 0, src->setup.size};
		else
			offset -= src->setup.size;
	}
	return fw_cfg_read(fc, p.key, p.at + offset, dst, len);
}

void kernel_source_show(const struct kernel_source *src, enum kernel_item item, uint64_t offset,
			uint64_t addr, uint64_t len)
{
	/* A unified kernel image's kernel and command line are its sections. */
	if (src->uki && item == ITEM_KERNEL)
		item = ITEM_UKI(UKI_LINUX);
	else if (src->uki_cmdline && item == ITEM_CMDLINE)
		item = ITEM_UKI(UKI_CMDLINE);
	if (src->observer && len)
		src->observer->seen(src->observer->ctx, item, offset, (const void *)(uintptr_t)addr,
				    len);
}

status_t kernel_source_fetch(struct fw_cfg *fc, const struct kernel_source *src,
			     enum kernel_item item, uint32_t offset, uint64_t dst, uint32_t len)
{
	status_t s = kernel_source_peek(fc, src, item, offset, dst, len);
	if (!s.code)
		kernel_source_show(src, item, offset, dst, len);
	return s;
}

status_t kernel_source_show_unplaced(struct fw_cfg *fc, const struct kernel_source *src,
				     enum kernel_item item, uint64_t offset, uint64_t len)
{
	uint8_t scratch[2048]; /* on the stack: nothing to clear or keep at start-up */
	status_t s = lb_ok();
	while (src->observer && len && !s.code) {
		uint32_t n = len < sizeof(scratch) ? (uint32_t)len : (uint32_t)sizeof(scratch);
		/* A piece never spans a split kernel's two blobs. */
		if (item == ITEM_KERNEL && offset < src->setup.size && offset + n > src->setup.size)
			n = (uint32_t)(src->setup.size - offset);
		s = kernel_source_fetch(fc, src, item, (uint32_t)offset, phys(scratch), n);
		offset += n;
		len -= n;
	}
	return s;
}

status_t kernel_source_text(struct fw_cfg *fc, const struct kernel_source *src,
			    enum kernel_item item, uint32_t max, char *buf, uint32_t cap,
			    uint32_t *len)
{
	*len = (uint32_t)kernel_source_size(src, item);
	buf[0] = '\0';
	if (!*len)
		return lb_ok();
	if (*len >= cap)
		return lb_fail(LB_E_CMDLINE_TOO_LONG, *len, max);
	uint32_t n = *len;
	status_t s = kernel_source_fetch(fc, src, item, 0, phys(buf), n);
	if (s.code)
		return s;
	buf[n] = '\0';
	/* QEMU counts the NUL; a file may end in newlines. */
	while (n && (buf[n - 1] == '\0' || buf[n - 1] == '\n'))
		buf[--n] = '\0';
	*len = (uint32_t)strlen(buf);
	if (src->uki && item == ITEM_CMDLINE)
		*len = uki_cmdline_mangle(buf, *len);
	if (*len > max)
		return lb_fail(LB_E_CMDLINE_TOO_LONG, *len, max);
	return lb_ok();
}

status_t kernel_source_cmdline(struct fw_cfg *fc, const struct kernel_source *src, uint32_t max,
			       char *buf, uint32_t cap, uint32_t *len)
{
	status_t s = kernel_source_text(fc, src, ITEM_CMDLINE, max, buf, cap, len);
	struct kernel_part x = src->uki_extra;
	if (s.code || !x.size)
		return s;
	uint32_t n = *len + (*len ? 1 : 0) + x.size;
	if (n > max || n >= cap)
		return lb_fail(LB_E_CMDLINE_TOO_LONG, n, max);
	if (*len)
		buf[(*len)++] = ' ';
	s = fw_cfg_read(fc, x.key, x.at, phys(buf + *len), x.size);
	buf[n] = '\0';
	*len = n;
	return s;
}
