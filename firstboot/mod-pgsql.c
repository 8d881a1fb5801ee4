/* mod-pgsql.c -- the pgsql module: a Patroni-managed PostgreSQL with pgbouncer, haproxy and pgbackrest. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "fileio.h"
#include "pgsql.h"
#include "xalloc.h"

/* The instance's layout: <pg_fs_main>/<cluster>-<version> with /pg pointing at it, as Pigsty. */
static int layout(struct fb *fb, struct pg *pg)
{
	char *home = fr_xasprintf("%s/%s-%lld", fb_str(fb, "pg_fs_main", "/data/postgres"), pg->cluster, pg->version);
	static const char *const sub[] = { "data", "log", "log/postgres", "log/patroni", "log/pgbackrest", "cert", "tmp",
					   "bin", "conf", NULL };
	struct stat st;
	char owner[96];
	size_t i;
	int r = 0;

	snprintf(owner, sizeof(owner), "%s:%s", pg->dbsu, pg->dbsu);
	if (fb_dir(fb, home, 0700, owner) < 0)
		r = -1;
	else if (lstat("/pg", &st) < 0) {
		if (symlink(home, "/pg") < 0)
			r = fb_fail(fb, "cannot link /pg -> %s: %s", home, strerror(errno));
		else
			fb_log(fb, "/pg -> %s", home);
		fb->changes++;
	} else if (!S_ISLNK(st.st_mode) && !S_ISDIR(st.st_mode))
		r = fb_fail(fb, "/pg exists and is neither a link nor a directory: not touching it");
	for (i = 0; r == 0 && sub[i]; i++) {
		char *p = fr_xasprintf("/pg/%s", sub[i]);

		if (fb_dir(fb, p, 0700, owner) < 0)
			r = -1;
		free(p);
	}
	/* a posix repository is a directory here; an s3 one's path is a prefix in its bucket */
	if (r == 0 && strcmp(pg->repo_type, "posix") == 0 && fb_dir(fb, pg->backup_path, 0700, owner) < 0)
		r = -1;
	free(home);
	return r;
}

static int certs(struct fb *fb, const struct pg *pg)
{
	char owner[96];

	snprintf(owner, sizeof(owner), "%s:%s", pg->dbsu, pg->dbsu);
	return fb_pki_copy(fb, "/pg/cert", owner) < 0 ? -1 : 0;
}

/* Another member of the cluster leads (its Patroni REST API answers /primary with 200). */
static int leader_exists(struct fb *fb, void *arg)
{
	const struct pg *pg = arg;
	size_t i;

	for (i = 0; fr_node_is_seq(pg->members) && i < pg->members->n; i++) {
		const char *ip = fr_node_str(fr_node_get(pg->members->items[i], "ip"));

		if (ip && (fb->host == NULL || strcmp(ip, fb->host) != 0) &&
		    fb_http_status(ip, (int)pg->patroni_port, "/primary", 1000) == 200)
			return 1;
	}
	return 0;
}

#define VIP_UNIT "/etc/systemd/system/farrow-vip.service"
/* how long the pgsql module waits for a majority of etcd (the etcd nodes' own boot and packages) */
#define PG_DCS_WAIT 300

/* This member leads its cluster now. */
static int leads(const struct pg *pg)
{
	return fb_http_status("127.0.0.1", (int)pg->patroni_port, "/primary", 1000) == 200;
}

/*
 * Patroni's REST API says this member leads, or runs while another member leads: which of the two
 * is Patroni's to decide (after a failover the inventory's primary comes back as a replica, and a
 * delayed member, noloadbalance, answers /replica with 503, so /health it is).
 */
static int member_ready(struct fb *fb, void *arg)
{
	const struct pg *pg = arg;

	return leads(pg) ||
	       (fb_http_status("127.0.0.1", (int)pg->patroni_port, "/health", 1000) == 200 && leader_exists(fb, arg));
}

/* A majority of the DCS's members (peers.etcd_cluster) answer on their client port. */
static int dcs_quorum(struct fb *fb, void *arg)
{
	const struct fr_node *etcd = fr_node_get(fb->peers, "etcd_cluster");
	size_t i, up = 0, n = fr_node_is_seq(etcd) ? etcd->n : 0;

	(void)arg;
	for (i = 0; i < n; i++) {
		const char *ip = fr_node_str(fr_node_get(etcd->items[i], "ip"));

		up += ip && fb_port_open(ip, (int)fb_int(fb, "etcd_port", 2379));
	}
	return n == 0 || up * 2 > n;
}

/*
 * Before Patroni is validated (patroni 4's --validate-config connects to every etcd host) or
 * started: a majority of etcd answers, bounded; on timeout the members that did not, named.
 */
static int wait_dcs(struct fb *fb)
{
	const struct fr_node *etcd = fr_node_get(fb->peers, "etcd_cluster");
	struct fr_buf down = FR_BUF_INIT;
	size_t i;

	if (dcs_quorum(fb, NULL))
		return 0;
	fb_log(fb, "waiting for a majority of etcd to answer before patroni is checked and started");
	if (fb_wait(fb, "a majority of etcd", PG_DCS_WAIT, dcs_quorum, NULL) == 0)
		return 0;
	for (i = 0; fr_node_is_seq(etcd) && i < etcd->n; i++) {
		const char *ip = fr_node_str(fr_node_get(etcd->items[i], "ip"));
		const char *nm = fr_node_str(fr_node_get(etcd->items[i], "name"));

		if (ip && !fb_port_open(ip, (int)fb_int(fb, "etcd_port", 2379)))
			fr_buf_addf(&down, "%s%s (%s:%lld)", down.len ? ", " : "", nm ? nm : "?", ip,
				    fb_int(fb, "etcd_port", 2379));
	}
	fb_fail(fb, "etcd has no majority reachable from here after %d s; not answering: %s", PG_DCS_WAIT,
		down.len ? down.buf : "(they answer now)");
	fr_buf_release(&down);
	return -1;
}

static int port_ready(struct fb *fb, void *arg)
{
	(void)fb;
	return fb_port_open("127.0.0.1", *(int *)arg);
}

/*
 * An existing PGDATA is kept. pg_clean: true (the profile carries true only
 * when the inventory set it in so many words: lib/profile.c) moves aside only
 * data this node had before farrow's pgsql module first completed here: never
 * the data farrow itself made.
 */
static int existing_data(struct fb *fb, const struct pg *pg)
{
	char *ver = fr_xasprintf("%s/PG_VERSION", pg->data);
	int has = access(ver, F_OK) == 0, r = 0;

	if (has && fb_bool(fb, "pg_clean", 0) && !fb->done_before) {
		char aside[256];
		time_t now = time(NULL);

		snprintf(aside, sizeof(aside), "%s.farrow-removed-%lld", pg->data, (long long)now);
		if (fb_port_open("127.0.0.1", (int)pg->port))
			r = fb_fail(fb, "pg_clean: true, but a PostgreSQL serves port %lld here: not touching %s", pg->port,
				    pg->data);
		else if (rename(pg->data, aside) < 0)
			r = fb_fail(fb, "pg_clean: cannot move %s aside: %s", pg->data, strerror(errno));
		else
			fb_log(fb, "pg_clean: true: the existing %s was moved to %s", pg->data, aside);
	} else if (has)
		fb_log(fb, "existing PGDATA %s: kept", pg->data);
	free(ver);
	return r;
}

static int backup(struct fb *fb, const struct pg *pg)
{
	const char *create[] = { "pgbackrest", "--stanza", pg->stanza, "stanza-create", NULL };
	const char *check[] = { "pgbackrest", "--stanza", pg->stanza, "check", NULL };
	const char *info[] = { "pgbackrest", "--stanza", pg->stanza, "info", "--output=json", NULL };
	const char *full[] = { "pgbackrest", "--stanza", pg->stanza, "--type=full", "backup", NULL };
	struct fr_buf out = FR_BUF_INIT;
	int r = -1;

	if (fb_run_as(fb, pg->dbsu, create, NULL, NULL) != 0) {
		fb_fail(fb, "pgbackrest stanza-create failed");
		goto out;
	}
	if (fb_run_as(fb, pg->dbsu, check, NULL, NULL) != 0) {
		fb_fail(fb, "pgbackrest check failed (archiving does not reach the repository)");
		goto out;
	}
	if (fb_run_as(fb, pg->dbsu, info, NULL, &out) != 0) {
		fb_fail(fb, "pgbackrest info failed");
		goto out;
	}
	if (strstr(out.buf, "\"type\":\"full\"")) {
		fb_log(fb, "pgbackrest: a full backup exists");
		r = 0;
	} else if (fb_bool(fb, "pgbackrest_init_backup", 1)) {
		fb_log(fb, "pgbackrest: taking the first full backup");
		fb->changes++;
		if (fb_run_as(fb, pg->dbsu, full, NULL, NULL) != 0)
			fb_fail(fb, "pgbackrest backup failed");
		else
			r = 0;
	} else
		r = 0;
out:
	fr_buf_release(&out);
	return r;
}

int pg_init(struct fb *fb, struct pg *pg)
{
	const struct fr_node *repo;

	memset(pg, 0, sizeof(*pg));
	pg->instance = fb_ident(fb, "pg_instance");
	pg->cluster = fb_str(fb, "pg_cluster", NULL);
	pg->role = fb_ident(fb, "pg_role") ? fb_ident(fb, "pg_role") : "replica";
	pg->version = fb_int(fb, "pg_version", 15);
	pg->dbsu = fb_str(fb, "pg_dbsu", "postgres");
	pg->data = fb_str(fb, "pg_data", "/pg/data");
	pg->repl = fb_str(fb, "pg_replication_username", "replicator");
	pg->admin = fb_str(fb, "pg_admin_username", "dbuser_dba");
	pg->monitor = fb_str(fb, "pg_monitor_username", "dbuser_monitor");
	pg->port = fb_int(fb, "pg_port", 5432);
	pg->bouncer_port = fb_int(fb, "pgbouncer_port", 6432);
	pg->patroni_port = fb_int(fb, "patroni_port", 8008);
	pg->max_conn = fb_int(fb, "pg_max_conn", 0);
	if (pg->max_conn <= 0) {
		const char *conf = fb_str(fb, "pg_conf", "oltp.yml");

		pg->max_conn = strncmp(conf, "tiny", 4) == 0 ? 250 : strncmp(conf, "olap", 4) == 0 ? 200 : 500;
	}
	pg->members = fr_node_get(fb->peers, "pg_cluster");
	repo = fr_node_get(fb_var(fb, "pgbackrest_repo"), fb_str(fb, "pgbackrest_method", "local"));
	pg->backup_path = fr_node_str(fr_node_get(repo, "path")) ? fr_node_str(fr_node_get(repo, "path")) : "/pg/backup";
	pg->repo_type = fr_node_str(fr_node_get(repo, "type")) ? fr_node_str(fr_node_get(repo, "type")) : "posix";
	if (pg->instance == NULL || pg->cluster == NULL)
		return fb_fail(fb, "this node has no PostgreSQL identity");
	snprintf(pg->stanza, sizeof(pg->stanza), "%s", pg->cluster);
	snprintf(pg->bin_dir, sizeof(pg->bin_dir), "/usr/lib/postgresql/%lld/bin", pg->version);
	return 0;
}

int fb_mod_pgsql(struct fb *fb)
{
	struct pg pg;
	struct fr_buf b = FR_BUF_INIT, users = FR_BUF_INIT;
	char owner[96];
	int r = -1, changed, port;

	if (pg_init(fb, &pg) < 0)
		return -1;
	if (access(pg.bin_dir, X_OK) != 0)
		return fb_fail(fb, "PostgreSQL %lld is not installed (no %s)", pg.version, pg.bin_dir);
	snprintf(owner, sizeof(owner), "%s:%s", pg.dbsu, pg.dbsu);
	fb_log(fb, "%s: %s of %s, PostgreSQL %lld, pg_rto %s, pg_rpo %lld", pg.instance, pg.role, pg.cluster, pg.version,
	       fb_str(fb, "pg_rto", "norm"), fb_int(fb, "pg_rpo", 1048576));
	if (existing_data(fb, &pg) < 0 || layout(fb, &pg) < 0 || certs(fb, &pg) < 0)
		goto out;

	/* patroni: rendered, validated by patroni itself, then (re)started or reloaded */
	if (wait_dcs(fb) < 0)
		goto out;
	pg_patroni_yml(fb, &pg, &b);
	if (fb_dir(fb, "/etc/patroni", 0750, owner) < 0 ||
	    fb_scratch_file(fb, "/etc/patroni/config.yml.check", b.buf, b.len, 0600, owner) < 0)
		goto out;
	{
		const char *v[] = { "patroni", "--validate-config", "/etc/patroni/config.yml.check", NULL };

		struct fr_buf vo = FR_BUF_INIT;
		int bad = 0, tries;

		/*
		 * A running patroni holds its own ports: "already in use" is no fault of the file.
		 * patroni 4 also connects to etcd: while every complaint is about etcd (its RBAC or the
		 * cluster's user not made yet by the first member), it is tried again, bounded.
		 */
		for (tries = 0; tries < 24; tries++) {
			int etcd_only = 1;

			bad = 0;
			fr_buf_reset(&vo);
			if (fb_run_as(fb, pg.dbsu, v, NULL, &vo) != 0) {
				char *line, *save = NULL;

				for (line = strtok_r(vo.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
					if (strstr(line, "already in use") == NULL && strstr(line, "pam_unix") == NULL) {
						bad = 1;
						if (strcasestr(line, "etcd") == NULL)
							etcd_only = 0;
					}
				if (!bad && fb_http_status("127.0.0.1", (int)pg.patroni_port, "/health", 1000) <= 0)
					bad = 1, etcd_only = 0;
			}
			if (!bad || !etcd_only)
				break;
			fb_log(fb, "patroni --validate-config: etcd is not ready for it yet; again in 5 s");
			sleep(5);
		}
		fr_buf_release(&vo);
		if (bad) {
			fb_fail(fb, "patroni --validate-config refuses the rendered configuration (see this module's log)");
			goto out;
		}
		unlink("/etc/patroni/config.yml.check");
	}
	if ((changed = fb_file(fb, "/etc/patroni/config.yml", b.buf, b.len, 0600, owner)) < 0)
		goto out;
	fr_wipe(b.buf, b.len);
	fr_buf_reset(&b);
	if (fb_systemctl(fb, "enable", "patroni") < 0)
		goto out;
	/*
	 * Order from the data, not from timing: a member that is not the inventory's primary does
	 * not start a Patroni that could initialise the cluster before the primary does; it waits,
	 * bounded, until some member leads (after a failover that may be any of them).
	 */
	if (strcmp(pg.role, "primary") != 0 && fb_http_status("127.0.0.1", (int)pg.patroni_port, "/health", 1000) <= 0 &&
	    !leader_exists(fb, &pg)) {
		char what[256] = "a leader of the cluster";
		size_t i;

		for (i = 0; fr_node_is_seq(pg.members) && i < pg.members->n; i++) {
			const char *mr = fr_node_str(fr_node_get(pg.members->items[i], "role"));

			if (mr && strcmp(mr, "primary") == 0)
				snprintf(what, sizeof(what), "a leader of %s (its primary %s at %s)", pg.cluster,
					 fr_node_str(fr_node_get(pg.members->items[i], "name")) ?: "?",
					 fr_node_str(fr_node_get(pg.members->items[i], "ip")) ?: "?");
		}
		fb_log(fb, "waiting for %s before patroni starts here", what);
		if (fb_wait(fb, what, 600, leader_exists, &pg) < 0)
			goto out;
	}
	if (changed && fb_http_status("127.0.0.1", (int)pg.patroni_port, "/health", 1000) > 0) {
		if (fb_systemctl(fb, "reload", "patroni") < 0)
			goto out;
	} else if (fb_systemctl(fb, "start", "patroni") < 0)
		goto out;
	if (fb_wait(fb, strcmp(pg.role, "primary") == 0 ? "patroni: this member leads" : "patroni: this member replicates",
		    600, member_ready, &pg) < 0)
		goto out;
	fb_log(fb, "patroni: %s runs, %s (pg_role %s)", pg.instance, leads(&pg) ? "leading" : "replicating", pg.role);

	/* roles, users, databases; pgbouncer's users */
	if (pg_sql_converge(fb, &pg, &users) < 0)
		goto out;

	/* pgbackrest: a stanza on the repository and a first full backup, from whichever member leads now */
	pg_pgbackrest_conf(fb, &pg, &b);
	if (fb_dir(fb, "/etc/pgbackrest", 0755, NULL) < 0 ||
	    fb_file(fb, "/etc/pgbackrest/pgbackrest.conf", b.buf, b.len, 0640, owner) < 0)
		goto out;
	fr_buf_reset(&b);
	if (fb_bool(fb, "pgbackrest_enabled", 1) && leads(&pg) && backup(fb, &pg) < 0)
		goto out;
	/* pg_crontab: the scheduled backups (and whatever else it names), on every member */
	if (pg_crontab(fb, &pg) < 0)
		goto out;

	/* pgbouncer */
	pg_pgbouncer_ini(fb, &pg, &b);
	changed = fb_file(fb, "/etc/pgbouncer/pgbouncer.ini", b.buf, b.len, 0640, owner);
	fr_buf_reset(&b);
	if (changed < 0)
		goto out;
	{
		int c2 = fb_file(fb, "/etc/pgbouncer/userlist.txt", users.buf, users.len, 0600, owner);

		if (c2 < 0)
			goto out;
		changed |= c2;
	}
	if (fb_systemctl(fb, "enable", "pgbouncer") < 0 ||
	    fb_systemctl(fb, changed ? "restart" : "start", "pgbouncer") < 0)
		goto out;
	port = (int)pg.bouncer_port;
	if (fb_wait(fb, "pgbouncer listens", 30, port_ready, &port) < 0)
		goto out;

	/* haproxy: the services, checked by haproxy before they replace the running ones */
	pg_haproxy_cfg(fb, &pg, &b);
	if (fb_scratch_file(fb, "/etc/haproxy/haproxy.cfg.check", b.buf, b.len, 0644, NULL) < 0)
		goto out;
	{
		const char *v[] = { "haproxy", "-c", "-q", "-f", "/etc/haproxy/haproxy.cfg.check", NULL };

		if (fb_run(fb, v, NULL, NULL) != 0) {
			fb_fail(fb, "haproxy -c refuses the rendered configuration (see this module's log)");
			goto out;
		}
		unlink("/etc/haproxy/haproxy.cfg.check");
	}
	{
		/* haproxy needs two descriptors a connection; systemd's default limit is far below */
		char dropin[96];
		int d;

		snprintf(dropin, sizeof(dropin), "# farrow: pgsql module\n[Service]\nLimitNOFILE=%ld\n", pg_haproxy_nofile());
		if (fb_dir(fb, "/etc/systemd/system/haproxy.service.d", 0755, NULL) < 0 ||
		    (d = fb_file(fb, "/etc/systemd/system/haproxy.service.d/farrow.conf", dropin, strlen(dropin), 0644,
				 NULL)) < 0)
			goto out;
		if (d == 1) {
			const char *v[] = { "systemctl", "daemon-reload", NULL };

			fb_run(fb, v, NULL, NULL);
		}
	}
	if ((changed = fb_file(fb, "/etc/haproxy/haproxy.cfg", b.buf, b.len, 0644, NULL)) < 0 ||
	    fb_systemctl(fb, "enable", "haproxy") < 0 ||
	    fb_systemctl(fb, changed ? "restart" : "start", "haproxy") < 0)
		goto out;
	port = 5433;
	{
		const struct fr_node *svc = fb_var(fb, "pg_default_services");
		long long p0;

		if (fr_node_is_seq(svc) && svc->n && fr_node_int(fr_node_get(svc->items[0], "port"), &p0))
			port = (int)p0;
	}
	if (fb_wait(fb, "haproxy listens", 30, port_ready, &port) < 0)
		goto out;
	/* the VIP keeper: the cluster's VIP on this member while it leads */
	if (fb_bool(fb, "pg_vip_enabled", 0)) {
		fr_buf_reset(&b);
		pg_vip_unit(fb, &pg, &b);
		changed = fb_file(fb, VIP_UNIT, b.buf, b.len, 0644, NULL);
		fr_buf_reset(&b);
		if (changed == 1) {
			const char *v[] = { "systemctl", "daemon-reload", NULL };

			fb_run(fb, v, NULL, NULL);
		}
		if (changed < 0 || fb_systemctl(fb, "enable", "farrow-vip") < 0 ||
		    fb_systemctl(fb, changed ? "restart" : "start", "farrow-vip") < 0)
			goto out;
		fb_log(fb, "farrow-vip: %s on this member while it leads %s", fb_str(fb, "pg_vip_address", ""), pg.cluster);
	} else if (access(VIP_UNIT, F_OK) == 0) {
		/* no VIP any more: the keeper stops (removing the address) and goes */
		const char *v[] = { "systemctl", "disable", "--now", "farrow-vip", NULL };
		const char *reload[] = { "systemctl", "daemon-reload", NULL };

		fb_run(fb, v, NULL, NULL);
		if (unlink(VIP_UNIT) < 0)
			goto out;
		fb_run(fb, reload, NULL, NULL);
		fb_log(fb, "farrow-vip: pg_vip_enabled is off: the keeper is stopped and removed");
		fb->changes++;
	}
	fb_log(fb, "%s: serving: postgres %lld, pgbouncer %lld, services from %d, patroni %lld", pg.instance, pg.port,
	       pg.bouncer_port, port, pg.patroni_port);
	r = 0;
out:
	if (b.len)
		fr_wipe(b.buf, b.len);
	if (users.len)
		fr_wipe(users.buf, users.len);
	fr_buf_release(&b);
	fr_buf_release(&users);
	return r;
}

/* ---- health: what `farrow status` reads of this member (nothing is changed) */

/* haproxy's stats socket (pg_haproxy_cfg puts it there): "show stat" as CSV into out. */
static int haproxy_stat(struct fr_buf *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char chunk[4096];
	ssize_t n;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), r = -1;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", PG_HAPROXY_STATS);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && write(fd, "show stat\n", 10) == 10) {
		while (out->len < (4u << 20) && (n = read(fd, chunk, sizeof(chunk))) > 0)
			fr_buf_addn(out, chunk, (size_t)n);
		r = 0;
	}
	close(fd);
	return r;
}

/* The n-th comma-separated field of line (no quoting in haproxy's CSV of names and states). */
static void csv_field(const char *line, int n, char *out, size_t len)
{
	size_t l;

	while (n-- > 0 && line)
		if ((line = strchr(line, ',')) != NULL)
			line++;
	l = line ? strcspn(line, ",\n") : 0;
	snprintf(out, len, "%.*s", (int)l, line ? line : "");
}

/* ,"services":[{name, up: [servers haproxy has UP], backup_up: [...]}] for this cluster's listeners. */
static void services_health(const struct pg *pg, struct fr_buf *json)
{
	struct fr_buf csv = FR_BUF_INIT;
	char *line, *save = NULL, last[128] = "";
	int col_status = -1, col_bck = -1, open = 0;
	size_t plen = strlen(pg->cluster);

	if (haproxy_stat(&csv) < 0 || csv.len == 0) {
		fr_buf_release(&csv);
		return;
	}
	fr_buf_adds(json, ",\"services\":[");
	for (line = strtok_r(csv.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char px[128], sv[128], st[32], bck[8];

		if (line[0] == '#') {
			char name[32];
			int i;

			for (i = 0; i < 100; i++) {
				csv_field(line + 2, i, name, sizeof(name));
				if (strcmp(name, "status") == 0)
					col_status = i;
				else if (strcmp(name, "bck") == 0)
					col_bck = i;
			}
			continue;
		}
		if (col_status < 0 || col_bck < 0)
			break;
		csv_field(line, 0, px, sizeof(px));
		csv_field(line, 1, sv, sizeof(sv));
		csv_field(line, col_status, st, sizeof(st));
		csv_field(line, col_bck, bck, sizeof(bck));
		if (strncmp(px, pg->cluster, plen) != 0 || px[plen] != '-' || strcmp(sv, "FRONTEND") == 0 ||
		    strcmp(sv, "BACKEND") == 0)
			continue;
		if (strcmp(px, last) != 0) {
			fr_buf_adds(json, open ? "]}," : "");
			fr_buf_adds(json, "{\"name\":");
			fr_buf_add_json_str(json, px + plen + 1);
			fr_buf_adds(json, ",\"servers\":[");
			snprintf(last, sizeof(last), "%s", px);
			open = 1;
		} else
			fr_buf_addc(json, ',');
		fr_buf_adds(json, "{\"name\":");
		fr_buf_add_json_str(json, sv);
		fr_buf_adds(json, ",\"status\":");
		fr_buf_add_json_str(json, st);
		fr_buf_addf(json, ",\"backup\":%s}", strcmp(bck, "1") == 0 ? "true" : "false");
	}
	fr_buf_adds(json, open ? "]}]" : "]");
	fr_buf_release(&csv);
}

/* The leader's view: pg_stat_replication as JSON rows, and pgBackRest's last backup. */
static void leader_health(struct fb *fb, const struct pg *pg, struct fr_buf *json)
{
	char psql[160], port[24], stanza[160];
	const char *q = "SELECT coalesce(json_agg(json_build_object('name', application_name, 'state', state, "
			"'sync_state', sync_state, 'lag', coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), "
			"0)::bigint)), '[]') FROM pg_stat_replication";
	struct fr_buf out = FR_BUF_INIT;
	struct fr_node *n = NULL;

	snprintf(psql, sizeof(psql), "%s/psql", pg->bin_dir);
	snprintf(port, sizeof(port), "%lld", pg->port);
	{
		const char *argv[] = { psql, "-X", "-A", "-t", "-q", "-h", "/var/run/postgresql", "-p", port,
				       "-d", "postgres", "-c", q, NULL };

		if (fb_run_as(fb, pg->dbsu, argv, NULL, &out) == 0 && (n = fr_yaml_parse(out.buf, out.len, NULL)) &&
		    fr_node_is_seq(n)) {
			fr_buf_adds(json, ",\"replication\":");
			fr_node_to_json(n, json, NULL);
		}
	}
	fr_node_free(n);
	n = NULL;
	fr_buf_reset(&out);
	snprintf(stanza, sizeof(stanza), "--stanza=%s", pg->stanza);
	{
		const char *argv[] = { "pgbackrest", stanza, "info", "--output=json", NULL };
		const struct fr_node *list;

		if (fb_bool(fb, "pgbackrest_enabled", 1) && fb_run_as(fb, pg->dbsu, argv, NULL, &out) == 0 &&
		    (n = fr_yaml_parse(out.buf, out.len, NULL)) && fr_node_is_seq(n) && n->n &&
		    fr_node_is_seq(list = fr_node_get(n->items[0], "backup")) && list->n) {
			const struct fr_node *b = list->items[list->n - 1];
			const char *type = fr_node_str(fr_node_get(b, "type")), *label = fr_node_str(fr_node_get(b, "label"));
			long long stop = 0;

			fr_node_int(fr_node_get(fr_node_get(b, "timestamp"), "stop"), &stop);
			fr_buf_adds(json, ",\"backup\":{\"type\":");
			fr_buf_add_json_str(json, type ? type : "?");
			fr_buf_adds(json, ",\"label\":");
			fr_buf_add_json_str(json, label ? label : "?");
			fr_buf_addf(json, ",\"stop\":%lld,\"count\":%zu}", stop, list->n);
		}
	}
	fr_node_free(n);
	fr_buf_release(&out);
}

/*
 * ,"pgsql":{cluster, instance, leads, patroni: [Patroni's /cluster members as it reports them],
 * replication (leader only), backup (leader only), services, error}.
 */
void fb_pgsql_health(struct fb *fb, struct fr_buf *json)
{
	struct pg pg;
	struct fr_buf body = FR_BUF_INIT;
	struct fr_node *cl = NULL;
	int code;

	if (fb_ident(fb, "pg_instance") == NULL || pg_init(fb, &pg) < 0)
		return;
	fr_buf_adds(json, ",\"pgsql\":{\"cluster\":");
	fr_buf_add_json_str(json, pg.cluster);
	fr_buf_adds(json, ",\"instance\":");
	fr_buf_add_json_str(json, pg.instance);
	code = fb_http_get("127.0.0.1", (int)pg.patroni_port, "/cluster", 2000, &body);
	if (code != 200 || (cl = fr_yaml_parse(body.buf, body.len, NULL)) == NULL ||
	    !fr_node_is_seq(fr_node_get(cl, "members"))) {
		fr_buf_addf(json, ",\"leads\":false,\"error\":");
		fr_buf_add_json_str(json, code < 0 ? "patroni does not answer on this node" : "patroni's /cluster is not what was expected");
	} else {
		int l = leads(&pg);

		fr_buf_addf(json, ",\"leads\":%s,\"patroni\":", l ? "true" : "false");
		fr_node_to_json(fr_node_get(cl, "members"), json, NULL);
		if (l)
			leader_health(fb, &pg, json);
	}
	services_health(&pg, json);
	fr_buf_addc(json, '}');
	fr_node_free(cl);
	fr_buf_release(&body);
}
