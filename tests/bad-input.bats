#!/usr/bin/env bats
# Bad kernels, initrds, command lines, tables and machines: leapboot must print exactly one
# "leapboot: error: <stage>: <what> (<detail>)" line naming the problem and stop the machine
# (x86: QEMU exits with status 3 through isa-debug-exit; arm64: PSCI SYSTEM_OFF, status 0) —
# never hang (each boot has a timeout), never jump into the kernel.
#
# Each bad kernel goes through both routes where QEMU accepts it: -kernel (QEMU parses the
# file itself and hands leapboot the setup and kernel parts) and the opt/leapboot/kernel
# fw_cfg file (leapboot sees the raw bytes). QEMU itself refuses an empty -kernel file, an
# -initrd bigger than RAM and ELF files it cannot load, so those go through the fw_cfg files.
#
# | #  | input | route | the error names |
# |----|-------|-------|-----------------|
# | 1  | 1 MiB of random bytes as the kernel | -kernel, opt/leapboot/kernel | no "HdrS" signature |
# | 2  | the same with fw_cfg DMA disabled (byte-wise port I/O) | opt/leapboot/kernel | no "HdrS" signature |
# | 3  | an empty kernel file | opt/leapboot/kernel | the file is 0 bytes |
# | 4  | a bzImage cut to its first 64 KiB (header only) | -kernel, opt/leapboot/kernel | truncated kernel |
# | 5  | a bzImage with half its protected-mode payload | opt/leapboot/kernel | truncated kernel, syssize |
# | 6  | a bzImage missing its last 1 MiB (header intact) | -kernel, opt/leapboot/kernel | truncated kernel, syssize |
# | 7  | boot_flag 0x1234 instead of 0xAA55 | opt/leapboot/kernel | boot_flag |
# | 8  | a PE file without "HdrS" (signature cleared) | -kernel, opt/leapboot/kernel | no "HdrS" signature |
# | 9  | "HdrS" with boot protocol 2.01 (16-bit entry only) | -kernel, opt/leapboot/kernel | 16-bit entry |
# | 10 | init_size 0x7f000000 with -m 128M | -kernel, opt/leapboot/kernel | init_size does not fit in RAM |
# | 11 | a kernel too large for RAM: 200 MiB payload (syssize and init_size to match), -m 128M | opt/leapboot/kernel | init_size does not fit in RAM |
# | 12 | an initrd bigger than RAM (256 MiB, -m 128M) | opt/leapboot/initrd | initrd larger than RAM |
# | 13 | an initrd that does not fit below initrd_addr_max (16 MiB limit, no XLF_CAN_BE_LOADED_ABOVE_4G, 32 MiB initrd) | opt/leapboot/initrd | initrd_addr_max |
# | 14 | a 2048-byte command line (cmdline_size 2047) | -append, opt/leapboot/cmdline | command line too long, both sizes |
# | 15 | a 300-byte command line for a kernel whose cmdline_size is 255 | opt/leapboot/cmdline | command line too long, 255 |
# | 16 | no kernel at all, on pc, q35 and microvm | - | how to pass one |
# | 17 | an ELF without the Xen PVH note | opt/leapboot/kernel | no PVH entry note |
# | 18 | an ELF whose 208 KiB segment overlaps leapboot's own pages (paddr 0x2000) | opt/leapboot/kernel | range is not free RAM |
# | 19 | an ELF whose segment lies outside RAM (paddr 0x60000000, -m 512M) | opt/leapboot/kernel | outside RAM |
# | 20 | an ELF whose p_offset points past the end of the file | opt/leapboot/kernel | segment outside the file |
# | 21 | an ELF whose p_filesz runs past the end of the file | opt/leapboot/kernel | segment outside the file |
# | 22 | an ELF cut to its first 4 KiB | opt/leapboot/kernel | segment outside the file |
# | 23 | an ELF whose PVH entry (0x50000000) is in none of its segments | opt/leapboot/kernel | entry point outside the kernel |
# | 24 | a table-loader script whose ADD_POINTER offset is outside its blob (acpi=off, the script and blob as fw_cfg files) | etc/table-loader | offset outside the blob |
# | 25 | -m 2M: less RAM than the kernel needs (leapboot itself still runs) | -kernel | init_size does not fit in RAM |
# | 26 | arm64: random bytes as the kernel | opt/leapboot/kernel | not an arm64 Image |
# | 27 | arm64: an Image.gz with 4 KiB of noise mid-stream | opt/leapboot/kernel | corrupt gzip kernel |
# | 28 | arm64: an Image.gz cut in half | opt/leapboot/kernel | truncated gzip kernel |
# | 29 | -m 1M: less RAM than leapboot needs (no room for QEMU's ACPI tables above 1 MiB) | -kernel | not enough RAM |
# | 30 | a multiboot a.out-kludge image whose checksum does not add up | opt/leapboot/kernel | wrong checksum, where |
# | 31 | a valid multiboot header at offset 8 KiB (the specification's search ends before) | opt/leapboot/kernel | no "HdrS" signature (no format fits) |
# | 32 | multiboot flags with bit 5 set (bits 3-15 are undefined requirements) | opt/leapboot/kernel | undefined features |
# | 33 | multiboot header_addr below load_addr | opt/leapboot/kernel | header_addr |
# | 34 | a multiboot image at 0x2000, over leapboot's own pages (a.out, ELF) | -kernel, opt/leapboot/kernel | not in free RAM |
# | 35 | a multiboot image at 0x60000000 with -m 512M | -kernel, opt/leapboot/kernel | not in free RAM |
# | 36 | multiboot bss_end_addr below load_end_addr | opt/leapboot/kernel | bss_end_addr |
# | 37 | multiboot load_end_addr past the end of the file | opt/leapboot/kernel | load_end_addr |
# | 38 | a multiboot entry outside the image (a.out, ELF) | opt/leapboot/kernel | entry point outside |
# | 39 | a 256 MiB multiboot module with -m 128M | opt/leapboot/module0, -initrd | module does not fit; via -initrd QEMU's buffer is not in free RAM |
# | 40 | 33 multiboot modules | opt/leapboot/module0…32 | too many modules, 32 |
# | 41 | opt/leapboot/initrd with a multiboot kernel | opt/leapboot/initrd | modules, not an initrd |
# | 42 | a TPM whose every PCR_Extend answers TPM_RC_FAILURE (q35, tpm-tis and tpm-crb) | fake-swtpm --fault rc | TPM command failed, 0x182, 0x101 |
# | 43 | a TPM whose Startup answers TPM_RC_FAILURE (pc, tpm-tis) | fake-swtpm --fault rc --on startup | TPM command failed, 0x144, 0x101 |
# | 44 | an error on the kernel's PCR 4 extend, after leapboot and the tables were measured | fake-swtpm --fault rc --pcr 4 | TPM command failed, 0x182, 0x101 |
# | 45 | a response tag of 0x00C4 (TPM 1.2's): on Startup (tpm-tis), on GetCapability (tpm-crb) | fake-swtpm --fault wrong-tag | wrong tag, 0xc4 |
# | 46 | a response size field 4 bytes larger than the bytes sent (Startup) | fake-swtpm --fault size-lie | timed out: QEMU waits for the rest, the guest gets no answer |
# | 47 | a PCR_Extend response whose size field says 10 of its 19 bytes | fake-swtpm --fault size-short | malformed TPM response, 0x182, 10 bytes |
# | 48 | a TPM that never answers Startup (tpm-tis and tpm-crb) | fake-swtpm --fault no-answer | timed out, 2000000 polls |
# | 49 | the TPM hangs up (closes its data socket) on Startup | fake-swtpm --fault hang-up | tpm-tis: wrong tag 0xc4 (QEMU answers TPM_FAIL itself); tpm-crb: fatal error, CRB status 0x1 |
# | 50 | an active PCR bank leapboot cannot hash (SM3_256, 0x0012) | fake-swtpm --fault banks-unknown | bank leapboot cannot hash, 0x12 |
# | 51 | microvm (no TPM in QEMU 7.2) with a non-empty etc/tpm/log injected | etc/tpm/log | no usable ACPI TPM2 table |
# | 52 | a TPM2 table without a log area: LAML and LASA 0; a revision 3 table that ends before them | etc/acpi/*, etc/table-loader, etc/tpm/log (q35,acpi=off) | log area unusable, 0x0, 0 bytes |
# | 53 | a log area outside RAM (LASA 0x60000000, -m 512M) | the same | log area unusable, 0x60000000 |
# | 54 | a log area that is not etc/tpm/log: LASA on the ACPI tables; LAML 64 KiB for a 512-byte etc/tpm/log | the same | log area unusable, LAML |
# | 55 | a log area too small for the events (LAML = etc/tpm/log = 512 bytes) | the same | event log full |
# | 56 | a UKI without .linux (renamed .linuy; .osrel, .cmdline, .initrd there) | -kernel, opt/leapboot/kernel | without a kernel |
# | 57 | a UKI whose .linux is not a kernel for the machine: an arm64 Image on x86; an arm64 UKI on x86, an x86 UKI on arm64 | opt/leapboot/kernel | not a bzImage; another machine, 0xaa64 / 0x8664 |
# | 58 | UKI sections overlapping: .cmdline on .osrel's bytes; .osrel inside the headers (at 0x200) | opt/leapboot/kernel | overlap; inside the headers |
# | 59 | a UKI cut 4 KiB into its last section | -kernel, opt/leapboot/kernel | past the end of the file |
# | 60 | a UKI .initrd whose VirtualSize (1 GiB) is far beyond its raw size | opt/leapboot/kernel | virtual size beyond its bytes |
# | 61 | a UKI with 0 sections; with 0xFFFF | opt/leapboot/kernel | 0 / 65535 sections, 1 to 96 |
# | 62 | a UKI whose .initrd (160 MiB) is larger than RAM (-m 128M) | opt/leapboot/kernel | initrd larger than RAM |
# | 63 | a UKI whose .cmdline is 2048 bytes (cmdline_size 2047) | opt/leapboot/kernel | command line too long |
#
# The TPM cases (42-55, issue 24): a TPM failure must stop the boot with one "leapboot: error:
# tpm: ..." line, since a measured boot that silently measured nothing would be worse than
# none. The misbehaving TPM is tests/lib/fake-swtpm: it speaks swtpm's control protocol to
# QEMU's -tpmdev emulator and answers leapboot's Startup, GetCapability and PCR_Extend, well or
# with the fault asked for, and logs which command got the fault; each case asserts that log
# line too, and fails if leapboot let the fault pass (the kernel would start, QEMU would not exit
# with 3). The test "fake-swtpm control" shows that its good default is a TPM: leapboot
# measures, Linux's tpm_tis finds it, and its PCRs equal the replay of leapboot's event log.
# The timeouts (46, 48) spend leapboot's long poll budget (TPM_LONG_POLLS, 2000000 polls): 1-2 s
# under TCG (0.4-0.9 us a poll, with the host's load), 1.5-2.5 s for the whole QEMU run (the
# tests print it).
# QEMU stands between the TPM and the guest and frames each response by its size field: a size
# field larger than the bytes sent is, for the guest, a TPM that never finishes answering (46);
# one smaller is a short response (47). A size field that disagrees with the TIS FIFO's
# dataAvail, or is larger than QEMU's buffer, cannot reach the guest through QEMU.
# The log area cases (52-55) bring their own ACPI tables on q35,acpi=off (where QEMU builds none
# and has no etc/tpm/log): an RSDT listing a TPM2 table, the table-loader script that links
# them, and etc/tpm/log; a fake-swtpm is attached, and 52-54 check that it got no command
# (leapboot checks the table before it touches the TPM); 53 and 54 are the loader's check that
# the log area is the table-loader's etc/tpm/log, which no unit test reaches.
# Only in the unit tests (tests/unit/test_tpm.c, test_tpm2.c, test_measure.c, test_tpm_log.c,
# with the register model of tests/unit/fake_tpm.c), as QEMU's tpm-tis and tpm-crb never do
# it: a locality never granted, burstCount stuck at 0, dataAvail disagreeing with the size
# field, a CRB buffer outside the registers, a malformed bank list, no active bank.
#
# Not here, and why: fw_cfg missing entirely cannot be shown with QEMU 7.2 — pc, q35, microvm
# and virt always have it and no option removes it; the unit tests (tests/unit/test_fw_cfg.c)
# show a device without the signature is refused. More bad inputs live with their features:
# tests/arm64.bats (Image header cases), tests/efi.bats (leapboot.efi), tests/pvh.bats.

# An error is reported within a second (a TPM timeout, 46 and 48, within a few); a boot that
# gets this far is hung.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-30}

load lib/qemu
load lib/arm64
load lib/tpm
load lib/uki

# The fake-swtpm of a TPM case is stopped whatever happened (lib/tpm's teardown).
teardown() { tpm_teardown; }
teardown_file() { tpm_assert_no_leftover; }

setup_file() {
	leapboot_setup_file || return 1
	arm64_setup_file || return 1
	# Patched copies of Debian's bzImage and vmlinux, made once for this file.
	local d=$BATS_FILE_TMPDIR
	"$LEAPBOOT_ROOT/tools/extract-vmlinux" -o "$d/vmlinux" "$LEAPBOOT_KERNEL" || return 1
	python3 - "$LEAPBOOT_KERNEL" "$d/vmlinux" "$ARM64_KERNEL_GZ" "$d" <<-'EOF'
		import os, random, re, struct, sys
		src, vmlinux, arm_gz, d = sys.argv[1:]
		k = open(src, "rb").read()
		v = open(vmlinux, "rb").read()
		assert k[0x202:0x206] == b"HdrS", "the Debian kernel is not a bzImage"
		def put(name, data):
		    open(os.path.join(d, name), "wb").write(data)
		def patched(data, *fields):
		    b = bytearray(data)
		    for off, fmt, val in fields:
		        struct.pack_into(fmt, b, off, val)
		    return b
		# 1 MiB of (seeded, so reproducible) random bytes; no "HdrS" by construction.
		rnd = bytearray(random.Random(0x1eab007).randbytes(1 << 20))
		if rnd[0x202:0x206] == b"HdrS":
		    rnd[0x202] ^= 0xff
		put("random.bin", rnd)
		put("empty.bin", b"")
		put("first-64k.bin", k[:64 << 10])
		setup = ((k[0x1f1] or 4) + 1) * 512
		put("half-payload.bin", k[: setup + (len(k) - setup) // 2])
		put("minus-1m.bin", k[:-(1 << 20)])
		put("boot-flag.bin", patched(k, (0x1fe, "<H", 0x1234)))
		put("no-hdrs.bin", patched(k, (0x202, "<I", 0)))
		put("16bit.bin", patched(k, (0x206, "<H", 0x0201)))
		put("init-size.bin", patched(k, (0x260, "<I", 0x7f000000)))
		# 200 MiB of payload: syssize (16-byte units) and init_size agree with it.
		big = 200 << 20
		put("huge.bin", patched(k + bytes(big - (len(k) - setup)),
		                        (0x1f4, "<I", big // 16), (0x260, "<I", big + (16 << 20))))
		# initrd_addr_max 16 MiB - 1 and XLF_CAN_BE_LOADED_ABOVE_4G cleared.
		b = patched(k, (0x22c, "<I", 0x00ffffff))
		b[0x236] &= ~0x02
		put("initrd-max.bin", b)
		put("cmdline-255.bin", patched(k, (0x238, "<I", 255)))
		# ELF variants of the vmlinux: segment 1 moved, segment 0 cut, the PVH note changed.
		phoff, = struct.unpack_from("<Q", v, 0x20)
		phent, = struct.unpack_from("<H", v, 0x36)
		def seg(i, field, val):  # field: 8 p_offset, 24 p_paddr, 32 p_filesz
		    return patched(v, (phoff + i * phent + field, "<Q", val))
		put("elf-over-leapboot.bin", seg(2, 24, 0x2000))
		put("elf-outside-ram.bin", seg(1, 24, 0x60000000))
		put("elf-offset-beyond.bin", seg(0, 8, len(v)))
		put("elf-filesz-beyond.bin", seg(0, 32, 2 * len(v)))
		put("elf-head.bin", v[:4096])
		notes = [m.start() for m in re.finditer(rb"\x04\0\0\0[\x04\x08]\0\0\0\x12\0\0\0Xen\0", v)]
		assert len(notes) == 1, "no single PVH note in the vmlinux"
		put("elf-entry-outside.bin", patched(v, (notes[0] + 16, "<I", 0x50000000)))
		put("elf-no-note.bin", patched(v, (notes[0] + 8, "<I", 99)))
		# A table-loader script: ALLOCATE etc/acpi/tables, then ADD_POINTER at 0x10000 of a
		# 256-byte blob.
		def cmd(kind, body):
		    return struct.pack("<I", kind) + body.ljust(124, b"\0")
		name = lambda n: n.encode().ljust(56, b"\0")
		put("loader.bin", cmd(1, name("etc/acpi/tables") + struct.pack("<IB", 64, 1)) +
		    cmd(2, name("etc/acpi/tables") * 2 + struct.pack("<IB", 0x10000, 4)))
		put("blob.bin", bytes(256))
		# arm64: Image.gz with noise mid-stream, and cut in half.
		gz = open(arm_gz, "rb").read()
		mid = len(gz) // 2
		put("arm64-corrupt.gz", gz[:mid] + random.Random(7).randbytes(4096) + gz[mid + 4096:])
		put("arm64-half.gz", gz[:mid])
	EOF
	# Multiboot images: an a.out-kludge image (header at file offset 0x40, loaded at 1 MiB,
	# 8 KiB from the file and 4 KiB of bss, entry 0x100 in) and an ELF32 with one segment at
	# 1 MiB and a plain header; each variant breaks one thing.
	python3 - "$d" <<-'EOF'
		import os, struct, sys
		d = sys.argv[1]
		MAGIC = 0x1BADB002
		def put(name, data):
		    open(os.path.join(d, name), "wb").write(data)
		def header(flags, fields=(), checksum=None):
		    s = (-(MAGIC + flags)) & 0xffffffff if checksum is None else checksum
		    return struct.pack("<III", MAGIC, flags, s) + struct.pack("<%dI" % len(fields), *fields)
		def aout(load=0x100000, at=0x40, size=0x2000, bss=0x1000, header_addr=None,
		         load_end=None, bss_end=None, entry=None, flags=0x10003, checksum=None):
		    b = bytearray(size)
		    ha = load + at if header_addr is None else header_addr
		    le = load + size if load_end is None else load_end
		    be = load + size + bss if bss_end is None else bss_end
		    e = load + 0x100 if entry is None else entry
		    h = header(flags, (ha, load, le, be, e), checksum)
		    b[at:at + len(h)] = h
		    b[0x100:0x103] = b"\xfa\xf4\xeb"  # cli; hlt; jmp: never reached
		    return bytes(b)
		def elf(paddr=0x100000, entry=None, flags=3):
		    size = 0x2000
		    e = paddr + 0x100 if entry is None else entry
		    eh = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
		    eh += struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, e, 52, 0, 0, 52, 32, 1, 40, 0, 0)
		    ph = struct.pack("<8I", 1, 0, paddr, paddr, size, size + 0x1000, 7, 0x1000)
		    b = bytearray(size)
		    b[:84] = eh + ph
		    b[0x60:0x6c] = header(flags)
		    return bytes(b)
		put("mb-aout.bin", aout())
		put("mb-checksum.bin", aout(checksum=0x12345678))
		far = bytearray(0x3000)
		far[0x2000:0x2020] = header(0x10003, (0x102000, 0x100000, 0x103000, 0x104000, 0x100100))
		put("mb-beyond-8k.bin", bytes(far))
		put("mb-flags.bin", aout(flags=0x10003 | 0x20))
		put("mb-header-addr.bin", aout(header_addr=0xff000))
		put("mb-over-leapboot.bin", aout(load=0x2000))
		put("mb-outside-ram.bin", aout(load=0x60000000))
		put("mb-bss.bin", aout(bss_end=0x101000))
		put("mb-load-end.bin", aout(load_end=0x180000))
		put("mb-entry.bin", aout(entry=0x200000))
		put("mb-elf.bin", elf())
		put("mb-elf-entry.bin", elf(entry=0x300000))
		put("mb-elf-over-leapboot.bin", elf(paddr=0x4000))
	EOF
	# The log area cases (52-55): for each, etc/acpi/rsdp, etc/acpi/tables (an RSDT at 0 listing
	# a TPM2 table at 64, start method TIS), etc/table-loader (allocate the three blobs, link the
	# RSDT entry and, where the case wants it, the TPM2 table's LASA, checksum the tables) and
	# etc/tpm/log, as <case>-rsdp.bin, -tables.bin, -loader.bin and -log.bin.
	python3 - "$d" <<-'EOF'
		import os, struct, sys
		d = sys.argv[1]
		def put(name, data):
		    open(os.path.join(d, name), "wb").write(data)
		def cmd(kind, body):
		    return struct.pack("<I", kind) + body.ljust(124, b"\0")
		def name(n):
		    return n.encode().ljust(56, b"\0")
		def allocate(f, align, zone):  # zone 1: high memory, 2: the F-segment
		    return cmd(1, name(f) + struct.pack("<IB", align, zone))
		def pointer(dst, src, off, size):
		    return cmd(2, name(dst) + name(src) + struct.pack("<IB", off, size))
		def checksum(f, off, start, length):
		    return cmd(3, name(f) + struct.pack("<III", off, start, length))
		def sdt(sig, rev, body):
		    return sig + struct.pack("<IBB6s8sI4sI", 36 + len(body), rev, 0, b"LEAPBT",
		                             b"BADTPM  ", 1, b"LBT ", 1) + body
		TPM2 = 64  # the TPM2 table's offset in etc/acpi/tables
		def case(c, laml=0, lasa=0, link=None, log=65536, rev=4):
		    # platform class, reserved, control area, start method 6 (TIS), its parameters, then
		    # (revision 4) LAML and LASA; link: the blob LASA is made to point into, if any.
		    body = struct.pack("<HHQI12s", 0, 0, 0, 6, bytes(12))
		    if rev >= 4:
		        body += struct.pack("<IQ", laml, lasa)
		    tpm2 = sdt(b"TPM2", rev, body)
		    rsdt = sdt(b"RSDT", 1, struct.pack("<I", TPM2))
		    put(c + "-tables.bin", rsdt.ljust(TPM2, b"\0") + tpm2)
		    put(c + "-rsdp.bin", b"RSD PTR \0LEAPBT\0" + struct.pack("<I", 0))
		    put(c + "-log.bin", bytes(log))
		    s = allocate("etc/acpi/rsdp", 16, 2) + allocate("etc/acpi/tables", 64, 1)
		    s += allocate("etc/tpm/log", 64, 1)
		    s += pointer("etc/acpi/tables", "etc/acpi/tables", 36, 4)
		    if link:
		        s += pointer("etc/acpi/tables", link, TPM2 + 68, 8)
		    s += checksum("etc/acpi/tables", TPM2 + 9, TPM2, len(tpm2))
		    s += checksum("etc/acpi/tables", 9, 0, len(rsdt))
		    s += pointer("etc/acpi/rsdp", "etc/acpi/tables", 16, 4)
		    s += checksum("etc/acpi/rsdp", 8, 0, 20)
		    put(c + "-loader.bin", s)
		case("tpm2-no-log")
		case("tpm2-rev3", rev=3)
		case("tpm2-outside-ram", laml=65536, lasa=0x60000000)
		case("tpm2-on-tables", laml=140, link="etc/acpi/tables")
		case("tpm2-laml-big", laml=65536, link="etc/tpm/log", log=512)
		case("tpm2-small", laml=512, link="etc/tpm/log", log=512)
	EOF
	# Sparse initrds: 256 MiB (bigger than -m 128M) and 32 MiB.
	truncate -s 256M "$d/initrd-256m.img"
	truncate -s 32M "$d/initrd-32m.img"
	# 2048 bytes: one more than the kernel's cmdline_size (2047); and 300 bytes.
	local c="$BASE_CMDLINE"
	while ((${#c} < 2048)); do c+=" x=1"; done
	printf '%s' "${c:0:2048}" >"$d/cmdline-2048.txt"
	printf '%s' "${c:0:300}" >"$d/cmdline-300.txt"
	bad_ukis "$d" "${c:0:2048}"
}

# The hostile unified kernel images (56-63), from real ones: a small UKI (its .linux random
# bytes: each case fails before the kernel is read) patched in its section table.
bad_ukis() {
	local d=$1 long_cmdline=$2
	head -c 65536 /dev/urandom >"$d/uki-linux.bin"
	head -c 8192 /dev/urandom >"$d/uki-initrd.bin"
	printf 'ID=debian\n' >"$d/uki-osrel"
	uki_build "$d/uki-small.efi" x86_64 "$d/uki-linux.bin" --initrd "$d/uki-initrd.bin" \
		--cmdline "$BASE_CMDLINE" --osrel "$d/uki-osrel" || return 1
	uki_build "$d/uki-arm-linux.efi" x86_64 "$ARM64_KERNEL" --cmdline "$BASE_CMDLINE" || return 1
	uki_build "$d/uki-arm64.efi" aarch64 "$d/uki-linux.bin" --cmdline "$ARM64_CMDLINE" || return 1
	truncate -s 160M "$d/initrd-160m.img"
	uki_build "$d/uki-big-initrd.efi" x86_64 "$LEAPBOOT_KERNEL" --initrd "$d/initrd-160m.img" \
		--cmdline "$BASE_CMDLINE" || return 1
	rm "$d/initrd-160m.img"
	uki_build "$d/uki-long-cmdline.efi" x86_64 "$LEAPBOOT_KERNEL" --cmdline "$long_cmdline" ||
		return 1
	python3 - "$d" <<-'EOF'
		import os, struct, sys
		d = sys.argv[1]
		base = open(os.path.join(d, "uki-small.efi"), "rb").read()
		pe = struct.unpack_from("<I", base, 0x3C)[0]
		count = struct.unpack_from("<H", base, pe + 6)[0]
		table = pe + 24 + struct.unpack_from("<H", base, pe + 20)[0]
		def entry(b, name):
		    for i in range(count):
		        if b[table + 40 * i:table + 40 * i + 8].rstrip(b"\0") == name:
		            return table + 40 * i
		    raise SystemExit("no section " + name.decode())
		def case(out, edit):
		    b = bytearray(base)
		    edit(b)
		    open(os.path.join(d, out), "wb").write(b)
		case("uki-no-linux.efi", lambda b: b.__setitem__(slice(entry(b, b".linux"), entry(b, b".linux") + 8), b".linuy\0\0"))
		def overlap(b):
		    struct.pack_into("<I", b, entry(b, b".cmdline") + 20, struct.unpack_from("<I", b, entry(b, b".osrel") + 20)[0])
		case("uki-overlap.efi", overlap)
		case("uki-in-headers.efi", lambda b: struct.pack_into("<I", b, entry(b, b".osrel") + 20, 0x200))
		case("uki-vsize.efi", lambda b: struct.pack_into("<I", b, entry(b, b".initrd") + 8, 1 << 30))
		case("uki-0-sections.efi", lambda b: struct.pack_into("<H", b, pe + 6, 0))
		case("uki-65535-sections.efi", lambda b: struct.pack_into("<H", b, pe + 6, 0xFFFF))
		# Cut inside the last section (objcopy leaves the stub's symbols after it).
		end = max(sum(struct.unpack_from("<II", base, table + 40 * i + 16)) for i in range(count))
		open(os.path.join(d, "uki-cut.efi"), "wb").write(base[:end - 4096])
	EOF
}

# Bad kernel through -kernel / through opt/leapboot/kernel.
via_kernel() { boot_leapboot "${MACHINE:-q35}" -kernel "$1" "${@:2}"; }
via_fw_cfg() { boot_leapboot "${MACHINE:-q35}" -fw_cfg "name=opt/leapboot/kernel,file=$1" "${@:2}"; }
f() { printf '%s/%s' "$BATS_FILE_TMPDIR" "$1"; }

NOT_BZIMAGE='^leapboot: error: kernel: not a bzImage \(no "HdrS" signature at 0x202: found 0x[0-9a-f]+\)$'

@test "1 random bytes as the kernel, via -kernel and opt/leapboot/kernel → no HdrS" {
	via_kernel "$(f random.bin)" -append "$BASE_CMDLINE"
	assert_leapboot_error "$NOT_BZIMAGE" || return 1
	via_fw_cfg "$(f random.bin)"
	assert_leapboot_error "$NOT_BZIMAGE"
}

@test "2 random bytes with fw_cfg DMA disabled → no HdrS" {
	via_fw_cfg "$(f random.bin)" -global fw_cfg.dma_enabled=off
	assert_leapboot_error "$NOT_BZIMAGE"
}

@test "3 an empty kernel file → 0 bytes" {
	via_fw_cfg "$(f empty.bin)"
	assert_leapboot_error '^leapboot: error: kernel: not a bzImage \(file is 0 bytes, a header needs [0-9]+\)$'
}

@test "4 the first 64 KiB of a bzImage, via -kernel and opt/leapboot/kernel → truncated" {
	via_kernel "$(f first-64k.bin)" -append "$BASE_CMDLINE"
	assert_leapboot_error '^leapboot: error: kernel: truncated kernel \(.*\)$' || return 1
	via_fw_cfg "$(f first-64k.bin)"
	assert_leapboot_error '^leapboot: error: kernel: truncated kernel \(.*\)$'
}

@test "5 half the protected-mode payload → truncated, syssize" {
	via_fw_cfg "$(f half-payload.bin)"
	assert_leapboot_error '^leapboot: error: kernel: truncated kernel \(protected-mode part [0-9]+ bytes, header syssize says [0-9]+\)$'
}

@test "6 the last 1 MiB missing (header intact), via -kernel and opt/leapboot/kernel → truncated, syssize" {
	via_kernel "$(f minus-1m.bin)" -append "$BASE_CMDLINE"
	assert_leapboot_error '^leapboot: error: kernel: truncated kernel \(.*syssize.*\)$' || return 1
	via_fw_cfg "$(f minus-1m.bin)"
	assert_leapboot_error '^leapboot: error: kernel: truncated kernel \(.*syssize.*\)$'
}

@test "7 boot_flag 0x1234 → boot_flag" {
	via_fw_cfg "$(f boot-flag.bin)"
	assert_leapboot_error '^leapboot: error: kernel: not a bzImage \(boot_flag 0x1234, expected 0xaa55\)$'
}

@test "8 a PE without HdrS, via -kernel and opt/leapboot/kernel → no HdrS" {
	via_kernel "$(f no-hdrs.bin)" -append "$BASE_CMDLINE"
	assert_leapboot_error '^leapboot: error: kernel: not a bzImage \(.*HdrS.*\)$' || return 1
	via_fw_cfg "$(f no-hdrs.bin)"
	assert_leapboot_error '^leapboot: error: kernel: not a bzImage \(.*HdrS.*\)$'
}

@test "9 boot protocol 2.01 (16-bit only), via -kernel and opt/leapboot/kernel → 16-bit entry" {
	via_kernel "$(f 16bit.bin)" -append "$BASE_CMDLINE"
	assert_leapboot_error '^leapboot: error: kernel: .*16-bit entry \(.*\)$' || return 1
	via_fw_cfg "$(f 16bit.bin)"
	assert_leapboot_error '^leapboot: error: kernel: .*16-bit entry \(.*\)$'
}

@test "10 init_size 0x7f000000 with -m 128M, via -kernel and opt/leapboot/kernel → does not fit" {
	via_kernel "$(f init-size.bin)" -m 128M -append "$BASE_CMDLINE"
	assert_leapboot_error '^leapboot: error: kernel: init_size does not fit in RAM \(0x7f000000 bytes, .*\)$' || return 1
	via_fw_cfg "$(f init-size.bin)" -m 128M
	assert_leapboot_error '^leapboot: error: kernel: init_size does not fit in RAM \(0x7f000000 bytes, .*\)$'
}

@test "11 a 200 MiB kernel with -m 128M → does not fit" {
	via_fw_cfg "$(f huge.bin)" -m 128M
	assert_leapboot_error '^leapboot: error: kernel: init_size does not fit in RAM \(0xd800000 bytes, .*\)$'
}

@test "12 an initrd bigger than RAM (256 MiB with -m 128M) → larger than RAM" {
	via_fw_cfg "$LEAPBOOT_KERNEL" -m 128M -fw_cfg "name=opt/leapboot/initrd,file=$(f initrd-256m.img)"
	assert_leapboot_error '^leapboot: error: initrd: initrd larger than RAM \(268435456 bytes, .*\)$'
}

@test "13 an initrd above initrd_addr_max (16 MiB, 32 MiB initrd, no above-4G flag) → initrd_addr_max" {
	via_fw_cfg "$(f initrd-max.bin)" -fw_cfg "name=opt/leapboot/initrd,file=$(f initrd-32m.img)"
	assert_leapboot_error '^leapboot: error: initrd: initrd does not fit below the kernel.s initrd_addr_max \(33554432 bytes, limit 0xffffff\)$'
}

@test "14 a 2048-byte command line (limit 2047), via -append and opt/leapboot/cmdline" {
	via_kernel "$LEAPBOOT_KERNEL" -append "$(cat "$(f cmdline-2048.txt)")"
	assert_leapboot_error '^leapboot: error: cmdline: command line too long \(2048 bytes, the kernel accepts 2047\)$' || return 1
	via_fw_cfg "$LEAPBOOT_KERNEL" -fw_cfg "name=opt/leapboot/cmdline,file=$(f cmdline-2048.txt)"
	assert_leapboot_error '^leapboot: error: cmdline: command line too long \(2048 bytes, the kernel accepts 2047\)$'
}

@test "15 a 300-byte command line for cmdline_size 255 → the kernel accepts 255" {
	via_fw_cfg "$(f cmdline-255.bin)" -fw_cfg "name=opt/leapboot/cmdline,file=$(f cmdline-300.txt)"
	assert_leapboot_error '^leapboot: error: cmdline: command line too long \(300 bytes, the kernel accepts 255\)$'
}

@test "16 no kernel at all: the error says how to pass one (pc, q35, microvm)" {
	local m
	for m in pc q35 microvm; do
		boot_leapboot "$m"
		assert_leapboot_error '^leapboot: error: kernel: .*-kernel.*opt/leapboot/kernel' || return 1
	done
}

@test "17 an ELF without the PVH note → no PVH entry" {
	via_fw_cfg "$(f elf-no-note.bin)"
	assert_leapboot_error '^leapboot: error: kernel: .*PVH.*\(.*\)$'
}

@test "18 an ELF segment over leapboot's own pages → not free RAM" {
	via_fw_cfg "$(f elf-over-leapboot.bin)"
	assert_leapboot_error '^leapboot: error: kernel: range is not free RAM \(0x2000, 0x[0-9a-f]+ bytes\)$'
}

@test "19 an ELF segment outside RAM (0x60000000 with -m 512M) → outside RAM" {
	via_fw_cfg "$(f elf-outside-ram.bin)"
	assert_leapboot_error '^leapboot: error: kernel: ELF segment outside RAM \(0x60000000, 0x[0-9a-f]+ bytes\)$'
}

@test "20 an ELF p_offset past the end of the file → outside the file" {
	via_fw_cfg "$(f elf-offset-beyond.bin)"
	assert_leapboot_error '^leapboot: error: kernel: ELF segment outside the file \(segment 0, offset 0x[0-9a-f]+\)$'
}

@test "21 an ELF p_filesz past the end of the file → outside the file" {
	via_fw_cfg "$(f elf-filesz-beyond.bin)"
	assert_leapboot_error '^leapboot: error: kernel: ELF segment outside the file \(segment 0, offset 0x[0-9a-f]+\)$'
}

@test "22 an ELF cut to 4 KiB → outside the file" {
	via_fw_cfg "$(f elf-head.bin)"
	assert_leapboot_error '^leapboot: error: kernel: ELF segment outside the file \(segment 0, offset 0x[0-9a-f]+\)$'
}

@test "23 a PVH entry in none of the ELF's segments → entry point outside the kernel" {
	via_fw_cfg "$(f elf-entry-outside.bin)"
	assert_leapboot_error '^leapboot: error: plan: entry point outside the kernel \(0x50000000, kernel at 0x[0-9a-f]+\)$'
}

@test "24 a table-loader ADD_POINTER outside its blob → offset outside the blob" {
	boot_leapboot q35,acpi=off -kernel "$LEAPBOOT_KERNEL" -append "$BASE_CMDLINE" \
		-fw_cfg "name=etc/table-loader,file=$(f loader.bin)" -fw_cfg "name=etc/acpi/tables,file=$(f blob.bin)"
	assert_leapboot_error '^leapboot: error: acpi: offset outside the blob \(command 1, offset 0x10000\)$'
}

@test "25 -m 2M: leapboot runs and says the kernel does not fit" {
	boot_leapboot pc -m 2M -kernel "$LEAPBOOT_KERNEL" -append "$BASE_CMDLINE"
	assert_leapboot_error '^leapboot: error: kernel: init_size does not fit in RAM \(0x[0-9a-f]+ bytes, .*\)$'
}

@test "29 -m 1M: less RAM than leapboot needs → not enough RAM" {
	boot_leapboot pc -m 1M -kernel "$LEAPBOOT_KERNEL" -append "$BASE_CMDLINE"
	assert_leapboot_error '^leapboot: error: memmap: not enough RAM \(1024 KiB; leapboot needs at least 2048 KiB\)$'
}

@test "26 arm64: random bytes as the kernel → not an arm64 Image" {
	boot_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$(f random.bin)"
	assert_leapboot_error '^leapboot: error: kernel: .*(Image|magic).*\(.*\)$'
}

@test "27 arm64: an Image.gz with noise mid-stream → corrupt gzip" {
	boot_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$(f arm64-corrupt.gz)"
	assert_leapboot_error '^leapboot: error: kernel: corrupt gzip kernel \(.*\)$'
}

@test "28 arm64: an Image.gz cut in half → truncated gzip" {
	boot_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$(f arm64-half.gz)"
	assert_leapboot_error '^leapboot: error: kernel: truncated gzip kernel \(.*\)$'
}

# Multiboot (issue 23): each hostile image through opt/leapboot/kernel, where leapboot parses
# the header, and through -kernel where QEMU accepts the file and hands leapboot its buffer.
MB_NOT_FREE='^leapboot: error: kernel: multiboot image not in free RAM below 4 GiB \(0x[0-9a-f]+, 0x[0-9a-f]+ bytes\)$'

@test "30 a multiboot header with a wrong checksum → wrong checksum" {
	via_fw_cfg "$(f mb-checksum.bin)"
	assert_leapboot_error '^leapboot: error: kernel: multiboot magic with a wrong checksum \(at 0x40, checksum 0x12345678\)$'
}

@test "31 a multiboot header past the first 8 KiB is no header → not a bzImage" {
	via_fw_cfg "$(f mb-beyond-8k.bin)"
	assert_leapboot_error "$NOT_BZIMAGE"
}

@test "32 multiboot flags with an undefined required bit (0x20) → undefined features" {
	via_fw_cfg "$(f mb-flags.bin)"
	assert_leapboot_error '^leapboot: error: kernel: multiboot header requires features undefined in multiboot 0.6.96 \(at 0x40, flags 0x10023\)$'
}

@test "33 multiboot header_addr below load_addr → header_addr" {
	via_fw_cfg "$(f mb-header-addr.bin)"
	assert_leapboot_error '^leapboot: error: kernel: multiboot header_addr is not inside the loaded part \(header_addr 0xff000, load_addr 0x100000\)$'
}

@test "34 a multiboot image loaded over leapboot's own pages (a.out and ELF; also via -kernel) → not free RAM" {
	via_fw_cfg "$(f mb-over-leapboot.bin)"
	assert_leapboot_error "$MB_NOT_FREE" || return 1
	via_kernel "$(f mb-over-leapboot.bin)"
	assert_leapboot_error "$MB_NOT_FREE" || return 1
	via_fw_cfg "$(f mb-elf-over-leapboot.bin)"
	assert_leapboot_error "$MB_NOT_FREE"
}

@test "35 a multiboot image outside RAM (0x60000000 with -m 512M; also via -kernel) → not free RAM" {
	via_fw_cfg "$(f mb-outside-ram.bin)"
	assert_leapboot_error "$MB_NOT_FREE" || return 1
	via_kernel "$(f mb-outside-ram.bin)"
	assert_leapboot_error "$MB_NOT_FREE"
}

@test "36 multiboot bss_end_addr below load_end_addr → bss_end_addr" {
	via_fw_cfg "$(f mb-bss.bin)"
	assert_leapboot_error '^leapboot: error: kernel: multiboot bss_end_addr is below load_end_addr \(0x101000, 0x102000\)$'
}

@test "37 multiboot load_end_addr past the end of the file → load_end_addr" {
	via_fw_cfg "$(f mb-load-end.bin)"
	assert_leapboot_error '^leapboot: error: kernel: multiboot load_end_addr is below load_addr or past the end of the file \(load_end_addr 0x180000, file 8192 bytes\)$'
}

@test "38 a multiboot entry outside the image (a.out and ELF) → entry point outside" {
	via_fw_cfg "$(f mb-entry.bin)"
	assert_leapboot_error '^leapboot: error: kernel: multiboot entry point outside the image \(0x200000, image at 0x100000\)$' || return 1
	via_fw_cfg "$(f mb-elf-entry.bin)"
	assert_leapboot_error '^leapboot: error: kernel: multiboot entry point outside the image \(0x300000, image at 0x100000\)$'
}

@test "39 a multiboot module bigger than free RAM (256 MiB, -m 128M; also via -initrd) → does not fit" {
	via_fw_cfg "$(f mb-aout.bin)" -m 128M -fw_cfg "name=opt/leapboot/module0,file=$(f initrd-256m.img)"
	assert_leapboot_error '^leapboot: error: multiboot: multiboot module does not fit in free RAM below 4 GiB \(module 0, 268435456 bytes\)$' || return 1
	# QEMU puts the module into its buffer after the image: the buffer does not fit.
	via_kernel "$(f mb-aout.bin)" -m 128M -initrd "$(f initrd-256m.img)"
	assert_leapboot_error "$MB_NOT_FREE"
}

@test "40 33 multiboot modules (leapboot handles 32) → too many" {
	local -a mods=()
	local i
	for ((i = 0; i < 33; i++)); do
		mods+=(-fw_cfg "name=opt/leapboot/module$i,file=$(f mb-aout.bin)")
	done
	via_fw_cfg "$(f mb-aout.bin)" "${mods[@]}" -global fw_cfg_io.x-file-slots=128
	assert_leapboot_error '^leapboot: error: multiboot: too many multiboot modules \(33, leapboot handles 32\)$'
}

@test "41 opt/leapboot/initrd with a multiboot kernel → modules, not an initrd" {
	via_fw_cfg "$(f mb-aout.bin)" -fw_cfg "name=opt/leapboot/initrd,file=$(f mb-aout.bin)"
	assert_leapboot_error '^leapboot: error: multiboot: a multiboot kernel takes modules, not an initrd: use opt/leapboot/module0, module1, ... \(8192 bytes\)$'
}

# --- the TPM (issue 24, point 7) ------------------------------------------------------------

# fake_boot MACHINE tis|crb [qemu args…]: the Debian kernel with BASE_CMDLINE through leapboot,
# the running fake-swtpm as its TPM; FAKE_BOOT_MS: QEMU's wall time in milliseconds.
fake_boot() {
	local machine=$1 iface=$2 rc=0 t0=${EPOCHREALTIME/./}
	shift 2
	local -a targs
	mapfile -t targs < <(tpm_qemu_args "$iface")
	[[ ${#targs[@]} -gt 0 ]] || return 1
	boot_leapboot "$machine" "${targs[@]}" -kernel "$LEAPBOOT_KERNEL" -append "$BASE_CMDLINE" "$@" ||
		rc=1
	FAKE_BOOT_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
	return $rc
}

# tables_args CASE: the -fw_cfg arguments of a log area case's files (setup_file made them).
tables_args() {
	local f
	for f in rsdp:acpi/rsdp tables:acpi/tables loader:table-loader log:tpm/log; do
		printf '%s\n' -fw_cfg "name=etc/${f#*:},file=$(f "$1-${f%%:*}.bin")"
	done
}

E_EXTEND_FAILED='^leapboot: error: tpm: TPM command failed \(command code 0x182, response code 0x101\)$'
E_WRONG_TAG='^leapboot: error: tpm: TPM response with a wrong tag \(0xc4\)$'
E_TIMEOUT='^leapboot: error: tpm: TPM command timed out \(status 0x[0-9a-f]+ after 2000000 polls\)$'
E_LOG_AREA='^leapboot: error: tpm: TPM event log area unusable \(address 0x[0-9a-f]+, [0-9]+ bytes\)$'

@test "fake-swtpm control: its good default is a TPM (leapboot measures, Linux finds it, the log replays to its PCRs)" {
	tpm_setup_file || return 1
	tpm_start_fake || return 1
	tpm_boot q35 tis "${VERBOSE_ARGS[@]}"
	assert_userspace || return 1
	assert_log '^leapboot: measured boot: [0-9]+ bytes of event log$' "leapboot measured" || return 1
	assert_log '^LEAPBOOT-TPM-DRIVER=tpm_tis$' "Linux's tpm_tis found the fake" || return 1
	assert_fake_log '^cmd 0x144 Startup -> rc 0x0$' || return 1
	refute_fake_log '^fault ' || return 1
	local bank
	for bank in $TPM_ALL_BANKS; do
		assert_log_measures "$bank" 0 1 2 3 4 5 6 7 8 9 || return 1
		assert_log_replays "$bank" 0 1 2 3 4 5 6 7 8 9 || return 1
	done
	echo "# fake-swtpm control: start-up $(tpm_secs "$TPM_START_MS"), QEMU $(tpm_secs "$TPM_BOOT_MS")" >&3
}

@test "42 every PCR_Extend answered TPM_RC_FAILURE (q35, tpm-tis and tpm-crb) → command failed" {
	local iface
	for iface in tis crb; do
		tpm_start_fake rc || return 1
		fake_boot q35 "$iface"
		assert_leapboot_error "$E_EXTEND_FAILED" || return 1
		assert_fake_log '^fault rc on cmd 0x182 PCR_Extend pcr=0$' "the first extend, PCR 0" || return 1
		tpm_stop || return 1
	done
}

@test "43 Startup answered TPM_RC_FAILURE (pc, tpm-tis) → command failed, 0x144" {
	tpm_start_fake rc --on startup || return 1
	fake_boot pc tis
	assert_leapboot_error '^leapboot: error: tpm: TPM command failed \(command code 0x144, response code 0x101\)$' ||
		return 1
	assert_fake_log '^fault rc on cmd 0x144 Startup$'
}

@test "44 an error on the kernel's PCR 4 extend, after PCRs 0 and 1 → command failed" {
	tpm_start_fake rc --pcr 4 || return 1
	fake_boot q35 tis
	assert_leapboot_error "$E_EXTEND_FAILED" || return 1
	assert_fake_log '^cmd 0x182 PCR_Extend pcr=1 -> rc 0x0$' "the tables were measured first" || return 1
	assert_fake_log '^fault rc on cmd 0x182 PCR_Extend pcr=4$'
}

@test "45 a response tag of 0x00C4: on Startup (tpm-tis), on GetCapability (tpm-crb) → wrong tag" {
	tpm_start_fake wrong-tag || return 1
	fake_boot q35 tis
	assert_leapboot_error "$E_WRONG_TAG" || return 1
	assert_fake_log '^fault wrong-tag on cmd 0x144 Startup$' || return 1
	tpm_stop || return 1
	tpm_start_fake wrong-tag --on getcap || return 1
	fake_boot q35 crb
	assert_leapboot_error "$E_WRONG_TAG" || return 1
	assert_fake_log '^fault wrong-tag on cmd 0x17a GetCapability$'
}

@test "46 a response size field larger than the bytes sent → timed out (QEMU waits for the rest)" {
	tpm_start_fake size-lie || return 1
	fake_boot q35 tis
	assert_leapboot_error "$E_TIMEOUT" || return 1
	assert_fake_log '^fault size-lie on cmd 0x144 Startup$' || return 1
	echo "# 46 size-lie, tpm-tis: leapboot's timeout error after $(tpm_secs "$FAKE_BOOT_MS") of QEMU" >&3
}

@test "47 a PCR_Extend response whose size field says 10 of its 19 bytes → malformed response" {
	tpm_start_fake size-short || return 1
	fake_boot q35 tis
	assert_leapboot_error '^leapboot: error: tpm: malformed TPM response \(command code 0x182, 10 bytes\)$' ||
		return 1
	assert_fake_log '^fault size-short on cmd 0x182 PCR_Extend pcr=0$'
}

@test "48 a TPM that never answers Startup (tpm-tis and tpm-crb) → timed out" {
	local iface
	for iface in tis crb; do
		tpm_start_fake no-answer || return 1
		fake_boot q35 "$iface"
		assert_leapboot_error "$E_TIMEOUT" || return 1
		assert_fake_log '^fault no-answer on cmd 0x144 Startup$' || return 1
		echo "# 48 no-answer, tpm-$iface: leapboot's timeout error after $(tpm_secs "$FAKE_BOOT_MS") of QEMU" >&3
		tpm_stop || return 1
	done
}

@test "49 the TPM hangs up on Startup → wrong tag (tpm-tis), fatal error (tpm-crb)" {
	tpm_start_fake hang-up || return 1
	fake_boot q35 tis
	assert_leapboot_error "$E_WRONG_TAG" || return 1
	assert_fake_log '^fault hang-up on cmd 0x144 Startup$' || return 1
	tpm_stop || return 1
	tpm_start_fake hang-up || return 1
	fake_boot q35 crb
	assert_leapboot_error '^leapboot: error: tpm: TPM reports a fatal error \(CRB status 0x1, command code 0x144\)$' ||
		return 1
	assert_fake_log '^fault hang-up on cmd 0x144 Startup$'
}

@test "50 an active SM3_256 bank → a bank leapboot cannot hash" {
	tpm_start_fake banks-unknown || return 1
	fake_boot q35 tis
	assert_leapboot_error '^leapboot: error: tpm: TPM bank leapboot cannot hash is active \(algorithm 0x12\)$' ||
		return 1
	assert_fake_log '^fault banks-unknown on cmd 0x17a GetCapability$'
}

@test "51 microvm with an injected etc/tpm/log (QEMU 7.2's microvm has no TPM) → no TPM2 table" {
	boot_leapboot microvm -kernel "$LEAPBOOT_KERNEL" -append "$BASE_CMDLINE" \
		-fw_cfg "name=etc/tpm/log,file=$(f tpm2-small-log.bin)"
	assert_leapboot_error '^leapboot: error: tpm: no usable ACPI TPM2 table \(0 bytes of 0\)$'
}

# log_area_boot CASE [qemu args…]: q35 without QEMU's ACPI, the case's tables, a fake-swtpm.
log_area_boot() {
	local -a files
	mapfile -t files < <(tables_args "$1")
	tpm_start_fake || return 1
	fake_boot q35,acpi=off tis "${files[@]}" "${@:2}"
}

@test "52 a TPM2 table without a log area: LAML and LASA 0; revision 3, shorter → log area unusable" {
	local c
	for c in tpm2-no-log tpm2-rev3; do
		log_area_boot "$c" || return 1
		assert_leapboot_error '^leapboot: error: tpm: TPM event log area unusable \(address 0x0, 0 bytes\)$' ||
			return 1
		refute_fake_log '^cmd ' "leapboot checks the table before the TPM" || return 1
		tpm_stop || return 1
	done
}

@test "53 a log area outside RAM (0x60000000, -m 512M) → log area unusable" {
	log_area_boot tpm2-outside-ram -m 512M || return 1
	assert_leapboot_error '^leapboot: error: tpm: TPM event log area unusable \(address 0x60000000, 65536 bytes\)$' ||
		return 1
	refute_fake_log '^cmd '
}

@test "54 a log area that is not etc/tpm/log: on the ACPI tables; larger than the blob → log area unusable" {
	log_area_boot tpm2-on-tables || return 1
	assert_leapboot_error "$E_LOG_AREA" || return 1
	log_grep '^leapboot: error: .*, 140 bytes\)$' >/dev/null ||
		leapboot_fail "the error names LAML 140" || return 1
	refute_fake_log '^cmd ' || return 1
	tpm_stop || return 1
	log_area_boot tpm2-laml-big || return 1
	assert_leapboot_error "$E_LOG_AREA" || return 1
	log_grep '^leapboot: error: .*, 65536 bytes\)$' >/dev/null ||
		leapboot_fail "the error names LAML 65536" || return 1
	refute_fake_log '^cmd '
}

@test "55 a 512-byte log area, too small for the events → event log full" {
	log_area_boot tpm2-small || return 1
	assert_leapboot_error '^leapboot: error: tpm: TPM event log full \([0-9]+ bytes needed, [0-9]+ left\)$' ||
		return 1
	assert_fake_log '^cmd 0x182 PCR_Extend pcr=0 -> rc 0x0$' "measuring had begun" || return 1
	local line
	line=$(log_grep '^leapboot: error:')
	[[ $line =~ \(([0-9]+)\ bytes\ needed,\ ([0-9]+)\ left\) ]] &&
		((BASH_REMATCH[1] > BASH_REMATCH[2] && BASH_REMATCH[2] < 512)) ||
		leapboot_fail "needed must exceed left, and left be under 512: $line"
}

# --- unified kernel images (56-63) -----------------------------------------------------------

@test "56 a UKI without .linux, via -kernel and opt/leapboot/kernel → without a kernel" {
	via_kernel "$(f uki-no-linux.efi)"
	assert_leapboot_error '^leapboot: error: kernel: unified kernel image without a kernel: .*\(section 0 of [0-9]+\)$' || return 1
	via_fw_cfg "$(f uki-no-linux.efi)"
	assert_leapboot_error '^leapboot: error: kernel: unified kernel image without a kernel: '
}

@test "57 a UKI's .linux not for the machine: an arm64 Image on x86 → not a bzImage; an arm64 UKI on x86, an x86 UKI on arm64 → another machine" {
	via_fw_cfg "$(f uki-arm-linux.efi)"
	assert_leapboot_error '^leapboot: error: kernel: not a bzImage \(.*\)$' || return 1
	via_fw_cfg "$(f uki-arm64.efi)"
	assert_leapboot_error '^leapboot: error: kernel: unified kernel image for another machine \(PE machine 0xaa64, expected 0x8664\)$' || return 1
	boot_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$(f uki-small.efi)"
	assert_leapboot_error '^leapboot: error: kernel: unified kernel image for another machine \(PE machine 0x8664, expected 0xaa64\)$'
}

@test "58 UKI sections overlapping each other, and the headers → overlap; inside the headers" {
	via_fw_cfg "$(f uki-overlap.efi)"
	assert_leapboot_error '^leapboot: error: kernel: unified kernel image: two sections overlap in the file \(sections [0-9]+ and [0-9]+\)$' || return 1
	via_fw_cfg "$(f uki-in-headers.efi)"
	assert_leapboot_error '^leapboot: error: kernel: unified kernel image: a section starts inside the headers \(section [0-9]+, at 0x200\)$'
}

@test "59 a UKI cut short, via -kernel and opt/leapboot/kernel → past the end of the file" {
	local size
	size=$(stat -c %s "$(f uki-cut.efi)")
	via_kernel "$(f uki-cut.efi)"
	assert_leapboot_error "^leapboot: error: kernel: unified kernel image: a section reaches past the end of the file \\(section [0-9]+, $size bytes\\)\$" || return 1
	via_fw_cfg "$(f uki-cut.efi)"
	assert_leapboot_error "^leapboot: error: kernel: unified kernel image: a section reaches past the end of the file \\(section [0-9]+, $size bytes\\)\$"
}

@test "60 a UKI .initrd whose virtual size (1 GiB) is far beyond its raw size → virtual size" {
	via_fw_cfg "$(f uki-vsize.efi)"
	assert_leapboot_error '^leapboot: error: kernel: unified kernel image: a section.s virtual size is beyond its bytes in the file \(section [0-9]+, 0x40000000 bytes\)$'
}

@test "61 a UKI with 0 sections, with 0xFFFF sections → 1 to 96" {
	via_fw_cfg "$(f uki-0-sections.efi)"
	assert_leapboot_error '^leapboot: error: kernel: unified kernel image: 0 sections \(leapboot reads 1 to 96\)$' || return 1
	via_fw_cfg "$(f uki-65535-sections.efi)"
	assert_leapboot_error '^leapboot: error: kernel: unified kernel image: 65535 sections \(leapboot reads 1 to 96\)$'
}

@test "62 a UKI whose .initrd (160 MiB) is larger than RAM (-m 128M) → initrd larger than RAM" {
	via_fw_cfg "$(f uki-big-initrd.efi)" -m 128M
	assert_leapboot_error '^leapboot: error: initrd: initrd larger than RAM \(167772160 bytes, .*\)$'
}

@test "63 a UKI whose .cmdline is 2048 bytes (the kernel accepts 2047) → command line too long" {
	via_fw_cfg "$(f uki-long-cmdline.efi)"
	assert_leapboot_error '^leapboot: error: cmdline: command line too long \(2048 bytes, the kernel accepts 2047\)$'
}
