/* PCI configuration space through ports 0xCF8/0xCFC. */
#ifndef LEAPBOOT_PCI_H
#define LEAPBOOT_PCI_H

#include <stdint.h>
#include "io.h"

#define PCI_CONFIG_ADDR 0xCF8
#define PCI_CONFIG_DATA 0xCFC

static inline uint32_t pci_cfg_addr(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg)
{
	return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 |
	       (reg & 0xFCu);
}

static inline uint32_t pci_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg)
{
	outl(PCI_CONFIG_ADDR, pci_cfg_addr(bus, dev, fn, reg));
	return inl(PCI_CONFIG_DATA);
}

static inline void pci_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg, uint32_t v)
{
	outl(PCI_CONFIG_ADDR, pci_cfg_addr(bus, dev, fn, reg));
	outl(PCI_CONFIG_DATA, v);
}

#endif
