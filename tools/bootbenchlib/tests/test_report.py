"""report: tables of counts and wall times, baseline ratios, the shift table."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from bootbenchlib import report, stats  # noqa: E402


def wall_config(name, kind, firmware, userspace, approximate=()):
    """A configuration as --json keeps it, with one run per (firmware, userspace) pair."""
    runs = [{"ms": {"qemu": 20.0, "firmware": f, "kernel_early": 30.0, "kernel_boot": u - 55.0 - f,
                    "shutdown": 5.0, "to_kernel": 20.0 + f, "to_userspace": u}} for f, u in zip(firmware, userspace)]
    keys = runs[0]["ms"] if runs else []
    return {"name": name, "kind": kind, "status": "ok", "why": "", "log": "", "runs": runs,
            "summary": {k: stats.summary([r["ms"][k] for r in runs]) for k in keys},
            "approximate": list(approximate)}


def failed(name, why="kernel panic: x", log="/tmp/run"):
    return {"name": name, "kind": "bzimage", "status": "failed", "why": why, "log": log}


def wall(*configs, baseline=None):
    return {"meta": {"mode": "wall", "baseline": baseline}, "configs": list(configs)}


COUNTS_X86 = {"insns": 9473, "pio": 30, "mmio": 0, "code": 2168, "fwcfg_reads": 16,
              "fwcfg_dma_bytes": 15361715, "msr": 12, "cpuid": 3}
COUNTS_QBOOT = {"insns": 75334, "pio": 243, "mmio": 0, "code": 1625, "fwcfg_reads": 48,
                "fwcfg_dma_bytes": 29531758, "msr": 0, "cpuid": 1}
COUNTS_ARM64 = {"insns": 2349482, "pio": 0, "mmio": 20, "code": 1713, "fwcfg_reads": 0, "fwcfg_dma_bytes": 1234}


def counted(name, cs, **kw):
    c = {"name": name, "kind": "bzimage", "status": "ok", "why": "", "log": "", "stop": "0x1000200",
         "counts": cs, "counts_again": cs, "varies": ""}
    c.update(kw)
    return c


def count_data(*configs, baseline=None):
    return {"meta": {"mode": "count", "baseline": baseline}, "configs": list(configs)}


class Cells(unittest.TestCase):
    def test_ms(self):
        self.assertEqual([report._ms(v) for v in (None, 0.04, 6.44, 99.94, 100.0, 1820.4)],
                         ["-", "0.0", "6.4", "99.9", "100", "1820"])

    def test_ratio_cell(self):
        self.assertEqual([report._x(r) for r in (None, 0, 0.1234, 2.0, 0.012345)],
                         ["", "0.00x", "0.12x", "2.00x", "0.012x"])

    def test_signed(self):
        self.assertEqual([report._signed(v) for v in (0.44, -0.44, 0, 153.2)], ["+0.4", "−0.4", "0.0", "+153"])


class Format(unittest.TestCase):
    def test_columns(self):
        text = report._format(["name", "count"], [["a", "9,473"], ["longer", "5"]])
        self.assertEqual(text.splitlines(), ["name    count", "a       9,473", "longer      5"])

    def test_failed_row_is_free_text_and_sets_no_width(self):
        text = report._format(["name", "n", "m", "k"], [["a", "1", "2", "3"], ["b", "FAILED: a long reason"]])
        self.assertEqual(text.splitlines(), ["name  n  m  k", "a     1  2  3", "b  FAILED: a long reason"])


class CountTable(unittest.TestCase):
    def test_rows(self):
        head, rows = report.count_rows(count_data(counted("leapboot-bzimage", COUNTS_X86),
                                                  counted("leapboot-arm64-bios", COUNTS_ARM64, stop="0x40480000")))
        self.assertEqual(head[2:7], ["instructions", "port I/O", "MMIO", "MSR", "CPUID"])
        self.assertEqual(rows[0], ["leapboot-bzimage", "0x1000200", "9,473", "30", "0", "12", "3", "2,168", "16",
                                   "15,361,715", "yes"])
        # no MSR or CPUID counted off x86: '-', not 0
        self.assertEqual(rows[1], ["leapboot-arm64-bios", "0x40480000", "2,349,482", "0", "20", "-", "-", "1,713",
                                   "0", "1,234", "yes"])

    def test_deterministic_column(self):
        _, rows = report.count_rows(count_data(
            counted("a", COUNTS_X86, varies="the two runs differ"),
            counted("b", COUNTS_X86, status="failed", why="not deterministic")))
        self.assertEqual([r[-1] for r in rows], ["no (below)", "NO (below)"])

    def test_not_counted(self):
        _, rows = report.count_rows(count_data(failed("seabios-pvh", "timed out", "/w/seabios-pvh/count0"),
                                               dict(failed("ovmf-bzimage", "/x not found", ""), status="missing")))
        self.assertEqual(rows, [["seabios-pvh", "FAILED: timed out", "logs: /w/seabios-pvh/count0"],
                                ["ovmf-bzimage", "MISSING: /x not found"]])

    def test_baseline_ratios(self):
        # a baseline with MMIO too: I/O is port I/O and MMIO
        data = count_data(counted("leapboot-bzimage", COUNTS_X86),
                          counted("qboot-bzimage", dict(COUNTS_QBOOT, mmio=57)), baseline="qboot-bzimage")
        head, rows = report.count_rows(data, "qboot-bzimage")
        self.assertEqual(head[-1], "vs qboot-bzimage (insns / I/O)")
        # 9,473 / 75,334 instructions; 30 / (243 + 57) accesses
        self.assertEqual([r[-1] for r in rows], ["0.13x / 0.10x", "1.00x / 1.00x"])

    def test_msr_note_only_with_msr_counts(self):
        self.assertIn("MSR: RDMSR and WRMSR executed", report.notes(count_data(counted("a", COUNTS_X86))))
        self.assertNotIn("MSR", report.notes(count_data(counted("a", COUNTS_ARM64))))

    def test_table_text(self):
        text = report.count_table(count_data(counted("leapboot-bzimage", COUNTS_X86)))
        head, row = text.splitlines()
        self.assertTrue(head.startswith("configuration     kernel entry  instructions"))
        self.assertTrue(row.startswith("leapboot-bzimage     0x1000200         9,473"))


class WallTable(unittest.TestCase):
    def test_row(self):
        _, rows = report.wall_rows(wall(wall_config("leapboot-pvh", "pvh", [6.0, 7.0, 6.5], [1500.0, 1600.0, 1700.0],
                                                    approximate=["kernel"])))
        self.assertEqual(rows[0], ["leapboot-pvh≈", "20.0", "6.5", "30.0", "1538", "5.0", "26.5 (26.0–27.0)",
                                   "1600 ±100 (1500–1700)"])

    def test_baseline_ratio(self):
        data = wall(wall_config("leapboot-pvh", "pvh", [5.0], [1500.0]),
                    wall_config("qboot-pvh", "pvh", [10.0], [2000.0]))
        head, rows = report.wall_rows(data, "qboot-pvh")
        self.assertEqual(head[-1], "vs qboot-pvh")
        self.assertEqual([r[-1] for r in rows], ["0.75x / fw 0.50x", "1.00x / fw 1.00x"])

    def test_no_firmware_ratio_against_a_baseline_without_firmware(self):
        # QEMU's direct boot: a few instructions, no firmware phase to compare with
        data = wall(wall_config("leapboot-arm64-bios", "arm64", [18.0], [1168.0]),
                    wall_config("qemu-direct-arm64", "arm64", [0.01], [1178.0]))
        _, rows = report.wall_rows(data, "qemu-direct-arm64")
        self.assertEqual(rows[0][-1], "0.99x / fw -")

    def test_failed_configuration(self):
        _, rows = report.wall_rows(wall(failed("seabios-pvh")))
        self.assertEqual(rows, [["seabios-pvh", "FAILED: kernel panic: x", "logs: /tmp/run"]])


SLOW = [11.0, 11.4, 10.8, 11.1, 11.3, 10.9, 11.2, 11.0, 10.7, 11.5]
BASE = [10.0, 10.4, 9.8, 10.1, 10.3, 9.9, 10.2, 10.0, 9.7, 10.5]
SAME = [x + 0.1 for x in BASE]


class ShiftTable(unittest.TestCase):
    def test_verdict_only_where_the_interval_excludes_no_difference(self):
        data = wall(wall_config("leapboot-bzimage", "bzimage", SLOW, [1800.0 + x for x in SAME]),
                    wall_config("qboot-bzimage", "bzimage", BASE, [1800.0 + x for x in BASE]))
        head, rows = report.shift_rows(data, "qboot-bzimage")
        self.assertEqual(head, ["configuration", "against", "firmware (ms)", "QEMU start to kernel entry (ms)",
                                "QEMU start to userspace (ms)"])
        s = stats.shift(SLOW, BASE)
        interval = "+%.1f [+%.1f, +%.1f]" % (s["estimate"], s["low"], s["high"])
        self.assertEqual(rows, [["leapboot-bzimage", "qboot-bzimage", interval + " slower", interval + " slower",
                                 "+0.1 [−0.2, +0.4] no clear difference"]])

    def test_too_few_runs_shows_no_interval(self):
        data = wall(wall_config("a-pvh", "pvh", SLOW[:3], SLOW[:3]), wall_config("b-pvh", "pvh", BASE[:3], BASE[:3]))
        _, rows = report.shift_rows(data, "b-pvh")
        self.assertEqual(rows[0][2], "+1.0 (too few runs)")

    def test_no_firmware_phase_in_the_baseline(self):
        data = wall(wall_config("leapboot-arm64-bios", "arm64", SLOW, SLOW),
                    wall_config("qemu-direct-arm64", "arm64", [0.01] * 10, BASE))
        _, rows = report.shift_rows(data, "qemu-direct-arm64")
        self.assertEqual(rows[0][2], "-")

    def test_against_the_same_kind_of_kernel(self):
        data = wall(wall_config("leapboot-pvh", "pvh", SLOW, SLOW), wall_config("qboot-bzimage", "bzimage", BASE, BASE),
                    wall_config("qboot-pvh", "pvh", BASE, BASE), wall_config("seabios-pvh", "pvh", SLOW, SLOW))
        _, rows = report.shift_rows(data, "qboot-bzimage")
        self.assertEqual([r[:2] for r in rows], [["leapboot-pvh", "qboot-pvh"], ["seabios-pvh", "qboot-pvh"]])

    def test_counterpart_on_a_named_machine(self):
        data = wall(wall_config("leapboot-pvh@pc", "pvh", SLOW, SLOW),
                    wall_config("qboot-bzimage@pc", "bzimage", BASE, BASE),
                    wall_config("qboot-pvh@pc", "pvh", BASE, BASE))
        _, rows = report.shift_rows(data, "qboot-bzimage@pc")
        self.assertEqual([r[:2] for r in rows], [["leapboot-pvh@pc", "qboot-pvh@pc"]])

    def test_counterpart_with_a_tpm(self):
        data = wall(wall_config("leapboot-pvh+tpm-tis@pc", "pvh", SLOW, SLOW),
                    wall_config("seabios-bzimage+tpm-tis@pc", "bzimage", BASE, BASE),
                    wall_config("seabios-pvh+tpm-tis@pc", "pvh", BASE, BASE),
                    wall_config("seabios-pvh@pc", "pvh", BASE, BASE))
        _, rows = report.shift_rows(data, "seabios-bzimage+tpm-tis@pc")
        self.assertEqual([r[:2] for r in rows], [["leapboot-pvh+tpm-tis@pc", "seabios-pvh+tpm-tis@pc"],
                                                 ["seabios-pvh@pc", "seabios-pvh+tpm-tis@pc"]])

    def test_the_baseline_itself_where_the_counterpart_did_not_run(self):
        data = wall(wall_config("leapboot-pvh", "pvh", SLOW, SLOW), wall_config("qboot-bzimage", "bzimage", BASE, BASE),
                    failed("qboot-pvh"))
        _, rows = report.shift_rows(data, "qboot-bzimage")
        self.assertEqual([r[:2] for r in rows], [["leapboot-pvh", "qboot-bzimage"]])

    def test_none_for_counts_or_a_baseline_without_runs(self):
        self.assertIsNone(report.shift_rows(count_data(counted("a", COUNTS_X86)), "a"))
        self.assertIsNone(report.shift_rows(wall(wall_config("a-pvh", "pvh", SLOW, SLOW), failed("b")), "b"))
        self.assertEqual(report.shift_table(wall(wall_config("a-pvh", "pvh", SLOW, SLOW)), None), "")


if __name__ == "__main__":
    unittest.main()
