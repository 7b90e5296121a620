#!/usr/bin/env bats
# Debian's Xen hypervisor (xen-hypervisor-4.17-amd64) booted through multiboot v1, starting
# Debian's generic kernel as dom0 (multiboot module 0, with module 1 as its initrd), whose
# /init reports on Xen's console and ends the VM (issue 23). tests/lib/xen.bash has the
# command line and the inputs; FIRMWARE is the one difference between the firmwares:
#
# | firmware                                  | how Xen is entered                              |
# |-------------------------------------------|-------------------------------------------------|
# | SeaBIOS (QEMU's default, no -bios)        | QEMU's multiboot option ROM (multiboot_dma.bin) |
# | leapboot.bin (-bios)                      | leapboot takes QEMU's multiboot buffer over     |
#
# Each boot must show Xen's banner and command line, Xen building dom0 from the modules,
# dom0's kernel, and its /init (whole initrd, dom0's command line without the module's file
# name, dom0_mem honoured, a PV dom0), which exits QEMU through isa-debug-exit. The times
# (from QEMU's start, serial lines stamped as they arrive) are printed, never asserted.

load lib/qemu
load lib/xen

setup_file() {
	xen_setup_file
}

# xen_test <machine>: boot under FIRMWARE, check the chain, print the times.
xen_test() {
	xen_boot "$1" || return 1
	assert_xen_dom0 || return 1
	echo "# $1, ${FIRMWARE:-SeaBIOS}: $(xen_times)" >&3
}

# QEMU builds the multiboot information; its boot loader name is "qemu".
@test "q35, SeaBIOS + QEMU's multiboot ROM: Xen starts the Debian dom0, which runs its /init" {
	FIRMWARE='' xen_test q35
	assert_log '\(XEN\) Bootloader: qemu$' "Xen names the boot loader from the information"
}

@test "pc, SeaBIOS + QEMU's multiboot ROM: Xen starts the Debian dom0, which runs its /init" {
	FIRMWARE='' xen_test pc
	assert_log '\(XEN\) Bootloader: qemu$' "Xen names the boot loader from the information"
}

# leapboot as -bios: the same boot, the firmware the only change.
@test "q35, leapboot.bin: Xen starts the Debian dom0, which runs its /init" {
	[[ -s $LEAPBOOT_ROOT/build/x86_64/leapboot.bin ]] ||
		leapboot_fail "build/x86_64/leapboot.bin not found: run 'make' in $LEAPBOOT_ROOT" || return 1
	FIRMWARE=build/x86_64/leapboot.bin xen_test q35
	# leapboot's multiboot information (its boot loader name and memory map).
	assert_log '\(XEN\) Bootloader: leapboot$' "Xen names the boot loader from the information"
}
