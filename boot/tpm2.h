/* The TPM 2.0 commands leapboot sends (TPM 2.0 Library, Part 3), marshalled and
 * their responses checked: Startup, GetCapability of the PCR banks, PCR_Extend.
 * Pure code: byte buffers in and out; a transport (TIS, CRB) carries them. */
#ifndef LEAPBOOT_TPM2_H
#define LEAPBOOT_TPM2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sha.h"
#include "status.h"

#define TPM2_HEADER	   10 /* tag, size, command or response code */
#define TPM2_BANKS_MAX	   4  /* SHA-1, SHA-256, SHA-384, SHA-512 */
#define TPM2_EXTEND_MAX	   (TPM2_HEADER + 4 + 4 + 9 + 4 + TPM2_BANKS_MAX * (2 + SHA_MAX_DIGEST))
#define TPM2_RC_SUCCESS	   0x000
#define TPM2_RC_INITIALIZE 0x100 /* Startup: the TPM was started already */

/* PCR_Extend's success: parameterSize 0, then a password session's answer. */
#define TPM2_EXTEND_RESPONSE (TPM2_HEADER + 4 + 5)

/* The banks a TPM has active, in the order it lists them. */
struct tpm2_banks {
	uint32_t n;
	uint16_t alg[TPM2_BANKS_MAX];
};

/* One digest per active bank, for PCR_Extend. */
struct tpm2_digests {
	uint32_t n;
	uint16_t alg[TPM2_BANKS_MAX];
	uint8_t digest[TPM2_BANKS_MAX][SHA_MAX_DIGEST];
};

/* Each writes a command into buf (cap bytes) and returns its length, 0 if cap
 * is too small. */
uint32_t tpm2_startup_clear(uint8_t *buf, uint32_t cap);
uint32_t tpm2_get_pcr_banks(uint8_t *buf, uint32_t cap);
uint32_t tpm2_pcr_extend(uint8_t *buf, uint32_t cap, uint32_t pcr, const struct tpm2_digests *d);

/* The response header of len bytes received: size equal to len and at least a
 * header, a response tag; *rc its response code. */
status_t tpm2_response(const uint8_t *rsp, uint32_t len, uint32_t *rc);

/* Startup's response: success, or "already started"; a bare header. */
status_t tpm2_startup_done(const uint8_t *rsp, uint32_t len);

/* GetCapability(TPM_CAP_PCRS)'s response: the banks with any PCR selected that
 * leapboot can hash (a bank it cannot hash is an error: its PCRs would stay
 * unmeasured); nothing may follow the list. */
status_t tpm2_pcr_banks(const uint8_t *rsp, uint32_t len, struct tpm2_banks *banks);

/* PCR_Extend's response: an error code, or success with nothing but the
 * password session's empty answer. */
status_t tpm2_extend_done(const uint8_t *rsp, uint32_t len);

#endif
