#!/usr/bin/env bats
# What leapboot sets up for the platform, as Debian's kernel sees it (QEMU TCG) on pc, q35 and
# microvm: SMP through the MADT (and through the MP table without ACPI), ACPI S5 power-off, the
# RSDP where a legacy scan finds it, SMBIOS, the e820 map, virtio on PCI with ACPI IRQ routing
# and on virtio-mmio (found through microvm's DSDT).
#
# Most facts come from one "platform boot" per machine: -smp 4, verbose, an SMBIOS serial, a
# virtio disk and NIC, and the initrd with Debian's virtio modules. The first test of a machine
# makes that boot and caches it in BATS_FILE_TMPDIR; the machine's other tests check their own
# fact in the cached log, so each test fails on its own fact. Set-ups that cannot share a boot
# (no isa-debug-exit for S5, MSI off, acpi=off) boot in their own test.

# Commas in QEMU arguments are not separators.
# shellcheck disable=SC2054

load lib/qemu

SMBIOS_SERIAL=LEAPTEST

# fetch_kernel <flavour>: Debian's <flavour> kernel and its modules in the cache, downloaded by
# tools/fetch-kernels if missing. Fails (never skips) when that is impossible.
fetch_kernel() {
	local -a fk=("$LEAPBOOT_ROOT/tools/fetch-kernels" --flavour "$1")
	"${fk[@]}" --print-modules >/dev/null 2>&1 && return 0
	leapboot_log "fetching Debian's $1 kernel with tools/fetch-kernels --flavour $1"
	if ! "${fk[@]}" >/dev/null || ! "${fk[@]}" --print-modules >/dev/null; then
		leapboot_fail "tools/fetch-kernels --flavour $1 could not provide Debian's $1 kernel and its modules (offline? run 'apt-get update')"
		return 1
	fi
}

setup_file() {
	fetch_kernel cloud || return 1
	fetch_kernel generic || return 1
	leapboot_setup_file || return 1

	local mods initrd generic
	mods=$("$LEAPBOOT_ROOT/tools/fetch-kernels" --print-modules) || return 1
	if ! initrd=$("$LEAPBOOT_ROOT/tools/mkinitrd" --modules "$mods") || [[ ! -s $initrd ]]; then
		leapboot_fail "tools/mkinitrd --modules $mods could not build the initramfs with virtio modules"
		return 1
	fi
	export MODULES_INITRD=$initrd
	generic=$("$LEAPBOOT_ROOT/tools/fetch-kernels" --flavour generic --print) || return 1
	export GENERIC_KERNEL=$generic

	# One raw disk per machine (QEMU locks the image it writes), first line DISK_STRING.
	export DISK_STRING="leapboot-platform-disk-$RANDOM$RANDOM"
	local m
	for m in pc q35 microvm; do
		printf '%s\nsecond line\n' "$DISK_STRING" >"$BATS_FILE_TMPDIR/disk-$m.img"
		truncate -s 1M "$BATS_FILE_TMPDIR/disk-$m.img"
	done
}

# --- cached boots -------------------------------------------------------------------------

# cached_boot <key> <boot_leapboot arguments…>: the first call for <key> in this .bats run boots;
# later calls (from other tests) load that boot's serial log, QEMU stderr, command and status
# into the current test as if it had booted. A boot that timed out fails every test using it.
cached_boot() {
	local key=$1
	shift
	local dir=$BATS_FILE_TMPDIR/boot-$key lock restored=0
	exec {lock}>"$dir.lock"
	flock "$lock"
	if [[ ! -e $dir/state ]]; then
		boot_leapboot "$@" || true # a timeout is cached too, and reported below
		mkdir -p "$dir"
		cp "$BOOT_LOG_RAW" "$dir/serial.raw"
		cp "$BOOT_LOG" "$dir/serial.log"
		cp "$BOOT_STDERR" "$dir/qemu-stderr.log"
		cp "$BATS_TEST_TMPDIR/cmd-$BOOT_N.sh" "$dir/cmd.sh"
		printf 'BOOT_STATUS=%q BOOT_SECONDS=%q BOOT_TIMED_OUT=%q BOOT_MEM_MB=%q BOOT_CMDLINE=%q BOOT_USERSPACE_STATUS=%q BOOT_ERROR_STATUS=%q\n' \
			"$BOOT_STATUS" "$BOOT_SECONDS" "$BOOT_TIMED_OUT" "$BOOT_MEM_MB" "$BOOT_CMDLINE" \
			"$BOOT_USERSPACE_STATUS" "$BOOT_ERROR_STATUS" >"$dir/state"
	else
		restored=1
		BOOT_N=$((${BOOT_N:-0} + 1))
		BOOT_LOG_RAW=$BATS_TEST_TMPDIR/serial-$BOOT_N.raw
		BOOT_LOG=$BATS_TEST_TMPDIR/serial-$BOOT_N.log
		BOOT_STDERR=$BATS_TEST_TMPDIR/qemu-stderr-$BOOT_N.log
		cp "$dir/serial.raw" "$BOOT_LOG_RAW"
		cp "$dir/serial.log" "$BOOT_LOG"
		cp "$dir/qemu-stderr.log" "$BOOT_STDERR"
		cp "$dir/cmd.sh" "$BATS_TEST_TMPDIR/cmd-$BOOT_N.sh"
		# shellcheck source=/dev/null
		source "$dir/state"
	fi
	exec {lock}>&-
	if [[ $BOOT_TIMED_OUT != 0 ]]; then
		[[ $restored == 0 ]] ||
			leapboot_fail "TIMEOUT: the cached '$key' boot did not end within ${BOOT_TIMEOUT}s (hung; status $BOOT_STATUS)"
		return 1
	fi
}

# platform_boot <pc|q35|microvm>: the machine's shared boot (see the top of the file), which
# must have reached /init and ended through isa-debug-exit.
platform_boot() {
	local machine=$1
	local -a virtio
	case "$machine" in
	microvm) virtio=(-device virtio-blk-device,drive=d0 -device virtio-net-device,netdev=n0) ;;
	*) virtio=(-device virtio-blk-pci,drive=d0 -device virtio-net-pci,netdev=n0) ;;
	esac
	cached_boot "platform-$machine" "$machine" -smp 4 "${VERBOSE_ARGS[@]}" \
		-kernel "$LEAPBOOT_KERNEL" -initrd "$MODULES_INITRD" -append "$BASE_CMDLINE" \
		-smbios "type=1,serial=$SMBIOS_SERIAL" \
		-drive "file=$BATS_FILE_TMPDIR/disk-$machine.img,format=raw,if=none,id=d0" \
		-netdev user,id=n0,restrict=on "${virtio[@]}" || return 1
	assert_userspace
}

# --- facts from the log -------------------------------------------------------------------

# leapboot's verbose "ACPI RSDP at A (N blobs), SMBIOS entry point at E, tables at T" line ->
# RSDP_ADDR, SMBIOS_EP, SMBIOS_TABLES (numbers; 0 when absent).
read_table_addrs() {
	local re='^leapboot: ACPI RSDP at (0x[0-9a-f]+) \([0-9]+ blobs\), SMBIOS entry point at (0x[0-9a-f]+), tables at (0x[0-9a-f]+)$'
	local line
	line=$(log_grep "$re" | head -n 1)
	[[ -n $line && $line =~ $re ]] || {
		leapboot_fail "no verbose 'leapboot: ACPI RSDP at …, SMBIOS entry point at …, tables at …' line"
		return 1
	}
	RSDP_ADDR=$((BASH_REMATCH[1])) SMBIOS_EP=$((BASH_REMATCH[2])) SMBIOS_TABLES=$((BASH_REMATCH[3]))
}

# The kernel's "ACPI: RSDP 0x… LLLLLL" line -> LINUX_RSDP_ADDR, RSDP_LEN.
read_linux_rsdp() {
	local re='\] ACPI: RSDP 0x([0-9A-F]{16}) ([0-9A-F]{6}) '
	local line
	line=$(log_grep "$re" | head -n 1)
	[[ -n $line && $line =~ $re ]] || {
		leapboot_fail "the kernel printed no 'ACPI: RSDP 0x… …' line"
		return 1
	}
	LINUX_RSDP_ADDR=$((16#${BASH_REMATCH[1]})) RSDP_LEN=$((16#${BASH_REMATCH[2]}))
}

hex() { printf '%#x' "$1"; }

# --- e820 ---------------------------------------------------------------------------------

# The kernel's "BIOS-e820: [mem S-E] TYPE" lines -> E820_START, E820_END (inclusive), E820_TYPE.
# (Linux sorts and merges the boot_params table before printing it: see check_raw_e820.)
read_linux_e820() {
	E820_START=() E820_END=() E820_TYPE=()
	local line re='\] BIOS-e820: \[mem 0x([0-9a-f]{16})-0x([0-9a-f]{16})\] (.+)$'
	while IFS= read -r line; do
		[[ $line =~ $re ]] || continue
		E820_START+=($((16#${BASH_REMATCH[1]})))
		E820_END+=($((16#${BASH_REMATCH[2]})))
		E820_TYPE+=("${BASH_REMATCH[3]}")
	done < <(log_grep '^\[ *[0-9.]+\] BIOS-e820: ')
	((${#E820_START[@]} > 0)) || {
		leapboot_fail "the kernel printed no BIOS-e820 lines"
		return 1
	}
}

print_linux_e820() {
	local i
	for i in "${!E820_START[@]}"; do
		printf '  0x%012x-0x%012x %s\n' "${E820_START[i]}" "${E820_END[i]}" "${E820_TYPE[i]}"
	done
}

# assert_in_e820 <what> <address> <length> <type>: [address, address+length) lies inside one
# range of the kernel's e820 map (read_linux_e820), of that type.
assert_in_e820() {
	local what=$1 start=$2 len=$3 want=$4
	local end=$((start + len - 1)) i
	for i in "${!E820_START[@]}"; do
		((E820_START[i] <= start && end <= E820_END[i])) || continue
		[[ ${E820_TYPE[i]} == "$want" ]] && return 0
		leapboot_fail "$what ($(hex "$start")-$(hex "$end")) lies in a '${E820_TYPE[i]}' e820 range, expected '$want'
$(print_linux_e820)"
		return 1
	done
	leapboot_fail "$what ($(hex "$start")-$(hex "$end")) is not inside any one e820 range (expected '$want')
$(print_linux_e820)"
	return 1
}

# assert_in_fseg <what> <address> <length>: inside 0xF0000-0xFFFFF and a reserved e820 range.
assert_in_fseg() {
	local what=$1 start=$2 len=$3
	if ((start < 0xf0000 || start + len - 1 > 0xfffff)); then
		leapboot_fail "$what at $(hex "$start") (+$len) is not inside the F-segment 0xf0000-0xfffff"
		return 1
	fi
	assert_in_e820 "$what" "$start" "$len" reserved
}

# The e820 table leapboot wrote in boot_params (/init's LEAPBOOT-E820=, raw: Linux prints only
# its sanitized copy, which is sorted and disjoint whatever it was given) is sorted by address,
# has no empty or overlapping entries and only known types, and, with adjacent entries of one
# type merged, is exactly the map the kernel printed (read_linux_e820 first).
check_raw_e820() {
	local raw
	raw=$(init_value LEAPBOOT-E820) || return 1
	if [[ -z $raw || $raw == unreadable ]]; then
		leapboot_fail "/init could not read the boot_params e820 table: LEAPBOOT-E820=$raw"
		return 1
	fi
	local -a ms=() me=() mt=()
	local e start size end type i=0 prev_start=-1 prev_end=-1
	for e in $raw; do
		if [[ ! $e =~ ^0x([0-9a-f]+)\+0x([0-9a-f]+):([0-9]+)$ ]]; then
			leapboot_fail "malformed LEAPBOOT-E820 entry '$e' in: $raw"
			return 1
		fi
		start=$((16#${BASH_REMATCH[1]})) size=$((16#${BASH_REMATCH[2]}))
		end=$((start + size - 1))
		case ${BASH_REMATCH[3]} in
		1) type=usable ;;
		2) type=reserved ;;
		3) type="ACPI data" ;;
		4) type="ACPI NVS" ;;
		5) type=unusable ;;
		*)
			leapboot_fail "e820 entry $i ($e) has unknown type ${BASH_REMATCH[3]}: $raw"
			return 1
			;;
		esac
		if ((size == 0)); then
			leapboot_fail "e820 entry $i ($e) is empty: $raw"
			return 1
		fi
		if ((start < prev_start)); then
			leapboot_fail "e820 table not sorted: entry $i ($e) starts below entry $((i - 1)): $raw"
			return 1
		fi
		if ((start <= prev_end)); then
			leapboot_fail "e820 entry $i ($e) overlaps entry $((i - 1)) (ends at $(hex "$prev_end")): $raw"
			return 1
		fi
		local n=${#ms[@]}
		if ((n > 0 && me[n - 1] + 1 == start)) && [[ ${mt[n - 1]} == "$type" ]]; then
			me[n - 1]=$end
		else
			ms+=("$start") me+=("$end") mt+=("$type")
		fi
		prev_start=$start prev_end=$end i=$((i + 1))
	done
	local same=1
	((${#ms[@]} == ${#E820_START[@]})) || same=0
	for i in "${!ms[@]}"; do
		[[ ${ms[i]} == "${E820_START[i]:-}" && ${me[i]} == "${E820_END[i]:-}" &&
			${mt[i]} == "${E820_TYPE[i]:-}" ]] || same=0
	done
	[[ $same == 1 ]] || {
		leapboot_fail "the kernel's e820 map is not leapboot's table (merged):
  leapboot: $raw
  kernel:
$(print_linux_e820)"
		return 1
	}
}

# Every table the kernel lists ("ACPI: SIG 0xADDR LENGTH", all but the RSDP) lies inside an
# "ACPI data" e820 range; FACP, DSDT and APIC are among them.
check_acpi_tables_in_e820() {
	local re='\] ACPI: ([A-Z0-9_]{4}) 0x([0-9A-F]{16}) ([0-9A-F]{6})( |$)'
	local line sig seen=" "
	while IFS= read -r line; do
		[[ $line =~ $re ]] || continue
		sig=${BASH_REMATCH[1]}
		[[ $sig != RSDP ]] || continue
		assert_in_e820 "ACPI table $sig" $((16#${BASH_REMATCH[2]})) $((16#${BASH_REMATCH[3]})) \
			"ACPI data" || return 1
		seen+="$sig "
	done < <(log_grep "$re")
	for sig in FACP DSDT APIC; do
		[[ $seen == *" $sig "* ]] || {
			leapboot_fail "the kernel listed no $sig table (tables seen:$seen)"
			return 1
		}
	done
}

# --- the tests' bodies, per machine -------------------------------------------------------

check_smp4() {
	platform_boot "$1"
	assert_log '^LEAPBOOT-CPUS=4$' "-smp 4: /init must see 4 online CPUs"
	assert_log '\] smp: Brought up 1 node, 4 CPUs$'
}

check_virtio() {
	platform_boot "$1"
	local disk net
	disk=$(init_value LEAPBOOT-DISK)
	[[ $disk == "$DISK_STRING" ]] ||
		leapboot_fail "virtio disk: first line of /dev/vda is '$disk', expected '$DISK_STRING'"
	net=$(init_value LEAPBOOT-NET)
	[[ " $net " == *" eth0 "* ]] || leapboot_fail "virtio NIC: interfaces '$net' lack eth0"
}

# Interrupts of the virtio devices: registered (/proc/interrupts), and the disk read above
# completed, which virtio-blk cannot do without them.
check_virtio_interrupts() {
	local n
	n=$(init_value LEAPBOOT-INTERRUPTS)
	[[ $n =~ ^[1-9][0-9]*$ ]] ||
		leapboot_fail "no virtio interrupt in /proc/interrupts (LEAPBOOT-INTERRUPTS=$n)"
}

# pc/q35: ACPI routes PCI interrupts; each virtio PCI function has a routed INTx line.
check_pci_irqs() {
	assert_log '\] PCI: Using ACPI for IRQ routing$' || return 1
	refute_log 'irq [0-9]+: nobody cared' || return 1
	local irqs irq n=0
	irqs=$(init_value LEAPBOOT-PCI-IRQ) || return 1
	for irq in $irqs; do
		((irq > 0 && irq < 255)) || {
			leapboot_fail "a virtio PCI device has no routed IRQ (LEAPBOOT-PCI-IRQ=$irqs)"
			return 1
		}
		n=$((n + 1))
	done
	((n == 2)) || leapboot_fail "expected the IRQs of 2 virtio PCI devices, got '$irqs'"
}

check_smbios() {
	platform_boot "$1"
	assert_log "^LEAPBOOT-DMI-SERIAL=$SMBIOS_SERIAL\$" "-smbios type=1,serial=$SMBIOS_SERIAL"
	assert_log '\] SMBIOS [0-9.]+ present\.$'
}

check_e820_table() {
	platform_boot "$1"
	read_linux_e820
	check_raw_e820
}

check_e820_acpi_tables() {
	platform_boot "$1"
	read_linux_e820
	check_acpi_tables_in_e820
}

# RSDP (and with $2 = smbios, the SMBIOS entry point and tables) where the e820 map protects them.
check_e820_fseg() {
	platform_boot "$1"
	read_linux_e820
	read_table_addrs
	read_linux_rsdp
	((LINUX_RSDP_ADDR == RSDP_ADDR)) ||
		leapboot_fail "the kernel used the RSDP at $(hex "$LINUX_RSDP_ADDR"), leapboot reported $(hex "$RSDP_ADDR")"
	assert_in_fseg "RSDP" "$RSDP_ADDR" "$RSDP_LEN"
	[[ ${2:-} == smbios ]] || return 0
	local len
	# Entry point: 31 bytes for SMBIOS 2.x ("_SM_"), 24 for 3.x ("_SM3_").
	if log_grep '\] SMBIOS 3\.[0-9.]+ present\.$' >/dev/null; then len=24; else len=31; fi
	((SMBIOS_EP != 0)) || leapboot_fail "leapboot reported no SMBIOS entry point"
	assert_in_fseg "SMBIOS entry point" "$SMBIOS_EP" "$len"
	((SMBIOS_TABLES != 0)) || leapboot_fail "leapboot reported no SMBIOS tables"
	assert_in_e820 "SMBIOS tables" "$SMBIOS_TABLES" 1 reserved
}

# A legacy RSDP scan (ACPI 5.2.5.1; /init's LEAPBOOT-FSEG-RSDP= lists the checksum-valid
# "RSD PTR " in 0xE0000-0xFFFFF of /dev/mem) finds first the RSDP leapboot reported.
check_fseg_rsdp() {
	platform_boot "$1"
	read_table_addrs
	local found first
	found=$(init_value LEAPBOOT-FSEG-RSDP)
	[[ $found != unreadable ]] || leapboot_fail "/init could not read 0xE0000-0xFFFFF of /dev/mem"
	((RSDP_ADDR >= 0xe0000 && RSDP_ADDR <= 0xfffff)) ||
		leapboot_fail "leapboot reported the RSDP at $(hex "$RSDP_ADDR"), outside 0xe0000-0xfffff"
	[[ -n $found ]] ||
		leapboot_fail "a scan of 0xe0000-0xfffff finds no valid RSDP (leapboot reported $(hex "$RSDP_ADDR"))"
	first=${found%% *}
	((first == RSDP_ADDR)) ||
		leapboot_fail "a scan of 0xe0000-0xfffff finds first the RSDP at $first (all: $found), leapboot reported $(hex "$RSDP_ADDR")"
}

# ACPI S5: no isa-debug-exit device, so /init's `poweroff -f` can end QEMU only through the ACPI
# PM registers. -action reboot=reset undoes -no-reboot: a reset (e.g. panic=-1 after a failed
# power-off) boots again instead of ending QEMU with status 0 too, and the test then times out.
check_acpi_s5() {
	boot_leapboot "$1" --no-debug-exit -action reboot=reset \
		-kernel "$LEAPBOOT_KERNEL" -initrd "$LEAPBOOT_INITRD" \
		-append "$BASE_CMDLINE leapboot.poweroff=acpi"
	refute_log '^leapboot: error:'
	assert_log '^USERSPACE-UP$'
	assert_log '^LEAPBOOT-ACPI=yes$'
	assert_log '^LEAPBOOT-POWEROFF$'
	assert_log '\] reboot: Power down$' "the kernel's power-off"
	refute_log 'Kernel panic'
	local n
	n=$(log_count '\] Linux version ')
	[[ $n == 1 ]] || leapboot_fail "the guest booted $n times: power-off did not end QEMU"
	assert_status 0 "QEMU exits 0 when the guest enters S5"
}

# MSI off (pci=nomsi): the virtio PCI devices interrupt through INTx, routed by ACPI (_PRT and
# the PCI link devices); the disk is read only if those interrupts arrive.
check_intx() {
	local machine=$1
	boot_leapboot "$machine" -kernel "$LEAPBOOT_KERNEL" -initrd "$MODULES_INITRD" \
		-append "$BASE_CMDLINE pci=nomsi" \
		-drive "file=$BATS_FILE_TMPDIR/disk-$machine.img,format=raw,if=none,id=d0" \
		-device virtio-blk-pci,drive=d0 \
		-netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0
	assert_userspace
	local disk
	disk=$(init_value LEAPBOOT-DISK)
	[[ $disk == "$DISK_STRING" ]] ||
		leapboot_fail "virtio disk over INTx: first line of /dev/vda is '$disk', expected '$DISK_STRING'"
	check_pci_irqs
	check_virtio_interrupts
}

# --- pc -----------------------------------------------------------------------------------

@test "pc -smp 4: Linux brings up 4 CPUs" {
	check_smp4 pc
}

@test "pc: virtio-blk-pci disk and virtio-net-pci NIC work" {
	check_virtio pc
}

@test "pc: ACPI routes PCI IRQs; the virtio devices have interrupts" {
	platform_boot pc
	check_pci_irqs
	check_virtio_interrupts
}

@test "pc: with MSI off, virtio interrupts through ACPI-routed INTx work" {
	check_intx pc
}

@test "pc: -smbios type=1,serial= reaches Linux's DMI" {
	check_smbios pc
}

@test "pc: leapboot's e820 table is sorted, disjoint, and what Linux prints" {
	check_e820_table pc
}

@test "pc: every ACPI table Linux lists lies in an 'ACPI data' e820 range" {
	check_e820_acpi_tables pc
}

@test "pc: RSDP and SMBIOS entry point in a reserved F-segment range, SMBIOS tables reserved" {
	check_e820_fseg pc smbios
}

@test "pc: a legacy scan of 0xE0000-0xFFFFF finds the RSDP leapboot reported" {
	check_fseg_rsdp pc
}

@test "pc: ACPI S5 power-off ends QEMU (status 0) without isa-debug-exit" {
	check_acpi_s5 pc
}

# --- q35 ----------------------------------------------------------------------------------

@test "q35 -smp 4: Linux brings up 4 CPUs" {
	check_smp4 q35
}

@test "q35: virtio-blk-pci disk and virtio-net-pci NIC work" {
	check_virtio q35
}

@test "q35: ACPI routes PCI IRQs; the virtio devices have interrupts" {
	platform_boot q35
	check_pci_irqs
	check_virtio_interrupts
}

@test "q35: with MSI off, virtio interrupts through ACPI-routed INTx work" {
	check_intx q35
}

@test "q35: -smbios type=1,serial= reaches Linux's DMI" {
	check_smbios q35
}

@test "q35: leapboot's e820 table is sorted, disjoint, and what Linux prints" {
	check_e820_table q35
}

@test "q35: every ACPI table Linux lists lies in an 'ACPI data' e820 range" {
	check_e820_acpi_tables q35
}

@test "q35: RSDP and SMBIOS entry point in a reserved F-segment range, SMBIOS tables reserved" {
	check_e820_fseg q35 smbios
}

@test "q35: a legacy scan of 0xE0000-0xFFFFF finds the RSDP leapboot reported" {
	check_fseg_rsdp q35
}

@test "q35: ACPI S5 power-off ends QEMU (status 0) without isa-debug-exit" {
	check_acpi_s5 q35
}

# --- microvm ------------------------------------------------------------------------------

@test "microvm -smp 4: Linux brings up 4 CPUs" {
	check_smp4 microvm
}

@test "microvm: virtio-mmio disk and NIC, found through the DSDT, work and interrupt" {
	check_virtio microvm
	check_virtio_interrupts
	assert_log '^LEAPBOOT-PCI-IRQ=$' "microvm has no PCI"
	# Not through virtio_mmio.device= options (QEMU adds those only without ACPI).
	assert_cmdline
}

# QEMU 7.2's microvm has no SMBIOS (no etc/smbios/* fw_cfg files, even with -smbios; see
# tests/unit/fixtures/microvm/README.md): leapboot gives a table of its own, its BIOS information
# alone, entry point and table in the F-segment, and Linux finds it there; -smbios type=1 does
# not reach it.
@test "microvm: no SMBIOS from QEMU, leapboot's own (3.0, F-segment) is what Linux finds" {
	platform_boot microvm
	read_table_addrs
	((SMBIOS_EP >= 0xF0000 && SMBIOS_EP < 0x100000 && SMBIOS_TABLES >= 0xF0000 &&
		SMBIOS_TABLES < 0x100000)) ||
		leapboot_fail "leapboot's SMBIOS at $(hex "$SMBIOS_EP") (tables $(hex "$SMBIOS_TABLES")) is not in the F-segment"
	assert_log '\] SMBIOS 3\.0\.0 present\.'
	assert_log '\] DMI: .*, BIOS [0-9]+\.[0-9]+ [0-9]{2}/[0-9]{2}/[0-9]{4}$'
	assert_log '^LEAPBOOT-DMI-SERIAL=$'
}

@test "microvm: leapboot's e820 table is sorted, disjoint, and what Linux prints" {
	check_e820_table microvm
}

@test "microvm: every ACPI table Linux lists lies in an 'ACPI data' e820 range" {
	check_e820_acpi_tables microvm
}

@test "microvm: RSDP in a reserved F-segment range" {
	check_e820_fseg microvm
}

@test "microvm: a legacy scan of 0xE0000-0xFFFFF finds the RSDP leapboot reported" {
	check_fseg_rsdp microvm
}

@test "microvm: ACPI S5 power-off ends QEMU (status 0) without isa-debug-exit" {
	check_acpi_s5 microvm
}

# --- no ACPI: the MP table ----------------------------------------------------------------

@test "pc,acpi=off -smp 4: Debian's generic kernel finds leapboot's MP table, 4 CPUs" {
	boot_leapboot pc,acpi=off -smp 4 "${VERBOSE_ARGS[@]}" \
		-kernel "$GENERIC_KERNEL" -initrd "$LEAPBOOT_INITRD" -append "$BASE_CMDLINE"
	assert_userspace
	assert_cmdline
	assert_log '^LEAPBOOT-ACPI=no$'
	assert_log '^LEAPBOOT-CPUS=4$' "-smp 4 through the MP table"
	local re='^leapboot: no ACPI: MP table for ([0-9]+) CPUs at (0x[0-9a-f]+)$' line mp
	line=$(log_grep "$re" | head -n 1)
	[[ $line =~ $re ]] || leapboot_fail "no verbose 'leapboot: no ACPI: MP table for N CPUs at 0x…' line"
	[[ ${BASH_REMATCH[1]} == 4 ]] || leapboot_fail "leapboot built the MP table for ${BASH_REMATCH[1]} CPUs, not 4"
	mp=$((BASH_REMATCH[2]))
	assert_log "\] found SMP MP-table at \[mem $(printf '0x%08x' "$mp")-$(printf '0x%08x' $((mp + 15)))\]\$" \
		"the kernel must find the MP floating pointer leapboot reported"
	read_linux_e820
	check_raw_e820
	assert_in_fseg "MP floating pointer" "$mp" 16
	read_table_addrs
	((RSDP_ADDR == 0)) || leapboot_fail "acpi=off, yet leapboot reported an RSDP at $(hex "$RSDP_ADDR")"
	assert_log '^LEAPBOOT-FSEG-RSDP=$' "acpi=off: no RSDP anywhere in 0xe0000-0xfffff"
}

# Why the test above needs the generic kernel: Debian's cloud kernel is built without
# CONFIG_X86_MPPARSE, so without ACPI it never looks for an MP table and runs on the boot CPU
# alone. This still has to boot normally with leapboot's MP table present.
@test "pc,acpi=off -smp 4: Debian's cloud kernel (no MP table parsing) boots on 1 CPU" {
	boot_leapboot pc,acpi=off -smp 4 "${VERBOSE_ARGS[@]}" \
		-kernel "$LEAPBOOT_KERNEL" -initrd "$LEAPBOOT_INITRD" -append "$BASE_CMDLINE"
	assert_userspace
	assert_log '^leapboot: no ACPI: MP table for 4 CPUs at 0x[0-9a-f]+$'
	assert_log '\] APIC: ACPI MADT or MP tables are not detected$'
	refute_log 'found SMP MP-table'
	assert_log '^LEAPBOOT-CPUS=1$'
}
