/* Linux x86 boot protocol structures (Documentation/arch/x86/boot.rst, zero-page.rst). */
#ifndef LEAPBOOT_BOOT_PARAMS_H
#define LEAPBOOT_BOOT_PARAMS_H

#include <stddef.h>
#include <stdint.h>

struct boot_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct boot_e820_entry) == 20, "e820 entry");

#define BOOT_FLAG_MAGIC	      0xAA55
#define SETUP_HDR_MAGIC	      0x53726448 /* "HdrS" */
#define SETUP_HDR_OFFSET      0x1F1
#define LOADED_HIGH	      0x01
#define XLF_KERNEL_64	      0x01
#define XLF_CAN_LOAD_ABOVE_4G 0x02
#define LOADER_TYPE_UNKNOWN   0xFF

struct setup_header {
	uint8_t setup_sects;
	uint16_t root_flags;
	uint32_t syssize;
	uint16_t ram_size;
	uint16_t vid_mode;
	uint16_t root_dev;
	uint16_t boot_flag;
	uint16_t jump;
	uint32_t header;
	uint16_t version;
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;
	uint8_t loadflags;
	uint16_t setup_move_size;
	uint32_t code32_start;
	uint32_t ramdisk_image;
	uint32_t ramdisk_size;
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint8_t relocatable_kernel;
	uint8_t min_alignment;
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint32_t hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;
	uint32_t payload_length;
	uint64_t setup_data;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t handover_offset;
	uint32_t kernel_info_offset;
} __attribute__((packed));

struct boot_params {
	uint8_t screen_info[0x40];
	uint8_t apm_bios_info[0x14];
	uint8_t _pad2[4];
	uint64_t tboot_addr;
	uint8_t ist_info[0x10];
	uint64_t acpi_rsdp_addr;
	uint8_t _pad3[8];
	uint8_t hd_info[0x20];
	uint8_t sys_desc_table[0x10];
	uint8_t olpc_ofw_header[0x10];
	uint32_t ext_ramdisk_image;
	uint32_t ext_ramdisk_size;
	uint32_t ext_cmd_line_ptr;
	uint8_t _pad4[0x13C - 0xCC];
	uint32_t cc_blob_address;
	uint8_t edid_info[0x80];
	uint8_t efi_info[0x20];
	uint32_t alt_mem_k;
	uint32_t scratch;
	uint8_t e820_entries;
	uint8_t eddbuf_entries;
	uint8_t edd_mbr_sig_buf_entries;
	uint8_t kbd_status;
	uint8_t secure_boot;
	uint8_t _pad5[2];
	uint8_t sentinel;
	uint8_t _pad6;
	struct setup_header hdr;
	uint8_t _pad7[0x290 - 0x26C];
	uint32_t edd_mbr_sig_buffer[16];
	struct boot_e820_entry e820_table[128];
	uint8_t _pad8[0x1000 - 0xCD0];
} __attribute__((packed));

#define BP(field, off) _Static_assert(offsetof(struct boot_params, field) == (off), #field)
BP(acpi_rsdp_addr, 0x070);
BP(ext_ramdisk_image, 0x0C0);
BP(ext_ramdisk_size, 0x0C4);
BP(ext_cmd_line_ptr, 0x0C8);
BP(cc_blob_address, 0x13C);
BP(e820_entries, 0x1E8);
BP(sentinel, 0x1EF);
BP(hdr.setup_sects, 0x1F1);
BP(hdr.syssize, 0x1F4);
BP(hdr.vid_mode, 0x1FA);
BP(hdr.boot_flag, 0x1FE);
BP(hdr.jump, 0x200);
BP(hdr.header, 0x202);
BP(hdr.version, 0x206);
BP(hdr.type_of_loader, 0x210);
BP(hdr.loadflags, 0x211);
BP(hdr.code32_start, 0x214);
BP(hdr.ramdisk_image, 0x218);
BP(hdr.ramdisk_size, 0x21C);
BP(hdr.heap_end_ptr, 0x224);
BP(hdr.cmd_line_ptr, 0x228);
BP(hdr.initrd_addr_max, 0x22C);
BP(hdr.kernel_alignment, 0x230);
BP(hdr.relocatable_kernel, 0x234);
BP(hdr.xloadflags, 0x236);
BP(hdr.cmdline_size, 0x238);
BP(hdr.setup_data, 0x250);
BP(hdr.pref_address, 0x258);
BP(hdr.init_size, 0x260);
BP(hdr.handover_offset, 0x264);
BP(hdr.kernel_info_offset, 0x268);
BP(e820_table, 0x2D0);
#undef BP
_Static_assert(sizeof(struct boot_params) == 4096, "boot_params is one page");

#endif
