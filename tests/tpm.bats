#!/usr/bin/env bats
# Measured boot with a software TPM (issue 24): the harness that the measured leapboot will be
# tested with, proven today on the firmware that already measures, SeaBIOS (QEMU's default
# -bios on pc and q35). A swtpm per test (tests/lib/tpm.bash), Debian's cloud kernel (its TPM
# TIS and CRB drivers are built in) and an initrd whose /init (tests/lib/tpm-init) prints the
# PCRs and the firmware's event log; the host replays the log with tpm2_eventlog and compares.
#
# | test                         | firmware | TPM                       | what it shows                    |
# |------------------------------|----------|---------------------------|----------------------------------|
# | swtpm start/stop             | -        | swtpm, no boot            | the harness leaves nothing behind|
# | no TPM                       | SeaBIOS  | none                      | the guest reports absence        |
# | q35 tpm-tis, all banks       | SeaBIOS  | fresh state: 4 banks      | PCRs 0-7 == replay, every bank   |
# | pc tpm-crb                   | SeaBIOS  | fresh state: 4 banks      | PCRs 0-7 == replay (CRB)         |
# | q35 tpm-tis, sha256 only     | SeaBIOS  | swtpm_setup --pcr-banks   | one bank in the guest and the log|
# | PCRs 8 and 9                 | SeaBIOS  | fresh state               | no kernel measurement: zeros     |
# | leapboot                     | leapboot | fresh state               | reaches userspace, TPM visible   |
#
# SeaBIOS's log (QEMU 7.2, -kernel): after the Spec ID header, 15 events in every active bank:
# the SMBIOS tables (PCR 1), "Start Option ROM Scan" and four option ROMs (PCR 2),
# "Calling INT 19h" (PCR 4), and a separator in each of PCRs 0-7, whose event data is
# ff ff ff ff (docs/measured-boot.md has leapboot use 00 00 00 00). It measures no S-CRTM
# into PCR 0 (only the separator), and neither the kernel, the initrd nor the command line
# that linuxboot hands over: PCRs 8 and 9 stay zero, the baseline that leapboot will improve
# on (docs/measured-boot.md). leapboot does not measure yet: its test asserts only that the
# boot reaches userspace and that Linux finds the TPM (today Linux starts the TPM itself: "A
# TPM error (256) occurred attempting the self test ... starting up the TPM manually", and
# there is no log). The times (swtpm's start-up, QEMU's run) are printed, never asserted.

# A TPM boot takes about 3 s; one that hangs (a firmware waiting on the TPM) fails sooner than
# lib/qemu's default 120 s.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-60}

load lib/qemu
load lib/tpm

setup_file() {
	leapboot_setup_file || return 1
	tpm_setup_file
}

teardown() { tpm_teardown; }

teardown_file() { tpm_assert_no_leftover; }

# print_times WHAT: "# WHAT: swtpm start-up 0.05 s, QEMU 3.21 s" on bats' output.
print_times() {
	local swtpm=none
	[[ -z ${TPM_PID:-} ]] || swtpm=$(tpm_secs "$TPM_START_MS")
	echo "# $1: swtpm start-up $swtpm, QEMU $(tpm_secs "$TPM_BOOT_MS")" >&3
}

# assert_tpm DRIVER: the guest sees a TPM 2.0 bound to DRIVER.
assert_tpm() {
	local v
	v=$(init_value LEAPBOOT-TPM) || return 1
	[[ $v == present ]] || leapboot_fail "the guest sees no TPM (LEAPBOOT-TPM=$v)" || return 1
	v=$(init_value LEAPBOOT-TPM-VERSION) || return 1
	[[ $v == 2 ]] || leapboot_fail "the guest's TPM is version '$v', not 2" || return 1
	v=$(init_value LEAPBOOT-TPM-DRIVER) || return 1
	[[ $v == "$1" ]] || leapboot_fail "tpm0 is bound to '$v', not $1" || return 1
}

# assert_banks "LIST": the banks the guest shows and the banks of its log are LIST.
assert_banks() {
	local got log
	got=$(tpm_guest_banks)
	[[ $got == "$1" ]] || leapboot_fail "the guest shows the banks '$got', expected '$1'" || return 1
	log=$(tpm_log_file) || return 1
	got=$(tpm_log_banks "$log") || return 1
	[[ $got == "$1" ]] || leapboot_fail "the log's Spec ID event lists '$got', expected '$1'"
}

# flip_last_digest IN OUT BANK: OUT is IN with one bit flipped in the last BANK digest of the
# log (the last event's), so that replaying OUT must change that event's PCR.
flip_last_digest() {
	local in=$1 out=$2 bank=$3 y dig hex pre
	y=$(tpm_eventlog "$in") || return 1
	dig=$(awk -v bank="$bank" '$1 == "-" && $2 == "AlgorithmId:" { a = $3 }
		$1 == "Digest:" && a == bank { d = $2 } END { gsub(/"/, "", d); print d }' <<<"$y")
	[[ -n $dig ]] || leapboot_fail "no $bank digest in $in" || return 1
	hex=$(od -An -tx1 -v "$in" | tr -d ' \n')
	[[ $hex == *"$dig"* ]] || leapboot_fail "$in does not hold $dig" || return 1
	pre=${hex%"$dig"*}
	((${#pre} % 2 == 0)) || leapboot_fail "$dig is not byte-aligned in $in" || return 1
	hex=$pre$(printf '%02x' $((0x${dig:0:2} ^ 1)))${dig:2}${hex:${#pre}+${#dig}}
	# shellcheck disable=SC2001  # hex pairs -> \xHH escapes, expanded by %b
	printf '%b' "$(sed 's/../\\x&/g' <<<"$hex")" >"$out"
}

@test "swtpm: tpm_start runs one swtpm on a control socket, tpm_stop ends it and removes its state" {
	tpm_start
	local pid=$TPM_PID dir=$TPM_DIR
	[[ -S $TPM_SOCK && $TPM_SOCK == "$dir"/* ]] || leapboot_fail "no control socket in $dir"
	tpm_is_ours "$pid" "$dir" || leapboot_fail "swtpm $pid is not running"
	local args
	args=$(tpm_qemu_args crb | paste -sd ' ')
	[[ $args == "-chardev socket,id=chrtpm,path=$TPM_SOCK -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-crb,tpmdev=tpm0" ]] ||
		leapboot_fail "tpm_qemu_args crb: '$args'"
	run tpm_qemu_args isa
	[[ $status != 0 ]] || leapboot_fail "tpm_qemu_args took an unknown interface"
	tpm_stop
	! tpm_is_ours "$pid" "$dir" || leapboot_fail "swtpm $pid still runs after tpm_stop"
	[[ ! -e $dir ]] || leapboot_fail "tpm_stop left $dir"
	[[ -z $TPM_PID && -z $TPM_DIR ]] || leapboot_fail "tpm_stop left TPM_PID/TPM_DIR set"

	# With a chosen bank set swtpm_setup writes the state first (and its own swtpm has ended).
	tpm_start --banks sha256
	pid=$TPM_PID dir=$TPM_DIR
	[[ -s $dir/tpm2-00.permall ]] || leapboot_fail "swtpm_setup wrote no state in $dir"
	[[ $(pgrep -f -- "$dir" | paste -sd ' ') == "$pid" ]] ||
		leapboot_fail "expected only swtpm $pid on $dir, found: $(pgrep -af -- "$dir")"
	echo "# swtpm start-up with swtpm_setup --pcr-banks sha256: $(tpm_secs "$TPM_START_MS")" >&3
	tpm_stop
	! tpm_is_ours "$pid" "$dir" || leapboot_fail "swtpm $pid still runs after tpm_stop"
	[[ ! -e $dir ]] || leapboot_fail "tpm_stop left $dir"

	run tpm_start --banks sha3
	[[ $status != 0 ]] || leapboot_fail "tpm_start took an unknown bank"
	tpm_assert_no_leftover
}

# The negative control: without a TPM device the guest says so, and there is nothing to replay.
@test "q35, SeaBIOS, no TPM: the guest reports no TPM, no PCRs and no event log" {
	tpm_boot q35 none --bios ""
	print_times "q35, SeaBIOS, no TPM"
	assert_userspace
	assert_cmdline
	[[ $(init_value LEAPBOOT-TPM) == absent ]] || leapboot_fail "LEAPBOOT-TPM is not absent"
	assert_log '^LEAPBOOT-TPM-LOG=none$' "no event log without a TPM"
	[[ -z $(tpm_guest_banks) ]] || leapboot_fail "PCR lines without a TPM: $(tpm_guest_banks)"
	run tpm_guest_log "$BATS_TEST_TMPDIR/none.bin"
	[[ $status != 0 ]] || leapboot_fail "tpm_guest_log decoded a log that is not there"
}

@test "q35, SeaBIOS, tpm-tis, fresh swtpm: four banks, and PCRs 0-7 of each equal the replay of SeaBIOS's log" {
	tpm_start
	tpm_boot q35 tis --bios ""
	print_times "q35, SeaBIOS, tpm-tis, all banks"
	assert_userspace
	assert_cmdline
	assert_tpm tpm_tis
	assert_banks "sha1 sha256 sha384 sha512"
	local bank
	for bank in sha1 sha256 sha384 sha512; do
		assert_log_measures "$bank" 0 1 2 3 4 5 6 7
		assert_log_replays "$bank" 0 1 2 3 4 5 6 7
	done
	# The comparison can fail: one bit changed in the log's last sha256 digest (SeaBIOS's
	# separator in PCR 7) changes the replayed PCR 7, which no longer matches the guest's.
	local log bad want got
	log=$(tpm_log_file)
	bad=$BATS_TEST_TMPDIR/tampered.bin
	flip_last_digest "$log" "$bad" sha256
	want=$(tpm_guest_pcr sha256 7)
	got=$(tpm_replay "$bad" sha256 7)
	[[ $got != "$want" ]] || leapboot_fail "a tampered log still replays to the guest's PCR 7"
	[[ $(tpm_replay "$bad" sha256 6) == $(tpm_guest_pcr sha256 6) ]] ||
		leapboot_fail "the tampering changed PCR 6 too"
}

@test "pc, SeaBIOS, tpm-crb, fresh swtpm: PCRs 0-7 (sha256) equal the replay of SeaBIOS's log" {
	tpm_start
	tpm_boot pc crb --bios ""
	print_times "pc, SeaBIOS, tpm-crb, all banks"
	assert_userspace
	assert_cmdline
	assert_tpm tpm_crb
	assert_banks "sha1 sha256 sha384 sha512"
	assert_log_measures sha256 0 1 2 3 4 5 6 7
	assert_log_replays sha256 0 1 2 3 4 5 6 7
}

@test "q35, SeaBIOS, tpm-tis, --banks sha256: only the sha256 bank, in the guest and in the log, replays" {
	tpm_start --banks sha256
	tpm_boot q35 tis --bios ""
	print_times "q35, SeaBIOS, tpm-tis, sha256 only"
	assert_userspace
	assert_tpm tpm_tis
	assert_banks sha256
	refute_log '^LEAPBOOT-PCR-(sha1|sha384|sha512)-' "no PCRs of an inactive bank"
	assert_log_measures sha256 0 1 2 3 4 5 6 7
	assert_log_replays sha256 0 1 2 3 4 5 6 7
}

# The baseline: SeaBIOS does not measure what QEMU's -kernel, -initrd and -append hand over.
@test "q35, SeaBIOS, tpm-tis: PCRs 8 and 9 stay zero in every bank (SeaBIOS measures no kernel)" {
	tpm_start
	tpm_boot q35 tis --bios ""
	print_times "q35, SeaBIOS, tpm-tis, PCRs 8-9"
	assert_userspace
	assert_tpm tpm_tis
	local bank
	for bank in sha1 sha256 sha384 sha512; do
		assert_log_no_events "$bank" 8 9
		assert_guest_pcr_zero "$bank" 8 9
		assert_log_replays "$bank" 8 9
	done
}

# --- leapboot ------------------------------------------------------------------------------

# leapboot_tpm MACHINE IFACE ARGS...: boots leapboot.bin with the TPM and ARGS (the kernel, its
# initrd and command line), timed like tpm_boot.
leapboot_tpm() {
	local machine=$1 iface=$2
	shift 2
	local -a targs
	mapfile -t targs < <(tpm_qemu_args "$iface")
	local t0=${EPOCHREALTIME/./} rc=0
	boot_leapboot "$machine" "${targs[@]}" "$@" || rc=1
	TPM_BOOT_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
	return $rc
}

# predict BANK KERNEL INITRD CMDLINE: tools/leapboot-pcr's "BANK:N HEX" lines for these files.
predict() {
	local -a initrd=()
	[[ -z $3 ]] || initrd=(--initrd "$3")
	"$LEAPBOOT_ROOT/tools/leapboot-pcr" --bin "$LEAPBOOT_BIN" --kernel "$2" "${initrd[@]}" \
		--cmdline "$4" --banks "$1" ||
		leapboot_fail "tools/leapboot-pcr failed for $2"
}

# assert_measured_boot BANKS...: the log replays to the guest's PCRs 0-9 in every bank, leapboot
# measured 0, 1, 4, 8 and 9 besides the separators, and Linux did not have to start the TPM.
assert_measured_boot() {
	local bank
	for bank; do
		assert_log_measures "$bank" 0 1 2 3 4 5 6 7 8 9
		assert_log_replays "$bank" 0 1 2 3 4 5 6 7 8 9
	done
	refute_log 'A TPM error .* occurred attempting the self test' "Linux found the TPM started"
	assert_log '^leapboot: measured boot: [0-9]+ bytes of event log$' "leapboot's measurement line"
}

@test "q35, leapboot.bin, tpm-tis, four banks: the log replays to PCRs 0-9, leapboot-pcr predicts 0, 4, 8, 9" {
	tpm_start
	tpm_boot q35 tis "${VERBOSE_ARGS[@]}"
	print_times "q35, leapboot, tpm-tis, all banks"
	assert_userspace
	assert_cmdline
	assert_tpm tpm_tis
	assert_banks "sha1 sha256 sha384 sha512"
	assert_measured_boot sha1 sha256 sha384 sha512
	local bank p
	for bank in sha1 sha256 sha384 sha512; do
		p=$(predict "$bank" "$LEAPBOOT_KERNEL" "$TPM_INITRD" "$BOOT_CMDLINE") || return 1
		assert_predicted "$p" "$bank" 0 4 8 9
	done
}

@test "pc, leapboot.bin, tpm-crb, four banks: the log replays, leapboot-pcr predicts (sha256)" {
	tpm_start
	tpm_boot pc crb "${VERBOSE_ARGS[@]}"
	print_times "pc, leapboot, tpm-crb, all banks"
	assert_userspace
	assert_tpm tpm_crb
	assert_measured_boot sha256 sha512
	local p
	p=$(predict sha256 "$LEAPBOOT_KERNEL" "$TPM_INITRD" "$BOOT_CMDLINE") || return 1
	assert_predicted "$p" sha256 0 4 8 9
}

@test "q35, leapboot.bin, tpm-crb, --banks sha256: one bank, replayed and predicted" {
	tpm_start --banks sha256
	tpm_boot q35 crb "${VERBOSE_ARGS[@]}"
	print_times "q35, leapboot, tpm-crb, sha256 only"
	assert_userspace
	assert_tpm tpm_crb
	assert_banks sha256
	assert_measured_boot sha256
	local p
	p=$(predict sha256 "$LEAPBOOT_KERNEL" "$TPM_INITRD" "$BOOT_CMDLINE") || return 1
	assert_predicted "$p" sha256 0 4 8 9
}

# PCR 1 depends on QEMU's tables: leapboot-pcr predicts it from a tools/capture-fw-cfg dump of
# a machine with the same devices (the TPM adds its ACPI table).
@test "q35, leapboot.bin, tpm-tis: PCR 1 as leapboot-pcr predicts it from a capture-fw-cfg dump" {
	tpm_start --banks sha256
	local -a targs
	mapfile -t targs < <(tpm_qemu_args tis)
	local dump=$BATS_TEST_TMPDIR/fw-cfg
	"$LEAPBOOT_ROOT/tools/capture-fw-cfg" --machine q35 --out "$dump" -- "${targs[@]}" >/dev/null ||
		leapboot_fail "tools/capture-fw-cfg failed" || return 1
	[[ -s $dump/etc/acpi/tables && -s $dump/etc/tpm/log ]] ||
		leapboot_fail "the dump lacks etc/acpi/tables or etc/tpm/log" || return 1
	tpm_stop
	tpm_start --banks sha256
	tpm_boot q35 tis
	assert_userspace
	local p
	p=$("$LEAPBOOT_ROOT/tools/leapboot-pcr" --bin "$LEAPBOOT_BIN" --kernel "$LEAPBOOT_KERNEL" \
		--initrd "$TPM_INITRD" --cmdline "$BOOT_CMDLINE" --banks sha256 --fw-cfg "$dump") ||
		leapboot_fail "tools/leapboot-pcr --fw-cfg failed" || return 1
	assert_predicted "$p" sha256 0 1 4 8 9
}

# Each input moves its own PCR: the prediction for the changed input holds for every PCR, and
# differs from the unchanged boot's in that PCR only.
@test "leapboot, tpm-tis: a changed command line changes PCR 8, and only it" {
	tpm_start --banks sha256
	leapboot_tpm q35 tis -kernel "$LEAPBOOT_KERNEL" -initrd "$TPM_INITRD" \
		-append "$BASE_CMDLINE leapboot.measured=1"
	assert_userspace
	local base p
	base=$(predict sha256 "$LEAPBOOT_KERNEL" "$TPM_INITRD" "$BASE_CMDLINE") || return 1
	p=$(predict sha256 "$LEAPBOOT_KERNEL" "$TPM_INITRD" "$BOOT_CMDLINE") || return 1
	assert_predicted "$p" sha256 0 4 8 9
	assert_predicted "$base" sha256 0 4 9
	[[ $(predicted "$base" sha256 8) != $(tpm_guest_pcr sha256 8) ]] ||
		leapboot_fail "PCR 8 did not change with the command line"
}

@test "leapboot, tpm-tis: one byte more in the initrd changes PCR 9, and only it" {
	tpm_start --banks sha256
	local initrd=$BATS_TEST_TMPDIR/initrd.img
	cp "$TPM_INITRD" "$initrd"
	printf '\0' >>"$initrd" # zero padding after the archive: Linux skips it
	leapboot_tpm q35 tis -kernel "$LEAPBOOT_KERNEL" -initrd "$initrd" -append "$BASE_CMDLINE"
	assert_userspace
	local base p
	base=$(predict sha256 "$LEAPBOOT_KERNEL" "$TPM_INITRD" "$BOOT_CMDLINE") || return 1
	p=$(predict sha256 "$LEAPBOOT_KERNEL" "$initrd" "$BOOT_CMDLINE") || return 1
	assert_predicted "$p" sha256 0 4 8 9
	assert_predicted "$base" sha256 0 4 8
	[[ $(predicted "$base" sha256 9) != $(tpm_guest_pcr sha256 9) ]] ||
		leapboot_fail "PCR 9 did not change with the initrd"
}

# The kernel's digest depends on the file only (docs/measured-boot.md): through
# opt/leapboot/kernel QEMU rewrites no header field, and the PCR is the same.
@test "leapboot, tpm-tis: the kernel through opt/leapboot/kernel measures as through -kernel" {
	tpm_start --banks sha256
	leapboot_tpm q35 tis -fw_cfg "name=opt/leapboot/kernel,file=$LEAPBOOT_KERNEL" \
		-fw_cfg "name=opt/leapboot/initrd,file=$TPM_INITRD" \
		-fw_cfg "name=opt/leapboot/cmdline,string=$BASE_CMDLINE"
	assert_userspace
	local p
	p=$(predict sha256 "$LEAPBOOT_KERNEL" "$TPM_INITRD" "$BOOT_CMDLINE") || return 1
	assert_predicted "$p" sha256 0 4 8 9
}

# A PVH ELF is measured by the span it is loaded to: QEMU's -kernel loads it itself, leapboot
# loads it from opt/leapboot/kernel; both give the PCR 4 that leapboot-pcr predicts, which is
# not the bzImage's.
@test "leapboot, tpm-tis: another kernel (the PVH vmlinux) changes PCR 4, the same by both routes" {
	local vmlinux=$BATS_FILE_TMPDIR/vmlinux
	[[ -s $vmlinux ]] || "$LEAPBOOT_ROOT/tools/extract-vmlinux" -o "$vmlinux" "$LEAPBOOT_KERNEL" ||
		leapboot_fail "tools/extract-vmlinux failed" || return 1
	local base p
	base=$(predict sha256 "$LEAPBOOT_KERNEL" "$TPM_INITRD" "$BASE_CMDLINE") || return 1
	p=$(predict sha256 "$vmlinux" "$TPM_INITRD" "$BASE_CMDLINE") || return 1
	[[ $(predicted "$p" sha256 4) != $(predicted "$base" sha256 4) ]] ||
		leapboot_fail "the vmlinux and the bzImage predict the same PCR 4" || return 1
	tpm_start --banks sha256
	leapboot_tpm q35 tis -kernel "$vmlinux" -initrd "$TPM_INITRD" -append "$BASE_CMDLINE"
	assert_userspace
	assert_predicted "$p" sha256 0 4 8 9
	tpm_stop
	tpm_start --banks sha256
	leapboot_tpm q35 tis -fw_cfg "name=opt/leapboot/kernel,file=$vmlinux" \
		-fw_cfg "name=opt/leapboot/initrd,file=$TPM_INITRD" \
		-fw_cfg "name=opt/leapboot/cmdline,string=$BASE_CMDLINE"
	assert_userspace
	assert_predicted "$p" sha256 0 4 8 9
}

# event_digests JSON PCR DATA: the sha256 digests of the events in PCR with event data DATA, one
# per line, from leapboot-pcr's --json (a prediction or a replay).
event_digests() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for e in d["events"]:
    if e["pcr"] == int(sys.argv[2]) and e.get("data") == sys.argv[3]:
        print(e["digests"]["sha256"])' "$@"
}

# The chain-loader: SeaBIOS started the TPM, measured its own part and closed PCRs 0-7 with
# separators; leapboot.elf continues SeaBIOS's log with the kernel (PCR 4, after SeaBIOS's
# "Calling INT 19h"), the initrd (9) and the command line (8), and places no separator.
@test "leapboot.elf under SeaBIOS with a TPM: SeaBIOS's log goes on, PCRs 0-9 replay, 8 and 9 predicted" {
	tpm_start
	local -a targs
	mapfile -t targs < <(tpm_qemu_args tis)
	boot_leapboot q35 --bios "" "${targs[@]}" -kernel "${LEAPBOOT_BIN%/*}/leapboot.elf" \
		-fw_cfg "name=opt/leapboot/kernel,file=$LEAPBOOT_KERNEL" \
		-fw_cfg "name=opt/leapboot/initrd,file=$TPM_INITRD" \
		-fw_cfg "name=opt/leapboot/cmdline,string=$BASE_CMDLINE"
	assert_userspace
	assert_tpm tpm_tis
	local bank
	for bank in sha1 sha256 sha384 sha512; do
		assert_log_replays "$bank" 0 1 2 3 4 5 6 7 8 9
	done
	local p
	p=$(predict sha256 "$LEAPBOOT_KERNEL" "$TPM_INITRD" "$BASE_CMDLINE") || return 1
	assert_predicted "$p" sha256 8 9
	# The kernel's event in PCR 4 has the digest leapboot-pcr predicts, once.
	local log want got
	log=$(tpm_log_file) || return 1
	"$LEAPBOOT_ROOT/tools/leapboot-pcr" --bin "$LEAPBOOT_BIN" --kernel "$LEAPBOOT_KERNEL" \
		--initrd "$TPM_INITRD" --cmdline "$BASE_CMDLINE" --banks sha256 --json \
		>"$BATS_TEST_TMPDIR/predicted.json" || return 1
	"$LEAPBOOT_ROOT/tools/leapboot-pcr" --replay "$log" --json >"$BATS_TEST_TMPDIR/replayed.json" ||
		return 1
	want=$(event_digests "$BATS_TEST_TMPDIR/predicted.json" 4 "leapboot: kernel")
	got=$(event_digests "$BATS_TEST_TMPDIR/replayed.json" 4 "leapboot: kernel")
	[[ -n $want && $got == "$want" ]] ||
		leapboot_fail "PCR 4's kernel events in the log: '$got', predicted '$want'"
	# No separator of leapboot's: SeaBIOS's eight (ff ff ff ff) are the only ones.
	local n
	n=$(python3 -c 'import json, sys
print(sum(e["type"] == "EV_SEPARATOR" for e in json.load(open(sys.argv[1]))["events"]))' \
		"$BATS_TEST_TMPDIR/replayed.json")
	[[ $n == 8 ]] || leapboot_fail "$n separators in the log, expected SeaBIOS's 8"
}
