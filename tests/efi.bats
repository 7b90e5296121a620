#!/usr/bin/env bats
# leapboot.efi: the loader as an EFI application, started from an ESP by OVMF (x86, q35) and
# AAVMF (arm64, virt). Kernels with an EFI stub (Debian's bzImage and arm64 Image) are started
# by the firmware with leapboot's command line and initrd; kernels without one (a PVH vmlinux,
# the PVH probe, a bzImage without its PE header) are booted after ExitBootServices.
#
# Bad inputs, each giving one "leapboot: error:" line and an exit (x86: isa-debug-exit, 3;
# arm64: a power-off through the firmware's ResetSystem, 0, told apart by the log):
#   | input                                         | where it is caught                 |
#   |-----------------------------------------------|------------------------------------|
#   | no opt/leapboot/kernel                        | before LoadImage / ExitBootServices |
#   | random bytes as the kernel (x86, arm64)       | header check, before leaving       |
#   | EFI-stub bzImage cut to 4 MiB                 | the firmware's LoadImage refuses   |
#   | initrd larger than the firmware's free memory | before LoadImage                   |
#   | command line longer than the kernel accepts   | before LoadImage                   |
#   | ELF without the PVH note                      | after ExitBootServices (UART line) |
#   | arm64 Image without an EFI stub (the probe)   | refused, leapboot.efi needs a stub |
#   | corrupt Image.gz (arm64)                      | inflating it, before LoadImage     |

load lib/qemu
load lib/arm64
load lib/efi

setup_file() {
	leapboot_setup_file && arm64_setup_file && efi_setup_file || return 1
	local d=$BATS_FILE_TMPDIR
	"$LEAPBOOT_ROOT/tools/extract-vmlinux" -o "$d/vmlinux" "$LEAPBOOT_KERNEL" || {
		leapboot_fail "tools/extract-vmlinux could not make a vmlinux from $LEAPBOOT_KERNEL"
		return 1
	}
	make -s -C "$LEAPBOOT_ROOT/tests/guest" O="$d/guest" >&2 || {
		leapboot_fail "make -C tests/guest could not build the PVH probe"
		return 1
	}
	head -c 300000 /dev/urandom >"$d/module.bin"
	# Debian's bzImage without its PE header ("MZ" cleared): a kernel with no EFI stub, booted
	# through boot_params after ExitBootServices.
	cp "$LEAPBOOT_KERNEL" "$d/bzimage-nostub"
	printf '\0\0' | dd of="$d/bzimage-nostub" conv=notrunc status=none
	head -c 4M "$LEAPBOOT_KERNEL" >"$d/bzimage-4m"
	head -c 65536 /dev/urandom >"$d/random.bin"
	# A multiboot a.out-kludge image: header at 0x40, loaded at 1 MiB.
	python3 -c 'import struct, sys
m, f = 0x1BADB002, 0x10003
b = bytearray(0x2000)
b[0x40:0x60] = struct.pack("<8I", m, f, (-(m + f)) & 0xffffffff, 0x100040, 0x100000, 0, 0, 0x100100)
sys.stdout.buffer.write(b)' >"$d/multiboot.bin"
	truncate -s 256M "$d/initrd-256m.img"
	python3 - "$d/vmlinux" "$d/no-note.elf" <<-'PY'
		import struct, sys
		b = bytearray(open(sys.argv[1], "rb").read())
		phoff, = struct.unpack_from("<Q", b, 32)
		phnum, = struct.unpack_from("<H", b, 56)
		for i in range(phnum):
		    p_type, _, off, _, _, filesz = struct.unpack_from("<IIQQQQ", b, phoff + 56 * i)
		    pos = off
		    while p_type == 4 and pos + 12 <= off + filesz:
		        namesz, descsz, ntype = struct.unpack_from("<III", b, pos)
		        if ntype == 18 and bytes(b[pos + 12:pos + 16]) == b"Xen\0":
		            struct.pack_into("<I", b, pos + 8, 99)
		        pos += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
		open(sys.argv[2], "wb").write(b)
	PY
	export VMLINUX=$d/vmlinux PROBE=$d/guest/pvh-probe.elf MODULE=$d/module.bin
}

# opt/leapboot files for kernel K with the test initrd and command line C.
opt_x86() { # <kernel> [cmdline]
	OPT=(-fw_cfg "name=opt/leapboot/kernel,file=$1" -fw_cfg "name=opt/leapboot/initrd,file=$LEAPBOOT_INITRD"
		-fw_cfg "name=opt/leapboot/cmdline,string=${2:-$BASE_CMDLINE}" "${VERBOSE_ARGS[@]}")
}

# --- x86: OVMF on q35 --------------------------------------------------------------------------

@test "x86: Debian's bzImage through its EFI stub: cmdline as load options, initrd by LoadFile2" {
	opt_x86 "$LEAPBOOT_KERNEL"
	boot_efi_x86 "${OPT[@]}"
	assert_userspace
	assert_cmdline
	assert_log '^leapboot: kernel from opt/leapboot/kernel: EFI stub, ' "the stub path"
	assert_log '^leapboot: initrd: [0-9]+ bytes to 0x[0-9a-f]+ for the EFI stub$' "LoadFile2 served it"
}

@test "x86: a PVH vmlinux (no EFI stub) after ExitBootServices, e820 from the EFI memory map" {
	opt_x86 "$VMLINUX"
	boot_efi_x86 -smp 2 "${OPT[@]}"
	assert_userspace
	assert_cmdline
	assert_log '^leapboot: kernel from opt/leapboot/kernel: PVH ELF loaded at ' "the direct path"
	assert_log '^LEAPBOOT-ACPI=yes$' "the RSDP from the EFI configuration table"
	assert_log '^LEAPBOOT-CPUS=2$' "both CPUs, found through ACPI"
}

@test "x86: a bzImage without its PE header, through boot_params after ExitBootServices" {
	opt_x86 "$BATS_FILE_TMPDIR/bzimage-nostub"
	boot_efi_x86 "${OPT[@]}"
	assert_userspace
	assert_cmdline
	assert_log '^leapboot: kernel from opt/leapboot/kernel: bzImage protocol ' "the direct path"
	assert_log '^LEAPBOOT-ACPI=yes$' "the RSDP in boot_params"
}

@test "x86: the PVH probe checks start_info, the memory map, the module and the RSDP" {
	local args="probe pvh-probe.allow=memmap-start_info"
	boot_efi_x86 -m 1G -fw_cfg "name=opt/leapboot/kernel,file=$PROBE" \
		-fw_cfg "name=opt/leapboot/initrd,file=$MODULE" -fw_cfg "name=opt/leapboot/cmdline,string=$args"
	assert_log '^PVH-PROBE: RESULT PASS$' "the probe's verdict"
	assert_status 33 "the probe's PASS exit"
	assert_log "^PVH-PROBE: cmdline=$args\$" "command line as sent"
	assert_log "^PVH-PROBE: module0 $("$LEAPBOOT_ROOT/tests/guest/fnv1a" "$MODULE")\$" "the initrd, byte for byte"
	assert_log '^PVH-PROBE: rsdp=ok$' "the firmware's RSDP"
}

@test "x86: fw_cfg without DMA and -m 4G: the PVH probe still gets everything intact" {
	local args="probe pvh-probe.allow=memmap-start_info"
	boot_efi_x86 -m 4G -global fw_cfg.dma_enabled=off -fw_cfg "name=opt/leapboot/kernel,file=$PROBE" \
		-fw_cfg "name=opt/leapboot/initrd,file=$MODULE" -fw_cfg "name=opt/leapboot/cmdline,string=$args" \
		"${VERBOSE_ARGS[@]}"
	assert_log '^leapboot: leapboot.efi at 0x[0-9a-f]+-0x[0-9a-f]+, fw_cfg without DMA, ' "port I/O"
	assert_log '^PVH-PROBE: RESULT PASS$' "the probe's verdict"
	assert_status 33 "the probe's PASS exit"
	assert_log "^PVH-PROBE: module0 $("$LEAPBOOT_ROOT/tests/guest/fnv1a" "$MODULE")\$" "the initrd, byte for byte"
}

# --- arm64: AAVMF on virt ----------------------------------------------------------------------

@test "arm64: Debian's Image through its EFI stub (fw_cfg found in the DSDT)" {
	boot_efi_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$ARM64_KERNEL" \
		-fw_cfg "name=opt/leapboot/initrd,file=$ARM64_INITRD" \
		-fw_cfg "name=opt/leapboot/cmdline,string=$ARM64_CMDLINE" "${VERBOSE_ARGS[@]}"
	assert_userspace
	assert_cmdline
	assert_log '^leapboot: initrd: [0-9]+ bytes to 0x[0-9a-f]+ for the EFI stub$' "LoadFile2 served it"
}

@test "arm64: Image.gz, inflated by leapboot.efi into pages of its own, then through the stub" {
	boot_efi_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$ARM64_KERNEL_GZ" \
		-fw_cfg "name=opt/leapboot/initrd,file=$ARM64_INITRD" \
		-fw_cfg "name=opt/leapboot/cmdline,string=$ARM64_CMDLINE" "${VERBOSE_ARGS[@]}"
	assert_userspace
	assert_cmdline
	assert_log '^leapboot: kernel from opt/leapboot/kernel: EFI stub, [0-9]+ bytes inflated; ' "inflated"
}

@test "arm64: Debian's Image with -M virt,acpi=off (fw_cfg found in the firmware's DTB)" {
	boot_efi_arm64 --machine virt,acpi=off -fw_cfg "name=opt/leapboot/kernel,file=$ARM64_KERNEL" \
		-fw_cfg "name=opt/leapboot/initrd,file=$ARM64_INITRD" \
		-fw_cfg "name=opt/leapboot/cmdline,string=$ARM64_CMDLINE"
	assert_userspace
	assert_cmdline
	assert_log '^LEAPBOOT-ACPI=no$' "the kernel ran on the DTB"
}

# --- bad inputs ----------------------------------------------------------------------------------

@test "bad: no opt/leapboot/kernel (x86) → 'no kernel', exit 3" {
	boot_efi_x86
	assert_leapboot_error '^leapboot: error: kernel: no kernel \('
	assert_status 3
}

@test "bad: random bytes as the kernel (x86) → not a bzImage, before leaving the firmware" {
	opt_x86 "$BATS_FILE_TMPDIR/random.bin"
	boot_efi_x86 "${OPT[@]}"
	assert_leapboot_error '^leapboot: error: kernel: not a bzImage'
	assert_status 3
}

@test "bad: a multiboot kernel (x86) → leapboot.bin boots those, before leaving the firmware" {
	opt_x86 "$BATS_FILE_TMPDIR/multiboot.bin"
	boot_efi_x86 "${OPT[@]}"
	assert_leapboot_error '^leapboot: error: kernel: multiboot kernel: leapboot.bin boots those, not leapboot.efi \(header at 0x40\)$'
	assert_status 3
}

@test "bad: the EFI-stub bzImage cut to 4 MiB → the firmware's LoadImage refuses it" {
	opt_x86 "$BATS_FILE_TMPDIR/bzimage-4m"
	boot_efi_x86 "${OPT[@]}"
	assert_leapboot_error '^leapboot: error: kernel: the firmware refused the kernel.s EFI stub \(LoadImage: EFI status 0x[0-9a-f]+, 4194304 bytes\)$'
	assert_status 3
}

@test "bad: a 256 MiB initrd with -m 128M → initrd larger than the free memory" {
	boot_efi_x86 -m 128M -fw_cfg "name=opt/leapboot/kernel,file=$LEAPBOOT_KERNEL" \
		-fw_cfg "name=opt/leapboot/initrd,file=$BATS_FILE_TMPDIR/initrd-256m.img"
	assert_leapboot_error '^leapboot: error: kernel: initrd larger than RAM \(268435456 bytes, [0-9]+ bytes'
	assert_status 3
}

@test "bad: a 2048-byte command line for a bzImage that takes 2047 → too long" {
	opt_x86 "$LEAPBOOT_KERNEL" "$(head -c 2048 /dev/zero | tr '\0' x)"
	boot_efi_x86 "${OPT[@]}"
	assert_leapboot_error '^leapboot: error: kernel: command line too long \(2048 bytes, .*2047'
	assert_status 3
}

@test "bad: an ELF without the PVH note → reported on the UART after ExitBootServices" {
	opt_x86 "$BATS_FILE_TMPDIR/no-note.elf"
	boot_efi_x86 "${OPT[@]}"
	assert_leapboot_error '^leapboot: error: kernel: .*PVH'
	assert_status 3
}

@test "bad: random bytes as the kernel (arm64) → not an arm64 Image, power-off" {
	boot_efi_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$BATS_FILE_TMPDIR/random.bin"
	assert_leapboot_error '^leapboot: error: kernel: not an arm64 Image \(magic '
	assert_status 0
}

@test "bad: a corrupt Image.gz (arm64) → corrupt gzip kernel" {
	cp "$ARM64_KERNEL_GZ" "$BATS_TEST_TMPDIR/bad.gz"
	printf '\xff\xff\xff\xff\xff\xff\xff\xff' | dd of="$BATS_TEST_TMPDIR/bad.gz" bs=1 seek=100000 conv=notrunc status=none
	boot_efi_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$BATS_TEST_TMPDIR/bad.gz"
	assert_leapboot_error '^leapboot: error: kernel: corrupt gzip kernel \(zlib error -[0-9]+ after [0-9]+ input bytes\)$'
	assert_status 0
}

@test "bad: an arm64 Image without an EFI stub (the probe) → refused with what to use instead" {
	boot_efi_arm64 -fw_cfg "name=opt/leapboot/kernel,file=$ARM64_PROBE"
	assert_leapboot_error '^leapboot: error: kernel: arm64 Image without an EFI stub \(.*leapboot.bin or leapboot.Image\)$'
	assert_status 0
}
