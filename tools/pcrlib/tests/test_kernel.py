"""kernel: the kernel's digest: bzImage with QEMU's rewritten fields zeroed, a PVH
ELF's loaded span, anything else whole (docs/measured-boot.md)."""

import hashlib
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from pcrlib import PcrError, kernel  # noqa: E402
import synth  # noqa: E402

BANKS = ["sha1", "sha256", "sha384", "sha512"]


class Files(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.n = 0

    def digest(self, data, banks=("sha256",)):
        self.n += 1
        return kernel.kernel_digest(synth.write(self.dir.name, "k%d" % self.n, bytes(data)), list(banks))


class BzImage(Files):
    def test_measured_bytes_by_hand(self):
        b = synth.bzimage(protocol=0x20F, loadflags=0x41)
        want = bytearray(b)
        for off, n in synth.REWRITTEN + [synth.SETUP_DATA]:
            want[off:off + n] = bytes(n)
        want[0x211] = 0x41  # CAN_USE_HEAP (0x80) cleared, the other bits kept
        k = self.digest(b, BANKS)
        self.assertEqual(k.kind, "bzimage")
        self.assertEqual(k.detail, {"protocol": 0x20F, "setup_data_zeroed": True})
        for bank in BANKS:
            self.assertEqual(k.digests[bank], hashlib.new(bank, bytes(want)).digest(), bank)

    def test_each_rewritten_field_changed_same_digest(self):
        base = self.digest(synth.bzimage()).digests
        for off, n in synth.REWRITTEN + [synth.SETUP_DATA]:
            for value in (0x00, 0xFF, 0x5A):
                b = synth.bzimage()
                b[off:off + n] = bytes([value]) * n
                self.assertEqual(self.digest(b).digests, base, "field at 0x%x = 0x%02x" % (off, value))
        for heap in (0x00, 0x80):
            b = synth.bzimage()
            b[0x211] = (b[0x211] & 0x7F) | heap
            self.assertEqual(self.digest(b).digests, base, "CAN_USE_HEAP %d" % heap)

    def test_qemu_rewrite_all_at_once_same_digest(self):
        # What QEMU's -kernel does with -initrd, -append and vga=: all fields at once.
        b = synth.bzimage()
        a = synth.bzimage()
        a[0x1FA:0x1FC] = b"\xff\xff"
        a[0x210] = 0xB0
        a[0x211] |= 0x80
        a[0x218:0x220] = bytes.fromhex("0000f01f00801000")
        a[0x224:0x226] = b"\x00\xfe"
        a[0x228:0x22C] = bytes.fromhex("00000200")
        a[0x250:0x258] = bytes.fromhex("0010000000000000")
        self.assertEqual(self.digest(a).digests, self.digest(b).digests)

    def test_any_other_byte_changed_other_digest(self):
        rewritten = set()
        for off, n in synth.REWRITTEN + [synth.SETUP_DATA]:
            rewritten.update(range(off, off + n))
        base = self.digest(synth.bzimage()).digests
        size = len(synth.bzimage())
        # Every byte of the first 0x300 (boot sector, setup header), then a sample of the rest.
        for off in [o for o in range(0x300) if o not in rewritten] + list(range(0x300, size, 97)) + [size - 1]:
            b = synth.bzimage()
            b[off] ^= 0x01 if off != 0x211 else 0x40
            self.assertNotEqual(self.digest(b).digests, base, "byte 0x%x" % off)

    def test_other_loadflags_bits_kept(self):
        base = self.digest(synth.bzimage(loadflags=0x01)).digests
        for bit in range(7):
            b = synth.bzimage(loadflags=0x01)
            b[0x211] ^= 1 << bit
            self.assertNotEqual(self.digest(b).digests, base, "loadflags bit %d" % bit)

    def test_setup_data_only_from_protocol_2_09(self):
        for protocol, zeroed in ((0x208, False), (0x209, True), (0x20F, True), (0x202, False)):
            b = synth.bzimage(protocol=protocol)
            base = self.digest(b)
            self.assertEqual(base.detail["setup_data_zeroed"], zeroed, hex(protocol))
            b[0x250:0x258] = b"\x11" * 8
            changed = self.digest(b).digests != base.digests
            self.assertEqual(changed, not zeroed, "protocol 0x%x: setup_data bytes as setup code" % protocol)

    def test_truncated_header(self):
        # "HdrS" there but the file ends before cmd_line_ptr.
        with self.assertRaisesRegex(PcrError, r"truncated bzImage header: 544 bytes, the setup header needs 0x22c"):
            self.digest(synth.bzimage(size=0x220))
        # Protocol 2.09: setup_data must be there too.
        with self.assertRaisesRegex(PcrError, r"truncated bzImage header: 592 bytes, protocol 2.09's setup_data ends at 0x258"):
            self.digest(synth.bzimage(protocol=0x209, size=0x250))
        # Before 2.09 those bytes are not header: 0x22c bytes are enough.
        self.assertEqual(self.digest(synth.bzimage(protocol=0x208, size=0x22C)).kind, "bzimage")

    def test_too_short_for_the_magic_is_not_a_bzimage(self):
        b = synth.bzimage()[:0x205]
        k = self.digest(b)
        self.assertEqual(k.kind, "other")
        self.assertEqual(k.digests["sha256"], hashlib.sha256(b).digest())


# Two segments and a bss: A at 1 MiB (0x30 bytes, memsz 0x50), B 0x80 further on
# (0x20 bytes, memsz 0x40); file bytes of B before those of A.
A = bytes(range(0x40, 0x70))
B = bytes(range(0xA0, 0xC0))
BODY = B + bytes(0x10) + A
SEGS = [(0x200 + 0x30, 0x100000, 0x30, 0x50), (0x200, 0x100080, 0x20, 0x40)]
SPAN = A + bytes(0x20) + bytes(0x30) + B + bytes(0x20)


class Pvh(Files):
    def test_span_two_segments_and_bss(self):
        for cls in (1, 2):
            k = self.digest(synth.elf(SEGS, cls=cls, body=BODY, notes=synth.pvh_note()), BANKS)
            self.assertEqual(k.kind, "pvh", "ELF%d" % (32 * cls))
            self.assertEqual((k.detail["span_start"], k.detail["span_end"]), (0x100000, 0x1000C0))
            self.assertEqual(k.detail["elf_class"], 32 * cls)
            for bank in BANKS:
                self.assertEqual(k.digests[bank], hashlib.new(bank, SPAN).digest(), "ELF%d %s" % (32 * cls, bank))

    def test_segment_order_and_vaddr_do_not_matter(self):
        a = self.digest(synth.elf(SEGS, body=BODY, notes=synth.pvh_note()))
        b = self.digest(synth.elf(SEGS[::-1], body=BODY, notes=synth.pvh_note()))
        self.assertEqual(a.digests, b.digests)

    def test_bytes_outside_the_segments_not_measured(self):
        a = self.digest(synth.elf(SEGS, body=BODY, notes=synth.pvh_note()))
        b = self.digest(synth.elf(SEGS, body=B + b"\xee" * 0x10 + A, notes=synth.pvh_note()))
        self.assertEqual(a.digests, b.digests)
        c = self.digest(synth.elf(SEGS, body=B + bytes(0x10) + A[:-1] + b"\0", notes=synth.pvh_note()))
        self.assertNotEqual(a.digests, c.digests)

    def test_empty_segment_ignored(self):
        segs = SEGS + [(0x200, 0x8000, 0, 0)]
        k = self.digest(synth.elf(segs, body=BODY, notes=synth.pvh_note()))
        self.assertEqual(k.digests["sha256"], hashlib.sha256(SPAN).digest())

    def test_note_after_another_note(self):
        notes = synth.pvh_note(ntype=6, name=b"Linux\0") + synth.pvh_note(descsz=8)
        k = self.digest(synth.elf(SEGS, body=BODY, notes=notes))
        self.assertEqual(k.kind, "pvh")

    def test_without_pvh_note_whole_file(self):
        for notes in (None, synth.pvh_note(ntype=17), synth.pvh_note(name=b"Lnx\0"), synth.pvh_note(descsz=2)):
            data = synth.elf(SEGS, body=BODY, notes=notes)
            k = self.digest(data)
            self.assertEqual(k.kind, "other")
            self.assertEqual(k.digests["sha256"], hashlib.sha256(data).digest())
            self.assertIn("not a PVH kernel", k.warning)

    def test_multiboot_before_pvh(self):
        # QEMU's and leapboot's order: a multiboot header makes it a multiboot kernel.
        mb = synth.struct.pack("<III", 0x1BADB002, 0x3, -(0x1BADB002 + 0x3) & 0xFFFFFFFF)
        data = synth.elf(SEGS, body=BODY + mb, notes=synth.pvh_note())
        k = self.digest(data)
        self.assertEqual((k.kind, k.detail["header_offset"]), ("multiboot", 0x200 + len(BODY)))
        self.assertEqual(k.digests["sha256"], hashlib.sha256(data).digest())
        bad = synth.struct.pack("<III", 0x1BADB002, 0x3, 0)  # checksum wrong: not a header
        self.assertEqual(self.digest(synth.elf(SEGS, body=BODY + bad, notes=synth.pvh_note())).kind, "pvh")

    def test_no_pt_load(self):
        with self.assertRaisesRegex(PcrError, "ELF without a PT_LOAD segment"):
            self.digest(synth.elf([], body=BODY, notes=synth.pvh_note()))

    def test_malformed(self):
        with self.assertRaisesRegex(PcrError, "passes the end of the file"):
            self.digest(synth.elf([(0x200, 0x100000, 0x1000, 0x1000)], body=BODY, notes=synth.pvh_note()))
        with self.assertRaisesRegex(PcrError, "p_memsz 0x10 is less than p_filesz 0x20"):
            self.digest(synth.elf([(0x200, 0x100000, 0x20, 0x10)], body=BODY, notes=synth.pvh_note()))
        with self.assertRaisesRegex(PcrError, "overlaps"):
            self.digest(synth.elf([(0x200, 0x100000, 0x20, 0x40), (0x200, 0x100030, 0x10, 0x10)],
                                  body=BODY, notes=synth.pvh_note()))
        with self.assertRaisesRegex(PcrError, "ends above 4 GiB"):
            self.digest(synth.elf([(0x200, 0xFFFFFFF0, 0x20, 0x20)], body=BODY, notes=synth.pvh_note()))
        with self.assertRaisesRegex(PcrError, "program headers .* pass the end of the file"):
            self.digest(synth.elf(SEGS, body=BODY, notes=synth.pvh_note())[:0x60])


class Other(Files):
    def test_whole_file(self):
        data = b"not a kernel\n" * 100
        k = self.digest(data, BANKS)
        self.assertEqual(k.kind, "other")
        self.assertIn("leapboot will refuse it", k.warning)
        for bank in BANKS:
            self.assertEqual(k.digests[bank], hashlib.new(bank, data).digest())

    def test_missing_file(self):
        with self.assertRaisesRegex(PcrError, "No such file"):
            kernel.kernel_digest(os.path.join(self.dir.name, "absent"), ["sha256"])


if __name__ == "__main__":
    unittest.main()
