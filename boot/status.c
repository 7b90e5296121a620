#include "status.h"

struct lb_detail lb_detail;

static const char *const messages[LB_E_COUNT] = {
    [LB_OK] = "ok",
    [LB_E_FWCFG_ABSENT] = "no QEMU fw_cfg device (signature %#llx)",
    [LB_E_FWCFG_DIR_TOO_BIG] = "file directory too large (%llu entries, leapboot handles %llu)",
    [LB_E_FWCFG_DMA_ERROR] = "DMA transfer failed (key %#llx, %llu bytes)",
    [LB_E_FWCFG_NO_DMA] = "writing needs fw_cfg DMA (key %#llx)",
    [LB_E_FWCFG_NO_E820] = "no etc/e820 file (%llu fw_cfg files)",
    [LB_E_MEMMAP_FULL] = "memory map too fragmented (more than %llu ranges)",
    [LB_E_MEMMAP_BAD_E820] = "malformed etc/e820 (%llu bytes, not a multiple of %llu)",
    [LB_E_MEMMAP_NO_ROOM] = "no free RAM (%llu bytes, alignment %#llx)",
    [LB_E_MEMMAP_NOT_RAM] = "range is not free RAM (%#llx, %#llx bytes)",
    [LB_E_MEMMAP_TOO_SMALL] = "not enough RAM (%llu KiB; leapboot needs at least %llu KiB)",
    [LB_E_E820_TOO_MANY] = "e820 map too long (%llu entries, boot_params holds %llu)",
    [LB_E_KERNEL_NONE] = "no kernel (pass -kernel FILE or -fw_cfg "
			 "name=opt/leapboot/kernel,file=FILE)",
    [LB_E_KERNEL_TOO_SMALL] = "not a bzImage (file is %llu bytes, a header needs %llu)",
    [LB_E_KERNEL_NO_BOOTFLAG] = "not a bzImage (boot_flag %#llx, expected 0xaa55)",
    [LB_E_KERNEL_NO_HDRS] = "not a bzImage (no \"HdrS\" signature at 0x202: found %#llx)",
    [LB_E_KERNEL_16BIT_ONLY] = "kernel has only the 16-bit entry (protocol %#llx, loadflags "
			       "%#llx; leapboot needs protocol >= 2.02 with LOADED_HIGH)",
    [LB_E_KERNEL_REAL_MODE_ONLY] =
	"kernel has no protected-mode entry (syssize %#llx, code32_start %#llx): "
	"it runs through its real-mode setup, which needs a BIOS",
    [LB_E_KERNEL_SETUP_TOO_BIG] = "setup does not fit in the file (%llu bytes of %llu)",
    [LB_E_KERNEL_SETUP_MISMATCH] = "setup size mismatch (%llu bytes, the header says %llu)",
    [LB_E_KERNEL_TRUNCATED] = "truncated kernel (protected-mode part %llu bytes, header "
			      "syssize says %llu)",
    [LB_E_KERNEL_NO_ROOM] = "init_size does not fit in RAM (%#llx bytes, alignment %#llx)",
    [LB_E_KERNEL_NOT_RELOCATABLE] = "kernel is not relocatable and its place is not free RAM "
				    "(%#llx, %#llx bytes)",
    [LB_E_INITRD_TOO_BIG] = "initrd larger than RAM (%llu bytes, %llu bytes of RAM it may use)",
    [LB_E_INITRD_NO_ROOM] = "no free RAM for the initrd (%llu bytes below %#llx)",
    [LB_E_INITRD_ABOVE_MAX] = "initrd does not fit below the kernel's initrd_addr_max (%llu bytes, "
			      "limit %#llx)",
    [LB_E_CMDLINE_TOO_LONG] = "command line too long (%llu bytes, the kernel accepts %llu)",
    [LB_E_ACPI_BAD_SCRIPT] = "malformed table-loader script (%llu bytes, not a multiple of %llu)",
    [LB_E_ACPI_BAD_NAME] = "bad file name in the table-loader script (command %llu)",
    [LB_E_ACPI_DOUBLE_ALLOC] = "file allocated twice (command %llu)",
    [LB_E_ACPI_NO_FILE] = "table-loader names a missing fw_cfg file (command %llu)",
    [LB_E_ACPI_BAD_ALIGN] = "bad alignment (command %llu, align %#llx)",
    [LB_E_ACPI_BAD_ZONE] = "bad allocation zone (command %llu, zone %llu)",
    [LB_E_ACPI_BAD_SIZE] = "bad blob size (command %llu, %llu bytes)",
    [LB_E_ACPI_TOO_MANY] = "too many blobs (command %llu, leapboot handles %llu)",
    [LB_E_ACPI_NOT_ALLOCATED] = "command names a file not allocated (command %llu)",
    [LB_E_ACPI_BAD_POINTER_SIZE] = "bad pointer size (command %llu, %llu bytes)",
    [LB_E_ACPI_OUT_OF_BLOB] = "offset outside the blob (command %llu, offset %#llx)",
    [LB_E_ACPI_POINTER_OVERFLOW] = "pointer does not fit its field (command %llu, value %#llx)",
    [LB_E_TABLES_NO_ROOM] = "no room for a firmware table (%llu bytes, zone %llu)",
    [LB_E_SMBIOS_BAD_ANCHOR] = "bad SMBIOS entry point (%llu bytes, signature %#llx)",
    [LB_E_SMBIOS_BAD_TABLES] =
	"SMBIOS tables do not match the entry point (%llu bytes, entry says %llu)",
    [LB_E_SMBIOS_BAD_STRUCTURE] = "malformed SMBIOS structure (offset %llu, length %llu)",
    [LB_E_SMBIOS_HANDLES] = "no free SMBIOS handle for the BIOS information (highest %#llx)",
    [LB_E_MPTABLE_CPUS] = "bad CPU count for an MP table (%llu CPUs, at most %llu)",
    [LB_E_ELF_NOT_ELF] = "not an ELF file (%llu bytes read)",
    [LB_E_ELF_UNSUPPORTED] = "unsupported ELF (type/class %llu, machine/data %llu)",
    [LB_E_ELF_BAD_PHDRS] = "bad ELF program headers (%llu entries, %#llx)",
    [LB_E_ELF_SEGMENT_OUTSIDE] = "ELF segment outside the file (segment %llu, offset %#llx)",
    [LB_E_ELF_SEGMENT_NOT_RAM] = "ELF segment outside RAM (%#llx, %#llx bytes)",
    [LB_E_ELF_SEGMENT_WRAPS] = "ELF segment wraps around memory (segment %llu, address %#llx)",
    [LB_E_ELF_MEMSZ] = "ELF segment memsz below filesz (segment %llu, memsz %#llx)",
    [LB_E_ELF_OVERLAP] = "ELF segments overlap (segment %llu at %#llx)",
    [LB_E_ELF_TOO_MANY] = "too many ELF segments (segment %llu, leapboot handles %llu)",
    [LB_E_ELF_NO_LOAD] = "ELF has nothing to load (%llu program headers)",
    [LB_E_ELF_BAD_NOTE] = "malformed ELF note (at %#llx, size %llu)",
    [LB_E_ELF_NO_PVH_NOTE] = "no PVH entry note, Xen type 18 (%llu bytes of notes)",
    [LB_E_PVH_BAD_START_INFO] = "not a PVH start_info (magic %#llx, version %llu)",
    [LB_E_PVH_NO_MEMMAP] = "PVH start_info without a memory map (version %llu, %llu entries)",
    [LB_E_MB_NONE] = "no multiboot header in the first 8 KiB (%llu bytes searched)",
    [LB_E_MB_CHECKSUM] = "multiboot magic with a wrong checksum (at %#llx, checksum %#llx)",
    [LB_E_MB_FLAGS] = "multiboot header requires features undefined in multiboot 0.6.96 "
		      "(at %#llx, flags %#llx)",
    [LB_E_MB_HEADER_CUT] = "multiboot header runs past the first 8 KiB or the file (at %#llx, "
			   "%llu bytes)",
    [LB_E_MB_HEADER_ADDR] = "multiboot header_addr is not inside the loaded part (header_addr "
			    "%#llx, load_addr %#llx)",
    [LB_E_MB_LOAD_END] = "multiboot load_end_addr is below load_addr or past the end of the file "
			 "(load_end_addr %#llx, file %llu bytes)",
    [LB_E_MB_BSS_END] = "multiboot bss_end_addr is below load_end_addr (%#llx, %#llx)",
    [LB_E_MB_ENTRY] = "multiboot entry point outside the image (%#llx, image at %#llx)",
    [LB_E_MB_NOT_FREE] = "multiboot image not in free RAM below 4 GiB (%#llx, %#llx bytes)",
    [LB_E_MB_TOO_MANY_MODULES] = "too many multiboot modules (%llu, leapboot handles %llu)",
    [LB_E_MB_MODULE_NO_ROOM] = "multiboot module does not fit in free RAM below 4 GiB (module "
			       "%llu, %llu bytes)",
    [LB_E_MB_BAD_INFO] = "malformed multiboot information from QEMU (field at %#llx, value %#llx)",
    [LB_E_MB_INITRD] = "a multiboot kernel takes modules, not an initrd: use "
		       "opt/leapboot/module0, module1, ... (%llu bytes)",
    [LB_E_MB_EFI] = "multiboot kernel: leapboot.bin boots those, not leapboot.efi (header at "
		    "%#llx)",
    [LB_E_TPM_SHORT_RESPONSE] = "TPM response shorter than its header (%llu bytes, %llu needed)",
    [LB_E_TPM_RESPONSE_SIZE] = "TPM response size field lies (%llu, %llu bytes received)",
    [LB_E_TPM_RESPONSE_TAG] = "TPM response with a wrong tag (%#llx)",
    [LB_E_TPM_ERROR] = "TPM command failed (command code %#llx, response code %#llx)",
    [LB_E_TPM_BAD_CAPABILITY] = "malformed TPM PCR bank list (at byte %llu of %llu)",
    [LB_E_TPM_UNKNOWN_BANK] = "TPM bank leapboot cannot hash is active (algorithm %#llx)",
    [LB_E_TPM_NO_BANK] = "TPM has no active PCR bank (%llu banks listed)",
    [LB_E_TPM_BAD_RESPONSE] = "malformed TPM response (command code %#llx, %llu bytes)",
    [LB_E_TPM_NO_LOCALITY] =
	"TPM did not grant locality 0 (locality register %#llx after %llu polls)",
    [LB_E_TPM_NOT_TPM2] = "TPM is not a TPM 2.0 (TIS status %#llx, family %llu)",
    [LB_E_TPM_NOT_CRB] = "TPM registers are not a CRB interface (interface id %#llx, type %llu)",
    [LB_E_TPM_NOT_READY] = "TPM never became ready for a command (status %#llx after %llu polls)",
    [LB_E_TPM_NO_BURST] = "TPM FIFO stalled, burstCount stayed 0 (at byte %llu of %llu)",
    [LB_E_TPM_FIFO] = "TPM FIFO protocol violation (status %#llx at byte %llu)",
    [LB_E_TPM_TIMEOUT] = "TPM command timed out (status %#llx after %llu polls)",
    [LB_E_TPM_FATAL] = "TPM reports a fatal error (CRB status %#llx, command code %#llx)",
    [LB_E_TPM_COMMAND_TOO_BIG] =
	"TPM command larger than the TPM's buffer (%llu bytes, buffer %llu)",
    [LB_E_TPM_RESPONSE_TOO_BIG] = "TPM response too large (%llu bytes, leapboot takes %llu)",
    [LB_E_TPM_CRB_BUFFER] =
	"TPM CRB buffer outside the TPM's registers (address %#llx, %llu bytes)",
    [LB_E_TPM_LOG_FULL] = "TPM event log full (%llu bytes needed, %llu left)",
    [LB_E_TPM_LOG_BAD] = "malformed TPM event log (at byte %llu of %llu)",
    [LB_E_TPM_LOG_BANKS] = "TPM event log bank mismatch (entry %llu, algorithm %#llx)",
    [LB_E_TPM_ACPI] = "no usable ACPI TPM2 table (%llu bytes of %llu)",
    [LB_E_TPM_START_METHOD] =
	"TPM2 table names a start method leapboot cannot drive (%llu, control area %#llx)",
    [LB_E_TPM_LOG_AREA] = "TPM event log area unusable (address %#llx, %llu bytes)",
    [LB_E_TPM_NOT_MEASURED] = "a TPM is attached, but this form of leapboot does not measure "
			      "yet (on x86, leapboot.bin and leapboot.elf do)",
    [LB_E_MEASURE_INCOMPLETE] = "an item passed the measurement incompletely (%llu of %llu bytes)",
    [LB_E_MEASURE_MODULE] = "multiboot kernels are not measured yet (boot without the TPM)",
    [LB_E_TPM_DTB] = "unusable TPM node in the device tree: its reg is missing or malformed, or "
		     "outside its bus's ranges (address %#llx, node %llu)",
    [LB_E_TPM_NO_NODE] =
	"a TPM is attached, but the device tree has no enabled "
	"tcg,tpm-tis-mmio node to measure it with (fw_cfg's etc/tpm/log: %llu bytes)",
    [LB_E_TPM_UNMAPPED] = "TPM registers outside the first GiB, which leapboot maps as device "
			  "memory (address %#llx, %llu bytes)",
    [LB_E_TCG2_CAPABILITY] = "the firmware's EFI_TCG2_PROTOCOL did not say what it has "
			     "(GetCapability: EFI status %#llx, size %llu)",
    [LB_E_TCG2_EXTEND] =
	"the firmware's EFI_TCG2_PROTOCOL did not measure (HashLogExtendEvent: EFI status %#llx, "
	"PCR %llu)",
    [LB_E_TCG2_LOG] = "the firmware's EFI_TCG2_PROTOCOL gave no whole event log (GetEventLog: "
		      "EFI status %#llx, truncated %llu)",
    [LB_E_TCG2_EVENT] = "cannot watch ExitBootServices to check the initrd's measurement "
			"(CreateEvent: EFI status %#llx, %llu)",
    [LB_E_TCG2_NO_STUB] = "a kernel without an EFI stub is not measured under UEFI yet; boot it "
			  "without the TPM (the firmware measures only kernels leapboot.efi "
			  "starts through their stub)",
    [LB_E_UKI_NOT_UKI] = "not a unified kernel image (%llu bytes, %llu sections)",
    [LB_E_UKI_HEADERS] =
	"unified kernel image: malformed PE headers (at byte %llu of the %llu read)",
    [LB_E_UKI_MACHINE] =
	"unified kernel image for another machine (PE machine %#llx, expected %#llx)",
    [LB_E_UKI_SECTION_COUNT] = "unified kernel image: %llu sections (leapboot reads 1 to %llu)",
    [LB_E_UKI_NO_LINUX] = "unified kernel image without a kernel: no .linux section, or an empty "
			  "one (section %llu of %llu)",
    [LB_E_UKI_PAST_END] =
	"unified kernel image: a section reaches past the end of the file (section %llu, "
	"%llu bytes)",
    [LB_E_UKI_IN_HEADERS] =
	"unified kernel image: a section starts inside the headers (section %llu, at "
	"%#llx)",
    [LB_E_UKI_OVERLAP] =
	"unified kernel image: two sections overlap in the file (sections %llu and %llu)",
    [LB_E_UKI_VIRTUAL_SIZE] =
	"unified kernel image: a section's virtual size is beyond its bytes in the file "
	"(section %llu, %#llx bytes)",
    [LB_E_UKI_PROFILE] =
	"multi-profile unified kernel images are not supported (.profile: section %llu of %llu)",
    [LB_E_UKI_SPLIT] = "unified kernel image split by QEMU's -kernel inside a section: pass it as "
		       "opt/leapboot/kernel (section %llu, split at %llu bytes)",
    [LB_E_ARM64_NOT_IMAGE] = "not an arm64 Image (magic %#llx at offset 0x38, expected %#llx)",
    [LB_E_ARM64_TOO_SHORT] = "not an arm64 Image (%llu bytes, shorter than its %llu-byte header)",
    [LB_E_ARM64_OLD_IMAGE] = "arm64 Image without image_size, pre-3.17 (text_offset %#llx, %llu)",
    [LB_E_ARM64_BIG_ENDIAN] = "big-endian arm64 Image (flags %#llx, %llu)",
    [LB_E_ARM64_BAD_HEADER] =
	"implausible arm64 Image header (text_offset %#llx, image_size %#llx)",
    [LB_E_ARM64_NO_ROOM] = "image_size does not fit in RAM (%#llx bytes, text_offset %#llx)",
    [LB_E_ARM64_BAD_GZIP] = "corrupt gzip kernel (zlib error -%llu after %llu input bytes)",
    [LB_E_ARM64_GZIP_TRUNCATED] =
	"truncated gzip kernel (the file ends after %llu bytes, %llu inflated)",
    [LB_E_ARM64_TOO_BIG] = "kernel larger than its image_size (%llu bytes or more, image_size "
			   "%#llx)",
    [LB_E_FDT_BAD] = "bad device tree (libfdt error %llu, %llu)",
    [LB_E_FDT_NO_MEMORY] = "device tree has no /memory (%llu, %llu)",
    [LB_E_FDT_FULL] = "cannot update the device tree (libfdt error %llu, buffer %llu bytes)",
    [LB_E_FDT_CELLS] =
	"the unified kernel image's .dtb and the machine's tree differ in #address-cells or "
	"#size-cells (the .dtb's: %llu, %llu)",
    [LB_E_STACK_SMASHED] = "stack smashed in a library (%llu, %llu)",
    [LB_E_EFI_NO_MEMORY] = "the firmware has no room for %llu bytes (EFI status %#llx)",
    [LB_E_EFI_LOAD_IMAGE] = "the firmware refused the kernel's EFI stub (LoadImage: EFI status "
			    "%#llx, %llu bytes)",
    [LB_E_EFI_START_IMAGE] = "the kernel's EFI stub gave up (StartImage: EFI status %#llx, "
			     "%llu)",
    [LB_E_EFI_PROTOCOL] = "firmware protocol call failed (EFI status %#llx, step %llu)",
    [LB_E_EFI_MEMMAP] = "GetMemoryMap failed (EFI status %#llx, %llu bytes)",
    [LB_E_EFI_BAD_MEMMAP] = "malformed EFI memory map (%llu, %#llx)",
    [LB_E_EFI_EXIT] = "ExitBootServices failed (EFI status %#llx after %llu tries)",
    [LB_E_EFI_IMAGE_HIGH] = "leapboot.efi was loaded above 4 GiB (%#llx-%#llx); the 32-bit "
			    "hand-off needs it below",
    [LB_E_EFI_NO_STUB] = "arm64 Image without an EFI stub (leapboot.efi boots arm64 kernels "
			 "through their stub; use leapboot.bin or leapboot.Image)",
    [LB_E_EFI_NO_FWCFG] = "the firmware describes no fw_cfg device (no DTB node, no QEMU0002 "
			  "in the DSDT)",
    [LB_E_EFI_GZIP] = "gzip-compressed kernel (%llu bytes); leapboot.efi on x86 boots a bzImage "
		      "or an uncompressed vmlinux",
    [LB_E_PLAN_OVERLAP] = "regions overlap (%#llx and %#llx)",
    [LB_E_PLAN_NOT_RAM] = "region outside the RAM claimed for it (%#llx, %#llx bytes)",
    [LB_E_PLAN_ENTRY] = "entry point outside the kernel (%#llx, kernel at %#llx)",
    [LB_E_PLAN_UNREACHABLE] =
	"region out of the CPU's reach in this entry mode (%#llx, %#llx bytes)",
};

const char *lb_message(int code)
{
	if (code < 0 || code >= LB_E_COUNT || !messages[code])
		return "unknown error %llu %llu";
	return messages[code];
}
