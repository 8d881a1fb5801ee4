/* health.c -- clusters' health from their members' own reports. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "xalloc.h"

const char *fr_health_name(enum fr_health h)
{
	return h == FR_HEALTHY ? "healthy" : h == FR_DEGRADED ? "degraded" : "down";
}

/* A cluster being judged: its verdict and the reasons, in the order found. */
struct verdict {
	enum fr_health state;
	struct fr_buf reasons; /* JSON strings, comma-separated */
	struct fr_buf why;     /* the same for people, "; "-separated */
};

static void reason(struct verdict *v, enum fr_health at_least, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void reason(struct verdict *v, enum fr_health at_least, const char *fmt, ...)
{
	struct fr_buf m = FR_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	fr_buf_vaddf(&m, fmt, ap);
	va_end(ap);
	if (at_least > v->state)
		v->state = at_least;
	if (v->reasons.len)
		fr_buf_addc(&v->reasons, ',');
	fr_buf_add_json_str(&v->reasons, m.buf);
	fr_buf_addf(&v->why, "%s%s", v->why.len ? "; " : "", m.buf);
	fr_buf_release(&m);
}

static const char *str_or(const struct fr_node *n, const char *name, const char *fallback)
{
	const char *s = fr_node_str(fr_node_get(n, name));

	return s ? s : fallback;
}

static int is_true(const struct fr_node *n)
{
	int b = 0;

	return fr_node_bool(n, &b) && b;
}

/* The entry of a sequence of maps whose "name" is name, or NULL. */
static const struct fr_node *by_name(const struct fr_node *seq, const char *name)
{
	size_t i;

	for (i = 0; fr_node_is_seq(seq) && i < seq->n; i++)
		if (strcmp(str_or(seq->items[i], "name", ""), name) == 0)
			return seq->items[i];
	return NULL;
}

/* A cluster object's common head, left open: {"kind":K,"name":N,"state":S,"reasons":[...],"leader":L */
static void json_head(struct fr_buf *json, const char *kind, const char *name, const struct verdict *v, const char *leader)
{
	fr_buf_addf(json, "{\"kind\":\"%s\",\"name\":", kind);
	fr_buf_add_json_str(json, name);
	fr_buf_addf(json, ",\"state\":\"%s\",\"reasons\":[%s],\"leader\":", fr_health_name(v->state),
		    v->reasons.buf ? v->reasons.buf : "");
	if (leader)
		fr_buf_add_json_str(json, leader);
	else
		fr_buf_adds(json, "null");
}

/* The state as the text report shows it: what needs a look in capitals. */
static const char *state_word(enum fr_health h)
{
	return h == FR_HEALTHY ? "healthy" : h == FR_DEGRADED ? "DEGRADED" : "DOWN";
}

static void pg_cluster(const struct fr_inventory *inv, const struct fr_health_host *hosts, size_t n, const char *name,
		       struct verdict *v, struct fr_buf *json, struct fr_buf *text)
{
	const struct fr_node *leader_rep = NULL, *patroni = NULL, *services = NULL, *repl, *backup;
	const char *leader = NULL;
	struct fr_buf rows = FR_BUF_INIT, lines = FR_BUF_INIT;
	size_t i, j, nmembers = 0;

	/* Patroni's view: the leader's own report first, else any member's */
	for (i = 0; i < n; i++) {
		const struct fr_node *pg = fr_node_get(hosts[i].report, "pgsql");

		if (strcmp(str_or(pg, "cluster", ""), name) != 0)
			continue;
		if (is_true(fr_node_get(pg, "leads")))
			leader_rep = pg;
		if (patroni == NULL || is_true(fr_node_get(pg, "leads")))
			patroni = fr_node_is_seq(fr_node_get(pg, "patroni")) ? fr_node_get(pg, "patroni") : patroni;
		if (services == NULL || is_true(fr_node_get(pg, "leads")))
			services = fr_node_get(pg, "services") ? fr_node_get(pg, "services") : services;
	}
	for (i = 0; fr_node_is_seq(patroni) && i < patroni->n; i++) {
		const char *role = str_or(patroni->items[i], "role", "");

		if (strcmp(role, "leader") == 0 || strcmp(role, "standby_leader") == 0)
			leader = str_or(patroni->items[i], "name", "?");
	}
	repl = fr_node_get(leader_rep, "replication");
	backup = fr_node_get(leader_rep, "backup");
	if (patroni == NULL)
		reason(v, FR_DOWN, "no member's Patroni answers");
	else if (leader == NULL)
		reason(v, FR_DOWN, "Patroni names no leader");
	else if (leader_rep == NULL)
		reason(v, FR_DEGRADED, "the leader %s did not report (unreachable, or its Patroni does not answer)", leader);
	else if (!fr_node_is_seq(repl))
		reason(v, FR_DEGRADED, "the leader's pg_stat_replication could not be read");

	for (i = 0; i < n; i++) {
		struct fr_ident id;
		const struct fr_node *m, *stream;
		const char *role = "-", *state = "absent", *tl = "-", *lag = "-";

		fr_inv_identity(inv, hosts[i].host, &id);
		if (id.pg_cluster == NULL || strcmp(id.pg_cluster, name) != 0 || id.pg_instance == NULL) {
			fr_ident_release(&id);
			continue;
		}
		m = by_name(patroni, id.pg_instance);
		stream = by_name(repl, id.pg_instance);
		if (m) {
			role = str_or(m, "role", "?");
			state = str_or(m, "state", "?");
			tl = str_or(m, "timeline", "-");
			lag = str_or(m, "lag", "-");
		}
		if (patroni && m == NULL)
			reason(v, FR_DEGRADED, "%s is not in Patroni's cluster", id.pg_instance);
		else if (m && strcmp(state, "running") != 0 && strcmp(state, "streaming") != 0)
			reason(v, FR_DEGRADED, "%s is %s", id.pg_instance, state);
		else if (m && leader_rep && fr_node_is_seq(repl) && strcmp(role, "leader") != 0 &&
			 strcmp(role, "standby_leader") != 0 &&
			 (stream == NULL || strcmp(str_or(stream, "state", ""), "streaming") != 0))
			/* what patroni 3.0.2 showed after losing rows: "running", and nothing streaming */
			reason(v, FR_DEGRADED, "%s: Patroni says %s %s, but the leader's pg_stat_replication has no stream "
			       "from it", id.pg_instance, role, state);
		fr_buf_addf(&rows, "%s{\"name\":", nmembers ? "," : "");
		fr_buf_add_json_str(&rows, id.pg_instance);
		fr_buf_adds(&rows, ",\"host\":");
		fr_buf_add_json_str(&rows, hosts[i].host->ip);
		fr_buf_adds(&rows, ",\"role\":");
		fr_buf_add_json_str(&rows, role);
		fr_buf_adds(&rows, ",\"state\":");
		fr_buf_add_json_str(&rows, state);
		fr_buf_addf(&rows, ",\"timeline\":%s,\"lag\":", fr_node_int(fr_node_get(m, "timeline"), &(long long){ 0 }) ? tl : "null");
		if (fr_node_int(fr_node_get(m, "lag"), &(long long){ 0 }))
			fr_buf_adds(&rows, lag);
		else
			fr_buf_adds(&rows, "null");
		if (stream) {
			fr_buf_adds(&rows, ",\"stream\":");
			fr_node_to_json(stream, &rows, NULL);
		}
		fr_buf_addc(&rows, '}');
		fr_buf_addf(&lines, "  %-14s %-15s %-13s %-10s timeline %-3s lag %s%s%s\n", id.pg_instance, hosts[i].host->ip,
			    role, state, tl, lag, stream ? "  stream " : "", stream ? str_or(stream, "sync_state", "") : "");
		nmembers++;
		fr_ident_release(&id);
	}

	json_head(json, "pgsql", name, v, leader);
	fr_buf_addf(json, ",\"members\":[%s]", rows.buf ? rows.buf : "");
	fr_buf_addf(text, "%s (PostgreSQL): %s%s%s%s%s\n", name, state_word(v->state),
		    leader ? ", leader " : "", leader ? leader : "", v->why.len ? ": " : "", v->why.len ? v->why.buf : "");
	fr_buf_adds(text, lines.buf ? lines.buf : "");
	if (fr_node_is_seq(services)) {
		fr_buf_adds(json, ",\"services\":");
		fr_node_to_json(services, json, NULL);
		fr_buf_adds(text, "  services:");
		for (i = 0; i < services->n; i++) {
			const struct fr_node *sv = fr_node_get(services->items[i], "servers");
			int any = 0;

			fr_buf_addf(text, "%s %s ->", i ? ";" : "", str_or(services->items[i], "name", "?"));
			for (j = 0; fr_node_is_seq(sv) && j < sv->n; j++)
				if (strcmp(str_or(sv->items[j], "status", ""), "UP") == 0 &&
				    !is_true(fr_node_get(sv->items[j], "backup"))) {
					fr_buf_addf(text, "%s %s", any ? "," : "", str_or(sv->items[j], "name", "?"));
					any = 1;
				}
			for (j = 0; !any && fr_node_is_seq(sv) && j < sv->n; j++)
				if (strcmp(str_or(sv->items[j], "status", ""), "UP") == 0) {
					fr_buf_addf(text, "%s %s (backup)", any ? "," : "", str_or(sv->items[j], "name", "?"));
					any = 1;
				}
			if (!any)
				fr_buf_adds(text, " nothing");
		}
		fr_buf_addc(text, '\n');
	}
	if (fr_node_is_map(backup)) {
		fr_buf_adds(json, ",\"backup\":");
		fr_node_to_json(backup, json, NULL);
		fr_buf_addf(text, "  last backup: %s %s (%s in the repository)\n", str_or(backup, "type", "?"),
			    str_or(backup, "label", "?"), str_or(backup, "count", "?"));
	} else if (leader_rep)
		fr_buf_adds(text, "  last backup: none found\n");
	fr_buf_addc(json, '}');
	fr_buf_release(&rows);
	fr_buf_release(&lines);
}

static void etcd_cluster(const struct fr_inventory *inv, const struct fr_health_host *hosts, size_t n, const char *name,
			 struct verdict *v, struct fr_buf *json, struct fr_buf *text)
{
	struct fr_buf rows = FR_BUF_INIT, lines = FR_BUF_INIT;
	const char *leader = NULL;
	size_t i, total = 0, ok = 0;

	for (i = 0; i < n; i++) {
		struct fr_ident id;
		const struct fr_node *e = fr_node_get(hosts[i].report, "etcd");
		const char *cluster = fr_inv_str(inv, hosts[i].host, "etcd_cluster");
		int healthy = is_true(fr_node_get(e, "healthy"));

		fr_inv_identity(inv, hosts[i].host, &id);
		if (id.etcd_instance == NULL || strcmp(cluster ? cluster : "etcd", name) != 0) {
			fr_ident_release(&id);
			continue;
		}
		if (healthy && fr_node_str(fr_node_get(e, "leader_name")))
			leader = fr_node_str(fr_node_get(e, "leader_name"));
		fr_buf_addf(&rows, "%s{\"name\":", total ? "," : "");
		fr_buf_add_json_str(&rows, id.etcd_instance);
		fr_buf_adds(&rows, ",\"host\":");
		fr_buf_add_json_str(&rows, hosts[i].host->ip);
		fr_buf_addf(&rows, ",\"healthy\":%s,\"leader\":%s", healthy ? "true" : "false",
			    is_true(fr_node_get(e, "leader")) ? "true" : "false");
		fr_buf_addc(&rows, '}');
		fr_buf_addf(&lines, "  %-14s %-15s %s%s\n", id.etcd_instance, hosts[i].host->ip,
			    healthy ? "healthy" : e ? str_or(e, "error", "unhealthy") : "no report (unreachable?)",
			    is_true(fr_node_get(e, "leader")) ? ", leader" : "");
		if (!healthy)
			reason(v, FR_DEGRADED, "%s (%s) is not healthy", id.etcd_instance, hosts[i].host->ip);
		total++;
		ok += healthy != 0;
		fr_ident_release(&id);
	}
	if (ok * 2 <= total)
		reason(v, FR_DOWN, "%zu of %zu members healthy: no quorum", ok, total);
	json_head(json, "etcd", name, v, leader);
	fr_buf_addf(json, ",\"healthy\":%zu,\"members\":[%s]}", ok, rows.buf ? rows.buf : "");
	fr_buf_addf(text, "%s (etcd): %s, %zu of %zu members healthy%s%s\n", name,
		    state_word(v->state), ok, total,
		    leader ? ", leader " : "", leader ? leader : "");
	fr_buf_adds(text, lines.buf ? lines.buf : "");
	fr_buf_release(&rows);
	fr_buf_release(&lines);
}

/* The value of key in a "k=v,k=v" line (INFO's slave0: and master0:), into out; "" when absent. */
static const char *kv(const char *line, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	const char *p = line;

	out[0] = '\0';
	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			size_t len = strcspn(p + kl + 1, ",");

			snprintf(out, n, "%.*s", (int)len, p + kl + 1);
			break;
		}
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return out;
}

/*
 * A Redis cluster (redis_cluster: one name for its standalone primaries and replicas, its
 * sentinels, or its native cluster's members), from each member's own instances: down when no
 * instance answers (or a native cluster's state is fail everywhere), degraded when one does not,
 * a replica's link is down, a sentinel's primary is not ok, or a native member's state is not ok.
 */
static void redis_cluster(const struct fr_inventory *inv, const struct fr_health_host *hosts, size_t n,
			  const char *name, struct verdict *v, struct fr_buf *json, struct fr_buf *text)
{
	struct fr_buf rows = FR_BUF_INIT, lines = FR_BUF_INIT;
	const char *mode = "standalone";
	size_t i, j, k, total = 0, up = 0, primaries = 0, cluster_ok = 0;

	for (i = 0; i < n; i++) {
		const char *cls = fr_inv_str(inv, hosts[i].host, "redis_cluster");
		const struct fr_node *r = fr_node_get(hosts[i].report, "redis"), *ins = fr_node_get(r, "instances");

		if (cls == NULL || strcmp(cls, name) != 0)
			continue;
		if (fr_inv_str(inv, hosts[i].host, "redis_mode"))
			mode = fr_inv_str(inv, hosts[i].host, "redis_mode");
		if (!fr_node_is_seq(ins)) {
			reason(v, FR_DEGRADED, "%s did not report its Redis instances (unreachable?)", hosts[i].host->ip);
			fr_buf_addf(&lines, "  %-20s %-21s no report (unreachable?)\n", "?", hosts[i].host->ip);
			continue;
		}
		for (j = 0; j < ins->n; j++) {
			const struct fr_node *in = ins->items[j], *reps = fr_node_get(in, "replicas");
			const char *iname = str_or(in, "name", "?"), *role = str_or(in, "role", "-");
			char addr[64], detail[512] = "";
			int isup = is_true(fr_node_get(in, "up"));

			snprintf(addr, sizeof(addr), "%s:%s", hosts[i].host->ip, str_or(in, "port", "?"));
			total++;
			if (!isup) {
				reason(v, FR_DEGRADED, "%s (%s) does not answer", iname, addr);
				snprintf(detail, sizeof(detail), "does not answer");
			} else if (strcmp(role, "sentinel") == 0) {
				const struct fr_node *mons = fr_node_get(in, "monitors");
				size_t off = 0;

				up++;
				for (k = 0; fr_node_is_seq(mons) && k < mons->n; k++) {
					const char *line = fr_node_str(mons->items[k]);
					char mn[64], st[32], ad[64], sl[16], se[16];

					if (line == NULL)
						continue;
					kv(line, "name", mn, sizeof(mn));
					kv(line, "status", st, sizeof(st));
					kv(line, "address", ad, sizeof(ad));
					kv(line, "slaves", sl, sizeof(sl));
					kv(line, "sentinels", se, sizeof(se));
					if (strcmp(st, "ok") != 0)
						reason(v, FR_DEGRADED, "%s: its primary %s is %s", iname, mn, st);
					if (off < sizeof(detail))
						off += (size_t)snprintf(detail + off, sizeof(detail) - off,
									"%s%s %s at %s, %s replica(s), %s sentinel(s)",
									k ? "; " : "", mn, st, ad, sl, se);
				}
				if (!fr_node_is_seq(mons) || mons->n == 0)
					snprintf(detail, sizeof(detail), "monitors nothing");
			} else {
				const char *cs = str_or(in, "cluster_state", NULL);

				up++;
				if (strcmp(role, "master") == 0) {
					size_t off = (size_t)snprintf(detail, sizeof(detail), "%zu replica(s)",
								      fr_node_is_seq(reps) ? reps->n : 0);

					primaries++;
					for (k = 0; fr_node_is_seq(reps) && k < reps->n && off < sizeof(detail); k++) {
						const char *line = fr_node_str(reps->items[k]);
						char ip[64], port[16], st[32];

						if (line == NULL)
							continue;
						off += (size_t)snprintf(detail + off, sizeof(detail) - off, "%s %s:%s %s",
									k ? "," : ":", kv(line, "ip", ip, sizeof(ip)),
									kv(line, "port", port, sizeof(port)),
									kv(line, "state", st, sizeof(st)));
					}
				} else {
					const char *link = str_or(in, "link", "?");

					snprintf(detail, sizeof(detail), "of %s, link %s", str_or(in, "primary", "?"), link);
					if (strcmp(link, "up") != 0)
						reason(v, FR_DEGRADED, "%s: its link to %s is %s", iname,
						       str_or(in, "primary", "?"), link);
				}
				if (cs) {
					size_t l = strlen(detail);

					snprintf(detail + l, sizeof(detail) - l, "; cluster %s, %s nodes known", cs,
						 str_or(in, "cluster_known_nodes", "?"));
					if (strcmp(cs, "ok") != 0)
						reason(v, FR_DEGRADED, "%s: cluster state %s", iname, cs);
					else
						cluster_ok++;
				}
			}
			fr_buf_addf(&rows, "%s{\"name\":", rows.len ? "," : "");
			fr_buf_add_json_str(&rows, iname);
			fr_buf_adds(&rows, ",\"address\":");
			fr_buf_add_json_str(&rows, addr);
			fr_buf_addf(&rows, ",\"up\":%s,\"role\":", isup ? "true" : "false");
			fr_buf_add_json_str(&rows, isup ? role : "-");
			fr_buf_adds(&rows, ",\"detail\":");
			fr_buf_add_json_str(&rows, detail);
			fr_buf_addc(&rows, '}');
			fr_buf_addf(&lines, "  %-20s %-21s %-9s %s\n", iname, addr, isup ? (strcmp(role, "master") == 0 ? "primary" : strcmp(role, "slave") == 0 ? "replica" : role) : "-", detail);
		}
	}
	if (up == 0)
		reason(v, FR_DOWN, "no instance answers");
	else if (strcmp(mode, "cluster") == 0 && cluster_ok == 0)
		reason(v, FR_DOWN, "no member's cluster state is ok");
	else if (strcmp(mode, "sentinel") != 0 && primaries == 0)
		reason(v, FR_DOWN, "no instance is a primary");
	json_head(json, "redis", name, v, NULL);
	fr_buf_adds(json, ",\"mode\":");
	fr_buf_add_json_str(json, mode);
	fr_buf_addf(json, ",\"up\":%zu,\"instances\":[%s]}", up, rows.buf ? rows.buf : "");
	fr_buf_addf(text, "%s (Redis %s): %s, %zu of %zu instances up%s%s\n", name, mode, state_word(v->state), up,
		    total, v->why.len ? ": " : "", v->why.len ? v->why.buf : "");
	fr_buf_adds(text, lines.buf ? lines.buf : "");
	fr_buf_release(&rows);
	fr_buf_release(&lines);
}

/*
 * A MinIO cluster (minio_cluster), from each member's report: down when no member is live or
 * none says the cluster has write quorum (/minio/health/cluster), degraded when a member is not
 * live or did not report.
 */
static void minio_cluster(const struct fr_inventory *inv, const struct fr_health_host *hosts, size_t n,
			  const char *name, struct verdict *v, struct fr_buf *json, struct fr_buf *text)
{
	struct fr_buf rows = FR_BUF_INIT, lines = FR_BUF_INIT;
	size_t i, total = 0, live = 0, quorum = 0;

	for (i = 0; i < n; i++) {
		const char *cls = fr_inv_str(inv, hosts[i].host, "minio_cluster");
		const struct fr_node *m = fr_node_get(hosts[i].report, "minio");
		const char *iname, *unit;
		int islive, q = 0, qknown;
		char detail[160];

		if (fr_inv_str(inv, hosts[i].host, "minio_seq") == NULL || strcmp(cls ? cls : "minio", name) != 0)
			continue;
		total++;
		if (!fr_node_is_map(m)) {
			reason(v, FR_DEGRADED, "%s did not report its MinIO (unreachable?)", hosts[i].host->ip);
			fr_buf_addf(&lines, "  %-20s %-21s no report (unreachable?)\n", "?", hosts[i].host->ip);
			continue;
		}
		iname = str_or(m, "instance", "?");
		unit = str_or(m, "unit", "unknown");
		islive = is_true(fr_node_get(m, "live"));
		qknown = fr_node_bool(fr_node_get(m, "write_quorum"), &q);
		if (islive)
			live++;
		else
			reason(v, FR_DEGRADED, "%s (%s) is not live (minio.service %s)", iname, hosts[i].host->ip, unit);
		if (qknown && q)
			quorum++;
		snprintf(detail, sizeof(detail), "%s", !islive ? "not live" : !qknown ? "live" : q ? "live, write quorum" : "live, NO write quorum");
		fr_buf_addf(&rows, "%s{\"name\":", rows.len ? "," : "");
		fr_buf_add_json_str(&rows, iname);
		fr_buf_adds(&rows, ",\"address\":");
		fr_buf_add_json_str(&rows, hosts[i].host->ip);
		fr_buf_addf(&rows, ",\"live\":%s,\"write_quorum\":%s,\"unit\":", islive ? "true" : "false",
			    qknown ? (q ? "true" : "false") : "null");
		fr_buf_add_json_str(&rows, unit);
		fr_buf_addc(&rows, '}');
		fr_buf_addf(&lines, "  %-20s %-21s %s\n", iname, str_or(m, "endpoint", hosts[i].host->ip), detail);
	}
	if (live == 0)
		reason(v, FR_DOWN, "no member is live");
	else if (quorum == 0)
		reason(v, FR_DOWN, "no member reports write quorum");
	json_head(json, "minio", name, v, NULL);
	fr_buf_addf(json, ",\"live\":%zu,\"members\":[%s]}", live, rows.buf ? rows.buf : "");
	fr_buf_addf(text, "%s (MinIO): %s, %zu of %zu members live%s%s\n", name, state_word(v->state), live, total,
		    v->why.len ? ": " : "", v->why.len ? v->why.buf : "");
	fr_buf_adds(text, lines.buf ? lines.buf : "");
	fr_buf_release(&rows);
	fr_buf_release(&lines);
}

enum fr_health fr_health_clusters(const struct fr_inventory *inv, const struct fr_health_host *hosts, size_t n,
				  struct fr_buf *json, struct fr_buf *text)
{
	/* the clusters, each once, in the order their first member appears: etcd ones, PostgreSQL, Redis,
	 * MinIO */
	char **seen = fr_xcalloc(4 * n + 1, sizeof(*seen));
	size_t nseen = 0, i, k, pass;
	enum fr_health worst = FR_HEALTHY;

	fr_buf_addc(json, '[');
	for (pass = 0; pass < 4; pass++)
		for (i = 0; i < n; i++) {
			struct fr_ident id;
			char *key;
			const char *ec = fr_inv_str(inv, hosts[i].host, "etcd_cluster");
			const char *rc = fr_inv_str(inv, hosts[i].host, "redis_cluster");
			const char *mc = fr_inv_str(inv, hosts[i].host, "minio_cluster");

			fr_inv_identity(inv, hosts[i].host, &id);
			if (pass == 0 && id.etcd_instance)
				key = fr_xasprintf("etcd %s", ec ? ec : "etcd");
			else if (pass == 1 && id.pg_cluster && id.pg_instance)
				key = fr_xasprintf("pgsql %s", id.pg_cluster);
			else if (pass == 2 && rc && id.nredis)
				key = fr_xasprintf("redis %s", rc);
			else if (pass == 3 && id.minio_instance)
				key = fr_xasprintf("minio %s", mc ? mc : "minio");
			else
				key = NULL;
			fr_ident_release(&id);
			for (k = 0; key && k < nseen; k++)
				if (strcmp(seen[k], key) == 0) {
					free(key);
					key = NULL;
				}
			if (key) {
				struct verdict v = { FR_HEALTHY, FR_BUF_INIT, FR_BUF_INIT };

				if (nseen)
					fr_buf_addc(json, ',');
				seen[nseen++] = key;
				if (pass == 0)
					etcd_cluster(inv, hosts, n, key + 5, &v, json, text);
				else if (pass == 1)
					pg_cluster(inv, hosts, n, key + 6, &v, json, text);
				else if (pass == 2)
					redis_cluster(inv, hosts, n, key + 6, &v, json, text);
				else
					minio_cluster(inv, hosts, n, key + 6, &v, json, text);
				if (v.state > worst)
					worst = v.state;
				fr_buf_release(&v.reasons);
				fr_buf_release(&v.why);
			}
		}
	fr_buf_addc(json, ']');
	for (k = 0; k < nseen; k++)
		free(seen[k]);
	free(seen);
	return worst;
}
