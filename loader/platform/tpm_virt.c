/* The TPM of arm virt, as QEMU describes it: a "tcg,tpm-tis-mmio" node on the
 * platform bus (-device tpm-tis-device), found in the device tree; the event
 * log in RAM that leapboot claims, which boot_arm64 hands to Linux through
 * that node (boot/dtb_tpm.h). */
#include "tpm_virt.h"
#include "virt.h"
#include "arch.h"
#include "console.h"
#include "measured.h"
#include "stage.h"
#include "../../boot/dtb_tpm.h"
#include "libc/string.h"

/* The file leapboot was loaded from, as it lies in memory (the linker
 * scripts): leapboot.bin in the flash at 0, leapboot.Image where it was loaded. */
extern char __image_file_start[], __image_file_end[];

static status_t begin(struct memmap *m, uint64_t tpm, uint64_t tpm_size, struct measured_boot **mb)
{
	/* start.S maps the first GiB as device memory, the rest as normal memory,
	 * where MMIO must not be. */
	if (tpm_size < TPM_LOCALITY_SIZE || tpm >= VIRT_DEVICE_END ||
	    tpm_size > VIRT_DEVICE_END - tpm)
		return lb_fail(LB_E_TPM_UNMAPPED, tpm, tpm_size);
	uint64_t log;
	status_t s = memmap_find(m, TPM_VIRT_LOG_SIZE, 4096, 0, arch_identity_limit(), true, &log);
	if (!s.code)
		s = memmap_claim(m, log, TPM_VIRT_LOG_SIZE, MEM_CLAIM_FIRMWARE);
	if (s.code)
		return s;
	/* Zeros after the last event end the log for its readers. */
	memset((void *)(uintptr_t)log, 0, TPM_VIRT_LOG_SIZE);
	console_info("TPM (%s) at %#llx, event log at %#llx", DTB_TPM_COMPATIBLE,
		     (unsigned long long)tpm, (unsigned long long)log);
	struct tpm_dev dev = {
	    .ops = &tpm_mmio,
	    .ctx = (void *)(uintptr_t)tpm,
	    .iface = TPM_IFACE_TIS,
	    .base = tpm,
	    .short_polls = TPM_SHORT_POLLS,
	    .long_polls = TPM_LONG_POLLS,
	};
	uintptr_t image = (uintptr_t)__image_file_start;
	__asm__("" : "+r"(image)); /* 0 for the flash: not an object GCC could reason about */
	uint32_t size = (uint32_t)((uintptr_t)__image_file_end - (uintptr_t)__image_file_start);
	return measured_begin(0, &dev, (uint8_t *)(uintptr_t)log, TPM_VIRT_LOG_SIZE,
			      (const void *)image, image, size, mb);
}

struct measured_boot *tpm_virt_begin(struct fw_cfg *fc, const void *dtb, struct memmap *m)
{
	uint64_t tpm, tpm_size;
	struct measured_boot *mb;
	stage_check("tpm", dtb_tpm_find(dtb, &tpm, &tpm_size));
	/* QEMU says a TPM is attached; the tree must describe it. */
	if (!tpm_size)
		stage_fail("tpm",
			   lb_fail(LB_E_TPM_NO_NODE, fw_cfg_known(fc, FW_CFG_TPM_LOG).size, 0));
	stage_check("tpm", begin(m, tpm, tpm_size, &mb));
	return mb;
}
