"""The TCG crypto-agile event log (PC Client PFP 2.0, section 10): read one
(e.g. Linux's /sys/kernel/security/tpm0/binary_bios_measurements) and write the
one leapboot writes (docs/measured-boot.md, "The log").

Layout, all little-endian:
  header   TCG_PCClientPCREvent: pcrIndex u32 (0), eventType u32 (EV_NO_ACTION),
           digest[20] (zero), eventSize u32, event = TCG_EfiSpecIDEvent:
           signature "Spec ID Event03\\0", platformClass u32, specVersionMinor u8,
           specVersionMajor u8, specErrata u8, uintnSize u8, numberOfAlgorithms
           u32, {algorithmId u16, digestSize u16} each, vendorInfoSize u8,
           vendorInfo
  entries  TCG_PCR_EVENT2: pcrIndex u32, eventType u32, count u32, {hashAlg u16,
           digest} each, eventSize u32, event
The entries end at the end of the file or at an all-zero entry (pcrIndex,
eventType and count all 0: the zeros after a log in its memory area).
"""

import struct
from dataclasses import dataclass, field

from . import PcrError
from .events import EV_NO_ACTION, Event
from .pcr import BANKS, NUM_PCRS, alg_name

SPEC_ID_SIGNATURE = b"Spec ID Event03\0"
STARTUP_LOCALITY_SIGNATURE = b"StartupLocality\0"
SHA1_EVENT_HEADER = struct.Struct("<II20sI")  # TCG_PCClientPCREvent before its event


@dataclass
class Log:
    algorithms: list  # (TPM_ALG_ID, digest size) in the header's order
    events: list = field(default_factory=list)  # Event, header excluded
    startup_locality: int = 0
    platform_class: int = 0
    spec_version: tuple = (2, 0, 0)  # major, minor, errata
    uintn_size: int = 2
    end: int = 0  # offset where the entries ended
    zero_end: bool = False  # they ended at an all-zero entry

    def banks(self):
        return [alg_name(a) for a, _ in self.algorithms]


def _need(data, off, n, what):
    if off + n > len(data):
        raise PcrError("truncated event log: %s at offset 0x%x needs %d bytes, the log ends at 0x%x"
                       % (what, off, n, len(data)))


def parse_header(data):
    """The Spec ID Event03 header: (Log, offset of the first TCG_PCR_EVENT2)."""
    if len(data) < SHA1_EVENT_HEADER.size:
        raise PcrError("not a TCG event log: %d bytes, shorter than one event header" % len(data))
    pcr, etype, _digest, size = SHA1_EVENT_HEADER.unpack_from(data, 0)
    ev = data[SHA1_EVENT_HEADER.size:SHA1_EVENT_HEADER.size + size]
    if pcr != 0 or etype != EV_NO_ACTION or not ev.startswith(SPEC_ID_SIGNATURE):
        raise PcrError("not a TCG crypto-agile event log: the first event is not the EV_NO_ACTION "
                       "\"Spec ID Event03\" header (a TPM 1.2 SHA-1 log?)")
    _need(data, SHA1_EVENT_HEADER.size, size, "the Spec ID event")
    off = len(SPEC_ID_SIGNATURE)
    if len(ev) < off + 12:
        raise PcrError("truncated Spec ID Event03 header (eventSize %d)" % size)
    platform, minor, major, errata, uintn, nalgs = struct.unpack_from("<IBBBBI", ev, off)
    off += 12
    if nalgs == 0 or len(ev) < off + 4 * nalgs + 1:
        raise PcrError("Spec ID Event03 header: %d algorithms in an event of %d bytes" % (nalgs, size))
    algs = [struct.unpack_from("<HH", ev, off + 4 * i) for i in range(nalgs)]
    off += 4 * nalgs
    vendor = ev[off]
    if len(ev) < off + 1 + vendor:
        raise PcrError("Spec ID Event03 header: vendorInfoSize %d passes the event's end" % vendor)
    seen = set()
    for alg, dsize in algs:
        if alg in seen:
            raise PcrError("Spec ID Event03 header: algorithm %s listed twice" % alg_name(alg))
        seen.add(alg)
        known = [s for a, s in BANKS.values() if a == alg]
        if known and known[0] != dsize:
            raise PcrError("Spec ID Event03 header: %s with %d-byte digests (it has %d)"
                           % (alg_name(alg), dsize, known[0]))
    log = Log(algs, platform_class=platform, spec_version=(major, minor, errata), uintn_size=uintn)
    return log, SHA1_EVENT_HEADER.size + size


def parse(data):
    """A crypto-agile event log from its bytes."""
    log, off = parse_header(data)
    sizes = dict(log.algorithms)
    n = 0
    while off < len(data):
        rest = len(data) - off
        if rest < 12 and data[off:] != bytes(rest):
            raise PcrError("truncated event log: %d bytes at offset 0x%x are not an event" % (rest, off))
        if data[off:off + 12] == bytes(min(rest, 12)):
            log.zero_end = True
            break
        n += 1
        start = off
        pcr, etype, count = struct.unpack_from("<III", data, off)
        off += 12
        if count > len(log.algorithms):
            raise PcrError("event %d at offset 0x%x: %d digests, the header lists %d algorithms"
                           % (n, start, count, len(log.algorithms)))
        digests = {}
        for _ in range(count):
            _need(data, off, 2, "event %d's digest" % n)
            alg, = struct.unpack_from("<H", data, off)
            if alg not in sizes:
                raise PcrError("event %d at offset 0x%x: a %s digest, an algorithm the header does not list"
                               % (n, start, alg_name(alg)))
            if alg_name(alg) in digests:
                raise PcrError("event %d at offset 0x%x: two %s digests" % (n, start, alg_name(alg)))
            _need(data, off + 2, sizes[alg], "event %d's %s digest" % (n, alg_name(alg)))
            digests[alg_name(alg)] = data[off + 2:off + 2 + sizes[alg]]
            off += 2 + sizes[alg]
        _need(data, off, 4, "event %d's eventSize" % n)
        size, = struct.unpack_from("<I", data, off)
        off += 4
        _need(data, off, size, "event %d's data" % n)
        event = Event(pcr, etype, data[off:off + size], digests)
        off += size
        if etype != EV_NO_ACTION and pcr >= NUM_PCRS:
            raise PcrError("event %d at offset 0x%x extends PCR %d (a TPM has %d)" % (n, start, pcr, NUM_PCRS))
        if (etype == EV_NO_ACTION and pcr == 0 and event.data.startswith(STARTUP_LOCALITY_SIGNATURE)
                and len(event.data) > len(STARTUP_LOCALITY_SIGNATURE)):
            log.startup_locality = event.data[len(STARTUP_LOCALITY_SIGNATURE)]
        log.events.append(event)
    log.end = off
    return log


def read(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise PcrError("%s: %s" % (path, e.strerror or e)) from None
    try:
        return parse(data)
    except PcrError as e:
        raise PcrError("%s: %s" % (path, e)) from None


def build(events, banks):
    """The log leapboot writes for these events (banks: names, in the TPM's order)."""
    algs = [BANKS[b] for b in banks]
    spec = SPEC_ID_SIGNATURE + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, len(algs))
    spec += b"".join(struct.pack("<HH", a, s) for a, s in algs) + b"\0"
    out = [SHA1_EVENT_HEADER.pack(0, EV_NO_ACTION, bytes(20), len(spec)), spec]
    for ev in events:
        out.append(struct.pack("<III", ev.pcr, ev.type, len(banks)))
        for b, (alg, _) in zip(banks, algs):
            out.append(struct.pack("<H", alg) + ev.digests[b])
        out.append(struct.pack("<I", len(ev.data)) + ev.data)
    return b"".join(out)
