/* The registers of each x86 entry, for every form. Each form provides
 * x86_enter, which only moves them into place: arch.c (through handoff.S) in
 * the firmware and chain-loader, loader/efi/x86_64/handoff.S in leapboot.efi. */
#include "../../arch.h"
#include "enter.h"
#include "multiboot.h"

_Noreturn void arch_enter(const struct boot_plan *plan)
{
	if (plan->mode == BOOT_LINUX32) /* %esi = boot_params */
		x86_enter(plan->entry, plan->arg, 0, 1);
	if (plan->mode == BOOT_PVH32) /* %ebx = hvm_start_info */
		x86_enter(plan->entry, 0, (uint32_t)plan->arg, 1);
	if (plan->mode == BOOT_MULTIBOOT32) /* %eax (from %esi) = the magic, %ebx = the MBI */
		x86_enter(plan->entry, MULTIBOOT_LOADER_MAGIC, (uint32_t)plan->arg, 1);
	x86_enter(plan->entry, plan->arg, 0, 0); /* %rsi = boot_params */
}
