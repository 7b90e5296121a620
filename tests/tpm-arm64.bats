#!/usr/bin/env bats
# Measured boot on arm64 virt (issue 24): leapboot.bin (-bios) and leapboot.Image (-kernel) with
# a software TPM as QEMU's tpm-tis-device (the "tcg,tpm-tis-mmio" node on the platform bus),
# Debian's arm64 cloud kernel (its TIS driver is a module: the initrd carries tpm_tis_core and
# tpm_tis, which tests/lib/tpm-init loads) and the same guest report as tests/tpm.bats: the
# PCRs, and the event log Linux found through the TPM node's linux,sml-base/-size. The host
# replays the log (tpm2_eventlog) and predicts the PCRs from the files (tools/leapboot-pcr
# --arch arm64); docs/measured-boot.md defines every event.
#
# | test                                 | form           | TPM banks | what it shows                    |
# |--------------------------------------|----------------|-----------|----------------------------------|
# | four banks                           | leapboot.bin   | 4         | PCRs 0-9 == replay == prediction |
# | Image.gz by both routes              | leapboot.bin   | sha256    | PCR 4 the same, the Image's      |
# | leapboot.Image, -m 4G                | leapboot.Image | sha256    | PCR 0 its own file; log > 4 GiB  |
# | leapboot.Image's own -append         | leapboot.Image | sha256    | the kernel gets what PCR 8 holds |
# | no TPM                               | leapboot.bin   | none      | nothing measured, nothing refused|
# | a TPM the device tree does not have  | leapboot.Image | sha256    | one tpm error line, no boot      |
# | a TPM outside the device mapping     | leapboot.Image | sha256    | one tpm error line, no boot      |
#
# Boot and swtpm start-up times are printed, never asserted.

# Commas in QEMU arguments are not separators.
# shellcheck disable=SC2054

# A measured arm64 boot takes about 6 s under TCG; one that hangs fails sooner than 120 s.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-90}

load lib/qemu
load lib/arm64
load lib/tpm

setup_file() {
	arm64_setup_file || return 1
	tpm_setup_file --arch arm64
}

teardown() { tpm_teardown; }

teardown_file() { tpm_assert_no_leftover; }

# virt_tpm [--bios FILE] [qemu args…]: boot_arm64 with the running swtpm as tpm-tis-device (no
# TPM when none runs), verbose, timed into TPM_BOOT_MS.
virt_tpm() {
	local -a targs=()
	if [[ -n ${TPM_SOCK:-} ]]; then
		mapfile -t targs < <(tpm_qemu_args tis-device)
	fi
	local t0=${EPOCHREALTIME/./} rc=0
	boot_arm64 "$@" "${VERBOSE_ARGS[@]}" "${targs[@]}" || rc=1
	TPM_BOOT_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
	return $rc
}

# The Debian kernel (FILE, default the Image), the TPM initrd and the command line, by -kernel.
kernel_args() {
	printf '%s\n' -kernel "${1:-$ARM64_KERNEL}" -initrd "$TPM_INITRD" -append "$ARM64_CMDLINE"
}

# The same through opt/leapboot/* (leapboot.Image's route, or leapboot.bin's other one).
opt_args() {
	printf '%s\n' -fw_cfg "name=opt/leapboot/kernel,file=${1:-$ARM64_KERNEL}" \
		-fw_cfg "name=opt/leapboot/initrd,file=$TPM_INITRD" \
		-fw_cfg "name=opt/leapboot/cmdline,string=$ARM64_CMDLINE"
}

print_times() {
	echo "# $1: swtpm start-up $(tpm_secs "${TPM_START_MS:-0}"), QEMU $(tpm_secs "$TPM_BOOT_MS")" >&3
}

assert_tpm() {
	local v
	v=$(init_value LEAPBOOT-TPM) || return 1
	[[ $v == present ]] || leapboot_fail "the guest sees no TPM (LEAPBOOT-TPM=$v)" || return 1
	v=$(init_value LEAPBOOT-TPM-VERSION) || return 1
	[[ $v == 2 ]] || leapboot_fail "the guest's TPM is version '$v', not 2" || return 1
	v=$(init_value LEAPBOOT-TPM-DRIVER) || return 1
	[[ $v == tpm_tis ]] || leapboot_fail "tpm0 is bound to '$v', not tpm_tis" || return 1
}

assert_banks() {
	local got log
	got=$(tpm_guest_banks)
	[[ $got == "$1" ]] || leapboot_fail "the guest shows the banks '$got', expected '$1'" || return 1
	log=$(tpm_log_file) || return 1
	got=$(tpm_log_banks "$log") || return 1
	[[ $got == "$1" ]] || leapboot_fail "the log's Spec ID event lists '$got', expected '$1'"
}

# assert_measured_boot BANKS...: leapboot found the TPM at the platform bus's base and put the
# log in RAM; the log Linux found replays to the guest's PCRs 0-9 in every bank, measuring
# 0, 4, 8 and 9 besides the separators (and nothing but the separator into 1); Linux found
# the TPM started.
assert_measured_boot() {
	local bank
	assert_log '^leapboot: TPM \(tcg,tpm-tis-mmio\) at 0xc000000, event log at 0x[0-9a-f]+$' \
		"leapboot's TPM line" || return 1
	assert_log '^leapboot: measured boot: [0-9]+ bytes of event log$' "leapboot's measurement line" ||
		return 1
	for bank; do
		assert_log_measures "$bank" 0 1 2 3 4 5 6 7 8 9 || return 1
		assert_log_replays "$bank" 0 1 2 3 4 5 6 7 8 9 || return 1
	done
	refute_log 'A TPM error .* occurred attempting the self test' "Linux found the TPM started"
}

# predict BANK KERNEL [--image FILE]: tools/leapboot-pcr's "BANK:N HEX" lines for PCRs 0, 1, 4,
# 8 and 9 of this boot (leapboot.bin unless --image).
predict() {
	local bank=$1 kernel=$2
	shift 2
	local -a form=(--bin "$ARM64_BIN")
	[[ ${1:-} != --image ]] || form=(--image "$2")
	"$LEAPBOOT_ROOT/tools/leapboot-pcr" --arch arm64 "${form[@]}" --kernel "$kernel" \
		--initrd "$TPM_INITRD" --cmdline "$ARM64_CMDLINE" --banks "$bank" --pcrs 0,1,4,8,9 ||
		leapboot_fail "tools/leapboot-pcr failed for $kernel"
}

@test "virt, leapboot.bin, tpm-tis-device, four banks: the log replays to PCRs 0-9, leapboot-pcr predicts 0, 1, 4, 8, 9" {
	tpm_start
	local -a k
	mapfile -t k < <(kernel_args)
	virt_tpm "${k[@]}"
	print_times "virt, leapboot.bin, tpm-tis-device, all banks"
	assert_userspace
	assert_cmdline
	assert_tpm
	assert_banks "sha1 sha256 sha384 sha512"
	assert_measured_boot sha1 sha256 sha384 sha512
	local bank p
	for bank in sha1 sha256 sha384 sha512; do
		p=$(predict "$bank" "$ARM64_KERNEL") || return 1
		assert_predicted "$p" "$bank" 0 1 4 8 9
	done
}

# The kernel's digest depends on the file only: an Image.gz is its Image, whether QEMU inflated
# it (-kernel with -bios) or leapboot did (opt/leapboot/kernel).
@test "virt, leapboot.bin, sha256: an Image.gz measures as its Image, by -kernel and by opt/leapboot/kernel" {
	local p pgz
	p=$(predict sha256 "$ARM64_KERNEL") || return 1
	pgz=$(predict sha256 "$ARM64_KERNEL_GZ") || return 1
	[[ $p == "$pgz" ]] || leapboot_fail "leapboot-pcr predicts the Image.gz apart from its Image" ||
		return 1
	tpm_start --banks sha256
	local -a k
	mapfile -t k < <(kernel_args "$ARM64_KERNEL_GZ")
	virt_tpm "${k[@]}"
	print_times "virt, leapboot.bin, -kernel Image.gz, sha256"
	assert_userspace
	assert_tpm
	assert_banks sha256
	assert_measured_boot sha256
	assert_predicted "$pgz" sha256 0 1 4 8 9
	tpm_stop
	tpm_start --banks sha256
	mapfile -t k < <(opt_args "$ARM64_KERNEL_GZ")
	virt_tpm "${k[@]}"
	print_times "virt, leapboot.bin, opt/leapboot/kernel Image.gz, sha256"
	assert_log '^leapboot: kernel from opt/leapboot/kernel: arm64 Image \(gzip\)'
	assert_userspace
	assert_measured_boot sha256
	assert_predicted "$pgz" sha256 0 1 4 8 9
}

# With -m 4G the log lies above 4 GiB: linux,sml-base's high word counts.
@test "virt, leapboot.Image as -kernel, -m 4G, sha256: PCR 0 is its own file, the log (above 4 GiB) replays and is predicted" {
	tpm_start --banks sha256
	local -a k
	mapfile -t k < <(opt_args)
	virt_tpm --bios "" -m 4G -kernel "$ARM64_IMAGE_FW" "${k[@]}"
	print_times "virt, leapboot.Image, -m 4G, sha256"
	assert_userspace
	assert_cmdline
	assert_tpm
	assert_banks sha256
	assert_log '^leapboot: TPM .* event log at 0x1[0-9a-f]{8}$' "the log above 4 GiB"
	assert_measured_boot sha256
	local p pbin
	p=$(predict sha256 "$ARM64_KERNEL" --image "$ARM64_IMAGE_FW") || return 1
	assert_predicted "$p" sha256 0 1 4 8 9
	pbin=$(predict sha256 "$ARM64_KERNEL") || return 1
	[[ $(predicted "$pbin" sha256 0) != $(predicted "$p" sha256 0) ]] ||
		leapboot_fail "leapboot.bin and leapboot.Image predict the same PCR 0"
}

# leapboot.Image's own -append lands in QEMU's /chosen; measured, leapboot replaces it with the
# command line it measured, here none: the kernel gets the empty one PCR 8 holds.
@test "virt, leapboot.Image, -append but no opt/leapboot/cmdline, sha256: the kernel gets the empty command line PCR 8 measured" {
	tpm_start --banks sha256
	virt_tpm --bios "" -kernel "$ARM64_IMAGE_FW" -append "leapboot.own=1" \
		-fw_cfg "name=opt/leapboot/kernel,file=$ARM64_KERNEL" \
		-fw_cfg "name=opt/leapboot/initrd,file=$TPM_INITRD"
	assert_userspace
	assert_log '^LEAPBOOT-CMDLINE=$' "an empty /proc/cmdline"
	assert_measured_boot sha256
	local p
	p=$("$LEAPBOOT_ROOT/tools/leapboot-pcr" --arch arm64 --image "$ARM64_IMAGE_FW" \
		--kernel "$ARM64_KERNEL" --initrd "$TPM_INITRD" --cmdline "" --banks sha256) || return 1
	assert_predicted "$p" sha256 0 4 8 9
}

# Without a TPM node nothing of measured boot runs, and nothing is refused.
@test "virt, leapboot.bin, no TPM: no TPM line, the guest sees no TPM and no log" {
	local -a k
	mapfile -t k < <(kernel_args)
	virt_tpm "${k[@]}"
	print_times "virt, leapboot.bin, no TPM"
	assert_userspace
	assert_cmdline
	refute_log '^leapboot: (TPM|measured boot)' "no measured boot without a TPM"
	[[ $(init_value LEAPBOOT-TPM) == absent ]] || leapboot_fail "LEAPBOOT-TPM is not absent"
	assert_log '^LEAPBOOT-TPM-LOG=none$' "no event log without a TPM"
}

# dump_dtb OUT [tpm]: QEMU virt's device tree (-machine dumpdtb), with the running swtpm as
# tpm-tis-device if "tpm" is given.
dump_dtb() {
	local out=$1
	local -a targs=()
	[[ ${2:-} != tpm ]] || mapfile -t targs < <(tpm_qemu_args tis-device)
	if ! "$QEMU_ARM64" -M "virt,dumpdtb=$out" -cpu cortex-a57 -accel tcg -nographic -m 512M \
		"${targs[@]}" >/dev/null 2>&1 || [[ ! -s $out ]]; then
		leapboot_fail "QEMU could not dump virt's device tree"
		return 1
	fi
}

# With -dtb QEMU hands the Image form that tree, not its own (which has the TPM node): a
# TPM that QEMU attaches (fw_cfg etc/tpm/log) but the tree does not describe cannot be measured.
@test "virt, leapboot.Image, -dtb without the TPM node: 'the device tree has no enabled tcg,tpm-tis-mmio node', no boot" {
	tpm_start --banks sha256
	local dtb=$BATS_TEST_TMPDIR/no-tpm.dtb
	dump_dtb "$dtb" || return 1
	local -a k
	mapfile -t k < <(opt_args)
	virt_tpm --bios "" -kernel "$ARM64_IMAGE_FW" -dtb "$dtb" "${k[@]}"
	assert_leapboot_error '^leapboot: error: tpm: a TPM is attached, but the device tree has no enabled tcg,tpm-tis-mmio node to measure it with \(fw_cfg.s etc/tpm/log: [1-9][0-9]* bytes\)$'
	refute_log '^USERSPACE-UP' "no kernel ran"
}

# The platform bus moved to 0x8c000000 (its ranges' parent address): above the first GiB,
# which leapboot maps as device memory, so it refuses before touching the registers.
@test "virt, leapboot.Image, a TPM node above the first GiB: 'TPM registers outside the first GiB', no boot" {
	tpm_start --banks sha256
	local dtb=$BATS_TEST_TMPDIR/virt.dtb moved=$BATS_TEST_TMPDIR/moved.dtb
	dump_dtb "$dtb" tpm || return 1
	python3 - "$dtb" "$moved" <<-'EOF' || leapboot_fail "could not move the platform bus" || return 1
		import sys
		b = open(sys.argv[1], "rb").read()
		# ranges = <0 0 0x0c000000 0x02000000>: child 0, parent 0x0:0x0c000000, 32 MiB
		old = bytes.fromhex("00000000" "00000000" "0c000000" "02000000")
		assert b.count(old) == 1, b.count(old)
		open(sys.argv[2], "wb").write(b.replace(old, bytes.fromhex("00000000" "00000000" "8c000000" "02000000")))
	EOF
	local -a k
	mapfile -t k < <(opt_args)
	virt_tpm --bios "" -kernel "$ARM64_IMAGE_FW" -dtb "$moved" "${k[@]}"
	assert_leapboot_error '^leapboot: error: tpm: TPM registers outside the first GiB, which leapboot maps as device memory \(address 0x8c000000, 20480 bytes\)$'
	refute_log '^USERSPACE-UP' "no kernel ran"
}
