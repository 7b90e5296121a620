#!/usr/bin/env bats
# leapboot under libvirt (Debian 12: libvirt 9.0, virt-install 4.1, QEMU 7.2, TCG): the
# installed leapboot.bin (`make install DESTDIR=… PREFIX=/usr`, seen at /usr/share/leapboot/
# inside the daemon's mount namespace) booting Debian's cloud kernel and the test initrd to
# userspace, and what libvirt's firmware selection does with leapboot's QEMU firmware
# descriptor. A private libvirtd and virtlogd per file (tests/lib/libvirt.bash); four boots.
#
# | test                          | how                                   | shows                           |
# |-------------------------------|---------------------------------------|---------------------------------|
# | daemons                       | no boot                               | isolated, answering             |
# | domcapabilities               | virsh domcapabilities                 | the descriptor's loader listed  |
# | q35 / pc: virsh create        | <loader type='rom'>, <kernel>…        | userspace, 2 CPUs, cmdline, RAM |
# | virt-install                  | --import --boot loader=…,…            | the same through virtinst       |
# | firmware='bios' picks leapboot| domxml-to-native; virt-install, pc    | autoselection from the descriptor|
# | firmware='efi'                | domxml-to-native                      | OVMF, not leapboot              |
# | no firmware=, no <loader>     | domxml-to-native                      | QEMU's default: no -bios        |
# | firmware='bios', i686         | domxml-to-native                      | no descriptor fits: an error    |

# A boot takes 5-10 s under TCG; one that hangs fails sooner than lib/qemu's default 120 s.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-90}

load lib/qemu
load lib/libvirt

setup_file() {
	leapboot_setup_file || return 1
	libvirt_setup_file
}

teardown_file() { libvirt_teardown_file; }

# assert_booted_leapboot: the last boot reached userspace with 2 CPUs, the command line and the
# RAM asked for, under leapboot as -bios (from libvirt's log of the QEMU command line).
assert_booted_leapboot() {
	assert_userspace || return 1
	assert_cmdline || return 1
	assert_memory 512 || return 1
	[[ $(init_value LEAPBOOT-CPUS) == 2 ]] ||
		leapboot_fail "LEAPBOOT-CPUS is '$(init_value LEAPBOOT-CPUS)', expected 2 (<vcpu>2</vcpu>)" ||
		return 1
	local args
	args=$(libvirt_qemu_args | paste -sd ' ') || return 1
	[[ " $args " == *" -bios $LV_INSTALLED_BIN "* ]] ||
		leapboot_fail "QEMU was not started with -bios $LV_INSTALLED_BIN: $args" || return 1
	[[ " $args " == *" -accel tcg "* ]] || leapboot_fail "QEMU did not run under TCG: $args"
}

# native_bios FILE: the -bios value of `virsh domxml-to-native` for FILE ("" for none).
native_bios() {
	local args
	args=$(lv_native "$1") || return 1
	awk 'prev == "-bios" { print; exit } { prev = $0 }' <<<"$args"
}

@test "libvirtd and virtlogd run as root in their own mount namespace, and answer" {
	lv_ours "$LV_LIBVIRTD_PID" || leapboot_fail "libvirtd ($LV_LIBVIRTD_PID) is not running"
	lv_ours "$LV_VIRTLOGD_PID" || leapboot_fail "virtlogd ($LV_VIRTLOGD_PID) is not running"
	[[ $(readlink /proc/self/ns/mnt) != "$LV_MNTNS" ]] || leapboot_fail "the daemons share our mounts"
	[[ -S $LV_DIR/run/libvirt/virtlogd-sock ]] || leapboot_fail "no virtlogd socket in $LV_DIR/run"
	local uri
	uri=$(lv_virsh uri) && [[ $uri == qemu:///system* ]] || leapboot_fail "virsh uri: '$uri'"
	# The installed files, as libvirt and QEMU see them.
	nsenter -t "$LV_NS_PID" -m cmp "$LEAPBOOT_BIN" "$LV_INSTALLED_BIN" ||
		leapboot_fail "$LV_INSTALLED_BIN in the namespace is not the firmware under test"
}

@test "virsh domcapabilities lists the installed leapboot.bin as a loader (rom) for q35 and pc" {
	local m caps
	for m in q35 pc; do
		caps=$(lv_virsh domcapabilities --virttype qemu --arch x86_64 --machine "$m") || return 1
		sed -n '/<os /,/<\/os>/p' <<<"$caps" >"$BATS_FILE_TMPDIR/domcaps-$m.xml"
		leapboot_log "domcapabilities <os> on $m:"
		sed 's/^/#   /' "$BATS_FILE_TMPDIR/domcaps-$m.xml" >&2
		grep -q "<value>$LV_INSTALLED_BIN</value>" "$BATS_FILE_TMPDIR/domcaps-$m.xml" ||
			leapboot_fail "$m: no loader value $LV_INSTALLED_BIN" || return 1
		grep -q '<value>rom</value>' "$BATS_FILE_TMPDIR/domcaps-$m.xml" ||
			leapboot_fail "$m: loader type rom not offered" || return 1
		grep -q '<value>bios</value>' "$BATS_FILE_TMPDIR/domcaps-$m.xml" ||
			leapboot_fail "$m: firmware 'bios' not offered" || return 1
	done
}

@test "q35: virsh create with <loader type='rom'> boots the installed leapboot to userspace" {
	local f=$BATS_TEST_TMPDIR/q35.xml
	libvirt_domain_xml q35 leapboot-q35 >"$f"
	libvirt_boot leapboot-q35 virsh -c "$LV_URI" create "$f"
	assert_booted_leapboot
	leapboot_log "q35 domain: ${BOOT_SECONDS}s from virsh create to its end"
}

@test "pc: virsh create with <loader type='rom'> boots the installed leapboot to userspace" {
	local f=$BATS_TEST_TMPDIR/pc.xml
	libvirt_domain_xml pc leapboot-pc >"$f"
	libvirt_boot leapboot-pc virsh -c "$LV_URI" create "$f"
	assert_booted_leapboot
}

@test "virt-install --import --boot loader=…,loader.type=rom,kernel=… boots the installed leapboot (q35)" {
	libvirt_virt_install leapboot-vi q35 "loader=$LV_INSTALLED_BIN,loader.type=rom"
	assert_booted_leapboot
}

@test "<os firmware='bios'> without <loader>: libvirt picks leapboot from its firmware descriptor" {
	local f=$BATS_TEST_TMPDIR/auto.xml m bios
	for m in q35 pc; do
		libvirt_domain_xml "$m" leapboot-auto --firmware bios --no-loader >"$f"
		bios=$(native_bios "$f") || return 1
		[[ $bios == "$LV_INSTALLED_BIN" ]] ||
			leapboot_fail "$m, firmware='bios': libvirt chose -bios '$bios', expected $LV_INSTALLED_BIN" ||
			return 1
	done
	# And it boots: pc, through virt-install's --boot firmware=bios (<os firmware="bios">).
	libvirt_virt_install leapboot-auto pc firmware=bios
	assert_booted_leapboot
}

@test "<os firmware='efi'>: libvirt picks OVMF, not leapboot" {
	local f=$BATS_TEST_TMPDIR/efi.xml args
	libvirt_domain_xml q35 leapboot-efi --firmware efi --no-loader >"$f"
	args=$(lv_native "$f") || return 1
	[[ $args != *leapboot.bin* ]] || leapboot_fail "firmware='efi' chose leapboot: $args" || return 1
	grep -q 'OVMF_CODE' <<<"$args" || leapboot_fail "firmware='efi' chose no OVMF: $args"
}

@test "no firmware= and no <loader>: QEMU's default firmware (no -bios), leapboot not chosen" {
	local f=$BATS_TEST_TMPDIR/default.xml bios
	libvirt_domain_xml q35 leapboot-default --no-loader >"$f"
	bios=$(native_bios "$f") || return 1
	[[ -z $bios ]] || leapboot_fail "a domain without firmware= got -bios '$bios'"
}

@test "<os firmware='bios'> on i686 (no descriptor targets it): libvirt refuses" {
	local f=$BATS_TEST_TMPDIR/i686.xml out
	libvirt_domain_xml q35 leapboot-i686 --firmware bios --no-loader | sed "s/arch='x86_64'/arch='i686'/" >"$f"
	if out=$(lv_virsh domxml-to-native qemu-argv "$f" 2>&1); then
		leapboot_fail "firmware='bios' on i686 was accepted: $out"
		return 1
	fi
	[[ $out == *"Unable to find any firmware to satisfy 'bios'"* ]] ||
		leapboot_fail "unexpected error: $out"
}
