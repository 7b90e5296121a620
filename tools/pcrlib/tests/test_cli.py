"""tools/leapboot-pcr as a command: output formats, --policy, --replay of a log
written here, --fw-cfg, defaults, and its errors and exit status."""

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from pcrlib import cli  # noqa: E402
import synth  # noqa: E402

BANKS = ["sha1", "sha256", "sha384", "sha512"]
LINE = re.compile(r"^(sha1|sha256|sha384|sha512):(\d+) +([0-9a-f]+)$")


def run(*args):
    """cli.main in this process (much faster here than a new Python each time):
    its exit status, stdout and stderr, as subprocess.run would give them."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as e:
            code = e.code
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def run_tool(*args, cwd=None):
    """The command itself, tools/leapboot-pcr, in a new Python."""
    return subprocess.run([sys.executable, "-B", synth.TOOL] + list(args), capture_output=True, text=True, cwd=cwd)


def values(stdout):
    """{(bank, pcr): hex} from the text output's value lines."""
    out = {}
    for line in stdout.splitlines():
        m = LINE.match(line)
        if m:
            out[(m.group(1), int(m.group(2)))] = m.group(3)
    return out


def chain(bank, *payloads):
    """A PCR extended with H(payload) for each payload, from zero."""
    v = bytes(hashlib.new(bank).digest_size)
    for p in payloads:
        v = hashlib.new(bank, v + hashlib.new(bank, p).digest()).digest()
    return v


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        d = self.d = self.tmp.name
        self.rom_bytes = bytes((i * 13) & 0xFF for i in range(131072))
        self.rom = synth.write(d, "leapboot.bin", self.rom_bytes)
        self.kernel_bytes = bytes(synth.bzimage())
        self.kernel = synth.write(d, "bzImage", self.kernel_bytes)
        self.initrd_bytes = os.urandom(3000)
        self.initrd = synth.write(d, "initrd.img", self.initrd_bytes)
        self.fw = os.path.join(d, "fw")
        self.fw_files = {"etc/acpi/rsdp": b"RSD PTR " + bytes(12), "etc/acpi/tables": b"FACP" * 50,
                         "etc/smbios/smbios-tables": b"\x00\x18" * 20}
        for name, data in self.fw_files.items():
            synth.write(self.fw, name, data)
        synth.write(self.fw, "etc/e820", b"not measured")
        self.base = ["--bin", self.rom, "--kernel", self.kernel, "--cmdline", "console=ttyS0 quiet",
                     "--version-string", "0.9"]

    def ok(self, *args):
        r = run(*args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def kernel_measured(self):
        k = bytearray(self.kernel_bytes)
        for off, n in synth.REWRITTEN + [synth.SETUP_DATA]:
            k[off:off + n] = bytes(n)
        k[0x211] &= 0x7F
        return bytes(k)

    def test_text_format(self):
        r = self.ok(*self.base)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 16)
        got = [(m.group(1), int(m.group(2))) for m in map(LINE.match, lines)]
        self.assertEqual(got, [(b, p) for b in BANKS for p in (0, 4, 8, 9)])
        self.assertEqual(r.stderr, "")

    def test_the_command(self):
        r = run_tool(*self.base, "--banks", "sha256", "--pcrs", "8")
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertEqual(r.stdout, "sha256:8  %s\n" % chain("sha256", b"console=ttyS0 quiet").hex())
        r = run_tool("--pcrs", "99")
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stderr, r"(?s)^usage: leapboot-pcr .*\nleapboot-pcr: error: argument --pcrs: PCR 99")
        r = run_tool("--kernel", os.path.join(self.d, "absent"), "--bin", self.rom, "--cmdline", "")
        self.assertEqual((r.returncode, r.stdout), (1, ""))
        self.assertRegex(r.stderr, r"^leapboot-pcr: error: .*absent: No such file or directory\n$")

    def test_values_by_hand(self):
        v = values(self.ok(*self.base, "--initrd", self.initrd).stdout)
        sep = bytes(4)
        for b in BANKS:
            self.assertEqual(v[(b, 0)], chain(b, b"leapboot 0.9", self.rom_bytes, sep).hex(), b)
            self.assertEqual(v[(b, 4)], chain(b, self.kernel_measured(), sep).hex(), b)
            self.assertEqual(v[(b, 8)], chain(b, b"console=ttyS0 quiet").hex(), b)
            self.assertEqual(v[(b, 9)], chain(b, self.initrd_bytes).hex(), b)

    def test_json_parses(self):
        r = self.ok(*self.base, "--initrd", self.initrd, "--json")
        j = json.loads(r.stdout)
        self.assertEqual(j["mode"], "predict")
        self.assertEqual(j["banks"], BANKS)
        text = values(self.ok(*self.base, "--initrd", self.initrd).stdout)
        self.assertEqual({(b, int(p)): h for b, ps in j["pcrs"].items() for p, h in ps.items()}, text)
        self.assertEqual(j["inputs"]["kernel"]["kind"], "bzimage")
        self.assertEqual(j["inputs"]["kernel"]["protocol"], 0x20F)
        self.assertEqual(j["inputs"]["cmdline"], "console=ttyS0 quiet")
        self.assertIsNone(j["inputs"]["fw_cfg_files"])
        self.assertEqual([(e["pcr"], e["type"]) for e in j["events"]],
                         [(0, "EV_S_CRTM_VERSION"), (0, "EV_S_CRTM_CONTENTS"), (4, "EV_IPL"), (9, "EV_IPL"),
                          (8, "EV_IPL")] + [(p, "EV_SEPARATOR") for p in range(8)])
        self.assertEqual(j["events"][0]["data"], "leapboot 0.9")
        self.assertEqual(j["events"][5]["data_hex"], "00000000")
        self.assertNotIn("data", j["events"][5])
        self.assertEqual(j["events"][3]["digests"]["sha256"], hashlib.sha256(self.initrd_bytes).hexdigest())

    def test_replay_of_a_log_written_here_equals_the_prediction(self):
        # The log leapboot would write, put together here from the files.
        entries = [(0, 8, b"leapboot 0.9", b"leapboot 0.9"), (0, 7, struct.pack("<QQ", 0xFFFE0000, 0x20000), self.rom_bytes)]
        entries += [(1, 0xB, n.encode(), self.fw_files[n]) for n in
                    ("etc/acpi/rsdp", "etc/acpi/tables", "etc/smbios/smbios-tables")]
        entries += [(4, 0xD, b"leapboot: kernel", self.kernel_measured()),
                    (9, 0xD, b"leapboot: initrd", self.initrd_bytes),
                    (8, 0xD, b"console=ttyS0 quiet", b"console=ttyS0 quiet")]
        entries += [(p, 4, bytes(4), bytes(4)) for p in range(8)]
        for banks in (BANKS, ["sha256", "sha1"]):
            log = synth.spec_id_header(banks) + b"".join(
                synth.log_event(p, t, d, [(b, hashlib.new(b, m).digest()) for b in banks]) for p, t, d, m in entries)
            path = synth.write(self.d, "log", log + bytes(512))
            replayed = self.ok("--replay", path)
            predicted = self.ok(*self.base, "--initrd", self.initrd, "--fw-cfg", self.fw,
                                "--pcrs", "0,1,2,3,4,5,6,7,8,9", "--banks", ",".join(banks))
            self.assertEqual(replayed.stdout, predicted.stdout)
            self.assertEqual(len(values(replayed.stdout)), 10 * len(banks))
            j = json.loads(self.ok("--replay", path, "--json").stdout)
            self.assertEqual(j["banks"], banks)
            self.assertEqual(len(j["events"]), len(entries))
            self.assertEqual(j["pcrs"]["sha256"]["8"], values(predicted.stdout)[("sha256", 8)])

    def test_replay_filters_and_log(self):
        log = synth.spec_id_header(BANKS) + synth.log_event(
            8, 0xD, b"x", [(b, hashlib.new(b, b"x").digest()) for b in BANKS])
        path = synth.write(self.d, "log", log)
        r = self.ok("--replay", path, "--banks", "sha384", "--pcrs", "8,9", "--log")
        self.assertIn('event 1: PCR 8 EV_IPL (0x0d) "x"\n', r.stdout)
        v = values(r.stdout)
        self.assertEqual(v, {("sha384", 8): chain("sha384", b"x").hex(), ("sha384", 9): "00" * 48})
        r = run("--replay", synth.write(self.d, "one", synth.spec_id_header(["sha256"])), "--banks", "sha1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no sha1 bank in the log", r.stderr)

    def test_policy_file(self):
        pol = os.path.join(self.d, "pcrs.bin")
        r = self.ok(*self.base, "--initrd", self.initrd, "--policy", pol)
        v = values(r.stdout)
        with open(pol, "rb") as f:
            data = f.read()
        self.assertEqual(len(data), 4 * 32)
        self.assertEqual(data, b"".join(bytes.fromhex(v[("sha256", p)]) for p in (0, 4, 8, 9)))
        self.ok(*self.base, "--initrd", self.initrd, "--policy", pol, "--policy-bank", "sha1", "--pcrs", "9,4,0")
        with open(pol, "rb") as f:
            data = f.read()
        self.assertEqual(len(data), 3 * 20)
        self.assertEqual(data, b"".join(bytes.fromhex(v[("sha1", p)]) for p in (0, 4, 9)))

    def test_fw_cfg_pcr1(self):
        r = self.ok(*self.base, "--fw-cfg", self.fw, "--banks", "sha256")
        v = values(r.stdout)
        self.assertEqual(sorted(p for _, p in v), [0, 1, 4, 8, 9])
        want = chain("sha256", self.fw_files["etc/acpi/rsdp"], self.fw_files["etc/acpi/tables"],
                     self.fw_files["etc/smbios/smbios-tables"], bytes(4))
        self.assertEqual(v[("sha256", 1)], want.hex())
        j = json.loads(self.ok(*self.base, "--fw-cfg", self.fw, "--json").stdout)
        self.assertEqual(j["inputs"]["fw_cfg_files"], ["etc/acpi/rsdp", "etc/acpi/tables", "etc/smbios/smbios-tables"])

    def test_log_text(self):
        r = self.ok(*self.base, "--log", "--banks", "sha256")
        head, _, tail = r.stdout.partition("\n\n")
        self.assertTrue(head.startswith('event 1: PCR 0 EV_S_CRTM_VERSION (0x08) "leapboot 0.9"\n'))
        self.assertIn('event 4: PCR 8 EV_IPL (0x0d) "console=ttyS0 quiet"\n', head)
        self.assertIn("event 12: PCR 7 EV_SEPARATOR (0x04) hex:00000000\n", head)
        self.assertIn("  sha256  " + hashlib.sha256(self.rom_bytes).hexdigest() + "\n", head)
        self.assertIn("note: no --fw-cfg", head)
        self.assertEqual(len(values(tail)), 4)

    def test_cmdline_as_the_kernel_gets_it(self):
        empty = values(self.ok("--bin", self.rom, "--kernel", self.kernel, "--cmdline", "").stdout)
        self.assertEqual(empty[("sha256", 8)], chain("sha256", b"").hex())
        a = values(self.ok(*self.base[:-4], "--cmdline", "a b\n").stdout)
        b = values(self.ok(*self.base[:-4], "--cmdline", "a b").stdout)
        self.assertEqual(a, b)

    def test_version(self):
        with open(os.path.join(synth.TOOLS, "..", "boot", "version.h")) as f:
            version = re.search(r'#define LEAPBOOT_VERSION\s+"([^"]*)"', f.read()).group(1)
        j = json.loads(self.ok(*self.base[:-2], "--json").stdout)
        self.assertEqual(j["events"][0]["data"], "leapboot " + version)
        j2 = json.loads(self.ok(*self.base[:-2], "--version-string", "1.0-rc1", "--json").stdout)
        self.assertEqual(j2["events"][0]["data"], "leapboot 1.0-rc1")
        self.assertNotEqual(j["pcrs"]["sha256"]["0"], j2["pcrs"]["sha256"]["0"])
        self.assertEqual(j["pcrs"]["sha256"]["4"], j2["pcrs"]["sha256"]["4"])

    def test_default_bin_and_version_h_of_the_tree(self):
        # A copy of the tool in a tree of its own: boot/version.h and build/x86_64/leapboot.bin there.
        root = os.path.join(self.d, "tree")
        shutil.copytree(os.path.join(synth.TOOLS, "pcrlib"), os.path.join(root, "tools", "pcrlib"),
                        ignore=shutil.ignore_patterns("tests", "__pycache__"))
        shutil.copy(synth.TOOL, os.path.join(root, "tools"))
        shutil.copy(os.path.join(synth.TOOLS, "leapbootpaths.py"), os.path.join(root, "tools"))
        synth.write(root, "boot/version.h", b'#define LEAPBOOT_VERSION_MINOR 7\n#define LEAPBOOT_VERSION "7.7"\n')
        tool = os.path.join(root, "tools", "leapboot-pcr")
        args = [sys.executable, "-B", tool, "--kernel", self.kernel, "--cmdline", "", "--json"]
        r = subprocess.run(args, capture_output=True, text=True, cwd=self.d)
        self.assertEqual(r.returncode, 1)
        self.assertIn("leapboot-pcr: error: no --bin and no %s/build/x86_64/leapboot.bin" % root, r.stderr)
        synth.write(root, "build/x86_64/leapboot.bin", self.rom_bytes)
        r = subprocess.run(args, capture_output=True, text=True, cwd=self.d)
        self.assertEqual(r.returncode, 0, r.stderr)
        j = json.loads(r.stdout)
        self.assertEqual(j["events"][0]["data"], "leapboot 7.7")
        self.assertEqual(j["inputs"]["bin"], os.path.join(root, "build", "x86_64", "leapboot.bin"))
        self.assertEqual(j["pcrs"]["sha1"]["0"], chain("sha1", b"leapboot 7.7", self.rom_bytes, bytes(4)).hex())

    def test_kernel_leapboot_refuses_warns(self):
        elf = synth.elf([(0x200, 0x100000, 0x10, 0x10)], body=bytes(0x10))
        r = self.ok(*self.base[:2], "--kernel", synth.write(self.d, "plain.elf", elf), "--cmdline", "x")
        self.assertRegex(r.stderr, r"^leapboot-pcr: warning: an ELF that is not a PVH kernel \(no Xen PVH note")

    def test_empty_initrd_is_none(self):
        empty = synth.write(self.d, "empty.img", b"")
        r = self.ok(*self.base, "--initrd", empty, "--json")
        j = json.loads(r.stdout)
        self.assertNotIn(9, [e["pcr"] for e in j["events"]])
        self.assertEqual(j["pcrs"]["sha256"]["9"], "00" * 32)
        self.assertIn("empty: leapboot sees no initrd", r.stderr)

    def test_multiboot_modules_warned(self):
        mb = synth.struct.pack("<III", 0x1BADB002, 0, (-0x1BADB002) & 0xFFFFFFFF) + bytes(100)
        k = synth.write(self.d, "xen", mb)
        r = self.ok("--bin", self.rom, "--kernel", k, "--cmdline", "", "--log")
        self.assertIn("multiboot kernel (header at 0x0), the whole file, 112 bytes", r.stdout)
        self.assertEqual(r.stderr, "")
        r = self.ok("--bin", self.rom, "--kernel", k, "--cmdline", "", "--initrd", self.initrd)
        self.assertIn("modules, which leapboot does not measure yet", r.stderr)

    def test_errors(self):
        short_rom = synth.write(self.d, "short.bin", bytes(4096))
        truncated = synth.write(self.d, "trunc", self.kernel_bytes[:0x220])
        noload = synth.write(self.d, "noload.elf", synth.elf([], body=bytes(16), notes=synth.pvh_note()))
        absent = os.path.join(self.d, "absent")
        k = ["--bin", self.rom, "--cmdline", ""]
        cases = [
            ([], 2, "--kernel is required"),
            (["--bin", self.rom, "--kernel", self.kernel], 2, "--cmdline is required"),
            (k + ["--kernel", self.kernel, "--pcrs", "1"], 2, "PCR 1 depends on QEMU's fw_cfg files"),
            (k + ["--kernel", self.kernel, "--pcrs", "10"], 2, "leapboot extends PCRs 0-9 only"),
            (k + ["--kernel", self.kernel, "--pcrs", "24"], 2, "a TPM has PCRs 0-23"),
            (k + ["--kernel", self.kernel, "--pcrs", "4,4"], 2, "PCR 4 given twice"),
            (k + ["--kernel", self.kernel, "--pcrs", "4,"], 2, "empty item"),
            (k + ["--kernel", self.kernel, "--banks", "md5"], 2, "bank md5: leapboot hashes sha1, sha256"),
            (k + ["--kernel", self.kernel, "--banks", "sha1", "--policy", absent], 2,
             "--policy-bank sha256 is not one of --banks"),
            (k + ["--kernel", self.kernel, "--policy-bank", "sha1"], 2, "--policy-bank goes with --policy"),
            (["--replay", absent, "--kernel", self.kernel], 2, "--replay reads a log; --kernel is for a prediction"),
            (k + ["--kernel", absent], 1, "absent: No such file or directory"),
            (k + ["--kernel", self.kernel, "--initrd", absent], 1, "absent: No such file or directory"),
            (["--bin", absent, "--kernel", self.kernel, "--cmdline", ""], 1, "absent: No such file"),
            (["--bin", short_rom, "--kernel", self.kernel, "--cmdline", ""], 1, "4096 bytes, not a 128 KiB"),
            (k + ["--kernel", truncated], 1, "truncated bzImage header"),
            (k + ["--kernel", noload], 1, "ELF without a PT_LOAD segment"),
            (k + ["--kernel", self.kernel, "--fw-cfg", absent], 1, "not a directory"),
            (k + ["--kernel", self.kernel, "--fw-cfg", self.d], 1, "none of the measured fw_cfg files"),
            (["--replay", absent], 1, "No such file"),
            (["--replay", self.kernel], 1, "not a TCG crypto-agile event log"),
        ]
        for args, code, msg in cases:
            r = run(*args)
            self.assertEqual(r.returncode, code, "%s: %s" % (args, r.stderr))
            self.assertIn("leapboot-pcr: error: ", r.stderr, args)
            self.assertIn(msg, r.stderr, args)
            self.assertEqual(r.stdout, "", args)

    def test_help_describes_every_option_and_pcr(self):
        r = self.ok("--help")
        for opt in ("--bin", "--kernel", "--initrd", "--cmdline", "--fw-cfg", "--version-string", "--replay",
                    "--banks", "--pcrs", "--json", "--log", "--policy", "--policy-bank", "--help"):
            self.assertIn(opt, r.stdout)
        self.assertIn("docs/measured-boot.md", r.stdout)
        for pcr_line in ("  0  the firmware", "  1  the platform configuration", "  4  the kernel",
                         "  8  the kernel command line", "  9  the initrd"):
            self.assertIn(pcr_line, r.stdout)
        self.assertIn("BANK:PCR  HEX", r.stdout)


if __name__ == "__main__":
    unittest.main()
