"""Boot phases of one run, from the time stamps run.execute collected.

Events, in boot order; each phase is the time from one event to the next:

  exec        QEMU is started
  fw_start    the firmware's first instruction
  kernel      the kernel's first instruction (the hand-off)
  banner      the kernel prints its first console line ("Linux version ...")
  userspace   the test initrd's /init prints USERSPACE-UP
  exit        QEMU has exited

A multiboot kernel is Xen: kernel is Xen's entry, banner Xen's first line
("(XEN) Xen version ..."), and one more event, dom0, splits the way from the
banner to userspace where Xen's dom0 (Linux) prints its own banner.

Under TCG fw_start and kernel are exact (the fwcount plugin's t_first and
t_stop). Under KVM there is no plugin: leapboot's qemu-boot-time markers give
them where leapboot runs; for other firmware they are bounded from outside by
its fw_cfg accesses (the first data read, the last access before the banner)
and flagged as approximate.
"""

import os
import re
from dataclasses import dataclass, field

from . import run

EVENTS = ["exec", "fw_start", "kernel", "banner", "userspace", "exit"]
PHASES = [
    ("qemu", "exec", "fw_start", "QEMU start-up"),
    ("firmware", "fw_start", "kernel", "firmware"),
    ("kernel_early", "kernel", "banner", "kernel entry to first line"),
    ("kernel_boot", "banner", "userspace", "first line to userspace"),
    ("shutdown", "userspace", "exit", "userspace to QEMU exit"),
]
# Whole spans reported beside the phases.
TOTALS = [
    ("to_kernel", "exec", "kernel", "QEMU start to kernel entry"),
    ("to_userspace", "exec", "userspace", "QEMU start to userspace"),
]
FW_DO_BOOT = "fw_do_boot"  # leapboot's own split of its firmware phase (markers)
DOM0 = "dom0"  # under Xen: dom0's first console line
# Under Xen, beside the phases: the banner-to-userspace phase split at dom0's
# first line, and the spans to Xen's banner and to dom0's first line.
DOM0_PHASES = [
    ("xen_to_dom0", "banner", DOM0, "Xen banner to dom0's first line"),
    ("dom0_boot", DOM0, "userspace", "dom0's first line to userspace"),
    ("to_banner", "exec", "banner", "QEMU start to Xen's banner"),
    ("to_dom0", "exec", DOM0, "QEMU start to dom0's first line"),
]
XEN_BANNER = re.compile(r"^\(XEN\) Xen version \d")
XEN_PANIC = "(XEN) Panic on CPU"


@dataclass
class Timing:
    ok: bool
    why: str = ""  # why it failed
    at: dict = field(default_factory=dict)  # event -> ns
    approx: set = field(default_factory=set)  # events found only approximately
    source: dict = field(default_factory=dict)  # event -> where its time came from
    stop: str = ""  # the kernel entry the plugin matched

    def phase_ms(self):
        """{phase: milliseconds} for phases whose two ends are known."""
        ms = {}
        for name, a, b, _ in PHASES + TOTALS:
            if a in self.at and b in self.at:
                ms[name] = (self.at[b] - self.at[a]) / 1e6
        # A marker is stamped when bootbench reads it from its pipe, the plugin's
        # events inside QEMU: the split is shown only when they agree on the order.
        if FW_DO_BOOT in self.at and self.at.get("fw_start", 1 << 63) <= self.at[FW_DO_BOOT] <= self.at.get("kernel", 0):
            ms["fw_init"] = (self.at[FW_DO_BOOT] - self.at["fw_start"]) / 1e6
            ms["fw_load"] = (self.at["kernel"] - self.at[FW_DO_BOOT]) / 1e6
        if DOM0 in self.at:
            for name, a, b, _ in DOM0_PHASES:
                if a in self.at and b in self.at:
                    ms[name] = (self.at[b] - self.at[a]) / 1e6
        return ms


def qemu_error(out):
    """The first line of QEMU's stderr that reports an error, or ''."""
    try:
        with open(os.path.join(out.logdir, "qemu.stderr"), errors="replace") as f:
            for line in f:
                if "error" in line.lower() and "warning" not in line.lower():
                    return line.strip()
    except OSError:
        pass
    return ""


def failure(out):
    """Why a run did not boot to userspace, or '' if it did."""
    why = _failure(out)
    err = qemu_error(out) if why else ""
    return "%s; QEMU: %s" % (why, err) if err else why


def _failure(out):
    if out.error:
        return out.error
    for _, line in out.lines:
        if line.startswith("leapboot: error:"):
            return line.strip()
    for i, (_, line) in enumerate(out.lines):
        if "Kernel panic" in line:
            return "kernel panic: " + line.strip()
        if line.startswith(XEN_PANIC):
            # Xen says why on the next line: "(XEN) Unable to find usable platform timer"
            why = [x[6:].strip() for _, x in out.lines[i + 1 : i + 3] if x.startswith("(XEN) ") and x[6:].strip()]
            return "Xen panic: " + (why[0] if why else line.strip())
    if out.timed_out:
        return "timed out (killed; no USERSPACE-UP)"
    if not any(run.USERSPACE in line for _, line in out.lines):
        return "no USERSPACE-UP on the console (QEMU exit status %s)" % out.status
    return ""


def timing(out, kind=None):
    """The Timing of a run (Output) of a kernel of kind (multiboot: Xen)."""
    t = Timing(ok=True)
    t.at["exec"] = out.t_exec
    t.source["exec"] = "host"
    if not out.killed_after_until:  # else its exit is bootbench's kill, not a measurement
        t.at["exit"] = out.t_exit
        t.source["exit"] = "host"
    xen = kind == "multiboot"
    for ts, line in out.lines:
        if "banner" not in t.at and (XEN_BANNER if xen else run.BANNER).search(line):
            t.at["banner"] = ts
            t.source["banner"] = "serial"
        elif xen and DOM0 not in t.at and "banner" in t.at and run.BANNER.search(line):
            t.at[DOM0] = ts
            t.source[DOM0] = "serial"
        if "userspace" not in t.at and run.USERSPACE in line:
            t.at["userspace"] = ts
            t.source["userspace"] = "serial"
    _from_plugin(t, out)
    _from_markers(t, out)
    _from_trace(t, out)
    t.why = failure(out)
    missing = [e for e in EVENTS if e not in t.at and not (e == "exit" and out.killed_after_until)]
    if not t.why and missing:
        t.why = "no time for: " + ", ".join(missing)
    t.ok = not t.why
    return t


def _from_plugin(t, out):
    p = out.plugin
    if p.get("t_first", "0").isdigit() and int(p.get("t_first", "0")) > 0:
        t.at["fw_start"] = int(p["t_first"])
        t.source["fw_start"] = "plugin"
    if p.get("stop", "none") != "none" and p.get("t_stop", "").isdigit():
        t.at["kernel"] = int(p["t_stop"])
        t.source["kernel"] = "plugin"
        t.stop = p["stop"]


def _trace_marks(out):
    """leapboot's arm64 markers, fw_cfg selects of key 0x3f00 + value, as (t, port, value)."""
    marks = []
    for ts, ev, args in out.trace:
        if ev == "fw_cfg_select" and " key 0x3f0" in args:
            value = int(args.split(" key ")[1].split()[0], 16) - run.MARKER_KEY_BASE
            port = run.FW_START_PORT if value == run.MARK_FW_START else run.LINUX_PORT
            marks.append((ts, port, value))
    return marks


def _from_markers(t, out):
    for ts, port, value in out.marks + _trace_marks(out):
        if port == run.FW_START_PORT and value == run.MARK_FW_START:
            t.at.setdefault("fw_start", ts)
            t.source.setdefault("fw_start", "marker")
        elif port == run.LINUX_PORT and value == run.MARK_FW_DO_BOOT:
            t.at.setdefault(FW_DO_BOOT, ts)
            t.source.setdefault(FW_DO_BOOT, "marker")
        elif port == run.LINUX_PORT and value in (run.MARK_LINUX_BOOT, run.MARK_PVH_BOOT):
            t.at.setdefault("kernel", ts)
            t.source.setdefault("kernel", "marker")


def _from_trace(t, out):
    """Outside bounds from fw_cfg accesses, for what plugin and markers left open."""
    if not out.trace:
        return
    end = t.at.get("banner", out.t_exit)
    reads = [ts for ts, ev, _ in out.trace if ev == "fw_cfg_read" and ts < end]
    if "fw_start" not in t.at and reads:
        t.at["fw_start"] = reads[0]
        t.source["fw_start"] = "first fw_cfg read"
        t.approx.add("fw_start")
    accesses = [ts for ts, ev, _ in out.trace if ev in ("fw_cfg_read", "fw_cfg_select") and ts < end]
    if "kernel" not in t.at and accesses:
        t.at["kernel"] = accesses[-1]
        t.source["kernel"] = "last fw_cfg access"
        t.approx.add("kernel")
