"""Deterministic mode: how much work a firmware does before the kernel's first instruction.

TCG with -icount shift=0,sleep=off (the virtual clock advances one ns per
instruction and never with host time, so firmware that polls timers takes the
same path every time) and the fwcount plugin counting guest instructions, port
I/O and MMIO accesses, on x86 MSR accesses and CPUID (each a VM exit under
KVM), and the distinct instructions TCG translated (its cost under TCG), until
it sees the kernel's entry, where QEMU exits. QEMU's fw_cfg trace events say
how the firmware read fw_cfg: data-register reads (PIO on x86, MMIO on arm) and
the items it took by DMA.
"""

import bisect
import re
import subprocess

TRACE_EVENTS = ["fw_cfg_select", "fw_cfg_read", "fw_cfg_add_file", "fw_cfg_add_bytes"]
# msr and cpuid last, so that the CSV's older columns keep their places; x86 only.
COUNT_FIELDS = ["insns", "pio", "mmio", "code", "fwcfg_reads", "fwcfg_dma_bytes", "msr", "cpuid"]
X86_FIELDS = ("msr", "cpuid")

ADD_FILE = re.compile(r"#(\d+): (\S+) \((\d+) bytes\)")
ADD_BYTES = re.compile(r"key 0x([0-9a-f]+) '([^']*)', (\d+) bytes")
SELECT = re.compile(r"key 0x([0-9a-f]+) '([^']*)'")
FILE_KEY_BASE = 0x20
# A select's write flag; the arch-local bit (0x8000: e820, ACPI, SMBIOS tables) is
# part of the key, as in QEMU's fw_cfg_add_bytes trace.
WRITE_CHANNEL = 0x4000


def fw_cfg_traffic(trace, t_first):
    """(data-register reads, bytes of the items read by DMA) after the guest started.

    The bytes of a selected item that were not read through the data register
    are counted as read by DMA: QEMU traces no DMA transfer, so this is the
    size of what the firmware selected, an upper bound when it read only part
    of an item."""
    sizes = {}
    files = []  # QEMU inserts each file at its sorted place: "#N" is where, at that time
    for _, ev, args in trace:
        if ev == "fw_cfg_add_file":
            m = ADD_FILE.search(args)
            if m:
                files.insert(int(m.group(1)), int(m.group(3)))
        elif ev == "fw_cfg_add_bytes":
            m = ADD_BYTES.search(args)
            if m:
                sizes[int(m.group(1), 16)] = int(m.group(3))
    sizes.update({FILE_KEY_BASE + i: size for i, size in enumerate(files)})
    reads = 0
    dma = 0
    current, pio_for_current = None, 0

    def close():
        nonlocal dma
        if current is not None:
            dma += max(0, sizes.get(current & ~WRITE_CHANNEL, 0) - pio_for_current)

    for ts, ev, args in trace:
        if t_first and ts < t_first // 1000 * 1000:
            continue  # QEMU's own reset-time select
        if ev == "fw_cfg_select":
            close()
            m = SELECT.search(args)
            current = int(m.group(1), 16) if m else None
            pio_for_current = 0
        elif ev == "fw_cfg_read":
            reads += 1
            pio_for_current += 1
    close()
    return reads, dma


def counts(out):
    """{field: int} from a count-mode run (run.Output), or None if it did not stop.
    msr and cpuid are there for x86 guests only."""
    p = out.plugin
    if p.get("stop", "none") == "none" or not p.get("insns", "").isdigit():
        return None
    c = {k: int(p[k]) for k in ("insns", "pio", "mmio", "code") + X86_FIELDS if k in p}
    c["fwcfg_reads"], c["fwcfg_dma_bytes"] = fw_cfg_traffic(out.trace, int(p.get("t_first", 0) or 0))
    return c


def symbols(elf):
    """Sorted (address, name) of the function symbols of an ELF file (nm), or []."""
    try:
        text = subprocess.run(["nm", "-n", "--defined-only", elf], capture_output=True, text=True,
                              check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    syms = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def read_profile(path):
    """[(vaddr, insns, pio, mmio, code, msr, cpuid)] from the plugin's profile file."""
    rows = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 7:
                    rows.append((int(parts[0], 16), *(int(p) for p in parts[1:])))
    except (OSError, ValueError):
        return []
    return rows


def attribute(profile, syms, top=15):
    """[(where, insns, pio, mmio, code, msr, cpuid)], most instructions first: per
    function where the address falls in a symbol table, else per 4 KiB page. code
    is the distinct instructions translated there (what TCG's time follows)."""
    addrs = [a for a, _ in syms]
    acc = {}
    for vaddr, *counts in profile:
        i = bisect.bisect_right(addrs, vaddr) - 1
        if i >= 0 and vaddr - addrs[i] < 0x10000:
            where = syms[i][1]
        else:
            where = "page 0x%x" % (vaddr & ~0xFFF)
        a = acc.setdefault(where, [0] * len(counts))
        for k, n in enumerate(counts):
            a[k] += n
    rows = sorted(((w, *v) for w, v in acc.items()), key=lambda r: (-r[1], -r[2], r[0]))
    # The most instructions, the most translated code, and every place that did
    # I/O, MSR accesses or CPUID (each an exit under KVM).
    most_code = {r[0] for r in sorted(rows, key=lambda r: (-r[4], r[0]))[:top]}
    return [r for i, r in enumerate(rows) if i < top or any(r[2:4] + r[5:]) or r[0] in most_code]
