/*
 * probe-fwcfg: QEMU's fw_cfg device as an x86 probe reads it, byte by byte through the
 * selector (0x510) and data (0x511) ports: the signature, the file directory, a file.  Lets a
 * probe compare what a loader handed over with what QEMU itself says (e.g. etc/e820).
 */
#ifndef PROBE_FWCFG_H
#define PROBE_FWCFG_H

#include "probe-report.h"

/* The "QEMU" signature answers at key 0. */
int fw_cfg_present(void);
/* The directory entry of a file: its key and size.  0 if there is no such file. */
int fw_cfg_file(const char *name, u16 *key, u32 *size);
/* The first len bytes of the item at key. */
void fw_cfg_read(u16 key, void *buf, u32 len);

#endif
