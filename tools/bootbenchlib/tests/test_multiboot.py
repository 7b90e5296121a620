"""Multiboot (Xen) in bootbench: presets, QEMU command lines, phases, report, set-up."""

import contextlib
import gzip
import io
import os
import shutil
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from bootbenchlib import bench, cli, command, configs, kernels, phases, report, run, stats  # noqa: E402
from test_kernels import MultibootElf, elf32  # noqa: E402

MS = 1_000_000  # ns
XEN = kernels.Kernel("/k/xen", "multiboot", "x86_64",
                     [kernels.Entry("multiboot entry (ELF)", b"\xe9\x2d", addr=0x200000)])


def inputs(**kw):
    kw.setdefault("kernels", {"multiboot": XEN})
    kw.setdefault("initrd", "/k/initrd.img")
    kw.setdefault("dom0", "/k/vmlinuz-6.1.0-57-amd64")
    return command.Inputs(**kw)


def after(argv, opt):
    return argv[argv.index(opt) + 1]


class Presets(unittest.TestCase):
    def test_machines(self):
        for name in ("leapboot-multiboot", "seabios-multiboot"):
            for machine, label in ((None, name), ("pc", name + "@pc")):
                c = configs.resolve(name, machine)
                self.assertEqual((c.name, c.kind, c.form), (label, "multiboot", "bios"))
            with self.assertRaisesRegex(configs.ConfigError, "runs on q35 or pc, not on 'microvm'"):
                configs.resolve(name + "@microvm")
        self.assertEqual(configs.resolve("leapboot-multiboot").firmware, configs.LEAPBOOT_X86)
        self.assertIsNone(configs.resolve("seabios-multiboot").firmware)  # QEMU's default SeaBIOS
        self.assertTrue(configs.resolve("leapboot-multiboot").leapboot)

    def test_xen_is_a_needed_file_unless_a_kernel_is_given(self):
        c = configs.resolve("seabios-multiboot")
        self.assertEqual(c.files(), [configs.XEN_GZ])
        self.assertEqual(c.files(with_kernel=True), [])
        c.kernel_file = "/nonexistent/xen-4.17-amd64.gz"
        self.assertEqual(c.missing(), [(c.kernel_file, "")])
        self.assertEqual(c.missing(with_kernel=True), [])
        self.assertTrue(configs.HOW[configs.XEN_GZ].startswith("apt-get install xen-hypervisor-"))

    def test_memory(self):
        self.assertEqual([configs.mib(s) for s in ("512M", "1G", "1024", "2g", "524288K")],
                         [512, 1024, 1024, 2048, 512])
        with self.assertRaisesRegex(configs.ConfigError, "memory size 'lots'"):
            configs.mib("lots")
        mb, bz = configs.resolve("leapboot-multiboot"), configs.resolve("leapboot-bzimage")
        self.assertEqual((configs.memory(mb), configs.memory(bz)), ("1024M", "512M"))
        self.assertEqual((configs.memory(mb, "2G"), configs.memory(bz, "2G")), ("2G", "2G"))
        self.assertEqual(cli.run_memory([mb]), "1024M")
        self.assertEqual(cli.run_memory([bz]), "512M")
        self.assertEqual(cli.run_memory([mb, bz]), "512M (multiboot 1024M)")

    def test_list_says_what_it_needs(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            cli.list_presets()
        text = out.getvalue()
        self.assertRegex(text, r"leapboot-multiboot +q35/pc +multiboot ")
        self.assertIn("needs %s, %s" % (configs.LEAPBOOT_X86, configs.XEN_GZ), text)
        self.assertIn("dom0: Debian's generic kernel", text)

    def test_options(self):
        a = cli.parse(["-c", "leapboot-multiboot", "--dom0", "d", "--xen-append", "loglvl=all"])
        self.assertEqual((a.dom0, a.xen_append, a.memory), ("d", "loglvl=all", None))


class Command(unittest.TestCase):
    def test_bios_form(self):
        argv = command.build(configs.resolve("leapboot-multiboot@pc"), inputs(append="quiet"), "/tmp")
        self.assertEqual(after(argv, "-M"), "pc")
        self.assertEqual(after(argv, "-m"), "1024M")
        self.assertEqual(after(argv, "-bios"), configs.LEAPBOOT_X86)
        self.assertEqual(after(argv, "-kernel"), "/k/xen")
        self.assertEqual(after(argv, "-append"), "console=com1 com1=115200 no-real-mode dom0_mem=512M")
        self.assertEqual(after(argv, "-initrd"),
                         "/k/vmlinuz-6.1.0-57-amd64 console=hvc0 earlyprintk=xen panic=-1 quiet,/k/initrd.img")
        self.assertEqual(argv.count("-initrd"), 1)
        self.assertIn("isa-debug-exit,iobase=0x501,iosize=2", argv)

    def test_seabios_and_memory(self):
        argv = command.build(configs.resolve("seabios-multiboot"), inputs(memory="512M", xen_append="loglvl=all"),
                             "/tmp")
        self.assertNotIn("-bios", argv)
        self.assertEqual(after(argv, "-m"), "512M")
        self.assertEqual(after(argv, "-append"),
                         "console=com1 com1=115200 no-real-mode dom0_mem=256M loglvl=all")

    def test_modules(self):
        c = configs.resolve("leapboot-multiboot")
        argv = command.build(c, inputs(initrd=None), "/tmp")
        self.assertEqual(after(argv, "-initrd"), "/k/vmlinuz-6.1.0-57-amd64 console=hvc0 earlyprintk=xen panic=-1")
        argv = command.build(c, inputs(dom0="/k/a,b", initrd="/k/i,rd"), "/tmp")
        self.assertTrue(after(argv, "-initrd").startswith("/k/a,,b console=hvc0 "))  # QEMU's ,, for a comma
        self.assertTrue(after(argv, "-initrd").endswith(",/k/i,,rd"))
        with self.assertRaisesRegex(configs.ConfigError, "path with a space"):
            command.build(c, inputs(dom0="/k/my kernel"), "/tmp")
        with self.assertRaisesRegex(configs.ConfigError, "needs a dom0 kernel"):
            command.build(c, inputs(dom0=None), "/tmp")

    def test_chain_form(self):
        c = configs.resolve("leapboot-elf-bzimage")
        c.kind = "multiboot"  # --kernel xen
        argv = command.build(c, inputs(), "/tmp")
        cfg = [argv[i + 1] for i, a in enumerate(argv) if a == "-fw_cfg"]
        self.assertEqual(after(argv, "-kernel"), configs.LEAPBOOT_ELF)
        self.assertEqual(cfg[:5], ["name=opt/leapboot/kernel,file=/k/xen",
                                   "name=opt/leapboot/cmdline,string=console=com1 com1=115200 no-real-mode "
                                   "dom0_mem=512M",
                                   "name=opt/leapboot/module0,file=/k/vmlinuz-6.1.0-57-amd64",
                                   "name=opt/leapboot/module0.cmdline,string=console=hvc0 earlyprintk=xen panic=-1",
                                   "name=opt/leapboot/module1,file=/k/initrd.img"])
        self.assertFalse(any("opt/leapboot/initrd" in x for x in cfg))


XEN_LINES = [
    (150 * MS, "(XEN) Xen version 4.17.7 (Debian 4.17.7+13-g2445b30a44-0+deb12u1) (pkg-xen-devel@lists.alioth.debian.org)"),
    (151 * MS, "(XEN) Bootloader: leapboot"),
    (4000 * MS, "[    0.000000] Linux version 6.1.0-57-amd64 (debian-kernel@lists.debian.org)"),
    (4300 * MS, "[    0.742079] Xen version: 4.17.7 (preserve-AD)"),
    (9000 * MS, "USERSPACE-UP"),
]


def output(lines, **kw):
    kw.setdefault("t_exec", 0)
    kw.setdefault("t_exit", 9500 * MS)
    kw.setdefault("status", 1)
    kw.setdefault("plugin", {"stop": "0x200000", "t_first": str(100 * MS), "t_stop": str(130 * MS)})
    kw.setdefault("logdir", os.path.dirname(os.path.abspath(__file__)))
    return run.Output(lines=list(lines), **kw)


class Phases(unittest.TestCase):
    def test_xen_banner_and_dom0(self):
        t = phases.timing(output(XEN_LINES), "multiboot")
        self.assertTrue(t.ok, t.why)
        self.assertEqual((t.at["banner"], t.at[phases.DOM0], t.at["userspace"]), (150 * MS, 4000 * MS, 9000 * MS))
        ms = t.phase_ms()
        self.assertEqual((ms["firmware"], ms["kernel_early"], ms["kernel_boot"]), (30.0, 20.0, 8850.0))
        self.assertEqual((ms["xen_to_dom0"], ms["dom0_boot"], ms["to_banner"], ms["to_dom0"]),
                         (3850.0, 5000.0, 150.0, 4000.0))

    def test_other_kinds_as_before(self):
        # For a Linux kernel "Linux version" is the banner and there is no dom0.
        t = phases.timing(output(XEN_LINES), "bzimage")
        self.assertEqual(t.at["banner"], 4000 * MS)
        self.assertNotIn(phases.DOM0, t.at)
        self.assertNotIn("dom0_boot", t.phase_ms())

    def test_no_dom0_line(self):
        t = phases.timing(output([XEN_LINES[0], XEN_LINES[4]]), "multiboot")
        self.assertTrue(t.ok, t.why)
        self.assertNotIn("xen_to_dom0", t.phase_ms())
        # dom0 only after Xen's banner
        t = phases.timing(output([XEN_LINES[2], XEN_LINES[4]]), "multiboot")
        self.assertEqual((t.ok, t.why), (False, "no time for: banner"))
        self.assertNotIn(phases.DOM0, t.at)

    def test_xen_panic(self):
        lines = XEN_LINES[:2] + [(7 * MS, "(XEN) "), (7 * MS, "(XEN) ****************************************"),
                                 (7 * MS, "(XEN) Panic on CPU 0:"),
                                 (7 * MS, "(XEN) Unable to find usable platform timer"),
                                 (7 * MS, "(XEN) ****************************************")]
        t = phases.timing(output(lines, status=0), "multiboot")
        self.assertEqual(t.why, "Xen panic: Unable to find usable platform timer")


def xen_config(name, runs):
    ks = ["firmware", "kernel_early", "xen_to_dom0", "dom0_boot", "to_banner", "to_dom0", "to_userspace"]
    rs = [{"ms": dict(zip(ks, r))} for r in runs]
    return {"name": name, "title": "t", "kind": "multiboot", "status": "ok", "why": "", "log": "", "runs": rs,
            "summary": {k: stats.summary([r["ms"][k] for r in rs]) for k in ks}, "approximate": []}


class Report(unittest.TestCase):
    DATA = {"meta": {"mode": "wall"}, "configs": [
        xen_config("leapboot-multiboot", [(26.5, 4.8, 4465, 6666, 193, 4657, 11323)] * 3),
        {"name": "leapboot-bzimage", "title": "t", "kind": "bzimage", "status": "ok", "why": "", "log": "",
         "summary": {"firmware": stats.summary([10.0])}, "runs": [{"ms": {"firmware": 10.0}}]},
    ]}

    def test_xen_table(self):
        head, rows = report.xen_rows(self.DATA)
        self.assertEqual(head[2:4], ["Xen entry→banner", "banner→dom0 1st line"])
        self.assertEqual(rows, [["leapboot-multiboot", "26.5", "4.8", "4465", "6666", "193", "4657", "11323"]])
        self.assertIn("leapboot-multiboot", report.xen_table(self.DATA))
        self.assertIn("Xen banner to dom0's first line", report.PHASE_TITLE.values())

    def test_none_without_xen(self):
        data = {"meta": {"mode": "wall"}, "configs": self.DATA["configs"][1:]}
        self.assertIsNone(report.xen_rows(data))
        self.assertEqual(report.xen_table(data), "")

    def test_csv_and_markdown(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "out.csv")
            report.write_csv(path, self.DATA)
            with open(path) as f:
                head = f.readline().strip().split(",")
        self.assertEqual(head[-5:], ["xen_to_dom0_ms", "dom0_boot_ms", "to_banner_ms", "to_dom0_ms", "why"])
        data = dict(self.DATA, meta={"mode": "wall", "date": "d", "runs": 3, "warmup": 1, "accel": "tcg",
                                     "memory": "1024M", "qemu": "q", "host_cpu": "c", "host_cores": 2,
                                     "host_kernel": "k", "argv": "tools/bootbench"})
        md = report.markdown([data], "/tmp")
        self.assertIn("| leapboot-multiboot | 26.5 | 4.8 | 4465 |", md)


class Prepare(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)
        body = MultibootElf.BODY
        self.xen = os.path.join(self.dir, "xen-9.9-amd64.gz")
        with open(self.xen, "wb") as f:
            f.write(gzip.compress(elf32(0x200000, [(0x100, 0x200000, 0x200000, len(body), 5)], body)))
        self.dom0 = os.path.join(self.dir, "vmlinuz")
        open(self.dom0, "wb").close()
        env = mock.patch.dict(os.environ, {"LEAPBOOT_CACHE": os.path.join(self.dir, "cache")})
        env.start()
        self.addCleanup(env.stop)

    def test_a_gzipped_kernel_is_booted_decompressed(self):
        cfgs = [configs.resolve("leapboot-bzimage"), configs.resolve("seabios-multiboot")]
        said = []
        kinds, initrds, dom0 = bench.prepare(cfgs, self.xen, "none", said.append, self.dom0)
        k = kinds["multiboot"]
        self.assertEqual(k.path, os.path.join(self.dir, "cache", "amd64", "xen-9.9-amd64"))
        self.assertFalse(k.gzipped)
        self.assertEqual([c.kind for c in cfgs], ["multiboot", "multiboot"])
        self.assertEqual((initrds, dom0), ({"x86_64": None}, self.dom0))
        self.assertTrue(any("decompressing" in s for s in said))
        # Cached: not decompressed again.
        said.clear()
        bench.prepare(cfgs, self.xen, "none", said.append, self.dom0)
        self.assertFalse(any("decompressing" in s for s in said))

    def test_default_xen(self):
        with mock.patch.object(configs, "XEN_GZ", self.xen):
            kinds, _, _ = bench.prepare([configs.resolve("leapboot-multiboot")], None, "none", lambda s: None,
                                        self.dom0)
        self.assertEqual(kinds["multiboot"].entries[0].addr, 0x200000)
        with mock.patch.object(configs, "XEN_GZ", self.xen + ".absent"):
            with self.assertRaisesRegex(bench.SetupError, "absent not found"):
                bench.prepare([configs.resolve("leapboot-multiboot")], None, "none", lambda s: None, self.dom0)

    def test_no_multiboot_under_uefi(self):
        with self.assertRaisesRegex(bench.SetupError, "leapboot-efi-pvh: a multiboot kernel boots through"):
            bench.prepare([configs.resolve("leapboot-efi-pvh")], self.xen, "none", lambda s: None, self.dom0)

    def test_dom0_must_exist(self):
        with self.assertRaisesRegex(bench.SetupError, "dom0 kernel /nonexistent: no such file"):
            bench.prepare([configs.resolve("leapboot-multiboot")], self.xen, "none", lambda s: None, "/nonexistent")


if __name__ == "__main__":
    unittest.main()
