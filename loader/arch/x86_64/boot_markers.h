/* qemu-boot-time markers, for a harness timing the boot from outside: one byte to
 * port 0xf5 (the firmware's events) or 0xf4 (the kernel's), written only when
 * fw_cfg has opt/leapboot/markers. Off by default: 0xf4 is isa-debug-exit's
 * default port, where a marker would end a user's QEMU. */
#ifndef LEAPBOOT_X86_BOOT_MARKERS_H
#define LEAPBOOT_X86_BOOT_MARKERS_H

#include "boot_marker_values.h"
#include "fw_cfg.h"
#include "io.h"

#define MARKER_PORT_FW	  0xf5
#define MARKER_PORT_LINUX 0xf4

/* The same call as on arm64; fw_cfg plays no part here. */
static inline void boot_marker(const struct fw_cfg *fc, enum boot_marker m)
{
	(void)fc;
	if (boot_markers)
		outb(m == MARKER_FW_START ? MARKER_PORT_FW : MARKER_PORT_LINUX, (uint8_t)m);
}

#endif
