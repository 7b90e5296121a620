#!/usr/bin/env bats
# The SHA code with the CPU's SHA instructions where the firmware runs it: leapboot's arm64
# entry (start.S reads ID_AA64ISAR0_EL1 and sets sha_cpu) and SHA objects, with
# tests/sha-bench/sha_bench.c in place of leapboot_main, booted with -bios on QEMU virt (TCG).
# It hashes 1 MiB of RAM and 8 KiB of flash with each path the CPU has and prints TAP lines
# saying whether they agree with the portable code. make ARCH=aarch64 sha-ipb counts the same
# image's instructions per byte. The unit tests of the same code: make ARCH=aarch64 unit-arm64.

load lib/qemu

setup_file() {
	make -s -C "$LEAPBOOT_ROOT" ARCH=aarch64 sha-bench >&2 || {
		leapboot_fail "make ARCH=aarch64 sha-bench failed"
		return 1
	}
	export SHA_BENCH=$LEAPBOOT_ROOT/build/aarch64/sha-bench.bin
}

# bench CPU [MACHINE]: boot the image; its serial output in $output.
bench() {
	run timeout "$BOOT_TIMEOUT" "${QEMU_ARM64:-qemu-system-aarch64}" -M "${2:-virt}" -cpu "$1" \
		-accel tcg -m 512M -display none -monitor none -serial stdio -no-reboot -bios "$SHA_BENCH"
	output=${output//$'\r'/}
	printf '%s\n' "$output" >&2
	[ "$status" -eq 0 ]
	[ "$(grep -c '^not ok' <<<"$output")" -eq 0 ]
}

@test "sha-bench, -cpu max: SHA-1, SHA-256 and SHA-512 instructions, each agrees with the portable code" {
	bench max
	grep -qx '# sha-bench: sha_cpu 0x7 (SHA-1 yes, SHA-256 yes, SHA-512 yes)' <<<"$output"
	[ "$(grep -c '^ok ' <<<"$output")" -eq 6 ]
	grep -qx '1\.\.6' <<<"$output"
}

@test "sha-bench, -cpu cortex-a57: SHA-1 and SHA-256 instructions, SHA-512 portable" {
	bench cortex-a57
	grep -qx '# sha-bench: sha_cpu 0x3 (SHA-1 yes, SHA-256 yes, SHA-512 no)' <<<"$output"
	[ "$(grep -c '^ok ' <<<"$output")" -eq 4 ]
	grep -qx '1\.\.4' <<<"$output"
}

@test "sha-bench, -cpu max entered at EL2 (virtualization=on): the instructions run at EL1 too" {
	bench max virt,virtualization=on
	grep -qx '# sha-bench: sha_cpu 0x7 (SHA-1 yes, SHA-256 yes, SHA-512 yes)' <<<"$output"
	grep -qx '1\.\.6' <<<"$output"
}
