"""Benchmark configurations: named presets and free-form firmware.

A configuration says which firmware boots which kind of kernel on which
machine, and how QEMU is told so. Everything else (kernel file, initrd,
command line, memory, accelerator) is the run's and shared by all.
"""

import glob
import os
import re
import shutil
from dataclasses import dataclass, field

import leapbootpaths
from leapbootpaths import firmware, how_to_build

# The checkout bootbench runs from, or None when installed (leapbootpaths: then
# leapboot's files are the installed ones, PREFIX/share/leapboot/<arch>/).
ROOT = leapbootpaths.CHECKOUT

LEAPBOOT_X86 = firmware("x86_64", "leapboot.bin")
LEAPBOOT_ELF = firmware("x86_64", "leapboot.elf")
LEAPBOOT_EFI_X86 = firmware("x86_64", "leapboot.efi")
LEAPBOOT_ARM64 = firmware("aarch64", "leapboot.bin")
LEAPBOOT_IMAGE = firmware("aarch64", "leapboot.Image")
LEAPBOOT_EFI_ARM64 = firmware("aarch64", "leapboot.efi")
QBOOT = "/usr/share/qemu/qboot.rom"
UKI_STUB = "/usr/lib/systemd/boot/efi/linuxx64.efi.stub"
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
AAVMF_CODE = "/usr/share/AAVMF/AAVMF_CODE.fd"
AAVMF_VARS = "/usr/share/AAVMF/AAVMF_VARS.fd"
EDK2_ARM64 = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"
UBOOT_ARM64 = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"

X86_MACHINES = ("q35", "pc", "microvm")

# A TPM 2.0 (swtpm, QEMU's emulator backend): its interfaces, the QEMU device of
# each, the PCR banks swtpm can allocate (in the order the labels list them), and
# the machines that have one (QEMU 7.2's microvm has none; leapboot on arm64 virt
# refuses one, unmeasured).
TPM_DEVICES = {"tis": "tpm-tis", "crb": "tpm-crb"}
TPM_BANKS = ("sha1", "sha256", "sha384", "sha512")
TPM_MACHINES = ("q35", "pc")
SWTPM_HOW = "apt-get install swtpm swtpm-tools"


def _debian_xen():
    """Debian's Xen hypervisor, /boot/xen-<ver>-amd64.gz (the newest if several),
    or where Debian 12's would be."""
    found = glob.glob("/boot/xen-*-amd64.gz")
    key = lambda p: [int(n) for n in re.findall(r"\d+", os.path.basename(p))]
    return max(found, key=key) if found else "/boot/xen-4.17-amd64.gz"


# The multiboot presets' kernel: a gzip file QEMU cannot take as -kernel, so
# bootbench boots a decompressed copy in its cache.
XEN_GZ = _debian_xen()
# Xen's own command line: its console on the first serial port, no real-mode
# video or EDD probes (leapboot has no BIOS for their int 0x10/0x13; harmless
# under SeaBIOS); dom0_mem= is added per run (half the guest's RAM).
XEN_ARGS = "console=com1 com1=115200 no-real-mode"
MULTIBOOT_MEMORY = "1024M"

# What to do when a file is missing, by where it comes from.
HOW = {
    LEAPBOOT_X86: how_to_build("x86_64"),
    LEAPBOOT_ELF: how_to_build("x86_64"),
    LEAPBOOT_EFI_X86: how_to_build("x86_64", efi=True),
    LEAPBOOT_ARM64: how_to_build("aarch64"),
    LEAPBOOT_IMAGE: how_to_build("aarch64"),
    LEAPBOOT_EFI_ARM64: how_to_build("aarch64", efi=True),
    QBOOT: "apt-get install qemu-system-data",
    OVMF_CODE: "apt-get install ovmf",
    OVMF_VARS: "apt-get install ovmf",
    AAVMF_CODE: "apt-get install qemu-efi-aarch64",
    AAVMF_VARS: "apt-get install qemu-efi-aarch64",
    EDK2_ARM64: "apt-get install qemu-efi-aarch64",
    UBOOT_ARM64: "apt-get install u-boot-qemu",
    UKI_STUB: "apt-get install systemd-boot-efi",
    XEN_GZ: "apt-get install xen-hypervisor-%s" % os.path.basename(XEN_GZ)[len("xen-"):-len(".gz")],
}


@dataclass
class Config:
    """One firmware set-up. form says how the kernel reaches the guest:
    bios      -bios FIRMWARE (none: QEMU's default) -kernel K -initrd I -append C
    chain     -kernel LOADER with K, I, C as opt/leapboot fw_cfg files
    pflash    UEFI code + a fresh variable store as pflash, -kernel K ...
    esp       UEFI as pflash booting leapboot.efi from a FAT ESP, K, I, C as opt/leapboot
    With uki, K, I and C are first made into one unified kernel image (systemd-stub
    with .linux, .initrd, .cmdline; command.uki_file), which goes alone as -kernel
    (pflash: the firmware starts its stub) or as opt/leapboot/kernel (bios).
    """

    name: str
    arch: str  # x86_64 | aarch64
    kind: str  # kernel kind: bzimage | pvh | multiboot | arm64
    form: str
    title: str
    firmware: str = None  # -bios file, or None for QEMU's default
    loader: str = None  # chain: the -kernel loader; esp: the .efi
    code: str = None  # pflash/esp: UEFI code and variable store
    vars: str = None
    machine: str = None  # pinned machine, else the run's
    machines: tuple = None  # the machines it can run on (x86)
    leapboot: bool = False  # leapboot's own code runs: qemu-boot-time markers on
    qemu_args: list = field(default_factory=list)
    kernel_file: str = None  # where its default kernel comes from, if not fetched (Xen)
    tpm: str = None  # a fresh swtpm each run, as this interface (tis | crb); None: no TPM
    tpm_banks: tuple = TPM_BANKS  # its PCR banks
    uki: bool = False  # the kernel, initrd and command line as one UKI

    def files(self, with_kernel=False):
        """The files it needs; with_kernel: the run brings its own kernel (--kernel)."""
        kernel = None if with_kernel else self.kernel_file
        stub = UKI_STUB if self.uki else None
        return [f for f in (self.firmware, self.loader, self.code, self.vars, kernel, stub) if f]

    def missing(self, with_kernel=False):
        """(file, how to get it) for every file the configuration lacks, and for
        swtpm and swtpm_setup (on $PATH) when it has a TPM."""
        miss = [(f, HOW.get(f, "")) for f in self.files(with_kernel) if not os.path.isfile(f)]
        if self.tpm:
            miss += [(t, SWTPM_HOW) for t in ("swtpm", "swtpm_setup") if not shutil.which(t)]
        return miss


def _x86(name, kind, form, title, **kw):
    kw.setdefault("machines", X86_MACHINES)
    return Config(name, "x86_64", kind, form, title, **kw)


def _arm(name, form, title, **kw):
    return Config(name, "aarch64", "arm64", form, title, machine="virt", machines=("virt",), **kw)


def _presets():
    p = []
    for kind, what in (("bzimage", "bzImage"), ("pvh", "PVH vmlinux")):
        p.append(_x86("leapboot-" + kind, kind, "bios", "leapboot.bin as -bios, %s as -kernel" % what,
                      firmware=LEAPBOOT_X86, leapboot=True))
        p.append(_x86("leapboot-elf-" + kind, kind, "chain",
                      "qboot starts leapboot.elf (-kernel), %s from opt/leapboot/kernel" % what,
                      firmware=QBOOT, loader=LEAPBOOT_ELF, leapboot=True))
        p.append(_x86("leapboot-efi-" + kind, kind, "esp",
                      "OVMF starts leapboot.efi from an ESP, %s from opt/leapboot/kernel" % what,
                      loader=LEAPBOOT_EFI_X86, code=OVMF_CODE, vars=OVMF_VARS,
                      machines=("q35",), leapboot=True))
        p.append(_x86("seabios-" + kind, kind, "bios",
                      "SeaBIOS (QEMU's default) with its %s option ROM"
                      % ("linuxboot_dma" if kind == "bzimage" else "pvh.bin"),
                      machines=("q35", "pc")))
        p.append(_x86("qboot-" + kind, kind, "bios", "qboot (%s) as -bios" % QBOOT, firmware=QBOOT))
        p.append(_x86("microvm-default-" + kind, kind, "bios",
                      "microvm's default firmware (qboot, bios-microvm.bin)", machine="microvm"))
    # Multiboot: Xen, with a Linux dom0 and the test initrd as modules.
    mb = dict(machines=("q35", "pc"), kernel_file=XEN_GZ)
    p.append(_x86("leapboot-multiboot", "multiboot", "bios",
                  "leapboot.bin as -bios, Xen as -kernel, dom0 kernel and initrd as multiboot modules",
                  firmware=LEAPBOOT_X86, leapboot=True, **mb))
    p.append(_x86("seabios-multiboot", "multiboot", "bios",
                  "SeaBIOS (QEMU's default) with its multiboot_dma option ROM, Xen, dom0 and initrd", **mb))
    p.append(_x86("ovmf-bzimage", "bzimage", "pflash", "OVMF's direct kernel boot (-kernel)",
                  code=OVMF_CODE, vars=OVMF_VARS, machines=("q35",)))
    p.append(_x86("ovmf-uki", "bzimage", "pflash",
                  "OVMF starts a UKI (-kernel): Debian's systemd-stub with the bzImage, initrd, cmdline",
                  code=OVMF_CODE, vars=OVMF_VARS, machines=("q35",), uki=True))
    p.append(_x86("leapboot-uki", "bzimage", "bios",
                  "leapboot.bin as -bios, a UKI (systemd-stub, bzImage, initrd, cmdline) as opt/leapboot/kernel",
                  firmware=LEAPBOOT_X86, leapboot=True, machines=("q35", "pc"), uki=True))
    p.append(_arm("qemu-direct-arm64", "bios", "QEMU's direct boot: no firmware, its 6-instruction stub"))
    p.append(_arm("leapboot-arm64-bios", "bios", "leapboot.bin (arm64) as -bios, Image as -kernel",
                  firmware=LEAPBOOT_ARM64, leapboot=True))
    p.append(_arm("leapboot-arm64-image", "chain",
                  "leapboot.Image as -kernel, the Image from opt/leapboot/kernel",
                  loader=LEAPBOOT_IMAGE, leapboot=True))
    p.append(_arm("leapboot-arm64-efi", "esp", "AAVMF starts leapboot.efi from an ESP",
                  loader=LEAPBOOT_EFI_ARM64, code=AAVMF_CODE, vars=AAVMF_VARS, leapboot=True,
                  qemu_args=["-boot", "menu=on,splash-time=0"]))
    p.append(_arm("uboot-arm64", "bios", "U-Boot (qemu_arm64), boot delay 0, qfw load + booti",
                  firmware=UBOOT_ARM64))
    p.append(_arm("edk2-arm64", "bios", "EDK2 (QEMU_EFI.fd) as -bios, its direct kernel boot",
                  firmware=EDK2_ARM64))
    return {c.name: c for c in p}


PRESETS = _presets()

# tools/bootbench with no --config: leapboot against SeaBIOS, qboot and OVMF on q35.
DEFAULT = ["leapboot-bzimage", "leapboot-pvh", "seabios-bzimage", "seabios-pvh",
           "qboot-bzimage", "qboot-pvh", "ovmf-bzimage"]


class ConfigError(Exception):
    pass


def mib(size):
    """MiB in a QEMU -m size ("512M", "1G", "1024": MiB when no suffix)."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmMgGtT]?)[bB]?", size.strip())
    if not m:
        raise ConfigError("memory size '%s': a number of MiB, or with K, M, G or T" % size)
    scale = {"": 1, "k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024}[m.group(2).lower()]
    return int(float(m.group(1)) * scale)


DEFAULT_MEMORY = "512M"


def memory(cfg, given=None):
    """The guest RAM of a configuration: the run's --memory, else 512M, 1024M for
    Xen (whose dom0 gets half: Xen with -m 512M and dom0_mem=512M is left
    without memory for itself and stops at a BUG in its serial driver)."""
    return given or (MULTIBOOT_MEMORY if cfg.kind == "multiboot" else DEFAULT_MEMORY)


def tpm_banks(text):
    """The PCR banks of "all" or a list ("sha256", "sha1,sha256"; commas or
    dashes), in TPM_BANKS' order."""
    words = [w for w in re.split(r"[,-]", text.strip().lower()) if w]
    if words == ["all"]:
        return TPM_BANKS
    bad = [w for w in words if w not in TPM_BANKS]
    if bad or not words:
        raise ConfigError("TPM banks '%s': 'all' or a list of %s" % (text, ", ".join(TPM_BANKS)))
    return tuple(b for b in TPM_BANKS if b in words)


def tpm_label(iface, banks=TPM_BANKS):
    """A configuration name's TPM part: "+tpm-tis" (all banks), "+tpm-crb-sha256"."""
    return "+tpm-" + iface + ("" if tuple(banks) == TPM_BANKS else "".join("-" + b for b in banks))


def parse_tpm(text):
    """(interface, banks) of a name's TPM part without its "+": "tpm-tis",
    "tpm-crb-sha256", "tpm-tis-sha1-sha256"."""
    words = text.split("-")
    if len(words) < 2 or words[0] != "tpm" or words[1] not in TPM_DEVICES:
        raise ConfigError("'+%s': a TPM is +tpm-tis or +tpm-crb, then any banks (+tpm-tis-sha256; "
                          "default all: %s)" % (text, " ".join(TPM_BANKS)))
    return words[1], (tpm_banks(",".join(words[2:])) if words[2:] else TPM_BANKS)


def with_tpm(c, iface, banks=TPM_BANKS):
    """c with a TPM of interface iface and those banks, its name saying so
    ("NAME+tpm-IFACE[-BANK…][@MACHINE]")."""
    if c.arch != "x86_64" or c.machine not in TPM_MACHINES:
        raise ConfigError("%s: a TPM needs an x86 machine with one, %s (QEMU 7.2's microvm has none; "
                          "leapboot on arm64 refuses one)" % (c.name, " or ".join(TPM_MACHINES)))
    name, at, machine = c.name.partition("@")
    return _copy(c, name=name + tpm_label(iface, banks) + at + machine, tpm=iface, tpm_banks=tuple(banks))


def resolve(spec, machine=None, tpm=None, banks=TPM_BANKS):
    """A Config for spec, "NAME", "NAME@MACHINE", either with a TPM part
    ("NAME+tpm-crb-sha256@pc"); machine is the run's default, tpm and banks the
    run's TPM (--tpm, --tpm-banks) for a spec that names none."""
    m = re.fullmatch(r"([^@+]*)(?:\+([^@]*))?(?:@([^+]*))?(?:\+(.*))?", spec)
    name, pinned = m.group(1), m.group(3) or ""
    if m.group(2) is not None and m.group(4) is not None:
        raise ConfigError("'%s': one TPM part, before or after @MACHINE" % spec)
    tpm_part = m.group(2) if m.group(2) is not None else m.group(4)
    if name not in PRESETS:
        raise ConfigError("unknown configuration '%s' (tools/bootbench --list shows them)" % name)
    c = PRESETS[name]
    want = pinned or c.machine or (machine if c.arch == "x86_64" else None) or "q35"
    if c.arch == "x86_64" and machine == "virt" and not pinned and not c.machine:
        raise ConfigError("%s is an x86 configuration; -M virt is arm64" % name)
    if want not in c.machines:
        raise ConfigError("%s runs on %s, not on '%s'" % (name, " or ".join(c.machines), want))
    label = name + ("@" + want if pinned or (want != "q35" and not c.machine) else "")
    c = _copy(c, name=label, machine=want)
    if tpm_part is not None:
        return with_tpm(c, *parse_tpm(tpm_part))
    return with_tpm(c, tpm, banks) if tpm else c


def custom(firmware, machine=None, tpm=None, banks=TPM_BANKS):
    """A free-form configuration: FIRMWARE as -bios, on the run's machine, with the run's TPM."""
    machine = machine or "q35"
    base = os.path.basename(firmware)
    if machine == "virt":
        c = Config("fw:" + base, "aarch64", "arm64", "bios", "%s as -bios" % firmware,
                   firmware=os.path.abspath(firmware), machine="virt", machines=("virt",))
    elif machine not in X86_MACHINES:
        raise ConfigError("unknown machine '%s' (q35, pc, microvm or virt)" % machine)
    else:
        c = Config("fw:" + base, "x86_64", "bzimage", "bios", "%s as -bios" % firmware,
                   firmware=os.path.abspath(firmware), machine=machine, machines=X86_MACHINES)
    return with_tpm(c, tpm, banks) if tpm else c


def _copy(c, **kw):
    d = dict(c.__dict__)
    d.update(kw)
    d["qemu_args"] = list(c.qemu_args)
    return Config(**d)


def uboot_without_delay(cache):
    """U-Boot's qemu_arm64 build with its 2 s autoboot delay set to 0.

    The delay is in the built-in default environment ("bootdelay=2"); the same
    byte patched to '0' in a cached copy boots at once, through the default
    bootcmd (qfw load, booti)."""
    out = os.path.join(cache, "u-boot-qemu_arm64-bootdelay0.bin")
    src = UBOOT_ARM64
    if os.path.isfile(out) and os.path.getmtime(out) >= os.path.getmtime(src):
        return out
    with open(src, "rb") as f:
        data = f.read()
    if data.count(b"bootdelay=2\0") != 1:
        raise ConfigError("%s: no single 'bootdelay=2' in its default environment" % src)
    os.makedirs(cache, exist_ok=True)
    with open(out + ".tmp", "wb") as f:
        f.write(data.replace(b"bootdelay=2\0", b"bootdelay=0\0"))
    os.replace(out + ".tmp", out)
    return out
