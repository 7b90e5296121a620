/* The measured boot's events (docs/measured-boot.md): each digest extended
 * into the TPM's PCR, then written to the event log, in the order leapboot
 * runs. Pure code: the TPM through struct tpm_dev, the log in a buffer. */
#ifndef LEAPBOOT_MEASURED_BOOT_H
#define LEAPBOOT_MEASURED_BOOT_H

#include "buffer_sizes.h"
#include "measure.h"
#include "tpm.h"
#include "tpm_log.h"

struct measured_boot {
	struct tpm_dev *tpm;
	struct tpm_log log;
	struct tpm2_banks banks;
	struct measure_fetch fetch;	/* the kernel and initrd as they are fetched */
	struct fetch_observer observer; /* for struct kernel_source */
	bool separated;			/* the firmware before leapboot closed PCRs 0-7 already */
	uint8_t utf16[2 * CMDLINE_CAP]; /* systemd-stub's events' data are UTF-16 */
};

/* The measured boot whose observer o is. */
static inline struct measured_boot *measured_boot_of(const struct fetch_observer *o)
{
	return (struct measured_boot *)((char *)o -
					__builtin_offsetof(struct measured_boot, observer));
}

/* Starts the TPM, learns its banks and starts the log in [log, log + cap). */
status_t measured_boot_start(struct measured_boot *mb, struct tpm_dev *t, uint8_t *log,
			     uint32_t cap);

/* Takes over a TPM that the firmware before leapboot (SeaBIOS, whose
 * chain-loader leapboot is) started, logged into and separated: its log in
 * [log, log + cap) goes on, in the same banks as the TPM's. */
status_t measured_boot_resume(struct measured_boot *mb, struct tpm_dev *t, uint8_t *log,
			      uint32_t cap);

/* Extends pcr with d and logs the event (type, data). */
status_t measured_boot_event(struct measured_boot *mb, uint32_t pcr, uint32_t type,
			     const struct tpm2_digests *d, const void *data, uint32_t len);

/* The same, the digest being of the event's own data. */
status_t measured_boot_data(struct measured_boot *mb, uint32_t pcr, uint32_t type, const void *data,
			    uint32_t len);

/* PCR 0: leapboot's version, then its image (size bytes at image, which the
 * guest sees at address base), the event's data a UEFI_PLATFORM_FIRMWARE_BLOB
 * (base, length), as the log's readers expect of EV_S_CRTM_CONTENTS. */
status_t measured_boot_firmware(struct measured_boot *mb, const void *image, uint64_t base,
				uint32_t size);

/* What the kernel was: the bytes the observer should have seen, and for a PVH
 * ELF the span it was loaded to (0 otherwise). */
struct measured_kernel {
	uint64_t size;
	const void *span;
	uint64_t span_len;
	/* A unified kernel image (0: none), whose sections go into PCR 11 as
	 * systemd-stub measures them; the user's command line replacing its
	 * .cmdline, the first user_cmdline_len bytes of the command line, into
	 * PCR 12 (0: none). */
	const struct kernel_source *uki;
	uint32_t user_cmdline_len;
	uint32_t extra_len; /* PCR 12: the SMBIOS extra, the command line's end */
	uint32_t uki_stub;  /* its systemd-stub's version (0: unknown, the newest) */
};

/* The kernel (PCR 4), a unified kernel image's sections (PCR 11), the initrd
 * (PCR 9, initrd_size bytes, none if 0), the command line (PCR 8, len bytes)
 * and the user's override of a unified kernel image's (PCR 12), the
 * separators of PCRs 0-7 (unless the firmware before leapboot placed them);
 * then gives the TPM back. */
status_t measured_boot_finish(struct measured_boot *mb, const struct measured_kernel *k,
			      uint64_t initrd_size, const char *cmdline, uint32_t len);

#endif
