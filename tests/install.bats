#!/usr/bin/env bats
# make install / make uninstall (PREFIX=/usr into a DESTDIR): the layout, the QEMU firmware
# descriptors, the installed tools running from there without the checkout, a q35 boot with
# the installed leapboot.bin, the man pages, and an uninstall that leaves nothing.
# Needs `make build-all` first (both architectures, efi, fwcount, man pages).

load lib/qemu

setup_file() {
	leapboot_setup_file || return 1
	export DEST=$BATS_FILE_TMPDIR/root
	mkdir -p "$DEST"
	if ! make -s -C "$LEAPBOOT_ROOT" install PREFIX=/usr DESTDIR="$DEST" >"$BATS_FILE_TMPDIR/install.log" 2>&1; then
		cat "$BATS_FILE_TMPDIR/install.log" >&2
		leapboot_fail "make install failed (run 'make build-all' first)"
		return 1
	fi
}

FIRMWARE=(x86_64/leapboot.bin x86_64/leapboot.elf x86_64/leapboot.efi
	aarch64/leapboot.bin aarch64/leapboot.Image aarch64/leapboot.efi)
TOOLS=(bootbench leapboot-pcr extract-vmlinux)

# Runs an installed tool from /tmp, without PYTHONPATH, as a user would.
installed() { (cd /tmp && env -u PYTHONPATH PYTHONDONTWRITEBYTECODE=1 "$DEST/usr/bin/$1" "${@:2}"); }

@test "layout: firmware of both architectures, tools, plugin, docs under PREFIX=/usr" {
	local f t
	for f in "${FIRMWARE[@]}"; do
		cmp "$LEAPBOOT_ROOT/build/$f" "$DEST/usr/share/leapboot/$f" || leapboot_fail "share/leapboot/$f" || return 1
	done
	for t in "${TOOLS[@]}"; do
		[[ -L $DEST/usr/bin/$t && -x $DEST/usr/bin/$t ]] || leapboot_fail "bin/$t is no link to a program" || return 1
		[[ $(readlink "$DEST/usr/bin/$t") == ../lib/leapboot/$t ]] || leapboot_fail "bin/$t: $(readlink "$DEST/usr/bin/$t")" || return 1
	done
	for f in fetch-kernels mkinitrd; do
		[[ -x $DEST/usr/lib/leapboot/$f ]] || leapboot_fail "lib/leapboot/$f" || return 1
	done
	for f in fwcount/fwcount.so bootbenchlib/cli.py pcrlib/cli.py leapbootpaths.py version.h uki.bash; do
		[[ -s $DEST/usr/lib/leapboot/$f ]] || leapboot_fail "lib/leapboot/$f" || return 1
	done
	[[ ! -e $DEST/usr/lib/leapboot/bootbenchlib/tests ]] || leapboot_fail "the unit tests are not installed" || return 1
	for f in README.md measured-boot.md install.md; do
		[[ -s $DEST/usr/share/doc/leapboot/$f ]] || leapboot_fail "share/doc/leapboot/$f" || return 1
	done
}

@test "QEMU firmware descriptors: valid JSON, docs/interop/firmware.json (7.2) members, installed files" {
	run python3 - "$DEST" <<'EOF'
import glob, json, os, sys
dest = sys.argv[1]
files = sorted(glob.glob(dest + "/usr/share/qemu/firmware/*.json"))
names = [os.path.basename(f) for f in files]
assert names == ["80-leapboot-aarch64.json", "80-leapboot-x86_64.json",
                 "81-leapboot-aarch64-kernel.json", "81-leapboot-x86_64-kernel.json"], names
interfaces = {"bios", "openfirmware", "uboot", "uefi"}
features = {"acpi-s3", "acpi-s4", "amd-sev", "enrolled-keys", "requires-smm", "secure-boot",
            "verbose-dynamic", "verbose-static"}
want = {"80-leapboot-x86_64.json": ("memory", "x86_64", "x86_64/leapboot.bin"),
        "81-leapboot-x86_64-kernel.json": ("kernel", "x86_64", "x86_64/leapboot.elf"),
        "80-leapboot-aarch64.json": ("memory", "aarch64", "aarch64/leapboot.bin"),
        "81-leapboot-aarch64-kernel.json": ("kernel", "aarch64", "aarch64/leapboot.Image")}
for f in files:
    with open(f) as fh:
        d = json.load(fh)
    n = os.path.basename(f)
    assert set(d) == {"description", "interface-types", "mapping", "targets", "features", "tags"}, (n, d.keys())
    assert isinstance(d["description"], str) and d["description"], n
    assert d["interface-types"] and set(d["interface-types"]) <= interfaces, n
    assert set(d["features"]) <= features and d["features"] == [], n  # no S3/S4, SEV, SMM, secure boot
    assert all(isinstance(t, str) for t in d["tags"]), n
    device, arch, path = want[n]
    assert d["mapping"] == {"device": device, "filename": "/usr/share/leapboot/" + path}, (n, d["mapping"])
    assert os.path.isfile(dest + d["mapping"]["filename"]), n
    assert [t["architecture"] for t in d["targets"]] == [arch], n
    assert all(t["machines"] and all(isinstance(m, str) for m in t["machines"]) for t in d["targets"]), n
    # After the distribution's firmware (Debian's edk2 descriptors are 40- to 60-).
    assert int(n[:2]) >= 80, n
print("ok")
EOF
	[[ $status == 0 && $output == ok ]] || leapboot_fail "$output"
}

@test "installed bootbench, run from /tmp: its library, the installed firmware and plugin" {
	run installed bootbench --version
	[[ $status == 0 && $output == "bootbench (leapboot) "[0-9]* ]] || leapboot_fail "--version: $output" || return 1
	run installed bootbench --list
	[[ $status == 0 ]] || leapboot_fail "--list: $output" || return 1
	local preset
	for preset in leapboot-bzimage leapboot-elf-pvh leapboot-arm64-bios leapboot-arm64-image; do
		grep -A1 "^$preset " <<<"$output" | grep -q "$DEST/usr/share/leapboot/.*: ready\$" ||
			leapboot_fail "$preset is not ready with the installed firmware: $output" || return 1
	done
	! grep -qF "$LEAPBOOT_ROOT" <<<"$output" || leapboot_fail "--list names the checkout: $output" || return 1
	# The fwcount plugin is the installed one, and is not compiled there.
	run env -u PYTHONPATH python3 -c 'import sys; sys.path.insert(0, sys.argv[1])
import bootbenchlib.bench as b, bootbenchlib.configs as c
b.build_plugin(); print(b.PLUGIN, c.ROOT)' "$DEST/usr/lib/leapboot"
	[[ $status == 0 && $output == "$DEST/usr/lib/leapboot/fwcount/fwcount.so None" ]] ||
		leapboot_fail "plugin: $output" || return 1
}

@test "installed leapboot-pcr and extract-vmlinux run from /tmp" {
	# The installed leapboot.bin and version.h are the build's: the same prediction.
	local -a pcr_args=(--kernel "$LEAPBOOT_KERNEL" --initrd "$LEAPBOOT_INITRD" --cmdline "$BASE_CMDLINE")
	run installed leapboot-pcr "${pcr_args[@]}"
	[[ $status == 0 ]] && grep -qE '^sha256:0 +[0-9a-f]{64}$' <<<"$output" ||
		leapboot_fail "leapboot-pcr (installed leapboot.bin): $output" || return 1
	[[ $output == "$("$LEAPBOOT_ROOT/tools/leapboot-pcr" "${pcr_args[@]}")" ]] ||
		leapboot_fail "installed and checkout leapboot-pcr predict differently" || return 1
	run installed extract-vmlinux -c "$LEAPBOOT_KERNEL"
	[[ $status == 0 && $output =~ ^(gzip|xz|lzma|bzip2|lz4|zstd|lzo|none)$ ]] || leapboot_fail "extract-vmlinux: $output"
}

@test "q35: the installed leapboot.bin boots Debian's kernel to userspace" {
	boot_leapboot q35 --bios "$DEST/usr/share/leapboot/x86_64/leapboot.bin" \
		-kernel "$LEAPBOOT_KERNEL" -initrd "$LEAPBOOT_INITRD" -append "$BASE_CMDLINE"
	assert_userspace
}

@test "man pages: one per installed tool, rendered by man -l" {
	local t page
	for t in "${TOOLS[@]}"; do
		page=$DEST/usr/share/man/man1/$t.1
		[[ -s $page ]] || leapboot_fail "no $page" || return 1
		run man -l "$page"
		[[ $status == 0 ]] || leapboot_fail "man -l $page: $output" || return 1
		grep -q "^NAME" <<<"$output" && grep -qE "^ +$t +- " <<<"$output" && grep -q "^SYNOPSIS\|^DESCRIPTION" <<<"$output" ||
			leapboot_fail "$t.1 renders without its NAME line: $output" || return 1
		! grep -qF "$LEAPBOOT_ROOT" "$page" || leapboot_fail "$t.1 names the build's checkout" || return 1
	done
}

@test "uninstall leaves nothing in DESTDIR" {
	# bytecode, as a run without PYTHONDONTWRITEBYTECODE leaves it
	(cd /tmp && env -u PYTHONPATH "$DEST/usr/bin/bootbench" --version >/dev/null)
	run make -s -C "$LEAPBOOT_ROOT" uninstall PREFIX=/usr DESTDIR="$DEST"
	[[ $status == 0 ]] || leapboot_fail "make uninstall: $output" || return 1
	run find "$DEST" -mindepth 1
	[[ -z $output ]] || leapboot_fail "left after uninstall: $output"
}
