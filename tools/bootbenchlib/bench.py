"""Running configurations: the wall-clock series and the deterministic counts."""

import gzip
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field

import leapbootpaths

from . import command, configs, count, kernels, phases, run, stats, tpm

# tools/fwcount in a checkout (built there on first use), PREFIX/lib/leapboot/fwcount installed.
PLUGIN_DIR = os.path.join(leapbootpaths.TOOLS, "fwcount")
PLUGIN = os.path.join(PLUGIN_DIR, "fwcount.so")
ROUND_SEED = 7  # the rounds' orders (wall)


class SetupError(Exception):
    pass


@dataclass
class Result:
    cfg: configs.Config
    status: str = "ok"  # ok | failed | missing
    why: str = ""
    log: str = ""
    command: list = field(default_factory=list)
    runs: list = field(default_factory=list)  # phases.Timing of each measured run
    counts: dict = None
    counts_again: dict = None
    stop: str = ""
    profile: list = None
    varies: str = ""  # count mode: why two runs of a working configuration differ

    def summary(self):
        per = {}
        for t in self.runs:
            for k, v in t.phase_ms().items():
                per.setdefault(k, []).append(v)
        return {k: stats.summary(v) for k, v in per.items()}

    def approx(self):
        return sorted({e for t in self.runs for e in t.approx})


def tool(name, *args):
    """stdout of tools/NAME ARGS, stripped; SetupError with its message on failure."""
    path = os.path.join(leapbootpaths.TOOLS, name)
    p = subprocess.run([path, *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise SetupError("tools/%s %s failed: %s" % (name, " ".join(args), p.stderr.strip()[-400:]))
    return p.stdout.strip()


def cache_dir():
    return os.environ.get("LEAPBOOT_CACHE", os.path.expanduser("~/.cache/leapboot"))


def uncompressed(path, say):
    """A decompressed copy of the gzip file path, cached (amd64/NAME without .gz)
    and made again when path is newer: QEMU takes a multiboot -kernel as it is."""
    name = os.path.basename(path)
    out = os.path.join(cache_dir(), "amd64", name[:-3] if name.endswith(".gz") else name + ".raw")
    if os.path.isfile(out) and os.path.getmtime(out) >= os.path.getmtime(path):
        return out
    say("bootbench: decompressing %s into %s" % (path, out))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    try:
        with gzip.open(path, "rb") as f, open(out + ".tmp", "wb") as o:
            shutil.copyfileobj(f, o)
    except (OSError, EOFError) as e:
        raise SetupError("%s: cannot decompress: %s" % (path, e))
    os.replace(out + ".tmp", out)
    return out


def default_dom0(say):
    """Debian's generic kernel: the cloud kernel has no CONFIG_XEN_DOM0 and, as
    dom0, writes its console where Xen does not look."""
    say("bootbench: Debian's generic amd64 kernel as dom0 (tools/fetch-kernels --flavour generic)")
    return os.path.realpath(tool("fetch-kernels", "--flavour", "generic"))


def default_kernel(kind, say):
    """Debian's kernels, fetched and cached by tools/fetch-kernels; the PVH
    vmlinux extracted from the bzImage once and cached beside it; Debian's Xen
    (installed) decompressed into the cache."""
    if kind == "multiboot":
        if not os.path.isfile(configs.XEN_GZ):
            how = configs.HOW.get(configs.XEN_GZ, "apt-get install xen-hypervisor-4.17-amd64")
            raise SetupError("%s not found (%s)" % (configs.XEN_GZ, how))
        return uncompressed(configs.XEN_GZ, say)
    if kind == "arm64":
        say("bootbench: Debian's arm64 kernel (tools/fetch-kernels --arch arm64)")
        return tool("fetch-kernels", "--arch", "arm64")
    say("bootbench: Debian's amd64 kernel (tools/fetch-kernels)")
    bz = tool("fetch-kernels")
    if kind == "bzimage":
        return bz
    real = os.path.realpath(bz)
    vmlinux = os.path.join(os.path.dirname(real), "vmlinux-" + os.path.basename(real).replace("vmlinuz-", ""))
    if not os.path.isfile(vmlinux) or os.path.getmtime(vmlinux) < os.path.getmtime(real):
        say("bootbench: extracting the PVH vmlinux (tools/extract-vmlinux)")
        tool("extract-vmlinux", "-o", vmlinux + ".tmp", real)
        os.replace(vmlinux + ".tmp", vmlinux)
    return vmlinux


def prepare(cfgs, kernel=None, initrd=None, say=print, dom0=None):
    """{kind: Kernel}, {arch: initrd} and the dom0 kernel (None without a
    multiboot configuration) for the configurations; with kernel given, every
    configuration boots that file (and takes its kind)."""
    kinds = {}
    if kernel:
        try:
            k = kernels.inspect(kernel)
            if k.kind == "multiboot" and k.gzipped:
                k = kernels.inspect(uncompressed(os.path.abspath(kernel), say))
        except kernels.KernelError as e:
            raise SetupError(str(e))
        for c in cfgs:
            if c.arch != k.arch:
                raise SetupError("%s is an %s kernel; %s is an %s configuration"
                                 % (kernel, k.arch, c.name, c.arch))
            if c.kind != k.kind:
                say("bootbench: %s boots %s as a %s kernel" % (c.name, kernel, k.kind))
                c.kind = k.kind
        kinds[k.kind] = k
    else:
        for kind in sorted({c.kind for c in cfgs}):
            try:
                kinds[kind] = kernels.inspect(default_kernel(kind, say))
            except kernels.KernelError as e:
                raise SetupError(str(e))
    multiboot = [c for c in cfgs if c.kind == "multiboot"]
    for c in multiboot:
        if c.form not in ("bios", "chain"):
            raise SetupError("%s: a multiboot kernel boots through -bios or leapboot.elf, not under UEFI" % c.name)
    if dom0 and not os.path.isfile(dom0):
        raise SetupError("dom0 kernel %s: no such file" % dom0)
    dom0 = (os.path.abspath(dom0) if dom0 else default_dom0(say)) if multiboot else None
    initrds = {}
    for arch in sorted({c.arch for c in cfgs}):
        if initrd == "none":
            initrds[arch] = None
        elif initrd:
            if not os.path.isfile(initrd):
                raise SetupError("initrd %s: no such file" % initrd)
            initrds[arch] = os.path.abspath(initrd)
        else:
            initrds[arch] = tool("mkinitrd", "--arch", "arm64" if arch == "aarch64" else "amd64")
    return kinds, initrds, dom0


def build_plugin():
    """fwcount.so: made in a checkout; installed, it is there or not (never compiled)."""
    if not configs.ROOT:
        if not os.path.isfile(PLUGIN):
            raise SetupError("%s not found: the fwcount plugin is not installed" % PLUGIN)
        return
    p = subprocess.run(["make", "-s", "-C", PLUGIN_DIR, "fwcount.so"], capture_output=True, text=True)
    if p.returncode != 0 or not os.path.isfile(PLUGIN):
        raise SetupError("building the fwcount plugin failed:\n" + p.stderr[-1000:])


def _plugin_arg(kernel, out, counting, profile=None):
    qesc = lambda s: s.replace(",", ",,")
    arg = [qesc(PLUGIN)] + [e.plugin_arg() for e in kernel.entries]
    arg += ["out=" + qesc(out), "times=on"]
    if counting:
        arg += ["count=on", "exit=on"]
        if profile:
            arg.append("profile=" + qesc(profile))
    else:
        arg += ["count=off", "exit=off"]
    return ",".join(arg)


def one_run(cfg, inputs, rundir, timeout, counting=False, profile=False, until=run.USERSPACE):
    """Run cfg once in rundir; (Output, argv). A configuration with a TPM gets a
    fresh swtpm, started before QEMU and stopped after it, whatever happened."""
    os.makedirs(rundir, exist_ok=True)
    swtpm = tpm.Swtpm(rundir, cfg.tpm_banks) if cfg.tpm else None
    try:
        if swtpm:
            swtpm.start()
        return _one_run(cfg, inputs, rundir, timeout, counting, profile, until, swtpm.sock if swtpm else None)
    except tpm.TpmError as e:
        return run.Output(logdir=rundir, error="swtpm: %s" % e), []
    finally:
        if swtpm:
            swtpm.stop()


def _one_run(cfg, inputs, rundir, timeout, counting, profile, until, tpm_sock):
    kernel = inputs.kernels[cfg.kind]
    plugin_out = os.path.join(rundir, "plugin.out")
    prof = os.path.join(rundir, "profile") if profile else None
    tcg = inputs.accel == "tcg" and inputs.plugin
    pipes = {}
    if cfg.arch == "x86_64" and not counting:
        for port in (run.FW_START_PORT, run.LINUX_PORT):
            pipes[port] = os.pipe()
    trace_log = os.path.join(rundir, "trace.log")
    events = []
    if counting:
        events = count.TRACE_EVENTS
    elif not tcg:
        events = ["fw_cfg_select", "fw_cfg_read"]
    elif cfg.leapboot and cfg.arch == "aarch64":
        events = ["fw_cfg_select"]  # leapboot's arm64 markers are fw_cfg selects
    trace = (events, trace_log) if events else None
    try:
        argv = command.build(cfg, inputs, rundir,
                             plugin_arg=_plugin_arg(kernel, plugin_out, counting, prof) if tcg else None,
                             markers=cfg.leapboot and not counting,
                             debugcon={p: w for p, (_, w) in pipes.items()}, trace=trace, tpm_sock=tpm_sock)
    except BaseException:
        for fds in pipes.values():
            for fd in fds:
                os.close(fd)
        raise
    if counting:
        argv += ["-icount", "shift=0,sleep=off"]
    # From here execute() owns the pipes and closes them.
    out = run.execute(argv, rundir, timeout, marker_pipes=pipes, plugin_out=plugin_out if tcg else None,
                      trace_log=trace_log if trace else None, until=None if counting else until)
    if prof:
        out.profile = count.read_profile(prof)
    return out, argv


class Progress:
    """One status line on the terminal (rewritten in place on a tty)."""

    def __init__(self, total, quiet=False):
        self.total, self.done, self.quiet = total, 0, quiet
        self.t0 = time.monotonic()
        self.tty = sys.stderr.isatty()

    def show(self, text):
        if self.quiet:
            return
        el = int(time.monotonic() - self.t0)
        line = "[%d/%d] %s  (elapsed %d:%02d)" % (self.done + 1, self.total, text, el // 60, el % 60)
        if self.tty:
            sys.stderr.write("\r\033[K" + line)
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def note(self, text):
        if self.tty and not self.quiet:
            sys.stderr.write("\r\033[K")
        sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def end(self):
        if self.tty and not self.quiet:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _rundir(workdir, res, run):
    return os.path.join(workdir, res.cfg.name.replace("/", "_"), run)


def _fail(res, why, rundir):
    res.status = "failed"
    res.why = why
    res.log = rundir


def wall(results, inputs, workdir, n, warmup, timeout, keep, quiet=False, until=run.USERSPACE):
    """The wall-clock series: warm-up runs, then n measured runs of every
    configuration, interleaved (so a slow spell of the host hits all alike), in a
    new order each round: a run is measurably affected by the run before it (the
    first after another configuration's is slower, by about 4 ms here; with a
    fixed cyclic order, leapboot's bzImage, always run after the EFI
    application's long runs, came out 126 ms faster to userspace than qboot's,
    and 66 ms slower in a series without them), so no configuration keeps a
    position or a predecessor. The orders come from a fixed seed: the same
    every time."""
    todo = [r for r in results if r.status == "ok"]
    prog = Progress((warmup + n) * len(todo), quiet)
    order = random.Random(ROUND_SEED)
    for k in range(warmup + n):
        for res in order.sample(todo, len(todo)):
            if res.status != "ok":
                prog.done += 1
                continue
            label = "warm-up %d/%d" % (k + 1, warmup) if k < warmup else "run %d/%d" % (k - warmup + 1, n)
            prog.show("%s  %s" % (res.cfg.name, label))
            rundir = _rundir(workdir, res, "run%02d" % k)
            out, argv = one_run(res.cfg, inputs, rundir, timeout, until=until)
            res.command = argv
            t = phases.timing(out, res.cfg.kind)
            prog.done += 1
            if not t.ok:
                _fail(res, t.why, rundir)
                prog.note("bootbench: %s failed: %s (logs: %s)" % (res.cfg.name, t.why, rundir))
                continue
            if k >= warmup:
                res.runs.append(t)
                res.stop = t.stop or res.stop
            if not keep:
                shutil.rmtree(rundir, ignore_errors=True)
    prog.end()


def deterministic(results, inputs, workdir, timeout, keep, profile=False, quiet=False):
    """Two counted runs of every configuration; they must agree."""
    todo = [r for r in results if r.status == "ok"]
    prog = Progress(2 * len(todo), quiet)
    for res in todo:
        got = []
        for k in range(2):
            prog.show("%s  counting, run %d/2" % (res.cfg.name, k + 1))
            rundir = _rundir(workdir, res, "count%d" % k)
            out, argv = one_run(res.cfg, inputs, rundir, timeout, counting=True, profile=profile and k == 0)
            res.command = argv
            prog.done += 1
            c = count.counts(out)
            if c is None:
                why = phases.failure(out) if out.timed_out or out.lines or out.error else ""
                _fail(res, why or "the kernel's entry was never reached (QEMU exit status %s)" % out.status,
                      rundir)
                prog.note("bootbench: %s failed: %s (logs: %s)" % (res.cfg.name, res.why, rundir))
                break
            got.append(c)
            res.stop = out.plugin.get("stop", "")
            if k == 0 and profile:
                res.profile = out.profile
            if not keep:
                shutil.rmtree(rundir, ignore_errors=True)
        if len(got) == 2:
            res.counts, res.counts_again = got
            diff = ", ".join("%s %d vs %d" % (f, got[0][f], got[1][f]) for f in got[0] if got[0][f] != got[1][f])
            unordered = host_timed(res.cfg)
            if unordered:
                # Known and said, also when the two runs happen to agree.
                res.varies = ("the two runs differ (%s): %s" % (diff, unordered) if diff else
                              "the two runs agree, but need not: %s" % unordered)
            elif diff:
                _fail(res, "not deterministic: two runs counted differently (%s)" % diff, "")
    prog.end()


def host_timed(cfg):
    """Why the counts of cfg follow host time, which -icount does not order ('' if
    they do not): the instructions and I/O of waiting for a device that QEMU
    completes in another thread."""
    if cfg.tpm:
        return ("the firmware polls the TPM until swtpm has answered (QEMU's emulator backend, "
                "through a socket, in host time, not -icount): the number of polls varies")
    if cfg.form == "esp":
        return ("the firmware reads the ESP through virtio-blk, whose completions follow host time, "
                "not -icount")
    return ""


def symbol_file(cfg):
    """The ELF whose symbols name leapboot's code in a profile, if it is ours (and
    there: an installed tree has leapboot.elf, not the ROM's ELF files)."""
    elf = None
    if cfg.firmware == configs.LEAPBOOT_X86:
        elf = leapbootpaths.firmware("x86_64", "leapboot-rom.elf")
    elif cfg.loader == configs.LEAPBOOT_ELF:
        elf = configs.LEAPBOOT_ELF
    elif cfg.firmware == configs.LEAPBOOT_ARM64:
        elf = leapbootpaths.firmware("aarch64", "leapboot-rom.elf")
    elif cfg.loader == configs.LEAPBOOT_IMAGE:
        elf = leapbootpaths.firmware("aarch64", "leapboot-image.elf")
    return elf if elf and os.path.isfile(elf) else None
