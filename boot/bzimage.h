/* bzImage through the 32/64-bit boot protocol: header checks, placement, boot_params. */
#ifndef LEAPBOOT_BZIMAGE_H
#define LEAPBOOT_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "boot_params.h"
#include "plan.h"

struct bzimage {
	struct setup_header hdr; /* as in the image; fields past its header length are 0 */
	uint32_t hdr_len;	 /* bytes of setup header the image provides */
	uint32_t setup_size;	 /* bytes before the protected-mode part */
	uint64_t pm_size;	 /* protected-mode bytes the source provides */
	uint64_t init_size;	 /* bytes to reserve from the load address */
	uint64_t align;		 /* load alignment */
	uint64_t initrd_limit;	 /* the initrd must end at or below this */
	uint32_t cmdline_max;	 /* longest command line, without the NUL */
	enum boot_mode mode;
	uint64_t load; /* chosen load address */
};

#define BZIMAGE_HEAD_MIN (SETUP_HDR_OFFSET + sizeof(struct setup_header))

/* Validates the setup header found in the first len bytes of the image. */
status_t bzimage_parse(struct bzimage *bz, const void *head, size_t len);

/* Cross-checks the sizes the source reports: setup_bytes (0 when the image comes
 * as one file of file_size bytes) and the protected-mode part. */
status_t bzimage_check_sizes(struct bzimage *bz, uint64_t setup_bytes, uint64_t file_size);

/* Chooses and claims the load address below limit (what the CPU maps):
 * pref_address if free, else (relocatable kernels) the lowest aligned free RAM
 * above 1 MiB. */
status_t bzimage_place_kernel(struct bzimage *bz, struct memmap *m, uint64_t limit);

struct bzimage_args {
	uint64_t cmdline; /* physical address of the NUL-terminated command line */
	uint64_t initrd, initrd_size;
	uint64_t rsdp; /* 0 when unknown */
};

/* Builds a fresh boot_params from the header and the memory map. */
status_t bzimage_boot_params(const struct bzimage *bz, struct boot_params *bp,
			     const struct bzimage_args *args, const struct memmap *m);

/* The hand-off: entry point and mode, boot_params as the argument, the kernel's
 * init_size as its region, reach as the plan's CPU-reachable limit. */
void bzimage_plan(const struct bzimage *bz, uint64_t boot_params, uint64_t reach,
		  struct boot_plan *plan);

#endif
