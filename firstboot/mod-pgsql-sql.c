/* mod-pgsql-sql.c -- the pgsql module's SQL: roles, users, databases and privileges over libpq. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "pgsql.h"
#include "pq.h"
#include "xalloc.h"

struct sql {
	struct fb *fb;
	const struct pg *pg;
	struct fr_pq *pq;
	struct fr_err err;
	int failed;
};

/* Run one statement; a failure is logged (the statement too, unless it holds a secret). */
static int q(struct sql *s, const char *sql, int nparams, const char *const *params, struct fr_buf *rows, int secret)
{
	int r = fr_pq_exec(s->pq, sql, nparams, params, rows, &s->err);

	if (r < 0) {
		fb_fail(s->fb, "SQL failed: %s%s%s", s->err.msg, secret ? "" : " in: ", secret ? "" : sql);
		s->failed = 1;
	}
	return r;
}

static int flag(const struct fr_node *m, const char *key, int def)
{
	int v;

	return fr_node_bool(fr_node_get(m, key), &v) ? v : def;
}

/*
 * One role: created when missing, then every attribute the spec names set
 * (ALTER is idempotent); the password only when it does not match, checked
 * against the stored SCRAM verifier on this side.
 */
static void role(struct sql *s, const struct fr_node *m, const char *password, int login_default)
{
	const char *name = fr_node_str(fr_node_get(m, "name")), *comment = fr_node_str(fr_node_get(m, "comment"));
	const char *expire_at = fr_node_str(fr_node_get(m, "expire_at"));
	const struct fr_node *roles = fr_node_get(m, "roles"), *params = fr_node_get(m, "parameters");
	struct fr_buf sql = FR_BUF_INIT, rows = FR_BUF_INIT, id = FR_BUF_INIT;
	static const char *const attrs[][2] = { { "superuser", "SUPERUSER" }, { "createdb", "CREATEDB" },
						 { "createrole", "CREATEROLE" }, { "inherit", "INHERIT" },
						 { "replication", "REPLICATION" }, { "bypassrls", "BYPASSRLS" } };
	const char *pv[1];
	long long connlimit, expire_in;
	size_t i;
	int n, created = 0;

	if (name == NULL)
		return;
	if (password == NULL)
		password = fr_node_str(fr_node_get(m, "password"));
	fr_pq_ident(s->pq, name, &id);
	pv[0] = name;
	if ((n = q(s, "SELECT coalesce(rolpassword, '') FROM pg_authid WHERE rolname = $1", 1, pv, &rows, 0)) < 0)
		goto out;
	if (n == 0) {
		fr_buf_addf(&sql, "CREATE ROLE %s", id.buf);
		if (q(s, sql.buf, 0, NULL, NULL, 0) < 0)
			goto out;
		created = 1;
		s->fb->changes++;
		fb_log(s->fb, "role %s: created", name);
	}
	fr_buf_reset(&sql);
	fr_buf_addf(&sql, "ALTER ROLE %s %sLOGIN", id.buf, flag(m, "login", login_default) ? "" : "NO");
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (fr_node_get(m, attrs[i][0]) || strcmp(attrs[i][0], "inherit") == 0)
			fr_buf_addf(&sql, " %s%s", flag(m, attrs[i][0], strcmp(attrs[i][0], "inherit") == 0) ? "" : "NO",
				    attrs[i][1]);
	if (fr_node_int(fr_node_get(m, "connlimit"), &connlimit))
		fr_buf_addf(&sql, " CONNECTION LIMIT %lld", connlimit);
	if (expire_at) {
		fr_buf_adds(&sql, " VALID UNTIL ");
		fr_pq_literal(s->pq, expire_at, &sql);
	} else if (created && fr_node_int(fr_node_get(m, "expire_in"), &expire_in)) {
		char day[32];
		time_t t = time(NULL) + (time_t)expire_in * 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		fr_buf_addf(&sql, " VALID UNTIL '%s'", day);
	}
	if (q(s, sql.buf, 0, NULL, NULL, 0) < 0)
		goto out;
	if (password && *password && !fr_scram_matches(rows.buf, password)) {
		struct fr_buf v = FR_BUF_INIT;

		fr_buf_reset(&sql);
		if (fr_pq_scram(s->pq, name, password, &v, &s->err) < 0) {
			fb_fail(s->fb, "%s", s->err.msg);
			s->failed = 1;
		} else {
			fr_buf_addf(&sql, "ALTER ROLE %s PASSWORD ", id.buf);
			fr_pq_literal(s->pq, v.buf, &sql);
			if (q(s, sql.buf, 0, NULL, NULL, 1) == 0)
				fb_log(s->fb, "role %s: password set (its SCRAM verifier, made on this side)", name), s->fb->changes++;
			fr_wipe(sql.buf, sql.len);
		}
		fr_buf_release(&v);
	}
	if (comment) {
		fr_buf_reset(&sql);
		fr_buf_addf(&sql, "COMMENT ON ROLE %s IS ", id.buf);
		fr_pq_literal(s->pq, comment, &sql);
		q(s, sql.buf, 0, NULL, NULL, 0);
	}
	for (i = 0; fr_node_is_seq(roles) && i < roles->n; i++) {
		const char *r = fr_node_str(roles->items[i]);
		const char *p2[2] = { name, r };

		if (r == NULL)
			continue;
		fr_buf_reset(&rows);
		if (q(s, "SELECT 1 FROM pg_auth_members m JOIN pg_roles a ON a.oid = m.member JOIN pg_roles b ON "
			 "b.oid = m.roleid WHERE a.rolname = $1 AND b.rolname = $2", 2, p2, &rows, 0) == 0) {
			fr_buf_reset(&sql);
			fr_buf_adds(&sql, "GRANT ");
			fr_pq_ident(s->pq, r, &sql);
			fr_buf_addf(&sql, " TO %s", id.buf);
			if (q(s, sql.buf, 0, NULL, NULL, 0) == 0)
				fb_log(s->fb, "role %s: granted %s", name, r), s->fb->changes++;
		}
	}
	for (i = 0; fr_node_is_map(params) && i < params->n; i++) {
		if (!fr_node_str(params->keys[i]) || !fr_node_str(params->items[i]))
			continue;
		fr_buf_reset(&sql);
		fr_buf_addf(&sql, "ALTER ROLE %s SET ", id.buf);
		fr_pq_ident(s->pq, params->keys[i]->str, &sql);
		fr_buf_adds(&sql, " = ");
		/* a list value (search_path: 'app,public') is a list of literals, not one name with a comma */
		{
			char *copy = fr_xstrdup(params->items[i]->str), *tok, *save = NULL;
			int first = 1;

			static const char *const lists[] = { "search_path", "temp_tablespaces", "local_preload_libraries",
							     "session_preload_libraries", NULL };
			const char *sep = ",";
			size_t li;

			for (li = 0; lists[li] && strcmp(lists[li], params->keys[i]->str) != 0; li++)
				;
			if (lists[li] == NULL)
				sep = ""; /* one value, whatever it holds */
			for (tok = *sep ? strtok_r(copy, sep, &save) : copy; tok;
			     tok = *sep ? strtok_r(NULL, sep, &save) : NULL) {
				while (*tok == ' ')
					tok++;
				while (*tok && tok[strlen(tok) - 1] == ' ')
					tok[strlen(tok) - 1] = '\0';
				if (!first)
					fr_buf_adds(&sql, ", ");
				fr_pq_literal(s->pq, tok, &sql);
				first = 0;
			}
			if (first)
				fr_pq_literal(s->pq, "", &sql);
			free(copy);
		}
		q(s, sql.buf, 0, NULL, NULL, 0);
	}
out:
	fr_buf_release(&sql);
	fr_buf_release(&rows);
	fr_buf_release(&id);
}

/* Pigsty's default roles, as YAML so the same code converges them and the user's. */
static const char default_roles[] =
	"- { name: dbrole_readonly,  login: false, comment: role for global read-only access }\n"
	"- { name: dbrole_offline,   login: false, comment: role for restricted read-only access }\n"
	"- { name: dbrole_readwrite, login: false, roles: [ dbrole_readonly ], comment: role for global read-write access }\n"
	"- { name: dbrole_admin,     login: false, roles: [ pg_monitor, dbrole_readwrite ], comment: role for object creation }\n";

/* The privileges new objects get (Pigsty's pg_default_privileges). */
static const char *const default_privileges[] = {
	"GRANT USAGE      ON SCHEMAS   TO dbrole_readonly",
	"GRANT SELECT     ON TABLES    TO dbrole_readonly",
	"GRANT SELECT     ON SEQUENCES TO dbrole_readonly",
	"GRANT EXECUTE    ON FUNCTIONS TO dbrole_readonly",
	"GRANT USAGE      ON SCHEMAS   TO dbrole_offline",
	"GRANT SELECT     ON TABLES    TO dbrole_offline",
	"GRANT SELECT     ON SEQUENCES TO dbrole_offline",
	"GRANT EXECUTE    ON FUNCTIONS TO dbrole_offline",
	"GRANT INSERT     ON TABLES    TO dbrole_readwrite",
	"GRANT UPDATE     ON TABLES    TO dbrole_readwrite",
	"GRANT DELETE     ON TABLES    TO dbrole_readwrite",
	"GRANT USAGE      ON SEQUENCES TO dbrole_readwrite",
	"GRANT UPDATE     ON SEQUENCES TO dbrole_readwrite",
	"GRANT TRUNCATE   ON TABLES    TO dbrole_admin",
	"GRANT REFERENCES ON TABLES    TO dbrole_admin",
	"GRANT TRIGGER    ON TABLES    TO dbrole_admin",
	"GRANT CREATE     ON SCHEMAS   TO dbrole_admin",
	NULL,
};

/* In the connected database: default privileges for objects made by each of owners. */
static void privileges(struct sql *s, const char *const *owners)
{
	const struct fr_node *custom = fb_var(s->fb, "pg_default_privileges");
	struct fr_buf sql = FR_BUF_INIT;
	size_t i, j;

	for (j = 0; owners[j]; j++) {
		fr_buf_reset(&sql);
		if (fr_node_is_seq(custom) && custom->n) {
			for (i = 0; i < custom->n; i++)
				if (fr_node_str(custom->items[i])) {
					fr_buf_adds(&sql, "ALTER DEFAULT PRIVILEGES FOR ROLE ");
					fr_pq_ident(s->pq, owners[j], &sql);
					fr_buf_addf(&sql, " %s;\n", custom->items[i]->str);
				}
		} else
			for (i = 0; default_privileges[i]; i++) {
				fr_buf_adds(&sql, "ALTER DEFAULT PRIVILEGES FOR ROLE ");
				fr_pq_ident(s->pq, owners[j], &sql);
				fr_buf_addf(&sql, " %s;\n", default_privileges[i]);
			}
		if (sql.len)
			q(s, sql.buf, 0, NULL, NULL, 0);
	}
	fr_buf_release(&sql);
}

static struct fr_pq *connect_db(struct sql *s, const char *db)
{
	struct fr_buf ci = FR_BUF_INIT;
	struct fr_pq *pq;

	fr_buf_addf(&ci, "host=/var/run/postgresql port=%lld user=%s connect_timeout=10 application_name=farrow-firstboot dbname='",
		    s->pg->port, s->pg->dbsu);
	for (; *db; db++) {
		if (*db == '\'' || *db == '\\')
			fr_buf_addc(&ci, '\\');
		fr_buf_addc(&ci, *db);
	}
	fr_buf_addc(&ci, '\'');
	pq = fr_pq_connect(ci.buf, &s->err);
	fr_buf_release(&ci);
	if (pq == NULL) {
		fb_fail(s->fb, "%s", s->err.msg);
		s->failed = 1;
	}
	return pq;
}

static const struct {
	const char *key, *clause;
	int ident;
} create_opts[] = {
	{ "template", "TEMPLATE", 1 },     { "encoding", "ENCODING", 0 }, { "locale", "LOCALE", 0 },
	{ "lc_collate", "LC_COLLATE", 0 }, { "lc_ctype", "LC_CTYPE", 0 }, { "tablespace", "TABLESPACE", 1 },
};

static void database(struct sql *s, const struct fr_node *d)
{
	const char *name = fr_node_str(fr_node_get(d, "name")), *owner = fr_node_str(fr_node_get(d, "owner"));
	const char *comment = fr_node_str(fr_node_get(d, "comment"));
	const struct fr_node *schemas = fr_node_get(d, "schemas"), *exts = fr_node_get(d, "extensions");
	struct fr_buf sql = FR_BUF_INIT, id = FR_BUF_INIT, rows = FR_BUF_INIT;
	struct fr_pq *main_pq = s->pq, *db;
	const char *pv[1] = { name }, *opt;
	long long connlimit;
	size_t i;
	int n, b;

	if (name == NULL)
		return;
	fr_pq_ident(s->pq, name, &id);
	if ((n = q(s, "SELECT 1 FROM pg_database WHERE datname = $1", 1, pv, &rows, 0)) < 0)
		goto out;
	if (n == 0) {
		fr_buf_addf(&sql, "CREATE DATABASE %s", id.buf);
		if (owner) {
			fr_buf_adds(&sql, " OWNER ");
			fr_pq_ident(s->pq, owner, &sql);
		}
		/* the options CREATE DATABASE takes from the entry: an identifier or a literal each */
		for (i = 0; i < sizeof(create_opts) / sizeof(create_opts[0]); i++)
			if ((opt = fr_node_str(fr_node_get(d, create_opts[i].key))) != NULL) {
				fr_buf_addf(&sql, " %s ", create_opts[i].clause);
				(create_opts[i].ident ? fr_pq_ident : fr_pq_literal)(s->pq, opt, &sql);
			}
		if (q(s, sql.buf, 0, NULL, NULL, 0) < 0)
			goto out;
		fb_log(s->fb, "database %s: created", name);
		s->fb->changes++;
	}
	if (owner) {
		fr_buf_reset(&sql);
		fr_buf_addf(&sql, "ALTER DATABASE %s OWNER TO ", id.buf);
		fr_pq_ident(s->pq, owner, &sql);
		q(s, sql.buf, 0, NULL, NULL, 0);
	}
	if (fr_node_int(fr_node_get(d, "connlimit"), &connlimit)) {
		fr_buf_reset(&sql);
		fr_buf_addf(&sql, "ALTER DATABASE %s CONNECTION LIMIT %lld", id.buf, connlimit);
		q(s, sql.buf, 0, NULL, NULL, 0);
	}
	if (fr_node_bool(fr_node_get(d, "allowconn"), &b)) {
		fr_buf_reset(&sql);
		fr_buf_addf(&sql, "ALTER DATABASE %s ALLOW_CONNECTIONS %s", id.buf, b ? "true" : "false");
		q(s, sql.buf, 0, NULL, NULL, 0);
	}
	if (comment) {
		fr_buf_reset(&sql);
		fr_buf_addf(&sql, "COMMENT ON DATABASE %s IS ", id.buf);
		fr_pq_literal(s->pq, comment, &sql);
		q(s, sql.buf, 0, NULL, NULL, 0);
	}
	if (fr_node_bool(fr_node_get(d, "revokeconn"), &b) && b) {
		const char *who[] = { s->pg->repl, s->pg->monitor, s->pg->admin, s->pg->dbsu, owner, NULL };

		fr_buf_reset(&sql);
		fr_buf_addf(&sql, "REVOKE CONNECT ON DATABASE %s FROM PUBLIC;", id.buf);
		for (i = 0; who[i]; i++) {
			fr_buf_addf(&sql, " GRANT CONNECT ON DATABASE %s TO ", id.buf);
			fr_pq_ident(s->pq, who[i], &sql);
			fr_buf_adds(&sql, i >= 2 ? " WITH GRANT OPTION;" : ";");
		}
		q(s, sql.buf, 0, NULL, NULL, 0);
	}
	/* inside the database: default privileges, schemas, extensions */
	if ((db = connect_db(s, name)) == NULL)
		goto out;
	s->pq = db;
	{
		const char *owners[] = { s->pg->dbsu, s->pg->admin, owner, NULL };

		privileges(s, owners);
	}
	{
		const struct fr_node *defs = fb_var(s->fb, "pg_default_schemas");
		const struct fr_node *lists[2] = { defs, schemas };
		size_t l;

		for (l = 0; l < 2; l++)
			for (i = 0; fr_node_is_seq(lists[l]) && i < lists[l]->n; i++) {
				const char *sc = fr_node_str(lists[l]->items[i]);

				if (sc == NULL)
					continue;
				fr_buf_reset(&sql);
				fr_buf_adds(&sql, "CREATE SCHEMA IF NOT EXISTS ");
				fr_pq_ident(s->pq, sc, &sql);
				if (owner && l == 1) {
					fr_buf_adds(&sql, " AUTHORIZATION ");
					fr_pq_ident(s->pq, owner, &sql);
				}
				fr_buf_adds(&sql, "; GRANT USAGE ON SCHEMA ");
				fr_pq_ident(s->pq, sc, &sql);
				fr_buf_adds(&sql, " TO dbrole_readonly, dbrole_offline; GRANT CREATE ON SCHEMA ");
				fr_pq_ident(s->pq, sc, &sql);
				fr_buf_adds(&sql, " TO dbrole_admin");
				q(s, sql.buf, 0, NULL, NULL, 0);
			}
	}
	for (i = 0; fr_node_is_seq(exts) && i < exts->n; i++) {
		const struct fr_node *e = exts->items[i];
		const char *en = fr_node_is_map(e) ? fr_node_str(fr_node_get(e, "name")) : fr_node_str(e);
		const char *es = fr_node_is_map(e) ? fr_node_str(fr_node_get(e, "schema")) : NULL;

		if (en == NULL)
			continue;
		fr_buf_reset(&sql);
		fr_buf_adds(&sql, "CREATE EXTENSION IF NOT EXISTS ");
		fr_pq_ident(s->pq, en, &sql);
		if (es) {
			fr_buf_adds(&sql, " WITH SCHEMA ");
			fr_pq_ident(s->pq, es, &sql);
		}
		fr_buf_adds(&sql, " CASCADE");
		q(s, sql.buf, 0, NULL, NULL, 0);
	}
	fr_pq_close(db);
	s->pq = main_pq;
out:
	fr_buf_release(&sql);
	fr_buf_release(&id);
	fr_buf_release(&rows);
}

/* The users pgbouncer knows: "name" "SCRAM verifier" lines for its auth_file. */
static void userlist(struct sql *s, const struct fr_node *users, struct fr_buf *out)
{
	struct fr_buf arr = FR_BUF_INIT, rows = FR_BUF_INIT;
	const char *pv[1];
	char *line, *save = NULL;
	size_t i;

	fr_buf_addf(&arr, "{\"%s\",\"%s\"", s->pg->admin, s->pg->monitor);
	for (i = 0; fr_node_is_seq(users) && i < users->n; i++) {
		const char *name = fr_node_str(fr_node_get(users->items[i], "name"));
		const char *p;

		if (name == NULL || !flag(users->items[i], "pgbouncer", 1))
			continue;
		fr_buf_adds(&arr, ",\"");
		for (p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				fr_buf_addc(&arr, '\\');
			fr_buf_addc(&arr, *p);
		}
		fr_buf_addc(&arr, '"');
	}
	fr_buf_addc(&arr, '}');
	pv[0] = arr.buf;
	if (q(s, "SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY($1::text[]) AND rolcanlogin "
		 "AND rolpassword IS NOT NULL ORDER BY rolname", 1, pv, &rows, 0) >= 0)
		for (line = strtok_r(rows.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *tab = strchr(line, '\t');

			if (tab) {
				*tab = '\0';
				fr_buf_addf(out, "\"%s\" \"%s\"\n", line, tab + 1);
			}
		}
	fr_buf_wipe(&rows);
	fr_buf_release(&arr);
}

static int converge(struct fb *fb, const struct pg *pg, struct fr_buf *out)
{
	struct sql s = { fb, pg, NULL, { 0 }, 0 };
	struct fr_buf rows = FR_BUF_INIT;
	const struct fr_node *users = fb_var(fb, "pg_users"), *dbs = fb_var(fb, "pg_databases");
	const struct fr_node *defroles = fr_node_get(fb->vars, "pg_default_roles");
	struct fr_node *builtin = NULL;
	size_t i;

	if ((s.pq = connect_db(&s, "postgres")) == NULL)
		return -1;
	/* a primary that patroni just started may still be in recovery (a reboot, a crash): wait for it */
	for (i = 0; i < 240; i++) {
		struct timespec half = { 0, 500000000 };

		fr_buf_reset(&rows);
		if (q(&s, "SELECT pg_is_in_recovery()", 0, NULL, &rows, 0) < 0)
			goto out;
		if (strcmp(pg->role, "primary") != 0 || strncmp(rows.buf, "f", 1) == 0)
			break;
		nanosleep(&half, NULL);
	}
	if (strcmp(pg->role, "primary") == 0 && strncmp(rows.buf, "f", 1) != 0) {
		fb_fail(fb, "%s should be the primary but is still in recovery after 120 s", pg->instance);
		s.failed = 1;
		goto out;
	}
	if (strncmp(rows.buf, "f", 1) == 0) {
		if (!fr_node_is_seq(defroles))
			defroles = builtin = fr_yaml_parse(default_roles, strlen(default_roles), NULL);
		for (i = 0; fr_node_is_seq(defroles) && i < defroles->n; i++)
			role(&s, defroles->items[i], NULL, 0);
		/* the system users, named and keyed by their own variables */
		{
			static const char sys[] =
				"- { name: S1, superuser: true, comment: system superuser }\n"
				"- { name: S2, replication: true, roles: [ pg_monitor, dbrole_readonly ], comment: system replicator }\n"
				"- { name: S3, superuser: true, roles: [ dbrole_admin ], comment: pgsql admin user }\n"
				"- { name: S4, roles: [ pg_monitor ], connlimit: 100, comment: pgsql monitor user }\n";
			struct fr_node *t = fr_yaml_parse(sys, strlen(sys), NULL);
			const char *names[4] = { pg->dbsu, pg->repl, pg->admin, pg->monitor };
			const char *pws[4] = { NULL, fb_str(fb, "pg_replication_password", NULL),
					       fb_str(fb, "pg_admin_password", NULL), fb_str(fb, "pg_monitor_password", NULL) };

			for (i = 0; t && i < 4 && i < t->n; i++) {
				struct fr_node *nm = fr_node_get(t->items[i], "name");

				free(nm->str);
				nm->str = fr_xstrdup(names[i]);
				role(&s, t->items[i], pws[i], 1);
			}
			fr_node_free(t);
		}
		for (i = 0; fr_node_is_seq(users) && i < users->n; i++)
			role(&s, users->items[i], NULL, 1);
		{
			/* template1 first, so every later database starts with the default privileges */
			struct fr_pq *t1, *keep = s.pq;
			const char *owners[] = { pg->dbsu, pg->admin, NULL };

			if ((t1 = connect_db(&s, "template1")) != NULL) {
				s.pq = t1;
				privileges(&s, owners);
				fr_pq_close(t1);
				s.pq = keep;
			}
		}
		for (i = 0; fr_node_is_seq(dbs) && i < dbs->n; i++)
			database(&s, dbs->items[i]);
	}
	userlist(&s, users, out);
out:
	fr_node_free(builtin);
	fr_buf_release(&rows);
	fr_pq_close(s.pq);
	return s.failed ? -1 : 0;
}

int pg_sql_converge(struct fb *fb, const struct pg *pg, struct fr_buf *userlist_out)
{
	struct passwd *pw = getpwnam(pg->dbsu);
	int p[2], st = 0;
	pid_t pid;
	char buf[4096];
	ssize_t n;

	if (pw == NULL)
		return fb_fail(fb, "no user '%s' on this node", pg->dbsu);
	if (pipe(p) < 0)
		return fb_fail(fb, "pipe: %s", strerror(errno));
	fflush(stdout);
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return fb_fail(fb, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		struct fr_buf out = FR_BUF_INIT;
		size_t done = 0;
		int r;

		close(p[0]);
		if (setgid(pw->pw_gid) < 0 || initgroups(pg->dbsu, pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
			fb_fail(fb, "cannot become %s: %s", pg->dbsu, strerror(errno));
			_exit(1);
		}
		fb->changes = 0;
		r = converge(fb, pg, &out);
		{
			/* the count of changes first, then the userlist */
			char head[32];
			int hl = snprintf(head, sizeof(head), "%d\n", fb->changes);

			if (write(p[1], head, (size_t)hl) != hl)
				_exit(1);
		}
		while (done < out.len) {
			ssize_t w = write(p[1], out.buf + done, out.len - done);

			if (w <= 0)
				break;
			done += (size_t)w;
		}
		_exit(r == 0 ? 0 : 1);
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			fr_buf_addn(userlist_out, buf, (size_t)n);
	close(p[0]);
	fr_wipe(buf, sizeof(buf));
	{
		/* the child's count of changes heads what it sent */
		char *nl = memchr(userlist_out->buf, '\n', userlist_out->len);

		if (nl) {
			size_t hl = (size_t)(nl - userlist_out->buf) + 1;

			fb->changes += atoi(userlist_out->buf);
			memmove(userlist_out->buf, nl + 1, userlist_out->len - hl);
			userlist_out->len -= hl;
			userlist_out->buf[userlist_out->len] = '\0';
		}
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return fb_fail(fb, "roles, users and databases did not converge");
	return 0;
}
