/* A firmware image that hashes instead of booting, for measuring and checking the
 * SHA code where the firmware runs it: leapboot's arm64 entry (start.S: EL1, MMU
 * and FP/SIMD on, sha_cpu set from ID_AA64ISAR0_EL1) calls this in place of
 * leapboot_main. For each of SHA-1, SHA-256 and SHA-512 it hashes BENCH_BYTES of
 * RAM with the portable code and, where the CPU has the instructions, with them,
 * and prints a TAP line saying whether the digests agree; the same over bytes of
 * the flash from an odd address (data that is not in RAM, nor aligned). Then it
 * powers off. "# bytes FUNCTION N" lines say how many message bytes each block
 * function hashed: tests/sha-bench/sha-ipb divides the instructions tools/fwcount
 * counted in it by them; tests/sha-armv8.bats checks the TAP lines. */
#include <stdarg.h>

#include "arch.h"
#include "libc/format.h"
#include "libc/string.h"
#include "sha.h"

#define BENCH_BYTES (1u << 20)
#define BENCH_DATA  0x41000000ul /* RAM on virt, above leapboot's */
#define FLASH_START 1u
#define FLASH_BYTES 8191u

static const struct bench_alg {
	uint16_t alg;
	uint32_t bit;
	const char *name, *portable_fn, *instr_fn;
} algs[] = {
    {TPM_ALG_SHA1, SHA_CPU_SHA1, "SHA-1", "sha1_blocks", "sha1_blocks_armv8"},
    {TPM_ALG_SHA256, SHA_CPU_SHA256, "SHA-256", "sha256_blocks", "sha256_blocks_armv8"},
    {TPM_ALG_SHA512, SHA_CPU_SHA512, "SHA-512", "sha512_blocks", "sha512_blocks_armv8"},
};

static unsigned tests;

static void say(const char *fmt, ...)
{
	char line[160];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (const char *p = line; *p; p++)
		arch_console_putc(*p);
	arch_console_putc('\n');
}

/* The portable digest and, if the CPU has the instructions, theirs: the same. */
static void hash(const struct bench_alg *a, uint32_t cpu, const void *p, uint32_t n,
		 const char *where)
{
	uint8_t portable[SHA_MAX_DIGEST], instr[SHA_MAX_DIGEST];
	sha_cpu = 0;
	sha_digest(a->alg, p, n, portable);
	sha_cpu = cpu;
	if (!(cpu & a->bit))
		return;
	sha_digest(a->alg, p, n, instr);
	say("%s %u - %s: the instructions and the portable code agree over %u bytes of %s",
	    memcmp(portable, instr, sha_digest_size(a->alg)) ? "not ok" : "ok", ++tests, a->name, n,
	    where);
}

void leapboot_main(uint64_t boot_arg)
{
	uint32_t cpu = sha_cpu;
	uint8_t *data = (uint8_t *)BENCH_DATA;
	(void)boot_arg;

	for (uint32_t i = 0; i < BENCH_BYTES; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	say("# sha-bench: sha_cpu %#x (SHA-1 %s, SHA-256 %s, SHA-512 %s)", cpu,
	    cpu & SHA_CPU_SHA1 ? "yes" : "no", cpu & SHA_CPU_SHA256 ? "yes" : "no",
	    cpu & SHA_CPU_SHA512 ? "yes" : "no");
	for (uint32_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		const struct bench_alg *a = &algs[i];
		hash(a, cpu, data, BENCH_BYTES, "RAM");
		hash(a, cpu, (const void *)(uintptr_t)FLASH_START, FLASH_BYTES, "flash");
		say("# bytes %s %u", a->portable_fn, BENCH_BYTES + FLASH_BYTES);
		if (cpu & a->bit)
			say("# bytes %s %u", a->instr_fn, BENCH_BYTES + FLASH_BYTES);
	}
	say("1..%u", tests);
	arch_fail();
}
