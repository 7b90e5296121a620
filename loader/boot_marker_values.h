/* The qemu-boot-time marker values (its benchmark.h convention), written by each
 * architecture's boot_markers.h when fw_cfg has opt/leapboot/markers. */
#ifndef LEAPBOOT_BOOT_MARKER_VALUES_H
#define LEAPBOOT_BOOT_MARKER_VALUES_H

#include <stdbool.h>

enum boot_marker {
	MARKER_FW_START = 1,
	MARKER_LINUX_START_BOOT = 3,	/* bzImage, arm64 Image */
	MARKER_LINUX_START_PVHBOOT = 4, /* PVH */
	MARKER_FW_DO_BOOT = 5,		/* machine set up, the kernel next */
};

/* Set once fw_cfg's directory is read. */
extern bool boot_markers;

#endif
