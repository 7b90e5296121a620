"""tools/bootbench's command line."""

import argparse
import json
import os
import shlex
import shutil
import signal
import sys
import tempfile

import leapbootpaths

from . import bench, command, configs, count, plot, report, run

DESCRIPTION = """\
Boots the same kernel and initrd with leapboot and with the firmware people use
(SeaBIOS, qboot, OVMF, U-Boot, EDK2, QEMU's own direct boot) and reports where
the milliseconds go, phase by phase: QEMU start-up, firmware (reset to the
kernel's first instruction), kernel entry to its first console line, first line
to userspace (the test initrd's USERSPACE-UP), userspace to QEMU's exit.

With no --config: leapboot against SeaBIOS, qboot and OVMF, bzImage and PVH, on
q35, Debian's cloud kernel and the test initrd (fetched and cached on first use).

The multiboot presets boot Debian's Xen (installed: xen-hypervisor-*-amd64;
decompressed into the cache) with Debian's generic kernel as dom0 (the cloud
kernel cannot be one) and the test initrd as modules; there the phases are
firmware (reset to Xen's entry), Xen's entry to its banner ("(XEN) Xen
version"), banner to userspace, split at dom0's first line ("Linux version").
"""

EPILOG = """\
configurations:
  NAME or NAME@MACHINE (q35, pc, microvm; arm64 ones run on virt); --list shows
  them all with what each needs. --firmware FILE adds FILE as -bios (x86, or
  arm64 with --machine virt).

a TPM 2.0 (x86, q35 and pc):
  NAME+tpm-tis or NAME+tpm-crb (then @MACHINE if any) boots with a TPM of that
  interface, all four PCR banks (sha1, sha256, sha384, sha512); +tpm-tis-sha256
  (any list of banks, joined by -) with only those; --tpm tis|crb and
  --tpm-banks all|LIST give every configuration without a TPM part one. Each
  QEMU run gets a fresh swtpm (swtpm_setup --pcr-banks, then swtpm socket, its
  state in the run's directory), started before QEMU and outside the times,
  stopped by its PID after the run, also on a failure, a timeout or Ctrl-C.
  QEMU: -chardev socket,id=chrtpm,path=SOCK -tpmdev emulator,id=tpm0,chardev=chrtpm
  -device tpm-tis|tpm-crb,tpmdev=tpm0. With --count the counts are not
  deterministic: the firmware polls the TPM until swtpm has answered over its
  socket, in host time, which -icount does not order; the table says so.

how phases are timed:
  TCG: the fwcount plugin (tools/fwcount) stamps the first guest instruction and
  the kernel's first instruction (recognised by its address and code bytes, or
  page offset and code bytes where the firmware picks the address) and removes
  itself there; serial lines are stamped as they arrive. KVM (or --no-plugin): leapboot writes the
  qemu-boot-time markers (0xf5 <- 1, 0xf4 <- 5, 0xf4 <- 3/4), caught by
  isa-debugcon devices; other firmware is bounded by its fw_cfg accesses (QEMU
  trace events), marked with ≈.

--count (TCG only): guest instructions, port I/O and MMIO accesses, and on x86
  MSR accesses (RDMSR/WRMSR) and CPUID (each a VM exit under KVM) from reset to
  the kernel's first instruction, the distinct instructions TCG translated, and
  fw_cfg data reads vs bytes taken by DMA; every configuration runs twice and
  both runs must count the same. --profile adds where the instructions, I/O,
  MSR accesses, CPUID and translated code go (per function for leapboot, per
  page for the others).

examples:
  tools/bootbench
  tools/bootbench --config leapboot-pvh --config qboot-pvh -n 20 --accel kvm --kernel ./vmlinux
  tools/bootbench --firmware mybios.bin --machine microvm --csv out.csv --plot out.svg
  tools/bootbench --count --config leapboot-bzimage --profile
  tools/bootbench --config leapboot-pvh@microvm --config microvm-default-pvh --count --baseline microvm-default-pvh
  tools/bootbench --count -c leapboot-multiboot -c seabios-multiboot      # Xen with a dom0
  tools/bootbench -n 5 -c leapboot-bzimage -c leapboot-bzimage+tpm-tis -c leapboot-bzimage+tpm-tis-sha256
  tools/bootbench --count --profile -c leapboot-bzimage+tpm-crb            # where measuring goes
  tools/bootbench --tpm tis -c seabios-bzimage -c ovmf-bzimage             # both with a TPM

exit status: 0 all configurations measured; 1 one or more failed (the others are
still reported); 2 usage or set-up error; 130 interrupted.
"""


def parse(argv):
    p = argparse.ArgumentParser(prog="bootbench", description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    a = p.add_argument
    a("--config", "-c", action="append", default=[], metavar="NAME[@MACHINE]", help="a preset (repeatable)")
    a("--firmware", action="append", default=[], metavar="FILE", help="a firmware image to run as -bios (repeatable)")
    a("--list", action="store_true", help="list the presets and what each needs, then exit")
    a("--version", action="version", version=leapbootpaths.version_line("bootbench"))
    a("--machine", "-M", metavar="M", help="machine for configurations that do not pin one: q35 (default), pc, microvm; virt for --firmware on arm64")
    a("--kernel", metavar="FILE", help="boot FILE (bzImage, PVH vmlinux, multiboot kernel such as Xen, or arm64 Image) in every configuration")
    a("--dom0", metavar="FILE", help="multiboot (Xen): the dom0 kernel, module 0 (default: Debian's generic kernel)")
    a("--xen-append", default="", metavar="ARGS", help="multiboot: more of Xen's command line (always there: %s dom0_mem=<half the RAM>)" % configs.XEN_ARGS)
    a("--initrd", metavar="FILE", help="initrd for every configuration ('none' for none; default: the test initrd)")
    a("--append", default="", metavar="ARGS", help="more kernel command line, dom0's under Xen (console=, earlyprintk/earlycon and panic=-1 are always there)")
    a("--qemu-arg", action="append", default=[], metavar="ARG", help="one more QEMU argument (repeatable; split like a shell word list)")
    a("--memory", "-m", metavar="SIZE", help="guest RAM (default 512M; multiboot: 1024M, half of it for Xen's dom0)")
    a("--accel", default="tcg", choices=["tcg", "kvm"], help="accelerator (default tcg)")
    a("--tpm", choices=sorted(configs.TPM_DEVICES), help="a TPM 2.0 (a fresh swtpm each run) as tpm-tis or "
      "tpm-crb for every configuration without a +tpm part (x86: q35, pc)")
    a("--tpm-banks", metavar="all|LIST", help="with --tpm: its PCR banks, all (default: sha1, sha256, sha384, "
      "sha512) or a list such as sha256")
    a("--no-plugin", action="store_true", help="TCG without the fwcount plugin: time as under KVM (markers, fw_cfg bounds)")
    a("-n", "--runs", type=int, default=10, metavar="N", help="measured runs per configuration (default 10)")
    a("--warmup", type=int, default=1, metavar="K", help="warm-up runs per configuration, not counted (default 1)")
    a("--count", action="store_true", help="deterministic counts instead of wall time (TCG)")
    a("--profile", action="store_true", help="with --count: where the instructions, I/O, MSR/CPUID and translated code go")
    a("--baseline", metavar="NAME", help="show ratios against this configuration, and each "
      "configuration's difference from it per phase with a 95%% interval (wall clock; against "
      "the same firmware's configuration for the other kernel kind where that ran)")
    a("--until", default=run.USERSPACE, metavar="TEXT", help="console text that marks userspace (default USERSPACE-UP)")
    a("--timeout", type=float, default=120, metavar="SECS", help="kill a QEMU run after SECS (default 120)")
    a("--csv", metavar="FILE", help="write the results as CSV (wall: one row per run)")
    a("--json", metavar="FILE", help="write everything as JSON")
    a("--plot", metavar="FILE", help="draw a chart, .svg or .png (gnuplot): the phases stacked, and "
      "below, QEMU start-up and the firmware phase on a log scale")
    a("--markdown", metavar="FILE", help="write a Markdown report")
    a("--from-json", action="append", default=[], metavar="FILE", help="report from earlier --json files instead of running (with --markdown, --plot, --csv)")
    a("--title", help="a title for the result set (Markdown section)")
    a("--keep", action="store_true", help="keep every run's logs (failed runs' logs are always kept)")
    a("--workdir", metavar="DIR", help="where run logs go (default: a new directory in $TMPDIR)")
    a("--quiet", "-q", action="store_true", help="no progress line")
    args = p.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        p.error("-n must be at least 1 and --warmup at least 0")
    if args.count and args.accel != "tcg":
        p.error("--count needs TCG: plugins do not run under KVM")
    if args.count and args.no_plugin:
        p.error("--count counts with the fwcount plugin; --no-plugin does not go with it")
    if args.profile and not args.count:
        p.error("--profile goes with --count")
    if args.tpm_banks and not args.tpm:
        p.error("--tpm-banks goes with --tpm (a configuration's own: NAME+tpm-tis-sha256)")
    try:
        args.tpm_banks = configs.tpm_banks(args.tpm_banks or "all")
    except configs.ConfigError as e:
        p.error("--tpm-banks: %s" % e)
    return args


def list_presets():
    print("%-24s %-15s %-9s %s" % ("configuration", "machine", "kernel", "what it is; what it needs"))
    for c in configs.PRESETS.values():
        machine = c.machine or "/".join(c.machines)
        miss = c.missing()
        need = "ready" if not miss else "missing " + ", ".join("%s (%s)" % (f, h) for f, h in miss)
        print("%-24s %-15s %-9s %s" % (c.name, machine, c.kind, c.title))
        print("%51s needs %s: %s" % ("", ", ".join(c.files()) or "QEMU only", need))
    print("\ndefault set: " + " ".join(configs.DEFAULT))
    print("multiboot presets: Xen from %s (decompressed into the cache), dom0: Debian's generic kernel "
          "(tools/fetch-kernels --flavour generic), -m %s" % (configs.XEN_GZ, configs.MULTIBOOT_MEMORY))
    miss = [t for t in ("swtpm", "swtpm_setup") if not shutil.which(t)]
    print("with a TPM: an x86 preset on %s as NAME+tpm-tis or NAME+tpm-crb (all banks: %s), or "
          "NAME+tpm-tis-sha256 (those banks); needs swtpm, swtpm_setup: %s"
          % (" or ".join(configs.TPM_MACHINES), " ".join(configs.TPM_BANKS),
             "ready" if not miss else "missing %s (%s)" % (", ".join(miss), configs.SWTPM_HOW)))


def choose(args):
    specs = args.config or ([] if args.firmware else configs.DEFAULT)
    cfgs = [configs.resolve(s, args.machine, args.tpm, args.tpm_banks) for s in specs]
    cfgs += [configs.custom(f, args.machine, args.tpm, args.tpm_banks) for f in args.firmware]
    names = [c.name for c in cfgs]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise configs.ConfigError("configuration given twice: " + ", ".join(sorted(dup)))
    if args.baseline and args.baseline not in names:
        raise configs.ConfigError("--baseline %s is not one of the configurations run (%s)" % (args.baseline, " ".join(names)))
    return cfgs


def run_memory(cfgs):
    """The guest RAM of a run without --memory, as the reports show it."""
    sizes = sorted({configs.memory(c) for c in cfgs}, key=configs.mib)
    if len(sizes) <= 1:
        return sizes[0] if sizes else configs.DEFAULT_MEMORY
    return "%s (multiboot %s)" % (configs.DEFAULT_MEMORY, configs.MULTIBOOT_MEMORY)


def outputs(args, data_sets):
    """--plot (the first wall-clock set), --json and --csv (the last set), --markdown (all)."""
    if args.plot:
        wall_sets = [d for d in data_sets if d["meta"].get("mode") != "count"]
        if wall_sets:
            plot.wall(wall_sets[0], args.plot)
            wall_sets[0]["meta"]["plot"] = os.path.abspath(args.plot)
        else:
            print("bootbench: --plot draws wall-clock phases; there are none here", file=sys.stderr)
    data = data_sets[-1]
    if args.json:
        report.write_json(args.json, data)
    if args.csv:
        report.write_csv(args.csv, data)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(report.markdown(data_sets, os.path.dirname(os.path.abspath(args.markdown))))


def show(data):
    print(report.describe(data))
    mode = data["meta"].get("mode")
    b = data["meta"].get("baseline")
    print(report.count_table(data, b) if mode == "count" else report.wall_table(data, b))
    xen = report.xen_table(data)
    if xen:
        print()
        print(xen)
        print(report.XEN_NOTE)
    sh = report.shift_table(data, b)
    if sh:
        print()
        print(sh)
        print(report.SHIFT_NOTE)
    n = report.notes(data)
    if n:
        print(n)
    prof = report.profile_tables(data)
    if prof:
        print()
        print(prof)


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.list:
        list_presets()
        return 0
    if args.from_json:
        sets = []
        for f in args.from_json:
            try:
                with open(f) as fh:
                    sets.append(json.load(fh))
            except (OSError, ValueError) as e:
                print("bootbench: error: %s: %s" % (f, e), file=sys.stderr)
                return 2
        if args.baseline:
            # Saved results against another of their configurations.
            for d in sets:
                if any(c["name"] == args.baseline for c in d["configs"]):
                    d["meta"]["baseline"] = args.baseline
                else:
                    print("bootbench: error: --baseline %s is not among the configurations of a "
                          "--from-json file" % args.baseline, file=sys.stderr)
                    return 2
        try:
            outputs(args, sets)
        except plot.PlotError as e:
            print("bootbench: error: %s" % e, file=sys.stderr)
            return 2
        for d in sets:
            show(d)
        return 0
    say = (lambda s: None) if args.quiet else (lambda s: print(s, file=sys.stderr))
    # Ctrl-C and SIGTERM: QEMU is killed, logs stay (also when started with SIGINT
    # ignored, as a shell does for background jobs).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        cfgs = choose(args)
        if (args.accel == "tcg" and not args.no_plugin) or args.count:
            bench.build_plugin()
        if args.accel == "kvm" and not os.access("/dev/kvm", os.R_OK | os.W_OK):
            raise bench.SetupError("--accel kvm: /dev/kvm is missing or not accessible to this user")
        results = [bench.Result(c) for c in cfgs]
        for r in results:
            miss = r.cfg.missing(with_kernel=bool(args.kernel))
            if miss:
                r.status = "missing"
                r.why = "; ".join("%s not found (%s)" % (f, h) if h else "%s not found" % f for f, h in miss)
        ready = [r.cfg for r in results if r.status == "ok"]
        kinds, initrds, dom0 = bench.prepare(ready, args.kernel, args.initrd, say, args.dom0) if ready else ({}, {}, None)
    except (configs.ConfigError, bench.SetupError) as e:
        print("bootbench: error: %s" % e, file=sys.stderr)
        return 2
    extra = [w for a in args.qemu_arg for w in shlex.split(a)]
    workdir = args.workdir or tempfile.mkdtemp(prefix="bootbench.")
    os.makedirs(workdir, exist_ok=True)
    interrupted = False
    try:
        by_arch = {}
        for arch in {r.cfg.arch for r in results if r.status == "ok"}:
            by_arch[arch] = command.Inputs(kernels=kinds, initrd=initrds.get(arch), append=args.append,
                                           memory=args.memory, accel=args.accel, qemu_args=extra,
                                           plugin=not args.no_plugin, dom0=dom0, xen_append=args.xen_append,
                                           cache=os.path.join(bench.cache_dir(), "bootbench"))
        for arch, inputs in by_arch.items():
            group = [r for r in results if r.cfg.arch == arch]
            if args.count:
                bench.deterministic(group, inputs, workdir, args.timeout, args.keep, args.profile, args.quiet)
            else:
                bench.wall(group, inputs, workdir, args.runs, args.warmup, args.timeout, args.keep,
                           args.quiet, args.until)
    except run.Interrupted:
        interrupted = True
        print("\nbootbench: interrupted; QEMU killed; logs in %s" % workdir, file=sys.stderr)
    except configs.ConfigError as e:
        print("bootbench: error: %s" % e, file=sys.stderr)
        return 2
    if args.profile:
        for r in results:
            if r.profile:
                r.profile = count.attribute(r.profile, count.symbols(bench.symbol_file(r.cfg) or ""))
    meta = report.host_info(args.accel)
    meta.update(mode="count" if args.count else "wall", runs=args.runs, plugin=not args.no_plugin,
                workdir=workdir, root=configs.ROOT, warmup=args.warmup,
                memory=args.memory or run_memory(cfgs), baseline=args.baseline, title=args.title or "",
                argv="tools/bootbench " + " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)),
                kernels=sorted({os.path.basename(k.path) for k in kinds.values()} |
                               ({os.path.basename(dom0) + " (dom0)"} if dom0 else set())),
                append_example=command.cmdline(cfgs[0], command.Inputs(kernels={}, append=args.append, accel=args.accel)) if cfgs else "")
    data = report.to_dict(results, meta)
    try:
        outputs(args, [data])
    except plot.PlotError as e:
        print("bootbench: error: %s" % e, file=sys.stderr)
    show(data)
    failed = [r for r in results if r.status != "ok"]
    kept = args.keep or failed or interrupted or args.workdir
    if kept:
        print("bootbench: logs in %s" % workdir, file=sys.stderr)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    if interrupted:
        return 130
    return 1 if failed else 0
