"""tools/leapboot-pcr --uki (pcrlib/uki.py) on synthetic unified kernel images:
the section table, the stub's version and its section lists, PCR 11 and 12 by
hand, leapboot's own events and the command line's checks. The real stub's
measurements are checked under OVMF and against systemd-measure in
tests/uki-ovmf.bats."""

import hashlib
import json
import os
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from pcrlib import PcrError, uki  # noqa: E402
from test_cli import run  # noqa: E402  (leapboot-pcr in-process: status, stdout, stderr)

MAGIC = b"#### LoaderInfo: systemd-stub %s ####"


def pe(sections, machine=0x8664):
    """A PE32+ file with the sections (name, content[, virtual_size]) one after
    another from 0x400, each padded to 0x200."""
    count = len(sections)
    hdr = bytearray(0x400)
    hdr[0:2] = b"MZ"
    struct.pack_into("<I", hdr, 0x3C, 0x40)
    hdr[0x40:0x44] = b"PE\0\0"
    struct.pack_into("<HHIIIHH", hdr, 0x44, machine, count, 0, 0, 0, 240, 0x22)
    struct.pack_into("<H", hdr, 0x58, 0x20B)
    table, body, off = 0x58 + 240, b"", 0x400
    for i, s in enumerate(sections):
        name, data = s[0], s[1]
        vsize = s[2] if len(s) > 2 else len(data)
        raw = data + bytes(-len(data) % 0x200)
        struct.pack_into("<8sIIII", hdr, table + 40 * i, name.encode(), vsize, 0x1000 * (i + 1), len(raw), off)
        body += raw
        off += len(raw)
    return bytes(hdr) + body


def write(tmp, data, name="uki.efi"):
    p = os.path.join(tmp, name)
    with open(p, "wb") as f:
        f.write(data)
    return p


def extend(value, data, bank="sha256"):
    return hashlib.new(bank, value + hashlib.new(bank, data).digest()).digest()


def by_hand(sections, bank="sha256"):
    v = bytes(hashlib.new(bank).digest_size)
    for name, data in sections:
        v = extend(v, name.encode() + b"\0", bank)
        v = extend(v, data, bank)
    return v.hex()


def value(out, key):
    for line in out.splitlines():
        k, v = line.split()
        if k == key:
            return v
    raise KeyError(key)


class Uki(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def uki(self, version=b"252.39-1~deb12u2", extra=(), where="sdmagic"):
        secs = [(".text", b"\x90" * 100)]
        if where == "sdmagic":
            secs.append((".sdmagic", MAGIC % version))
        elif where == "data":
            secs.append((".data", b"x" * 40 + MAGIC % version))
        secs += [(".sbat", b"sbat,1\n"), (".osrel", b"ID=debian\n"), (".cmdline", b"console=ttyS0\n"),
                 (".initrd", b"I" * 700), (".ucode", b"U" * 30), (".uname", b"6.1"),
                 (".pcrsig", b"{}"), (".linux", b"L" * 1000)]
        secs += list(extra)
        return write(self.tmp, pe(secs))

    def pcr11(self, path, *args):
        r = run("--uki", path, "--as-stub", "--banks", "sha256", "--pcrs", "11", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return value(r.stdout, "sha256:11")

    def test_v252_measures_its_sections_only(self):
        want = by_hand([(".linux", b"L" * 1000), (".osrel", b"ID=debian\n"), (".cmdline", b"console=ttyS0\n"),
                        (".initrd", b"I" * 700)])
        self.assertEqual(self.pcr11(self.uki()), want)

    def test_v254_adds_uname_and_sbat(self):
        want = by_hand([(".linux", b"L" * 1000), (".osrel", b"ID=debian\n"), (".cmdline", b"console=ttyS0\n"),
                        (".initrd", b"I" * 700), (".uname", b"6.1"), (".sbat", b"sbat,1\n")])
        self.assertEqual(self.pcr11(self.uki(b"254.5")), want)

    def test_v256_and_unknown_add_ucode(self):
        want = by_hand([(".linux", b"L" * 1000), (".osrel", b"ID=debian\n"), (".cmdline", b"console=ttyS0\n"),
                        (".initrd", b"I" * 700), (".ucode", b"U" * 30), (".uname", b"6.1"),
                        (".sbat", b"sbat,1\n")])
        self.assertEqual(self.pcr11(self.uki(b"256.1")), want)
        self.assertEqual(self.pcr11(self.uki(where=None)), want)

    def test_version_found_outside_sdmagic_and_overridden(self):
        u = uki.Uki(self.uki(where="data"))
        self.assertEqual(u.stub_major, 252)
        self.assertEqual(self.pcr11(self.uki(where=None), "--stub-version", "252"),
                         self.pcr11(self.uki()))

    def test_leapboot_measures_ucode_for_any_stub(self):
        r = run("--uki", self.uki(), "--bin", write(self.tmp, bytes(128 * 1024), "rom"),
                "--version-string", "t", "--banks", "sha256", "--pcrs", "11")
        self.assertEqual(r.returncode, 0, r.stderr)
        want = by_hand([(".linux", b"L" * 1000), (".osrel", b"ID=debian\n"), (".cmdline", b"console=ttyS0\n"),
                        (".initrd", b"I" * 700), (".ucode", b"U" * 30)])
        self.assertEqual(value(r.stdout, "sha256:11"), want)

    def test_virtual_size_beyond_raw_is_zeros_and_event_data_is_utf16(self):
        p = write(self.tmp, pe([(".sdmagic", MAGIC % b"252"), (".linux", b"K" * 10, 0x300)]))
        self.assertEqual(self.pcr11(p), by_hand([(".linux", b"K" * 10 + bytes(0x300 - 10))]))
        r = run("--uki", p, "--as-stub", "--banks", "sha256", "--json")
        ev = json.loads(r.stdout)["events"]
        self.assertEqual([e["data_hex"] for e in ev], [".linux\0".encode("utf-16-le").hex()] * 2)
        self.assertEqual({e["type"] for e in ev}, {"EV_IPL"})

    def test_pcr12_override_and_smbios_extra(self):
        p = self.uki()
        r = run("--uki", p, "--as-stub", "--banks", "sha256", "--pcrs", "12", "--append", "a\tb  ",
                "--smbios-cmdline-extra", "x=1")
        self.assertEqual(r.returncode, 0, r.stderr)
        v = bytes(32)
        for s in ("a b", "x=1"):
            v = extend(v, (s + "\0").encode("utf-16-le"))
        self.assertEqual(value(r.stdout, "sha256:12"), v.hex())
        r = run("--uki", p, "--as-stub", "--banks", "sha256", "--pcrs", "12", "--append", "")
        self.assertEqual(value(r.stdout, "sha256:12"), "0" * 64, "an empty override is ignored")

    def test_leapboot_events(self):
        u = uki.Uki(self.uki())
        ev, _ = uki.leapboot_events(u, ["sha256"])
        self.assertEqual([(e.pcr, e.data) for e in ev], [(4, b"leapboot: kernel"), (8, b"console=ttyS0")])
        self.assertEqual(ev[0].digests["sha256"], hashlib.sha256(b"L" * 1000).digest())
        initrd = write(self.tmp, b"extra", "initrd")
        ev, _ = uki.leapboot_events(u, ["sha256"], append="ro", smbios_extra="x=1", initrd=initrd)
        self.assertEqual([(e.pcr, e.data) for e in ev],
                         [(4, b"leapboot: kernel"), (9, b"leapboot: initrd"), (8, b"ro x=1")])

    def test_errors(self):
        r = run("--uki", write(self.tmp, pe([(".text", b"x")]), "plain.efi"), "--as-stub")
        self.assertEqual(r.returncode, 1)
        self.assertIn("without a .linux section", r.stderr)
        r = run("--uki", write(self.tmp, b"ELF" * 100, "x"), "--as-stub")
        self.assertIn("not a PE image", r.stderr)
        for args, msg in ((("--append", "x"), "goes with --uki"),
                          (("--uki", "u", "--kernel", "k"), "no --kernel"),
                          (("--uki", "u", "--cmdline", "c"), "--append"),
                          (("--uki", "u", "--as-stub", "--pcrs", "4"), "only PCRs 11 and 12"),
                          (("--uki", "u", "--as-stub", "--initrd", "i"), "no --initrd"),
                          (("--uki", "u", "--stub-version", "x"), "systemd version")):
            r = run(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(msg, r.stderr, args)
        with self.assertRaises(PcrError):
            uki.Uki(os.path.join(self.tmp, "missing"))


if __name__ == "__main__":
    unittest.main()
