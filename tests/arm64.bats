#!/usr/bin/env bats
# arm64 on QEMU virt (TCG, cortex-a57): Debian's arm64 kernel to userspace with leapboot.bin
# (-bios) and leapboot.Image (-kernel), Image and Image.gz; the arm64 probe kernel (tests/guest),
# which checks the registers, MMU state, DTB and /chosen it was handed; bad kernels, initrds and
# command lines, each refused with one error line and a PSCI power-off.

# Commas in QEMU arguments are not separators.
# shellcheck disable=SC2054

load lib/qemu
load lib/arm64

setup_file() {
	arm64_setup_file || return 1
	local d=$BATS_FILE_TMPDIR
	# An initrd for the probe, handed over byte for byte (checked by FNV-1a).
	head -c 300001 /dev/urandom >"$d/blob.bin"
	export BLOB=$d/blob.bin
	gzip -9n <"$ARM64_PROBE" >"$d/probe.Image.gz"
	export PROBE_GZ=$d/probe.Image.gz
	# Bad kernels.
	head -c 1048576 /dev/urandom >"$d/random.bin"
	head -c 40 "$ARM64_KERNEL" >"$d/short.bin"
	python3 - "$ARM64_KERNEL" "$d" <<-'EOF'
		import struct, sys
		src, d = sys.argv[1], sys.argv[2]
		head = bytearray(open(src, "rb").read(1 << 20))
		def put(name, data):
		    open(f"{d}/{name}", "wb").write(data)
		b = bytearray(head); b[0x38:0x3c] = b"\0\0\0\0"
		put("nomagic.Image", b)                    # ARM\x64 cleared
		b = bytearray(head); struct.pack_into("<Q", b, 0x10, 1 << 30)
		put("huge.Image", b)                       # image_size 1 GiB: more than -m 512M
		b = bytearray(head); struct.pack_into("<Q", b, 0x10, 1 << 20)
		put("small.Image", b + bytes(1 << 20))     # 2 MiB of file, image_size 1 MiB
	EOF
	gzip -1n <"$d/small.Image" >"$d/small.Image.gz"
	local gz_size
	gz_size=$(stat -c %s "$ARM64_KERNEL_GZ")
	head -c $((gz_size / 2)) "$ARM64_KERNEL_GZ" >"$d/truncated.gz"
	cp "$ARM64_KERNEL_GZ" "$d/corrupt.gz"
	# 4 KiB of noise in the middle of the deflate stream.
	head -c 4096 /dev/urandom | dd of="$d/corrupt.gz" bs=1 seek=$((gz_size / 2)) conv=notrunc status=none
	# An initrd larger than -m 128M, as a sparse file.
	truncate -s 160M "$d/big-initrd.bin"
}

# --- Debian's arm64 kernel -------------------------------------------------------------------

@test "leapboot.bin: -kernel Image, -initrd, -append → userspace, 1 CPU, 512 MiB, cmdline intact" {
	boot_arm64 -kernel "$ARM64_KERNEL" -initrd "$ARM64_INITRD" -append "$ARM64_CMDLINE"
	assert_userspace
	assert_cmdline
	assert_memory
	assert_log '^LEAPBOOT-CPUS=1$'
}

@test "leapboot.bin: -kernel Image.gz (QEMU inflates it into fw_cfg) → userspace" {
	boot_arm64 -kernel "$ARM64_KERNEL_GZ" -initrd "$ARM64_INITRD" -append "$ARM64_CMDLINE"
	assert_userspace
	assert_cmdline
}

@test "leapboot.bin: Image.gz, initrd and cmdline from opt/leapboot/* → leapboot inflates it, userspace" {
	boot_arm64 "${VERBOSE_ARGS[@]}" -fw_cfg "name=opt/leapboot/kernel,file=$ARM64_KERNEL_GZ" \
		-fw_cfg "name=opt/leapboot/initrd,file=$ARM64_INITRD" \
		-fw_cfg "name=opt/leapboot/cmdline,string=$ARM64_CMDLINE"
	assert_log '^leapboot: kernel from opt/leapboot/kernel: arm64 Image \(gzip\)'
	assert_userspace
	assert_cmdline
}

@test "leapboot.Image as -kernel: the kernel Image from opt/leapboot/kernel → userspace" {
	boot_arm64 --bios "" -kernel "$ARM64_IMAGE_FW" "${VERBOSE_ARGS[@]}" \
		-fw_cfg "name=opt/leapboot/kernel,file=$ARM64_KERNEL" \
		-fw_cfg "name=opt/leapboot/initrd,file=$ARM64_INITRD" \
		-fw_cfg "name=opt/leapboot/cmdline,string=$ARM64_CMDLINE"
	assert_log '^leapboot: kernel from opt/leapboot/kernel: arm64 Image, '
	assert_userspace
	assert_cmdline
	assert_memory
}

@test "leapboot.Image as -kernel: Image.gz from opt/leapboot/kernel → userspace" {
	boot_arm64 --bios "" -kernel "$ARM64_IMAGE_FW" \
		-fw_cfg "name=opt/leapboot/kernel,file=$ARM64_KERNEL_GZ" \
		-fw_cfg "name=opt/leapboot/initrd,file=$ARM64_INITRD" \
		-fw_cfg "name=opt/leapboot/cmdline,string=$ARM64_CMDLINE"
	assert_userspace
	assert_cmdline
}

@test "-smp 2 → 2 CPUs online" {
	boot_arm64 -smp 2 -kernel "$ARM64_KERNEL" -initrd "$ARM64_INITRD" -append "$ARM64_CMDLINE"
	assert_userspace
	assert_log '^LEAPBOOT-CPUS=2$'
}

@test "-m 4G → all RAM seen, the initrd placed above 4 GiB, userspace" {
	boot_arm64 -m 4G "${VERBOSE_ARGS[@]}" -kernel "$ARM64_KERNEL" -initrd "$ARM64_INITRD" \
		-append "$ARM64_CMDLINE"
	assert_userspace
	assert_memory
	local addr
	addr=$(verbose_initrd_addr) || return 1
	((addr >= 0x100000000)) || leapboot_fail "initrd at $(printf %#x "$addr"), expected above 4 GiB"
}

@test "virtualization=on (entered at EL2), -smp 2 → all CPUs at EL2, KVM available, userspace" {
	boot_arm64 --machine virt,virtualization=on -smp 2 -kernel "$ARM64_KERNEL" \
		-initrd "$ARM64_INITRD" -append "$ARM64_CMDLINE"
	assert_userspace
	assert_log '^LEAPBOOT-CPUS=2$'
	assert_log 'CPU: All CPU\(s\) started at EL2' "booting.rst: EL2 where the CPU has it"
	refute_log 'inconsistent modes'
	assert_log 'kvm \[1\]: Hyp mode initialized successfully'
}

@test "a 2047-byte command line with quotes, commas and '=' reaches /proc/cmdline intact" {
	local f=$BATS_TEST_TMPDIR/cmdline.txt
	python3 - "$f" "$ARM64_CMDLINE" <<-'EOF'
		import sys
		s = sys.argv[2] + ' leapboot.test="a, b=c" x,y=1'
		i = 0
		while len(s) < 2047:
		    s += f" leapboot.p{i}=v{i}"; i += 1  # dotted: not passed on to /init's environment
		s = s[:2047]
		open(sys.argv[1], "w").write(s[:-1] + "z" if s.endswith(" ") else s)
	EOF
	[[ $(stat -c %s "$f") == 2047 ]] || leapboot_fail "test cmdline is not 2047 bytes"
	boot_arm64 -kernel "$ARM64_KERNEL" -initrd "$ARM64_INITRD" -append "$(cat "$f")"
	assert_userspace
	assert_cmdline
}

# --- the arm64 probe kernel ------------------------------------------------------------------

@test "probe: leapboot.bin with -kernel, -initrd, -append → PASS; initrd byte-exact, bootargs exact" {
	boot_arm64 -kernel "$ARM64_PROBE" -initrd "$BLOB" -append "probe test=1 a,b"
	assert_probe_pass
	assert_probe_line "el=1 ok"
	assert_probe_line "bootargs=probe test=1 a,b"
	assert_probe_line "initrd $("$LEAPBOOT_ROOT/tests/guest/fnv1a" "$BLOB")"
}

@test "probe: leapboot.Image as -kernel, the probe gzip-compressed in opt/leapboot/kernel → PASS" {
	boot_arm64 --bios "" -kernel "$ARM64_IMAGE_FW" -fw_cfg "name=opt/leapboot/kernel,file=$PROBE_GZ" \
		-fw_cfg "name=opt/leapboot/initrd,file=$BLOB" \
		-fw_cfg "name=opt/leapboot/cmdline,string=probe form=image"
	assert_probe_pass
	assert_probe_line "bootargs=probe form=image"
	assert_probe_line "initrd $("$LEAPBOOT_ROOT/tests/guest/fnv1a" "$BLOB")"
}

@test "probe: virtualization=on → entered at EL2 with the MMU off, PASS (both forms)" {
	boot_arm64 --machine virt,virtualization=on -kernel "$ARM64_PROBE" -initrd "$BLOB" \
		-append "probe el2"
	assert_probe_pass
	assert_probe_line "el=2 ok"
	assert_probe_line "initrd $("$LEAPBOOT_ROOT/tests/guest/fnv1a" "$BLOB")"
	boot_arm64 --machine virt,virtualization=on --bios "" -kernel "$ARM64_IMAGE_FW" \
		-fw_cfg "name=opt/leapboot/kernel,file=$ARM64_PROBE"
	assert_probe_pass
	assert_probe_line "el=2 ok"
}

@test "probe: -m 4G → the initrd above 4 GiB, byte-exact, PASS" {
	boot_arm64 -m 4G "${VERBOSE_ARGS[@]}" -kernel "$ARM64_PROBE" -initrd "$BLOB" -append "probe"
	assert_probe_pass
	assert_probe_line "initrd $("$LEAPBOOT_ROOT/tests/guest/fnv1a" "$BLOB")"
	local addr
	addr=$(verbose_initrd_addr) || return 1
	((addr >= 0x100000000)) || leapboot_fail "initrd at $(printf %#x "$addr"), expected above 4 GiB"
}

@test "probe: no initrd, no -append → no initrd properties invented, QEMU's empty bootargs kept, PASS" {
	boot_arm64 -kernel "$ARM64_PROBE"
	assert_probe_pass
	assert_probe_line "initrd none"
	assert_probe_line "bootargs="
}

# --- bad input: one error line, PSCI power-off, the kernel never runs -------------------------

@test "random bytes as -kernel → 'not an arm64 Image'" {
	boot_arm64 -kernel "$BATS_FILE_TMPDIR/random.bin"
	assert_leapboot_error '^leapboot: error: kernel: not an arm64 Image \(magic 0x[0-9a-f]+ at offset 0x38, expected 0x644d5241\)'
}

@test "an Image with its ARM\\x64 magic cleared, by -kernel and by opt/leapboot/kernel → 'not an arm64 Image'" {
	boot_arm64 -kernel "$BATS_FILE_TMPDIR/nomagic.Image"
	assert_leapboot_error 'kernel: not an arm64 Image \(magic 0x0 at offset 0x38, expected 0x644d5241\)'
	boot_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$BATS_FILE_TMPDIR/nomagic.Image"
	assert_leapboot_error 'kernel: not an arm64 Image'
}

@test "a 40-byte kernel (shorter than the header) → 'not an arm64 Image (40 bytes, shorter …)'" {
	boot_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$BATS_FILE_TMPDIR/short.bin"
	assert_leapboot_error 'kernel: not an arm64 Image \(40 bytes, shorter than its 64-byte header\)'
}

@test "x86's bzImage as the kernel → 'not an arm64 Image'" {
	local bz
	bz=$("$LEAPBOOT_ROOT/tools/fetch-kernels" --print) || {
		leapboot_fail "no amd64 kernel cached (tools/fetch-kernels)"
		return 1
	}
	boot_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$bz"
	assert_leapboot_error 'kernel: not an arm64 Image'
}

@test "image_size 1 GiB with -m 512M → 'image_size does not fit in RAM'" {
	boot_arm64 -kernel "$BATS_FILE_TMPDIR/huge.Image"
	assert_leapboot_error 'kernel: image_size does not fit in RAM \(0x40000000 bytes'
}

@test "an Image longer than its image_size, raw and gzip → 'kernel larger than its image_size'" {
	boot_arm64 -kernel "$BATS_FILE_TMPDIR/small.Image"
	assert_leapboot_error 'kernel: kernel larger than its image_size \(2097152 bytes or more, image_size 0x100000\)'
	boot_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$BATS_FILE_TMPDIR/small.Image.gz"
	assert_leapboot_error 'kernel: kernel larger than its image_size \(1048577 bytes or more, image_size 0x100000\)'
}

@test "a corrupt Image.gz (4 KiB of noise mid-stream) → 'corrupt gzip kernel'" {
	boot_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$BATS_FILE_TMPDIR/corrupt.gz"
	assert_leapboot_error 'kernel: corrupt gzip kernel \(zlib error -3 after [0-9]+ input bytes\)'
}

@test "a truncated Image.gz (first half) → 'truncated gzip kernel'" {
	local size
	size=$(stat -c %s "$BATS_FILE_TMPDIR/truncated.gz")
	boot_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$BATS_FILE_TMPDIR/truncated.gz"
	assert_leapboot_error "kernel: truncated gzip kernel \\(the file ends after $size bytes, [0-9]+ inflated\\)"
}

@test "an initrd larger than RAM (160 MiB, -m 128M) → 'initrd larger than RAM'" {
	boot_arm64 -m 128M -kernel "$ARM64_KERNEL" -initrd "$BATS_FILE_TMPDIR/big-initrd.bin"
	assert_leapboot_error 'initrd: initrd larger than RAM \(167772160 bytes, 134217728 bytes of RAM it may use\)'
}

@test "a 2048-byte command line → 'command line too long (2048 bytes, the kernel accepts 2047)'" {
	# A cmdline that would work if it were passed: the kernel's panic=-1 ends a wrong pass fast.
	local long="$ARM64_CMDLINE "
	while ((${#long} < 2048)); do long+=x; done
	boot_arm64 -kernel "$ARM64_KERNEL" -append "$long"
	assert_leapboot_error 'cmdline: command line too long \(2048 bytes, the kernel accepts 2047\)'
}

@test "no kernel at all, in either form → 'no kernel'" {
	boot_arm64
	assert_leapboot_error 'kernel: no kernel \(pass -kernel FILE'
	boot_arm64 --bios "" -kernel "$ARM64_IMAGE_FW"
	assert_leapboot_error 'kernel: no kernel \(pass -kernel FILE'
}

@test "virtualization=on: an error still powers off (PSCI through SMC), no hang" {
	boot_arm64 --machine virt,virtualization=on -kernel "$BATS_FILE_TMPDIR/random.bin"
	assert_leapboot_error 'kernel: not an arm64 Image'
}

@test "an exception inside leapboot (a fetch from an unmapped address) → one report line with ESR, ELR, FAR; power-off" {
	# Through QEMU's gdbstub: stop at leapboot_main, send the PC to 1 TiB (beyond leapboot's
	# 512 GiB identity map), let it run on.
	local main sock=$BATS_TEST_TMPDIR/gdb.sock
	main=$(nm "${ARM64_BIN%.bin}-rom.elf" | awk '$3 == "leapboot_main" { print "0x" $1 }')
	[[ -n $main ]] || leapboot_fail "no leapboot_main in ${ARM64_BIN%.bin}-rom.elf"
	"$LEAPBOOT_ROOT/tests/lib/gdb-redirect" "$sock" "$main" 0x10000000000 &
	local poker=$!
	boot_arm64 -S -chardev "socket,path=$sock,server=on,wait=off,id=gdb" -gdb chardev:gdb
	wait "$poker" || leapboot_fail "gdb-redirect failed"
	assert_leapboot_error '^leapboot: error: cpu: instruction abort in leapboot \(vector 4, ESR 0x86000004, ELR 0x10000000000, FAR 0x10000000000\)$'
}

# leapboot's arm64 boot markers are fw_cfg selects of 0x3f00 + the qemu-boot-time value, which
# QEMU's fw_cfg_select trace event records: fw_start (1), fw_do_boot (5), linux_start_boot (3).
arm64_marker_keys() {
	grep -o "fw_cfg_select .* key 0x3f0[0-9a-f]" "$1" | sed 's/.* key //' | tr '\n' ' '
}

@test "boot markers: with opt/leapboot/markers, fw_cfg selects 0x3f01, 0x3f05, 0x3f03 in order (both forms); without it none" {
	local t=$BATS_TEST_TMPDIR
	boot_arm64 -kernel "$ARM64_KERNEL" -initrd "$ARM64_INITRD" -append "$ARM64_CMDLINE" \
		-fw_cfg name=opt/leapboot/markers,string=1 -trace fw_cfg_select -D "$t/bios.trace"
	assert_userspace || return 1
	[[ $(arm64_marker_keys "$t/bios.trace") == "0x3f01 0x3f05 0x3f03 " ]] ||
		leapboot_fail "leapboot.bin markers: '$(arm64_marker_keys "$t/bios.trace")'" || return 1
	boot_arm64 --bios "" -kernel "$ARM64_IMAGE_FW" -fw_cfg "name=opt/leapboot/kernel,file=$ARM64_KERNEL" \
		-fw_cfg "name=opt/leapboot/initrd,file=$ARM64_INITRD" \
		-fw_cfg "name=opt/leapboot/cmdline,string=$ARM64_CMDLINE" \
		-fw_cfg name=opt/leapboot/markers,string=1 -trace fw_cfg_select -D "$t/image.trace"
	assert_userspace || return 1
	[[ $(arm64_marker_keys "$t/image.trace") == "0x3f01 0x3f05 0x3f03 " ]] ||
		leapboot_fail "leapboot.Image markers: '$(arm64_marker_keys "$t/image.trace")'" || return 1
	boot_arm64 -kernel "$ARM64_KERNEL" -initrd "$ARM64_INITRD" -append "$ARM64_CMDLINE" \
		-trace fw_cfg_select -D "$t/off.trace"
	assert_userspace || return 1
	grep -q "key 0x0000 'signature'" "$t/off.trace" || leapboot_fail "no fw_cfg trace at all" || return 1
	[[ -z $(arm64_marker_keys "$t/off.trace") ]] || leapboot_fail "markers without opt/leapboot/markers"
}
