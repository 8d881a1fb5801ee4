/* pg-cron.c -- pg_crontab as systemd timers, and /pg/bin/pg-backup: scheduled backups, taken by the leader only. */
/* SPDX-License-Identifier: MIT */
/*
 * Pigsty writes pg_crontab into the dbsu's crontab; a farrow node need not carry cron, so each
 * line becomes a timer (farrow-pg-cron-<n>.timer, OnCalendar= from lib/cron.c, local time as
 * cron's) and a oneshot service that runs the line's command as the dbsu from a script of its
 * own (/pg/bin/pg-cron-<n>.sh: no unit-file quoting in the way). Every member carries the
 * same schedule; /pg/bin/pg-backup backs up only where PostgreSQL is the primary, so after a
 * failover the new leader takes the backups. Timers of lines that are gone are removed.
 */
#define _GNU_SOURCE
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cron.h"
#include "fb.h"
#include "pgsql.h"
#include "xalloc.h"

/* the dbsu runs them: in its own /pg/bin (/etc/farrow is root's alone) */
#define CRON_DIR "/pg/bin"
#define UNIT_DIR "/etc/systemd/system"

static void pg_backup_script(const struct pg *pg, struct fr_buf *out)
{
	fr_buf_addf(out,
		    "#!/bin/sh\n"
		    "# /pg/bin/pg-backup: written by farrow-firstboot (pgsql module) for %s\n"
		    "# usage: pg-backup [full|diff|incr]   (incr when not given; pgBackRest makes it full\n"
		    "# when no full backup exists). A backup of %s to its pgBackRest repository, taken only\n"
		    "# where PostgreSQL is the primary: on a replica it says so and does nothing, so every\n"
		    "# member carries the same pg_crontab and the leader of the day takes the backups.\n"
		    "set -eu\n"
		    "type=${1:-incr}\n"
		    "case $type in full|diff|incr) ;; *) echo 'usage: pg-backup [full|diff|incr]' >&2; exit 2 ;; esac\n"
		    "if [ \"$(id -un)\" != %s ]; then exec runuser -u %s -- \"$0\" \"$@\"; fi\n"
		    "if ! primary=$(%s/psql -XAtq -h /var/run/postgresql -p %lld -d postgres -c 'SELECT NOT "
		    "pg_is_in_recovery()'); then\n"
		    "\techo \"pg-backup: PostgreSQL does not answer on %s: no backup\" >&2\n"
		    "\texit 1\n"
		    "fi\n"
		    "if [ \"$primary\" != t ]; then\n"
		    "\techo \"pg-backup: %s is a replica of %s: the primary takes the backups; nothing done\"\n"
		    "\texit 0\n"
		    "fi\n"
		    "echo \"pg-backup: $type backup of %s (stanza %s)\"\n"
		    "exec pgbackrest --stanza=%s --type=\"$type\" backup\n",
		    pg->instance, pg->cluster, pg->dbsu, pg->dbsu, pg->bin_dir, pg->port, pg->instance, pg->instance,
		    pg->cluster, pg->cluster, pg->stanza, pg->stanza);
}

/* The timers of lines beyond n: stopped, disabled and removed with their services and scripts. */
static int remove_stale(struct fb *fb, size_t n, int *changed)
{
	glob_t g;
	size_t i;
	int r = 0;

	if (glob(UNIT_DIR "/farrow-pg-cron-*.timer", 0, NULL, &g) != 0)
		return 0;
	for (i = 0; i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;
		unsigned long k = strtoul(base + strlen("farrow-pg-cron-"), NULL, 10);
		char unit[64], *p;

		if (k >= 1 && k <= n)
			continue;
		snprintf(unit, sizeof(unit), "farrow-pg-cron-%lu.timer", k);
		{
			const char *argv[] = { "systemctl", "disable", "--now", unit, NULL };

			fb_run(fb, argv, NULL, NULL);
		}
		if (unlink(g.gl_pathv[i]) < 0)
			r = fb_fail(fb, "cannot remove %s", g.gl_pathv[i]);
		p = fr_xasprintf(UNIT_DIR "/farrow-pg-cron-%lu.service", k);
		unlink(p);
		free(p);
		p = fr_xasprintf(CRON_DIR "/pg-cron-%lu.sh", k);
		unlink(p);
		free(p);
		fb_log(fb, "pg_crontab: line %lu is gone: its timer is removed", k);
		*changed = 1;
		fb->changes++;
	}
	globfree(&g);
	return r;
}

int pg_crontab(struct fb *fb, const struct pg *pg)
{
	const struct fr_node *tab = fb_var(fb, "pg_crontab");
	struct fr_buf b = FR_BUF_INIT;
	char owner[96], path[160];
	size_t n = fr_node_is_seq(tab) ? tab->n : 0, i;
	int changed = 0, r = -1, c;

	snprintf(owner, sizeof(owner), "%s:%s", pg->dbsu, pg->dbsu);
	pg_backup_script(pg, &b);
	if (fb_file(fb, "/pg/bin/pg-backup", b.buf, b.len, 0755, owner) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		const char *line = fr_node_str(tab->items[i]), *why;
		struct fr_cron cr;
		int k;

		if ((why = fr_cron_parse(line, &cr)) != NULL) {
			fb_fail(fb, "pg_crontab[%zu] %s", i, why); /* the profile check refuses it first */
			goto out;
		}
		fr_buf_reset(&b);
		fr_buf_addf(&b, "#!/bin/sh\n# pg_crontab line %zu, written by farrow-firstboot (pgsql module): %s\n%.*s\n",
			    i + 1, line, (int)cr.command_len, cr.command);
		snprintf(path, sizeof(path), CRON_DIR "/pg-cron-%zu.sh", i + 1);
		if ((c = fb_file(fb, path, b.buf, b.len, 0755, owner)) < 0)
			goto out;
		fr_buf_reset(&b);
		fr_buf_addf(&b,
			    "# " UNIT_DIR "/farrow-pg-cron-%zu.service: written by farrow-firstboot (pgsql module)\n"
			    "[Unit]\nDescription=farrow: pg_crontab line %zu of %s, as %s\n\n"
			    "[Service]\nType=oneshot\nUser=%s\nExecStart=/bin/sh " CRON_DIR "/pg-cron-%zu.sh\n",
			    i + 1, i + 1, pg->instance, pg->dbsu, pg->dbsu, i + 1);
		snprintf(path, sizeof(path), UNIT_DIR "/farrow-pg-cron-%zu.service", i + 1);
		if ((k = fb_file(fb, path, b.buf, b.len, 0644, NULL)) < 0)
			goto out;
		c |= k;
		fr_buf_reset(&b);
		fr_buf_addf(&b,
			    "# " UNIT_DIR "/farrow-pg-cron-%zu.timer: written by farrow-firstboot (pgsql module)\n"
			    "# pg_crontab: %s\n[Unit]\nDescription=farrow: pg_crontab line %zu of %s\n\n[Timer]\n",
			    i + 1, line, i + 1, pg->instance);
		for (k = 0; k < cr.ncal; k++)
			fr_buf_addf(&b, "OnCalendar=%s\n", cr.calendar[k]);
		fr_buf_adds(&b, "AccuracySec=1s\nPersistent=false\n\n[Install]\nWantedBy=timers.target\n");
		snprintf(path, sizeof(path), UNIT_DIR "/farrow-pg-cron-%zu.timer", i + 1);
		if ((k = fb_file(fb, path, b.buf, b.len, 0644, NULL)) < 0)
			goto out;
		changed |= c | k;
	}
	if (remove_stale(fb, n, &changed) < 0)
		goto out;
	if (changed) {
		const char *v[] = { "systemctl", "daemon-reload", NULL };

		fb_run(fb, v, NULL, NULL);
	}
	for (i = 0; i < n; i++) {
		char unit[64];

		snprintf(unit, sizeof(unit), "farrow-pg-cron-%zu.timer", i + 1);
		if (fb_systemctl(fb, "enable", unit) < 0 || fb_systemctl(fb, changed ? "restart" : "start", unit) < 0)
			goto out;
	}
	if (n)
		fb_log(fb, "pg_crontab: %zu line%s as timers (systemctl list-timers 'farrow-pg-cron-*')", n, n == 1 ? "" : "s");
	r = 0;
out:
	fr_buf_release(&b);
	return r;
}
