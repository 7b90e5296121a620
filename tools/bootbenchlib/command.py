"""The QEMU command line for one run of one configuration."""

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field

import leapbootpaths

from . import configs

MACHINE_ARGS = {
    "q35": "q35",
    "pc": "pc",
    "microvm": "microvm,x-option-roms=off,isa-serial=on,rtc=on",
    "virt": "virt",
}
# The test initrd's /init writes 0 to port 0x501 to end the VM (QEMU exits with status 1).
DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0x501,iosize=2"]
ESP_TIME = 1767225600  # 2026-01-01 00:00 UTC


@dataclass
class Inputs:
    """What every configuration of a run boots: one kernel of each kind, one initrd."""

    kernels: dict  # kind -> Kernel
    initrd: str = None
    append: str = ""  # the user's extra command line (Linux's; under Xen dom0's)
    memory: str = None  # None: each configuration's own (configs.memory)
    accel: str = "tcg"
    plugin: bool = True  # under TCG, time fw_start and the kernel's entry with fwcount
    qemu_args: list = field(default_factory=list)
    cache: str = ""
    dom0: str = None  # multiboot: the Linux kernel Xen starts as dom0 (module 0)
    xen_append: str = ""  # multiboot: more of Xen's command line


def host_tsc_khz():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("cpu MHz"):
                return int(float(line.split(":")[1]) * 1000)
    return None


def cmdline(cfg, inputs):
    """Linux's command line (under Xen: dom0's)."""
    if cfg.arch == "aarch64":
        base = "console=ttyAMA0 earlycon panic=-1"
    elif cfg.kind == "multiboot":
        # dom0's console is Xen's (hvc0), which Xen writes to its serial port.
        return ("console=hvc0 earlyprintk=xen panic=-1 " + inputs.append).strip()
    else:
        base = "console=ttyS0 earlyprintk=ttyS0 panic=-1"
    # Under TCG on microvm Linux hangs calibrating its TSC unless told the rate.
    if cfg.machine == "microvm" and inputs.accel == "tcg":
        khz = host_tsc_khz()
        if khz:
            base += " tsc_early_khz=%d" % khz
    return (base + " " + inputs.append).strip()


def xen_cmdline(cfg, inputs):
    """Xen's command line: dom0 gets half the guest's RAM (512M of the default 1024M)."""
    dom0_mem = configs.mib(configs.memory(cfg, inputs.memory)) // 2
    return ("%s dom0_mem=%dM %s" % (configs.XEN_ARGS, dom0_mem, inputs.xen_append)).strip()


def multiboot_modules(cfg, inputs):
    """[(file, its command line)]: the dom0 kernel, then the initrd (if any)."""
    if not inputs.dom0:
        raise configs.ConfigError("%s: a multiboot kernel needs a dom0 kernel" % cfg.name)
    mods = [(inputs.dom0, cmdline(cfg, inputs))]
    if inputs.initrd:
        mods.append((inputs.initrd, ""))
    for path, _ in mods:
        # QEMU's -initrd for multiboot: "FILE ARGS,FILE ARGS": the file ends at a space.
        if " " in path:
            raise configs.ConfigError("multiboot module %s: QEMU cannot take a path with a space" % path)
    return mods


def _opt(value):
    """A value inside a QEMU option: commas doubled."""
    return value.replace(",", ",,")


def tpm_args(iface, sock):
    """QEMU's arguments for a TPM (cfg.tpm: tis or crb) whose swtpm serves the
    control socket sock: QEMU's emulator backend on it, the interface's device."""
    if "," in sock:
        raise configs.ConfigError("TPM socket %s: QEMU cannot take a comma in a chardev path" % sock)
    return ["-chardev", "socket,id=chrtpm,path=" + sock, "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
            "-device", "%s,tpmdev=tpm0" % configs.TPM_DEVICES[iface]]


# tests/lib/uki.bash in a checkout; installed beside the tools.
UKI_LIB = (os.path.join(configs.ROOT, "tests", "lib", "uki.bash") if configs.ROOT
           else os.path.join(leapbootpaths.TOOLS, "uki.bash"))


def uki_file(cfg, inputs, kernel, append):
    """The UKI of kernel, the run's initrd and append (tests/lib/uki.bash's
    uki_cached, on Debian's systemd-stub), cached in inputs.cache/uki by its
    inputs: rebuilt when one of the files changes."""
    key = hashlib.sha256(repr((cfg.arch, os.path.abspath(kernel), inputs.initrd and os.path.abspath(inputs.initrd),
                               append)).encode()).hexdigest()[:16]
    d = os.path.join(inputs.cache or os.path.join(os.path.expanduser("~"), ".cache", "leapboot"), "uki")
    os.makedirs(d, exist_ok=True)
    out = os.path.join(d, "uki-%s.efi" % key)
    args = [out, "x86_64" if cfg.arch == "x86_64" else "aarch64", kernel, "--cmdline", append]
    if inputs.initrd:
        args += ["--initrd", inputs.initrd]
    r = subprocess.run(["bash", "-c", 'source "$0" && uki_cached "$@"', UKI_LIB] + args,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise configs.ConfigError("%s: cannot build the UKI: %s" % (cfg.name, r.stderr.strip()))
    return out


def build(cfg, inputs, rundir, plugin_arg=None, markers=False, debugcon=None, trace=None, tpm_sock=None):
    """The argv for QEMU. markers: turn on leapboot's boot markers; debugcon:
    {port: fd} for isa-debugcon devices that catch x86 markers; trace: (events,
    logfile) for QEMU's own trace events with host time stamps; tpm_sock: the
    swtpm control socket of a configuration with a TPM."""
    if cfg.tpm and not tpm_sock:
        raise configs.ConfigError("%s: a TPM needs its swtpm's socket" % cfg.name)
    kernel = inputs.kernels[cfg.kind]
    append = cmdline(cfg, inputs)
    x86 = cfg.arch == "x86_64"
    argv = ["qemu-system-x86_64" if x86 else "qemu-system-aarch64", "-M", MACHINE_ARGS[cfg.machine]]
    if not x86:
        argv += ["-cpu", "cortex-a57"]
    argv += ["-accel", inputs.accel, "-m", configs.memory(cfg, inputs.memory), "-smp", "1", "-display", "none",
             "-monitor", "none", "-serial", "stdio", "-no-reboot"]
    if x86:
        argv += DEBUG_EXIT
    if cfg.form in ("bios", "pflash"):
        if cfg.firmware:
            fw = cfg.firmware
            if fw == configs.UBOOT_ARM64:
                fw = configs.uboot_without_delay(inputs.cache)
            argv += ["-bios", fw]
        if cfg.form == "pflash":
            argv += _pflash(cfg, rundir)
        if cfg.uki and cfg.form == "pflash":
            # The firmware starts the stub, which has initrd and command line inside.
            argv += ["-kernel", uki_file(cfg, inputs, kernel.path, append)]
        elif cfg.uki:
            # QEMU would take a UKI for an old zImage: leapboot reads it from fw_cfg.
            argv += ["-fw_cfg", "name=opt/leapboot/kernel,file=" + _opt(uki_file(cfg, inputs, kernel.path, append))]
        elif cfg.kind == "multiboot":
            # QEMU loads Xen and the modules and hands them over through fw_cfg.
            mods = ",".join(_opt(("%s %s" % m).strip()) for m in multiboot_modules(cfg, inputs))
            argv += ["-kernel", kernel.path, "-append", xen_cmdline(cfg, inputs), "-initrd", mods]
        else:
            argv += ["-kernel", kernel.path, "-append", append]
            if inputs.initrd:
                argv += ["-initrd", inputs.initrd]
    else:
        if cfg.form == "chain":
            if cfg.firmware and cfg.machine != "microvm":
                argv += ["-bios", cfg.firmware]
            argv += ["-kernel", cfg.loader]
        else:
            argv += _pflash(cfg, rundir) + ["-drive", "file=fat:%s,format=raw,if=virtio,readonly=on"
                                            % _opt(_esp(cfg, rundir))]
        if cfg.kind == "multiboot":
            # leapboot's own multiboot loading: the modules as opt/leapboot/module<N>.
            argv += ["-fw_cfg", "name=opt/leapboot/kernel,file=" + _opt(kernel.path),
                     "-fw_cfg", "name=opt/leapboot/cmdline,string=" + _opt(xen_cmdline(cfg, inputs))]
            for i, (path, args) in enumerate(multiboot_modules(cfg, inputs)):
                argv += ["-fw_cfg", "name=opt/leapboot/module%d,file=%s" % (i, _opt(path))]
                if args:
                    argv += ["-fw_cfg", "name=opt/leapboot/module%d.cmdline,string=%s" % (i, _opt(args))]
        else:
            argv += ["-fw_cfg", "name=opt/leapboot/kernel,file=" + _opt(kernel.path),
                     "-fw_cfg", "name=opt/leapboot/cmdline,string=" + _opt(append)]
            if inputs.initrd:
                argv += ["-fw_cfg", "name=opt/leapboot/initrd,file=" + _opt(inputs.initrd)]
    if markers:
        argv += ["-fw_cfg", "name=opt/leapboot/markers,string=1"]
    for port, fd in sorted((debugcon or {}).items()):
        argv += ["-chardev", "file,id=bbmark%x,path=/dev/fd/%d" % (port, fd),
                 "-device", "isa-debugcon,iobase=0x%x,chardev=bbmark%x" % (port, port)]
    if cfg.tpm:
        argv += tpm_args(cfg.tpm, tpm_sock)
    argv += cfg.qemu_args + inputs.qemu_args
    if trace:
        events, logfile = trace
        for e in events:
            argv += ["-trace", e]
        argv += ["-msg", "timestamp=on", "-D", logfile]
    if plugin_arg:
        argv += ["-plugin", plugin_arg]
    return argv


def _pflash(cfg, rundir):
    """UEFI code read-only and a fresh copy of its variable store for each run."""
    vars_copy = os.path.join(rundir, "efi-vars.fd")
    shutil.copyfile(cfg.vars, vars_copy)
    return ["-drive", "if=pflash,format=raw,readonly=on,file=" + _opt(cfg.code),
            "-drive", "if=pflash,format=raw,file=" + _opt(vars_copy)]


def _esp(cfg, rundir):
    """An ESP directory holding leapboot.efi as the removable-media boot file."""
    esp = os.path.join(rundir, "esp")
    boot = os.path.join(esp, "EFI", "BOOT")
    os.makedirs(boot, exist_ok=True)
    name = "BOOTX64.EFI" if cfg.arch == "x86_64" else "BOOTAA64.EFI"
    shutil.copyfile(cfg.loader, os.path.join(boot, name))
    # QEMU's fat: drive shows the files' times in the FAT: the same every run, so
    # that the firmware reading it takes the same path (--count is deterministic).
    for path in (os.path.join(boot, name), boot, os.path.dirname(boot), esp):
        os.utime(path, (ESP_TIME, ESP_TIME))
    return esp
