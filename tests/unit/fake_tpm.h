/* A host-side TPM 2.0 for the unit tests and fuzzers: register models of the TIS
 * and CRB interfaces as QEMU 7.2 presents them (locality 0 at 0xFED40000; CRB's
 * command buffer right after its registers), served through struct
 * tpm_mmio_ops, with a small command interpreter behind them: Startup,
 * GetCapability(TPM_CAP_PCRS) with the active banks chosen by the test, and
 * PCR_Extend, which keeps the digests extended into each PCR and bank as a list
 * (no hashing here: the tests check exactly what was extended). Faults can be
 * injected: error codes, a size field that lies, a wrong tag, a TPM that never
 * grants the locality, never gets ready or never finishes, burstCount 0 forever,
 * a FIFO whose expect bit is wrong, a fatal CRB error, a CRB buffer elsewhere. */
#ifndef LEAPBOOT_TEST_FAKE_TPM_H
#define LEAPBOOT_TEST_FAKE_TPM_H

#include <stdbool.h>
#include <stdint.h>
#include "../../boot/tpm.h"

#define FAKE_TPM_BASE	  0xFED40000u
#define FAKE_TPM_BUFFER	  4096	/* QEMU's swtpm buffer */
#define FAKE_TPM_CRB_DATA 0xF80 /* CRB_CTRL_CMD_SIZE in QEMU 7.2 */
#define FAKE_TPM_LOG	  64	/* extends remembered */

/* Banks, for fake_tpm.active (all four are listed; these have PCRs selected). */
#define FAKE_TPM_SHA1	0x1
#define FAKE_TPM_SHA256 0x2
#define FAKE_TPM_SHA384 0x4
#define FAKE_TPM_SHA512 0x8
#define FAKE_TPM_ALL	0xF

enum fake_tpm_fault {
	FAKE_TPM_NONE,
	FAKE_TPM_ABSENT,	  /* no device: reads give all ones, writes vanish */
	FAKE_TPM_NO_LOCALITY,	  /* locality requests are ignored */
	FAKE_TPM_NEVER_READY,	  /* commandReady (TIS) / cmdReady (CRB) is never honoured */
	FAKE_TPM_NEVER_DONE,	  /* a command never completes */
	FAKE_TPM_BURST_ZERO,	  /* TIS: burstCount 0 forever while taking the command */
	FAKE_TPM_BURST_ZERO_READ, /* TIS: burstCount 0 forever with dataAvail set */
	FAKE_TPM_EXPECT_EARLY,	  /* TIS: expect clears after 4 bytes (later bytes dropped) */
	FAKE_TPM_EXPECT_STUCK,	  /* TIS: expect stays set after the last byte */
	FAKE_TPM_TPM12,		  /* TIS: TPM_STS says family 1.2 */
	FAKE_TPM_NOT_CRB,	  /* CRB: INTERFACE_ID says FIFO */
	FAKE_TPM_FATAL,		  /* CRB: tpmSts (fatal error) set after the command */
	FAKE_TPM_CRB_BUFFER_OUT,  /* CRB: the command buffer address past the register page */
	FAKE_TPM_RC,		  /* response code fault_rc to command fault_cc (0: any) */
	FAKE_TPM_SIZE_LIE,	  /* the response's size field is off by fault_delta */
	FAKE_TPM_WRONG_TAG,	  /* the response's tag is TPM 1.2's 0x00C4 */
};

enum fake_tpm_state { FAKE_IDLE, FAKE_READY, FAKE_RECEPTION, FAKE_EXECUTION, FAKE_COMPLETION };

struct fake_tpm_extend {
	uint32_t pcr;
	uint16_t alg;
	uint8_t digest[64];
};

struct fake_tpm {
	/* configuration (fake_tpm_init sets QEMU's defaults) */
	enum tpm_iface iface;
	uint8_t active;	     /* FAKE_TPM_SHA* banks with PCRs selected */
	uint32_t exec_ticks; /* delay() calls a command takes */
	uint16_t burst_max;  /* TIS: cap on burstCount; 0 = QEMU's (all there is) */
	enum fake_tpm_fault fault;
	uint32_t fault_after; /* commands that run before a response fault applies */
	uint32_t fault_cc, fault_rc;
	int32_t fault_delta;

	/* state */
	bool started;
	bool granted;
	enum fake_tpm_state state;
	uint32_t sts;	    /* TIS: TPM_STS bits 0-7 */
	uint32_t crb_sts;   /* CRB: CRB_CTRL_STS */
	uint32_t crb_start; /* CRB: CRB_CTRL_START */
	uint32_t ticks_left;
	uint8_t buf[FAKE_TPM_BUFFER];	/* TIS FIFO: the command, then the response */
	uint8_t crb[FAKE_TPM_CRB_DATA]; /* CRB data buffer */
	uint32_t rw;			/* TIS: bytes in (reception) or out (completion) */
	uint32_t rsp_len;		/* TIS: bytes of the response (before a size lie) */

	/* what happened */
	uint32_t commands;
	uint8_t last_cmd[FAKE_TPM_BUFFER];
	uint32_t last_cmd_len;
	uint32_t last_rc;
	struct fake_tpm_extend log[FAKE_TPM_LOG];
	uint32_t n_log;
	uint32_t reads, writes, delays;
	uint32_t
	    bad_accesses; /* outside locality 0's page, misaligned, or a register not modelled */
};

extern const struct tpm_mmio_ops fake_tpm_ops;

/* A started-from-reset TPM with the interface iface, all four banks active,
 * commands taking 3 polls, QEMU's burstCount, no fault. */
void fake_tpm_init(struct fake_tpm *t, enum tpm_iface iface);

/* A struct tpm_dev that reaches t through fake_tpm_ops, with small budgets. */
struct tpm_dev fake_tpm_dev(struct fake_tpm *t);

/* The digests extended into (pcr, alg), in order: how many, and the i-th. */
uint32_t fake_tpm_extends(const struct fake_tpm *t, uint32_t pcr, uint16_t alg);
const uint8_t *fake_tpm_extended(const struct fake_tpm *t, uint32_t pcr, uint16_t alg, uint32_t i);

#endif
