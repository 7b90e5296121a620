/* A status with the two numbers lb_fail left in lb_detail, taken at once: the
 * tests' reference implementations make failures of their own. */
#ifndef LEAPBOOT_TEST_OUTCOME_H
#define LEAPBOOT_TEST_OUTCOME_H

#include "../../boot/status.h"

struct outcome {
	int code;
	uint64_t a, b;
};

static inline struct outcome outcome(status_t s)
{
	return (struct outcome){s.code, lb_detail.a, lb_detail.b};
}

#endif
