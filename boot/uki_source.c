/* A unified kernel image as the kernel source: its sections become the items
 * (boot/kernel_source.h), read in place from the file QEMU or opt/leapboot
 * handed over, with no copy of the file. */
#include "kernel_source.h"
#include "measured_boot.h"
#include "arm64.h"
#include "boot_params.h"
#include "le.h"
#include "phys.h"
#include "smbios.h"
#include "../loader/libc/string.h"

#define SDMAGIC_MAX	  128 /* "#### LoaderInfo: systemd-stub <version> ####" */
#define UKI_HEADERS_FIRST 1024
/* The SMBIOS OEM string (type 11) whose value systemd-stub appends to the
 * command line (outside confidential VMs, which leapboot cannot tell). */
#define CMDLINE_EXTRA "io.systemd.stub.kernel-cmdline-extra"

/* The file's first n bytes, across a split file's two fw_cfg items. */
static status_t read_head(struct fw_cfg *fc, const struct kernel_source *src, uint8_t *hdr,
			  uint32_t n)
{
	uint32_t first = src->setup.size && src->setup.size < n ? src->setup.size : n;
	status_t s = kernel_source_peek(fc, src, ITEM_KERNEL, 0, phys(hdr), first);
	if (!s.code && first < n)
		s = kernel_source_peek(fc, src, ITEM_KERNEL, first, phys(hdr + first), n - first);
	return s;
}

/* Where a section is: QEMU's -kernel on x86 splits a PE file as it would an
 * old zImage (setup part, then the rest); a section must lie in one of them. */
static status_t place(const struct kernel_source *src, uint32_t i, struct uki_range r,
		      struct kernel_part *p)
{
	uint32_t split = src->setup.size;
	if (!split)
		*p = (struct kernel_part){src->image.key, r.at, r.size};
	else if (r.at >= split)
		*p = (struct kernel_part){src->image.key, r.at - split, r.size};
	else if (r.at + r.size <= split)
		*p = (struct kernel_part){src->setup.key, r.at, r.size};
	else
		return lb_fail(LB_E_UKI_SPLIT, i, split);
	return lb_ok();
}

/* systemd-stub's rule without Secure Boot: the loader's command line replaces
 * .cmdline unless it is empty or starts with a control character. */
static status_t user_cmdline(struct fw_cfg *fc, const struct kernel_source *src, bool *given)
{
	uint8_t first = 0;
	*given = false;
	if (!src->cmdline.size)
		return lb_ok();
	status_t s = fw_cfg_read(fc, src->cmdline.key, 0, phys(&first), 1);
	*given = !s.code && first > 0x1F;
	return s;
}

/* Linux's own EFI stub makes its bzImage and arm64 Image PE files too: their
 * boot headers say they are kernels, not UKIs, without a look at the sections. */
static bool linux_header(const uint8_t *head, uint32_t n)
{
	return (n >= 0x206 && le32(head + 0x202) == SETUP_HDR_MAGIC) ||
	       (n >= 0x3C && le32(head + 0x38) == ARM64_IMAGE_MAGIC);
}

status_t kernel_source_open_uki(struct fw_cfg *fc, struct kernel_source *src, uint16_t machine,
				uint8_t *hdr)
{
	uint64_t size = kernel_source_size(src, ITEM_KERNEL);
	if (src->preloaded_entry || src->qemu_multiboot)
		return lb_ok();
	/* The headers of a UKI of up to 20 sections lie in its first KiB. */
	uint32_t n = size < UKI_HEADERS_FIRST ? (uint32_t)size : UKI_HEADERS_FIRST;
	status_t s = read_head(fc, src, hdr, n);
	if (s.code || !uki_is_mz(hdr, n) || linux_header(hdr, n))
		return s;
	struct uki u;
	s = uki_parse(hdr, n, size, machine, &u);
	if (s.code == LB_E_UKI_HEADERS && size > n) {
		n = size < UKI_HEADERS_MAX ? (uint32_t)size : UKI_HEADERS_MAX;
		s = read_head(fc, src, hdr, n);
		if (!s.code)
			s = uki_parse(hdr, n, size, machine, &u);
	}
	if (s.code == LB_E_UKI_NOT_UKI)
		return lb_ok();
	for (uint32_t i = 0; !s.code && i < UKI_SECTIONS; i++)
		if (u.section[i].size)
			s = place(src, i, u.section[i], &src->uki_part[i]);
	bool given = false;
	if (!s.code)
		s = user_cmdline(fc, src, &given);
	if (s.code)
		return s;
	src->uki = true;
	src->uki_cmdline = !given && u.section[UKI_CMDLINE].size;
	src->image = (struct fw_cfg_blob){src->uki_part[UKI_LINUX].key, u.section[UKI_LINUX].size};
	src->setup = (struct fw_cfg_blob){0, 0};
	struct fw_cfg_blob smbios = fw_cfg_known(fc, FW_CFG_SMBIOS_TABLES);
	uint32_t at, len = smbios.size < UKI_HEADERS_MAX ? smbios.size : UKI_HEADERS_MAX;
	if (len && !(s = fw_cfg_read(fc, smbios.key, 0, phys(hdr), len)).code &&
	    smbios_oem_value(hdr, len, CMDLINE_EXTRA, &at, &len))
		src->uki_extra = (struct kernel_part){smbios.key, at, len};
	return s;
}

/* systemd-stub's version, from .sdmagic; 0 if it has none. Only the
 * measurement asks: it decides whether .uname and .sbat are measured. */
static status_t stub_version(struct fw_cfg *fc, const struct kernel_source *src, uint32_t *v)
{
	char magic[SDMAGIC_MAX];
	uint32_t n = src->uki_part[UKI_SDMAGIC].size;
	*v = 0;
	if (n > sizeof(magic))
		n = sizeof(magic);
	status_t s =
	    n ? kernel_source_peek(fc, src, ITEM_UKI(UKI_SDMAGIC), 0, phys(magic), n) : lb_ok();
	if (n && !s.code)
		*v = uki_stub_version(magic, n);
	return s;
}

uint64_t kernel_source_initrd_size(const struct kernel_source *src)
{
	uint64_t n = src->initrd.size;
	if (src->uki)
		n += (((uint64_t)src->uki_part[UKI_UCODE].size + 3) & ~3ull) +
		     (((uint64_t)src->uki_part[UKI_INITRD].size + 3) & ~3ull);
	return n;
}

status_t kernel_source_fetch_initrd(struct fw_cfg *fc, const struct kernel_source *src,
				    uint64_t dst)
{
	static const enum kernel_item parts[] = {ITEM_UKI(UKI_UCODE), ITEM_UKI(UKI_INITRD),
						 ITEM_INITRD};
	status_t s = lb_ok();
	for (uint32_t i = src->uki ? 0 : 2; !s.code && i < 3; i++) {
		uint32_t n = (uint32_t)kernel_source_size(src, parts[i]);
		if (!n)
			continue;
		s = kernel_source_fetch(fc, src, parts[i], 0, dst, n);
		dst += n;
		if (parts[i] != ITEM_INITRD)
			for (; n % 4; n++) /* the next archive starts 4-byte aligned */
				*(volatile uint8_t *)(uintptr_t)dst++ = 0;
	}
	return s;
}

status_t kernel_source_measured_uki(struct fw_cfg *fc, const struct kernel_source *src,
				    uint32_t cmdline_len, uint32_t fetched,
				    struct measured_kernel *k, uint64_t *initrd_size)
{
	if (!src->uki)
		return lb_ok();
	status_t s = stub_version(fc, src, &k->uki_stub);
	*initrd_size = src->initrd.size; /* the image's own are its sections */
	k->uki = src;
	uint32_t extra = src->uki_extra.size;
	k->extra_len = extra;
	if (extra) /* after the user's or the image's command line and a space */
		cmdline_len -= extra + (cmdline_len > extra);
	if (!src->uki_cmdline && kernel_source_size(src, ITEM_CMDLINE))
		k->user_cmdline_len = cmdline_len;
	for (uint32_t i = 0; !s.code && i < UKI_SECTIONS; i++) {
		bool seen = i == UKI_LINUX || i == UKI_UCODE || i == UKI_INITRD ||
			    (i == UKI_CMDLINE && src->uki_cmdline) || fetched & 1u << i;
		if (!seen && uki_section_measured(i, k->uki_stub))
			s = kernel_source_show_unplaced(fc, src, ITEM_UKI(i), 0,
							src->uki_part[i].size);
	}
	return s;
}
