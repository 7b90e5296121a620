#!/usr/bin/env bats
# The BIOS trap (issue 23): leapboot.bin provides no BIOS services, and a kernel that calls one
# must end in one error line and a QEMU exit (status 3), never in a hang or a silent triple
# fault. The kernel is tests/guest/bios-call.elf, which calls the BIOS the way the first byte of
# its command line says (real-kernels.bats has the real kernels that would need a BIOS).
#
# | how the kernel calls                                  | where               | the line                                    |
# |-------------------------------------------------------|---------------------|---------------------------------------------|
# | real mode (16-bit segments, PE off, IDTR at the       | pc, q35, microvm;   | the kernel called BIOS interrupt 0x13       |
# |   vector table): int 0x13, AH=0x42                    |   q35 also from     |   (AH=0x42); leapboot provides no BIOS      |
# |                                                       |   opt/leapboot      |   services                                  |
# | 32-bit code, through the IDT leapboot left: int 0x10, | pc, q35, microvm    | ... BIOS interrupt 0x10 (AH=0x0e) ...       |
# |   AH=0x0e                                             |                     |                                             |
# | 32-bit code: ud2, before it has an IDT of its own     | pc, q35, microvm    | the kernel raised CPU exception 0x06 at     |
# |                                                       |                     |   0x000800xx (the ud2) before it set up an  |
# |                                                       |                     |   IDT                                       |
# | real mode, leapboot.elf chain-loaded by SeaBIOS (q35) | -                   | none: SeaBIOS answers, the kernel prints    |
# |                                                       |                     |   "BIOS-CALL: returned" and exits 33 (the   |
# |                                                       |                     |   trap is the firmware form's alone)        |

# Commas in QEMU arguments are not separators.
# shellcheck disable=SC2054

# The trap reports within a second; a boot that gets this far is hung.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-30}

load lib/qemu

setup_file() {
	leapboot_setup_file || return 1
	local d=$BATS_FILE_TMPDIR
	if ! make -s -C "$LEAPBOOT_ROOT/tests/guest" O="$d/guest" bios-call >&2; then
		leapboot_fail "make -C tests/guest bios-call failed"
		return 1
	fi
	export BIOS_CALL=$d/guest/bios-call.elf
	export LEAPBOOT_ELF=${LEAPBOOT_BIN%/*}/leapboot.elf
	[[ -s $LEAPBOOT_ELF ]] || {
		leapboot_fail "$LEAPBOOT_ELF not built (run make)"
		return 1
	}
}

BIOS_LINE='leapboot: error: the kernel called BIOS interrupt'
NO_BIOS='; leapboot provides no BIOS services'

# assert_trap <ERE for the one error line>: that line and no other leapboot error, and QEMU's
# exit through isa-debug-exit.
assert_trap() {
	assert_log "^$1\$" || return 1
	[[ $(log_count '^leapboot: error:') == 1 ]] || leapboot_fail "more than one error line" ||
		return 1
	assert_status 3 "leapboot's isa-debug-exit"
}

@test "a real-mode BIOS call (int 0x13, AH=0x42) on q35 → the BIOS trap's line" {
	boot_leapboot q35 -kernel "$BIOS_CALL" -append r || return 1
	assert_trap "$BIOS_LINE 0x13 \(AH=0x42\)$NO_BIOS"
}
@test "a real-mode BIOS call on pc → the BIOS trap's line" {
	boot_leapboot pc -kernel "$BIOS_CALL" -append r || return 1
	assert_trap "$BIOS_LINE 0x13 \(AH=0x42\)$NO_BIOS"
}
@test "a real-mode BIOS call on microvm → the BIOS trap's line" {
	boot_leapboot microvm -kernel "$BIOS_CALL" -append r || return 1
	assert_trap "$BIOS_LINE 0x13 \(AH=0x42\)$NO_BIOS"
}
@test "a real-mode BIOS call, the kernel from opt/leapboot/kernel on q35 → the BIOS trap's line" {
	boot_leapboot q35 -fw_cfg "name=opt/leapboot/kernel,file=$BIOS_CALL" \
		-fw_cfg name=opt/leapboot/cmdline,string=r || return 1
	assert_trap "$BIOS_LINE 0x13 \(AH=0x42\)$NO_BIOS"
}
@test "a real-mode int 0x08 (a vector the PIC's interrupts share) on q35 → the BIOS trap's line, vector 0x08" {
	boot_leapboot q35 -kernel "$BIOS_CALL" -append l || return 1
	assert_trap "$BIOS_LINE 0x08 \(AH=0x00\)$NO_BIOS"
}
@test "int 0x10 (AH=0x0e) from 32-bit code on q35 → the BIOS trap's line" {
	boot_leapboot q35 -kernel "$BIOS_CALL" -append p || return 1
	assert_trap "$BIOS_LINE 0x10 \(AH=0x0e\)$NO_BIOS"
}
@test "int 0x10 from 32-bit code on pc → the BIOS trap's line" {
	boot_leapboot pc -kernel "$BIOS_CALL" -append p || return 1
	assert_trap "$BIOS_LINE 0x10 \(AH=0x0e\)$NO_BIOS"
}
@test "int 0x10 from 32-bit code on microvm → the BIOS trap's line" {
	boot_leapboot microvm -kernel "$BIOS_CALL" -append p || return 1
	assert_trap "$BIOS_LINE 0x10 \(AH=0x0e\)$NO_BIOS"
}
@test "ud2 before the kernel's own IDT on q35 → CPU exception 0x06 at the ud2" {
	local ud2
	ud2=$(nm "$BIOS_CALL" | awk '$3 == "fault" { print $1 }')
	boot_leapboot q35 -kernel "$BIOS_CALL" -append u || return 1
	assert_trap "leapboot: error: the kernel raised CPU exception 0x06 at 0x$ud2 before it set up an IDT"
}
@test "ud2 before the kernel's own IDT on pc → CPU exception 0x06" {
	boot_leapboot pc -kernel "$BIOS_CALL" -append u || return 1
	assert_trap 'leapboot: error: the kernel raised CPU exception 0x06 at 0x[0-9a-f]{8} before it set up an IDT'
}
@test "ud2 before the kernel's own IDT on microvm → CPU exception 0x06" {
	boot_leapboot microvm -kernel "$BIOS_CALL" -append u || return 1
	assert_trap 'leapboot: error: the kernel raised CPU exception 0x06 at 0x[0-9a-f]{8} before it set up an IDT'
}
@test "leapboot.elf under SeaBIOS (q35) leaves BIOS calls to SeaBIOS: no trap" {
	boot_leapboot q35 --bios "" -kernel "$LEAPBOOT_ELF" \
		-fw_cfg "name=opt/leapboot/kernel,file=$BIOS_CALL" \
		-fw_cfg name=opt/leapboot/cmdline,string=r || return 1
	refute_log '^leapboot: error:' "leapboot.elf has no BIOS trap" || return 1
	assert_log 'BIOS-CALL: returned$' "SeaBIOS answered the call" || return 1
	assert_status 33 "the kernel's own exit"
}
