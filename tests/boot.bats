#!/usr/bin/env bats
# Debian's kernel booted by leapboot (as -bios) under QEMU TCG, to the test initramfs' /init.

load lib/qemu

setup_file() {
	leapboot_setup_file
}

# Debian's kernel + test initrd + BASE_CMDLINE on <machine>, then the usual checks.
boot_to_userspace() {
	local machine=$1
	shift
	boot_leapboot "$machine" -kernel "$LEAPBOOT_KERNEL" -initrd "$LEAPBOOT_INITRD" \
		-append "$BASE_CMDLINE" "$@"
	assert_userspace
	assert_cmdline
	assert_memory
}

@test "pc: Debian kernel with initrd reaches userspace; leapboot is silent without verbose" {
	boot_to_userspace pc
	refute_log '^leapboot:' "leapboot prints nothing unless opt/leapboot/verbose exists"
}

@test "q35: Debian kernel with initrd reaches userspace (verbose, 64-bit entry)" {
	boot_to_userspace q35 "${VERBOSE_ARGS[@]}"
	assert_log '^leapboot: machine q35, fw_cfg DMA, [0-9]+ files$'
	assert_log '^leapboot: kernel from -kernel: bzImage protocol [0-9a-f]+, .* at 0x'
	assert_log '^leapboot: initrd: [0-9]+ bytes at 0x'
	assert_log '^leapboot: entering the 64-bit kernel at 0x[0-9a-f]+$'
}

@test "microvm: Debian kernel with initrd reaches userspace" {
	boot_to_userspace microvm
	[[ $BOOT_CMDLINE == *" tsc_early_khz=$TSC_EARLY_KHZ" ]]
}

@test "q35: without an initrd the kernel runs with the command line intact (and panics on no root fs)" {
	boot_leapboot q35 "${VERBOSE_ARGS[@]}" -kernel "$LEAPBOOT_KERNEL" -append "$BASE_CMDLINE"
	refute_log '^leapboot: error:' "leapboot must not fail without an initrd"
	refute_log '^leapboot: initrd:' "no initrd was given"
	assert_log '^\[ *[0-9.]+\] Linux version ' "the kernel did not start"
	assert_kernel_cmdline "$BASE_CMDLINE"
	assert_log 'VFS: Unable to mount root fs' "expected the no-root-fs panic"
	refute_log '^USERSPACE-UP$'
	# panic=-1 reboots at once and -no-reboot turns that into a clean QEMU exit.
	assert_status 0 "panic=-1 + -no-reboot"
}

@test "q35 -m 128M: reaches userspace, MemTotal plausible" {
	boot_to_userspace q35 -m 128M
}

@test "q35 -m 2G: reaches userspace, MemTotal plausible" {
	boot_to_userspace q35 -m 2G
}

@test "q35 -m 6G: initrd placed above 4 GiB (ext_ramdisk_image) and the kernel finds it" {
	boot_to_userspace q35 -m 6G "${VERBOSE_ARGS[@]}"
	local addr
	addr=$(verbose_initrd_addr)
	((addr >= 0x100000000)) ||
		leapboot_fail "initrd at $(printf '%#x' "$addr"), expected >= 0x100000000 with -m 6G"
}

@test "q35 with fw_cfg DMA disabled: port I/O fallback boots to userspace" {
	boot_to_userspace q35 "${VERBOSE_ARGS[@]}" -global fw_cfg.dma_enabled=off
	assert_log '^leapboot: machine q35, fw_cfg port I/O, [0-9]+ files$'
}

@test "q35: a long command line with special characters arrives intact" {
	local cmdline="$BASE_CMDLINE leapboot.test=a,b:c/d=e foo.bar=0x1234 pct=50% tilde=~x at=@h"
	cmdline+=" hash=#1 plus=+1 bang=! amp=& star=* brackets=[1] braces={2} pipe=| semi=;"
	local i
	for ((i = 0; i < 375; i++)); do cmdline+=" x=1"; done
	cmdline+=" end=END"
	((${#cmdline} > 1500 && ${#cmdline} < 2047))
	boot_leapboot q35 -kernel "$LEAPBOOT_KERNEL" -initrd "$LEAPBOOT_INITRD" -append "$cmdline"
	assert_userspace
	assert_cmdline "$cmdline"
}

@test "q35: kernel, initrd and cmdline from opt/leapboot/* fw_cfg files (no -kernel)" {
	local cmdline="$BASE_CMDLINE leapboot.route=fw_cfg-files"
	printf '%s' "$cmdline" >"$BATS_TEST_TMPDIR/cmdline.txt"
	boot_leapboot q35 "${VERBOSE_ARGS[@]}" \
		-fw_cfg "name=opt/leapboot/kernel,file=$LEAPBOOT_KERNEL" \
		-fw_cfg "name=opt/leapboot/initrd,file=$LEAPBOOT_INITRD" \
		-fw_cfg "name=opt/leapboot/cmdline,file=$BATS_TEST_TMPDIR/cmdline.txt"
	assert_userspace
	assert_cmdline "$cmdline"
	assert_memory
	assert_log '^leapboot: kernel from opt/leapboot/kernel: bzImage '
}

@test "q35: 32-bit boot protocol when xloadflags lacks XLF_KERNEL_64" {
	local k=$BATS_TEST_TMPDIR/vmlinuz-32bit
	python3 - "$LEAPBOOT_KERNEL" "$k" <<-'EOF'
		import struct, sys
		b = bytearray(open(sys.argv[1], "rb").read())
		assert b[0x202:0x206] == b"HdrS"
		(x,) = struct.unpack_from("<H", b, 0x236)
		assert x & 1, "the kernel has no XLF_KERNEL_64 to clear"
		struct.pack_into("<H", b, 0x236, x & ~1)
		open(sys.argv[2], "wb").write(b)
	EOF
	boot_leapboot q35 "${VERBOSE_ARGS[@]}" -kernel "$k" -initrd "$LEAPBOOT_INITRD" \
		-append "$BASE_CMDLINE"
	assert_userspace
	assert_cmdline
	assert_log '^leapboot: entering the 32-bit kernel at 0x[0-9a-f]+$'
}

@test "q35: the e820 map Linux saw keeps the legacy holes and MMCONFIG reserved" {
	boot_leapboot q35 "${VERBOSE_ARGS[@]}" -kernel "$LEAPBOOT_KERNEL" -initrd "$LEAPBOOT_INITRD" \
		-append "$BASE_CMDLINE"
	assert_userspace
	local e820
	e820=$(log_grep '^\[ *[0-9.]+\] BIOS-e820: \[mem 0x[0-9a-f]{16}-0x[0-9a-f]{16}\] ') || {
		leapboot_fail "the kernel printed no BIOS-e820 lines"
		return 1
	}
	echo "$e820" >&2 # shown if the test fails
	assert_log 'BIOS-e820: \[mem 0x000000000009fc00-0x000000000009ffff\] reserved$' "EBDA"
	assert_log 'BIOS-e820: \[mem 0x00000000000f0000-0x00000000000fffff\] reserved$' "BIOS area"
	assert_log 'BIOS-e820: \[mem 0x00000000b0000000-0x00000000bfffffff\] reserved$' "q35 MMCONFIG"
	# No usable range may cover the VGA hole at 0xa0000.
	local line start end
	while read -r line; do
		[[ $line =~ \[mem\ 0x([0-9a-f]+)-0x([0-9a-f]+)\]\ usable$ ]] || continue
		start=$((16#${BASH_REMATCH[1]})) end=$((16#${BASH_REMATCH[2]}))
		if ((start <= 0xa0000 && 0xa0000 <= end)); then
			leapboot_fail "usable e820 range covers 0xa0000: $line"
			return 1
		fi
	done <<<"$e820"
}

@test "boot markers: with opt/leapboot/markers, 0xf5 gets fw_start, 0xf4 fw_do_boot then linux_start_boot; without it nothing" {
	marker_args
	boot_to_userspace q35 -fw_cfg name=opt/leapboot/markers,string=1 "${MARKER_ARGS[@]}"
	assert_markers 01 0503
	marker_args
	boot_to_userspace microvm "${MARKER_ARGS[@]}"
	assert_markers "" ""
}
