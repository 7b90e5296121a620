/* PCI configuration space through ports 0xCF8/0xCFC. */
#ifndef LEAPBOOT_PCI_H
#define LEAPBOOT_PCI_H

#include <stdint.h>
#include "io.h"

#define PCI_CONFIG_ADDR 0xCF8
#define PCI_CONFIG_DATA 0xCFC

/* bdf = bus << 8 | device << 3 | function */
#define PCI_BDF(bus, dev, fn) ((uint16_t)((bus) << 8 | (dev) << 3 | (fn)))

static inline void pci_select(uint16_t bdf, uint8_t reg)
{
	outl(PCI_CONFIG_ADDR, 0x80000000u | (uint32_t)bdf << 8 | (reg & 0xFCu));
}

static inline uint32_t pci_read32(uint16_t bdf, uint8_t reg)
{
	pci_select(bdf, reg);
	return inl(PCI_CONFIG_DATA);
}

static inline void pci_write32(uint16_t bdf, uint8_t reg, uint32_t v)
{
	pci_select(bdf, reg);
	outl(PCI_CONFIG_DATA, v);
}

static inline void pci_write8(uint16_t bdf, uint8_t reg, uint8_t v)
{
	pci_select(bdf, reg);
	outb(PCI_CONFIG_DATA + (reg & 3), v);
}

#endif
