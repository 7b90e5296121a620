/* Initrd placement, shared by the boot protocols. */
#ifndef LEAPBOOT_INITRD_H
#define LEAPBOOT_INITRD_H

#include <stdint.h>
#include "../loader/memmap.h"

/* Claims size bytes as high as possible in free RAM ending at or below limit. */
status_t initrd_place(struct memmap *m, uint64_t size, uint64_t limit, uint64_t *addr);

#endif
