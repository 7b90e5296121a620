/* Buffers written in full before they are read need not be zeroed at start-up:
 * the firmware forms keep them out of .bss. The EFI application has no such
 * section (the firmware's loader zeroes .bss anyway). */
#ifndef LEAPBOOT_NOINIT_H
#define LEAPBOOT_NOINIT_H

#ifdef LEAPBOOT_EFI
#define NOINIT
#else
#define NOINIT __attribute__((section(".noinit")))
#endif

#endif
