/* values.c -- what a parameter's value may be: its type, and the grammar of the files it lands in. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <ctype.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cron.h"
#include "fileio.h"
#include "inventory.h"
#include "minio.h"
#include "params.h"
#include "plans.h"
#include "values.h"
#include "xalloc.h"

static void diag(struct fr_diags *d, enum fr_severity sev, const struct fr_node *at, const char *param,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void diag(struct fr_diags *d, enum fr_severity sev, const struct fr_node *at, const char *param,
		 const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	char *c;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (c = msg; *c; c++) /* a hostile value quoted in a message stays on its line */
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	fr_diags_add(d, sev, at ? at->line : 0, at ? at->col : 0, param, "%s", msg);
}

/* ---- the alphabets */

static int all_in(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return 0;
	return 1;
}

const char *fr_value_name_problem(const char *s)
{
	if (s == NULL || *s == '\0')
		return "is empty";
	if (!all_in(s, "-"))
		return "does not match [A-Za-z0-9-]+";
	if (strcmp(s, "root") == 0)
		return "is reserved";
	return NULL;
}

/* PostgreSQL role, database, schema, extension names as farrow writes them unquoted. */
static const char *ident_problem(const char *s)
{
	if (*s == '\0')
		return "is empty";
	if (strlen(s) > 63)
		return "is longer than 63 bytes (PostgreSQL's NAMEDATALEN)";
	if (*s == '-' || !all_in(s, "_.$-"))
		return "does not match [A-Za-z0-9_.$-]+ (a role, database or schema name)";
	return NULL;
}

static int is_cidr(const char *s)
{
	const char *slash = strchr(s, '/');
	char ip[64];
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	long bits = -1;

	if (n == 0 || n >= sizeof(ip))
		return 0;
	memcpy(ip, s, n);
	ip[n] = '\0';
	if (slash) {
		char *end;

		if (!isdigit((unsigned char)slash[1]))
			return 0;
		bits = strtol(slash + 1, &end, 10);
		if (*end)
			return 0;
	}
	if (fr_is_ipv4(ip))
		return bits <= 32;
	/* IPv6: hex digits and colons (a dotted tail allowed) */
	return strchr(ip, ':') && all_in(ip, ":.") && strspn(ip, "0123456789abcdefABCDEF:.") == n && bits <= 128;
}

static const char *path_problem(const char *s)
{
	if (s[0] != '/')
		return "is not an absolute path";
	if (s[1] == '\0')
		return NULL;
	return fr_path_problem(s + 1, 0);
}

/* An etcd key prefix: an absolute path that ends in '/' ("/pg/pg-meta/"). */
static const char *prefix_problem(const char *s)
{
	size_t n = strlen(s);
	char *inner;
	const char *why;

	if (n < 2 || s[0] != '/' || s[n - 1] != '/')
		return "is not a key prefix (/<namespace>/<cluster>/)";
	inner = fr_xstrndup(s, n - 1);
	why = path_problem(inner) ? "is not a key prefix (/<namespace>/<cluster>/)" : NULL;
	free(inner);
	return why;
}

static const char *hostname_problem(const char *s)
{
	if (*s == '\0' || strlen(s) > 253 || !all_in(s, ".-") || *s == '-' || *s == '.' || strstr(s, ".."))
		return "is not a host name ([A-Za-z0-9.-]+)";
	return NULL;
}

/*
 * A PostgreSQL time setting as recovery_min_apply_delay takes it: 0, milliseconds, or a number
 * with one of its units (ms, s, min, h, d), at most 30 days; nothing else reaches postgresql.conf.
 */
static const char *delay_problem(const char *s)
{
	static const struct { const char *unit; double ms; } units[] = {
		{ "", 1 }, { "ms", 1 }, { "s", 1e3 }, { "min", 6e4 }, { "h", 3.6e6 }, { "d", 8.64e7 },
	};
	const char *u = s;
	double n = 0;
	size_t i;

	while (*u >= '0' && *u <= '9' && u - s < 10)
		n = n * 10 + (*u++ - '0');
	if (u == s)
		return "is not a delay: a number of milliseconds, or a number with ms, s, min, h or d (as 1h)";
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(u, units[i].unit) == 0)
			return n * units[i].ms > 30 * 8.64e7 ? "is more than 30 days" : NULL;
	return "is not a delay: a number of milliseconds, or a number with ms, s, min, h or d (as 1h)";
}

/* A virtual IP as `ip addr` takes it: an IPv4 address with its prefix length. */
static const char *vip_problem(const char *s)
{
	const char *slash = strchr(s, '/');
	char ip[16];
	char *end;
	long bits;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(ip) || !isdigit((unsigned char)slash[1]))
		return "is not an IPv4 address with its prefix length (as 10.10.10.2/24)";
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	bits = strtol(slash + 1, &end, 10);
	if (!fr_is_ipv4(ip) || *end || bits < 1 || bits > 32)
		return "is not an IPv4 address with its prefix length (as 10.10.10.2/24)";
	return NULL;
}

/* A block device as an installer names it: /dev/<name> or /dev/disk/by-id/<name>, nothing a shell
 * or an answer file's grammar would read as more than one word. */
static const char *blockdev_problem(const char *s)
{
	if (strncmp(s, "/dev/", 5) != 0 || s[5] == '\0' || fr_path_problem(s + 5, 0) || strchr(s, '%') || strchr(s, '='))
		return "is not a block device path (as /dev/sda or /dev/disk/by-id/...)";
	return NULL;
}

static const char *ipv4_problem(const char *s)
{
	return fr_is_ipv4(s) ? NULL : "is not an IPv4 address";
}

/* A network interface name as Linux allows it: 1-15 bytes, no '/', no space, not '-' first. */
static const char *iface_problem(const char *s)
{
	if (!*s || strlen(s) > 15 || *s == '-' || !all_in(s, "_.:-@"))
		return "is not a network interface name (1-15 of [A-Za-z0-9_.:@-])";
	return NULL;
}

static const char *port_problem(const struct fr_node *v)
{
	long long n;

	if (!fr_node_int(v, &n) || n < 1 || n > 65535)
		return "is not a port number (1-65535)";
	return NULL;
}

/* ---- the enumerations */

static const char *const pg_roles[] = { "primary", "replica", "standby", "offline", "delayed", NULL };
static const char *const regions[] = { "default", "china", "europe", NULL };
static const char *const poolmodes[] = { "transaction", "session", "statement", NULL };
static const char *const redis_modes[] = { "standalone", "cluster", "sentinel", NULL };
static const char *const minio_types[] = { "silo", "minio", NULL };
static const char *const redis_types[] = { "redis", NULL }; /* valkey: in no bundle farrow builds yet */
static const char *const redis_policies[] = { "volatile-lru", "allkeys-lru", "volatile-lfu", "allkeys-lfu",
					      "volatile-random", "allkeys-random", "volatile-ttl", "noeviction", NULL };
static const char *const tunes[] = { "oltp", "olap", "tiny", "crit", NULL };
static const char *const etcd_inits[] = { "new", "existing", NULL };
static const char *const pg_confs[] = { "oltp.yml", "olap.yml", "crit.yml", "tiny.yml", NULL };
static const char *const watchdogs[] = { "off", "automatic", "required", NULL };
static const char *const pwd_encs[] = { "scram-sha-256", "md5", NULL };
static const char *const hba_auths[] = { "deny", "pwd", "sha", "scram", "md5", "ssl", "ssl-md5", "ssl-sha",
					 "cert", "trust", "ident", "peer", "reject", NULL };
static const char *const hba_roles[] = { "common", "primary", "replica", "offline", "standby", "delayed", NULL };
static const char *const hba_aliases[] = { "local", "localhost", "intra", "intranet", "world", "infra", "admin",
					   "cluster", "all", "samehost", "samenet", NULL };
static const char *const hba_users[] = { "${dbsu}", "${repl}", "${monitor}", "${admin}", NULL };
static const char *const service_dests[] = { "default", "postgres", "pgbouncer", NULL };

static int one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

static void check_enum(struct fr_diags *d, const char *param, const struct fr_node *v, const char *const *set)
{
	struct fr_buf b = FR_BUF_INIT;
	size_t i;

	if (!fr_node_is_scalar(v) || fr_node_is_null(v) || one_of(v->str, set))
		return;
	for (i = 0; set[i]; i++)
		fr_buf_addf(&b, "%s%s", i ? ", " : "", set[i]);
	diag(d, FR_SEV_ERROR, v, param, "'%s' is not one of %s", v->str, b.buf);
	fr_buf_release(&b);
}

/* A string field: problem(s) NULL or why not. Absent and null fields are fine. */
static void check_str(struct fr_diags *d, const char *param, const struct fr_node *v, const char *what,
		      const char *(*problem)(const char *))
{
	const char *why;

	if (v == NULL || fr_node_is_null(v))
		return;
	if (!fr_node_is_scalar(v)) {
		diag(d, FR_SEV_ERROR, v, param, "%s%sexpected a string, got %s", what ? what : "", what ? ": " : "",
		     fr_node_kind_name(v));
		return;
	}
	if ((why = problem(v->str)) != NULL)
		diag(d, FR_SEV_ERROR, v, param, "%s%s'%s' %s", what ? what : "", what ? " " : "", v->str, why);
}

static void check_int(struct fr_diags *d, const char *param, const struct fr_node *v, const char *what, long long lo,
		      long long hi)
{
	long long n;

	if (v == NULL || fr_node_is_null(v))
		return;
	if (!fr_node_int(v, &n) || n < lo || n > hi)
		diag(d, FR_SEV_ERROR, v, param, "%s: expected an integer %lld-%lld, got %s%s%s", what, lo, hi,
		     fr_node_is_scalar(v) ? "'" : "", fr_node_is_scalar(v) ? v->str : fr_node_kind_name(v),
		     fr_node_is_scalar(v) ? "'" : "");
}

static void check_bool(struct fr_diags *d, const char *param, const struct fr_node *v, const char *what)
{
	int b;

	if (v != NULL && !fr_node_is_null(v) && !fr_node_bool(v, &b))
		diag(d, FR_SEV_ERROR, v, param, "%s: expected true or false, got %s", what, fr_node_kind_name(v));
}

/* Every key of an item mapping is one of known (a typo would silently be ignored otherwise). */
static int item_map(struct fr_diags *d, const char *param, const struct fr_node *item, const char *what,
		    const char *const *known)
{
	size_t i;

	if (!fr_node_is_map(item)) {
		diag(d, FR_SEV_ERROR, item, param, "each %s is a mapping, not a %s", what, fr_node_kind_name(item));
		return 0;
	}
	for (i = 0; known && i < item->n; i++)
		if (fr_node_is_scalar(item->keys[i]) && !one_of(item->keys[i]->str, known))
			diag(d, FR_SEV_WARNING, item->keys[i], param, "warning: unknown key '%s' in a %s",
			     item->keys[i]->str, what);
	return 1;
}

static const char *ident_or_plus(const char *s)
{
	return ident_problem(*s == '+' ? s + 1 : s);
}

static const char *hba_user_problem(const char *s)
{
	return one_of(s, hba_users) ? NULL : ident_or_plus(s);
}

static const char *hba_addr_problem(const char *s)
{
	return one_of(s, hba_aliases) || is_cidr(s) ? NULL
						    : "is not an address (IPv4 or IPv6, optionally /bits) or one of "
						      "local, localhost, intra, world, infra, admin, cluster";
}

static void check_list_of(struct fr_diags *d, const char *param, const struct fr_node *v, const char *what,
			  const char *(*problem)(const char *))
{
	size_t i;

	if (v == NULL || fr_node_is_null(v))
		return;
	if (!fr_node_is_seq(v)) {
		diag(d, FR_SEV_ERROR, v, param, "%s: expected a list, got %s", what, fr_node_kind_name(v));
		return;
	}
	for (i = 0; i < v->n; i++)
		check_str(d, param, v->items[i], what, problem);
}

/* pg_hba_rules, pg_default_hba_rules, pgb_hba_rules: Pigsty's rule form, or { rules: [raw lines] }. */
static void check_hba(struct fr_diags *d, const char *param, const struct fr_node *v)
{
	static const char *const known[] = { "user", "db", "addr", "auth", "title", "role", "order", "rules", NULL };
	size_t i;

	for (i = 0; fr_node_is_seq(v) && i < v->n; i++) {
		const struct fr_node *r = v->items[i];

		if (!item_map(d, param, r, "hba rule", known))
			continue;
		check_str(d, param, fr_node_get(r, "user"), "user", hba_user_problem);
		check_str(d, param, fr_node_get(r, "db"), "db", ident_or_plus);
		check_str(d, param, fr_node_get(r, "addr"), "addr", hba_addr_problem);
		check_enum(d, param, fr_node_get(r, "auth"), hba_auths);
		check_enum(d, param, fr_node_get(r, "role"), hba_roles);
		check_int(d, param, fr_node_get(r, "order"), "order", 0, 1000000);
		if (fr_node_get(r, "rules") && !fr_node_is_seq(fr_node_get(r, "rules")))
			diag(d, FR_SEV_ERROR, fr_node_get(r, "rules"), param, "rules: expected a list of pg_hba lines");
	}
}

static const char *date_problem(const char *s)
{
	int y, m, dd;
	char tail;

	return sscanf(s, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) == 3 && m >= 1 && m <= 12 && dd >= 1 && dd <= 31
		       ? NULL
		       : "is not a date YYYY-MM-DD";
}

static const char *param_name_problem(const char *s)
{
	return *s && all_in(s, "_.") ? NULL : "is not a parameter name ([A-Za-z0-9_.]+)";
}

/* { name: value } settings: names of a fixed alphabet, scalar values. */
static void check_settings(struct fr_diags *d, const char *param, const struct fr_node *v, const char *extra)
{
	size_t i;

	for (i = 0; fr_node_is_map(v) && i < v->n; i++) {
		const struct fr_node *k = v->keys[i];

		if (!fr_node_is_scalar(k) || !*k->str || !all_in(k->str, extra))
			diag(d, FR_SEV_ERROR, k, param, "'%s' is not a setting name", fr_node_is_scalar(k) ? k->str : "?");
		if (!fr_node_is_scalar(v->items[i]) && !fr_node_is_seq(v->items[i]))
			diag(d, FR_SEV_ERROR, v->items[i], param, "%s: a setting's value is a scalar",
			     fr_node_is_scalar(k) ? k->str : "?");
	}
}

static void check_users(struct fr_diags *d, const char *param, const struct fr_node *v)
{
	static const char *const known[] = { "name", "password", "login", "superuser", "createdb", "createrole",
					     "inherit", "replication", "bypassrls", "connlimit", "expire_in",
					     "expire_at", "comment", "roles", "parameters", "pgbouncer", "pool_mode",
					     "pool_connlimit", "state", NULL };
	size_t i;

	for (i = 0; fr_node_is_seq(v) && i < v->n; i++) {
		const struct fr_node *u = v->items[i];
		static const char *const flags[] = { "login", "superuser", "createdb", "createrole", "inherit",
						     "replication", "bypassrls", "pgbouncer", NULL };
		size_t f;

		if (!item_map(d, param, u, "user", known))
			continue;
		if (fr_node_get(u, "name") == NULL)
			diag(d, FR_SEV_ERROR, u, param, "a user needs a name");
		check_str(d, param, fr_node_get(u, "name"), "name", ident_problem);
		if (fr_node_get(u, "password") && !fr_node_is_scalar(fr_node_get(u, "password")))
			diag(d, FR_SEV_ERROR, fr_node_get(u, "password"), param, "password: expected a string, got %s",
			     fr_node_kind_name(fr_node_get(u, "password")));
		for (f = 0; flags[f]; f++)
			check_bool(d, param, fr_node_get(u, flags[f]), flags[f]);
		check_int(d, param, fr_node_get(u, "connlimit"), "connlimit", -1, 1000000);
		check_int(d, param, fr_node_get(u, "pool_connlimit"), "pool_connlimit", -1, 1000000);
		check_int(d, param, fr_node_get(u, "expire_in"), "expire_in", 0, 100000);
		check_str(d, param, fr_node_get(u, "expire_at"), "expire_at", date_problem);
		check_enum(d, param, fr_node_get(u, "pool_mode"), poolmodes);
		check_list_of(d, param, fr_node_get(u, "roles"), "role", ident_problem);
		check_settings(d, param, fr_node_get(u, "parameters"), "_.");
	}
}

static const char *word_problem(const char *s)
{
	return *s && all_in(s, "_.@-") ? NULL : "is not a word of [A-Za-z0-9_.@-]";
}

static void check_databases(struct fr_diags *d, const char *param, const struct fr_node *v)
{
	static const char *const known[] = { "name", "owner", "template", "encoding", "locale", "lc_collate",
					     "lc_ctype", "tablespace", "allowconn", "revokeconn", "register_datasource",
					     "connlimit", "comment", "schemas", "extensions", "parameters", "pgbouncer",
					     "pool_mode", "pool_size", "pool_size_reserve", "pool_reserve", "pool_size_min", "pool_connlimit",
					     "pool_max_db_conn", "pool_auth_user", "baseline", "state", "strategy",
					     "is_template", "locale_provider", "icu_locale", "icu_rules", "builtin_locale",
					     NULL };
	size_t i, j;

	for (i = 0; fr_node_is_seq(v) && i < v->n; i++) {
		const struct fr_node *db = v->items[i], *ext;
		static const char *const words[] = { "encoding", "locale", "lc_collate", "lc_ctype", NULL };
		static const char *const idents[] = { "owner", "template", "tablespace", NULL };
		static const char *const flags[] = { "allowconn", "revokeconn", "pgbouncer", "is_template", NULL };

		if (!item_map(d, param, db, "database", known))
			continue;
		if (fr_node_get(db, "name") == NULL)
			diag(d, FR_SEV_ERROR, db, param, "a database needs a name");
		check_str(d, param, fr_node_get(db, "name"), "name", ident_problem);
		for (j = 0; idents[j]; j++)
			check_str(d, param, fr_node_get(db, idents[j]), idents[j], ident_problem);
		for (j = 0; words[j]; j++)
			check_str(d, param, fr_node_get(db, words[j]), words[j], word_problem);
		for (j = 0; flags[j]; j++)
			check_bool(d, param, fr_node_get(db, flags[j]), flags[j]);
		check_int(d, param, fr_node_get(db, "connlimit"), "connlimit", -1, 1000000);
		check_enum(d, param, fr_node_get(db, "pool_mode"), poolmodes);
		check_list_of(d, param, fr_node_get(db, "schemas"), "schema", ident_problem);
		ext = fr_node_get(db, "extensions");
		for (j = 0; fr_node_is_seq(ext) && j < ext->n; j++) {
			const struct fr_node *e = ext->items[j];

			if (fr_node_is_map(e)) {
				check_str(d, param, fr_node_get(e, "name"), "extension", ident_problem);
				check_str(d, param, fr_node_get(e, "schema"), "schema", ident_problem);
			} else
				check_str(d, param, e, "extension", ident_problem);
		}
		check_settings(d, param, fr_node_get(db, "parameters"), "_.");
	}
}

static const char *service_name_problem(const char *s)
{
	return *s && all_in(s, "_-") ? NULL : "does not match [A-Za-z0-9_-]+";
}

static const char *check_path_problem(const char *s)
{
	return s[0] == '/' && all_in(s, "/_.-") ? NULL : "is not a health-check path (/[A-Za-z0-9/_.-]*)";
}

static const char *bind_problem(const char *s)
{
	return strcmp(s, "*") == 0 || fr_is_ipv4(s) ? NULL : "is not '*' or an IPv4 address";
}

static void check_services(struct fr_diags *d, const char *param, const struct fr_node *v)
{
	static const char *const known[] = { "name", "port", "ip", "selector", "backup", "dest", "check", "maxconn",
					     "balance", "options", NULL };
	size_t i;

	for (i = 0; fr_node_is_seq(v) && i < v->n; i++) {
		const struct fr_node *s = v->items[i], *dest;
		long long n;

		if (!item_map(d, param, s, "service", known))
			continue;
		if (fr_node_get(s, "name") == NULL || fr_node_get(s, "port") == NULL)
			diag(d, FR_SEV_ERROR, s, param, "a service needs a name and a port");
		check_str(d, param, fr_node_get(s, "name"), "name", service_name_problem);
		if (fr_node_get(s, "port") && port_problem(fr_node_get(s, "port")))
			diag(d, FR_SEV_ERROR, fr_node_get(s, "port"), param, "port %s", port_problem(fr_node_get(s, "port")));
		check_str(d, param, fr_node_get(s, "ip"), "ip", bind_problem);
		check_str(d, param, fr_node_get(s, "check"), "check", check_path_problem);
		dest = fr_node_get(s, "dest");
		if (dest && !fr_node_int(dest, &n))
			check_enum(d, param, dest, service_dests);
		else if (dest && (n < 1 || n > 65535))
			diag(d, FR_SEV_ERROR, dest, param, "dest %s", port_problem(dest));
		check_int(d, param, fr_node_get(s, "maxconn"), "maxconn", 1, 1000000);
	}
}

static const char *etc_hosts_problem(const char *s)
{
	char ip[64];
	const char *p = s;
	size_t n = strcspn(s, " \t");

	if (n == 0 || n >= sizeof(ip))
		return "is not 'IP name [name...]'";
	memcpy(ip, s, n);
	ip[n] = '\0';
	/* ${admin_ip} and the like: a parameter the node expands, itself checked as an address */
	if (!fr_is_ipv4(ip) && !(strncmp(ip, "${", 2) == 0 && ip[n - 1] == '}' && n > 3 &&
				 strspn(ip + 2, "abcdefghijklmnopqrstuvwxyz_") == n - 3))
		return "does not start with an IPv4 address or ${parameter}";
	for (p = s + n; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(" \t.-", *p))
			return "holds something other than host names after the address";
	return NULL;
}

static const char *libs_problem(const char *s)
{
	return all_in(s, "_, ") ? NULL : "is not a list of library names ([A-Za-z0-9_, ])";
}

static const char *listen_problem(const char *s)
{
	return *s && all_in(s, ".:*${},") ? NULL : "is not a list of addresses (IPs, '*', ${ip}, ${vip}, ${lo})";
}

static void check_pgbackrest_repo(struct fr_diags *d, const char *param, const struct fr_node *v)
{
	size_t i;

	for (i = 0; fr_node_is_map(v) && i < v->n; i++) {
		const struct fr_node *k = v->keys[i];

		if (!fr_node_is_scalar(k) || !*k->str || !all_in(k->str, "_-"))
			diag(d, FR_SEV_ERROR, k, param, "'%s' is not a repository name ([A-Za-z0-9_-]+)",
			     fr_node_is_scalar(k) ? k->str : "?");
		else if (fr_node_is_map(v->items[i])) {
			check_settings(d, param, v->items[i], "_-");
			check_str(d, param, fr_node_get(v->items[i], "path"), "path", path_problem);
		} else
			diag(d, FR_SEV_ERROR, v->items[i], param, "repository '%s' is a mapping", k->str);
	}
}

/* A pg_crontab line: what lib/cron.c turns into a systemd timer. */
static const char *cron_problem(const char *s)
{
	struct fr_cron c;

	return fr_cron_parse(s, &c);
}

/* ---- MinIO: what reaches /etc/default/minio (systemd's EnvironmentFile, values double-quoted) */

/* an access key (MINIO_ROOT_USER, a user's): 3-128 of [A-Za-z0-9._@+-], as MinIO takes them */
static const char *minio_key_problem(const char *s)
{
	size_t n = strlen(s);

	return n >= 3 && n <= 128 && all_in(s, "._@+-") ? NULL : "is not an access key (3-128 of [A-Za-z0-9._@+-])";
}

/* a secret key: 8-40 characters (MinIO's bounds), none that ends or escapes a quoted value */
static const char *minio_secret_problem(const char *s)
{
	size_t n = strlen(s);

	if (n < 8 || n > 40)
		return "must be 8 to 40 characters long (MinIO refuses others)";
	return strpbrk(s, "\"\\$`' ") ? "has a quote, backslash, '$', '`' or space: not in an environment file" : NULL;
}

/* minio_node: a host name once ${minio_cluster} and ${minio_seq} are put in */
static const char *minio_node_problem(const char *s)
{
	char *n = fr_minio_node(s, "minio", 1);
	const char *why = hostname_problem(n) ? "is not a host name pattern ([A-Za-z0-9.-], ${minio_cluster}, ${minio_seq})"
					      : NULL;

	free(n);
	return why;
}

/* an S3 bucket name: 3-63 of [a-z0-9.-], starting and ending with a letter or digit */
static const char *bucket_problem(const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789.-", s[i]))
			break;
	if (n < 3 || n > 63 || i < n || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]) ||
	    strstr(s, ".."))
		return "is not a bucket name (3-63 of [a-z0-9.-], a letter or digit at each end)";
	return NULL;
}

/* minio_extra_vars: empty, or one KEY=VALUE line for the environment file */
static const char *minio_env_problem(const char *s)
{
	size_t k = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

	if (*s == '\0')
		return NULL;
	if (k == 0 || s[k] != '=' || strpbrk(s + k + 1, "\"\\$`'"))
		return "is not one KEY=VALUE line (KEY of [A-Z0-9_], no quotes, '$' or '`' in VALUE)";
	return NULL;
}

static void check_minio_buckets(struct fr_diags *d, const char *param, const struct fr_node *v)
{
	static const char *const known[] = { "name", "versioning", "lock", "objlock", "quota", NULL };
	size_t i;

	for (i = 0; fr_node_is_seq(v) && i < v->n; i++) {
		const struct fr_node *b = v->items[i];

		if (!item_map(d, param, b, "bucket", known))
			continue;
		if (fr_node_get(b, "name") == NULL)
			diag(d, FR_SEV_ERROR, b, param, "a bucket needs a name");
		check_str(d, param, fr_node_get(b, "name"), "name", bucket_problem);
		check_bool(d, param, fr_node_get(b, "versioning"), "versioning");
		check_bool(d, param, fr_node_get(b, "lock"), "lock");
		check_bool(d, param, fr_node_get(b, "objlock"), "objlock");
	}
	if (v && !fr_node_is_null(v) && !fr_node_is_seq(v))
		diag(d, FR_SEV_ERROR, v, param, "expected a list of { name, versioning }, got %s", fr_node_kind_name(v));
}

static void check_minio_users(struct fr_diags *d, const char *param, const struct fr_node *v)
{
	static const char *const known[] = { "access_key", "secret_key", "policy", NULL };
	size_t i;

	for (i = 0; fr_node_is_seq(v) && i < v->n; i++) {
		const struct fr_node *u = v->items[i];

		if (!item_map(d, param, u, "user", known))
			continue;
		if (fr_node_get(u, "access_key") == NULL)
			diag(d, FR_SEV_ERROR, u, param, "a user needs an access_key");
		check_str(d, param, fr_node_get(u, "access_key"), "access_key", minio_key_problem);
		{
			const struct fr_node *sk = fr_node_get(u, "secret_key");

			/* never echoed: a secret's value stays out of messages */
			if (fr_node_is_scalar(sk) && minio_secret_problem(sk->str))
				diag(d, FR_SEV_ERROR, sk, param, "secret_key %s", minio_secret_problem(sk->str));
		}
		check_str(d, param, fr_node_get(u, "policy"), "policy", bucket_problem);
	}
	if (v && !fr_node_is_null(v) && !fr_node_is_seq(v))
		diag(d, FR_SEV_ERROR, v, param, "expected a list of { access_key, secret_key, policy }, got %s",
		     fr_node_kind_name(v));
}

/* ---- Redis: what reaches redis.conf, sentinel.conf and the exporter's command line */

/* A memory size as redis.conf takes it: digits, then b, k, kb, m, mb, g or gb (any case). */
static const char *memsize_problem(const char *s)
{
	static const char *const units[] = { "", "b", "k", "kb", "m", "mb", "g", "gb", NULL };
	size_t n = strspn(s, "0123456789");
	char unit[3];
	size_t i;

	if (n == 0 || n > 15 || strlen(s + n) > 2)
		return "is not a memory size (digits, then b, k, kb, m, mb, g or gb: 64MB)";
	for (i = 0; s[n + i]; i++)
		unit[i] = (char)tolower((unsigned char)s[n + i]);
	unit[i] = '\0';
	return one_of(unit, units) ? NULL : "is not a memory size (digits, then b, k, kb, m, mb, g or gb: 64MB)";
}

/* An rdb save point: "<seconds> <changes>" (redis.conf's save line). */
static const char *save_problem(const char *s)
{
	size_t a = strspn(s, "0123456789"), b;

	if (a == 0 || a > 9 || s[a] != ' ')
		return "is not a save point ('<seconds> <changes>': '1200 1')";
	b = strspn(s + a + 1, "0123456789");
	return b > 0 && b <= 9 && s[a + 1 + b] == '\0' ? NULL : "is not a save point ('<seconds> <changes>': '1200 1')";
}

/* A Redis command name (rename-command's both sides; an empty new name disables the command). */
static const char *command_problem(const char *s)
{
	return all_in(s, "_-|") && strlen(s) <= 64 ? NULL : "is not a command name ([A-Za-z0-9_|-], 0-64)";
}

/* replica_of: '<ipv4> <port>', as Pigsty writes it. */
static const char *replica_of_problem(const char *s)
{
	char ip[64];
	const char *sp = strchr(s, ' ');
	long long port;
	char *end;

	if (sp == NULL || (size_t)(sp - s) >= sizeof(ip))
		return "is not '<ipv4> <port>'";
	memcpy(ip, s, (size_t)(sp - s));
	ip[sp - s] = '\0';
	port = strtoll(sp + 1, &end, 10);
	if (!fr_is_ipv4(ip) || end == sp + 1 || *end || port < 1 || port > 65535)
		return "is not '<ipv4> <port>'";
	return NULL;
}

/* Words for a command line split on spaces (the exporter's options): nothing a shell or
 * systemd would read as a quote, an escape, a variable or a specifier. */
static const char *args_problem(const char *s)
{
	return strpbrk(s, "'\"\\$%`;&|<>") ? "holds a quote, backslash, $, %, ` or shell operator" : NULL;
}

static const char *bind_addr_problem(const char *s)
{
	return *s == '\0' || fr_is_ipv4(s) ? NULL : "is not an IPv4 address (or '': the node's own)";
}

/* redis_instances: { <port>: { replica_of: '<ip> <port>' } }, a port per key. */
static void check_redis_instances(struct fr_diags *d, const char *param, const struct fr_node *v)
{
	static const char *const known[] = { "replica_of", NULL };
	size_t i;

	for (i = 0; fr_node_is_map(v) && i < v->n; i++) {
		const struct fr_node *o = v->items[i];

		if (port_problem(v->keys[i])) {
			diag(d, FR_SEV_ERROR, v->keys[i], param, "'%s' %s",
			     fr_node_is_scalar(v->keys[i]) ? v->keys[i]->str : "?", port_problem(v->keys[i]));
			continue;
		}
		if (o == NULL || fr_node_is_null(o))
			continue;
		if (!item_map(d, param, o, "instance's options", known))
			continue;
		check_str(d, param, fr_node_get(o, "replica_of"), "replica_of", replica_of_problem);
	}
}

/* redis_sentinel_monitor: [ { name, host, port, password, quorum } ]. */
static void check_sentinel_monitor(struct fr_diags *d, const char *param, const struct fr_node *v)
{
	static const char *const known[] = { "name", "host", "port", "password", "quorum", NULL };
	size_t i;

	if (!fr_node_is_seq(v)) {
		diag(d, FR_SEV_ERROR, v, param, "expected a list of primaries, got %s", fr_node_kind_name(v));
		return;
	}
	for (i = 0; i < v->n; i++) {
		const struct fr_node *m = v->items[i];
		const struct fr_node *pw;

		if (!item_map(d, param, m, "primary", known))
			continue;
		if (fr_node_get(m, "name") == NULL || fr_node_get(m, "host") == NULL || fr_node_get(m, "port") == NULL) {
			diag(d, FR_SEV_ERROR, m, param, "each primary needs name, host and port");
			continue;
		}
		check_str(d, param, fr_node_get(m, "name"), "name", fr_value_name_problem);
		check_str(d, param, fr_node_get(m, "host"), "host", ipv4_problem);
		if (port_problem(fr_node_get(m, "port")))
			diag(d, FR_SEV_ERROR, fr_node_get(m, "port"), param, "port %s", port_problem(fr_node_get(m, "port")));
		check_int(d, param, fr_node_get(m, "quorum"), "quorum", 1, 100);
		if ((pw = fr_node_get(m, "password")) != NULL && !fr_node_is_null(pw) && !fr_node_is_scalar(pw))
			diag(d, FR_SEV_ERROR, pw, param, "password: expected a string, got %s", fr_node_kind_name(pw));
	}
}

/* redis_rename_commands: { <command>: <new name> }. */
static void check_rename(struct fr_diags *d, const char *param, const struct fr_node *v)
{
	size_t i;

	if (!fr_node_is_map(v)) {
		diag(d, FR_SEV_ERROR, v, param, "expected a mapping of commands to new names, got %s", fr_node_kind_name(v));
		return;
	}
	for (i = 0; i < v->n; i++) {
		check_str(d, param, v->keys[i], "command", command_problem);
		if (fr_node_is_scalar(v->keys[i]) && !*v->keys[i]->str)
			diag(d, FR_SEV_ERROR, v->keys[i], param, "an empty command name");
		check_str(d, param, v->items[i], "new name", command_problem);
	}
}

/* ---- one parameter */

enum kind {
	K_ENUM, K_NAME, K_IDENT, K_PORT, K_IPV4, K_PATH, K_HOSTNAME, K_WORD, K_LISTEN, K_LIBS, K_HBA, K_USERS, K_DBS,
	K_SERVICES, K_ETC_HOSTS, K_SETTINGS, K_PGBR_REPO, K_SEQ, K_RPO, K_PGVERSION, K_REDIS_PORTS, K_REDIS_SAVE, K_REDIS_RENAME, K_SENTINEL, K_MEMSIZE, K_BIND, K_ARGS, K_REPLICAS, K_CRON, K_MINIO_KEY, K_MINIO_SECRET, K_MINIO_DATA, K_MINIO_NODE, K_MINIO_ENV, K_MINIO_BUCKETS, K_MINIO_USERS, K_WORDS, K_DELAY, K_COUNT, K_VIP, K_IFACE, K_BLOCKDEV, K_ADDR,
};

struct rule {
	const char *name;
	enum kind kind;
	const char *const *set;
};

static const struct rule rules[] = {
	{ "admin_ip", K_IPV4, NULL },
	{ "etcd_cluster", K_NAME, NULL },
	{ "etcd_data", K_PATH, NULL },
	{ "etcd_init", K_ENUM, etcd_inits },
	{ "etcd_peer_port", K_PORT, NULL },
	{ "etcd_port", K_PORT, NULL },
	{ "etcd_seq", K_SEQ, NULL },
	{ "infra_seq", K_SEQ, NULL },
	{ "minio_access_key", K_MINIO_KEY, NULL },
	{ "minio_admin_port", K_PORT, NULL },
	{ "minio_buckets", K_MINIO_BUCKETS, NULL },
	{ "minio_cluster", K_NAME, NULL },
	{ "minio_data", K_MINIO_DATA, NULL },
	{ "minio_domain", K_HOSTNAME, NULL },
	{ "minio_extra_vars", K_MINIO_ENV, NULL },
	{ "minio_node", K_MINIO_NODE, NULL },
	{ "minio_port", K_PORT, NULL },
	{ "minio_secret_key", K_MINIO_SECRET, NULL },
	{ "minio_seq", K_SEQ, NULL },
	{ "minio_type", K_ENUM, minio_types },
	{ "minio_user", K_IDENT, NULL },
	{ "minio_users", K_MINIO_USERS, NULL },
	{ "node_etc_hosts", K_ETC_HOSTS, NULL },
	{ "node_install_address", K_VIP, NULL },
	{ "node_install_disk", K_BLOCKDEV, NULL },
	{ "node_install_gateway", K_ADDR, NULL },
	{ "node_sysctl_params", K_SETTINGS, NULL },
	{ "node_tune", K_ENUM, tunes },
	{ "nodename", K_HOSTNAME, NULL },
	{ "patroni_log_dir", K_PATH, NULL },
	{ "patroni_port", K_PORT, NULL },
	{ "patroni_username", K_IDENT, NULL },
	{ "patroni_watchdog_mode", K_ENUM, watchdogs },
	{ "pg_admin_username", K_IDENT, NULL },
	{ "pg_cluster", K_NAME, NULL },
	{ "pg_conf", K_ENUM, pg_confs },
	{ "pg_crontab", K_CRON, NULL },
	{ "pg_data", K_PATH, NULL },
	{ "pg_databases", K_DBS, NULL },
	{ "pg_dbsu", K_IDENT, NULL },
	{ "pg_default_hba_rules", K_HBA, NULL },
	{ "pg_default_service_dest", K_ENUM, service_dests },
	{ "pg_default_services", K_SERVICES, NULL },
	{ "pg_delay", K_DELAY, NULL },
	{ "pg_encoding", K_WORD, NULL },
	{ "pg_fs_main", K_PATH, NULL },
	{ "pg_hba_rules", K_HBA, NULL },
	{ "pg_lc_collate", K_WORD, NULL },
	{ "pg_lc_ctype", K_WORD, NULL },
	{ "pg_libs", K_LIBS, NULL },
	{ "pg_listen", K_LISTEN, NULL },
	{ "pg_locale", K_WORD, NULL },
	{ "pg_log_dir", K_PATH, NULL },
	{ "pg_monitor_username", K_IDENT, NULL },
	{ "pg_namespace", K_PATH, NULL },
	{ "pg_parameters", K_SETTINGS, NULL },
	{ "pg_port", K_PORT, NULL },
	{ "pg_pwd_enc", K_ENUM, pwd_encs },
	{ "pg_replication_username", K_IDENT, NULL },
	{ "pg_role", K_ENUM, pg_roles },
	{ "pg_rpo", K_RPO, NULL },
	{ "pg_rto", K_ENUM, fr_rto_names },
	{ "pg_seq", K_SEQ, NULL },
	{ "pg_services", K_SERVICES, NULL },
	{ "pg_sync_node_count", K_COUNT, NULL },
	{ "pg_users", K_USERS, NULL },
	{ "pg_version", K_PGVERSION, NULL },
	{ "pg_vip_address", K_VIP, NULL },
	{ "pg_vip_interface", K_IFACE, NULL },
	{ "pgb_hba_rules", K_HBA, NULL },
	{ "pgbackrest_log_dir", K_PATH, NULL },
	{ "pgbackrest_repo", K_PGBR_REPO, NULL },
	{ "pgbouncer_ignore_param", K_WORDS, NULL },
	{ "pgbouncer_poolmode", K_ENUM, poolmodes },
	{ "pgbouncer_port", K_PORT, NULL },
	{ "redis_bind_address", K_BIND, NULL },
	{ "redis_cluster", K_NAME, NULL },
	{ "redis_cluster_replicas", K_REPLICAS, NULL },
	{ "redis_exporter_options", K_ARGS, NULL },
	{ "redis_exporter_port", K_PORT, NULL },
	{ "redis_fs_main", K_PATH, NULL },
	{ "redis_instances", K_REDIS_PORTS, NULL },
	{ "redis_max_memory", K_MEMSIZE, NULL },
	{ "redis_mem_policy", K_ENUM, redis_policies },
	{ "redis_mode", K_ENUM, redis_modes },
	{ "redis_node", K_SEQ, NULL },
	{ "redis_rdb_save", K_REDIS_SAVE, NULL },
	{ "redis_rename_commands", K_REDIS_RENAME, NULL },
	{ "redis_sentinel_monitor", K_SENTINEL, NULL },
	{ "redis_type", K_ENUM, redis_types },
	{ "region", K_ENUM, regions },
	{ "vip_interface", K_IFACE, NULL },
};

const char *fr_values_rules_unsorted(void)
{
	size_t i;

	for (i = 1; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i - 1].name, rules[i].name) >= 0)
			return rules[i].name;
	return NULL;
}

static int cmp_rule(const void *key, const void *r)
{
	return strcmp(key, ((const struct rule *)r)->name);
}

static const char *pg_param_problem(const char *s)
{
	return param_name_problem(s);
}

static void check_rule(struct fr_diags *d, const struct rule *r, const struct fr_node *v)
{
	const char *p = r->name;
	long long n;

	switch (r->kind) {
	case K_ENUM:
		check_enum(d, p, v, r->set);
		break;
	case K_NAME:
		check_str(d, p, v, NULL, fr_value_name_problem);
		break;
	case K_IDENT:
		check_str(d, p, v, NULL, ident_problem);
		break;
	case K_PORT:
		if (port_problem(v))
			diag(d, FR_SEV_ERROR, v, p, "'%s' %s", fr_node_is_scalar(v) ? v->str : "?", port_problem(v));
		break;
	case K_IPV4:
		if (!fr_node_is_scalar(v) || !fr_is_ipv4(v->str))
			diag(d, FR_SEV_ERROR, v, p, "'%s' is not an IPv4 address", fr_node_is_scalar(v) ? v->str : "?");
		break;
	case K_PATH:
		check_str(d, p, v, NULL, path_problem);
		break;
	case K_HOSTNAME:
		check_str(d, p, v, NULL, hostname_problem);
		break;
	case K_WORD:
		check_str(d, p, v, NULL, word_problem);
		break;
	case K_LISTEN:
		check_str(d, p, v, NULL, listen_problem);
		break;
	case K_LIBS:
		check_str(d, p, v, NULL, libs_problem);
		break;
	case K_HBA:
		check_hba(d, p, v);
		break;
	case K_USERS:
		check_users(d, p, v);
		break;
	case K_DBS:
		check_databases(d, p, v);
		break;
	case K_SERVICES:
		check_services(d, p, v);
		break;
	case K_ETC_HOSTS:
		check_list_of(d, p, v, "entry", etc_hosts_problem);
		break;
	case K_SETTINGS:
		check_settings(d, p, v, "_./-");
		break;
	case K_PGBR_REPO:
		check_pgbackrest_repo(d, p, v);
		break;
	case K_WORDS:
		check_list_of(d, p, v, "parameter", pg_param_problem);
		break;
	case K_SEQ:
		if (fr_node_int(v, &n) && n < 0)
			diag(d, FR_SEV_ERROR, v, p, "must not be negative");
		break;
	case K_RPO:
		if (fr_node_int(v, &n) && n < 0)
			diag(d, FR_SEV_ERROR, v, p, "must not be negative (0 is synchronous, else bytes of lag)");
		break;
	case K_VIP:
		check_str(d, p, v, NULL, vip_problem);
		break;
	case K_IFACE:
		check_str(d, p, v, NULL, iface_problem);
		break;
	case K_BLOCKDEV:
		check_str(d, p, v, NULL, blockdev_problem);
		break;
	case K_ADDR:
		check_str(d, p, v, NULL, ipv4_problem);
		break;
	case K_DELAY:
		check_str(d, p, v, NULL, delay_problem);
		break;
	case K_COUNT:
		if (fr_node_is_scalar(v) && (!fr_node_int(v, &n) || n < 1 || n > 16))
			diag(d, FR_SEV_ERROR, v, p, "must be a whole number from 1 to 16");
		break;
	case K_PGVERSION:
		if (fr_node_int(v, &n) && !fr_pg_version_ok(n))
			diag(d, FR_SEV_WARNING, v, p, "PostgreSQL %lld is outside the supported %d-%d", n, FR_PG_VERSION_MIN,
			     FR_PG_VERSION_MAX);
		break;
	case K_REDIS_PORTS:
		check_redis_instances(d, p, v);
		break;
	case K_REDIS_SAVE:
		check_list_of(d, p, v, "save point", save_problem);
		break;
	case K_REDIS_RENAME:
		check_rename(d, p, v);
		break;
	case K_SENTINEL:
		check_sentinel_monitor(d, p, v);
		break;
	case K_MEMSIZE:
		check_str(d, p, v, NULL, memsize_problem);
		break;
	case K_BIND:
		check_str(d, p, v, NULL, bind_addr_problem);
		break;
	case K_ARGS:
		check_str(d, p, v, NULL, args_problem);
		break;
	case K_REPLICAS:
		check_int(d, p, v, "replicas per primary", 0, 5);
		break;
	case K_CRON:
		check_list_of(d, p, v, "crontab line", cron_problem);
		break;
	case K_MINIO_KEY:
		check_str(d, p, v, NULL, minio_key_problem);
		break;
	case K_MINIO_SECRET:
		/* never echoed: a secret's value stays out of messages */
		if (fr_node_is_scalar(v) && minio_secret_problem(v->str))
			diag(d, FR_SEV_ERROR, v, p, "%s", minio_secret_problem(v->str));
		break;
	case K_MINIO_DATA:
		check_str(d, p, v, NULL, fr_minio_data_problem);
		break;
	case K_MINIO_NODE:
		check_str(d, p, v, NULL, minio_node_problem);
		break;
	case K_MINIO_ENV:
		check_str(d, p, v, NULL, minio_env_problem);
		break;
	case K_MINIO_BUCKETS:
		check_minio_buckets(d, p, v);
		break;
	case K_MINIO_USERS:
		check_minio_users(d, p, v);
		break;
	}
}

/* No control character in any string (keys too), at any depth: no line of any file can be added. */
static void no_controls(struct fr_diags *d, const char *param, const struct fr_node *v)
{
	size_t i;

	if (v == NULL)
		return;
	if (fr_node_is_scalar(v)) {
		const unsigned char *c;

		for (c = (const unsigned char *)v->str; c && *c; c++)
			if (*c < 0x20 || *c == 0x7f) {
				diag(d, FR_SEV_ERROR, v, param, "holds a control character (0x%02x at byte %zu): values "
				     "are one line of printable text", *c, (size_t)(c - (const unsigned char *)v->str));
				return;
			}
		return;
	}
	for (i = 0; i < v->n; i++) {
		if (v->kind == FR_NODE_MAP)
			no_controls(d, param, v->keys[i]);
		no_controls(d, param, v->items[i]);
	}
}

void fr_values_check(const struct fr_node *map, const char *where, struct fr_diags *d)
{
	size_t i;

	if (map == NULL || fr_node_is_null(map))
		return;
	if (!fr_node_is_map(map)) {
		diag(d, FR_SEV_ERROR, map, where, "must be a mapping of parameters, not a %s", fr_node_kind_name(map));
		return;
	}
	for (i = 0; i < map->n; i++) {
		const struct fr_node *k = map->keys[i], *v = map->items[i];
		const struct fr_param *p;
		const struct rule *r;
		const char *what, *near;

		if (!fr_node_is_scalar(k) || k->type == FR_SCALAR_NULL) {
			diag(d, FR_SEV_ERROR, k, where, "parameter names must be strings");
			continue;
		}
		no_controls(d, k->str, v);
		if ((p = fr_param_find(k->str)) == NULL) {
			if (strncmp(k->str, "ansible_", 8) == 0)
				continue;
			near = fr_param_nearest(k->str);
			if (near)
				diag(d, FR_SEV_WARNING, k, k->str, "warning: unknown parameter; did you mean '%s'?", near);
			else
				diag(d, FR_SEV_WARNING, k, k->str, "warning: unknown parameter");
			continue;
		}
		if (!fr_param_type_ok(p, v, &what)) {
			diag(d, FR_SEV_ERROR, v, k->str, "expected %s, got %s%s%s%s", what, fr_node_kind_name(v),
			     fr_node_is_scalar(v) ? " '" : "", fr_node_is_scalar(v) ? v->str : "",
			     fr_node_is_scalar(v) ? "'" : "");
			continue;
		}
		if (fr_node_is_null(v))
			continue;
		r = bsearch(k->str, rules, sizeof(rules) / sizeof(rules[0]), sizeof(rules[0]), cmp_rule);
		if (r)
			check_rule(d, r, v);
	}
}

void fr_values_check_profile(const struct fr_node *root, struct fr_diags *d)
{
	const struct fr_node *host = fr_node_get(root, "host"), *ident = fr_node_get(root, "identities");
	const struct fr_node *peers = fr_node_get(root, "peers"), *bundle = fr_node_get(root, "bundle");
	static const char *const names[] = { "pg_instance", "etcd_instance", "minio_instance", "infra_instance", NULL };
	size_t i, j;

	if (!fr_node_is_scalar(host) || !fr_is_ipv4(host->str))
		diag(d, FR_SEV_ERROR, host ? host : root, "host", "'%s' is not an IPv4 address",
		     fr_node_is_scalar(host) ? host->str : "?");
	if (bundle)
		check_str(d, "bundle", bundle, "path", path_problem);
	no_controls(d, "identities", ident);
	if (ident && !fr_node_is_map(ident))
		diag(d, FR_SEV_ERROR, ident, "identities", "a mapping is expected");
	for (i = 0; names[i]; i++)
		check_str(d, names[i], fr_node_get(ident, names[i]), "name", fr_value_name_problem);
	check_enum(d, "pg_role", fr_node_get(ident, "pg_role"), pg_roles);
	check_list_of(d, "redis_instances", fr_node_get(ident, "redis_instances"), "name", fr_value_name_problem);
	{
		const struct fr_node *clients = fr_node_get(root, "etcd_clients");
		static const char *const keys[] = { "user", "prefix", "password", NULL };

		no_controls(d, "etcd_clients", clients);
		if (clients && !fr_node_is_seq(clients))
			diag(d, FR_SEV_ERROR, clients, "etcd_clients", "a list of users is expected");
		for (i = 0; fr_node_is_seq(clients) && i < clients->n; i++) {
			if (!item_map(d, "etcd_clients", clients->items[i], "user", keys))
				continue;
			check_str(d, "etcd_clients", fr_node_get(clients->items[i], "user"), "user", fr_value_name_problem);
			check_str(d, "etcd_clients", fr_node_get(clients->items[i], "prefix"), "prefix", prefix_problem);
		}
	}
	no_controls(d, "peers", peers);
	if (peers && !fr_node_is_map(peers)) {
		diag(d, FR_SEV_ERROR, peers, "peers", "a mapping of cluster kinds to member lists is expected");
		return;
	}
	for (i = 0; peers && i < peers->n; i++) {
		const struct fr_node *list = peers->items[i];
		const char *kind = fr_node_is_scalar(peers->keys[i]) ? peers->keys[i]->str : "peers";

		if (!fr_node_is_seq(list)) {
			diag(d, FR_SEV_ERROR, list, kind, "a list of members is expected");
			continue;
		}
		for (j = 0; j < list->n; j++) {
			const struct fr_node *m = list->items[j], *ip = fr_node_get(m, "ip");

			if (!item_map(d, kind, m, "member", NULL))
				continue;
			if (!fr_node_is_scalar(ip) || !fr_is_ipv4(ip->str))
				diag(d, FR_SEV_ERROR, ip ? ip : m, kind, "member ip '%s' is not an IPv4 address",
				     fr_node_is_scalar(ip) ? ip->str : "?");
			check_str(d, kind, fr_node_get(m, "name"), "member name", fr_value_name_problem);
			check_str(d, kind, fr_node_get(m, "cluster"), "member cluster", fr_value_name_problem);
			check_int(d, kind, fr_node_get(m, "seq"), "member seq", 0, 1000000);
			check_enum(d, kind, fr_node_get(m, "role"), pg_roles);
			check_bool(d, kind, fr_node_get(m, "pg_offline_query"), "pg_offline_query");
			{
				const struct fr_node *ports = fr_node_get(m, "ports");
				size_t k;

				if (ports && !fr_node_is_seq(ports))
					diag(d, FR_SEV_ERROR, ports, kind, "member ports: a list of ports is expected");
				for (k = 0; fr_node_is_seq(ports) && k < ports->n; k++)
					if (port_problem(ports->items[k]))
						diag(d, FR_SEV_ERROR, ports->items[k], kind, "member port %s",
						     port_problem(ports->items[k]));
			}
		}
	}
}

/* ---- point-in-time recovery targets (farrow pitr): what reaches pgBackRest's --target */

const char *fr_pitr_time_problem(const char *s, long long *epoch)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, n = 0, zh = 0, zm = 0, sign = 1;
	const char *p;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
		return "is not a time (YYYY-MM-DD HH:MM:SS with its zone: +00, +08:00, Z)";
	p = s + n;
	if (*p == '.') {
		size_t f = strspn(p + 1, "0123456789");

		if (f == 0 || f > 6)
			return "has a fraction of a second that is not 1-6 digits";
		p += 1 + f;
	}
	if (*p == 'Z' && p[1] == '\0')
		;
	else if ((*p == '+' || *p == '-') && strspn(p + 1, "0123456789") >= 2) {
		sign = *p == '-' ? -1 : 1;
		zh = (p[1] - '0') * 10 + (p[2] - '0');
		p += 3;
		if (*p == ':')
			p++;
		if (*p) {
			if (strspn(p, "0123456789") != 2 || p[2])
				return "has a zone that is not +HH, +HHMM or +HH:MM";
			zm = (p[0] - '0') * 10 + (p[1] - '0');
		}
		if (zh > 14 || zm > 59)
			return "has a zone out of range";
	} else
		return "has no time zone: say which (+00 for UTC, +08:00, Z): the nodes' and this machine's may differ";
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970)
		return "is not a valid date and time";
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return "is not a valid date and time";
	{
		struct tm back;

		gmtime_r(&t, &back);
		if (back.tm_mday != d)
			return "is not a valid date (that month has fewer days)";
	}
	if (epoch)
		*epoch = (long long)t - sign * (zh * 3600LL + zm * 60LL);
	return NULL;
}

const char *fr_pitr_lsn_problem(const char *s, unsigned long long *lsn)
{
	size_t a = strspn(s, "0123456789abcdefABCDEF"), b;
	unsigned long long hi, lo;

	if (a == 0 || a > 8 || s[a] != '/')
		return "is not an LSN (hex/hex: 0/3000060)";
	b = strspn(s + a + 1, "0123456789abcdefABCDEF");
	if (b == 0 || b > 8 || s[a + 1 + b])
		return "is not an LSN (hex/hex: 0/3000060)";
	hi = strtoull(s, NULL, 16);
	lo = strtoull(s + a + 1, NULL, 16);
	if (lsn)
		*lsn = hi << 32 | lo;
	return NULL;
}

const char *fr_pitr_name_problem(const char *s)
{
	return *s && strlen(s) <= 63 && all_in(s, "_.-:") ? NULL
							     : "is not a restore point name ([A-Za-z0-9_.:-], 1-63)";
}
