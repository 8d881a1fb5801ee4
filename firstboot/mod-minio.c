/* mod-minio.c -- the minio module: MinIO from the package a manifest brings, in Pigsty's shapes. */
/* SPDX-License-Identifier: MIT */
/*
 * MinIO is not in Debian: a bundle carries MinIO's own .deb (or Pigsty's silo), which installs
 * /usr/local/bin/minio. The module writes what runs it, as MinIO documents for a systemd host:
 * /etc/default/minio (MINIO_VOLUMES by shape: SNSD '/data/minio', SNMD '/data{1...4}', MNMD
 * 'https://minio-{1...4}.pigsty:9000/data{1...4}' across the members; MINIO_OPTS with the API and
 * console addresses and the certificates' directory; the root credentials), its own minio.service
 * (EnvironmentFile, $MINIO_OPTS $MINIO_VOLUMES), the TLS material from the farrow CA in
 * /etc/minio/certs (public.crt, private.key, CAs/ca.crt), the members' names in /etc/hosts; then
 * starts it and waits for the API port. Then the cluster's first member (lowest minio_seq), once
 * /minio/health/cluster says it takes writes, provisions as Pigsty does with mcli, but through
 * farrow's own signed requests (lib/s3.c, lib/madmin.c): minio_buckets by the S3 API (tested
 * against s3rver), a policy a bucket and minio_users by MinIO's admin API (its encryption held to
 * sio-go's vectors; the calls themselves not run against a MinIO: none runs where farrow is
 * tested, and the README says so).
 */
#define _GNU_SOURCE
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "fb.h"
#include "fileio.h"
#include "minio.h"
#include "madmin.h"
#include "s3.h"
#include "tlsget.h"
#include "xalloc.h"

#define MINIO_BIN "/usr/local/bin/minio"
#define MINIO_ENV "/etc/default/minio"
#define MINIO_UNIT "/etc/systemd/system/minio.service"
#define MINIO_CERTS "/etc/minio/certs"
#define MINIO_CA "/etc/pki/ca.crt" /* the ca module writes it */

struct minio {
	const char *cluster, *instance, *user, *data, *domain;
	long long seq, port, admin_port;
	int https;
	char *node;	/* this member's minio_node */
	char *volumes;	/* MINIO_VOLUMES */
	const struct fr_node *members; /* peers.minio_cluster */
};

static void minio_release(struct minio *m)
{
	free(m->node);
	free(m->volumes);
}

static int minio_init(struct fb *fb, struct minio *m)
{
	long long seqs[64];
	size_t n = 0, i;
	const char *why = NULL;

	memset(m, 0, sizeof(*m));
	m->instance = fb_ident(fb, "minio_instance");
	m->cluster = fb_str(fb, "minio_cluster", "minio");
	m->user = fb_str(fb, "minio_user", "minio");
	m->data = fb_str(fb, "minio_data", "/data/minio");
	m->domain = fb_str(fb, "minio_domain", "sss.pigsty");
	m->seq = fb_int(fb, "minio_seq", 0);
	m->port = fb_int(fb, "minio_port", 9000);
	m->admin_port = fb_int(fb, "minio_admin_port", 9001);
	m->https = fb_bool(fb, "minio_https", 1);
	m->members = fr_node_get(fb->peers, "minio_cluster");
	if (m->instance == NULL)
		return fb_fail(fb, "this node has no MinIO identity (minio_cluster, minio_seq)");
	m->node = fr_minio_node(fb_str(fb, "minio_node", NULL), m->cluster, m->seq);
	for (i = 0; fr_node_is_seq(m->members) && i < m->members->n && n < 64; i++)
		if (fr_node_int(fr_node_get(m->members->items[i], "seq"), &seqs[n]))
			n++;
	if (n == 0)
		seqs[n++] = m->seq;
	if (fb_var(fb, "minio_volumes") && fr_node_str(fb_var(fb, "minio_volumes")) &&
	    *fr_node_str(fb_var(fb, "minio_volumes")))
		m->volumes = fr_xstrdup(fr_node_str(fb_var(fb, "minio_volumes")));
	else if ((m->volumes = fr_minio_volumes(fb_str(fb, "minio_node", NULL), m->cluster, seqs, n, m->port, m->data,
						 m->https, &why)) == NULL)
		return fb_fail(fb, "MINIO_VOLUMES for %s: %s", m->cluster, why);
	return 0;
}

/* /etc/default/minio: credentials as fb_secret gives them (masked when rendering) */
static void env_file(struct fb *fb, const struct minio *m, struct fr_buf *out)
{
	const char *extra = fb_str(fb, "minio_extra_vars", "");

	fr_buf_addf(out,
		    "# " MINIO_ENV ": written by farrow-firstboot (minio module) for %s of %s\n"
		    "# read by minio.service (EnvironmentFile=); MinIO's documented variables\n"
		    "MINIO_VOLUMES=\"%s\"\n"
		    "MINIO_OPTS=\"--address :%lld --console-address :%lld --certs-dir " MINIO_CERTS "\"\n"
		    "MINIO_ROOT_USER=\"%s\"\n"
		    "MINIO_ROOT_PASSWORD=\"%s\"\n"
		    "MINIO_PROMETHEUS_AUTH_TYPE=\"public\"\n"
		    "MINIO_SERVER_URL=\"%s://%s:%lld\"\n",
		    m->instance, m->cluster, m->volumes, m->port, m->admin_port, fb_secret(fb, "minio_access_key"),
		    fb_secret(fb, "minio_secret_key"), m->https ? "https" : "http", m->domain, m->port);
	if (*extra)
		fr_buf_addf(out, "%s\n", extra);
}

static void unit_file(const struct minio *m, struct fr_buf *out)
{
	fr_buf_addf(out,
		    "# " MINIO_UNIT ": written by farrow-firstboot (minio module) for %s\n"
		    "[Unit]\nDescription=farrow: MinIO %s of %s\n"
		    "Wants=network-online.target\nAfter=network-online.target\n"
		    "AssertFileIsExecutable=" MINIO_BIN "\n\n"
		    "[Service]\nUser=%s\nGroup=%s\nWorkingDirectory=/var/lib/minio\n"
		    "EnvironmentFile=" MINIO_ENV "\n"
		    "ExecStart=" MINIO_BIN " server $MINIO_OPTS $MINIO_VOLUMES\n"
		    "Restart=always\nRestartSec=5\nLimitNOFILE=1048576\nTasksMax=infinity\n"
		    "# MinIO finishes its writes on SIGTERM: let it\nTimeoutStopSec=infinity\nSendSIGKILL=no\n\n"
		    "[Install]\nWantedBy=multi-user.target\n",
		    m->instance, m->instance, m->cluster, m->user, m->user);
}

/* the members' names, for MNMD's https://minio-{1...n}.pigsty: one line each in /etc/hosts */
static void hosts_lines(struct fb *fb, const struct minio *m, struct fr_buf *out)
{
	size_t i;

	for (i = 0; fr_node_is_seq(m->members) && i < m->members->n; i++) {
		const char *ip = fr_node_str(fr_node_get(m->members->items[i], "ip"));
		long long s = 0;
		char *name;

		if (ip == NULL || !fr_node_int(fr_node_get(m->members->items[i], "seq"), &s))
			continue;
		name = fr_minio_node(fb_str(fb, "minio_node", NULL), m->cluster, s);
		fr_buf_addf(out, "%s %s # farrow minio\n", ip, name);
		free(name);
	}
}

void fb_minio_render(struct fb *fb, struct fr_buf *out)
{
	struct minio m;

	if (minio_init(fb, &m) < 0) {
		minio_release(&m);
		return;
	}
	fr_buf_adds(out, "# ==> " MINIO_ENV "\n");
	env_file(fb, &m, out);
	fr_buf_adds(out, "# ==> " MINIO_UNIT "\n");
	unit_file(&m, out);
	fr_buf_adds(out, "# ==> /etc/hosts (the lines farrow keeps)\n");
	hosts_lines(fb, &m, out);
	fr_buf_addf(out, "# ==> " MINIO_CERTS "/public.crt, private.key (0600), CAs/ca.crt: this node's certificate "
			 "(names: %s, %s) and the farrow CA\n",
		    m.node, m.domain);
	{
		const struct fr_node *b = fb_var(fb, "minio_buckets"), *u = fb_var(fb, "minio_users");
		size_t i;

		for (i = 0; fr_node_is_seq(b) && i < b->n; i++) {
			const char *name = fr_node_str(fr_node_get(b->items[i], "name"));
			int ver = 0, lock = 0;

			if (!name)
				continue;
			fr_node_bool(fr_node_get(b->items[i], "versioning"), &ver);
			fr_node_bool(fr_node_get(b->items[i], "lock"), &lock);
			fr_buf_addf(out, "# ==> bucket %s%s%s (S3 API) and its policy %s (MinIO's admin API), by the first member:\n",
				    name, ver ? ", versioning" : "", lock ? ", object lock" : "", name);
			fr_minio_bucket_policy(name, out);
			fr_buf_addc(out, '\n');
		}
		for (i = 0; fr_node_is_seq(u) && i < u->n; i++) {
			const char *pol = fr_node_str(fr_node_get(u->items[i], "policy"));

			fr_buf_addf(out, "# ==> user %s (MinIO's admin API, secret key from the profile)%s%s\n",
				    fr_node_str(fr_node_get(u->items[i], "access_key")) ? fr_node_str(fr_node_get(u->items[i], "access_key")) : "?",
				    pol ? ", policy " : "", pol ? pol : "");
		}
	}
	minio_release(&m);
}

/* /etc/hosts with farrow's minio lines replaced by lines (the rest of the file as it was) */
static int etc_hosts(struct fb *fb, const char *lines)
{
	char *old = NULL, *p, *nl;
	size_t len = 0;
	struct fr_buf b = FR_BUF_INIT;
	int r;

	if (fr_read_file("/etc/hosts", 1u << 20, &old, &len, NULL) < 0)
		old = fr_xstrdup("");
	for (p = old; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		if (l >= 15 && memcmp(p + l - 15, " # farrow minio", 15) == 0)
			continue;
		fr_buf_addn(&b, p, l);
		fr_buf_addc(&b, '\n');
		if (nl == NULL)
			break;
	}
	fr_buf_adds(&b, lines);
	r = fb_file(fb, "/etc/hosts", b.buf, b.len, 0644, NULL);
	fr_buf_release(&b);
	free(old);
	return r;
}

static int port_up(struct fb *fb, void *arg)
{
	(void)fb;
	return fb_port_open("127.0.0.1", (int)*(long long *)arg) ? 1 : 0;
}

/* this member's own endpoint: its name is in /etc/hosts and in its certificate */
static char *own_endpoint(const struct minio *m)
{
	struct fr_buf b = FR_BUF_INIT;

	fr_buf_addf(&b, "https://%s:%lld", m->node, m->port);
	return b.buf;
}

struct health_arg {
	const char *url, *ca;
	char why[1024];
};

/* MinIO's cluster health (unauthenticated): 200 once the erasure sets have write quorum */
static int cluster_ready(struct fb *fb, void *arg)
{
	struct health_arg *h = arg;
	struct fr_https_req rq = { .method = "GET", .url = h->url, .ca_file = h->ca, .max = 65536, .timeout_s = 5 };
	struct fr_buf body = FR_BUF_INIT;
	struct fr_err err = { 0 };
	int status = 0, r = fr_https_do(&rq, &status, &body, &err);

	(void)fb;
	fr_buf_release(&body);
	if (r == FR_ECRYPTO) {
		snprintf(h->why, sizeof(h->why), "%s", err.msg);
		return -1;
	}
	snprintf(h->why, sizeof(h->why), "%s", r < 0 ? err.msg : "");
	return r == 0 && status == 200 ? 1 : 0;
}

/* the root user at endpoint (NULL: this member's own, into *own to free), trusted by ca (NULL: the
 * farrow CA); 0, or -1 (fb_fail) when this node has no MinIO identity to name itself by */
static int s3_target(struct fb *fb, const char *endpoint, const char *ca, struct fr_s3 *s3, char **own)
{
	*s3 = (struct fr_s3){ .endpoint = endpoint, .access_key = fb_str(fb, "minio_access_key", ""),
			      .secret_key = fb_str(fb, "minio_secret_key", ""), .ca_file = ca ? ca : MINIO_CA };
	*own = NULL;
	if (endpoint == NULL) {
		struct minio m;

		if (minio_init(fb, &m) == 0)
			s3->endpoint = *own = own_endpoint(&m);
		minio_release(&m);
		if (*own == NULL)
			return -1;
	}
	return 0;
}

/* minio_buckets by the S3 API */
static int buckets(struct fb *fb, const struct fr_s3 *s3)
{
	const struct fr_node *list = fb_var(fb, "minio_buckets");
	size_t i;
	int r = 0;

	for (i = 0; fr_node_is_seq(list) && i < list->n; i++) {
		const struct fr_node *b = list->items[i];
		const char *name = fr_node_str(fr_node_get(b, "name"));
		int versioning = 0, lock = 0, objlock = 0;
		struct fr_err err = { 0 };
		int made;

		if (!name)
			continue;
		fr_node_bool(fr_node_get(b, "versioning"), &versioning);
		fr_node_bool(fr_node_get(b, "lock"), &lock);
		fr_node_bool(fr_node_get(b, "objlock"), &objlock);
		lock |= objlock;
		if (fr_s3_bucket_ensure(s3, name, versioning, lock, &made, &err) < 0) {
			r = fb_fail(fb, "minio: bucket %s: %s", name, err.msg);
			break;
		}
		if (made)
			fb->changes++;
		fb_log(fb, "minio: bucket %s %s%s%s", name, made ? "made" : "exists", versioning ? ", versioning on" : "",
		       lock && made ? ", object lock on" : "");
	}
	return r;
}

/*
 * Each bucket's policy (named as the bucket: every S3 action on it and its objects, as Pigsty
 * makes them), then each user of minio_users with its secret key and its policy, through MinIO's
 * admin API as the root user.
 */
static int users(struct fb *fb, const struct fr_s3 *s3)
{
	const struct fr_node *bl = fb_var(fb, "minio_buckets"), *ul = fb_var(fb, "minio_users");
	size_t i;
	int r = 0;

	for (i = 0; r == 0 && fr_node_is_seq(bl) && i < bl->n; i++) {
		const char *name = fr_node_str(fr_node_get(bl->items[i], "name"));
		struct fr_buf pol = FR_BUF_INIT;
		struct fr_err err = { 0 };

		if (!name)
			continue;
		fr_minio_bucket_policy(name, &pol);
		if (fr_minio_policy_put(s3, name, pol.buf, &err) < 0)
			r = fb_fail(fb, "minio: policy %s: %s", name, err.msg);
		else
			fb_log(fb, "minio: policy %s: every S3 action on bucket %s", name, name);
		fr_buf_release(&pol);
	}
	for (i = 0; r == 0 && fr_node_is_seq(ul) && i < ul->n; i++) {
		const struct fr_node *u = ul->items[i];
		const char *ak = fr_node_str(fr_node_get(u, "access_key"));
		const char *sk = fr_node_str(fr_node_get(u, "secret_key"));
		const char *pol = fr_node_str(fr_node_get(u, "policy"));
		struct fr_err err = { 0 };
		int made = 0;

		if (!ak || !sk) {
			r = fb_fail(fb, "minio: minio_users[%zu] needs an access_key and a secret_key", i);
			break;
		}
		if (fr_minio_user_put(s3, ak, sk, pol && *pol ? pol : NULL, &made, &err) < 0) {
			r = fb_fail(fb, "minio: user %s: %s", ak, err.msg);
			break;
		}
		if (made)
			fb->changes++;
		fb_log(fb, "minio: user %s %s%s%s", ak, made ? "made" : "exists, its secret key set", pol ? ", policy " : "",
		       pol ? pol : "");
	}
	return r;
}

int fb_minio_provision(struct fb *fb, const char *endpoint, const char *ca, int what)
{
	struct fr_s3 s3;
	char *own = NULL;
	int r;

	if (s3_target(fb, endpoint, ca, &s3, &own) < 0)
		return -1;
	r = (what & FB_MINIO_BUCKETS) ? buckets(fb, &s3) : 0;
	if (r == 0 && (what & FB_MINIO_USERS))
		r = users(fb, &s3);
	free(own);
	return r;
}

/*
 * The buckets of minio_buckets, made by the member with the lowest minio_seq (as Pigsty's
 * provisioning runs on the cluster's first member) once MinIO's cluster health says the
 * cluster takes writes; users and policies are not made yet (mcli, README).
 */
static int provision(struct fb *fb, const struct minio *m)
{
	const struct fr_node *list = fb_var(fb, "minio_buckets");
	long long first = m->seq;
	size_t i;
	int r = 0;

	if (!fb_bool(fb, "minio_provision", 1))
		return 0;
	for (i = 0; fr_node_is_seq(m->members) && i < m->members->n; i++) {
		long long s = first;

		if (fr_node_int(fr_node_get(m->members->items[i], "seq"), &s) && s < first)
			first = s;
	}
	if ((fr_node_is_seq(list) && list->n) || (fr_node_is_seq(fb_var(fb, "minio_users")) && fb_var(fb, "minio_users")->n)) {
		if (first != m->seq)
			fb_log(fb, "minio: buckets, policies and users are made by the member with minio_seq %lld", first);
		else if (!m->https)
			fb_log(fb, "minio: minio_https is false: farrow provisions only over TLS; make the buckets and "
				   "users with mcli");
		else {
			struct health_arg h = { 0 };
			char *ep = own_endpoint(m);
			struct fr_buf url = FR_BUF_INIT;

			fr_buf_addf(&url, "%s/minio/health/cluster", ep);
			h.url = url.buf;
			h.ca = MINIO_CA;
			r = fb_wait(fb, "MinIO's cluster takes writes (/minio/health/cluster)", 600, cluster_ready, &h);
			if (r < 0 && *h.why)
				fb_fail(fb, "minio: %s", h.why);
			if (r == 0)
				r = fb_minio_provision(fb, ep, MINIO_CA, FB_MINIO_BUCKETS | FB_MINIO_USERS);
			fr_buf_release(&url);
			free(ep);
		}
	}
	return r;
}

/* GET of one of MinIO's unauthenticated health endpoints on this member: the HTTP code, or 0 */
static int probe(const struct minio *m, const char *path)
{
	struct fr_buf url = FR_BUF_INIT, body = FR_BUF_INIT;
	int status = 0;

	if (!m->https)
		return fb_http_status(m->node, (int)m->port, path, 5000);
	fr_buf_addf(&url, "https://%s:%lld%s", m->node, m->port, path);
	{
		struct fr_https_req rq = { .method = "GET", .url = url.buf, .ca_file = MINIO_CA, .max = 65536, .timeout_s = 5 };

		if (fr_https_do(&rq, &status, &body, NULL) < 0)
			status = 0;
	}
	fr_buf_release(&url);
	fr_buf_release(&body);
	return status;
}

void fb_minio_health(struct fb *fb, struct fr_buf *json)
{
	struct minio m;
	int saved_fd = fb->log_fd, live, quorum;
	const char *argv[] = { "systemctl", "is-active", "minio", NULL };
	struct fr_buf out = FR_BUF_INIT;

	if (fb_ident(fb, "minio_instance") == NULL)
		return;
	fb->log_fd = -1;
	if (minio_init(fb, &m) == 0) {
		fb_run(fb, argv, NULL, &out);
		live = probe(&m, "/minio/health/live");
		quorum = live == 200 ? probe(&m, "/minio/health/cluster") : 0;
		fr_buf_adds(json, ",\"minio\":{\"cluster\":");
		fr_buf_add_json_str(json, m.cluster);
		fr_buf_addf(json, ",\"seq\":%lld,\"instance\":", m.seq);
		fr_buf_add_json_str(json, m.instance);
		fr_buf_adds(json, ",\"endpoint\":");
		{
			char *ep = fr_xasprintf("%s://%s:%lld", m.https ? "https" : "http", m.node, m.port);

			fr_buf_add_json_str(json, ep);
			free(ep);
		}
		fr_buf_adds(json, ",\"unit\":");
		if (out.buf)
			out.buf[strcspn(out.buf, "\n")] = '\0';
		fr_buf_add_json_str(json, out.buf && *out.buf ? out.buf : "unknown");
		/* /minio/health/cluster: 200 with write quorum, 503 without */
		fr_buf_addf(json, ",\"live\":%s,\"write_quorum\":%s}", live == 200 ? "true" : "false",
			    quorum == 200 ? "true" : quorum ? "false" : "null");
	}
	fr_buf_release(&out);
	minio_release(&m);
	fb->log_fd = saved_fd;
}

int fb_mod_minio(struct fb *fb)
{
	struct minio m;
	struct fr_buf b = FR_BUF_INIT;
	char owner[96], *paths[64];
	int r = -1, changed = 0, c, np, i, bad = 0;

	if (minio_init(fb, &m) < 0)
		goto out;
	if (access(MINIO_BIN, X_OK) != 0) {
		fb_fail(fb, "MinIO is not installed (no " MINIO_BIN "): the bundle must carry MinIO's own package "
			    "(a manifest's files: entry with its URL and SHA-256); MinIO is not in Debian");
		goto out;
	}
	if (getpwnam(m.user) == NULL) {
		const char *argv[] = { "useradd", "--system", "--user-group", "--home-dir", "/var/lib/minio",
				       "--shell", "/usr/sbin/nologin", m.user, NULL };

		if (fb_run(fb, argv, NULL, NULL) != 0) {
			fb_fail(fb, "useradd %s failed", m.user);
			goto out;
		}
		fb->changes++;
	}
	snprintf(owner, sizeof(owner), "%s:%s", m.user, m.user);
	if (fb_dir(fb, "/var/lib/minio", 0750, owner) < 0)
		goto out;
	/* the drives this member serves: minio_data with its {a...b} expanded */
	if ((np = fr_minio_data_paths(m.data, paths, 64)) < 0) {
		fb_fail(fb, "minio_data '%s' is not a MinIO volume path", m.data);
		goto out;
	}
	for (i = 0; i < np; i++) {
		if (!bad && fb_dir(fb, paths[i], 0750, owner) < 0)
			bad = 1;
		free(paths[i]);
	}
	if (bad)
		goto out;
	if (fb_dir(fb, "/etc/minio", 0755, NULL) < 0 || fb_dir(fb, MINIO_CERTS, 0700, owner) < 0 ||
	    fb_dir(fb, MINIO_CERTS "/CAs", 0700, owner) < 0)
		goto out;
	{
		static const struct { const char *file, *field; mode_t mode; } pem[] = {
			{ MINIO_CERTS "/public.crt", "crt", 0644 },
			{ MINIO_CERTS "/private.key", "key", 0600 },
			{ MINIO_CERTS "/CAs/ca.crt", "ca_crt", 0644 },
		};
		size_t k;

		for (k = 0; k < sizeof(pem) / sizeof(pem[0]); k++) {
			const char *v = fb->pki ? fr_node_str(fr_node_get(fb->pki, pem[k].field)) : NULL;

			if (v == NULL) {
				fb_fail(fb, "the profile's pki.%s is missing; run farrow profile (or install) again", pem[k].field);
				goto out;
			}
			if ((c = fb_file(fb, pem[k].file, v, strlen(v), pem[k].mode, owner)) < 0)
				goto out;
			changed |= c;
		}
	}
	hosts_lines(fb, &m, &b);
	if ((c = etc_hosts(fb, b.buf ? b.buf : "")) < 0)
		goto out;
	fr_buf_reset(&b);
	env_file(fb, &m, &b);
	{
		char grp[96];

		snprintf(grp, sizeof(grp), "root:%s", m.user);
		c = fb_file(fb, MINIO_ENV, b.buf, b.len, 0640, grp);
	}
	fr_buf_wipe(&b);
	if (c < 0)
		goto out;
	changed |= c;
	unit_file(&m, &b);
	if ((c = fb_file(fb, MINIO_UNIT, b.buf, b.len, 0644, NULL)) < 0)
		goto out;
	fr_buf_reset(&b);
	if (c) {
		const char *v[] = { "systemctl", "daemon-reload", NULL };

		fb_run(fb, v, NULL, NULL);
	}
	changed |= c;
	if (fb_systemctl(fb, "enable", "minio") < 0 || fb_systemctl(fb, changed ? "restart" : "start", "minio") < 0)
		goto out;
	if (fb_wait(fb, "MinIO listens", 120, port_up, &m.port) < 0)
		goto out;
	fb_log(fb, "minio: %s serves %s on :%lld (console :%lld)", m.instance, m.volumes, m.port, m.admin_port);
	if (provision(fb, &m) < 0)
		goto out;
	r = 0;
out:
	fr_buf_wipe(&b);
	minio_release(&m);
	return r;
}
