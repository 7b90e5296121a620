#!/usr/bin/env bats
# The Debian packages of `make deb` (build/deb/): versions and relations, what each holds
# (firmware of both architectures, QEMU descriptors, tools, plugin, man pages), lintian
# without errors or warnings, and, unpacked with dpkg -x into a temporary root (never
# installed), the packaged leapboot.bin booting Debian's kernel to userspace and the
# packaged bootbench finding the packaged firmware.
# The package build is a clean build of both architectures plus the unit tests (over five
# minutes on a CI machine), so this file does not run it: make check builds them first unless
# build/deb holds this tree's (make deb-fresh; .ci/run builds them as a step of its own).

load lib/qemu

setup_file() {
	leapboot_setup_file || return 1
	local version
	version=$(sed -n 's/^#define LEAPBOOT_VERSION *"\(.*\)"/\1/p' "$LEAPBOOT_ROOT/boot/version.h")
	export VERSION=$version
	export DEB_FW=$LEAPBOOT_ROOT/build/deb/leapboot_${version}_all.deb
	export DEB_TOOLS=$LEAPBOOT_ROOT/build/deb/leapboot-tools_${version}_$(dpkg --print-architecture).deb
	local d
	for d in "$DEB_FW" "$DEB_TOOLS"; do
		[[ -s $d ]] || { leapboot_fail "$d not found: run 'make deb' first"; return 1; }
	done
	export ROOT=$BATS_FILE_TMPDIR/root
	mkdir -p "$ROOT"
	dpkg -x "$DEB_FW" "$ROOT" && dpkg -x "$DEB_TOOLS" "$ROOT"
}

# contents DEB: the paths a package holds (./ removed; links as "PATH -> TARGET").
contents() { dpkg-deb -c "$1" | awk '{ sub(/^\.\//, "", $6); $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print }'; }

# has LISTING PATH...: each PATH is a line of LISTING.
has() {
	local p
	for p in "${@:2}"; do
		grep -qxF -- "$p" <<<"$1" || leapboot_fail "no $p in the package" || return 1
	done
}

@test "control: versions from boot/version.h, architectures, the tools' run-time needs" {
	[[ $(dpkg-deb -f "$DEB_FW" Package Version Architecture) == $'Package: leapboot\nVersion: '"$VERSION"$'\nArchitecture: all' ]] ||
		leapboot_fail "leapboot: $(dpkg-deb -f "$DEB_FW" Package Version Architecture)" || return 1
	[[ $(dpkg-deb -f "$DEB_TOOLS" Version) == "$VERSION" ]] || leapboot_fail "leapboot-tools' version" || return 1
	local dep
	dep=$(dpkg-deb -f "$DEB_TOOLS" Depends)
	[[ $dep == *python3* && $dep == *qemu-system-x86* && $dep == *libc6* ]] ||
		leapboot_fail "leapboot-tools Depends: $dep" || return 1
	[[ $(dpkg-deb -f "$DEB_TOOLS" Recommends) == *leapboot* ]] || leapboot_fail "leapboot-tools recommends leapboot"
}

@test "leapboot: both architectures' images, the QEMU descriptors, docs; nothing else" {
	local c
	c=$(contents "$DEB_FW")
	has "$c" usr/share/leapboot/x86_64/leapboot.{bin,elf,efi} usr/share/leapboot/aarch64/leapboot.{bin,Image,efi} \
		usr/share/qemu/firmware/80-leapboot-{x86_64,aarch64}.json \
		usr/share/qemu/firmware/81-leapboot-{x86_64,aarch64}-kernel.json usr/share/doc/leapboot/README.md.gz \
		usr/share/doc/leapboot/copyright usr/share/doc/leapboot/changelog.gz || return 1
	! grep -E '^usr/(bin|lib)/' <<<"$c" || leapboot_fail "leapboot holds tools" || return 1
	# The descriptors name the packaged images.
	local j f
	for j in "$ROOT"/usr/share/qemu/firmware/*leapboot*.json; do
		f=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["mapping"]["filename"])' "$j")
		[[ $f == /usr/share/leapboot/* && -s $ROOT$f ]] || leapboot_fail "$j names $f" || return 1
	done
	# The packaged leapboot.bin is this tree's (the build is reproducible).
	cmp "$ROOT/usr/share/leapboot/x86_64/leapboot.bin" "$LEAPBOOT_BIN" ||
		leapboot_fail "the packaged leapboot.bin is not $LEAPBOOT_BIN: 'make deb' again"
}

@test "leapboot-tools: the commands, their library, the fwcount plugin, man pages" {
	local c t
	c=$(contents "$DEB_TOOLS")
	for t in bootbench leapboot-pcr extract-vmlinux; do
		has "$c" "usr/bin/$t -> ../lib/leapboot/$t" "usr/lib/leapboot/$t" "usr/share/man/man1/$t.1.gz" || return 1
	done
	has "$c" usr/lib/leapboot/{fetch-kernels,mkinitrd,leapbootpaths.py,version.h,uki.bash} \
		usr/lib/leapboot/fwcount/fwcount.so usr/lib/leapboot/bootbenchlib/cli.py usr/lib/leapboot/pcrlib/cli.py \
		usr/share/doc/leapboot-tools/copyright || return 1
	! grep -E '^usr/share/leapboot/|/tests/' <<<"$c" || leapboot_fail "leapboot-tools holds firmware or tests" || return 1
	run file -L "$ROOT/usr/lib/leapboot/fwcount/fwcount.so"
	[[ $output == *"ELF 64-bit LSB shared object"* ]] || leapboot_fail "fwcount.so: $output"
}

@test "lintian: no errors, no warnings (overrides say why)" {
	command -v lintian >/dev/null || { leapboot_fail "lintian not installed (tools/install-deps)"; return 1; }
	run lintian --fail-on error,warning "$DEB_FW" "$DEB_TOOLS"
	[[ $status == 0 ]] || leapboot_fail "lintian: $output"
}

@test "unpacked (dpkg -x): leapboot.bin boots Debian's kernel to userspace on q35" {
	boot_leapboot q35 --bios "$ROOT/usr/share/leapboot/x86_64/leapboot.bin" \
		-kernel "$LEAPBOOT_KERNEL" -initrd "$LEAPBOOT_INITRD" -append "$BASE_CMDLINE"
	assert_userspace
}

@test "unpacked (dpkg -x): bootbench from /tmp finds the packaged firmware, leapboot-pcr runs" {
	run bash -c 'cd /tmp && env -u PYTHONPATH PYTHONDONTWRITEBYTECODE=1 "$1/usr/bin/bootbench" --list' _ "$ROOT"
	[[ $status == 0 ]] || leapboot_fail "bootbench --list: $output" || return 1
	grep -A1 "^leapboot-bzimage " <<<"$output" | grep -q "$ROOT/usr/share/leapboot/x86_64/leapboot.bin: ready\$" ||
		leapboot_fail "leapboot-bzimage is not ready with the packaged firmware: $output" || return 1
	run bash -c 'cd /tmp && env -u PYTHONPATH PYTHONDONTWRITEBYTECODE=1 "$1/usr/bin/leapboot-pcr" --help' _ "$ROOT"
	[[ $status == 0 && $output == *usage* ]] || leapboot_fail "leapboot-pcr --help: $output"
}
