#!/usr/bin/env bats
# tools/bootbench itself: presets resolve, bad requests are refused with a clear line, a
# failing configuration is reported with its logs while the others are measured, the
# phases add up, CSV and JSON are well-formed, --count gives the same counts on two runs,
# the per-run timeout and Ctrl-C kill QEMU, Markdown and the chart render from JSON, a TPM
# (a swtpm per run) is counted, said to vary, and its swtpm stopped after every run.
# Boots are PVH (Debian's vmlinux, about 2 s each under TCG) with -n 2 and no warm-up; the
# TPM's is the bzImage (leapboot measures a PVH kernel by its loaded span: 46 MiB, not 14 MB).

bats_require_minimum_version 1.5.0

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
BB=$ROOT/tools/bootbench

setup_file() {
	# One fast real boot to fetch and cache the kernel, vmlinux and initrd before the tests.
	"$BB" -c leapboot-pvh -n 1 --warmup 0 -q --json "$BATS_FILE_TMPDIR/first.json" \
		>"$BATS_FILE_TMPDIR/first.out" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/first.out" >&2
		return 1
	}
	# A firmware that spins at its reset vector (jmp $) forever.
	python3 -c 'import sys; sys.stdout.buffer.write(b"\xeb\xfe" * 32768)' >"$BATS_FILE_TMPDIR/spin.bin"
}

# json_check FILE PYTHON-EXPR: the expression, over the parsed JSON as d, must be true.
json_check() {
	python3 - "$1" "$2" <<-'EOF'
		import json, sys
		d = json.load(open(sys.argv[1]))
		c = {x["name"]: x for x in d["configs"]}
		ok = eval(sys.argv[2])
		if not ok:
		    print("json check failed: " + sys.argv[2], file=sys.stderr)
		    json.dump(d, sys.stderr, indent=1)
		sys.exit(0 if ok else 1)
	EOF
}

# No QEMU process of this test's work directory is left.
refute_qemu_left() {
	sleep 0.5
	if pgrep -af qemu-system | grep -F -- "$1"; then
		echo "QEMU processes of $1 are still running" >&2
		return 1
	fi
}

# No swtpm of this test's work directory is left (their state is in its run directories).
refute_swtpm_left() {
	if pgrep -af swtpm | grep -F -- "$1"; then
		echo "swtpm processes of $1 are still running" >&2
		return 1
	fi
}

@test "--help and --list describe every preset and the default set" {
	run -0 "$BB" --help
	[[ $output == *"--count"* && $output == *"--baseline"* && $output == *"examples:"* ]]
	run -0 "$BB" --list
	for c in leapboot-bzimage leapboot-pvh leapboot-elf-bzimage leapboot-efi-bzimage seabios-bzimage \
		seabios-pvh qboot-bzimage qboot-pvh microvm-default-pvh ovmf-bzimage qemu-direct-arm64 \
		leapboot-arm64-bios leapboot-arm64-image leapboot-arm64-efi uboot-arm64 edk2-arm64 ovmf-uki leapboot-uki; do
		grep -q "^$c " <<<"$output" || {
			echo "--list lacks $c" >&2
			return 1
		}
	done
	[[ $output == *"default set: leapboot-bzimage leapboot-pvh seabios-bzimage"* ]]
}

# The UKI presets: one UKI of the run's bzImage, initrd and command line (tests/lib/uki.bash),
# cached; OVMF starts its systemd-stub (about 10 s under TCG), leapboot takes it from fw_cfg.
@test "ovmf-uki boots a UKI to userspace; leapboot-uki hands the same UKI as opt/leapboot/kernel, alone" {
	run -0 "$BB" -c ovmf-uki -n 1 --warmup 0 -q --json "$BATS_TEST_TMPDIR/uki.json"
	[[ $output == *"ovmf-uki "* ]]
	python3 - "$BATS_TEST_TMPDIR/uki.json" "$ROOT" <<-'PY'
		import json, os, sys
		sys.path.insert(0, os.path.join(sys.argv[2], "tools"))
		from bootbenchlib import command, configs
		doc = json.dumps(json.load(open(sys.argv[1])))
		assert "ovmf-uki" in doc, "no ovmf-uki in the JSON"
		inputs = command.Inputs(kernels={"bzimage": type("K", (), {"path": os.path.expanduser(
		    "~/.cache/leapboot/amd64/vmlinuz")})()}, initrd=None, cache=os.path.join(
		    os.environ["BATS_TEST_TMPDIR"], "cache"))
		argv = command.build(configs.resolve("leapboot-uki"), inputs, os.environ["BATS_TEST_TMPDIR"])
		kern = [a for a in argv if a.startswith("name=opt/leapboot/kernel,file=")]
		assert len(kern) == 1 and kern[0].endswith(".efi"), argv
		assert "-kernel" not in argv and "-append" not in argv and "-initrd" not in argv, argv
		assert not any("opt/leapboot/cmdline" in a for a in argv), argv
		assert argv[argv.index("-bios") + 1] == configs.LEAPBOOT_X86, argv
	PY
}

@test "bad requests: one clear line, exit status 2, nothing run" {
	run -2 "$BB" -c no-such-firmware
	[[ $output == *"unknown configuration 'no-such-firmware'"* ]]
	run -2 "$BB" -c ovmf-bzimage@microvm
	[[ $output == *"ovmf-bzimage runs on q35, not on 'microvm'"* ]]
	run -2 "$BB" -c qboot-pvh --baseline seabios-pvh
	[[ $output == *"--baseline seabios-pvh is not one of the configurations run"* ]]
	run -2 "$BB" --count --accel kvm -c leapboot-pvh
	[[ $output == *"--count needs TCG"* ]]
	run -2 "$BB" -c leapboot-pvh+tpm-tis@microvm
	[[ $output == *"leapboot-pvh@microvm: a TPM needs an x86 machine with one, q35 or pc"* ]]
	run -2 "$BB" -c leapboot-pvh --tpm-banks sha256
	[[ $output == *"--tpm-banks goes with --tpm"* ]]
	run -2 "$BB" -c leapboot-pvh --kernel /etc/hostname
	[[ $output == *"neither a bzImage, a PVH ELF nor an arm64 Image"* ]]
	run -2 "$BB" -c qemu-direct-arm64 --kernel "$("$ROOT/tools/fetch-kernels" --print)"
	[[ $output == *"is an x86_64 kernel; qemu-direct-arm64 is an aarch64 configuration"* ]]
}

@test "a failing and a missing configuration are reported with their logs; the others are measured" {
	local d=$BATS_TEST_TMPDIR
	cp "$BATS_FILE_TMPDIR/spin.bin" "$d/spin.bin"
	run -1 "$BB" -c leapboot-pvh -c qboot-pvh --firmware "$d/spin.bin" --firmware "$d/absent.bin" \
		-n 2 --warmup 0 --timeout 8 --json "$d/r.json" --csv "$d/r.csv" --workdir "$d/work"
	[[ $output == *"fw:spin.bin failed: timed out"* ]]
	[[ $output == *"MISSING: $d/absent.bin not found"* ]]
	json_check "$d/r.json" 'c["leapboot-pvh"]["status"] == "ok" and len(c["leapboot-pvh"]["runs"]) == 2'
	json_check "$d/r.json" 'c["qboot-pvh"]["status"] == "ok" and len(c["qboot-pvh"]["runs"]) == 2'
	json_check "$d/r.json" 'c["fw:spin.bin"]["status"] == "failed" and "timed out" in c["fw:spin.bin"]["why"]'
	json_check "$d/r.json" 'c["fw:absent.bin"]["status"] == "missing"'
	# The failed run's logs are kept and hold its command line.
	log=$(python3 -c 'import json,sys; print([x for x in json.load(open(sys.argv[1]))["configs"] if x["name"] == "fw:spin.bin"][0]["log"])' "$d/r.json")
	grep -q -- "-bios $d/spin.bin" "$log/command"
	refute_qemu_left "$d/work"
	# CSV: a header, one row per measured run, one per configuration without runs.
	python3 - "$d/r.csv" <<-'EOF'
		import csv, sys
		rows = list(csv.DictReader(open(sys.argv[1])))
		ok = [r for r in rows if r["status"] == "ok"]
		assert len(ok) == 4, rows
		assert {r["config"] for r in ok} == {"leapboot-pvh", "qboot-pvh"}, rows
		for r in ok:
		    assert float(r["firmware_ms"]) > 0 and float(r["to_userspace_ms"]) > float(r["to_kernel_ms"]), r
		bad = {r["config"]: r for r in rows if r["status"] != "ok"}
		assert set(bad) == {"fw:spin.bin", "fw:absent.bin"}, rows
	EOF
}

@test "phases: exact under TCG, positive, and they add up to the spans" {
	json_check "$BATS_FILE_TMPDIR/first.json" '
all(r["source"]["fw_start"] == "plugin" and r["source"]["kernel"] == "plugin" for r in c["leapboot-pvh"]["runs"])'
	json_check "$BATS_FILE_TMPDIR/first.json" '
all(all(v >= 0 for v in r["ms"].values()) and
    abs(r["ms"]["qemu"] + r["ms"]["firmware"] + r["ms"]["kernel_early"] + r["ms"]["kernel_boot"] - r["ms"]["to_userspace"]) < 0.01 and
    abs(r["ms"]["qemu"] + r["ms"]["firmware"] - r["ms"]["to_kernel"]) < 0.01
    for r in c["leapboot-pvh"]["runs"])'
}

@test "--count: two runs count the same; leapboot and qboot reach the PVH entry" {
	local d=$BATS_TEST_TMPDIR
	run -0 "$BB" --count -c leapboot-pvh -c qboot-pvh --baseline qboot-pvh --json "$d/c.json" --csv "$d/c.csv" -q
	[[ $output == *"deterministic"* ]]
	json_check "$d/c.json" 'all(x["status"] == "ok" and x["counts"] == x["counts_again"] and x["counts"]["insns"] > 1000 for x in d["configs"])'
	json_check "$d/c.json" 'c["leapboot-pvh"]["stop"] == c["qboot-pvh"]["stop"]'
	# Distinct instructions translated: some hundreds, never more than were executed.
	json_check "$d/c.json" 'all(300 < x["counts"]["code"] <= x["counts"]["insns"] for x in d["configs"])'
	# leapboot reads fw_cfg by DMA: far fewer data-register reads than bytes it loads.
	json_check "$d/c.json" 'c["leapboot-pvh"]["counts"]["fwcfg_dma_bytes"] > 100 * c["leapboot-pvh"]["counts"]["fwcfg_reads"]'
	# MSR accesses and CPUID, VM exits under KVM: leapboot reads and writes EFER at
	# least (start.S), qboot runs CPUID.
	[[ $output =~ MMIO\ +MSR\ +CPUID ]]
	json_check "$d/c.json" 'c["leapboot-pvh"]["counts"]["msr"] >= 2 and c["qboot-pvh"]["counts"]["cpuid"] >= 1'
	python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); assert len(r)==2 and all(int(x["insns"])>0 and x["msr"].isdigit() and x["cpuid"].isdigit() for x in r), r' "$d/c.csv"
}

@test "--count --profile names leapboot's functions and accounts for every instruction" {
	local d=$BATS_TEST_TMPDIR
	run -0 "$BB" --count --profile -c leapboot-pvh --json "$d/p.json" -q
	[[ $output == *"where leapboot-pvh's instructions and I/O go"* && $output == *translated* ]]
	# ports_dma does port I/O and, called through the fw_cfg ops, is never inlined
	[[ $output == *"ports_dma"* && $output == *"leapboot_main"* ]]
	json_check "$d/p.json" 'len(c["leapboot-pvh"]["profile"]) >= 10 and not any(w.startswith("page ") for w, *_ in c["leapboot-pvh"]["profile"][:5])'
	# The listed functions' translated code: most of the total, never more.
	json_check "$d/p.json" '0.5 * c["leapboot-pvh"]["counts"]["code"] < sum(r[4] for r in c["leapboot-pvh"]["profile"]) <= c["leapboot-pvh"]["counts"]["code"]'
	# Every MSR access and CPUID is listed: a place with one always is.
	[[ $output =~ MMIO\ +MSR\ +CPUID\ +translated ]]
	json_check "$d/p.json" '[sum(r[k] for r in c["leapboot-pvh"]["profile"]) for k in (5, 6)] == [c["leapboot-pvh"]["counts"][k] for k in ("msr", "cpuid")]'
}

@test "--count with a TPM: counted, said to vary, a fresh swtpm each run and none left" {
	local d=$BATS_TEST_TMPDIR
	run -0 "$BB" --count -c leapboot-bzimage+tpm-crb-sha256 --workdir "$d/work" --json "$d/t.json" -q
	[[ $output =~ leapboot-bzimage\+tpm-crb-sha256\ .*\ no\ \(below\) ]]
	[[ $output == *"leapboot-bzimage+tpm-crb-sha256: the two runs "*"the firmware polls the TPM until swtpm has answered"* ]]
	json_check "$d/t.json" 'c["leapboot-bzimage+tpm-crb-sha256"]["status"] == "ok" and c["leapboot-bzimage+tpm-crb-sha256"]["tpm"] == "crb" and c["leapboot-bzimage+tpm-crb-sha256"]["tpm_banks"] == ["sha256"]'
	# QEMU had the TPM: the emulator backend on the run's swtpm socket, as tpm-crb.
	json_check "$d/t.json" '(
"tpm-crb,tpmdev=tpm0" in (a := c["leapboot-bzimage+tpm-crb-sha256"]["command"]) and
"emulator,id=tpm0,chardev=chrtpm" in a and
a[a.index("-chardev") + 1] == "socket,id=chrtpm,path=%s/work/leapboot-bzimage+tpm-crb-sha256/count1/swtpm/sock" % sys.argv[1].rsplit("/", 1)[0])'
	# leapboot measured: SHA-256 of the 14 MB kernel takes hundreds of millions of
	# instructions, and the TPM's registers are MMIO; both runs reached the kernel.
	json_check "$d/t.json" 'all(x["insns"] > 100_000_000 and x["mmio"] > 100 for x in (c["leapboot-bzimage+tpm-crb-sha256"]["counts"], c["leapboot-bzimage+tpm-crb-sha256"]["counts_again"]))'
	refute_swtpm_left "$d/work"
	refute_qemu_left "$d/work"
	# The runs' directories are gone (no --keep), the swtpm states with them.
	[ -z "$(find "$d/work" -name 'tpm2-00.permall')" ]
}

@test "a TPM's swtpm is stopped when its run times out" {
	local d=$BATS_TEST_TMPDIR
	run -1 "$BB" --firmware "$BATS_FILE_TMPDIR/spin.bin" --tpm tis -n 1 --warmup 0 --timeout 3 \
		--workdir "$d/work" -q
	[[ $output == *"fw:spin.bin+tpm-tis"*"timed out"* ]]
	refute_swtpm_left "$d/work"
	refute_qemu_left "$d/work"
	# The failed run's logs are kept: its swtpm's state and log, its command with the TPM.
	[ -s "$d/work/fw:spin.bin+tpm-tis/run00/swtpm/tpm2-00.permall" ]
	grep -q -- "-device tpm-tis,tpmdev=tpm0" "$d/work/fw:spin.bin+tpm-tis/run00/command"
}

@test "the per-run timeout kills QEMU and the run is reported as timed out" {
	local d=$BATS_TEST_TMPDIR
	SECONDS=0
	run -1 "$BB" --firmware "$BATS_FILE_TMPDIR/spin.bin" -n 1 --warmup 0 \
		--timeout 3 --workdir "$d/work" -q
	[[ $output == *"fw:spin.bin"*"timed out"* ]]
	((SECONDS < 30))
	refute_qemu_left "$d/work"
}

@test "Ctrl-C during a run: QEMU killed, logs kept, exit status 130" {
	local d=$BATS_TEST_TMPDIR
	"$BB" --firmware "$BATS_FILE_TMPDIR/spin.bin" -n 1 --warmup 0 --timeout 60 --workdir "$d/work" \
		>"$d/out" 2>&1 &
	local pid=$!
	for _ in $(seq 50); do
		pgrep -af qemu-system | grep -qF -- "$d/work" && break
		sleep 0.2
	done
	pgrep -af qemu-system | grep -qF -- "$d/work"
	kill -INT "$pid"
	local rc=0
	wait "$pid" || rc=$?
	cat "$d/out"
	[ "$rc" = 130 ]
	grep -q "interrupted; QEMU killed; logs in $d/work" "$d/out"
	refute_qemu_left "$d/work"
}

@test "--baseline: each phase's difference with its 95% interval, and a verdict only where it excludes none" {
	local d=$BATS_TEST_TMPDIR
	# The Mann-Whitney interval for 10 runs against 10 runs spans the 24th to the
	# 77th of the 100 differences (the tables' critical value 23), and 2 against 2
	# runs are too few for 95 %.
	PYTHONPATH=$ROOT/tools python3 - <<-'EOF'
		from bootbenchlib import stats
		a = [10 + i / 10 for i in range(10)]
		s = stats.shift([x - 1 for x in a], a)
		assert abs(s["estimate"] + 1) < 1e-9 and abs(s["low"] + 1.3) < 1e-9 and abs(s["high"] + 0.7) < 1e-9, s
		assert stats.verdict(s) == "faster" and stats.verdict(stats.shift(a, [x - 1 for x in a])) == "slower"
		assert stats.verdict(stats.shift(a, a)) == "no clear difference"
		assert stats.verdict(stats.shift([1, 2], [3, 4])) == "too few runs"
		assert abs(stats._mann_whitney_cdf(10, 10)[23] - 0.0216) < 1e-4
		big = stats.shift(list(range(60)), [x + 0.5 for x in range(60)])  # the normal approximation
		assert big["low"] < -0.5 < big["high"], big
	EOF
	# Saved results with known runs: leapboot's firmware phase 1 ms shorter than
	# qboot's in every run, its time to userspace the same.
	python3 - "$BATS_FILE_TMPDIR/first.json" "$d/two.json" <<-'EOF'
		import copy, json, sys
		d = json.load(open(sys.argv[1]))
		lb = d["configs"][0]
		qb = copy.deepcopy(lb)
		qb["name"] = "qboot-pvh"
		ms = lb["runs"][0]["ms"]
		def runs(fw):
		    out = []
		    for i in range(10):
		        r = dict(ms, firmware=fw + i / 10, to_userspace=1000.0 + 10 * i)
		        out.append({"ms": r, "source": lb["runs"][0]["source"]})
		    return out
		lb["runs"], qb["runs"] = runs(6.0), runs(7.0)
		d["configs"] = [lb, qb]
		json.dump(d, open(sys.argv[2], "w"))
	EOF
	run -0 "$BB" --from-json "$d/two.json" --baseline qboot-pvh --markdown "$d/two.md"
	[[ $output =~ leapboot-pvh\ +qboot-pvh\ +−1\.0\ \[−1\.3,\ −0\.7\]\ faster ]]
	[[ $output == *" 0.0 [−30.0, +30.0] no clear difference"* ]]
	grep -q '^| leapboot-pvh | qboot-pvh | −1.0 \[−1.3, −0.7\] faster |' "$d/two.md"
	run -2 "$BB" --from-json "$d/two.json" --baseline seabios-pvh
	[[ $output == *"--baseline seabios-pvh is not among the configurations"* ]]
}

@test "Markdown and the chart render from saved JSON" {
	local d=$BATS_TEST_TMPDIR
	run -0 "$BB" --from-json "$BATS_FILE_TMPDIR/first.json" --markdown "$d/bench.md" --plot "$d/bench.svg"
	grep -q '^| configuration | QEMU | firmware' "$d/bench.md"
	grep -q '^| leapboot-pvh | ' "$d/bench.md"
	grep -q 'qemu-system-x86_64 -M q35' "$d/bench.md"
	grep -q '!\[boot phases\](bench.svg)' "$d/bench.md"
	python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$d/bench.svg"
	grep -q 'leapboot-pvh' "$d/bench.svg"
	run -0 "$BB" --from-json "$BATS_FILE_TMPDIR/first.json" --plot "$d/bench.png"
	[ "$(head -c 4 "$d/bench.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ]
	run -2 "$BB" --from-json "$BATS_FILE_TMPDIR/first.json" --plot "$d/bench.gif"
	[[ $output == *"the chart is .svg or .png"* ]]
}

@test "the chart: names in a margin as wide as the longest, whole; QEMU start-up and firmware in a panel of their own" {
	local d=$BATS_TEST_TMPDIR
	# The same results under a short name and under a long one with '@' and '_' in it.
	python3 - "$BATS_FILE_TMPDIR/first.json" "$d" <<-'EOF'
		import json, sys
		d = json.load(open(sys.argv[1]))
		for tag, name in (("short", "lb"), ("long", "leapboot-pvh@microvm+tpm_tis-sha256")):
		    d["configs"][0]["name"] = name
		    json.dump(d, open("%s/%s.json" % (sys.argv[2], tag), "w"))
	EOF
	for tag in short long; do
		run -0 "$BB" --from-json "$d/$tag.json" --plot "$d/$tag.svg"
	done
	# A tic label is a right-aligned <text> at translate(x, y): x is where the name ends,
	# just left of the plot's border; the name must fit left of it, in both panels.
	PYTHONPATH=$ROOT/tools python3 - "$d" <<-'EOF'
		import re, sys
		from bootbenchlib import plot
		def ends(svg, name):
		    return [float(x) for x in re.findall(r'translate\(([\d.]+),[\d.]+\)[^>]*text-anchor="end">\s*<text>%s</text>' % re.escape(name), svg)]
		short = open(sys.argv[1] + "/short.svg").read()
		long = open(sys.argv[1] + "/long.svg").read()
		s, l = ends(short, "lb"), ends(long, "leapboot-pvh@microvm+tpm_tis-sha256")
		assert len(s) == len(l) == 2, (s, l)  # whole (no enhanced-text markup), one per panel
		width = plot.text_width("leapboot-pvh@microvm+tpm_tis-sha256", 12)
		assert l[0] - s[0] > width - plot.text_width("lb", 12) - 1, (s, l)  # the margin grew with the name
		assert all(x - width > 0 for x in l), l  # and the name is not clipped
		assert "QEMU start-up and the firmware phase" in long and " ms</text>" in long
	EOF
}
