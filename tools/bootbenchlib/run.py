"""One QEMU run: start it, time-stamp what it says, end it, keep its logs.

Sources of time, all host CLOCK_REALTIME (ns):
  exec          just before QEMU is started
  serial lines  the arrival of each line on QEMU's stdout (the guest's serial port)
  markers       bytes on the isa-debugcon devices at the qemu-boot-time ports
                (0xf5 <- 1 fw_start, 0xf4 <- 5 fw_do_boot, 3/4 linux_start_boot/pvhboot);
                on arm64 leapboot selects fw_cfg key 0x3f00 + value instead (trace)
  plugin        fwcount's t_first (first guest instruction) and t_stop (the kernel's
                first instruction), TCG only
  trace         QEMU's fw_cfg trace events with their time stamps (-msg timestamp=on)
  exit          QEMU's exit, seen as the end of its output and its wait status
"""

import os
import re
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass, field

FW_START_PORT = 0xF5
LINUX_PORT = 0xF4
MARK_FW_START, MARK_LINUX_BOOT, MARK_PVH_BOOT, MARK_FW_DO_BOOT = 1, 3, 4, 5
# leapboot on arm64 writes MARKER_KEY_BASE + value to fw_cfg's selector (no spare port).
MARKER_KEY_BASE = 0x3F00

BANNER = re.compile(r"Linux version \d")
USERSPACE = "USERSPACE-UP"
TRACE_LINE = re.compile(r"^\d+@(\d+)\.(\d{6}):(\w+) (.*)$")


@dataclass
class Output:
    """What one run produced."""

    status: int = None  # QEMU's exit status (negative: signal)
    timed_out: bool = False
    t_exec: int = 0
    t_exit: int = 0
    lines: list = field(default_factory=list)  # (t, text) of each serial line
    marks: list = field(default_factory=list)  # (t, port, value)
    plugin: dict = field(default_factory=dict)  # the fwcount result line's fields
    trace: list = field(default_factory=list)  # (t, event, args)
    profile: list = field(default_factory=list)  # count mode: where the instructions went
    logdir: str = ""
    killed_after_until: bool = False
    error: str = ""  # QEMU could not be started


class Interrupted(Exception):
    """Ctrl-C during a run; QEMU has been killed."""


def kill(proc):
    """End QEMU and anything it started: SIGTERM to its process group, then SIGKILL."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# How long QEMU may take to exit by itself once the guest said `until`.
EXIT_GRACE = 10


def execute(argv, logdir, timeout, marker_pipes=None, plugin_out=None, trace_log=None, until=None):
    """Run argv (its stdout is the serial console) for at most timeout seconds.

    marker_pipes maps a port to (read end, write end) of a pipe whose write end
    is in argv for QEMU; both ends are closed here. Once a serial line contains
    until, QEMU gets EXIT_GRACE seconds to exit before it is killed."""
    out = Output(logdir=logdir)
    marker_pipes = marker_pipes or {}
    pass_fds = tuple(w for (_, w) in marker_pipes.values())
    serial_log = open(os.path.join(logdir, "serial.log"), "wb")
    err_log = open(os.path.join(logdir, "qemu.stderr"), "wb")
    with open(os.path.join(logdir, "command"), "w") as f:
        f.write(" ".join(_quote(a) for a in argv) + "\n")
    out.t_exec = time.time_ns()
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err_log,
                                pass_fds=pass_fds, start_new_session=True)
    except OSError as e:
        out.error = "cannot start %s: %s" % (argv[0], e.strerror)
        proc = None
    for _, w in marker_pipes.values():
        os.close(w)
    if proc is None:
        for r, _ in marker_pipes.values():
            os.close(r)
        serial_log.close()
        err_log.close()
        return out
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, None)
    for port, (r, _) in marker_pipes.items():
        sel.register(r, selectors.EVENT_READ, port)
    deadline = time.monotonic() + timeout
    partial = b""
    partial_t = None
    grace = False
    try:
        while sel.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                if grace:
                    out.killed_after_until = True
                else:
                    out.timed_out = True
                kill(proc)
                break
            for key, _ in sel.select(timeout=min(left, 0.5)):
                fd = key.fd if key.data is not None else proc.stdout.fileno()
                chunk = os.read(fd, 65536)
                t = time.time_ns()
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                if key.data is not None:
                    out.marks.extend((t, key.data, b) for b in chunk)
                    continue
                serial_log.write(chunk)
                data = partial + chunk
                if partial_t is None:
                    partial_t = t
                *done, partial = data.split(b"\n")
                for line in done:
                    text = line.decode("utf-8", "replace").rstrip("\r")
                    out.lines.append((partial_t, text))
                    partial_t = t
                    if until and not grace and until in text:
                        grace = True
                        deadline = min(deadline, time.monotonic() + EXIT_GRACE)
                if not partial:
                    partial_t = None
    except KeyboardInterrupt:
        kill(proc)
        raise Interrupted()
    finally:
        sel.close()
        for r, _ in marker_pipes.values():
            os.close(r)
        serial_log.close()
        err_log.close()
    if partial:
        out.lines.append((partial_t, partial.decode("utf-8", "replace").rstrip("\r")))
    try:
        out.status = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        out.timed_out = True
        kill(proc)
        out.status = proc.returncode
    out.t_exit = time.time_ns()
    if plugin_out:
        out.plugin = read_plugin(plugin_out)
    if trace_log:
        out.trace = read_trace(trace_log)
    return out


def read_plugin(path):
    """The fields of fwcount's result line ("fwcount: stop=0x... insns=... t_stop=...")."""
    try:
        with open(path) as f:
            line = f.readline().strip()
    except OSError:
        return {}
    fields = {}
    for word in line.split()[1:]:
        k, _, v = word.partition("=")
        fields[k] = v
    return fields


def read_trace(path):
    events = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = TRACE_LINE.match(line)
                if m:
                    t = int(m.group(1)) * 1_000_000_000 + int(m.group(2)) * 1000
                    events.append((t, m.group(3), m.group(4)))
    except OSError:
        pass
    return events


def _quote(a):
    return a if re.fullmatch(r"[\w@%+=:,./-]+", a) else "'" + a.replace("'", "'\\''") + "'"
