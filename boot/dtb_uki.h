/* A unified kernel image's own device tree (.dtb) in place of the machine's,
 * as systemd-stub installs it. Pure code on libfdt. */
#ifndef LEAPBOOT_DTB_UKI_H
#define LEAPBOOT_DTB_UKI_H

#include <stddef.h>
#include "status.h"

/* Opens tree (tree_len bytes, the image's .dtb) into fdt, a buffer of cap
 * bytes, with the machine's RAM: the /memory nodes of machine instead of its
 * own. Under UEFI the EFI memory map tells the kernel its RAM; without it, the
 * tree must. Both trees' roots must agree on #address-cells and #size-cells. */
status_t dtb_uki(const void *tree, size_t tree_len, const void *machine, void *fdt, size_t cap);

#endif
