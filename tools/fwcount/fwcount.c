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
 *   code    distinct guest instructions (by address) translated before the
 *           stop: TCG's translation work, which under TCG costs far more
 *           than running a short firmware's code (microseconds each), so it
 *           is what a firmware phase's wall time follows there.  A block
 *           translated again (-icount's I/O recompile) adds nothing.
 *   msr     x86 only: executed RDMSR (0F 32) and WRMSR (0F 30); under KVM
 *           each is a VM exit but for the few MSRs KVM passes through (FS/GS
 *           base, SYSENTER_*).
 *   cpuid   x86 only: executed CPUID (0F A2), always a VM exit under KVM.
 *           Other targets have neither field in the result line.
 *
 * With detail=on the line also carries:
 *   arch_insns     one per dynamic instance of a REP string instruction,
 *                  however many iterations (an architectural count),
 *   rep_iters      REP continuation passes folded away by arch_insns,
 *   tcg_rep_extra  TCG's final no-op ECX=0 passes included in insns;
 *                  insns - tcg_rep_extra is the count a one-instruction-
 *                  per-step method (gdb stepi, -singlestep) sees,
 *   pio_in / pio_out, mmio_r / mmio_w  the split of pio and mmio,
 *   msr_r / msr_w  the split of msr (x86 only).
 *
 * Plugin arguments (-plugin fwcount.so,arg=val,...):
 *   stop=ADDR   stop address (virtual = linear address, 0x... accepted);
 *               may be given several times.
 *   match=ADDR:HEX
 *               stop at ADDR only when the code there begins with the bytes
 *               HEX (hex digits, up to 64 bytes): the instruction's bytes and
 *               those of the instructions after it in its translation block,
 *               compared as far as the block goes.  An empty HEX is stop=ADDR.
 *               Recognises a kernel entry that firmware code might also run.
 *   match=page+OFF:HEX
 *               floating stop: any translation block starting at an address
 *               whose page offset (addr & 0xfff) is OFF and whose code begins
 *               with HEX (at least min(len, 8) bytes must be there to compare).
 *               For kernels placed by the firmware (EFI stub, U-Boot booti).
 *               stop= and match= share a limit of 64.
 *   out=PATH    write the result line to PATH instead of stderr.
 *   exit=on     exit QEMU (status 0) as soon as a stop address is reached;
 *               otherwise the plugin uninstalls itself there, so the rest
 *               of the run is not slowed by its hooks.
 *   detail=on   append the extra fields described above.
 *   count=off   timing only: instrument nothing but the stops (and times=on),
 *               so the guest runs at full TCG speed; the result line then
 *               carries no counts.  Not with detail=on or profile=.
 *   times=on    append t_first=NS (CLOCK_REALTIME when the first guest
 *               instruction executed) and t_stop=NS (when the stop executed).
 *   profile=PATH
 *               write one line per translation block start address that ran
 *               before the stop, sorted by address:
 *                 0xVADDR insns pio mmio code msr cpuid
 *               the counts of the blocks starting there (blocks translated
 *               again are added up), which sum exactly to the result line's
 *               totals (msr and cpuid are 0 on other targets than x86); code
 *               is the instructions first translated in a block starting
 *               there.  An access that QEMU re-executes in a block of
 *               its own (-icount's I/O recompile) is listed under its address.
 *
 * The result (and the profile before it) is written when the first stop
 * executes, or when QEMU exits if no stop was reached; with exit=off the VM
 * goes on and nothing is written again.  The result line is complete once it
 * ends in a newline:
 *   fwcount: stop=0x10200 insns=12345 pio=67 mmio=8 code=2345 msr=2 cpuid=9
 *   fwcount: stop=0x1000200 t_first=1764000000000000000 t_stop=1764000000120000000
 * stop= is the address that executed (for a floating match, where it was
 * found); stop=none means the VM ended without reaching a stop (t_stop is
 * then absent).
 *
 * Counting uses inline operations shared by all vCPUs; it is meant for
 * -smp 1 (the firmware's boot path runs on vCPU 0).  A warning is printed
 * when more vCPUs exist.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qemu-plugin-api.h"

FWCOUNT_EXPORT int qemu_plugin_version = FWCOUNT_PLUGIN_API_VERSION;

#define MAX_STOPS     64
#define MAX_MATCH     64 /* bytes of code a match= compares at most */
#define FLOAT_MIN     8	 /* a floating match compares at least this many bytes */
#define PAGE_OFF_MASK 0xfffu

enum insn_kind {
	K_PLAIN = 0,
	K_PIO_IN,  /* IN  al/ax/eax, imm8|dx        */
	K_PIO_OUT, /* OUT imm8|dx, al/ax/eax        */
	K_STR_IN,  /* INS                           */
	K_STR_OUT, /* OUTS                          */
	K_STR,	   /* MOVS CMPS STOS LODS SCAS      */
	K_MSR_R,   /* RDMSR                         */
	K_MSR_W,   /* WRMSR                         */
	K_CPUID,   /* CPUID                         */
};

/*
 * Per-block profile counters.  Their 32-byte alignment leaves the low five
 * bits of a pointer free, so a memory callback's userdata carries the kind,
 * the REP flag and the block's counters (NULL without profile=) in one word.
 */
struct prof {
	uint64_t vaddr;
	uint64_t insns;
	uint64_t pio;
	uint64_t mmio;
	uint64_t code; /* instructions first translated in a block starting here */
	uint64_t msr;
	uint64_t cpuid;
} __attribute__((aligned(32)));

#define UD_KIND 0xfu
#define UD_REP	0x10u
#define UD_TAGS (UD_KIND | UD_REP)
_Static_assert(K_CPUID <= UD_KIND, "insn kinds fit the userdata tag");
_Static_assert(_Alignof(struct prof) > UD_TAGS, "tags fit below struct prof alignment");

/* A stop: an address, optionally with the code bytes expected there. */
struct stop {
	uint64_t addr; /* linear address, or the page offset when floating */
	bool floating;
	size_t len;
	uint8_t code[MAX_MATCH];
};

/* Counters bumped by inline ops or callbacks. */
static uint64_t n_insns;
/* The guest is x86 (port I/O and REP decoding apply); other targets count only
 * instructions and MMIO. */
static bool x86;
static uint64_t n_pio_in;
static uint64_t n_pio_out;
static uint64_t n_mmio_r;
static uint64_t n_mmio_w;
static uint64_t n_msr_r;
static uint64_t n_msr_w;
static uint64_t n_cpuid;
static uint64_t n_rep_cont;
static uint64_t n_rep_extra;

/* Execution (value of n_insns) of the last INS/OUTS that touched memory. */
static uint64_t last_str_exec = UINT64_MAX;

/* REP bookkeeping: the previous REP execution and what it did. */
static uint64_t last_rep_vaddr = UINT64_MAX;
static uint64_t last_rep_seen;
static bool last_rep_was_cont;
static bool last_rep_touched_mem;

static struct stop stops[MAX_STOPS];
static int n_stops;
static const char *out_path;
static const char *profile_path;
static bool exit_at_stop;
static qemu_plugin_id_t self;
static bool detail;
static bool count = true;
static bool times;
static uint64_t t_first; /* 0 until the first block executed */
static uint64_t t_stop;
static volatile int stopped; /* set once a stop address executed */

/* Profile entries by block start address: open addressing, power-of-two size. */
static struct prof **prof_tab;
static size_t prof_cap;
static size_t prof_n;

/* Instruction addresses translated before the stop: open addressing, power-of-two
 * size, 0 marks a free slot (address 0 is kept aside in code_at_zero). */
static uint64_t *code_tab;
static size_t code_cap;
static uint64_t n_code;
static bool code_at_zero;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void out_of_memory(void)
{
	fprintf(stderr, "fwcount: out of memory\n");
	exit(1);
}

/* Where an address starts its probe in a power-of-two table (both tables below). */
static size_t addr_slot(uint64_t vaddr, size_t cap)
{
	return (size_t)((vaddr * 0x9e3779b97f4a7c15u) >> 32) & (cap - 1);
}

static void prof_grow(void)
{
	size_t cap = prof_cap ? 2 * prof_cap : 1024;
	struct prof **tab = calloc(cap, sizeof(*tab));

	if (!tab) {
		out_of_memory();
	}
	for (size_t i = 0; i < prof_cap; i++) {
		if (prof_tab[i]) {
			size_t j = addr_slot(prof_tab[i]->vaddr, cap);

			while (tab[j]) {
				j = (j + 1) & (cap - 1);
			}
			tab[j] = prof_tab[i];
		}
	}
	free(prof_tab);
	prof_tab = tab;
	prof_cap = cap;
}

/* The counters of blocks starting at vaddr, shared by all their translations. */
static struct prof *prof_get(uint64_t vaddr)
{
	struct prof *p;
	size_t i;

	if (2 * (prof_n + 1) > prof_cap) {
		prof_grow();
	}
	for (i = addr_slot(vaddr, prof_cap); prof_tab[i]; i = (i + 1) & (prof_cap - 1)) {
		if (prof_tab[i]->vaddr == vaddr) {
			return prof_tab[i];
		}
	}
	p = aligned_alloc(_Alignof(struct prof), sizeof(*p));
	if (!p) {
		out_of_memory();
	}
	memset(p, 0, sizeof(*p));
	p->vaddr = vaddr;
	prof_tab[i] = p;
	prof_n++;
	return p;
}

static int prof_cmp(const void *a, const void *b)
{
	uint64_t x = (*(struct prof *const *)a)->vaddr;
	uint64_t y = (*(struct prof *const *)b)->vaddr;

	return (x > y) - (x < y);
}

/*
 * Only called once 'stopped' is set: no block is translated any more, so the
 * table can be compacted and sorted in place.
 */
static void write_profile(void)
{
	size_t k = 0;
	FILE *f;

	for (size_t i = 0; i < prof_cap; i++) {
		struct prof *p = prof_tab[i];

		if (p && (p->insns || p->pio || p->mmio || p->code || p->msr || p->cpuid)) {
			prof_tab[k++] = p;
		}
	}
	if (k) {
		qsort(prof_tab, k, sizeof(*prof_tab), prof_cmp);
	}
	f = fopen(profile_path, "w");
	if (!f) {
		fprintf(stderr, "fwcount: cannot write %s\n", profile_path);
		return;
	}
	for (size_t i = 0; i < k; i++) {
		const struct prof *p = prof_tab[i];

		fprintf(f,
			"0x%" PRIx64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
			" %" PRIu64 "\n",
			p->vaddr, p->insns, p->pio, p->mmio, p->code, p->msr, p->cpuid);
	}
	if (fclose(f)) {
		fprintf(stderr, "fwcount: cannot write %s\n", profile_path);
	}
}

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

/* Append to the result line; a line that does not fit is cut short. */
static void __attribute__((format(printf, 3, 4))) add(char *line, size_t size, const char *fmt, ...)
{
	size_t len = strlen(line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + len, size - len, fmt, ap);
	va_end(ap);
}

static void print_result(const char *stop_str)
{
	char line[512] = "";

	rep_settle();
	add(line, sizeof(line), "fwcount: stop=%s", stop_str);
	if (count) {
		add(line, sizeof(line),
		    " insns=%" PRIu64 " pio=%" PRIu64 " mmio=%" PRIu64 " code=%" PRIu64, n_insns,
		    n_pio_in + n_pio_out, n_mmio_r + n_mmio_w, n_code);
	}
	/* After the older fields, so that parsers of those keep working. */
	if (count && x86) {
		add(line, sizeof(line), " msr=%" PRIu64 " cpuid=%" PRIu64, n_msr_r + n_msr_w,
		    n_cpuid);
	}
	if (detail) {
		add(line, sizeof(line),
		    " arch_insns=%" PRIu64 " rep_iters=%" PRIu64 " tcg_rep_extra=%" PRIu64
		    " pio_in=%" PRIu64 " pio_out=%" PRIu64 " mmio_r=%" PRIu64 " mmio_w=%" PRIu64,
		    n_insns - n_rep_cont, n_rep_cont, n_rep_extra, n_pio_in, n_pio_out, n_mmio_r,
		    n_mmio_w);
	}
	if (detail && x86) {
		add(line, sizeof(line), " msr_r=%" PRIu64 " msr_w=%" PRIu64, n_msr_r, n_msr_w);
	}
	if (times && t_first) {
		add(line, sizeof(line), " t_first=%" PRIu64, t_first);
	}
	if (times && t_stop) {
		add(line, sizeof(line), " t_stop=%" PRIu64, t_stop);
	}

	if (out_path) {
		/* Written by one write() at fclose; a reader waits for the newline. */
		FILE *f = fopen(out_path, "w");

		if (f) {
			fprintf(f, "%s\n", line);
			if (!fclose(f)) {
				return;
			}
		}
		fprintf(stderr, "fwcount: cannot write %s\n", out_path);
	}
	fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

/* The profile first, so that it is complete when the result line appears. */
static void finish(const char *stop_str)
{
	if (profile_path) {
		write_profile();
	}
	print_result(stop_str);
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
	if (__atomic_exchange_n(&stopped, 1, __ATOMIC_SEQ_CST)) {
		return;
	}
	if (times) {
		t_stop = now_ns();
	}
	snprintf(buf, sizeof(buf), "0x%" PRIx64, (uint64_t)(uintptr_t)udata);
	finish(buf);
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
	/*
	 * The VM goes on (a timing run to userspace): leave it, so that the
	 * kernel's own code is translated without plugin hooks and its boot
	 * takes the time it takes without fwcount.
	 */
	qemu_plugin_uninstall(self, NULL);
}

/* Registered on blocks until one has run: afterwards a load and a branch. */
static void first_cb(unsigned int vcpu_index, void *udata)
{
	(void)vcpu_index;
	(void)udata;
	if (!t_first) {
		t_first = now_ns();
	}
}

/* Memory access callback: MMIO detection, string port I/O, REP passes. */
static void mem_cb(unsigned int vcpu_index, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
	uintptr_t ud = (uintptr_t)udata;
	enum insn_kind kind = (enum insn_kind)(ud & UD_KIND);
	struct prof *prof = (struct prof *)(ud & ~(uintptr_t)UD_TAGS);
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
		if (prof) {
			prof->pio++;
		}
	}
	hw = qemu_plugin_get_hwaddr(info, vaddr);
	if (hw && qemu_plugin_hwaddr_is_io(hw)) {
		if (qemu_plugin_mem_is_store(info)) {
			n_mmio_w++;
		} else {
			n_mmio_r++;
		}
		if (prof) {
			prof->mmio++;
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

/*
 * Whether the code from instruction idx to the end of the block begins with
 * s->code, as far as the block goes, and at least need bytes were compared.
 */
static bool code_matches(const struct qemu_plugin_tb *tb, size_t idx, size_t n,
			 const struct stop *s, size_t need)
{
	size_t done = 0;

	for (size_t i = idx; i < n && done < s->len; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		size_t k = qemu_plugin_insn_size(insn);

		if (k > s->len - done) {
			k = s->len - done;
		}
		if (memcmp(qemu_plugin_insn_data(insn), s->code + done, k)) {
			return false;
		}
		done += k;
	}
	return done >= need;
}

/* Whether instruction idx of the block (at vaddr) is a stop. */
static bool is_stop(const struct qemu_plugin_tb *tb, size_t idx, size_t n, uint64_t vaddr)
{
	for (int i = 0; i < n_stops; i++) {
		const struct stop *s = &stops[i];

		if (!s->floating) {
			if (vaddr == s->addr && code_matches(tb, idx, n, s, 0)) {
				return true;
			}
		} else if (idx == 0 && (vaddr & PAGE_OFF_MASK) == s->addr &&
			   code_matches(tb, idx, n, s, s->len < FLOAT_MIN ? s->len : FLOAT_MIN)) {
			return true;
		}
	}
	return false;
}

/* Decode just enough of an x86 instruction to spot port I/O, REP, MSR accesses
 * and CPUID. */
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
	case 0x0f: /* two-byte opcodes */
		if (i + 1 == n) {
			return K_PLAIN;
		}
		switch (p[i + 1]) {
		case 0x30:
			return K_MSR_W;
		case 0x32:
			return K_MSR_R;
		case 0xa2:
			return K_CPUID;
		default:
			return K_PLAIN;
		}
	default:
		return K_PLAIN;
	}
}

/* The counter an instruction of this kind bumps each time it executes, or NULL
 * (counted per memory access, or not at all). */
static uint64_t *kind_counter(enum insn_kind kind)
{
	switch (kind) {
	case K_PIO_IN:
		return &n_pio_in;
	case K_PIO_OUT:
		return &n_pio_out;
	case K_MSR_R:
		return &n_msr_r;
	case K_MSR_W:
		return &n_msr_w;
	case K_CPUID:
		return &n_cpuid;
	default:
		return NULL;
	}
}

/* Its block's counter (kind_counter's kinds only). */
static uint64_t *prof_counter(struct prof *prof, enum insn_kind kind)
{
	if (kind == K_CPUID) {
		return &prof->cpuid;
	}
	return kind == K_MSR_R || kind == K_MSR_W ? &prof->msr : &prof->pio;
}

static void code_grow(void)
{
	size_t cap = code_cap ? 2 * code_cap : 4096;
	uint64_t *tab = calloc(cap, sizeof(*tab));

	if (!tab) {
		out_of_memory();
	}
	for (size_t i = 0; i < code_cap; i++) {
		if (code_tab[i]) {
			size_t j = addr_slot(code_tab[i], cap);
			while (tab[j]) {
				j = (j + 1) & (cap - 1);
			}
			tab[j] = code_tab[i];
		}
	}
	free(code_tab);
	code_tab = tab;
	code_cap = cap;
}

/* Counts vaddr once, however often its block is translated; true the first
 * time. */
static bool code_add(uint64_t vaddr)
{
	if (!vaddr) {
		bool first = !code_at_zero;
		n_code += first;
		code_at_zero = true;
		return first;
	}
	if (2 * (n_code + 1) > code_cap) {
		code_grow();
	}
	size_t j = addr_slot(vaddr, code_cap);
	while (code_tab[j]) {
		if (code_tab[j] == vaddr) {
			return false;
		}
		j = (j + 1) & (code_cap - 1);
	}
	code_tab[j] = vaddr;
	n_code++;
	return true;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct prof *prof = NULL;
	bool past_stop = false;

	(void)id;
	/* Nothing is read after the stop: let the rest of the boot run bare. */
	if (stopped) {
		return;
	}
	if (times && !t_first) {
		qemu_plugin_register_vcpu_tb_exec_cb(tb, first_cb, QEMU_PLUGIN_CB_NO_REGS, NULL);
	}
	if (count && profile_path) {
		prof = prof_get(qemu_plugin_tb_vaddr(tb));
	}
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t vaddr = qemu_plugin_insn_vaddr(insn);
		enum insn_kind kind;
		bool rep;

		if (n_stops && is_stop(tb, i, n, vaddr)) {
			/* Not counted: the counts end just before this instruction,
			 * and the rest of its block is the kernel's code. */
			past_stop = true;
			qemu_plugin_register_vcpu_insn_exec_cb(
			    insn, stop_cb, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)vaddr);
			continue;
		}
		if (!count) {
			continue;
		}
		if (!past_stop && code_add(vaddr) && prof) {
			prof->code++;
		}

		rep = false;
		kind =
		    x86 ? classify(qemu_plugin_insn_data(insn), qemu_plugin_insn_size(insn), &rep)
			: K_PLAIN;
		rep = rep && (kind == K_STR || kind == K_STR_IN || kind == K_STR_OUT);

		qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
							   &n_insns, 1);
		if (prof) {
			qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
								   &prof->insns, 1);
		}

		if (kind_counter(kind)) {
			qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
								   kind_counter(kind), 1);
			if (prof) {
				qemu_plugin_register_vcpu_insn_exec_inline(
				    insn, QEMU_PLUGIN_INLINE_ADD_U64, prof_counter(prof, kind), 1);
			}
		}

		if (rep) {
			qemu_plugin_register_vcpu_insn_exec_cb(insn, rep_cb, QEMU_PLUGIN_CB_NO_REGS,
							       (void *)(uintptr_t)vaddr);
		}

		qemu_plugin_register_vcpu_mem_cb(
		    insn, mem_cb, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW,
		    (void *)((uintptr_t)prof | (uintptr_t)kind | (rep ? UD_REP : 0)));
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	if (!__atomic_exchange_n(&stopped, 1, __ATOMIC_SEQ_CST)) {
		finish("none");
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

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* The value of stop=ADDR or, with_code, of match=ADDR:HEX or match=page+OFF:HEX. */
static int add_stop(const char *arg, bool with_code)
{
	const char *val = arg;
	struct stop *s;
	const char *hex;
	size_t digits;
	char *end;

	if (n_stops == MAX_STOPS) {
		fprintf(stderr, "fwcount: more than %d stop= and match=\n", MAX_STOPS);
		return -1;
	}
	s = &stops[n_stops];
	memset(s, 0, sizeof(*s));
	if (with_code && !strncmp(val, "page+", 5)) {
		s->floating = true;
		val += 5;
	}
	s->addr = strtoull(val, &end, 0);
	if (end == val || (s->floating && s->addr > PAGE_OFF_MASK) ||
	    *end != (with_code ? ':' : '\0')) {
		fprintf(stderr, "fwcount: bad %s%s\n",
			with_code ? "match=" : "stop address: ", arg);
		return -1;
	}
	if (with_code) {
		hex = end + 1;
		digits = strlen(hex);
		if (digits % 2 || digits > 2 * MAX_MATCH || (s->floating && !digits)) {
			fprintf(stderr,
				"fwcount: match=%s: want an even number of hex digits, at most "
				"%d bytes (at least 1 for page+)\n",
				arg, MAX_MATCH);
			return -1;
		}
		for (size_t i = 0; i < digits; i += 2) {
			int hi = hex_digit(hex[i]);
			int lo = hex_digit(hex[i + 1]);

			if (hi < 0 || lo < 0) {
				fprintf(stderr, "fwcount: match=%s: bad hex digit\n", arg);
				return -1;
			}
			s->code[i / 2] = (uint8_t)(hi << 4 | lo);
		}
		s->len = digits / 2;
	}
	n_stops++;
	return 0;
}

static bool key_is(const char *arg, size_t klen, const char *key)
{
	return klen == strlen(key) && !strncmp(arg, key, klen);
}

FWCOUNT_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
				       char **argv)
{
	self = id;
	x86 = !strcmp(info->target_name, "x86_64") || !strcmp(info->target_name, "i386");
	for (int i = 0; i < argc; i++) {
		char *arg = argv[i];
		char *eq = strchr(arg, '=');
		const char *val;
		size_t klen;
		int err = 0;

		if (!eq) {
			fprintf(stderr, "fwcount: argument without '=': %s\n", arg);
			return -1;
		}
		klen = (size_t)(eq - arg);
		val = eq + 1;
		if (key_is(arg, klen, "stop")) {
			err = add_stop(val, false);
		} else if (key_is(arg, klen, "match")) {
			err = add_stop(val, true);
		} else if (key_is(arg, klen, "out")) {
			out_path = val;
		} else if (key_is(arg, klen, "profile")) {
			profile_path = val;
		} else if (key_is(arg, klen, "exit")) {
			err = parse_bool("exit", val, &exit_at_stop);
		} else if (key_is(arg, klen, "detail")) {
			err = parse_bool("detail", val, &detail);
		} else if (key_is(arg, klen, "count")) {
			err = parse_bool("count", val, &count);
		} else if (key_is(arg, klen, "times")) {
			err = parse_bool("times", val, &times);
		} else {
			fprintf(stderr, "fwcount: unknown argument: %s\n", arg);
			return -1;
		}
		if (err) {
			return -1;
		}
	}
	if (!count && (detail || profile_path)) {
		fprintf(stderr, "fwcount: detail=on and profile= need count=on\n");
		return -1;
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
