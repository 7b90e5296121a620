#!/usr/bin/env bats
# The reference for leapboot's unified kernel image (UKI) measurements: Debian 12's own
# systemd-stub (systemd 252) booting a UKI under OVMF with a swtpm, and what it leaves in
# PCRs 11 and 12, against tools/leapboot-pcr --uki --as-stub and systemd's systemd-measure.
# No leapboot code runs here: the UKI goes to OVMF as -kernel, OVMF starts its stub.
#
# The UKI (tests/lib/uki.bash, objcopy on /usr/lib/systemd/boot/efi/linuxx64.efi.stub):
# Debian's cloud kernel as .linux, the TPM initrd (tests/lib/tpm-init) as .initrd,
# BASE_CMDLINE as .cmdline and an os-release as .osrel. Debian's stub also carries .sbat
# and .sdmagic, which systemd 252 does not measure.
#
# | test                       | boot                 | what it shows                                   |
# |----------------------------|----------------------|-------------------------------------------------|
# | no -append, four banks     | OVMF, -kernel UKI    | PCR 11 = prediction = systemd-measure; 12, 8 zero |
# | -append                    | OVMF, -kernel UKI    | PCR 12 = prediction (the load options); 8 zero  |
# | v252's other sections      | none (host only)     | .splash .dtb .pcrpkey in, .uname .sbat .pcrsig not |
#
# What was found (facts the tests pin): OVMF hands -append to the UKI as its load options,
# which the stub measures into PCR 12 (UTF-16LE with NUL) and nowhere else: Debian builds
# systemd without efi-tpm-pcr-compat, so PCR 8 stays zero. Linux's own EFI stub, started by
# systemd-stub, measures its load options and the .initrd into PCR 9 as for any EFI boot.

load lib/qemu
load lib/efi
load lib/tpm
load lib/uki

setup_file() {
	leapboot_setup_file && tpm_setup_file || return 1
	local f
	for f in "$OVMF_CODE" "$OVMF_VARS"; do
		[[ -s $f ]] || leapboot_fail "$f not found: install Debian's ovmf (tools/install-deps)" || return 1
	done
	[[ -x $SYSTEMD_MEASURE ]] ||
		leapboot_fail "$SYSTEMD_MEASURE not found: install systemd (Debian 12: systemd 252)" || return 1
	local d=$BATS_FILE_TMPDIR
	printf 'PRETTY_NAME="leapboot test"\nID=debian\nVERSION_ID=12\n' >"$d/os-release"
	UKI=$d/uki.efi
	uki_build "$UKI" x86_64 "$LEAPBOOT_KERNEL" --initrd "$TPM_INITRD" --cmdline "$BASE_CMDLINE" \
		--osrel "$d/os-release" || return 1
	printf '%s' "$BASE_CMDLINE" >"$d/cmdline"
	export UKI
}

SYSTEMD_MEASURE=${SYSTEMD_MEASURE:-/usr/lib/systemd/systemd-measure}

teardown() { tpm_teardown; }

teardown_file() { tpm_assert_no_leftover; }

# ovmf_uki_boot [qemu args…]: OVMF on q35 starting $UKI as -kernel, with the running swtpm.
ovmf_uki_boot() {
	local -a targs
	mapfile -t targs < <(tpm_qemu_args tis)
	[[ ${#targs[@]} -gt 0 ]] || return 1
	local vars=$BATS_TEST_TMPDIR/efi-vars-$((${BOOT_N:-0} + 1)).fd
	cp "$OVMF_VARS" "$vars" || return 1
	boot_leapboot q35 --bios "" -drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE" \
		-drive "if=pflash,format=raw,file=$vars" "${targs[@]}" -kernel "$UKI" "$@"
	echo "# QEMU ${BOOT_SECONDS} s to the guest's power-off" >&3
}

# predict_stub PCR [leapboot-pcr args…]: "BANK HEX" per bank of tools/leapboot-pcr --uki --as-stub.
predict_stub() {
	local n=$1
	shift
	"$LEAPBOOT_ROOT/tools/leapboot-pcr" --uki "$UKI" --as-stub --pcrs "$n" "$@" |
		awk -v n="$n" '{ split($1, a, ":"); if (a[2] == n) print a[1], $2 }'
}

# measure_pcr11 ARGS…: "BANK HEX" per bank of systemd-measure calculate (PCR 11 right after
# the stub: the empty phase, before any boot phase string is measured).
measure_pcr11() {
	local b
	for b in $TPM_ALL_BANKS; do
		"$SYSTEMD_MEASURE" calculate "$@" --bank="$b" --phase= 2>/dev/null |
			sed -n "s/^11:$b=\\([0-9a-f]*\\)\$/$b \\1/p"
	done
}

# linux_section FILE: the UKI's .linux section's bytes into FILE (systemd-measure --linux).
linux_section() { objcopy -O binary --only-section=.linux "$UKI" "$1"; }

# assert_guest_matches PREDICTION PCR: the guest's PCR in every bank is the prediction's.
assert_guest_matches() {
	local bank want got bad=
	for bank in $TPM_ALL_BANKS; do
		want=$(awk -v b="$bank" '$1 == b { print $2 }' <<<"$1")
		got=$(tpm_guest_pcr "$bank" "$2") || return 1
		[[ -n $want && $got == "$want" ]] || bad+="
  $bank: guest $got, predicted '$want'"
	done
	[[ -z $bad ]] || leapboot_fail "PCR $2 differs:$bad"
}

@test "x86: OVMF + Debian's systemd-stub, no -append: PCR 11 in the guest == leapboot-pcr --uki == systemd-measure, four banks; PCRs 12 and 8 untouched" {
	tpm_start
	ovmf_uki_boot
	assert_userspace
	[[ $(init_value LEAPBOOT-CMDLINE) == "$BASE_CMDLINE" ]] ||
		leapboot_fail "the kernel got '$(init_value LEAPBOOT-CMDLINE)', not .cmdline" || return 1
	local p m
	p=$(predict_stub 11) || return 1
	linux_section "$BATS_TEST_TMPDIR/linux"
	m=$(measure_pcr11 --linux="$BATS_TEST_TMPDIR/linux" --osrel="$BATS_FILE_TMPDIR/os-release" \
		--cmdline="$BATS_FILE_TMPDIR/cmdline" --initrd="$TPM_INITRD")
	[[ $p == "$m" ]] || leapboot_fail "leapboot-pcr --uki:
$p
systemd-measure:
$m" || return 1
	assert_guest_matches "$p" 11
	assert_guest_pcr_zero sha256 8 12
	assert_log_replays sha256 11
}

@test "x86: OVMF + systemd-stub, -append: PCR 12 (the load options) == leapboot-pcr --uki --append; PCR 11 as without; PCR 8 untouched (no compat measurement)" {
	local append="console=ttyS0 panic=-1 uki.override=1"
	tpm_start
	ovmf_uki_boot -append "$append"
	assert_userspace
	[[ $(init_value LEAPBOOT-CMDLINE) == "$append" ]] ||
		leapboot_fail "the kernel got '$(init_value LEAPBOOT-CMDLINE)', not -append" || return 1
	local p11 p12
	p11=$(predict_stub 11) || return 1
	p12=$(predict_stub 12 --append "$append") || return 1
	assert_guest_matches "$p11" 11
	assert_guest_matches "$p12" 12
	assert_guest_pcr_zero sha256 8
	assert_log_replays sha256 11 12
}

# No boot: the sections systemd 252 measures beyond .linux .osrel .cmdline .initrd, and those
# it does not (.uname and the stub's .sbat: from systemd 254; .pcrsig: never), against
# systemd-measure 252.
@test "host: .splash .dtb .pcrpkey measured; .uname, .pcrsig and the stub's .sbat not (systemd 252): leapboot-pcr --uki == systemd-measure" {
	local d=$BATS_TEST_TMPDIR u=$BATS_TEST_TMPDIR/full.efi
	head -c 3000 /dev/urandom >"$d/splash.bmp"
	head -c 1500 /dev/urandom >"$d/board.dtb"
	head -c 450 /dev/urandom >"$d/pcrpkey.pem"
	printf 'sbat,1\n' >"$d/sbat"
	uki_build "$u" x86_64 "$LEAPBOOT_KERNEL" --cmdline "quiet" --osrel "$BATS_FILE_TMPDIR/os-release" \
		--splash "$d/splash.bmp" --dtb "$d/board.dtb" --pcrpkey "$d/pcrpkey.pem" \
		--uname 6.1.0-57-cloud-amd64 --pcrsig "$d/sbat" || return 1
	printf 'quiet' >"$d/cmdline"
	local p m
	p=$(UKI=$u predict_stub 11) || return 1
	objcopy -O binary --only-section=.linux "$u" "$d/linux"
	m=$(measure_pcr11 --linux="$d/linux" --osrel="$BATS_FILE_TMPDIR/os-release" --cmdline="$d/cmdline" \
		--splash="$d/splash.bmp" --dtb="$d/board.dtb" --pcrpkey="$d/pcrpkey.pem")
	[[ -n $p && $p == "$m" ]] || leapboot_fail "leapboot-pcr --uki:
$p
systemd-measure:
$m"
}
