/* x86 port I/O. */
#ifndef LEAPBOOT_X86_IO_H
#define LEAPBOOT_X86_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Reads n bytes from one port into memory: one instruction, n port reads. */
static inline void insb(uint16_t port, void *dst, uint32_t n)
{
	uint64_t count = n;
	__asm__ volatile("rep insb" : "+D"(dst), "+c"(count) : "d"(port) : "memory");
}

/* isa-debug-exit, as the tests configure it: QEMU exits with (value << 1) | 1,
 * so 3 after an error; nothing happens on a machine without the device. */
#define DEBUG_EXIT_PORT	   0x501
#define DEBUG_EXIT_FAILURE 1

static inline void debug_exit_failure(void)
{
	outb(DEBUG_EXIT_PORT, DEBUG_EXIT_FAILURE);
}

#endif
