"""arm64 (--arch arm64): leapboot's own file (leapboot.bin in the flash at 0,
leapboot.Image where QEMU loads it), the kernel (an Image whole, an Image.gz by
the Image it inflates to), no PCR 1 event, the command's checks, and a replay
of a log written here equal to the prediction (docs/measured-boot.md)."""

import gzip
import hashlib
import json
import os
import struct
import sys
import tempfile
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from pcrlib import PcrError, arm64  # noqa: E402
import synth  # noqa: E402
from test_cli import BANKS, chain, run, values  # noqa: E402


def image(size=0x3000, text_offset=0x80000, image_size=0x100000, seed=5):
    """An arm64 Image-shaped file: a patterned body under a header with the magic."""
    b = bytearray((i * seed + 1) & 0xFF for i in range(size))
    struct.pack_into("<IIQQQQQQ", b, 0, 0x14000000, 0, text_offset, image_size, 2, 0, 0, 0)
    b[0x38:0x3C] = b"ARM\x64"
    return bytes(b)


class Arm64(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        d = self.d = self.tmp.name
        self.bin_bytes = bytes((i * 11) & 0xFF for i in range(89016))  # no magic at 0x38
        self.bin = synth.write(d, "leapboot.bin", self.bin_bytes)
        self.fw_image_bytes = image(size=90000, text_offset=0x80000, image_size=0x33000, seed=3)
        self.fw_image = synth.write(d, "leapboot.Image", self.fw_image_bytes)
        self.kernel_bytes = image(size=0x5000)
        self.kernel = synth.write(d, "Image", self.kernel_bytes)
        self.kernel_gz = synth.write(d, "Image.gz", gzip.compress(self.kernel_bytes, mtime=0))
        self.initrd_bytes = os.urandom(2000)
        self.initrd = synth.write(d, "initrd.img", self.initrd_bytes)
        self.base = ["--arch", "arm64", "--kernel", self.kernel, "--cmdline", "console=ttyAMA0",
                     "--version-string", "0.9"]

    def ok(self, *args):
        r = run(*args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def usage_error(self, *args, match):
        r = run(*args)
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertRegex(r.stderr, match)

    def test_firmware_bin_and_image(self):
        d, base, size = arm64.firmware(self.bin, ["sha256"], "bin")
        self.assertEqual((base, size), (0, len(self.bin_bytes)))
        self.assertEqual(d["sha256"], hashlib.sha256(self.bin_bytes).digest())
        d, base, size = arm64.firmware(self.fw_image, ["sha1"], "Image")
        self.assertEqual((base, size), (0x40080000, 90000))
        self.assertEqual(d["sha1"], hashlib.sha1(self.fw_image_bytes).digest())
        with self.assertRaisesRegex(PcrError, "is an arm64 Image .* give it as --image"):
            arm64.firmware(self.fw_image, ["sha1"], "bin")
        with self.assertRaisesRegex(PcrError, "not a leapboot.Image"):
            arm64.firmware(self.bin, ["sha1"], "Image")
        with self.assertRaisesRegex(PcrError, "0 bytes"):
            arm64.firmware(synth.write(self.d, "empty", b""), ["sha1"], "bin")

    def test_kernel_image_and_gzip(self):
        k = arm64.kernel_digest(self.kernel, BANKS)
        self.assertEqual((k.kind, k.size, k.warning), ("arm64-image", len(self.kernel_bytes), None))
        want = {b: hashlib.new(b, self.kernel_bytes).digest() for b in BANKS}
        self.assertEqual(k.digests, want)
        g = arm64.kernel_digest(self.kernel_gz, BANKS)
        self.assertEqual((g.kind, g.warning), ("arm64-image-gz", None))
        self.assertEqual(g.digests, want, "an Image.gz measures as the Image it inflates to")
        self.assertEqual(g.detail["inflated_size"], len(self.kernel_bytes))
        self.assertIn("inflates to", g.describe())
        # Another compressor's stream (gzip -9, a name in the header) inflates the same.
        z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        other = synth.write(self.d, "k9.gz", z.compress(self.kernel_bytes) + z.flush())
        self.assertEqual(arm64.kernel_digest(other, BANKS).digests, want)
        # Only the first member counts, as QEMU and leapboot inflate it.
        two = synth.write(self.d, "two.gz", gzip.compress(self.kernel_bytes) + gzip.compress(b"more"))
        self.assertEqual(arm64.kernel_digest(two, ["sha256"]).digests["sha256"], want["sha256"])

    def test_kernel_refused_or_warned(self):
        gz = gzip.compress(self.kernel_bytes)
        with self.assertRaisesRegex(PcrError, "truncated gzip"):
            arm64.kernel_digest(synth.write(self.d, "t.gz", gz[:len(gz) // 2]), ["sha256"])
        bad = bytearray(gz)
        bad[20:40] = bytes(range(20))
        with self.assertRaisesRegex(PcrError, "corrupt gzip"):
            arm64.kernel_digest(synth.write(self.d, "c.gz", bytes(bad)), ["sha256"])
        k = arm64.kernel_digest(synth.write(self.d, "n.gz", gzip.compress(b"no image" * 100)), ["sha256"])
        self.assertIn("inflates to no arm64 Image", k.warning)
        k = arm64.kernel_digest(synth.write(self.d, "bz", bytes(synth.bzimage())), ["sha256"])
        self.assertEqual(k.kind, "other")
        self.assertIn("neither an arm64 Image nor an Image.gz", k.warning)

    def test_values_by_hand(self):
        v = values(self.ok(*self.base, "--bin", self.bin, "--initrd", self.initrd,
                           "--pcrs", "0,1,2,3,4,5,6,7,8,9").stdout)
        sep = bytes(4)
        for b in BANKS:
            self.assertEqual(v[(b, 0)], chain(b, b"leapboot 0.9", self.bin_bytes, sep).hex(), b)
            self.assertEqual(v[(b, 1)], chain(b, sep).hex(), "%s: PCR 1 holds only the separator" % b)
            self.assertEqual(v[(b, 4)], chain(b, self.kernel_bytes, sep).hex(), b)
            self.assertEqual(v[(b, 8)], chain(b, b"console=ttyAMA0").hex(), b)
            self.assertEqual(v[(b, 9)], chain(b, self.initrd_bytes).hex(), b)
        # The Image.gz predicts the same PCR 4; leapboot.Image another PCR 0.
        g = values(self.ok(*self.base[:2], "--kernel", self.kernel_gz, *self.base[4:], "--bin", self.bin).stdout)
        self.assertEqual(g[("sha256", 4)], v[("sha256", 4)])
        i = values(self.ok(*self.base, "--image", self.fw_image).stdout)
        self.assertEqual(i[("sha256", 0)], chain("sha256", b"leapboot 0.9", self.fw_image_bytes, sep).hex())

    def test_json_and_events(self):
        j = json.loads(self.ok(*self.base, "--image", self.fw_image, "--json").stdout)
        self.assertEqual((j["inputs"]["arch"], j["inputs"]["image"], j["inputs"]["bin"]),
                         ("arm64", self.fw_image, None))
        self.assertEqual(j["inputs"]["kernel"]["kind"], "arm64-image")
        self.assertEqual([(e["pcr"], e["type"]) for e in j["events"]],
                         [(0, "EV_S_CRTM_VERSION"), (0, "EV_S_CRTM_CONTENTS"), (4, "EV_IPL"), (8, "EV_IPL")]
                         + [(p, "EV_SEPARATOR") for p in range(8)])
        self.assertEqual(j["events"][1]["data_hex"], struct.pack("<QQ", 0x40080000, 90000).hex())
        j = json.loads(self.ok(*self.base, "--bin", self.bin, "--json").stdout)
        self.assertEqual(j["events"][1]["data_hex"], struct.pack("<QQ", 0, len(self.bin_bytes)).hex())
        r = self.ok(*self.base, "--bin", self.bin, "--log", "--banks", "sha256")
        self.assertIn("leapboot.bin in the flash at 0x0", r.stdout)
        self.assertNotIn("no --fw-cfg", r.stdout)
        self.assertEqual(run("--arch", "aarch64", *self.base[2:], "--bin", self.bin).stdout,
                         run(*self.base, "--bin", self.bin).stdout)

    def test_replay_of_a_log_written_here_equals_the_prediction(self):
        blob = struct.pack("<QQ", 0x40080000, len(self.fw_image_bytes))
        entries = [(0, 8, b"leapboot 0.9", b"leapboot 0.9"), (0, 7, blob, self.fw_image_bytes),
                   (4, 0xD, b"leapboot: kernel", self.kernel_bytes),
                   (9, 0xD, b"leapboot: initrd", self.initrd_bytes),
                   (8, 0xD, b"console=ttyAMA0", b"console=ttyAMA0")]
        entries += [(p, 4, bytes(4), bytes(4)) for p in range(8)]
        banks = ["sha256", "sha384"]
        log = synth.spec_id_header(banks) + b"".join(
            synth.log_event(p, t, d, [(b, hashlib.new(b, m).digest()) for b in banks]) for p, t, d, m in entries)
        path = synth.write(self.d, "log", log + bytes(65536 - len(log)))
        replayed = self.ok("--replay", path)
        predicted = self.ok(*self.base[:2], "--kernel", self.kernel_gz, *self.base[4:], "--image", self.fw_image,
                            "--initrd", self.initrd, "--pcrs", "0,1,2,3,4,5,6,7,8,9", "--banks", ",".join(banks))
        self.assertEqual(replayed.stdout, predicted.stdout)

    def test_usage(self):
        self.usage_error("--image", self.fw_image, "--kernel", self.kernel, "--cmdline", "",
                         match="--image is leapboot.Image, arm64's -kernel form: give --arch arm64")
        self.usage_error(*self.base, "--bin", self.bin, "--image", self.fw_image, match="give one")
        self.usage_error(*self.base, "--fw-cfg", self.d, match="on arm64 leapboot measures no fw_cfg file")
        self.usage_error("--arch", "riscv64", *self.base[2:], match="unknown architecture 'riscv64'")
        self.usage_error("--replay", self.bin, "--arch", "arm64", match="--arch .* for a prediction")
        r = run(*self.base, "--bin", self.fw_image)
        self.assertEqual(r.returncode, 1)
        self.assertIn("give it as --image", r.stderr)


if __name__ == "__main__":
    unittest.main()
