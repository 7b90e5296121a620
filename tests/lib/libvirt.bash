# tests/lib/libvirt.bash: a private libvirtd for tests/libvirt.bats, which boots the installed
# leapboot.bin through libvirt 9.0 and virt-install 4.1 (Debian 12). Loaded after lib/qemu (it
# uses leapboot_fail, BOOT_LOG and the assertions).
#
#   load lib/qemu
#   load lib/libvirt
#   setup_file() { leapboot_setup_file && libvirt_setup_file; }   # stages, starts the daemons
#   teardown_file() { libvirt_teardown_file; }                     # stops them, checks
#
#   libvirt_domain_xml q35 NAME >"$f"           # loader type='rom' = the installed leapboot.bin
#   libvirt_boot NAME virsh create "$f"         # or: libvirt_boot NAME virt-install …
#   assert_userspace; assert_cmdline; [[ $(init_value LEAPBOOT-CPUS) == 2 ]]
#
# Isolation. libvirtd and virtlogd run as root (system mode: qemu:///system) but in a private
# mount namespace (unshare -m), where fresh directories under LV_DIR are bind-mounted over
# /etc/libvirt, /run, /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt, and a
# read-only overlay puts `make install DESTDIR=LV_DIR/stage PREFIX=/usr` on top of /usr/share.
# Inside, leapboot is installed as a package would install it (/usr/share/leapboot/x86_64/
# leapboot.bin, /usr/share/qemu/firmware/80-leapboot-x86_64.json) and libvirt sees the host's
# own firmware descriptors (OVMF's) beside it; outside, nothing in /etc, /run, /var or /usr
# changes. The namespace lives as long as its processes: a `sleep infinity` holder
# (LV_NS_PID), virtlogd (LV_VIRTLOGD_PID), libvirtd (LV_LIBVIRTD_PID) and the QEMUs libvirtd
# starts. Clients outside talk to the daemon through its socket: LV_URI is
# qemu:///system?socket=LV_DIR/run/libvirt/libvirt-sock (virsh -c, virt-install --connect).
# The private configuration: libvirtd.conf (no auth on the socket, logs to LV_DIR/log),
# qemu.conf with `cgroup_controllers = [ ]` (libvirt makes no cgroups on the host; the host's
# cgroup v1 hierarchy is writable here) and virtlogd.conf. The package's /etc/libvirt (its
# default network, autostarted with dnsmasq and a bridge) is never read.
#
# Files and the QEMU user: libvirt 9.0 runs QEMU as libvirt-qemu:libvirt-qemu (qemu.conf's
# default) and, with dynamic_ownership, chowns the kernel and initrd to that user for the
# domain's life (and back afterwards), but not their directories: a kernel under /root
# (mode 0700) fails with "qemu: could not open kernel file '…': Permission denied". The guest
# files are therefore copied to LV_DIR/guest (LV_DIR is mode 0755). The serial log file is
# opened by libvirtd itself and handed to QEMU as a file descriptor (-add-fd … -chardev
# file,path=/dev/fdset/0), so its directory needs no write access for libvirt-qemu.
#
# Functions (each prints its message and returns 1 on failure):
#   libvirt_setup_file        checks the tools, stages the install, copies the guest files,
#                             starts the daemons, waits for libvirtd's answer; exports LV_*
#   libvirt_teardown_file     destroys running domains, stops the daemons by PID (TERM, then
#                             KILL), fails if any process of the namespace survived, removes
#                             LV_DIR
#   lv_virsh ARGS…            virsh -c LV_URI ARGS…
#   libvirt_domain_xml MACHINE NAME [--firmware bios|efi] [--no-loader]
#                             prints a transient domain: type='qemu' (TCG), 512 MiB, 2 vCPUs,
#                             the guest files, BASE_CMDLINE, serial to LV_DIR/out/NAME.log,
#                             no disk, no network, everything-off-ends-the-domain
#   libvirt_boot NAME CMD…    runs CMD (which starts domain NAME), waits until the domain is
#                             gone (BOOT_TIMEOUT), sets BOOT_LOG (its serial output), BOOT_STDERR
#                             (libvirt's QEMU log: the command line and the end's reason),
#                             BOOT_ARGS_LOGGED (the QEMU command line), and BOOT_STATUS = the
#                             reason libvirt logged ("shutdown": the guest powered off);
#                             BOOT_USERSPACE_STATUS is "shutdown", so assert_userspace works
#   libvirt_virt_install NAME MACHINE BOOT
#                             libvirt_boot of the same domain through virt-install: --boot
#                             BOOT,kernel=…,initrd=…,kernel_args=BASE_CMDLINE (BOOT: e.g.
#                             loader=…,loader.type=rom, or firmware=bios), --import (no
#                             install phase), --transient, no disk, no network, serial to a file
#   libvirt_qemu_args         the QEMU command line libvirt logged for the last boot,
#                             one argument a line
#   lv_native XMLFILE         what QEMU would be given for the domain (virsh domxml-to-native
#                             qemu-argv: libvirt's firmware selection, no QEMU started), one
#                             argument a line

# shellcheck disable=SC2034 # variables for the .bats files

LV_INSTALLED_BIN=/usr/share/leapboot/x86_64/leapboot.bin

lv_virsh() { virsh -q -c "$LV_URI" "$@"; }

# --- the daemons ----------------------------------------------------------------------------

libvirt_setup_file() {
	local t
	for t in libvirtd virtlogd virsh virt-install unshare nsenter; do
		command -v "$t" >/dev/null || {
			leapboot_fail "$t not found: run tools/install-deps (libvirt-daemon-system, libvirt-clients, virtinst)"
			return 1
		}
	done
	[[ $(id -u) == 0 ]] || {
		leapboot_fail "the libvirt tests start libvirtd as root in a mount namespace: run them as root"
		return 1
	}
	LV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/leapboot-libvirt.XXXXXX") || return 1
	export LV_DIR
	chmod 0755 "$LV_DIR" # libvirt-qemu reaches the guest files through it
	mkdir -p "$LV_DIR"/{etc,run,lib,log,cache,guest,out,stage} || return 1
	LV_SOCK=$LV_DIR/run/libvirt/libvirt-sock
	export LV_URI="qemu:///system?socket=$LV_SOCK"
	# A Unix socket path has at most 107 bytes.
	[[ ${#LV_SOCK} -le 107 ]] || {
		leapboot_fail "libvirtd's socket path '$LV_SOCK' is too long (set TMPDIR)"
		return 1
	}

	libvirt_stage "$LV_DIR/stage" || return 1
	cp "$LEAPBOOT_KERNEL" "$LV_DIR/guest/vmlinuz" && cp "$LEAPBOOT_INITRD" "$LV_DIR/guest/initrd.img" &&
		chmod 0644 "$LV_DIR/guest/"* || return 1
	export LV_KERNEL=$LV_DIR/guest/vmlinuz LV_INITRD=$LV_DIR/guest/initrd.img

	cat >"$LV_DIR/etc/libvirtd.conf" <<-'EOF'
		unix_sock_group = "root"
		unix_sock_ro_perms = "0700"
		unix_sock_rw_perms = "0700"
		auth_unix_ro = "none"
		auth_unix_rw = "none"
		log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
	EOF
	cat >"$LV_DIR/etc/qemu.conf" <<-'EOF'
		cgroup_controllers = [ ]
	EOF
	cat >"$LV_DIR/etc/virtlogd.conf" <<-'EOF'
		log_outputs = "3:file:/var/log/libvirt/virtlogd.log"
	EOF

	local t0=${EPOCHREALTIME/./}
	# fd 3 is bats' output: a background process that keeps it open hangs bats.
	# shellcheck disable=SC2016 # the script's $1 and $d are its own
	unshare --mount --propagation private sh -c '
		d=$1
		mount --bind "$d/etc" /etc/libvirt && mount --bind "$d/run" /run &&
		mount --bind "$d/lib" /var/lib/libvirt && mount --bind "$d/log" /var/log/libvirt &&
		mount --bind "$d/cache" /var/cache/libvirt &&
		mount -t overlay leapboot-stage -o "lowerdir=$d/stage/usr/share:/usr/share" /usr/share &&
		touch "$d/ns-ready" && exec sleep infinity' sh "$LV_DIR" \
		</dev/null >"$LV_DIR/ns.log" 2>&1 3>&- &
	LV_NS_PID=$!
	export LV_NS_PID
	lv_wait_for "$LV_DIR/ns-ready" "$LV_NS_PID" "the mount namespace" "$LV_DIR/ns.log" || return 1
	LV_MNTNS=$(readlink "/proc/$LV_NS_PID/ns/mnt") || return 1
	export LV_MNTNS
	# nsenter (no --fork) execs the daemon: $! is the daemon's PID.
	nsenter -t "$LV_NS_PID" -m virtlogd --pid-file /run/virtlogd.pid \
		</dev/null >"$LV_DIR/virtlogd.out" 2>&1 3>&- &
	LV_VIRTLOGD_PID=$!
	nsenter -t "$LV_NS_PID" -m libvirtd --pid-file /run/libvirtd.pid \
		</dev/null >"$LV_DIR/libvirtd.out" 2>&1 3>&- &
	LV_LIBVIRTD_PID=$!
	export LV_VIRTLOGD_PID LV_LIBVIRTD_PID
	lv_wait_for "$LV_SOCK" "$LV_LIBVIRTD_PID" libvirtd "$LV_DIR/libvirtd.out" || return 1
	# The first call waits for libvirtd's probe of QEMU's capabilities (~10 s under TCG).
	local v
	v=$(timeout 120 virsh -c "$LV_URI" version 2>&1) || {
		leapboot_fail "libvirtd does not answer on $LV_URI: $v"
		return 1
	}
	LV_START_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
	export LV_START_MS
	leapboot_log "libvirtd ready in ${LV_START_MS} ms: $(grep -m1 'Running hypervisor' <<<"$v")"
}

# lv_wait_for FILE PID WHAT LOG: up to 10 s for FILE to appear while PID lives.
lv_wait_for() {
	local i
	for ((i = 0; i < 200; i++)); do
		[[ -e $1 ]] && return 0
		kill -0 "$2" 2>/dev/null || break
		sleep 0.05
	done
	[[ -e $1 ]] && return 0
	leapboot_fail "$3 did not create $1 within 10 s: $(tail -n 5 "$4" 2>/dev/null)"
	return 1
}

# libvirt_stage DIR: `make install PREFIX=/usr DESTDIR=DIR` (needs `make build-all` first).
libvirt_stage() {
	if ! make -s -C "$LEAPBOOT_ROOT" install PREFIX=/usr DESTDIR="$1" >"$LV_DIR/install.log" 2>&1; then
		cat "$LV_DIR/install.log" >&2
		leapboot_fail "make install failed (run 'make build-all' first)"
		return 1
	fi
	[[ -s $1$LV_INSTALLED_BIN && -s $1/usr/share/qemu/firmware/80-leapboot-x86_64.json ]] ||
		leapboot_fail "make install did not install $LV_INSTALLED_BIN and 80-leapboot-x86_64.json"
}

# lv_ours PID: PID is a live process in the test's mount namespace.
lv_ours() { [[ -n ${LV_MNTNS:-} && $(readlink "/proc/$1/ns/mnt" 2>/dev/null) == "$LV_MNTNS" ]]; }

# lv_ns_pids: every process in the test's mount namespace (daemons, holder, QEMUs).
lv_ns_pids() {
	local p
	[[ -n ${LV_MNTNS:-} ]] || return 0
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[[ $p == "$BASHPID" ]] && continue
		lv_ours "$p" && echo "$p"
	done
}

# lv_kill PID WHAT: TERM, up to 5 s, then KILL; reaps it if it is this shell's child.
lv_kill() {
	local pid=$1 i
	lv_ours "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		lv_ours "$pid" || break
		sleep 0.05
	done
	if lv_ours "$pid"; then
		leapboot_log "$2 ($pid) ignored SIGTERM: SIGKILL"
		kill -KILL "$pid" 2>/dev/null
		sleep 0.2
	fi
	wait "$pid" 2>/dev/null
	! lv_ours "$pid"
}

libvirt_teardown_file() {
	local rc=0 d left p
	if [[ -n ${LV_LIBVIRTD_PID:-} ]] && lv_ours "$LV_LIBVIRTD_PID"; then
		# libvirtd leaves transient domains running when it stops: end them first.
		for d in $(timeout 30 virsh -q -c "$LV_URI" list --name 2>/dev/null); do
			timeout 30 virsh -q -c "$LV_URI" destroy "$d" >/dev/null 2>&1
		done
	fi
	lv_kill "${LV_LIBVIRTD_PID:-}" libvirtd || rc=1
	lv_kill "${LV_VIRTLOGD_PID:-}" virtlogd || rc=1
	lv_kill "${LV_NS_PID:-}" "the namespace holder" || rc=1
	left=$(lv_ns_pids)
	if [[ -n $left ]]; then
		leapboot_fail "processes of the libvirt test namespace survived: $(for p in $left; do
			tr '\0' ' ' <"/proc/$p/cmdline" | cut -c1-80
			echo
		done)"
		for p in $left; do kill -KILL "$p" 2>/dev/null; done
		rc=1
	fi
	if [[ $rc == 0 && -n ${LV_DIR:-} && $LV_DIR == */leapboot-libvirt.* ]]; then
		rm -rf "$LV_DIR"
	elif [[ -n ${LV_DIR:-} ]]; then
		leapboot_log "kept $LV_DIR (daemon logs in log/, QEMU logs in log/qemu/)"
	fi
	return $rc
}

# --- domains --------------------------------------------------------------------------------

libvirt_domain_xml() {
	local machine=$1 name=$2 fw='' loader=1
	shift 2
	while [[ $# -gt 0 ]]; do
		case "$1" in
		--firmware) fw=" firmware='$2'" && shift 2 ;;
		--no-loader) loader=0 && shift ;;
		*) leapboot_fail "libvirt_domain_xml: unknown option '$1'" && return 1 ;;
		esac
	done
	local serial=$LV_DIR/out/$name.log
	cat <<-EOF
		<domain type='qemu'>
		  <name>$name</name>
		  <memory unit='MiB'>512</memory>
		  <vcpu>2</vcpu>
		  <os$fw>
		    <type arch='x86_64' machine='$machine'>hvm</type>
		$([[ $loader == 0 ]] || echo "    <loader type='rom'>$LV_INSTALLED_BIN</loader>")
		    <kernel>$LV_KERNEL</kernel>
		    <initrd>$LV_INITRD</initrd>
		    <cmdline>$BASE_CMDLINE</cmdline>
		  </os>
		  <features><acpi/></features>
		  <on_poweroff>destroy</on_poweroff>
		  <on_reboot>destroy</on_reboot>
		  <on_crash>destroy</on_crash>
		  <devices>
		    <serial type='file'>
		      <source path='$serial'/>
		      <target port='0'/>
		    </serial>
		    <console type='file'>
		      <source path='$serial'/>
		      <target type='serial' port='0'/>
		    </console>
		  </devices>
		</domain>
	EOF
}

libvirt_boot() {
	local name=$1
	shift
	BOOT_N=$((${BOOT_N:-0} + 1))
	BOOT_LOG=$BATS_TEST_TMPDIR/serial-$BOOT_N.log
	BOOT_STDERR=$BATS_TEST_TMPDIR/libvirt-qemu-$BOOT_N.log
	BOOT_USERSPACE_STATUS=shutdown BOOT_STATUS=none BOOT_CMDLINE=$BASE_CMDLINE
	printf '%q ' "$@" >"$BATS_TEST_TMPDIR/cmd-$BOOT_N.sh"
	echo >>"$BATS_TEST_TMPDIR/cmd-$BOOT_N.sh"
	local serial=$LV_DIR/out/$name.log qlog=$LV_DIR/log/qemu/$name.log
	rm -f "$serial" "$qlog"
	: >"$BOOT_LOG"
	BOOT_SECONDS=0 BOOT_TIMED_OUT=0

	local t0=$SECONDS out
	if ! out=$(timeout 120 "$@" 2>&1 </dev/null); then
		leapboot_fail "'$*' failed: $out"
		return 1
	fi
	# shellcheck disable=SC2153 # BOOT_TIMEOUT: lib/qemu's, or the .bats file's
	while virsh -q -c "$LV_URI" domstate "$name" >/dev/null 2>&1; do
		if ((SECONDS - t0 > BOOT_TIMEOUT)); then
			virsh -q -c "$LV_URI" destroy "$name" >/dev/null 2>&1
			BOOT_TIMED_OUT=1
			leapboot_fail "TIMEOUT: domain $name still running after ${BOOT_TIMEOUT}s"
			break
		fi
		sleep 0.2
	done
	BOOT_SECONDS=$((SECONDS - t0))
	tr -d '\r' <"$serial" >"$BOOT_LOG" 2>/dev/null
	cp "$qlog" "$BOOT_STDERR" 2>/dev/null
	[[ $BOOT_TIMED_OUT == 1 ]] && return 1
	# libvirt's last word on the domain: "shutting down, reason=shutdown|destroyed|crashed|…"
	local reason
	reason=$(grep -ao 'shutting down, reason=[a-z-]*' "$BOOT_STDERR" 2>/dev/null | tail -n 1)
	BOOT_STATUS=${reason#shutting down, reason=}
	[[ -n $BOOT_STATUS ]] || BOOT_STATUS=none
	return 0
}

libvirt_virt_install() {
	local name=$1 machine=$2 boot=$3
	libvirt_boot "$name" virt-install --connect "$LV_URI" --name "$name" \
		--virt-type qemu --machine "$machine" --memory 512 --vcpus 2 \
		--boot "$boot,kernel=$LV_KERNEL,initrd=$LV_INITRD,kernel_args=$BASE_CMDLINE" \
		--import --osinfo detect=on,require=off --disk none --network none --graphics none \
		--serial "file,path=$LV_DIR/out/$name.log" \
		--events on_poweroff=destroy,on_reboot=destroy,on_crash=destroy \
		--transient --noautoconsole
}

libvirt_qemu_args() {
	local log=${BOOT_STDERR:-}
	[[ -s $log ]] || {
		leapboot_fail "no QEMU log from libvirt for the last boot"
		return 1
	}
	# The command line: from the first line after "starting up" that runs QEMU, to the
	# first line that does not end with a backslash.
	awk '/^\/usr\/bin\/qemu-system/ { p = 1 } p { print } p && !/\\$/ { exit }' "$log" |
		sed 's/ \\$//' | xargs -n 1 printf '%s\n'
}

lv_native() {
	local out
	out=$(lv_virsh domxml-to-native qemu-argv "$1" 2>&1) || {
		leapboot_fail "virsh domxml-to-native $1: $out"
		return 1
	}
	xargs -n 1 printf '%s\n' <<<"$out"
}
