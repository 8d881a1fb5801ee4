/* cmd-inventory.c -- `farrow inventory check|list|show`: read an inventory as farrow sees it. */
/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "farrow.h"
#include "inventory.h"
#include "params.h"
#include "plans.h"
#include "services.h"
#include "xalloc.h"

#define INVENTORY_USAGE                                                                         \
	"usage: farrow inventory check <file>\n"                                               \
	"       farrow inventory list <file>\n"                                                \
	"       farrow inventory show <file> --host <ip> [--json] [--show-secrets]\n"          \
	"\n"                                                                                   \
	"  check   validate: every problem as file:line:column: parameter: message\n"         \
	"  list    clusters, instances, roles and service ports\n"                            \
	"  show    every resolved variable of one host, with where its value came from\n"     \
	"\n"                                                                                   \
	"  --host <ip>      the host to show\n"                                                \
	"  --json           machine-readable output\n"                                         \
	"  --show-secrets   print credentials instead of ********\n"                           \
	"\n"                                                                                   \
	"exit status: 0 valid (warnings allowed), 1 cannot read, 2 usage, 3 errors found\n"

/* Load and validate path; print diagnostics. Returns an exit status, *out set when 0 or 3. */
static int load(const char *path, struct fr_inventory **out, int quiet_ok)
{
	struct fr_err err = { 0 };
	struct fr_inventory *inv = NULL;

	*out = NULL;
	if (fr_inv_load_file(path, &inv, &err) < 0) {
		fr_cli_error("%s", err.msg);
		return FR_EXIT_FAIL;
	}
	fr_inv_validate(inv);
	fr_cli_print_diags(inv->path, &inv->diags, "inventory", 1);
	*out = inv;
	if (inv->diags.nerrors) {
		fprintf(stderr, "%s: %zu error%s, %zu warning%s\n", path, inv->diags.nerrors,
			inv->diags.nerrors == 1 ? "" : "s", inv->diags.nwarnings, inv->diags.nwarnings == 1 ? "" : "s");
		return FR_EXIT_INVALID;
	}
	(void)quiet_ok;
	return FR_EXIT_OK;
}

static int check(const char *path)
{
	struct fr_inventory *inv;
	int r = load(path, &inv, 0);

	if (r == FR_EXIT_OK)
		printf("%s: ok: %zu host%s, %zu group%s, %zu warning%s\n", path, inv->nhosts,
		       inv->nhosts == 1 ? "" : "s", inv->ngroups, inv->ngroups == 1 ? "" : "s", inv->diags.nwarnings,
		       inv->diags.nwarnings == 1 ? "" : "s");
	fr_inv_free(inv);
	return r;
}

/* ------------------------------------------------------------------ list */

struct row {
	int kind; /* sort order: infra, etcd, minio, pgsql, redis */
	const char *cluster;
	long long seq;
	char *instance;
	const char *host;
	char *role;
	int port;
};

static const char *const kinds[] = { "infra", "etcd", "minio", "pgsql", "redis" };

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	if ((c = strcmp(x->cluster, y->cluster)) != 0)
		return c;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->port - y->port;
}

static void add_row(struct row **rows, size_t *n, size_t *alloc, int kind, const char *cluster, long long seq,
		    const char *instance, const char *host, const char *role, int port)
{
	struct row *r;

	FR_ALLOC_GROW(*rows, *n + 1, *alloc);
	r = &(*rows)[(*n)++];
	r->kind = kind;
	r->cluster = cluster;
	r->seq = seq;
	r->instance = fr_xstrdup(instance);
	r->host = host;
	r->role = fr_xstrdup(role ? role : "-");
	r->port = port;
}

static void redis_rows(const struct fr_inventory *inv, const struct fr_host *h, struct row **rows, size_t *n,
		       size_t *alloc)
{
	const char *cls = fr_inv_str(inv, h, "redis_cluster"), *mode = fr_inv_str(inv, h, "redis_mode");
	struct fr_var v;
	long long node, port;
	size_t i;

	if (cls == NULL || !fr_inv_int(inv, h, "redis_node", &node) ||
	    !fr_inv_resolve(inv, h, "redis_instances", &v) || !fr_node_is_map(v.value))
		return;
	for (i = 0; i < v.value->n; i++) {
		const char *role;
		char *inst;

		if (!fr_node_int(v.value->keys[i], &port))
			continue;
		if (mode && strcmp(mode, "sentinel") == 0)
			role = "sentinel";
		else if (mode && strcmp(mode, "cluster") == 0)
			role = "cluster-member";
		else
			role = fr_node_get(v.value->items[i], "replica_of") ? "replica" : "primary";
		inst = fr_xasprintf("%s-%lld-%lld", cls, node, port);
		add_row(rows, n, alloc, 4, cls, node * 100000 + port, inst, h->ip, role, (int)port);
		free(inst);
	}
}

/* A cluster member as a service selector sees it (lib/services.c): its role, its boolean variables. */
struct member {
	const struct fr_inventory *inv;
	const struct fr_host *h;
	const char *role;
};

static const char *member_get(void *ctx, const char *name)
{
	const struct member *m = ctx;
	struct fr_var v;
	int b;

	if (strcmp(name, "pg_role") == 0)
		return m->role;
	if (fr_inv_resolve(m->inv, m->h, name, &v) && fr_node_bool(v.value, &b))
		return b ? "true" : "false";
	return NULL;
}

/* One service of a cluster, from the same pg_default_services / pg_services the node renders. */
static void service_row(const struct fr_inventory *inv, const struct row *rows, size_t i, size_t n,
			const struct fr_node *s)
{
	const char *name = fr_node_str(fr_node_get(s, "name")), *dest = fr_node_str(fr_node_get(s, "dest"));
	const char *sel = fr_node_str(fr_node_get(s, "selector")), *backup = fr_node_str(fr_node_get(s, "backup"));
	const char *check = fr_node_str(fr_node_get(s, "check"));
	struct fr_buf m = FR_BUF_INIT, fb = FR_BUF_INIT;
	long long port;
	size_t j;

	if (name == NULL || !fr_node_int(fr_node_get(s, "port"), &port))
		return;
	if (dest == NULL || strcmp(dest, "default") == 0)
		dest = fr_inv_str(inv, fr_inv_host(inv, rows[i].host), "pg_default_service_dest");
	for (j = i; j < n && rows[j].kind == 3 && strcmp(rows[j].cluster, rows[i].cluster) == 0; j++) {
		struct member mb = { inv, fr_inv_host(inv, rows[j].host), rows[j].role };
		int b = backup && fr_service_selects(backup, member_get, &mb);
		struct fr_buf *dst = b ? &fb : fr_service_selects(sel ? sel : "[]", member_get, &mb) ? &m : NULL;

		if (dst)
			fr_buf_addf(dst, "%s%s", dst->len ? "," : "", rows[j].instance);
	}
	if (fb.len)
		fr_buf_addf(&m, "%s(backup:%s)", m.len ? " " : "", fb.buf);
	{
		char *full = fr_xasprintf("%s-%s", rows[i].cluster, name);

		printf("%-24s %-6lld %-10s %-11s %s\n", full, port, dest ? dest : "pgbouncer", check ? check : "/primary",
		       m.len ? m.buf : "-");
		free(full);
	}
	fr_buf_release(&m);
	fr_buf_release(&fb);
}

static void services(const struct fr_inventory *inv, const struct row *rows, size_t n)
{
	const char *last = NULL;
	size_t i, k, l;

	/* SERVERS: what haproxy gets for the service; CHECK (patroni's REST API) says which serve */
	printf("\n%-24s %-6s %-10s %-11s %s\n", "SERVICE", "PORT", "DEST", "CHECK", "SERVERS");
	for (i = 0; i < n; i++) {
		const struct fr_host *h = fr_inv_host(inv, rows[i].host);
		static const char *const lists[] = { "pg_default_services", "pg_services" };

		if (rows[i].kind != 3 || (last && strcmp(last, rows[i].cluster) == 0))
			continue;
		last = rows[i].cluster;
		for (l = 0; l < 2; l++) {
			struct fr_var v;

			if (!fr_inv_resolve(inv, h, lists[l], &v) || !fr_node_is_seq(v.value))
				continue;
			for (k = 0; k < v.value->n; k++)
				service_row(inv, rows, i, n, v.value->items[k]);
		}
	}
}

static int list(const char *path)
{
	struct fr_inventory *inv;
	struct row *rows = NULL;
	size_t n = 0, alloc = 0, i;
	int r = load(path, &inv, 1);

	if (r != FR_EXIT_OK) {
		fr_inv_free(inv);
		return r;
	}
	for (i = 0; i < inv->nhosts; i++) {
		const struct fr_host *h = &inv->hosts[i];
		struct fr_ident id;
		long long seq = 0;

		fr_inv_identity(inv, h, &id);
		if (id.infra_instance) {
			fr_inv_int(inv, h, "infra_seq", &seq);
			add_row(&rows, &n, &alloc, 0, "infra", seq, id.infra_instance, h->ip, NULL, 0);
		}
		if (id.etcd_instance) {
			fr_inv_int(inv, h, "etcd_seq", &seq);
			add_row(&rows, &n, &alloc, 1, fr_inv_str(inv, h, "etcd_cluster"), seq, id.etcd_instance, h->ip,
				"member", 2379);
		}
		if (id.minio_instance) {
			fr_inv_int(inv, h, "minio_seq", &seq);
			add_row(&rows, &n, &alloc, 2, fr_inv_str(inv, h, "minio_cluster"), seq, id.minio_instance, h->ip,
				"member", 9000);
		}
		if (id.pg_instance)
			add_row(&rows, &n, &alloc, 3, id.pg_cluster, id.pg_seq, id.pg_instance, h->ip, id.pg_role, 5432);
		redis_rows(inv, h, &rows, &n, &alloc);
		fr_ident_release(&id);
	}
	if (n)
		qsort(rows, n, sizeof(*rows), cmp_row);
	printf("%-16s %-6s %-24s %-16s %-15s %s\n", "CLUSTER", "KIND", "INSTANCE", "HOST", "ROLE", "PORT");
	for (i = 0; i < n; i++) {
		char port[16] = "-";

		if (rows[i].port)
			snprintf(port, sizeof(port), "%d", rows[i].port);
		printf("%-16s %-6s %-24s %-16s %-15s %s\n", rows[i].cluster, kinds[rows[i].kind], rows[i].instance,
		       rows[i].host, rows[i].role, port);
	}
	services(inv, rows, n);
	for (i = 0; i < n; i++) {
		free(rows[i].instance);
		free(rows[i].role);
	}
	free(rows);
	fr_inv_free(inv);
	return FR_EXIT_OK;
}

/* ------------------------------------------------------------------ show */

static void source_text(const struct fr_var *v, struct fr_buf *b)
{
	fr_buf_adds(b, fr_source_name(v->src));
	if (v->group)
		fr_buf_addf(b, " %s", v->group);
}

static int show(const char *path, const char *ip, int json, int secrets)
{
	struct fr_inventory *inv;
	const struct fr_host *h;
	struct fr_var *vars = NULL;
	struct fr_ident id;
	struct fr_buf out = FR_BUF_INIT;
	size_t n = 0, i;
	int r = load(path, &inv, 1);
	int (*mask)(const char *) = secrets ? NULL : fr_param_is_secret;

	if (r != FR_EXIT_OK) {
		fr_inv_free(inv);
		return r;
	}
	if ((h = fr_inv_host(inv, ip)) == NULL) {
		fr_cli_error("host '%s' is not in '%s'", ip, path);
		fr_inv_free(inv);
		return FR_EXIT_FAIL;
	}
	fr_inv_identity(inv, h, &id);
	fr_inv_host_vars(inv, h, &vars, &n);
	if (json) {
		fr_buf_adds(&out, "{\"host\":");
		fr_buf_add_json_str(&out, h->ip);
		fr_buf_adds(&out, ",\"groups\":[");
		for (i = 0; i < h->ngroups; i++) {
			fr_buf_adds(&out, i ? "," : "");
			fr_buf_add_json_str(&out, inv->groups[h->groups[i]].name);
		}
		fr_buf_adds(&out, "],\"identities\":{");
#define IDJ(key, val)                                                   \
	if (val) {                                                      \
		fr_buf_addf(&out, "%s\"" key "\":", comma ? "," : ""); \
		fr_buf_add_json_str(&out, val);                         \
		comma = 1;                                              \
	}
		{
			int comma = 0;

			IDJ("pg_instance", id.pg_instance);
			IDJ("pg_role", id.pg_role);
			IDJ("etcd_instance", id.etcd_instance);
			IDJ("minio_instance", id.minio_instance);
			IDJ("infra_instance", id.infra_instance);
			if (id.nredis) {
				fr_buf_addf(&out, "%s\"redis_instances\":[", comma ? "," : "");
				for (i = 0; i < id.nredis; i++) {
					fr_buf_adds(&out, i ? "," : "");
					fr_buf_add_json_str(&out, id.redis_instances[i]);
				}
				fr_buf_addc(&out, ']');
			}
		}
#undef IDJ
		fr_buf_adds(&out, "},\"vars\":{");
		for (i = 0; i < n; i++) {
			fr_buf_adds(&out, i ? "," : "");
			fr_buf_add_json_str(&out, vars[i].name);
			fr_buf_adds(&out, ":{\"value\":");
			if (mask && fr_param_is_secret(vars[i].name))
				fr_buf_adds(&out, "\"********\"");
			else
				fr_node_to_json(vars[i].value, &out, mask);
			fr_buf_addf(&out, ",\"source\":\"%s\"", fr_source_name(vars[i].src));
			if (vars[i].group) {
				fr_buf_adds(&out, ",\"group\":");
				fr_buf_add_json_str(&out, vars[i].group);
			}
			if (vars[i].src != FR_SRC_DEFAULT)
				fr_buf_addf(&out, ",\"line\":%d,\"column\":%d", vars[i].value->line, vars[i].value->col);
			if (strcmp(vars[i].name, "pg_rto") == 0 && fr_rto_plan(fr_node_str(vars[i].value))) {
				const struct fr_rto_plan *p = fr_rto_plan(fr_node_str(vars[i].value));

				fr_buf_addf(&out,
					    ",\"plan\":{\"ttl\":%d,\"loop_wait\":%d,\"retry_timeout\":%d,"
					    "\"primary_start_timeout\":%d,\"safety_margin\":%d,\"inter\":\"%s\","
					    "\"fastinter\":\"%s\",\"downinter\":\"%s\",\"rise\":%d,\"fall\":%d}",
					    p->ttl, p->loop_wait, p->retry_timeout, p->primary_start_timeout, p->safety_margin,
					    p->inter, p->fastinter, p->downinter, p->rise, p->fall);
			}
			fr_buf_addc(&out, '}');
		}
		fr_buf_adds(&out, "}}\n");
	} else {
		fr_buf_addf(&out, "host %s", h->ip);
		if (id.pg_instance)
			fr_buf_addf(&out, "  %s (%s)", id.pg_instance, id.pg_role ? id.pg_role : "no role");
		if (id.etcd_instance)
			fr_buf_addf(&out, "  %s", id.etcd_instance);
		if (id.minio_instance)
			fr_buf_addf(&out, "  %s", id.minio_instance);
		if (id.infra_instance)
			fr_buf_addf(&out, "  %s", id.infra_instance);
		for (i = 0; i < id.nredis; i++)
			fr_buf_addf(&out, "  %s", id.redis_instances[i]);
		fr_buf_adds(&out, "\n");
		for (i = 0; i < n; i++) {
			struct fr_buf val = FR_BUF_INIT, src = FR_BUF_INIT;

			if (mask && fr_param_is_secret(vars[i].name))
				fr_buf_adds(&val, "********");
			else
				fr_node_to_flow(vars[i].value, &val, mask);
			source_text(&vars[i], &src);
			if (vars[i].src != FR_SRC_DEFAULT)
				fr_buf_addf(&src, " (%s:%d)", path, vars[i].value->line);
			fr_buf_addf(&out, "%-32s %-40s %s\n", vars[i].name, val.buf, src.buf);
			if (strcmp(vars[i].name, "pg_rto") == 0 && fr_rto_plan(fr_node_str(vars[i].value))) {
				const struct fr_rto_plan *p = fr_rto_plan(fr_node_str(vars[i].value));

				fr_buf_addf(&out,
					    "%-32s patroni ttl %d, loop_wait %d, retry_timeout %d, primary_start_timeout %d, "
					    "safety_margin %d; haproxy inter %s fastinter %s downinter %s rise %d fall %d\n",
					    "", p->ttl, p->loop_wait, p->retry_timeout, p->primary_start_timeout,
					    p->safety_margin, p->inter, p->fastinter, p->downinter, p->rise, p->fall);
			}
			fr_buf_release(&val);
			fr_buf_release(&src);
		}
	}
	fwrite(out.buf, 1, out.len, stdout);
	fr_buf_release(&out);
	free(vars);
	fr_ident_release(&id);
	fr_inv_free(inv);
	return FR_EXIT_OK;
}

int cmd_inventory(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "json", no_argument, NULL, 'j' },
		{ "show-secrets", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *verb, *host = NULL;
	int c, json = 0, secrets = 0;

	if (argc < 2) {
		fputs(INVENTORY_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	verb = argv[1];
	if (strcmp(verb, "-h") == 0 || strcmp(verb, "--help") == 0) {
		fputs(INVENTORY_USAGE, stdout);
		return FR_EXIT_OK;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			host = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'S':
			secrets = 1;
			break;
		case 'h':
			fputs(INVENTORY_USAGE, stdout);
			return FR_EXIT_OK;
		default:
			fputs(INVENTORY_USAGE, stderr);
			return FR_EXIT_USAGE;
		}
	}
	argc -= optind + 1;
	argv += optind + 1;
	if (argc != 1) {
		fr_cli_error("inventory %s: %s", verb, argc ? "one file only" : "which file?");
		fputs(INVENTORY_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	if (strcmp(verb, "check") == 0 && !host && !json)
		return check(argv[0]);
	if (strcmp(verb, "list") == 0 && !host && !json)
		return list(argv[0]);
	if (strcmp(verb, "show") == 0) {
		if (host == NULL) {
			fr_cli_error("inventory show: --host <ip> is required");
			return FR_EXIT_USAGE;
		}
		return show(argv[0], host, json, secrets);
	}
	fr_cli_error("inventory: '%s' is not check, list or show (or takes no such option)", verb);
	fputs(INVENTORY_USAGE, stderr);
	return FR_EXIT_USAGE;
}
