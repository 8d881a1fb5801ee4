/* mod-redis.c -- the redis module: a node's Redis instances, standalone, sentinel or native cluster. */
/* SPDX-License-Identifier: MIT */
/*
 * One instance per port of redis_instances, each Debian's templated unit (redis-server@<port>,
 * redis-sentinel@<port> in sentinel mode) with its own configuration (/etc/redis/redis-<port>.conf,
 * sentinel-<port>.conf; 0640 redis:redis: it holds the password) and data directory
 * (<redis_fs_main>/<cluster>-<node>-<port>). Passwords reach redis-cli by REDISCLI_AUTH, never argv.
 *
 * Redis and Sentinel rewrite their own files (CONFIG REWRITE after a failover: replicaof, the
 * sentinel's known replicas and epochs). So farrow keeps the SHA-256 of what it rendered in
 * FR_NODE_DIR/redis/<port>.sha256 and rewrites a file only when its rendering changes, keeping
 * the lines Redis owns (replicaof, sentinel myid): a re-run never undoes a failover.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "fb.h"
#include "fileio.h"
#include "profile.h"
#include "xalloc.h"

#define REDIS_STATE FR_NODE_DIR "/redis"
/* how long the member that forms a native cluster waits for every instance, and the others for it */
#define REDIS_CLUSTER_WAIT 600
/* Sentinel: a primary is down after this long without answering */
#define SENTINEL_DOWN_AFTER_MS 10000

struct rinst {
	long long port;
	const char *replica_of; /* "<ip> <port>" or NULL */
};

struct redis {
	const char *cluster, *mode, *bind, *fs_main;
	long long node;
	struct rinst *ins;
	size_t n;
	int sentinel, native;
};

static void redis_release(struct redis *r)
{
	free(r->ins);
	memset(r, 0, sizeof(*r));
}

static int redis_init(struct fb *fb, struct redis *r)
{
	const struct fr_node *m = fb_var(fb, "redis_instances");
	size_t i;

	memset(r, 0, sizeof(*r));
	r->cluster = fb_str(fb, "redis_cluster", NULL);
	r->node = fb_int(fb, "redis_node", 0);
	r->mode = fb_str(fb, "redis_mode", "standalone");
	r->fs_main = fb_str(fb, "redis_fs_main", "/data");
	r->bind = fb_str(fb, "redis_bind_address", "");
	if (*r->bind == '\0')
		r->bind = fb->host;
	r->sentinel = strcmp(r->mode, "sentinel") == 0;
	r->native = strcmp(r->mode, "cluster") == 0;
	if (r->cluster == NULL || r->node <= 0 || !fr_node_is_map(m) || m->n == 0)
		return fb_fail(fb, "this node has no Redis identity (redis_cluster, redis_node, redis_instances)");
	r->ins = fr_xcalloc(m->n, sizeof(*r->ins));
	for (i = 0; i < m->n; i++) {
		if (!fr_node_int(m->keys[i], &r->ins[r->n].port))
			continue;
		r->ins[r->n].replica_of = fr_node_str(fr_node_get(m->items[i], "replica_of"));
		r->n++;
	}
	return 0;
}

/* s as one argument of redis.conf's grammar: double-quoted, \\ \" and \xHH escaped. */
static void rq(struct fr_buf *out, const char *s)
{
	fr_buf_addc(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fr_buf_addf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fr_buf_addf(out, "\\x%02x", c);
		else
			fr_buf_addc(out, (char)c);
	}
	fr_buf_addc(out, '"');
}

static void rq_secret(const struct fb *fb, struct fr_buf *out, const char *s)
{
	rq(out, fb->mask ? "********" : s);
}

static void data_dir(const struct redis *r, long long port, char *out, size_t n)
{
	snprintf(out, n, "%s/%s-%lld-%lld", r->fs_main, r->cluster, r->node, port);
}

/* What farrow owns of an instance's redis.conf (replicaof is added apart: Redis owns it after). */
static void server_conf(struct fb *fb, const struct redis *r, long long port, struct fr_buf *b)
{
	const char *pw = fb_secret(fb, "redis_password");
	const struct fr_node *save = fb_var(fb, "redis_rdb_save"), *ren = fb_var(fb, "redis_rename_commands");
	char dir[512];
	size_t i;

	data_dir(r, port, dir, sizeof(dir));
	fr_buf_addf(b,
		    "# /etc/redis/redis-%lld.conf: written by farrow-firstboot (redis module) for %s-%lld-%lld.\n"
		    "# Redis may rewrite it (CONFIG REWRITE, a Sentinel failover's replicaof); farrow rewrites\n"
		    "# it only when the inventory's settings change, keeping the replicaof line Redis wrote.\n"
		    "bind %s\nport %lld\nprotected-mode no\ntcp-keepalive 300\ntimeout 0\n"
		    "daemonize no\nsupervised systemd\npidfile /run/redis-%lld/redis-server.pid\n"
		    "loglevel notice\nlogfile /var/log/redis/redis-server-%lld.log\ndatabases 16\n",
		    port, r->cluster, r->node, port, r->bind, port, port, port);
	fr_buf_addf(b, "dir \"%s\"\ndbfilename dump.rdb\n", dir);
	if (fr_node_is_seq(save) && save->n) {
		for (i = 0; i < save->n; i++)
			if (fr_node_str(save->items[i]))
				fr_buf_addf(b, "save %s\n", save->items[i]->str);
	} else
		fr_buf_adds(b, "save \"\"\n");
	fr_buf_addf(b, "maxmemory %s\nmaxmemory-policy %s\nappendonly %s\nappendfilename \"appendonly.aof\"\n",
		    fb_str(fb, "redis_max_memory", "1GB"), fb_str(fb, "redis_mem_policy", "allkeys-lru"),
		    fb_bool(fb, "redis_aof_enabled", 0) ? "yes" : "no");
	if (*fb_str(fb, "redis_password", "")) {
		fr_buf_adds(b, "requirepass ");
		rq_secret(fb, b, pw);
		fr_buf_adds(b, "\nmasterauth ");
		rq_secret(fb, b, pw);
		fr_buf_addc(b, '\n');
	}
	for (i = 0; fr_node_is_map(ren) && i < ren->n; i++) {
		fr_buf_addf(b, "rename-command %s ", ren->keys[i]->str);
		rq(b, fr_node_str(ren->items[i]) ? ren->items[i]->str : "");
		fr_buf_addc(b, '\n');
	}
	if (r->native)
		fr_buf_addf(b, "cluster-enabled yes\ncluster-config-file nodes-%lld.conf\ncluster-node-timeout 15000\n"
			       "cluster-require-full-coverage yes\n", port);
}

/* What farrow owns of a sentinel's file (Sentinel appends its state: myid, epochs, known-*). */
static void sentinel_conf(struct fb *fb, const struct redis *r, long long port, struct fr_buf *b)
{
	const struct fr_node *mon = fb_var(fb, "redis_sentinel_monitor");
	const char *pw = fb_str(fb, "redis_password", "");
	char dir[512];
	size_t i;

	data_dir(r, port, dir, sizeof(dir));
	fr_buf_addf(b,
		    "# /etc/redis/sentinel-%lld.conf: written by farrow-firstboot (redis module) for %s-%lld-%lld.\n"
		    "# Sentinel adds its state below; farrow rewrites this file only when the inventory changes.\n"
		    "bind %s\nport %lld\nprotected-mode no\ndaemonize no\nsupervised systemd\n"
		    "pidfile /run/sentinel-%lld/redis-sentinel.pid\nlogfile /var/log/redis/redis-sentinel-%lld.log\n"
		    "dir \"%s\"\nsentinel resolve-hostnames no\n",
		    port, r->cluster, r->node, port, r->bind, port, port, port, dir);
	if (*pw) {
		/* its own password, and the one it gives the other sentinels (all of them have it) */
		fr_buf_adds(b, "requirepass ");
		rq_secret(fb, b, pw);
		fr_buf_adds(b, "\nsentinel sentinel-pass ");
		rq_secret(fb, b, pw);
		fr_buf_addc(b, '\n');
	}
	for (i = 0; fr_node_is_seq(mon) && i < mon->n; i++) {
		const struct fr_node *m = mon->items[i];
		const char *name = fr_node_str(fr_node_get(m, "name")), *host = fr_node_str(fr_node_get(m, "host"));
		const char *mpw = fr_node_str(fr_node_get(m, "password"));
		long long mport = 0, quorum = 1;

		fr_node_int(fr_node_get(m, "port"), &mport);
		fr_node_int(fr_node_get(m, "quorum"), &quorum);
		if (name == NULL || host == NULL)
			continue;
		fr_buf_addf(b, "sentinel monitor %s %s %lld %lld\n", name, host, mport, quorum);
		if (mpw && *mpw) {
			fr_buf_addf(b, "sentinel auth-pass %s ", name);
			rq_secret(fb, b, mpw);
			fr_buf_addc(b, '\n');
		}
		fr_buf_addf(b, "sentinel down-after-milliseconds %s %d\nsentinel failover-timeout %s 60000\n"
			       "sentinel parallel-syncs %s 1\n",
			    name, SENTINEL_DOWN_AFTER_MS, name, name);
	}
}

/* The lines of an existing file that Redis owns and a re-render keeps. */
static void owned_lines(const char *text, int sentinel, struct fr_buf *out)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if ((!sentinel && (strncmp(p, "replicaof ", 10) == 0 || strncmp(p, "slaveof ", 8) == 0)) ||
		    (sentinel && strncmp(p, "sentinel myid ", 14) == 0))
			fr_buf_addf(out, "%.*s\n", (int)len, p);
		p = nl ? nl + 1 : NULL;
	}
}

/*
 * The instance's file: written when absent, or when farrow's rendering changed since it last
 * wrote it (the lines Redis owns kept); else left as Redis keeps it. 1 when written, 0, -1.
 */
static int instance_file(struct fb *fb, const struct redis *r, const struct rinst *in, const char *path)
{
	struct fr_buf b = FR_BUF_INIT, full = FR_BUF_INIT;
	char sum[65], *statef = fr_xasprintf(REDIS_STATE "/%lld.sha256", in->port), *old = NULL, *oldsum = NULL;
	size_t len = 0;
	int ret = -1, exists;

	if (r->sentinel)
		sentinel_conf(fb, r, in->port, &b);
	else
		server_conf(fb, r, in->port, &b);
	fr_sha256_hex(b.buf, b.len, sum);
	exists = fr_read_file(path, 16u << 20, &old, &len, NULL) == 0;
	if (exists && fr_read_file(statef, 128, &oldsum, &len, NULL) == 0 && strncmp(oldsum, sum, 64) == 0) {
		ret = 0;
		goto out;
	}
	fr_buf_addn(&full, b.buf, b.len);
	if (exists)
		owned_lines(old, r->sentinel, &full);
	else if (!r->sentinel && in->replica_of)
		/* the inventory's topology, once: after that, Sentinel (or an operator) owns it */
		fr_buf_addf(&full, "replicaof %s\n", in->replica_of);
	if (fb_file(fb, path, full.buf, full.len, 0640, "redis:redis") < 0 || fb_dir(fb, REDIS_STATE, 0700, NULL) < 0)
		goto out;
	{
		char line[80];

		snprintf(line, sizeof(line), "%s\n", sum);
		if (fb_scratch_file(fb, statef, line, strlen(line), 0600, NULL) < 0)
			goto out;
	}
	ret = 1;
out:
	fr_buf_wipe(&b);
	fr_buf_wipe(&full);
	if (old)
		fr_wipe(old, strlen(old));
	free(old);
	free(oldsum);
	free(statef);
	return ret;
}

/* redis-cli against ip:port, the password in the environment; output appended to out. */
static int cli(struct fb *fb, const char *ip, long long port, const char *const *args, struct fr_buf *out)
{
	const char *argv[24] = { "redis-cli", "--no-auth-warning", "-h", ip, "-p", NULL };
	char portstr[16], *auth = NULL;
	const char *env[] = { NULL, NULL };
	const char *pw = fb_str(fb, "redis_password", "");
	size_t n = 5, i;
	int st;

	snprintf(portstr, sizeof(portstr), "%lld", port);
	argv[n++] = portstr;
	for (i = 0; args[i] && n < 23; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (*pw) {
		auth = fr_xasprintf("REDISCLI_AUTH=%s", pw);
		env[0] = auth;
	}
	st = fb_run_env(fb, argv, env, NULL, out);
	if (auth) {
		fr_wipe(auth, strlen(auth));
		free(auth);
	}
	return st;
}

/* The value of field in INFO-style output ("field:value\r\n"), into v; 1 when found. */
static int info_field(const char *text, const char *field, char *v, size_t n)
{
	size_t fl = strlen(field);
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, field, fl) == 0 && p[fl] == ':') {
			size_t len = strcspn(p + fl + 1, "\r\n");

			snprintf(v, n, "%.*s", (int)len, p + fl + 1);
			return 1;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

struct probe {
	const char *ip;
	long long port;
};

static int answers(struct fb *fb, void *arg)
{
	const struct probe *pr = arg;
	const char *ping[] = { "PING", NULL };
	struct fr_buf out = FR_BUF_INIT;
	int ok = cli(fb, pr->ip, pr->port, ping, &out) == 0 && strstr(out.buf, "PONG") != NULL;

	fr_buf_release(&out);
	return ok;
}

/* CLUSTER INFO's cluster_state and cluster_known_nodes of ip:port; -1 when it does not answer. */
static int cluster_info(struct fb *fb, const char *ip, long long port, char *state, size_t n, long long *known)
{
	const char *ci[] = { "CLUSTER", "INFO", NULL };
	struct fr_buf out = FR_BUF_INIT;
	char k[32] = "0";
	int r = -1;

	state[0] = '\0';
	if (cli(fb, ip, port, ci, &out) == 0 && info_field(out.buf, "cluster_state", state, n)) {
		info_field(out.buf, "cluster_known_nodes", k, sizeof(k));
		*known = strtoll(k, NULL, 10);
		r = 0;
	}
	fr_buf_release(&out);
	return r;
}

static int cluster_ok(struct fb *fb, void *arg)
{
	const struct probe *pr = arg;
	char state[32];
	long long known = 0;

	return cluster_info(fb, pr->ip, pr->port, state, sizeof(state), &known) == 0 && strcmp(state, "ok") == 0;
}

/*
 * A native cluster: formed once, by the member with the lowest redis_node, from every instance
 * of every member (peers) when all answer and none is in a cluster yet; the others wait for it.
 */
static int native_cluster(struct fb *fb, const struct redis *r)
{
	const struct fr_node *members = fr_node_get(fb->peers, "redis_cluster");
	struct fr_buf addrs = FR_BUF_INIT;
	const char **argv = NULL;
	size_t i, j, na = 0, total = 0;
	long long lowest = -1, seq;
	int ret = -1, formed = 0;
	char state[32];
	long long known = 0;

	for (i = 0; fr_node_is_seq(members) && i < members->n; i++) {
		const struct fr_node *ports = fr_node_get(members->items[i], "ports");

		if (fr_node_int(fr_node_get(members->items[i], "seq"), &seq) && (lowest < 0 || seq < lowest))
			lowest = seq;
		total += fr_node_is_seq(ports) ? ports->n : 0;
	}
	/* already a cluster (this or an earlier run, or the other members'): left as it is */
	if (cluster_info(fb, fb->host, r->ins[0].port, state, sizeof(state), &known) == 0 && known > 1) {
		struct probe pr = { fb->host, r->ins[0].port };

		if (fb_wait(fb, "the Redis cluster's state is ok", 60, cluster_ok, &pr) < 0)
			return -1;
		for (i = 1; i < r->n; i++) {
			if (cluster_info(fb, fb->host, r->ins[i].port, state, sizeof(state), &known) < 0 || known <= 1)
				return fb_fail(fb, "instance %lld is not in the Redis cluster the others form: add it "
						   "(redis-cli --cluster add-node); farrow does not reshard a cluster",
					       r->ins[i].port);
		}
		fb_log(fb, "the Redis cluster %s exists (%lld nodes known): left as it is", r->cluster, known);
		return 0;
	}
	if (lowest != r->node) {
		struct probe pr = { fb->host, r->ins[0].port };

		fb_log(fb, "waiting for redis node %lld to form the cluster %s", lowest, r->cluster);
		return fb_wait(fb, "the Redis cluster formed by its first member", REDIS_CLUSTER_WAIT, cluster_ok, &pr);
	}
	argv = fr_xcalloc(total + 8, sizeof(*argv));
	argv[na++] = "redis-cli";
	argv[na++] = "--no-auth-warning";
	argv[na++] = "--cluster";
	argv[na++] = "create";
	{
		/* every address, one buffer: NUL-separated, pointers taken once it stops growing */
		size_t *offs = fr_xcalloc(total + 1, sizeof(*offs)), k = 0;

		for (i = 0; fr_node_is_seq(members) && i < members->n; i++) {
			const char *ip = fr_node_str(fr_node_get(members->items[i], "ip"));
			const struct fr_node *ports = fr_node_get(members->items[i], "ports");

			for (j = 0; ip && fr_node_is_seq(ports) && j < ports->n && k < total; j++) {
				long long p;
				struct probe pr;

				if (!fr_node_int(ports->items[j], &p))
					continue;
				pr.ip = ip;
				pr.port = p;
				if (fb_wait(fb, "every instance of the Redis cluster answers", REDIS_CLUSTER_WAIT, answers,
					    &pr) < 0) {
					free(offs);
					goto out;
				}
				if (cluster_info(fb, ip, p, state, sizeof(state), &known) == 0 && known > 1) {
					fb_fail(fb, "%s:%lld is in a Redis cluster already, and %s:%lld is not: not "
						    "forming another",
						ip, p, fb->host, r->ins[0].port);
					free(offs);
					goto out;
				}
				offs[k++] = addrs.len;
				fr_buf_addf(&addrs, "%s:%lld", ip, p);
				fr_buf_addc(&addrs, '\0');
			}
		}
		for (i = 0; i < k; i++)
			argv[na++] = addrs.buf + offs[i];
		free(offs);
	}
	{
		char rep[16];
		const char *pw = fb_str(fb, "redis_password", "");
		char *auth = *pw ? fr_xasprintf("REDISCLI_AUTH=%s", pw) : NULL;
		const char *env[] = { auth, NULL };

		snprintf(rep, sizeof(rep), "%lld", fb_int(fb, "redis_cluster_replicas", 1));
		argv[na++] = "--cluster-replicas";
		argv[na++] = rep;
		argv[na++] = "--cluster-yes";
		argv[na] = NULL;
		fb_log(fb, "forming the Redis cluster %s from %zu instances, %s replica(s) per primary", r->cluster,
		       na - 7, rep);
		formed = fb_run_env(fb, argv, env, NULL, NULL) == 0;
		if (auth) {
			fr_wipe(auth, strlen(auth));
			free(auth);
		}
	}
	if (!formed) {
		fb_fail(fb, "redis-cli --cluster create failed (its output is in this module's log)");
		goto out;
	}
	fb->changes++;
	{
		struct probe pr = { fb->host, r->ins[0].port };

		ret = fb_wait(fb, "the new Redis cluster's state is ok", 120, cluster_ok, &pr);
	}
out:
	free(argv);
	fr_buf_release(&addrs);
	return ret;
}

/* The exporter: one per node, its first instance by default, the others by /scrape?target=. */
static void exporter_files(struct fb *fb, const struct redis *r, struct fr_buf *def, struct fr_buf *pwf)
{
	const char *pw = fb_secret(fb, "redis_password");
	size_t i;

	fr_buf_addf(def,
		    "# /etc/default/prometheus-redis-exporter: written by farrow-firstboot (redis module).\n"
		    "# The password is in /etc/prometheus-redis-exporter/passwords.json (0640 root:prometheus).\n"
		    "ARGS=\"-web.listen-address %s:%lld -redis.addr redis://%s:%lld%s -redis.password-file "
		    "/etc/prometheus-redis-exporter/passwords.json%s%s\"\n",
		    fb->host, fb_int(fb, "redis_exporter_port", 9121), fb->host, r->ins[0].port,
		    r->native ? " -is-cluster" : "", *fb_str(fb, "redis_exporter_options", "") ? " " : "",
		    fb_str(fb, "redis_exporter_options", ""));
	fr_buf_adds(pwf, "{");
	for (i = 0; i < r->n; i++) {
		char *uri = fr_xasprintf("redis://%s:%lld", fb->host, r->ins[i].port);

		fr_buf_adds(pwf, i ? ", " : "");
		fr_buf_add_json_str(pwf, uri);
		fr_buf_adds(pwf, ": ");
		fr_buf_add_json_str(pwf, pw);
		free(uri);
	}
	fr_buf_adds(pwf, "}\n");
}

static int exporter(struct fb *fb, const struct redis *r)
{
	struct fr_buf def = FR_BUF_INIT, pwf = FR_BUF_INIT;
	int c1, c2, ret = -1;

	if (access("/usr/bin/prometheus-redis-exporter", X_OK) != 0) {
		fb_log(fb, "redis_exporter: not in this node's bundle; not run");
		return 0;
	}
	if (!fb_bool(fb, "redis_exporter_enabled", 1)) {
		if (fb_systemctl(fb, "disable", "prometheus-redis-exporter") < 0)
			return -1;
		{
			const char *v[] = { "systemctl", "stop", "prometheus-redis-exporter", NULL };

			fb_run(fb, v, NULL, NULL);
		}
		return 0;
	}
	exporter_files(fb, r, &def, &pwf);
	if (fb_dir(fb, "/etc/prometheus-redis-exporter", 0750, "root:prometheus") < 0 ||
	    (c1 = fb_file(fb, "/etc/prometheus-redis-exporter/passwords.json", pwf.buf, pwf.len, 0640,
			  "root:prometheus")) < 0 ||
	    (c2 = fb_file(fb, "/etc/default/prometheus-redis-exporter", def.buf, def.len, 0644, NULL)) < 0)
		goto out;
	if (fb_systemctl(fb, "enable", "prometheus-redis-exporter") < 0 ||
	    fb_systemctl(fb, c1 || c2 ? "restart" : "start", "prometheus-redis-exporter") < 0)
		goto out;
	ret = 0;
out:
	fr_buf_wipe(&def);
	fr_buf_wipe(&pwf);
	return ret;
}

/* The packages' own single instances: stopped and disabled (theirs would take 6379 and 26379). */
static int package_defaults_off(struct fb *fb)
{
	static const char *const units[] = { "redis-server.service", "redis-sentinel.service", NULL };
	size_t i;

	for (i = 0; units[i]; i++) {
		const char *en[] = { "systemctl", "is-enabled", "--quiet", units[i], NULL };
		const char *ac[] = { "systemctl", "is-active", "--quiet", units[i], NULL };

		if (fb_run(fb, en, NULL, NULL) == 0 || fb_run(fb, ac, NULL, NULL) == 0) {
			const char *off[] = { "systemctl", "disable", "--now", units[i], NULL };

			if (fb_run(fb, off, NULL, NULL) != 0)
				return fb_fail(fb, "cannot stop and disable the package's %s", units[i]);
			fb_log(fb, "stopped and disabled the package's own %s", units[i]);
			fb->changes++;
		}
	}
	return 0;
}

/* Drop-ins: Debian's templates may write only under /var/lib/redis; the data is under redis_fs_main. */
static int dropins(struct fb *fb, const struct redis *r)
{
	static const char *const tmpl[] = { "redis-server@", "redis-sentinel@", NULL };
	size_t i;
	int reload = 0;

	for (i = 0; tmpl[i]; i++) {
		char dir[128], path[160];
		char *body = fr_xasprintf("# farrow: redis module\n[Service]\nReadWritePaths=%s\n", r->fs_main);
		int c;

		snprintf(dir, sizeof(dir), "/etc/systemd/system/%s.service.d", tmpl[i]);
		snprintf(path, sizeof(path), "%s/farrow.conf", dir);
		c = fb_dir(fb, dir, 0755, NULL) < 0 ? -1 : fb_file(fb, path, body, strlen(body), 0644, NULL);
		free(body);
		if (c < 0)
			return -1;
		reload |= c;
	}
	if (reload) {
		const char *v[] = { "systemctl", "daemon-reload", NULL };

		fb_run(fb, v, NULL, NULL);
	}
	return 0;
}

void fb_redis_render(struct fb *fb, struct fr_buf *out)
{
	struct redis r;
	size_t i;

	if (redis_init(fb, &r) < 0)
		return;
	for (i = 0; i < r.n; i++) {
		fr_buf_addf(out, "# ==> /etc/redis/%s-%lld.conf\n", r.sentinel ? "sentinel" : "redis", r.ins[i].port);
		if (r.sentinel)
			sentinel_conf(fb, &r, r.ins[i].port, out);
		else {
			server_conf(fb, &r, r.ins[i].port, out);
			if (r.ins[i].replica_of)
				fr_buf_addf(out, "replicaof %s\n", r.ins[i].replica_of);
		}
	}
	{
		struct fr_buf def = FR_BUF_INIT, pwf = FR_BUF_INIT;

		exporter_files(fb, &r, &def, &pwf);
		fr_buf_addf(out, "# ==> /etc/default/prometheus-redis-exporter\n%s", def.buf);
		fr_buf_addf(out, "# ==> /etc/prometheus-redis-exporter/passwords.json\n%s", pwf.buf);
		fr_buf_wipe(&def);
		fr_buf_wipe(&pwf);
	}
	redis_release(&r);
}

int fb_mod_redis(struct fb *fb)
{
	struct redis r;
	size_t i;
	int ret = -1;

	if (redis_init(fb, &r) < 0)
		return -1;
	if (package_defaults_off(fb) < 0 || dropins(fb, &r) < 0)
		goto out;
	for (i = 0; i < r.n; i++) {
		const struct rinst *in = &r.ins[i];
		char dir[512], path[128], unit[64];
		int c;
		struct probe pr = { fb->host, in->port };

		data_dir(&r, in->port, dir, sizeof(dir));
		snprintf(path, sizeof(path), "/etc/redis/%s-%lld.conf", r.sentinel ? "sentinel" : "redis", in->port);
		snprintf(unit, sizeof(unit), "%s@%lld.service", r.sentinel ? "redis-sentinel" : "redis-server", in->port);
		/* an existing data directory is used as it is: never emptied */
		if (fb_dir(fb, r.fs_main, 0755, NULL) < 0 || fb_dir(fb, dir, 0750, "redis:redis") < 0 ||
		    (c = instance_file(fb, &r, in, path)) < 0)
			goto out;
		if (fb_systemctl(fb, "enable", unit) < 0 || fb_systemctl(fb, c ? "restart" : "start", unit) < 0)
			goto out;
		if (fb_wait(fb, "the Redis instance answers", 60, answers, &pr) < 0)
			goto out;
		fb_log(fb, "%s-%lld-%lld (%s) answers on %s:%lld", r.cluster, r.node, in->port,
		       r.sentinel ? "sentinel" : in->replica_of ? "replica" : "redis", fb->host, in->port);
	}
	if (r.native && native_cluster(fb, &r) < 0)
		goto out;
	if (exporter(fb, &r) < 0)
		goto out;
	ret = 0;
out:
	redis_release(&r);
	return ret;
}

/* INFO-style lines that start with prefix (slave0:, master0:), each a JSON string into json. */
static void info_lines(const char *text, const char *prefix, struct fr_buf *json)
{
	const char *p = text;
	int k = 0;

	fr_buf_adds(json, "[");
	while (p && *p) {
		if (strncmp(p, prefix, strlen(prefix)) == 0) {
			const char *colon = strchr(p, ':');
			size_t len = strcspn(p, "\r\n");
			char *v = colon && (size_t)(colon - p) < len ? fr_xstrndup(colon + 1, len - (size_t)(colon - p) - 1)
								 : fr_xstrdup("");

			fr_buf_adds(json, k++ ? "," : "");
			fr_buf_add_json_str(json, v);
			free(v);
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	fr_buf_adds(json, "]");
}

void fb_redis_health(struct fb *fb, struct fr_buf *json)
{
	struct redis r;
	size_t i;
	int saved_fd = fb->log_fd;

	if (fr_node_get(fb->ident, "redis_instances") == NULL || redis_init(fb, &r) < 0)
		return;
	fb->log_fd = -1;
	fr_buf_adds(json, ",\"redis\":{\"cluster\":");
	fr_buf_add_json_str(json, r.cluster);
	fr_buf_addf(json, ",\"node\":%lld,\"mode\":", r.node);
	fr_buf_add_json_str(json, r.mode);
	fr_buf_adds(json, ",\"instances\":[");
	for (i = 0; i < r.n; i++) {
		const char *rep[] = { "INFO", "replication", NULL }, *sen[] = { "INFO", "sentinel", NULL };
		struct fr_buf out = FR_BUF_INIT;
		char v[256];
		int up = cli(fb, fb->host, r.ins[i].port, r.sentinel ? sen : rep, &out) == 0 &&
			 (strstr(out.buf, "# Replication") || strstr(out.buf, "# Sentinel"));

		fr_buf_addf(json, "%s{\"port\":%lld,\"name\":\"%s-%lld-%lld\",\"up\":%s", i ? "," : "", r.ins[i].port,
			    r.cluster, r.node, r.ins[i].port, up ? "true" : "false");
		if (up && r.sentinel) {
			fr_buf_adds(json, ",\"role\":\"sentinel\",\"monitors\":");
			info_lines(out.buf, "master", json);
		} else if (up) {
			if (info_field(out.buf, "role", v, sizeof(v))) {
				fr_buf_adds(json, ",\"role\":");
				fr_buf_add_json_str(json, v);
			}
			if (info_field(out.buf, "master_host", v, sizeof(v))) {
				char port[32] = "";

				info_field(out.buf, "master_port", port, sizeof(port));
				fr_buf_adds(json, ",\"primary\":");
				{
					char *a = fr_xasprintf("%s:%s", v, port);

					fr_buf_add_json_str(json, a);
					free(a);
				}
			}
			if (info_field(out.buf, "master_link_status", v, sizeof(v))) {
				fr_buf_adds(json, ",\"link\":");
				fr_buf_add_json_str(json, v);
			}
			fr_buf_adds(json, ",\"replicas\":");
			info_lines(out.buf, "slave", json);
			if (r.native) {
				char state[32];
				long long known = 0;

				if (cluster_info(fb, fb->host, r.ins[i].port, state, sizeof(state), &known) == 0) {
					fr_buf_adds(json, ",\"cluster_state\":");
					fr_buf_add_json_str(json, state);
					fr_buf_addf(json, ",\"cluster_known_nodes\":%lld", known);
				}
			}
		}
		fr_buf_adds(json, "}");
		fr_buf_release(&out);
	}
	fr_buf_adds(json, "]}");
	fb->log_fd = saved_fd;
	redis_release(&r);
}
