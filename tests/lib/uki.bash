# tests/lib/uki.bash: unified kernel images (UKIs) built from Debian's systemd-stub with
# objcopy, the way systemd's ukify (v253) does it without pefile's help:
#
#   uki_build OUT x86_64|aarch64 KERNEL [--initrd F] [--cmdline TEXT] [--osrel F] [--ucode F]
#             [--dtb F] [--uname TEXT] [--splash F] [--pcrpkey F] [--pcrsig F] [--stub F]
#
# The stub: x86_64 /usr/lib/systemd/boot/efi/linuxx64.efi.stub (Debian's systemd-boot-efi,
# tools/install-deps), aarch64 linuxaa64.efi.stub of systemd-boot-efi:arm64, unpacked by
# tools/arm64-sysroot (never installed). Debian 12's stubs are systemd 252's; the x86 one has
# sections .text .reloc .data .dynamic .rela .dynsym .sbat .sdmagic, the arm64 one only .text
# and .data (its "#### LoaderInfo: systemd-stub 252... ####" lies inside .data, no .sdmagic).
#
# Placement (ukify's): the first new section at the end of the stub's last section (VMA, which
# includes ImageBase, + size) rounded up to 4 KiB, each next one after the previous rounded up
# to 4 KiB; flags data,readonly (.linux: code,readonly). objcopy writes each section's
# VirtualSize as the file's exact size, which is what systemd-stub hashes. The sections go in
# ukify's order (.osrel .cmdline .dtb .uname .splash .pcrpkey .initrd .ucode .linux .pcrsig);
# systemd-stub measures in its own order whatever the file's is.
#
# --cmdline and --uname are text, written without a newline or NUL (as ukify writes them).
# aarch64: a gzip KERNEL (Debian's vmlinuz, Image.gz) is inflated first: systemd-stub 252
# hands the .linux section to the kernel's own EFI entry, which an Image.gz lacks. The host's
# objcopy knows no pei-aarch64: aarch64-linux-gnu-objcopy (binutils-aarch64-linux-gnu, with
# gcc-aarch64-linux-gnu) builds the arm64 UKIs.
#
# Each function prints its message (leapboot_fail when tests/lib/qemu.bash is loaded) and
# returns 1 on failure; uki_build prints nothing on success.
#
#   uki_stub ARCH          prints the stub's path (fails with how to get it)
#   uki_cached OUT ARCH KERNEL [options]
#                          uki_build unless OUT exists and is newer than every input
#                          file, with the same arguments (kept in OUT.args)

# shellcheck disable=SC2034

UKI_STUB_X86=${UKI_STUB_X86:-/usr/lib/systemd/boot/efi/linuxx64.efi.stub}
UKI_STUB_ARM64=${UKI_STUB_ARM64:-}
UKI_ALIGN=4096

uki_fail() {
	if declare -F leapboot_fail >/dev/null; then
		leapboot_fail "$*"
	else
		printf 'uki: %s\n' "$*" >&2
	fi
	return 1
}

uki_stub() {
	local s root
	case "$1" in
	x86_64) s=$UKI_STUB_X86 ;;
	aarch64)
		s=$UKI_STUB_ARM64
		if [[ -z $s ]]; then
			root=$(dirname "$(dirname "$(dirname "$(realpath "${BASH_SOURCE[0]}")")")")
			local sysroot
			sysroot=$("$root/tools/arm64-sysroot" --print 2>/dev/null) ||
				uki_fail "no arm64 sysroot with systemd-stub: run tools/arm64-sysroot" || return 1
			s=$sysroot/usr/lib/systemd/boot/efi/linuxaa64.efi.stub
		fi
		;;
	*) uki_fail "uki: architecture '$1' (x86_64 or aarch64)" || return 1 ;;
	esac
	[[ -s $s ]] || uki_fail "systemd-stub $s not found: install systemd-boot-efi (tools/install-deps;" \
		"arm64: tools/arm64-sysroot)" || return 1
	echo "$s"
}

# uki_next_vma OBJDUMP FILE: the end of FILE's last section (VMA + size), rounded up to 4 KiB.
uki_next_vma() {
	local last end
	last=$("$1" -h "$2" | awk '$1 ~ /^[0-9]+$/ && NF == 7 { s = $3; v = $4 } END { if (v != "") print v, s }')
	[[ -n $last ]] || uki_fail "$1 -h $2 lists no section" || return 1
	end=$((0x${last% *} + 0x${last#* }))
	echo $(((end + UKI_ALIGN - 1) / UKI_ALIGN * UKI_ALIGN))
}

uki_build() {
	if [[ $# -lt 3 ]]; then
		uki_fail "usage: uki_build OUT x86_64|aarch64 KERNEL [--initrd F] [--cmdline TEXT] [--osrel F]" \
			"[--ucode F] [--dtb F] [--uname TEXT] [--splash F] [--pcrpkey F] [--pcrsig F] [--stub F]"
		return 1
	fi
	local out=$1 arch=$2 kernel=$3 stub= objcopy=objcopy objdump=objdump
	shift 3
	local -A file=() text=()
	while [[ $# -gt 0 ]]; do
		[[ $# -ge 2 ]] || uki_fail "uki_build: $1 needs a value" || return 1
		case "$1" in
		--initrd | --osrel | --ucode | --dtb | --splash | --pcrpkey | --pcrsig)
			[[ -r $2 ]] || uki_fail "uki_build: $1 $2: not readable" || return 1
			file[.${1#--}]=$2
			;;
		--cmdline | --uname) text[.${1#--}]=$2 ;;
		--stub) stub=$2 ;;
		*) uki_fail "uki_build: unknown option '$1'" || return 1 ;;
		esac
		shift 2
	done
	[[ -n $stub ]] || stub=$(uki_stub "$arch") || return 1
	[[ $arch != aarch64 ]] || objcopy=aarch64-linux-gnu-objcopy objdump=aarch64-linux-gnu-objdump
	command -v "$objcopy" >/dev/null ||
		uki_fail "$objcopy not found (binutils; arm64: binutils-aarch64-linux-gnu)" || return 1
	[[ -r $kernel ]] || uki_fail "uki_build: kernel $kernel: not readable" || return 1

	local tmp
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/uki.XXXXXX") || return 1
	if [[ $arch == aarch64 && $(head -c 2 "$kernel" | od -An -tx1 | tr -d ' ') == 1f8b ]]; then
		gzip -dc <"$kernel" >"$tmp/Image" || { rm -rf "$tmp"; uki_fail "uki_build: cannot inflate $kernel"; return 1; }
		kernel=$tmp/Image
	fi
	file[.linux]=$kernel
	local s
	for s in "${!text[@]}"; do
		printf '%s' "${text[$s]}" >"$tmp/$s"
		file[$s]=$tmp/$s
	done

	local vma size rc=0
	local -a args=()
	vma=$(uki_next_vma "$objdump" "$stub") || { rm -rf "$tmp"; return 1; }
	for s in .osrel .cmdline .dtb .uname .splash .pcrpkey .initrd .ucode .linux .pcrsig; do
		[[ -n ${file[$s]:-} ]] || continue
		size=$(stat -L -c %s "${file[$s]}")
		args+=(--add-section "$s=${file[$s]}" --change-section-vma "$s=$(printf '0x%x' "$vma")")
		if [[ $s == .linux ]]; then
			args+=(--set-section-flags "$s=code,readonly")
		else
			args+=(--set-section-flags "$s=data,readonly")
		fi
		vma=$((vma + (size + UKI_ALIGN - 1) / UKI_ALIGN * UKI_ALIGN))
	done
	"$objcopy" "${args[@]}" "$stub" "$out.tmp" 2>"$tmp/err" || rc=$?
	if [[ $rc != 0 ]]; then
		uki_fail "uki_build: $objcopy failed (status $rc): $(head -c 400 "$tmp/err")"
		rm -rf "$tmp" "$out.tmp"
		return 1
	fi
	rm -rf "$tmp"
	mv -f "$out.tmp" "$out"
}

uki_cached() {
	local out=$1 a newer=1 prev=
	local args
	args=$(printf '%q ' "${@:2}")
	if [[ -s $out && -s $out.args && $(<"$out.args") == "$args" ]]; then
		newer=0
		for a in "${@:3}"; do
			if [[ $prev != --cmdline && $prev != --uname && -f $a && $a -nt $out ]]; then
				newer=1
			fi
			prev=$a
		done
	fi
	[[ $newer == 1 ]] || return 0
	uki_build "$@" && printf '%s' "$args" >"$out.args"
}
