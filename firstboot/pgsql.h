/* pgsql.h -- inside the pgsql module: the instance it converges, its renderers and its SQL. */
/* SPDX-License-Identifier: MIT */
#ifndef FB_PGSQL_H
#define FB_PGSQL_H

#include "buf.h"
#include "fb.h"
#include "plans.h"

/* haproxy's stats socket, user level (read only), root's: what health reads the services from */
#define PG_HAPROXY_STATS "/run/farrow-haproxy.sock"

struct pg {
	const char *cluster, *instance, *role, *dbsu, *data, *repl, *admin, *monitor;
	long long version, port, bouncer_port, patroni_port;
	long long max_conn;   /* pg_max_conn, or by pg_conf (tiny 250, olap 200, else 500): one value for
			       * bootstrap.dcs and postgresql.parameters alike */
	char bin_dir[128];
	char stanza[128];
	const char *backup_path; /* pgbackrest_repo.<method>.path: a directory (posix) or a prefix (s3) */
	const char *repo_type;	 /* its type: posix (the default), s3, ... */
	const struct fr_node *members; /* peers.pg_cluster: [{ ip, name, seq, role }] */
};

/* The instance this node's profile describes; 0, or -1 (logged) when it has no PostgreSQL identity. */
int pg_init(struct fb *fb, struct pg *pg);

/* Renderers: each appends a whole config file. */
void pg_patroni_yml(struct fb *fb, const struct pg *pg, struct fr_buf *out);
void pg_hba(struct fb *fb, const struct pg *pg, const char *indent, struct fr_buf *out);
void pg_pgbouncer_ini(struct fb *fb, const struct pg *pg, struct fr_buf *out);
/* haproxy's descriptor limit (the hard limit this node allows) and the maxconn that fits in it. */
long pg_haproxy_nofile(void);
long pg_haproxy_maxconn(void);
void pg_haproxy_cfg(struct fb *fb, const struct pg *pg, struct fr_buf *out);
void pg_pgbackrest_conf(struct fb *fb, const struct pg *pg, struct fr_buf *out);
/* pg_crontab as systemd timers and /pg/bin/pg-backup (firstboot/pg-cron.c). 0 or -1 (logged). */
int pg_crontab(struct fb *fb, const struct pg *pg);
/* farrow-vip.service, the VIP keeper's unit (firstboot/vip.c). */
void pg_vip_unit(struct fb *fb, const struct pg *pg, struct fr_buf *out);

/*
 * Roles, users, databases, schemas, extensions and privileges over libpq,
 * as the database superuser through the local socket: runs in a child
 * that becomes pg->dbsu. On the primary it creates and alters; on every
 * member it reads the pgbouncer users' verifiers into userlist (the text of
 * pgbouncer's auth_file). 0 or -1 (logged).
 */
int pg_sql_converge(struct fb *fb, const struct pg *pg, struct fr_buf *userlist);

/* Append s as a single-quoted YAML scalar. */
void pg_yaml_quote(struct fr_buf *out, const char *s);

#endif
