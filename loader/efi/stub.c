/* A kernel with an EFI stub, started the way a boot manager starts it, from the
 * bytes fw_cfg holds: the command line as load options, the initrd through
 * LoadFile2 on Linux's initrd media device path (read by fw_cfg DMA straight into
 * the buffer the stub allocates). */
#include "efi.h"
#include "buffer_sizes.h"
#include "../console.h"
#include "phys.h"

/* Linux's initrd media device path (LINUX_EFI_INITRD_MEDIA_GUID) and the
 * LoadFile2 protocol the stub looks for on it. */
static const struct {
	VENDOR_DEVICE_PATH vendor;
	EFI_DEVICE_PATH end;
} __attribute__((packed)) initrd_path = {
    {{MEDIA_DEVICE_PATH, MEDIA_VENDOR_DP, {sizeof(VENDOR_DEVICE_PATH), 0}},
     {0x5568e427, 0x68fc, 0x4f3d, {0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68}}},
    {END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, {sizeof(EFI_DEVICE_PATH), 0}},
};

static EFI_GUID load_file2 = {
    0x4006c0c1, 0xfcb3, 0x403e, {0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d}};

static char cmdline[CMDLINE_CAP];
static CHAR16 load_options[CMDLINE_CAP];
static struct fw_cfg *initrd_fc;
static const struct kernel_source *initrd_src;
static struct fw_cfg_blob initrd;

/* The stub asks for the size first, allocates, then asks for the bytes. */
static EFI_STATUS EFIAPI initrd_load(EFI_LOAD_FILE_PROTOCOL *self, EFI_DEVICE_PATH *path,
				     BOOLEAN boot_policy, UINTN *size, VOID *buf)
{
	(void)self;
	(void)path;
	if (boot_policy)
		return EFI_UNSUPPORTED;
	if (!size)
		return EFI_INVALID_PARAMETER;
	if (!buf || *size < initrd.size) {
		*size = initrd.size;
		return EFI_BUFFER_TOO_SMALL;
	}
	status_t s =
	    kernel_source_fetch(initrd_fc, initrd_src, ITEM_INITRD, 0, phys(buf), initrd.size);
	if (s.code) {
		console_error("initrd", s);
		return EFI_DEVICE_ERROR;
	}
	*size = initrd.size;
	efi_measure_initrd_served(phys(buf), initrd.size);
	console_info("initrd: %u bytes to %#llx for the EFI stub", initrd.size,
		     (unsigned long long)phys(buf));
	return EFI_SUCCESS;
}

static EFI_LOAD_FILE_PROTOCOL initrd_protocol = {initrd_load};
static EFI_HANDLE initrd_handle;

static status_t serve_initrd(struct fw_cfg *fc, const struct kernel_source *src)
{
	struct fw_cfg_blob blob = src->initrd;
	EFI_BOOT_SERVICES *bs = efi_st->BootServices;
	EFI_GUID path_guid = DEVICE_PATH_PROTOCOL;
	uint64_t free;
	status_t s = efi_free_memory(&free);
	if (s.code)
		return s;
	if (blob.size > free)
		return lb_fail(LB_E_INITRD_TOO_BIG, blob.size, free);
	initrd_fc = fc;
	initrd_src = src;
	initrd = blob;
	EFI_STATUS st = bs->InstallProtocolInterface(&initrd_handle, &path_guid,
						     EFI_NATIVE_INTERFACE, (void *)&initrd_path);
	if (!EFI_ERROR(st))
		st = bs->InstallProtocolInterface(&initrd_handle, &load_file2, EFI_NATIVE_INTERFACE,
						  &initrd_protocol);
	return EFI_ERROR(st) ? lb_fail(LB_E_EFI_PROTOCOL, st, 2) : lb_ok();
}

/* The command line as UCS-2 load options; *bytes includes the NUL. With a TPM
 * the command line is measured (the stub measures only its load options). */
static status_t read_cmdline(struct fw_cfg *fc, const struct kernel_source *src, uint32_t max,
			     uint32_t *bytes)
{
	uint32_t len;
	status_t s = kernel_source_cmdline(fc, src, max, cmdline, CMDLINE_CAP, &len);
	if (s.code)
		return s;
	for (uint32_t i = 0; i <= len; i++)
		load_options[i] = (CHAR16)(unsigned char)cmdline[i];
	*bytes = (len + 1) * sizeof(CHAR16);
	return efi_tcg2_present() ? efi_measure_cmdline(cmdline, len) : lb_ok();
}

/* The kernel's bytes in pages of their own: read from fw_cfg unless *image
 * already holds them; LoadImage makes its own copy, so they are freed. */
static status_t load_kernel(struct fw_cfg *fc, const struct kernel_source *src, uint64_t image,
			    uint64_t len, EFI_HANDLE *child)
{
	EFI_BOOT_SERVICES *bs = efi_st->BootServices;
	EFI_PHYSICAL_ADDRESS buf = image;
	status_t s = lb_ok();
	if (!image) {
		EFI_STATUS st = bs->AllocatePages(AllocateAnyPages, EfiLoaderData,
						  EFI_SIZE_TO_PAGES(len), &buf);
		if (EFI_ERROR(st))
			return lb_fail(LB_E_EFI_NO_MEMORY, len, st);
		s = kernel_source_fetch(fc, src, ITEM_KERNEL, 0, buf, src->image.size);
	}
	if (!s.code) {
		EFI_STATUS st =
		    bs->LoadImage(FALSE, efi_image, 0, (void *)(uintptr_t)buf, len, child);
		if (EFI_ERROR(st))
			s = lb_fail(LB_E_EFI_LOAD_IMAGE, st, len);
	}
	bs->FreePages(buf, EFI_SIZE_TO_PAGES(len));
	return s;
}

status_t efi_boot_stub(struct fw_cfg *fc, const struct kernel_source *src, uint32_t cmdline_max,
		       uint64_t image, uint64_t len)
{
	EFI_BOOT_SERVICES *bs = efi_st->BootServices;
	EFI_GUID loaded_image = LOADED_IMAGE_PROTOCOL;
	EFI_LOADED_IMAGE *li;
	EFI_HANDLE child;
	uint32_t options;

	status_t s = read_cmdline(fc, src, cmdline_max, &options);
	if (!s.code && src->initrd.size)
		s = serve_initrd(fc, src);
	if (!s.code && src->initrd.size && efi_tcg2_present())
		s = efi_measure_initrd_watch();
	if (!s.code)
		s = load_kernel(fc, src, image, len, &child);
	if (s.code)
		return s;
	EFI_STATUS st = bs->HandleProtocol(child, &loaded_image, (void **)&li);
	if (EFI_ERROR(st))
		return lb_fail(LB_E_EFI_PROTOCOL, st, 3);
	li->LoadOptions = load_options;
	li->LoadOptionsSize = options;
	console_info("kernel from %s: EFI stub, %llu bytes%s; starting it with \"%s\"", src->origin,
		     (unsigned long long)len, image ? " inflated" : "", cmdline);
	UINTN exit_size = 0;
	st = bs->StartImage(child, &exit_size, 0);
	return lb_fail(LB_E_EFI_START_IMAGE, st, exit_size);
}
