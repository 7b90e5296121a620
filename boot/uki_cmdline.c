/* The command line as systemd-stub hands it to the kernel. */
#include "uki.h"

uint32_t uki_cmdline_mangle(char *s, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x1F)
			s[i] = ' ';
	while (len && s[len - 1] == ' ')
		s[--len] = '\0';
	return len;
}
