#!/usr/bin/env bash
# selftest.sh QEMU — run selftest.rom (see selftest.S) under the fwcount
# plugin and compare with the known answers; `make check` calls it.
set -euo pipefail

qemu=${1:-qemu-system-x86_64}
cd "$(dirname "${BASH_SOURCE[0]}")"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fwcount-selftest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fails=0
ok() { echo "selftest: ok ($*)"; }
fail() {
	echo "selftest: FAILED: $*"
	fails=$((fails + 1))
}

sym() { printf '0x%x' $((0xf0000 + 0x$(nm selftest.elf | awk -v s="$1" '$3 == s {print $1}'))); }
# $2 bytes of code at linear address $1, as hex digits.
code() { od -An -v -tx1 -j $(($1 - 0xf0000)) -N "$2" selftest.rom | tr -d ' \n'; }
# Field $1 of result line $2.
get() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

# run NAME PLUGIN-ARGS [QEMU-ARGS...]: the result line, written to $tmp/NAME.
run() {
	local name=$1 args=$2
	shift 2
	timeout 20 "$qemu" -M q35 -accel tcg -display none -serial none -monitor none -bios selftest.rom \
		-plugin "./fwcount.so,$args,out=$tmp/$name" "$@" || true
	cat "$tmp/$name" 2>/dev/null || echo "(no result)"
}

stop=$(sym stop)
after=$(sym after)
good=$(code "$stop" 16)
bad=$(printf '%02x' $((0x${good:0:2} ^ 0xff)))${good:2}
first=$(code 0xf0000 16)

# Counts, per-block profile and timestamps, in one run.
line=$(run counts "stop=$stop,exit=on,detail=on,times=on,profile=$tmp/profile")
echo "$line"
it=$(($(get insns "$line") - $(get tcg_rep_extra "$line")))
got="stop=$(get stop "$line") arch_insns=$(get arch_insns "$line") iterations=$it"
got+=" pio_in=$(get pio_in "$line") pio_out=$(get pio_out "$line")"
got+=" mmio_r=$(get mmio_r "$line") mmio_w=$(get mmio_w "$line") code=$(get code "$line")"
got+=" msr=$(get msr "$line") msr_r=$(get msr_r "$line") msr_w=$(get msr_w "$line") cpuid=$(get cpuid "$line")"
want="stop=$stop arch_insns=44 iterations=57 pio_in=6 pio_out=8 mmio_r=1 mmio_w=1 code=44"
want+=" msr=4 msr_r=2 msr_w=2 cpuid=1"
if [ "$got" = "$want" ]; then ok "$got"; else fail "counts: got $got, want $want"; fi

t_first=$(get t_first "$line")
t_stop=$(get t_stop "$line")
if [ -n "$t_first" ] && [ -n "$t_stop" ] && ((t_first > 0 && t_first <= t_stop)); then
	ok "t_first <= t_stop"
else
	fail "times: t_first=$t_first t_stop=$t_stop"
fi

insns=$(get insns "$line")
sums=$(awk '{i += $2; p += $3; m += $4; c += $5; r += $6; u += $7}
	END {printf "insns=%d pio=%d mmio=%d code=%d msr=%d cpuid=%d", i, p, m, c, r, u}' "$tmp/profile")
want="insns=$insns pio=$(get pio "$line") mmio=$(get mmio "$line") code=$(get code "$line")"
want+=" msr=$(get msr "$line") cpuid=$(get cpuid "$line")"
sorted=1
prev=-1
while read -r addr _; do
	((addr > prev)) || sorted=0
	prev=$((addr))
done <"$tmp/profile"
if [ "$sums" = "$want" ] && [ $sorted = 1 ] && grep -qx '0xfffffff0 1 0 0 1 0 0' "$tmp/profile"; then
	ok "profile sums $sums, sorted, reset block 0xfffffff0 1 0 0 1 0 0"
else
	fail "profile: sums $sums, want $want; profile:"
	cat "$tmp/profile"
fi

# match= with the code bytes at stop: stops there, with the same counts.
line=$(run match "match=$stop:$good,exit=on")
if [ "$(get stop "$line") $(get insns "$line")" = "$stop $insns" ]; then
	ok "match=$stop:$good"
else
	fail "match with the right bytes: $line"
fi

# Wrong bytes (exact and floating) do not stop; the later plain stop does.
line=$(run nomatch "match=$stop:$bad,match=page+0x0:${first:0:14}00,stop=$after,exit=on")
if [ "$(get stop "$line")" = "$after" ]; then
	ok "wrong bytes skipped, stop=$after"
else
	fail "match with wrong bytes: $line (want stop=$after)"
fi

# Floating match: the block at F000:0000 after the reset ljmp (1 instruction).
line=$(run float "match=page+0x0:$first,exit=on")
if [ "$(get stop "$line") $(get insns "$line")" = "0xf0000 1" ]; then
	ok "match=page+0x0:$first: stop=0xf0000 insns=1"
else
	fail "floating match: $line (want stop=0xf0000 insns=1)"
fi

# Timing only, VM left running: the stop's line survives QEMU's exit.
line=$(run timing "match=$stop:,count=off,times=on,exit=off" \
	-device isa-debug-exit,iobase=0x501,iosize=2)
t_first=$(get t_first "$line")
t_stop=$(get t_stop "$line")
if [ "$(get stop "$line")" = "$stop" ] && [ -z "$(get insns "$line")" ] &&
	[ -n "$t_first" ] && [ -n "$t_stop" ] && ((t_first > 0 && t_first <= t_stop)); then
	ok "count=off,exit=off: $line"
else
	fail "count=off,times=on,exit=off: $line"
fi

[ $fails = 0 ]
