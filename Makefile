# leapboot — the one entry point: all, run, check, deps, clean.
ARCH ?= x86_64
BUILD := build/$(ARCH)
OBJ := $(BUILD)/obj

CC := gcc
HOST_CC := gcc
LD := ld
OBJCOPY := objcopy

# Short build lines; V=1 shows the commands.
Q := $(if $(V),,@)
say = $(if $(V),,@echo "  $(1)	$(2)")

WARN := -Wall -Wextra -Werror
# What leapboot.bin may use, per architecture (tests/size-check; `make rom-limit`
# prints it): on x86 code, data, the 16 KiB of page tables and the start-up code,
# of a 128 KiB ROM. What is left below the page tables is the F-segment pool (the
# ROM's upper 64 KiB, seen at 0xF0000: from the image's end, or 0xF0000 while the
# image is shorter, to the page tables at 0xFB000), which must hold an MP table for
# 255 CPUs (acpi=off; 5.3 KiB) besides the RSDP and the SMBIOS entry point: 118 KiB
# leaves it 6.3 KiB, as 54 KiB of a 64 KiB ROM did (the 10 KiB not budgeted are the
# pool and what the start-up code, the BIOS trap and the reset vector leave free of
# the top 4 KiB; with today's, 6.8 KiB). While the image is under 64 KiB the pool
# is all 44 KiB of 0xF0000-0xFAFFF. arm64 has a 64 MiB flash and 128 KiB is a
# budget, not a bound (96 KiB until measured boot: the TPM transports, SHA-1/-256/
# -384/-512, the event log and the device-tree TPM code add 24 KiB).
ROM_LIMIT_x86_64 := 120832
ROM_LIMIT_aarch64 := 131072
ROM_LIMIT := $(ROM_LIMIT_$(ARCH))

# Pure code (no port, MMIO, inline assembly or firmware service): boot/, elf/ and
# pvh/, compiled unchanged into every form, the unit tests and the fuzzers. The
# device-tree code needs libfdt, which only the arm64 forms link.
# The SHA functions with the ARMv8 SHA instructions (boot/*_armv8.c) are pure
# too but arm64 code: only the arm64 forms and their unit tests have them.
ARMV8_SRCS := $(wildcard boot/*_armv8.c)
PURE_SRCS := $(sort $(filter-out $(ARMV8_SRCS),$(wildcard boot/*.c boot/efi/*.c elf/*.c pvh/*.c)))
PURE_HDRS := $(wildcard boot/*.h boot/efi/*.h elf/*.h pvh/*.h)
FDT_SRCS := boot/dtb.c boot/dtb_tpm.c boot/fdt_check.c
# Hardware and firmware code every form shares (console, stages, the freestanding
# libc), then each form's own.
LOADER_SRCS := loader/console.c loader/stage.c loader/libc/format.c loader/libc/string.c
INCLUDES := -Iloader -Iboot

ifeq ($(ARCH),aarch64)
# --- arm64 (cross-built; libfdt and zlib from Debian's arm64 packages) ---------
CROSS := aarch64-linux-gnu-
CC := $(CROSS)gcc
LD := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
# Debian's arm64 libfdt, zlib and gnu-efi, unpacked on first use (cached).
SYSROOT := $(shell tools/arm64-sysroot --print 2>/dev/null || \
	{ tools/arm64-sysroot >&2 && tools/arm64-sysroot --print; })
ifeq ($(SYSROOT),)
ifneq ($(filter-out clean help deps,$(or $(MAKECMDGOALS),all)),)
$(error no arm64 sysroot: tools/arm64-sysroot failed (run tools/install-deps first))
endif
endif
FW_CFLAGS := -std=gnu11 -O2 $(WARN) -ffreestanding -fno-pic -fno-pie -mstrict-align \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-common -ffunction-sections \
	$(INCLUDES) -Iloader/arch/aarch64 -isystem $(SYSROOT)/usr/include
FW_ASFLAGS := $(INCLUDES)
# zlib and libfdt need malloc and the stack protector's hook.
ARM64_LOADER_SRCS := $(LOADER_SRCS) loader/libc/stack_protector.c loader/libc/malloc.c \
	loader/gunzip.c loader/fw_cfg_mmio.c
FW_SRCS := $(PURE_SRCS) $(ARMV8_SRCS) $(ARM64_LOADER_SRCS) loader/main.c loader/firmware_ram.c \
	loader/boot_arm64.c loader/measured.c loader/platform/virt.c loader/platform/tpm_virt.c \
	$(wildcard loader/arch/aarch64/*.c)
FW_ASM := loader/arch/aarch64/start.S loader/arch/aarch64/handoff.S \
	loader/arch/aarch64/vectors.S loader/arch/aarch64/el2_stub.S
FW_OBJS := $(FW_SRCS:%.c=$(OBJ)/%.o) $(FW_ASM:%.S=$(OBJ)/%.o)
ELF_OBJS := $(FW_OBJS)
LDS := loader/arch/aarch64/leapboot.lds
FW_LIBS := $(SYSROOT)/usr/lib/aarch64-linux-gnu/libfdt.a $(SYSROOT)/usr/lib/aarch64-linux-gnu/libz.a

IMAGE_LDS := loader/arch/aarch64/leapboot-image.lds

# leapboot.efi: a GNU-EFI application (gnu-efi's arm64 crt0, linker script and
# libgnuefi from the sysroot; its PE header is in the crt0, hence -O binary).
EFI_CFLAGS := -std=gnu11 -O2 $(WARN) -ffreestanding -fpic -fshort-wchar -fno-stack-protector \
	-fno-asynchronous-unwind-tables -mstrict-align -DLEAPBOOT_EFI $(INCLUDES) \
	-Iloader/arch/aarch64 -isystem $(SYSROOT)/usr/include -isystem $(SYSROOT)/usr/include/efi \
	-isystem $(SYSROOT)/usr/include/efi/aarch64
EFI_ARCH_SRCS := $(PURE_SRCS) $(ARMV8_SRCS) $(ARM64_LOADER_SRCS) $(wildcard loader/efi/aarch64/*.c)
EFI_LDS := $(SYSROOT)/usr/lib/elf_aarch64_efi.lds
EFI_CRT0 := $(SYSROOT)/usr/lib/crt0-efi-aarch64.o
EFI_LIBS := $(SYSROOT)/usr/lib/aarch64-linux-gnu/libfdt.a $(SYSROOT)/usr/lib/aarch64-linux-gnu/libz.a \
	$(SYSROOT)/usr/lib/libgnuefi.a
EFI_LDFLAGS := --defsym=EFI_SUBSYSTEM=0xa --no-warn-rwx-segments
EFI_OBJCOPY_FORMAT := -O binary

.PHONY: all
all: $(BUILD)/leapboot.bin $(BUILD)/leapboot.Image

$(BUILD)/leapboot-rom.elf: $(FW_OBJS) $(LDS)
	$(call say,LD,$@)
	$(Q)$(LD) -nostdlib -static --gc-sections -T $(LDS) -o $@ $(FW_OBJS) $(FW_LIBS)

# Measured boot hashes the file as it lies in memory, [__image_file_start,
# __image_file_end) by the linker script: the file must be exactly that.
check_image_file = sym() { $(CROSS)nm $(1) | awk -v s=$$1 '$$3 == s { print $$1 }'; }; \
	want=$$(( 0x$$(sym __image_file_end) - 0x$$(sym __image_file_start) )); \
	test "$$(stat -c %s $(2))" -eq "$$want" || \
	{ echo "$(2) is $$(stat -c %s $(2)) bytes, the linker script says $$want" >&2; rm -f $(2); exit 1; }

$(BUILD)/leapboot.bin: $(BUILD)/leapboot-rom.elf
	$(call say,BIN,$@)
	$(Q)$(OBJCOPY) -O binary $< $@
	@$(call check_image_file,$<,$@)
	@used=$$(( 0x$$(nm $< | awk '$$3 == "__rom_used" {print $$1}') )); \
		echo "leapboot.bin (arm64): $$(stat -c %s $@) bytes, $$used used by code+data (budget $(ROM_LIMIT))"

$(BUILD)/leapboot-image.elf: $(FW_OBJS) $(IMAGE_LDS)
	$(call say,LD,$@)
	$(Q)$(LD) -nostdlib -static --gc-sections --no-warn-rwx-segments -T $(IMAGE_LDS) \
		-o $@ $(FW_OBJS) $(FW_LIBS)

$(BUILD)/leapboot.Image: $(BUILD)/leapboot-image.elf
	$(call say,BIN,$@)
	$(Q)$(OBJCOPY) -O binary $< $@
	@$(call check_image_file,$<,$@)
else
# -flto and a high inline limit: the boot path crosses many small functions in many
# files, most called once; inlined across them it runs about 12% fewer
# instructions (tools/bootbench --count).
# TCG translates every instruction the first time it runs, and the firmware runs
# most of its code once: no alignment padding (executed nops), and no passes that
# copy or widen code (if-conversion, code hoisting, the vectorizer), and no tail
# merging (measured: its shared tails leave more code that TCG translates twice,
# in blocks entered part-way). Each was measured on its own (translated code,
# translation blocks and instructions, q35 and microvm).
FW_SIZE_FLAGS := -falign-functions=1 -falign-jumps=1 -falign-loops=1 -falign-labels=1 \
	-fno-if-conversion -fno-code-hoisting -fno-tree-vectorize -fno-tree-tail-merge
FW_CFLAGS := -std=gnu11 -O2 -flto -finline-limit=3000 $(FW_SIZE_FLAGS) $(WARN) -ffreestanding -fno-pic -fno-pie -mno-red-zone \
	-mcmodel=kernel -fno-stack-protector -fno-asynchronous-unwind-tables -fno-common \
	-ffunction-sections $(INCLUDES) -Iloader/arch/$(ARCH)
FW_ASFLAGS := $(INCLUDES)

X86_PURE_SRCS := $(filter-out $(FDT_SRCS),$(PURE_SRCS))
# The x86 boot (bzImage, PVH) the firmware and EFI forms share.
X86_LOADER_SRCS := $(LOADER_SRCS) loader/boot_x86.c loader/measured.c \
	loader/arch/x86_64/fw_cfg_ports.c \
	loader/arch/x86_64/enter.c \
	loader/arch/x86_64/uart.c
FW_SRCS := $(sort $(X86_PURE_SRCS) $(X86_LOADER_SRCS) loader/main.c loader/tables.c \
	loader/firmware_ram.c loader/platform/x86.c loader/platform/pc.c loader/platform/q35.c \
	loader/platform/tpm_x86.c \
	$(wildcard loader/arch/x86_64/*.c))
FW_ASM := loader/arch/x86_64/start.S loader/arch/x86_64/handoff.S loader/arch/x86_64/bios_trap.S
FW_OBJS := $(FW_SRCS:%.c=$(OBJ)/%.o) $(FW_ASM:%.S=$(OBJ)/%.o)
LDS := loader/arch/x86_64/leapboot.lds
# The ELF form (a PVH -kernel chain-loader): the same objects, its own entry and layout.
ELF_OBJS := $(FW_OBJS) $(OBJ)/loader/arch/x86_64/pvh_entry.o
ELF_LDS := loader/arch/x86_64/leapboot-elf.lds

# leapboot.efi: a GNU-EFI application (Debian's gnu-efi; the Microsoft calling
# convention for firmware calls, so they need no wrapper).
EFI_CFLAGS := -std=gnu11 -O2 $(WARN) -ffreestanding -fpic -fshort-wchar -mno-red-zone \
	-fno-stack-protector -maccumulate-outgoing-args -fno-asynchronous-unwind-tables \
	-DGNU_EFI_USE_MS_ABI -DLEAPBOOT_EFI $(INCLUDES) \
	-isystem /usr/include/efi -isystem /usr/include/efi/x86_64
EFI_ARCH_SRCS := $(X86_PURE_SRCS) $(X86_LOADER_SRCS) \
	$(wildcard loader/efi/x86_64/*.c loader/efi/x86_64/*.S)
EFI_LDS := /usr/lib/elf_x86_64_efi.lds
EFI_CRT0 := /usr/lib/crt0-efi-x86_64.o
EFI_LIBS := /usr/lib/libgnuefi.a
EFI_LDFLAGS :=
EFI_OBJCOPY_FORMAT := --target efi-app-x86_64 --subsystem=10


.PHONY: all run check unit size-check deps clean help
all: $(BUILD)/leapboot.bin $(BUILD)/leapboot.elf

# Linked by the compiler driver, which runs the link-time optimisation.
LDFLAGS := $(FW_CFLAGS) -nostdlib -static -no-pie -Wl,--gc-sections,--build-id=none \
	-z noexecstack -z max-page-size=4096

$(BUILD)/leapboot-rom.elf: $(FW_OBJS) $(LDS)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -T $(LDS) -o $@ $(FW_OBJS)

$(BUILD)/leapboot.elf: $(ELF_OBJS) $(ELF_LDS)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -T $(ELF_LDS) -o $@ $(ELF_OBJS)

$(BUILD)/leapboot.bin: $(BUILD)/leapboot-rom.elf
	$(call say,BIN,$@)
	$(Q)$(OBJCOPY) -O binary $< $@
	@size=$$(stat -c %s $@); test $$size -eq 131072 || \
		{ echo "leapboot.bin is $$size bytes, not 128 KiB" >&2; rm -f $@; exit 1; }
	@used=$$(( 0x$$(nm $< | awk '$$3 == "__rom_used" {print $$1}') )); \
		echo "leapboot.bin: $$(stat -c %s $@) bytes, $$used used by code+data (budget $(ROM_LIMIT))"

endif

# Both architectures compile with their own CC and flags, set above; the objects
# depend on this file, so that a change of flags rebuilds them (LTO objects of
# old flags would otherwise be linked with the new ones).
$(OBJ)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(FW_CFLAGS) -MMD -MP -c $< -o $@

$(OBJ)/%.o: %.S Makefile
	@mkdir -p $(dir $@)
	$(call say,AS,$<)
	$(Q)$(CC) $(FW_ASFLAGS) -MMD -MP -c $< -o $@

-include $(ELF_OBJS:.o=.d)


# --- leapboot.efi ------------------------------------------------------------
EFI_SRCS := $(sort $(wildcard loader/efi/*.c) $(EFI_ARCH_SRCS))
EFI_OBJ := $(BUILD)/efi-obj
EFI_OBJS := $(patsubst %,$(EFI_OBJ)/%.o,$(basename $(EFI_SRCS)))

.PHONY: efi
efi: $(BUILD)/leapboot.efi

$(EFI_OBJ)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(call say,CC,$< (efi))
	$(Q)$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(EFI_OBJ)/%.o: %.S Makefile
	@mkdir -p $(dir $@)
	$(call say,AS,$< (efi))
	$(Q)$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

-include $(EFI_OBJS:.o=.d)

$(BUILD)/leapboot-efi.so: $(EFI_OBJS)
	$(call say,LD,$@)
	$(Q)$(LD) -nostdlib -znocombreloc -z noexecstack -shared -Bsymbolic -T $(EFI_LDS) $(EFI_LDFLAGS) \
		-o $@ $(EFI_CRT0) $(EFI_OBJS) $(EFI_LIBS)

$(BUILD)/leapboot.efi: $(BUILD)/leapboot-efi.so
	$(call say,EFI,$@)
	$(Q)$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j .rel.* -j .rela.* -j .reloc $(EFI_OBJCOPY_FORMAT) $< $@
	@echo "leapboot.efi ($(ARCH)): $$(stat -c %s $@) bytes"

# --- host unit tests ---------------------------------------------------------
UNIT_CFLAGS := -std=gnu11 -O1 -g $(WARN) $(INCLUDES) -Itests/unit -fsanitize=address,undefined
UNIT_TESTS := $(patsubst tests/unit/test_%.c,$(BUILD)/unit/test_%,$(wildcard tests/unit/test_*.c))
# Every test links all the pure code (and the host's libfdt for the device-tree
# code) and depends on every header it could include.
UNIT_SRCS := $(PURE_SRCS) loader/libc/format.c tests/unit/fake_fw_cfg.c tests/unit/fake_tpm.c
UNIT_HDRS := $(PURE_HDRS) $(wildcard loader/*.h loader/libc/*.h tests/unit/*.h)
UNIT_LIBS := -lfdt
# test_string includes leapboot's libc under other names (the host's serves the rest).
$(BUILD)/unit/test_string: loader/libc/string.c

$(BUILD)/unit/test_%: tests/unit/test_%.c $(UNIT_SRCS) $(UNIT_HDRS) Makefile
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) -o $@ $< $(UNIT_SRCS) $(UNIT_LIBS)

unit: $(UNIT_TESTS)
	prove $(UNIT_TESTS)

# --- arm64 unit tests (qemu-user) ---------------------------------------------
# make ARCH=aarch64 unit-arm64  the code only arm64 runs (the SHA instructions):
# each tests/unit/aarch64/test_*.c linked, static, with the firmware's own objects
# and run by qemu-aarch64 (Debian's qemu-user) on each of ARM64_UNIT_CPUS: max
# has the SHA-1, SHA-256 and SHA-512 instructions, cortex-a57 no SHA-512 ones.
# tests/run-all runs it.
ifeq ($(ARCH),aarch64)
ARM64_UNIT_CPUS := max cortex-a57
ARM64_UNIT_TESTS := $(patsubst tests/unit/aarch64/test_%.c,$(BUILD)/unit-qemu/test_%, \
	$(wildcard tests/unit/aarch64/test_*.c))
ARM64_UNIT_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(filter boot/sha%,$(PURE_SRCS) $(ARMV8_SRCS)))

$(BUILD)/unit-qemu/test_%: tests/unit/aarch64/test_%.c $(ARM64_UNIT_OBJS) $(UNIT_HDRS) Makefile
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) $(INCLUDES) -Itests/unit -static -no-pie -o $@ $< \
		$(ARM64_UNIT_OBJS)

.PHONY: unit-arm64
unit-arm64: $(ARM64_UNIT_TESTS)
	@st=0; for cpu in $(ARM64_UNIT_CPUS); do \
		LEAPBOOT_QEMU_CPU=$$cpu prove -v --exec "qemu-aarch64 -cpu $$cpu" \
			$(ARM64_UNIT_TESTS) || st=1; \
	done; exit $$st

# make ARCH=aarch64 sha-ipb  instructions per byte of each SHA block function,
# portable and with the SHA instructions, on -cpu cortex-a57 and -cpu max: a -bios
# image of leapboot's entry and SHA code with tests/sha-bench/sha_bench.c in
# place of leapboot_main, counted by tools/fwcount (tests/sha-bench/sha-ipb).
# tests/sha-armv8.bats boots the same image.
SHA_BENCH_OBJS := $(OBJ)/tests/sha-bench/sha_bench.o $(ARM64_UNIT_OBJS) \
	$(patsubst %,$(OBJ)/loader/arch/aarch64/%.o,start vectors el2_stub arch) \
	$(OBJ)/loader/console.o $(OBJ)/loader/libc/format.o $(OBJ)/loader/libc/string.o
-include $(OBJ)/tests/sha-bench/sha_bench.d

$(BUILD)/sha-bench.elf: $(SHA_BENCH_OBJS) $(LDS)
	$(call say,LD,$@)
	$(Q)$(LD) -nostdlib -static --gc-sections -T $(LDS) -o $@ $(SHA_BENCH_OBJS)

$(BUILD)/sha-bench.bin: $(BUILD)/sha-bench.elf
	$(call say,BIN,$@)
	$(Q)$(OBJCOPY) -O binary $< $@

.PHONY: sha-bench sha-ipb
sha-bench: $(BUILD)/sha-bench.bin
sha-ipb: $(BUILD)/sha-bench.bin
	$(MAKE) --no-print-directory -s -C tools/fwcount fwcount.so
	tests/sha-bench/sha-ipb $(BUILD)/sha-bench.elf $(BUILD)/sha-bench.bin
endif

size-check: $(BUILD)/leapboot.bin
	tests/size-check $(BUILD)/leapboot-rom.elf $(ROM_LIMIT)

.PHONY: rom-limit
rom-limit:
	@echo $(ROM_LIMIT)

# --- fuzzing (clang + libFuzzer) ---------------------------------------------
# make fuzz        fuzz every target for FUZZ_TIME seconds from its seed corpus
#                  (tests/fuzz/corpus/<name>); new inputs go to $(BUILD)/fuzz/corpus/,
#                  crashes to $(BUILD)/fuzz/crash-*, each run's output to
#                  $(BUILD)/fuzz/fuzz_<name>.log; fails on the first finding
# make fuzz-smoke  a short deterministic run of each (tests/run-all runs it)
FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -O1 -g $(WARN) $(INCLUDES) -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined
# Every target links all the pure code (and the fake fw_cfg and TPM devices).
FUZZ_CORE := $(PURE_SRCS) tests/unit/fake_fw_cfg.c tests/unit/fake_tpm.c
FUZZ_LIBS := -lfdt
# The hashes are checked against OpenSSL's (libssl-dev).
$(BUILD)/fuzz/fuzz_sha: FUZZ_LIBS += -lcrypto
FUZZ_TIME ?= 60
FUZZ_SMOKE_RUNS ?= 50000
FUZZ_MAX_LEN := 4352
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_CORE) $(UNIT_HDRS) Makefile
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_CORE) $(FUZZ_LIBS)

.PHONY: fuzz fuzz-smoke
fuzz: $(FUZZ_TARGETS)
	@for n in $(FUZZ_NAMES); do \
		mkdir -p $(BUILD)/fuzz/corpus/$$n && \
		log=$(BUILD)/fuzz/fuzz_$$n.log; \
		if $(BUILD)/fuzz/fuzz_$$n -max_total_time=$(FUZZ_TIME) -max_len=$(FUZZ_MAX_LEN) \
			-print_final_stats=1 -timeout=10 -artifact_prefix=$(BUILD)/fuzz/ \
			$(BUILD)/fuzz/corpus/$$n tests/fuzz/corpus/$$n >$$log 2>&1; then \
			echo "fuzz: fuzz_$$n: $$(sed -n 's/^stat::number_of_executed_units: *//p' $$log)" \
				"executions in $(FUZZ_TIME) s, no finding"; \
		else \
			tail -40 $$log; echo "fuzz: fuzz_$$n FOUND A PROBLEM (log $$log)"; exit 1; \
		fi; \
	done

# A fresh output corpus each time, so the run depends only on the seeds.
fuzz-smoke: $(FUZZ_TARGETS)
	@for n in $(FUZZ_NAMES); do \
		rm -rf $(BUILD)/fuzz/smoke/$$n && mkdir -p $(BUILD)/fuzz/smoke/$$n/corpus && \
		$(BUILD)/fuzz/fuzz_$$n -seed=1 -runs=$(FUZZ_SMOKE_RUNS) -max_len=$(FUZZ_MAX_LEN) \
			-print_final_stats=1 -timeout=10 -artifact_prefix=$(BUILD)/fuzz/smoke/$$n/ \
			$(BUILD)/fuzz/smoke/$$n/corpus tests/fuzz/corpus/$$n || exit 1; \
	done

# --- benchmarks (tools/bootbench) --------------------------------------------
# make bench   docs/bench.md and its charts: wall-clock phases (BENCH_RUNS runs each)
#              and deterministic counts, x86 and arm64; raw results in build/bench/
BENCH_RUNS ?= 10
BB := tools/bootbench -q
BENCH_X86_BZ := -c leapboot-bzimage -c leapboot-elf-bzimage -c leapboot-efi-bzimage \
	-c seabios-bzimage -c qboot-bzimage -c ovmf-bzimage
BENCH_X86_PVH := -c leapboot-pvh -c leapboot-elf-pvh -c leapboot-efi-pvh -c seabios-pvh -c qboot-pvh
BENCH_MICROVM := -c leapboot-pvh@microvm -c microvm-default-pvh -c leapboot-bzimage@microvm \
	-c microvm-default-bzimage
BENCH_ARM64 := -c qemu-direct-arm64 -c leapboot-arm64-bios -c leapboot-arm64-image \
	-c leapboot-arm64-efi -c uboot-arm64 -c edk2-arm64
BENCH_SETS := wall-x86 wall-microvm wall-arm64 count-bzimage count-pvh count-microvm count-arm64

.PHONY: bench
bench:
	tools/install-deps --quiet
	$(MAKE) --no-print-directory all efi
	$(MAKE) --no-print-directory ARCH=aarch64 all efi
	@mkdir -p build/bench docs && rm -f build/bench/failed
	$(BB) -n $(BENCH_RUNS) --baseline qboot-bzimage --title "x86, q35: time per phase" \
		-c leapboot-bzimage -c leapboot-pvh -c seabios-bzimage -c seabios-pvh -c qboot-bzimage \
		-c qboot-pvh -c ovmf-bzimage -c leapboot-elf-pvh -c leapboot-efi-bzimage \
		--json build/bench/wall-x86.json --plot docs/bench-x86.svg || touch build/bench/failed
	$(BB) -n $(BENCH_RUNS) --baseline microvm-default-bzimage --title "x86, microvm: time per phase" \
		$(BENCH_MICROVM) --json build/bench/wall-microvm.json || touch build/bench/failed
	$(BB) -n $(BENCH_RUNS) --baseline qemu-direct-arm64 --title "arm64, virt: time per phase" \
		$(BENCH_ARM64) --json build/bench/wall-arm64.json --plot docs/bench-arm64.svg || touch build/bench/failed
	$(BB) --count --baseline qboot-bzimage --title "x86, q35, bzImage: work to the kernel's first instruction" \
		$(BENCH_X86_BZ) --json build/bench/count-bzimage.json || touch build/bench/failed
	$(BB) --count --baseline qboot-pvh --title "x86, q35, PVH: work to the kernel's first instruction" \
		$(BENCH_X86_PVH) --json build/bench/count-pvh.json || touch build/bench/failed
	$(BB) --count --baseline microvm-default-pvh --title "x86, microvm: work to the kernel's first instruction" \
		$(BENCH_MICROVM) --json build/bench/count-microvm.json || touch build/bench/failed
	$(BB) --count --baseline uboot-arm64 --title "arm64, virt: work to the kernel's first instruction" \
		$(BENCH_ARM64) --json build/bench/count-arm64.json || touch build/bench/failed
	$(BB) $(BENCH_SETS:%=--from-json build/bench/%.json) --markdown docs/bench.md >/dev/null
	@echo "bench: docs/bench.md, docs/bench-x86.svg, docs/bench-arm64.svg"
	@if [ -e build/bench/failed ]; then echo "bench: some configurations failed (see docs/bench.md)" >&2; exit 1; fi

# --- install -----------------------------------------------------------------
# make build-all   what make install installs: both architectures' forms (all,
#                  efi), the fwcount plugin and the man pages
# make install     PREFIX (/usr/local) and DESTDIR as usual; installs built files
#                  only (and says which make to run when one is missing), so it
#                  builds nothing as root
# make uninstall   removes what install put there, then the leapboot directories
#                  left empty (with DESTDIR, every directory left empty up to it)
# docs/install.md says where everything goes and why the QEMU descriptors say what
# they say.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(PREFIX)/bin
DATADIR := $(PREFIX)/share/leapboot
LIBEXECDIR := $(PREFIX)/lib/leapboot
QEMU_FWDIR := $(PREFIX)/share/qemu/firmware
MAN1DIR := $(PREFIX)/share/man/man1
DOCDIR := $(PREFIX)/share/doc/leapboot
VERSION := $(shell sed -n 's/^\#define LEAPBOOT_VERSION *"\(.*\)"/\1/p' boot/version.h)

# The commands in $(BINDIR) (relative links into $(LIBEXECDIR), where each finds
# its library beside its real path), with their man pages' one-line summaries.
USER_TOOLS := bootbench leapboot-pcr extract-vmlinux
MAN_NAME_bootbench := boot-time benchmark of leapboot against other virtual machine firmware
MAN_NAME_leapboot-pcr := predict the TPM PCR values of a leapboot measured boot
MAN_NAME_extract-vmlinux := extract the vmlinux ELF from an x86 bzImage
MAN_PAGES := $(USER_TOOLS:%=build/man/%.1)

build/man/%.1: tools/% tools/leapbootpaths.py boot/version.h
	@mkdir -p $(dir $@)
	$(call say,MAN,$@)
	$(Q)help2man --no-info --name="$(MAN_NAME_$*)" --output=$@.tmp ./tools/$* && mv $@.tmp $@

# What goes where: SOURCE:DESTINATION:MODE. bootbench runs fetch-kernels and
# mkinitrd (kernels and initrds, cached in ~/.cache/leapboot) and tests/lib/uki.bash
# (the UKI presets); leapboot-pcr reads the version from version.h.
INSTALL_FW := $(foreach f,leapboot.bin leapboot.elf leapboot.efi,build/x86_64/$(f):$(DATADIR)/x86_64/$(f):644) \
	$(foreach f,leapboot.bin leapboot.Image leapboot.efi,build/aarch64/$(f):$(DATADIR)/aarch64/$(f):644)
INSTALL_LIB := $(foreach t,$(USER_TOOLS) fetch-kernels mkinitrd,tools/$(t):$(LIBEXECDIR)/$(t):755) \
	$(foreach f,tools/leapbootpaths.py $(wildcard tools/bootbenchlib/*.py tools/pcrlib/*.py), \
		$(f):$(LIBEXECDIR)/$(f:tools/%=%):644) \
	tools/fwcount/fwcount.so:$(LIBEXECDIR)/fwcount/fwcount.so:644 \
	boot/version.h:$(LIBEXECDIR)/version.h:644 tests/lib/uki.bash:$(LIBEXECDIR)/uki.bash:644
INSTALL_DOC := $(foreach f,README.md $(wildcard docs/*.md docs/*.svg),$(f):$(DOCDIR)/$(f:docs/%=%):644) \
	$(foreach m,$(MAN_PAGES),$(m):$(MAN1DIR)/$(notdir $(m)):644)
INSTALL_MAP := $(INSTALL_FW) $(INSTALL_LIB) $(INSTALL_DOC)
# QEMU firmware descriptors (docs/interop/firmware.json), @DATADIR@ filled in.
QEMU_FW_JSON := $(patsubst tools/qemu-firmware/%.in,%,$(wildcard tools/qemu-firmware/*.json.in))
# Everything install creates, and the directories that are leapboot's alone.
INSTALLED := $(foreach m,$(INSTALL_MAP),$(word 2,$(subst :, ,$(m)))) \
	$(QEMU_FW_JSON:%=$(QEMU_FWDIR)/%) $(USER_TOOLS:%=$(BINDIR)/%)
LEAPBOOT_DIRS := $(DATADIR)/x86_64 $(DATADIR)/aarch64 $(DATADIR) $(LIBEXECDIR)/bootbenchlib \
	$(LIBEXECDIR)/pcrlib $(LIBEXECDIR)/fwcount $(LIBEXECDIR) $(DOCDIR)

.PHONY: build-all man install uninstall
man: $(MAN_PAGES)

build-all:
	$(MAKE) --no-print-directory ARCH=x86_64 all efi
	$(MAKE) --no-print-directory ARCH=aarch64 all efi
	$(MAKE) --no-print-directory -s -C tools/fwcount fwcount.so
	$(MAKE) --no-print-directory man

install:
	@missing=; for m in $(INSTALL_MAP); do src=$${m%%:*}; [ -f "$$src" ] || missing="$$missing $$src"; done; \
	if [ -n "$$missing" ]; then \
		echo "make install: not built:$$missing" >&2; \
		echo "make install: run 'make build-all' first (as yourself), then make install" >&2; exit 1; fi
	@set -e; for m in $(INSTALL_MAP); do \
		src=$${m%%:*}; rest=$${m#*:}; dst=$(DESTDIR)$${rest%:*}; \
		install -D -m $${rest##*:} "$$src" "$$dst"; done
	@set -e; install -d $(DESTDIR)$(QEMU_FWDIR); for j in $(QEMU_FW_JSON); do \
		sed -e 's|@DATADIR@|$(DATADIR)|g' -e 's|@VERSION@|$(VERSION)|g' tools/qemu-firmware/$$j.in \
			>$(DESTDIR)$(QEMU_FWDIR)/$$j; chmod 644 $(DESTDIR)$(QEMU_FWDIR)/$$j; done
	@set -e; install -d $(DESTDIR)$(BINDIR); for t in $(USER_TOOLS); do \
		ln -srf $(DESTDIR)$(LIBEXECDIR)/$$t $(DESTDIR)$(BINDIR)/$$t; done
	@echo "installed leapboot $(VERSION) in $(DESTDIR)$(PREFIX)"

# Python's byte code (written when an installed tool ran) goes with its package.
uninstall:
	@rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	@rm -rf $(foreach d,$(LIBEXECDIR) $(LIBEXECDIR)/bootbenchlib $(LIBEXECDIR)/pcrlib,$(DESTDIR)$(d)/__pycache__)
	@for d in $(LEAPBOOT_DIRS); do [ ! -d $(DESTDIR)$$d ] || rmdir --ignore-fail-on-non-empty $(DESTDIR)$$d; done
ifneq ($(DESTDIR),)
	@for f in $(INSTALLED); do d=$$(dirname $(DESTDIR)$$f); \
		while [ "$$d" != "$(patsubst %/,%,$(DESTDIR))" ] && [ "$$d" != / ] && [ "$$d" != . ]; do \
			[ ! -d "$$d" ] || rmdir "$$d" 2>/dev/null || break; d=$$(dirname "$$d"); done; done
endif
	@echo "uninstalled leapboot from $(DESTDIR)$(PREFIX)"

# --- Debian packages ---------------------------------------------------------
# make deb   leapboot_$(VERSION)_all.deb and leapboot-tools_$(VERSION)_<arch>.deb (with
#            their .changes and .buildinfo) in build/deb/: dpkg-buildpackage -b -us -uc
#            (debian/) on a copy of the tree (git's files, tracked and new, or all but
#            build/ outside git), so that the package's clean build leaves this tree's
#            build/ and debian/ alone. Needs debhelper (tools/install-deps) and the arm64
#            sysroot (debian/README.source). DEB_BUILD_OPTIONS=nocheck skips make unit.
DEB_DIR := build/deb
DEB_SRC := $(DEB_DIR)/src/leapboot-$(VERSION)

.PHONY: deb
deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_SRC)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | \
			xargs -0 sh -c 'for f; do [ ! -e "$$f" ] || printf "%s\0" "$$f"; done' sh | \
			tar --null -T - -cf - | tar -xf - -C $(DEB_SRC); \
	else \
		tar --exclude=./build -cf - . | tar -xf - -C $(DEB_SRC); \
	fi
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc -j$$(nproc)
	mv $(DEB_DIR)/src/*.deb $(DEB_DIR)/src/*.changes $(DEB_DIR)/src/*.buildinfo $(DEB_DIR)/
	rm -rf $(DEB_DIR)/src
	@ls -1 $(DEB_DIR)/*.deb

# --- everything --------------------------------------------------------------
deps:
	tools/install-deps

# Dependencies first: on a fresh machine the compiler may not be there yet.
run:
	tools/install-deps --quiet
	$(MAKE) --no-print-directory all
	tools/run --timeline

check:
	tools/install-deps --quiet
	$(MAKE) --no-print-directory all efi $(UNIT_TESTS)
	$(MAKE) --no-print-directory ARCH=aarch64 all efi
	$(MAKE) --no-print-directory build-all
	$(MAKE) --no-print-directory deb-fresh
	tests/run-all $(BUILD)

# The packages tests/deb.bats inspects: built (without their own unit-test run, which
# make check makes anyway) unless build/deb holds this tree's already, as after
# .ci/run's make deb step.
.PHONY: deb-fresh
deb-fresh:
	@t=$$(mktemp -d); \
	if [ -s $(DEB_DIR)/leapboot_$(VERSION)_all.deb ] && \
	   ls $(DEB_DIR)/leapboot-tools_$(VERSION)_*.deb >/dev/null 2>&1 && \
	   dpkg-deb -x $(DEB_DIR)/leapboot_$(VERSION)_all.deb $$t && \
	   cmp -s $$t/usr/share/leapboot/x86_64/leapboot.bin build/x86_64/leapboot.bin; then \
		rm -rf $$t; echo "make deb: build/deb holds this tree's packages"; \
	else \
		rm -rf $$t; DEB_BUILD_OPTIONS=nocheck $(MAKE) --no-print-directory deb; \
	fi

clean:
	rm -rf build

help:
	@echo "make [all]       build $(BUILD)/leapboot.bin (firmware) and leapboot.elf (x86 PVH"
	@echo "                 chain-loader) or, with ARCH=aarch64, leapboot.Image (for -kernel)"
	@echo "make efi         build $(BUILD)/leapboot.efi (a UEFI application; ARCH=aarch64 for arm64)"
	@echo "make run         boot Debian's kernel with leapboot under QEMU; print the timeline"
	@echo "make check       both architectures, then tests/run-all: size and anchor checks, unit tests,"
	@echo "                 fuzz smoke run, QEMU boot tests; ends with 'N passed, N failed'"
	@echo "make unit        build and run the host unit tests (tests/unit, prove)"
	@echo "make ARCH=aarch64 unit-arm64"
	@echo "                 the arm64 unit tests (tests/unit/aarch64) under qemu-aarch64, per CPU"
	@echo "make size-check  check leapboot.bin's code+data against the ROM budget (tests/size-check)"
	@echo "make rom-limit   print that budget in bytes for ARCH ($(ROM_LIMIT))"
	@echo "make fuzz        run every libFuzzer target for FUZZ_TIME seconds (default 60)"
	@echo "make fuzz-smoke  a short deterministic run of each libFuzzer target"
	@echo "make bench       tools/bootbench against SeaBIOS, qboot, OVMF, U-Boot, EDK2: docs/bench.md"
	@echo "make build-all   both architectures (all, efi), the fwcount plugin, the man pages"
	@echo "make install     install them (PREFIX=/usr/local, DESTDIR; docs/install.md)"
	@echo "make uninstall   remove what make install installed"
	@echo "make deb         the Debian packages leapboot and leapboot-tools in build/deb/ (debian/)"
	@echo "make deps        install the Debian packages leapboot needs"
	@echo "make clean       remove build/"
	@echo "make help        this list"
