# tests/lib/xen.bash: Debian's Xen hypervisor with a Debian kernel as dom0, booted through
# multiboot (issue 23), for tests/xen.bats. Loaded after lib/qemu (it uses BOOT_*, qemu_run's
# files, dump_boot and the assertions there).
#
#   load lib/qemu
#   load lib/xen
#   setup_file() { xen_setup_file; }
#
#   FIRMWARE= xen_boot q35                                # QEMU's default: SeaBIOS + multiboot ROM
#   FIRMWARE=build/x86_64/leapboot.bin xen_boot q35       # the same, with leapboot as -bios
#   assert_xen_dom0
#
# What runs (QEMU loads Xen and the modules, the firmware enters Xen through multiboot v1):
#
#   qemu-system-x86_64 -M q35 -accel tcg -m 512 -smp 1 -nographic -no-reboot \
#       -device isa-debug-exit,iobase=0x501,iosize=2 [-bios FIRMWARE] \
#       -kernel $XEN_IMAGE -append "$XEN_CMDLINE" \
#       -initrd "$XEN_DOM0 $XEN_DOM0_CMDLINE,$XEN_INITRD"
#
# Inputs (xen_setup_file exports them; each may be set beforehand to use another file):
#   XEN_IMAGE    Xen as QEMU's -kernel takes it: /boot/xen-<ver>-amd64.gz (package
#                xen-hypervisor-<ver>-amd64; XEN_GZ picks another) uncompressed into
#                $LEAPBOOT_CACHE/amd64/xen-<ver>-amd64: a 32-bit ELF with a multiboot v1 header.
#                QEMU neither inflates a gzip -kernel nor takes a 64-bit ELF as multiboot.
#   XEN_DOM0     the dom0 kernel: Debian's generic kernel (tools/fetch-kernels --flavour
#                generic; the cloud kernel has no CONFIG_XEN_DOM0), as the vmlinux that
#                tools/extract-vmlinux makes of it, cached beside it as vmlinux-<ver> (where
#                tools/bootbench caches its PVH vmlinux). Xen takes the bzImage too, but then
#                inflates its xz payload itself: about 2 s more under TCG.
#   XEN_INITRD   the dom0 initrd: tools/mkinitrd --init tests/lib/xen-dom0-init, whose /init
#                prints USERSPACE-UP and the LEAPBOOT-* lines on hvc0 and ends QEMU through
#                isa-debug-exit (status 1), else reboots (Xen resets, -no-reboot exits, 0);
#                cached as $LEAPBOOT_CACHE/initrd-xen-dom0.img.
#
# Command lines:
#   XEN_CMDLINE       Xen's: its console on COM1 (QEMU's serial port), no-real-mode (Xen
#                     does not drop to real mode for INT 10h/13h/15h: leapboot has no BIOS;
#                     the same under SeaBIOS, so the firmware is the only difference and Xen
#                     takes its memory map from the multiboot information under both), dom0
#                     gets 256 MiB of the VM's 512 (with 128 of 256 Xen refuses: "Domain 0
#                     allocation is too small for kernel image").
#   XEN_DOM0_CMDLINE  dom0's: Xen's console (hvc0), early output through Xen from the first
#                     instruction (earlyprintk=xen), panic=-1 (a panic ends the VM: dom0's
#                     reboot makes Xen reset the machine, which -no-reboot turns into an exit).
# A module's command line as QEMU passes it is "<file> <args>"; Xen drops the first word of
# every module command line (and of its own) when the loader is not GRUB 2, so dom0 sees
# exactly XEN_DOM0_CMDLINE.
#
# After xen_boot, besides lib/qemu's BOOT_* variables:
#   BOOT_STAMPS   one line per line of BOOT_LOG: microseconds from QEMU's start to the arrival
#                 of that serial line (the line's last byte)
#   XEN_MS        [banner]=Xen's banner, [linux]=dom0's "Linux version", [userspace]=/init's
#                 USERSPACE-UP, [exit]=QEMU's exit: milliseconds from QEMU's start (-1: never)

# shellcheck disable=SC2034,SC2054  # variables for the .bats files; commas are not separators

XEN_MEM=${XEN_MEM:-512}
XEN_DOM0_MEM=${XEN_DOM0_MEM:-256}
XEN_CMDLINE=${XEN_CMDLINE:-"console=com1 com1=115200,8n1 no-real-mode dom0_mem=${XEN_DOM0_MEM}M,max:${XEN_DOM0_MEM}M"}
XEN_DOM0_CMDLINE=${XEN_DOM0_CMDLINE:-"console=hvc0 earlyprintk=xen panic=-1"}
XEN_BANNER_RE='\(XEN\) Xen version [0-9]+\.[0-9]+'
XEN_CACHE_ROOT=${LEAPBOOT_CACHE:-$HOME/.cache/leapboot}
XEN_CACHE=$XEN_CACHE_ROOT/amd64

# A file QEMU can take inside -initrd's comma-separated "file args" list.
xen_module_path_ok() {
	[[ $1 != *[,\ ]* ]] ||
		leapboot_fail "$1: QEMU's -initrd module list cannot hold a path with a comma or a space"
}

# xen_image: prints the uncompressed Xen, making it from the newest /boot/xen-*-amd64.gz (or
# XEN_GZ) when the cached copy is missing or older.
xen_image() {
	local gz=${XEN_GZ:-}
	if [[ -z $gz ]]; then
		gz=$(find /boot -maxdepth 1 -name 'xen-*-amd64.gz' 2>/dev/null | sort -V | tail -n 1)
	fi
	if [[ -z $gz || ! -s $gz ]]; then
		leapboot_fail "no Xen hypervisor (/boot/xen-<ver>-amd64.gz): install xen-hypervisor-4.17-amd64 (tools/install-deps does)"
		return 1
	fi
	local base=${gz##*/}
	local out=$XEN_CACHE/${base%.gz}
	if [[ ! -s $out || $out -ot $gz ]]; then
		mkdir -p "$XEN_CACHE" || return 1
		local tmp
		tmp=$(mktemp "$out.tmp.XXXXXX") || return 1
		if ! gzip -dc "$gz" >"$tmp"; then
			rm -f "$tmp"
			leapboot_fail "cannot uncompress $gz"
			return 1
		fi
		chmod 0644 "$tmp"
		mv -f "$tmp" "$out" || return 1
	fi
	# ELF, 32-bit (class 1), little-endian, EM_386 (3): what QEMU's multiboot loader takes.
	local id
	id=$(od -An -tx1 -N 20 "$out" | tr -d ' \n')
	if [[ ${id:0:12} != 7f454c460101 || ${id:36:4} != 0300 ]]; then
		leapboot_fail "$out is not a 32-bit x86 ELF (QEMU boots only those as multiboot): $(file -b "$out" 2>/dev/null)"
		return 1
	fi
	echo "$out"
}

# xen_dom0_kernel: prints the dom0 vmlinux (see XEN_DOM0 above).
xen_dom0_kernel() {
	local link bz config
	if ! link=$("$LEAPBOOT_ROOT/tools/fetch-kernels" --flavour generic --print); then
		leapboot_fail "no generic Debian kernel cached: run tools/fetch-kernels --flavour generic (needs network)"
		return 1
	fi
	bz=$(readlink -f "$link")
	config=$(dirname "$bz")/config-${bz##*/vmlinuz-}
	if [[ -s $config ]] && ! grep -qx 'CONFIG_XEN_DOM0=y' "$config"; then
		leapboot_fail "$bz cannot be dom0 ($config has no CONFIG_XEN_DOM0=y)"
		return 1
	fi
	local out=${bz%/*}/vmlinux-${bz##*/vmlinuz-}
	if [[ ! -s $out || $out -ot $bz ]]; then
		local tmp
		tmp=$(mktemp "$out.tmp.XXXXXX") || return 1
		if ! "$LEAPBOOT_ROOT/tools/extract-vmlinux" -o "$tmp" "$bz" >&2; then
			rm -f "$tmp"
			leapboot_fail "tools/extract-vmlinux could not make a vmlinux of $bz"
			return 1
		fi
		mv -f "$tmp" "$out" || return 1
	fi
	echo "$out"
}

# Find or make Xen, the dom0 kernel and its initrd once per .bats file (XEN_IMAGE, XEN_DOM0,
# XEN_INITRD); missing inputs fail every test of the file with a message saying how to
# provide them.
xen_setup_file() {
	if ! command -v "$QEMU" >/dev/null; then
		leapboot_fail "$QEMU not found: install qemu-system-x86"
		return 1
	fi
	[[ -n ${XEN_IMAGE:-} ]] || XEN_IMAGE=$(xen_image) || return 1
	[[ -n ${XEN_DOM0:-} ]] || XEN_DOM0=$(xen_dom0_kernel) || return 1
	if [[ -z ${XEN_INITRD:-} ]]; then
		if ! XEN_INITRD=$("$LEAPBOOT_ROOT/tools/mkinitrd" --init "$LEAPBOOT_ROOT/tests/lib/xen-dom0-init" \
			-o "$XEN_CACHE_ROOT/initrd-xen-dom0.img"); then
			leapboot_fail "tools/mkinitrd could not build the dom0 initrd (see its message above)"
			return 1
		fi
	fi
	local f
	for f in "$XEN_IMAGE" "$XEN_DOM0" "$XEN_INITRD"; do
		[[ -s $f ]] || {
			leapboot_fail "$f: missing or empty"
			return 1
		}
		xen_module_path_ok "$f" || return 1
	done
	export XEN_IMAGE XEN_DOM0 XEN_INITRD
}

# xen_boot <machine> [qemu args…]: boots Xen with dom0 and its initrd on pc or q35 under the
# firmware in FIRMWARE (empty or unset: QEMU's default, SeaBIOS, which enters Xen through
# QEMU's multiboot option ROM; a file: passed as -bios), until QEMU exits or BOOT_TIMEOUT.
# Returns 0 whatever QEMU's status (BOOT_STATUS); fails the test on the timeout.
xen_boot() {
	local machine=$1
	shift
	local fw=${FIRMWARE:-}
	if [[ -n $fw ]]; then
		[[ $fw == /* ]] || fw=$LEAPBOOT_ROOT/$fw
		[[ -s $fw ]] || {
			leapboot_fail "firmware '$fw' not found"
			return 1
		}
	fi
	BOOT_CMDLINE=$XEN_CMDLINE
	BOOT_MEM_MB=$XEN_MEM
	BOOT_ARGS=("$QEMU" -M "$(machine_args "$machine")" -accel tcg -m "$XEN_MEM" -smp 1
		-nographic -no-reboot -device isa-debug-exit,iobase=0x501,iosize=2)
	[[ -z $fw ]] || BOOT_ARGS+=(-bios "$fw")
	BOOT_ARGS+=(-kernel "$XEN_IMAGE" -append "$XEN_CMDLINE"
		-initrd "$XEN_DOM0 $XEN_DOM0_CMDLINE,$XEN_INITRD" "$@")
	BOOT_USERSPACE_STATUS=1 BOOT_ERROR_STATUS=3
	xen_qemu_run
}

# xen_qemu_run: qemu_run (lib/qemu) with every serial line time-stamped as it arrives (bash's
# EPOCHREALTIME): BOOT_STAMPS, XEN_MS.
xen_qemu_run() {
	BOOT_N=$((${BOOT_N:-0} + 1))
	BOOT_LOG_RAW=$BATS_TEST_TMPDIR/serial-$BOOT_N.raw
	BOOT_LOG=$BATS_TEST_TMPDIR/serial-$BOOT_N.log
	BOOT_STAMPS=$BATS_TEST_TMPDIR/serial-$BOOT_N.stamps
	BOOT_STDERR=$BATS_TEST_TMPDIR/qemu-stderr-$BOOT_N.log
	local status_file=$BATS_TEST_TMPDIR/status-$BOOT_N
	printf '%q ' "${BOOT_ARGS[@]}" >"$BATS_TEST_TMPDIR/cmd-$BOOT_N.sh"
	echo >>"$BATS_TEST_TMPDIR/cmd-$BOOT_N.sh"

	local t0=${EPOCHREALTIME/./} s0=$SECONDS
	{
		local st=0
		# shellcheck disable=SC2153  # BOOT_TIMEOUT: lib/qemu's
		timeout --kill-after=10 "$BOOT_TIMEOUT" "${BOOT_ARGS[@]}" </dev/null 2>"$BOOT_STDERR" || st=$?
		echo "$st" >"$status_file"
	} | {
		local line
		while IFS= read -r line || [[ -n $line ]]; do
			printf '%s\n' "$line" >&4
			echo $((${EPOCHREALTIME/./} - t0)) >&5
		done
	} 4>"$BOOT_LOG_RAW" 5>"$BOOT_STAMPS"
	local t_exit=$((${EPOCHREALTIME/./} - t0))
	BOOT_SECONDS=$((SECONDS - s0))
	BOOT_STATUS=$(<"$status_file")
	tr -d '\r' <"$BOOT_LOG_RAW" >"$BOOT_LOG"

	declare -gA XEN_MS=()
	XEN_MS[banner]=$(xen_line_ms "$XEN_BANNER_RE")
	XEN_MS[linux]=$(xen_line_ms 'Linux version [0-9]')
	XEN_MS[userspace]=$(xen_line_ms '^USERSPACE-UP$')
	XEN_MS[exit]=$((t_exit / 1000))

	if [[ $BOOT_STATUS == 124 || $BOOT_STATUS == 137 ]]; then
		BOOT_TIMED_OUT=1
		leapboot_fail "TIMEOUT: QEMU did not exit within ${BOOT_TIMEOUT}s (hung boot; status $BOOT_STATUS)"
		return 1
	fi
	BOOT_TIMED_OUT=0
	return 0
}

# xen_line_ms <ERE>: milliseconds from QEMU's start to the first serial line matching ERE; -1
# if none does.
xen_line_ms() {
	local n
	n=$(grep -anE -m 1 -- "$1" "$BOOT_LOG" | cut -d: -f1)
	if [[ -z $n ]]; then
		echo -1
		return 0
	fi
	echo $(($(sed -n "${n}p" "$BOOT_STAMPS") / 1000))
}

# "Xen banner 0.53 s, dom0 Linux 1.52 s, /init 5.75 s, exit 6.60 s" (from QEMU's start).
xen_times() {
	local k out='' ms
	local -A what=([banner]="Xen banner" [linux]="dom0 Linux" [userspace]="/init" [exit]="exit")
	for k in banner linux userspace exit; do
		ms=${XEN_MS[$k]}
		if ((ms < 0)); then
			out+="${out:+, }${what[$k]} never"
		else
			out+="${out:+, }${what[$k]} $((ms / 1000)).$(printf '%02d' $((ms % 1000 / 10))) s"
		fi
	done
	echo "$out"
}

# The whole chain: Xen's banner and its command line, Xen building dom0 from module 0 with
# module 1 as its initrd, dom0's kernel on Xen's console, and its /init with the whole initrd,
# dom0's command line as given, dom0's memory, the PV dom0 identity, and /init's exit.
assert_xen_dom0() {
	refute_log '^leapboot: error:' "leapboot reported an error" || return 1
	refute_log 'Panic on CPU|Kernel panic' "Xen or dom0 panicked" || return 1
	assert_log "$XEN_BANNER_RE" "Xen's banner" || return 1
	local got
	got=$(log_grep '\(XEN\) Command line: ' | head -n 1)
	got=${got#*Command line: }
	[[ $got == "$XEN_CMDLINE" ]] ||
		leapboot_fail "Xen's command line differs (Xen drops the first word, the image's name)
  want: '$XEN_CMDLINE'
  got:  '$got'" || return 1
	# With no-real-mode Xen does not ask the BIOS (INT 15h) for the map: the one it uses is the
	# multiboot information's (QEMU's option ROM or leapboot built it).
	if [[ " $XEN_CMDLINE " == *" no-real-mode "* ]]; then
		assert_log '\(XEN\) Multiboot-e820 RAM map:' "Xen's memory map from the multiboot information" ||
			return 1
	fi
	assert_log '\(XEN\) +Dom0 kernel: 64-bit' "Xen built dom0 from module 0" || return 1
	assert_log '\(XEN\) +Init\. ramdisk: ' "Xen gave dom0 module 1 as its initrd" || return 1
	assert_log '^\[ *[0-9.]+\] Linux version [0-9]' "dom0's kernel started" || return 1
	assert_log 'Hypervisor detected: Xen PV' "dom0 runs as a Xen PV guest" || return 1
	assert_userspace || return 1
	assert_cmdline "$XEN_DOM0_CMDLINE" || return 1
	local v
	v=$(init_value LEAPBOOT-XEN-TYPE) || return 1
	[[ $v == xen ]] || leapboot_fail "/sys/hypervisor/type is '$v', not xen" || return 1
	v=$(init_value LEAPBOOT-XEN-GUEST-TYPE) || return 1
	[[ $v == PV ]] || leapboot_fail "dom0's guest type is '$v', not PV" || return 1
	v=$(init_value LEAPBOOT-XEN-UUID) || return 1
	[[ $v == 00000000-0000-0000-0000-000000000000 ]] ||
		leapboot_fail "domain UUID '$v': dom0's is all zeros" || return 1
	v=$(init_value LEAPBOOT-CPUS) || return 1
	[[ $v == 1 ]] || leapboot_fail "dom0 has $v CPUs, expected 1" || return 1
	# dom0_mem=N,max:N: dom0's MemTotal is at most N MiB, not the VM's RAM (its kernel image
	# and tables take a good part of it: 139 MiB of 256 are left with Debian's 6.1).
	v=$(init_value LEAPBOOT-MEMTOTAL-KB) || return 1
	((v <= XEN_DOM0_MEM * 1024 && v > XEN_DOM0_MEM * 256)) ||
		leapboot_fail "dom0's MemTotal ${v} kB does not fit dom0_mem=${XEN_DOM0_MEM}M" || return 1
}
