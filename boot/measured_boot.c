/* The measured boot's events, each into the TPM and then the log. */
#include "out_of_line.h"
#include "measured_boot.h"
#include "version.h"
#include "../loader/libc/string.h"

#define PCR_FIRMWARE   0
#define PCR_KERNEL     4
#define PCR_CMDLINE    8
#define PCR_INITRD     9
#define PCR_UKI	       11 /* systemd-stub: the image's sections */
#define PCR_UKI_PARAMS 12 /* systemd-stub: the loader's command line */
#define PCRS_SEPARATED 8  /* PCRs 0-7: the firmware's part ends */

static const char version_event[] = "leapboot " LEAPBOOT_VERSION;
static const char kernel_event[] = "leapboot: kernel";
static const char initrd_event[] = "leapboot: initrd";

OUT_OF_LINE status_t measured_boot_start(struct measured_boot *mb, struct tpm_dev *t, uint8_t *log,
					 uint32_t cap)
{
	mb->tpm = t;
	status_t s = tpm_startup(t);
	if (!s.code)
		s = tpm_get_banks(t, &mb->banks);
	if (!s.code)
		s = tpm_log_start(&mb->log, log, cap, &mb->banks);
	if (s.code)
		return s;
	measure_fetch_start(&mb->fetch, &mb->banks);
	mb->observer = (struct fetch_observer){.seen = measure_fetch_seen, .ctx = &mb->fetch};
	mb->separated = false;
	return lb_ok();
}

OUT_OF_LINE status_t measured_boot_resume(struct measured_boot *mb, struct tpm_dev *t, uint8_t *log,
					  uint32_t cap)
{
	mb->tpm = t;
	status_t s = tpm_startup(t); /* answered "started already" */
	if (!s.code)
		s = tpm_get_banks(t, &mb->banks);
	if (!s.code)
		s = tpm_log_resume(&mb->log, log, cap);
	if (s.code)
		return s;
	/* Every event goes into the TPM and the log alike: the same banks, in order. */
	bool same = mb->log.banks.n == mb->banks.n;
	for (uint32_t i = 0; same && i < mb->banks.n; i++)
		same = mb->log.banks.alg[i] == mb->banks.alg[i];
	if (!same)
		return lb_fail(LB_E_TPM_LOG_BANKS, mb->log.banks.n, mb->banks.n);
	measure_fetch_start(&mb->fetch, &mb->banks);
	mb->observer = (struct fetch_observer){.seen = measure_fetch_seen, .ctx = &mb->fetch};
	mb->separated = true;
	return lb_ok();
}

OUT_OF_LINE status_t measured_boot_event(struct measured_boot *mb, uint32_t pcr, uint32_t type,
					 const struct tpm2_digests *d, const void *data,
					 uint32_t len)
{
	status_t s = tpm_log_room(&mb->log, len);
	if (!s.code)
		s = tpm_extend(mb->tpm, pcr, d);
	return s.code ? s : tpm_log_event(&mb->log, pcr, type, d, data, len);
}

OUT_OF_LINE status_t measured_boot_data(struct measured_boot *mb, uint32_t pcr, uint32_t type,
					const void *data, uint32_t len)
{
	struct tpm2_digests d;
	measure_digest(&mb->banks, data, len, &d);
	return measured_boot_event(mb, pcr, type, &d, data, len);
}

OUT_OF_LINE status_t measured_boot_firmware(struct measured_boot *mb, const void *image,
					    uint64_t base, uint32_t size)
{
	struct tpm2_digests d;
	uint8_t blob[16];
	for (int i = 0; i < 8; i++) {
		blob[i] = (uint8_t)(base >> 8 * i);
		blob[8 + i] = (uint8_t)((uint64_t)size >> 8 * i);
	}
	status_t s = measured_boot_data(mb, PCR_FIRMWARE, EV_S_CRTM_VERSION, version_event,
					sizeof(version_event) - 1);
	if (s.code)
		return s;
	measure_digest(&mb->banks, image, size, &d);
	return measured_boot_event(mb, PCR_FIRMWARE, EV_S_CRTM_CONTENTS, &d, blob, sizeof(blob));
}

/* An ASCII string with its NUL as UTF-16LE in mb->utf16 (systemd-stub's event
 * data, and its command line's digest); its size in bytes. */
static uint32_t utf16(struct measured_boot *mb, const char *s, uint32_t len)
{
	if (len >= sizeof(mb->utf16) / 2)
		len = sizeof(mb->utf16) / 2 - 1;
	for (uint32_t i = 0; i <= len; i++) {
		mb->utf16[2 * i] = i < len ? (uint8_t)s[i] : 0;
		mb->utf16[2 * i + 1] = 0;
	}
	return 2 * (len + 1);
}

/* systemd-stub's PCR 11: each measured section present, in its order, as two
 * events: the name with its NUL, then the contents. */
static status_t measure_uki(struct measured_boot *mb, const struct measured_kernel *k,
			    const struct tpm2_digests *kernel)
{
	status_t s = lb_ok();
	for (uint32_t i = 0; !s.code && i < UKI_SECTIONS; i++) {
		const char *name = uki_section_name[i];
		uint32_t size = k->uki->uki_part[i].size, len = (uint32_t)strlen(name);
		if (!size || !uki_section_measured(i, k->uki_stub))
			continue;
		struct tpm2_digests d;
		uint32_t data = utf16(mb, name, len);
		measure_digest(&mb->banks, name, len + 1, &d);
		s = measured_boot_event(mb, PCR_UKI, EV_IPL, &d, mb->utf16, data);
		if (!s.code && i != UKI_LINUX)
			s = measure_fetch_section(&mb->fetch, i, size, &d);
		if (!s.code)
			s = measured_boot_event(mb, PCR_UKI, EV_IPL, i == UKI_LINUX ? kernel : &d,
						mb->utf16, data);
	}
	return s;
}

OUT_OF_LINE status_t measured_boot_finish(struct measured_boot *mb, const struct measured_kernel *k,
					  uint64_t initrd_size, const char *cmdline, uint32_t len)
{
	struct tpm2_digests d;
	status_t s = measure_fetch_kernel(&mb->fetch, k->size, k->span, k->span_len, &d);
	if (!s.code)
		s = measured_boot_event(mb, PCR_KERNEL, EV_IPL, &d, kernel_event,
					sizeof(kernel_event) - 1);
	if (!s.code && k->uki)
		s = measure_uki(mb, k, &d);
	if (!s.code && initrd_size) {
		s = measure_fetch_initrd(&mb->fetch, initrd_size, &d);
		if (!s.code)
			s = measured_boot_event(mb, PCR_INITRD, EV_IPL, &d, initrd_event,
						sizeof(initrd_event) - 1);
	}
	if (!s.code)
		s = measured_boot_data(mb, PCR_CMDLINE, EV_IPL, cmdline, len);
	if (!s.code && k->user_cmdline_len) {
		uint32_t n = utf16(mb, cmdline, k->user_cmdline_len);
		s = measured_boot_data(mb, PCR_UKI_PARAMS, EV_IPL, mb->utf16, n);
	}
	if (!s.code && k->extra_len) {
		uint32_t n = utf16(mb, cmdline + len - k->extra_len, k->extra_len);
		s = measured_boot_data(mb, PCR_UKI_PARAMS, EV_IPL, mb->utf16, n);
	}
	static const uint8_t separator[4];
	for (uint32_t pcr = 0; !s.code && !mb->separated && pcr < PCRS_SEPARATED; pcr++)
		s = measured_boot_data(mb, pcr, EV_SEPARATOR, separator, sizeof(separator));
	tpm_release(mb->tpm);
	return s;
}
