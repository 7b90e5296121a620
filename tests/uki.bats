#!/usr/bin/env bats
# Unified kernel images (UKIs) booted by leapboot without UEFI, on x86 (docs/uki.md): real
# UKIs, Debian 12's systemd-stub (linuxx64.efi.stub) with Debian's cloud kernel as .linux,
# built by tests/lib/uki.bash with objcopy.
#
# | test                         | form, machine             | what it shows                           |
# |------------------------------|---------------------------|-----------------------------------------|
# | opt/leapboot/kernel          | leapboot.bin pc/q35/microvm | .cmdline, .initrd intact, userspace   |
# | -kernel                      | leapboot.bin q35          | QEMU's split PE file is read whole      |
# | -append                      | leapboot.bin q35          | the user's command line replaces .cmdline |
# | .ucode + user initrd         | leapboot.bin q35          | .ucode, .initrd, the user's, in order, intact |
# | SMBIOS extra                 | leapboot.bin q35          | io.systemd.stub.kernel-cmdline-extra appended |
# | chain-loader                 | SeaBIOS + leapboot.elf    | the same pipeline                       |
# | leapboot.efi                 | OVMF                      | LoadImage/StartImage: the stub boots it |
# | TPM                          | leapboot.bin q35 tpm-tis  | PCR 11 = systemd-measure = OVMF + stub = leapboot-pcr |
# | TPM, -append, SMBIOS extra   | leapboot.bin q35 tpm-tis  | PCR 12 as systemd-stub, predicted       |

load lib/qemu
load lib/efi
load lib/tpm
load lib/uki

SYSTEMD_MEASURE=${SYSTEMD_MEASURE:-/usr/lib/systemd/systemd-measure}

# A cpio (newc) archive of the files in DIR, uncompressed, into FILE.
cpio_of() { (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) >"$2"; }

setup_file() {
	leapboot_setup_file && tpm_setup_file || return 1
	local d=$BATS_FILE_TMPDIR
	printf 'PRETTY_NAME="leapboot test"\nID=debian\nVERSION_ID=12\n' >"$d/os-release"
	export UKI=$d/uki.efi UKI_TPM=$d/uki-tpm.efi UKI_UCODE=$d/uki-ucode.efi EXTRA=$d/extra.cpio
	uki_build "$UKI" x86_64 "$LEAPBOOT_KERNEL" --initrd "$LEAPBOOT_INITRD" \
		--cmdline "$BASE_CMDLINE" --osrel "$d/os-release" || return 1
	uki_build "$UKI_TPM" x86_64 "$LEAPBOOT_KERNEL" --initrd "$TPM_INITRD" \
		--cmdline "$BASE_CMDLINE" --osrel "$d/os-release" || return 1
	# .ucode: an early microcode archive (what the kernel's loader looks for, and a file of
	# its own). The user's initrd: a file of its own, and the test initrd's list of hashes
	# with those files added, so /init's check covers all three archives.
	mkdir -p "$d/ucode/kernel/x86/microcode" "$d/extra"
	head -c 2048 /dev/urandom >"$d/ucode/kernel/x86/microcode/AuthenticAMD.bin"
	echo "from .ucode" >"$d/ucode/ucode-file"
	echo "from the user's initrd" >"$d/extra/extra-file"
	cpio_of "$d/ucode" "$d/ucode.cpio" || return 1
	{
		zcat "$LEAPBOOT_INITRD" | cpio -i --to-stdout initrd.sha256 2>/dev/null
		(cd "$d/ucode" && sha256sum ucode-file kernel/x86/microcode/AuthenticAMD.bin)
		(cd "$d/extra" && sha256sum extra-file)
	} >"$d/extra/initrd.sha256"
	[[ $(wc -l <"$d/extra/initrd.sha256") -gt 3 ]] ||
		leapboot_fail "no initrd.sha256 in $LEAPBOOT_INITRD" || return 1
	cpio_of "$d/extra" "$EXTRA" || return 1
	uki_build "$UKI_UCODE" x86_64 "$LEAPBOOT_KERNEL" --initrd "$LEAPBOOT_INITRD" \
		--ucode "$d/ucode.cpio" --cmdline "$BASE_CMDLINE" --osrel "$d/os-release" || return 1
}

teardown() { tpm_teardown; }

teardown_file() { tpm_assert_no_leftover; }

# assert_uki_boot [CMDLINE]: userspace, the command line (default .cmdline) and the initrd intact,
# and leapboot said it booted a UKI.
assert_uki_boot() {
	assert_userspace || return 1
	assert_cmdline "${1-$BASE_CMDLINE}" || return 1
	[[ $(init_value LEAPBOOT-INITRD) == ok ]] || leapboot_fail "the initrd arrived corrupt" ||
		return 1
	refute_log 'Initramfs unpacking failed' "an initrd archive the kernel could not unpack"
}

@test "pc, q35, microvm: a UKI as opt/leapboot/kernel boots to userspace with .cmdline and .initrd" {
	local m
	for m in pc q35 microvm; do
		local cmdline=$BASE_CMDLINE
		# microvm under TCG needs the host's TSC rate; a UKI's .cmdline cannot know it.
		[[ $m != microvm ]] || cmdline+=" tsc_early_khz=$TSC_EARLY_KHZ"
		local uki=$UKI
		if [[ $m == microvm ]]; then
			uki=$BATS_TEST_TMPDIR/uki-microvm.efi
			uki_build "$uki" x86_64 "$LEAPBOOT_KERNEL" --initrd "$LEAPBOOT_INITRD" \
				--cmdline "$cmdline" || return 1
		fi
		boot_leapboot "$m" "${VERBOSE_ARGS[@]}" -fw_cfg "name=opt/leapboot/kernel,file=$uki"
		assert_uki_boot "$cmdline"
		assert_log '^leapboot: unified kernel image from opt/leapboot/kernel, command line from \.cmdline$'
	done
}

@test "q35: a UKI as -kernel (QEMU splits the PE file as an old zImage) boots the same" {
	boot_leapboot q35 "${VERBOSE_ARGS[@]}" -kernel "$UKI"
	assert_uki_boot
	assert_log '^leapboot: unified kernel image from -kernel, '
}

@test "q35: -append replaces .cmdline (systemd-stub's rule without Secure Boot)" {
	boot_leapboot q35 -kernel "$UKI" -append "$BASE_CMDLINE uki.override=1"
	assert_uki_boot "$BASE_CMDLINE uki.override=1"
}

@test "q35: .ucode, then .initrd, then opt/leapboot/initrd: every file of the three archives intact" {
	boot_leapboot q35 "${VERBOSE_ARGS[@]}" -fw_cfg "name=opt/leapboot/kernel,file=$UKI_UCODE" \
		-fw_cfg "name=opt/leapboot/initrd,file=$EXTRA"
	assert_uki_boot
	local ucode initrd extra
	ucode=$(stat -c %s "$BATS_FILE_TMPDIR/ucode.cpio")
	initrd=$(stat -c %s "$LEAPBOOT_INITRD")
	extra=$(stat -c %s "$EXTRA")
	# Each of the image's archives padded to 4 bytes, as systemd-stub joins them.
	local total=$((((ucode + 3) & ~3) + ((initrd + 3) & ~3) + extra))
	assert_log "^leapboot: initrd: $total bytes at " "the joined initrd's size"
}

@test "q35: the SMBIOS OEM string io.systemd.stub.kernel-cmdline-extra is appended" {
	boot_leapboot q35 -kernel "$UKI" \
		-smbios "type=11,value=other=1,value=io.systemd.stub.kernel-cmdline-extra=uki.extra=2"
	assert_uki_boot "$BASE_CMDLINE uki.extra=2"
}

@test "SeaBIOS + leapboot.elf (chain-loader): a UKI from opt/leapboot/kernel" {
	boot_leapboot q35 --bios "" -kernel "$LEAPBOOT_ROOT/build/x86_64/leapboot.elf" \
		-fw_cfg "name=opt/leapboot/kernel,file=$UKI"
	assert_uki_boot
}

@test "OVMF + leapboot.efi: a UKI from opt/leapboot/kernel starts through LoadImage, its stub boots it" {
	efi_setup_file || return 1
	boot_efi_x86 -fw_cfg "name=opt/leapboot/kernel,file=$UKI" \
		-fw_cfg "name=opt/leapboot/cmdline,string=$BASE_CMDLINE uki.efi=1"
	assert_uki_boot "$BASE_CMDLINE uki.efi=1"
}

# predict_uki BANK [leapboot-pcr args…]: tools/leapboot-pcr's "BANK:N HEX" lines for $UKI_TPM.
predict_uki() {
	local bank=$1
	shift
	"$LEAPBOOT_ROOT/tools/leapboot-pcr" --bin "$LEAPBOOT_BIN" --uki "$UKI_TPM" --banks "$bank" "$@" ||
		leapboot_fail "tools/leapboot-pcr --uki failed"
}

@test "q35, tpm-tis, four banks: PCR 11 == systemd-measure == leapboot-pcr --uki; the log replays; PCR 12 untouched" {
	tpm_start
	local -a targs
	mapfile -t targs < <(tpm_qemu_args tis)
	boot_leapboot q35 "${targs[@]}" -fw_cfg "name=opt/leapboot/kernel,file=$UKI_TPM"
	assert_userspace
	local d=$BATS_TEST_TMPDIR bank p m
	objcopy -O binary --only-section=.linux "$UKI_TPM" "$d/linux"
	printf '%s' "$BASE_CMDLINE" >"$d/cmdline"
	for bank in $TPM_ALL_BANKS; do
		m=$("$SYSTEMD_MEASURE" calculate --linux="$d/linux" --osrel="$BATS_FILE_TMPDIR/os-release" \
			--cmdline="$d/cmdline" --initrd="$TPM_INITRD" --bank="$bank" --phase= |
			sed -n "s/^11:$bank=//p")
		[[ -n $m && $(tpm_guest_pcr "$bank" 11) == "$m" ]] ||
			leapboot_fail "$bank PCR 11: guest $(tpm_guest_pcr "$bank" 11), systemd-measure '$m'" ||
			return 1
		p=$(predict_uki "$bank") || return 1
		assert_predicted "$p" "$bank" 0 4 8 9 11 12
		assert_log_replays "$bank" 0 1 2 3 4 5 6 7 8 9 11 12
	done
	assert_guest_pcr_zero sha256 12
}

@test "q35, tpm-tis: PCR 11 equals the OVMF + Debian systemd-stub boot of the same UKI" {
	tpm_start --banks sha256
	local -a targs
	mapfile -t targs < <(tpm_qemu_args tis)
	boot_leapboot q35 "${targs[@]}" -kernel "$UKI_TPM"
	assert_userspace
	local ours
	ours=$(tpm_guest_pcr sha256 11) || return 1
	local vars=$BATS_TEST_TMPDIR/efi-vars.fd
	cp "$OVMF_VARS" "$vars" || return 1
	boot_leapboot q35 --bios "" -drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE" \
		-drive "if=pflash,format=raw,file=$vars" "${targs[@]}" -kernel "$UKI_TPM"
	assert_userspace
	[[ $(tpm_guest_pcr sha256 11) == "$ours" ]] ||
		leapboot_fail "PCR 11: leapboot $ours, OVMF + systemd-stub $(tpm_guest_pcr sha256 11)"
}

@test "q35, tpm-tis: -append and the SMBIOS extra go into PCR 12 as systemd-stub measures them (UTF-16), predicted" {
	tpm_start --banks sha256
	local -a targs
	mapfile -t targs < <(tpm_qemu_args tis)
	boot_leapboot q35 "${targs[@]}" -kernel "$UKI_TPM" -append "$BASE_CMDLINE uki.pcr12=1" \
		-smbios "type=11,value=io.systemd.stub.kernel-cmdline-extra=uki.extra=3"
	assert_uki_boot "$BASE_CMDLINE uki.pcr12=1 uki.extra=3"
	local p
	p=$(predict_uki sha256 --append "$BASE_CMDLINE uki.pcr12=1" \
		--smbios-cmdline-extra "uki.extra=3") || return 1
	assert_predicted "$p" sha256 4 8 9 11 12
	assert_log_replays sha256 4 8 9 11 12
}
