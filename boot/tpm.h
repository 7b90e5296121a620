/* A TPM 2.0 device and its two register interfaces (PC Client Platform TPM
 * Profile, PTP): TIS/FIFO (boot/tpm_tis.c) and CRB (boot/tpm_crb.c), locality 0,
 * and the three commands leapboot sends through them (boot/tpm.c; the bytes in
 * boot/tpm2.c). Pure code: every register access goes through struct
 * tpm_mmio_ops, which the loader fills with real MMIO and the unit tests with a
 * register model (tests/unit/fake_tpm.c). Every wait is a bounded number of
 * polls, so a TPM that never answers is an error, never a hang. */
#ifndef LEAPBOOT_TPM_H
#define LEAPBOOT_TPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "status.h"
#include "tpm2.h"

/* Register access at an offset from locality 0's registers (the TPM's base
 * address). Registers are little-endian; 32-bit accesses are 4-byte aligned. */
struct tpm_mmio_ops {
	uint8_t (*read8)(void *ctx, uint32_t off);
	uint32_t (*read32)(void *ctx, uint32_t off);
	void (*write8)(void *ctx, uint32_t off, uint8_t v);
	void (*write32)(void *ctx, uint32_t off, uint32_t v);
	/* Between two polls of a register that has not changed yet: wait a little
	 * (the loader: a short delay; the fake: its clock ticks). */
	void (*delay)(void *ctx);
};

enum tpm_iface {
	TPM_IFACE_TIS, /* TIS/FIFO: x86 tpm-tis, arm64 tpm-tis-device */
	TPM_IFACE_CRB, /* command/response buffer: x86 tpm-crb */
};

/* The register window of locality 0 (both interfaces). */
#define TPM_LOCALITY_SIZE 0x1000

/* One TPM. The caller sets ops, ctx, iface, base and the poll budgets; the rest
 * is the transport's. */
struct tpm_dev {
	const struct tpm_mmio_ops *ops;
	void *ctx;
	enum tpm_iface iface;
	uint64_t base; /* physical address of the registers (CRB buffers are checked against it) */
	uint32_t short_polls; /* locality, ready, burstCount, status-valid waits */
	uint32_t long_polls;  /* a command's execution */
	/* transport state */
	bool open; /* locality 0 granted (and, CRB, the buffers read) */
	uint32_t cmd_off, cmd_size, rsp_off, rsp_size; /* CRB buffers, as offsets */
};

/* Budgets in polls, each a register read (an exit to the VMM) and the loader's
 * short delay: measured at 0.5-1 us a poll under TCG, so 0.1-0.2 s for the
 * short waits and 1-2 s for a command (swtpm answers in milliseconds); longer
 * under KVM, where an exit costs more. */
#define TPM_SHORT_POLLS 200000
#define TPM_LONG_POLLS	2000000

/* TIS registers of one locality (PTP, TPM_ACCESS_x to TPM_RID_x). */
struct tpm_tis_regs {
	uint8_t access;
	uint8_t rsvd0[7];
	uint32_t int_enable;
	uint8_t int_vector;
	uint8_t rsvd1[3];
	uint32_t int_status;
	uint32_t intf_capability;
	uint32_t sts;
	uint8_t rsvd2[8];
	uint32_t data_fifo;
	uint8_t rsvd3[8];
	uint32_t interface_id;
	uint8_t rsvd4[0x4C];
	uint32_t xdata_fifo;
	uint8_t rsvd5[0xE7C];
	uint32_t did_vid;
	uint8_t rid;
} __attribute__((packed));
_Static_assert(__builtin_offsetof(struct tpm_tis_regs, access) == 0x00, "TPM_ACCESS");
_Static_assert(__builtin_offsetof(struct tpm_tis_regs, int_enable) == 0x08, "TPM_INT_ENABLE");
_Static_assert(__builtin_offsetof(struct tpm_tis_regs, int_vector) == 0x0C, "TPM_INT_VECTOR");
_Static_assert(__builtin_offsetof(struct tpm_tis_regs, int_status) == 0x10, "TPM_INT_STATUS");
_Static_assert(__builtin_offsetof(struct tpm_tis_regs, intf_capability) == 0x14, "INTF_CAPS");
_Static_assert(__builtin_offsetof(struct tpm_tis_regs, sts) == 0x18, "TPM_STS");
_Static_assert(__builtin_offsetof(struct tpm_tis_regs, data_fifo) == 0x24, "TPM_DATA_FIFO");
_Static_assert(__builtin_offsetof(struct tpm_tis_regs, interface_id) == 0x30, "INTERFACE_ID");
_Static_assert(__builtin_offsetof(struct tpm_tis_regs, xdata_fifo) == 0x80, "TPM_XDATA_FIFO");
_Static_assert(__builtin_offsetof(struct tpm_tis_regs, did_vid) == 0xF00, "TPM_DID_VID");
_Static_assert(__builtin_offsetof(struct tpm_tis_regs, rid) == 0xF04, "TPM_RID");
#define TIS_REG(field) ((uint32_t) __builtin_offsetof(struct tpm_tis_regs, field))

/* TPM_ACCESS */
#define TIS_ACCESS_ESTABLISHMENT 0x01
#define TIS_ACCESS_REQUEST_USE	 0x02
#define TIS_ACCESS_PENDING	 0x04
#define TIS_ACCESS_SEIZE	 0x08
#define TIS_ACCESS_BEEN_SEIZED	 0x10
#define TIS_ACCESS_ACTIVE	 0x20
#define TIS_ACCESS_RESERVED	 0x40 /* reads 0 */
#define TIS_ACCESS_VALID	 0x80
/* TPM_STS */
#define TIS_STS_RESPONSE_RETRY 0x02
#define TIS_STS_SELFTEST_DONE  0x04
#define TIS_STS_EXPECT	       0x08
#define TIS_STS_DATA_AVAIL     0x10
#define TIS_STS_GO	       0x20
#define TIS_STS_COMMAND_READY  0x40
#define TIS_STS_VALID	       0x80
#define TIS_STS_BURST(sts)     (((sts) >> 8) & 0xFFFF)
#define TIS_STS_FAMILY(sts)    (((sts) >> 26) & 3)
#define TIS_FAMILY_TPM2	       1

/* CRB registers of one locality (PTP, TPM_LOC_STATE_x to TPM_CRB_DATA_BUFFER_x). */
struct tpm_crb_regs {
	uint32_t loc_state;
	uint32_t rsvd0;
	uint32_t loc_ctrl;
	uint32_t loc_sts;
	uint8_t rsvd1[0x20];
	uint32_t interface_id;
	uint32_t interface_id_hi;
	uint64_t ctrl_ext;
	uint32_t ctrl_req;
	uint32_t ctrl_sts;
	uint32_t ctrl_cancel;
	uint32_t ctrl_start;
	uint32_t int_enable;
	uint32_t int_sts;
	uint32_t cmd_size;
	uint32_t cmd_laddr;
	uint32_t cmd_haddr;
	uint32_t rsp_size;
	uint32_t rsp_laddr;
	uint32_t rsp_haddr;
	uint8_t rsvd2[0x10];
	uint8_t data_buffer[0xF80];
} __attribute__((packed));
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, loc_state) == 0x00, "TPM_LOC_STATE");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, loc_ctrl) == 0x08, "TPM_LOC_CTRL");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, loc_sts) == 0x0C, "TPM_LOC_STS");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, interface_id) == 0x30, "INTERFACE_ID");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, ctrl_ext) == 0x38, "CRB_CTRL_EXT");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, ctrl_req) == 0x40, "CRB_CTRL_REQ");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, ctrl_sts) == 0x44, "CRB_CTRL_STS");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, ctrl_cancel) == 0x48, "CRB_CTRL_CANCEL");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, ctrl_start) == 0x4C, "CRB_CTRL_START");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, int_enable) == 0x50, "CRB_INT_ENABLE");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, int_sts) == 0x54, "CRB_INT_STS");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, cmd_size) == 0x58, "CRB_CTRL_CMD_SIZE");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, cmd_laddr) == 0x5C, "CRB_CTRL_CMD_LADDR");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, cmd_haddr) == 0x60, "CRB_CTRL_CMD_HADDR");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, rsp_size) == 0x64, "CRB_CTRL_RSP_SIZE");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, rsp_laddr) == 0x68, "CRB_CTRL_RSP_ADDR");
_Static_assert(__builtin_offsetof(struct tpm_crb_regs, data_buffer) == 0x80, "CRB_DATA_BUFFER");
_Static_assert(sizeof(struct tpm_crb_regs) == TPM_LOCALITY_SIZE, "one locality");
#define CRB_REG(field) ((uint32_t) __builtin_offsetof(struct tpm_crb_regs, field))

/* TPM_LOC_STATE */
#define CRB_LOC_STATE_ESTABLISHED 0x01
#define CRB_LOC_STATE_ASSIGNED	  0x02
#define CRB_LOC_STATE_ACTIVE(s)	  (((s) >> 2) & 7)
#define CRB_LOC_STATE_VALID	  0x80
/* TPM_LOC_CTRL, TPM_LOC_STS */
#define CRB_LOC_CTRL_REQUEST	0x01
#define CRB_LOC_CTRL_RELINQUISH 0x02
#define CRB_LOC_STS_GRANTED	0x01
/* INTERFACE_ID: its low nibble */
#define CRB_INTERFACE_TYPE(id) ((id)&0xF)
#define CRB_INTERFACE_CRB      1
/* CRB_CTRL_REQ, CRB_CTRL_STS, CRB_CTRL_START */
#define CRB_REQ_CMD_READY 0x01
#define CRB_REQ_GO_IDLE	  0x02
#define CRB_STS_ERROR	  0x01 /* tpmSts: a fatal error */
#define CRB_STS_IDLE	  0x02
#define CRB_START	  0x01

/* The largest response leapboot takes (its own commands' answers are under 64
 * bytes; a TPM listing many banks needs more). */
#define TPM_RESPONSE_MAX 512

/* Sends a command of len bytes (a whole TPM 2.0 command, its size field equal
 * to len) and receives the response into rsp (cap bytes): *rsp_len bytes whose
 * size field equals their number, at least a header. Requests locality 0 on
 * first use. Every timeout and every departure from the interface's protocol is
 * an LB_E_TPM_* status. */
status_t tpm_send(struct tpm_dev *t, const uint8_t *cmd, uint32_t len, uint8_t *rsp, uint32_t cap,
		  uint32_t *rsp_len);
status_t tpm_tis_send(struct tpm_dev *t, const uint8_t *cmd, uint32_t len, uint8_t *rsp,
		      uint32_t cap, uint32_t *rsp_len);
status_t tpm_crb_send(struct tpm_dev *t, const uint8_t *cmd, uint32_t len, uint8_t *rsp,
		      uint32_t cap, uint32_t *rsp_len);

/* Gives locality 0 back (TIS: activeLocality; CRB: goIdle and Relinquish), so
 * the kernel's driver finds the TPM as a reset left it. Nothing if not open. */
void tpm_release(struct tpm_dev *t);
void tpm_tis_release(struct tpm_dev *t);
void tpm_crb_release(struct tpm_dev *t);

/* TPM2_Startup(TPM_SU_CLEAR); a TPM started already (TPM_RC_INITIALIZE) is fine. */
status_t tpm_startup(struct tpm_dev *t);
/* TPM2_GetCapability(TPM_CAP_PCRS): the active banks, each one leapboot hashes. */
status_t tpm_get_banks(struct tpm_dev *t, struct tpm2_banks *banks);
/* TPM2_PCR_Extend of PCR pcr with one digest per bank in d. */
status_t tpm_extend(struct tpm_dev *t, uint32_t pcr, const struct tpm2_digests *d);

#endif
