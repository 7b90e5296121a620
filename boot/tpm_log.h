/* The TCG crypto-agile event log (PC Client PFP 2.0, section 10), written and
 * read in a byte area: the Spec ID header, then one TCG_PCR_EVENT2 per extension
 * (docs/measured-boot.md). Pure code: buffers only, every field little-endian
 * and written byte by byte (the area has no alignment guarantee). */
#ifndef LEAPBOOT_TPM_LOG_H
#define LEAPBOOT_TPM_LOG_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"
#include "tpm2.h"

/* Event types (PFP, section 10.4.1). */
#define EV_POST_CODE	    0x01
#define EV_NO_ACTION	    0x03
#define EV_SEPARATOR	    0x04
#define EV_EVENT_TAG	    0x06
#define EV_S_CRTM_CONTENTS  0x07
#define EV_S_CRTM_VERSION   0x08
#define EV_TABLE_OF_DEVICES 0x0B
#define EV_IPL		    0x0D

/* The layouts, as byte arrays: the area has no alignment guarantee, fields are
 * read and written byte by byte (le.h). */

/* TCG_PCClientPCREvent, the SHA-1 format: the header's frame. */
struct tcg_pcr_event {
	uint8_t pcr_index[4];
	uint8_t event_type[4];
	uint8_t digest[20];
	uint8_t event_size[4];
};

/* TCG_EfiSpecIDEvent, the header's event; then numberOfAlgorithms
 * {algorithmId, digestSize} (tcg_alg_size), vendorInfoSize, vendorInfo. */
struct tcg_spec_id_event {
	uint8_t signature[16];
	uint8_t platform_class[4];
	uint8_t spec_version_minor;
	uint8_t spec_version_major;
	uint8_t spec_errata;
	uint8_t uintn_size;
	uint8_t number_of_algorithms[4];
};

struct tcg_alg_size {
	uint8_t algorithm_id[2];
	uint8_t digest_size[2];
};

/* TCG_PCR_EVENT2 up to its digests; then count {hashAlg, digest}, eventSize,
 * event. */
struct tcg_pcr_event2 {
	uint8_t pcr_index[4];
	uint8_t event_type[4];
	uint8_t count[4];
};

_Static_assert(offsetof(struct tcg_pcr_event, event_type) == 4, "eventType");
_Static_assert(offsetof(struct tcg_pcr_event, digest) == 8, "digest");
_Static_assert(offsetof(struct tcg_pcr_event, event_size) == 28, "eventDataSize");
_Static_assert(sizeof(struct tcg_pcr_event) == 32, "TCG_PCClientPCREvent");
_Static_assert(offsetof(struct tcg_spec_id_event, platform_class) == 16, "class");
_Static_assert(offsetof(struct tcg_spec_id_event, spec_version_minor) == 20, "minor");
_Static_assert(offsetof(struct tcg_spec_id_event, uintn_size) == 23, "uintnSize");
_Static_assert(offsetof(struct tcg_spec_id_event, number_of_algorithms) == 24, "algs");
_Static_assert(sizeof(struct tcg_spec_id_event) == 28, "TCG_EfiSpecIDEvent");
_Static_assert(sizeof(struct tcg_alg_size) == 4, "TCG_EfiSpecIdEventAlgorithmSize");
_Static_assert(offsetof(struct tcg_pcr_event2, count) == 8, "digests.count");
_Static_assert(sizeof(struct tcg_pcr_event2) == 12, "TCG_PCR_EVENT2");

/* The header's event and the whole header for n banks (vendorInfoSize 0). */
#define TPM_LOG_SPEC_ID(n)                                                                         \
	((uint32_t)(sizeof(struct tcg_spec_id_event) + (n) * sizeof(struct tcg_alg_size) + 1))
#define TPM_LOG_HEADER(n) ((uint32_t)sizeof(struct tcg_pcr_event) + TPM_LOG_SPEC_ID(n))

/* A log in base[0, cap): used bytes written, entries with banks' digests. */
struct tpm_log {
	uint8_t *base;
	uint32_t cap;
	uint32_t used;
	struct tpm2_banks banks;
};

/* Writes the header for banks (in their order) at area[0]; the rest of the area
 * is left as it is (a reader stops at zero bytes). Banks a TPM cannot have
 * are refused: none (LB_E_TPM_NO_BANK), one leapboot cannot hash
 * (LB_E_TPM_UNKNOWN_BANK), more than TPM2_BANKS_MAX or one twice
 * (LB_E_TPM_LOG_BANKS); a header larger than cap is LB_E_TPM_LOG_FULL. */
status_t tpm_log_start(struct tpm_log *l, uint8_t *area, uint32_t cap,
		       const struct tpm2_banks *banks);

/* Appends a TCG_PCR_EVENT2: pcr, type, d's digests, then len bytes of data. d
 * must list exactly the log's banks in the header's order (LB_E_TPM_LOG_BANKS);
 * an event that does not fit is LB_E_TPM_LOG_FULL (its size, the bytes left).
 * On failure nothing is written. pcr 0 with type 0 would read as the log's end. */
status_t tpm_log_event(struct tpm_log *l, uint32_t pcr, uint32_t type, const struct tpm2_digests *d,
		       const void *data, uint32_t len);

/* An event of len bytes of data fits (LB_E_TPM_LOG_FULL if not): checked
 * before its PCR is extended, so that the TPM never holds what the log lacks. */
status_t tpm_log_room(const struct tpm_log *l, uint32_t len);

/* Takes over a crypto-agile log that another firmware (SeaBIOS) wrote in area:
 * checks the header (PCR 0, EV_NO_ACTION, the Spec ID signature, 1 to
 * TPM2_BANKS_MAX banks leapboot hashes, each once, with their digest sizes, an
 * event size that holds them and the vendor info), then walks the entries (each
 * with the header's banks in its order, inside cap) up to the first whose
 * pcrIndex and eventType are zero (or fewer than 8 bytes before cap, all zero),
 * or cap. used becomes the end of the last entry, banks the header's. A
 * malformed log is LB_E_TPM_LOG_BAD (the offset of the field that is wrong,
 * cap); l is then unchanged. */
status_t tpm_log_resume(struct tpm_log *l, uint8_t *area, uint32_t cap);

/* Looks through a crypto-agile log that a UEFI firmware keeps (EFI_TCG2's
 * GetEventLog): area[0, cap) holds the header, checked as tpm_log_resume checks
 * it, and the entries up to the one that begins at offset last (the firmware's
 * EventLogLastEntry; what follows it is not log). *found: an entry for pcr of
 * type whose event data begin with the len bytes at prefix. A malformed entry
 * is LB_E_TPM_LOG_BAD, as for tpm_log_resume, and *found is then false. */
status_t tpm_log_find(const uint8_t *area, uint32_t cap, uint32_t last, uint32_t pcr, uint32_t type,
		      const void *prefix, uint32_t len, bool *found);

#endif
