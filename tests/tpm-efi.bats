#!/usr/bin/env bats
# Measured boot of leapboot.efi under UEFI firmware with a software TPM (issue 24, point 5):
# OVMF on q35 with tpm-tis, AAVMF on virt with tpm-tis-device, a swtpm per test
# (tests/lib/tpm.bash), Debian's kernel started through its EFI stub, the guest's /init
# (tests/lib/tpm-init) printing its PCRs and the event log Linux got from the firmware.
#
# Who measures what (docs/measured-boot.md, "leapboot.efi"): the firmware its own volumes,
# variables and boot attempts, and at LoadImage leapboot.efi and the kernel (PCR 4, their
# Authenticode digests); leapboot.efi the command line (PCR 8, EV_IPL); Linux 6.1's stub its
# load options and the initrd (PCR 9, EV_EVENT_TAG). Each test checks that the log replays to
# the guest's PCRs 0-9, that tools/leapboot-pcr --efi predicts PCRs 4, 8 and 9, and that each
# of these inputs was measured exactly once.
#
# | test                          | firmware | TPM                       | what it shows                      |
# |-------------------------------|----------|---------------------------|------------------------------------|
# | x86, four banks               | OVMF     | fresh state: 4 banks      | replay 0-9, prediction, each once  |
# | x86, sha256 only              | OVMF     | swtpm_setup --pcr-banks   | one bank, replayed and predicted   |
# | x86, no TPM                   | OVMF     | none                      | nothing measured; the time without |
# | x86, kernel without a stub    | OVMF     | fresh state               | one tpm error line, no boot        |
# | arm64, four banks             | AAVMF    | tpm-tis-device            | replay 0-9, prediction, each once  |
#
# OVMF on q35 starts leapboot.efi from its second boot option (QEMU's empty CD-ROM is the
# first): --efi-boot-attempts 2. The times (QEMU's wall time) are printed, never asserted.

load lib/qemu
load lib/arm64
load lib/efi
load lib/tpm

setup_file() {
	leapboot_setup_file && efi_setup_file && tpm_setup_file || return 1
	local d=$BATS_FILE_TMPDIR mods
	if ! ARM64_KERNEL=$("$LEAPBOOT_ROOT/tools/fetch-kernels" --arch arm64 --print) ||
		! mods=$("$LEAPBOOT_ROOT/tools/fetch-kernels" --arch arm64 --print-modules); then
		leapboot_fail "no Debian arm64 kernel cached: run tools/fetch-kernels --arch arm64"
		return 1
	fi
	# arm64's cloud kernel has tpm_tis as a module: tpm-init loads it from the initrd. Both
	# initrds are this file's own: the predictions read them after the boots, and another
	# run's mkinitrd may rebuild a shared one in $LEAPBOOT_CACHE meanwhile.
	TPM_INITRD_ARM64=$("$LEAPBOOT_ROOT/tools/mkinitrd" --arch arm64 --modules "$mods" \
		--module-list tpm_tis --init "$LEAPBOOT_ROOT/tests/lib/tpm-init" \
		-o "$d/initrd-tpm-arm64.img") || {
		leapboot_fail "tools/mkinitrd could not build the arm64 TPM initrd"
		return 1
	}
	# TPM_INITRD: tpm_setup_file made it this file's own copy already.
	# Debian's bzImage without its PE header: a kernel with no EFI stub.
	cp "$LEAPBOOT_KERNEL" "$d/bzimage-nostub"
	printf '\0\0' | dd of="$d/bzimage-nostub" conv=notrunc status=none
	export ARM64_KERNEL TPM_INITRD_ARM64 TPM_INITRD
}

teardown() { tpm_teardown; }

teardown_file() { tpm_assert_no_leftover; }

# efi_tpm_boot x86|arm64 none|IFACE [qemu args…]: leapboot.efi under OVMF (q35) or AAVMF
# (virt) with the running swtpm as IFACE (tis; tpm-tis-device on arm64), the Debian kernel,
# the TPM initrd and BASE_CMDLINE / ARM64_CMDLINE as opt/leapboot files; TPM_BOOT_MS.
efi_tpm_boot() {
	local arch=$1 iface=$2
	shift 2
	local -a targs=()
	if [[ $iface != none ]]; then
		mapfile -t targs < <(tpm_qemu_args "$iface")
		[[ ${#targs[@]} -gt 0 ]] || return 1
		[[ $arch == x86 ]] || targs[${#targs[@]} - 1]=tpm-tis-device,tpmdev=tpm0
	fi
	local t0=${EPOCHREALTIME/./} rc=0
	if [[ $arch == x86 ]]; then
		boot_efi_x86 "${targs[@]}" -fw_cfg "name=opt/leapboot/kernel,file=${KERNEL:-$LEAPBOOT_KERNEL}" \
			-fw_cfg "name=opt/leapboot/initrd,file=$TPM_INITRD" \
			-fw_cfg "name=opt/leapboot/cmdline,string=$BASE_CMDLINE" "${VERBOSE_ARGS[@]}" "$@" || rc=1
	else
		boot_efi_arm64 "${targs[@]}" -fw_cfg "name=opt/leapboot/kernel,file=$ARM64_KERNEL" \
			-fw_cfg "name=opt/leapboot/initrd,file=$TPM_INITRD_ARM64" \
			-fw_cfg "name=opt/leapboot/cmdline,string=$ARM64_CMDLINE" "${VERBOSE_ARGS[@]}" "$@" || rc=1
	fi
	TPM_BOOT_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
	return $rc
}

print_time() { echo "# $1: QEMU $(tpm_secs "$TPM_BOOT_MS") to the guest's power-off" >&3; }

# predict_efi x86|arm64 BANK...: tools/leapboot-pcr --efi's "BANK:N HEX" lines for the boot.
predict_efi() {
	local arch=$1 banks
	shift
	banks=$(IFS=,; echo "$*")
	if [[ $arch == x86 ]]; then
		"$LEAPBOOT_ROOT/tools/leapboot-pcr" --efi "$EFI_X86" --efi-boot-attempts 2 \
			--kernel "$LEAPBOOT_KERNEL" --initrd "$TPM_INITRD" --cmdline "$BOOT_CMDLINE" --banks "$banks"
	else
		"$LEAPBOOT_ROOT/tools/leapboot-pcr" --efi "$EFI_ARM64" --kernel "$ARM64_KERNEL" \
			--initrd "$TPM_INITRD_ARM64" --cmdline "$BOOT_CMDLINE" --banks "$banks"
	fi || leapboot_fail "tools/leapboot-pcr --efi failed"
}

# assert_each_once KERNEL INITRD BANK: in the guest's log, exactly one event each for the
# command line (PCR 8, EV_IPL, data the command line, leapboot.efi's), the kernel (PCR 4,
# EV_EFI_BOOT_SERVICES_APPLICATION, its Authenticode digest: the firmware's) and the initrd
# (PCR 9, its digest: the stub's tagged event; none of leapboot.efi's "leapboot: initrd").
assert_each_once() {
	local log json out
	log=$(tpm_log_file) || return 1
	json=$BATS_TEST_TMPDIR/log-$BOOT_N.json
	"$LEAPBOOT_ROOT/tools/leapboot-pcr" --replay "$log" --json >"$json" ||
		leapboot_fail "tools/leapboot-pcr --replay failed on the guest's log" || return 1
	out=$(PYTHONPATH=$LEAPBOOT_ROOT/tools python3 - "$json" "$1" "$2" "$3" "$BOOT_CMDLINE" <<-'PY'
		import hashlib, json, sys
		from pcrlib import authenticode, efi
		doc, kernel, initrd, bank, cmdline = json.load(open(sys.argv[1])), *sys.argv[2:]
		kd = authenticode.digests(efi.kernel_image(kernel), [bank])[bank].hex()
		idg = hashlib.new(bank, open(initrd, "rb").read()).hexdigest()
		ev = doc["events"]
		def n(f): return sum(1 for e in ev if f(e))
		print("cmdline", n(lambda e: e["pcr"] == 8))
		print("cmdline-ipl", n(lambda e: e["pcr"] == 8 and e["type"] == "EV_IPL" and e.get("data") == cmdline))
		print("kernel", n(lambda e: e["digests"].get(bank) == kd))
		print("kernel-pcr4", n(lambda e: e["pcr"] == 4 and e["digests"].get(bank) == kd))
		print("initrd", n(lambda e: e["digests"].get(bank) == idg))
		print("initrd-stub", n(lambda e: e["pcr"] == 9 and e["type"] == "EV_EVENT_TAG" and e["digests"].get(bank) == idg))
		print("leapboot-initrd", n(lambda e: e.get("data") == "leapboot: initrd"))
	PY
	) || leapboot_fail "could not count the log's events" || return 1
	local want="cmdline 1
cmdline-ipl 1
kernel 1
kernel-pcr4 1
initrd 1
initrd-stub 1
leapboot-initrd 0"
	[[ $out == "$want" ]] || leapboot_fail "events in the guest's log (count of each):
$out
expected:
$want"
}

# assert_efi_measured BANKS...: the log replays to PCRs 0-9 in each bank, and Linux found the
# TPM started and its log.
assert_efi_measured() {
	local bank
	for bank; do
		assert_log_measures "$bank" 0 1 2 3 4 5 6 7 8 9
		assert_log_replays "$bank" 0 1 2 3 4 5 6 7 8 9
	done
	assert_log '^leapboot: measured boot: the command line \([0-9]+ bytes\) into PCR 8$' "PCR 8"
	assert_log '^leapboot: measured boot: the EFI stub measured the initrd into PCR 9$' \
		"leapboot.efi found the stub's initrd event at ExitBootServices"
}

@test "x86: OVMF, tpm-tis, four banks: the log replays to PCRs 0-9, leapboot-pcr --efi predicts 4, 8, 9, each input measured once" {
	tpm_start
	efi_tpm_boot x86 tis
	print_time "x86, OVMF, tpm-tis, four banks"
	assert_userspace
	assert_cmdline
	assert_efi_measured sha1 sha256 sha384 sha512
	local p bank
	p=$(predict_efi x86 sha1 sha256 sha384 sha512) || return 1
	for bank in sha1 sha256 sha384 sha512; do
		assert_predicted "$p" "$bank" 4 8 9
	done
	assert_each_once "$LEAPBOOT_KERNEL" "$TPM_INITRD" sha256
}

@test "x86: OVMF, tpm-tis, --banks sha256: one bank, replayed and predicted" {
	tpm_start --banks sha256
	efi_tpm_boot x86 tis
	print_time "x86, OVMF, tpm-tis, sha256 only"
	assert_userspace
	[[ $(tpm_guest_banks) == sha256 ]] || leapboot_fail "the guest shows the banks '$(tpm_guest_banks)'"
	assert_efi_measured sha256
	local p
	p=$(predict_efi x86 sha256) || return 1
	assert_predicted "$p" sha256 4 8 9
	assert_each_once "$LEAPBOOT_KERNEL" "$TPM_INITRD" sha256
}

# The same boot without a TPM: leapboot.efi finds no EFI_TCG2_PROTOCOL and measures nothing.
@test "x86: OVMF without a TPM: nothing measured, the boot as before" {
	efi_tpm_boot x86 none
	print_time "x86, OVMF, no TPM"
	assert_userspace
	assert_cmdline
	[[ $(init_value LEAPBOOT-TPM) == absent ]] || leapboot_fail "the guest sees a TPM"
	refute_log '^leapboot: measured boot' "nothing measured without a TPM"
}

# The firmware measures only what it loads: a kernel booted after ExitBootServices would go
# unmeasured, so leapboot.efi stops before leaving the firmware.
@test "x86: a kernel without an EFI stub with a TPM → one tpm error line, no boot" {
	tpm_start --banks sha256
	KERNEL=$BATS_FILE_TMPDIR/bzimage-nostub efi_tpm_boot x86 tis
	assert_leapboot_error '^leapboot: error: tpm: a kernel without an EFI stub is not measured under UEFI yet'
	refute_log '^USERSPACE-UP' "no kernel ran"
	assert_status 3 "leapboot's failure exit"
}

@test "arm64: AAVMF, tpm-tis-device, four banks: the log replays to PCRs 0-9, leapboot-pcr --efi predicts 4, 8, 9, each input measured once" {
	tpm_start
	efi_tpm_boot arm64 tis
	print_time "arm64, AAVMF, tpm-tis-device, four banks"
	assert_userspace
	assert_cmdline
	[[ $(init_value LEAPBOOT-TPM-DRIVER) == tpm_tis ]] || leapboot_fail "tpm0 is not tpm_tis"
	assert_efi_measured sha1 sha256 sha384 sha512
	local p bank
	p=$(predict_efi arm64 sha1 sha256 sha384 sha512) || return 1
	for bank in sha1 sha256 sha384 sha512; do
		assert_predicted "$p" "$bank" 4 8 9
	done
	assert_each_once "$ARM64_KERNEL" "$TPM_INITRD_ARM64" sha256
}
