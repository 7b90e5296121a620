#!/usr/bin/env bats
# Multiboot (v1): the multiboot probe (tests/guest/multiboot-probe.c) booted with -kernel, in
# both header forms (ELF; a.out kludge), with 0, 1 and 3 modules (-initrd "path args,..."), on pc
# and q35 at several memory sizes. Every line the probe prints is checked in order
# (tests/lib/multiboot.bash): the machine state, the memory map against QEMU's own etc/e820 and
# against mem_lower/mem_upper, the command line, the boot loader name, and each module's string,
# size and FNV-1a against the file on the host; then RESULT PASS and exit status 33.
#
# The loader under test is the firmware: SeaBIOS (QEMU's default, /usr/share/seabios/bios-256k.bin,
# -bios left out), which boots Multiboot kernels with QEMU's multiboot.bin option ROM; and
# leapboot.bin (-bios), with the same checks — its boot loader name is "leapboot".
#
# The matrix (machine, form, modules, -m):
#   pc:  elf 0 128M, elf 1 256M, elf 3 1G,  aout 0 256M, aout 1 512M, aout 3 3G
#   q35: elf 0 256M, elf 1 2G,   elf 3 4G,  aout 0 128M, aout 1 1G,   aout 3 8G
# leapboot runs part of it, microvm (which has no multiboot option ROM for SeaBIOS to run) and
# the opt/leapboot route (the probe, its command line and modules as fw_cfg files, where leapboot
# parses the header itself; with fw_cfg DMA off once).

load lib/qemu
load lib/multiboot

setup_file() {
	multiboot_setup_file
}

mb_case() { # <firmware> <machine> <form> <modules> <mem>
	multiboot_boot "$@" || return 1
	multiboot_assert_report
}

# --- SeaBIOS + QEMU's multiboot.bin -----------------------------------------------------------

@test "SeaBIOS pc: ELF form, no modules, -m 128M: every probe line as expected, PASS" {
	mb_case seabios pc elf 0 128M
}

@test "SeaBIOS pc: ELF form, 1 module, -m 256M: every probe line as expected, PASS" {
	mb_case seabios pc elf 1 256M
}

@test "SeaBIOS pc: ELF form, 3 modules, -m 1G: every probe line as expected, PASS" {
	mb_case seabios pc elf 3 1G
}

@test "SeaBIOS pc: a.out form, no modules, -m 256M: every probe line as expected, PASS" {
	mb_case seabios pc aout 0 256M
}

@test "SeaBIOS pc: a.out form, 1 module, -m 512M: every probe line as expected, PASS" {
	mb_case seabios pc aout 1 512M
}

@test "SeaBIOS pc: a.out form, 3 modules, -m 3G: every probe line as expected, PASS" {
	mb_case seabios pc aout 3 3G
}

@test "SeaBIOS q35: ELF form, no modules, -m 256M: every probe line as expected, PASS" {
	mb_case seabios q35 elf 0 256M
}

@test "SeaBIOS q35: ELF form, 1 module, -m 2G: every probe line as expected, PASS" {
	mb_case seabios q35 elf 1 2G
}

@test "SeaBIOS q35: ELF form, 3 modules, -m 4G: every probe line as expected, PASS" {
	mb_case seabios q35 elf 3 4G
}

@test "SeaBIOS q35: a.out form, no modules, -m 128M: every probe line as expected, PASS" {
	mb_case seabios q35 aout 0 128M
}

@test "SeaBIOS q35: a.out form, 1 module, -m 1G: every probe line as expected, PASS" {
	mb_case seabios q35 aout 1 1G
}

@test "SeaBIOS q35: a.out form, 3 modules, -m 8G: every probe line as expected, PASS" {
	mb_case seabios q35 aout 3 8G
}

# --- leapboot.bin -------------------------------------------------------------------------------

@test "leapboot pc: ELF form, no modules, -m 128M: every probe line as expected, PASS" {
	mb_case leapboot pc elf 0 128M
}

@test "leapboot pc: ELF form, 3 modules, -m 1G: every probe line as expected, PASS" {
	mb_case leapboot pc elf 3 1G
}

@test "leapboot pc: a.out form, 1 module, -m 512M: every probe line as expected, PASS" {
	mb_case leapboot pc aout 1 512M
}

@test "leapboot q35: ELF form, 1 module, -m 2G: every probe line as expected, PASS" {
	mb_case leapboot q35 elf 1 2G
}

@test "leapboot q35: a.out form, no modules, -m 128M: every probe line as expected, PASS" {
	mb_case leapboot q35 aout 0 128M
}

@test "leapboot q35: a.out form, 3 modules, -m 8G: every probe line as expected, PASS" {
	mb_case leapboot q35 aout 3 8G
}

@test "leapboot microvm: ELF form, 3 modules, -m 512M: every probe line as expected, PASS" {
	mb_case leapboot microvm elf 3 512M
}

# --- leapboot.bin, the probe and modules as opt/leapboot files (leapboot parses the header) ----

@test "leapboot opt/leapboot q35: ELF form, 3 modules, -m 1G: every probe line as expected, PASS" {
	mb_case leapboot-opt q35 elf 3 1G
}

@test "leapboot opt/leapboot pc: a.out form, 1 module, -m 256M: every probe line as expected, PASS" {
	mb_case leapboot-opt pc aout 1 256M
}

@test "leapboot opt/leapboot microvm: a.out form, 3 modules, -m 2G: every probe line as expected, PASS" {
	mb_case leapboot-opt microvm aout 3 2G
}

@test "leapboot opt/leapboot q35: ELF form, no modules, -m 8G, fw_cfg DMA off: every probe line as expected, PASS" {
	mb_case leapboot-opt q35 elf 0 8G -global fw_cfg.dma_enabled=off
}
