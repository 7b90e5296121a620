#!/usr/bin/env bats
# Unified kernel images booted by leapboot on arm64 virt (docs/uki.md): Debian 12's arm64
# systemd-stub (linuxaa64.efi.stub, systemd-boot-efi:arm64 unpacked by tools/arm64-sysroot)
# with Debian's arm64 cloud kernel (the Image) as .linux, built by tests/lib/uki.bash.
#
# | test                   | form                       | what it shows                              |
# |------------------------|----------------------------|--------------------------------------------|
# | opt/leapboot/kernel    | leapboot.bin               | .cmdline, .initrd intact, userspace        |
# | -kernel, -append       | leapboot.bin               | QEMU passes the PE file whole; -append wins |
# | leapboot.Image         | QEMU's -kernel             | the Image form reads opt/leapboot/kernel   |
# | .dtb                   | leapboot.bin               | the image's tree, the machine's RAM        |
# | TPM                    | leapboot.bin tpm-tis-device | PCR 11 == leapboot-pcr --uki; log replays |
#
# Debian 12's arm64 stub has no .sdmagic section (its version string lies in .data): leapboot
# measures such a UKI as the newest systemd-stub would; with none of .uname, .sbat present,
# that is what systemd 252 measures too.

load lib/qemu
load lib/arm64
load lib/tpm
load lib/uki

setup_file() {
	arm64_setup_file && tpm_setup_file --arch arm64 || return 1
	local d=$BATS_FILE_TMPDIR
	printf 'PRETTY_NAME="leapboot test"\nID=debian\n' >"$d/os-release"
	export UKI=$d/uki.efi UKI_TPM=$d/uki-tpm.efi UKI_DTB=$d/uki-dtb.efi
	uki_build "$UKI" aarch64 "$ARM64_KERNEL" --initrd "$ARM64_INITRD" \
		--cmdline "$ARM64_CMDLINE" --osrel "$d/os-release" || return 1
	uki_build "$UKI_TPM" aarch64 "$ARM64_KERNEL" --initrd "$TPM_INITRD" \
		--cmdline "$ARM64_CMDLINE" --osrel "$d/os-release" || return 1
	# The .dtb: the machine's own tree (as QEMU makes it for leapboot.bin as -bios), renamed
	# and with 128 MiB of RAM, which leapboot replaces with the machine's 512 MiB.
	command -v dtc >/dev/null ||
		leapboot_fail "dtc not found: install device-tree-compiler (tools/install-deps)" || return 1
	"$QEMU_ARM64" -M "virt,dumpdtb=$d/virt.dtb" -cpu cortex-a57 -m 512M -bios "$ARM64_BIN" \
		-nographic >/dev/null 2>&1 || return 1
	dtc -q -I dtb -O dts "$d/virt.dtb" |
		sed 's/model = "linux,dummy-virt";/model = "leapboot UKI dtb";/;
		     s/reg = <0x00 0x40000000 0x00 0x20000000>;/reg = <0x00 0x40000000 0x00 0x8000000>;/' |
		dtc -q -I dts -O dtb -o "$d/uki.dtb" || return 1
	uki_build "$UKI_DTB" aarch64 "$ARM64_KERNEL" --initrd "$ARM64_INITRD" \
		--cmdline "$ARM64_CMDLINE" --dtb "$d/uki.dtb" || return 1
}

teardown() { tpm_teardown; }

teardown_file() { tpm_assert_no_leftover; }

# assert_uki_boot [CMDLINE]: userspace, the command line (default .cmdline), the initrd intact.
assert_uki_boot() {
	assert_userspace || return 1
	assert_cmdline "${1-$ARM64_CMDLINE}" || return 1
	[[ $(init_value LEAPBOOT-INITRD) == ok ]] || leapboot_fail "the initrd arrived corrupt"
}

@test "arm64 virt: a UKI as opt/leapboot/kernel boots to userspace with .cmdline and .initrd" {
	boot_arm64 "${VERBOSE_ARGS[@]}" -fw_cfg "name=opt/leapboot/kernel,file=$UKI"
	assert_uki_boot
	assert_log '^leapboot: unified kernel image from opt/leapboot/kernel, command line from \.cmdline$'
}

@test "arm64 virt: a UKI as -kernel (QEMU passes the PE file whole), -append replacing .cmdline" {
	boot_arm64 -kernel "$UKI" -append "$ARM64_CMDLINE uki.override=1"
	assert_uki_boot "$ARM64_CMDLINE uki.override=1"
}

@test "arm64 virt: leapboot.Image as QEMU's -kernel boots a UKI from opt/leapboot/kernel" {
	boot_arm64 --bios "" -kernel "$ARM64_IMAGE_FW" -fw_cfg "name=opt/leapboot/kernel,file=$UKI"
	assert_uki_boot
}

@test "arm64 virt: the UKI's .dtb replaces the machine's tree, with the machine's RAM" {
	boot_arm64 "${VERBOSE_ARGS[@]}" -fw_cfg "name=opt/leapboot/kernel,file=$UKI_DTB"
	assert_uki_boot
	assert_log '^\[ *[0-9.]+\] Machine model: leapboot UKI dtb$' "the kernel's tree is the .dtb"
	assert_log "^leapboot: device tree: the image's .dtb \\([0-9]+ bytes\\), with the machine's RAM$"
	local kb
	kb=$(init_value LEAPBOOT-MEMTOTAL-KB) || return 1
	((kb > 256 * 1024)) || leapboot_fail "MemTotal $kb kB: the .dtb's 128 MiB, not the machine's RAM"
}

@test "arm64 virt, tpm-tis-device: PCR 11 == leapboot-pcr --uki, the log replays (sha256)" {
	tpm_start --banks sha256
	local -a targs
	mapfile -t targs < <(tpm_qemu_args tis-device)
	boot_arm64 "${targs[@]}" -fw_cfg "name=opt/leapboot/kernel,file=$UKI_TPM"
	assert_userspace
	local p
	p=$("$LEAPBOOT_ROOT/tools/leapboot-pcr" --arch arm64 --bin "$ARM64_BIN" --uki "$UKI_TPM" \
		--banks sha256) || leapboot_fail "tools/leapboot-pcr --uki failed" || return 1
	assert_predicted "$p" sha256 4 8 9 11 12
	assert_log_replays sha256 4 8 9 11 12
}
