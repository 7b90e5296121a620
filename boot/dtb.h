/* The device tree a machine is described by (arm virt): its RAM and
 * reservations, fw_cfg's MMIO window, and the /chosen node leapboot writes for
 * the kernel. Pure code on libfdt. */
#ifndef LEAPBOOT_DTB_H
#define LEAPBOOT_DTB_H

#include <stddef.h>
#include <stdint.h>
#include "memmap.h"
#include "status.h"

/* Adds the RAM of the DTB's /memory nodes to m, then marks what the DTB reserves
 * (/memreserve/, /reserved-memory) as MEM_RESERVED so nothing is loaded there. */
status_t dtb_memory(const void *fdt, struct memmap *m);

/* The MMIO base of the "qemu,fw-cfg-mmio" node in a validated tree; 0 if none. */
uint64_t dtb_fw_cfg(const void *fdt);

/* Opens the tree src into fdt, a buffer of cap bytes (src == fdt is allowed; only the
 * tree's blocks are copied, not free space after them), sets /chosen: bootargs
 * (when cmdline is non-NULL), linux,initrd-start/-end (when initrd_size), then packs
 * and checks the result. */
status_t dtb_chosen(const void *src, void *fdt, size_t cap, const char *cmdline, uint64_t initrd,
		    uint64_t initrd_size);

#endif
