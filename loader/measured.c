/* Measured boot in the loader: the TPM's registers, QEMU's files re-read for
 * their digests, and the one measured boot in progress. */
#include "measured.h"
#include "noinit.h"
#include "phys.h"
#include "libc/string.h"

#define PCR_TABLES 1

static struct measured_boot measured_state NOINIT;
static struct tpm_dev tpm NOINIT;
/* QEMU's files pass through here in pieces, for their digests only. */
static uint8_t scratch[8192] NOINIT;

static volatile void *reg(void *ctx, uint32_t off)
{
	return (volatile void *)((uintptr_t)ctx + off);
}

static uint8_t mmio_read8(void *ctx, uint32_t off)
{
	return *(volatile uint8_t *)reg(ctx, off);
}

static uint32_t mmio_read32(void *ctx, uint32_t off)
{
	return *(volatile uint32_t *)reg(ctx, off);
}

static void mmio_write8(void *ctx, uint32_t off, uint8_t v)
{
	*(volatile uint8_t *)reg(ctx, off) = v;
}

static void mmio_write32(void *ctx, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)reg(ctx, off) = v;
}

/* A poll's pause: a register read is an exit to the VMM already, this only
 * keeps a fast TPM from being polled in a tight loop. */
static void mmio_delay(void *ctx)
{
	(void)ctx;
	for (volatile uint32_t i = 0; i < 64; i++)
		;
}

const struct tpm_mmio_ops tpm_mmio = {
    .read8 = mmio_read8,
    .read32 = mmio_read32,
    .write8 = mmio_write8,
    .write32 = mmio_write32,
    .delay = mmio_delay,
};

/* QEMU's files that make the tables Linux gets, each as QEMU supplies it. */
static const enum fw_cfg_known_file table_files[] = {
    FW_CFG_ACPI_RSDP,	  FW_CFG_ACPI_TABLES,	FW_CFG_TABLE_LOADER,
    FW_CFG_SMBIOS_ANCHOR, FW_CFG_SMBIOS_TABLES,
};
static const char *const table_names[] = {
    "etc/acpi/rsdp",
    "etc/acpi/tables",
    "etc/table-loader",
    "etc/smbios/smbios-anchor",
    "etc/smbios/smbios-tables",
};

static status_t measure_file(struct measured_boot *mb, struct fw_cfg *fc, struct fw_cfg_blob b,
			     const char *name)
{
	struct measure_hash h;
	struct tpm2_digests d;
	measure_hash_start(&h, &mb->banks);
	for (uint32_t at = 0; at < b.size;) {
		uint32_t n =
		    b.size - at < sizeof(scratch) ? b.size - at : (uint32_t)sizeof(scratch);
		status_t s = fw_cfg_read(fc, b.key, at, phys(scratch), n);
		if (s.code)
			return s;
		measure_hash_update(&h, scratch, n);
		at += n;
	}
	measure_hash_final(&h, &d);
	return measured_boot_event(mb, PCR_TABLES, EV_TABLE_OF_DEVICES, &d, name,
				   (uint32_t)strlen(name));
}

status_t measured_begin(struct fw_cfg *fc, struct tpm_dev *t, uint8_t *log, uint32_t cap,
			const void *image, uint64_t base, uint32_t size, struct measured_boot **out)
{
	struct measured_boot *mb = &measured_state;
	tpm = *t;
	status_t s = measured_boot_start(mb, &tpm, log, cap);
	if (!s.code)
		s = measured_boot_firmware(mb, image, base, size);
	/* Without fc (arm virt) no tables: leapboot hands its kernel none of QEMU's. */
	uint32_t ntables = fc ? sizeof(table_files) / sizeof(table_files[0]) : 0;
	for (uint32_t i = 0; !s.code && i < ntables; i++) {
		struct fw_cfg_blob b = fw_cfg_known(fc, table_files[i]);
		if (b.key)
			s = measure_file(mb, fc, b, table_names[i]);
	}
	*out = mb;
	return s;
}

status_t measured_resume(struct tpm_dev *t, uint8_t *log, uint32_t cap, struct measured_boot **out)
{
	tpm = *t;
	*out = &measured_state;
	return measured_boot_resume(&measured_state, &tpm, log, cap);
}
