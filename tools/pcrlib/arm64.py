"""arm64 (QEMU virt): what leapboot measures of itself and of the kernel there
(docs/measured-boot.md, "arm64").

- Itself (PCR 0, EV_S_CRTM_CONTENTS): the file it was started from, as it lies
  in memory. leapboot.bin (-bios) is mapped in the flash at 0; leapboot.Image
  (-kernel) is loaded at RAM (0x40000000) + its text_offset. The event's data,
  a UEFI_PLATFORM_FIRMWARE_BLOB, is that base and the file's length.
- The kernel (PCR 4): an Image as its file; an Image.gz as the Image it inflates
  to (the first gzip member, as QEMU's -kernel and leapboot both inflate it), so
  that the digest is the same by -kernel (QEMU inflates it with -bios) and by
  opt/leapboot/kernel (leapboot inflates it).
"""

import struct
import zlib

from . import PcrError
from .kernel import CHUNK, KernelDigest, file_digest
from .pcr import Hashes

RAM_BASE = 0x40000000  # QEMU virt
FLASH_BASE = 0x0
FLASH_SIZE = 64 << 20  # the virt flash -bios goes into
IMAGE_MAGIC_OFFSET = 0x38
IMAGE_MAGIC = b"ARM\x64"
IMAGE_HEADER = 0x40
GZIP_MAGIC = b"\x1f\x8b"


def _head(path, n):
    try:
        with open(path, "rb") as f:
            return f.read(n)
    except OSError as e:
        raise PcrError("%s: %s" % (path, e.strerror or e)) from None


def is_image(head):
    return len(head) >= IMAGE_HEADER and head[IMAGE_MAGIC_OFFSET:IMAGE_MAGIC_OFFSET + 4] == IMAGE_MAGIC


def firmware(path, banks, form):
    """(digests, base, size) of leapboot's own file; form "bin" (-bios) or
    "Image" (-kernel)."""
    head = _head(path, IMAGE_HEADER)
    if form == "bin":
        if is_image(head):
            raise PcrError("%s is an arm64 Image (leapboot.Image, for -kernel): give it as --image" % path)
        digests, size = file_digest(path, banks)
        if not 0 < size <= FLASH_SIZE:
            raise PcrError("%s: %d bytes, not a leapboot.bin for virt's 64 MiB flash" % (path, size))
        return digests, FLASH_BASE, size
    if not is_image(head):
        raise PcrError("%s: no arm64 Image header (\"ARM\\x64\" at 0x38): not a leapboot.Image" % path)
    text_offset, = struct.unpack_from("<Q", head, 8)
    digests, size = file_digest(path, banks)
    return digests, RAM_BASE + text_offset, size


def _inflate(path, data, banks):
    """The digests and size of the first gzip member of data, inflated."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    h = Hashes(banks)
    size = 0
    head = b""
    try:
        for i in range(0, len(data), CHUNK):
            out = d.decompress(data[i:i + CHUNK])
            h.update(out)
            size += len(out)
            if len(head) < IMAGE_HEADER:
                head += out[:IMAGE_HEADER - len(head)]
            if d.eof:
                break
        out = d.flush()
        h.update(out)
        size += len(out)
        head = (head + out)[:IMAGE_HEADER]
    except zlib.error as e:
        raise PcrError("%s: corrupt gzip file (%s): leapboot refuses it" % (path, e)) from None
    if not d.eof:
        raise PcrError("%s: truncated gzip file (%d bytes inflated): leapboot refuses it" % (path, size))
    return h.digests(), size, head


def kernel_digest(path, banks):
    """The kernel's digest on arm64, and what kind of file it is."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise PcrError("%s: %s" % (path, e.strerror or e)) from None
    if data[:2] == GZIP_MAGIC:
        digests, inflated, head = _inflate(path, data, banks)
        warning = None
        if not is_image(head):
            warning = "%s inflates to no arm64 Image (no \"ARM\\x64\" at 0x38): leapboot will refuse it" % path
        return KernelDigest(path, "arm64-image-gz", len(data), digests, {"inflated_size": inflated},
                            warning=warning)
    h = Hashes(banks)
    h.update(data)
    if is_image(data[:IMAGE_HEADER]):
        return KernelDigest(path, "arm64-image", len(data), h.digests())
    return KernelDigest(path, "other", len(data), h.digests(),
                        warning="neither an arm64 Image nor an Image.gz: measured as the whole file; "
                                "leapboot will refuse it")
