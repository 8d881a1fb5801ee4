/* plans.h -- Pigsty's pg_rto plans: the one table of what each plan name means. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_PLANS_H
#define FR_PLANS_H

/*
 * A pg_rto plan: Patroni's ttl, loop_wait, retry_timeout, primary_start_timeout and watchdog
 * safety_margin, and HAProxy's health-check cadence (inter, fastinter, downinter, rise, fall).
 * Used by validation (an unknown name is an error), `farrow inventory show` and the renderers.
 */
struct fr_rto_plan {
	const char *name;
	int ttl, loop_wait, retry_timeout, primary_start_timeout, safety_margin;
	const char *inter, *fastinter, *downinter;
	int rise, fall;
	int rto_bound; /* seconds: the recovery time the plan promises (Pigsty: fast 30, norm 45, safe 90, wide 150) */
};

/* The plan of that name, or NULL. */
const struct fr_rto_plan *fr_rto_plan(const char *name);
/* The plan names, NULL-terminated, in the table's order (fast, norm, safe, wide). */
extern const char *const fr_rto_names[];

#endif
