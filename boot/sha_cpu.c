/* Which of the CPU's SHA instructions the SHA code uses (sha.h): the loader
 * reads the ID register, this file only decodes it, so that the hashing stays
 * pure code. Its own file: the arm64 entry sets sha_cpu before anything hashes,
 * and a link whose other code never hashes keeps only these few bytes. */
#include "sha.h"

uint32_t sha_cpu;

/* ID_AA64ISAR0_EL1 (Arm ARM): SHA1, bits 11:8, 1 = SHA1C/P/M/H/SU0/SU1;
 * SHA2, bits 15:12, 1 = SHA256H/H2/SU0/SU1, 2 = those and SHA512H/H2/SU0/SU1.
 * Higher values of an ID field add to the lower ones' instructions. */
uint32_t sha_cpu_armv8(uint64_t id_aa64isar0)
{
	uint32_t sha1 = (id_aa64isar0 >> 8) & 0xf, sha2 = (id_aa64isar0 >> 12) & 0xf;
	return (sha1 >= 1 ? SHA_CPU_SHA1 : 0) | (sha2 >= 1 ? SHA_CPU_SHA256 : 0) |
	       (sha2 >= 2 ? SHA_CPU_SHA512 : 0);
}
