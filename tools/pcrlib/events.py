"""The events leapboot logs and extends, in log order (docs/measured-boot.md,
"The events, in log order"), predicted from the files."""

import os
import re
import struct
from dataclasses import dataclass, field

from . import PcrError, arm64
from .kernel import file_digest, kernel_digest
from .pcr import Hashes

EV_NO_ACTION = 0x03
EV_SEPARATOR = 0x04
EV_S_CRTM_CONTENTS = 0x07
EV_S_CRTM_VERSION = 0x08
EV_TABLE_OF_DEVICES = 0x0B
EV_IPL = 0x0D

# TCG PC Client PFP event types, for showing a log.
EVENT_TYPES = {
    0x00: "EV_PREBOOT_CERT", 0x01: "EV_POST_CODE", 0x02: "EV_UNUSED", 0x03: "EV_NO_ACTION",
    0x04: "EV_SEPARATOR", 0x05: "EV_ACTION", 0x06: "EV_EVENT_TAG", 0x07: "EV_S_CRTM_CONTENTS",
    0x08: "EV_S_CRTM_VERSION", 0x09: "EV_CPU_MICROCODE", 0x0A: "EV_PLATFORM_CONFIG_FLAGS",
    0x0B: "EV_TABLE_OF_DEVICES", 0x0C: "EV_COMPACT_HASH", 0x0D: "EV_IPL", 0x0E: "EV_IPL_PARTITION_DATA",
    0x0F: "EV_NONHOST_CODE", 0x10: "EV_NONHOST_CONFIG", 0x11: "EV_NONHOST_INFO",
    0x12: "EV_OMIT_BOOT_DEVICE_EVENTS", 0x13: "EV_POST_CODE2",
    0x80000000: "EV_EFI_EVENT_BASE", 0x80000001: "EV_EFI_VARIABLE_DRIVER_CONFIG",
    0x80000002: "EV_EFI_VARIABLE_BOOT", 0x80000003: "EV_EFI_BOOT_SERVICES_APPLICATION",
    0x80000004: "EV_EFI_BOOT_SERVICES_DRIVER", 0x80000005: "EV_EFI_RUNTIME_SERVICES_DRIVER",
    0x80000006: "EV_EFI_GPT_EVENT", 0x80000007: "EV_EFI_ACTION", 0x80000008: "EV_EFI_PLATFORM_FIRMWARE_BLOB",
    0x80000009: "EV_EFI_HANDOFF_TABLES", 0x8000000A: "EV_EFI_PLATFORM_FIRMWARE_BLOB2",
    0x8000000B: "EV_EFI_HANDOFF_TABLES2", 0x8000000C: "EV_EFI_VARIABLE_BOOT2",
    0x80000010: "EV_EFI_HCRTM_EVENT", 0x800000E0: "EV_EFI_VARIABLE_AUTHORITY",
    0x800000E1: "EV_EFI_SPDM_FIRMWARE_BLOB", 0x800000E2: "EV_EFI_SPDM_FIRMWARE_CONFIG",
}

ROM_SIZE = 128 * 1024
ROM_BASE = 0x100000000 - ROM_SIZE  # where QEMU maps -bios: it ends at 4 GiB
# Event 3: the fw_cfg files measured into PCR 1, in this order, where QEMU has them.
FW_CFG_FILES = ("etc/acpi/rsdp", "etc/acpi/tables", "etc/table-loader",
                "etc/smbios/smbios-anchor", "etc/smbios/smbios-tables")
SEPARATOR_PCRS = range(8)
SEPARATOR_DATA = bytes(4)


def type_name(t):
    return EVENT_TYPES.get(t, "0x%x" % t)


@dataclass
class Event:
    pcr: int
    type: int
    data: bytes
    digests: dict  # bank -> digest (bytes)
    what: str = ""  # where the digest comes from, for --log

    def extends(self):
        return self.type != EV_NO_ACTION

    def data_text(self):
        """The event data as a quoted string if it is printable ASCII, else hex."""
        if all(0x20 <= c < 0x7F for c in self.data):
            return '"%s"' % self.data.decode().replace("\\", "\\\\").replace('"', '\\"')
        return "hex:" + self.data.hex()

    def to_json(self):
        j = {"pcr": self.pcr, "type": type_name(self.type), "type_code": self.type,
             "data_hex": self.data.hex()}
        if all(0x20 <= c < 0x7F for c in self.data):
            j["data"] = self.data.decode()
        j["digests"] = {b: d.hex() for b, d in self.digests.items()}
        if self.what:
            j["measured"] = self.what
        return j


def measure_bytes(pcr, etype, data, payload, banks, what=""):
    h = Hashes(banks)
    h.update(payload)
    return Event(pcr, etype, data, h.digests(), what)


def read_version(version_h):
    """LEAPBOOT_VERSION from boot/version.h."""
    try:
        with open(version_h, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise PcrError("%s: %s (give --version-string)" % (version_h, e.strerror or e)) from None
    m = re.search(r'^\s*#\s*define\s+LEAPBOOT_VERSION\s+"([^"]*)"', text, re.M)
    if not m:
        raise PcrError("%s: no LEAPBOOT_VERSION \"...\" (give --version-string)" % version_h)
    return m.group(1)


def cmdline_bytes(cmdline):
    """The bytes the kernel receives for a command line given as a str: its bytes
    as the shell passed them, trailing newlines dropped as leapboot drops them."""
    b = os.fsencode(cmdline) if isinstance(cmdline, str) else bytes(cmdline)
    b = b.split(b"\0", 1)[0]
    return b.rstrip(b"\n")


@dataclass
class Prediction:
    banks: list
    events: list
    kernel: object  # kernel.KernelDigest
    version: str
    fw_cfg: list = field(default_factory=list)  # the fw_cfg files measured (None: no --fw-cfg)
    warnings: list = field(default_factory=list)


def fw_cfg_events(fw_cfg_dir, banks):
    if not os.path.isdir(fw_cfg_dir):
        raise PcrError("--fw-cfg %s: not a directory (a tools/capture-fw-cfg dump)" % fw_cfg_dir)
    out = []
    for name in FW_CFG_FILES:
        p = os.path.join(fw_cfg_dir, name)
        if os.path.isfile(p):
            digests, size = file_digest(p, banks)
            out.append(Event(1, EV_TABLE_OF_DEVICES, name.encode(), digests, "%s, %d bytes" % (p, size)))
    if not out:
        raise PcrError("--fw-cfg %s: none of the measured fw_cfg files (%s) is there"
                       % (fw_cfg_dir, ", ".join(FW_CFG_FILES)))
    return out


ARCHES = ("x86_64", "arm64")


def firmware_event(banks, rom, arch, form):
    """PCR 0's EV_S_CRTM_CONTENTS: leapboot's image, and a
    UEFI_PLATFORM_FIRMWARE_BLOB (base, length) as its data (what tpm2_eventlog
    expects there). x86: the 128 KiB ROM below 4 GiB; arm64: leapboot.bin in
    the flash at 0, or leapboot.Image (form "Image") where QEMU loads it."""
    if arch == "arm64":
        digests, base, size = arm64.firmware(rom, banks, form)
        where = "leapboot.bin in the flash" if form == "bin" else "leapboot.Image as loaded"
        return Event(0, EV_S_CRTM_CONTENTS, struct.pack("<QQ", base, size), digests,
                     "%s, %d bytes (%s at 0x%x)" % (rom, size, where, base))
    digests, size = file_digest(rom, banks)
    if size != ROM_SIZE:
        raise PcrError("%s: %d bytes, not a 128 KiB leapboot.bin ROM image (%d bytes)" % (rom, size, ROM_SIZE))
    return Event(0, EV_S_CRTM_CONTENTS, struct.pack("<QQ", ROM_BASE, ROM_SIZE), digests,
                 "%s, %d bytes" % (rom, size))


def initrd_event(ev, warnings, initrd, banks):
    """PCR 9's "leapboot: initrd" onto ev; an empty file is no initrd (a warning)."""
    digests, size = file_digest(initrd, banks)
    if size:
        ev.append(Event(9, EV_IPL, b"leapboot: initrd", digests, "%s, %d bytes" % (initrd, size)))
    else:
        warnings.append("%s is empty: leapboot sees no initrd, so there is no initrd event" % initrd)


def predict(banks, rom, kernel, cmdline, version, initrd=None, fw_cfg_dir=None, arch="x86_64", form="bin",
            boot=None):
    """The events leapboot logs for these files, in log order. arch: "x86_64"
    or "arm64" (virt, where leapboot measures no fw_cfg file: PCR 1 holds only
    its separator); form: "bin" (-bios) or, on arm64, "Image" (-kernel).
    boot: for a unified kernel image, (events, warnings, os_events) from
    pcrlib.uki: its events replace those of kernel, initrd and cmdline, and
    os_events (systemd-stub's PCRs 11 and 12) follow the separators."""
    if arch not in ARCHES:
        raise PcrError("unknown architecture %r (%s)" % (arch, ", ".join(ARCHES)))
    if arch == "arm64" and fw_cfg_dir is not None:
        raise PcrError("arm64: leapboot measures no fw_cfg file (PCR 1 holds only its separator)")
    ev = []
    ev.append(measure_bytes(0, EV_S_CRTM_VERSION, b"leapboot " + version.encode(),
                            b"leapboot " + version.encode(), banks, "the event data"))
    ev.append(firmware_event(banks, rom, arch, form))
    fw = None
    if fw_cfg_dir is not None:
        fw = fw_cfg_events(fw_cfg_dir, banks)
        ev += fw
    if boot is not None:
        boot_ev, warnings, os_ev = boot
        ev += boot_ev
        ev += [measure_bytes(p, EV_SEPARATOR, SEPARATOR_DATA, SEPARATOR_DATA, banks, "the event data")
               for p in SEPARATOR_PCRS]
        return Prediction(list(banks), ev + os_ev, None, version,
                          None if fw is None else [e.data.decode() for e in fw], warnings)
    k = arm64.kernel_digest(kernel, banks) if arch == "arm64" else kernel_digest(kernel, banks)
    ev.append(Event(4, EV_IPL, b"leapboot: kernel", k.digests, "%s: %s" % (kernel, k.describe())))
    warnings = [k.warning] if k.warning else []
    if initrd is not None:
        initrd_event(ev, warnings, initrd, banks)
        if k.kind == "multiboot":
            warnings.append("a multiboot kernel's -initrd files are its modules, which leapboot does not "
                            "measure yet: with a TPM it stops with an error (docs/measured-boot.md, \"Not yet\")")
    cl = cmdline_bytes(cmdline)
    ev.append(measure_bytes(8, EV_IPL, cl, cl, banks, "the event data (%d bytes)" % len(cl)))
    for p in SEPARATOR_PCRS:
        ev.append(measure_bytes(p, EV_SEPARATOR, SEPARATOR_DATA, SEPARATOR_DATA, banks, "the event data"))
    return Prediction(list(banks), ev, k, version,
                      None if fw is None else [e.data.decode() for e in fw], warnings)
