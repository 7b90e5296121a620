"""phases: a run's events from plugin, markers and trace, its phases, why it failed."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from bootbenchlib import phases, run  # noqa: E402

MS = 1_000_000  # ns
LINES = [(5 * MS, "SeaBIOS (version 1.16)"), (10 * MS, "[    0.000000] Linux version 6.1.0-57-cloud-amd64"),
         (50 * MS, "USERSPACE-UP")]


def output(**kw):
    kw.setdefault("t_exec", 0)
    kw.setdefault("t_exit", 60 * MS)
    kw.setdefault("lines", list(LINES))
    kw.setdefault("status", 0)
    kw.setdefault("logdir", os.path.dirname(os.path.abspath(__file__)))  # no qemu.stderr here
    return run.Output(**kw)


class PhaseMs(unittest.TestCase):
    def test_phases_and_spans(self):
        t = phases.Timing(ok=True, at={"exec": 0, "fw_start": 1 * MS, "kernel": 3 * MS, "banner": 10 * MS,
                                       "userspace": 50 * MS, "exit": 60 * MS})
        self.assertEqual(t.phase_ms(), {"qemu": 1.0, "firmware": 2.0, "kernel_early": 7.0, "kernel_boot": 40.0,
                                        "shutdown": 10.0, "to_kernel": 3.0, "to_userspace": 50.0})

    def test_only_phases_with_both_ends(self):
        t = phases.Timing(ok=False, at={"exec": 0, "fw_start": 1 * MS, "userspace": 50 * MS})
        self.assertEqual(t.phase_ms(), {"qemu": 1.0, "to_userspace": 50.0})

    def test_leapboot_split_only_in_order(self):
        at = {"exec": 0, "fw_start": 1 * MS, phases.FW_DO_BOOT: 2.5 * MS, "kernel": 3 * MS}
        ms = phases.Timing(ok=True, at=at).phase_ms()
        self.assertEqual((ms["fw_init"], ms["fw_load"]), (1.5, 0.5))
        # the marker read from its pipe after the plugin saw the kernel
        at[phases.FW_DO_BOOT] = 3.2 * MS
        self.assertNotIn("fw_init", phases.Timing(ok=True, at=at).phase_ms())


class Timing(unittest.TestCase):
    def test_plugin(self):
        t = phases.timing(output(plugin={"stop": "0x1000200", "t_first": str(1 * MS), "t_stop": str(3 * MS)}))
        self.assertTrue(t.ok, t.why)
        self.assertEqual(t.at, {"exec": 0, "fw_start": MS, "kernel": 3 * MS, "banner": 10 * MS,
                                "userspace": 50 * MS, "exit": 60 * MS})
        self.assertEqual((t.source["fw_start"], t.source["kernel"], t.source["banner"]), ("plugin", "plugin", "serial"))
        self.assertEqual((t.stop, t.approx), ("0x1000200", set()))

    def test_markers_where_the_plugin_did_not_stop(self):
        marks = [(1 * MS, run.FW_START_PORT, run.MARK_FW_START), (2 * MS, run.LINUX_PORT, run.MARK_FW_DO_BOOT),
                 (3 * MS, run.LINUX_PORT, run.MARK_PVH_BOOT)]
        t = phases.timing(output(plugin={"stop": "none"}, marks=marks))
        self.assertTrue(t.ok, t.why)
        self.assertEqual((t.at["fw_start"], t.at[phases.FW_DO_BOOT], t.at["kernel"]), (MS, 2 * MS, 3 * MS))
        self.assertEqual(t.source["kernel"], "marker")

    def test_arm64_markers_in_the_trace(self):
        trace = [(1 * MS, "fw_cfg_select", "0x1 key 0x3f01 'unknown', ret: 0"),
                 (2 * MS, "fw_cfg_select", "0x1 key 0x3f05 'unknown', ret: 0"),
                 (3 * MS, "fw_cfg_select", "0x1 key 0x3f03 'unknown', ret: 0")]
        t = phases.timing(output(trace=trace))
        self.assertEqual((t.at["fw_start"], t.at[phases.FW_DO_BOOT], t.at["kernel"]), (MS, 2 * MS, 3 * MS))

    def test_fw_cfg_bounds_are_approximate(self):
        trace = [(2 * MS, "fw_cfg_select", "0x1 key 0x0000 'signature', ret: 1"),
                 (3 * MS, "fw_cfg_read", "0x1 = 0x51"), (4 * MS, "fw_cfg_select", "0x1 key 0x0019 '', ret: 1"),
                 (20 * MS, "fw_cfg_read", "0x1 = 0x0")]  # after the banner: the kernel's
        t = phases.timing(output(trace=trace))
        self.assertTrue(t.ok, t.why)
        self.assertEqual((t.at["fw_start"], t.at["kernel"], t.approx), (3 * MS, 4 * MS, {"fw_start", "kernel"}))

    def test_no_exit_after_until(self):
        # bootbench killed QEMU after USERSPACE-UP: its exit is not a measurement
        t = phases.timing(output(plugin={"stop": "0x1", "t_first": "1", "t_stop": "2"}, killed_after_until=True))
        self.assertTrue(t.ok, t.why)
        self.assertNotIn("exit", t.at)

    def test_missing_event(self):
        t = phases.timing(output())
        self.assertFalse(t.ok)
        self.assertEqual(t.why, "no time for: fw_start, kernel")


class Failure(unittest.TestCase):
    def test_reasons_in_order(self):
        panic = (9 * MS, "Kernel panic - not syncing: VFS: Unable to mount root fs")
        cases = [
            (output(error="cannot start qemu: No such file"), "cannot start qemu: No such file"),
            (output(lines=[(1, "leapboot: error: no kernel in fw_cfg "), panic]), "leapboot: error: no kernel in fw_cfg"),
            (output(lines=[panic]), "kernel panic: " + panic[1]),
            (output(lines=LINES[:2], timed_out=True), "timed out (killed; no USERSPACE-UP)"),
            (output(lines=LINES[:2], status=1), "no USERSPACE-UP on the console (QEMU exit status 1)"),
            (output(), ""),
        ]
        for out, why in cases:
            with self.subTest(why=why):
                self.assertEqual(phases.failure(out), why)

    def test_qemu_error_line(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "qemu.stderr"), "w") as f:
                f.write("qemu-system-x86_64: warning: dbus: error loading module\n"
                        "qemu-system-x86_64: -bios x.bin: Error: could not load firmware\n")
            why = phases.failure(output(lines=[], logdir=d))
        self.assertEqual(why, "no USERSPACE-UP on the console (QEMU exit status 0); "
                              "QEMU: qemu-system-x86_64: -bios x.bin: Error: could not load firmware")


if __name__ == "__main__":
    unittest.main()
