/* fw_cfg by port I/O (docs/specs/fw_cfg.rst in QEMU's tree): slow, but needs no DMA buffer. */
#include "probe-fwcfg.h"
#include "probe-x86.h"

#define FW_CFG_CTL	 0x510
#define FW_CFG_DATA	 0x511
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_FILE_DIR	 0x19
#define FW_CFG_NAME_MAX	 56

/* A directory entry; the numbers are big-endian. */
struct fw_cfg_file {
	u32 size;
	u16 select;
	u16 reserved;
	char name[FW_CFG_NAME_MAX];
};
_Static_assert(sizeof(struct fw_cfg_file) == 64, "fw_cfg_file size");

static void fw_cfg_select(u16 key)
{
	__asm__ volatile("outw %0, %1" : : "a"(key), "Nd"((u16)FW_CFG_CTL));
}

/* The next len bytes of the selected item. */
static void fw_cfg_next(void *buf, u32 len)
{
	u8 *p = buf;
	while (len--)
		*p++ = inb(FW_CFG_DATA);
}

void fw_cfg_read(u16 key, void *buf, u32 len)
{
	fw_cfg_select(key);
	fw_cfg_next(buf, len);
}

int fw_cfg_present(void)
{
	u8 sig[4];
	fw_cfg_read(FW_CFG_SIGNATURE, sig, sizeof(sig));
	return !memcmp(sig, "QEMU", 4);
}

int fw_cfg_file(const char *name, u16 *key, u32 *size)
{
	u32 count;
	struct fw_cfg_file f;

	fw_cfg_read(FW_CFG_FILE_DIR, &count, sizeof(count));
	count = __builtin_bswap32(count);
	for (u32 i = 0; i < count && i < 4096; i++) {
		fw_cfg_next(&f, sizeof(f));
		f.name[FW_CFG_NAME_MAX - 1] = 0;
		if (streq(f.name, name)) {
			*key = __builtin_bswap16(f.select);
			*size = __builtin_bswap32(f.size);
			return 1;
		}
	}
	return 0;
}
