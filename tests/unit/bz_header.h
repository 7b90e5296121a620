/* The setup header of a protocol-2.15 x86_64 bzImage, as the unit tests build
 * their kernels: relocatable, loaded high, 64-bit entry. */
#ifndef LEAPBOOT_TEST_BZ_HEADER_H
#define LEAPBOOT_TEST_BZ_HEADER_H

#include "../../boot/boot_params.h"

static inline struct setup_header bz_header(uint8_t setup_sects, uint32_t syssize,
					    uint32_t init_size)
{
	struct setup_header h = {0};
	h.setup_sects = setup_sects;
	h.syssize = syssize;
	h.boot_flag = BOOT_FLAG_MAGIC;
	/* "jmp short" over the header: EB, then the distance from 0x202 to its end. */
	h.jump = (uint16_t)(0xEB | (SETUP_HDR_OFFSET + sizeof(h) - 0x202) << 8);
	h.header = SETUP_HDR_MAGIC;
	h.version = 0x20F;
	h.loadflags = LOADED_HIGH;
	h.code32_start = 0x100000;
	h.kernel_alignment = 0x200000;
	h.relocatable_kernel = 1;
	h.xloadflags = 0x7f;
	h.cmdline_size = 2047;
	h.initrd_addr_max = 0x7fffffff;
	h.pref_address = 0x1000000;
	h.init_size = init_size;
	return h;
}

#endif
