"""Unified kernel images (UKIs): systemd-stub's PE file with the kernel, its
initrd, command line and more as sections. The PCR 11 and PCR 12 events of a
UKI boot, and the events leapboot itself logs when it boots one.

PCR 11, systemd-stub's (src/boot/efi/stub.c, "measure all payload"): for each
section present, in the stub's fixed order, two EV_IPL events, both with the
section's name in UTF-16LE with its NUL as event data: the first extends the
digest of the name's ASCII bytes with their NUL, the second the digest of the
section's content, VirtualSize bytes as loaded (bytes beyond SizeOfRawData are
zeros in memory). Which sections the stub measures depends on its version,
read from the "#### LoaderInfo: systemd-stub VERSION ####" text in its
.sdmagic section (for the stub's own measurements, --as-stub, where the stub
has no such section, as Debian 12's arm64 stub, anywhere in the file; leapboot
reads .sdmagic only):

  systemd < 254    .linux .osrel .cmdline .initrd .splash .dtb .pcrpkey
  systemd 254-255  .linux .osrel .cmdline .initrd .splash .dtb .uname .sbat .pcrpkey
  systemd >= 256   .linux .osrel .cmdline .initrd .ucode .splash .dtb .uname .sbat .pcrpkey
  no version found as the newest

.pcrsig and .sdmagic are never measured. leapboot measures as the stub does,
plus a present .ucode at its systemd 256 place whatever the stub's version:
leapboot always hands .ucode to the kernel, so it is always measured
(ucode_always=False gives the stub's own measurements, as under UEFI).

PCR 12: a command line that overrides .cmdline (QEMU's -append: UEFI load
options, or leapboot's user command line) is mangled (each character up to
0x1F becomes a space, trailing spaces are dropped; one that is empty or starts
with a control character is ignored, as the stub ignores it) and extended as one EV_IPL
event whose data is the mangled text in UTF-16LE with its NUL, the digest that
of the same bytes. The SMBIOS type 11 string io.systemd.stub.kernel-cmdline-extra=
(systemd 254 and later) is a second such event, and is appended to the command
line after a space.

The events leapboot logs of its own for a UKI boot (leapboot_events):
  PCR 4  "leapboot: kernel" (EV_IPL): the digest of the .linux section's
         content, the same digest as PCR 11's .linux content event
  PCR 8  the command line as the kernel gets it (EV_IPL, as for any kernel):
         the override, else .cmdline (up to a NUL), mangled, then the SMBIOS
         extra after a space
  PCR 9  "leapboot: initrd" only for an initrd the user gives besides the UKI
         (-initrd, opt/leapboot/initrd); .initrd and .ucode are PCR 11's
"""

import re
import struct
from dataclasses import dataclass

from . import PcrError
from .events import EV_IPL, initrd_event, measure_bytes

SDMAGIC = re.compile(rb"#### LoaderInfo: systemd-stub ([^ \0]+) ####")
SMBIOS_EXTRA = "io.systemd.stub.kernel-cmdline-extra"

V252 = (".linux", ".osrel", ".cmdline", ".initrd", ".splash", ".dtb", ".pcrpkey")
V254 = (".linux", ".osrel", ".cmdline", ".initrd", ".splash", ".dtb", ".uname", ".sbat", ".pcrpkey")
V256 = (".linux", ".osrel", ".cmdline", ".initrd", ".ucode", ".splash", ".dtb", ".uname", ".sbat",
        ".pcrpkey")
KNOWN = V256 + (".pcrsig", ".sdmagic")
MACHINES = {0x8664: "x86_64", 0xAA64: "arm64", 0x014C: "ia32"}


def measured_sections(stub_major, ucode_always=True):
    """The sections measured into PCR 11, in order, by a stub of systemd
    stub_major (None: unknown, measures as the newest)."""
    if stub_major is None or stub_major >= 256:
        names = V256
    elif stub_major >= 254:
        names = V254
    else:
        names = V252
    if ucode_always and ".ucode" not in names:
        i = names.index(".initrd") + 1
        names = names[:i] + (".ucode",) + names[i:]
    return names


@dataclass
class Section:
    name: str
    virtual_size: int
    virtual_address: int
    raw_size: int
    raw_offset: int


class Uki:
    """A UKI's section table and stub version (PcrError if the file is not a PE
    image with a .linux section)."""

    def __init__(self, path):
        self.path = path
        try:
            with open(path, "rb") as f:
                self.data = f.read()
        except OSError as e:
            raise PcrError("--uki %s: %s" % (path, e.strerror or e)) from None
        self.sections = {}  # name -> Section; a repeated name: the last wins, as in systemd-stub
        self._parse()
        if ".linux" not in self.sections or not self.sections[".linux"].virtual_size:
            raise PcrError("--uki %s: a PE image without a .linux section: not a unified kernel image" % path)
        self.set_stub_version(*self._stub_version())

    def set_stub_version(self, version, source):
        """The stub's version ("252.39-1~deb12u2"; None: unknown) and where it was found."""
        self.stub_version, self.stub_version_from = version, source
        m = re.match(r"(\d+)", version or "")
        self.stub_major = int(m.group(1)) if m else None

    def _parse(self):
        d, p = self.data, self.path
        if len(d) < 0x40 or d[:2] != b"MZ":
            raise PcrError("--uki %s: not a PE image (no MZ header)" % p)
        pe = struct.unpack_from("<I", d, 0x3C)[0]
        if pe + 24 > len(d) or d[pe:pe + 4] != b"PE\0\0":
            raise PcrError("--uki %s: not a PE image (no PE signature at 0x%x)" % (p, pe))
        self.machine, count, _, _, _, opt_size, _ = struct.unpack_from("<HHIIIHH", d, pe + 4)
        table = pe + 24 + opt_size
        if table + 40 * count > len(d):
            raise PcrError("--uki %s: the section table (%d sections at 0x%x) runs past the file's end"
                           % (p, count, table))
        for i in range(count):
            raw_name, vsize, vaddr, rsize, roff = struct.unpack_from("<8sIIII", d, table + 40 * i)
            name = raw_name.rstrip(b"\0").decode("latin-1")
            if rsize and roff + rsize > len(d):
                raise PcrError("--uki %s: section %s (0x%x bytes at 0x%x) runs past the file's end (%d bytes)"
                               % (p, name, rsize, roff, len(d)))
            self.sections[name] = Section(name, vsize, vaddr, rsize, roff)

    def _stub_version(self):
        s = self.sections.get(".sdmagic")
        if s is not None:
            m = SDMAGIC.search(self.content(".sdmagic"))
            if m:
                return m.group(1).decode("latin-1"), ".sdmagic"
        m = SDMAGIC.search(self.data)
        if m:
            return m.group(1).decode("latin-1"), "the file (no .sdmagic section)"
        return None, None

    def content(self, name):
        """The section as systemd-stub sees it loaded: VirtualSize bytes, those
        beyond its raw data zero."""
        s = self.sections[name]
        raw = self.data[s.raw_offset:s.raw_offset + min(s.raw_size, s.virtual_size)]
        return raw + bytes(s.virtual_size - len(raw))

    def present(self, name):
        s = self.sections.get(name)
        return s is not None and s.virtual_size > 0

    def describe(self):
        v = self.stub_version or "unknown (measured as the newest)"
        return "%s: %s UKI, systemd-stub %s, sections %s" % (
            self.path, MACHINES.get(self.machine, "0x%04x" % self.machine), v,
            " ".join(n for n in self.sections if self.present(n)))


def _utf16z(text):
    return (text + "\0").encode("utf-16-le")


def pcr11_events(uki, banks, ucode_always=True):
    """PCR 11's events, in order."""
    ev = []
    for name in measured_sections(uki.stub_major, ucode_always):
        if not uki.present(name):
            continue
        label = _utf16z(name)
        ev.append(measure_bytes(11, EV_IPL, label, name.encode() + b"\0", banks,
                                "the section name %s with its NUL" % name))
        body = uki.content(name)
        ev.append(measure_bytes(11, EV_IPL, label, body, banks,
                                "the %s section (%d bytes)" % (name, len(body))))
    return ev


def override(append):
    """The command line override as systemd-stub takes it: none if it is empty
    or starts with a control character (use_load_options)."""
    if append is None or not append or ord(append[0]) <= 0x1F:
        return None
    return append


def mangle(text):
    """systemd-stub's mangle_stub_cmdline: control characters to spaces,
    trailing spaces dropped (and nothing from a NUL on)."""
    text = text.split("\0", 1)[0]
    return "".join(" " if ord(c) <= 0x1F else c for c in text).rstrip(" ")


def pcr12_events(banks, append=None, smbios_extra=None):
    """PCR 12's events: the override command line, then the SMBIOS extra."""
    ev = []
    for what, text in (("the command line override", override(append)), ("the SMBIOS %s" % SMBIOS_EXTRA, smbios_extra)):
        if text is None:
            continue
        u = _utf16z(mangle(text))
        ev.append(measure_bytes(12, EV_IPL, u, u, banks,
                                "%s, mangled, in UTF-16LE with its NUL (%d bytes)" % (what, len(u))))
    return ev


def final_cmdline(uki, append=None, smbios_extra=None):
    """The command line the kernel gets (bytes)."""
    if override(append) is not None:
        cl = mangle(append)
    elif uki.present(".cmdline"):
        cl = mangle(uki.content(".cmdline").decode("latin-1"))
    else:
        cl = ""
    if smbios_extra is not None:
        extra = mangle(smbios_extra)
        cl = cl + " " + extra if cl else extra
    return cl.encode("latin-1", errors="replace")


def leapboot_events(uki, banks, append=None, smbios_extra=None, initrd=None):
    """The events leapboot logs of its own (PCRs 4, 9 and 8, in log order) for a
    UKI boot, and warnings."""
    body = uki.content(".linux")
    ev = [measure_bytes(4, EV_IPL, b"leapboot: kernel", body, banks,
                        "%s: the .linux section (%d bytes)" % (uki.path, len(body)))]
    warnings = []
    if initrd is not None:
        initrd_event(ev, warnings, initrd, banks)
    cl = final_cmdline(uki, append, smbios_extra)
    ev.append(measure_bytes(8, EV_IPL, cl, cl, banks, "the event data (%d bytes)" % len(cl)))
    return ev, warnings
