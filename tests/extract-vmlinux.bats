#!/usr/bin/env bats
# tools/extract-vmlinux: Debian's real kernels (lz4 cloud, xz generic) and synthetic bzImages
# (Debian's setup part + a small crafted ELF compressed here with each Debian tool, the way
# Kbuild does it) for every compression, plus every error the tool reports. No QEMU.

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
TOOL=$ROOT/tools/extract-vmlinux

setup_file() {
	local d=$BATS_FILE_TMPDIR cloud generic f
	# Debian's cloud (lz4) and generic (xz) kernels, downloaded when not cached yet.
	for f in cloud generic; do
		"$ROOT/tools/fetch-kernels" --flavour "$f" --print >/dev/null 2>&1 ||
			"$ROOT/tools/fetch-kernels" --flavour "$f" >/dev/null || {
			echo "tools/fetch-kernels --flavour $f could not provide Debian's $f kernel" \
				"(offline? run 'apt-get update')" >&2
			return 1
		}
	done
	cloud=$("$ROOT/tools/fetch-kernels" --flavour cloud --print) || return 1
	generic=$("$ROOT/tools/fetch-kernels" --flavour generic --print) || return 1
	printf '%s\n' "$cloud" >"$d/cloud.path"
	printf '%s\n' "$generic" >"$d/generic.path"

	# elf: a small but complete ELF64 (2 segments, a Xen PVH note, 3 sections, section
	# headers last); relocs: 4 KiB standing in for vmlinux.relocs, appended after the ELF.
	python3 - "$d" <<-'EOF'
		import random, struct, sys
		d = sys.argv[1]
		r = random.Random(0x5eed)
		text = b"".join(r.choice([r.randbytes(64), b"\x90" * 64, b"push %rbp; mov %rsp,%rbp\n"])
		                for _ in range(3000))
		note = struct.pack("<III4sI", 4, 4, 0x12, b"Xen\0", 0x1000850)
		shstr = b"\0.text\0.note\0.shstrtab\0"
		ph_off, text_off = 64, 0x1000
		note_off = text_off + len(text)
		shstr_off = note_off + len(note)
		sh_off = (shstr_off + len(shstr) + 7) & ~7
		ehdr = struct.pack("<4sBBBBB7xHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0, 2, 62, 1,
		                   0x1000000, ph_off, sh_off, 0, 64, 56, 2, 64, 4, 3)
		phdrs = (struct.pack("<IIQQQQQQ", 1, 5, text_off, 0xffffffff81000000, 0x1000000,
		                     len(text), len(text), 0x1000)
		         + struct.pack("<IIQQQQQQ", 4, 4, note_off, 0, 0, len(note), len(note), 4))
		shdrs = (bytes(64)
		         + struct.pack("<IIQQQQIIQQ", 1, 1, 6, 0xffffffff81000000, text_off, len(text), 0, 0, 16, 0)
		         + struct.pack("<IIQQQQIIQQ", 7, 7, 2, 0, note_off, len(note), 0, 0, 4, 0)
		         + struct.pack("<IIQQQQIIQQ", 13, 3, 0, 0, shstr_off, len(shstr), 0, 0, 1, 0))
		img = bytearray(sh_off + len(shdrs))
		img[0:64] = ehdr
		img[ph_off:ph_off + len(phdrs)] = phdrs
		img[text_off:text_off + len(text)] = text
		img[note_off:note_off + len(note)] = note
		img[shstr_off:shstr_off + len(shstr)] = shstr
		img[sh_off:] = shdrs
		open(f"{d}/elf", "wb").write(img)
		open(f"{d}/relocs", "wb").write(r.randbytes(4096))
	EOF
	cat "$d/elf" "$d/relocs" >"$d/all"
	# Kbuild's compressors, each followed by the 4-byte size trailer (not gzip's, not none).
	python3 -c 'import os, struct, sys
sys.stdout.buffer.write(struct.pack("<I", os.path.getsize(sys.argv[1])))' "$d/all" >"$d/trailer"
	gzip -n -9 <"$d/all" >"$d/p.gzip"
	{ xz --check=crc32 --x86 --lzma2=,dict=32MiB <"$d/all" && cat "$d/trailer"; } >"$d/p.xz"
	{ lzma -9 <"$d/all" && cat "$d/trailer"; } >"$d/p.lzma"
	{ bzip2 -9 <"$d/all" && cat "$d/trailer"; } >"$d/p.bzip2"
	{ lz4 -l -9 <"$d/all" && cat "$d/trailer"; } >"$d/p.lz4"
	{ zstd -q -22 --ultra <"$d/all" && cat "$d/trailer"; } >"$d/p.zstd"
	{ lzop -9 <"$d/all" && cat "$d/trailer"; } >"$d/p.lzo"
	cat "$d/all" >"$d/p.none"
	# Payload variants: trailing garbage/padding instead of the trailer, corrupt and non-ELF.
	{ zstd -q -19 <"$d/all" && printf 'garbage after the frame'; } >"$d/p.zstd-garbage"
	{ xz --check=crc32 <"$d/all" && head -c 64 /dev/zero; } >"$d/p.xz-padding"
	{ gzip -n <"$d/all" && head -c 13 /dev/zero; } >"$d/p.gzip-zeros"
	lz4 -l <"$d/all" >"$d/p.lz4-bare"
	python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read())
for i in range(len(b) // 2, len(b) // 2 + 64): b[i] ^= 0x55
sys.stdout.buffer.write(b)' "$d/p.xz" >"$d/p.xz-corrupt"
	head -c 100000 /dev/zero | gzip -n >"$d/p.not-elf"
	head -c 20000 "$d/elf" | zstd -q >"$d/p.short-elf"
	printf 'ABCDEFGH not a known compression' >"$d/p.unknown"

	# bz.NAME: Debian's cloud bzImage with p.NAME as its payload (payload_length and syssize
	# patched, the decompressor code around the payload kept), plus broken headers.
	python3 - "$cloud" "$d" <<-'EOF'
		import glob, os, struct, sys
		src, d = sys.argv[1], sys.argv[2]
		k = open(src, "rb").read()
		ss = k[0x1F1] or 4
		pm = (ss + 1) * 512
		off, length = struct.unpack_from("<II", k, 0x248)
		def bz(payload):
		    img = bytearray(k[:pm + off] + payload + k[pm + off + length:])
		    struct.pack_into("<I", img, 0x24C, len(payload))
		    struct.pack_into("<I", img, 0x1F4, (len(img) - pm + 15) // 16)
		    return img
		for p in glob.glob(f"{d}/p.*"):
		    name = os.path.basename(p)[2:]
		    open(f"{d}/bz.{name}", "wb").write(bz(open(p, "rb").read()))
		good = bz(open(f"{d}/p.xz", "rb").read())
		old = bytearray(good); struct.pack_into("<H", old, 0x206, 0x0207)
		open(f"{d}/bz.proto-2.07", "wb").write(old)
		open(f"{d}/bz.cut-in-payload", "wb").write(good[:pm + off + 5000])
		for name in ("xz", "bzip2", "lz4", "zstd"):  # payload_length cut to 3000 bytes
		    short = bz(open(f"{d}/p.{name}", "rb").read())
		    struct.pack_into("<I", short, 0x24C, 3000)
		    open(f"{d}/bz.short-{name}", "wb").write(short)
		open(f"{d}/bz.setup-only", "wb").write(good[:0x240])
		# setup_sects 0 means 4: protected-mode part at 5 * 512, payload 0x100 into it.
		old = bytearray(k[:5 * 512] + bytes(0x100) + open(f"{d}/p.gzip", "rb").read())
		old[0x1F1] = 0
		struct.pack_into("<II", old, 0x248, 0x100, len(old) - 5 * 512 - 0x100)
		open(f"{d}/bz.setup-sects-0", "wb").write(old)
		open(f"{d}/random.bin", "wb").write(__import__("random").Random(1).randbytes(65536))
	EOF
	: >"$d/empty.bin"
}

# Fail with a message (shown by bats) unless "$output" matches the extended regex $1.
output_matches() {
	if ! grep -Eq -- "$1" <<<"$output"; then
		printf 'expected output matching /%s/, got:\n%s\n' "$1" "$output" >&2
		return 1
	fi
}

expect_status() {
	if [ "$status" -ne "$1" ]; then
		printf 'expected exit status %s, got %s; output:\n%s\n' "$1" "$status" "$output" >&2
		return 1
	fi
}

# Fail unless the error is exactly one "extract-vmlinux: error: ..." line matching $1, with
# exit status 1.
expect_error() {
	expect_status 1
	[ "$(wc -l <<<"$output")" -eq 1 ] || { echo "more than one line: $output" >&2; return 1; }
	output_matches "^extract-vmlinux: error: .*$1"
}

@test "--help is help2man's input (make man); bad usage exits 2" {
	run "$TOOL" --help
	expect_status 0
	output_matches '^Usage: extract-vmlinux '
	for s in Options 'Exit status' Examples 'See also'; do
		output_matches "^$s:\$"
	done
	output_matches 'payload_offset'
	run "$TOOL" --frobnicate "$BATS_FILE_TMPDIR/bz.gzip"
	expect_status 2
	output_matches "unknown option '--frobnicate'"
	run "$TOOL"
	expect_status 2
	output_matches 'no BZIMAGE'
	run "$TOOL" -o
	expect_status 2
}

# check_real KERNEL COMPRESSION [-k]: the vmlinux of a Debian kernel is an x86-64 ELF with a
# Xen PVH entry note and ends at its section header table; with -k, also check that -k adds
# exactly the relocations (the size trailer's count of bytes in all).
check_real() {
	local k=$1 want=$2 keep=${3:-} out=$BATS_TEST_TMPDIR/vmlinux
	run "$TOOL" -c "$k"
	expect_status 0
	[ "$output" = "$want" ] || { echo "compression: got '$output', want '$want'" >&2; return 1; }
	run "$TOOL" -v -o "$out" "$k"
	expect_status 0
	output_matches "compression: $want "
	output_matches 'size trailer [0-9]+ matches'
	run readelf -h -l "$out"
	expect_status 0
	output_matches 'Class: +ELF64'
	output_matches 'Type: +EXEC'
	output_matches 'Machine: +Advanced Micro Devices X86-64'
	output_matches '^ +LOAD +0x'
	run readelf -n "$out"
	expect_status 0
	output_matches '^ +Xen +0x0+8[[:space:]].*(0x0+12|PHYS32)'
	# No bytes after the ELF: the file ends where the section header table ends.
	local shoff shnum size
	shoff=$(readelf -h "$out" | sed -n 's/^ *Start of section headers: *\([0-9]*\).*/\1/p')
	shnum=$(readelf -h "$out" | sed -n 's/^ *Number of section headers: *\([0-9]*\).*/\1/p')
	size=$(stat -c %s "$out")
	[ "$size" -eq $((shoff + shnum * 64)) ] || {
		echo "vmlinux is $size bytes, its section headers end at $((shoff + shnum * 64))" >&2
		return 1
	}
	[ "$keep" = -k ] || return 0
	# -k: the whole decompressed payload, whose size is Kbuild's trailer.
	"$TOOL" -k "$k" >"$out.all"
	local trailer
	trailer=$(python3 -c 'import struct, sys
b = open(sys.argv[1], "rb").read(); ss = b[0x1F1] or 4
o, n = struct.unpack_from("<II", b, 0x248); e = (ss + 1) * 512 + o + n
print(struct.unpack_from("<I", b, e - 4)[0])' "$k")
	[ "$(stat -c %s "$out.all")" -eq "$trailer" ] || {
		echo "-k gave $(stat -c %s "$out.all") bytes, the size trailer says $trailer" >&2
		return 1
	}
	cmp -n "$size" "$out" "$out.all"
}

@test "Debian cloud kernel: lz4, vmlinux is an x86-64 ELF with a Xen PVH note" {
	check_real "$(cat "$BATS_FILE_TMPDIR/cloud.path")" lz4 -k
}

@test "Debian generic kernel: xz, vmlinux is an x86-64 ELF with a Xen PVH note" {
	check_real "$(cat "$BATS_FILE_TMPDIR/generic.path")" xz
}

# check_synthetic NAME: bz.NAME is detected as NAME and yields the crafted ELF, without
# and (-k) with the relocations after it, through -o and through stdout.
check_synthetic() {
	local d=$BATS_FILE_TMPDIR name=$1
	run "$TOOL" -c "$d/bz.$name"
	expect_status 0
	[ "$output" = "$name" ] || { echo "compression: got '$output', want '$name'" >&2; return 1; }
	run "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$d/bz.$name"
	expect_status 0
	[ -z "$output" ] || { echo "unexpected output: $output" >&2; return 1; }
	cmp "$BATS_TEST_TMPDIR/out" "$d/elf"
	"$TOOL" -k "$d/bz.$name" >"$BATS_TEST_TMPDIR/all"
	cmp "$BATS_TEST_TMPDIR/all" "$d/all"
}

@test "synthetic bzImage, gzip payload" { check_synthetic gzip; }
@test "synthetic bzImage, xz payload (BCJ x86 filter, size trailer)" { check_synthetic xz; }
@test "synthetic bzImage, lzma payload (size trailer)" { check_synthetic lzma; }
@test "synthetic bzImage, bzip2 payload (size trailer)" { check_synthetic bzip2; }
@test "synthetic bzImage, lz4 legacy payload (small size trailer)" { check_synthetic lz4; }
@test "synthetic bzImage, zstd -22 payload (size trailer)" { check_synthetic zstd; }
@test "synthetic bzImage, lzo payload (size trailer)" { check_synthetic lzo; }
@test "synthetic bzImage, uncompressed payload" { check_synthetic none; }

@test "setup_sects 0 counts as 4" {
	run "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$BATS_FILE_TMPDIR/bz.setup-sects-0"
	expect_status 0
	cmp "$BATS_TEST_TMPDIR/out" "$BATS_FILE_TMPDIR/elf"
}

@test "bytes after the compressed stream are ignored (zstd garbage, xz/gzip zero padding, lz4 bare)" {
	local d=$BATS_FILE_TMPDIR v
	for v in zstd-garbage xz-padding gzip-zeros lz4-bare; do
		run "$TOOL" -o "$BATS_TEST_TMPDIR/out.$v" "$d/bz.$v"
		expect_status 0
		cmp "$BATS_TEST_TMPDIR/out.$v" "$d/elf"
	done
}

@test "error: not a bzImage (random bytes, empty file, no file)" {
	local d=$BATS_FILE_TMPDIR
	run "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$d/random.bin"
	expect_error 'not a bzImage \(no "HdrS" setup header signature at 0x202\)'
	run "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$d/empty.bin"
	expect_error 'not a bzImage'
	run "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$d/no-such-file"
	expect_error 'cannot read .*no-such-file: No such file'
	[ ! -e "$BATS_TEST_TMPDIR/out" ]
}

@test "error: boot protocol 2.07 has no payload fields" {
	run "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$BATS_FILE_TMPDIR/bz.proto-2.07"
	expect_error 'boot protocol 2.07 is older than 2.08'
}

@test "error: truncated payload, truncated header" {
	run "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$BATS_FILE_TMPDIR/bz.cut-in-payload"
	expect_error 'truncated payload: .* but the file has only [0-9]+ bytes'
	run "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$BATS_FILE_TMPDIR/bz.setup-only"
	expect_error 'truncated: 576 bytes'
}

@test "error: unknown compression prints the magic bytes" {
	run "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$BATS_FILE_TMPDIR/bz.unknown"
	expect_error 'unknown compression: payload starts with 41 42 43 44 45 46 47 48 '
}

@test "error: missing decompressor names its Debian package" {
	# An empty PATH: the tool's interpreter is /usr/bin/python3, it finds no decompressor.
	local d=$BATS_FILE_TMPDIR bin=$BATS_TEST_TMPDIR/bin f
	mkdir "$bin"
	for f in gzip:gzip:gzip xz:xz:xz-utils lzma:xz:xz-utils bzip2:bzip2:bzip2 lz4:lz4:lz4 \
		zstd:zstd:zstd lzo:lzop:lzop; do
		IFS=: read -r name tool pkg <<<"$f"
		run env PATH="$bin" "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$d/bz.$name"
		expect_error "$name-compressed but '$tool' is not installed \(Debian package: $pkg;"
	done
	# The uncompressed payload needs no tool.
	run env PATH="$bin" "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$d/bz.none"
	expect_status 0
}

@test "error: corrupt or cut compressed stream (bzip2's exit status 2 is an error too)" {
	local n
	run "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$BATS_FILE_TMPDIR/bz.xz-corrupt"
	expect_error 'xz failed to decompress the xz payload \(exit status 1: xz: .*\): corrupt or truncated'
	for n in xz bzip2 lz4 zstd; do
		run "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$BATS_FILE_TMPDIR/bz.short-$n"
		expect_error "$n failed to decompress the $n payload \\(exit status [0-9]+: .+\\): corrupt or truncated payload\$"
	done
	[ ! -e "$BATS_TEST_TMPDIR/out" ]
}

@test "error: result is not an ELF, or a truncated one" {
	run "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$BATS_FILE_TMPDIR/bz.not-elf"
	expect_error 'gzip payload decompressed to 100000 bytes that are not an ELF file \(they start with 00 00'
	run "$TOOL" -o "$BATS_TEST_TMPDIR/out" "$BATS_FILE_TMPDIR/bz.short-elf"
	expect_error 'decompressed ELF is truncated: its .* ends at byte [0-9]+, the file has 20000'
}

@test "an error leaves an existing output file alone and no temporary files behind" {
	local out=$BATS_TEST_TMPDIR/keep/vmlinux
	mkdir "$(dirname "$out")"
	echo precious >"$out"
	run "$TOOL" -o "$out" "$BATS_FILE_TMPDIR/bz.xz-corrupt"
	expect_status 1
	[ "$(cat "$out")" = precious ]
	[ "$(ls -A "$(dirname "$out")")" = vmlinux ]
	run "$TOOL" -o "$out" "$BATS_FILE_TMPDIR/bz.lz4"
	expect_status 0
	cmp "$out" "$BATS_FILE_TMPDIR/elf"
	[ "$(ls -A "$(dirname "$out")")" = vmlinux ]
}

@test "refuses to write a vmlinux to a terminal" {
	run script -qec "'$TOOL' '$BATS_FILE_TMPDIR/bz.lz4'" /dev/null
	expect_status 2
	output_matches 'standard output is a terminal; give -o OUT'
}
