#!/usr/bin/env bats
# The probe kernels (tests/guest) booted by leapboot across wide matrices: each case asserts the
# probe's verdict, its exact command-line line, its exact initrd line (size and FNV-1a of the file
# given) and, where the command line carries the expected size, the RAM total against -m.
#
# Probes run in milliseconds and QEMU start-up dominates, but the full cross product (x86:
# 3 machines x 6 sizes x 5 initrds x 4 command lines x DMA on/off x 2 forms x 2 probes = 2880
# boots) would take far too long, so the x86 cases are a covering design:
#
# | dimension      | values                                   | chosen as (a, b, c = indices)   |
# |----------------|------------------------------------------|---------------------------------|
# | machine (a)    | pc, q35, microvm                         | every one                       |
# | -m (b)         | 64M, 128M, 512M, 2G, 4G, 8G              | every one, with every machine   |
# | initrd (c)     | none, 1 B, 4 KiB+1, 16 MiB, 512 MiB       | every one, with every (a, b)    |
# | command line   | 0, 1, 255, 2047 bytes (2047 = the probes' | lengths[(a + b + c) % 4]        |
# |                | cmdline_size, the longest allowed)       |                                 |
# | fw_cfg DMA     | on, off (-global fw_cfg.dma_enabled=off) | on if (a + c) even              |
# | kernel form    | -kernel, opt/leapboot/kernel             | -kernel if (b + c) even         |
#
# 81 cases per probe (the 512 MiB initrd only with 2G, 4G, 8G, and only with DMA: byte-wise port
# I/O moves it in about 30 s), each run for the bzImage probe and for the PVH probe: 162 boots.
# Every value of every dimension occurs, and so does every pair of values of two dimensions
# (the first test checks this) except the excluded 512 MiB pairs.
#
# arm64 (virt): -m 128M, 512M, 2G, 4G, 8G x the five initrds (512 MiB from 2G on): 23 cases,
# command line lengths[(b + c) % 4], leapboot.bin as -bios with -kernel if (b + c/2) is even, else
# leapboot.Image as -kernel with the probe from opt/leapboot/kernel. All pairs occur except
# (512 MiB initrd, 1-byte command line): only three sizes hold that initrd.
#
# The large initrds are sparse (random first and last 4 KiB, zeros between), made once per file;
# the probes and tests/guest/fnv1a checksum runs of zeros at qword speed. About 100 s in all on
# a 2-core machine.

# Commas in QEMU arguments are not separators; BOOT_ARGS is read by qemu_run (lib/qemu).
# shellcheck disable=SC2054,SC2034

load lib/qemu
load lib/arm64

X86_MACHINES=(pc q35 microvm)
X86_MEMORY=(64M 128M 512M 2G 4G 8G)
ARM64_MEMORY=(128M 512M 2G 4G 8G)
INITRDS=(none 1 4097 16M 512M)
CMDLINE_LENGTHS=(0 1 255 2047)

setup_file() {
	local bin=${LEAPBOOT_BIN:-$LEAPBOOT_ROOT/build/x86_64/leapboot.bin}
	[[ $bin == /* ]] || bin=$LEAPBOOT_ROOT/$bin
	[[ -s $bin ]] || {
		leapboot_fail "leapboot firmware '$bin' not found: run 'make' in $LEAPBOOT_ROOT"
		return 1
	}
	export LEAPBOOT_BIN=$bin
	local build=${LEAPBOOT_ARM64_BUILD:-$LEAPBOOT_ROOT/build/aarch64}
	export ARM64_BIN=$build/leapboot.bin ARM64_IMAGE_FW=$build/leapboot.Image
	[[ -s $ARM64_BIN && -s $ARM64_IMAGE_FW ]] || {
		leapboot_fail "$build/leapboot.{bin,Image} not built: run 'make ARCH=aarch64'"
		return 1
	}
	local d=$BATS_FILE_TMPDIR
	if ! make -s -C "$LEAPBOOT_ROOT/tests/guest" O="$d/guest" all arm64 >&2; then
		leapboot_fail "make -C tests/guest all arm64 could not build the probes"
		return 1
	fi
	export BZ_PROBE=$d/guest/bzimage-probe PVH_PROBE=$d/guest/pvh-probe.elf
	export ARM64_PROBE=$d/guest/arm64-probe.Image
	local size name
	for name in "${INITRDS[@]}"; do
		[[ $name == none ]] && continue
		size=$(mem_to_bytes "$name")
		if ((size <= 8192)); then
			head -c "$size" /dev/urandom >"$d/initrd-$name"
		else
			head -c 4096 /dev/urandom >"$d/initrd-$name"
			truncate -s $((size - 4096)) "$d/initrd-$name"
			head -c 4096 /dev/urandom >>"$d/initrd-$name"
		fi
		"$LEAPBOOT_ROOT/tests/guest/fnv1a" "$d/initrd-$name" >"$d/initrd-$name.sum" || return 1
	done
}

# "16M" -> 16777216; plain numbers are bytes.
mem_to_bytes() {
	case $1 in
	*G) echo $((${1%G} << 30)) ;;
	*M) echo $((${1%M} << 20)) ;;
	*) echo "$1" ;;
	esac
}

# make_cmdline <length> <words>: exactly length bytes; the words (the probe's expected RAM size,
# allow list) lead when they fit, padded with x; else only x.
make_cmdline() {
	local n=$1 words=$2 s
	if ((n > ${#words} + 1)); then
		s="$words "
	else
		s=
	fi
	while ((${#s} < n)); do s+=x; done
	printf '%s' "${s:0:n}"
}

# The x86 design (header table): one "machine mem initrd cmdline-length dma form" line per case.
x86_cases() {
	local a b c
	for a in "${!X86_MACHINES[@]}"; do
		for b in "${!X86_MEMORY[@]}"; do
			for c in "${!INITRDS[@]}"; do
				[[ ${INITRDS[c]} == 512M ]] && ((b < 3)) && continue
				local dma=on form=kernel
				[[ ${INITRDS[c]} != 512M ]] && (((a + c) % 2)) && dma=off
				(((b + c) % 2)) && form=opt
				echo "${X86_MACHINES[a]} ${X86_MEMORY[b]} ${INITRDS[c]}" \
					"${CMDLINE_LENGTHS[(a + b + c) % 4]} $dma $form"
			done
		done
	done
}

arm64_cases() {
	local b c
	for b in "${!ARM64_MEMORY[@]}"; do
		for c in "${!INITRDS[@]}"; do
			[[ ${INITRDS[c]} == 512M ]] && ((b < 2)) && continue
			local form=bios
			(((b + c / 2) % 2)) && form=image
			echo "${ARM64_MEMORY[b]} ${INITRDS[c]} ${CMDLINE_LENGTHS[(b + c) % 4]} $form"
		done
	done
}

# Failures of the current test, one line each; report_cases fails the test if there are any.
CASE_FAILURES=()
case_fail() {
	CASE_FAILURES+=("$1: $2")
	printf '# %s: %s\n' "$1" "$2" >&2
	grep -aE '(BAD|RESULT|leapboot: error)' "$BOOT_LOG" | head -n 8 | sed 's/^/#     /' >&2
}
report_cases() {
	local total=$1
	((${#CASE_FAILURES[@]} == 0)) && return 0
	leapboot_fail "${#CASE_FAILURES[@]} of $total cases failed"
}

# expect_line <case> <exact line>
expect_line() {
	grep -aqxF -- "$2" "$BOOT_LOG" || {
		case_fail "$1" "no line '${2:0:120}'"
		return 1
	}
}

# x86_case <probe: bz|pvh> <machine> <mem> <initrd> <cmdline length> <dma> <form>
x86_case() {
	local probe=$1 machine=$2 mem=$3 initrd=$4 len=$5 dma=$6 form=$7
	local name="$probe $machine -m $mem initrd $initrd cmdline $len dma $dma $form"
	local prefix file words
	if [[ $probe == bz ]]; then
		prefix=BZIMAGE-PROBE file=$BZ_PROBE words="bzimage-probe.mem=$mem"
	else
		prefix=PVH-PROBE file=$PVH_PROBE
		# leapboot keeps start_info in its own (reserved) pages; PVH does not ask for RAM.
		words="pvh-probe.mem=$mem pvh-probe.allow=memmap-start_info"
	fi
	local cmdline
	cmdline=$(make_cmdline "$len" "$words")
	local -a args=()
	[[ $dma == off ]] && args+=(-global fw_cfg.dma_enabled=off)
	local d=$BATS_FILE_TMPDIR
	if [[ $form == kernel ]]; then
		args+=(-kernel "$file")
		[[ $initrd == none ]] || args+=(-initrd "$d/initrd-$initrd")
		((len == 0)) || args+=(-append "$cmdline")
	else
		args+=(-fw_cfg "name=opt/leapboot/kernel,file=$file")
		[[ $initrd == none ]] || args+=(-fw_cfg "name=opt/leapboot/initrd,file=$d/initrd-$initrd")
		if ((len)); then
			printf '%s' "$cmdline" >"$BATS_TEST_TMPDIR/cmdline"
			args+=(-fw_cfg "name=opt/leapboot/cmdline,file=$BATS_TEST_TMPDIR/cmdline")
		fi
	fi
	BOOT_ARGS=("$QEMU" -M "$(machine_args "$machine")" -accel tcg -m "$mem" -nographic -no-reboot
		-nodefaults -serial stdio -bios "$LEAPBOOT_BIN"
		-device isa-debug-exit,iobase=0x501,iosize=2 "${args[@]}")
	qemu_run || {
		case_fail "$name" "timed out"
		return 1
	}

	local want_status=33 want_result="$prefix: RESULT PASS"
	if [[ $probe == pvh && $cmdline != *pvh-probe.allow=* ]]; then
		want_status=35 want_result="$prefix: RESULT FAIL memmap-start_info"
	fi
	expect_line "$name" "$want_result" || return 1
	[[ $BOOT_STATUS == "$want_status" ]] || {
		case_fail "$name" "exit status $BOOT_STATUS, expected $want_status"
		return 1
	}
	local initrd_line
	if [[ $probe == bz ]]; then
		expect_line "$name" "$prefix: cmdline=$cmdline ok" || return 1
		initrd_line="$prefix: initrd"
	else
		expect_line "$name" "$prefix: cmdline=$cmdline" || return 1
		initrd_line="$prefix: module0"
	fi
	if [[ $initrd == none ]]; then
		expect_line "$name" "$initrd_line none" || return 1
	else
		expect_line "$name" "$initrd_line $(cat "$d/initrd-$initrd.sum")" || return 1
	fi
	if [[ $cmdline == *.mem=* ]]; then
		local mem_check=e820-mem
		[[ $probe == pvh ]] && mem_check=memmap-mem
		grep -aqE "^$prefix: $mem_check ram=[0-9]+ expected=$(mem_to_bytes "$mem") ok\$" \
			"$BOOT_LOG" || {
			case_fail "$name" "RAM total not checked against -m $mem"
			return 1
		}
	fi
}

# run_x86 <probe> <filter ERE on the case line>: every x86 case matching the filter.
run_x86() {
	local probe=$1 filter=$2 n=0 c
	while read -r c; do
		[[ $c =~ $filter ]] || continue
		n=$((n + 1))
		# shellcheck disable=SC2086 # the case line is six words
		x86_case "$probe" $c || true
	done < <(x86_cases)
	((n > 0)) || leapboot_fail "no case matches /$filter/" || return 1
	report_cases "$n"
}

# The 512 MiB initrd needs -m 2G or more (dimension 1) and DMA (dimension 4); initrds are dimension 2.
excluded_pair() { # <dim> <value> <dim> <value>, first dim lower
	[[ $1 == 1 && $3 == 2 && $4 == 512M && $2 =~ ^(64M|128M|512M)$ ]] && return 0
	[[ $1 == 2 && $2 == 512M && $3 == 4 && $4 == off ]]
}

@test "matrix: the x86 design covers every value and every pair of values" {
	local -a cases
	mapfile -t cases < <(x86_cases)
	[[ ${#cases[@]} == 81 ]] || leapboot_fail "${#cases[@]} x86 cases, expected 81" || return 1
	local i j missing=()
	local -a dims=("${X86_MACHINES[*]}" "${X86_MEMORY[*]}" "${INITRDS[*]}"
		"${CMDLINE_LENGTHS[*]}" "on off" "kernel opt")
	for ((i = 0; i < 6; i++)); do
		for ((j = i + 1; j < 6; j++)); do
			local p q
			for p in ${dims[i]}; do
				for q in ${dims[j]}; do
					excluded_pair "$i" "$p" "$j" "$q" && continue
					local hit=0 c
					for c in "${cases[@]}"; do
						local -a w
						read -ra w <<<"$c"
						[[ ${w[i]} == "$p" && ${w[j]} == "$q" ]] && hit=1 && break
					done
					((hit)) || missing+=("$p/$q")
				done
			done
		done
	done
	((${#missing[@]} == 0)) || leapboot_fail "pairs not covered: ${missing[*]}"
}

@test "matrix: bzImage probe on pc (27 cases)" {
	run_x86 bz '^pc '
}

@test "matrix: bzImage probe on q35 (27 cases)" {
	run_x86 bz '^q35 '
}

@test "matrix: bzImage probe on microvm (27 cases)" {
	run_x86 bz '^microvm '
}

@test "matrix: PVH probe, -m 64M to 2G, pc/q35/microvm (51 cases)" {
	run_x86 pvh '^[a-z0-9]+ (64M|128M|512M|2G) '
}

# leapboot bug: with fw_cfg DMA it places the initrd as high as RAM goes, above 4 GiB when -m
# reaches there, and then refuses its own plan for the 32-bit PVH entry ("plan: region out of the
# CPU's reach in this entry mode"): PVH kernels with an initrd do not boot with -m 4G or more.
@test "matrix: PVH probe, -m 4G and 8G, pc/q35/microvm (30 cases; initrd below 4 GiB)" {
	run_x86 pvh '^[a-z0-9]+ (4G|8G) '
}

# The same bug on the 32-bit boot protocol: a bzImage with XLF_CAN_BE_LOADED_ABOVE_4G but without
# XLF_KERNEL_64 gets its initrd above 4 GiB and then the plan is refused.  The probe, entered at
# +0, only reports that (RESULT FAIL mode): what matters is that leapboot enters it.
@test "bzImage without XLF_KERNEL_64, -m 8G, an initrd: entered through the 32-bit protocol" {
	local d=$BATS_FILE_TMPDIR
	cp "$BZ_PROBE" "$BATS_TEST_TMPDIR/no-kernel64"
	printf '\002' | dd of="$BATS_TEST_TMPDIR/no-kernel64" bs=1 seek=$((0x236)) conv=notrunc status=none
	BOOT_ARGS=("$QEMU" -M q35 -accel tcg -m 8G -nographic -no-reboot -nodefaults -serial stdio
		-bios "$LEAPBOOT_BIN" -device isa-debug-exit,iobase=0x501,iosize=2
		-kernel "$BATS_TEST_TMPDIR/no-kernel64" -initrd "$d/initrd-1")
	qemu_run || return 1
	refute_log '^leapboot: error:' "leapboot refused its own plan" || return 1
	assert_log '^BZIMAGE-PROBE: mode=32-bit BAD: entered at \+0, the 32-bit protocol' || return 1
	assert_status 35 "the probe's FAIL exit"
}

@test "matrix: arm64 probe on virt (23 cases)" {
	local n=0 mem initrd len form d=$BATS_FILE_TMPDIR
	while read -r mem initrd len form; do
		n=$((n + 1))
		local name="arm64 -m $mem initrd $initrd cmdline $len $form" cmdline
		cmdline=$(make_cmdline "$len" "")
		local -a args=()
		if [[ $form == bios ]]; then
			args+=(-bios "$ARM64_BIN" -kernel "$ARM64_PROBE")
			[[ $initrd == none ]] || args+=(-initrd "$d/initrd-$initrd")
			((len == 0)) || args+=(-append "$cmdline")
		else
			args+=(-kernel "$ARM64_IMAGE_FW" -fw_cfg "name=opt/leapboot/kernel,file=$ARM64_PROBE")
			[[ $initrd == none ]] ||
				args+=(-fw_cfg "name=opt/leapboot/initrd,file=$d/initrd-$initrd")
			if ((len)); then
				printf '%s' "$cmdline" >"$BATS_TEST_TMPDIR/cmdline"
				args+=(-fw_cfg "name=opt/leapboot/cmdline,file=$BATS_TEST_TMPDIR/cmdline")
			fi
		fi
		BOOT_ARGS=("$QEMU_ARM64" -M virt -cpu cortex-a57 -accel tcg -m "$mem" -nographic
			-no-reboot -nodefaults -serial stdio "${args[@]}")
		qemu_run || {
			case_fail "$name" "timed out"
			continue
		}
		expect_line "$name" "ARM64-PROBE: RESULT PASS" || continue
		[[ $BOOT_STATUS == 0 ]] || {
			case_fail "$name" "exit status $BOOT_STATUS, expected 0 (PSCI SYSTEM_OFF)"
			continue
		}
		# Without a command line: QEMU's DTB keeps its empty bootargs (-bios); the
		# chain-loaded form has none to keep.
		local bootargs="ARM64-PROBE: bootargs=$cmdline"
		((len == 0)) && [[ $form == image ]] && bootargs="ARM64-PROBE: bootargs none"
		expect_line "$name" "$bootargs" || continue
		if [[ $initrd == none ]]; then
			expect_line "$name" "ARM64-PROBE: initrd none" || continue
		else
			expect_line "$name" "ARM64-PROBE: initrd $(cat "$d/initrd-$initrd.sum")" || continue
		fi
	done < <(arm64_cases)
	((n == 23)) || leapboot_fail "$n arm64 cases, expected 23" || return 1
	report_cases "$n"
}
