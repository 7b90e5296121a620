# tests/lib/efi.bash: leapboot.efi started by UEFI firmware, on top of tests/lib/qemu.bash (and
# tests/lib/arm64.bash for arm64):
#   x86    OVMF on q35 (code and a copy of the variable store as pflash), isa-debug-exit
#   arm64  AAVMF on virt (pflash likewise), boot menu without its 5 s wait
# The ESP is a directory QEMU presents as a read-only FAT disk (fat:), holding leapboot.efi as
# the removable-media default EFI/BOOT/BOOTX64.EFI or BOOTAA64.EFI, so the firmware's boot
# manager starts it with no boot entry and no prompt. The kernel, initrd and command line go to
# leapboot.efi as opt/leapboot/{kernel,initrd,cmdline} (-kernel would go to the firmware).
#
#   load lib/qemu; load lib/arm64; load lib/efi
#   setup_file() { leapboot_setup_file && arm64_setup_file && efi_setup_file; }
#   boot_efi_x86 -m 512M "${EFI_OPT_X86[@]}"
#   boot_efi_arm64 "${EFI_OPT_ARM64[@]}"
#
# Environment: OVMF_CODE, OVMF_VARS, AAVMF_CODE, AAVMF_VARS (Debian's ovmf and qemu-efi-aarch64)

# shellcheck disable=SC2034,SC2054

OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
AAVMF_CODE=${AAVMF_CODE:-/usr/share/AAVMF/AAVMF_CODE.fd}
AAVMF_VARS=${AAVMF_VARS:-/usr/share/AAVMF/AAVMF_VARS.fd}

# Check the firmware and both leapboot.efi builds; lay out one ESP per architecture.
efi_setup_file() {
	local f
	for f in "$OVMF_CODE" "$OVMF_VARS" "$AAVMF_CODE" "$AAVMF_VARS"; do
		[[ -s $f ]] || {
			leapboot_fail "$f not found: install Debian's ovmf and qemu-efi-aarch64 (tools/install-deps)"
			return 1
		}
	done
	export EFI_X86=$LEAPBOOT_ROOT/build/x86_64/leapboot.efi
	export EFI_ARM64=$LEAPBOOT_ROOT/build/aarch64/leapboot.efi
	for f in "$EFI_X86" "$EFI_ARM64"; do
		[[ -s $f ]] || {
			leapboot_fail "$f not built: run 'make efi' and 'make ARCH=aarch64 efi' in $LEAPBOOT_ROOT"
			return 1
		}
	done
	export ESP_X86=$BATS_FILE_TMPDIR/esp-x86 ESP_ARM64=$BATS_FILE_TMPDIR/esp-arm64
	mkdir -p "$ESP_X86/EFI/BOOT" "$ESP_ARM64/EFI/BOOT"
	cp "$EFI_X86" "$ESP_X86/EFI/BOOT/BOOTX64.EFI"
	cp "$EFI_ARM64" "$ESP_ARM64/EFI/BOOT/BOOTAA64.EFI"
}

# boot_efi_x86 [--esp DIR] [boot_leapboot args…]: q35 with OVMF and the x86 ESP.
boot_efi_x86() {
	local esp=$ESP_X86
	if [[ ${1:-} == --esp ]]; then
		esp=$2
		shift 2
	fi
	local -a fw
	local vars=$BATS_TEST_TMPDIR/efi-vars-$((${BOOT_N:-0} + 1)).fd
	cp "$OVMF_VARS" "$vars" || return 1
	fw=(-drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE"
		-drive "if=pflash,format=raw,file=$vars"
		-drive "file=fat:$esp,format=raw,if=virtio,readonly=on")
	boot_leapboot q35 --bios "" "${fw[@]}" "$@"
}

# boot_efi_arm64 [boot_arm64 args…]: virt with AAVMF and the arm64 ESP.
boot_efi_arm64() {
	local vars=$BATS_TEST_TMPDIR/efi-vars-$((${BOOT_N:-0} + 1)).fd
	cp "$AAVMF_VARS" "$vars" || return 1
	boot_arm64 --bios "" -boot menu=on,splash-time=0 \
		-drive "if=pflash,format=raw,readonly=on,file=$AAVMF_CODE" \
		-drive "if=pflash,format=raw,file=$vars" \
		-drive "file=fat:$ESP_ARM64,format=raw,if=virtio,readonly=on" "$@"
}
