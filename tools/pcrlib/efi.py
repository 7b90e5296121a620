"""The events of PCRs 4, 8 and 9 when leapboot.efi boots a Linux kernel through
its EFI stub under a UEFI firmware with a TPM (docs/measured-boot.md,
"leapboot.efi"), in log order. Who logs what:

- the firmware (OVMF, AAVMF: edk2's Tcg2Dxe), at the first boot attempt's
  ReadyToBoot: "Calling EFI Application from Boot Option" (EV_EFI_ACTION) and the
  separators of PCRs 0-6; at each later attempt "Returning from EFI Application
  from Boot Option" and "Calling ..." again; then, at LoadImage, the
  Authenticode digest of each application it loads: leapboot.efi, then the
  kernel (EV_EFI_BOOT_SERVICES_APPLICATION);
- leapboot.efi: the command line into PCR 8 (EV_IPL, as the firmware form);
- Linux's EFI stub (6.1 and later): its load options, the command line as
  leapboot.efi gives them (UCS-2 with the terminating NUL), and the initrd it
  loaded through LoadFile2, into PCR 9 (EV_EVENT_TAG). A stub from 5.16 to 6.0
  measures only the initrd; for an older one leapboot.efi measures it
  ("leapboot: initrd", EV_IPL): the same digest, so PCR 9 is the same.
"""

import gzip
import struct

from . import PcrError, authenticode
from .events import EV_IPL, EV_SEPARATOR, Event, cmdline_bytes, measure_bytes
from .pcr import Hashes

EV_EVENT_TAG = 0x06
EV_EFI_BOOT_SERVICES_APPLICATION = 0x80000003
EV_EFI_ACTION = 0x80000007

CALLING = b"Calling EFI Application from Boot Option"
RETURNING = b"Returning from EFI Application from Boot Option"
# The stub's EFI_TCG2_TAGGED_EVENT ids (drivers/firmware/efi/libstub/efistub.h).
INITRD_TAG = 0x8F3B22EC
LOAD_OPTIONS_TAG = 0x8F3B22ED


def tagged(tag, text):
    """A stub's event data: tagged event id, size, the text with its NUL."""
    t = text.encode() + b"\0"
    return struct.pack("<II", tag, len(t)) + t


def _read(path, what):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise PcrError("%s %s: %s" % (what, path, e.strerror or e)) from None


def kernel_image(path):
    """The PE image leapboot.efi hands to LoadImage: the file, or an arm64
    Image.gz inflated (leapboot.efi inflates it first)."""
    data = _read(path, "--kernel")
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise PcrError("--kernel %s: corrupt gzip kernel (%s)" % (path, e)) from None
    if not authenticode.is_pe(data):
        raise PcrError("--kernel %s: no EFI stub (not a PE image): leapboot.efi boots such a kernel "
                       "only without a TPM" % path)
    return data


def app_event(path, data, banks):
    return Event(4, EV_EFI_BOOT_SERVICES_APPLICATION, b"", authenticode.digests(data, banks, path),
                 "the Authenticode digest of %s (%d bytes)" % (path, len(data)))


def predict(banks, efi, kernel, cmdline, initrd=None, boot_attempts=1, load_options=True):
    """The events of PCRs 4, 8 and 9, in log order."""
    if boot_attempts < 1:
        raise PcrError("--efi-boot-attempts %d: leapboot.efi is started by the first attempt or a "
                       "later one" % boot_attempts)
    ev = [measure_bytes(4, EV_EFI_ACTION, CALLING, CALLING, banks, "the event data"),
          measure_bytes(4, EV_SEPARATOR, bytes(4), bytes(4), banks, "the event data")]
    for _ in range(boot_attempts - 1):
        ev.append(measure_bytes(4, EV_EFI_ACTION, RETURNING, RETURNING, banks, "the event data"))
        ev.append(measure_bytes(4, EV_EFI_ACTION, CALLING, CALLING, banks, "the event data"))
    ev.append(app_event(efi, _read(efi, "--efi"), banks))
    cl = cmdline_bytes(cmdline)
    ev.append(measure_bytes(8, EV_IPL, cl, cl, banks, "the event data (%d bytes)" % len(cl)))
    ev.append(app_event(kernel, kernel_image(kernel), banks))
    if load_options:
        opts = (cl.decode("latin-1") + "\0").encode("utf-16-le")
        ev.append(measure_bytes(9, EV_EVENT_TAG, tagged(LOAD_OPTIONS_TAG, "LOADED_IMAGE::LoadOptions"),
                                opts, banks, "the load options: the command line in UCS-2 with its NUL "
                                "(%d bytes)" % len(opts)))
    if initrd is not None:
        data = _read(initrd, "--initrd")
        if data:
            h = Hashes(banks)
            h.update(data)
            ev.append(Event(9, EV_EVENT_TAG, tagged(INITRD_TAG, "Linux initrd"), h.digests(),
                            "%s, %d bytes" % (initrd, len(data))))
    return ev
