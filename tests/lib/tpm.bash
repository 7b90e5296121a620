# tests/lib/tpm.bash: a software TPM 2.0 (swtpm) for the measured-boot tests, and the helpers
# that compare what the guest's TPM holds with what the firmware's event log says (issue 24),
# for tests/tpm.bats. Loaded after lib/qemu (it uses BOOT_LOG, init_value, leapboot_fail).
#
#   load lib/qemu
#   load lib/tpm
#   setup_file() { leapboot_setup_file && tpm_setup_file; }
#   teardown() { tpm_teardown; }                    # stops the swtpm even after a failure
#
#   tpm_start --banks sha256                        # in the test (or setup), never in setup_file
#   tpm_boot q35 tis --bios ""                      # SeaBIOS; without --bios: leapboot
#   assert_userspace
#   assert_log_replays sha256 0 1 2 3 4 5 6 7
#
# swtpm: one per test, `swtpm socket --tpm2` on a control socket only (QEMU's emulator backend
# hands it the data channel), its state in a fresh directory under $TMPDIR that tpm_stop
# removes. It runs as a child of the test's shell (not --daemon, whose orphan nobody here
# would reap), so tpm_stop can kill it by its PID and wait for it. After a boot it keeps
# running; QEMU's next connection resets it (CMD_INIT), so one TPM can serve several boots.
#
# Banks: a fresh swtpm 0.7.1 (libtpms 0.9) state has all four PCR banks allocated: sha1,
# sha256, sha384, sha512 ("--banks all", no swtpm_setup). Any other set is made by
# `swtpm_setup --tpm2 --pcr-banks LIST --config /dev/null` first: /dev/null as its
# configuration means no certificate tool and no EK, which is all these tests need (the
# default /etc/swtpm_setup.conf would do the same, but it is the machine's, not ours).
#
# fake-swtpm (tests/lib/fake-swtpm, for the failure cases of tests/bad-input.bats): a TPM that
# speaks swtpm's control protocol to QEMU and answers leapboot's commands well by default, or
# with a chosen fault (an error code, a wrong tag, a size field that lies, no answer, a hang-up,
# a bank leapboot cannot hash). tpm_start_fake starts it in the same TPM_PID/TPM_DIR/TPM_SOCK
# as tpm_start, so tpm_qemu_args, tpm_boot, tpm_stop and tpm_teardown serve both; it logs each
# command it got and each fault it applied to TPM_FAKE_LOG.
#
# The guest side is tests/lib/tpm-init, built once per .bats file into TPM_INITRD; it prints
# LEAPBOOT-TPM=present|absent, LEAPBOOT-TPM-DRIVER=, LEAPBOOT-PCR-<bank>-<n>=<hex> (n 0..15,
# lower-case) for each bank the kernel shows, and the event log in base64 between
# LEAPBOOT-TPM-LOG-BEGIN and LEAPBOOT-TPM-LOG-END (or LEAPBOOT-TPM-LOG=none).
#
# The host replays the log with tpm2_eventlog (tpm2-tools 5.4), whose YAML ends with the
# replayed PCRs of every bank in the log's Spec ID event, only those PCRs that have events:
#
#   pcrs:
#     sha256:
#       0  : 0xe21b703ee69c77476bccb43ec0336a9a1b2914b378944f7b00a10214ca8fea93
#       ...
#
# It exits 1 with "ERROR: failed to parse tpm2 eventlog" and no pcrs: section on a truncated
# log, and may crash (status 139) on garbage: tpm_replay fails on either.
#
# Functions (each prints its message and returns 1 on failure):
#   tpm_setup_file [--arch arm64] checks swtpm, swtpm_setup, tpm2_eventlog, base64; exports
#                                TPM_INITRD ($LEAPBOOT_CACHE/initrd-tpm.img; arm64:
#                                initrd-tpm-arm64.img, with the tpm_tis_core and tpm_tis
#                                modules of Debian's arm64 cloud kernel, which tpm-init loads)
#   tpm_start [--banks all|LIST] starts swtpm; sets TPM_PID, TPM_DIR, TPM_SOCK, TPM_BANKS,
#                                TPM_START_MS (swtpm_setup and start-up, milliseconds)
#   tpm_start_fake [FAULT] [fake-swtpm options…]
#                                starts fake-swtpm (FAULT: none, the default, or one of its
#                                --fault names); sets what tpm_start sets (TPM_BANKS: the
#                                --banks given, else all four) and TPM_FAKE_LOG
#   assert_fake_log ERE [what]   the fake's log has a line matching ERE
#   refute_fake_log ERE [what]   it has none
#   tpm_stop                     kills TPM_PID (TERM, then KILL after 5 s), reaps it, removes
#                                TPM_DIR; fails if the process outlived that
#   tpm_teardown                 tpm_stop, tpm_assert_no_leftover, leapboot_teardown
#   tpm_assert_no_leftover       no swtpm that tpm_start started in this .bats file still runs
#   tpm_qemu_args tis|crb|tis-device
#                                prints the QEMU arguments for the running swtpm, one a line
#   tpm_boot MACHINE tis|crb|none [--bios FILE] [qemu args…]
#                                boot_leapboot with TPM_INITRD, the Debian kernel and
#                                BASE_CMDLINE; sets TPM_BOOT_MS (QEMU's wall time)
#   tpm_guest_pcr BANK N         prints the guest's PCR N of BANK (hex, from BOOT_LOG)
#   predicted PREDICTION BANK N  the value of PCR N in tools/leapboot-pcr's "BANK:N HEX" lines
#   assert_predicted PREDICTION BANK N...
#                                the guest's PCRs are those of the prediction
#   tpm_guest_banks              prints the banks the guest shows, space-separated
#   tpm_guest_log FILE           decodes the guest's event log into FILE
#   tpm_log_file                 prints the decoded log of the last boot (decodes it once)
#   tpm_log_banks FILE           prints the log's banks (its Spec ID event), space-separated
#   tpm_log_pcrs FILE BANK       prints the PCRs the log extends in BANK, space-separated
#   tpm_replay FILE BANK N       prints PCR N of BANK replayed from the log in FILE (hex); a
#                                PCR 0..15 without events prints its reset value, zeros
#   tpm_zero BANK                prints BANK's all-zero digest (hex)
#   assert_log_replays BANK N…   guest PCR == replay of the guest's log, for each N
#   assert_log_measures BANK N…  the guest's log has an event for each PCR N in BANK
#   assert_log_no_events BANK N… the guest's log has no event for any PCR N in BANK
#   assert_guest_pcr_zero BANK N…  the guest's PCR N of BANK is all zeros, for each N

# shellcheck disable=SC2034,SC2054  # variables for the .bats files; commas are not separators

TPM_ALL_BANKS="sha1 sha256 sha384 sha512"
TPM_CACHE_ROOT=${LEAPBOOT_CACHE:-$HOME/.cache/leapboot}

# tpm_digest_len BANK: the digest's size in bytes.
tpm_digest_len() {
	case "$1" in
	sha1) echo 20 ;;
	sha256) echo 32 ;;
	sha384) echo 48 ;;
	sha512) echo 64 ;;
	*)
		leapboot_fail "unknown PCR bank '$1' (sha1, sha256, sha384 or sha512)"
		return 1
		;;
	esac
}

tpm_zero() {
	local n
	n=$(tpm_digest_len "$1") || return 1
	printf '%0*d\n' $((2 * n)) 0
}

# --- inputs ---------------------------------------------------------------------------------

# The tools and the guest initrd, once per .bats file; a missing one fails every test of the
# file with a message saying how to get it. arm64: Debian's arm64 cloud kernel has the TIS
# driver as modules (CONFIG_TCG_TIS=m), which the initrd carries and tpm-init loads.
tpm_setup_file() {
	local t arch=amd64
	if [[ ${1:-} == --arch ]]; then
		arch=${2:-}
		[[ $arch == arm64 ]] || {
			leapboot_fail "tpm_setup_file: --arch '$arch' (only arm64 is another)"
			return 1
		}
	fi
	for t in swtpm swtpm_setup tpm2_eventlog base64; do
		command -v "$t" >/dev/null || {
			leapboot_fail "$t not found: install swtpm swtpm-tools tpm2-tools (tools/install-deps does)"
			return 1
		}
	done
	if [[ $arch == arm64 ]]; then
		local mods
		if ! mods=$("$LEAPBOOT_ROOT/tools/fetch-kernels" --arch arm64 --print-modules); then
			leapboot_fail "no modules of the arm64 kernel cached: run tools/fetch-kernels --arch arm64"
			return 1
		fi
		if ! TPM_INITRD=$("$LEAPBOOT_ROOT/tools/mkinitrd" --arch arm64 \
			--init "$LEAPBOOT_ROOT/tests/lib/tpm-init" --modules "$mods" \
			--module-list tpm_tis_core,tpm_tis -o "$TPM_CACHE_ROOT/initrd-tpm-arm64.img"); then
			leapboot_fail "tools/mkinitrd could not build the arm64 TPM initrd (see its message above)"
			return 1
		fi
	elif [[ -z ${TPM_INITRD:-} ]]; then
		if ! TPM_INITRD=$("$LEAPBOOT_ROOT/tools/mkinitrd" --init "$LEAPBOOT_ROOT/tests/lib/tpm-init" \
			-o "$TPM_CACHE_ROOT/initrd-tpm.img"); then
			leapboot_fail "tools/mkinitrd could not build the TPM initrd (see its message above)"
			return 1
		fi
	fi
	[[ -s $TPM_INITRD ]] || {
		leapboot_fail "$TPM_INITRD: missing or empty"
		return 1
	}
	# A copy of this file's own: the cached one is rebuilt when another checkout's tests
	# run, and a boot and its PCR prediction must read the same bytes.
	if [[ -n ${BATS_FILE_TMPDIR:-} ]]; then
		cp "$TPM_INITRD" "$BATS_FILE_TMPDIR/initrd-tpm.img" || return 1
		TPM_INITRD=$BATS_FILE_TMPDIR/initrd-tpm.img
	fi
	export TPM_INITRD
}

# --- swtpm ----------------------------------------------------------------------------------

# The PIDs and state directories of every swtpm tpm_start started in this .bats file, one
# "PID DIR" a line, for tpm_assert_no_leftover.
tpm_started_list() { echo "${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}/tpm-started"; }

# tpm_is_ours PID DIR: PID is (still) the swtpm that serves DIR, not a reused PID. A zombie
# has an empty cmdline and counts as not running.
tpm_is_ours() {
	local cmd
	cmd=$({ tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null) || return 1
	[[ $cmd == *swtpm* && $cmd == *"$2"* ]]
}

tpm_start() {
	local banks=all
	while [[ $# -gt 0 ]]; do
		case "$1" in
		--banks)
			banks=${2:-}
			shift 2 || {
				leapboot_fail "tpm_start: --banks needs a value"
				return 1
			}
			;;
		*)
			leapboot_fail "tpm_start: unknown argument '$1'"
			return 1
			;;
		esac
	done
	if [[ -n ${TPM_PID:-} ]]; then
		leapboot_fail "tpm_start: swtpm $TPM_PID is still running (tpm_stop first)"
		return 1
	fi
	local b
	if [[ $banks == all ]]; then
		TPM_BANKS=$TPM_ALL_BANKS
	else
		TPM_BANKS=${banks//,/ }
		for b in $TPM_BANKS; do
			tpm_digest_len "$b" >/dev/null || return 1
		done
	fi

	local t0=${EPOCHREALTIME/./}
	TPM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/leapboot-tpm.XXXXXX") || return 1
	TPM_SOCK=$TPM_DIR/ctrl.sock
	# QEMU's -chardev path cannot hold a comma; a Unix socket path has at most 107 bytes.
	if [[ $TPM_SOCK == *,* || ${#TPM_SOCK} -gt 107 ]]; then
		leapboot_fail "tpm_start: socket path '$TPM_SOCK' has a comma or is too long (set TMPDIR)"
		rm -rf "$TPM_DIR"
		return 1
	fi
	if [[ $banks != all ]]; then
		if ! swtpm_setup --tpm2 --tpmstate "$TPM_DIR" --pcr-banks "${banks// /,}" \
			--config /dev/null --logfile "$TPM_DIR/setup.log" </dev/null >/dev/null 2>&1 3>&-; then
			leapboot_fail "swtpm_setup --pcr-banks $banks failed: $(tail -n 5 "$TPM_DIR/setup.log" 2>/dev/null)"
			rm -rf "$TPM_DIR"
			return 1
		fi
	fi
	# fd 3 is bats' output: a background process that keeps it open hangs bats.
	swtpm socket --tpm2 --tpmstate "dir=$TPM_DIR" --ctrl "type=unixio,path=$TPM_SOCK" \
		--log "file=$TPM_DIR/swtpm.log" </dev/null >/dev/null 2>&1 3>&- &
	TPM_PID=$!
	echo "$TPM_PID $TPM_DIR" >>"$(tpm_started_list)"
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -S $TPM_SOCK ]] && break
		kill -0 "$TPM_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [[ ! -S $TPM_SOCK ]]; then
		leapboot_fail "swtpm did not create $TPM_SOCK within 5 s: $(tail -n 5 "$TPM_DIR/swtpm.log" 2>/dev/null)"
		tpm_stop
		return 1
	fi
	TPM_START_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
}

tpm_stop() {
	local pid=${TPM_PID:-} dir=${TPM_DIR:-} rc=0 i
	if [[ -n $pid ]]; then
		if tpm_is_ours "$pid" "$dir"; then
			kill -TERM "$pid" 2>/dev/null
			for ((i = 0; i < 100; i++)); do
				tpm_is_ours "$pid" "$dir" || break
				sleep 0.05
			done
			if tpm_is_ours "$pid" "$dir"; then
				kill -KILL "$pid" 2>/dev/null
				sleep 0.2
			fi
		fi
		wait "$pid" 2>/dev/null # reap it (it is this shell's child)
		if tpm_is_ours "$pid" "$dir"; then
			leapboot_fail "swtpm $pid survived SIGTERM and SIGKILL"
			rc=1
		fi
	fi
	if [[ -n $dir && $dir == */leapboot-tpm.* ]]; then
		rm -rf "$dir"
	fi
	TPM_PID="" TPM_DIR="" TPM_SOCK="" TPM_FAKE_LOG=""
	return $rc
}

# --- fake-swtpm -----------------------------------------------------------------------------

tpm_start_fake() {
	local fault=none
	if [[ $# -gt 0 && $1 != -* ]]; then
		fault=$1
		shift
	fi
	if [[ -n ${TPM_PID:-} ]]; then
		leapboot_fail "tpm_start_fake: TPM $TPM_PID is still running (tpm_stop first)"
		return 1
	fi
	local a prev=
	TPM_BANKS=$TPM_ALL_BANKS
	for a in "$@"; do
		[[ $prev == --banks ]] && TPM_BANKS=${a//,/ }
		prev=$a
	done

	local t0=${EPOCHREALTIME/./}
	TPM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/leapboot-tpm.XXXXXX") || return 1
	TPM_SOCK=$TPM_DIR/ctrl.sock TPM_FAKE_LOG=$TPM_DIR/fake.log
	if [[ $TPM_SOCK == *,* || ${#TPM_SOCK} -gt 107 ]]; then
		leapboot_fail "tpm_start_fake: socket path '$TPM_SOCK' has a comma or is too long (set TMPDIR)"
		rm -rf "$TPM_DIR"
		return 1
	fi
	# fd 3 is bats' output: a background process that keeps it open hangs bats.
	"$LEAPBOOT_ROOT/tests/lib/fake-swtpm" --ctrl "$TPM_SOCK" --log "$TPM_FAKE_LOG" \
		--fault "$fault" "$@" </dev/null >"$TPM_DIR/fake.err" 2>&1 3>&- &
	TPM_PID=$!
	echo "$TPM_PID $TPM_DIR" >>"$(tpm_started_list)"
	# Python's start can take a second (a pyenv shim): up to 10 s.
	local i
	for ((i = 0; i < 200; i++)); do
		[[ -S $TPM_SOCK ]] && break
		kill -0 "$TPM_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [[ ! -S $TPM_SOCK ]]; then
		leapboot_fail "fake-swtpm did not create $TPM_SOCK within 10 s: $(tail -n 5 "$TPM_DIR/fake.err" 2>/dev/null)"
		tpm_stop
		return 1
	fi
	TPM_START_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
}

assert_fake_log() { # <ERE> [what]
	grep -qE -- "$1" "${TPM_FAKE_LOG:-/dev/null}" ||
		leapboot_fail "fake-swtpm's log has no line matching /$1/${2:+ ($2)}"
}

refute_fake_log() { # <ERE> [what]
	local hit
	if hit=$(grep -E -- "$1" "${TPM_FAKE_LOG:-/dev/null}" | head -n 3) && [[ -n $hit ]]; then
		leapboot_fail "fake-swtpm's log has a line matching /$1/${2:+ ($2)}: $hit"
		return 1
	fi
}

# Every swtpm tpm_start started in this .bats file has ended (by tpm_stop or by itself).
tpm_assert_no_leftover() {
	local list pid dir left=
	list=$(tpm_started_list)
	[[ -s $list ]] || return 0
	while read -r pid dir; do
		if tpm_is_ours "$pid" "$dir"; then
			left+=" $pid"
		fi
	done <"$list"
	[[ -z $left ]] || leapboot_fail "swtpm still running after the test:$left"
}

# teardown for the TPM tests: stop the test's swtpm whatever happened, check that none is
# left, and dump the boot if the test failed.
tpm_teardown() {
	local rc=0
	if [[ -z ${BATS_TEST_COMPLETED:-} ]]; then
		if [[ -n ${TPM_DIR:-} && -s $TPM_DIR/swtpm.log ]]; then
			{
				echo "---- swtpm's log:"
				tail -n 10 "$TPM_DIR/swtpm.log"
			} >&2
		fi
		if [[ -n ${TPM_FAKE_LOG:-} && -s $TPM_FAKE_LOG ]]; then
			{
				echo "---- fake-swtpm's log (its last 15 lines):"
				tail -n 15 "$TPM_FAKE_LOG"
			} >&2
		fi
		# The serial log's tail is mostly the event log's base64: the TPM lines first.
		if [[ -n ${BOOT_LOG:-} && -s $BOOT_LOG ]] && log_grep '^LEAPBOOT-TPM' >/dev/null; then
			{
				echo "---- the guest's TPM lines (of its PCRs, the sha256 bank's):"
				log_grep '^LEAPBOOT-(TPM[-=]|PCR-sha256-)' | grep -v '^LEAPBOOT-TPM-LOG-'
			} >&2
		fi
	fi
	tpm_stop || rc=1
	tpm_assert_no_leftover || rc=1
	leapboot_teardown
	return $rc
}

# tpm_qemu_args tis|crb|tis-device: QEMU's arguments for the running swtpm, one a line (read
# them with mapfile -t): the control socket as a chardev, the emulator backend, and the TPM
# device (tpm-tis at 0xFED40000, or tpm-crb; QEMU 7.2 takes both on pc and q35, not on
# microvm; tpm-tis-device is arm virt's, on its platform bus).
tpm_qemu_args() {
	local dev
	case "${1:-}" in
	tis) dev=tpm-tis ;;
	crb) dev=tpm-crb ;;
	tis-device) dev=tpm-tis-device ;;
	*)
		leapboot_fail "tpm_qemu_args: interface '${1:-}' is not tis, crb or tis-device"
		return 1
		;;
	esac
	[[ -n ${TPM_SOCK:-} ]] || {
		leapboot_fail "tpm_qemu_args: no swtpm running (tpm_start first)"
		return 1
	}
	printf '%s\n' -chardev "socket,id=chrtpm,path=$TPM_SOCK" \
		-tpmdev emulator,id=tpm0,chardev=chrtpm -device "$dev,tpmdev=tpm0"
}

# tpm_boot MACHINE tis|crb|none [--bios FILE] [qemu args…]: the Debian kernel with TPM_INITRD
# and BASE_CMDLINE through boot_leapboot (leapboot as -bios unless --bios says otherwise; ""
# is QEMU's own firmware, SeaBIOS on pc and q35), with the running swtpm as the given
# interface ("none": no TPM device). TPM_BOOT_MS: QEMU's wall time in milliseconds.
tpm_boot() {
	local machine=$1 iface=$2
	shift 2
	local -a targs=()
	if [[ $iface != none ]]; then
		mapfile -t targs < <(tpm_qemu_args "$iface")
		[[ ${#targs[@]} -gt 0 ]] || return 1
	fi
	local t0=${EPOCHREALTIME/./} rc=0
	boot_leapboot "$machine" "$@" "${targs[@]}" -kernel "$LEAPBOOT_KERNEL" -initrd "$TPM_INITRD" \
		-append "$BASE_CMDLINE" || rc=1
	TPM_BOOT_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
	return $rc
}

# "3.21 s" from milliseconds.
tpm_secs() { printf '%d.%02d s\n' $(($1 / 1000)) $(($1 % 1000 / 10)); }

# --- the guest's view -----------------------------------------------------------------------

tpm_guest_pcr() {
	local bank=$1 n=$2 v len
	len=$(tpm_digest_len "$bank") || return 1
	v=$(init_value "LEAPBOOT-PCR-$bank-$n") || return 1
	[[ $v =~ ^[0-9a-f]+$ && ${#v} == $((2 * len)) ]] || {
		leapboot_fail "guest PCR $n of $bank is '$v', not $len bytes of hex"
		return 1
	}
	echo "$v"
}

tpm_guest_banks() {
	log_grep '^LEAPBOOT-PCR-[a-z0-9]+-0=' | sed 's/^LEAPBOOT-PCR-\([a-z0-9]*\)-0=.*/\1/' | paste -sd ' '
}

# tpm_guest_log FILE: the base64 between the markers (exactly one pair, no LEAPBOOT-TPM-LOG=
# none), decoded; fails on a missing, empty or undecodable log.
tpm_guest_log() {
	local out=$1 nb ne
	if log_grep '^LEAPBOOT-TPM-LOG=none$' >/dev/null; then
		leapboot_fail "the guest has no TPM event log (LEAPBOOT-TPM-LOG=none)"
		return 1
	fi
	nb=$(log_count '^LEAPBOOT-TPM-LOG-BEGIN$') ne=$(log_count '^LEAPBOOT-TPM-LOG-END$')
	[[ $nb == 1 && $ne == 1 ]] || {
		leapboot_fail "expected one LEAPBOOT-TPM-LOG-BEGIN and one -END line, found $nb and $ne"
		return 1
	}
	if ! sed -n '/^LEAPBOOT-TPM-LOG-BEGIN$/,/^LEAPBOOT-TPM-LOG-END$/p' "$BOOT_LOG" | sed '1d;$d' |
		base64 -d >"$out" 2>"$out.err"; then
		leapboot_fail "the guest's event log is not valid base64: $(head -c 200 "$out.err")"
		return 1
	fi
	[[ -s $out ]] || leapboot_fail "the guest's event log is empty"
}

tpm_log_file() {
	local f=$BATS_TEST_TMPDIR/tpm-log-$BOOT_N.bin
	[[ -s $f ]] || tpm_guest_log "$f" || return 1
	echo "$f"
}

# tpm_eventlog FILE: tpm2_eventlog's YAML of FILE, which must parse and end with the pcrs:
# section. Kept beside FILE as FILE.yaml (for a failing test's reader, and reused while FILE
# is not newer).
tpm_eventlog() {
	local st=0
	if [[ -s $1.yaml && ! $1.yaml -ot $1 ]]; then
		cat "$1.yaml"
		return 0
	fi
	tpm2_eventlog "$1" >"$1.yaml.tmp" 2>"$1.yaml.err" || st=$?
	if [[ $st != 0 ]]; then
		leapboot_fail "tpm2_eventlog $1 failed (status $st): $(head -c 300 "$1.yaml.err")"
		return 1
	fi
	grep -q '^pcrs:' "$1.yaml.tmp" || {
		leapboot_fail "tpm2_eventlog $1 printed no pcrs: section"
		return 1
	}
	mv -f "$1.yaml.tmp" "$1.yaml" && cat "$1.yaml"
}

tpm_log_banks() {
	local y
	y=$(tpm_eventlog "$1") || return 1
	awk '/^ *algorithmId: / { print $2 } /^- EventNum: 1$/ { exit }' <<<"$y" | paste -sd ' '
}

# tpm_replay_section BANK: "N HEX" for each PCR of BANK in the pcrs: section on stdin.
tpm_replay_section() {
	awk -v bank="$1" '
		/^pcrs:$/ { p = 1; next }
		!p { next }
		/^  [a-z0-9]+:$/ { b = $1; sub(/:$/, "", b); next }
		b == bank && $2 == ":" { v = $3; sub(/^0x/, "", v); print $1, tolower(v) }'
}

# tpm_log_pcrs FILE BANK: the PCRs (space-separated) that the log extends in BANK.
tpm_log_pcrs() {
	local y
	y=$(tpm_eventlog "$1") || return 1
	tpm_replay_section "$2" <<<"$y" | cut -d' ' -f1 | paste -sd ' '
}

tpm_replay() {
	local file=$1 bank=$2 n=$3 y v len
	len=$(tpm_digest_len "$bank") || return 1
	y=$(tpm_eventlog "$file") || return 1
	v=$(tpm_replay_section "$bank" <<<"$y" | awk -v n="$n" '$1 == n { print $2; exit }')
	if [[ -z $v ]]; then
		if [[ " $(tpm_log_banks "$file") " != *" $bank "* ]]; then
			leapboot_fail "the event log has no $bank bank (its banks: $(tpm_log_banks "$file"))"
			return 1
		fi
		# No event for the PCR: it holds its reset value (zeros for PCRs 0-15).
		((n >= 0 && n <= 15)) || {
			leapboot_fail "PCR $n has no event in the log, and its reset value is not zero"
			return 1
		}
		v=$(tpm_zero "$bank")
	fi
	[[ ${#v} == $((2 * len)) ]] || {
		leapboot_fail "replayed PCR $n of $bank is '$v', not $len bytes"
		return 1
	}
	echo "$v"
}

# --- assertions -----------------------------------------------------------------------------

# tpm_guest_read BANK: the guest's PCR lines of BANK into the associative array TPM_GUEST_PCRS
# (PCR number -> hex; "duplicate" for a PCR printed twice), in one pass over the serial log.
# bats traces every command, so the assertions below read each log once rather than per PCR.
tpm_guest_read() {
	local n v
	declare -gA TPM_GUEST_PCRS=()
	while IFS='=' read -r n v; do
		n=${n#"LEAPBOOT-PCR-$1-"}
		if [[ -z ${TPM_GUEST_PCRS[$n]+x} ]]; then TPM_GUEST_PCRS[$n]=$v; else TPM_GUEST_PCRS[$n]=duplicate; fi
	done < <(log_grep "^LEAPBOOT-PCR-$1-[0-9]+=")
}

# tpm_guest_get BANK N ZERO: TPM_GUEST_PCRS[N] if it is a digest as long as ZERO, else
# tpm_guest_pcr's check and message.
tpm_guest_get() {
	local v=${TPM_GUEST_PCRS[$2]:-}
	if [[ $v =~ ^[0-9a-f]+$ && ${#v} == "${#3}" ]]; then echo "$v"; else tpm_guest_pcr "$1" "$2"; fi
}

assert_log_replays() {
	local bank=$1 n log y zero want got bad=
	shift
	zero=$(tpm_zero "$bank") || return 1
	log=$(tpm_log_file) || return 1
	y=$(tpm_eventlog "$log") || return 1
	[[ " $(tpm_log_banks "$log") " == *" $bank "* ]] ||
		leapboot_fail "the event log has no $bank bank (its banks: $(tpm_log_banks "$log"))" || return 1
	local -A rep=()
	while read -r n want; do rep[$n]=$want; done < <(tpm_replay_section "$bank" <<<"$y")
	tpm_guest_read "$bank"
	for n in "$@"; do
		want=${rep[$n]:-}
		if [[ -z $want ]]; then
			# No event for the PCR: it holds its reset value (zeros for PCRs 0-15).
			((n >= 0 && n <= 15)) ||
				leapboot_fail "PCR $n has no event in the log, and its reset value is not zero" || return 1
			want=$zero
		fi
		got=$(tpm_guest_get "$bank" "$n" "$zero") || return 1
		[[ $got == "$want" ]] || bad+="
  PCR $n: guest  $got
         replay $want"
	done
	[[ -z $bad ]] || leapboot_fail "the guest's $bank PCRs differ from the replay of its log ($log):$bad"
}

# assert_log_measures BANK N…: the guest's log has at least one event for each PCR N in BANK
# (so that a replay equal to the guest's PCRs is not two sets of zeros agreeing).
assert_log_measures() {
	local bank=$1 n log have miss=
	shift
	log=$(tpm_log_file) || return 1
	have=$(tpm_log_pcrs "$log" "$bank") || return 1
	for n in "$@"; do
		[[ " $have " == *" $n "* ]] || miss+=" $n"
	done
	[[ -z $miss ]] || leapboot_fail "the log has no $bank event for PCR(s)$miss (it extends: $have)"
}

# assert_log_no_events BANK N…: the guest's log extends none of the PCRs N in BANK.
assert_log_no_events() {
	local bank=$1 n log have hit=
	shift
	log=$(tpm_log_file) || return 1
	have=$(tpm_log_pcrs "$log" "$bank") || return 1
	for n in "$@"; do
		[[ " $have " != *" $n "* ]] || hit+=" $n"
	done
	[[ -z $hit ]] || leapboot_fail "the log has $bank events for PCR(s)$hit"
}

# predicted PREDICTION BANK N: the value of PCR N in a prediction.
predicted() { awk -v k="$2:$3" '$1 == k { print $2 }' <<<"$1"; }

# assert_predicted PREDICTION BANK N...: the guest's PCRs are the predicted ones.
assert_predicted() {
	local p=$1 bank=$2 n want got
	shift 2
	for n; do
		want=$(predicted "$p" "$bank" "$n")
		got=$(tpm_guest_pcr "$bank" "$n") || return 1
		[[ -n $want && $got == "$want" ]] ||
			leapboot_fail "$bank PCR $n: the guest has $got, leapboot-pcr predicted '$want'" ||
			return 1
	done
}

assert_guest_pcr_zero() {
	local bank=$1 n got zero bad=
	shift
	zero=$(tpm_zero "$bank") || return 1
	tpm_guest_read "$bank"
	for n in "$@"; do
		got=$(tpm_guest_get "$bank" "$n" "$zero") || return 1
		[[ $got == "$zero" ]] || bad+=" $n=$got"
	done
	[[ -z $bad ]] || leapboot_fail "$bank PCRs are not zero:$bad"
}
