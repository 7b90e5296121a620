#include "stage.h"
#include "arch.h"
#include "console.h"

_Noreturn void stage_fail(const char *stage, status_t s)
{
	console_error(stage, s);
	arch_fail();
}

/* Set from opt/leapboot/markers once fw_cfg is found; off in leapboot.efi. */
bool boot_markers;
