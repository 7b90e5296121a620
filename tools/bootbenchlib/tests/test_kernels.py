"""kernels: the multiboot v1 kind (header, ELF and a.out-kludge entries) beside the others."""

import gzip
import os
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from bootbenchlib import kernels  # noqa: E402

MAGIC = 0x1BADB002
KLUDGE = 0x10000
CODE = bytes(range(0x90, 0xA0))  # 16 bytes that stand for the entry's code


def mb_header(flags, addrs=(), checksum=None):
    """A multiboot v1 header: magic, flags, checksum (right unless given), a.out fields."""
    if checksum is None:
        checksum = -(MAGIC + flags) & 0xFFFFFFFF
    return struct.pack("<III", MAGIC, flags, checksum) + struct.pack("<%dI" % len(addrs), *addrs)


def elf32(entry, segs, body, cls=1):
    """An ELF (32-bit, or cls=2: 64-bit) with PT_LOAD segments (offset, vaddr,
    paddr, filesz, flags) over body, which starts at file offset 0x100."""
    if cls == 1:
        eh = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
        eh += struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, entry, 0x34, 0, 0, 0x34, 0x20, len(segs), 0, 0, 0)
        ph = b"".join(struct.pack("<8I", 1, off, v, p, n, n, fl, 4) for off, v, p, n, fl in segs)
    else:
        eh = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
        eh += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, entry, 0x40, 0, 0, 0x40, 0x38, len(segs), 0, 0, 0)
        ph = b"".join(struct.pack("<IIQQQQQQ", 1, fl, off, v, p, n, n, 8) for off, v, p, n, fl in segs)
    head = eh + ph
    return head + bytes(0x100 - len(head)) + body


class Files(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def inspect(self, data, name="k", gz=False):
        path = os.path.join(self.dir.name, name)
        with open(path, "wb") as f:
            f.write(gzip.compress(data) if gz else data)
        return kernels.inspect(path)

    def not_it(self, data, msg):
        with self.assertRaisesRegex(kernels.KernelError, msg):
            self.inspect(data)


class MultibootElf(Files):
    # Xen's shape: a jump at the entry, the header 8 bytes after it, one
    # executable segment linked where it loads.
    BODY = CODE[:8] + mb_header(0x3) + CODE

    def test_entry_from_e_entry(self):
        k = self.inspect(elf32(0x200000, [(0x100, 0x200000, 0x200000, len(self.BODY), 7)], self.BODY))
        self.assertEqual((k.kind, k.arch, k.gzipped), ("multiboot", "x86_64", False))
        self.assertEqual(len(k.entries), 1)
        e = k.entries[0]
        self.assertEqual((e.what, e.addr, e.code), ("multiboot entry (ELF)", 0x200000, self.BODY[:16]))
        self.assertEqual(e.plugin_arg(), "match=0x200000:" + self.BODY[:16].hex())

    def test_entry_inside_the_segment(self):
        k = self.inspect(elf32(0x200020, [(0x100, 0x200000, 0x200000, len(self.BODY), 5)], self.BODY))
        self.assertEqual((k.entries[0].addr, k.entries[0].code), (0x200020, self.BODY[0x20:0x30]))

    def test_virtual_entry_made_physical_as_qemu_does(self):
        # Linked high, loaded at 2 MiB: QEMU's load_elf enters at the physical address.
        elf = elf32(0xC0200000, [(0x100, 0xC0200000, 0x200000, len(self.BODY), 5)], self.BODY)
        self.assertEqual(self.inspect(elf).entries[0].addr, 0x200000)
        # ... but only through an executable segment.
        elf = elf32(0xC0200000, [(0x100, 0xC0200000, 0x200000, len(self.BODY), 6)], self.BODY)
        self.assertEqual(self.inspect(elf).entries[0].addr, 0xC0200000)

    def test_gzipped(self):
        k = self.inspect(elf32(0x200000, [(0x100, 0x200000, 0x200000, len(self.BODY), 5)], self.BODY), gz=True)
        self.assertEqual((k.kind, k.gzipped, k.entries[0].addr), ("multiboot", True, 0x200000))

    def test_entry_in_no_segment(self):
        self.not_it(elf32(0x300000, [(0x100, 0x200000, 0x200000, len(self.BODY), 5)], self.BODY),
                    "entry 0x300000 is in no loadable segment")

    def test_64_bit_elf_without_kludge(self):
        self.not_it(elf32(0x200000, [(0x100, 0x200000, 0x200000, len(self.BODY), 5)], self.BODY, cls=2),
                    "QEMU loads only 32-bit ELF multiboot kernels")

    def test_header_before_a_pvh_note(self):
        # QEMU's order: multiboot before PVH; an ELF without the header and the
        # note is what it was before.
        plain = CODE[:8] + bytes(12) + CODE
        self.not_it(elf32(0x200000, [(0x100, 0x200000, 0x200000, len(plain), 5)], plain),
                    "without a Xen PVH note")


class MultibootAout(Files):
    def image(self, entry=0x100010, load_end=0, flags=KLUDGE | 0x2, at=0x20):
        """A flat image: header at file offset at, the file loaded at 1 MiB
        from offset 0 (header_addr = 1 MiB + at)."""
        hdr = mb_header(flags, (0x100000 + at, 0x100000, load_end, 0, entry))
        data = bytearray(0x400)
        data[at : at + len(hdr)] = hdr
        data[0x200:0x210] = CODE
        data[0x10:0x20] = CODE[::-1]
        return bytes(data)

    def test_entry_addr(self):
        k = self.inspect(self.image())
        e = k.entries[0]
        self.assertEqual((k.kind, e.what, e.addr), ("multiboot", "multiboot entry (a.out kludge)", 0x100010))
        self.assertEqual(e.code, CODE[::-1])
        self.assertEqual(self.inspect(self.image(entry=0x100200)).entries[0].code, CODE)

    def test_text_after_the_file_start(self):
        # header_addr - load_addr smaller than the header's offset: the loaded
        # text starts 0x10 bytes into the file.
        hdr = mb_header(KLUDGE, (0x100010, 0x100000, 0, 0, 0x100100))
        data = bytearray(0x400)
        data[0x20 : 0x20 + len(hdr)] = hdr
        data[0x110:0x120] = CODE
        self.assertEqual(self.inspect(bytes(data)).entries[0].code, CODE)

    def test_kludge_wins_in_an_elf(self):
        # Bit 16 set: QEMU takes the header's addresses, not the ELF's.
        # The whole file loads at 1 MiB (its header at file offset 0x100).
        hdr = mb_header(KLUDGE, (0x100000 + 0x100, 0x100000, 0, 0, 0x100140))
        body = hdr + bytes(0x40 - len(hdr)) + CODE
        k = self.inspect(elf32(0x5000, [(0x100, 0x5000, 0x5000, len(body), 5)], body))
        self.assertEqual((k.entries[0].what, k.entries[0].addr, k.entries[0].code),
                         ("multiboot entry (a.out kludge)", 0x100140, CODE))

    def test_entry_outside_the_image(self):
        self.not_it(self.image(entry=0x100500), "entry_addr 0x100500 is outside the loaded 0x100000-0x100400")
        self.not_it(self.image(entry=0x100300, load_end=0x100100), "entry_addr 0x100300 is outside")
        self.not_it(self.image(entry=0xFF000), "outside")

    def test_header_addr_before_load_addr(self):
        hdr = mb_header(KLUDGE, (0xFF000, 0x100000, 0, 0, 0x100000))
        self.not_it(hdr + bytes(0x100), "header_addr 0xff000 does not fit load_addr 0x100000")

    def test_flat_without_kludge(self):
        self.not_it(mb_header(0x3) + bytes(0x100), "without load addresses .* no ELF")


class NotMultiboot(Files):
    def test_bad_checksum(self):
        body = CODE[:8] + mb_header(0x3, checksum=0x12345678) + CODE
        self.not_it(elf32(0x200000, [(0x100, 0x200000, 0x200000, len(body), 5)], body), "without a Xen PVH note")
        self.not_it(mb_header(KLUDGE, (0x100000, 0x100000, 0, 0, 0x100000), checksum=1) + bytes(0x100),
                    "neither a bzImage, .*nor a multiboot kernel")

    def test_not_4_aligned(self):
        self.not_it(bytes(2) + mb_header(KLUDGE, (0x100002, 0x100000, 0, 0, 0x100000)) + bytes(0x100),
                    "neither a bzImage, .*nor a multiboot kernel")

    def test_past_8_kib(self):
        def at(off):
            return bytes(off) + mb_header(KLUDGE, (0x100000 + off, 0x100000, 0, 0, 0x100000)) + bytes(0x100)

        self.not_it(at(8192), "neither")
        # Its a.out fields must be in the 8 KiB too.
        self.not_it(at(8192 - 16), "neither")
        self.assertEqual(self.inspect(at(8192 - 32)).kind, "multiboot")

    def test_bzimage_first(self):
        # A bzImage that happens to carry a multiboot header stays a bzImage (QEMU's order).
        data = bytearray(0x1000)
        data[0x1F1] = 1
        data[0x202:0x206] = b"HdrS"
        data[0x206:0x208] = struct.pack("<H", 0x20F)
        hdr = mb_header(KLUDGE, (0x100800, 0x100000, 0, 0, 0x100000))
        data[0x800 : 0x800 + len(hdr)] = hdr
        self.assertEqual(self.inspect(bytes(data)).kind, "bzimage")


if __name__ == "__main__":
    unittest.main()
