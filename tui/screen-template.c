/* screen-template.c -- step 2: the profile template. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdlib.h>

#include "params.h"
#include "wiz.h"

void tw_load_nodes(struct wiz *w)
{
	char *text_ = NULL, *origin = NULL, **ips = NULL;
	size_t len = 0, n = 0, i;
	struct fr_err err = { 0 };

	for (i = 0; i < 4; i++) {
		free(w->node_tpl[i]);
		w->node_tpl[i] = NULL;
	}
	w->nnodes = 1;
	if (fr_template_load(w->templates[w->tpl], &text_, &len, &origin, &err) == 0 &&
	    fr_template_nodes(text_, len, &ips, &n, &err) == 0) {
		for (i = 0; i < n; i++) {
			if (i < 4)
				w->node_tpl[i] = ips[i];
			else
				free(ips[i]);
		}
		w->nnodes = n < 1 ? 1 : n > 4 ? 4 : (int)n;
		free(ips);
	}
	{
		/* the template's PostgreSQL version, read as the engine reads it */
		int v = text_ ? fr_template_pg_version(text_, len, NULL) : -1;

		w->tpl_version = fr_pg_version_ok(v) ? v : FR_PG_VERSION_MAX;
	}
	free(text_);
	free(origin);
}

static int step_template(struct wiz *w)
{
	const char *descs[32];
	char dbuf[32][80];
	struct tw_list l = { 0 };
	int i, k, r;

	/* fr_template_desc's buffer is its own: copies, shortened to fit beside the names */
	for (i = 0; i < w->ntemplates && i < 32; i++) {
		snprintf(dbuf[i], sizeof(dbuf[i]), "%.*s", COLS - 24, fr_template_desc(w->templates[i]));
		descs[i] = dbuf[i];
	}
	tw_frame(w, NULL);
	tw_text(4, 4, "Which profile template? It decides the nodes and the modules they run.");
	tw_list_open(&l, w->templates, descs, w->ntemplates, w->tpl, 6, 4, LINES - 9, COLS - 6);
	refresh();
	for (;;) {
		k = getch();
		if ((r = tw_common_key(w, k)) != 0)
			break;
		if (tw_is_enter(k)) {
			int sel = tw_list_sel(&l);

			if (sel != w->tpl) {
				w->tpl = sel;
				w->pgsel = -1;
			}
			tw_load_nodes(w);
			/* other nodes start from the template's addresses */
			for (i = 1; i < w->nnodes; i++)
				if (!*w->ip[i] && w->node_tpl[i])
					snprintf(w->ip[i], sizeof(w->ip[i]), "%s", w->node_tpl[i]);
			r = R_NEXT;
			break;
		}
		tw_list_key(&l, k);
		refresh();
	}
	tw_list_close(&l);
	return r;
}

const struct tw_screen tw_screen_template = {
	"Template",
	"The profile template: how many nodes and which modules.\n"
	"meta: one node with everything (the default).\n"
	"ha/trio: three nodes, etcd on each, PostgreSQL primary + 2 replicas.",
	step_template,
};
