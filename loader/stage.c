#include "stage.h"
#include "arch.h"
#include "console.h"

_Noreturn void stage_fail(const char *stage, status_t s)
{
	console_error(stage, s);
	arch_fail();
}

void stage_check(const char *stage, status_t s)
{
	if (s.code)
		stage_fail(stage, s);
}
