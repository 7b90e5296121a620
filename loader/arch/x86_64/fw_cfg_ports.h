#ifndef LEAPBOOT_FW_CFG_PORTS_H
#define LEAPBOOT_FW_CFG_PORTS_H

#include "fw_cfg.h"

extern const struct fw_cfg_ops fw_cfg_ports;

#endif
