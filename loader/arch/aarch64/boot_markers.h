/* Boot markers on arm64, for a harness timing the boot from outside (under KVM,
 * where it cannot watch instructions): virt has no spare I/O port, so a marker
 * is a write of an unused fw_cfg key, MARKER_KEY_BASE + the qemu-boot-time
 * value, to fw_cfg's selector — one MMIO exit, which QEMU's fw_cfg_select trace
 * event records with a time stamp. The key selects nothing, and every fw_cfg
 * transfer selects its own key. Written only when fw_cfg has
 * opt/leapboot/markers. */
#ifndef LEAPBOOT_ARM64_BOOT_MARKERS_H
#define LEAPBOOT_ARM64_BOOT_MARKERS_H

#include "boot_marker_values.h"
#include "fw_cfg.h"

#define MARKER_KEY_BASE 0x3f00 /* far above the highest fw_cfg entry QEMU has */

static inline void boot_marker(const struct fw_cfg *fc, enum boot_marker m)
{
	if (boot_markers)
		fc->ops->select(fc->ctx, (uint16_t)(MARKER_KEY_BASE + m));
}

#endif
