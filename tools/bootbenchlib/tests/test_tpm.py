"""A TPM in bootbench: +tpm names, --tpm and --tpm-banks, QEMU's arguments, the swtpm of
each run (fake swtpm and swtpm_setup on $PATH) started and stopped whatever happens, and
counts that are said to vary."""

import contextlib
import io
import os
import stat
import sys
import tempfile
import time
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from bootbenchlib import bench, cli, command, configs, kernels, report, run, tpm  # noqa: E402

ALL = ("sha1", "sha256", "sha384", "sha512")
BZ = kernels.Kernel("/k/vmlinuz", "bzimage", "x86_64", [kernels.Entry("bzImage 64-bit entry", b"\xfc\xf6",
                                                                      addr=0x1000200)])


def after(argv, opt):
    return argv[argv.index(opt) + 1]


class Names(unittest.TestCase):
    def test_tpm_part(self):
        cases = {
            "leapboot-bzimage+tpm-tis": ("leapboot-bzimage+tpm-tis", "q35", "tis", ALL),
            "leapboot-bzimage+tpm-crb-sha256": ("leapboot-bzimage+tpm-crb-sha256", "q35", "crb", ("sha256",)),
            "seabios-pvh+tpm-tis@pc": ("seabios-pvh+tpm-tis@pc", "pc", "tis", ALL),
            # after @MACHINE too, named the one way
            "seabios-pvh@pc+tpm-tis": ("seabios-pvh+tpm-tis@pc", "pc", "tis", ALL),
            "leapboot-pvh@q35+tpm-crb": ("leapboot-pvh+tpm-crb@q35", "q35", "crb", ALL),
            # banks in TPM_BANKS' order, all four named as none
            "ovmf-bzimage+tpm-tis-sha512-sha1": ("ovmf-bzimage+tpm-tis-sha1-sha512", "q35", "tis", ("sha1", "sha512")),
            "ovmf-bzimage+tpm-tis-sha1-sha256-sha384-sha512": ("ovmf-bzimage+tpm-tis", "q35", "tis", ALL),
            "leapboot-bzimage": ("leapboot-bzimage", "q35", None, ALL),
        }
        for spec, want in cases.items():
            with self.subTest(spec=spec):
                c = configs.resolve(spec)
                self.assertEqual((c.name, c.machine, c.tpm, c.tpm_banks), want)

    def test_the_runs_machine_and_tpm(self):
        c = configs.resolve("leapboot-pvh", "pc", "crb", ("sha256",))
        self.assertEqual((c.name, c.machine, c.tpm, c.tpm_banks), ("leapboot-pvh+tpm-crb-sha256@pc", "pc", "crb",
                                                                   ("sha256",)))
        # a name's own TPM part wins over the run's
        c = configs.resolve("leapboot-pvh+tpm-tis", None, "crb", ("sha256",))
        self.assertEqual((c.name, c.tpm, c.tpm_banks), ("leapboot-pvh+tpm-tis", "tis", ALL))
        c = configs.custom("fw/my.bin", "pc", "tis")
        self.assertEqual((c.name, c.machine, c.tpm), ("fw:my.bin+tpm-tis", "pc", "tis"))

    def test_errors(self):
        for spec, machine, msg in [
                ("leapboot-pvh+tpm-spi", None, r"'\+tpm-spi': a TPM is \+tpm-tis or \+tpm-crb"),
                ("leapboot-pvh+tis", None, r"'\+tis': a TPM is"),
                ("leapboot-pvh+tpm-tis-md5", None, "TPM banks 'md5': 'all' or a list of sha1, sha256"),
                ("leapboot-pvh+tpm-tis@pc+tpm-crb", None, "one TPM part"),
                ("leapboot-pvh+tpm-tis@microvm", None, "leapboot-pvh@microvm: a TPM needs an x86 machine with one, "
                                                        "q35 or pc"),
                ("leapboot-pvh+tpm-tis", "microvm", "QEMU 7.2's microvm has none"),
                ("edk2-arm64+tpm-tis", None, "edk2-arm64: a TPM needs an x86 machine"),
                ("nosuch+tpm-tis", None, "unknown configuration 'nosuch'")]:
            with self.subTest(spec=spec, machine=machine):
                with self.assertRaisesRegex(configs.ConfigError, msg):
                    configs.resolve(spec, machine)

    def test_banks(self):
        self.assertEqual(configs.tpm_banks("all"), ALL)
        self.assertEqual(configs.tpm_banks("sha256"), ("sha256",))
        self.assertEqual(configs.tpm_banks("SHA384,sha1"), ("sha1", "sha384"))
        for bad in ("", "sha3", "all,sha1"):
            with self.subTest(bad=bad), self.assertRaisesRegex(configs.ConfigError, "'all' or a list"):
                configs.tpm_banks(bad)
        self.assertEqual([configs.tpm_label("tis"), configs.tpm_label("crb", ("sha256",))],
                         ["+tpm-tis", "+tpm-crb-sha256"])

    def test_the_preset_keeps_no_tpm(self):
        configs.resolve("leapboot-bzimage+tpm-crb-sha256")
        self.assertIsNone(configs.PRESETS["leapboot-bzimage"].tpm)
        self.assertEqual(configs.PRESETS["leapboot-bzimage"].name, "leapboot-bzimage")

    def test_swtpm_is_needed(self):
        c = configs.resolve("seabios-bzimage+tpm-tis")
        with mock.patch.object(configs.shutil, "which", lambda t: None if t == "swtpm_setup" else "/usr/bin/" + t):
            self.assertEqual(c.missing(), [("swtpm_setup", "apt-get install swtpm swtpm-tools")])
            self.assertEqual(configs.resolve("seabios-bzimage").missing(), [])


class Request(unittest.TestCase):
    def parse_error(self, *argv):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), self.assertRaises(SystemExit) as e:
            cli.parse(list(argv))
        self.assertEqual(e.exception.code, 2)
        return err.getvalue()

    def test_options(self):
        a = cli.parse(["--tpm", "crb", "--tpm-banks", "sha256"])
        self.assertEqual((a.tpm, a.tpm_banks), ("crb", ("sha256",)))
        a = cli.parse(["--tpm", "tis"])
        self.assertEqual((a.tpm, a.tpm_banks), ("tis", ALL))
        self.assertEqual(cli.parse([]).tpm, None)

    def test_bad_options(self):
        self.assertIn("--tpm-banks goes with --tpm", self.parse_error("--tpm-banks", "sha256"))
        self.assertIn("--tpm-banks: TPM banks 'sha3'", self.parse_error("--tpm", "tis", "--tpm-banks", "sha3"))
        self.assertIn("invalid choice: 'spi'", self.parse_error("--tpm", "spi"))

    def test_every_configuration_without_its_own(self):
        args = cli.parse(["-c", "leapboot-bzimage", "-c", "seabios-bzimage+tpm-crb", "--firmware", "x.bin",
                          "--tpm", "tis", "--tpm-banks", "sha256"])
        self.assertEqual([(c.name, c.tpm, c.tpm_banks) for c in cli.choose(args)],
                         [("leapboot-bzimage+tpm-tis-sha256", "tis", ("sha256",)),
                          ("seabios-bzimage+tpm-crb", "crb", ALL),
                          ("fw:x.bin+tpm-tis-sha256", "tis", ("sha256",))])

    def test_with_and_without_in_one_run(self):
        args = cli.parse(["-c", "leapboot-bzimage", "-c", "leapboot-bzimage+tpm-tis", "--baseline",
                          "leapboot-bzimage"])
        self.assertEqual([c.name for c in cli.choose(args)], ["leapboot-bzimage", "leapboot-bzimage+tpm-tis"])
        with self.assertRaisesRegex(configs.ConfigError, r"given twice: leapboot-bzimage\+tpm-tis"):
            cli.choose(cli.parse(["-c", "leapboot-bzimage+tpm-tis", "-c", "leapboot-bzimage", "--tpm", "tis"]))


class Command(unittest.TestCase):
    def test_qemu_args(self):
        for iface, dev in (("tis", "tpm-tis"), ("crb", "tpm-crb")):
            with self.subTest(iface=iface):
                argv = command.build(configs.resolve("leapboot-bzimage+tpm-" + iface), command.Inputs(kernels={
                    "bzimage": BZ}), "/w/r", tpm_sock="/w/r/swtpm/sock")
                i = argv.index("-chardev")
                self.assertEqual(argv[i:i + 6], ["-chardev", "socket,id=chrtpm,path=/w/r/swtpm/sock",
                                                 "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
                                                 "-device", dev + ",tpmdev=tpm0"])
                self.assertEqual(after(argv, "-bios"), configs.LEAPBOOT_X86)

    def test_none_without_a_tpm(self):
        argv = command.build(configs.resolve("leapboot-bzimage"), command.Inputs(kernels={"bzimage": BZ}), "/w/r")
        self.assertFalse(any("tpm" in a for a in argv))

    def test_errors(self):
        c = configs.resolve("seabios-bzimage+tpm-tis")
        with self.assertRaisesRegex(configs.ConfigError, "needs its swtpm's socket"):
            command.build(c, command.Inputs(kernels={"bzimage": BZ}), "/w/r")
        with self.assertRaisesRegex(configs.ConfigError, "cannot take a comma"):
            command.build(c, command.Inputs(kernels={"bzimage": BZ}), "/w/r", tpm_sock="/w,x/sock")


# Fake swtpm and swtpm_setup: they write their argv to $FAKE_LOG; FAKE_SWTPM says how
# swtpm behaves (serve: a socket, then sleep; stubborn: the same, SIGTERM ignored;
# exit: a line in its log, status 3), FAKE_SETUP swtpm_setup's exit status.
FAKE_SWTPM = """\
#!/usr/bin/env python3
import os, signal, socket, sys, time
with open(os.environ["FAKE_LOG"], "a") as f:
    f.write(" ".join(sys.argv) + "\\n")
opt = dict(zip(sys.argv[1::1], sys.argv[2::1]))
path = dict(kv.split("=") for kv in opt["--ctrl"].split(","))["path"]
log = opt["--log"].split("=", 1)[1]
mode = os.environ.get("FAKE_SWTPM", "serve")
if mode == "exit":
    open(log, "w").write("swtpm: cannot open the state\\n")
    sys.exit(3)
if mode == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
s = socket.socket(socket.AF_UNIX)
s.bind(path)
while True:
    time.sleep(1)
"""
FAKE_SETUP = """\
#!/bin/sh
echo "$0 $*" >>"$FAKE_LOG"
while [ $# -gt 1 ]; do
	[ "$1" = --logfile ] && echo "swtpm_setup's log" >"$2"
	shift
done
exit "${FAKE_SETUP:-0}"
"""


def alive(pid):
    """pid runs and is no zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class FakeSwtpm(unittest.TestCase):
    def setUp(self):
        d = tempfile.TemporaryDirectory(prefix="bbtpm.")
        self.addCleanup(d.cleanup)
        self.dir = d.name
        bindir = os.path.join(self.dir, "bin")
        os.makedirs(bindir)
        for name, text in (("swtpm", FAKE_SWTPM), ("swtpm_setup", FAKE_SETUP)):
            path = os.path.join(bindir, name)
            with open(path, "w") as f:
                f.write(text)
            os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
        self.log = os.path.join(self.dir, "calls")
        env = mock.patch.dict(os.environ, {"PATH": bindir + os.pathsep + os.environ["PATH"], "FAKE_LOG": self.log})
        env.start()
        self.addCleanup(env.stop)
        tmp = mock.patch.object(tpm.tempfile, "tempdir", self.dir)
        tmp.start()
        self.addCleanup(tmp.stop)
        wait = mock.patch.object(tpm, "STOP_WAIT", 0.3)
        wait.start()
        self.addCleanup(wait.stop)
        self.rundir = os.path.join(self.dir, "run00")
        os.makedirs(self.rundir)

    def calls(self):
        with open(self.log) as f:
            return [line.split() for line in f]


class Swtpm(FakeSwtpm):
    def test_started_and_stopped(self):
        with tpm.Swtpm(self.rundir, ALL) as t:
            pid = t.pid
            self.assertTrue(alive(pid))
            self.assertEqual(t.sock, os.path.join(self.rundir, "swtpm", "sock"))
            self.assertTrue(stat.S_ISSOCK(os.stat(t.sock).st_mode))
        self.assertFalse(alive(pid))
        setup, swtpm = self.calls()
        state = os.path.join(self.rundir, "swtpm")
        self.assertEqual(setup[1:], ["--tpm2", "--tpmstate", state, "--pcr-banks", "sha1,sha256,sha384,sha512",
                                     "--config", "/dev/null", "--logfile", state + "/setup.log"])
        self.assertEqual(swtpm[1:7], ["socket", "--tpm2", "--tpmstate", "dir=" + state, "--ctrl",
                                      "type=unixio,path=" + state + "/sock"])

    def test_banks(self):
        tpm.Swtpm(self.rundir, ("sha256",)).start().stop()
        self.assertEqual(after(self.calls()[0], "--pcr-banks"), "sha256")

    def test_sigkill_when_sigterm_is_ignored(self):
        with mock.patch.dict(os.environ, {"FAKE_SWTPM": "stubborn"}):
            t = tpm.Swtpm(self.rundir, ALL).start()
        pid = t.pid
        time.sleep(0.2)  # its SIGTERM handler in place
        t0 = time.monotonic()
        t.stop()
        self.assertFalse(alive(pid))
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)
        t.stop()  # twice: nothing left to do

    def test_stopped_when_the_run_fails(self):
        pids = []
        with self.assertRaises(run.Interrupted):
            with tpm.Swtpm(self.rundir, ALL) as t:
                pids.append(t.pid)
                raise run.Interrupted()
        self.assertFalse(alive(pids[0]))

    def test_swtpm_exits(self):
        with mock.patch.dict(os.environ, {"FAKE_SWTPM": "exit"}):
            with self.assertRaisesRegex(tpm.TpmError, "swtpm exited with status 3: swtpm: cannot open the state"):
                tpm.Swtpm(self.rundir, ALL).start()

    def test_setup_fails(self):
        with mock.patch.dict(os.environ, {"FAKE_SETUP": "1"}):
            with self.assertRaisesRegex(tpm.TpmError, r"swtpm_setup --pcr-banks sha256 failed \(status 1\)"):
                tpm.Swtpm(self.rundir, ("sha256",)).start()
        self.assertEqual(len(self.calls()), 1)  # no swtpm started

    def test_a_long_run_directory(self):
        # The socket path would not fit sun_path: state in $TMPDIR, logs kept with the run.
        long = os.path.join(self.rundir, "x" * 120)
        os.makedirs(long)
        t = tpm.Swtpm(long, ALL).start()
        self.assertTrue(t.sock.startswith(os.path.join(self.dir, "bootbench-tpm.")))
        state = t.dir
        t.stop()
        self.assertFalse(os.path.exists(state))
        with open(os.path.join(long, "setup.log")) as f:
            self.assertEqual(f.read(), "swtpm_setup's log\n")
        self.assertFalse(os.path.exists(os.path.join(long, "swtpm")))

    def test_a_fresh_state_each_time(self):
        old = os.path.join(self.rundir, "swtpm", "tpm2-00.permall")
        os.makedirs(os.path.dirname(old))
        open(old, "w").close()
        tpm.Swtpm(self.rundir, ALL).start().stop()
        self.assertFalse(os.path.exists(old))


class OneRun(FakeSwtpm):
    """bench.one_run around a QEMU that is not run: execute is mocked; every
    Swtpm it makes is kept to be looked at."""

    def one_run(self, cfg, execute):
        self.made = []
        made = self.made

        class Kept(tpm.Swtpm):
            def start(self):
                made.append(self)
                return super().start()

        inputs = command.Inputs(kernels={"bzimage": BZ})
        with mock.patch.object(bench.run, "execute", execute), mock.patch.object(bench.tpm, "Swtpm", Kept):
            return bench.one_run(configs.resolve(cfg), inputs, self.rundir, 5, counting=True)

    def test_swtpm_runs_while_qemu_does(self):
        seen = []

        def execute(argv, logdir, timeout, **kw):
            t, = self.made
            seen.append((after(argv, "-chardev"), t.pid, alive(t.pid)))
            return run.Output(logdir=logdir, plugin={"stop": "0x1000200", "insns": "5"})

        out, argv = self.one_run("leapboot-bzimage+tpm-crb-sha256", execute)
        (chardev, pid, was_alive), = seen
        self.assertEqual(chardev, "socket,id=chrtpm,path=" + os.path.join(self.rundir, "swtpm", "sock"))
        self.assertTrue(was_alive)
        self.assertFalse(alive(pid))
        self.assertIn("tpm-crb,tpmdev=tpm0", argv)
        self.assertEqual(argv[-2:], ["-icount", "shift=0,sleep=off"])
        self.assertEqual(after(self.calls()[0], "--pcr-banks"), "sha256")

    def test_stopped_after_an_interrupt(self):
        pids = []

        def execute(argv, logdir, timeout, **kw):
            pids.append(self.made[0].pid)
            raise run.Interrupted()

        with self.assertRaises(run.Interrupted):
            self.one_run("leapboot-bzimage+tpm-tis", execute)
        self.assertTrue(pids[0])
        self.assertFalse(alive(pids[0]))

    def test_a_swtpm_that_fails_fails_the_run(self):
        with mock.patch.dict(os.environ, {"FAKE_SWTPM": "exit"}):
            out, argv = self.one_run("leapboot-bzimage+tpm-tis", mock.Mock())
        self.assertEqual(argv, [])
        self.assertTrue(out.error.startswith("swtpm: swtpm exited with status 3"), out.error)

    def test_no_swtpm_without_a_tpm(self):
        out, argv = self.one_run("leapboot-bzimage", lambda argv, logdir, timeout, **kw: run.Output(logdir=logdir))
        self.assertEqual(self.made, [])
        self.assertFalse(os.path.exists(self.log))


def counted(insns, mmio):
    return run.Output(plugin={"stop": "0x1000200", "insns": str(insns), "pio": "82", "mmio": str(mmio),
                              "code": "4971", "msr": "12", "cpuid": "3"})


class Counts(unittest.TestCase):
    def deterministic(self, cfg, outs):
        res = bench.Result(configs.resolve(cfg))
        with tempfile.TemporaryDirectory() as d, \
                mock.patch.object(bench, "one_run", side_effect=[(o, ["qemu"]) for o in outs]):
            bench.deterministic([res], command.Inputs(kernels={}), d, 5, False, quiet=True)
        return res

    def test_a_tpm_varies_and_says_why(self):
        res = self.deterministic("leapboot-bzimage+tpm-tis-sha256", [counted(770294079, 12512),
                                                                     counted(768436401, 7970)])
        self.assertEqual(res.status, "ok")
        self.assertEqual((res.counts["insns"], res.counts_again["insns"]), (770294079, 768436401))
        self.assertTrue(res.varies.startswith("the two runs differ (insns 770294079 vs 768436401, "
                                              "mmio 12512 vs 7970): the firmware polls the TPM"), res.varies)

    def test_equal_counts_with_a_tpm_are_no_proof(self):
        res = self.deterministic("leapboot-bzimage+tpm-tis", [counted(5, 1), counted(5, 1)])
        self.assertTrue(res.varies.startswith("the two runs agree, but need not: the firmware polls the TPM"))
        _, rows = report.count_rows({"meta": {"mode": "count"}, "configs": report.to_dict([res], {})["configs"]})
        self.assertEqual(rows[0][-1], "no (below)")

    def test_without_a_tpm_a_difference_fails(self):
        res = self.deterministic("leapboot-bzimage", [counted(5, 1), counted(6, 1)])
        self.assertEqual(res.status, "failed")
        self.assertIn("not deterministic: two runs counted differently (insns 5 vs 6)", res.why)
        res = self.deterministic("leapboot-bzimage", [counted(5, 1), counted(5, 1)])
        self.assertEqual((res.status, res.varies), ("ok", ""))

    def test_json_says_which_tpm(self):
        d = report.to_dict([bench.Result(configs.resolve("seabios-bzimage+tpm-crb-sha256")),
                            bench.Result(configs.resolve("seabios-bzimage"))], {})
        self.assertEqual((d["configs"][0]["tpm"], d["configs"][0]["tpm_banks"]), ("crb", ["sha256"]))
        self.assertNotIn("tpm", d["configs"][1])


class Help(unittest.TestCase):
    def test_help_and_list(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), self.assertRaises(SystemExit):
            cli.parse(["--help"])
        text = out.getvalue()
        self.assertIn("--tpm {crb,tis}", text)
        self.assertIn("NAME+tpm-tis", text)
        self.assertIn("-device tpm-tis|tpm-crb,tpmdev=tpm0", text)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            cli.list_presets()
        self.assertIn("with a TPM: an x86 preset on q35 or pc as NAME+tpm-tis", out.getvalue())


if __name__ == "__main__":
    unittest.main()
