/* Where QEMU's firmware tables go: blobs of the ACPI table-loader, SMBIOS. */
#ifndef LEAPBOOT_TABLES_H
#define LEAPBOOT_TABLES_H

#include "acpi.h"
#include "fw_cfg.h"
#include "memmap.h"
#include "mptable.h"
#include "smbios.h"

struct tables {
	struct fw_cfg *fc;
	struct memmap *m;
	uint64_t reach;		      /* the CPU writes the blobs: keep them below this */
	uint64_t fseg_next, fseg_end; /* free F-segment space, for what legacy scans find */
};

/* Places size bytes: zone HIGH in the highest RAM below reach, claimed as claim;
 * zone FSEG in the F-segment. */
status_t tables_alloc(struct tables *t, uint32_t size, uint32_t align, uint8_t zone, uint32_t claim,
		      uint64_t *addr);

/* Runs etc/table-loader; *rsdp = 0 when QEMU offers no ACPI. On a bad script
 * the error is returned and the boot stops (one "leapboot: error: acpi:" line):
 * a half-linked table is never handed over. */
status_t tables_install_acpi(struct tables *t, struct acpi_loader *l, uint64_t *rsdp);

/* Places etc/smbios/smbios-tables high (*tables), with b as type 0 in front
 * unless they have one, and the entry point in the F-segment (*entry); where
 * QEMU offers no SMBIOS, a table of type 0 alone, in the F-segment. */
status_t tables_install_smbios(struct tables *t, const struct smbios_bios *b, uint64_t *entry,
			       uint64_t *tables);

/* Builds an MP table in the F-segment for cpus->count CPUs. */
status_t tables_install_mptable(struct tables *t, const struct mp_cpus *cpus, uint64_t *addr);

#endif
