"""Where leapboot's files are, for the tools: a checkout or an installed tree.

From a checkout (this file in tools/, beside the Makefile) the firmware is the
build's, build/<arch>/, and the version is boot/version.h. Installed by `make
install` (this file in PREFIX/lib/leapboot/) the firmware is in
PREFIX/share/leapboot/<arch>/ and the version in PREFIX/lib/leapboot/version.h:
found from this file's own place, so the tree works under any PREFIX and from a
DESTDIR staging tree.
"""

import os
import re

# tools/ in a checkout, PREFIX/lib/leapboot installed: the helper scripts
# (fetch-kernels, mkinitrd, extract-vmlinux) and fwcount/fwcount.so are here.
TOOLS = os.path.dirname(os.path.realpath(__file__))
_ROOT = os.path.dirname(TOOLS)
CHECKOUT = _ROOT if os.path.isfile(os.path.join(_ROOT, "boot", "version.h")) else None
PREFIX = None if CHECKOUT else os.path.dirname(os.path.dirname(TOOLS))

VERSION_H = (os.path.join(CHECKOUT, "boot", "version.h") if CHECKOUT
             else os.path.join(TOOLS, "version.h"))


def firmware(arch, name):
    """leapboot's file NAME (leapboot.bin, leapboot.elf, ...) for arch
    (x86_64 | aarch64): the build's in a checkout, else the installed one."""
    if CHECKOUT:
        return os.path.join(CHECKOUT, "build", arch, name)
    return os.path.join(PREFIX, "share", "leapboot", arch, name)


def how_to_build(arch, efi=False):
    """What makes firmware(arch, ...) exist: the make command in a checkout."""
    if not CHECKOUT:
        return "not installed: make build-all install, from a leapboot checkout"
    return "make" + (" ARCH=aarch64" if arch == "aarch64" else "") + (" efi" if efi else "")


def version():
    """LEAPBOOT_VERSION from version.h ("" when it cannot be read)."""
    try:
        with open(VERSION_H, encoding="utf-8") as f:
            m = re.search(r'^\s*#\s*define\s+LEAPBOOT_VERSION\s+"([^"]*)"', f.read(), re.M)
    except OSError:
        return ""
    return m.group(1) if m else ""


def version_line(prog):
    """The --version line, as help2man reads it: "PROG (leapboot) VERSION"."""
    return "%s (leapboot) %s" % (prog, version() or "unknown")
