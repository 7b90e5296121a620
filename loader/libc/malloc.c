/* zlib's default allocator (zutil.o) refers to malloc and free, so the linker
 * needs them. leapboot always hands zlib its own allocator (loader/gunzip.c),
 * so these are never reached; were they, zlib would see an allocation failure
 * and report Z_MEM_ERROR rather than use memory leapboot has not placed. */
#include <stddef.h>

void *malloc(size_t size);
void free(void *p);

void *malloc(size_t size)
{
	(void)size;
	return NULL;
}

void free(void *p)
{
	(void)p;
}
