"""A software TPM 2.0 for one QEMU run: a fresh swtpm, never left running.

Each run of a configuration with a TPM gets its own, as tests/lib/tpm.bash starts
them for the tests: `swtpm_setup --tpm2 --pcr-banks LIST --config /dev/null`
makes the state with those banks allocated (/dev/null as its configuration: no
certificate tool, no EK; the same for all four banks, so that every run starts
from a manufactured state), then `swtpm socket --tpm2` serves it on a control
socket only (QEMU's emulator backend hands it the data channel). Both happen
before QEMU starts, outside the times.

The state is in the run's directory (kept with the logs of a failed run), or in
a directory of its own under $TMPDIR where the run's path would make the socket
path too long (108 bytes with its NUL) or holds a comma (swtpm and QEMU split
their options at commas). swtpm runs in a session of its own, as QEMU does, so a
Ctrl-C on the terminal reaches bootbench only, which stops it; it gets
PR_SET_PDEATHSIG, so that the kernel ends it if bootbench is killed outright.
stop() ends it by its PID: SIGTERM, SIGKILL after STOP_WAIT seconds, reaped.
"""

import ctypes
import os
import shutil
import signal
import subprocess
import tempfile
import time

SOCKET_MAX = 107  # sun_path's 108 bytes, less the NUL
START_WAIT = 5  # seconds for swtpm to create its socket
SETUP_WAIT = 30  # seconds for swtpm_setup
STOP_WAIT = 3  # seconds between SIGTERM and SIGKILL
PR_SET_PDEATHSIG = 1


class TpmError(Exception):
    pass


try:
    _LIBC = ctypes.CDLL(None, use_errno=True)
except OSError:
    _LIBC = None


def _die_with_parent():
    """In the child before exec: SIGTERM when bootbench ends, however it ends."""
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _tail(path, n=5):
    try:
        with open(path, errors="replace") as f:
            return " | ".join(line.strip() for line in f.readlines()[-n:] if line.strip())
    except OSError:
        return ""


class Swtpm:
    """One swtpm for one run: start(), then sock for QEMU's -chardev, then stop().
    As a context manager: started on entry, stopped on exit whatever happened."""

    def __init__(self, rundir, banks):
        self.rundir = rundir
        self.banks = tuple(banks)
        self.proc = None
        self.dir = None  # its state, socket and logs
        self.own_dir = False  # dir is a temporary one, removed by stop()
        self.sock = None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def _place(self):
        here = os.path.join(os.path.abspath(self.rundir), "swtpm")
        if len(os.path.join(here, "sock")) <= SOCKET_MAX and "," not in here:
            shutil.rmtree(here, ignore_errors=True)  # a --workdir used before: never an old state
            os.makedirs(here)
            return here, False
        d = tempfile.mkdtemp(prefix="bootbench-tpm.")
        if len(os.path.join(d, "sock")) > SOCKET_MAX or "," in d:
            shutil.rmtree(d, ignore_errors=True)
            raise TpmError("no directory for its socket: %s has a comma or is too long (set TMPDIR)" % d)
        return d, True

    def start(self):
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self):
        self.dir, self.own_dir = self._place()
        self.sock = os.path.join(self.dir, "sock")
        setup_log = os.path.join(self.dir, "setup.log")
        self._setup(["swtpm_setup", "--tpm2", "--tpmstate", self.dir, "--pcr-banks", ",".join(self.banks),
                     "--config", "/dev/null", "--logfile", setup_log], setup_log)
        log = os.path.join(self.dir, "swtpm.log")
        try:
            self.proc = subprocess.Popen(["swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + self.dir,
                                          "--ctrl", "type=unixio,path=" + self.sock, "--log", "file=" + log],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True,
                                         preexec_fn=_die_with_parent)
        except OSError as e:
            raise TpmError("cannot start swtpm: %s" % e.strerror)
        deadline = time.monotonic() + START_WAIT
        while not os.path.exists(self.sock):
            if self.proc.poll() is not None:
                raise TpmError("swtpm exited with status %s: %s" % (self.proc.returncode, _tail(log)))
            if time.monotonic() > deadline:
                raise TpmError("swtpm made no socket within %d s: %s" % (START_WAIT, _tail(log)))
            time.sleep(0.01)

    def _setup(self, argv, log):
        """swtpm_setup, in a session of its own (it runs a swtpm of its own), all
        of it killed if it hangs or bootbench is interrupted."""
        try:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True, start_new_session=True)
        except OSError as e:
            raise TpmError("cannot start swtpm_setup: %s" % e.strerror)
        try:
            _, err = p.communicate(timeout=SETUP_WAIT)
        except BaseException as e:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
            if isinstance(e, subprocess.TimeoutExpired):
                raise TpmError("swtpm_setup did not finish within %d s" % SETUP_WAIT)
            raise
        if p.returncode != 0:
            raise TpmError("swtpm_setup --pcr-banks %s failed (status %d): %s"
                           % (",".join(self.banks), p.returncode, _tail(log) or err.strip()[-300:]))

    def stop(self):
        """End swtpm by its PID and reap it; keep its logs in the run's directory."""
        p, self.proc = self.proc, None
        if p is not None:
            try:
                if p.poll() is None:
                    p.terminate()
                    p.wait(timeout=STOP_WAIT)
            except subprocess.TimeoutExpired:
                pass
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
        if self.own_dir and self.dir:
            for name in ("swtpm.log", "setup.log"):
                if os.path.isfile(os.path.join(self.dir, name)) and os.path.isdir(self.rundir):
                    shutil.copyfile(os.path.join(self.dir, name), os.path.join(self.rundir, name))
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False
