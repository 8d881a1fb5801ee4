/* cmd-drill.c -- `farrow drill`: inject a fault on a cluster's leader while a client writes, and measure. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "err.h"
#include "exec.h"
#include "farrow.h"
#include "inventory.h"
#include "plans.h"
#include "pq.h"
#include "ssh.h"
#include "xalloc.h"
#include "yamlnode.h"

#define DRILL_USAGE                                                                                    \
	"usage: farrow drill <inventory> --cluster <pg_cluster>\n"                                      \
	"                    --mode crash|kill-patroni|switchover|node-down|partition\n"                \
	"                    [--trials <n>] [--timeout <seconds>] [--user <name>] [--dbname <db>]\n"    \
	"                    [--down-cmd <cmd>] [--partition-cmd <cmd>] [--heal-cmd <cmd>]\n"          \
	"                    [--ssh-key <file>] [--known-hosts <file>] [--json]\n"                      \
	"       farrow drill <inventory> --kind redis --cluster <redis_cluster> [--trials <n>]\n"       \
	"                    [--timeout <seconds>] [--ssh-key <file>] [--known-hosts <file>] [--json]\n" \
	"\n"                                                                                             \
	"Fail the cluster's leader while a client writes one row every 100 ms through the primary\n"    \
	"service (5433) and reads through the replica service (5434) of every member, then measure:\n" \
	"  RTO      first failed (or stalled > 1 s) write to the first acknowledged write after it\n"   \
	"  RPO      acknowledged rows missing at the end (each row has its own id)\n"                   \
	"  rejoin   fault to the old leader streaming again as a replica of the new one\n"             \
	"per trial, then min/median/max beside the pg_rto plan's bound (norm: 45 s).\n"                  \
	"\n"                                                                                             \
	"modes (on the leader, over SSH):\n"                                                             \
	"  crash         kill -9 of the postmaster\n"                                                   \
	"  kill-patroni  kill -9 of Patroni (started again once writes recover)\n"                      \
	"  switchover    patronictl switchover away from the leader\n"                                  \
	"  node-down     --down-cmd, then --heal-cmd once writes recover (power loss: the user's\n"     \
	"                commands, {host} replaced by the leader's address)\n"                          \
	"  partition     --partition-cmd, then --heal-cmd 5 s after writes recover\n"                   \
	"\n"                                                                                             \
	"The client logs in as --user (default: the first pg_users entry pgbouncer serves) to\n"         \
	"--dbname (default: the first database it owns), with the inventory's password (never on a\n"  \
	"command line), into table farrow_drill. The drill runs only against a cluster the inventory\n" \
	"names, and refuses a cluster of one member. --timeout (default 180) bounds each trial.\n"      \
	"\n"                                                                                             \
	"--kind redis: a standalone Redis primary and its replicas under Sentinel (a sentinel\n"        \
	"cluster's redis_sentinel_monitor names it): kill -9 of the primary Sentinel names (its\n"    \
	"redis-server@<port> unit masked meanwhile: systemd would restart it in 100 ms), then\n"      \
	"  promoted  the kill to Sentinel naming another primary that says it is one (ROLE)\n"        \
	"  rejoined  the kill to the old primary, started again, a connected replica of it\n"        \
	"per trial (redis-cli on the nodes, the password on its standard input). 0 when every\n"     \
	"trial promoted and rejoined within --timeout.\n"                                             \
	"\n"                                                                                             \
	"exit status: 0 every trial recovered with RPO 0 within the plan's bound, 1 a trial lost\n"     \
	"             rows, exceeded the bound or did not recover, 2 usage, 3 invalid inventory,\n"     \
	"             10 a member cannot be reached\n"

#define TICK_MS 100
#define STALL_MS 1000 /* an attempt slower than this is an outage from its start */

struct member {
	const struct fr_host *h;
	char *name;
};

/* What the client thread saw: one entry per attempt, times in ms since the trial started. */
struct attempt {
	long t0, t1;
	int wrote, read;
	long long id;
};

struct client {
	char *wconn, *rconn; /* conninfo strings (hold the password: wiped) */
	int trial;
	pthread_mutex_t mu;
	int stop;
	struct attempt *a;
	size_t n, cap, acked;
	char last_error[1024]; /* libpq's, never holding the password */
	struct timespec start;
};

static long since(const struct timespec *s)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - s->tv_sec) * 1000 + (now.tv_nsec - s->tv_nsec) / 1000000;
}

static void *client_run(void *arg)
{
	struct client *c = arg;
	struct fr_pq *w = NULL, *r = NULL;
	struct fr_err err = { 0 };
	long long id = 0;
	char trial[16];

	snprintf(trial, sizeof(trial), "%d", c->trial);
	for (;;) {
		struct attempt at = { 0 };
		char ids[24];
		long next;

		pthread_mutex_lock(&c->mu);
		if (c->stop) {
			pthread_mutex_unlock(&c->mu);
			break;
		}
		pthread_mutex_unlock(&c->mu);
		at.t0 = since(&c->start);
		at.id = ++id;
		snprintf(ids, sizeof(ids), "%lld", id);
		if (w == NULL)
			w = fr_pq_connect(c->wconn, &err);
		if (w) {
			const char *p[] = { trial, ids };

			if (fr_pq_exec(w, "INSERT INTO farrow_drill (trial, id) VALUES ($1, $2)", 2, p, NULL, &err) >= 0)
				at.wrote = 1;
			else {
				fr_pq_close(w);
				w = NULL;
			}
		}
		if (r == NULL)
			r = fr_pq_connect(c->rconn, &err);
		if (r) {
			if (fr_pq_exec(r, "SELECT 1", 0, NULL, NULL, &err) >= 0)
				at.read = 1;
			else {
				fr_pq_close(r);
				r = NULL;
			}
		}
		at.t1 = since(&c->start);
		pthread_mutex_lock(&c->mu);
		if (!at.wrote)
			snprintf(c->last_error, sizeof(c->last_error), "%s", err.msg);
		c->acked += at.wrote != 0;
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 1024;
			c->a = fr_xrealloc(c->a, c->cap * sizeof(*c->a));
		}
		c->a[c->n++] = at;
		pthread_mutex_unlock(&c->mu);
		next = at.t0 + TICK_MS - since(&c->start);
		if (next > 0)
			usleep((useconds_t)next * 1000);
	}
	if (w)
		fr_pq_close(w);
	if (r)
		fr_pq_close(r);
	return NULL;
}

/* From the first failed attempt at or after from: ms until the first success after it (0: none failed; -1: never recovered). */
static long outage(const struct client *c, long from, int reads, long *recovered_at)
{
	size_t i;
	long fail = -1;

	for (i = 0; i < c->n; i++) {
		int ok = reads ? c->a[i].read : c->a[i].wrote;

		if (c->a[i].t0 < from)
			continue;
		/* a failed attempt starts an outage, and so does one that stalled (pgbouncer queues a
		 * query while its server is gone): a write the application waits seconds for is down time */
		if (fail < 0 && (!ok || c->a[i].t1 - c->a[i].t0 > STALL_MS)) {
			fail = c->a[i].t0;
			if (!ok)
				continue;
		}
		if (ok && fail >= 0) {
			if (recovered_at)
				*recovered_at = c->a[i].t1;
			return c->a[i].t1 - fail;
		}
	}
	return fail < 0 ? 0 : -1;
}

/* 1 when writes are up at the time at: none is failing now (no outage from `from` still open),
 * and one that started at or after at was acknowledged. Read under the client's lock. */
static int writes_up_since(struct client *c, long from, long at)
{
	size_t i;
	int up = 0;

	pthread_mutex_lock(&c->mu);
	if (outage(c, from, 0, NULL) >= 0)
		for (i = 0; i < c->n && !up; i++)
			up = c->a[i].t0 >= at && c->a[i].wrote;
	pthread_mutex_unlock(&c->mu);
	return up;
}

/*
 * Writes recovered since from: some failed and a later one succeeded; or, 20 s on, none failed
 * at all (a fault the client never noticed). Read under the client's lock.
 */
static int recovered(struct client *c, long from, long *at)
{
	long r;

	pthread_mutex_lock(&c->mu);
	r = outage(c, from, 0, at);
	pthread_mutex_unlock(&c->mu);
	return r > 0 || (r == 0 && since(&c->start) > from + 20000);
}

struct drill {
	struct fr_inventory *inv;
	struct fr_ssh_opts base;
	struct member *m;
	size_t n;
	const char *cluster, *mode;
};

/* Run cmd on host h over SSH (installer/remote.c). */
static int on_host(struct drill *d, const struct fr_host *h, const char *cmd, const char *in, struct fr_buf *out,
		   struct fr_err *err)
{
	return farrow_on_host(d->inv, h, &d->base, cmd, in, out, err);
}

/* Run cmd on member i. */
static int on_member(struct drill *d, size_t i, const char *cmd, struct fr_buf *out, struct fr_err *err)
{
	return on_host(d, d->m[i].h, cmd, NULL, out, err);
}

/*
 * Ask every member for its view (farrow-firstboot health --json): the leader is the member
 * that says it leads itself (Patroni's /primary on it answers 200: a member cut off keeps
 * an old /cluster view, but not the lead); *leader its index (-1: none), streams[j] whether
 * member j streams to it (its pg_stat_replication; streams may be NULL). A member that does
 * not answer is skipped; two that lead are reported. 0 when some member leads.
 */
static int cluster_view(struct drill *d, int *leader, int *streams)
{
	size_t i, k;
	struct fr_err err = { 0 };
	int leaders = 0;

	*leader = -1;
	for (i = 0; streams && i < d->n; i++)
		streams[i] = 0;
	for (i = 0; i < d->n; i++) {
		struct fr_buf out = FR_BUF_INIT;
		struct fr_node *rep;
		const struct fr_node *pg, *repl;
		int b = 0;

		if (on_member(d, i, "farrow-firstboot health --json 2>/dev/null", &out, &err) < 0 ||
		    (rep = fr_yaml_parse(out.buf, out.len, NULL)) == NULL) {
			fr_buf_release(&out);
			continue;
		}
		fr_buf_release(&out);
		pg = fr_node_get(rep, "pgsql");
		if (fr_node_bool(fr_node_get(pg, "leads"), &b) && b) {
			*leader = (int)i;
			leaders++;
			repl = fr_node_get(pg, "replication");
			for (k = 0; streams && fr_node_is_seq(repl) && k < repl->n; k++) {
				const char *name = fr_node_str(fr_node_get(repl->items[k], "name"));
				const char *st = fr_node_str(fr_node_get(repl->items[k], "state"));
				size_t j;

				for (j = 0; name && st && strcmp(st, "streaming") == 0 && j < d->n; j++)
					if (strcmp(name, d->m[j].name) == 0)
						streams[j] = 1;
			}
		}
		fr_node_free(rep);
	}
	if (leaders > 1) {
		fr_cli_warn("drill: %d members of %s say they lead at once", leaders, d->cluster);
		*leader = -1;
	}
	return *leader >= 0 ? 0 : -1;
}

/* A user's hook, {host} replaced; run on this machine by /bin/sh. */
static int hook(const char *tmpl, const char *host)
{
	struct fr_buf cmd = FR_BUF_INIT;
	const char *p;
	int st = -1;
	struct fr_err err = { 0 };

	for (p = tmpl; *p; p++) {
		if (strncmp(p, "{host}", 6) == 0) {
			fr_buf_adds(&cmd, host);
			p += 5;
		} else
			fr_buf_addc(&cmd, *p);
	}
	{
		const char *argv[] = { "/bin/sh", "-c", cmd.buf, NULL };

		if (fr_exec(argv, NULL, NULL, 0, NULL, NULL, &st, &err) != 0)
			st = -1;
	}
	fr_buf_release(&cmd);
	return st;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* "min / median / max" of the non-negative values of v[0..n) (a negative one: not measured) into out. */
static void spread(const double *v, size_t all, char *out, size_t len)
{
	double *s = fr_xcalloc(all + 1, sizeof(*s));
	size_t i, n = 0;

	for (i = 0; i < all; i++)
		if (v[i] >= 0)
			s[n++] = v[i];
	qsort(s, n, sizeof(*s), cmp_double);
	if (n == 0)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%.1f / %.1f / %.1f", s[0], n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2, s[n - 1]);
	free(s);
}

/* Append key='value' to a libpq conninfo (value quoted as libpq reads it). */
static void conninfo_add(struct fr_buf *b, const char *key, const char *value)
{
	fr_buf_addf(b, "%s%s='", b->len ? " " : "", key);
	for (; *value; value++) {
		if (*value == '\'' || *value == '\\')
			fr_buf_addc(b, '\\');
		fr_buf_addc(b, *value);
	}
	fr_buf_addc(b, '\'');
}

static char *conninfo(struct drill *d, long long port, const char *db, const char *user, const char *password)
{
	struct fr_buf b = FR_BUF_INIT, hosts = FR_BUF_INIT, ports = FR_BUF_INIT;
	size_t i;

	/* every member's haproxy, in turn: the client does not depend on the node being failed */
	for (i = 0; i < d->n; i++) {
		fr_buf_addf(&hosts, "%s%s", i ? "," : "", d->m[i].h->ip);
		fr_buf_addf(&ports, "%s%lld", i ? "," : "", port);
	}
	conninfo_add(&b, "host", hosts.buf);
	conninfo_add(&b, "port", ports.buf);
	conninfo_add(&b, "dbname", db);
	conninfo_add(&b, "user", user);
	conninfo_add(&b, "password", password);
	fr_buf_adds(&b, " connect_timeout=2 tcp_user_timeout=3000 keepalives_idle=1 keepalives_interval=1 "
			"keepalives_count=2 application_name=farrow-drill");
	fr_buf_release(&hosts);
	fr_buf_release(&ports);
	return b.buf;
}

/* The business user the client logs in as: --user, or the first pg_users entry pgbouncer serves. */
static const struct fr_node *pick_user(const struct fr_node *users, const char *want)
{
	size_t i;

	for (i = 0; fr_node_is_seq(users) && i < users->n; i++) {
		const struct fr_node *u = users->items[i];
		const char *name = fr_node_str(fr_node_get(u, "name"));
		int pgb = 0;

		if (name && fr_node_str(fr_node_get(u, "password")) &&
		    (want ? strcmp(name, want) == 0 : fr_node_bool(fr_node_get(u, "pgbouncer"), &pgb) && pgb))
			return u;
	}
	return NULL;
}

static const char *pick_db(const struct fr_node *dbs, const char *owner)
{
	size_t i;

	for (i = 0; fr_node_is_seq(dbs) && i < dbs->n; i++) {
		const char *o = fr_node_str(fr_node_get(dbs->items[i], "owner"));

		if (o && strcmp(o, owner) == 0 && fr_node_str(fr_node_get(dbs->items[i], "name")))
			return fr_node_str(fr_node_get(dbs->items[i], "name"));
	}
	return fr_node_is_seq(dbs) && dbs->n ? fr_node_str(fr_node_get(dbs->items[0], "name")) : NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Wait (bounded) for a leader and every other member streaming from it; its index, or -1. */
static int wait_healthy(struct drill *d, int timeout)
{
	time_t end = time(NULL) + timeout;
	int *streams = fr_xcalloc(d->n + 1, sizeof(*streams)), leader = -1;

	while (time(NULL) < end) {
		size_t j;
		int ok = 1;

		if (cluster_view(d, &leader, streams) == 0) {
			for (j = 0; j < d->n; j++)
				if ((int)j != leader && !streams[j])
					ok = 0;
			if (ok)
				break;
		}
		leader = -1;
		sleep(2);
	}
	free(streams);
	return leader;
}

/* ---- --kind redis: a Sentinel failover of a standalone primary/replica cluster */

struct sentinel {
	const struct fr_host *h;
	long long port;
	const char *password; /* the sentinel cluster's redis_password */
};

/*
 * redis-cli on host h against ip:port, the password on its standard input (never argv); the
 * reply (redis-cli's plain output) into out. 0 when it exited 0.
 */
static int redis_on(struct drill *d, const struct fr_host *h, const char *ip, long long port, const char *password,
		    const char *args, struct fr_buf *out)
{
	struct fr_err err = { 0 };
	char *cmd = fr_xasprintf("read -r REDISCLI_AUTH; export REDISCLI_AUTH; exec redis-cli --no-auth-warning -h %s "
				 "-p %lld %s",
				 ip, port, args);
	char *in = fr_xasprintf("%s\n", password ? password : "");
	int r;

	fr_buf_reset(out);
	r = on_host(d, h, cmd, in, out, &err);
	fr_wipe(in, strlen(in));
	free(in);
	free(cmd);
	return r;
}

/* The primary the sentinel names for the cluster ("ip:port" into addr); 0, or -1 when it does not answer. */
static int sentinel_primary(struct drill *d, const struct sentinel *sn, char *addr, size_t n)
{
	struct fr_buf out = FR_BUF_INIT;
	char *args = fr_xasprintf("SENTINEL get-master-addr-by-name %s", d->cluster);
	char ip[64] = "", port[16] = "";
	int r = -1;

	if (redis_on(d, sn->h, sn->h->ip, sn->port, sn->password, args, &out) == 0 && out.buf &&
	    sscanf(out.buf, "%63s %15s", ip, port) == 2 && fr_is_ipv4(ip)) {
		snprintf(addr, n, "%s:%s", ip, port);
		r = 0;
	}
	fr_buf_release(&out);
	free(args);
	return r;
}

/* ROLE of ip:port (one of the cluster's, reached from its own host h): "master", "slave <ip>:<port> connected", ... */
static int redis_role(struct drill *d, const struct fr_host *h, const char *ip, long long port, const char *password,
		      char *role, size_t n)
{
	struct fr_buf out = FR_BUF_INIT;
	char r0[32] = "", mip[64] = "", mport[16] = "", state[32] = "";
	int r = -1;

	role[0] = '\0';
	if (redis_on(d, h, ip, port, password, "ROLE", &out) == 0 && out.buf && sscanf(out.buf, "%31s", r0) == 1) {
		if (strcmp(r0, "slave") == 0 && sscanf(out.buf, "%*s %63s %15s %31s", mip, mport, state) == 3)
			snprintf(role, n, "slave %s:%s %s", mip, mport, state);
		else
			snprintf(role, n, "%s", r0);
		r = 0;
	}
	fr_buf_release(&out);
	return r;
}

static int drill_redis(struct drill *d, int trials, int timeout, int as_json)
{
	struct sentinel sn = { 0 };
	const char *password = NULL;
	const struct fr_host **hosts = fr_xcalloc(d->inv->nhosts + 1, sizeof(*hosts));
	double *promo = fr_xcalloc((size_t)trials, sizeof(*promo)), *rejoin = fr_xcalloc((size_t)trials, sizeof(*rejoin));
	size_t i, j, nh = 0, ninst = 0;
	int t, code = FR_EXIT_OK;

	for (i = 0; i < d->inv->nhosts; i++) {
		const struct fr_host *h = &d->inv->hosts[i];
		const char *cls = fr_inv_str(d->inv, h, "redis_cluster"), *mode = fr_inv_str(d->inv, h, "redis_mode");
		struct fr_var v;

		if (cls && strcmp(cls, d->cluster) == 0 && fr_inv_resolve(d->inv, h, "redis_instances", &v) &&
		    fr_node_is_map(v.value)) {
			if (mode && strcmp(mode, "standalone") != 0) {
				fr_cli_error("drill: --kind redis drills a standalone primary and its replicas under Sentinel; "
					     "%s's redis_mode is %s", d->cluster, mode);
				code = FR_EXIT_USAGE;
				goto out;
			}
			hosts[nh++] = h;
			ninst += v.value->n;
			password = fr_inv_str(d->inv, h, "redis_password");
		}
		/* a sentinel that watches it: its first instance answers for all */
		if (sn.h == NULL && mode && strcmp(mode, "sentinel") == 0 &&
		    fr_inv_resolve(d->inv, h, "redis_sentinel_monitor", &v) && fr_node_is_seq(v.value)) {
			struct fr_var ins;

			for (j = 0; j < v.value->n; j++) {
				const char *name = fr_node_str(fr_node_get(v.value->items[j], "name"));

				if (name && strcmp(name, d->cluster) == 0 && fr_inv_resolve(d->inv, h, "redis_instances", &ins) &&
				    fr_node_is_map(ins.value) && ins.value->n && fr_node_int(ins.value->keys[0], &sn.port)) {
					sn.h = h;
					sn.password = fr_inv_str(d->inv, h, "redis_password");
				}
			}
		}
	}
	if (nh == 0) {
		fr_cli_error("drill: the inventory %s names no Redis cluster '%s': nothing is drilled", d->inv->path,
			     d->cluster);
		code = FR_EXIT_USAGE;
		goto out;
	}
	if (ninst < 2) {
		fr_cli_error("drill: %s has one instance: there is nothing to fail over to, so nothing is drilled",
			     d->cluster);
		code = FR_EXIT_USAGE;
		goto out;
	}
	if (sn.h == NULL) {
		fr_cli_error("drill: no sentinel of the inventory monitors %s (redis_sentinel_monitor: name: %s): without "
			     "Sentinel nothing promotes a replica",
			     d->cluster, d->cluster);
		code = FR_EXIT_USAGE;
		goto out;
	}
	if (!as_json)
		printf("drill redis kill of %s (%zu instances), watched by Sentinel on %s:%lld, %d trial%s\n", d->cluster,
		       ninst, sn.h->ip, sn.port, trials, trials == 1 ? "" : "s");
	for (t = 0; t < trials; t++) {
		char old[96] = "", now[96] = "", role[160], cmd[256], ip[64], *colon;
		const struct fr_host *oh = NULL;
		long long oport = 0;
		struct timespec t0;
		long promoted = -1, rejoined = -1, end;
		time_t deadline = time(NULL) + timeout;

		/* a primary the sentinel names, with a replica linked to it (bounded) */
		while (time(NULL) < deadline) {
			if (sentinel_primary(d, &sn, old, sizeof(old)) == 0) {
				snprintf(ip, sizeof(ip), "%.*s", (int)strcspn(old, ":"), old);
				oport = (colon = strchr(old, ':')) ? atoll(colon + 1) : 0;
				for (i = 0, oh = NULL; i < nh; i++)
					if (strcmp(hosts[i]->ip, ip) == 0)
						oh = hosts[i];
				if (oh && redis_role(d, oh, ip, oport, password, role, sizeof(role)) == 0 &&
				    strcmp(role, "master") == 0) {
					struct fr_buf out = FR_BUF_INIT;

					if (redis_on(d, oh, ip, oport, password, "INFO replication", &out) == 0 && out.buf &&
					    strstr(out.buf, "state=online"))
						j = 1;
					else
						j = 0;
					fr_buf_release(&out);
					if (j)
						break;
				}
			}
			oh = NULL;
			sleep_ms(2000);
		}
		if (oh == NULL) {
			fr_cli_error("drill: %s has no primary that Sentinel names with a replica online within %d s: not "
				     "drilling",
				     d->cluster, timeout);
			code = FR_EXIT_FAIL;
			break;
		}
		/* kill -9 of the primary's redis-server, its unit masked for the while: systemd would
		 * start it again in 100 ms, long before Sentinel calls it down */
		snprintf(cmd, sizeof(cmd),
			 "systemctl mask --runtime --quiet redis-server@%lld.service && "
			 "systemctl kill --kill-whom=main -s KILL redis-server@%lld.service",
			 oport, oport);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		{
			struct fr_err err = { 0 };

			if (on_host(d, oh, cmd, NULL, NULL, &err) < 0) {
				fr_cli_error("drill: the kill on %s failed: %s", oh->ip, err.msg[0] ? err.msg : "see its journal");
				code = FR_EXIT_FAIL;
				break;
			}
		}
		/* until the sentinel names another primary, and that one says it is one */
		while (since(&t0) < (long)timeout * 1000) {
			sleep_ms(250);
			if (sentinel_primary(d, &sn, now, sizeof(now)) == 0 && strcmp(now, old) != 0) {
				char nip[64];
				long long np = (colon = strchr(now, ':')) ? atoll(colon + 1) : 0;
				const struct fr_host *nhost = NULL;

				snprintf(nip, sizeof(nip), "%.*s", (int)strcspn(now, ":"), now);
				for (i = 0; i < nh; i++)
					if (strcmp(hosts[i]->ip, nip) == 0)
						nhost = hosts[i];
				if (nhost && redis_role(d, nhost, nip, np, password, role, sizeof(role)) == 0 &&
				    strcmp(role, "master") == 0) {
					promoted = since(&t0);
					break;
				}
			}
		}
		/* the old primary back: Sentinel makes it a replica of the new one */
		snprintf(cmd, sizeof(cmd), "systemctl unmask --runtime --quiet redis-server@%lld.service; "
					   "systemctl start redis-server@%lld.service", oport, oport);
		{
			struct fr_err err = { 0 };

			if (on_host(d, oh, cmd, NULL, NULL, &err) < 0)
				fr_cli_warn("drill: starting %s again on %s failed: %s", old, oh->ip, err.msg);
		}
		end = since(&t0) + (long)timeout * 1000;
		while (promoted >= 0 && since(&t0) < end) {
			char want[160];

			snprintf(want, sizeof(want), "slave %s connected", now);
			if (redis_role(d, oh, ip, oport, password, role, sizeof(role)) == 0 && strcmp(role, want) == 0) {
				rejoined = since(&t0);
				break;
			}
			sleep_ms(500);
		}
		promo[t] = promoted < 0 ? -1 : promoted / 1000.0;
		rejoin[t] = rejoined < 0 ? -1 : rejoined / 1000.0;
		if (promoted < 0 || rejoined < 0)
			code = FR_EXIT_FAIL;
		if (as_json) {
			printf("{\"trial\":%d,\"kind\":\"redis\",\"old_primary\":\"%s\",\"new_primary\":", t + 1, old);
			if (promoted >= 0)
				printf("\"%s\"", now);
			else
				printf("null");
			if (promoted < 0)
				printf(",\"promoted\":null");
			else
				printf(",\"promoted\":%.2f", promoted / 1000.0);
			if (rejoined < 0)
				printf(",\"rejoined\":null}\n");
			else
				printf(",\"rejoined\":%.2f}\n", rejoined / 1000.0);
		} else {
			printf("trial %d: kill -9 of %s-%s-%lld (%s): ", t + 1, d->cluster,
			       fr_inv_str(d->inv, oh, "redis_node") ? fr_inv_str(d->inv, oh, "redis_node") : "?", oport, old);
			if (promoted < 0)
				printf("Sentinel promoted nothing within %d s\n", timeout);
			else if (rejoined < 0)
				printf("Sentinel promoted %s after %.1f s; the old primary has not rejoined\n", now,
				       promoted / 1000.0);
			else
				printf("Sentinel promoted %s after %.1f s; old primary rejoined as a replica after %.1f s\n", now,
				       promoted / 1000.0, rejoined / 1000.0);
			fflush(stdout);
		}
	}
	if (t == trials) {
		char a[64], b[64];

		spread(promo, (size_t)trials, a, sizeof(a));
		spread(rejoin, (size_t)trials, b, sizeof(b));
		if (as_json)
			printf("{\"summary\":{\"kind\":\"redis\",\"trials\":%d,\"promoted\":\"%s\",\"rejoined\":\"%s\","
			       "\"result\":\"%s\"}}\n",
			       trials, a, b, code == FR_EXIT_OK ? "pass" : "fail");
		else
			printf("redis kill, %d trial%s, min / median / max: promoted after %s s, rejoined after %s s: %s\n",
			       trials, trials == 1 ? "" : "s", a, b, code == FR_EXIT_OK ? "pass" : "FAIL");
	}
out:
	free(hosts);
	free(promo);
	free(rejoin);
	return code;
}

int cmd_drill(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cluster", required_argument, NULL, 'c' },     { "mode", required_argument, NULL, 'm' },
		{ "trials", required_argument, NULL, 'n' },      { "timeout", required_argument, NULL, 't' },
		{ "user", required_argument, NULL, 'u' },        { "dbname", required_argument, NULL, 'd' },
		{ "down-cmd", required_argument, NULL, 'D' },    { "partition-cmd", required_argument, NULL, 'P' },
		{ "heal-cmd", required_argument, NULL, 'H' },    { "ssh-key", required_argument, NULL, 'i' },
		{ "known-hosts", required_argument, NULL, 'K' }, { "json", no_argument, NULL, 'J' },
		{ "kind", required_argument, NULL, 'k' },        { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const modes[] = { "crash", "kill-patroni", "switchover", "node-down", "partition", NULL };
	const char *user = NULL, *db = NULL, *down = NULL, *part = NULL, *heal = NULL, *password, *kind = "pgsql";
	struct drill d = { 0 };
	struct fr_err err = { 0 };
	struct fr_buf json = FR_BUF_INIT;
	const struct fr_node *u;
	const struct fr_rto_plan *plan;
	double *rto = NULL, *rpo = NULL, *rejoin = NULL;
	char *wconn = NULL, *rconn = NULL;
	int c, trials = 1, timeout = 180, as_json = 0, code = FR_EXIT_OK, t, first_trial = 1;
	size_t i, nrj = 0;
	long long wport = 5433, rport = 5434;

	d.base.timeout = 5;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:m:n:h", lo, NULL)) != -1) {
		switch (c) {
		case 'c': d.cluster = optarg; break;
		case 'm': d.mode = optarg; break;
		case 'n': trials = atoi(optarg); break;
		case 't': timeout = atoi(optarg); break;
		case 'u': user = optarg; break;
		case 'd': db = optarg; break;
		case 'D': down = optarg; break;
		case 'P': part = optarg; break;
		case 'H': heal = optarg; break;
		case 'i': d.base.key = optarg; break;
		case 'K': d.base.known_hosts = optarg; break;
		case 'J': as_json = 1; break;
		case 'k': kind = optarg; break;
		case 'h': fputs(DRILL_USAGE, stdout); return FR_EXIT_OK;
		default: fputs(DRILL_USAGE, stderr); return FR_EXIT_USAGE;
		}
	}
	if (strcmp(kind, "redis") == 0) {
		if (argc - optind != 1 || !d.cluster || d.mode || trials < 1 || trials > 100 || timeout < 30) {
			fputs(DRILL_USAGE, stderr);
			return FR_EXIT_USAGE;
		}
		d.mode = "kill";
		if (fr_inv_load_file(argv[optind], &d.inv, &err) < 0) {
			fr_cli_error("%s", err.msg);
			return FR_EXIT_FAIL;
		}
		if (fr_inv_validate(d.inv) > 0) {
			fr_cli_print_diags(d.inv->path, &d.inv->diags, "inventory", 1);
			fr_inv_free(d.inv);
			return FR_EXIT_INVALID;
		}
		code = drill_redis(&d, trials, timeout, as_json);
		fr_inv_free(d.inv);
		return code;
	}
	if (strcmp(kind, "pgsql") != 0) {
		fr_cli_error("drill: --kind '%s': pgsql (the default) or redis", kind);
		return FR_EXIT_USAGE;
	}
	for (i = 0; d.mode && modes[i] && strcmp(modes[i], d.mode) != 0; i++)
		;
	if (argc - optind != 1 || !d.cluster || !d.mode || trials < 1 || trials > 100 || timeout < 30) {
		fputs(DRILL_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	if (modes[i] == NULL) {
		fr_cli_error("drill: --mode '%s': one of crash, kill-patroni, switchover, node-down, partition", d.mode);
		return FR_EXIT_USAGE;
	}
	if ((strcmp(d.mode, "node-down") == 0 && (!down || !heal)) || (strcmp(d.mode, "partition") == 0 && (!part || !heal))) {
		fr_cli_error("drill: --mode %s needs %s and --heal-cmd: farrow cannot cut a node's power or links itself",
			     d.mode, strcmp(d.mode, "node-down") == 0 ? "--down-cmd" : "--partition-cmd");
		return FR_EXIT_USAGE;
	}
	if (fr_inv_load_file(argv[optind], &d.inv, &err) < 0) {
		fr_cli_error("%s", err.msg);
		return FR_EXIT_FAIL;
	}
	if (fr_inv_validate(d.inv) > 0) {
		fr_cli_print_diags(d.inv->path, &d.inv->diags, "inventory", 1);
		fr_inv_free(d.inv);
		return FR_EXIT_INVALID;
	}
	d.m = fr_xcalloc(d.inv->nhosts + 1, sizeof(*d.m));
	for (i = 0; i < d.inv->nhosts; i++) {
		struct fr_ident id;

		fr_inv_identity(d.inv, &d.inv->hosts[i], &id);
		if (id.pg_cluster && id.pg_instance && strcmp(id.pg_cluster, d.cluster) == 0) {
			d.m[d.n].h = &d.inv->hosts[i];
			d.m[d.n++].name = fr_xstrdup(id.pg_instance);
		}
		fr_ident_release(&id);
	}
	if (d.n == 0) {
		fr_cli_error("drill: the inventory %s names no PostgreSQL cluster '%s': nothing is drilled", d.inv->path,
			     d.cluster);
		code = FR_EXIT_USAGE;
		goto out;
	}
	if (d.n == 1) {
		fr_cli_error("drill: %s has one member: there is nothing to fail over to, so nothing is drilled", d.cluster);
		code = FR_EXIT_USAGE;
		goto out;
	}
	plan = fr_rto_plan(fr_inv_str(d.inv, d.m[0].h, "pg_rto") ? fr_inv_str(d.inv, d.m[0].h, "pg_rto") : "norm");
	if (plan == NULL)
		plan = fr_rto_plan("norm");
	{
		struct fr_var v;
		const struct fr_node *svc;

		if (fr_inv_resolve(d.inv, d.m[0].h, "pg_users", &v) == 0 || (u = pick_user(v.value, user)) == NULL) {
			fr_cli_error("drill: %s: no pg_users entry %s%s with a password to write as (--user)", d.cluster,
				     user ? "named " : "that pgbouncer serves", user ? user : "");
			code = FR_EXIT_USAGE;
			goto out;
		}
		user = fr_node_str(fr_node_get(u, "name"));
		password = fr_node_str(fr_node_get(u, "password"));
		if (db == NULL && fr_inv_resolve(d.inv, d.m[0].h, "pg_databases", &v))
			db = pick_db(v.value, user);
		if (db == NULL)
			db = "postgres";
		/* the primary and replica services' ports, from the services the members' haproxy serves */
		if (fr_inv_resolve(d.inv, d.m[0].h, "pg_default_services", &v) && fr_node_is_seq(svc = v.value))
			for (i = 0; i < svc->n; i++) {
				const char *name = fr_node_str(fr_node_get(svc->items[i], "name"));
				long long p;

				if (name && fr_node_int(fr_node_get(svc->items[i], "port"), &p))
					*(strcmp(name, "primary") == 0 ? &wport : strcmp(name, "replica") == 0 ? &rport : &p) = p;
			}
	}
	wconn = conninfo(&d, wport, db, user, password);
	rconn = conninfo(&d, rport, db, user, password);
	rto = fr_xcalloc((size_t)trials, sizeof(*rto));
	rpo = fr_xcalloc((size_t)trials, sizeof(*rpo));
	rejoin = fr_xcalloc((size_t)trials, sizeof(*rejoin));
	{
		struct fr_pq *pq = fr_pq_connect(wconn, &err);
		struct fr_buf rows = FR_BUF_INIT;

		if (pq == NULL || fr_pq_exec(pq, "CREATE TABLE IF NOT EXISTS farrow_drill (trial int, id bigint, at timestamptz "
						 "DEFAULT now(), PRIMARY KEY (trial, id))", 0, NULL, NULL, &err) < 0 ||
		    fr_pq_exec(pq, "SELECT coalesce(max(trial), 0) + 1 FROM farrow_drill", 0, NULL, &rows, &err) < 0) {
			fr_cli_error("drill: %s: the client cannot write through the primary service (port %lld) as %s to %s: %s",
				     d.cluster, wport, user, db, err.msg);
			if (pq)
				fr_pq_close(pq);
			code = FR_EXIT_FAIL;
			goto out;
		}
		first_trial = atoi(rows.buf ? rows.buf : "1");
		fr_buf_release(&rows);
		fr_pq_close(pq);
	}
	if (!as_json)
		printf("drill %s of %s (%zu members, pg_rto %s: bound %d s), %d trial%s; writes through %lld, reads through %lld\n",
		       d.mode, d.cluster, d.n, plan->name, plan->rto_bound, trials, trials == 1 ? "" : "s", wport, rport);
	for (t = 0; t < trials; t++) {
		struct client cl = { 0 };
		pthread_t th;
		int leader = wait_healthy(&d, timeout), now_leader = -1, healed = 0, done = 0;
		long tf, rec_at = -1, rj = -1, read_out, healed_at = -1, whole_at = -1;
		long long acked = 0, missing = 0;
		const char *leader_ip;
		char cmd[512];

		if (leader < 0) {
			fr_cli_error("drill: %s has no leader with every other member streaming within %d s: not drilling",
				     d.cluster, timeout);
			code = FR_EXIT_FAIL;
			break;
		}
		leader_ip = d.m[leader].h->ip;
		cl.wconn = wconn;
		cl.rconn = rconn;
		cl.trial = first_trial + t;
		pthread_mutex_init(&cl.mu, NULL);
		clock_gettime(CLOCK_MONOTONIC, &cl.start);
		pthread_create(&th, NULL, client_run, &cl);
		/* 3 s of acknowledged writes before the fault; none within 30 s and there is nothing to measure */
		sleep_ms(3000);
		for (i = 0; i < 27; i++) {
			size_t before;

			pthread_mutex_lock(&cl.mu);
			before = cl.acked;
			pthread_mutex_unlock(&cl.mu);
			if (before >= 10)
				break;
			sleep_ms(1000);
		}
		if (i == 27) {
			pthread_mutex_lock(&cl.mu);
			cl.stop = 1;
			pthread_mutex_unlock(&cl.mu);
			pthread_join(th, NULL);
			fr_cli_error("drill: trial %d: the client could not write through the primary service (port %lld) for "
				     "30 s before any fault: %s", t + 1, wport, cl.last_error[0] ? cl.last_error : "no answer");
			free(cl.a);
			pthread_mutex_destroy(&cl.mu);
			code = FR_EXIT_FAIL;
			break;
		}
		tf = since(&cl.start);
		/* the fault */
		if (strcmp(d.mode, "crash") == 0) {
			const char *data = fr_inv_str(d.inv, d.m[leader].h, "pg_data");

			snprintf(cmd, sizeof(cmd), "kill -9 $(head -1 '%s/postmaster.pid')", data ? data : "/pg/data");
		} else if (strcmp(d.mode, "kill-patroni") == 0)
			snprintf(cmd, sizeof(cmd), "pkill -9 -f '^/usr/bin/python3 /usr/bin/patroni'");
		else if (strcmp(d.mode, "switchover") == 0)
			snprintf(cmd, sizeof(cmd), "patronictl -c /etc/patroni/config.yml switchover %s --leader %s --force",
				 d.cluster, d.m[leader].name);
		if (strcmp(d.mode, "node-down") == 0 || strcmp(d.mode, "partition") == 0) {
			if (hook(strcmp(d.mode, "node-down") == 0 ? down : part, leader_ip) != 0)
				fr_cli_warn("drill: the %s command exited non-zero", d.mode);
		} else if (on_member(&d, (size_t)leader, cmd, NULL, &err) < 0)
			fr_cli_warn("drill: %s on %s: %s", d.mode, leader_ip, err.msg[0] ? err.msg : "the command failed");
		/* until writes recover, the fault is healed, and the old leader streams again (or still leads) */
		while (!done && since(&cl.start) < tf + (long)timeout * 1000) {
			sleep_ms(1000);
			if (!recovered(&cl, tf, &rec_at) && strcmp(d.mode, "switchover") != 0)
				continue;
			if (!healed) {
				if (strcmp(d.mode, "partition") == 0)
					sleep_ms(5000);
				if (strcmp(d.mode, "kill-patroni") == 0)
					on_member(&d, (size_t)leader, "systemctl start patroni", NULL, &err);
				else if (heal && (strcmp(d.mode, "node-down") == 0 || strcmp(d.mode, "partition") == 0) &&
					 hook(heal, leader_ip) != 0)
					fr_cli_warn("drill: the heal command exited non-zero");
				healed = 1;
				healed_at = since(&cl.start) - tf;
			}
			{
				int *st = fr_xcalloc(d.n + 1, sizeof(*st));

				/* the cluster is whole again, and the client writes through it (a switchover may
				 * show its new leader before the services route to it) */
				if (cluster_view(&d, &now_leader, st) == 0 && (now_leader == leader || st[leader])) {
					if (whole_at < 0) {
						whole_at = since(&cl.start);
						rj = now_leader == leader ? -1 : whole_at - tf;
					}
					done = writes_up_since(&cl, tf, whole_at);
				}
				free(st);
			}
		}
		sleep_ms(1000);
		pthread_mutex_lock(&cl.mu);
		cl.stop = 1;
		pthread_mutex_unlock(&cl.mu);
		pthread_join(th, NULL);
		{
			long o = outage(&cl, tf, 0, NULL);

			rto[t] = o < 0 ? -1 : o / 1000.0;
		}
		read_out = outage(&cl, tf, 1, NULL);
		{
			/* RPO: which acknowledged ids the cluster no longer has */
			struct fr_pq *pq = fr_pq_connect(wconn, &err);
			struct fr_buf rows = FR_BUF_INIT;
			char tr[16];
			const char *p[] = { tr };
			unsigned char *have;
			long long maxid = cl.n ? cl.a[cl.n - 1].id : 0, id;
			char *line, *save = NULL;

			snprintf(tr, sizeof(tr), "%d", cl.trial);
			have = fr_xcalloc((size_t)maxid + 2, 1);
			if (pq && fr_pq_exec(pq, "SELECT id FROM farrow_drill WHERE trial = $1", 1, p, &rows, &err) >= 0) {
				for (line = strtok_r(rows.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
					if ((id = atoll(line)) > 0 && id <= maxid)
						have[id] = 1;
				for (i = 0; i < cl.n; i++)
					if (cl.a[i].wrote) {
						acked++;
						missing += !have[cl.a[i].id];
					}
			} else {
				fr_cli_warn("drill: cannot count the rows after trial %d: %s", cl.trial, err.msg);
				missing = -1;
			}
			if (pq)
				fr_pq_close(pq);
			free(have);
			fr_buf_release(&rows);
		}
		rpo[t] = (double)missing;
		if (rj >= 0)
			rejoin[nrj++] = rj / 1000.0;
		if (!done || rto[t] < 0 || missing != 0 || rto[t] > plan->rto_bound)
			code = FR_EXIT_FAIL;
		if (as_json) {
			fr_buf_addf(&json, "{\"trial\":%d,\"mode\":\"%s\",\"old_leader\":", t + 1, d.mode);
			fr_buf_add_json_str(&json, d.m[leader].name);
			fr_buf_adds(&json, ",\"new_leader\":");
			if (now_leader >= 0)
				fr_buf_add_json_str(&json, d.m[now_leader].name);
			else
				fr_buf_adds(&json, "null");
			fr_buf_addf(&json, ",\"rto\":%.2f,\"read_outage\":%.2f,\"rpo_rows\":%lld,\"acknowledged\":%lld,"
					   "\"rejoin\":", rto[t], read_out / 1000.0, missing, acked);
			if (rj >= 0)
				fr_buf_addf(&json, "%.2f", rj / 1000.0);
			else
				fr_buf_adds(&json, "null");
			if (rj >= 0 && heal && healed_at >= 0 && rj >= healed_at)
				fr_buf_addf(&json, ",\"rejoin_after_heal\":%.2f", (rj - healed_at) / 1000.0);
			fr_buf_addf(&json, ",\"recovered\":%s}\n", done && rto[t] >= 0 ? "true" : "false");
			fputs(json.buf, stdout);
			fr_buf_reset(&json);
		} else {
			printf("trial %d: %s of %s (%s): write RTO %s%.1f s, read outage %.1f s, RPO %lld of %lld acknowledged rows; "
			       "leader now %s",
			       t + 1, d.mode, d.m[leader].name, leader_ip, rto[t] < 0 ? "not recovered after " : "",
			       rto[t] < 0 ? (double)timeout : rto[t], read_out < 0 ? (double)timeout : read_out / 1000.0,
			       missing, acked, now_leader >= 0 ? d.m[now_leader].name : "unknown");
			if (rj >= 0 && heal && healed_at >= 0 && rj >= healed_at)
				printf(", %s streams again after %.1f s (%.1f s after the heal)\n", d.m[leader].name, rj / 1000.0,
				       (rj - healed_at) / 1000.0);
			else if (rj >= 0)
				printf(", %s streams again after %.1f s\n", d.m[leader].name, rj / 1000.0);
			else
				printf("%s\n", now_leader == leader ? " (it kept the lead)" : ", the old leader has not rejoined");
			fflush(stdout);
		}
		free(cl.a);
		pthread_mutex_destroy(&cl.mu);
	}
	if (t == trials) {
		char a[64], b[64], r[64];

		spread(rto, (size_t)trials, a, sizeof(a));
		spread(rpo, (size_t)trials, b, sizeof(b));
		spread(rejoin, nrj, r, sizeof(r));
		if (as_json)
			printf("{\"summary\":{\"mode\":\"%s\",\"trials\":%d,\"rto\":\"%s\",\"rpo_rows\":\"%s\",\"rejoin\":\"%s\","
			       "\"bound\":%d,\"result\":\"%s\"}}\n",
			       d.mode, trials, a, b, r, plan->rto_bound, code == FR_EXIT_OK ? "pass" : "fail");
		else
			printf("%s, %d trial%s, min / median / max: RTO %s s (bound %d s), RPO %s rows, rejoin %s s: %s\n",
			       d.mode, trials, trials == 1 ? "" : "s", a, plan->rto_bound, b, r,
			       code == FR_EXIT_OK ? "pass" : "FAIL");
	}
out:
	if (wconn)
		fr_wipe(wconn, strlen(wconn));
	if (rconn)
		fr_wipe(rconn, strlen(rconn));
	free(wconn);
	free(rconn);
	free(rto);
	free(rpo);
	free(rejoin);
	for (i = 0; i < d.n; i++)
		free(d.m[i].name);
	free(d.m);
	fr_buf_release(&json);
	fr_inv_free(d.inv);
	return code;
}
