/* services.c -- Pigsty's PostgreSQL services: which members a service's selector picks. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "services.h"

int fr_service_selects(const char *sel, fr_member_get get, void *ctx)
{
	const char *p = sel;
	int any = 0, all = 1;

	while (*p == ' ' || *p == '[')
		p++;
	if (*p == ']' || *p == '\0')
		return 1;
	if (*p == '?')
		p++;
	for (;;) {
		char term[64];
		size_t n = 0;
		int v = 0;

		while (*p == ' ')
			p++;
		while (*p && *p != '|' && *p != '&' && *p != ']' && n < sizeof(term) - 1)
			term[n++] = *p++;
		while (n && term[n - 1] == ' ')
			n--;
		term[n] = '\0';
		{
			char *eq = strstr(term, "==");

			if (eq) {
				char key[32], val[32];

				if (sscanf(term, "%31[a-z_] == `%31[^`]`", key, val) == 2) {
					const char *mv = get(ctx, key);

					v = mv && strcmp(mv, val) == 0;
				}
			} else {
				int neg = term[0] == '!';
				const char *bv = get(ctx, term + neg);
				int b = bv && strcmp(bv, "true") == 0;

				v = neg ? !b : b;
			}
		}
		all = all && v;
		if (p[0] == '&' && p[1] == '&') {
			p += 2;
			continue;
		}
		any = any || all;
		all = 1;
		if (p[0] == '|' && p[1] == '|') {
			p += 2;
			continue;
		}
		break;
	}
	return any;
}

