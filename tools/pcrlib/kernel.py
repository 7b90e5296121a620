"""The kernel's digest (docs/measured-boot.md, "The kernel's digest").

It does not depend on the route the kernel takes to leapboot (QEMU's -kernel or
opt/leapboot/kernel), so it is computed from the file alone:

- bzImage ("HdrS" at 0x202): the whole file with the setup header fields that
  QEMU's -kernel rewrites taken as zero;
- PVH ELF (a PT_NOTE with Xen's XEN_ELFNOTE_PHYS32_ENTRY): the loaded span of
  its PT_LOAD segments, file bytes at their place and zeros elsewhere;
- anything else (a multiboot kernel, ...): the whole file.

The kinds are told apart in leapboot's and QEMU's order: bzImage, then a
multiboot header, then ELF.
"""

import struct
from dataclasses import dataclass, field

from . import PcrError
from .pcr import Hashes

CHUNK = 1 << 20
ZEROS = bytes(CHUNK)

# bzImage: the boot protocol's setup header (Documentation/arch/x86/boot.rst).
HDRS_OFFSET = 0x202
HDRS = b"HdrS"
VERSION_OFFSET = 0x206
# (offset, length) of the fields QEMU's -kernel rewrites, always zeroed.
BZ_ZEROED = (
    (0x1FA, 2),  # vid_mode (vga=)
    (0x210, 1),  # type_of_loader
    (0x218, 8),  # ramdisk_image, ramdisk_size
    (0x224, 2),  # heap_end_ptr
    (0x228, 4),  # cmd_line_ptr
)
LOADFLAGS = 0x211
CAN_USE_HEAP = 0x80
SETUP_DATA = (0x250, 8)  # protocol 2.09 and later; setup code before
SETUP_DATA_PROTOCOL = 0x209
# leapboot takes a file as a bzImage only if it has the bytes up to the magic.
BZ_MIN_DETECT = 0x206
BZ_HEAD = 0x22C  # the header bytes every bzImage must have: up to cmd_line_ptr's end

MULTIBOOT_MAGIC = 0x1BADB002
MULTIBOOT_SEARCH = 8192

PT_LOAD = 1
PT_NOTE = 4
XEN_ELFNOTE_PHYS32_ENTRY = 18
FOUR_GIB = 1 << 32


@dataclass
class KernelDigest:
    path: str
    kind: str  # "bzimage", "pvh", "multiboot", "other"; arm64: "arm64-image", "arm64-image-gz"
    size: int  # the file's size
    digests: dict  # bank -> digest
    detail: dict = field(default_factory=dict)  # bzimage: protocol; pvh: span
    warning: str = None  # leapboot would refuse this kernel

    def describe(self):
        d = self.detail
        if self.kind == "bzimage":
            return "bzImage, boot protocol %d.%02d, %d bytes, setup header fields zeroed%s" % (
                d["protocol"] >> 8, d["protocol"] & 0xFF, self.size,
                " (setup_data too)" if d["setup_data_zeroed"] else "")
        if self.kind == "pvh":
            return "PVH ELF%d, loaded span 0x%x-0x%x (%d bytes) from %d PT_LOAD segments" % (
                d["elf_class"], d["span_start"], d["span_end"], d["span_end"] - d["span_start"],
                d["segments"])
        if self.kind == "arm64-image":
            return "arm64 Image, the whole file, %d bytes" % self.size
        if self.kind == "arm64-image-gz":
            return "arm64 Image.gz of %d bytes, by the Image it inflates to, %d bytes" % (
                self.size, d["inflated_size"])
        if self.kind == "multiboot":
            return "multiboot kernel (header at 0x%x), the whole file, %d bytes" % (d["header_offset"], self.size)
        return "the whole file, %d bytes" % self.size


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise PcrError("%s: %s" % (path, e.strerror or e)) from None


def _u16(b, o):
    return struct.unpack_from("<H", b, o)[0]


def _u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def is_bzimage(data):
    return len(data) >= BZ_MIN_DETECT and data[HDRS_OFFSET:HDRS_OFFSET + 4] == HDRS


def multiboot_header(data):
    """The offset of a multiboot v1 header (magic, flags, checksum summing to 0,
    4-byte aligned in the first 8 KiB), or None."""
    n = min(len(data), MULTIBOOT_SEARCH)
    magic = struct.pack("<I", MULTIBOOT_MAGIC)
    i = data.find(magic, 0, n)
    while i >= 0:
        if i % 4 == 0 and i + 12 <= n:
            flags, check = struct.unpack_from("<II", data, i + 4)
            if (MULTIBOOT_MAGIC + flags + check) & 0xFFFFFFFF == 0:
                return i
        i = data.find(magic, i + 1, n)
    return None


def bzimage_measured(data, path="kernel"):
    """The bzImage as measured: a copy of data with the rewritten fields zeroed.
    Returns (bytes, protocol, setup_data_zeroed)."""
    if len(data) < BZ_HEAD:
        raise PcrError("%s: truncated bzImage header: %d bytes, the setup header needs 0x%x"
                       % (path, len(data), BZ_HEAD))
    protocol = _u16(data, VERSION_OFFSET)
    fields = list(BZ_ZEROED)
    with_setup_data = protocol >= SETUP_DATA_PROTOCOL
    if with_setup_data:
        end = SETUP_DATA[0] + SETUP_DATA[1]
        if len(data) < end:
            raise PcrError("%s: truncated bzImage header: %d bytes, protocol %d.%02d's setup_data "
                           "ends at 0x%x" % (path, len(data), protocol >> 8, protocol & 0xFF, end))
        fields.append(SETUP_DATA)
    m = bytearray(data)
    for off, n in fields:
        m[off:off + n] = bytes(n)
    m[LOADFLAGS] &= ~CAN_USE_HEAP & 0xFF
    return bytes(m), protocol, with_setup_data


@dataclass
class Segment:
    offset: int
    paddr: int
    filesz: int
    memsz: int


class NotPvh(Exception):
    """An ELF leapboot would not take as PVH (it is measured as the whole file)."""


def elf_segments(data, path="kernel"):
    """(class 32 or 64, PT_LOAD segments, PT_NOTE (offset, size) pairs) of a
    little-endian ELF. Errors where leapboot's elf_parse refuses the file; NotPvh
    for an ELF it does not read at all (not little-endian, unknown class)."""
    if len(data) < 0x34:
        raise PcrError("%s: truncated ELF header (%d bytes)" % (path, len(data)))
    cls, endian = data[4], data[5]
    if endian != 1 or cls not in (1, 2):
        raise NotPvh("not a little-endian ELF32 or ELF64 (class %d, data %d)" % (cls, endian))
    if cls == 2:
        if len(data) < 0x40:
            raise PcrError("%s: truncated ELF64 header (%d bytes)" % (path, len(data)))
        phoff, = struct.unpack_from("<Q", data, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
        want, fmt = 0x38, "<IIQQQQQQ"
    else:
        phoff = _u32(data, 0x1C)
        phentsize, phnum = struct.unpack_from("<HH", data, 0x2A)
        want, fmt = 0x20, "<IIIIIIII"
    if phentsize != want or phnum == 0:
        raise PcrError("%s: bad ELF program headers: %d of %d bytes (ELF%d's are %d)"
                       % (path, phnum, phentsize, 32 * cls, want))
    if phoff > len(data) or phnum * want > len(data) - phoff:
        raise PcrError("%s: ELF program headers at 0x%x (%d of them) pass the end of the file (%d bytes)"
                       % (path, phoff, phnum, len(data)))
    loads, notes = [], []
    for i in range(phnum):
        f = struct.unpack_from(fmt, data, phoff + i * want)
        if cls == 2:
            ptype, _flags, offset, _vaddr, paddr, filesz, memsz, _align = f
        else:
            ptype, offset, _vaddr, paddr, filesz, memsz, _flags, _align = f
        if ptype not in (PT_LOAD, PT_NOTE):
            continue
        if offset > len(data) or filesz > len(data) - offset:
            raise PcrError("%s: ELF segment %d (file bytes 0x%x+0x%x) passes the end of the file (%d bytes)"
                           % (path, i, offset, filesz, len(data)))
        if ptype == PT_NOTE:
            notes.append((offset, filesz))
            continue
        if memsz < filesz:
            raise PcrError("%s: ELF segment %d: p_memsz 0x%x is less than p_filesz 0x%x" % (path, i, memsz, filesz))
        if memsz == 0:
            continue
        if paddr + memsz > 1 << 64:
            raise PcrError("%s: ELF segment %d at 0x%x wraps around" % (path, i, paddr))
        for o in loads:
            if paddr < o.paddr + o.memsz and o.paddr < paddr + memsz:
                raise PcrError("%s: ELF segment %d at 0x%x overlaps the one at 0x%x" % (path, i, paddr, o.paddr))
        loads.append(Segment(offset, paddr, filesz, memsz))
    if not loads:
        raise PcrError("%s: ELF without a PT_LOAD segment (nothing to load)" % path)
    return 32 * cls, loads, notes


def _align4(n):
    return (n + 3) & ~3


def has_pvh_note(data, notes):
    """Whether a PT_NOTE holds a note named "Xen" of type XEN_ELFNOTE_PHYS32_ENTRY
    with a 32-bit entry; (False, why) if not."""
    why = "no Xen PVH note (XEN_ELFNOTE_PHYS32_ENTRY)"
    for offset, size in notes:
        seg = data[offset:offset + size]
        off = 0
        while len(seg) - off >= 12:
            namesz, descsz, ntype = struct.unpack_from("<III", seg, off)
            name = off + 12
            desc = name + _align4(namesz)
            nxt = desc + _align4(descsz)
            if desc > len(seg) or nxt > len(seg):
                why = "a malformed note at 0x%x" % (offset + off)
                break
            if ntype == XEN_ELFNOTE_PHYS32_ENTRY and namesz == 4 and seg[name:name + 4] == b"Xen\0":
                if descsz < 4:
                    why = "a Xen PVH note at 0x%x without a 32-bit entry" % (offset + off)
                    break
                return True, None
            off = nxt
    return False, why


def _hash_zeros(hashes, size):
    while size:
        n = min(size, CHUNK)
        hashes.update(ZEROS[:n])
        size -= n


def pvh_span(path, data, loads, banks):
    """The digests of the loaded span, and (lo, hi)."""
    loads = sorted(loads, key=lambda s: s.paddr)
    lo = loads[0].paddr
    hi = max(s.paddr + s.memsz for s in loads)
    if hi > FOUR_GIB:
        raise PcrError("%s: PVH ELF span 0x%x-0x%x ends above 4 GiB (the PVH entry is 32-bit)" % (path, lo, hi))
    hashes = Hashes(banks)
    at = lo
    mv = memoryview(data)
    for s in loads:
        _hash_zeros(hashes, s.paddr - at)
        for i in range(s.offset, s.offset + s.filesz, CHUNK):
            hashes.update(mv[i:min(i + CHUNK, s.offset + s.filesz)])
        _hash_zeros(hashes, s.memsz - s.filesz)
        at = s.paddr + s.memsz
    return hashes.digests(), lo, hi


def kernel_digest(path, banks):
    """The kernel's digest in each bank, and what kind of file it is."""
    data = _read(path)
    size = len(data)
    if is_bzimage(data):
        measured, protocol, sd = bzimage_measured(data, path)
        h = Hashes(banks)
        h.update(measured)
        return KernelDigest(path, "bzimage", size, h.digests(), {"protocol": protocol, "setup_data_zeroed": sd})
    mb = multiboot_header(data)
    if mb is not None:
        h = Hashes(banks)
        h.update(data)
        return KernelDigest(path, "multiboot", size, h.digests(), {"header_offset": mb})
    warning = None
    if data[:4] == b"\x7fELF":
        try:
            cls, loads, notes = elf_segments(data, path)
            pvh, why = has_pvh_note(data, notes)
            if not pvh:
                raise NotPvh(why)
        except NotPvh as e:
            warning = "an ELF that is not a PVH kernel (%s): measured as the whole file; leapboot will refuse it" % e
        else:
            digests, lo, hi = pvh_span(path, data, loads, banks)
            return KernelDigest(path, "pvh", size, digests,
                                {"elf_class": cls, "span_start": lo, "span_end": hi, "segments": len(loads)})
    else:
        warning = ("neither a bzImage, a multiboot kernel nor a PVH ELF: measured as the whole file; "
                   "leapboot will refuse it")
    h = Hashes(banks)
    h.update(data)
    return KernelDigest(path, "other", size, h.digests(), warning=warning)


def file_digest(path, banks):
    """H(the file) per bank, read in chunks; (digests, size)."""
    h = Hashes(banks)
    size = 0
    try:
        with open(path, "rb") as f:
            for b in iter(lambda: f.read(CHUNK), b""):
                h.update(b)
                size += len(b)
    except OSError as e:
        raise PcrError("%s: %s" % (path, e.strerror or e)) from None
    return h.digests(), size
