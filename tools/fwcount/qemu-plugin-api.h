/*
 * qemu-plugin-api.h - minimal declarations of the QEMU TCG plugin API
 * (plugin API version 1) used by fwcount.c.
 *
 * Debian does not ship QEMU's own plugin header, so this file declares,
 * by hand and from the public plugin API documentation, only the handful
 * of types, constants and functions that fwcount needs.  The functions
 * are resolved at load time against the symbols exported by the
 * qemu-system-* binary (check with: nm -D --defined-only $(which
 * qemu-system-x86_64) | grep qemu_plugin_).
 */
#ifndef FWCOUNT_QEMU_PLUGIN_API_H
#define FWCOUNT_QEMU_PLUGIN_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Plugin API level we are written against, exported as qemu_plugin_version.
 * Debian's QEMU 7.2 reports version.min = 0, version.cur = 1 and refuses to
 * load a plugin that asks for 2 ("plugin requires API version 2, but this
 * QEMU supports only up to version 1"). */
#define FWCOUNT_PLUGIN_API_VERSION 1

/* Symbols QEMU looks up with dlsym() must stay visible even when the
 * rest of the plugin is built with hidden visibility. */
#define FWCOUNT_EXPORT __attribute__((visibility("default")))

/* Opaque identifier of a loaded plugin instance. */
typedef uint64_t qemu_plugin_id_t;

/* Information handed to qemu_plugin_install(). */
typedef struct {
	const char *target_name; /* e.g. "x86_64" */
	struct {
		int min; /* oldest plugin API QEMU accepts */
		int cur; /* newest plugin API QEMU provides */
	} version;
	bool system_emulation; /* true for qemu-system-* */
	union {
		struct {
			int smp_vcpus; /* -smp cpus= */
			int max_vcpus; /* -smp maxcpus= */
		} system;
	};
} qemu_info_t;

/* Opaque handles; only valid inside the callback that received them. */
struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_plugin_hwaddr;

/* Opaque description of one memory access, passed to memory callbacks. */
typedef uint32_t qemu_plugin_meminfo_t;

/* Whether a callback needs CPU register access (ours never do). */
enum qemu_plugin_cb_flags {
	QEMU_PLUGIN_CB_NO_REGS = 0,
	QEMU_PLUGIN_CB_R_REGS = 1,
	QEMU_PLUGIN_CB_RW_REGS = 2,
};

/* Which memory accesses a memory callback wants to see. */
enum qemu_plugin_mem_rw {
	QEMU_PLUGIN_MEM_R = 1,
	QEMU_PLUGIN_MEM_W = 2,
	QEMU_PLUGIN_MEM_RW = 3,
};

/* Inline operations executed directly by generated code. */
enum qemu_plugin_op {
	QEMU_PLUGIN_INLINE_ADD_U64 = 0, /* *(uint64_t *)ptr += imm */
};

/* Callback signatures. */
typedef void (*qemu_plugin_simple_cb_t)(qemu_plugin_id_t id);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_mem_cb_t)(unsigned int vcpu_index, qemu_plugin_meminfo_t info,
					  uint64_t vaddr, void *userdata);

/* Entry point the plugin must export; return 0 on success. */
FWCOUNT_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
				       char **argv);

/* Registration of global callbacks. */
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
/* Removes the plugin (after the current callback; QEMU flushes its code cache). */
void qemu_plugin_uninstall(qemu_plugin_id_t id, qemu_plugin_simple_cb_t cb);

/* Queries on a translation block / instruction (translation time only). */
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);

/* Per-block and per-instruction instrumentation. */
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
					  enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
						enum qemu_plugin_op op, void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_mem_cb_t cb,
				      enum qemu_plugin_cb_flags flags, enum qemu_plugin_mem_rw rw,
				      void *userdata);

/* Queries on a memory access (inside a memory callback only). */
struct qemu_plugin_hwaddr *qemu_plugin_get_hwaddr(qemu_plugin_meminfo_t info, uint64_t vaddr);
bool qemu_plugin_mem_is_store(qemu_plugin_meminfo_t info);
bool qemu_plugin_hwaddr_is_io(const struct qemu_plugin_hwaddr *haddr);
uint64_t qemu_plugin_hwaddr_phys_addr(const struct qemu_plugin_hwaddr *haddr);

/* Misc. */
int qemu_plugin_n_vcpus(void);
bool qemu_plugin_bool_parse(const char *name, const char *val, bool *ret);

#endif /* FWCOUNT_QEMU_PLUGIN_API_H */
