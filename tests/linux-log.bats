#!/usr/bin/env bats
# Linux's own log as the judge of the machine leapboot hands over (issue 21): Debian's generic
# kernel with loglevel=8 boots once per machine (pc, q35, microvm) under leapboot and once under
# QEMU's own firmware (SeaBIOS on pc/q35, qboot on microvm), same kernel, initrd, -m 512M and
# command line. /init (tests/lib/linux-log-init) prints the BIOS vendor, /proc/mtrr, a
# write-combining mapping of the VGA BAR and then the whole kernel log (dmesg, so nothing
# interleaves). The tests read those six saved boots:
#   - every normalised log line (tests/lib/linux-log-normalise) seen only under leapboot must be
#     one of the EXPLAINED differences below;
#   - no line under leapboot is one of Linux's firmware complaints (never explained away);
#   - PAT has write-combining, MTRRs are on and cover exactly the 32-bit hole and the VGA window,
#     the DMI BIOS vendor is leapboot, and (pc, q35) a write-combining mapping of a BAR works.

# Commas in QEMU arguments are not separators.
# shellcheck disable=SC2054

load lib/qemu

# Normalised lines (hex -> X, decimal -> N) that Linux prints under leapboot but not under
# SeaBIOS/qboot, each accepted for the reason in its comment. Keep it short: anything else is a
# finding. Never add the MTRR/PAT lines or a DMI line without a BIOS version and date.
EXPLAINED=(
	# No PIRQ routing programmed: Linux finds the ACPI PCI interrupt links off, routes INTx itself.
	'^ACPI: PCI: Interrupt link LNK[A-H] disabled$'
	# PCI BARs and ROM BARs are left to Linux, which assigns them (SeaBIOS assigns them itself).
	'^pci N:N:N\.N: (BAR N|ROM) \[(mem|io) X-X( pref)?\]: assigned$'
	# ... and so the VGA device decodes nothing until a driver enables it: vgaarb sees no owner,
	'^pci N:N:N\.N: vgaarb: VGA device added: decodes=io\+mem,owns=none,locks=none$'
	# ... and /init's `echo 1 >enable` (what a driver does) is what turns memory decoding on.
	'^pci N:N:N\.N: enabling device \(N -> N\)$'
	# No VGA BIOS and no real-mode setup code: screen_info is empty, Linux uses the dummy console.
	'^Console: colour dummy device NxN$'
	# The PS/2 controller is left as QEMU resets it (no scancode translation, which SeaBIOS sets).
	'^input: AT Raw Set N keyboard as /devices/platform/iN/serioN/input/inputN$'
	# e820: leapboot types its ACPI tables "ACPI data" (SeaBIOS: reserved, qboot: ACPI NVS).
	'^BIOS-eN: \[mem X-X\] ACPI data$'
	# e820 (microvm): the ACPI tables at the top of low RAM (qboot: at 0xd0000) cut a hole in DMA32.
	'^On node N, zone DMAN: N pages in unavailable ranges$'
	# DMI from SMBIOS type 0, once leapboot adds one: its own version and a date after "BIOS".
	'^DMI: .*, BIOS [^ ]+ N/N/N$'
	# microvm: qboot offers no SMBIOS and leaves the MTRRs off (so Linux skips PAT); leapboot not.
	'^SMBIOS N\.N present\.$'
	'^xN/PAT: Configuration \[N-N\]: WB WC UC- UC WB WP UC- WT$'
)

# Lines whose presence depends on host timing under TCG (each seen in some boots under QEMU's
# own firmware too): left out of the comparison.
TIMING=(
	# TSC calibration against the PIT/HPET/PM timer, and the APIC timer's against the PM timer.
	'^tsc: (Fast TSC calibration (failed|using PIT)|Unable to calibrate against PIT|using (HPET|PMTIMER) reference calibration|Detected N MHz (processor|TSC)|Refined TSC clocksource calibration: N MHz)$'
	'^APIC (calibration not consistent with PM-Timer: Nms instead of Nms|delta adjusted to PM-Timer: N \(N\))$'
	# The delayed TSC refinement, done or not when /init reads the log; the clocksource watchdog
	# judging the TSC unstable when the host delays the guest's timer ticks.
	'^clocksource: (Switched to clocksource (tsc|refined-jiffies)|tsc: mask: X max_cycles: X, max_idle_ns: N ns)$'
	"^clocksource: (timekeeping watchdog on CPUN: Marking clocksource '[a-z-]+' as unstable because the skew is too large:|'[a-z-]+' (cs|wd)_nsec: N (cs|wd)_now: X (cs|wd)_last: X mask: X|'[a-z-]+' is current clocksource\.|Not enough CPUs to check clocksource 'tsc'\.)$"
	"^(tsc: Marking TSC unstable due to clocksource watchdog|TSC found unstable after boot, most likely due to broken BIOS\. Use 'tsc=unstable'\.|sched_clock: Marking unstable \(N, N\)<-\(N, -?N\))$"
	'^(Unstable clock detected, switching default tracing clock to "global"|If you want to keep using the local clock, then add:| ?"trace_clock=local"|on the kernel command line)$'
)

# Linux's complaints about firmware: never explained away.
COMPLAINTS='Firmware Bug|FW_BUG|BIOS bug|ACPI Error|ACPI BIOS Error|ACPI Warning|not reserved'

# The uncachable MTRR ranges wanted for -m 512M (top of low RAM 0x20000000): the legacy VGA
# window, and the 32-bit PCI/MMIO hole up to 4 GiB (on q35 with MMCONFIG at 0xB0000000).
WANT_MTRRS="0xa0000+128KB:uncachable
0x20000000+512MB:uncachable
0x40000000+1024MB:uncachable
0x80000000+2048MB:uncachable"

# fetch_kernel <flavour>: Debian's <flavour> kernel in the cache, downloaded if missing.
fetch_kernel() {
	local -a fk=("$LEAPBOOT_ROOT/tools/fetch-kernels" --flavour "$1")
	"${fk[@]}" --print >/dev/null 2>&1 && return 0
	leapboot_log "fetching Debian's $1 kernel with tools/fetch-kernels --flavour $1"
	"${fk[@]}" >/dev/null && return 0
	leapboot_fail "tools/fetch-kernels --flavour $1 could not provide Debian's $1 kernel (offline? run 'apt-get update')"
}

setup_file() {
	fetch_kernel cloud || return 1 # leapboot_setup_file checks the default kernel too
	fetch_kernel generic || return 1
	leapboot_setup_file || return 1
	GENERIC_KERNEL=$("$LEAPBOOT_ROOT/tools/fetch-kernels" --flavour generic --print) || return 1
	export GENERIC_KERNEL

	# The initrd: mkinitrd's busybox with our /init, plus a second cpio archive (Linux unpacks
	# concatenated ones) with the static wc-probe helper.
	local d=$BATS_FILE_TMPDIR base
	if ! base=$("$LEAPBOOT_ROOT/tools/mkinitrd" --init "$LEAPBOOT_ROOT/tests/lib/linux-log-init" \
		-o "$d/initrd-base.img") || [[ ! -s $base ]]; then
		leapboot_fail "tools/mkinitrd --init tests/lib/linux-log-init could not build the initramfs"
		return 1
	fi
	mkdir -p "$d/extra/bin"
	if ! gcc -static -O2 -Wall -o "$d/extra/bin/wc-probe" "$LEAPBOOT_ROOT/tests/lib/wc-probe.c"; then
		leapboot_fail "cannot build tests/lib/wc-probe.c with gcc -static (install gcc and libc6-dev)"
		return 1
	fi
	(cd "$d/extra" && echo bin/wc-probe | cpio --quiet -o -H newc -R 0:0) | gzip -n >"$d/extra.img" ||
		return 1
	cat "$base" "$d/extra.img" >"$d/initrd.img"
	export LOG_INITRD=$d/initrd.img
}

# --- the six boots ------------------------------------------------------------------------

# log_boot <machine> <leapboot|default>: the first call boots and saves the serial log in
# BATS_FILE_TMPDIR; every call loads it as BOOT_LOG (and the boot's command, status) and fails
# unless /init printed the whole kernel log and ended the VM.
log_boot() {
	local machine=$1 fw=$2
	local dir=$BATS_FILE_TMPDIR/boot-$machine-$fw lock
	local -a bios=()
	[[ $fw == leapboot ]] || bios=(--bios "")
	exec {lock}>"$dir.lock"
	flock "$lock"
	if [[ ! -e $dir/state ]]; then
		boot_leapboot "$machine" "${bios[@]}" -kernel "$GENERIC_KERNEL" -initrd "$LOG_INITRD" \
			-append "$BASE_CMDLINE loglevel=8" || true # a timeout is saved too, and fails below
		mkdir -p "$dir"
		cp "$BOOT_LOG" "$dir/serial.log"
		cp "$BOOT_STDERR" "$dir/qemu-stderr.log"
		cp "$BATS_TEST_TMPDIR/cmd-$BOOT_N.sh" "$dir/cmd.sh"
		printf 'BOOT_STATUS=%q BOOT_SECONDS=%q\n' "$BOOT_STATUS" "$BOOT_SECONDS" >"$dir/state"
	fi
	exec {lock}>&-
	BOOT_N=$((${BOOT_N:-0} + 1))
	BOOT_LOG=$BATS_TEST_TMPDIR/serial-$BOOT_N.log
	BOOT_STDERR=$BATS_TEST_TMPDIR/qemu-stderr-$BOOT_N.log
	cp "$dir/serial.log" "$BOOT_LOG"
	cp "$dir/qemu-stderr.log" "$BOOT_STDERR"
	cp "$dir/cmd.sh" "$BATS_TEST_TMPDIR/cmd-$BOOT_N.sh"
	# shellcheck source=/dev/null
	source "$dir/state"
	LOG_BOOT_OK=0
	refute_log '^leapboot: error:' "leapboot reported an error" || return 1
	assert_log '^LINUXLOG-DMESG-END$' "/init printed the whole kernel log ($fw firmware)" || return 1
	sed -n '/^LINUXLOG-DMESG-BEGIN$/{n;p;q}' "$BOOT_LOG" | grep -qE '^\[ *0\.0+\] Linux version ' ||
		leapboot_fail "the kernel log /init printed does not start at 'Linux version' (ring buffer overrun?)" ||
		return 1
	assert_log '^LEAPBOOT-POWEROFF$' "/init ran to its end" || return 1
	assert_status 1 "/init's isa-debug-exit" || return 1
	LOG_BOOT_OK=1
}

# The serial tail helps only when a boot went wrong: a failed check prints its own evidence.
teardown() {
	[[ ${LOG_BOOT_OK:-0} == 1 ]] || leapboot_teardown
}

# --- checks -------------------------------------------------------------------------------

# Every normalised line of the leapboot log that the default firmware's log lacks is explained
# (EXPLAINED) and no complaint; the unexplained ones are printed, with their original text.
check_compare() {
	local machine=$1 other
	log_boot "$machine" default || return 1
	other=$BOOT_LOG
	log_boot "$machine" leapboot || return 1
	local norm=$LEAPBOOT_ROOT/tests/lib/linux-log-normalise
	"$norm" "$other" | cut -f1 >"$BATS_TEST_TMPDIR/default.norm"
	"$norm" --pairs "$BOOT_LOG" >"$BATS_TEST_TMPDIR/leapboot.pairs"
	local n
	n=$(wc -l <"$BATS_TEST_TMPDIR/leapboot.pairs")
	((n > 200)) || {
		leapboot_fail "only $n distinct lines in the kernel log under leapboot: not a whole boot"
		return 1
	}
	local line norm_line orig re bad=()
	while IFS=$'\t' read -r norm_line orig; do
		grep -qxF -- "$norm_line" "$BATS_TEST_TMPDIR/default.norm" && continue
		if ! grep -qiE -- "$COMPLAINTS" <<<"$orig"; then
			for re in "${TIMING[@]}" "${EXPLAINED[@]}"; do
				[[ $norm_line =~ $re ]] && continue 2
			done
		fi
		bad+=("  $norm_line"$'\n'"      (e.g. '$orig')")
	done <"$BATS_TEST_TMPDIR/leapboot.pairs"
	((${#bad[@]} == 0)) && return 0
	for line in "${bad[@]}"; do printf '%s\n' "$line"; done >&2
	leapboot_fail "${#bad[@]} normalised line(s) of Linux's log appear under leapboot but not under QEMU's own firmware, and no entry of EXPLAINED covers them (listed above)"
}

check_no_complaints() {
	log_boot "$1" leapboot || return 1
	local hits
	hits=$(grep -aiE -- "$COMPLAINTS" "$BOOT_LOG" | sort -u)
	[[ -z $hits ]] || {
		leapboot_fail "Linux complains about the firmware under leapboot:
$hits"
		return 1
	}
}

check_pat_wc() {
	log_boot "$1" leapboot || return 1
	local line
	line=$(log_grep '\] x86/PAT: Configuration \[0-7\]:' | head -n 1)
	[[ -n $line ]] || {
		leapboot_fail "no 'x86/PAT: Configuration [0-7]:' line"
		return 1
	}
	[[ $line == *" WC "* ]] || {
		leapboot_fail "PAT has no write-combining entry: ${line#*] }
  $(log_grep '\] x86/PAT: ' | grep -v Configuration | sed 's/^\[ *[0-9.]*\] //' | head -n 1)"
		return 1
	}
}

check_mtrrs_enabled() {
	log_boot "$1" leapboot || return 1
	refute_log '\] (x86/PAT: )?MTRRs disabled' "Linux found the MTRRs disabled"
}

check_bios_vendor() {
	log_boot "$1" leapboot || return 1
	local v
	v=$(init_value LINUXLOG-BIOS-VENDOR) || return 1
	[[ $v == leapboot ]] ||
		leapboot_fail "/sys/class/dmi/id/bios_vendor reads '$v', expected 'leapboot' (kernel: $(log_grep '\] DMI[: ]' | head -n 1 | sed 's/^\[ *[0-9.]*\] //'))"
}

# /proc/mtrr as "base+size:type" lines, sorted by base.
proc_mtrr() {
	sed -n '/^LINUXLOG-MTRR-BEGIN$/,/^LINUXLOG-MTRR-END$/{//!p}' "$BOOT_LOG" |
		sed -E 's/^reg[0-9]+: base=0x0*([0-9a-f]+) \( *[0-9]+MB\), size= *([0-9]+[KMG]B), count=[0-9]+: (.*)$/0x\1+\2:\3/' |
		sort -t+ -k1,1
}

check_proc_mtrr() {
	log_boot "$1" leapboot || return 1
	local got want
	got=$(proc_mtrr)
	want=$(sort -t+ -k1,1 <<<"$WANT_MTRRS")
	[[ $got == "$want" ]] || {
		leapboot_fail "/proc/mtrr is not exactly the uncachable VGA window and 32-bit hole:
  want: $(tr '\n' ' ' <<<"$want")
  got:  $(tr '\n' ' ' <<<"${got:-(nothing)}")"
		return 1
	}
}

# The VGA's prefetchable BAR0 mapped through resource0_wc: the pattern reads back, and the
# kernel's PAT memtype list has the mapping as write-combining.
check_wc_mapping() {
	log_boot "$1" leapboot || return 1
	local vga bar0
	vga=$(init_value LINUXLOG-VGA) || return 1
	[[ $vga =~ ^[0-9a-f:.]+\ 0x0*([0-9a-f]+)\  ]] || {
		leapboot_fail "no VGA device with a BAR0 found by /init: LINUXLOG-VGA=$vga"
		return 1
	}
	bar0=$((16#${BASH_REMATCH[1]}))
	assert_log '^LINUXLOG-WC-BEGIN$' "$vga has a resource0_wc (the kernel can map it write-combining)" ||
		return 1
	assert_log '^WC-MAP=ok ' "mmap of resource0_wc" || return 1
	assert_log '^WC-PATTERN=ok$' "the pattern written through the mapping reads back" || return 1
	assert_log '^WC-PAT: PAT memtype list:' "debugfs x86/pat_memtype_list readable" || return 1
	local line start
	while IFS= read -r line; do
		[[ $line =~ \[mem\ 0x([0-9a-f]+)-0x[0-9a-f]+\]\ (.+)$ ]] || continue
		start=$((16#${BASH_REMATCH[1]}))
		((start == bar0)) || continue
		[[ ${BASH_REMATCH[2]} == write-combining ]] && return 0
		leapboot_fail "the resource0_wc mapping of BAR0 is '${BASH_REMATCH[2]}', not write-combining: ${line#WC-PAT: }"
		return 1
	done < <(log_grep '^WC-PAT: ')
	leapboot_fail "no PAT memtype entry at BAR0 $(printf '%#x' "$bar0"):
$(log_grep '^WC-PAT: ')"
}

# --- tests ----------------------------------------------------------------------------------

@test "pc: Linux's log under leapboot has no line SeaBIOS's lacks, except the explained ones" {
	check_compare pc
}
@test "pc: Linux finds no firmware bug under leapboot (Firmware Bug, ACPI Error, not reserved…)" {
	check_no_complaints pc
}
@test "pc: PAT has write-combining (x86/PAT: Configuration [0-7]: … WC …)" {
	check_pat_wc pc
}
@test "pc: Linux finds the MTRRs enabled" {
	check_mtrrs_enabled pc
}
@test "pc: /sys/class/dmi/id/bios_vendor is leapboot" {
	check_bios_vendor pc
}
@test "pc: /proc/mtrr is exactly UC for the VGA window and 0x20000000-4G" {
	check_proc_mtrr pc
}
@test "pc: the VGA BAR maps write-combining through resource0_wc" {
	check_wc_mapping pc
}

@test "q35: Linux's log under leapboot has no line SeaBIOS's lacks, except the explained ones" {
	check_compare q35
}
@test "q35: Linux finds no firmware bug under leapboot (Firmware Bug, ACPI Error, not reserved…)" {
	check_no_complaints q35
}
@test "q35: PAT has write-combining (x86/PAT: Configuration [0-7]: … WC …)" {
	check_pat_wc q35
}
@test "q35: Linux finds the MTRRs enabled" {
	check_mtrrs_enabled q35
}
@test "q35: /sys/class/dmi/id/bios_vendor is leapboot" {
	check_bios_vendor q35
}
@test "q35: /proc/mtrr is exactly UC for the VGA window and 0x20000000-4G" {
	check_proc_mtrr q35
}
@test "q35: the VGA BAR maps write-combining through resource0_wc" {
	check_wc_mapping q35
}

@test "microvm: Linux's log under leapboot has no line qboot's lacks, except the explained ones" {
	check_compare microvm
}
@test "microvm: Linux finds no firmware bug under leapboot (Firmware Bug, ACPI Error, not reserved…)" {
	check_no_complaints microvm
}
@test "microvm: PAT has write-combining (x86/PAT: Configuration [0-7]: … WC …)" {
	check_pat_wc microvm
}
@test "microvm: Linux finds the MTRRs enabled" {
	check_mtrrs_enabled microvm
}
# QEMU 7.2's microvm has no SMBIOS of its own (see platform.bats): leapboot must build one here.
@test "microvm: /sys/class/dmi/id/bios_vendor is leapboot" {
	check_bios_vendor microvm
}
@test "microvm: /proc/mtrr is exactly UC for the VGA window and 0x20000000-4G" {
	check_proc_mtrr microvm
}
# (microvm has no PCI, so no BAR to map write-combining.)
