/* services.h -- Pigsty's PostgreSQL services: which members a service's selector picks. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_SERVICES_H
#define FR_SERVICES_H

/*
 * A member's variables as a selector sees them: get(ctx, "pg_role") gives its role, and
 * get(ctx, <name>) any boolean member variable ("true"/"false"), or NULL.
 */
typedef const char *(*fr_member_get)(void *ctx, const char *name);

/*
 * 1 when selector picks the member: the forms Pigsty's services use, JMESPath-like:
 * "[]" (all), "[? a == `x` || b && !c ]" over pg_role and boolean member variables.
 * One implementation for `farrow inventory list` and the haproxy renderer.
 */
int fr_service_selects(const char *selector, fr_member_get get, void *ctx);

#endif
