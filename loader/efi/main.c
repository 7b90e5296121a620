/* leapboot.efi: the kernel from fw_cfg, booted through its EFI stub, or, without
 * one, after leaving the firmware as the firmware form boots it. */
#include "efi.h"
#include "buffer_sizes.h"
#include "../../boot/efi/pe.h"
#include "../../boot/uki.h"
#include "../console.h"
#include "phys.h"
#include "../libc/string.h"
#include "../stage.h"

#define GZIP_ID1 0x1f
#define GZIP_ID2 0x8b

EFI_HANDLE efi_image;
EFI_SYSTEM_TABLE *efi_st;
uint64_t efi_image_start, efi_image_end;

static struct fw_cfg_file fw_cfg_dir[FW_CFG_DIR_MAX];
static uint8_t head[KERNEL_HEAD_BYTES];

static status_t find_own_image(void)
{
	EFI_GUID guid = LOADED_IMAGE_PROTOCOL;
	EFI_LOADED_IMAGE *li;
	EFI_STATUS st = efi_st->BootServices->HandleProtocol(efi_image, &guid, (void **)&li);
	if (EFI_ERROR(st))
		return lb_fail(LB_E_EFI_PROTOCOL, st, 1);
	efi_image_start = phys(li->ImageBase);
	efi_image_end = efi_image_start + li->ImageSize;
	return lb_ok();
}

/* Debian's crt0 calls this with the ordinary C convention (not EFIAPI). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct fw_cfg fc;
	struct kernel_source src;

	efi_image = image;
	efi_st = st;
	stage_check("efi", find_own_image());
	stage_check("fw_cfg", efi_arch_fw_cfg(&fc, fw_cfg_dir, FW_CFG_DIR_MAX));
	console_verbose = fw_cfg_has(&fc, FW_CFG_LEAPBOOT_VERBOSE);
	console_info("leapboot.efi at %#llx-%#llx, fw_cfg %s, %u files",
		     (unsigned long long)efi_image_start, (unsigned long long)efi_image_end,
		     fc.dma ? "DMA" : "without DMA", fc.nfiles);
	uint32_t banks;
	stage_check("tpm", efi_tcg2_find(&banks));
	if (banks)
		console_info("measured boot: the firmware's EFI_TCG2_PROTOCOL, PCR banks %#x",
			     banks);

	/* -kernel went to the firmware: the kernel is in the opt/leapboot files. */
	stage_check("kernel", kernel_source_find(&fc, true, &src));
	uint32_t n = src.image.size < KERNEL_HEAD_BYTES ? src.image.size : KERNEL_HEAD_BYTES;
	stage_check("kernel", kernel_source_peek(&fc, &src, ITEM_KERNEL, 0, phys(head), n));
	uint64_t inflated = 0, len = src.image.size;
	if (n >= 2 && head[0] == GZIP_ID1 && head[1] == GZIP_ID2) {
#if EFI_ARCH_INFLATES
		stage_check("kernel", efi_arch_inflate(&fc, &src, &inflated, &len));
#else
		stage_fail("kernel", lb_fail(LB_E_EFI_GZIP, src.image.size, 0));
#endif
		n = len < KERNEL_HEAD_BYTES ? (uint32_t)len : KERNEL_HEAD_BYTES;
		memcpy(head, (const void *)(uintptr_t)inflated, n);
	}
	if (pe_is_efi_app(head, n, efi_arch_pe_machine())) {
		/* A unified kernel image's systemd-stub hands the command line on to
		 * the kernel inside, whose limit it applies. */
		struct uki u;
		bool uki =
		    uki_parse(head, n, len, efi_arch_pe_machine(), &u).code != LB_E_UKI_NOT_UKI;
		uint32_t max = uki ? CMDLINE_CAP - 1 : efi_arch_cmdline_max(head, n);
		stage_fail("kernel", efi_boot_stub(&fc, &src, max, inflated, len));
	}
	stage_check("kernel", efi_arch_check_kernel(head, n));
#if EFI_ARCH_BOOTS_DIRECT
	/* The firmware measures only what it loads: such a kernel would go unmeasured. */
	if (efi_tcg2_present())
		stage_fail("tpm", lb_fail(LB_E_TCG2_NO_STUB, 0, 0));
	efi_arch_boot_direct(&fc, &src);
#else
	stage_fail("kernel", lb_fail(LB_E_EFI_NO_STUB, 0, 0));
#endif
}
