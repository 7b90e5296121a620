/* The TPM a device tree describes (arm virt: QEMU's tpm-tis-device, compatible
 * "tcg,tpm-tis-mmio", on the platform bus), and the event log leapboot hands
 * Linux through it: linux,sml-base and linux,sml-size on the TPM's node, which
 * Linux's drivers/char/tpm/eventlog/of.c reads (both big-endian, as every FDT
 * cell; it copies the log from __va(base), so the log stays in the linear map:
 * a /memreserve/ entry, not a no-map region). Pure code on libfdt. */
#ifndef LEAPBOOT_DTB_TPM_H
#define LEAPBOOT_DTB_TPM_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#define DTB_TPM_COMPATIBLE "tcg,tpm-tis-mmio"

/* Where the first enabled TPM node of the tree has its registers, as a CPU
 * address: its reg's first entry, translated through every parent bus's
 * ranges. *size = 0 when the tree has no such node. A tree fdt_validate
 * refuses is LB_E_FDT_BAD; a node whose registers cannot be known (no reg,
 * cells leapboot does not read, a bus without ranges or whose ranges do not
 * cover them), LB_E_TPM_DTB. */
status_t dtb_tpm_find(const void *fdt, uint64_t *base, uint64_t *size);

/* Opens the tree at fdt (a buffer of cap bytes) in place, gives the TPM node
 * linux,sml-base = log (u64) and linux,sml-size = size (u32), adds the
 * /memreserve/ entry [log, log + size), then packs and checks the tree. No TPM
 * node is LB_E_TPM_DTB; no room, LB_E_FDT_FULL. */
status_t dtb_tpm_log(void *fdt, size_t cap, uint64_t log, uint32_t size);

#endif
