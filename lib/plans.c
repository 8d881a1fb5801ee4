/* plans.c -- Pigsty's pg_rto plans: the one table of what each plan name means. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "plans.h"

static const struct fr_rto_plan plans[] = {
	{ "fast", 20, 5, 5, 15, 5, "1s", "0.5s", "1s", 3, 3, 30 },
	{ "norm", 30, 5, 10, 25, 5, "2s", "1s", "2s", 3, 3, 45 },
	{ "safe", 60, 10, 20, 45, 10, "3s", "1.5s", "3s", 3, 3, 90 },
	{ "wide", 120, 20, 30, 95, 15, "4s", "2s", "4s", 3, 3, 150 },
};

const char *const fr_rto_names[] = { "fast", "norm", "safe", "wide", NULL };

const struct fr_rto_plan *fr_rto_plan(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(plans) / sizeof(plans[0]); i++)
		if (strcmp(plans[i].name, name) == 0)
			return &plans[i];
	return NULL;
}
