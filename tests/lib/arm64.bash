# tests/lib/arm64.bash: arm64 boots on QEMU virt (TCG), on top of tests/lib/qemu.bash.
#
#   load lib/qemu
#   load lib/arm64
#   setup_file() { arm64_setup_file; }
#
#   boot_arm64 -kernel "$ARM64_KERNEL" -initrd "$ARM64_INITRD" -append "$ARM64_CMDLINE"
#   assert_userspace; assert_cmdline
#
# boot_arm64 sets the same BOOT_* variables as boot_leapboot. Both /init and leapboot's errors
# end QEMU through PSCI SYSTEM_OFF (status 0): the serial log tells them apart.
#
# Environment:
#   LEAPBOOT_ARM64_BUILD  directory with leapboot.bin and leapboot.Image
#                         (default <repo>/build/aarch64, made by "make ARCH=aarch64")
#   QEMU_ARM64            QEMU binary (default qemu-system-aarch64)

# shellcheck disable=SC2034,SC2054

QEMU_ARM64=${QEMU_ARM64:-qemu-system-aarch64}
ARM64_CMDLINE="console=ttyAMA0 panic=-1"

# Locate leapboot's arm64 builds, Debian's arm64 kernel (Image and Image.gz), the arm64 test
# initramfs and the arm64 probe kernel (built into the file's temporary directory); export
# ARM64_BIN, ARM64_IMAGE_FW, ARM64_KERNEL, ARM64_KERNEL_GZ, ARM64_INITRD and ARM64_PROBE.
arm64_setup_file() {
	local build=${LEAPBOOT_ARM64_BUILD:-$LEAPBOOT_ROOT/build/aarch64}
	export ARM64_BIN=$build/leapboot.bin ARM64_IMAGE_FW=$build/leapboot.Image
	local f
	for f in "$ARM64_BIN" "$ARM64_IMAGE_FW"; do
		[[ -s $f ]] || {
			leapboot_fail "$f not found: run 'make ARCH=aarch64' in $LEAPBOOT_ROOT"
			return 1
		}
	done
	if ! ARM64_KERNEL=$("$LEAPBOOT_ROOT/tools/fetch-kernels" --arch arm64 --print) ||
		[[ ! -s $ARM64_KERNEL || ! -s $ARM64_KERNEL.gz ]]; then
		leapboot_fail "no Debian arm64 kernel cached: run tools/fetch-kernels --arch arm64 (needs network)"
		return 1
	fi
	export ARM64_KERNEL ARM64_KERNEL_GZ=$ARM64_KERNEL.gz
	if ! ARM64_INITRD=$("$LEAPBOOT_ROOT/tools/mkinitrd" --arch arm64) || [[ ! -s $ARM64_INITRD ]]; then
		leapboot_fail "tools/mkinitrd --arch arm64 could not build the arm64 test initramfs"
		return 1
	fi
	export ARM64_INITRD
	if ! make -s -C "$LEAPBOOT_ROOT/tests/guest" arm64 O="$BATS_FILE_TMPDIR/guest" >&2; then
		leapboot_fail "make -C tests/guest arm64 could not build the arm64 probe"
		return 1
	fi
	export ARM64_PROBE=$BATS_FILE_TMPDIR/guest/arm64-probe.Image
	command -v "$QEMU_ARM64" >/dev/null || {
		leapboot_fail "$QEMU_ARM64 not found: install qemu-system-arm"
		return 1
	}
}

# boot_arm64 [--machine M] [--bios FILE] [qemu args…]: QEMU virt (M, default "virt"),
# cortex-a57, with leapboot.bin (or FILE; "" for none: QEMU's own direct boot, or a -kernel
# firmware such as leapboot.Image) as -bios; -m 512M unless the args have -m.
boot_arm64() {
	local machine=virt bios=$ARM64_BIN mem=512M
	local -a args=()
	BOOT_CMDLINE=
	while [[ $# -gt 0 ]]; do
		case "$1" in
		--machine) machine=$2 ;;
		--bios) bios=$2 ;;
		-m) mem=$2 ;;
		-append)
			BOOT_CMDLINE=$2
			args+=("$1" "$2")
			;;
		-fw_cfg)
			if [[ $2 == name=opt/leapboot/cmdline,file=* ]]; then
				BOOT_CMDLINE=$(cat "${2#name=opt/leapboot/cmdline,file=}") || return 1
			elif [[ $2 == name=opt/leapboot/cmdline,string=* ]]; then
				BOOT_CMDLINE=${2#name=opt/leapboot/cmdline,string=}
				BOOT_CMDLINE=${BOOT_CMDLINE//,,/,} # QEMU's option escaping
			fi
			args+=("$1" "$2")
			;;
		*)
			args+=("$1")
			shift
			continue
			;;
		esac
		shift 2
	done
	BOOT_MEM_MB=$(mem_to_mb "$mem") || {
		leapboot_fail "boot_arm64: cannot parse -m $mem"
		return 1
	}
	BOOT_ARGS=("$QEMU_ARM64" -M "$machine" -cpu cortex-a57 -accel tcg -nographic -no-reboot -m "$mem")
	[[ -z $bios ]] || BOOT_ARGS+=(-bios "$bios")
	BOOT_ARGS+=("${args[@]}")
	BOOT_USERSPACE_STATUS=0 BOOT_ERROR_STATUS=0
	qemu_run
}

# The probe's verdict line is PASS and QEMU exited through PSCI SYSTEM_OFF (status 0).
assert_probe_pass() {
	refute_log '^leapboot: error:' "leapboot reported an error" || return 1
	assert_log '^ARM64-PROBE: RESULT PASS$' "the arm64 probe's verdict" || return 1
	assert_status 0 "the probe powers off through PSCI"
}

# assert_probe_line <exact line>: the probe printed this line (without the "ARM64-PROBE: ").
assert_probe_line() {
	grep -aqxF -- "ARM64-PROBE: $1" "$BOOT_LOG" ||
		leapboot_fail "no probe line 'ARM64-PROBE: $1'; it printed: $(grep -a "^ARM64-PROBE: ${1%% *}" "$BOOT_LOG" | head -n 3)"
}
