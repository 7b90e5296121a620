/* The BIOS trap (bios_trap.S): a kernel that calls a BIOS service, which the firmware form
 * does not provide, gets one error line and a stopped machine instead of a hang. */
#ifndef LEAPBOOT_X86_BIOS_TRAP_H
#define LEAPBOOT_X86_BIOS_TRAP_H

/* The real-mode vector table at 0, its entry in the F-segment and the 32-bit IDT the kernel
 * is handed; after the platform has made the F-segment RAM. */
void bios_trap_install(void);

#endif
