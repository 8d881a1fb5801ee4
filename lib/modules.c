/* modules.c -- what each farrow-firstboot module is, as data: the one table of modules. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "modules.h"
#include "params.h"
#include "xalloc.h"

static const char *const etcd_ids[] = { "etcd_instance", NULL };
static const char *const pg_ids[] = { "pg_instance", NULL };
static const char *const ca_ids[] = { "etcd_instance", "pg_instance", "minio_instance", NULL };
static const char *const minio_ids[] = { "minio_instance", NULL };
static const char *const redis_ids[] = { "redis_instances", NULL };

static const char *const etcd_secrets[] = { "etcd_root_password", NULL };
static const char *const pgsql_secrets[] = { "patroni_password", "pg_replication_password", "pg_admin_password",
					     "pg_monitor_password", "pg_etcd_password", "pg_users", "pgbackrest_repo",
					     NULL };

static const char *const minio_secrets[] = { "minio_access_key", "minio_secret_key", "minio_users", NULL };
/* MinIO's own package (not in Debian; a manifest's files: entry), and its client where carried */
static const char *const minio_pkgs[] = { "minio", NULL };
static const char *const minio_optional[] = { "mcli", NULL };
static const char *const minio_units[] = { "minio.service", NULL };
static const char *const redis_secrets[] = { "redis_password", "redis_sentinel_monitor", NULL };
static const char *const etcd_pkgs[] = { "etcd-server", "etcd-client", NULL };
static const char *const pgsql_pkgs[] = { "postgresql-$v", "postgresql-client-$v", "patroni", "python3-psycopg2",
					  "python3-etcd", "pgbouncer", "pgbackrest", "haproxy", NULL };
static const char *const redis_pkgs[] = { "redis-server", "redis-sentinel", "redis-tools", NULL };
static const char *const redis_optional[] = { "prometheus-redis-exporter", NULL };
/* the packages' own instances (6379 on 127.0.0.1, a sentinel on 26379): the module stops and
 * disables them; its instances are the templates' (redis-server@<port>, redis-sentinel@<port>) */
static const char *const redis_units[] = { "redis-server.service", "redis-sentinel.service",
					    "prometheus-redis-exporter.service", NULL };
static const char *const etcd_units[] = { "etcd.service", NULL };
static const char *const pgsql_units[] = { "patroni.service", "pgbouncer.service", "haproxy.service", NULL };

const struct fr_module_info fr_modules[] = {
	{ "packages", "the bundle verified and unpacked, its repository only, the packages installed", NULL, NULL,
	  NULL, NULL, NULL },
	{ "node", "host name, /etc/hosts, sysctl and limits", NULL, NULL, NULL, NULL, NULL },
	{ "ca", "the farrow CA and this node's certificate", ca_ids, NULL, NULL, NULL, NULL },
	{ "etcd", "an etcd member with TLS and RBAC", etcd_ids, etcd_secrets, etcd_pkgs, NULL, etcd_units },
	{ "pgsql", "patroni, PostgreSQL, pgbouncer, haproxy, pgbackrest", pg_ids, pgsql_secrets, pgsql_pkgs, NULL,
	  pgsql_units },
	{ "redis", "Redis instances (standalone, sentinel, native cluster), redis_exporter", redis_ids, redis_secrets,
	  redis_pkgs, redis_optional, redis_units },
	{ "minio", "MinIO from its own package: environment, unit, TLS from the farrow CA", minio_ids, minio_secrets,
	  minio_pkgs, minio_optional, minio_units },
};
const size_t fr_nmodules = sizeof(fr_modules) / sizeof(fr_modules[0]);

const struct fr_module_info *fr_module_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < fr_nmodules; i++)
		if (strcmp(fr_modules[i].name, name) == 0)
			return &fr_modules[i];
	return NULL;
}

int fr_module_wanted(const struct fr_module_info *m, const struct fr_node *ident)
{
	size_t i;

	if (m->identities == NULL)
		return 1;
	for (i = 0; m->identities[i]; i++) {
		const struct fr_node *v = fr_node_get(ident, m->identities[i]);

		/* a name (pg_instance), or a non-empty list of them (redis_instances) */
		if (fr_node_str(v) || (fr_node_is_seq(v) && v->n > 0))
			return 1;
	}
	return 0;
}

int fr_module_wanted_by(const struct fr_module_info *m, const struct fr_ident *id)
{
	size_t i;

	for (i = 0; m->identities && m->identities[i]; i++) {
		const char *n = m->identities[i];

		if ((strcmp(n, "pg_instance") == 0 && id->pg_instance) ||
		    (strcmp(n, "etcd_instance") == 0 && id->etcd_instance) ||
		    (strcmp(n, "minio_instance") == 0 && id->minio_instance) ||
		    (strcmp(n, "infra_instance") == 0 && id->infra_instance) ||
		    (strcmp(n, "redis_instances") == 0 && id->nredis))
			return 1;
	}
	return m->identities == NULL;
}

int fr_value_holds_secret(const struct fr_node *v)
{
	size_t i;

	if (v == NULL || fr_node_is_scalar(v))
		return 0;
	for (i = 0; i < v->n; i++) {
		if (v->kind == FR_NODE_MAP && fr_node_is_scalar(v->keys[i]) && fr_param_is_secret(v->keys[i]->str))
			return 1;
		if (fr_value_holds_secret(v->items[i]))
			return 1;
	}
	return 0;
}

/* Lists of credentials whose defaults are empty: pg_users' passwords, minio_users' secret keys. */
static const char *const structured[] = { "pg_users", "minio_users", NULL };

int fr_param_holds_secret(const char *name)
{
	const struct fr_param *p = fr_param_find(name);
	size_t i;

	for (i = 0; structured[i]; i++)
		if (strcmp(name, structured[i]) == 0)
			return 1;
	return fr_param_is_secret(name) || (p && fr_value_holds_secret(p->def));
}

static void add_pkg(char ***v, size_t *n, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return;
	*v = fr_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = fr_xstrdup(s);
}

int fr_packages_index_has(const char *index, size_t len, const char *name)
{
	size_t n = strlen(name);
	const char *p = index, *end = index ? index + len : NULL;

	/* a stanza's "Package: <name>" line, at the start of the index or of a line */
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t line = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (line == 9 + n && strncmp(p, "Package: ", 9) == 0 && memcmp(p + 9, name, n) == 0)
			return 1;
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* The packages of the modules a node with identities ident wants (all: of every module); the
 * optional ones where index (a bundle's Packages, may be NULL) has them. */
static void module_packages(int all, const struct fr_node *ident, long long ver, const char *index, size_t ilen,
			    char ***out, size_t *n)
{
	size_t i, j;

	for (i = 0; i < fr_nmodules; i++) {
		if (!all && !fr_module_wanted(&fr_modules[i], ident))
			continue;
		for (j = 0; fr_modules[i].packages && fr_modules[i].packages[j]; j++) {
			const char *p = fr_modules[i].packages[j], *dollar = strstr(p, "$v");
			char *name = dollar ? fr_xasprintf("%.*s%lld%s", (int)(dollar - p), p, ver, dollar + 2) : fr_xstrdup(p);

			add_pkg(out, n, name);
			free(name);
		}
		for (j = 0; fr_modules[i].optional && fr_modules[i].optional[j]; j++)
			if (fr_packages_index_has(index, ilen, fr_modules[i].optional[j]))
				add_pkg(out, n, fr_modules[i].optional[j]);
	}
}

void fr_all_module_packages(long long ver, int (*carried)(void *ctx, const char *name), void *ctx, char ***out,
			    size_t *n)
{
	size_t i, j;

	*out = NULL;
	*n = 0;
	for (i = 0; i < fr_nmodules; i++) {
		char **names = NULL;
		size_t nn = 0;
		int all = 1;

		for (j = 0; fr_modules[i].packages && fr_modules[i].packages[j]; j++) {
			const char *p = fr_modules[i].packages[j], *dollar = strstr(p, "$v");
			char *name = dollar ? fr_xasprintf("%.*s%lld%s", (int)(dollar - p), p, ver, dollar + 2) : fr_xstrdup(p);

			add_pkg(&names, &nn, name);
			all &= carried(ctx, name);
			free(name);
		}
		/* a module the bundle cannot serve is left out: a node of it fails in firstboot's packages module */
		for (j = 0; all && j < nn; j++)
			add_pkg(out, n, names[j]);
		for (j = 0; all && fr_modules[i].optional && fr_modules[i].optional[j]; j++)
			if (carried(ctx, fr_modules[i].optional[j]))
				add_pkg(out, n, fr_modules[i].optional[j]);
		for (j = 0; j < nn; j++)
			free(names[j]);
		free(names);
	}
}

void fr_node_packages(const struct fr_node *root, const char *index, size_t ilen, char ***out, size_t *n)
{
	const struct fr_node *ident = fr_node_get(root, "identities"), *vars = fr_node_get(root, "vars");
	const struct fr_node *extra = fr_node_get(vars, "node_packages");
	long long ver = 0;
	size_t i;

	*out = NULL;
	*n = 0;
	fr_node_int(fr_node_get(vars, "pg_version"), &ver);
	module_packages(0, ident, ver, index, ilen, out, n);
	for (i = 0; fr_node_is_seq(extra) && i < extra->n; i++)
		if (fr_node_str(extra->items[i]))
			add_pkg(out, n, extra->items[i]->str);
}
