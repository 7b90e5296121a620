#!/usr/bin/env bats
# Bad kernels, initrds and command lines: leapboot must print exactly one
# "leapboot: error: <stage>: …" line and exit QEMU with status 3 — never hang, never jump.
#
# Each bad kernel goes through both routes where QEMU accepts it: -kernel (QEMU parses the
# file itself and hands leapboot the setup and kernel parts) and the opt/leapboot/kernel
# fw_cfg file (leapboot sees the raw bytes). QEMU itself refuses an empty -kernel file and an
# -initrd bigger than RAM, so those go through the fw_cfg files only.

# An error is reported within a second; a boot that gets this far is hung.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-30}

load lib/qemu

setup_file() {
	leapboot_setup_file || return 1
	# Patched copies of Debian's bzImage, made once for this file.
	local d=$BATS_FILE_TMPDIR
	python3 - "$LEAPBOOT_KERNEL" "$d" <<-'EOF'
		import os, random, struct, sys
		src, d = sys.argv[1], sys.argv[2]
		k = open(src, "rb").read()
		assert k[0x202:0x206] == b"HdrS", "the Debian kernel is not a bzImage"
		def put(name, data):
		    open(os.path.join(d, name), "wb").write(data)
		def patched(name, off, fmt, val):
		    b = bytearray(k)
		    struct.pack_into(fmt, b, off, val)
		    put(name, b)
		# 1 MiB of (seeded, so reproducible) random bytes; no "HdrS" by construction.
		rnd = bytearray(random.Random(0x1eab007).randbytes(1 << 20))
		if rnd[0x202:0x206] == b"HdrS":
		    rnd[0x202] ^= 0xff
		put("random.bin", rnd)
		put("empty.bin", b"")
		put("first-64k.bin", k[:64 << 10])
		put("minus-1m.bin", k[:-(1 << 20)])
		patched("no-hdrs.bin", 0x202, "<I", 0)
		patched("16bit.bin", 0x206, "<H", 0x0201)
		patched("init-size.bin", 0x260, "<I", 0x7f000000)
	EOF
	# 256 MiB initrd, sparse: bigger than -m 128M.
	truncate -s 256M "$d/initrd-256m.img"
	# 2048 bytes: one more than the kernel's cmdline_size (2047).
	local c="$BASE_CMDLINE"
	while ((${#c} < 2048)); do c+=" x=1"; done
	printf '%s' "${c:0:2048}" >"$d/cmdline-2048.txt"
}

# Bad kernel through -kernel / through opt/leapboot/kernel.
via_kernel() { boot_leapboot "${MACHINE:-q35}" -kernel "$1" "${@:2}"; }
via_fw_cfg() { boot_leapboot "${MACHINE:-q35}" -fw_cfg "name=opt/leapboot/kernel,file=$1" "${@:2}"; }

@test "random bytes as the kernel, via -kernel" {
	via_kernel "$BATS_FILE_TMPDIR/random.bin" -append "$BASE_CMDLINE"
	assert_leapboot_error '^leapboot: error: kernel: [^(]+ \(.*\)$'
}

@test "random bytes as the kernel, via opt/leapboot/kernel" {
	via_fw_cfg "$BATS_FILE_TMPDIR/random.bin"
	assert_leapboot_error '^leapboot: error: kernel: [^(]+ \(.*\)$'
}

@test "empty kernel file, via opt/leapboot/kernel" {
	via_fw_cfg "$BATS_FILE_TMPDIR/empty.bin"
	assert_leapboot_error '^leapboot: error: kernel: [^(]+ \(.*\)$'
}

@test "first 64 KiB of a bzImage, via -kernel" {
	via_kernel "$BATS_FILE_TMPDIR/first-64k.bin" -append "$BASE_CMDLINE"
	assert_leapboot_error '^leapboot: error: kernel: [^(]+ \(.*\)$'
}

@test "first 64 KiB of a bzImage, via opt/leapboot/kernel" {
	via_fw_cfg "$BATS_FILE_TMPDIR/first-64k.bin"
	assert_leapboot_error '^leapboot: error: kernel: [^(]+ \(.*\)$'
}

@test "bzImage missing its last 1 MiB (header intact) is reported truncated, via -kernel" {
	via_kernel "$BATS_FILE_TMPDIR/minus-1m.bin" -append "$BASE_CMDLINE"
	assert_leapboot_error '^leapboot: error: kernel: truncated kernel \(.*syssize.*\)$'
}

@test "bzImage missing its last 1 MiB (header intact) is reported truncated, via opt/leapboot/kernel" {
	via_fw_cfg "$BATS_FILE_TMPDIR/minus-1m.bin"
	assert_leapboot_error '^leapboot: error: kernel: truncated kernel \(.*syssize.*\)$'
}

@test "PE without the HdrS signature, via -kernel" {
	via_kernel "$BATS_FILE_TMPDIR/no-hdrs.bin" -append "$BASE_CMDLINE"
	assert_leapboot_error '^leapboot: error: kernel: not a bzImage \(.*HdrS.*\)$'
}

@test "PE without the HdrS signature, via opt/leapboot/kernel" {
	via_fw_cfg "$BATS_FILE_TMPDIR/no-hdrs.bin"
	assert_leapboot_error '^leapboot: error: kernel: not a bzImage \(.*HdrS.*\)$'
}

@test "16-bit-only kernel (boot protocol 2.01), via -kernel" {
	via_kernel "$BATS_FILE_TMPDIR/16bit.bin" -append "$BASE_CMDLINE"
	assert_leapboot_error '^leapboot: error: kernel: .*16-bit entry \(.*\)$'
}

@test "16-bit-only kernel (boot protocol 2.01), via opt/leapboot/kernel" {
	via_fw_cfg "$BATS_FILE_TMPDIR/16bit.bin"
	assert_leapboot_error '^leapboot: error: kernel: .*16-bit entry \(.*\)$'
}

@test "init_size 0x7f000000 with -m 128M, via -kernel" {
	via_kernel "$BATS_FILE_TMPDIR/init-size.bin" -m 128M -append "$BASE_CMDLINE"
	assert_leapboot_error '^leapboot: error: kernel: init_size does not fit in RAM \(.*\)$'
}

@test "init_size 0x7f000000 with -m 128M, via opt/leapboot/kernel" {
	via_fw_cfg "$BATS_FILE_TMPDIR/init-size.bin" -m 128M
	assert_leapboot_error '^leapboot: error: kernel: init_size does not fit in RAM \(.*\)$'
}

@test "initrd bigger than RAM (256 MiB with -m 128M), via opt/leapboot/initrd" {
	via_fw_cfg "$LEAPBOOT_KERNEL" -m 128M \
		-fw_cfg "name=opt/leapboot/initrd,file=$BATS_FILE_TMPDIR/initrd-256m.img"
	assert_leapboot_error '^leapboot: error: initrd: initrd larger than RAM \(.*\)$'
}

@test "command line of 2048 bytes (limit 2047), via opt/leapboot/cmdline" {
	via_fw_cfg "$LEAPBOOT_KERNEL" -fw_cfg "name=opt/leapboot/cmdline,file=$BATS_FILE_TMPDIR/cmdline-2048.txt"
	assert_leapboot_error '^leapboot: error: cmdline: command line too long \(2048 bytes, the kernel accepts 2047\)$'
}

@test "command line of 2048 bytes (limit 2047), via -append" {
	via_kernel "$LEAPBOOT_KERNEL" -append "$(cat "$BATS_FILE_TMPDIR/cmdline-2048.txt")"
	assert_leapboot_error '^leapboot: error: cmdline: command line too long \(2048 bytes, the kernel accepts 2047\)$'
}

@test "no kernel at all: the error says how to pass one (pc, q35, microvm)" {
	local m
	for m in pc q35 microvm; do
		boot_leapboot "$m"
		assert_leapboot_error '^leapboot: error: kernel: .*-kernel.*opt/leapboot/kernel'
	done
}
