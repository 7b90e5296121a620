"""configs and cli: preset lookup, machines, labels, the checks on a request."""

import contextlib
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from bootbenchlib import cli, configs  # noqa: E402


class Resolve(unittest.TestCase):
    def test_labels_and_machines(self):
        cases = {
            ("leapboot-pvh", None): ("leapboot-pvh", "q35"),
            ("leapboot-pvh", "q35"): ("leapboot-pvh", "q35"),
            ("leapboot-pvh", "pc"): ("leapboot-pvh@pc", "pc"),  # the run's machine shows in the label
            ("leapboot-pvh@microvm", None): ("leapboot-pvh@microvm", "microvm"),
            ("leapboot-pvh@microvm", "pc"): ("leapboot-pvh@microvm", "microvm"),
            ("microvm-default-pvh", "pc"): ("microvm-default-pvh", "microvm"),  # pinned
            ("edk2-arm64", None): ("edk2-arm64", "virt"),
            ("edk2-arm64", "virt"): ("edk2-arm64", "virt"),
        }
        for (spec, machine), want in cases.items():
            with self.subTest(spec=spec, machine=machine):
                c = configs.resolve(spec, machine)
                self.assertEqual((c.name, c.machine), want)

    def test_errors(self):
        for spec, machine, msg in [("nosuch", None, "unknown configuration 'nosuch'"),
                                   ("ovmf-bzimage@microvm", None, "ovmf-bzimage runs on q35, not on 'microvm'"),
                                   ("seabios-pvh", "microvm", "runs on q35 or pc"),
                                   ("qboot-pvh", "virt", "qboot-pvh is an x86 configuration")]:
            with self.subTest(spec=spec, machine=machine):
                with self.assertRaisesRegex(configs.ConfigError, msg):
                    configs.resolve(spec, machine)

    def test_a_copy_not_the_preset(self):
        c = configs.resolve("leapboot-arm64-efi")
        c.qemu_args.append("-S")
        c.kind = "pvh"
        self.assertEqual(configs.PRESETS["leapboot-arm64-efi"].qemu_args, ["-boot", "menu=on,splash-time=0"])
        self.assertEqual(configs.PRESETS["leapboot-arm64-efi"].kind, "arm64")

    def test_default_set_are_presets(self):
        self.assertTrue(set(configs.DEFAULT) <= set(configs.PRESETS))

    def test_missing_files_say_how(self):
        c = configs.Config("x", "x86_64", "bzimage", "bios", "t", firmware=configs.LEAPBOOT_ARM64 + ".absent",
                           loader=configs.LEAPBOOT_IMAGE + ".absent")
        self.assertEqual(c.missing(), [(configs.LEAPBOOT_ARM64 + ".absent", ""),
                                       (configs.LEAPBOOT_IMAGE + ".absent", "")])
        self.assertEqual(configs.HOW[configs.LEAPBOOT_EFI_ARM64], "make ARCH=aarch64 efi")


class Custom(unittest.TestCase):
    def test_x86_and_arm64(self):
        c = configs.custom("fw/my.bin")
        self.assertEqual((c.name, c.arch, c.machine, c.firmware), ("fw:my.bin", "x86_64", "q35",
                                                                   os.path.abspath("fw/my.bin")))
        c = configs.custom("my.bin", "virt")
        self.assertEqual((c.arch, c.kind, c.machine), ("aarch64", "arm64", "virt"))

    def test_unknown_machine(self):
        with self.assertRaisesRegex(configs.ConfigError, "unknown machine 'isapc'"):
            configs.custom("my.bin", "isapc")


class Request(unittest.TestCase):
    def parse_error(self, *argv):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), self.assertRaises(SystemExit) as e:
            cli.parse(list(argv))
        self.assertEqual(e.exception.code, 2)
        return err.getvalue()

    def test_bad_combinations(self):
        self.assertIn("--count needs TCG", self.parse_error("--count", "--accel", "kvm"))
        self.assertIn("--no-plugin does not go with it", self.parse_error("--count", "--no-plugin"))
        self.assertIn("--profile goes with --count", self.parse_error("--profile"))
        self.assertIn("-n must be at least 1", self.parse_error("-n", "0"))

    def test_default_set(self):
        self.assertEqual([c.name for c in cli.choose(cli.parse([]))], configs.DEFAULT)
        self.assertEqual([c.name for c in cli.choose(cli.parse(["--firmware", "a.bin"]))], ["fw:a.bin"])

    def test_twice(self):
        with self.assertRaisesRegex(configs.ConfigError, "given twice: qboot-pvh@pc"):
            cli.choose(cli.parse(["-c", "qboot-pvh", "-M", "pc", "-c", "qboot-pvh"]))

    def test_baseline_must_run(self):
        with self.assertRaisesRegex(configs.ConfigError, "--baseline qboot-pvh is not one of"):
            cli.choose(cli.parse(["-c", "leapboot-pvh", "--baseline", "qboot-pvh"]))
        args = cli.parse(["-c", "leapboot-pvh", "-c", "qboot-pvh@pc", "--baseline", "qboot-pvh@pc"])
        self.assertEqual([c.name for c in cli.choose(args)], ["leapboot-pvh", "qboot-pvh@pc"])


if __name__ == "__main__":
    unittest.main()
