#include "mptable.h"
#include "anchors.h"
#include "checksum.h"
#include "le.h"
#include "../loader/libc/string.h"

#define LAPIC_BASE     0xFEE00000u
#define LAPIC_VERSION  0x14
#define IOAPIC_BASE    0xFEC00000u
#define IOAPIC_VERSION 0x11
#define ISA_IRQS       16
#define ISA_BUS	       0
#define MP_MAX_CPUS    255		  /* APIC IDs are bytes; the I/O APIC takes the next one */
#define INT_ENTRIES    (ISA_IRQS - 1 + 2) /* IRQ 2 is the cascade; + LINT0, LINT1 */

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_IOINT, MP_LOCALINT };
enum { MP_INT, MP_NMI, MP_SMI, MP_EXTINT };

uint32_t mptable_size(uint32_t count)
{
	return sizeof(struct mp_floating) + sizeof(struct mp_config) +
	       count * sizeof(struct mp_processor) + sizeof(struct mp_bus) +
	       sizeof(struct mp_ioapic) + INT_ENTRIES * sizeof(struct mp_interrupt);
}

status_t mptable_build(uint8_t *buf, uint32_t cap, uint64_t addr, const struct mp_cpus *cpus)
{
	uint32_t n = cpus->count;

	if (n == 0 || n > MP_MAX_CPUS)
		return lb_fail(LB_E_MPTABLE_CPUS, n, MP_MAX_CPUS);
	uint32_t size = mptable_size(n);
	if (size > cap || addr > 0x100000000ull - size)
		return lb_fail(LB_E_TABLES_NO_ROOM, size, cap);
	memset(buf, 0, size);

	struct mp_config *cfg = (struct mp_config *)(buf + sizeof(struct mp_floating));
	uint8_t *p = (uint8_t *)(cfg + 1);
	uint8_t ioapic_id = (uint8_t)n;

	for (uint32_t i = 0; i < n; i++) {
		struct mp_processor cpu = {
		    .type = MP_PROCESSOR,
		    .apic_id = (uint8_t)i,
		    .apic_version = LAPIC_VERSION,
		    .flags = (uint8_t)(1 | (i == 0 ? 2 : 0)),
		    .signature = cpus->signature,
		    .features = cpus->features,
		};
		memcpy(p, &cpu, sizeof(cpu));
		p += sizeof(cpu);
	}
	struct mp_bus bus = {.type = MP_BUS, .id = ISA_BUS, .name = {'I', 'S', 'A', ' ', ' ', ' '}};
	memcpy(p, &bus, sizeof(bus));
	p += sizeof(bus);
	struct mp_ioapic io = {MP_IOAPIC, ioapic_id, IOAPIC_VERSION, 1, IOAPIC_BASE};
	memcpy(p, &io, sizeof(io));
	p += sizeof(io);
	/* ISA IRQs to I/O APIC pins one to one, except that QEMU wires the timer
	 * (IRQ 0) to pin 2, where the cascade would be. */
	for (uint8_t irq = 0; irq < ISA_IRQS; irq++) {
		if (irq == 2)
			continue;
		struct mp_interrupt e = {
		    MP_IOINT, MP_INT, 0, ISA_BUS, irq, ioapic_id, (uint8_t)(irq == 0 ? 2 : irq)};
		memcpy(p, &e, sizeof(e));
		p += sizeof(e);
	}
	/* Every local APIC: ExtINT on LINT0, NMI on LINT1. */
	struct mp_interrupt lint[2] = {{MP_LOCALINT, MP_EXTINT, 0, ISA_BUS, 0, 0xFF, 0},
				       {MP_LOCALINT, MP_NMI, 0, ISA_BUS, 0, 0xFF, 1}};
	memcpy(p, lint, sizeof(lint));
	p += sizeof(lint);

	memcpy(cfg->signature, "PCMP", 4);
	cfg->length = (uint16_t)(p - (uint8_t *)cfg);
	cfg->revision = 4;
	memcpy(cfg->oem, "LEAPBOOT", 8);
	memcpy(cfg->product, "QEMU        ", 12);
	cfg->entries = (uint16_t)(n + 2 + INT_ENTRIES);
	cfg->lapic = LAPIC_BASE;
	cfg->checksum = checksum_fix(cfg, cfg->length);

	struct mp_floating *fp = (struct mp_floating *)buf;
	le_put32((uint8_t *)fp->signature, ANCHOR_MP);
	fp->config = (uint32_t)(addr + sizeof(*fp));
	fp->length = 1;
	fp->revision = 4;
	fp->checksum = checksum_fix(buf, sizeof(*fp));
	return lb_ok();
}
