/* leapboot's version, as SMBIOS (BIOS information) and the packages report it. */
#ifndef LEAPBOOT_VERSION_H
#define LEAPBOOT_VERSION_H

#define LEAPBOOT_VERSION_MAJOR 0
#define LEAPBOOT_VERSION_MINOR 9
#define LEAPBOOT_VERSION       "0.9"
/* The BIOS date of SMBIOS type 0 (mm/dd/yyyy): not the release's, on purpose.
 * Linux keys quirks on the BIOS year: from 2015 (Intel) or 2021 (AMD, QEMU's
 * default CPU) rtc-cmos waits for the ACPI RTC alarm, which QEMU raises only on
 * a wake from suspend (no RTC interrupts at all), and from 2023 it ignores e820
 * reservations in host-bridge windows. SeaBIOS stays at 04/01/2014 too. */
#define LEAPBOOT_BIOS_DATE "01/01/2014"

#endif
