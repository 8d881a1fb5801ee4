/* mod-etcd.c -- the etcd module: a member of the etcd cluster, TLS on both sides, RBAC root. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "fb.h"
#include "fileio.h"
#include "xalloc.h"

#define SSL_DIR "/etc/etcd/ssl"
/* how long a member waits for the first one to set RBAC up (its own boot, packages, etcd start) */
#define ETCD_RBAC_WAIT 300
/* how long a joining member (etcd_init: existing) waits for the other members' quorum */
#define ETCD_JOIN_WAIT 300

struct etcd {
	char endpoint[512]; /* one URL, or several comma-separated (the other members) */
	char *creds; /* ETCDCTL_USER=root:<password>, only ever in an environment */
};

/* etcdctl against the local member; with_creds adds root's credentials to the environment. */
static int etcdctl(struct fb *fb, struct etcd *e, int with_creds, const char *const *args, const char *in,
		   struct fr_buf *out)
{
	const char *argv[16] = { "etcdctl", "--endpoints", e->endpoint, "--cacert", SSL_DIR "/ca.crt",
				 "--dial-timeout", "3s", "--command-timeout", "10s" };
	const char *env[] = { "ETCDCTL_API=3", with_creds ? e->creds : NULL, NULL };
	size_t n = 9, i;

	for (i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return fb_run_env(fb, argv, env, in, out);
}

static int healthy(struct fb *fb, void *arg)
{
	struct etcd *e = arg;
	const char *args[] = { "endpoint", "health", NULL };
	struct fr_buf with = FR_BUF_INIT, without = FR_BUF_INIT;
	int r = 0;

	/* with root's credentials once RBAC is on, without them before */
	if (etcdctl(fb, e, 1, args, NULL, &with) == 0 || etcdctl(fb, e, 0, args, NULL, &without) == 0)
		r = 1;
	else if (strstr(with.buf, "authentication failed") && strstr(without.buf, "user name is empty"))
		/* it answers, and its RBAC root has another password: another cluster's member, or another CA's */
		r = fb_fail(fb, "etcd answers but refuses root with the profile's etcd_root_password: this member "
				"belongs to an etcd set up with other credentials; not touching it");
	fr_buf_release(&with);
	fr_buf_release(&without);
	return r;
}

static int config(struct fb *fb, const char *name)
{
	const struct fr_node *members = fr_node_get(fb->peers, "etcd_cluster");
	struct fr_buf c = FR_BUF_INIT, init = FR_BUF_INIT;
	long long port = fb_int(fb, "etcd_port", 2379), pport = fb_int(fb, "etcd_peer_port", 2380);
	size_t i;
	int r;

	for (i = 0; fr_node_is_seq(members) && i < members->n; i++) {
		const char *ip = fr_node_str(fr_node_get(members->items[i], "ip"));
		const char *n = fr_node_str(fr_node_get(members->items[i], "name"));

		if (ip && n)
			fr_buf_addf(&init, "%s%s=https://%s:%lld", init.len ? "," : "", n, ip, pport);
	}
	if (init.len == 0)
		fr_buf_addf(&init, "%s=https://%s:%lld", name, fb->host, pport);
	fr_buf_addf(&c,
		    "# /etc/default/etcd: written by farrow-firstboot (etcd module); it is replaced on every run.\n"
		    "ETCD_NAME=%s\nETCD_DATA_DIR=%s\n"
		    "ETCD_LISTEN_CLIENT_URLS=https://%s:%lld,https://127.0.0.1:%lld\n"
		    "ETCD_ADVERTISE_CLIENT_URLS=https://%s:%lld\n"
		    "ETCD_LISTEN_PEER_URLS=https://%s:%lld\nETCD_INITIAL_ADVERTISE_PEER_URLS=https://%s:%lld\n"
		    "ETCD_INITIAL_CLUSTER=%s\nETCD_INITIAL_CLUSTER_TOKEN=%s\nETCD_INITIAL_CLUSTER_STATE=%s\n"
		    "ETCD_CERT_FILE=" SSL_DIR "/server.crt\nETCD_KEY_FILE=" SSL_DIR "/server.key\n"
		    "# clients: TLS and RBAC passwords; no client certificates (a trusted CA here would demand them)\n"
		    "ETCD_PEER_CERT_FILE=" SSL_DIR "/server.crt\nETCD_PEER_KEY_FILE=" SSL_DIR "/server.key\n"
		    "ETCD_PEER_TRUSTED_CA_FILE=" SSL_DIR "/ca.crt\nETCD_PEER_CLIENT_CERT_AUTH=true\n"
		    "ETCD_ELECTION_TIMEOUT=%lld\nETCD_HEARTBEAT_INTERVAL=%lld\n"
		    "ETCD_AUTO_COMPACTION_MODE=periodic\nETCD_AUTO_COMPACTION_RETENTION=24h\n"
		    "ETCD_QUOTA_BACKEND_BYTES=17179869184\n",
		    name, fb_str(fb, "etcd_data", "/data/etcd"), fb->host, port, port, fb->host, port, fb->host, pport,
		    fb->host, pport, init.buf, fb_str(fb, "etcd_cluster", "etcd"),
		    /* etcd reads it only to make a new data dir: it must not flip once data exists */
		    strcmp(fb_str(fb, "etcd_init", "new"), "existing") == 0 ? "existing" : "new",
		    fb_int(fb, "etcd_election_timeout", 1000), fb_int(fb, "etcd_heartbeat_interval", 100));
	r = fb_file(fb, "/etc/default/etcd", c.buf, c.len, 0644, NULL);
	fr_buf_release(&c);
	fr_buf_release(&init);
	return r;
}

/*
 * The member that sets RBAC up: the first of the cluster's members in the profile (the lowest
 * etcd_seq); its name and address into first/ip. 1 when that is this node.
 */
static int rbac_leader(struct fb *fb, const char *name, char *first, size_t fn, char *ip, size_t in)
{
	const struct fr_node *members = fr_node_get(fb->peers, "etcd_cluster");
	long long best = -1;
	size_t i;

	snprintf(first, fn, "%s", name);
	snprintf(ip, in, "%s", fb->host ? fb->host : "");
	for (i = 0; fr_node_is_seq(members) && i < members->n; i++) {
		long long seq;
		const char *n = fr_node_str(fr_node_get(members->items[i], "name"));
		const char *a = fr_node_str(fr_node_get(members->items[i], "ip"));

		if (n && a && fr_node_int(fr_node_get(members->items[i], "seq"), &seq) && (best < 0 || seq < best)) {
			best = seq;
			snprintf(first, fn, "%s", n);
			snprintf(ip, in, "%s", a);
		}
	}
	return strcmp(first, name) == 0;
}

/* Root answers with the profile's password: RBAC is on (set up by whichever member). */
static int root_ok(struct fb *fb, void *arg)
{
	struct etcd *e = arg;
	const char *get[] = { "user", "get", "root", NULL };

	return etcdctl(fb, e, 1, get, NULL, NULL) == 0;
}

/* Root with the profile's password, root role, authentication on; converges from any of its states. */
static int rbac(struct fb *fb, struct etcd *e, const char *password)
{
	const char *get[] = { "user", "get", "root", NULL };
	const char *add[] = { "user", "add", "root", "--interactive=false", NULL };
	const char *pw[] = { "user", "passwd", "root", "--interactive=false", NULL };
	const char *grant[] = { "user", "grant-role", "root", "root", NULL };
	const char *on[] = { "auth", "enable", NULL };
	struct fr_buf out = FR_BUF_INIT, in = FR_BUF_INIT;
	int r = -1;

	if (etcdctl(fb, e, 1, get, NULL, NULL) == 0) {
		fb_log(fb, "RBAC: on, root's password is the profile's");
		return 0;
	}
	if (etcdctl(fb, e, 0, get, NULL, &out) != 0 && strstr(out.buf, "not found") == NULL) {
		fr_buf_release(&out);
		return fb_fail(fb, "etcd refuses root with the profile's etcd_root_password (RBAC is on with another "
				   "password?): not changing it");
	}
	fr_buf_addf(&in, "%s\n", password);
	if (strstr(out.buf, "not found")) {
		if (etcdctl(fb, e, 0, add, in.buf, NULL) != 0)
			goto out;
	} else if (etcdctl(fb, e, 0, pw, in.buf, NULL) != 0)
		goto out;
	if (etcdctl(fb, e, 0, grant, NULL, NULL) != 0 || etcdctl(fb, e, 0, on, NULL, NULL) != 0 ||
	    etcdctl(fb, e, 1, get, NULL, NULL) != 0)
		goto out;
	fb_log(fb, "RBAC: root made, authentication on");
	fb->changes++;
	r = 0;
out:
	if (r < 0)
		fb_fail(fb, "cannot set up etcd's RBAC root");
	fr_buf_wipe(&in);
	fr_buf_release(&out);
	return r;
}

/*
 * One etcd user and role per PostgreSQL cluster (the profile's etcd_clients), the role
 * reading and writing its Patroni namespace only: Patroni never logs in as root. Converged
 * when the user reads its prefix with its password and its role names that prefix.
 */
static int clients(struct fb *fb, struct etcd *e)
{
	const struct fr_node *list = fr_node_get(fb->root, "etcd_clients");
	size_t i;
	int r = 0;

	for (i = 0; fr_node_is_seq(list) && i < list->n && r == 0; i++) {
		const char *user = fr_node_str(fr_node_get(list->items[i], "user"));
		const char *prefix = fr_node_str(fr_node_get(list->items[i], "prefix"));
		const char *password = fr_node_str(fr_node_get(list->items[i], "password"));
		const char *probe[] = { "get", prefix, "--prefix", "--keys-only", "--limit=1", NULL };
		const char *role_get[] = { "role", "get", user, NULL }, *role_add[] = { "role", "add", user, NULL };
		const char *grant[] = { "role", "grant-permission", user, "--prefix=true", "readwrite", prefix, NULL };
		const char *user_get[] = { "user", "get", user, NULL };
		const char *user_add[] = { "user", "add", user, "--interactive=false", NULL };
		const char *user_pw[] = { "user", "passwd", user, "--interactive=false", NULL };
		const char *user_role[] = { "user", "grant-role", user, user, NULL };
		struct fr_buf out = FR_BUF_INIT, in = FR_BUF_INIT;
		struct etcd mine;

		if (user == NULL || prefix == NULL || password == NULL || !*password || strcmp(user, "root") == 0)
			return fb_fail(fb, "etcd_clients[%zu]: a user (not root), a prefix and a password are expected", i);
		snprintf(mine.endpoint, sizeof(mine.endpoint), "%s", e->endpoint);
		mine.creds = fr_xasprintf("ETCDCTL_USER=%s:%s", user, password);
		if (etcdctl(fb, &mine, 1, probe, NULL, NULL) == 0 && etcdctl(fb, e, 1, role_get, NULL, &out) == 0 &&
		    strstr(out.buf, prefix)) {
			fb_log(fb, "RBAC: user %s reads and writes %s only", user, prefix);
			goto next;
		}
		fr_buf_reset(&out);
		fr_buf_addf(&in, "%s\n", password);
		if ((etcdctl(fb, e, 1, role_get, NULL, NULL) != 0 && etcdctl(fb, e, 1, role_add, NULL, NULL) != 0) ||
		    etcdctl(fb, e, 1, grant, NULL, NULL) != 0 ||
		    (etcdctl(fb, e, 1, user_get, NULL, NULL) == 0 ? etcdctl(fb, e, 1, user_pw, in.buf, NULL)
								  : etcdctl(fb, e, 1, user_add, in.buf, NULL)) != 0 ||
		    etcdctl(fb, e, 1, user_role, NULL, NULL) != 0 || etcdctl(fb, &mine, 1, probe, NULL, NULL) != 0) {
			r = fb_fail(fb, "cannot give etcd user %s its role on %s", user, prefix);
			goto next;
		}
		fb_log(fb, "RBAC: user %s made, reading and writing %s only", user, prefix);
		fb->changes++;
next:
		fr_buf_wipe(&in);
		fr_buf_release(&out);
		fr_wipe(mine.creds, strlen(mine.creds));
		free(mine.creds);
	}
	return r;
}

/* The other members' client URLs, comma-separated, into e->endpoint; how many. */
static size_t other_members(struct fb *fb, const char *name, struct etcd *e)
{
	const struct fr_node *members = fr_node_get(fb->peers, "etcd_cluster");
	size_t i, n = 0, len = 0;

	e->endpoint[0] = '\0';
	for (i = 0; fr_node_is_seq(members) && i < members->n; i++) {
		const char *ip = fr_node_str(fr_node_get(members->items[i], "ip"));
		const char *nm = fr_node_str(fr_node_get(members->items[i], "name"));
		int w;

		if (!ip || !nm || strcmp(nm, name) == 0)
			continue;
		w = snprintf(e->endpoint + len, sizeof(e->endpoint) - len, "%shttps://%s:%lld", n ? "," : "", ip,
			     fb_int(fb, "etcd_port", 2379));
		if (w < 0 || (size_t)w >= sizeof(e->endpoint) - len)
			break;
		len += (size_t)w;
		n++;
	}
	return n;
}

struct join {
	struct etcd *e;
	struct fr_buf list; /* member list -w json, once it answers */
};

/* The other members answer member list (linearizable: it needs their quorum). */
static int quorum(struct fb *fb, void *arg)
{
	struct join *j = arg;
	const char *args[] = { "member", "list", "-w", "json", NULL };

	fr_buf_reset(&j->list);
	return etcdctl(fb, j->e, 1, args, NULL, &j->list) == 0;
}

/*
 * etcd_init: existing with no data here (a re-imaged or an added member): join the running
 * cluster through the other members. A member entry of this name or peer URL that has
 * started before (this node's old self) is removed first; one added and never started is
 * kept; then this member is added. 0, or -1 (logged, naming the members that did not answer).
 */
static int join(struct fb *fb, const char *name, const char *password)
{
	struct etcd peers = { "", NULL };
	struct join j = { &peers, FR_BUF_INIT };
	struct fr_node *list = NULL;
	const struct fr_node *members;
	char peer_url[128], *what;
	int r = -1, added = 0;
	size_t i, k;

	snprintf(peer_url, sizeof(peer_url), "https://%s:%lld", fb->host, fb_int(fb, "etcd_peer_port", 2380));
	if (other_members(fb, name, &peers) == 0)
		return fb_fail(fb, "etcd_init: existing, but the profile names no other member of %s to join",
			       fb_str(fb, "etcd_cluster", "etcd"));
	peers.creds = fr_xasprintf("ETCDCTL_USER=root:%s", password);
	fb_log(fb, "etcd_init: existing and no data here: joining %s through %s", fb_str(fb, "etcd_cluster", "etcd"),
	       peers.endpoint);
	what = fr_xasprintf("a quorum of the other members (%s)", peers.endpoint);
	if (fb_wait(fb, what, ETCD_JOIN_WAIT, quorum, &j) < 0) {
		/* say which of them could not even be reached */
		const struct fr_node *m = fr_node_get(fb->peers, "etcd_cluster");
		struct fr_buf down = FR_BUF_INIT;

		for (i = 0; fr_node_is_seq(m) && i < m->n; i++) {
			const char *ip = fr_node_str(fr_node_get(m->items[i], "ip"));
			const char *nm = fr_node_str(fr_node_get(m->items[i], "name"));

			if (ip && nm && strcmp(nm, name) != 0 && !fb_port_open(ip, (int)fb_int(fb, "etcd_port", 2379)))
				fr_buf_addf(&down, "%s%s (%s)", down.len ? ", " : "", nm, ip);
		}
		fb_fail(fb, "cannot join %s: no quorum answered within %d s; %s%s", fb_str(fb, "etcd_cluster", "etcd"),
			ETCD_JOIN_WAIT, down.len ? "not reachable: " : "every member's port answers (a quorum lost, or "
			"another root password?)", down.len ? down.buf : "");
		fr_buf_release(&down);
		goto out;
	}
	list = fr_yaml_parse(j.list.buf, j.list.len, NULL);
	members = fr_node_get(list, "members");
	for (i = 0; fr_node_is_seq(members) && i < members->n; i++) {
		const struct fr_node *m = members->items[i], *urls = fr_node_get(m, "peerURLs");
		const char *id = fr_node_str(fr_node_get(m, "ID")), *nm = fr_node_str(fr_node_get(m, "name"));
		int mine = nm && strcmp(nm, name) == 0;
		char hex[32];

		for (k = 0; fr_node_is_seq(urls) && k < urls->n; k++)
			if (fr_node_str(urls->items[k]) && strcmp(fr_node_str(urls->items[k]), peer_url) == 0)
				mine = 1;
		if (!mine || id == NULL)
			continue;
		if (nm == NULL || !*nm) {
			fb_log(fb, "this member was added before and has not started yet: not adding it again");
			added = 1;
			continue;
		}
		/* this node's old self: its data is gone, so its entry is stale */
		snprintf(hex, sizeof(hex), "%llx", strtoull(id, NULL, 10));
		{
			const char *rm[] = { "member", "remove", hex, NULL };

			if (etcdctl(fb, &peers, 1, rm, NULL, NULL) != 0) {
				fb_fail(fb, "cannot remove the stale member entry %s (%s) of this node", nm, hex);
				goto out;
			}
		}
		fb_log(fb, "removed the stale member entry %s (%s, %s): this node's data is gone", nm, hex, peer_url);
		fb->changes++;
	}
	if (!added) {
		char peers_opt[160];
		const char *add[] = { "member", "add", name, peers_opt, NULL };

		snprintf(peers_opt, sizeof(peers_opt), "--peer-urls=%s", peer_url);
		if (etcdctl(fb, &peers, 1, add, NULL, NULL) != 0) {
			fb_fail(fb, "member add %s (%s) refused by the other members (see this module's log)", name, peer_url);
			goto out;
		}
		fb_log(fb, "added %s (%s) to %s", name, peer_url, fb_str(fb, "etcd_cluster", "etcd"));
		fb->changes++;
	}
	r = 0;
out:
	free(what);
	fr_node_free(list);
	fr_buf_release(&j.list);
	fr_wipe(peers.creds, strlen(peers.creds));
	free(peers.creds);
	return r;
}

int fb_mod_etcd(struct fb *fb)
{
	const char *name = fb_ident(fb, "etcd_instance"), *data = fb_str(fb, "etcd_data", "/data/etcd");
	const char *password = fb_str(fb, "etcd_root_password", NULL);
	struct etcd e = { "", NULL };
	char *member = fr_xasprintf("%s/member", data);
	int existing = access(member, F_OK) == 0, changed = 0, r;

	free(member);
	if (name == NULL)
		return fb_fail(fb, "this node has no etcd identity");
	if (password == NULL || !*password)
		return fb_fail(fb, "etcd_root_password is empty");
	snprintf(e.endpoint, sizeof(e.endpoint), "https://127.0.0.1:%lld", fb_int(fb, "etcd_port", 2379));
	e.creds = fr_xasprintf("ETCDCTL_USER=root:%s", password);
	fb_log(fb, "%s: %s data in %s", name, existing ? "existing" : "new", data);
	if (fb_dir(fb, SSL_DIR, 0750, "etcd:etcd") < 0)
		goto fail;
	if ((r = fb_pki_copy(fb, SSL_DIR, "etcd:etcd")) < 0)
		goto fail;
	changed |= r;
	if ((r = config(fb, name)) < 0 || fb_dir(fb, data, 0700, "etcd:etcd") < 0)
		goto fail;
	changed |= r;
	if (!existing && strcmp(fb_str(fb, "etcd_init", "new"), "existing") == 0) {
		/* before etcd starts here: it must find itself in the member list */
		if (fb_systemctl(fb, "stop", "etcd") < 0 || join(fb, name, password) < 0)
			goto fail;
		changed = 1;
	}
	if (fb_systemctl(fb, "enable", "etcd") < 0 ||
	    fb_systemctl(fb, changed ? "restart" : "start", "etcd") < 0 ||
	    fb_wait(fb, "etcd healthy", 60, healthy, &e) < 0)
		goto fail;
	{
		/* RBAC and the clients' users once, by one member; the others wait for it, bounded */
		char first[128], ip[64];

		if (rbac_leader(fb, name, first, sizeof(first), ip, sizeof(ip))) {
			if (rbac(fb, &e, password) < 0 || clients(fb, &e) < 0)
				goto fail;
		} else if (!root_ok(fb, &e)) {
			char *what = fr_xasprintf("RBAC set up by %s (%s)", first, ip);

			fb_log(fb, "waiting for %s to set up RBAC", first);
			r = fb_wait(fb, what, ETCD_RBAC_WAIT, root_ok, &e);
			free(what);
			if (r < 0)
				goto fail;
			fb_log(fb, "RBAC: on (set up by %s)", first);
		} else
			fb_log(fb, "RBAC: on, root's password is the profile's");
	}
	fb_log(fb, "%s: healthy at %s", name, e.endpoint);
	fr_wipe(e.creds, strlen(e.creds));
	free(e.creds);
	return 0;
fail:
	fr_wipe(e.creds, strlen(e.creds));
	free(e.creds);
	return -1;
}

/*
 * This member as `farrow status` sees it: ,"etcd":{name, cluster, healthy, leader (this member
 * leads), leader_name, members: [names], version, error}. Read with root's credentials, changes
 * nothing. The raft IDs are 64-bit: compared as the text etcdctl printed, never as numbers.
 */
void fb_etcd_health(struct fb *fb, struct fr_buf *json)
{
	const char *name = fb_ident(fb, "etcd_instance"), *password = fb_str(fb, "etcd_root_password", "");
	const char *st_args[] = { "endpoint", "status", "-w", "json", NULL };
	const char *ml_args[] = { "member", "list", "-w", "json", NULL };
	struct etcd e = { "", NULL };
	struct fr_buf st = FR_BUF_INIT, ml = FR_BUF_INIT;
	struct fr_node *sn = NULL, *mn = NULL;
	const struct fr_node *status, *members;
	const char *self = NULL, *leader = NULL, *version = NULL, *leader_name = NULL;
	size_t i;

	if (name == NULL)
		return;
	snprintf(e.endpoint, sizeof(e.endpoint), "https://127.0.0.1:%lld", fb_int(fb, "etcd_port", 2379));
	e.creds = fr_xasprintf("ETCDCTL_USER=root:%s", password);
	fr_buf_adds(json, ",\"etcd\":{\"name\":");
	fr_buf_add_json_str(json, name);
	fr_buf_adds(json, ",\"cluster\":");
	fr_buf_add_json_str(json, fb_str(fb, "etcd_cluster", "etcd"));
	if (etcdctl(fb, &e, 1, st_args, NULL, &st) != 0 || (sn = fr_yaml_parse(st.buf, st.len, NULL)) == NULL ||
	    !fr_node_is_seq(sn) || sn->n == 0) {
		fr_buf_adds(json, ",\"healthy\":false,\"error\":");
		fr_buf_add_json_str(json, "etcd does not answer on this node (endpoint status failed)");
		goto out;
	}
	status = fr_node_get(sn->items[0], "Status");
	self = fr_node_str(fr_node_get(fr_node_get(status, "header"), "member_id"));
	leader = fr_node_str(fr_node_get(status, "leader"));
	version = fr_node_str(fr_node_get(status, "version"));
	fr_buf_addf(json, ",\"healthy\":%s,\"leader\":%s", leader && strcmp(leader, "0") != 0 ? "true" : "false",
		    self && leader && strcmp(self, leader) == 0 ? "true" : "false");
	if (version) {
		fr_buf_adds(json, ",\"version\":");
		fr_buf_add_json_str(json, version);
	}
	if (etcdctl(fb, &e, 1, ml_args, NULL, &ml) == 0 && (mn = fr_yaml_parse(ml.buf, ml.len, NULL)) != NULL) {
		members = fr_node_get(mn, "members");
		fr_buf_adds(json, ",\"members\":[");
		for (i = 0; fr_node_is_seq(members) && i < members->n; i++) {
			const char *id = fr_node_str(fr_node_get(members->items[i], "ID"));
			const char *n = fr_node_str(fr_node_get(members->items[i], "name"));

			if (i)
				fr_buf_addc(json, ',');
			fr_buf_add_json_str(json, n && *n ? n : "(unstarted)");
			if (id && leader && strcmp(id, leader) == 0)
				leader_name = n;
		}
		fr_buf_addc(json, ']');
		if (leader_name) {
			fr_buf_adds(json, ",\"leader_name\":");
			fr_buf_add_json_str(json, leader_name);
		}
	}
out:
	fr_buf_addc(json, '}');
	fr_node_free(sn);
	fr_node_free(mn);
	fr_buf_release(&st);
	fr_buf_release(&ml);
	fr_wipe(e.creds, strlen(e.creds));
	free(e.creds);
}
