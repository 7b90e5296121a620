"""tools/leapboot-pcr's command line."""

import argparse
import json
import os
import re
import sys

import leapbootpaths

from . import PcrError, efi, eventlog, events, pcr, uki

PROG = "leapboot-pcr"
# leapboot.bin: the checkout's build, or the installed one (leapbootpaths).
DEFAULT_BIN = {"x86_64": leapbootpaths.firmware("x86_64", "leapboot.bin"),
               "arm64": leapbootpaths.firmware("aarch64", "leapboot.bin")}
VERSION_H = leapbootpaths.VERSION_H
DEFAULT_PCRS = (0, 4, 8, 9)
PREDICTED_PCRS = range(10)  # leapboot extends PCRs 0-9; 10 and up belong to the OS
EFI_PCRS = (4, 8, 9)  # --efi: the PCRs that do not depend on the firmware's build
UKI_PCRS = (11, 12)  # --uki: systemd-stub's PCRs, which leapboot extends as the stub does

DESCRIPTION = """\
Predicts the PCR values a leapboot boot (leapboot.bin on QEMU's pc or q35, or with
--arch arm64 leapboot.bin or leapboot.Image on QEMU's arm virt, with a TPM 2.0)
leaves, from the files alone, before the VM runs: for sealing secrets
to the boot (tpm2_createpolicy --policy-pcr) or checking a boot afterwards.
docs/measured-boot.md defines every event leapboot extends; this tool follows it.
With --replay it instead replays a real TCG event log (Linux's
/sys/kernel/security/tpm0/binary_bios_measurements) into the PCR values it
accounts for.

PCRs (Linux TPM PCR Registry, docs/measured-boot.md):
  0  the firmware: "leapboot VERSION" (EV_S_CRTM_VERSION) and the 128 KiB
     leapboot.bin (EV_S_CRTM_CONTENTS)
  1  the platform configuration: QEMU's fw_cfg files etc/acpi/rsdp,
     etc/acpi/tables, etc/table-loader, etc/smbios/smbios-anchor,
     etc/smbios/smbios-tables, those the machine has (EV_TABLE_OF_DEVICES);
     they depend on QEMU's version and command line, so PCR 1 is predicted
     only with --fw-cfg
  4  the kernel (EV_IPL "leapboot: kernel"): a bzImage with the setup header
     fields QEMU's -kernel rewrites taken as zero; a PVH ELF as its loaded span
     (PT_LOAD segments at their p_paddr, zeros between and after p_filesz);
     anything else (multiboot) the whole file
  8  the kernel command line (EV_IPL, the command line itself as event data)
  9  the initrd (EV_IPL "leapboot: initrd"); untouched (all zero) without one
  0-7 end with EV_SEPARATOR (four zero bytes): PCRs 2, 3, 5, 6 and 7 hold only it

arm64 (--arch arm64, QEMU virt):
  0  "leapboot VERSION", then leapboot's own file as it lies in memory:
     leapboot.bin (--bin) in the flash at 0, or leapboot.Image (--image) at
     0x40000000 + its text_offset; the event data is that base and the length
  1  nothing but the separator: leapboot hands Linux the device tree, none of
     QEMU's ACPI or SMBIOS files, and measures none (predicted without --fw-cfg)
  4  an Image as the whole file; an Image.gz as the Image it inflates to (the
     same whether QEMU inflates it, -kernel with -bios, or leapboot does,
     opt/leapboot/kernel)
  8, 9 and the separators as on x86

With --efi LEAPBOOT.EFI it predicts leapboot.efi's boot under a UEFI firmware
with a TPM (OVMF, AAVMF) instead, of a kernel with an EFI stub, PCRs 4, 8, 9:
  4  the firmware's "Calling EFI Application from Boot Option" and separator at
     the first boot attempt (and "Returning ..." and "Calling ..." at each
     later one: --efi-boot-attempts), then the Authenticode digests of
     leapboot.efi and of the kernel (an Image.gz inflated), as the firmware
     measures them at LoadImage
  8  the command line (EV_IPL), measured by leapboot.efi
  9  Linux's EFI stub: its load options (the command line in UCS-2 with its
     NUL; Linux 6.1 and later, else --no-stub-load-options), then the initrd
The others hold the firmware's own measurements (its volumes, variables,
tables): replay its log for them.

With --uki FILE (instead of --kernel and --cmdline) it predicts the boot of a
unified kernel image (systemd-stub with .linux, .initrd, .cmdline, ...
sections, e.g. built by ukify): leapboot measures it as systemd-stub does, by
the stub's version (from its .sdmagic text; --stub-version overrides it):
  11  per section present, in the stub's order (systemd < 254: .linux .osrel
      .cmdline .initrd .splash .dtb .pcrpkey; 254-255 add .uname .sbat after
      .dtb; 256 .ucode after .initrd; unknown: the newest): EV_IPL of the
      name (ASCII with NUL), then EV_IPL of its VirtualSize bytes, event
      data the name in UTF-16LE with NUL. leapboot also measures a .ucode for
      an older stub (it always hands it to the kernel); --as-stub does not
  12  --append (the command line that overrides .cmdline: -append) and then
      --smbios-cmdline-extra (SMBIOS type 11 io.systemd.stub.kernel-cmdline-
      extra=), each mangled (control characters to spaces, trailing spaces
      dropped) and measured as UTF-16LE with NUL (EV_IPL, that data)
  4   "leapboot: kernel": the .linux section's content
  8   the command line the kernel gets: --append, else .cmdline, mangled, then
      the SMBIOS extra after a space
  9   "leapboot: initrd" only for --initrd, an initrd given besides the UKI
      (.initrd and .ucode are in PCR 11)
With --as-stub only PCRs 11 and 12 are predicted, as systemd-stub itself
measures them when a UEFI firmware (OVMF, AAVMF) starts the UKI (no --bin).
"""

EPILOG = """\
output (text): one line per bank and PCR, banks in --banks order, PCRs rising:
  BANK:PCR  HEX        e.g.  sha256:4  6c1f...(64 hex digits)
  i.e. two columns separated by spaces; `awk '$1 == "sha256:4" { print $2 }'`
  picks one. With --log the event list comes first: per event a line
  "event N: PCR P TYPE (0xT) DATA" (DATA quoted if printable ASCII, else
  hex:...), an indented "measured:" line saying what was hashed, and an
  indented "BANK  HEX" line per bank; then an empty line, then the values.

output (--json): one object:
  {"mode": "predict" or "replay", "banks": [...],
   "pcrs": {"sha256": {"0": "HEX", "4": "HEX", ...}, ...},
   "events": [{"pcr": 0, "type": "EV_S_CRTM_VERSION", "type_code": 8,
               "data": "leapboot 0.9" (printable ASCII only), "data_hex": "...",
               "digests": {"sha256": "HEX", ...}, "measured": "..."}, ...],
   predict: "inputs": {"arch", "bin", "image", "kernel": {"path", "kind", "size", ...}, "initrd",
                       "cmdline", "version", "fw_cfg", "fw_cfg_files"},
            with --uki the kernel is {"path", "kind": "uki", "size", "machine",
            "stub_version", "stub_version_from", "sections": {NAME: VirtualSize},
            "pcr11_sections": [...]}, and "append", "smbios_cmdline_extra",
            "as_stub" join the inputs ("mode": "predict-uki" with --as-stub),
   replay: "log", "startup_locality"}
  HEX is lowercase, without 0x.

--policy FILE: the --pcrs values of the --policy-bank bank, concatenated in
  rising PCR order, raw binary, as tpm2-tools read a PCR file:
    tools/leapboot-pcr --kernel vmlinuz --cmdline "console=ttyS0" --policy pcrs.bin
    tpm2_createpolicy --policy-pcr -l sha256:0,4,8,9 -f pcrs.bin -L policy.digest

inputs as leapboot sees them:
  --cmdline is taken byte for byte as the shell passes it, trailing newlines
  dropped as leapboot drops them: give exactly QEMU's -append (an empty -append
  or none: --cmdline ""). --fw-cfg DIR is a tools/capture-fw-cfg dump
  (DIR/etc/acpi/tables, ...) of the same QEMU and machine, captured with the
  same devices, the TPM included (capture-fw-cfg --machine q35 -- -chardev
  ... -tpmdev ... -device tpm-tis,...): a TPM adds ACPI tables. A kernel
  leapboot would refuse (an ELF without the PVH note, a file of no known kind)
  is measured as the whole file, with a warning on stderr; so is a multiboot
  kernel given --initrd (its modules, not measured yet), and an empty --initrd
  file is no initrd at all (no event), as QEMU hands it over.

exit status: 0 done; 1 bad input (a missing file, a ROM that is not 128 KiB, an
ELF without PT_LOAD, a truncated bzImage header, a malformed event log); 2 bad
usage.

examples:
  tools/leapboot-pcr --kernel ~/.cache/leapboot/amd64/vmlinuz --initrd "$(tools/mkinitrd)" \\
      --cmdline "console=ttyS0 panic=-1" --banks sha256 --log
  tools/leapboot-pcr --kernel vmlinux --cmdline "" --fw-cfg tests/unit/fixtures/q35 --json
  tools/leapboot-pcr --arch arm64 --kernel ~/.cache/leapboot/arm64/Image.gz \\
      --cmdline "console=ttyAMA0" --banks sha256
  tools/leapboot-pcr --arch arm64 --image build/aarch64/leapboot.Image --kernel Image --cmdline ""
  tools/leapboot-pcr --uki uki.efi --append "console=ttyS0 quiet" --banks sha256
  tools/leapboot-pcr --uki uki.efi --as-stub --pcrs 11 --banks sha256
  tools/leapboot-pcr --replay /sys/kernel/security/tpm0/binary_bios_measurements
"""


def _list(text, what):
    items = [t.strip() for t in text.split(",")]
    if not text.strip() or not all(items):
        raise argparse.ArgumentTypeError("empty item in %s list %r" % (what, text))
    return items


def pcr_list(text):
    out = []
    for t in _list(text, "PCR"):
        try:
            n = int(t, 0)
        except ValueError:
            raise argparse.ArgumentTypeError("not a PCR number: %r" % t) from None
        if not 0 <= n < pcr.NUM_PCRS:
            raise argparse.ArgumentTypeError("PCR %d: a TPM has PCRs 0-%d" % (n, pcr.NUM_PCRS - 1))
        if n in out:
            raise argparse.ArgumentTypeError("PCR %d given twice" % n)
        out.append(n)
    return sorted(out)


def bank_list(text):
    out = []
    for b in _list(text, "bank"):
        b = b.lower()
        if b in out:
            raise argparse.ArgumentTypeError("bank %s given twice" % b)
        out.append(b)
    return out


def arch_name(text):
    a = text.strip().lower()
    a = {"aarch64": "arm64", "amd64": "x86_64", "x86-64": "x86_64"}.get(a, a)
    if a not in events.ARCHES:
        raise argparse.ArgumentTypeError("unknown architecture %r (x86_64 or arm64)" % text)
    return a


def parser():
    p = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=leapbootpaths.version_line(PROG))
    g = p.add_argument_group("prediction (the default mode)")
    g.add_argument("--arch", type=arch_name, metavar="ARCH",
                   help="x86_64 (default: pc and q35) or arm64 (aarch64: virt)")
    g.add_argument("--bin", metavar="FILE",
                   help="leapboot.bin, as given to QEMU's -bios: x86, the 128 KiB ROM image; arm64, the flash "
                        "image (default: build/ARCH/leapboot.bin of the checkout this tool is in, if built; "
                        "installed, PREFIX/share/leapboot/ARCH/leapboot.bin)")
    g.add_argument("--image", metavar="FILE",
                   help="arm64: leapboot.Image, the form given to QEMU's -kernel (instead of --bin)")
    g.add_argument("--kernel", metavar="FILE", help="the kernel: bzImage, PVH ELF (vmlinux) or other; arm64: Image or Image.gz "
                        "(required)")
    g.add_argument("--initrd", metavar="FILE", help="the initrd, as given to QEMU's -initrd (default: none)")
    g.add_argument("--cmdline", metavar="TEXT",
                   help='the kernel command line, as given to QEMU\'s -append (required; "" for none)')
    g.add_argument("--fw-cfg", metavar="DIR",
                   help="a tools/capture-fw-cfg dump of the machine: also predict PCR 1 (and show it by default)")
    g.add_argument("--version-string", metavar="VERSION",
                   help="leapboot's version in event 1's \"leapboot VERSION\" (default: LEAPBOOT_VERSION "
                        "of boot/version.h next to this tool; installed, of PREFIX/lib/leapboot/version.h)")
    g = p.add_argument_group("leapboot.efi (instead of leapboot.bin)")
    g.add_argument("--efi", metavar="FILE",
                   help="predict leapboot.efi's boot under UEFI: FILE is leapboot.efi as the firmware "
                        "starts it (EFI/BOOT/BOOTX64.EFI or BOOTAA64.EFI); PCRs 4, 8 and 9")
    g.add_argument("--efi-boot-attempts", metavar="N", type=int,
                   help="the boot option the firmware started leapboot.efi from is its Nth attempt "
                        "(default 1; OVMF on q35 tries QEMU's empty CD-ROM first: 2)")
    g.add_argument("--no-stub-load-options", action="store_true",
                   help="the kernel's EFI stub predates Linux 6.1 and does not measure its load "
                        "options into PCR 9")
    g = p.add_argument_group("unified kernel image (instead of --kernel and --cmdline)")
    g.add_argument("--uki", metavar="FILE",
                   help="a unified kernel image (systemd-stub PE with a .linux section): also predicts "
                        "PCRs 11 and 12")
    g.add_argument("--append", metavar="TEXT",
                   help="the command line given besides the UKI (-append), overriding .cmdline: PCR 12")
    g.add_argument("--smbios-cmdline-extra", metavar="TEXT",
                   help="the SMBIOS type 11 string %s=TEXT: PCR 12, appended to the command line"
                        % uki.SMBIOS_EXTRA)
    g.add_argument("--stub-version", metavar="VERSION",
                   help="the systemd-stub version to measure as (default: the UKI's .sdmagic text)")
    g.add_argument("--as-stub", action="store_true",
                   help="only PCRs 11 and 12, as systemd-stub measures them under UEFI firmware")
    g = p.add_argument_group("replay")
    g.add_argument("--replay", metavar="LOG",
                   help="replay a binary TCG crypto-agile event log instead (default output: every PCR "
                        "it extends, in every bank it has)")
    g = p.add_argument_group("output")
    g.add_argument("--banks", type=bank_list, metavar="LIST",
                   help="comma-separated banks, the TPM's active ones: sha1, sha256, sha384, sha512 "
                        "(default: all four; with --replay: the log's)")
    g.add_argument("--pcrs", type=pcr_list, metavar="LIST",
                   help="comma-separated PCRs to print (default: 0,4,8,9, and 1 with --fw-cfg; "
                        "prediction: 0-9 only; with --replay: those the log extends)")
    g.add_argument("--json", action="store_true", help="print one JSON object instead of text (format below)")
    g.add_argument("--log", action="store_true",
                   help="also print the event list (PCR, type, event data, digests); --json always has it")
    g.add_argument("--policy", metavar="FILE",
                   help="write the --pcrs values of --policy-bank, concatenated, raw, for tpm2_createpolicy -f")
    g.add_argument("--policy-bank", metavar="BANK", help="the bank of --policy (default sha256)")
    return p


def check_args(p, args):
    if args.policy_bank and not args.policy:
        p.error("--policy-bank goes with --policy")
    args.policy_bank = (args.policy_bank or "sha256").lower()
    if args.replay is not None:
        given = [o for o, v in (("--arch", args.arch), ("--bin", args.bin), ("--image", args.image),
                                ("--kernel", args.kernel), ("--initrd", args.initrd),
                                ("--cmdline", args.cmdline), ("--fw-cfg", args.fw_cfg),
                                ("--version-string", args.version_string), ("--uki", args.uki))
                 if v is not None]
        if given:
            p.error("--replay reads a log; %s %s for a prediction" % (", ".join(given),
                                                                    "is" if len(given) == 1 else "are"))
        return
    uki_only = [o for o, v in (("--append", args.append), ("--smbios-cmdline-extra", args.smbios_cmdline_extra),
                               ("--stub-version", args.stub_version), ("--as-stub", args.as_stub or None))
                if v is not None]
    if args.uki is None and uki_only:
        p.error("%s goes with --uki" % uki_only[0])
    if args.uki is not None:
        check_uki_args(p, args)
        return
    if args.efi is None and (args.efi_boot_attempts is not None or args.no_stub_load_options):
        p.error("--efi-boot-attempts and --no-stub-load-options go with --efi")
    if args.efi is not None:
        given = [o for o, v in (("--bin", args.bin), ("--fw-cfg", args.fw_cfg),
                                ("--version-string", args.version_string)) if v is not None]
        if given:
            p.error("--efi predicts leapboot.efi's boot: %s is for leapboot.bin's" % given[0])
        if args.efi_boot_attempts is None:
            args.efi_boot_attempts = 1
        if args.efi_boot_attempts < 1:
            p.error("--efi-boot-attempts %d: the first attempt is 1" % args.efi_boot_attempts)
        if args.pcrs is None:
            args.pcrs = list(EFI_PCRS)
        beyond = [n for n in args.pcrs if n not in EFI_PCRS]
        if beyond:
            p.error("PCR %d: with --efi only PCRs 4, 8 and 9 are predicted (the others hold the "
                    "firmware's own measurements)" % beyond[0])
    args.arch = args.arch or "x86_64"
    if args.image is not None:
        if args.arch != "arm64":
            p.error("--image is leapboot.Image, arm64's -kernel form: give --arch arm64")
        if args.bin is not None:
            p.error("--bin and --image are two forms of leapboot: give one")
    if args.arch == "arm64" and args.fw_cfg is not None:
        p.error("--fw-cfg: on arm64 leapboot measures no fw_cfg file (PCR 1 holds only its separator)")
    if args.kernel is None:
        p.error("--kernel is required (or --replay LOG)")
    if args.cmdline is None:
        p.error('--cmdline is required: the command line is measured too (--cmdline "" for none)')
    args.banks = args.banks or list(pcr.BANKS)
    unknown = [b for b in args.banks if b not in pcr.BANKS]
    if unknown:
        p.error("bank %s: leapboot hashes %s" % (unknown[0], ", ".join(pcr.BANKS)))
    check_pcrs(p, args, (), "leapboot extends PCRs 0-9 only")
    if args.policy and args.policy_bank not in args.banks:
        p.error("--policy-bank %s is not one of --banks (%s)" % (args.policy_bank, ",".join(args.banks)))


def check_pcrs(p, args, more, says):
    """The default --pcrs (DEFAULT_PCRS, more, and 1 with --fw-cfg), and no PCR
    beyond 0-9 and more; PCR 1 only with --fw-cfg (x86)."""
    if args.pcrs is None:
        args.pcrs = sorted(DEFAULT_PCRS + tuple(more) + ((1,) if args.fw_cfg is not None else ()))
    beyond = [n for n in args.pcrs if n not in PREDICTED_PCRS and n not in more]
    if beyond:
        p.error("PCR %d: %s; the others are the OS's" % (beyond[0], says))
    if 1 in args.pcrs and args.fw_cfg is None and args.arch != "arm64":
        p.error("PCR 1 depends on QEMU's fw_cfg files: give --fw-cfg DIR (tools/capture-fw-cfg)")


def check_uki_args(p, args):
    if args.efi is not None:
        p.error("--uki with --efi: leapboot.efi does not boot unified kernel images")
    if args.kernel is not None:
        p.error("--uki is the kernel (its .linux section): no --kernel")
    if args.cmdline is not None:
        p.error("--uki: the command line is the UKI's .cmdline; a command line given besides it is --append")
    if args.stub_version is not None and not re.match(r"\d+", args.stub_version):
        p.error("--stub-version %r: a systemd version (252, 256.4, ...)" % args.stub_version)
    args.arch = args.arch or "x86_64"
    args.banks = args.banks or list(pcr.BANKS)
    unknown = [b for b in args.banks if b not in pcr.BANKS]
    if unknown:
        p.error("bank %s: leapboot hashes %s" % (unknown[0], ", ".join(pcr.BANKS)))
    if args.as_stub:
        given = [o for o, v in (("--bin", args.bin), ("--image", args.image), ("--initrd", args.initrd),
                                ("--fw-cfg", args.fw_cfg), ("--version-string", args.version_string))
                 if v is not None]
        if given:
            p.error("--as-stub predicts systemd-stub's PCRs 11 and 12 only: no %s" % given[0])
        args.pcrs = args.pcrs or list(UKI_PCRS)
        beyond = [n for n in args.pcrs if n not in UKI_PCRS]
        if beyond:
            p.error("PCR %d: with --as-stub only PCRs 11 and 12 are predicted" % beyond[0])
    else:
        if args.image is not None and args.arch != "arm64":
            p.error("--image is leapboot.Image, arm64's -kernel form: give --arch arm64")
        if args.arch == "arm64" and args.fw_cfg is not None:
            p.error("--fw-cfg: on arm64 leapboot measures no fw_cfg file (PCR 1 holds only its separator)")
        check_pcrs(p, args, UKI_PCRS, "a UKI boot extends PCRs 0-9, 11 and 12")
    if args.policy and args.policy_bank not in args.banks:
        p.error("--policy-bank %s is not one of --banks (%s)" % (args.policy_bank, ",".join(args.banks)))


def warn(msg):
    print("%s: warning: %s" % (PROG, msg), file=sys.stderr)


def format_pcrs(pcrs):
    rows = [("%s:%d" % (b, n), v.hex()) for b, values in pcrs.items() for n, v in values.items()]
    width = max((len(r[0]) for r in rows), default=0) + 2
    return "".join(label.ljust(width) + value + "\n" for label, value in rows)


def format_events(evs, note=None):
    out = []
    n = 0
    for ev in evs:
        n += 1
        t = "%s (0x%02x)" % (events.type_name(ev.type), ev.type)
        extra = "" if ev.extends() else "  (not extended)"
        out.append("event %d: PCR %d %s %s%s\n" % (n, ev.pcr, t, ev.data_text(), extra))
        if ev.what:
            out.append("  measured: %s\n" % ev.what)
        w = max((len(b) for b in ev.digests), default=0) + 2
        out += ["  %s%s\n" % (b.ljust(w), d.hex()) for b, d in ev.digests.items()]
    if note:
        out.append("note: %s\n" % note)
    return "".join(out)


def json_pcrs(pcrs):
    return {b: {str(n): v.hex() for n, v in values.items()} for b, values in pcrs.items()}


def write_policy(path, pcrs, bank):
    data = b"".join(pcrs[bank].values())
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as e:
        raise PcrError("--policy %s: %s" % (path, e.strerror or e)) from None


def run_predict_efi(args):
    evs = efi.predict(args.banks, args.efi, args.kernel, args.cmdline, initrd=args.initrd,
                      boot_attempts=args.efi_boot_attempts,
                      load_options=not args.no_stub_load_options)
    values = pcr.select(pcr.replay(evs, args.banks), args.pcrs)
    if args.policy:
        write_policy(args.policy, values, args.policy_bank)
    if args.json:
        doc = {"mode": "predict-efi", "banks": args.banks, "pcrs": json_pcrs(values),
               "inputs": {"efi": args.efi, "kernel": args.kernel, "initrd": args.initrd,
                          "cmdline": events.cmdline_bytes(args.cmdline).decode(errors="surrogateescape"),
                          "efi_boot_attempts": args.efi_boot_attempts,
                          "stub_load_options": not args.no_stub_load_options},
               "events": [e.to_json() for e in evs]}
        return json.dumps(doc, indent=2) + "\n"
    out = format_events(evs) + "\n" if args.log else ""
    return out + format_pcrs(values)


def uki_json(u, names):
    return {"path": u.path, "kind": "uki", "size": len(u.data),
            "machine": uki.MACHINES.get(u.machine, "0x%04x" % u.machine),
            "stub_version": u.stub_version, "stub_version_from": u.stub_version_from,
            "sections": {n: s.virtual_size for n, s in u.sections.items()},
            "pcr11_sections": [n for n in names if u.present(n)]}


def run_predict_uki(args):
    u = uki.Uki(args.uki)
    if args.stub_version is not None:
        u.set_stub_version(args.stub_version, "--stub-version")
    elif not args.as_stub and u.stub_version_from != ".sdmagic":
        # leapboot reads the version from .sdmagic only; the stub knows its own.
        u.set_stub_version(None, None)
    names = uki.measured_sections(u.stub_major, ucode_always=not args.as_stub)
    stub_ev = uki.pcr11_events(u, args.banks, ucode_always=not args.as_stub)
    stub_ev += uki.pcr12_events(args.banks, args.append, args.smbios_cmdline_extra)
    inputs = {"arch": args.arch, "kernel": uki_json(u, names), "append": args.append,
              "smbios_cmdline_extra": args.smbios_cmdline_extra, "as_stub": args.as_stub}
    if args.as_stub:
        evs, warnings, mode = stub_ev, [], "predict-uki"
    else:
        bin_path, version, form = predict_firmware(args)
        boot_ev, warnings = uki.leapboot_events(u, args.banks, args.append, args.smbios_cmdline_extra,
                                                 args.initrd)
        pred = events.predict(args.banks, bin_path, None, None, version, fw_cfg_dir=args.fw_cfg,
                              arch=args.arch, form=form, boot=(boot_ev, warnings, stub_ev))
        evs, mode = pred.events, "predict"
        inputs.update({"bin": args.bin, "image": args.image, "initrd": args.initrd,
                       "cmdline": uki.final_cmdline(u, args.append, args.smbios_cmdline_extra)
                       .decode(errors="surrogateescape"),
                       "version": version, "fw_cfg": args.fw_cfg, "fw_cfg_files": pred.fw_cfg})
    for w in warnings:
        warn(w)
    values = pcr.select(pcr.replay(evs, args.banks), args.pcrs)
    if args.policy:
        write_policy(args.policy, values, args.policy_bank)
    if args.json:
        doc = {"mode": mode, "banks": args.banks, "pcrs": json_pcrs(values), "inputs": inputs,
               "events": [e.to_json() for e in evs]}
        return json.dumps(doc, indent=2) + "\n"
    out = format_events(evs, "PCR 11: " + u.describe()) + "\n" if args.log else ""
    return out + format_pcrs(values)


def predict_firmware(args):
    """leapboot's own file (--bin or --image, or the repository's build), its
    version string and form."""
    if args.bin is None and args.image is None:
        args.bin = DEFAULT_BIN[args.arch]
        if not os.path.isfile(args.bin):
            make = leapbootpaths.how_to_build("aarch64" if args.arch == "arm64" else "x86_64")
            raise PcrError("no --bin and no %s (build leapboot with %s, or give --bin FILE)" % (args.bin, make))
    version = args.version_string
    if version is None:
        version = events.read_version(VERSION_H)
    return args.image or args.bin, version, "Image" if args.image is not None else "bin"


def run_predict(args):
    if args.efi is not None:
        return run_predict_efi(args)
    if args.uki is not None:
        return run_predict_uki(args)
    rom, version, form = predict_firmware(args)
    pred = events.predict(args.banks, rom, args.kernel, args.cmdline, version,
                          initrd=args.initrd, fw_cfg_dir=args.fw_cfg, arch=args.arch, form=form)
    for w in pred.warnings:
        warn(w)
    values = pcr.select(pcr.replay(pred.events, args.banks), args.pcrs)
    if args.policy:
        write_policy(args.policy, values, args.policy_bank)
    if args.json:
        k = pred.kernel
        kernel = {"path": k.path, "kind": k.kind, "size": k.size, "measured": k.describe()}
        kernel.update(k.detail)
        doc = {"mode": "predict", "banks": args.banks, "pcrs": json_pcrs(values),
               "inputs": {"arch": args.arch, "bin": args.bin, "image": args.image, "kernel": kernel,
                          "initrd": args.initrd,
                          "cmdline": events.cmdline_bytes(args.cmdline).decode(errors="surrogateescape"),
                          "version": version, "fw_cfg": args.fw_cfg, "fw_cfg_files": pred.fw_cfg},
               "events": [e.to_json() for e in pred.events]}
        return json.dumps(doc, indent=2) + "\n"
    out = ""
    if args.log:
        note = None
        if args.fw_cfg is None and args.arch != "arm64":
            note = "no --fw-cfg: PCR 1's EV_TABLE_OF_DEVICES events (QEMU's fw_cfg files) are not predicted"
        out = format_events(pred.events, note) + "\n"
    return out + format_pcrs(values)


def run_replay(args):
    log = eventlog.read(args.replay)
    have = log.banks()
    banks = args.banks or have
    missing = [b for b in banks if b not in have]
    if missing:
        raise PcrError("%s: no %s bank in the log (it has %s)" % (args.replay, missing[0], ", ".join(have)))
    usable = []
    for b in banks:
        try:
            pcr.new_hash(b)
            usable.append(b)
        except PcrError as e:
            warn("%s: bank not replayed" % e)
    for b in usable:
        lacking = [i + 1 for i, e in enumerate(log.events) if e.extends() and b not in e.digests]
        if lacking:
            warn("event %d has no %s digest: the %s values do not account for it" % (lacking[0], b, b))
    if args.policy and args.policy_bank not in usable:
        raise PcrError("--policy-bank %s: not a replayed bank (%s)" % (args.policy_bank, ", ".join(usable)))
    values = pcr.replay(log.events, usable, log.startup_locality)
    wanted = args.pcrs
    if wanted is None:
        wanted = sorted({e.pcr for e in log.events if e.extends()})
    values = pcr.select(values, wanted, log.startup_locality)
    if args.policy:
        write_policy(args.policy, values, args.policy_bank)
    if args.json:
        doc = {"mode": "replay", "log": args.replay, "banks": usable, "pcrs": json_pcrs(values),
               "startup_locality": log.startup_locality, "events": [e.to_json() for e in log.events]}
        return json.dumps(doc, indent=2) + "\n"
    out = ""
    if args.log:
        note = None
        if log.startup_locality:
            note = "StartupLocality %d: PCR 0 starts at %d" % (log.startup_locality, log.startup_locality)
        out = format_events(log.events, note) + "\n"
    return out + format_pcrs(values)


def main(argv=None):
    p = parser()
    args = p.parse_args(argv)
    check_args(p, args)
    try:
        text = run_replay(args) if args.replay is not None else run_predict(args)
    except PcrError as e:
        print("%s: error: %s" % (PROG, e), file=sys.stderr)
        return 1
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at nothing.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
