/* QEMU's arm virt machine behind loader/platform.h: the DTB says where RAM,
 * fw_cfg and a TPM are; nothing to program, no tables to install (the kernel
 * reads the DTB, or QEMU's ACPI through its EFI stub). */
#include <libfdt.h>
#include "virt.h"
#include "../platform.h"
#include "../boot_arm64.h"
#include "../fw_cfg_mmio.h"
#include "phys.h"
#include "../stage.h"
#include "dtb.h"
#include "fdt_check.h"
#include "../measured.h"
#include "tpm_virt.h"

void platform_init(struct platform *pl, uint64_t boot_arg)
{
	const void *dtb = (const void *)(uintptr_t)(boot_arg ? boot_arg : VIRT_RAM_BASE);
	int err = fdt_validate(dtb);
	stage_check("dtb", err ? lb_fail(LB_E_FDT_BAD, (uint64_t)-err, 0) : lb_ok());
	uint64_t fw_cfg = dtb_fw_cfg(dtb);
	*pl = (struct platform){
	    .name = "arm64 virt",
	    .fw_cfg_ops = &fw_cfg_mmio,
	    .fw_cfg_ctx = (void *)(uintptr_t)(fw_cfg ? fw_cfg : VIRT_FW_CFG_BASE),
	    .fw_cfg_bus = "MMIO",
	    .opt_only = boot_arg != 0,
	    .arch = {.dtb = dtb},
	};
}

status_t platform_memmap(struct platform *pl, struct fw_cfg *fc, struct memmap *m)
{
	(void)fc;
	status_t s = dtb_memory(pl->arch.dtb, m);
	if (!s.code)
		s = memmap_claim(m, phys(pl->arch.dtb), fdt_totalsize(pl->arch.dtb),
				 MEM_CLAIM_FIRMWARE);
	return s;
}

/* Nothing to install; with a TPM, the measurements begin. */
void platform_tables(struct platform *pl, struct fw_cfg *fc, struct memmap *m)
{
	(void)pl;
	(void)fc;
	(void)m;
}

/* With a TPM: leapboot measured, then the kernel's items on their way in. */
static OUT_OF_LINE _Noreturn void boot_measured(struct platform *pl, struct fw_cfg *fc,
						const struct kernel_source *src, struct memmap *m)
{
	struct measured_boot *mb = tpm_virt_begin(fc, pl->arch.dtb, m);
	struct kernel_source measured_src = *src;
	measured_src.observer = &mb->observer;
	boot_arm64(fc, &measured_src, m, pl->arch.dtb);
}

_Noreturn void platform_boot(struct platform *pl, struct fw_cfg *fc,
			     const struct kernel_source *src, struct memmap *m)
{
	if (fw_cfg_has_tpm(fc))
		boot_measured(pl, fc, src, m);
	boot_arm64(fc, src, m, pl->arch.dtb);
}
