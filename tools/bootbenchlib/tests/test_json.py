"""--json and --from-json: results saved and rendered again, old result files, --csv."""

import contextlib
import csv
import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from bootbenchlib import bench, cli, configs, phases, report  # noqa: E402

MS = 1_000_000
META = {"date": "2026-12-02 10:00 UTC", "host_cpu": "Test CPU", "host_cores": 2, "host_kernel": "6.1.0",
        "qemu": "QEMU emulator version 7.2.0", "accel": "tcg", "runs": 3, "warmup": 1, "memory": "512M",
        "plugin": True, "workdir": "/w", "root": "/r", "title": "", "argv": "tools/bootbench",
        "kernels": ["vmlinuz"], "append_example": "console=ttyS0"}


def timing(fw_ms, user_ms):
    return phases.Timing(ok=True, at={"exec": 0, "fw_start": 20 * MS, "kernel": int((20 + fw_ms) * MS),
                                      "banner": 60 * MS, "userspace": int(user_ms * MS), "exit": int(user_ms * MS) + MS},
                         source={"fw_start": "plugin", "kernel": "plugin"})


def wall_results():
    a = bench.Result(configs.resolve("leapboot-pvh"), stop="0x1000850")
    a.runs = [timing(6.0, 1500), timing(6.5, 1600), timing(7.0, 1550)]
    b = bench.Result(configs.resolve("qboot-pvh"), stop="0x1000850")
    b.runs = [timing(7.5, 1560), timing(8.0, 1570), timing(7.0, 1580)]
    c = bench.Result(configs.resolve("ovmf-bzimage"), status="missing", why="/usr/share/OVMF/x.fd not found")
    return [a, b, c]


# A --count result saved before fwcount counted MSR accesses and CPUID: no msr or
# cpuid in its counts, five columns in its profile.
OLD_COUNT_JSON = {
    "meta": dict(META, mode="count", baseline=None),
    "configs": [{"name": "leapboot-bzimage", "title": "leapboot.bin as -bios", "arch": "x86_64", "machine": "q35",
                 "kind": "bzimage", "status": "ok", "why": "", "log": "", "command": ["qemu-system-x86_64"],
                 "stop": "0x1000200", "varies": "",
                 "counts": {"insns": 9106, "pio": 30, "mmio": 0, "code": 1924, "fwcfg_reads": 16,
                            "fwcfg_dma_bytes": 15361715},
                 "counts_again": {"insns": 9106, "pio": 30, "mmio": 0, "code": 1924, "fwcfg_reads": 16,
                                  "fwcfg_dma_bytes": 15361715},
                 "profile": [["leapboot_main", 4000, 10, 0, 900], ["page 0xff000", 1200, 0, 0, 300]]}],
}


class Files(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def save(self, data, name="r.json"):
        report.write_json(self.path(name), data)
        return self.path(name)

    def main(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cli.main(list(argv))
        return status, out.getvalue(), err.getvalue()


class RoundTrip(Files):
    def test_wall_results_render_the_same(self):
        data = report.to_dict(wall_results(), dict(META, mode="wall", baseline="qboot-pvh"))
        with open(self.save(data)) as f:
            again = json.load(f)
        self.assertEqual(again["configs"][0]["summary"]["firmware"],
                         {"n": 3, "median": 6.5, "min": 6.0, "max": 7.0, "stddev": 0.5})
        self.assertEqual(again["configs"][0]["runs"][1]["ms"]["to_userspace"], 1600.0)
        self.assertNotIn("runs", again["configs"][2])
        for render in (report.wall_table, report.shift_table):
            self.assertEqual(render(again, "qboot-pvh"), render(data, "qboot-pvh"))
        self.assertIn("leapboot-pvh   qboot-pvh  −1.0 (too few runs)", report.shift_table(again, "qboot-pvh"))

    def test_count_results(self):
        r = bench.Result(configs.resolve("leapboot-arm64-bios"), stop="0x40480000")
        r.counts = r.counts_again = {"insns": 2349482, "pio": 0, "mmio": 20, "code": 1713, "fwcfg_reads": 0,
                                     "fwcfg_dma_bytes": 1234}
        with open(self.save(report.to_dict([r], dict(META, mode="count", baseline=None)))) as f:
            again = json.load(f)
        self.assertEqual(again["configs"][0]["counts"], r.counts)
        self.assertEqual(report.count_rows(again)[1][0][2:7], ["2,349,482", "0", "20", "-", "-"])

    def test_from_json(self):
        path = self.save(report.to_dict(wall_results(), dict(META, mode="wall", baseline=None)))
        status, out, _ = self.main("--from-json", path)
        self.assertEqual(status, 0)
        self.assertIn("bootbench: 3 runs each after 1 warm-up, TCG, medians in ms", out)
        self.assertIn("ovmf-bzimage  MISSING: /usr/share/OVMF/x.fd not found", out)
        self.assertNotIn(report.SHIFT_NOTE, out)

    def test_from_json_rebased(self):
        path = self.save(report.to_dict(wall_results(), dict(META, mode="wall", baseline=None)))
        status, out, _ = self.main("--from-json", path, "--baseline", "qboot-pvh")
        self.assertEqual(status, 0)
        self.assertIn(report.SHIFT_NOTE, out)
        self.assertIn("vs qboot-pvh", out)
        status, out, err = self.main("--from-json", path, "--baseline", "seabios-pvh")
        self.assertEqual((status, out), (2, ""))
        self.assertIn("--baseline seabios-pvh is not among the configurations", err)

    def test_unreadable_file(self):
        with open(self.path("bad.json"), "w") as f:
            f.write("{")
        status, _, err = self.main("--from-json", self.path("bad.json"))
        self.assertEqual(status, 2)
        self.assertIn("bad.json", err)

    def test_wall_csv(self):
        path = self.save(report.to_dict(wall_results(), dict(META, mode="wall", baseline=None)))
        self.assertEqual(self.main("--from-json", path, "--csv", self.path("r.csv"))[0], 0)
        with open(self.path("r.csv")) as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0][:4], ["config", "run", "status", "qemu_ms"])
        self.assertEqual(rows[2][:5], ["leapboot-pvh", "2", "ok", "20.000", "6.500"])
        self.assertEqual(rows[-1][:3] + rows[-1][-1:], ["ovmf-bzimage", "", "missing", "/usr/share/OVMF/x.fd not found"])


class OldResults(Files):
    def test_count_table_without_msr_and_cpuid(self):
        _, rows = report.count_rows(OLD_COUNT_JSON)
        self.assertEqual(rows[0][2:8], ["9,106", "30", "0", "-", "-", "1,924"])

    def test_profile_without_msr_and_cpuid(self):
        lines = report.profile_tables(OLD_COUNT_JSON).splitlines()
        self.assertEqual(lines[1].split(), ["function", "/", "page", "instructions", "port", "I/O", "MMIO",
                                            "translated"])
        self.assertEqual(lines[2].split(), ["leapboot_main", "4,000", "10", "0", "900"])

    def test_from_json_and_csv(self):
        path = self.save(OLD_COUNT_JSON)
        status, out, _ = self.main("--from-json", path, "--csv", self.path("c.csv"))
        self.assertEqual(status, 0)
        self.assertIn("leapboot-bzimage     0x1000200         9,106", out)
        with open(self.path("c.csv")) as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0][-3:], ["msr", "cpuid", "why"])
        self.assertEqual(rows[1], ["leapboot-bzimage", "ok", "0x1000200", "9106", "30", "0", "1924", "16",
                                   "15361715", "", "", ""])


if __name__ == "__main__":
    unittest.main()
