/*
 * fwcount - QEMU TCG plugin that measures how much work x86 firmware does
 * between reset and a given "stop" address (normally the first instruction
 * of the Linux kernel).
 *
 * Counts, from the first executed guest instruction up to (but excluding)
 * the first executed instruction whose virtual address equals one of the
 * stop addresses:
 *
 *   insns   guest instructions executed, as TCG executes them.  TCG runs a
 *           REP-prefixed string instruction once per iteration, and QEMU
 *           7.2 adds one more no-op pass with ECX=0 at the end of each REP
 *           loop; all of these count (that is also what -icount counts).
 *   pio     x86 port I/O accesses (0 for other targets, e.g. aarch64, which
 *           count instructions and MMIO only): executed IN/OUT (E4-E7, EC-EF) plus one
 *           per element transferred by INS/OUTS (6C-6F, with or without REP;
 *           an execution counts only if it accessed memory, so TCG's final
 *           ECX=0 pass and a REP with ECX=0 count nothing).
 *   mmio    guest loads/stores that hit an I/O (non-RAM/ROM) region,
 *           i.e. qemu_plugin_hwaddr_is_io() is true.  One per guest access
 *           (QEMU may split a wide access into several device accesses).
 *
 * With detail=on the line also carries:
 *   arch_insns     one per dynamic instance of a REP string instruction,
 *                  however many iterations (an architectural count),
 *   rep_iters      REP continuation passes folded away by arch_insns,
 *   tcg_rep_extra  TCG's final no-op ECX=0 passes included in insns;
 *                  insns - tcg_rep_extra is the count a one-instruction-
 *                  per-step method (gdb stepi, -singlestep) sees,
 *   pio_in / pio_out, mmio_r / mmio_w  the split of pio and mmio.
 *
 * Plugin arguments (-plugin fwcount.so,arg=val,...):
 *   stop=ADDR   stop address (virtual = linear address, 0x... accepted);
 *               may be given several times (up to 32).
 *   out=PATH    write the result line to PATH instead of stderr.
 *   exit=on     exit QEMU (status 0) as soon as a stop address is reached.
 *   detail=on   append the extra fields described above.
 *
 * Result line:
 *   fwcount: stop=0x10200 insns=12345 pio=67 mmio=8
 * or, if the VM ends without reaching a stop address:
 *   fwcount: stop=none insns=... pio=... mmio=...
 *
 * Counting uses inline operations shared by all vCPUs; it is meant for
 * -smp 1 (the firmware's boot path runs on vCPU 0).  A warning is printed
 * when more vCPUs exist.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin-api.h"

FWCOUNT_EXPORT int qemu_plugin_version = FWCOUNT_PLUGIN_API_VERSION;

#define MAX_STOPS 32

enum insn_kind {
	K_PLAIN = 0,
	K_PIO_IN,  /* IN  al/ax/eax, imm8|dx        */
	K_PIO_OUT, /* OUT imm8|dx, al/ax/eax        */
	K_STR_IN,  /* INS                           */
	K_STR_OUT, /* OUTS                          */
	K_STR,	   /* MOVS CMPS STOS LODS SCAS      */
};

/* Memory-callback userdata: the kind, plus this flag for REP-prefixed. */
#define UD_REP 0x100u

/* Counters bumped by inline ops or callbacks. */
static uint64_t n_insns;
/* The guest is x86 (port I/O and REP decoding apply); other targets count only
 * instructions and MMIO. */
static bool x86;
static uint64_t n_pio_in;
static uint64_t n_pio_out;
static uint64_t n_mmio_r;
static uint64_t n_mmio_w;
static uint64_t n_rep_cont;
static uint64_t n_rep_extra;

/* Execution (value of n_insns) of the last INS/OUTS that touched memory. */
static uint64_t last_str_exec = UINT64_MAX;

/* REP bookkeeping: the previous REP execution and what it did. */
static uint64_t last_rep_vaddr = UINT64_MAX;
static uint64_t last_rep_seen;
static bool last_rep_was_cont;
static bool last_rep_touched_mem;

static uint64_t stops[MAX_STOPS];
static int n_stops;
static const char *out_path;
static bool exit_at_stop;
static bool detail;
static volatile int stopped; /* set once a stop address executed */

/*
 * Close the books on the previous REP execution: a continuation pass that
 * touched no memory is TCG's trailing ECX=0 pass.
 */
static void rep_settle(void)
{
	if (last_rep_was_cont && !last_rep_touched_mem) {
		n_rep_extra++;
	}
	last_rep_was_cont = false;
	last_rep_touched_mem = false;
}

static void print_result(const char *stop_str)
{
	char line[512];
	uint64_t pio = n_pio_in + n_pio_out;
	uint64_t mmio = n_mmio_r + n_mmio_w;
	int len;

	rep_settle();
	len = snprintf(line, sizeof(line),
		       "fwcount: stop=%s insns=%" PRIu64 " pio=%" PRIu64 " mmio=%" PRIu64, stop_str,
		       n_insns, pio, mmio);
	if (detail && len > 0 && (size_t)len < sizeof(line)) {
		snprintf(line + len, sizeof(line) - len,
			 " arch_insns=%" PRIu64 " rep_iters=%" PRIu64 " tcg_rep_extra=%" PRIu64
			 " pio_in=%" PRIu64 " pio_out=%" PRIu64 " mmio_r=%" PRIu64
			 " mmio_w=%" PRIu64,
			 n_insns - n_rep_cont, n_rep_cont, n_rep_extra, n_pio_in, n_pio_out,
			 n_mmio_r, n_mmio_w);
	}

	if (out_path) {
		FILE *f = fopen(out_path, "w");
		if (f) {
			fprintf(f, "%s\n", line);
			fclose(f);
			return;
		}
		fprintf(stderr, "fwcount: cannot write %s\n", out_path);
	}
	fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

/*
 * Called before the first execution of an instruction at a stop address.
 * Such instructions carry no counting instrumentation, so the counters
 * hold exactly the work done before it.
 */
static void stop_cb(unsigned int vcpu_index, void *udata)
{
	char buf[32];

	(void)vcpu_index;
	if (stopped) {
		return;
	}
	stopped = 1;
	snprintf(buf, sizeof(buf), "0x%" PRIx64, (uint64_t)(uintptr_t)udata);
	print_result(buf);
	if (exit_at_stop) {
		/*
		 * Leave right away, from the vCPU thread.  exit() (rather than
		 * _exit()) runs QEMU's atexit handlers, which among other things
		 * restore the terminal that -nographic put in raw mode.  Our own
		 * atexit callback sees 'stopped' and stays quiet.
		 */
		fflush(NULL);
		exit(0);
	}
}

/* Memory access callback: MMIO detection, string port I/O, REP passes. */
static void mem_cb(unsigned int vcpu_index, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
	unsigned int ud = (unsigned int)(uintptr_t)udata;
	enum insn_kind kind = (enum insn_kind)(ud & ~UD_REP);
	struct qemu_plugin_hwaddr *hw;

	(void)vcpu_index;
	if (stopped) {
		return;
	}
	if (ud & UD_REP) {
		last_rep_touched_mem = true;
	}
	/*
	 * INS/OUTS: one port access per execution that touches memory.  TCG
	 * executes a REP string instruction once per iteration (plus a final
	 * no-op pass with ECX=0), and INS does two stores per element (a dummy
	 * store that makes it restartable on a page fault, then the real one),
	 * so count executions, not memory accesses.  n_insns was already bumped
	 * by this execution's inline op and so identifies it uniquely.
	 */
	if ((kind == K_STR_IN || kind == K_STR_OUT) && n_insns != last_str_exec) {
		last_str_exec = n_insns;
		if (kind == K_STR_IN) {
			n_pio_in++;
		} else {
			n_pio_out++;
		}
	}
	hw = qemu_plugin_get_hwaddr(info, vaddr);
	if (hw && qemu_plugin_hwaddr_is_io(hw)) {
		if (qemu_plugin_mem_is_store(info)) {
			n_mmio_w++;
		} else {
			n_mmio_r++;
		}
	}
}

/*
 * Executed before every pass of a REP string instruction.  A pass is a
 * continuation when the previous instruction executed was the same REP
 * instruction (exactly one instruction counted in between); a REP that an
 * interrupt split in two thus counts as two instances, as on hardware.
 */
static void rep_cb(unsigned int vcpu_index, void *udata)
{
	uint64_t vaddr = (uint64_t)(uintptr_t)udata;
	uint64_t now = n_insns;
	bool cont;

	(void)vcpu_index;
	if (stopped) {
		return;
	}
	rep_settle();
	cont = vaddr == last_rep_vaddr && now == last_rep_seen + 1;
	if (cont) {
		n_rep_cont++;
	}
	last_rep_was_cont = cont;
	last_rep_vaddr = vaddr;
	last_rep_seen = now;
}

static bool is_stop(uint64_t vaddr)
{
	for (int i = 0; i < n_stops; i++) {
		if (stops[i] == vaddr) {
			return true;
		}
	}
	return false;
}

/* Decode just enough of an x86 instruction to spot port I/O and REP. */
static enum insn_kind classify(const uint8_t *p, size_t n, bool *rep)
{
	size_t i;

	*rep = false;
	for (i = 0; i < n; i++) {
		uint8_t b = p[i];

		if (b == 0xf3 || b == 0xf2) {
			*rep = true;
			continue;
		}
		if (b == 0x66 || b == 0x67 || b == 0xf0 || b == 0x26 || b == 0x2e || b == 0x36 ||
		    b == 0x3e || b == 0x64 || b == 0x65) {
			continue;
		}
		/*
		 * 40-4F followed by more bytes of the same instruction can only be
		 * a REX prefix (64-bit mode); in 16/32-bit code they are one-byte
		 * INC/DEC instructions and are then the whole instruction.
		 */
		if ((b & 0xf0) == 0x40 && i + 1 < n) {
			continue;
		}
		break;
	}
	if (i >= n) {
		return K_PLAIN;
	}
	switch (p[i]) {
	case 0xe4:
	case 0xe5:
	case 0xec:
	case 0xed:
		return K_PIO_IN;
	case 0xe6:
	case 0xe7:
	case 0xee:
	case 0xef:
		return K_PIO_OUT;
	case 0x6c:
	case 0x6d:
		return K_STR_IN;
	case 0x6e:
	case 0x6f:
		return K_STR_OUT;
	case 0xa4:
	case 0xa5:
	case 0xa6:
	case 0xa7: /* MOVS, CMPS */
	case 0xaa:
	case 0xab:
	case 0xac:
	case 0xad: /* STOS, LODS */
	case 0xae:
	case 0xaf: /* SCAS */
		return K_STR;
	default:
		return K_PLAIN;
	}
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t vaddr = qemu_plugin_insn_vaddr(insn);
		enum insn_kind kind;
		bool rep;

		if (n_stops && is_stop(vaddr)) {
			/* Not counted: the counts end just before this instruction. */
			qemu_plugin_register_vcpu_insn_exec_cb(
			    insn, stop_cb, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)vaddr);
			continue;
		}

		rep = false;
		kind = x86 ? classify(qemu_plugin_insn_data(insn), qemu_plugin_insn_size(insn), &rep)
			   : K_PLAIN;
		rep = rep && (kind == K_STR || kind == K_STR_IN || kind == K_STR_OUT);

		qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
							   &n_insns, 1);

		if (kind == K_PIO_IN) {
			qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
								   &n_pio_in, 1);
		} else if (kind == K_PIO_OUT) {
			qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
								   &n_pio_out, 1);
		}

		if (rep) {
			qemu_plugin_register_vcpu_insn_exec_cb(insn, rep_cb, QEMU_PLUGIN_CB_NO_REGS,
							       (void *)(uintptr_t)vaddr);
		}

		qemu_plugin_register_vcpu_mem_cb(
		    insn, mem_cb, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW,
		    (void *)(uintptr_t)((unsigned int)kind | (rep ? UD_REP : 0)));
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	if (!stopped) {
		stopped = 1;
		print_result("none");
	}
}

static int parse_bool(const char *key, const char *val, bool *ret)
{
	if (!qemu_plugin_bool_parse(key, val, ret)) {
		fprintf(stderr, "fwcount: bad boolean %s=%s\n", key, val);
		return -1;
	}
	return 0;
}

FWCOUNT_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
				       char **argv)
{
	x86 = !strcmp(info->target_name, "x86_64") || !strcmp(info->target_name, "i386");
	for (int i = 0; i < argc; i++) {
		char *arg = argv[i];
		char *eq = strchr(arg, '=');
		const char *val;
		size_t klen;

		if (!eq) {
			fprintf(stderr, "fwcount: argument without '=': %s\n", arg);
			return -1;
		}
		klen = (size_t)(eq - arg);
		val = eq + 1;
		if (klen == 4 && !strncmp(arg, "stop", 4)) {
			char *end;
			unsigned long long v;

			if (n_stops == MAX_STOPS) {
				fprintf(stderr, "fwcount: too many stop addresses\n");
				return -1;
			}
			v = strtoull(val, &end, 0);
			if (*val == '\0' || *end != '\0') {
				fprintf(stderr, "fwcount: bad stop address: %s\n", val);
				return -1;
			}
			stops[n_stops++] = v;
		} else if (klen == 3 && !strncmp(arg, "out", 3)) {
			out_path = val;
		} else if (klen == 4 && !strncmp(arg, "exit", 4)) {
			if (parse_bool("exit", val, &exit_at_stop)) {
				return -1;
			}
		} else if (klen == 6 && !strncmp(arg, "detail", 6)) {
			if (parse_bool("detail", val, &detail)) {
				return -1;
			}
		} else {
			fprintf(stderr, "fwcount: unknown argument: %s\n", arg);
			return -1;
		}
	}

	if (!info->system_emulation) {
		fprintf(stderr, "fwcount: needs system emulation\n");
		return -1;
	}
	if (info->system.smp_vcpus > 1) {
		fprintf(stderr,
			"fwcount: warning: %d vCPUs; counts are summed over "
			"all vCPUs (use -smp 1 for a pure vCPU 0 count)\n",
			info->system.smp_vcpus);
	}

	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
