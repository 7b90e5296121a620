/* QEMU's arm virt machine, as leapboot finds it from reset: where RAM starts
 * (QEMU puts the DTB there for -bios), fw_cfg when the DTB does not say, and
 * the PL011 UART. */
#ifndef LEAPBOOT_PLATFORM_VIRT_H
#define LEAPBOOT_PLATFORM_VIRT_H

#define VIRT_RAM_BASE	 0x40000000ull
#define VIRT_FW_CFG_BASE 0x09020000ull
#define VIRT_UART_BASE	 0x09000000ull
/* start.S maps [0, this) as device memory: the flash and every MMIO device. */
#define VIRT_DEVICE_END 0x40000000ull

#endif
