/* Intel MP tables (boot/mptable.c): the floating pointer and the configuration
 * table for 1, 4 and 255 CPUs, parsed back entry by entry; bad CPU counts and too
 * little room. */
#include <stdlib.h>
#include <string.h>

#include "../../boot/mptable.h"
#include "tap.h"
#include "bytes.h"

/* Undefined behaviour fails the test instead of only printing a line. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

#define CANARY	     0xC3
#define SLACK	     64
#define ADDR	     0xF5400u /* where the guest sees the tables (F-segment) */
#define SIGNATURE    0x000806F8u
#define FEATURES     0x078BFBFDu
#define ISA_ENTRIES  15 /* IRQs 0-15 without the cascade, IRQ 2 */
#define LINT_ENTRIES 2

static bool all_canary(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i] != CANARY)
			return false;
	return true;
}

static uint8_t *canary_buf(uint32_t n)
{
	uint8_t *b = malloc(n);
	memset(b, CANARY, n);
	return b;
}

static void test_cpus(uint32_t n)
{
	const struct mp_cpus cpus = {.count = n, .signature = SIGNATURE, .features = FEATURES};
	uint32_t size = mptable_size(n);
	uint32_t want_size = 16 + 44 + 20 * n + 8 + 8 + (ISA_ENTRIES + LINT_ENTRIES) * 8;
	is_u64(size, want_size, "%u CPUs: mptable_size", n);

	uint8_t *buf = canary_buf(size + SLACK);
	status_t s = mptable_build(buf, size, ADDR, &cpus);
	if (!is_code(s, LB_OK, "%u CPUs: built in exactly mptable_size bytes", n)) {
		free(buf);
		return;
	}
	ok(all_canary(buf + size, SLACK), "%u CPUs: nothing written past the table", n);

	struct mp_floating fp;
	memcpy(&fp, buf, sizeof(fp));
	ok(memcmp(fp.signature, "_MP_", 4) == 0, "%u CPUs: floating pointer signature _MP_", n);
	ok(fp.length == 1 && fp.revision == 4, "%u CPUs: length 1 (16 bytes), revision 4 (1.4)", n);
	is_u64(sum8(buf, 16), 0, "%u CPUs: floating pointer checksum over 16 bytes", n);
	is_u64(fp.config, ADDR + 16, "%u CPUs: configuration table at addr + 16", n);
	ok(!fp.feature[0] && !fp.feature[1] && !fp.feature[2] && !fp.feature[3] && !fp.feature[4],
	   "%u CPUs: feature bytes 0 (a configuration table follows, no default config)", n);

	const uint8_t *c = buf + 16;
	struct mp_config cfg;
	memcpy(&cfg, c, sizeof(cfg));
	ok(memcmp(cfg.signature, "PCMP", 4) == 0, "%u CPUs: configuration table signature PCMP", n);
	is_u64(cfg.length, size - 16, "%u CPUs: configuration table length", n);
	is_u64(cfg.revision, 4, "%u CPUs: configuration table revision 4", n);
	is_u64(sum8(c, cfg.length), 0, "%u CPUs: configuration table checksum", n);
	is_u64(cfg.entries, n + 1 + 1 + ISA_ENTRIES + LINT_ENTRIES,
	       "%u CPUs: entries = CPUs + bus + I/O APIC + 15 ISA + 2 local interrupts", n);
	ok(cfg.lapic == 0xFEE00000u && cfg.oem_table == 0 && cfg.oem_table_size == 0 &&
	       cfg.ext_length == 0 && cfg.ext_checksum == 0,
	   "%u CPUs: local APIC at 0xFEE00000, no OEM or extended table", n);

	/* Walk the entries. */
	uint32_t off = sizeof(cfg), ncpu = 0, nbus = 0, nio = 0, nint = 0, nlint = 0;
	bool ids_ok = true, bsp_ok = true, cpu_ok = true, sorted = true, walk_ok = true;
	bool bus_ok = true, io_ok = true, irq_ok = true, lint_ok = true, seen_irq[16] = {0};
	uint8_t last_type = 0;
	for (uint32_t i = 0; i < cfg.entries; i++) {
		if (off >= cfg.length || c[off] > 4) {
			walk_ok = false;
			break;
		}
		uint8_t type = c[off];
		uint32_t esize = type == 0 ? 20 : 8;
		if (off + esize > cfg.length) {
			walk_ok = false;
			break;
		}
		sorted &= type >= last_type;
		last_type = type;
		if (type == 0) {
			struct mp_processor p;
			memcpy(&p, c + off, sizeof(p));
			ids_ok &= p.apic_id == ncpu;
			bsp_ok &= (p.flags & 2) == (ncpu == 0 ? 2 : 0);
			cpu_ok &= (p.flags & 1) && p.signature == SIGNATURE &&
				  p.features == FEATURES && p.apic_version != 0;
			ncpu++;
		} else if (type == 1) {
			struct mp_bus b;
			memcpy(&b, c + off, sizeof(b));
			bus_ok &= b.id == 0 && memcmp(b.name, "ISA   ", 6) == 0;
			nbus++;
		} else if (type == 2) {
			struct mp_ioapic io;
			memcpy(&io, c + off, sizeof(io));
			io_ok &= io.id == n && (io.flags & 1) && io.address == 0xFEC00000u;
			nio++;
		} else if (type == 3) {
			struct mp_interrupt e;
			memcpy(&e, c + off, sizeof(e));
			uint8_t want_pin = e.src_irq == 0 ? 2 : e.src_irq;
			irq_ok &= e.kind == 0 && e.src_bus == 0 && e.src_irq < 16 &&
				  e.src_irq != 2 && !seen_irq[e.src_irq & 15] && e.dst_apic == n &&
				  e.dst_pin == want_pin;
			seen_irq[e.src_irq & 15] = true;
			nint++;
		} else {
			struct mp_interrupt e;
			memcpy(&e, c + off, sizeof(e));
			/* LINT0: ExtINT, LINT1: NMI, on every local APIC */
			lint_ok &= e.dst_apic == 0xFF && e.dst_pin == nlint && e.src_bus == 0 &&
				   e.kind == (nlint == 0 ? 3 : 1);
			nlint++;
		}
		off += esize;
	}
	ok(walk_ok && off == cfg.length, "%u CPUs: the entries fill the table exactly", n);
	ok(sorted, "%u CPUs: entries in type order", n);
	is_u64(ncpu, n, "%u CPUs: %u processor entries", n, n);
	ok(ids_ok, "%u CPUs: APIC IDs 0..%u in order", n, n - 1);
	ok(bsp_ok, "%u CPUs: the boot-processor flag on the first only", n);
	ok(cpu_ok, "%u CPUs: all enabled, with the CPUID signature and features", n);
	ok(nbus == 1 && bus_ok, "%u CPUs: one ISA bus, id 0", n);
	ok(nio == 1 && io_ok, "%u CPUs: one I/O APIC, id %u, enabled, at 0xFEC00000", n, n);
	ok(nint == ISA_ENTRIES && irq_ok,
	   "%u CPUs: 15 ISA interrupts to I/O APIC %u: IRQ 0 -> pin 2, IRQ n -> pin n, none "
	   "for IRQ 2",
	   n, n);
	ok(nlint == LINT_ENTRIES && lint_ok, "%u CPUs: LINT0 ExtINT, LINT1 NMI on all local APICs",
	   n);
	free(buf);
}

static void test_errors(void)
{
	struct mp_cpus cpus = {.count = 4, .signature = SIGNATURE, .features = FEATURES};
	uint32_t size = mptable_size(4);
	uint8_t *buf = canary_buf(size + SLACK);
	status_t s;

	static const uint32_t bad[] = {0, 256, 1000, 0xFFFFFFFFu};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cpus.count = bad[i];
		s = mptable_build(buf, size + SLACK, ADDR, &cpus);
		is_code(s, LB_E_MPTABLE_CPUS, "%u CPUs -> LB_E_MPTABLE_CPUS", bad[i]);
		ok(lb_detail.a == bad[i] && lb_detail.b == 255 && all_canary(buf, size + SLACK),
		   "%u CPUs: reports count and limit, writes nothing", bad[i]);
	}

	cpus.count = 4;
	static const uint32_t caps[] = {0, 1, 16, 60};
	for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		s = mptable_build(buf, caps[i], ADDR, &cpus);
		is_code(s, LB_E_TABLES_NO_ROOM, "cap %u -> LB_E_TABLES_NO_ROOM", caps[i]);
		ok(all_canary(buf, size + SLACK), "cap %u: nothing written", caps[i]);
	}
	s = mptable_build(buf, size - 1, ADDR, &cpus);
	is_code(s, LB_E_TABLES_NO_ROOM, "cap one byte short -> LB_E_TABLES_NO_ROOM");
	ok(lb_detail.a == size && lb_detail.b == size - 1 && all_canary(buf, size + SLACK),
	   "cap one byte short: reports need and cap, writes nothing");

	s = mptable_build(buf, size, 0x100000000ull - size + 1, &cpus);
	is_code(s, LB_E_TABLES_NO_ROOM, "a table ending one byte past 4 GiB -> NO_ROOM");
	ok(all_canary(buf, size + SLACK), "past 4 GiB: nothing written");
	s = mptable_build(buf, size, 0x100000000ull, &cpus);
	is_code(s, LB_E_TABLES_NO_ROOM, "a table at 4 GiB -> NO_ROOM");

	s = mptable_build(buf, size, 0xFFFFFFFFFFFFFF00ull, &cpus);
	is_code(s, LB_E_TABLES_NO_ROOM, "a table at 2^64 - 256 -> NO_ROOM");
	memset(buf, CANARY, size + SLACK);

	s = mptable_build(buf, size, 0x100000000ull - size, &cpus);
	is_code(s, LB_OK, "a table ending exactly at 4 GiB");
	ok(all_canary(buf + size, SLACK), "cap exactly the size: nothing written past it");
	uint32_t config;
	memcpy(&config, buf + 4, 4);
	is_u64(config, 0x100000000ull - size + 16, "config pointer just below 4 GiB");
	free(buf);
}

int main(void)
{
	static const uint32_t counts[] = {1, 2, 4, 254, 255};
	for (unsigned i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		test_cpus(counts[i]);
	test_errors();
	return done_testing();
}
