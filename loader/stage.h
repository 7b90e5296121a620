/* A pipeline stage that failed: one error line, then stop (docs/DESIGN.md). */
#ifndef LEAPBOOT_STAGE_H
#define LEAPBOOT_STAGE_H

#include "status.h"

/* "leapboot: error: <stage>: <what> (<detail>)", then arch_fail(). */
_Noreturn void stage_fail(const char *stage, status_t s);

/* stage_fail() unless s is LB_OK. */
static inline void stage_check(const char *stage, status_t s)
{
	if (s.code)
		stage_fail(stage, s);
}

#endif
