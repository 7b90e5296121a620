"""count and run's readers: fwcount's result line, QEMU's fw_cfg trace, the profile."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from bootbenchlib import count, run  # noqa: E402

X86_LINE = ("fwcount: stop=0x1000200 insns=9473 pio=30 mmio=0 code=2168 msr=12 cpuid=3 "
            "t_first=1700000000100000000 t_stop=1700000000110000000")
# before fwcount counted MSR accesses and CPUID, and what it prints on arm64
OLD_X86_LINE = "fwcount: stop=0x1000200 insns=9106 pio=30 mmio=0 code=1924 t_first=5 t_stop=9"
ARM64_LINE = "fwcount: stop=0x40480000 insns=2349482 pio=0 mmio=20 code=1713 t_first=5 t_stop=9"


class Files(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def file(self, name, text):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path


class ResultLine(Files):
    def counts(self, line, trace=()):
        return count.counts(run.Output(plugin=run.read_plugin(self.file("plugin.out", line + "\n")),
                                       trace=list(trace)))

    def test_fields(self):
        p = run.read_plugin(self.file("plugin.out", X86_LINE + "\n"))
        self.assertEqual(p["stop"], "0x1000200")
        self.assertEqual(p["t_stop"], "1700000000110000000")
        self.assertNotIn("fwcount:", p)

    def test_x86_with_msr_and_cpuid(self):
        self.assertEqual(self.counts(X86_LINE), {"insns": 9473, "pio": 30, "mmio": 0, "code": 2168, "msr": 12,
                                                 "cpuid": 3, "fwcfg_reads": 0, "fwcfg_dma_bytes": 0})

    def test_without_msr_and_cpuid(self):
        for line in (OLD_X86_LINE, ARM64_LINE):
            with self.subTest(line=line):
                c = self.counts(line)
                self.assertNotIn("msr", c)
                self.assertNotIn("cpuid", c)
        self.assertEqual(self.counts(ARM64_LINE)["mmio"], 20)

    def test_detail_fields_are_not_counts(self):
        c = self.counts(X86_LINE + " arch_insns=9000 rep_iters=473 msr_r=8 msr_w=4")
        self.assertEqual(sorted(c), sorted(count.COUNT_FIELDS))

    def test_no_kernel_entry(self):
        self.assertIsNone(self.counts("fwcount: stop=none insns=123 pio=1 mmio=0 code=50 t_first=5"))

    def test_timing_only_line(self):
        # count=off: the stop and its time, no counts
        self.assertIsNone(self.counts("fwcount: stop=0x1000200 t_first=5 t_stop=9"))

    def test_no_line(self):
        self.assertEqual(run.read_plugin(os.path.join(self.dir.name, "absent")), {})
        self.assertEqual(run.read_plugin(self.file("empty", "")), {})
        self.assertIsNone(count.counts(run.Output()))


# QEMU's trace-events formats, with -msg timestamp=on's "PID@SECONDS.MICROSECONDS:"
TRACE = """\
100@1700000000.000001:fw_cfg_add_bytes key 0x0000 'signature', 4 bytes
100@1700000000.000001:fw_cfg_add_bytes key 0x0003 'ram_size', 8 bytes
100@1700000000.000001:fw_cfg_add_bytes key 0x8003 'e820_table', 20 bytes
100@1700000000.000002:fw_cfg_add_file 0x55d0 #0: etc/b (100 bytes)
100@1700000000.000003:fw_cfg_add_file 0x55d0 #0: etc/a (50 bytes)
a line QEMU wrote without a time stamp
100@1700000000.050000:fw_cfg_select 0x55d0 key 0x0000 'signature', ret: 1
100@1700000000.100000:fw_cfg_select 0x55d0 key 0x0021 '/etc/b', ret: 1
100@1700000000.100001:fw_cfg_read 0x55d0 = 0x1
100@1700000000.100002:fw_cfg_read 0x55d0 = 0x2
"""
T_FIRST = 1700000000100000000  # ns: after QEMU's reset-time select of the signature


class FwCfgTrace(Files):
    def test_read_trace(self):
        t = run.read_trace(self.file("trace.log", TRACE))
        self.assertEqual(len(t), 9)
        self.assertEqual(t[6], (1700000000100000000, "fw_cfg_select", "0x55d0 key 0x0021 '/etc/b', ret: 1"))

    def test_reads_and_dma_bytes(self):
        # etc/a was inserted before etc/b: b is key 0x21, 2 bytes of it read by the
        # data register, 98 by DMA; the signature select is QEMU's.
        t = run.read_trace(self.file("trace.log", TRACE))
        self.assertEqual(count.fw_cfg_traffic(t, T_FIRST), (2, 98))
        self.assertEqual(count.fw_cfg_traffic(t, 0), (2, 4 + 98))

    def test_arch_local_item(self):
        # 0x8003 (the e820 table) is not 0x0003 (the RAM size)
        t = run.read_trace(self.file("trace.log", TRACE + "100@1700000000.200000:fw_cfg_select 0x55d0 "
                                     "key 0x8003 'e820_table', ret: 1\n"))
        self.assertEqual(count.fw_cfg_traffic(t, T_FIRST), (2, 98 + 20))

    def test_counts_take_the_trace_after_the_first_instruction(self):
        c = count.counts(run.Output(plugin=run.read_plugin(self.file("p", X86_LINE)),
                                    trace=run.read_trace(self.file("trace.log", TRACE))))
        self.assertEqual((c["fwcfg_reads"], c["fwcfg_dma_bytes"]), (2, 98))


class Profile(Files):
    def test_read_profile(self):
        path = self.file("profile", "fff0 5 1 0 5 0 0\nnot a row\n1000 100 2 0 40 1 1\n")
        self.assertEqual(count.read_profile(path), [(0xFFF0, 5, 1, 0, 5, 0, 0), (0x1000, 100, 2, 0, 40, 1, 1)])
        self.assertEqual(count.read_profile(self.file("bad", "zz 1 2 3 4 5 6\n")), [])

    def test_attribute(self):
        syms = [(0x1000, "main"), (0x1100, "fw_cfg_read")]
        profile = [(0x1004, 50, 0, 0, 10, 0, 0), (0x1010, 30, 0, 0, 5, 2, 1), (0x1104, 70, 4, 0, 8, 0, 0),
                   (0x90010, 3, 0, 0, 3, 0, 0), (0x90ff0, 2, 0, 1, 2, 0, 0)]
        self.assertEqual(count.attribute(profile, syms), [
            ("main", 80, 0, 0, 15, 2, 1),
            ("fw_cfg_read", 70, 4, 0, 8, 0, 0),
            ("page 0x90000", 5, 0, 1, 5, 0, 0),  # 64 KiB past the last symbol: a page
        ])

    def test_attribute_keeps_exits_past_the_top(self):
        profile = [(0x1000 * i, 100 - i, 0, 0, 1, 0, 0) for i in range(1, 5)] + [(0x9000, 1, 0, 0, 1, 0, 1)]
        rows = count.attribute(profile, [], top=2)
        self.assertEqual([r[0] for r in rows], ["page 0x1000", "page 0x2000", "page 0x9000"])


if __name__ == "__main__":
    unittest.main()
