/* pitr.c -- the node side of `farrow pitr`: a member's backups as data, a leader restored, a replica set aside. */
/* SPDX-License-Identifier: MIT */
/*
 * farrow pitr (installer/cmd-pitr.c) reads `backups --json` from the leader, decides, and then
 * runs, with Patroni paused: `pitr-aside` on each replica (Patroni stopped, PostgreSQL stopped,
 * its data directory renamed aside: Patroni clones it again when started), `pitr-restore` on the
 * leader (PostgreSQL stopped, its data directory renamed aside, pgBackRest's restore of the set
 * into a new one, recovery to the target and promotion with no TCP listener, the recovery
 * targets reset, PostgreSQL stopped again for Patroni to start when it resumes). Nothing is ever
 * deleted: the old directories stay as <pg_data>-pitr-<stamp> until the user removes them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fb.h"
#include "fileio.h"
#include "pgsql.h"
#include "xalloc.h"

/* how long recovery to the target may take before farrow stops waiting (it goes on) */
#define PITR_RECOVERY_WAIT 3600

static int leads(const struct pg *pg)
{
	return fb_http_status("127.0.0.1", (int)pg->patroni_port, "/primary", 1000) == 200;
}

/* psql as the dbsu through the socket: one value of q into out (trimmed). 0 or -1. */
static int sql1(struct fb *fb, const struct pg *pg, const char *q, char *out, size_t n)
{
	char psql[160], port[24];
	struct fr_buf b = FR_BUF_INIT;
	int r;

	snprintf(psql, sizeof(psql), "%s/psql", pg->bin_dir);
	snprintf(port, sizeof(port), "%lld", pg->port);
	{
		const char *argv[] = { psql, "-X", "-A", "-t", "-q", "-h", "/var/run/postgresql", "-p", port,
				       "-d", "postgres", "-c", q, NULL };

		r = fb_run_as(fb, pg->dbsu, argv, NULL, &b);
	}
	if (out) {
		size_t len = b.len;

		while (len && (b.buf[len - 1] == '\n' || b.buf[len - 1] == ' '))
			len--;
		snprintf(out, n, "%.*s", (int)len, b.buf ? b.buf : "");
	}
	fr_buf_release(&b);
	return r == 0 ? 0 : -1;
}

/* A JSON string field of out, from a node's scalar (null when absent). */
static void json_field(struct fr_buf *out, const char *name, const char *v)
{
	fr_buf_addf(out, ",\"%s\":", name);
	if (v)
		fr_buf_add_json_str(out, v);
	else
		fr_buf_adds(out, "null");
}

int fb_backups_json(struct fb *fb)
{
	struct pg pg;
	struct fr_buf out = FR_BUF_INIT, info = FR_BUF_INIT;
	struct fr_node *n = NULL;
	char stanza[160], v[128];
	const struct fr_node *st, *list, *arch;
	size_t i;
	int l;

	if (pg_init(fb, &pg) < 0)
		return FR_EXIT_FAIL;
	l = leads(&pg);
	fr_buf_adds(&out, "{\"cluster\":");
	fr_buf_add_json_str(&out, pg.cluster);
	fr_buf_adds(&out, ",\"instance\":");
	fr_buf_add_json_str(&out, pg.instance);
	fr_buf_addf(&out, ",\"leads\":%s,\"now\":%lld,\"data\":", l ? "true" : "false", (long long)time(NULL));
	fr_buf_add_json_str(&out, pg.data);
	fr_buf_adds(&out, ",\"stanza\":");
	fr_buf_add_json_str(&out, pg.stanza);
	json_field(&out, "repo", pg.backup_path);
	json_field(&out, "repo_type", pg.repo_type);
	if (sql1(fb, &pg, l ? "SELECT pg_current_wal_lsn()" : "SELECT pg_last_wal_replay_lsn()", v, sizeof(v)) == 0)
		json_field(&out, "lsn", v);
	if (sql1(fb, &pg, "SELECT timeline_id FROM pg_control_checkpoint()", v, sizeof(v)) == 0)
		fr_buf_addf(&out, ",\"timeline\":%lld", atoll(v));
	snprintf(stanza, sizeof(stanza), "--stanza=%s", pg.stanza);
	{
		const char *argv[] = { "pgbackrest", stanza, "info", "--output=json", NULL };

		if (fb_run_as(fb, pg.dbsu, argv, NULL, &info) != 0 || (n = fr_yaml_parse(info.buf, info.len, NULL)) == NULL ||
		    !fr_node_is_seq(n) || n->n == 0) {
			fr_buf_adds(&out, ",\"error\":\"pgbackrest info failed on this member\"}\n");
			goto print;
		}
	}
	st = fr_node_get(n->items[0], "status");
	json_field(&out, "status", fr_node_str(fr_node_get(st, "message")));
	fr_buf_adds(&out, ",\"backups\":[");
	list = fr_node_get(n->items[0], "backup");
	for (i = 0; fr_node_is_seq(list) && i < list->n; i++) {
		const struct fr_node *b = list->items[i], *ts = fr_node_get(b, "timestamp"), *lsn = fr_node_get(b, "lsn");
		long long t0 = 0, t1 = 0;

		fr_node_int(fr_node_get(ts, "start"), &t0);
		fr_node_int(fr_node_get(ts, "stop"), &t1);
		fr_buf_addf(&out, "%s{\"label\":", i ? "," : "");
		fr_buf_add_json_str(&out, fr_node_str(fr_node_get(b, "label")) ? fr_node_str(fr_node_get(b, "label")) : "");
		json_field(&out, "type", fr_node_str(fr_node_get(b, "type")));
		fr_buf_addf(&out, ",\"start\":%lld,\"stop\":%lld", t0, t1);
		json_field(&out, "lsn_start", fr_node_str(fr_node_get(lsn, "start")));
		json_field(&out, "lsn_stop", fr_node_str(fr_node_get(lsn, "stop")));
		fr_buf_addc(&out, '}');
	}
	fr_buf_adds(&out, "]");
	arch = fr_node_get(n->items[0], "archive");
	if (fr_node_is_seq(arch) && arch->n) {
		fr_buf_adds(&out, ",\"archive\":{\"min\":");
		fr_buf_add_json_str(&out, fr_node_str(fr_node_get(arch->items[arch->n - 1], "min")) ?
						  fr_node_str(fr_node_get(arch->items[arch->n - 1], "min")) : "");
		json_field(&out, "max", fr_node_str(fr_node_get(arch->items[arch->n - 1], "max")));
		fr_buf_addc(&out, '}');
	}
	fr_buf_adds(&out, "}\n");
print:
	fwrite(out.buf, 1, out.len, stdout);
	fr_node_free(n);
	fr_buf_release(&out);
	fr_buf_release(&info);
	return FR_EXIT_OK;
}

/* A step's line of JSON on standard output: what farrow pitr shows as progress. */
static void step(const char *name, const char *status, const char *detail)
{
	struct fr_buf b = FR_BUF_INIT;

	fr_buf_adds(&b, "{\"farrow_pitr\":1,\"step\":");
	fr_buf_add_json_str(&b, name);
	fr_buf_adds(&b, ",\"status\":");
	fr_buf_add_json_str(&b, status);
	fr_buf_adds(&b, ",\"detail\":");
	fr_buf_add_json_str(&b, detail ? detail : "");
	fr_buf_adds(&b, "}\n");
	fwrite(b.buf, 1, b.len, stdout);
	fflush(stdout);
	fr_buf_release(&b);
}

static int pg_running(struct fb *fb, const struct pg *pg)
{
	char ctl[160];
	const char *argv[] = { ctl, "-D", pg->data, "status", NULL };

	snprintf(ctl, sizeof(ctl), "%s/pg_ctl", pg->bin_dir);
	return fb_run_as(fb, pg->dbsu, argv, NULL, NULL) == 0;
}

static int pg_stop(struct fb *fb, const struct pg *pg)
{
	char ctl[160];
	const char *argv[] = { ctl, "-D", pg->data, "stop", "-m", "fast", "-w", "-t", "300", NULL };

	snprintf(ctl, sizeof(ctl), "%s/pg_ctl", pg->bin_dir);
	if (!pg_running(fb, pg))
		return 0;
	return fb_run_as(fb, pg->dbsu, argv, NULL, NULL) == 0 ? 0 : fb_fail(fb, "pg_ctl stop failed");
}

/* The data directory renamed to <pg_data>-pitr-<stamp> (same parent: a rename, nothing copied). */
static int set_aside(struct fb *fb, const struct pg *pg, const char *stamp, char *aside, size_t n)
{
	struct stat sb;

	snprintf(aside, n, "%s-pitr-%s", pg->data, stamp);
	if (lstat(aside, &sb) == 0)
		return fb_fail(fb, "%s exists already: an earlier PITR's; not touching it", aside);
	if (lstat(pg->data, &sb) != 0)
		return fb_fail(fb, "%s: %s", pg->data, strerror(errno));
	if (rename(pg->data, aside) < 0)
		return fb_fail(fb, "cannot move %s aside to %s: %s", pg->data, aside, strerror(errno));
	fb_log(fb, "moved %s aside to %s (kept until you remove it)", pg->data, aside);
	return 0;
}

static int stamp_ok(const char *s)
{
	size_t i;

	for (i = 0; s && s[i]; i++)
		if (!strchr("0123456789TZ", s[i]))
			return 0;
	return s && i >= 8 && i <= 20;
}

int fb_pitr_aside(struct fb *fb, const char *stamp)
{
	struct pg pg;
	char aside[600];
	const char *stop[] = { "systemctl", "stop", "patroni", NULL };

	if (!stamp_ok(stamp)) {
		fr_cli_error("pitr-aside: --stamp <UTC stamp, 20261203T114500Z>");
		return FR_EXIT_USAGE;
	}
	if (pg_init(fb, &pg) < 0)
		return FR_EXIT_FAIL;
	if (leads(&pg)) {
		fr_cli_error("pitr-aside: %s leads its cluster: the leader is restored (pitr-restore), not set aside",
			     pg.instance);
		return FR_EXIT_FAIL;
	}
	step("patroni", "running", "systemctl stop patroni");
	if (fb_run(fb, stop, NULL, NULL) != 0) {
		step("patroni", "failed", "systemctl stop patroni failed");
		return FR_EXIT_FAIL;
	}
	step("stop", "running", pg.data);
	if (pg_stop(fb, &pg) < 0) {
		step("stop", "failed", fb->last_error);
		return FR_EXIT_FAIL;
	}
	if (set_aside(fb, &pg, stamp, aside, sizeof(aside)) < 0) {
		step("aside", "failed", fb->last_error);
		return FR_EXIT_FAIL;
	}
	step("aside", "done", aside);
	return FR_EXIT_OK;
}

int fb_pitr_restore(struct fb *fb, const char *set, const char *type, const char *target, const char *stamp)
{
	static const char *const types[] = { "time", "lsn", "name", "default", NULL };
	struct pg pg;
	char aside[600], ctl[160], v[64], stanza[160], setarg[160], typearg[32], pglog[96], *targetarg = NULL,
		*opts = NULL;
	const char *ownr;
	size_t i;
	int r = FR_EXIT_FAIL;
	time_t t0;

	for (i = 0; types[i] && (type == NULL || strcmp(types[i], type) != 0); i++)
		;
	if (!stamp_ok(stamp) || types[i] == NULL || set == NULL || (strcmp(type, "default") != 0 && target == NULL) ||
	    strlen(set) > 64 || strspn(set, "0123456789-FDI_") != strlen(set) ||
	    (target && (strlen(target) > 128 || strpbrk(target, "'\"\\\n\r")))) {
		fr_cli_error("pitr-restore: --set <label> --type time|lsn|name|default [--target <value>] --stamp <stamp>");
		return FR_EXIT_USAGE;
	}
	if (pg_init(fb, &pg) < 0)
		return FR_EXIT_FAIL;
	/* Patroni must be paused: it would start PostgreSQL again, or fail over, under our feet */
	{
		struct fr_buf body = FR_BUF_INIT;
		int code = fb_http_get("127.0.0.1", (int)pg.patroni_port, "/patroni", 2000, &body);
		int paused = code == 200 && strstr(body.buf, "\"pause\": true") != NULL;

		if (!paused)
			paused = code == 200 && strstr(body.buf, "\"pause\":true") != NULL;
		fr_buf_release(&body);
		if (!paused) {
			fr_cli_error("pitr-restore: Patroni is not paused on %s (patronictl pause %s): nothing done", pg.instance,
				     pg.cluster);
			return FR_EXIT_FAIL;
		}
	}
	snprintf(ctl, sizeof(ctl), "%s/pg_ctl", pg.bin_dir);
	ownr = pg.dbsu;
	step("stop", "running", pg.data);
	if (pg_stop(fb, &pg) < 0) {
		step("stop", "failed", fb->last_error);
		goto out;
	}
	if (set_aside(fb, &pg, stamp, aside, sizeof(aside)) < 0) {
		step("aside", "failed", fb->last_error);
		goto out;
	}
	step("aside", "done", aside);
	{
		char owner[128];

		snprintf(owner, sizeof(owner), "%s:%s", ownr, ownr);
		if (fb_dir(fb, pg.data, 0700, owner) < 0) {
			step("restore", "failed", fb->last_error);
			goto out;
		}
	}
	snprintf(stanza, sizeof(stanza), "--stanza=%s", pg.stanza);
	snprintf(setarg, sizeof(setarg), "--set=%s", set);
	snprintf(typearg, sizeof(typearg), "--type=%s", type);
	targetarg = target ? fr_xasprintf("--target=%s", target) : NULL;
	{
		const char *argv[] = { "pgbackrest", stanza, setarg, typearg, "--target-action=promote", "--target-timeline=current",
				       targetarg, "restore", NULL };

		if (targetarg == NULL) {
			/* --type=default: to the end of the archive, on the latest timeline */
			argv[4] = "restore";
			argv[5] = NULL;
		}
		step("restore", "running", set);
		if (fb_run_as(fb, pg.dbsu, argv, NULL, NULL) != 0) {
			step("restore", "failed", "pgbackrest restore failed (this member's log: /var/log/farrow/pitr.log)");
			goto out;
		}
	}
	step("restore", "done", set);
	/* recovery to the target: no TCP listener (nobody writes to it before Patroni takes it back),
	 * no hot standby (Patroni's max_connections and the like are on its command line, not in the file) */
	opts = fr_xasprintf("-c listen_addresses= -c hot_standby=off -c port=%lld", pg.port);
	/* the dbsu writes it: in the instance's log directory, not farrow's */
	snprintf(pglog, sizeof(pglog), "/pg/log/postgres/pitr-%s.log", stamp);
	{
		const char *argv[] = { ctl, "-D", pg.data, "start", "-w", "-t", "60", "-o", opts, "-l", pglog, NULL };

		step("recover", "running", target ? target : "the end of the archive");
		fb_run_as(fb, pg.dbsu, argv, NULL, NULL); /* -w returns at once in recovery without hot standby */
	}
	t0 = time(NULL);
	for (;;) {
		if (sql1(fb, &pg, "SELECT pg_is_in_recovery()", v, sizeof(v)) == 0 && strcmp(v, "f") == 0)
			break;
		if (!pg_running(fb, &pg)) {
			char msg[256];

			snprintf(msg, sizeof(msg),
				 "PostgreSQL stopped during recovery (a target past the archived WAL?): see %s on this member",
				 pglog);
			step("recover", "failed", msg);
			goto out;
		}
		if (time(NULL) - t0 > PITR_RECOVERY_WAIT) {
			step("recover", "failed", "still recovering after an hour: it goes on; farrow stops waiting");
			goto out;
		}
		sleep(1);
	}
	step("recover", "done", "promoted");
	{
		static const char *const resets[] = { "recovery_target", "recovery_target_time", "recovery_target_lsn",
						      "recovery_target_name", "recovery_target_xid", "recovery_target_action",
						      "recovery_target_inclusive", "recovery_target_timeline", NULL };

		for (i = 0; resets[i]; i++) {
			char q[96];

			snprintf(q, sizeof(q), "ALTER SYSTEM RESET %s", resets[i]);
			if (sql1(fb, &pg, q, NULL, 0) < 0) {
				step("reset", "failed", q);
				goto out;
			}
		}
		if (sql1(fb, &pg, "SELECT timeline_id FROM pg_control_checkpoint()", v, sizeof(v)) == 0)
			step("reset", "done", v);
	}
	if (pg_stop(fb, &pg) < 0) {
		step("handover", "failed", fb->last_error);
		goto out;
	}
	step("handover", "done", "PostgreSQL stopped: Patroni starts it when it resumes");
	r = FR_EXIT_OK;
out:
	free(targetarg);
	free(opts);
	return r;
}
