#!/usr/bin/env bats
# PVH: Debian's vmlinux (made from the bzImage by tools/extract-vmlinux) entered through its Xen
# PHYS32_ENTRY note, loaded by QEMU or by leapboot; leapboot.elf as a -kernel chain-loader under
# SeaBIOS and qboot; and the PVH probe kernel (tests/guest), which checks the start_info and the
# CPU state it was handed and exits QEMU with 33 (PASS) or 35 (FAIL).

# Commas in QEMU arguments are not separators.
# shellcheck disable=SC2054

load lib/qemu

QBOOT=/usr/share/qemu/qboot.rom
# SeaBIOS's own firmware: boot_leapboot --bios "" leaves -bios out.
SEABIOS=

setup_file() {
	leapboot_setup_file || return 1
	local d=$BATS_FILE_TMPDIR
	if ! "$LEAPBOOT_ROOT/tools/extract-vmlinux" -o "$d/vmlinux" "$LEAPBOOT_KERNEL"; then
		leapboot_fail "tools/extract-vmlinux could not make a vmlinux from $LEAPBOOT_KERNEL"
		return 1
	fi
	export VMLINUX=$d/vmlinux
	if ! make -s -C "$LEAPBOOT_ROOT/tests/guest" O="$d/guest" >&2; then
		leapboot_fail "make -C tests/guest could not build the PVH probe"
		return 1
	fi
	export PROBE=$d/guest/pvh-probe.elf
	export LEAPBOOT_ELF=${LEAPBOOT_BIN%/*}/leapboot.elf
	[[ -s $LEAPBOOT_ELF ]] || {
		leapboot_fail "$LEAPBOOT_ELF not built (run make)"
		return 1
	}
	[[ -s $QBOOT ]] || {
		leapboot_fail "$QBOOT missing (Debian's qemu-system-data)"
		return 1
	}
	# A module for the probe with contents it must hand over byte for byte.
	head -c 300000 /dev/urandom >"$d/module.bin"
	export MODULE=$d/module.bin
	# An ELF without the PVH note: the vmlinux with its note type 18 renamed to 99.
	python3 - "$VMLINUX" "$d/no-note.elf" <<-'EOF'
		import struct, sys
		b = bytearray(open(sys.argv[1], "rb").read())
		phoff, = struct.unpack_from("<Q", b, 32)
		phnum, = struct.unpack_from("<H", b, 56)
		done = 0
		for i in range(phnum):
		    p_type, _, off, _, _, filesz = struct.unpack_from("<IIQQQQ", b, phoff + 56 * i)
		    if p_type != 4:
		        continue
		    pos = off
		    while pos + 12 <= off + filesz:
		        namesz, descsz, ntype = struct.unpack_from("<III", b, pos)
		        name = bytes(b[pos + 12:pos + 12 + namesz])
		        if ntype == 18 and name == b"Xen\0":
		            struct.pack_into("<I", b, pos + 8, 99)
		            done += 1
		        pos += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
		assert done == 1, "no PVH note found to remove"
		open(sys.argv[2], "wb").write(b)
	EOF
	# The vmlinux cut short: its headers are intact, its segments run past the end.
	head -c 20000000 "$VMLINUX" >"$d/short.elf"
}

# The probe's verdict: PASS (exit 33), module 0 and the command line as sent. leapboot keeps the
# start_info in its own pages, which it reports reserved; PVH does not ask for RAM there.
assert_probe_pass() {
	local want_cmdline=$1
	assert_log '^PVH-PROBE: RESULT PASS$' "the probe did not pass" || return 1
	assert_status 33 "the probe's PASS exit" || return 1
	assert_log "^PVH-PROBE: cmdline=$want_cmdline\$" "command line as sent" || return 1
	local sum
	sum=$("$LEAPBOOT_ROOT/tests/guest/fnv1a" "$MODULE") || return 1
	assert_log "^PVH-PROBE: module0 $sum\$" "module 0 = the initrd, byte for byte" || return 1
	assert_log '^PVH-PROBE: rsdp=ok$' "the RSDP in start_info" || return 1
}

PROBE_ARGS="pvh-probe.allow=memmap-start_info"

# --- leapboot.bin: QEMU loads the PVH ELF --------------------------------------------------

@test "pc: Debian vmlinux loaded by QEMU, entered through PVH by leapboot, reaches userspace" {
	boot_leapboot pc -kernel "$VMLINUX" -initrd "$LEAPBOOT_INITRD" -append "$BASE_CMDLINE" \
		-fw_cfg name=opt/leapboot/verbose,string=1
	assert_userspace
	assert_cmdline
	assert_log '^leapboot: kernel from -kernel: PVH ELF loaded by QEMU'
	assert_log '^leapboot: entering the PVH kernel at 0x'
}

@test "q35: Debian vmlinux loaded by QEMU, entered through PVH by leapboot, reaches userspace" {
	boot_leapboot q35 -kernel "$VMLINUX" -initrd "$LEAPBOOT_INITRD" -append "$BASE_CMDLINE" \
		-fw_cfg name=opt/leapboot/verbose,string=1
	assert_userspace
	assert_cmdline
	assert_log '^leapboot: entering the PVH kernel at 0x'
}

@test "microvm: Debian vmlinux loaded by QEMU, entered through PVH by leapboot, reaches userspace" {
	boot_leapboot microvm -kernel "$VMLINUX" -initrd "$LEAPBOOT_INITRD" -append "$BASE_CMDLINE" \
		-fw_cfg name=opt/leapboot/verbose,string=1
	assert_userspace
	assert_cmdline
	assert_log '^leapboot: entering the PVH kernel at 0x'
}

@test "q35 -m 6G: Debian vmlinux with an initrd (kept below 4 GiB for the 32-bit entry) reaches userspace" {
	boot_leapboot q35 -m 6G -kernel "$VMLINUX" -initrd "$LEAPBOOT_INITRD" -append "$BASE_CMDLINE" \
		-fw_cfg name=opt/leapboot/verbose,string=1
	assert_userspace
	assert_cmdline
	assert_memory
	local at
	at=$(verbose_initrd_addr)
	((at > 0 && at < 0x100000000)) || leapboot_fail "initrd at $(printf %#x "$at"), not below 4 GiB"
}

@test "boot markers: microvm PVH gets fw_start, fw_do_boot, linux_start_pvhboot; the chain-loader writes them too" {
	marker_args
	boot_leapboot microvm -kernel "$VMLINUX" -initrd "$LEAPBOOT_INITRD" -append "$BASE_CMDLINE" \
		-fw_cfg name=opt/leapboot/markers,string=1 "${MARKER_ARGS[@]}"
	assert_userspace
	assert_markers 01 0504
	marker_args
	chain "$QBOOT" q35 "$VMLINUX" -fw_cfg name=opt/leapboot/markers,string=1 "${MARKER_ARGS[@]}"
	assert_userspace
	assert_markers 01 0504
}

# --- leapboot.bin: leapboot loads the ELF itself --------------------------------------------

@test "q35: Debian vmlinux from opt/leapboot/kernel, loaded by leapboot, reaches userspace" {
	boot_leapboot q35 -fw_cfg "name=opt/leapboot/kernel,file=$VMLINUX" \
		-fw_cfg "name=opt/leapboot/initrd,file=$LEAPBOOT_INITRD" \
		-fw_cfg "name=opt/leapboot/cmdline,string=$BASE_CMDLINE" \
		-fw_cfg name=opt/leapboot/verbose,string=1
	assert_userspace
	assert_cmdline
	assert_log '^leapboot: kernel from opt/leapboot/kernel: PVH ELF loaded at 0x1000000-'
}

# --- leapboot.elf as a chain-loader -----------------------------------------------------------

chain() { # <bios> <machine> <kernel file> [extra qemu args...]
	boot_leapboot "$2" --bios "$1" -kernel "$LEAPBOOT_ELF" \
		-fw_cfg "name=opt/leapboot/kernel,file=$3" \
		-fw_cfg "name=opt/leapboot/initrd,file=$LEAPBOOT_INITRD" \
		-fw_cfg "name=opt/leapboot/cmdline,string=$BASE_CMDLINE" \
		-fw_cfg name=opt/leapboot/verbose,string=1 "${@:4}"
}

@test "leapboot.elf under SeaBIOS (q35) boots the bzImage from opt/leapboot/kernel" {
	chain "$SEABIOS" q35 "$LEAPBOOT_KERNEL"
	assert_userspace
	assert_cmdline
	assert_log '^leapboot: machine chain-loaded \(PVH\)'
	assert_log '^leapboot: entering the 64-bit kernel'
}

@test "leapboot.elf under SeaBIOS (q35) boots the PVH vmlinux from opt/leapboot/kernel" {
	chain "$SEABIOS" q35 "$VMLINUX"
	assert_userspace
	assert_cmdline
	assert_log '^leapboot: entering the PVH kernel'
}

@test "leapboot.elf under qboot (q35) boots the bzImage from opt/leapboot/kernel" {
	chain "$QBOOT" q35 "$LEAPBOOT_KERNEL"
	assert_userspace
	assert_cmdline
	assert_log '^leapboot: entering the 64-bit kernel'
}

@test "leapboot.elf under qboot (q35) boots the PVH vmlinux from opt/leapboot/kernel" {
	chain "$QBOOT" q35 "$VMLINUX"
	assert_userspace
	assert_cmdline
	assert_log '^leapboot: entering the PVH kernel'
}

@test "leapboot.elf under microvm's own firmware (qboot) boots the bzImage" {
	chain "$SEABIOS" microvm "$LEAPBOOT_KERNEL"
	assert_userspace
	assert_cmdline
}

# --- the probe kernel ------------------------------------------------------------------------

@test "probe: start_info and CPU state from leapboot.bin when QEMU loads the probe (pc, q35, microvm)" {
	local m
	for m in pc q35 microvm; do
		boot_leapboot "$m" -kernel "$PROBE" -initrd "$MODULE" -append "probe $PROBE_ARGS"
		assert_probe_pass "probe $PROBE_ARGS$([[ $m == microvm ]] && echo " tsc_early_khz=$TSC_EARLY_KHZ")" || return 1
	done
}

@test "probe: start_info and CPU state when leapboot.bin loads the probe from opt/leapboot/kernel" {
	boot_leapboot q35 -fw_cfg "name=opt/leapboot/kernel,file=$PROBE" \
		-fw_cfg "name=opt/leapboot/initrd,file=$MODULE" \
		-fw_cfg "name=opt/leapboot/cmdline,string=probe $PROBE_ARGS"
	assert_probe_pass "probe $PROBE_ARGS"
}

@test "probe: start_info and CPU state from leapboot.elf chain-loaded by SeaBIOS" {
	boot_leapboot q35 --bios "$SEABIOS" -kernel "$LEAPBOOT_ELF" \
		-fw_cfg "name=opt/leapboot/kernel,file=$PROBE" \
		-fw_cfg "name=opt/leapboot/initrd,file=$MODULE" \
		-fw_cfg "name=opt/leapboot/cmdline,string=probe $PROBE_ARGS"
	assert_probe_pass "probe $PROBE_ARGS"
}

# --- bad PVH kernels ---------------------------------------------------------------------------

@test "an ELF without the PVH note is refused with one error line" {
	boot_leapboot q35 -fw_cfg "name=opt/leapboot/kernel,file=$BATS_FILE_TMPDIR/no-note.elf"
	assert_leapboot_error '^leapboot: error: kernel: no PVH entry note, Xen type 18 \(512 bytes of notes\)$'
}

@test "a truncated vmlinux (headers intact) is refused with one error line" {
	boot_leapboot q35 -fw_cfg "name=opt/leapboot/kernel,file=$BATS_FILE_TMPDIR/short.elf"
	assert_leapboot_error '^leapboot: error: kernel: ELF segment outside the file \(.*\)$'
}
