/* inventory.c -- Pigsty-format inventories: load, validate, resolve, identify. */
/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fileio.h"
#include "inventory.h"
#include "values.h"
#include "params.h"
#include "xalloc.h"

#define MAX_INVENTORY (16u << 20)

int fr_is_ipv4(const char *s)
{
	int parts = 0;

	while (parts < 4) {
		int v = 0, nd = 0;

		while (isdigit((unsigned char)*s)) {
			if (nd == 1 && v == 0)
				return 0; /* leading zero */
			v = v * 10 + (*s++ - '0');
			if (++nd > 3 || v > 255)
				return 0;
		}
		if (nd == 0)
			return 0;
		parts++;
		if (parts < 4 && *s++ != '.')
			return 0;
	}
	return *s == '\0';
}

static void diag(struct fr_inventory *inv, enum fr_severity sev, const struct fr_node *at,
		 const char *param, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void diag(struct fr_inventory *inv, enum fr_severity sev, const struct fr_node *at,
		 const char *param, const char *fmt, ...)
{
	struct fr_buf b = FR_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	fr_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	fr_diags_add(&inv->diags, sev, at ? at->line : 0, at ? at->col : 0, param, "%s", b.buf);
	fr_buf_release(&b);
}

/* ------------------------------------------------------------------ loading */

static struct fr_host *host_get(struct fr_inventory *inv, const char *ip, const struct fr_node *key,
				size_t *alloc)
{
	size_t i;
	struct fr_host *h;

	for (i = 0; i < inv->nhosts; i++)
		if (strcmp(inv->hosts[i].ip, ip) == 0)
			return &inv->hosts[i];
	FR_ALLOC_GROW(inv->hosts, inv->nhosts + 1, *alloc);
	h = &inv->hosts[inv->nhosts++];
	memset(h, 0, sizeof(*h));
	h->ip = ip;
	h->keynode = key;
	return h;
}

static int cmp_group_name(const void *a, const void *b, void *ctx);

static void index_groups(struct fr_inventory *inv)
{
	const struct fr_node *ch = inv->children;
	size_t i, j, halloc = 0;

	if (!fr_node_is_map(ch))
		return;
	inv->groups = fr_xcalloc(ch->n, sizeof(*inv->groups));
	for (i = 0; i < ch->n; i++) {
		struct fr_group *g;

		if (!fr_node_is_scalar(ch->keys[i]))
			continue;
		g = &inv->groups[inv->ngroups];
		g->name = ch->keys[i]->str;
		g->keynode = ch->keys[i];
		g->node = ch->items[i];
		g->hosts = fr_node_get(g->node, "hosts");
		g->vars = fr_node_get(g->node, "vars");
		if (fr_node_is_map(g->hosts))
			for (j = 0; j < g->hosts->n; j++) {
				struct fr_host *h;

				if (!fr_node_is_scalar(g->hosts->keys[j]))
					continue;
				h = host_get(inv, g->hosts->keys[j]->str, g->hosts->keys[j], &halloc);
				if (h->ngroups && h->groups[h->ngroups - 1] == inv->ngroups)
					continue;
				h->groups = fr_xrealloc(h->groups, (h->ngroups + 1) * sizeof(*h->groups));
				h->groups[h->ngroups++] = inv->ngroups;
			}
		inv->ngroups++;
	}
	inv->group_order = fr_xcalloc(inv->ngroups, sizeof(*inv->group_order));
	for (i = 0; i < inv->ngroups; i++)
		inv->group_order[i] = i;
	/* insertion sort by name: stable, and groups are few */
	for (i = 1; i < inv->ngroups; i++) {
		size_t t = inv->group_order[i];

		for (j = i; j > 0 && cmp_group_name(&inv->group_order[j - 1], &t, inv) > 0; j--)
			inv->group_order[j] = inv->group_order[j - 1];
		inv->group_order[j] = t;
	}
}

static int cmp_group_name(const void *a, const void *b, void *ctx)
{
	const struct fr_inventory *inv = ctx;

	return strcmp(inv->groups[*(const size_t *)a].name, inv->groups[*(const size_t *)b].name);
}

int fr_inv_load_text(const char *path, const char *text, size_t len, struct fr_inventory **out,
		     struct fr_err *err)
{
	struct fr_inventory *inv = fr_xcalloc(1, sizeof(*inv));
	struct fr_err perr = { 0 };

	(void)err;
	inv->path = fr_xstrdup(path);
	inv->text = fr_xstrndup(text, len);
	inv->len = len;
	inv->root = fr_yaml_parse(inv->text, len, &perr);
	if (inv->root == NULL) {
		int line = 0, col = 0;
		const char *msg = perr.msg;

		if (sscanf(perr.msg, "%d:%d:", &line, &col) == 2) {
			msg = strchr(perr.msg, ':') + 1;
			msg = strchr(msg, ':') + 1;
			while (*msg == ' ')
				msg++;
		}
		fr_diags_add(&inv->diags, FR_SEV_ERROR, line, col, "yaml", "%s", msg);
		*out = inv;
		return 0;
	}
	inv->all = fr_node_get(inv->root, "all");
	inv->vars = fr_node_get(inv->all, "vars");
	inv->children = fr_node_get(inv->all, "children");
	index_groups(inv);
	*out = inv;
	return 0;
}

int fr_inv_load_file(const char *path, struct fr_inventory **out, struct fr_err *err)
{
	char *text;
	size_t len;
	int r;

	if ((r = fr_read_file(path, MAX_INVENTORY, &text, &len, err)) < 0)
		return r;
	r = fr_inv_load_text(path, text, len, out, err);
	free(text);
	return r;
}

void fr_inv_free(struct fr_inventory *inv)
{
	size_t i;

	if (inv == NULL)
		return;
	for (i = 0; i < inv->nhosts; i++)
		free(inv->hosts[i].groups);
	free(inv->hosts);
	free(inv->groups);
	free(inv->group_order);
	fr_node_free(inv->root);
	fr_diags_release(&inv->diags);
	free(inv->text);
	free(inv->path);
	free(inv);
}

/* ------------------------------------------------------------------ resolving */

const struct fr_host *fr_inv_host(const struct fr_inventory *inv, const char *ip)
{
	size_t i;

	for (i = 0; i < inv->nhosts; i++)
		if (strcmp(inv->hosts[i].ip, ip) == 0)
			return &inv->hosts[i];
	return NULL;
}

int fr_inv_host_selected(const struct fr_inventory *inv, const struct fr_host *h, const char *limit)
{
	size_t g;

	if (limit == NULL || strcmp(limit, h->ip) == 0)
		return 1;
	for (g = 0; g < h->ngroups; g++)
		if (strcmp(inv->groups[h->groups[g]].name, limit) == 0)
			return 1;
	return 0;
}

int fr_inv_host_in(const struct fr_host *h, size_t gi)
{
	size_t i;

	for (i = 0; i < h->ngroups; i++)
		if (h->groups[i] == gi)
			return 1;
	return 0;
}

static const struct fr_node *host_vars_in(const struct fr_group *g, const char *ip)
{
	return fr_node_get(g->hosts, ip);
}

int fr_inv_resolve(const struct fr_inventory *inv, const struct fr_host *h, const char *name,
		   struct fr_var *out)
{
	const struct fr_param *p;
	const struct fr_node *v;
	size_t i;

	out->name = name;
	out->value = NULL;
	out->src = FR_SRC_NONE;
	out->group = NULL;
	/* host vars: the last definition in file order wins */
	for (i = h ? h->ngroups : 0; i-- > 0;) {
		const struct fr_group *g = &inv->groups[h->groups[i]];

		if ((v = fr_node_get(host_vars_in(g, h->ip), name)) != NULL) {
			out->value = v;
			out->src = FR_SRC_HOST;
			out->group = g->name;
			return 1;
		}
	}
	/* group vars: groups in name order, the later one wins */
	for (i = h ? inv->ngroups : 0; i-- > 0;) {
		const struct fr_group *g = &inv->groups[inv->group_order[i]];

		if (!fr_inv_host_in(h, inv->group_order[i]))
			continue;
		if ((v = fr_node_get(g->vars, name)) != NULL) {
			out->value = v;
			out->src = FR_SRC_CLUSTER;
			out->group = g->name;
			return 1;
		}
	}
	if ((v = fr_node_get(inv->vars, name)) != NULL) {
		out->value = v;
		out->src = FR_SRC_GLOBAL;
		return 1;
	}
	if ((p = fr_param_find(name)) != NULL && p->def) {
		out->value = p->def;
		out->src = FR_SRC_DEFAULT;
		return 1;
	}
	return 0;
}

const char *fr_inv_str(const struct fr_inventory *inv, const struct fr_host *h, const char *name)
{
	struct fr_var v;

	if (!fr_inv_resolve(inv, h, name, &v))
		return NULL;
	return fr_node_str(v.value);
}

int fr_inv_int(const struct fr_inventory *inv, const struct fr_host *h, const char *name, long long *out)
{
	struct fr_var v;

	return fr_inv_resolve(inv, h, name, &v) && fr_node_int(v.value, out);
}

const char *fr_source_name(enum fr_source s)
{
	switch (s) {
	case FR_SRC_DEFAULT:
		return "default";
	case FR_SRC_GLOBAL:
		return "global";
	case FR_SRC_CLUSTER:
		return "cluster";
	case FR_SRC_HOST:
		return "host";
	case FR_SRC_NONE:
		break;
	}
	return "none";
}

static int cmp_var(const void *a, const void *b)
{
	return strcmp(((const struct fr_var *)a)->name, ((const struct fr_var *)b)->name);
}

static void add_names(const struct fr_node *map, const char ***names, size_t *n, size_t *alloc)
{
	size_t i;

	if (!fr_node_is_map(map))
		return;
	for (i = 0; i < map->n; i++)
		if (fr_node_is_scalar(map->keys[i])) {
			FR_ALLOC_GROW(*names, *n + 1, *alloc);
			(*names)[(*n)++] = map->keys[i]->str;
		}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void fr_inv_host_vars(const struct fr_inventory *inv, const struct fr_host *h, struct fr_var **vars,
		      size_t *n)
{
	const char **names = NULL;
	size_t nn = 0, alloc = 0, i, np, out = 0;
	const struct fr_param *all = fr_params_all(&np);

	for (i = 0; i < np; i++) {
		FR_ALLOC_GROW(names, nn + 1, alloc);
		names[nn++] = all[i].name;
	}
	add_names(inv->vars, &names, &nn, &alloc);
	for (i = 0; i < h->ngroups; i++) {
		const struct fr_group *g = &inv->groups[h->groups[i]];

		add_names(g->vars, &names, &nn, &alloc);
		add_names(host_vars_in(g, h->ip), &names, &nn, &alloc);
	}
	qsort(names, nn, sizeof(*names), cmp_str);
	*vars = fr_xcalloc(nn ? nn : 1, sizeof(**vars));
	for (i = 0; i < nn; i++) {
		if (i && strcmp(names[i], names[i - 1]) == 0)
			continue;
		if (fr_inv_resolve(inv, h, names[i], &(*vars)[out]))
			out++;
	}
	qsort(*vars, out, sizeof(**vars), cmp_var);
	*n = out;
	free(names);
}

/* ------------------------------------------------------------------ identities */

static const char *or_default(const char *s, const char *def)
{
	return s ? s : def;
}

void fr_inv_identity(const struct fr_inventory *inv, const struct fr_host *h, struct fr_ident *id)
{
	const char *cls;
	long long seq;
	size_t i;

	memset(id, 0, sizeof(*id));
	if ((cls = fr_inv_str(inv, h, "pg_cluster")) != NULL && fr_inv_int(inv, h, "pg_seq", &seq)) {
		id->pg_cluster = cls;
		id->pg_seq = seq;
		id->pg_role = fr_inv_str(inv, h, "pg_role");
		id->pg_instance = fr_xasprintf("%s-%lld", cls, seq);
	}
	if (fr_inv_int(inv, h, "etcd_seq", &seq))
		id->etcd_instance = fr_xasprintf("%s-%lld", or_default(fr_inv_str(inv, h, "etcd_cluster"), "etcd"), seq);
	if (fr_inv_int(inv, h, "minio_seq", &seq))
		id->minio_instance = fr_xasprintf("%s-%lld", or_default(fr_inv_str(inv, h, "minio_cluster"), "minio"), seq);
	if (fr_inv_int(inv, h, "infra_seq", &seq))
		id->infra_instance = fr_xasprintf("infra-%lld", seq);
	if ((cls = fr_inv_str(inv, h, "redis_cluster")) != NULL && fr_inv_int(inv, h, "redis_node", &seq)) {
		struct fr_var v;

		if (fr_inv_resolve(inv, h, "redis_instances", &v) && fr_node_is_map(v.value)) {
			id->redis_instances = fr_xcalloc(v.value->n ? v.value->n : 1, sizeof(char *));
			for (i = 0; i < v.value->n; i++)
				if (fr_node_is_scalar(v.value->keys[i]))
					id->redis_instances[id->nredis++] =
						fr_xasprintf("%s-%lld-%s", cls, seq, v.value->keys[i]->str);
		}
	}
}

void fr_ident_release(struct fr_ident *id)
{
	free(id->pg_instance);
	free(id->etcd_instance);
	free(id->minio_instance);
	free(id->infra_instance);
	fr_strv_free(id->redis_instances, id->nredis);
	memset(id, 0, sizeof(*id));
}

/* ------------------------------------------------------------------ validation */

static void check_map_keys_unique(struct fr_inventory *inv, const struct fr_node *map, const char *what)
{
	size_t i, j;

	if (!fr_node_is_map(map))
		return;
	for (i = 1; i < map->n; i++) {
		if (!fr_node_is_scalar(map->keys[i]))
			continue;
		for (j = 0; j < i; j++)
			if (fr_node_is_scalar(map->keys[j]) && strcmp(map->keys[i]->str, map->keys[j]->str) == 0) {
				diag(inv, FR_SEV_ERROR, map->keys[i], map->keys[i]->str,
				     "duplicate %s (also on line %d): YAML readers disagree on which one counts; "
				     "write it once", what, map->keys[j]->line);
				break;
			}
	}
}

/* Check a mapping of parameters: each known, of its type, of a value its files can hold (lib/values.c). */
static void check_params(struct fr_inventory *inv, const struct fr_node *map, const char *where)
{
	check_map_keys_unique(inv, map, "parameter");
	fr_values_check(map, where, &inv->diags);
}

static void check_structure(struct fr_inventory *inv)
{
	const struct fr_node *root = inv->root;
	size_t i, j;

	if (!fr_node_is_map(root) || inv->all == NULL) {
		diag(inv, FR_SEV_ERROR, root, "all", "the top level must be a mapping with the key 'all'");
		return;
	}
	if (!fr_node_is_map(inv->all)) {
		diag(inv, FR_SEV_ERROR, inv->all, "all", "must be a mapping with 'vars' and 'children'");
		return;
	}
	for (i = 0; i < root->n; i++)
		if (fr_node_is_scalar(root->keys[i]) && strcmp(root->keys[i]->str, "all") != 0)
			diag(inv, FR_SEV_WARNING, root->keys[i], root->keys[i]->str,
			     "warning: top-level group outside 'all' is ignored");
	for (i = 0; i < inv->all->n; i++) {
		const char *k = fr_node_str(inv->all->keys[i]);

		if (k == NULL || (strcmp(k, "vars") && strcmp(k, "children") && strcmp(k, "hosts")))
			diag(inv, FR_SEV_WARNING, inv->all->keys[i], k ? k : "all",
			     "warning: unknown key under 'all' (expected vars, children)");
	}
	if (inv->children == NULL)
		diag(inv, FR_SEV_ERROR, inv->all, "children", "'all' has no 'children': no clusters defined");
	else if (!fr_node_is_map(inv->children))
		diag(inv, FR_SEV_ERROR, inv->children, "children", "must be a mapping of groups, not a %s",
		     fr_node_kind_name(inv->children));
	check_params(inv, inv->vars, "vars");
	if (fr_node_is_map(inv->children))
		check_map_keys_unique(inv, inv->children, "group");
	for (i = 0; i < inv->ngroups; i++) {
		const struct fr_group *g = &inv->groups[i];

		if (fr_node_is_null(g->node))
			continue;
		if (!fr_node_is_map(g->node)) {
			diag(inv, FR_SEV_ERROR, g->node, g->name, "a group must be a mapping with hosts and vars");
			continue;
		}
		for (j = 0; j < g->node->n; j++) {
			const char *k = fr_node_str(g->node->keys[j]);

			if (k == NULL || (strcmp(k, "hosts") && strcmp(k, "vars") && strcmp(k, "children")))
				diag(inv, FR_SEV_WARNING, g->node->keys[j], k ? k : g->name,
				     "warning: unknown key in group '%s' (expected hosts, vars)", g->name);
		}
		check_params(inv, g->vars, "vars");
		if (fr_node_is_null(g->hosts))
			continue;
		if (!fr_node_is_map(g->hosts)) {
			diag(inv, FR_SEV_ERROR, g->hosts, "hosts", "must be a mapping of IPv4 addresses");
			continue;
		}
		check_map_keys_unique(inv, g->hosts, "host");
		for (j = 0; j < g->hosts->n; j++) {
			const struct fr_node *k = g->hosts->keys[j];

			if (!fr_node_is_scalar(k) || !fr_is_ipv4(k->str))
				diag(inv, FR_SEV_ERROR, k, "hosts", "'%s' in group '%s' is not an IPv4 address",
				     fr_node_is_scalar(k) ? k->str : "?", g->name);
			check_params(inv, g->hosts->items[j], "host");
		}
	}
}

/* Where a host's value of name is set, or the host's key when it is not. */
static const struct fr_node *pos_of(const struct fr_inventory *inv, const struct fr_host *h, const char *name)
{
	struct fr_var v;

	if (fr_inv_resolve(inv, h, name, &v) && v.src != FR_SRC_DEFAULT)
		return v.value;
	return h->keynode;
}

/* A group "defines" a cluster kind when its vars set the cluster parameter. */
static int group_defines(const struct fr_group *g, const char *param)
{
	return fr_node_get(g->vars, param) != NULL;
}

struct member {
	const struct fr_host *h;
	long long seq;
};

/*
 * Check the members of one kind of cluster: every host of a group that
 * defines cls_param (or of the group named group_name) needs seq_param; the
 * seq is unique within a cluster. Returns nothing; adds diags.
 */
static void check_members(struct fr_inventory *inv, const char *cls_param, const char *seq_param,
			  const char *group_name, const char *defcls, int warn_even)
{
	size_t gi, i, j;

	for (gi = 0; gi < inv->ngroups; gi++) {
		const struct fr_group *g = &inv->groups[gi];
		struct member *m;
		size_t nm = 0;
		const char *cls;

		if (!group_defines(g, cls_param) && !(group_name && strcmp(g->name, group_name) == 0))
			continue;
		if (!fr_node_is_map(g->hosts))
			continue;
		cls = fr_node_str(fr_node_get(g->vars, cls_param));
		if (cls == NULL)
			cls = defcls ? defcls : g->name;
		/* a cluster is one group: two groups of one name would give two members one identity */
		for (j = 0; j < gi; j++) {
			const char *other = fr_node_str(fr_node_get(inv->groups[j].vars, cls_param));

			if (other && fr_node_get(g->vars, cls_param) && strcmp(other, cls) == 0) {
				diag(inv, FR_SEV_ERROR, fr_node_get(g->vars, cls_param), cls_param,
				     "%s '%s' is also the cluster of group '%s' (line %d): a cluster is one group", cls_param,
				     cls, inv->groups[j].name, inv->groups[j].keynode ? inv->groups[j].keynode->line : 0);
				break;
			}
		}
		m = fr_xcalloc(g->hosts->n ? g->hosts->n : 1, sizeof(*m));
		for (i = 0; i < g->hosts->n; i++) {
			const struct fr_host *h;
			struct fr_var v;

			if (!fr_node_is_scalar(g->hosts->keys[i]) ||
			    (h = fr_inv_host(inv, g->hosts->keys[i]->str)) == NULL)
				continue;
			if (!fr_inv_resolve(inv, h, seq_param, &v) || fr_node_is_null(v.value)) {
				diag(inv, FR_SEV_ERROR, g->hosts->keys[i], seq_param,
				     "required for %s in cluster '%s'", h->ip, cls);
				continue;
			}
			if (!fr_node_int(v.value, &m[nm].seq))
				continue; /* the type check reports it */
			m[nm].h = h;
			for (j = 0; j < nm; j++)
				if (m[j].seq == m[nm].seq && m[j].h != h) {
					diag(inv, FR_SEV_ERROR, pos_of(inv, h, seq_param), seq_param,
					     "duplicate %s %lld in cluster '%s' (also %s)", seq_param, m[nm].seq, cls,
					     m[j].h->ip);
					break;
				}
			nm++;
		}
		if (warn_even && nm > 0 && nm % 2 == 0)
			diag(inv, FR_SEV_WARNING, g->keynode, cls_param,
			     "warning: etcd cluster '%s' has %zu members; an odd count tolerates the same failures with one node less",
			     cls, nm);
		free(m);
	}
}

static void check_pgsql(struct fr_inventory *inv)
{
	size_t gi, i, j;

	/* every host with a pg_seq needs a pg_cluster, and one only */
	for (i = 0; i < inv->nhosts; i++) {
		const struct fr_host *h = &inv->hosts[i];
		const char *first = NULL;
		struct fr_var v;

		if (fr_inv_resolve(inv, h, "pg_seq", &v) && v.src == FR_SRC_HOST &&
		    fr_inv_str(inv, h, "pg_cluster") == NULL)
			diag(inv, FR_SEV_ERROR, v.value, "pg_cluster", "%s has a pg_seq but no pg_cluster", h->ip);
		for (j = 0; j < h->ngroups; j++) {
			const char *c = fr_node_str(fr_node_get(inv->groups[h->groups[j]].vars, "pg_cluster"));

			if (c == NULL)
				continue;
			if (first && strcmp(first, c) != 0)
				diag(inv, FR_SEV_ERROR, h->keynode, "pg_cluster",
				     "%s is in two PostgreSQL clusters ('%s' and '%s'); a node serves one", h->ip,
				     first, c);
			first = c;
		}
	}
	check_members(inv, "pg_cluster", "pg_seq", NULL, NULL, 0);
	for (gi = 0; gi < inv->ngroups; gi++) {
		const struct fr_group *g = &inv->groups[gi];
		const struct fr_host *primary = NULL;
		const char *cls = fr_node_str(fr_node_get(g->vars, "pg_cluster"));
		int missing = 0;

		if (cls == NULL || !fr_node_is_map(g->hosts))
			continue;
		for (i = 0; i < g->hosts->n; i++) {
			const struct fr_host *h;
			const char *role;

			if (!fr_node_is_scalar(g->hosts->keys[i]) ||
			    (h = fr_inv_host(inv, g->hosts->keys[i]->str)) == NULL)
				continue;
			role = fr_inv_str(inv, h, "pg_role");
			if (role == NULL) {
				struct fr_var v;

				if (!fr_inv_resolve(inv, h, "pg_role", &v))
					diag(inv, FR_SEV_ERROR, g->hosts->keys[i], "pg_role",
					     "required for %s in cluster '%s' (primary, replica, standby, offline or delayed)",
					     h->ip, cls);
				missing = 1;
				continue;
			}
			if (strcmp(role, "primary") != 0)
				continue;
			if (primary)
				diag(inv, FR_SEV_ERROR, pos_of(inv, h, "pg_role"), "pg_role",
				     "cluster '%s' has two primaries: %s and %s", cls, primary->ip, h->ip);
			else
				primary = h;
		}
		if (primary == NULL && !missing && g->hosts->n > 0)
			diag(inv, FR_SEV_ERROR, fr_node_get(g->vars, "pg_cluster"), "pg_role",
			     "cluster '%s' has no primary", cls);
	}
}

size_t fr_inv_validate(struct fr_inventory *inv)
{
	if (inv->root != NULL) {
		check_structure(inv);
		if (inv->diags.nerrors == 0 || fr_node_is_map(inv->children)) {
			check_pgsql(inv);
			check_members(inv, "etcd_cluster", "etcd_seq", "etcd", "etcd", 1);
			check_members(inv, "minio_cluster", "minio_seq", NULL, NULL, 0);
			check_members(inv, "redis_cluster", "redis_node", NULL, NULL, 0);
			check_members(inv, "infra_cluster", "infra_seq", "infra", "infra", 0);
		}
	}
	fr_diags_sort(&inv->diags);
	return inv->diags.nerrors;
}
