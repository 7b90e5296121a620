"""What a kernel file is and where its first instruction will be.

bootbench recognises the kernel's entry from outside the guest: the fwcount
plugin stops at an address whose code bytes are the kernel's own (match=ADDR:HEX)
or, where the firmware chooses the load address, at any page offset OFF whose
bytes match (match=page+OFF:HEX). This module reads those facts from the file.
"""

import gzip
import struct
from dataclasses import dataclass, field

# Bytes of code compared at an entry: enough to tell the kernel from firmware.
SIG_LEN = 16


class KernelError(Exception):
    pass


@dataclass
class Entry:
    """One way the kernel may be entered: an exact address, or a page offset."""

    what: str  # e.g. "bzImage 64-bit entry"
    code: bytes
    addr: int = None  # exact linear address, or None for a floating match
    page_offset: int = None

    def plugin_arg(self):
        if self.addr is not None:
            return "match=0x%x:%s" % (self.addr, self.code.hex())
        return "match=page+0x%x:%s" % (self.page_offset, self.code.hex())


@dataclass
class Kernel:
    path: str
    kind: str  # "bzimage", "pvh", "multiboot", "arm64"
    arch: str  # "x86_64" or "aarch64"
    entries: list = field(default_factory=list)
    gzipped: bool = False  # the file is gzip-compressed (inspected decompressed)


def _u16(b, o):
    return struct.unpack_from("<H", b, o)[0]


def _u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def _u64(b, o):
    return struct.unpack_from("<Q", b, o)[0]


def _code(data, off, what):
    if off < 0 or off + 2 > len(data):
        raise KernelError("%s: entry code at file offset 0x%x is outside the file" % (what, off))
    return data[off : off + SIG_LEN]


def pe_entry(data):
    """(entry RVA, file offset of the entry) of a PE image, or None."""
    if len(data) < 0x40 or data[:2] != b"MZ":
        return None
    pe = _u32(data, 0x3C)
    if pe + 24 + 20 > len(data) or data[pe : pe + 4] != b"PE\0\0":
        return None
    nsect = _u16(data, pe + 6)
    opt_size = _u16(data, pe + 20)
    opt = pe + 24
    if opt + 20 > len(data):
        return None
    rva = _u32(data, opt + 16)
    sect = opt + opt_size
    for i in range(nsect):
        s = sect + 40 * i
        if s + 40 > len(data):
            break
        vsize, vaddr, rawsize, rawptr = struct.unpack_from("<IIII", data, s + 8)
        if vaddr <= rva < vaddr + max(vsize, rawsize):
            return rva, rawptr + (rva - vaddr)
    return None


def _add_efi_entry(k, data):
    """An EFI stub's entry: UEFI loads the image page-aligned where it likes."""
    pe = pe_entry(data)
    if pe:
        rva, off = pe
        k.entries.append(Entry("EFI stub entry", _code(data, off, "PE"), page_offset=rva & 0xFFF))


def _bzimage(path, data):
    setup_sects = data[0x1F1] or 4
    version = _u16(data, 0x206)
    pm = (setup_sects + 1) * 512
    code32 = _u32(data, 0x214) if version >= 0x200 else 0x100000
    pref = _u64(data, 0x258) if version >= 0x20A else 0x100000
    k = Kernel(path, "bzimage", "x86_64")
    setup_jmp = _code(data, 0x200, "bzImage")[:2]
    # The 16-bit setup entry, where SeaBIOS's linuxboot_dma and qboot put the setup.
    for seg in (0x10000, 0x90000):
        k.entries.append(Entry("bzImage 16-bit setup entry", setup_jmp, addr=seg + 0x200))
    start32 = _code(data, pm, "bzImage")
    start64 = _code(data, pm + 0x200, "bzImage")
    for base in sorted({pref, code32}):
        k.entries.append(Entry("bzImage 64-bit entry", start64, addr=base + 0x200))
        k.entries.append(Entry("bzImage 32-bit entry", start32, addr=base))
    # Relocated by the firmware: kernels are placed at least page-aligned.
    k.entries.append(Entry("bzImage 64-bit entry (relocated)", start64, page_offset=0x200))
    _add_efi_entry(k, data)
    return k


def _elf_notes(data):
    """([(name, type, desc)] of the PT_NOTE segments' notes, [(type, offset, paddr, filesz)] of the segments)."""
    cls = data[4]
    if cls == 2:
        phoff, = struct.unpack_from("<Q", data, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    else:
        phoff, = struct.unpack_from("<I", data, 0x1C)
        phentsize, phnum = struct.unpack_from("<HH", data, 0x2A)
    segs = []
    for i in range(phnum):
        p = phoff + i * phentsize
        if cls == 2:
            ptype, _, off, _, paddr, filesz = struct.unpack_from("<IIQQQQ", data, p)
        else:
            ptype, off, _, paddr, filesz = struct.unpack_from("<IIIII", data, p)
        segs.append((ptype, off, paddr, filesz))
    notes = []
    for ptype, off, _, filesz in segs:
        if ptype != 4:  # PT_NOTE
            continue
        pos, end = off, off + filesz
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
            name = data[pos + 12 : pos + 12 + namesz].rstrip(b"\0")
            dpos = pos + 12 + ((namesz + 3) & ~3)
            notes.append((name, ntype, data[dpos : dpos + descsz]))
            pos = dpos + ((descsz + 3) & ~3)
    return notes, segs


def _pvh(path, data):
    notes, segs = _elf_notes(data)
    entry = None
    for name, ntype, desc in notes:
        if name == b"Xen" and ntype == 18:  # XEN_ELFNOTE_PHYS32_ENTRY
            entry = int.from_bytes(desc[:8], "little") & 0xFFFFFFFF
    if entry is None:
        raise KernelError("%s: an ELF without a Xen PVH note (XEN_ELFNOTE_PHYS32_ENTRY)" % path)
    for ptype, off, paddr, filesz in segs:
        if ptype == 1 and paddr <= entry < paddr + filesz:
            code = _code(data, off + entry - paddr, "PVH")
            k = Kernel(path, "pvh", "x86_64")
            k.entries.append(Entry("PVH entry", code, addr=entry))
            return k
    raise KernelError("%s: the PVH entry 0x%x is in no loadable segment" % (path, entry))


MULTIBOOT_MAGIC = 0x1BADB002
MULTIBOOT_SEARCH = 8192  # the header lies within the file's first 8 KiB
MB_AOUT_KLUDGE = 0x10000  # load addresses in the header, not from the ELF


def multiboot_header(data):
    """(offset, flags, [header_addr, load_addr, load_end_addr, bss_end_addr,
    entry_addr]) of a multiboot v1 header (4-aligned in the first 8 KiB, magic,
    flags and checksum adding up to 0), or None; the five addresses are there
    (else None) when flags ask for the a.out kludge."""
    head = data[:MULTIBOOT_SEARCH]
    for off in range(0, len(head) - 11, 4):
        magic, flags, checksum = struct.unpack_from("<III", head, off)
        if magic != MULTIBOOT_MAGIC or (magic + flags + checksum) & 0xFFFFFFFF:
            continue
        if not flags & MB_AOUT_KLUDGE:
            return off, flags, None
        if off + 32 > len(head):
            return None  # the header's address fields are past the 8 KiB
        return off, flags, list(struct.unpack_from("<5I", head, off + 12))
    return None


def _multiboot(path, data, off, flags, addrs):
    """Where QEMU's -kernel (and then SeaBIOS's multiboot option ROM, or leapboot
    from fw_cfg) enters a multiboot kernel: entry_addr of the a.out kludge when
    the header asks for it, else the ELF's e_entry, made physical through its
    executable segment where that is linked elsewhere (QEMU's load_elf)."""
    k = Kernel(path, "multiboot", "x86_64")
    if addrs:
        header_addr, load_addr, load_end, _, entry = addrs
        if header_addr < load_addr or header_addr - load_addr > off:
            raise KernelError("%s: multiboot header_addr 0x%x does not fit load_addr 0x%x at file offset 0x%x"
                              % (path, header_addr, load_addr, off))
        text = off - (header_addr - load_addr)  # the file offset loaded at load_addr
        end = load_end if load_end else load_addr + len(data) - text
        if not load_addr <= entry < end:
            raise KernelError("%s: multiboot entry_addr 0x%x is outside the loaded 0x%x-0x%x"
                              % (path, entry, load_addr, end))
        k.entries.append(Entry("multiboot entry (a.out kludge)", _code(data, text + entry - load_addr, "multiboot"),
                               addr=entry))
        return k
    if data[:4] != b"\x7fELF":
        raise KernelError("%s: a multiboot header without load addresses (a.out kludge) in a file that is no ELF"
                          % path)
    if data[4] != 1:
        raise KernelError("%s: a 64-bit ELF with a multiboot header but no a.out kludge: QEMU loads only "
                          "32-bit ELF multiboot kernels" % path)
    entry, = struct.unpack_from("<I", data, 0x18)
    phoff, = struct.unpack_from("<I", data, 0x1C)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x2A)
    for i in range(phnum):
        ptype, poff, vaddr, paddr, filesz, _, pflags = struct.unpack_from("<7I", data, phoff + i * phentsize)
        if ptype == 1 and vaddr <= entry < vaddr + filesz:
            phys = entry - vaddr + paddr if pflags & 1 else entry  # PF_X
            k.entries.append(Entry("multiboot entry (ELF)", _code(data, poff + entry - vaddr, "multiboot"),
                                   addr=phys))
            return k
    raise KernelError("%s: the multiboot ELF's entry 0x%x is in no loadable segment" % (path, entry))


def _arm64(path, data):
    text_offset = _u64(data, 8)
    k = Kernel(path, "arm64", "aarch64")
    k.entries.append(Entry("arm64 Image entry", _code(data, 0, "Image"), page_offset=text_offset & 0xFFF))
    _add_efi_entry(k, data)
    return k


def inspect(path):
    """The Kernel in file path; KernelError says why it is not one bootbench knows."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise KernelError("%s: %s" % (path, e.strerror))
    gzipped = data[:2] == b"\x1f\x8b"
    if gzipped:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise KernelError("%s: not a readable gzip file (%s)" % (path, e))
    try:
        k = _kind(path, data)
    except (struct.error, IndexError):
        raise KernelError("%s: truncated kernel headers" % path)
    k.gzipped = gzipped
    return k


def _kind(path, data):
    # In QEMU's order for x86 -kernel: a bzImage, else a multiboot header (also
    # in an ELF), else a PVH ELF.
    if len(data) >= 0x268 and data[0x202:0x206] == b"HdrS":
        return _bzimage(path, data)
    mb = multiboot_header(data)
    if mb:
        return _multiboot(path, data, *mb)
    if data[:4] == b"\x7fELF":
        return _pvh(path, data)
    if len(data) >= 0x40 and data[0x38:0x3C] == b"ARM\x64":
        return _arm64(path, data)
    raise KernelError("%s: neither a bzImage, a PVH ELF nor an arm64 Image (nor a multiboot kernel)" % path)
