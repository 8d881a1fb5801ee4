/* params.c -- the known inventory parameters, their types and built-in defaults. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "embedded.h"
#include "params.h"
#include "xalloc.h"

/* Credentials -g replaces per parameter: each gets its own secret (Pigsty's list). */
const char *const fr_secret_keyed[] = {
	"grafana_admin_password", "pg_admin_password", "pg_monitor_password",
	"pg_replication_password", "patroni_password", "haproxy_admin_password",
	"minio_secret_key", "etcd_root_password", NULL,
};

/*
 * Credentials -g replaces per value: the same old value gets the same new
 * secret wherever it appears, so a Redis password and the sentinel entry
 * that monitors it still agree. These are what Pigsty's -g misses.
 */
const char *const fr_secret_valued[] = {
	"password", "redis_password", "cipher_pass", "secret_key", "s3_key_secret",
	"pg_dbsu_password", "vip_auth_pass", "grafana_view_password",
	"PGADMIN_DEFAULT_PASSWORD", "minio_access_key", "pgsodium_key", "pg_etcd_password", NULL,
};

/* Credentials that -g leaves alone and farrow does not consume, secrets all the same: Ansible's. */
const char *const fr_secret_other[] = {
	"ansible_password", "ansible_ssh_pass", "ansible_ssh_password", "ansible_become_password",
	"ansible_become_pass", "ansible_sudo_pass", NULL,
};

char *fr_secret_mask_urls(const char *s)
{
	struct fr_buf out = FR_BUF_INIT;
	const char *p = s, *sep;
	int masked = 0;

	while ((sep = strstr(p, "://")) != NULL) {
		const char *auth = sep + 3, *end = auth + strcspn(auth, "/?# \t"), *at = NULL, *c, *colon;

		for (c = auth; c < end; c++)
			if (*c == '@')
				at = c;
		colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon == NULL) {
			fr_buf_addn(&out, p, (size_t)(end - p));
			p = end;
			continue;
		}
		fr_buf_addn(&out, p, (size_t)(colon + 1 - p));
		fr_buf_adds(&out, "********");
		p = at;
		masked = 1;
	}
	if (!masked) {
		fr_buf_release(&out);
		return NULL;
	}
	fr_buf_adds(&out, p);
	return fr_buf_detach(&out, NULL);
}

int fr_param_is_secret(const char *name)
{
	size_t i;

	for (i = 0; fr_secret_keyed[i]; i++)
		if (strcmp(name, fr_secret_keyed[i]) == 0)
			return 1;
	for (i = 0; fr_secret_valued[i]; i++)
		if (strcmp(name, fr_secret_valued[i]) == 0)
			return 1;
	for (i = 0; fr_secret_other[i]; i++)
		if (strcmp(name, fr_secret_other[i]) == 0)
			return 1;
	return 0;
}

static struct fr_node *tree;
static struct fr_param *params;
static struct fr_param **by_name; /* params sorted by name, for bsearch */
static size_t nparams;

static int cmp_param(const void *a, const void *b)
{
	return strcmp((*(struct fr_param *const *)a)->name, (*(struct fr_param *const *)b)->name);
}

static int cmp_key(const void *key, const void *b)
{
	return strcmp(key, (*(struct fr_param *const *)b)->name);
}

const struct fr_embedded *fr_embedded_find(const char *name)
{
	const struct fr_embedded *e;

	for (e = fr_embedded; e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

static enum fr_ptype type_of(const struct fr_node *v)
{
	static const struct { const char *tag; enum fr_ptype t; } tags[] = {
		{ "!int", FR_PT_INT }, { "!str", FR_PT_STR }, { "!bool", FR_PT_BOOL },
		{ "!list", FR_PT_LIST }, { "!map", FR_PT_MAP }, { "!any", FR_PT_ANY },
	};
	size_t i;

	if (v->tag) {
		for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
			if (strcmp(v->tag, tags[i].tag) == 0)
				return tags[i].t;
		fprintf(stderr, "fatal: defaults.yml:%d: unknown tag %s\n", v->line, v->tag);
		abort();
	}
	if (v->kind == FR_NODE_MAP)
		return FR_PT_MAP;
	if (v->kind == FR_NODE_SEQ)
		return FR_PT_LIST;
	switch (v->type) {
	case FR_SCALAR_INT:
		return FR_PT_INT;
	case FR_SCALAR_BOOL:
		return FR_PT_BOOL;
	case FR_SCALAR_FLOAT:
		return FR_PT_NUM;
	case FR_SCALAR_NULL:
		return FR_PT_ANY;
	case FR_SCALAR_STR:
		break;
	}
	return FR_PT_STR;
}

static void load(void)
{
	const struct fr_embedded *e;
	struct fr_err err = { 0 };
	size_t i;

	if (params)
		return;
	e = fr_embedded_find("defaults.yml");
	if (e == NULL || (tree = fr_yaml_parse(e->data, e->len, &err)) == NULL || tree->kind != FR_NODE_MAP) {
		fprintf(stderr, "fatal: embedded defaults.yml: %s\n", e ? err.msg : "missing");
		abort();
	}
	nparams = tree->n;
	params = fr_xcalloc(nparams, sizeof(*params));
	for (i = 0; i < nparams; i++) {
		params[i].name = tree->keys[i]->str;
		params[i].type = type_of(tree->items[i]);
		params[i].def = tree->items[i]->tag ? NULL : tree->items[i];
	}
	by_name = fr_xcalloc(nparams, sizeof(*by_name));
	for (i = 0; i < nparams; i++)
		by_name[i] = &params[i];
	qsort(by_name, nparams, sizeof(*by_name), cmp_param);
}

const struct fr_param *fr_param_find(const char *name)
{
	struct fr_param **p;

	load();
	p = bsearch(name, by_name, nparams, sizeof(*by_name), cmp_key);
	return p ? *p : NULL;
}

const struct fr_param *fr_params_all(size_t *count)
{
	load();
	*count = nparams;
	return params;
}

void fr_params_release(void)
{
	free(params);
	free(by_name);
	params = NULL;
	by_name = NULL;
	nparams = 0;
	fr_node_free(tree);
	tree = NULL;
}

size_t fr_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, r;
	size_t *d;

	if (la > 256 || lb > 256)
		return (size_t)-1;
	d = fr_xcalloc((la + 1) * (lb + 1), sizeof(*d));
#define D(x, y) d[(x) * (lb + 1) + (y)]
	for (i = 0; i <= la; i++)
		D(i, 0) = i;
	for (j = 0; j <= lb; j++)
		D(0, j) = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], v = D(i - 1, j) + 1;

			if (D(i, j - 1) + 1 < v)
				v = D(i, j - 1) + 1;
			if (D(i - 1, j - 1) + cost < v)
				v = D(i - 1, j - 1) + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && D(i - 2, j - 2) + 1 < v)
				v = D(i - 2, j - 2) + 1;
			D(i, j) = v;
		}
	r = D(la, lb);
#undef D
	free(d);
	return r;
}

const char *fr_param_nearest(const char *name)
{
	size_t i, best = (size_t)-1, limit = strlen(name) / 3;
	const char *hit = NULL;

	load();
	if (limit < 2)
		limit = 2;
	for (i = 0; i < nparams; i++) {
		size_t dist = fr_edit_distance(name, params[i].name);

		if (dist < best) {
			best = dist;
			hit = params[i].name;
		}
	}
	return best <= limit ? hit : NULL;
}

static int has_jinja(const struct fr_node *v)
{
	return v->kind == FR_NODE_SCALAR && (strstr(v->str, "{{") || strstr(v->str, "${"));
}

int fr_param_type_ok(const struct fr_param *p, const struct fr_node *v, const char **what)
{
	static const char *const names[] = { "any value", "a string", "an integer",
		"a boolean", "a list", "a mapping", "a number" };

	*what = names[p->type];
	if (v == NULL || fr_node_is_null(v) || has_jinja(v))
		return 1;
	switch (p->type) {
	case FR_PT_ANY:
		return 1;
	case FR_PT_STR:
		return v->kind == FR_NODE_SCALAR;
	case FR_PT_INT:
		return v->kind == FR_NODE_SCALAR && v->type == FR_SCALAR_INT;
	case FR_PT_NUM:
		return v->kind == FR_NODE_SCALAR && (v->type == FR_SCALAR_INT || v->type == FR_SCALAR_FLOAT);
	case FR_PT_BOOL:
		return v->kind == FR_NODE_SCALAR && v->type == FR_SCALAR_BOOL;
	case FR_PT_LIST:
		return v->kind == FR_NODE_SEQ;
	case FR_PT_MAP:
		return v->kind == FR_NODE_MAP;
	}
	return 1;
}

int fr_pg_version_ok(long long v)
{
	return v >= FR_PG_VERSION_MIN && v <= FR_PG_VERSION_MAX;
}

int fr_tiny_host(int ncpu)
{
	return ncpu < 4;
}
