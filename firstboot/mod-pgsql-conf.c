/* mod-pgsql-conf.c -- the pgsql module's renderers: patroni.yml, pg_hba, pgbouncer, haproxy, pgbackrest. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "params.h"
#include "pgsql.h"
#include "services.h"
#include "xalloc.h"

void pg_yaml_quote(struct fr_buf *out, const char *s)
{
	fr_buf_addc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			fr_buf_addc(out, '\'');
		fr_buf_addc(out, *s);
	}
	fr_buf_addc(out, '\'');
}

static long long mem_mb(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	return pages > 0 && size > 0 ? (long long)pages * size / (1024 * 1024) : 1024;
}

/* PostgreSQL parameters by pg_conf (Pigsty's templates, the parts that matter), then pg_parameters. */
static void parameters(struct fb *fb, const struct pg *pg, const char *ind, struct fr_buf *out)
{
	const char *conf = fb_str(fb, "pg_conf", "oltp.yml");
	const struct fr_node *extra = fb_var(fb, "pg_parameters");
	int tiny = strncmp(conf, "tiny", 4) == 0, olap = strncmp(conf, "olap", 4) == 0;
	const struct fr_node *ratio_n = fb_var(fb, "pg_shared_buffer_ratio");
	double ratio = ratio_n && fr_node_str(ratio_n) ? atof(fr_node_str(ratio_n)) : 0.25;
	long long mem = mem_mb(), sb;
	size_t i;

	if (ratio <= 0 || ratio > 0.8)
		ratio = 0.25;
	sb = (long long)((double)mem * ratio);
	if (tiny && sb > 256)
		sb = 256;
	if (sb < 128)
		sb = 128;
#define P(...)                                  \
	do {                                    \
		fr_buf_adds(out, ind);          \
		fr_buf_addf(out, __VA_ARGS__);  \
		fr_buf_addc(out, '\n');         \
	} while (0)
	P("max_connections: %lld", pg->max_conn);
	P("shared_buffers: %lldMB", sb);
	P("effective_cache_size: %lldMB", mem * 3 / 4 > sb ? mem * 3 / 4 : sb);
	P("maintenance_work_mem: %dMB", tiny ? 64 : 512);
	P("work_mem: %dMB", tiny ? 4 : olap ? 64 : 16);
	P("password_encryption: %s", fb_str(fb, "pg_pwd_enc", "scram-sha-256"));
	P("ssl: 'on'");
	P("ssl_cert_file: /pg/cert/server.crt");
	P("ssl_key_file: /pg/cert/server.key");
	P("ssl_ca_file: /pg/cert/ca.crt");
	P("unix_socket_directories: /var/run/postgresql");
	P("wal_level: replica");
	P("wal_log_hints: 'on'");
	P("max_wal_senders: 50");
	P("max_replication_slots: 50");
	P("wal_keep_size: %s", tiny ? "256MB" : "1GB");
	P("max_wal_size: %s", tiny ? "1GB" : "4GB");
	P("min_wal_size: %s", tiny ? "256MB" : "1GB");
	P("hot_standby: 'on'");
	P("archive_mode: 'on'");
	P("archive_command: 'pgbackrest --stanza=%s archive-push %%p'", pg->stanza);
	P("archive_timeout: 300");
	fr_buf_addf(out, "%sshared_preload_libraries: ", ind);
	pg_yaml_quote(out, fb_str(fb, "pg_libs", "pg_stat_statements, auto_explain"));
	fr_buf_addc(out, '\n');
	P("logging_collector: 'on'");
	P("log_directory: %s", fb_str(fb, "pg_log_dir", "/pg/log/postgres"));
	P("log_filename: 'postgresql-%%a.log'");
	P("log_truncate_on_rotation: 'on'");
	P("log_rotation_age: 1d");
	P("log_min_duration_statement: 100");
	P("log_checkpoints: 'on'");
	P("log_lock_waits: 'on'");
	P("log_line_prefix: '%%m [%%p] %%q%%u@%%d '");
	P("track_io_timing: 'on'");
	P("pg_stat_statements.max: 5000");
	P("pg_stat_statements.track: all");
	P("auto_explain.log_min_duration: 1s");
#undef P
	for (i = 0; fr_node_is_map(extra) && i < extra->n; i++)
		if (fr_node_str(extra->keys[i]) && fr_node_str(extra->items[i])) {
			fr_buf_addf(out, "%s%s: ", ind, extra->keys[i]->str);
			pg_yaml_quote(out, extra->items[i]->str);
			fr_buf_addc(out, '\n');
		}
}

void pg_patroni_yml(struct fb *fb, const struct pg *pg, struct fr_buf *out)
{
	const struct fr_rto_plan *rto = fr_rto_plan(fb_str(fb, "pg_rto", "norm"));
	long long rpo = fb_int(fb, "pg_rpo", 1048576);
	const struct fr_node *etcd = fr_node_get(fb->peers, "etcd_cluster");
	/* crit.yml is synchronous and strict whatever pg_rpo says; else pg_rpo 0 is synchronous */
	int strict = strcmp(fb_str(fb, "pg_conf", "oltp.yml"), "crit.yml") == 0, sync = rpo == 0 || strict;
	/* an offline or delayed member never leads nor acknowledges commits; a delayed one serves no reads */
	int offline = strcmp(pg->role, "offline") == 0, delayed = strcmp(pg->role, "delayed") == 0;
	const char *delay = fb_str(fb, "pg_delay", "0");
	size_t i;

	if (rto == NULL)
		rto = fr_rto_plan("norm");
	fr_buf_addf(out,
		    "# /etc/patroni/config.yml: written by farrow-firstboot (pgsql module) for %s; replaced on every run.\n"
		    "# pg_rto %s: ttl %d, loop_wait %d, retry_timeout %d, primary_start_timeout %d, safety_margin %d\n"
		    "# pg_rpo %lld: %s\n"
		    "scope: %s\nnamespace: %s/\nname: %s\n\n"
		    "log:\n  dir: %s\n  file_num: 4\n  file_size: 67108864\n\n"
		    "restapi:\n  listen: 0.0.0.0:%lld\n  connect_address: %s:%lld\n  authentication:\n    username: ",
		    pg->instance, rto->name, rto->ttl, rto->loop_wait, rto->retry_timeout, rto->primary_start_timeout,
		    rto->safety_margin, rpo, strict ? "synchronous mode, strict (crit.yml)" : sync ? "synchronous mode" : "maximum_lag_on_failover", pg->cluster,
		    fb_str(fb, "pg_namespace", "/pg"), pg->instance, fb_str(fb, "patroni_log_dir", "/pg/log/patroni"),
		    pg->patroni_port, fb->host, pg->patroni_port);
	pg_yaml_quote(out, fb_str(fb, "patroni_username", "postgres"));
	fr_buf_adds(out, "\n    password: ");
	pg_yaml_quote(out, fb_secret(fb, "patroni_password"));
	fr_buf_adds(out, "\n\netcd3:\n  hosts:\n");
	for (i = 0; fr_node_is_seq(etcd) && i < etcd->n; i++)
		fr_buf_addf(out, "    - %s:%lld\n", fr_node_str(fr_node_get(etcd->items[i], "ip")), fb_int(fb, "etcd_port", 2379));
	if (!fr_node_is_seq(etcd) || etcd->n == 0)
		fr_buf_addf(out, "    - %s:%lld\n", fb->host, fb_int(fb, "etcd_port", 2379));
	/* its own etcd user, limited to its namespace (the etcd module makes it from etcd_clients) */
	fr_buf_adds(out, "  protocol: https\n  cacert: /pg/cert/ca.crt\n  username: ");
	pg_yaml_quote(out, pg->cluster);
	fr_buf_adds(out, "\n  password: ");
	pg_yaml_quote(out, fb_secret(fb, "pg_etcd_password"));
	fr_buf_addf(out,
		    "\n\nbootstrap:\n  dcs:\n    ttl: %d\n    loop_wait: %d\n    retry_timeout: %d\n"
		    "    primary_start_timeout: %d\n    maximum_lag_on_failover: %lld\n    synchronous_mode: %s\n"
		    "    synchronous_mode_strict: %s\n    synchronous_node_count: %lld\n    failsafe_mode: false\n"
		    "    postgresql:\n      use_pg_rewind: true\n      use_slots: true\n      parameters:\n"
		    "        max_connections: %lld\n        max_worker_processes: 8\n        max_prepared_transactions: 0\n"
		    "        max_locks_per_transaction: 256\n        wal_level: replica\n        wal_log_hints: 'on'\n"
		    "        track_commit_timestamp: 'off'\n        hot_standby: 'on'\n"
		    "  initdb:\n%s    - encoding: %s\n    - locale: %s\n    - auth-local: peer\n    - auth-host: scram-sha-256\n\n",
		    rto->ttl, rto->loop_wait, rto->retry_timeout, rto->primary_start_timeout, rpo > 0 ? rpo : 1048576,
		    sync ? "true" : "false", strict ? "true" : "false", fb_int(fb, "pg_sync_node_count", 1), pg->max_conn,
		    fb_bool(fb, "pg_checksum", 1) ? "    - data-checksums\n" : "", fb_str(fb, "pg_encoding", "UTF8"),
		    fb_str(fb, "pg_locale", "C"));
	fr_buf_adds(out, "  pg_hba:\n");
	pg_hba(fb, pg, "    - ", out);
	fr_buf_addf(out,
		    "\npostgresql:\n  listen: %s:%lld\n  connect_address: %s:%lld\n  data_dir: %s\n  bin_dir: %s\n"
		    "  pgpass: /pg/tmp/pgpass\n  use_unix_socket: true\n  use_unix_socket_repl: true\n"
		    "  authentication:\n    superuser:\n      username: %s\n    replication:\n      username: %s\n"
		    "      password: ",
		    fb_str(fb, "pg_listen", "0.0.0.0"), pg->port, fb->host, pg->port, pg->data, pg->bin_dir, pg->dbsu,
		    pg->repl);
	pg_yaml_quote(out, fb_secret(fb, "pg_replication_password"));
	/* pg_rewind logs in to the new leader over TCP: as the admin user (a superuser) with its
	 * password, as Pigsty does; the dbsu has no password and peer auth works on a socket only */
	fr_buf_addf(out, "\n    rewind:\n      username: %s\n      password: ", pg->admin);
	pg_yaml_quote(out, fb_secret(fb, "pg_admin_password"));
	fr_buf_adds(out, "\n  create_replica_methods: [ basebackup ]\n"
			 "  basebackup:\n    - max-rate: 1000M\n    - checkpoint: fast\n"
			 "  callbacks: {}\n  parameters:\n");
	parameters(fb, pg, "    ", out);
	if (delayed && strcmp(delay, "0") != 0) {
		/* the profile's value was checked as a delay (lib/values.c): digits and a unit only */
		fr_buf_addf(out, "  recovery_conf:\n    recovery_min_apply_delay: '%s'\n", delay);
	}
	fr_buf_adds(out, "  pg_hba:\n");
	pg_hba(fb, pg, "    - ", out);
	fr_buf_addf(out,
		    "\nwatchdog:\n  mode: '%s'\n  safety_margin: %d\n\n"
		    "# pg_role %s%s\ntags:\n  nofailover: %s\n  noloadbalance: %s\n  clonefrom: true\n  nosync: %s\n",
		    fb_str(fb, "patroni_watchdog_mode", "off"), rto->safety_margin, pg->role,
		    offline   ? ": never promoted nor synchronous; serves the offline service (5438)"
		    : delayed ? ": never promoted nor synchronous, serves no reads; applies WAL pg_delay late"
			      : "",
		    offline || delayed ? "true" : "false", delayed ? "true" : "false", offline || delayed ? "true" : "false");
}

/* ---- pg_hba: Pigsty's rule form { user, db, addr, auth, title, order } or { rules: [...], order } */

struct rule {
	long long order;
	size_t index;
	const struct fr_node *n;
};

/* Pigsty's pg_default_hba_rules, as YAML so they and the user's rules take one path. */
static const char default_hba[] =
	"- { user: '${dbsu}',    db: all,         addr: local,     auth: ident, order: 100 }\n"
	"- { user: '${dbsu}',    db: replication, addr: local,     auth: ident, order: 150 }\n"
	"- { user: '${repl}',    db: replication, addr: localhost, auth: pwd,   order: 200 }\n"
	"- { user: '${repl}',    db: replication, addr: intra,     auth: pwd,   order: 250 }\n"
	"- { user: '${repl}',    db: postgres,    addr: intra,     auth: pwd,   order: 300 }\n"
	"- { user: '${monitor}', db: all,         addr: localhost, auth: pwd,   order: 350 }\n"
	"- { user: '${monitor}', db: all,         addr: infra,     auth: pwd,   order: 400 }\n"
	"- { user: '${admin}',   db: all,         addr: infra,     auth: ssl,   order: 450 }\n"
	"- { user: '${admin}',   db: all,         addr: world,     auth: ssl,   order: 500 }\n"
	"- { user: '+dbrole_readonly', db: all,   addr: localhost, auth: pwd,   order: 550 }\n"
	"- { user: '+dbrole_readonly', db: all,   addr: intra,     auth: pwd,   order: 600 }\n"
	"- { user: '+dbrole_offline',  db: all,   addr: intra,     auth: pwd,   order: 650 }\n";

static int rule_cmp(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static const char *who(struct fb *fb, const struct pg *pg, const char *u)
{
	if (strcmp(u, "${dbsu}") == 0)
		return pg->dbsu;
	if (strcmp(u, "${repl}") == 0)
		return pg->repl;
	if (strcmp(u, "${monitor}") == 0)
		return pg->monitor;
	if (strcmp(u, "${admin}") == 0)
		return pg->admin;
	(void)fb;
	return u;
}

/* One pg_hba line as a quoted YAML list item. */
static void emit(struct fr_buf *out, const char *ind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void emit(struct fr_buf *out, const char *ind, const char *fmt, ...)
{
	struct fr_buf line = FR_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	fr_buf_vaddf(&line, fmt, ap);
	va_end(ap);
	fr_buf_adds(out, ind);
	pg_yaml_quote(out, line.buf);
	fr_buf_addc(out, '\n');
	fr_buf_release(&line);
}

static void hba_line(struct fb *fb, const struct pg *pg, const char *ind, const char *user, const char *db,
		     const char *addr, const char *auth, struct fr_buf *out)
{
	const char *method, *type = "host";
	const char *addrs[8] = { NULL };
	size_t n = 0, i;
	char one[64];
	const char *pwd = fb_str(fb, "pg_pwd_enc", "scram-sha-256");

	user = who(fb, pg, user);
	if (strcmp(auth, "pwd") == 0 || strcmp(auth, "scram") == 0 || strcmp(auth, "sha") == 0)
		method = strcmp(auth, "pwd") == 0 ? pwd : "scram-sha-256";
	else if (strcmp(auth, "ssl") == 0 || strcmp(auth, "ssl-sha") == 0)
		method = "scram-sha-256", type = "hostssl";
	else if (strcmp(auth, "cert") == 0)
		method = "cert", type = "hostssl";
	else if (strcmp(auth, "deny") == 0)
		method = "reject";
	else if (strcmp(auth, "ssl-md5") == 0)
		method = "md5", type = "hostssl";
	else
		method = auth; /* trust, ident, md5, peer, reject */
	if (strcmp(addr, "local") == 0) {
		emit(out, ind, "local %s %s %s", db, user, strcmp(method, "ident") == 0 ? "peer" : method);
		return;
	}
	if (strcmp(addr, "localhost") == 0) {
		emit(out, ind, "local %s %s %s", db, user, strcmp(method, "ident") == 0 ? "peer" : method);
		addrs[n++] = "127.0.0.1/32";
		addrs[n++] = "::1/128";
	} else if (strcmp(addr, "intra") == 0 || strcmp(addr, "intranet") == 0) {
		addrs[n++] = "10.0.0.0/8";
		addrs[n++] = "172.16.0.0/12";
		addrs[n++] = "192.168.0.0/16";
	} else if (strcmp(addr, "world") == 0) {
		addrs[n++] = "0.0.0.0/0";
		addrs[n++] = "::/0";
	} else if (strcmp(addr, "infra") == 0 || strcmp(addr, "admin") == 0) {
		snprintf(one, sizeof(one), "%s/32", fb_str(fb, "admin_ip", "127.0.0.1"));
		addrs[n++] = one;
	} else if (strcmp(addr, "cluster") == 0) {
		for (i = 0; fr_node_is_seq(pg->members) && i < pg->members->n; i++) {
			const char *ip = fr_node_str(fr_node_get(pg->members->items[i], "ip"));

			if (ip)
				emit(out, ind, "%s %s %s %s/32 %s", type, db, user, ip, method);
		}
		return;
	} else if (strchr(addr, '/'))
		addrs[n++] = addr;
	else {
		snprintf(one, sizeof(one), "%s/32", addr);
		addrs[n++] = one;
	}
	for (i = 0; i < n; i++)
		emit(out, ind, "%s %s %s %s %s", type, db, user, addrs[i], method);
}

/* Append the rules of list to r, each with its order (1000 when it has none). */
static void add_rules(const struct fr_node *list, struct rule **r, size_t *n, size_t *cap)
{
	size_t i;

	for (i = 0; fr_node_is_seq(list) && i < list->n; i++) {
		FR_ALLOC_GROW(*r, *n + 1, *cap);
		(*r)[*n].index = *n;
		(*r)[*n].n = list->items[i];
		if (!fr_node_int(fr_node_get(list->items[i], "order"), &(*r)[*n].order))
			(*r)[*n].order = 1000;
		(*n)++;
	}
}

void pg_hba(struct fb *fb, const struct pg *pg, const char *ind, struct fr_buf *out)
{
	const struct fr_node *user = fb_var(fb, "pg_hba_rules"), *def = fr_node_get(fb->vars, "pg_default_hba_rules");
	struct fr_node *builtin = NULL;
	struct rule *r = NULL;
	size_t n = 0, cap = 0, i, j;

	if (fr_node_is_seq(def)) {
		/* own default rules replace Pigsty's: patroni's needs still come first (local access and
		 * replication for the dbsu, the replicator from localhost) */
		emit(out, ind, "local all %s peer", pg->dbsu);
		emit(out, ind, "local replication %s peer", pg->dbsu);
		emit(out, ind, "host replication %s 127.0.0.1/32 %s", pg->repl, fb_str(fb, "pg_pwd_enc", "scram-sha-256"));
	} else
		def = builtin = fr_yaml_parse(default_hba, strlen(default_hba), NULL);
	/* the default rules interleave by order with the user's */
	add_rules(def, &r, &n, &cap);
	add_rules(user, &r, &n, &cap);
	qsort(r, n, sizeof(*r), rule_cmp);
	for (i = 0; i < n; i++) {
		const struct fr_node *x = r[i].n, *rules;

		if (fr_node_is_seq(rules = fr_node_get(x, "rules"))) {
			for (j = 0; j < rules->n; j++)
				if (fr_node_str(rules->items[j])) {
					fr_buf_adds(out, ind);
					pg_yaml_quote(out, rules->items[j]->str);
					fr_buf_addc(out, '\n');
				}
			continue;
		}
		hba_line(fb, pg, ind, fr_node_str(fr_node_get(x, "user")) ?: "all",
			 fr_node_str(fr_node_get(x, "db")) ?: "all", fr_node_str(fr_node_get(x, "addr")) ?: "world",
			 fr_node_str(fr_node_get(x, "auth")) ?: "pwd", out);
	}
	free(r);
	fr_node_free(builtin);
}

/* ---- pgbouncer */

void pg_pgbouncer_ini(struct fb *fb, const struct pg *pg, struct fr_buf *out)
{
	const struct fr_node *dbs = fb_var(fb, "pg_databases"), *ign = fb_var(fb, "pgbouncer_ignore_param");
	size_t i;

	fr_buf_addf(out, "; /etc/pgbouncer/pgbouncer.ini: written by farrow-firstboot (pgsql module) for %s\n\n"
			 "[databases]\n",
		    pg->instance);
	for (i = 0; fr_node_is_seq(dbs) && i < dbs->n; i++) {
		const char *name = fr_node_str(fr_node_get(dbs->items[i], "name"));
		int on = 1;

		fr_node_bool(fr_node_get(dbs->items[i], "pgbouncer"), &on);
		if (name && on)
			fr_buf_addf(out, "%s = host=/var/run/postgresql port=%lld dbname=%s\n", name, pg->port, name);
	}
	/* per-user pool settings of pg_users (pool_mode, pool_connlimit) */
	{
		const struct fr_node *users = fb_var(fb, "pg_users");
		int header = 0;

		for (i = 0; fr_node_is_seq(users) && i < users->n; i++) {
			const char *name = fr_node_str(fr_node_get(users->items[i], "name"));
			const char *mode = fr_node_str(fr_node_get(users->items[i], "pool_mode"));
			long long lim = -1;

			fr_node_int(fr_node_get(users->items[i], "pool_connlimit"), &lim);
			if (name == NULL || (mode == NULL && lim < 0))
				continue;
			if (!header++)
				fr_buf_adds(out, "\n[users]\n");
			fr_buf_addf(out, "%s =", name);
			if (mode)
				fr_buf_addf(out, " pool_mode=%s", mode);
			if (lim >= 0)
				fr_buf_addf(out, " max_user_connections=%lld", lim);
			fr_buf_addc(out, '\n');
		}
	}
	fr_buf_addf(out,
		    "\n[pgbouncer]\nlisten_addr = *\nlisten_port = %lld\nunix_socket_dir = /var/run/postgresql\n"
		    "auth_type = scram-sha-256\nauth_file = /etc/pgbouncer/userlist.txt\n"
		    "pool_mode = %s\nmax_client_conn = %d\ndefault_pool_size = 20\nreserve_pool_size = 5\n"
		    "server_reset_query = DISCARD ALL\nserver_check_query = select 1\n"
		    /* after a failed server login pgbouncer waits this long to try again (default 15 s):
		     * after a PostgreSQL crash that wait, not Patroni's restart, was the outage */
		    "server_login_retry = 1\n"
		    "admin_users = %s\nstats_users = %s\nignore_startup_parameters = ",
		    pg->bouncer_port, fb_str(fb, "pgbouncer_poolmode", "transaction"), 1000, pg->admin, pg->monitor);
	for (i = 0; fr_node_is_seq(ign) && i < ign->n; i++)
		fr_buf_addf(out, "%s%s", i ? "," : "", fr_node_str(ign->items[i]) ? ign->items[i]->str : "");
	if (!fr_node_is_seq(ign) || ign->n == 0)
		fr_buf_adds(out, "extra_float_digits");
	fr_buf_adds(out, "\n");
}

/* ---- haproxy: the services of pg_default_services (+ pg_services), health-checked on patroni's API */

/* A member node { role, pg_offline_query, ... } as lib/services.c's selectors see it. */
static const char *member_get(void *ctx, const char *name)
{
	const struct fr_node *m = ctx;
	const struct fr_node *v = fr_node_get(m, strcmp(name, "pg_role") == 0 ? "role" : name);
	int b;

	if (strcmp(name, "pg_role") == 0)
		return fr_node_str(v);
	return fr_node_bool(v, &b) ? (b ? "true" : "false") : NULL;
}

static int select_member(const char *sel, const struct fr_node *m)
{
	return fr_service_selects(sel, member_get, (void *)m);
}

static void service(struct fb *fb, const struct pg *pg, const struct fr_rto_plan *rto, const struct fr_node *s,
		    struct fr_buf *out)
{
	const char *name = fr_node_str(fr_node_get(s, "name")), *dest = fr_node_str(fr_node_get(s, "dest"));
	const char *check = fr_node_str(fr_node_get(s, "check")), *sel = fr_node_str(fr_node_get(s, "selector"));
	const char *backup = fr_node_str(fr_node_get(s, "backup")), *ip = fr_node_str(fr_node_get(s, "ip"));
	long long port = 0, dport;
	size_t i;

	if (!name || !fr_node_int(fr_node_get(s, "port"), &port))
		return;
	if (dest == NULL || strcmp(dest, "default") == 0)
		dest = fb_str(fb, "pg_default_service_dest", "pgbouncer");
	dport = strcmp(dest, "postgres") == 0 ? pg->port : strcmp(dest, "pgbouncer") == 0 ? pg->bouncer_port : atoll(dest);
	fr_buf_addf(out,
		    "\n# service %s-%s: port %lld -> %s, health from patroni's %s\n"
		    "listen %s-%s\n    bind %s:%lld\n    mode tcp\n    maxconn 5000\n    balance roundrobin\n"
		    "    option httpchk\n    option http-keep-alive\n    http-check send meth OPTIONS uri %s\n"
		    "    http-check expect status 200\n"
		    "    default-server inter %s fastinter %s downinter %s rise %d fall %d on-marked-down shutdown-sessions "
		    "slowstart 30s maxconn 3000 maxqueue 128 weight 100\n",
		    pg->cluster, name, port, dest, check ? check : "/primary", pg->cluster, name,
		    ip && strcmp(ip, "*") != 0 ? ip : "*", port, check ? check : "/primary", rto->inter, rto->fastinter,
		    rto->downinter, rto->rise, rto->fall);
	for (i = 0; fr_node_is_seq(pg->members) && i < pg->members->n; i++) {
		const struct fr_node *m = pg->members->items[i];
		const char *mip = fr_node_str(fr_node_get(m, "ip")), *mname = fr_node_str(fr_node_get(m, "name"));
		int b = backup && select_member(backup, m);

		if (mip && mname && (b || select_member(sel ? sel : "[]", m)))
			fr_buf_addf(out, "    server %s %s:%lld check port %lld%s\n", mname, mip, dport, pg->patroni_port,
				    b ? " backup" : "");
	}
}

long pg_haproxy_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 1048576)
		return 1048576;
	return (long)rl.rlim_max;
}

long pg_haproxy_maxconn(void)
{
	long n = (pg_haproxy_nofile() - 1000) / 2;

	return n > 20000 ? 20000 : n < 100 ? 100 : n;
}

void pg_haproxy_cfg(struct fb *fb, const struct pg *pg, struct fr_buf *out)
{
	const struct fr_rto_plan *rto = fr_rto_plan(fb_str(fb, "pg_rto", "norm"));
	const struct fr_node *def = fb_var(fb, "pg_default_services"), *extra = fb_var(fb, "pg_services");
	size_t i;

	if (rto == NULL)
		rto = fr_rto_plan("norm");
	fr_buf_addf(out,
		    "# /etc/haproxy/haproxy.cfg: written by farrow-firstboot (pgsql module) for %s; pg_rto %s\n"
		    "global\n    maxconn %ld\n    user haproxy\n    group haproxy\n    log /dev/log local0 warning\n"
		    "    stats socket " PG_HAPROXY_STATS " mode 600 level user\n\n"
		    "defaults\n    log global\n    mode tcp\n    retries 3\n    timeout queue 3s\n"
		    "    timeout connect 3s\n    timeout client 24h\n    timeout server 24h\n    timeout check 3s\n",
		    pg->instance, rto->name, pg_haproxy_maxconn());
	for (i = 0; fr_node_is_seq(def) && i < def->n; i++)
		service(fb, pg, rto, def->items[i], out);
	for (i = 0; fr_node_is_seq(extra) && i < extra->n; i++)
		service(fb, pg, rto, extra->items[i], out);
}

/* ---- pgbackrest */

/* pgBackRest's version on this node as 100 * major + minor (2.45: 245), 0 where it is not installed. */
static int pgbackrest_version(struct fb *fb)
{
	const char *argv[] = { "pgbackrest", "version", NULL };
	struct fr_buf b = FR_BUF_INIT;
	int major = 0, minor = 0;

	if (fb_run(fb, argv, NULL, &b) == 0 && b.buf)
		sscanf(b.buf, "pgBackRest %d.%d", &major, &minor);
	fr_buf_release(&b);
	return major * 100 + minor;
}

void pg_pgbackrest_conf(struct fb *fb, const struct pg *pg, struct fr_buf *out)
{
	const char *method = fb_str(fb, "pgbackrest_method", "local");
	const struct fr_node *repo = fr_node_get(fb_var(fb, "pgbackrest_repo"), method);
	size_t i;
	int ver = 0;

	fr_buf_addf(out,
		    "# /etc/pgbackrest/pgbackrest.conf: written by farrow-firstboot (pgsql module) for %s\n"
		    "# repo1 is pgbackrest_repo.%s (pgbackrest_method), each key as repo1-<key>, as Pigsty renders it\n"
		    "[global]\n",
		    pg->instance, method);
	if (!fr_node_is_map(repo) || fr_node_get(repo, "path") == NULL)
		fr_buf_addf(out, "repo1-path=%s\n", pg->backup_path);
	for (i = 0; fr_node_is_map(repo) && i < repo->n; i++) {
		const char *k = fr_node_str(repo->keys[i]), *v = fr_node_str(repo->items[i]);
		const char *p;

		if (k == NULL || v == NULL)
			continue; /* the profile check refuses both */
		/* block incremental (Pigsty's default) is a beta needing beta=y before pgBackRest 2.46 */
		if (strcmp(k, "block") == 0 && (ver = ver ? ver : pgbackrest_version(fb)) > 0 && ver < 246) {
			fr_buf_addf(out, "# repo1-block left out: pgBackRest %d.%d has block incremental as a beta only\n",
				    ver / 100, ver % 100);
			continue;
		}
		fr_buf_adds(out, "repo1-");
		for (p = k; *p; p++)
			fr_buf_addc(out, *p == '_' ? '-' : *p);
		/* YAML's booleans as pgBackRest's y/n */
		if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
			v = *v == 't' ? "y" : "n";
		if (fb->mask && fr_param_is_secret(k))
			v = "********"; /* render: s3_key_secret, cipher_pass (lib/params.c's one list) */
		fr_buf_addf(out, "=%s\n", v);
	}
	if (fr_node_get(repo, "retention_full_type") == NULL)
		fr_buf_adds(out, "repo1-retention-full-type=count\n");
	if (fr_node_get(repo, "retention_full") == NULL)
		fr_buf_adds(out, "repo1-retention-full=2\n");
	fr_buf_addf(out,
		    "log-path=%s\nlog-level-console=warn\nlog-level-file=info\nstart-fast=y\nstop-auto=y\n"
		    "process-max=2\ncompress-type=zst\n\n[%s]\npg1-path=%s\npg1-socket-path=/var/run/postgresql\n"
		    "pg1-port=%lld\npg1-user=%s\n",
		    fb_str(fb, "pgbackrest_log_dir", "/pg/log/pgbackrest"), pg->stanza, pg->data, pg->port, pg->dbsu);
}

/* ---- the VIP keeper (firstboot/vip.c) as a unit: pg_vip_address on this member while it leads */

void pg_vip_unit(struct fb *fb, const struct pg *pg, struct fr_buf *out)
{
	fr_buf_addf(out,
		    "# /etc/systemd/system/farrow-vip.service: written by farrow-firstboot (pgsql module).\n"
		    "# %s on %s while %s leads %s (its Patroni's /primary); farrow-firstboot render vip\n"
		    "[Unit]\nDescription=farrow: %s on %s while this member leads %s\n"
		    "After=network-online.target patroni.service\n\n"
		    "[Service]\nExecStart=/usr/local/sbin/farrow-firstboot vip\nRestart=always\nRestartSec=2\n\n"
		    "[Install]\nWantedBy=multi-user.target\n",
		    fb_str(fb, "pg_vip_address", ""), fb_str(fb, "pg_vip_interface", "eth0"), pg->instance, pg->cluster,
		    fb_str(fb, "pg_vip_address", ""), fb_str(fb, "pg_vip_interface", "eth0"), pg->cluster);
}
