/* What leapboot.efi measures under a firmware with a TPM (docs/measured-boot.md,
 * "leapboot.efi"), beside what the firmware and the kernel's EFI stub measure
 * themselves: the firmware measures leapboot.efi and the kernel's PE image into
 * PCR 4 at LoadImage; Linux's stub measures its load options (6.1 and later)
 * and the initrd it loads through LoadFile2 (5.16 and later) into PCR 9.
 * leapboot.efi adds the command line into PCR 8, as the firmware form does, and
 * the initrd into PCR 9 only when the stub did not: it looks at ExitBootServices,
 * after the stub's last chance to measure it, for the stub's event. */
#include "efi.h"
#include "../console.h"
#include "../arch.h"
#include "tpm_log.h"

#define PCR_CMDLINE 8
#define PCR_INITRD  9
/* The tagged event Linux's stub logs for the initrd it loaded (efistub.h). */
#define LINUX_INITRD_EVENT_TAG 0x8F3B22ECu

static const char initrd_event[] = "leapboot: initrd";
static uint64_t initrd_at, initrd_bytes;
static EFI_EVENT exit_event;

status_t efi_measure_cmdline(const char *cmdline, uint32_t len)
{
	status_t s = efi_tcg2_extend(PCR_CMDLINE, EV_IPL, (uintptr_t)cmdline, len, cmdline, len);
	if (!s.code)
		console_info("measured boot: the command line (%u bytes) into PCR 8", len);
	return s;
}

static status_t check_initrd(void)
{
	const uint8_t tag[4] = {LINUX_INITRD_EVENT_TAG & 0xff, LINUX_INITRD_EVENT_TAG >> 8 & 0xff,
				LINUX_INITRD_EVENT_TAG >> 16 & 0xff, LINUX_INITRD_EVENT_TAG >> 24};
	bool by_stub;
	status_t s = efi_tcg2_log_has(PCR_INITRD, EV_EVENT_TAG, tag, sizeof(tag), &by_stub);
	if (s.code || by_stub) {
		if (!s.code)
			console_info("measured boot: the EFI stub measured the initrd into PCR 9");
		return s;
	}
	s = efi_tcg2_extend(PCR_INITRD, EV_IPL, initrd_at, initrd_bytes, initrd_event,
			    sizeof(initrd_event) - 1);
	if (!s.code)
		console_info("measured boot: the initrd (%llu bytes) into PCR 9; the EFI stub did "
			     "not",
			     (unsigned long long)initrd_bytes);
	return s;
}

/* Signalled inside ExitBootServices, before the firmware's console is gone. */
static VOID EFIAPI at_exit(EFI_EVENT ev, VOID *ctx)
{
	(void)ev;
	(void)ctx;
	if (!initrd_bytes)
		return;
	status_t s = check_initrd();
	if (s.code) {
		console_error("tpm", s);
		arch_fail();
	}
}

status_t efi_measure_initrd_watch(void)
{
	EFI_STATUS st = efi_st->BootServices->CreateEvent(EVT_SIGNAL_EXIT_BOOT_SERVICES, TPL_NOTIFY,
							  at_exit, 0, &exit_event);
	return EFI_ERROR(st) ? lb_fail(LB_E_TCG2_EVENT, st, 0) : lb_ok();
}

void efi_measure_initrd_served(uint64_t at, uint64_t bytes)
{
	initrd_at = at;
	initrd_bytes = bytes;
}
