"""Synthetic files for the tests: bzImages, ELFs (PVH or not), ROMs, fw_cfg
dumps, and TCG event logs written here with struct, not with pcrlib."""

import os
import struct

TOOLS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(TOOLS, "leapboot-pcr")

# bzImage setup header fields QEMU's -kernel rewrites (offset, size); loadflags apart.
REWRITTEN = [(0x1FA, 2), (0x210, 1), (0x218, 8), (0x224, 2), (0x228, 4)]
SETUP_DATA = (0x250, 8)


def bzimage(protocol=0x20F, size=0x1400, loadflags=0x01):
    """A bzImage-shaped file: a patterned body, "HdrS" at 0x202, the protocol
    at 0x206, and nonzero values in every field QEMU rewrites."""
    b = bytearray((i * 7 + 3) & 0xFF for i in range(size))
    b[0x1F1] = 4  # setup_sects
    b[0x1FE:0x200] = b"\x55\xaa"
    b[0x201] = 0x6A  # the jump: header up to 0x26c
    b[0x202:0x206] = b"HdrS"
    b[0x206:0x208] = struct.pack("<H", protocol)
    b[0x211] = loadflags | 0x80
    return b


def pvh_note(entry=0x1000400, ntype=18, name=b"Xen\0", descsz=4):
    desc = struct.pack("<I", entry) + bytes(max(0, descsz - 4))
    desc = desc[:descsz]
    pad = lambda x: x + bytes(-len(x) % 4)  # noqa: E731
    return struct.pack("<III", len(name), len(desc), ntype) + pad(name) + pad(desc)


def elf(segments, cls=2, notes=None, body_at=0x200, body=b"", extra_phdrs=()):
    """An ELF (cls 1: ELF32, 2: ELF64) with PT_LOAD segments (offset, paddr,
    filesz, memsz) over body placed at file offset body_at, a PT_NOTE segment
    with notes (bytes) after the body if given, and extra (type, offset, filesz)
    program headers."""
    phdrs = [(1, off, pa, fs, ms) for off, pa, fs, ms in segments]
    data = bytearray(body_at) + body
    if notes is not None:
        noff = len(data)
        data += notes
        phdrs.append((4, noff, 0, len(notes), len(notes)))
    phdrs += [(t, off, 0, fs, fs) for t, off, fs in extra_phdrs]
    if cls == 2:
        eh = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
        eh += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0x1000000, 0x40, 0, 0, 0x40, 0x38, len(phdrs), 0, 0, 0)
        ph = b"".join(struct.pack("<IIQQQQQQ", t, 7, off, pa | 0xFFFFFFFF80000000, pa, fs, ms, 4)
                      for t, off, pa, fs, ms in phdrs)
    else:
        eh = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
        eh += struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, 0x100000, 0x34, 0, 0, 0x34, 0x20, len(phdrs), 0, 0, 0)
        ph = b"".join(struct.pack("<8I", t, off, pa | 0xC0000000, pa, fs, ms, 7, 4) for t, off, pa, fs, ms in phdrs)
    head = eh + ph
    assert len(head) <= body_at
    data[:len(head)] = head
    return bytes(data)


def write(dirname, name, data):
    path = os.path.join(dirname, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


ALGS = {"sha1": (0x0004, 20), "sha256": (0x000B, 32), "sha384": (0x000C, 48), "sha512": (0x000D, 64)}


def spec_id_header(banks, vendor=b""):
    body = b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, len(banks))
    body += b"".join(struct.pack("<HH", *ALGS[b]) for b in banks) + bytes([len(vendor)]) + vendor
    return struct.pack("<II20sI", 0, 3, bytes(20), len(body)) + body


def log_event(pcr, etype, data, digests):
    """One TCG_PCR_EVENT2; digests: [(bank, digest bytes)] in order."""
    out = struct.pack("<III", pcr, etype, len(digests))
    out += b"".join(struct.pack("<H", ALGS[b][0]) + d for b, d in digests)
    return out + struct.pack("<I", len(data)) + data
