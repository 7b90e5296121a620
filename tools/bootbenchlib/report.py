"""Results as a terminal table, CSV, JSON and Markdown."""

import csv
import json
import os
import platform
import subprocess
import statistics
import time

from . import count, phases, stats

PHASE_COLS = [p[0] for p in phases.PHASES]
PHASE_TITLE = {p[0]: p[3] for p in phases.PHASES + phases.TOTALS}
PHASE_TITLE.update(fw_init="leapboot: start to fw_do_boot", fw_load="leapboot: fw_do_boot to kernel")
PHASE_TITLE.update({p[0]: p[3] for p in phases.DOM0_PHASES})
DOM0_COLS = [p[0] for p in phases.DOM0_PHASES]


def host_info(accel):
    def first(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
        except (OSError, IndexError):
            return "unknown"

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "host_cpu": cpu,
        "host_cores": os.cpu_count(),
        "host_kernel": platform.release(),
        "qemu": first(["qemu-system-x86_64", "--version"]),
        "accel": accel,
    }


def to_dict(results, meta):
    """Everything, for --json and --from-json."""
    out = {"meta": meta, "configs": []}
    for r in results:
        d = {
            "name": r.cfg.name, "title": r.cfg.title, "arch": r.cfg.arch, "machine": r.cfg.machine,
            "kind": r.cfg.kind, "status": r.status, "why": r.why, "log": r.log,
            "command": r.command, "stop": r.stop,
        }
        if r.runs:
            d["summary"] = r.summary()
            d["approximate"] = r.approx()
            d["runs"] = [{"ms": t.phase_ms(), "source": t.source} for t in r.runs]
        if r.cfg.tpm:
            d["tpm"] = r.cfg.tpm
            d["tpm_banks"] = list(r.cfg.tpm_banks)
        if r.counts is not None:
            d["counts"] = r.counts
            d["counts_again"] = r.counts_again
            d["varies"] = r.varies
        if r.profile:
            d["profile"] = r.profile
        out["configs"].append(d)
    return out


def write_json(path, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")


def write_csv(path, data):
    """Wall mode: one row per measured run. Count mode: one row per configuration."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        if data["meta"].get("mode") == "count":
            w.writerow(["config", "status", "stop"] + count.COUNT_FIELDS + ["why"])
            for c in data["configs"]:
                cs = c.get("counts") or {}
                w.writerow([c["name"], c["status"], c.get("stop", "")] +
                           [cs.get(k, "") for k in count.COUNT_FIELDS] + [c["why"]])
            return
        cols = PHASE_COLS + [t[0] for t in phases.TOTALS]
        # Under Xen (multiboot): dom0's split and spans, where a run has them.
        if any(k in r["ms"] for c in data["configs"] for r in c.get("runs", []) for k in DOM0_COLS):
            cols += DOM0_COLS
        w.writerow(["config", "run", "status"] + [c + "_ms" for c in cols] + ["why"])
        for c in data["configs"]:
            if not c.get("runs"):
                w.writerow([c["name"], "", c["status"]] + [""] * len(cols) + [c["why"]])
            for i, r in enumerate(c.get("runs", []), 1):
                w.writerow([c["name"], i, "ok"] + ["%.3f" % r["ms"][k] if k in r["ms"] else "" for k in cols] + [""])


def _ms(v):
    return "-" if v is None else ("%.0f" % v if v >= 100 else "%.1f" % v)


def _base(data, baseline, key):
    for c in data["configs"]:
        if c["name"] == baseline:
            if key in ("insns", "pio", "mmio", "io"):
                cs = c.get("counts")
                return None if not cs else (cs["pio"] + cs["mmio"] if key == "io" else cs[key])
            s = (c.get("summary") or {}).get(key)
            return s["median"] if s else None
    return None


def _has_firmware(ms):
    """Whether a baseline's firmware phase (median, ms) is one to compare with: QEMU's
    direct boot has none (its stub's few instructions)."""
    return ms is not None and ms >= 0.5


def _x(r):
    if r is None:
        return ""
    return "%.2fx" % r if r >= 0.1 or r == 0 else "%.2gx" % r


def wall_table(data, baseline=None):
    return _format(*wall_rows(data, baseline))


def count_table(data, baseline=None):
    return _format(*count_rows(data, baseline))


def _not_measured(c):
    """A table row, free text, for a configuration without results."""
    why = "%s: %s" % (c["status"].upper(), c["why"]) if c["status"] != "ok" else "not run"
    return [c["name"], why] + (["logs: " + c["log"]] if c["log"] else [])


def wall_rows(data, baseline=None):
    """Median per phase, then the spans to the kernel and to userspace with their spread."""
    head = ["configuration", "QEMU", "firmware", "kernel→1st line", "1st line→user", "exit",
            "to kernel (min–max)", "to userspace ±sd (min–max)"]
    if baseline:
        head.append("vs " + baseline)
    rows = []
    for c in data["configs"]:
        if c["status"] != "ok" or not c.get("summary"):
            rows.append(_not_measured(c))
            continue
        s = c["summary"]
        g = lambda k, f="median": (s.get(k) or {}).get(f)
        approx = "≈" if c.get("approximate") else ""
        row = [c["name"] + approx] + [_ms(g(k)) for k in PHASE_COLS]
        row.append("%s (%s–%s)" % (_ms(g("to_kernel")), _ms(g("to_kernel", "min")), _ms(g("to_kernel", "max"))))
        row.append("%s ±%s (%s–%s)" % (_ms(g("to_userspace")), _ms(g("to_userspace", "stddev")),
                                        _ms(g("to_userspace", "min")), _ms(g("to_userspace", "max"))))
        if baseline:
            b = _base(data, baseline, "to_userspace")
            fw = _base(data, baseline, "firmware")
            fw_ratio = _x(stats.ratio(g("firmware"), fw)) if _has_firmware(fw) else "-"
            row.append(_x(stats.ratio(g("to_userspace"), b)) + " / fw " + fw_ratio)
        rows.append(row)
    return head, rows


def xen_rows(data):
    """Multiboot (Xen) configurations: medians of Xen's phases and spans, or None
    where no configuration has them."""
    head = ["configuration", "firmware", "Xen entry→banner", "banner→dom0 1st line",
            "dom0 1st line→user", "to Xen banner", "to dom0 1st line", "to userspace"]
    keys = ["firmware", "kernel_early", "xen_to_dom0", "dom0_boot", "to_banner", "to_dom0", "to_userspace"]
    rows = []
    for c in data["configs"]:
        s = c.get("summary") or {}
        if c["status"] == "ok" and "dom0_boot" in s:
            rows.append([c["name"] + ("≈" if c.get("approximate") else "")] +
                        [_ms((s.get(k) or {}).get("median")) for k in keys])
    return (head, rows) if rows else None


def xen_table(data):
    t = xen_rows(data) if data["meta"].get("mode") != "count" else None
    return _format(*t) if t else ""


XEN_NOTE = ("multiboot (Xen): kernel is Xen's entry, its first line Xen's banner (\"(XEN) Xen version\"); "
            "dom0 1st line: dom0's \"Linux version\"; medians in ms")

SHIFT_KEYS = ["firmware", "to_kernel", "to_userspace"]


def _runs(c, key):
    return [r["ms"][key] for r in c.get("runs", []) if key in r["ms"]]


def _signed(v):
    return ("+" if v > 0 else "−" if v < 0 else "") + _ms(abs(v))


def _counterpart(data, baseline, c):
    """The baseline's firmware booting c's kind of kernel (qboot-pvh for a PVH
    configuration against qboot-bzimage), where it ran; else the baseline."""
    base = next((x for x in data["configs"] if x["name"] == baseline), None)
    if base is None or base.get("kind") == c.get("kind"):
        return base
    # A label may carry a TPM and its machine ("qboot-bzimage+tpm-tis@pc"): the
    # counterpart keeps them.
    stem, at, machine = base["name"].partition("@")
    stem, plus, tpm = stem.partition("+")
    if not stem.endswith("-" + str(base.get("kind"))):
        return base
    name = stem[: -len(base["kind"])] + str(c.get("kind")) + plus + tpm + at + machine
    return next((x for x in data["configs"] if x["name"] == name and x.get("runs")), base)


def shift_rows(data, baseline):
    """Per configuration and phase: how much longer than the baseline (its firmware
    with the same kind of kernel, where that ran), with its 95% interval and
    what it says (stats.shift), so that "shorter" is a finding, not a difference
    of two medians that noise could have made."""
    if data["meta"].get("mode") == "count" or not any(c["name"] == baseline and c.get("runs")
                                                       for c in data["configs"]):
        return None
    head = ["configuration", "against"] + [PHASE_TITLE[k] + " (ms)" for k in SHIFT_KEYS]
    rows = []
    for c in data["configs"]:
        base = _counterpart(data, baseline, c)
        if c is base or not c.get("runs") or not base.get("runs"):
            continue
        row = [c["name"], base["name"]]
        for k in SHIFT_KEYS:
            a, b = _runs(c, k), _runs(base, k)
            sh = stats.shift(a, b)
            if not sh or (k == "firmware" and not _has_firmware(statistics.median(b))):
                row.append("-")
            elif sh["low"] is None:
                row.append("%s (%s)" % (_signed(sh["estimate"]), stats.verdict(sh)))
            else:
                row.append("%s [%s, %s] %s" % (_signed(sh["estimate"]), _signed(sh["low"]),
                                                _signed(sh["high"]), stats.verdict(sh)))
        rows.append(row)
    return head, rows


def shift_table(data, baseline):
    t = shift_rows(data, baseline) if baseline else None
    return _format(*t) if t else ""


def _n(cs, key):
    """A count as the tables show it; "-" where there is none (msr and cpuid off x86)."""
    return "{:,}".format(cs[key]) if key in cs else "-"


def count_rows(data, baseline=None):
    head = ["configuration", "kernel entry", "instructions", "port I/O", "MMIO", "MSR", "CPUID",
            "translated code", "fw_cfg data reads", "fw_cfg DMA bytes≈", "deterministic"]
    if baseline:
        head.append("vs %s (insns / I/O)" % baseline)
    rows = []
    for c in data["configs"]:
        if not c.get("counts"):
            rows.append(_not_measured(c))
            continue
        cs = c["counts"]
        det = "NO (below)" if c["status"] != "ok" else "no (below)" if c.get("varies") else "yes"
        row = [c["name"], c.get("stop", "")] + [_n(cs, k) for k in ("insns", "pio", "mmio", "msr", "cpuid", "code",
                                                                     "fwcfg_reads", "fwcfg_dma_bytes")] + [det]
        if baseline:
            row.append("%s / %s" % (_x(stats.ratio(cs["insns"], _base(data, baseline, "insns"))),
                                    _x(stats.ratio(cs["pio"] + cs["mmio"], _base(data, baseline, "io")))))
        rows.append(row)
    return head, rows


def profile_tables(data):
    lines = []
    for c in data["configs"]:
        if not c.get("profile"):
            continue
        # MSR and CPUID for x86 (results saved before they were counted have neither)
        x86 = "msr" in (c.get("counts") or {})
        lines.append("where %s's instructions and I/O go (reset to kernel entry):" % c["name"])
        lines += _format(["function / page", "instructions", "port I/O", "MMIO"] + (["MSR", "CPUID"] if x86 else [])
                         + ["translated"],
                         [[w, "{:,}".format(i), str(p), str(m)] + ([str(v) for v in exits] if x86 else [])
                          + ["{:,}".format(t)] for w, i, p, m, t, *exits in c["profile"]]).splitlines()
        lines.append("")
    return "\n".join(lines)


def _format(head, rows):
    widths = [len(h) for h in head]
    for r in rows:
        if len(r) < len(head) and len(r) <= 3:
            continue
        for i, v in enumerate(r[: len(head)]):
            widths[i] = max(widths[i], len(str(v)))
    out = ["  ".join(h.ljust(widths[i]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(head))]
    for r in rows:
        if len(r) < len(head) and len(r) <= 3:  # a failed configuration: free text
            out.append("  ".join(str(v) for v in r))
            continue
        out.append("  ".join(str(v).ljust(widths[i]) if i == 0 else str(v).rjust(widths[i])
                             for i, v in enumerate(r)))
    return "\n".join(out)


SHIFT_NOTE = ("against the baseline's firmware with the same kind of kernel: the median of all "
              "run-to-run differences (Hodges-Lehmann) and its 95% interval (Mann-Whitney, no "
              "assumption about the distribution); \"faster\" or \"slower\" only where the "
              "interval excludes no difference")


def describe(data):
    m = data["meta"]
    if m.get("mode") == "count":
        what = "deterministic counts, reset to the kernel's first instruction (TCG, -icount shift=0,sleep=off, 2 runs each)"
    else:
        what = "%d runs each after %d warm-up, %s, medians in ms" % (m["runs"], m["warmup"], m["accel"].upper())
    return "bootbench: %s; -m %s; %s; host %s (%s cores)" % (what, m["memory"], m["qemu"], m["host_cpu"], m["host_cores"])


def notes(data):
    out = []
    for c in data["configs"]:
        if c.get("counts") and c["status"] != "ok":
            out.append("%s: %s" % (c["name"], c["why"]))
        elif c.get("varies"):
            out.append("%s: %s" % (c["name"], c["varies"]))
    if any(c.get("approximate") for c in data["configs"]):
        out.append("≈: no fwcount plugin (KVM, or --no-plugin) and no leapboot markers: firmware start and "
                   "kernel entry are bounded by the firmware's first fw_cfg data read and its last fw_cfg access")
    if data["meta"].get("mode") == "count":
        out.append("translated code: distinct instructions TCG translated before the kernel's entry; "
                   "translating one costs microseconds, far more than running it, so under TCG the "
                   "firmware phase's wall time follows this count more than the instructions executed")
        out.append("fw_cfg DMA bytes≈: sizes of the fw_cfg items selected and not read through the data "
                   "register (QEMU has no trace event for DMA): an upper bound when an item is read in part")
    if any("msr" in (c.get("counts") or {}) for c in data["configs"]):
        out.append("MSR: RDMSR and WRMSR executed, CPUID: CPUID executed (x86); like port I/O and MMIO, each "
                   "is a VM exit under KVM (but for the few MSRs KVM passes through, e.g. FS/GS base)")
    return "\n".join(out)


def markdown(datasets, md_dir):
    """docs/bench.md from one or more result sets (--from-json); each set's chart
    (meta "plot", from --plot) is linked relative to md_dir."""
    lines = ["# leapboot boot-time benchmark", "",
             "Generated by `make bench` (tools/bootbench); run it again rather than editing this file.", ""]
    for data in datasets:
        m = data["meta"]
        lines += ["## " + (m.get("title") or "results"), ""]
        lines += ["- %s; %s" % (m["date"], describe(data).replace("bootbench: ", "", 1)),
                  "- host: %s, %s cores, Linux %s" % (m["host_cpu"], m["host_cores"], m["host_kernel"]),
                  "- kernels: %s; command line `%s`" % (", ".join("`%s`" % k for k in m.get("kernels", [])),
                                                       m.get("append_example", "")),
                  "- command: `%s`" % m["argv"], ""]
        rows = count_rows if m.get("mode") == "count" else wall_rows
        lines += _md_table(*rows(data, m.get("baseline")))
        xen = xen_rows(data) if m.get("mode") != "count" else None
        if xen:
            lines += [""] + _md_table(*xen) + ["", "> " + XEN_NOTE]
        sh = shift_rows(data, m["baseline"]) if m.get("baseline") else None
        if sh:
            lines += [""] + _md_table(*sh) + ["", "> " + SHIFT_NOTE]
        n = notes(data)
        if n:
            lines += [""] + ["> " + x for x in n.splitlines()]
        if m.get("plot"):
            lines += ["", "![%s](%s)" % (m.get("title") or "boot phases", os.path.relpath(m["plot"], md_dir))]
        lines += ["", "<details><summary>QEMU command lines</summary>", ""]
        for c in data["configs"]:
            lines.append("- %s (%s): `%s`" % (c["name"], c["title"], _portable(" ".join(c.get("command") or []), m)))
        lines += ["", "</details>", ""]
    return "\n".join(lines)


def _portable(cmd, meta):
    """A command line as a reader can use it: paths in the repository relative to it,
    the home directory as ~, the run's work directory as $WORKDIR."""
    if meta.get("workdir"):
        cmd = cmd.replace(meta["workdir"], "$WORKDIR")
    cmd = cmd.replace((meta.get("root") or "/nonexistent") + "/", "")
    return cmd.replace(os.path.expanduser("~") + "/", "~/")


def _md_table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    for r in rows:
        r = [str(v).replace("|", "\\|") for v in r]
        out.append("| " + " | ".join(r + [""] * (len(head) - len(r))) + " |")
    return out
