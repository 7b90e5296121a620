/* Debian builds libfdt and zlib with -fstack-protector-strong: they read the
 * guard and call __stack_chk_fail on a smashed stack. */
#include <stdint.h>
#include "../arch.h"
#include "../console.h"

uintptr_t __stack_chk_guard = (uintptr_t)0x6c656170626f6f74ull; /* "leapboot" */

_Noreturn void __stack_chk_fail(void);

_Noreturn void __stack_chk_fail(void)
{
	console_error("libc", lb_fail(LB_E_STACK_SMASHED, 0, 0));
	arch_fail();
}
