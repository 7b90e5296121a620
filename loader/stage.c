#include "stage.h"
#include "arch.h"
#include "console.h"

_Noreturn void stage_fail(const char *stage, status_t s)
{
	console_error(stage, s);
	arch_fail();
}
