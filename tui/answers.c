/* answers.c -- the wizard's answers as lib/configure reads them, and the credentials they name. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "params.h"
#include "wiz.h"
#include "xalloc.h"

void tw_answers(struct wiz *w, struct fr_configure *c, int with_given)
{
	static const char *nodes[4];
	static struct fr_secret given[64];
	int i;

	memset(c, 0, sizeof(*c));
	c->conf = w->templates[w->tpl];
	c->primary_ip = w->ip[0];
	if (w->nnodes > 1) {
		for (i = 0; i < w->nnodes; i++)
			nodes[i] = w->ip[i];
		c->nodes = nodes;
		c->nnodes = (size_t)w->nnodes;
	}
	c->pg_version = w->pgsel + 13 == w->tpl_version ? 0 : w->pgsel + 13;
	c->region = tw_region_values[w->region];
	c->tiny = fr_tiny_host(w->det.ncpu);
	c->proxy = w->pre.proxy;
	c->http_proxy = w->pre.http_proxy;
	c->https_proxy = w->pre.https_proxy;
	c->all_proxy = w->pre.all_proxy;
	c->no_proxy = w->pre.no_proxy;
	c->ssh_port = w->pre.ssh_port;
	c->generate = 1;
	if (with_given && !w->gen) {
		for (i = 0; i < w->nlabels && i < 64; i++) {
			given[i].name = w->labels[i];
			given[i].value = w->pw[2 * i];
		}
		c->given = given;
		c->ngiven = (size_t)(w->nlabels < 64 ? w->nlabels : 64);
	}
}

/* The credentials the template has, by the names --show-secrets prints. */
int tw_load_labels(struct wiz *w, char *err_out, size_t errlen)
{
	struct fr_configure c;
	struct fr_err err = { 0 };
	int i;

	fr_strv_free(w->labels, w->nlabels);
	if (w->pw)
		fr_wipe(w->pw, sizeof(*w->pw) * 2 * (size_t)w->nlabels);
	free(w->pw);
	w->labels = NULL;
	w->pw = NULL;
	w->nlabels = 0;
	tw_answers(w, &c, 0);
	if (fr_configure_render(&c, &err) < 0) {
		snprintf(err_out, errlen, "%.*s", (int)errlen - 1, err.msg);
		fr_configure_release(&c);
		return -1;
	}
	w->nlabels = (int)c.nsecrets;
	w->labels = fr_xcalloc(c.nsecrets + 1, sizeof(*w->labels));
	w->pw = fr_xcalloc(2 * c.nsecrets + 2, sizeof(*w->pw));
	for (i = 0; i < w->nlabels; i++) {
		const char *n = c.secrets[i].name;
		size_t l = strlen(n);

		/* 'DBUser.Meta' (a default value) is named without its quotes */
		w->labels[i] = n[0] == '\'' && l > 1 ? fr_xstrndup(n + 1, l - 2) : fr_xstrdup(n);
	}
	fr_configure_release(&c);
	return 0;
}

