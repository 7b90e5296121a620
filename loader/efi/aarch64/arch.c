/* leapboot.efi on arm64: fw_cfg where the firmware's DTB or DSDT puts it; only
 * kernels with an EFI stub (the stub then finds the DTB or ACPI tables itself). */
#include "../../../boot/efi/acpi_fw_cfg.h"
#include "../efi.h"
#include "../../../boot/efi/pe.h"
#include "arm64.h"
#include "dtb.h"
#include "fdt_check.h"
#include "../../arch.h"
#include "../../gunzip.h"
#include "le.h"
#include "../../stage.h"
#include "../../libc/string.h"
#include "../../fw_cfg_mmio.h"

static struct gunzip gz_state;

status_t efi_arch_fw_cfg(struct fw_cfg *fc, struct fw_cfg_file *dir, uint32_t dir_max)
{
	EFI_GUID dtb_guid = EFI_DTB_TABLE_GUID;
	const void *dtb = (const void *)(uintptr_t)efi_config_table(dtb_guid);
	uint64_t base = 0;
	if (dtb) {
		int err = fdt_validate(dtb);
		if (err)
			return lb_fail(LB_E_FDT_BAD, (uint64_t)-err, 0);
		base = dtb_fw_cfg(dtb);
	} else {
		EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
		base = acpi_rsdp_fw_cfg((const uint8_t *)(uintptr_t)efi_config_table(acpi20));
	}
	if (!base)
		return lb_fail(LB_E_EFI_NO_FWCFG, 0, 0);
	return fw_cfg_probe(fc, &fw_cfg_mmio, (void *)(uintptr_t)base, dir, dir_max);
}

/* An Image.gz: the compressed file in pages, its Image header inflated first
 * (image_size says how much room the rest needs), then the rest after it. */
/* The Image in pages of its own; their number is put in *ctx for the trim. */
static status_t place_in_pages(void *ctx, struct arm64_image *img, uint64_t *dst)
{
	UINTN *pages = ctx;
	*pages = EFI_SIZE_TO_PAGES(img->image_size);
	EFI_STATUS st =
	    efi_st->BootServices->AllocatePages(AllocateAnyPages, EfiLoaderData, *pages, dst);
	*pages = EFI_ERROR(st) ? 0 : *pages;
	return EFI_ERROR(st) ? lb_fail(LB_E_EFI_NO_MEMORY, img->image_size, st) : lb_ok();
}

status_t efi_arch_inflate(struct fw_cfg *fc, const struct kernel_source *src, uint64_t *image,
			  uint64_t *len)
{
	EFI_BOOT_SERVICES *bs = efi_st->BootServices;
	UINTN gz_pages = EFI_SIZE_TO_PAGES(src->image.size), room = 0;
	EFI_PHYSICAL_ADDRESS gz;
	struct arm64_image img;

	EFI_STATUS st = bs->AllocatePages(AllocateAnyPages, EfiLoaderData, gz_pages, &gz);
	if (EFI_ERROR(st))
		return lb_fail(LB_E_EFI_NO_MEMORY, src->image.size, st);
	status_t s = kernel_source_fetch(fc, src, ITEM_KERNEL, 0, gz, src->image.size);
	if (!s.code)
		s = gunzip_image(&gz_state, (const void *)(uintptr_t)gz, src->image.size, &img,
				 place_in_pages, &room, image, len);
	/* Keep only the pages the Image fills: whoever frees it knows len. */
	UINTN used = s.code ? 0 : EFI_SIZE_TO_PAGES(*len);
	if (room > used && !s.code)
		bs->FreePages(*image + used * EFI_PAGE_SIZE, room - used);
	bs->FreePages(gz, gz_pages);
	return s;
}

uint16_t efi_arch_pe_machine(void)
{
	return PE_MACHINE_ARM64;
}

uint32_t efi_arch_cmdline_max(const uint8_t *head, uint32_t n)
{
	(void)head;
	(void)n;
	return ARM64_CMDLINE_MAX;
}

status_t efi_arch_check_kernel(const uint8_t *head, uint32_t n)
{
	struct arm64_image img;
	return arm64_parse(&img, head, n);
}

_Noreturn void arch_fail(void)
{
	efi_power_off();
}
