/* leapboot.efi on x86: fw_cfg on its ports; kernels without an EFI stub (PVH
 * ELF, bzImage without one) booted after ExitBootServices as the firmware form
 * boots them, with the EFI memory map as e820 and the firmware's RSDP. */
#include "../efi.h"
#include "../../../elf/elf.h"
#include "../../../boot/efi/efi_memmap.h"
#include "../../../boot/efi/pe.h"
#include "bzimage.h"
#include "e820.h"
#include "multiboot.h"
#include "../../arch.h"
#include "../../boot_x86.h"
#include "phys.h"
#include "../../libc/string.h"
#include "../../stage.h"
#include "../../arch/x86_64/fw_cfg_ports.h"
#include "../../arch/x86_64/enter.h"
#include "../../arch/x86_64/io.h"
#include "../../arch/x86_64/uart.h"

#define FOUR_GIB       0x100000000ull
#define PTE_PRESENT_RW 0x3ull
#define PDE_LARGE      0x80ull /* a 2 MiB page */
#define STACK_BYTES    16384

/* What outlives the firmware's memory: everything the direct boot uses after
 * ExitBootServices lives in leapboot's image, as the firmware's stack, page
 * tables and pool become free RAM the kernel may be loaded over. */
static struct memmap memmap;
static struct fw_cfg direct_fc;
static struct kernel_source direct_src;
static uint64_t direct_rsdp;
static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
static uint8_t stack[STACK_BYTES] __attribute__((aligned(16)));

/* switch.S: loads cr3 and the stack, then calls fn. */
_Noreturn void efi_switch_x86(uint64_t cr3, uint64_t stack_top, void (*fn)(void));

status_t efi_arch_fw_cfg(struct fw_cfg *fc, struct fw_cfg_file *dir, uint32_t dir_max)
{
	return fw_cfg_probe(fc, &fw_cfg_ports, 0, dir, dir_max);
}

uint16_t efi_arch_pe_machine(void)
{
	return PE_MACHINE_X86_64;
}

uint32_t efi_arch_cmdline_max(const uint8_t *head, uint32_t n)
{
	struct bzimage bz;
	return bzimage_parse(&bz, head, n).code ? 0 : bz.cmdline_max;
}

/* 0 – 4 GiB identity-mapped with 2 MiB pages: all that leapboot and the 32-bit
 * entries touch (the initrd may lie higher: fw_cfg DMA puts it there). */
static void identity_map_4gib(void)
{
	pml4[0] = phys(pdpt) | PTE_PRESENT_RW;
	for (uint64_t g = 0; g < 4; g++) {
		pdpt[g] = phys(pd[g]) | PTE_PRESENT_RW;
		for (uint64_t i = 0; i < 512; i++)
			pd[g][i] = (g << 30 | i << 21) | PTE_PRESENT_RW | PDE_LARGE;
	}
}

static const void *direct_map;
static uint64_t direct_map_size, direct_desc_size;

/* On leapboot's own stack and page tables, with the firmware gone. */
static _Noreturn void after_firmware(void)
{
	memmap.n = 0;
	stage_check("memmap",
		    efi_memmap_convert(&memmap, direct_map, direct_map_size, direct_desc_size));
	stage_check("memmap", e820_carve_legacy(&memmap));
	/* leapboot's image holds boot_params and the command line until the kernel
	 * has read them. */
	stage_check("memmap",
		    memmap_set(&memmap, efi_image_start, efi_image_end, MEM_CLAIM_FIRMWARE));
	boot_x86(&direct_fc, &direct_src, &memmap, FOUR_GIB, direct_rsdp);
}

/* A kernel that is neither an ELF nor a bzImage is refused while the firmware's
 * console is still there, and a multiboot kernel (leapboot.bin boots those); boot_x86
 * checks the rest. */
status_t efi_arch_check_kernel(const uint8_t *head, uint32_t n)
{
	struct bzimage bz;
	struct multiboot_header mb;
	uint32_t at;
	if (multiboot_find(head, n, &mb, &at).code == LB_OK)
		return lb_fail(LB_E_MB_EFI, at, 0);
	if (elf_is_elf(head, n))
		return lb_ok();
	return bzimage_parse(&bz, head, n);
}

_Noreturn void efi_arch_boot_direct(struct fw_cfg *fc, const struct kernel_source *src)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;

	/* boot_params, hvm_start_info and the command line live in leapboot's image;
	 * the 32-bit entries need them below 4 GiB. */
	if (efi_image_end > FOUR_GIB)
		stage_fail("efi", lb_fail(LB_E_EFI_IMAGE_HIGH, efi_image_start, efi_image_end));
	direct_rsdp = efi_config_table(acpi20);
	if (!direct_rsdp)
		direct_rsdp = efi_config_table(acpi10);
	direct_fc = *fc;
	direct_src = *src;
	identity_map_4gib();
	stage_check("efi",
		    efi_exit_boot_services(&direct_map, &direct_map_size, &direct_desc_size));
	__asm__ volatile("cli");
	efi_console_leave_firmware(uart_putc);
	efi_switch_x86(phys(pml4), phys(stack + STACK_BYTES), after_firmware);
}

_Noreturn void arch_fail(void)
{
	/* isa-debug-exit where QEMU has one (the tests), else a power-off. */
	debug_exit_failure();
	efi_power_off();
}
