#!/usr/bin/env bats
# Kernels nobody here wrote (issue 23): each real, non-test kernel the project knows, under the
# forms that apply, with the outcome it must have. A check in leapboot stricter than the boot
# protocol shows up here first.
#
# | kernel                                   | how                                   | expected                       | where              |
# |------------------------------------------|---------------------------------------|--------------------------------|--------------------|
# | memtest86+ x64 (Debian's memtest86+,     | -kernel and opt/leapboot/kernel, on   | its banner reports the RAM     | this file          |
# |   a bzImage, 64-bit entry, syssize       |   pc, q35, microvm, -m 256            |   QEMU gave it (256MB)         |                    |
# |   rounded up to a partial paragraph)     |                                       |                                |                    |
# | memtest86+ ia32 (32-bit entry)           | the same                              | the same                       | this file          |
# | Debian's cloud and generic Linux         | bzImage and PVH vmlinux, every form   | userspace                      | boot.bats,         |
# |                                          |                                       |                                |   platform.bats,   |
# |                                          |                                       |                                |   pvh.bats,        |
# |                                          |                                       |                                |   linux-log.bats   |
# | Debian's arm64 Linux                     | Image and Image.gz, both forms, EFI   | userspace                      | arm64.bats,        |
# |                                          |                                       |                                |   efi.bats         |
#
# memtest86+ never exits: a boot here runs until the expected line appears on the serial port,
# or fails after MEMTEST_TIMEOUT seconds.

load lib/qemu

MEMTEST_TIMEOUT=${MEMTEST_TIMEOUT:-60}

setup_file() {
	leapboot_setup_file || return 1
	local k
	for k in x64 ia32; do
		[[ -s /boot/memtest86+$k.bin ]] || {
			leapboot_fail "/boot/memtest86+$k.bin missing: install Debian's memtest86+ (tools/install-deps does)"
			return 1
		}
	done
}

# boot_until <ERE> <machine> <qemu args...>: runs leapboot on the machine until the serial
# output (escape sequences removed) has a line matching ERE, then stops QEMU. BOOT_LOG holds
# the output; fails on a leapboot error, an early exit or the timeout.
boot_until() {
	local want=$1 machine=$2
	shift 2
	local mspec
	mspec=$(machine_args "$machine")
	BOOT_N=$((${BOOT_N:-0} + 1))
	BOOT_LOG=$BATS_TEST_TMPDIR/serial-$BOOT_N.log
	BOOT_STDERR=$BATS_TEST_TMPDIR/qemu-stderr-$BOOT_N.log
	local raw=$BATS_TEST_TMPDIR/serial-$BOOT_N.raw
	BOOT_ARGS=("$QEMU" -M "$mspec" -accel tcg -nographic -no-reboot -m 256 -bios "$LEAPBOOT_BIN"
		-device isa-debug-exit,iobase=0x501,iosize=2 "${VERBOSE_ARGS[@]}" "$@")
	printf '%q ' "${BOOT_ARGS[@]}" >"$BATS_TEST_TMPDIR/cmd-$BOOT_N.sh"
	"${BOOT_ARGS[@]}" </dev/null >"$raw" 2>"$BOOT_STDERR" &
	local pid=$! t0=$SECONDS found=0
	while ((SECONDS - t0 < MEMTEST_TIMEOUT)) && kill -0 "$pid" 2>/dev/null; do
		if sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$raw" | tr -d '\r' | grep -aqE -- "$want"; then
			found=1
			break
		fi
		sleep 0.5
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	sed 's/\x1b\[[0-9;]*[A-Za-z]/\n/g' "$raw" | tr -d '\r' >"$BOOT_LOG"
	refute_log '^leapboot: error:' "leapboot refused the kernel" || return 1
	((found)) || leapboot_fail "no line matching /$want/ within ${MEMTEST_TIMEOUT}s"
}

# memtest86+ prints "Memory  :  256MB" (the RAM it found) in its banner.
check_memtest() { # <x64|ia32> <machine> <-kernel|opt>
	local k=/boot/memtest86+$1.bin
	local -a src=(-kernel "$k" -append "console=ttyS0,115200")
	[[ $3 == opt ]] && src=(-fw_cfg "name=opt/leapboot/kernel,file=$k"
		-fw_cfg "name=opt/leapboot/cmdline,string=console=ttyS0,,115200")
	boot_until 'Memory +: +25[0-9]MB' "$2" "${src[@]}" || return 1
	assert_log '^leapboot: kernel from .*: bzImage protocol 20c, 1[0-9]{5} bytes at 0x100000'
}

@test "memtest86+ x64 via -kernel on q35 (-m 256) reports 25xMB" {
	check_memtest x64 q35 -kernel
}
@test "memtest86+ x64 via -kernel on pc reports 25xMB" {
	check_memtest x64 pc -kernel
}
@test "memtest86+ x64 via -kernel on microvm reports 25xMB" {
	check_memtest x64 microvm -kernel
}
@test "memtest86+ x64 from opt/leapboot/kernel on q35 reports 25xMB" {
	check_memtest x64 q35 opt
}
@test "memtest86+ x64 from opt/leapboot/kernel on microvm reports 25xMB" {
	check_memtest x64 microvm opt
}
@test "memtest86+ ia32 (32-bit entry) via -kernel on q35 reports 25xMB" {
	check_memtest ia32 q35 -kernel
}
@test "memtest86+ ia32 via -kernel on pc reports 25xMB" {
	check_memtest ia32 pc -kernel
}
@test "memtest86+ ia32 via -kernel on microvm reports 25xMB" {
	check_memtest ia32 microvm -kernel
}
@test "memtest86+ ia32 from opt/leapboot/kernel on pc reports 25xMB" {
	check_memtest ia32 pc opt
}
