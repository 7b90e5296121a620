"""PCR banks, extension and replay.

A PCR starts at zero (or, for PCR 0, at the startup locality in its last byte)
and is extended as PCR = H(PCR || digest) with the bank's hash H.
"""

import hashlib

from . import PcrError

# The banks leapboot hashes (docs/measured-boot.md, "Banks"): name -> (TPM_ALG_ID, digest size).
BANKS = {
    "sha1": (0x0004, 20),
    "sha256": (0x000B, 32),
    "sha384": (0x000C, 48),
    "sha512": (0x000D, 64),
}
# Other TPM_ALG_IDs a real log may carry (replayed where hashlib has the hash).
OTHER_ALGS = {0x0012: "sm3_256", 0x0027: "sha3_256", 0x0028: "sha3_384", 0x0029: "sha3_512"}
ALG_NAMES = {alg: name for name, (alg, _) in BANKS.items()}
ALG_NAMES.update(OTHER_ALGS)
HASHLIB_NAMES = {"sm3_256": "sm3"}

# PCRs a TPM 2.0 PC Client has.
NUM_PCRS = 24


def alg_name(alg_id):
    """The bank's name for a TPM_ALG_ID ("sha256"), or "alg_0xNNNN"."""
    return ALG_NAMES.get(alg_id, "alg_0x%04x" % alg_id)


def new_hash(bank, data=b""):
    """A hashlib object for the bank (PcrError if this Python has no such hash)."""
    try:
        return hashlib.new(HASHLIB_NAMES.get(bank, bank), data)
    except ValueError:
        raise PcrError("no %s hash in this Python's hashlib" % bank) from None


def digest(bank, data):
    return new_hash(bank, data).digest()


class Hashes:
    """One running hash per bank, fed the same bytes."""

    def __init__(self, banks):
        self.h = {b: new_hash(b) for b in banks}

    def update(self, data):
        for h in self.h.values():
            h.update(data)

    def digests(self):
        return {b: h.digest() for b, h in self.h.items()}


def initial(bank, pcr, startup_locality=0):
    size = new_hash(bank).digest_size
    if pcr == 0 and startup_locality:
        return bytes(size - 1) + bytes([startup_locality])
    return bytes(size)


def extend(bank, value, digest_bytes):
    """The PCR value after extending value with digest_bytes in bank."""
    if len(digest_bytes) != len(value):
        raise PcrError("%s digest of %d bytes, the bank's are %d" % (bank, len(digest_bytes), len(value)))
    return digest(bank, value + digest_bytes)


def replay(events, banks, startup_locality=0):
    """{bank: {pcr: value}} for the PCRs the events extend (EV_NO_ACTION events
    extend nothing). An event without a digest for a bank leaves that bank's
    PCR as it is."""
    pcrs = {b: {} for b in banks}
    for ev in events:
        if not ev.extends():
            continue
        for b in banks:
            d = ev.digests.get(b)
            values = pcrs[b]
            if ev.pcr not in values:
                values[ev.pcr] = initial(b, ev.pcr, startup_locality)
            if d is not None:
                values[ev.pcr] = extend(b, values[ev.pcr], d)
    return pcrs


def select(pcrs, wanted, startup_locality=0):
    """pcrs limited to (and completed with) the wanted PCR numbers, in order:
    a PCR no event extended has its reset value."""
    out = {}
    for b, values in pcrs.items():
        out[b] = {p: values[p] if p in values else initial(b, p, startup_locality) for p in wanted}
    return out
