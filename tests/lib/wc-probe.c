/* wc-probe RESOURCE [PATLIST]: map a PCI BAR through its sysfs resourceN_wc file, write a
 * pattern into its first 64 KiB and read it back; while the mapping exists, print the lines of
 * PATLIST (debugfs x86/pat_memtype_list) so the caller can see its memory type. Built static by
 * tests/linux-log.bats for the test's initramfs (busybox has no mmap tool).
 * Prints "WC-MAP=ok <size>", "WC-PATTERN=ok|bad <offset>", "WC-PAT: <line>"...; exit 1 on error. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPAN (64 * 1024)

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: wc-probe RESOURCE [PATLIST]\n");
		return 2;
	}
	int fd = open(argv[1], O_RDWR | O_SYNC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < SPAN) {
		printf("WC-MAP=failed open/stat %s: %m\n", argv[1]);
		return 1;
	}
	volatile uint32_t *p = mmap(NULL, SPAN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		printf("WC-MAP=failed mmap: %m\n");
		return 1;
	}
	printf("WC-MAP=ok %lld\n", (long long)st.st_size);
	for (uint32_t i = 0; i < SPAN / 4; i++)
		p[i] = i * 0x9e3779b9u ^ 0x5a5a5a5au;
	__builtin_ia32_sfence(); /* drain the write-combining buffers */
	uint32_t bad = UINT32_MAX;
	for (uint32_t i = 0; i < SPAN / 4 && bad == UINT32_MAX; i++)
		if (p[i] != (i * 0x9e3779b9u ^ 0x5a5a5a5au))
			bad = i * 4;
	if (bad == UINT32_MAX)
		printf("WC-PATTERN=ok\n");
	else
		printf("WC-PATTERN=bad %u\n", bad);
	if (argc > 2) {
		FILE *f = fopen(argv[2], "r");
		char line[256];
		if (!f)
			printf("WC-PAT=unreadable %s: %m\n", argv[2]);
		while (f && fgets(line, sizeof(line), f))
			printf("WC-PAT: %s", line);
		if (f)
			fclose(f);
	}
	fflush(stdout);
	munmap((void *)p, SPAN);
	close(fd);
	return bad == UINT32_MAX ? 0 : 1;
}
