#!/usr/bin/env bats
# Kernels nobody here wrote (issue 23): each real, non-test kernel the project knows, under the
# forms that apply, with the outcome it must have. A check in leapboot stricter than the boot
# protocol shows up here first.
#
# | kernel                                   | how                                   | expected                       | where              |
# |------------------------------------------|---------------------------------------|--------------------------------|--------------------|
# | memtest86+ x64 (Debian's memtest86+,     | -kernel and opt/leapboot/kernel, on   | its banner reports the RAM     | this file          |
# |   a bzImage, 64-bit entry, syssize       |   pc, q35, microvm, -m 256            |   QEMU gave it (256MB)         |                    |
# |   rounded up to a partial paragraph)     |                                       |                                |                    |
# | memtest86+ ia32 (32-bit entry)           | the same                              | the same                       | this file          |
# | iPXE's ipxe.lkrn (Debian's ipxe): a      | -kernel on pc, q35, microvm;          | refused before any jump: "no   | this file          |
# |   bzImage header, code32_start 0, the    |   opt/leapboot/kernel on q35          |   protected-mode entry (syssize|                    |
# |   rest compressed for its real-mode      |                                       |   …, code32_start 0x0)"; exit 3|                    |
# |   setup                                  |                                       |   (it triple-faulted before)   |                    |
# | syslinux's memdisk (syslinux-common):    | the same                              | the same line, "syssize 0x0,   | this file          |
# |   syssize 0; its 32-bit part expects     |                                       |   code32_start 0x100000"       |                    |
# |   arguments from its real-mode setup     |                                       |   (it halted with IF=0 before) |                    |
# | GRUB's lnxboot.img + a core.img          | the same                              | the same line as memdisk (its  | this file          |
# |   (grub-pc-bin, grub-mkimage -O i386-pc):|                                       |   16-bit code halted with IF=0 |                    |
# |   syssize 0, 16-bit code after the setup |                                       |   before)                      |                    |
# | Debian's Xen (xen-hypervisor-4.17-amd64, | -kernel on pc, q35, microvm;          | the BIOS trap's line: "the     | this file          |
# |   multiboot) without no-real-mode: its   |   opt/leapboot/kernel on q35          |   kernel called BIOS interrupt |                    |
# |   trampoline asks the BIOS in real mode  |                                       |   0x15 (AH=0xec)"; exit 3 (it  |                    |
# |                                          |                                       |   hung before)                 |                    |
# | Xen with no-real-mode, Debian's generic  | -kernel with -initrd modules on q35   | dom0's /init                   | this file; against |
# |   kernel as dom0 (modules: the dom0      |   and opt/leapboot/module<N> on pc    |                                |   SeaBIOS in       |
# |   vmlinux and its initrd)                |                                       |                                |   xen.bats         |
# | a kernel that calls the BIOS from real   | tests/guest/bios-call.elf on pc, q35, | the BIOS trap's line; exit 3   | bios-trap.bats     |
# |   mode or 32-bit code                    |   microvm                             |                                |                    |
# | Debian's cloud and generic Linux         | bzImage on q35 and pc, the cloud      | userspace                      | this file; every   |
# |                                          |   PVH vmlinux on microvm              |                                |   form in boot,    |
# |                                          |                                       |                                |   platform, pvh,   |
# |                                          |                                       |                                |   linux-log.bats   |
# | Debian's arm64 Linux                     | Image and Image.gz, both forms, EFI   | userspace                      | arm64.bats,        |
# |                                          |                                       |                                |   efi.bats         |
#
# memtest86+ never exits: a boot here runs until the expected line appears on the serial port,
# or fails after MEMTEST_TIMEOUT seconds. The real-mode programs must stop QEMU themselves: each
# of their boots has a 30 s timeout (a refusal takes well under a second).

load lib/qemu
load lib/xen

MEMTEST_TIMEOUT=${MEMTEST_TIMEOUT:-60}

setup_file() {
	leapboot_setup_file || return 1
	local k
	for k in x64 ia32; do
		[[ -s /boot/memtest86+$k.bin ]] || {
			leapboot_fail "/boot/memtest86+$k.bin missing: install Debian's memtest86+ (tools/install-deps does)"
			return 1
		}
	done
	local f pkg
	for f in /boot/ipxe.lkrn:ipxe /usr/lib/syslinux/memdisk:syslinux-common \
		/usr/lib/grub/i386-pc/lnxboot.img:grub-pc-bin \
		/boot/xen-4.17-amd64.gz:xen-hypervisor-4.17-amd64; do
		pkg=${f#*:} f=${f%:*}
		[[ -s $f ]] || {
			leapboot_fail "$f missing: install Debian's $pkg (tools/install-deps does)"
			return 1
		}
	done
	# GRUB as a Linux kernel: lnxboot.img in front of a core.img, as GRUB's docs build it.
	local core=$BATS_FILE_TMPDIR/core.img
	grub-mkimage -O i386-pc -d /usr/lib/grub/i386-pc -p /boot/grub -o "$core" biosdisk ||
		{
			leapboot_fail "grub-mkimage could not build a core.img (grub-common)"
			return 1
		}
	export GRUB_LKRN=$BATS_FILE_TMPDIR/grub.lkrn
	cat /usr/lib/grub/i386-pc/lnxboot.img "$core" >"$GRUB_LKRN"
	# QEMU's -kernel does not inflate a multiboot image.
	export XEN=$BATS_FILE_TMPDIR/xen
	zcat /boot/xen-4.17-amd64.gz >"$XEN" || return 1
	# Debian's generic kernel (the cloud one is LEAPBOOT_KERNEL) and the cloud vmlinux.
	GENERIC_KERNEL=$("$LEAPBOOT_ROOT/tools/fetch-kernels" --flavour generic --print) || return 1
	export GENERIC_KERNEL VMLINUX=$BATS_FILE_TMPDIR/vmlinux
	"$LEAPBOOT_ROOT/tools/extract-vmlinux" -o "$VMLINUX" "$LEAPBOOT_KERNEL" || return 1
	xen_setup_file
}

# boot_until <ERE> <machine> <qemu args...>: runs leapboot on the machine until the serial
# output (escape sequences removed) has a line matching ERE, then stops QEMU. BOOT_LOG holds
# the output; fails on a leapboot error, an early exit or the timeout.
boot_until() {
	local want=$1 machine=$2
	shift 2
	local mspec
	mspec=$(machine_args "$machine")
	BOOT_N=$((${BOOT_N:-0} + 1))
	BOOT_LOG=$BATS_TEST_TMPDIR/serial-$BOOT_N.log
	BOOT_STDERR=$BATS_TEST_TMPDIR/qemu-stderr-$BOOT_N.log
	local raw=$BATS_TEST_TMPDIR/serial-$BOOT_N.raw
	BOOT_ARGS=("$QEMU" -M "$mspec" -accel tcg -nographic -no-reboot -m 256 -bios "$LEAPBOOT_BIN"
		-device isa-debug-exit,iobase=0x501,iosize=2 "${VERBOSE_ARGS[@]}" "$@")
	printf '%q ' "${BOOT_ARGS[@]}" >"$BATS_TEST_TMPDIR/cmd-$BOOT_N.sh"
	"${BOOT_ARGS[@]}" </dev/null >"$raw" 2>"$BOOT_STDERR" &
	local pid=$! t0=$SECONDS found=0
	while ((SECONDS - t0 < MEMTEST_TIMEOUT)) && kill -0 "$pid" 2>/dev/null; do
		if sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$raw" | tr -d '\r' | grep -aqE -- "$want"; then
			found=1
			break
		fi
		sleep 0.5
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	sed 's/\x1b\[[0-9;]*[A-Za-z]/\n/g' "$raw" | tr -d '\r' >"$BOOT_LOG"
	refute_log '^leapboot: error:' "leapboot refused the kernel" || return 1
	((found)) || leapboot_fail "no line matching /$want/ within ${MEMTEST_TIMEOUT}s"
}

# memtest86+ prints "Memory  :  256MB" (the RAM it found) in its banner.
check_memtest() { # <x64|ia32> <machine> <-kernel|opt>
	local k=/boot/memtest86+$1.bin
	local -a src=(-kernel "$k" -append "console=ttyS0,115200")
	[[ $3 == opt ]] && src=(-fw_cfg "name=opt/leapboot/kernel,file=$k"
		-fw_cfg "name=opt/leapboot/cmdline,string=console=ttyS0,,115200")
	boot_until 'Memory +: +25[0-9]MB' "$2" "${src[@]}" || return 1
	assert_log '^leapboot: kernel from .*: bzImage protocol 20c, 1[0-9]{5} bytes at 0x100000'
}

@test "memtest86+ x64 via -kernel on q35 (-m 256) reports 25xMB" {
	check_memtest x64 q35 -kernel
}
@test "memtest86+ x64 via -kernel on pc reports 25xMB" {
	check_memtest x64 pc -kernel
}
@test "memtest86+ x64 via -kernel on microvm reports 25xMB" {
	check_memtest x64 microvm -kernel
}
@test "memtest86+ x64 from opt/leapboot/kernel on q35 reports 25xMB" {
	check_memtest x64 q35 opt
}
@test "memtest86+ x64 from opt/leapboot/kernel on microvm reports 25xMB" {
	check_memtest x64 microvm opt
}
@test "memtest86+ ia32 (32-bit entry) via -kernel on q35 reports 25xMB" {
	check_memtest ia32 q35 -kernel
}
@test "memtest86+ ia32 via -kernel on pc reports 25xMB" {
	check_memtest ia32 pc -kernel
}
@test "memtest86+ ia32 via -kernel on microvm reports 25xMB" {
	check_memtest ia32 microvm -kernel
}
@test "memtest86+ ia32 from opt/leapboot/kernel on pc reports 25xMB" {
	check_memtest ia32 pc opt
}

# --- kernels that need a BIOS ----------------------------------------------------------------
# Each looks like a bzImage but is a program for a BIOS's real-mode entry: leapboot refuses it
# before jumping, with one line that says so, and QEMU exits with 3.

REAL_MODE_LINE='^leapboot: error: kernel: kernel has no protected-mode entry'
NEEDS_BIOS=': it runs through its real-mode setup, which needs a BIOS$'

# check_refused <file> <machine> <-kernel|opt> <ERE for "(syssize …, code32_start …)">
check_refused() {
	local -a src=(-kernel "$1")
	[[ $3 == opt ]] && src=(-fw_cfg "name=opt/leapboot/kernel,file=$1")
	BOOT_TIMEOUT=30 boot_leapboot "$2" -m 256 "${src[@]}" || return 1
	assert_log "$REAL_MODE_LINE $4$NEEDS_BIOS" || return 1
	[[ $(log_count '^leapboot: error:') == 1 ]] || leapboot_fail "more than one error line" ||
		return 1
	assert_status 3 "leapboot's isa-debug-exit"
}

IPXE_FIELDS='\(syssize 0x[0-9a-f]+, code32_start 0x0\)'
NO_PM_FIELDS='\(syssize 0x0, code32_start 0x100000\)'

@test "iPXE's ipxe.lkrn via -kernel on q35 → refused: no protected-mode entry" {
	check_refused /boot/ipxe.lkrn q35 -kernel "$IPXE_FIELDS"
}
@test "iPXE's ipxe.lkrn via -kernel on pc → refused" {
	check_refused /boot/ipxe.lkrn pc -kernel "$IPXE_FIELDS"
}
@test "iPXE's ipxe.lkrn via -kernel on microvm → refused" {
	check_refused /boot/ipxe.lkrn microvm -kernel "$IPXE_FIELDS"
}
@test "iPXE's ipxe.lkrn from opt/leapboot/kernel on q35 → refused" {
	check_refused /boot/ipxe.lkrn q35 opt "$IPXE_FIELDS"
}
@test "syslinux's memdisk via -kernel on q35 → refused: no protected-mode entry" {
	check_refused /usr/lib/syslinux/memdisk q35 -kernel "$NO_PM_FIELDS"
}
@test "syslinux's memdisk via -kernel on pc → refused" {
	check_refused /usr/lib/syslinux/memdisk pc -kernel "$NO_PM_FIELDS"
}
@test "syslinux's memdisk via -kernel on microvm → refused" {
	check_refused /usr/lib/syslinux/memdisk microvm -kernel "$NO_PM_FIELDS"
}
@test "syslinux's memdisk from opt/leapboot/kernel on q35 → refused" {
	check_refused /usr/lib/syslinux/memdisk q35 opt "$NO_PM_FIELDS"
}
@test "GRUB's lnxboot.img + core.img via -kernel on q35 → refused: no protected-mode entry" {
	check_refused "$GRUB_LKRN" q35 -kernel "$NO_PM_FIELDS"
}
@test "GRUB's lnxboot.img + core.img via -kernel on pc → refused" {
	check_refused "$GRUB_LKRN" pc -kernel "$NO_PM_FIELDS"
}
@test "GRUB's lnxboot.img + core.img via -kernel on microvm → refused" {
	check_refused "$GRUB_LKRN" microvm -kernel "$NO_PM_FIELDS"
}
@test "GRUB's lnxboot.img + core.img from opt/leapboot/kernel on q35 → refused" {
	check_refused "$GRUB_LKRN" q35 opt "$NO_PM_FIELDS"
}

# Xen's trampoline drops to real mode and asks the BIOS first for the CPU's target operating
# mode (INT 15h, AX=EC00h), then video modes and disks, unless told no-real-mode (README,
# "Multiboot kernels"): the BIOS trap stops it at the first call.
XEN_LINE='^leapboot: error: the kernel called BIOS interrupt 0x15 \(AH=0xec\); leapboot provides no BIOS services$'

check_xen_trapped() { # <machine> <-kernel|opt>
	local -a src=(-kernel "$XEN" -append "console=com1")
	[[ $2 == opt ]] && src=(-fw_cfg "name=opt/leapboot/kernel,file=$XEN"
		-fw_cfg name=opt/leapboot/cmdline,string=console=com1)
	BOOT_TIMEOUT=30 boot_leapboot "$1" -m 256 "${src[@]}" || return 1
	assert_log "$XEN_LINE" || return 1
	[[ $(log_count '^leapboot: error:') == 1 ]] || leapboot_fail "more than one error line" ||
		return 1
	assert_status 3 "the BIOS trap's isa-debug-exit"
}

@test "Xen without no-real-mode via -kernel on q35 → the BIOS trap: interrupt 0x15 (AH=0xec)" {
	check_xen_trapped q35 -kernel
}
@test "Xen without no-real-mode via -kernel on pc → the BIOS trap" {
	check_xen_trapped pc -kernel
}
@test "Xen without no-real-mode via -kernel on microvm → the BIOS trap" {
	check_xen_trapped microvm -kernel
}
@test "Xen without no-real-mode from opt/leapboot/kernel on q35 → the BIOS trap" {
	check_xen_trapped q35 opt
}

# --- Linux: Debian's own kernels to their /init ------------------------------------------------

@test "Debian's cloud kernel (bzImage) on q35 reaches userspace" {
	boot_leapboot q35 -kernel "$LEAPBOOT_KERNEL" -initrd "$LEAPBOOT_INITRD" -append "$BASE_CMDLINE"
	assert_userspace
}

@test "Debian's generic kernel (bzImage) on pc reaches userspace" {
	boot_leapboot pc -kernel "$GENERIC_KERNEL" -initrd "$LEAPBOOT_INITRD" -append "$BASE_CMDLINE"
	assert_userspace
}

@test "Debian's cloud vmlinux (PVH) on microvm reaches userspace" {
	boot_leapboot microvm -kernel "$VMLINUX" -initrd "$LEAPBOOT_INITRD" -append "$BASE_CMDLINE"
	assert_userspace
}

# --- Xen with no-real-mode: Debian's generic kernel as dom0 ------------------------------------

@test "Xen via -kernel with dom0 and its initrd as -initrd modules on q35 → dom0's /init" {
	FIRMWARE=$LEAPBOOT_BIN xen_boot q35 || return 1
	assert_xen_dom0
}

@test "Xen from opt/leapboot/kernel with opt/leapboot/module0 and module1 on pc → dom0's /init" {
	local d=$BATS_TEST_TMPDIR
	# Through files: -fw_cfg splits a string at its commas.
	printf '%s' "$XEN_CMDLINE" >"$d/cmdline"
	printf '%s' "$XEN_DOM0_CMDLINE" >"$d/module0.cmdline"
	boot_leapboot pc -m "$XEN_MEM" -smp 1 -fw_cfg "name=opt/leapboot/kernel,file=$XEN_IMAGE" \
		-fw_cfg "name=opt/leapboot/cmdline,file=$d/cmdline" \
		-fw_cfg "name=opt/leapboot/module0,file=$XEN_DOM0" \
		-fw_cfg "name=opt/leapboot/module0.cmdline,file=$d/module0.cmdline" \
		-fw_cfg "name=opt/leapboot/module1,file=$XEN_INITRD" || return 1
	assert_xen_dom0
}
