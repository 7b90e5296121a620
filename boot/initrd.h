/* Initrd placement, shared by the boot protocols. */
#ifndef LEAPBOOT_INITRD_H
#define LEAPBOOT_INITRD_H

#include <stdint.h>
#include "memmap.h"

/* Claims size bytes as high as possible in free RAM ending at or below limit. */
status_t initrd_place(struct memmap *m, uint64_t size, uint64_t limit, uint64_t *addr);

/* The same below the lower of the kernel's own limit (bzImage: initrd_addr_max + 1)
 * and the loader's (what it can write); when the kernel's limit is what keeps an
 * initrd out that RAM could hold, the error says so. */
status_t initrd_place_limited(struct memmap *m, uint64_t size, uint64_t kernel_limit,
			      uint64_t limit, uint64_t *addr);

#endif
