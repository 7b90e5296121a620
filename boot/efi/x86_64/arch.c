/* leapboot.efi on x86: fw_cfg on its ports; kernels without an EFI stub (PVH
 * ELF, bzImage without one) booted after ExitBootServices as the firmware form
 * boots them, with the EFI memory map as e820 and the firmware's RSDP. */
#include "../efi.h"
#include "../efi_memmap.h"
#include "../pe.h"
#include "../../bzimage.h"
#include "../../e820.h"
#include "../../../loader/arch.h"
#include "../../../loader/boot_x86.h"
#include "../../../loader/stage.h"
#include "../../../loader/arch/x86_64/fw_cfg_ports.h"
#include "../../../loader/arch/x86_64/io.h"
#include "../../../loader/arch/x86_64/uart.h"

#define FOUR_GIB	   0x100000000ull
#define DEBUG_EXIT_PORT	   0x501
#define DEBUG_EXIT_FAILURE 1

static struct memmap memmap;

/* handoff.S: 0 = the 64-bit boot protocol, 1 = 32-bit protected mode. */
_Noreturn void efi_enter_x86(uint64_t entry, uint64_t rsi, uint32_t ebx, uint32_t protected32);

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

_Noreturn void efi_arch_boot_direct(struct fw_cfg *fc, const struct kernel_source *src,
				    const uint8_t *head, uint32_t n)
{
	/* boot_x86 reads the header again with the rest. */
	(void)head;
	(void)n;
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	const void *map;
	uint64_t size, desc_size;

	/* boot_params, hvm_start_info and the command line live in leapboot's image;
	 * the 32-bit entries need them below 4 GiB. */
	if (efi_image_end > FOUR_GIB)
		stage_fail("efi", lb_fail(LB_E_EFI_IMAGE_HIGH, efi_image_start, efi_image_end));
	uint64_t rsdp = efi_config_table(acpi20);
	if (!rsdp)
		rsdp = efi_config_table(acpi10);
	stage_check("efi", efi_exit_boot_services(&map, &size, &desc_size));
	__asm__ volatile("cli");
	efi_console_leave_firmware(uart_putc);

	memmap.n = 0;
	stage_check("memmap", efi_memmap_convert(&memmap, map, size, desc_size));
	stage_check("memmap", e820_carve_legacy(&memmap));
	/* Until the kernel has read them, boot_params and the command line in
	 * leapboot's image stay reserved. */
	stage_check("memmap", memmap_set(&memmap, efi_image_start, efi_image_end,
					 MEM_CLAIM_FIRMWARE));
	boot_x86(fc, src, &memmap, FOUR_GIB, rsdp);
}

_Noreturn void arch_enter(const struct boot_plan *plan)
{
	if (plan->mode == BOOT_LINUX32)
		efi_enter_x86(plan->entry, plan->arg, 0, 1);
	if (plan->mode == BOOT_PVH32)
		efi_enter_x86(plan->entry, 0, (uint32_t)plan->arg, 1);
	efi_enter_x86(plan->entry, plan->arg, 0, 0);
}

_Noreturn void arch_fail(void)
{
	/* isa-debug-exit where QEMU has one (the tests), else a power-off. */
	outb(DEBUG_EXIT_PORT, DEBUG_EXIT_FAILURE);
	efi_power_off();
}
