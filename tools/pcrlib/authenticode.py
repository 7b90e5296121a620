"""The Authenticode digest of a PE/COFF image: what a UEFI firmware measures for an
image it loads (edk2's Tcg2Dxe, HashLogExtendEvent with PE_COFF_IMAGE, into PCR 4
for an application; TCG PC Client PFP, EV_EFI_BOOT_SERVICES_APPLICATION).

The headers up to SizeOfHeaders without the CheckSum field and the certificate
table's data directory entry, then the sections with raw data in the order of
their PointerToRawData, then whatever the file has after them, less the
certificate table (the signatures) at its end.
"""

import struct

from . import PcrError
from .pcr import Hashes

PE32_MAGIC = 0x10B
PE32PLUS_MAGIC = 0x20B
CERT_DIRECTORY = 4  # IMAGE_DIRECTORY_ENTRY_SECURITY


def _field(data, fmt, off, what, path):
    if off < 0 or off + struct.calcsize(fmt) > len(data):
        raise PcrError("%s: not a PE/COFF image (%s past the end of the file)" % (path, what))
    return struct.unpack_from(fmt, data, off)[0]


def is_pe(data):
    """An MZ header pointing at a PE signature."""
    if len(data) < 0x40 or data[:2] != b"MZ":
        return False
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    return pe + 4 <= len(data) and data[pe:pe + 4] == b"PE\0\0"


def digests(data, banks, path="image"):
    """{bank: digest} of the image's bytes as the firmware hashes them."""
    if not is_pe(data):
        raise PcrError("%s: not a PE/COFF image (no MZ and PE headers): the firmware would not load it"
                       % path)
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    nsect = _field(data, "<H", pe + 6, "NumberOfSections", path)
    optsize = _field(data, "<H", pe + 20, "SizeOfOptionalHeader", path)
    opt = pe + 24
    magic = _field(data, "<H", opt, "the optional header", path)
    if magic not in (PE32_MAGIC, PE32PLUS_MAGIC):
        raise PcrError("%s: optional header magic %#x is neither PE32 nor PE32+" % (path, magic))
    checksum = opt + 64
    ndirs_at = opt + (92 if magic == PE32_MAGIC else 108)
    ndirs = _field(data, "<I", ndirs_at, "NumberOfRvaAndSizes", path)
    header_end = _field(data, "<I", opt + 60, "SizeOfHeaders", path)
    if header_end > len(data):
        raise PcrError("%s: SizeOfHeaders %#x past the end of the file" % (path, header_end))
    h = Hashes(banks)
    cert_size = 0
    if ndirs > CERT_DIRECTORY:
        cert = ndirs_at + 4 + 8 * CERT_DIRECTORY
        cert_size = _field(data, "<I", cert + 4, "the certificate table entry", path)
        h.update(data[:checksum])
        h.update(data[checksum + 4:cert])
        h.update(data[cert + 8:header_end])
    else:
        h.update(data[:checksum])
        h.update(data[checksum + 4:header_end])
    hashed = header_end
    sections = []
    table = opt + optsize
    for i in range(nsect):
        s = table + 40 * i
        raw_size = _field(data, "<I", s + 16, "a section header", path)
        raw_at = _field(data, "<I", s + 20, "a section header", path)
        if raw_size:
            sections.append((raw_at, raw_size))
    for raw_at, raw_size in sorted(sections):
        if raw_at + raw_size > len(data):
            raise PcrError("%s: a section's raw data (%#x, %#x bytes) past the end of the file"
                           % (path, raw_at, raw_size))
        h.update(data[raw_at:raw_at + raw_size])
        hashed += raw_size
    if len(data) > hashed:
        h.update(data[hashed:len(data) - cert_size])
    return h.digests()
