# tests/lib/qemu.bash: helpers for the QEMU (TCG) boot tests, loaded by every tests/*.bats.
#
#   load lib/qemu                  # at the top of a .bats file
#   setup_file() { leapboot_setup_file; }
#
#   boot_leapboot q35 -m 512M -kernel "$LEAPBOOT_KERNEL" -initrd "$LEAPBOOT_INITRD" \
#           -append "$BASE_CMDLINE"
#   assert_userspace; assert_cmdline; assert_memory
#
# After boot_leapboot:
#   BOOT_STATUS   QEMU's exit status (isa-debug-exit: 1 = /init's poweroff, 3 = leapboot error)
#   BOOT_LOG      serial output with the \r of \r\n removed (BOOT_LOG_RAW: as received;
#                 BOOT_STDERR: QEMU's own stderr)
#   BOOT_CMDLINE  the command line as passed (including any tsc_early_khz added for microvm)
#   BOOT_MEM_MB   guest RAM in MiB (from -m, default 512)
#
# Environment:
#   LEAPBOOT_BIN      firmware under test (default <repo>/build/x86_64/leapboot.bin)
#   QEMU              QEMU binary (default qemu-system-x86_64)
#   BOOT_TIMEOUT      seconds before a boot counts as hung and fails the test (default 120)
#   LEAPBOOT_CACHE    used by tools/fetch-kernels and tools/mkinitrd

# Variables here are used by the .bats files; commas in QEMU arguments are not separators.
# shellcheck disable=SC2034,SC2054

LEAPBOOT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
QEMU=${QEMU:-qemu-system-x86_64}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}
BASE_CMDLINE="console=ttyS0 panic=-1"
VERBOSE_ARGS=(-fw_cfg name=opt/leapboot/verbose,string=1)

# Print to the test's output (shown by bats when the test fails).
leapboot_log() { printf '# %s\n' "$*" >&2; }

# Fail the current test with a message (the log tail is dumped by teardown).
leapboot_fail() {
	printf 'FAIL: %s\n' "$*" >&2
	return 1
}

# --- inputs -------------------------------------------------------------------------------

# Locate leapboot.bin, the Debian kernel and the test initramfs once per .bats file and export
# LEAPBOOT_BIN, LEAPBOOT_KERNEL, LEAPBOOT_INITRD and TSC_EARLY_KHZ. Missing inputs fail every
# test of the file with a message saying how to provide them; nothing is skipped.
leapboot_setup_file() {
	local bin=${LEAPBOOT_BIN:-build/x86_64/leapboot.bin}
	[[ $bin == /* ]] || bin=$LEAPBOOT_ROOT/$bin
	if [[ ! -s $bin ]]; then
		leapboot_fail "leapboot firmware '$bin' not found: run 'make' in $LEAPBOOT_ROOT (or set LEAPBOOT_BIN)"
		return 1
	fi
	export LEAPBOOT_BIN=$bin

	local kernel
	if ! kernel=$("$LEAPBOOT_ROOT/tools/fetch-kernels" --print) || [[ ! -s $kernel ]]; then
		leapboot_fail "no Debian kernel cached: run tools/fetch-kernels (needs network) first"
		return 1
	fi
	export LEAPBOOT_KERNEL=$kernel

	local initrd
	if ! initrd=$("$LEAPBOOT_ROOT/tools/mkinitrd") || [[ ! -s $initrd ]]; then
		leapboot_fail "tools/mkinitrd could not build the test initramfs (see its message above)"
		return 1
	fi
	export LEAPBOOT_INITRD=$initrd

	if ! command -v "$QEMU" >/dev/null; then
		leapboot_fail "$QEMU not found: install qemu-system-x86"
		return 1
	fi
	export TSC_EARLY_KHZ
	TSC_EARLY_KHZ=$(host_tsc_khz) || return 1
}

# Host CPU frequency in kHz ("cpu MHz" × 1000): TCG's TSC runs at this rate, and on microvm
# (no PIT/HPET to calibrate against) Linux hangs unless it is given as tsc_early_khz=.
host_tsc_khz() {
	local khz
	khz=$(awk -F: '/^cpu MHz/ { printf "%d\n", $2 * 1000; exit }' /proc/cpuinfo)
	if [[ -z $khz || $khz -le 0 ]]; then
		leapboot_fail "cannot read 'cpu MHz' from /proc/cpuinfo (needed for tsc_early_khz on microvm)"
		return 1
	fi
	echo "$khz"
}

# --- machines -----------------------------------------------------------------------------

machine_args() {
	case "$1" in
	pc) echo "pc" ;;
	q35) echo "q35" ;;
	microvm) echo "microvm,x-option-roms=off,isa-serial=on,rtc=on" ;;
	*) echo "$1" ;; # a full -M value
	esac
}

# "128M" / "2G" / "512" -> MiB
mem_to_mb() {
	local m=${1^^}
	case "$m" in
	*G) echo $((${m%G} * 1024)) ;;
	*M) echo "${m%M}" ;;
	*[0-9]) echo "$m" ;;
	*) return 1 ;;
	esac
}

# --- boot markers ---------------------------------------------------------------------------

# marker_args: sets MARKER_ARGS to isa-debugcon devices at 0xf4 and 0xf5 that write what they
# receive into MARKERS_F4 and MARKERS_F5; marker_bytes FILE prints such a file as hex ("0503").
marker_args() {
	MARKERS_F4=$BATS_TEST_TMPDIR/markers-f4-$((${BOOT_N:-0} + 1))
	MARKERS_F5=$BATS_TEST_TMPDIR/markers-f5-$((${BOOT_N:-0} + 1))
	MARKER_ARGS=(-chardev "file,id=m4,path=$MARKERS_F4" -device isa-debugcon,iobase=0xf4,chardev=m4
		-chardev "file,id=m5,path=$MARKERS_F5" -device isa-debugcon,iobase=0xf5,chardev=m5)
}
marker_bytes() { od -An -tx1 -v "$1" | tr -d ' \n'; }

# assert_markers <0xf5 bytes> <0xf4 bytes>: what the boot left in MARKERS_F5 and MARKERS_F4.
assert_markers() {
	local f5 f4
	f5=$(marker_bytes "$MARKERS_F5") f4=$(marker_bytes "$MARKERS_F4")
	[[ $f5 == "$1" ]] || leapboot_fail "port 0xf5 got '$f5', expected '$1'" || return 1
	[[ $f4 == "$2" ]] || leapboot_fail "port 0xf4 got '$f4', expected '$2'"
}

# --- booting ------------------------------------------------------------------------------

# boot_leapboot <machine> [--no-debug-exit] [--bios FILE] [extra qemu args…]
# Runs QEMU with leapboot (or FILE; "" for QEMU's own firmware) as -bios under timeout, serial on stdio into $BOOT_LOG. Adds -m 512M
# unless the args have -m, and the isa-debug-exit device at 0x501 unless --no-debug-exit is
# given (then the guest can end QEMU only by powering off, e.g. through ACPI S5, or by a
# reboot, which -no-reboot turns into an exit). On microvm, appends tsc_early_khz=<host kHz> to
# a command line given with -append or opt/leapboot/cmdline. Returns 0 whatever QEMU's status
# (see BOOT_STATUS), and fails the test if QEMU had to be killed by the timeout.
boot_leapboot() {
	local machine=$1
	shift
	local mspec
	mspec=$(machine_args "$machine")
	local -a args=()
	local have_mem=0 mem=512M debug_exit=1 bios=$LEAPBOOT_BIN
	BOOT_CMDLINE=

	while [[ $# -gt 0 ]]; do
		case "$1" in
		--no-debug-exit)
			debug_exit=0
			shift
			;;
		--bios)
			bios=$2 # "" = QEMU's own firmware for the machine
			shift 2
			;;
		-m)
			have_mem=1 mem=$2
			args+=("$1" "$2")
			shift 2
			;;
		-append)
			BOOT_CMDLINE=$2
			[[ $mspec == microvm* ]] && BOOT_CMDLINE+=" tsc_early_khz=$TSC_EARLY_KHZ"
			args+=(-append "$BOOT_CMDLINE")
			shift 2
			;;
		-fw_cfg)
			local spec=$2
			if [[ $spec == name=opt/leapboot/cmdline,string=* ]]; then
				BOOT_CMDLINE=${spec#name=opt/leapboot/cmdline,string=}
				if [[ $mspec == microvm* ]]; then
					BOOT_CMDLINE+=" tsc_early_khz=$TSC_EARLY_KHZ"
					spec="name=opt/leapboot/cmdline,string=$BOOT_CMDLINE"
				fi
				BOOT_CMDLINE=${BOOT_CMDLINE//,,/,} # QEMU's option escaping
			elif [[ $spec == name=opt/leapboot/cmdline,file=* ]]; then
				local f=${spec#name=opt/leapboot/cmdline,file=}
				BOOT_CMDLINE=$(cat "$f") || return 1
				if [[ $mspec == microvm* ]]; then
					BOOT_CMDLINE+=" tsc_early_khz=$TSC_EARLY_KHZ"
					f=$BATS_TEST_TMPDIR/cmdline-microvm.txt
					printf '%s' "$BOOT_CMDLINE" >"$f"
					spec="name=opt/leapboot/cmdline,file=$f"
				fi
			fi
			args+=(-fw_cfg "$spec")
			shift 2
			;;
		*)
			args+=("$1")
			shift
			;;
		esac
	done
	[[ $have_mem == 1 ]] || args+=(-m "$mem")
	BOOT_MEM_MB=$(mem_to_mb "$mem") || {
		leapboot_fail "boot_leapboot: cannot parse -m $mem"
		return 1
	}

	BOOT_ARGS=("$QEMU" -M "$mspec" -accel tcg -nographic -no-reboot)
	[[ -z $bios ]] || BOOT_ARGS+=(-bios "$bios")
	[[ $debug_exit == 0 ]] || BOOT_ARGS+=(-device isa-debug-exit,iobase=0x501,iosize=2)
	BOOT_ARGS+=("${args[@]}")
	# /init and leapboot's errors end QEMU through isa-debug-exit: (value << 1) | 1.
	BOOT_USERSPACE_STATUS=1 BOOT_ERROR_STATUS=3
	qemu_run
}

# qemu_run: runs BOOT_ARGS under the timeout, serial output into BOOT_LOG (see boot_leapboot).
qemu_run() {
	BOOT_N=$((${BOOT_N:-0} + 1))
	BOOT_LOG_RAW=$BATS_TEST_TMPDIR/serial-$BOOT_N.raw
	BOOT_LOG=$BATS_TEST_TMPDIR/serial-$BOOT_N.log
	BOOT_STDERR=$BATS_TEST_TMPDIR/qemu-stderr-$BOOT_N.log
	printf '%q ' "${BOOT_ARGS[@]}" >"$BATS_TEST_TMPDIR/cmd-$BOOT_N.sh"
	echo >>"$BATS_TEST_TMPDIR/cmd-$BOOT_N.sh"

	local t0=$SECONDS
	BOOT_STATUS=0
	timeout --kill-after=10 "$BOOT_TIMEOUT" "${BOOT_ARGS[@]}" \
		</dev/null >"$BOOT_LOG_RAW" 2>"$BOOT_STDERR" || BOOT_STATUS=$?
	BOOT_SECONDS=$((SECONDS - t0))
	tr -d '\r' <"$BOOT_LOG_RAW" >"$BOOT_LOG"

	if [[ $BOOT_STATUS == 124 || $BOOT_STATUS == 137 ]]; then
		BOOT_TIMED_OUT=1
		leapboot_fail "TIMEOUT: QEMU did not exit within ${BOOT_TIMEOUT}s (hung boot; status $BOOT_STATUS)"
		return 1
	fi
	BOOT_TIMED_OUT=0
	return 0
}

# --- dumping on failure -------------------------------------------------------------------

# The command, exit status, the tail of the serial log and QEMU's stderr of the last boot.
dump_boot() {
	[[ -n ${BOOT_LOG:-} ]] || return 0
	{
		echo "---- boot $BOOT_N: $(cat "$BATS_TEST_TMPDIR/cmd-$BOOT_N.sh")"
		echo "---- QEMU exit status $BOOT_STATUS after ${BOOT_SECONDS}s; $(wc -l <"$BOOT_LOG") serial lines in $BOOT_LOG"
		if grep -aq '^leapboot:' "$BOOT_LOG"; then
			echo "---- leapboot's lines:"
			grep -a '^leapboot:' "$BOOT_LOG" | head -n 20
		fi
		echo "---- last 30 serial lines:"
		tail -n 30 "$BOOT_LOG" | cut -c1-400
		if [[ -s $BOOT_STDERR ]]; then
			echo "---- QEMU stderr:"
			tail -n 20 "$BOOT_STDERR"
		fi
		echo "----"
	} >&2
}

# Default teardown: dump the last boot when the test failed. A .bats file that defines its own
# teardown() should call leapboot_teardown from it.
leapboot_teardown() {
	if [[ -z ${BATS_TEST_COMPLETED:-} ]]; then
		dump_boot
	fi
	return 0
}
teardown() { leapboot_teardown; }

# --- assertions ---------------------------------------------------------------------------

# Lines of the serial log matching an extended regex.
log_grep() { grep -aE -- "$1" "$BOOT_LOG"; }
log_count() { grep -acE -- "$1" "$BOOT_LOG" || true; }

assert_status() {
	[[ $BOOT_STATUS == "$1" ]] ||
		leapboot_fail "QEMU exit status is $BOOT_STATUS, expected $1${2:+ ($2)}"
}

assert_log() { # <ERE> [what]
	log_grep "$1" >/dev/null ||
		leapboot_fail "serial log has no line matching /$1/${2:+ ($2)}"
}

refute_log() { # <ERE> [what]
	local hit
	if hit=$(log_grep "$1" | head -n 3) && [[ -n $hit ]]; then
		leapboot_fail "serial log has a line matching /$1/${2:+ ($2)}: $hit"
		return 1
	fi
}

# The kernel ran /init: USERSPACE-UP printed, every file of the initrd intact, and /init ended
# QEMU (x86: isa-debug-exit, status 1; arm64: PSCI SYSTEM_OFF, status 0).
assert_userspace() {
	refute_log '^leapboot: error:' "leapboot reported an error" || return 1
	assert_log '^USERSPACE-UP$' "the kernel did not reach /init" || return 1
	assert_log '^LEAPBOOT-INITRD=ok$' "the initrd's files must match their recorded SHA-256" ||
		return 1
	assert_log '^LEAPBOOT-POWEROFF$' "/init ran to its end" || return 1
	assert_status "$BOOT_USERSPACE_STATUS" "/init's exit"
}

# The value after "<KEY>=" of the one /init line for KEY.
init_value() {
	local n line
	n=$(log_count "^$1=")
	[[ $n == 1 ]] || {
		leapboot_fail "expected one $1= line from /init, found $n"
		return 1
	}
	line=$(log_grep "^$1=")
	printf '%s\n' "${line#"$1"=}"
}

# /proc/cmdline as /init printed it equals the expected string exactly (default: BOOT_CMDLINE).
assert_cmdline() {
	local want=${1-$BOOT_CMDLINE}
	local got
	got=$(init_value LEAPBOOT-CMDLINE) || return 1
	if [[ "$got" != "$want" ]]; then
		leapboot_fail "command line differs (${#got} bytes received, ${#want} expected)
  want: '$want'
  got:  '$got'"
		return 1
	fi
}

# The kernel's own "Command line: …" printk equals the expected string (short cmdlines only:
# printk truncates long lines).
assert_kernel_cmdline() {
	local want=${1-$BOOT_CMDLINE}
	local got
	got=$(log_grep '^\[ *[0-9.]+\] Command line: ' | head -n 1)
	[[ -n $got ]] || {
		leapboot_fail "the kernel printed no 'Command line:' line"
		return 1
	}
	got=${got#*] Command line: }
	[[ "$got" == "$want" ]] ||
		leapboot_fail "kernel 'Command line:' differs
  want: '$want'
  got:  '$got'"
}

# MemTotal is plausible for -m: not above the RAM given, and not more than 1/16 of it plus
# 48 MiB (kernel image, memmap, reservations) below it.
assert_memory() {
	local mb=${1:-$BOOT_MEM_MB}
	local line kb max min
	line=$(log_grep '^LEAPBOOT-MEMTOTAL-KB=[0-9]+$' | head -n 1)
	[[ -n $line ]] || {
		leapboot_fail "no LEAPBOOT-MEMTOTAL-KB= line"
		return 1
	}
	kb=${line#LEAPBOOT-MEMTOTAL-KB=}
	max=$((mb * 1024))
	min=$((max - max / 16 - 48 * 1024))
	if ((kb > max || kb < min)); then
		leapboot_fail "MemTotal ${kb} kB is implausible for -m ${mb}M (expected ${min}..${max} kB)"
		return 1
	fi
}

# assert_leapboot_error <ERE>: exactly one "leapboot: error:" line, matching the regex;
# leapboot's error exit (x86: 3, its isa-debug-exit write of 1; arm64: 0, PSCI SYSTEM_OFF);
# the kernel never started.
assert_leapboot_error() {
	local re=$1
	local n line
	n=$(log_count '^leapboot: error:')
	[[ $n == 1 ]] || {
		leapboot_fail "expected exactly one 'leapboot: error:' line, found $n"
		return 1
	}
	line=$(log_grep '^leapboot: error:')
	[[ $line =~ $re ]] || {
		leapboot_fail "error line does not match /$re/: $line"
		return 1
	}
	[[ $line =~ ^leapboot:\ error:\ [a-z0-9_]+:\ [^[:space:]][^\(]*\ \(.+\)$ ]] || {
		leapboot_fail "error line is not 'leapboot: error: <stage>: <what> (<detail>)': $line"
		return 1
	}
	refute_log 'Linux version' "the kernel must not have started" || return 1
	assert_status "$BOOT_ERROR_STATUS" "leapboot's error exit"
}

# The value of the first verbose "leapboot: initrd: N bytes at 0xADDR" line, as a number.
verbose_initrd_addr() {
	local line
	line=$(log_grep '^leapboot: initrd: [0-9]+ bytes at 0x[0-9a-fA-F]+' | head -n 1)
	[[ -n $line ]] || {
		leapboot_fail "no verbose 'leapboot: initrd: N bytes at 0x…' line"
		return 1
	}
	[[ $line =~ at\ (0x[0-9a-fA-F]+) ]]
	echo "$((BASH_REMATCH[1]))"
}
