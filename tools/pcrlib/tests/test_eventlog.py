"""eventlog and pcr: reading a crypto-agile log, writing leapboot's, extending and
replaying; PCR values checked against ones computed outside Python."""

import hashlib
import os
import struct
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from pcrlib import PcrError, eventlog, events, pcr  # noqa: E402
import synth  # noqa: E402

BANKS = ["sha1", "sha256", "sha384", "sha512"]


def ev(pcr_index, etype, data, banks=BANKS):
    return [pcr_index, etype, data, [(b, hashlib.new(b, data).digest()) for b in banks]]


def log_bytes(entries, banks=BANKS, tail=b""):
    return synth.spec_id_header(banks) + b"".join(synth.log_event(*e) for e in entries) + tail


class Known(unittest.TestCase):
    # PCR values of known event sequences, computed with sha1sum and xxd, e.g. PCR 8:
    #   (head -c 20 /dev/zero; printf 'console=ttyS0' | sha1sum | cut -c1-40 | xxd -r -p) | sha1sum
    def test_sha1_pcr8_cmdline(self):
        evs = [events.measure_bytes(8, events.EV_IPL, b"console=ttyS0", b"console=ttyS0", ["sha1"])]
        self.assertEqual(pcr.replay(evs, ["sha1"])["sha1"][8].hex(), "3c731182a3820dd639dafc10b588ed3ed8444daf")

    def test_sha1_pcr0_version_rom_separator(self):
        # "leapboot 0.9", then a 64 KiB ROM of 0xab bytes (sha1 7539b939...), then the separator.
        rom = b"\xab" * 65536
        self.assertEqual(hashlib.sha1(rom).hexdigest(), "7539b9398080fefc220ae961033062497ecc2642")
        evs = [events.measure_bytes(0, events.EV_S_CRTM_VERSION, b"leapboot 0.9", b"leapboot 0.9", ["sha1"]),
               events.measure_bytes(0, events.EV_S_CRTM_CONTENTS, b"leapboot.bin", rom, ["sha1"]),
               events.measure_bytes(0, events.EV_SEPARATOR, bytes(4), bytes(4), ["sha1"])]
        self.assertEqual(pcr.replay(evs, ["sha1"])["sha1"][0].hex(), "375b3c23fedd6c1138670257a5b6a0a267ba174b")

    def test_sha1_separator_only(self):
        evs = [events.measure_bytes(3, events.EV_SEPARATOR, bytes(4), bytes(4), ["sha1"])]
        self.assertEqual(pcr.replay(evs, ["sha1"])["sha1"][3].hex(), "b2a83b0ebf2f8374299a5b2bdfc31ea955ad7236")

    def test_extend_definition(self):
        d = hashlib.sha256(b"x").digest()
        self.assertEqual(pcr.extend("sha256", bytes(32), d), hashlib.sha256(bytes(32) + d).digest())
        with self.assertRaisesRegex(PcrError, "sha256 digest of 20 bytes"):
            pcr.extend("sha256", bytes(32), bytes(20))

    def test_unextended_pcrs_are_zero(self):
        out = pcr.select({"sha1": {}}, [9])
        self.assertEqual(out["sha1"][9], bytes(20))


class Parse(unittest.TestCase):
    def test_header_and_events(self):
        log = eventlog.parse(log_bytes([ev(0, 8, b"leapboot 0.9"), ev(4, 0xD, b"leapboot: kernel")]))
        self.assertEqual(log.algorithms, [(4, 20), (0xB, 32), (0xC, 48), (0xD, 64)])
        self.assertEqual(log.banks(), BANKS)
        self.assertEqual(log.spec_version, (2, 0, 0))
        self.assertEqual([(e.pcr, e.type, e.data) for e in log.events],
                         [(0, 8, b"leapboot 0.9"), (4, 0xD, b"leapboot: kernel")])
        self.assertEqual(log.events[1].digests["sha384"], hashlib.sha384(b"leapboot: kernel").digest())
        self.assertFalse(log.zero_end)

    def test_ends_at_zeros(self):
        entries = [ev(8, 0xD, b"a"), ev(9, 0xD, b"b")]
        full = eventlog.parse(log_bytes(entries))
        for tail in (bytes(3), bytes(12), bytes(4096)):
            log = eventlog.parse(log_bytes(entries, tail=tail))
            self.assertTrue(log.zero_end, len(tail))
            self.assertEqual(len(log.events), 2)
            self.assertEqual(pcr.replay(log.events, BANKS), pcr.replay(full.events, BANKS))
        # An all-zero entry ends the log even if something follows it.
        log = eventlog.parse(log_bytes(entries, tail=bytes(12) + b"junk"))
        self.assertEqual(len(log.events), 2)

    def test_vendor_info_and_one_bank(self):
        data = synth.spec_id_header(["sha256"], vendor=b"abc") + synth.log_event(*ev(7, 4, bytes(4), ["sha256"]))
        log = eventlog.parse(data)
        self.assertEqual(log.banks(), ["sha256"])
        self.assertEqual(log.events[0].pcr, 7)

    def test_no_action_not_extended_and_startup_locality(self):
        entries = [[0, 3, b"StartupLocality\0\x03", [(b, bytes(synth.ALGS[b][1])) for b in BANKS]],
                   ev(0, 4, bytes(4))]
        log = eventlog.parse(log_bytes(entries))
        self.assertEqual(log.startup_locality, 3)
        values = pcr.replay(log.events, BANKS, log.startup_locality)
        sep = hashlib.sha256(bytes(4)).digest()
        self.assertEqual(values["sha256"][0], hashlib.sha256(bytes(31) + b"\x03" + sep).digest())
        self.assertEqual(list(values["sha256"]), [0])

    def test_not_crypto_agile(self):
        sha1_log = struct.pack("<II20sI", 0, 8, hashlib.sha1(b"v").digest(), 1) + b"v"
        with self.assertRaisesRegex(PcrError, "not a TCG crypto-agile event log"):
            eventlog.parse(sha1_log)
        with self.assertRaisesRegex(PcrError, "shorter than one event header"):
            eventlog.parse(b"\0" * 10)

    def test_truncated(self):
        data = log_bytes([ev(8, 0xD, b"abcdef")])
        for cut in (1, 4, 10, 30):
            with self.assertRaisesRegex(PcrError, "truncated event log"):
                eventlog.parse(data[:-cut])

    def test_digest_of_an_unlisted_bank(self):
        data = synth.spec_id_header(["sha256"]) + synth.log_event(*ev(8, 0xD, b"a", ["sha1"]))
        with self.assertRaisesRegex(PcrError, "a sha1 digest, an algorithm the header does not list"):
            eventlog.parse(data)

    def test_too_many_digests(self):
        data = synth.spec_id_header(["sha256"]) + synth.log_event(*ev(8, 0xD, b"a", ["sha256", "sha256"]))
        with self.assertRaisesRegex(PcrError, "2 digests, the header lists 1 algorithms"):
            eventlog.parse(data)

    def test_pcr_out_of_range(self):
        with self.assertRaisesRegex(PcrError, "extends PCR 24"):
            eventlog.parse(log_bytes([ev(24, 0xD, b"a")]))


class Build(unittest.TestCase):
    def test_as_the_test_writes_it(self):
        evs = [events.measure_bytes(p, t, d, d, ["sha256", "sha1"]) for p, t, d in
               ((0, 8, b"leapboot 0.9"), (8, 0xD, b""), (1, 4, bytes(4)))]
        want = synth.spec_id_header(["sha256", "sha1"]) + b"".join(
            synth.log_event(e.pcr, e.type, e.data, [(b, e.digests[b]) for b in ("sha256", "sha1")]) for e in evs)
        self.assertEqual(eventlog.build(evs, ["sha256", "sha1"]), want)

    def test_round_trip_replays_the_same(self):
        evs = [events.measure_bytes(p, t, d, d, BANKS) for p, t, d in
               ((0, 8, b"leapboot 0.9"), (4, 0xD, b"leapboot: kernel"), (8, 0xD, b"quiet"), (0, 4, bytes(4)))]
        log = eventlog.parse(eventlog.build(evs, BANKS))
        self.assertEqual(pcr.replay(log.events, log.banks()), pcr.replay(evs, BANKS))


if __name__ == "__main__":
    unittest.main()
