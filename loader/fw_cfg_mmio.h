#ifndef LEAPBOOT_FW_CFG_MMIO_H
#define LEAPBOOT_FW_CFG_MMIO_H

#include "fw_cfg.h"

/* The context is the device's base address. */
extern const struct fw_cfg_ops fw_cfg_mmio;

#endif
