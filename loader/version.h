/* leapboot's version, as SMBIOS (BIOS information) and the packages report it. */
#ifndef LEAPBOOT_VERSION_H
#define LEAPBOOT_VERSION_H

#define LEAPBOOT_VERSION_MAJOR 0
#define LEAPBOOT_VERSION_MINOR 9
#define LEAPBOOT_VERSION       "0.9"
/* SMBIOS's format, mm/dd/yyyy. */
#define LEAPBOOT_RELEASE_DATE "12/06/2026"

#endif
