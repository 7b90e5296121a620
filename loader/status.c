#include "status.h"

static const char *const messages[LB_E_COUNT] = {
    [LB_OK] = "ok",
    [LB_E_FWCFG_ABSENT] = "no QEMU fw_cfg device (signature %#llx)",
    [LB_E_FWCFG_DIR_TOO_BIG] = "file directory has %llu entries, leapboot handles %llu",
    [LB_E_FWCFG_DMA_ERROR] = "DMA transfer failed (key %#llx, %llu bytes)",
    [LB_E_FWCFG_NO_DMA] = "writing needs fw_cfg DMA (key %#llx)",
    [LB_E_FWCFG_MISSING] = "item %#llx is missing or shorter than %llu bytes",
    [LB_E_FWCFG_NO_E820] = "no etc/e820 file among the %llu fw_cfg files",
    [LB_E_MEMMAP_FULL] = "memory map has more than %llu ranges",
    [LB_E_MEMMAP_BAD_E820] = "etc/e820 is %llu bytes, not a multiple of %llu",
    [LB_E_MEMMAP_NO_ROOM] = "no free RAM for %llu bytes (alignment %#llx)",
    [LB_E_MEMMAP_NOT_RAM] = "range %#llx+%#llx is not free RAM",
    [LB_E_E820_TOO_MANY] = "e820 map needs %llu entries, boot_params holds %llu",
    [LB_E_KERNEL_NONE] =
	"no kernel: pass -kernel FILE or -fw_cfg name=opt/leapboot/kernel,file=FILE",
    [LB_E_KERNEL_TOO_SMALL] = "not a bzImage: file is only %llu bytes (need at least %llu)",
    [LB_E_KERNEL_NO_BOOTFLAG] = "not a bzImage: boot_flag is %#llx, expected 0xaa55",
    [LB_E_KERNEL_NO_HDRS] = "not a bzImage: no \"HdrS\" signature at 0x202 (found %#llx)",
    [LB_E_KERNEL_16BIT_ONLY] = "boot protocol %#llx (loadflags %#llx) has only the 16-bit entry; "
			       "leapboot needs protocol >= 2.02 with LOADED_HIGH",
    [LB_E_KERNEL_SETUP_TOO_BIG] = "setup (%llu bytes) does not fit in the %llu-byte file",
    [LB_E_KERNEL_SETUP_MISMATCH] = "setup is %llu bytes but the header says %llu",
    [LB_E_KERNEL_TRUNCATED] =
	"truncated: protected-mode part is %llu bytes, header syssize says %llu",
    [LB_E_KERNEL_INIT_SIZE] = "init_size %#llx is smaller than the %#llx-byte payload",
    [LB_E_KERNEL_NO_ROOM] = "no RAM for init_size %#llx bytes (aligned to %#llx)",
    [LB_E_KERNEL_NOT_RELOCATABLE] = "kernel is not relocatable and %#llx+%#llx is not free RAM",
    [LB_E_KERNEL_BAD_ALIGN] = "kernel_alignment %#llx is not a power of two",
    [LB_E_INITRD_TOO_BIG] = "initrd of %llu bytes does not fit below %#llx",
    [LB_E_INITRD_NO_ROOM] = "no free RAM for the %llu-byte initrd below %#llx",
    [LB_E_CMDLINE_TOO_LONG] = "command line is %llu bytes, the kernel accepts at most %llu",
    [LB_E_PLAN_OVERLAP] = "regions at %#llx and %#llx overlap",
    [LB_E_PLAN_NOT_RAM] = "region %#llx+%#llx is not in RAM claimed for it",
    [LB_E_PLAN_ENTRY] = "entry point %#llx is outside the kernel (loaded at %#llx)",
    [LB_E_PLAN_ABOVE_4G] = "region %#llx+%#llx must lie below 4 GiB for this entry mode",
};

const char *lb_message(int code)
{
	if (code < 0 || code >= LB_E_COUNT || !messages[code])
		return "unknown error %llu %llu";
	return messages[code];
}
