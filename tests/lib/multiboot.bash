# tests/lib/multiboot.bash: Multiboot (v1) boots of the multiboot probe (tests/guest), on top of
# tests/lib/qemu.bash.
#
#   load lib/qemu
#   load lib/multiboot
#   setup_file() { multiboot_setup_file; }
#
#   multiboot_boot [--allow NAMES] <firmware> <machine> <form> <modules> <mem> [qemu args...]
#   multiboot_assert_report
#
# multiboot_boot boots the probe (-kernel) with the first <modules> (0-3) of three module files
# (-initrd "path args,path,..."), a command line that asks the probe for every check it can
# make (multiboot-probe.need=, .mods=, .mem=, and .allow=NAMES if given), and sets the BOOT_*
# variables of boot_leapboot. multiboot_assert_report then checks every line the probe printed,
# in order: each check "ok", the command line, boot loader name and each module's string, size and
# FNV-1a (tests/guest/fnv1a on the host) exactly, RESULT PASS and exit status 33.
#
#   firmware  seabios   QEMU's default firmware (-bios left out: /usr/share/seabios/bios-256k.bin),
#                       which boots Multiboot kernels through QEMU's multiboot.bin option ROM;
#                       boot loader name "qemu"
#             leapboot  $LEAPBOOT_BIN (default <repo>/build/x86_64/leapboot.bin) as -bios;
#                       boot loader name "leapboot"
#             leapboot-opt  the same, the probe, command line and modules as fw_cfg files
#                       (opt/leapboot/kernel, cmdline, module<i>, module<i>.cmdline): leapboot
#                       parses the header itself; names are "opt/leapboot/kernel <args>" and
#                       "opt/leapboot/module<i> <args>"
#             FILE      any other firmware file as -bios (set MB_LOADER_NAME)
#   machine   pc, q35, microvm (qemu.bash's machine_args)
#   form      elf (multiboot-probe.elf, ELF header form, at 2 MiB) or aout
#             (multiboot-probe-aout.bin, a.out kludge, at 1 MiB)
#
# What the firmware is expected to hand over, if not as QEMU's loader does (environment):
#   MB_LOADER_NAME      the boot_loader_name string (default: by firmware, above)
#   MB_CMDLINE_KERNEL   1 (default): the command line starts with the kernel's file name and a
#                       space, as QEMU's and GRUB's do; 0: the -append text alone

# shellcheck disable=SC2034,SC2054

MB_PREFIX="MULTIBOOT-PROBE: "

# Builds the probes into the file's temporary directory and makes the three modules; exports
# MB_GUEST (the build directory) and MB_MODDIR (mod0, mod1, mod2 and their fnv1a lines).
multiboot_setup_file() {
	command -v "$QEMU" >/dev/null || {
		leapboot_fail "$QEMU not found: install qemu-system-x86"
		return 1
	}
	export MB_GUEST=$BATS_FILE_TMPDIR/guest MB_MODDIR=$BATS_FILE_TMPDIR/modules
	if ! make -s -C "$LEAPBOOT_ROOT/tests/guest" O="$MB_GUEST" multiboot >&2; then
		leapboot_fail "make -C tests/guest multiboot could not build the multiboot probe"
		return 1
	fi
	mkdir -p "$MB_MODDIR"
	head -c 300001 /dev/urandom >"$MB_MODDIR/mod0"
	head -c 4097 /dev/urandom >"$MB_MODDIR/mod1"
	printf 'z' >"$MB_MODDIR/mod2"
	local i
	for i in 0 1 2; do
		"$LEAPBOOT_ROOT/tests/guest/fnv1a" "$MB_MODDIR/mod$i" >"$MB_MODDIR/mod$i.sum" || return 1
	done
}

# The arguments each module is given (module i: "path args"; QEMU splits -initrd at commas).
MB_MOD_ARGS=("arg1 arg2" "" "key=value")

# The address of a symbol of a probe build, as the probe prints it (0x + 8 digits).
mb_sym() { # <elf> <symbol>
	nm "$1" | awk -v s="$2" '$3 == s { print "0x" $1 }'
}

# multiboot_boot [--allow NAMES] <firmware> <machine> <form> <modules> <mem> [qemu args...]
multiboot_boot() {
	local allow=
	if [[ $1 == --allow ]]; then
		allow=$2
		shift 2
	fi
	local firmware=$1 machine=$2 form=$3 nmods=$4 mem=$5
	shift 5
	local bios name opt=0
	case $firmware in
	seabios) bios='' name=qemu ;;
	leapboot-opt) opt=1 ;;&
	leapboot*)
		bios=${LEAPBOOT_BIN:-build/x86_64/leapboot.bin}
		[[ $bios == /* ]] || bios=$LEAPBOOT_ROOT/$bios
		name=leapboot
		;;
	*) bios=$firmware name='' ;;
	esac
	[[ -z $bios || -s $bios ]] || {
		leapboot_fail "firmware '$bios' not found (run make, or set LEAPBOOT_BIN)"
		return 1
	}
	MB_NAME=${MB_LOADER_NAME:-$name}
	[[ -n $MB_NAME ]] || {
		leapboot_fail "multiboot_boot: set MB_LOADER_NAME for firmware $firmware"
		return 1
	}

	local kernel elf
	case $form in
	elf) kernel=$MB_GUEST/multiboot-probe.elf elf=$kernel ;;
	aout) kernel=$MB_GUEST/multiboot-probe-aout.bin elf=$MB_GUEST/multiboot-probe-aout.elf ;;
	*)
		leapboot_fail "multiboot_boot: form '$form' is not elf or aout"
		return 1
		;;
	esac
	MB_FORM=$form MB_NMODS=$nmods MB_ALLOW=$allow
	MB_IMAGE_LINE="image=$(mb_sym "$elf" __image_start)-$(mb_sym "$elf" __image_end) data=ok bss=ok"
	if [[ $form == elf ]]; then
		MB_HEADER_LINE="header=elf flags=0x00000003"
	else
		MB_HEADER_LINE="header=aout flags=0x00010003 header_addr=$(mb_sym "$elf" mb_header)"
		MB_HEADER_LINE+=" load_addr=$(mb_sym "$elf" __image_start)"
		MB_HEADER_LINE+=" load_end_addr=$(mb_sym "$elf" __load_end)"
		MB_HEADER_LINE+=" bss_end_addr=$(mb_sym "$elf" __image_end) entry_addr=$(mb_sym "$elf" mb_entry)"
	fi

	local need=mem,cmdline,mmap,name
	((nmods == 0)) || need+=,mods
	local append="probe list=a,b multiboot-probe.need=$need multiboot-probe.mods=$nmods"
	append+=" multiboot-probe.mem=$mem"
	[[ -z $allow ]] || append+=" multiboot-probe.allow=$allow"
	MB_CMDLINE=$append
	local name0=$kernel
	((opt == 0)) || name0=opt/leapboot/kernel
	[[ ${MB_CMDLINE_KERNEL:-1} == 0 ]] || MB_CMDLINE="$name0 $append"

	local -a mods=() files=()
	local i
	MB_MOD_STRINGS=()
	for ((i = 0; i < nmods; i++)); do
		local s=$MB_MODDIR/mod$i
		((opt == 0)) || s=opt/leapboot/module$i
		[[ -z ${MB_MOD_ARGS[i]} ]] || s+=" ${MB_MOD_ARGS[i]}"
		mods+=("$s")
		MB_MOD_STRINGS+=("$s")
		files+=(-fw_cfg "name=opt/leapboot/module$i,file=$MB_MODDIR/mod$i")
		if [[ -n ${MB_MOD_ARGS[i]} ]]; then
			printf '%s' "${MB_MOD_ARGS[i]}" >"$BATS_TEST_TMPDIR/mod$i.cmdline"
			files+=(-fw_cfg "name=opt/leapboot/module$i.cmdline,file=$BATS_TEST_TMPDIR/mod$i.cmdline")
		fi
	done
	local -a initrd=()
	((nmods == 0)) || initrd=(-initrd "$(
		IFS=,
		echo "${mods[*]}"
	)")
	local -a route=(-kernel "$kernel" "${initrd[@]}" -append "$append")
	if ((opt)); then
		# Through files, not strings: -fw_cfg splits a string at its commas.
		printf '%s' "$append" >"$BATS_TEST_TMPDIR/cmdline"
		route=(-fw_cfg "name=opt/leapboot/kernel,file=$kernel"
			-fw_cfg "name=opt/leapboot/cmdline,file=$BATS_TEST_TMPDIR/cmdline" "${files[@]}")
	fi
	boot_leapboot "$machine" --bios "$bios" -m "$mem" "${route[@]}" "$@"
	local s=$?
	# boot_leapboot adds tsc_early_khz= on microvm.
	MB_CMDLINE=$BOOT_CMDLINE
	[[ ${MB_CMDLINE_KERNEL:-1} == 0 ]] || MB_CMDLINE="$name0 $BOOT_CMDLINE"
	return $s
}

# "128M" / "2G" -> bytes
mb_bytes() {
	case $1 in
	*G) echo $((${1%G} << 30)) ;;
	*M) echo $((${1%M} << 20)) ;;
	*) echo "$1" ;;
	esac
}

# The report the probe must print, one entry per line in order: "=text" (exactly this),
# "~regex" (one line), "+regex" (one or more lines), "?regex" (zero or one line).
mb_expected_report() {
	local h='[0-9a-f]'
	MB_SPEC=(
		"=multiboot-probe start"
		"=$MB_IMAGE_LINE"
		"=$MB_HEADER_LINE"
		"=eax=0x2badb002 ok"
		"~^ebx=0x$h{8} ok$"
		"~^cr0=0x$h{8} ok$"
		"~^eflags=0x$h{8} ok$"
	)
	local seg
	for seg in cs ds es fs gs ss; do
		# ar/limit/base are printed when lar/lsl can read the descriptor (GDTR may be invalid).
		MB_SPEC+=("~^$seg=0x$h{4}( ar=0x$h{8})?( limit=0xffffffff)?( base=0x00000000)? ok( \(.*\))?$")
	done
	MB_SPEC+=(
		"~^info: cr3=0x$h{8} cr4=0x$h{8} esp=0x$h{8} gdtr=0x$h{8}/0x$h{4} idtr=0x$h{8}/0x$h{4} tr=0x$h{4}$"
		"~^a20 cell=0x$h{8} alias=0x$h{8} ok$"
		"~^mbi=0x$h{8} flags=0x$h{8} \([a-z0-9_ ]*\) ok$"
		"~^mmap_addr=0x$h{8} mmap_length=[0-9]+$"
		"+^mmap\[[0-9]+\] size=[0-9]+ base=0x$h{16} length=0x$h{16} type=[0-9]+( [a-z]+)?$"
		"~^e820 \(QEMU's etc/e820\) entries=[0-9]+$"
		"+^e820\[[0-9]+\] addr=0x$h{16} length=0x$h{16} type=[0-9]+( [a-z]+)?$"
		"=mmap-ram ok"
		"=mmap-legacy ok"
		"=mmap-image ok"
		"~^mmap table at=0x$h{8} ok$"
		"~^mem_lower=[0-9]+ map=[0-9]+( or [0-9]+)? ok$"
		"~^mem_upper=[0-9]+ map=[0-9]+ ok$"
		"=mmap=ok"
		"~^mmap-mem ram=[0-9]+ expected=$(mb_bytes "$BOOT_MEM_MB"M) ok$"
		"~^mbi at=0x$h{8} size=[0-9]+ ok$"
		"=cmdline=$MB_CMDLINE"
		"~^cmdline at=0x$h{8} len=${#MB_CMDLINE} ok$"
		"=boot_loader_name=$MB_NAME"
		"~^boot_loader_name at=0x$h{8} len=${#MB_NAME} ok$"
	)
	if ((MB_NMODS == 0)); then
		MB_SPEC+=("~^(mods none|mods_count=0 mods_addr=0x$h{8} ok)$")
	else
		MB_SPEC+=("~^mods_count=$MB_NMODS mods_addr=0x$h{8} ok$")
	fi
	local i
	for ((i = 0; i < MB_NMODS; i++)); do
		MB_SPEC+=(
			"~^module$i start=0x$h{8} end=0x$h{8} ok$"
			"=module$i $(cat "$MB_MODDIR/mod$i.sum")"
			"=module$i cmdline=${MB_MOD_STRINGS[i]}"
		)
	done
	MB_SPEC+=("?^info: boot_device=0x$h{8}$")
	[[ -z $MB_ALLOW ]] || MB_SPEC+=("?^allowed: ")
	MB_SPEC+=("=RESULT PASS")
}

# Every MULTIBOOT-PROBE line of the last boot against mb_expected_report, then the exit status.
multiboot_assert_report() {
	local -a lines=()
	mapfile -t lines < <(grep -a "^$MB_PREFIX" "$BOOT_LOG" | cut -c$((${#MB_PREFIX} + 1))-)
	((${#lines[@]})) || {
		leapboot_fail "the probe printed nothing (exit status $BOOT_STATUS)"
		return 1
	}
	mb_expected_report
	local i=0 s kind pat
	for s in "${MB_SPEC[@]}"; do
		kind=${s:0:1} pat=${s:1}
		case $kind in
		=) [[ ${lines[i]-} == "$pat" ]] ;;
		\~ | +) [[ ${lines[i]-} =~ $pat ]] ;;
		\?) [[ ${lines[i]-} =~ $pat ]] || continue ;;
		esac || {
			local how=matching
			[[ $kind != = ]] || how=exactly
			leapboot_fail "probe line $((i + 1)): got '${lines[i]-<no more lines>}'
  expected $how '$pat'"
			return 1
		}
		i=$((i + 1))
		if [[ $kind == + ]]; then
			while [[ ${lines[i]-} =~ $pat ]]; do i=$((i + 1)); done
		fi
	done
	((i == ${#lines[@]})) || {
		leapboot_fail "probe line $((i + 1)) after RESULT PASS: '${lines[i]}'"
		return 1
	}
	assert_status 33 "the probe's PASS exit"
}
