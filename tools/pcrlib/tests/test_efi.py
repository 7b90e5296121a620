"""tools/leapboot-pcr --efi: leapboot.efi's boot under UEFI (pcrlib/efi.py) and the
Authenticode digest the firmware measures (pcrlib/authenticode.py), on
synthetic PE images; the real images are checked against OVMF and AAVMF in
tests/tpm-efi.bats."""

import contextlib
import gzip
import hashlib
import io
import os
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from pcrlib import PcrError, authenticode, cli  # noqa: E402

HEADERS = 0x200
CHECKSUM = 0x40 + 24 + 64  # e_lfanew 0x40, the COFF header, CheckSum in the PE32+ optional header
CERT_ENTRY = 0x40 + 24 + 112 + 8 * 4


def pe(section=b"\x90" * 0x200, cert=b"", trailing=b""):
    """A PE32+ image: headers in 0x200 bytes, one section at 0x200, then trailing
    bytes and a certificate table of len(cert) bytes at the end."""
    b = bytearray(HEADERS)
    b[0:2] = b"MZ"
    struct.pack_into("<I", b, 0x3C, 0x40)
    b[0x40:0x44] = b"PE\0\0"
    struct.pack_into("<HHIIIHH", b, 0x44, 0x8664, 1, 0, 0, 0, 240, 0x22)
    opt = 0x58
    struct.pack_into("<H", b, opt, 0x20B)
    struct.pack_into("<I", b, opt + 60, HEADERS)  # SizeOfHeaders
    struct.pack_into("<H", b, opt + 68, 10)  # EFI application
    struct.pack_into("<I", b, opt + 108, 16)  # NumberOfRvaAndSizes
    end = HEADERS + len(section) + len(trailing)
    if cert:
        struct.pack_into("<II", b, CERT_ENTRY, end, len(cert))
    sect = opt + 240
    b[sect:sect + 5] = b".text"
    struct.pack_into("<IIII", b, sect + 8, len(section), 0x1000, len(section), HEADERS)
    return bytes(b) + section + trailing + cert


def sha256(data):
    return authenticode.digests(data, ["sha256"])["sha256"]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as e:
            code = e.code
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def chain(bank, *payloads):
    v = bytes(hashlib.new(bank).digest_size)
    for p in payloads:
        v = hashlib.new(bank, v + hashlib.new(bank, p).digest()).digest()
    return v


class Authenticode(unittest.TestCase):
    def test_what_is_hashed(self):
        base = pe(cert=b"SIGNATURE" * 4, trailing=b"tail")
        self.assertEqual(len(sha256(base)), 32)
        other = bytearray(base)
        struct.pack_into("<I", other, CHECKSUM, 0xDEADBEEF)
        self.assertEqual(sha256(bytes(other)), sha256(base), "the CheckSum field is skipped")
        self.assertEqual(sha256(base[:-36] + b"X" * 36), sha256(base), "the signatures are not hashed")
        other = bytearray(base)
        other[HEADERS + 5] ^= 1
        self.assertNotEqual(sha256(bytes(other)), sha256(base), "the section is hashed")
        self.assertNotEqual(sha256(pe(cert=b"SIGNATURE" * 4, trailing=b"tall")), sha256(base),
                            "bytes after the sections are hashed")

    def test_by_hand(self):
        b = pe()
        want = hashlib.sha256(b[:CHECKSUM] + b[CHECKSUM + 4:CERT_ENTRY] + b[CERT_ENTRY + 8:]).digest()
        self.assertEqual(sha256(b), want)

    def test_not_pe(self):
        with self.assertRaises(PcrError):
            sha256(b"\x7fELF" + bytes(300))
        with self.assertRaises(PcrError):
            sha256(pe()[:HEADERS - 0x100])


class EfiCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        d = self.tmp.name
        self.efi, self.kernel, self.gz, self.initrd = (os.path.join(d, n) for n in
                                                       ("leapboot.efi", "vmlinuz", "Image.gz", "initrd"))
        self.efi_bytes, self.kernel_bytes = pe(b"\xcc" * 0x200), pe(b"\x90" * 0x400)
        self.initrd_bytes = os.urandom(5000)
        for path, data in ((self.efi, self.efi_bytes), (self.kernel, self.kernel_bytes),
                           (self.gz, gzip.compress(self.kernel_bytes)), (self.initrd, self.initrd_bytes)):
            with open(path, "wb") as f:
                f.write(data)
        self.base = ["--efi", self.efi, "--kernel", self.kernel, "--initrd", self.initrd,
                     "--cmdline", "console=ttyS0", "--banks", "sha256"]

    def values(self, *args):
        r = run(*args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return {line.split()[0]: bytes.fromhex(line.split()[1]) for line in r.stdout.splitlines()}

    def test_pcrs(self):
        v = self.values(*self.base)
        self.assertEqual(sorted(v), ["sha256:4", "sha256:8", "sha256:9"])
        self.assertEqual(v["sha256:8"], chain("sha256", b"console=ttyS0"), "PCR 8: the command line, as leapboot.bin's")
        opts = "console=ttyS0\0".encode("utf-16-le")
        self.assertEqual(v["sha256:9"], chain("sha256", opts, self.initrd_bytes))
        pcr4 = bytes(32)
        for d in (hashlib.sha256(b"Calling EFI Application from Boot Option").digest(),
                  hashlib.sha256(bytes(4)).digest(), sha256(self.efi_bytes), sha256(self.kernel_bytes)):
            pcr4 = hashlib.sha256(pcr4 + d).digest()
        self.assertEqual(v["sha256:4"], pcr4)

    def test_options(self):
        two = self.values(*self.base, "--efi-boot-attempts", "2")
        one = self.values(*self.base)
        self.assertNotEqual(two["sha256:4"], one["sha256:4"])
        self.assertEqual(two["sha256:8"], one["sha256:8"])
        old = self.values(*self.base, "--no-stub-load-options")
        self.assertEqual(old["sha256:9"], chain("sha256", self.initrd_bytes), "a stub before 6.1")
        gz = self.values(*[self.gz if a == self.kernel else a for a in self.base])
        self.assertEqual(gz, one, "an Image.gz is measured as the Image leapboot.efi inflates")

    def test_refusals(self):
        for extra in (["--bin", self.efi], ["--pcrs", "0"], ["--efi-boot-attempts", "0"]):
            self.assertEqual(run(*self.base, *extra).returncode, 2, extra)
        self.assertEqual(run("--kernel", self.kernel, "--cmdline", "", "--efi-boot-attempts", "2").returncode, 2)
        r = run("--efi", self.efi, "--kernel", self.initrd, "--cmdline", "")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no EFI stub", r.stderr)


if __name__ == "__main__":
    unittest.main()
