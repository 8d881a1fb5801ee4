/* cmd-pitr.c -- `farrow pitr`: a PostgreSQL cluster restored to a point in time with pgBackRest. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "farrow.h"
#include "inventory.h"
#include "ssh.h"
#include "values.h"
#include "xalloc.h"
#include "yamlnode.h"

#define PITR_USAGE                                                                                       \
	"usage: farrow pitr <inventory> --cluster <pg_cluster>\n"                                         \
	"                   (--time '<YYYY-MM-DD HH:MM:SS+zone>' | --lsn <hex/hex> | --name <restore point>\n" \
	"                    | --latest) [--plan] [--yes] [--ssh-key <file>] [--known-hosts <file>]\n"     \
	"\n"                                                                                                \
	"Restore the cluster to a point in time, as Pigsty's pg-pitr: first the plan, read from the\n"   \
	"leader (farrow-firstboot backups --json): the backup set restored (the latest that ended\n"   \
	"before the target), the WAL range in the repository, the member restored (the leader) and\n"  \
	"the members cloned again from it. A target before the first backup, after the leader's\n"     \
	"clock, or an LSN beyond its WAL is refused with nothing stopped. --plan stops there.\n"        \
	"\n"                                                                                                \
	"Then, asked first (type the cluster's name; --yes does not ask): Patroni paused; on each\n"    \
	"replica Patroni and PostgreSQL stopped and the data directory renamed aside; on the leader\n"  \
	"PostgreSQL stopped, its data directory renamed aside, pgBackRest's restore of the set,\n"      \
	"recovery to the target and promotion (a new timeline) with no TCP listener; Patroni resumed;\n" \
	"the replicas' Patroni started: each clones the restored leader; a full backup of the new\n"  \
	"timeline (/pg/bin/pg-backup full). Nothing is deleted: every member keeps its old data as\n" \
	"<pg_data>-pitr-<UTC stamp> until you remove it.\n"                                          \
	"\n"                                                                                                \
	"  --time    recovery_target_time, with its zone (+00, +08:00, Z): without one it is refused\n"  \
	"  --lsn     recovery_target_lsn      --name  recovery_target_name (pg_create_restore_point)\n" \
	"  --latest  to the end of the archived WAL\n"                                                      \
	"\n"                                                                                                \
	"exit status: 0 restored and every member streaming again, 1 a step failed (what was done and\n"  \
	"             how to go back are printed), 2 usage or a target refused, 3 invalid inventory,\n"  \
	"             10 a member cannot be reached\n"

struct member {
	const struct fr_host *h;
	char *name;
};

struct pitr {
	struct fr_inventory *inv;
	struct fr_ssh_opts base;
	struct member *m;
	size_t n;
	const char *cluster;
};

static void sleep_s(int s)
{
	struct timespec ts = { s, 0 };

	nanosleep(&ts, NULL);
}

/* A member's JSON (farrow-firstboot <cmd>) parsed; NULL when it does not answer so. */
static struct fr_node *ask(struct pitr *p, size_t i, const char *cmd)
{
	struct fr_buf out = FR_BUF_INIT;
	struct fr_err err = { 0 };
	struct fr_node *n = NULL;

	if (farrow_on_host(p->inv, p->m[i].h, &p->base, cmd, NULL, &out, &err) == 0)
		n = fr_yaml_parse(out.buf, out.len, NULL);
	fr_buf_release(&out);
	return n;
}

/* The member that leads (its own health says so), or -1. */
static int leader_of(struct pitr *p)
{
	size_t i;
	int leader = -1;

	for (i = 0; i < p->n; i++) {
		struct fr_node *h = ask(p, i, "farrow-firstboot health --json 2>/dev/null");
		int b = 0;

		if (h && fr_node_bool(fr_node_get(fr_node_get(h, "pgsql"), "leads"), &b) && b)
			leader = (int)i;
		fr_node_free(h);
	}
	return leader;
}

/* Every member streaming from the leader again (its pg_stat_replication), bounded. */
static int all_streaming(struct pitr *p, int leader, int timeout)
{
	time_t end = time(NULL) + timeout;

	while (time(NULL) < end) {
		struct fr_node *h = ask(p, (size_t)leader, "farrow-firstboot health --json 2>/dev/null");
		const struct fr_node *repl = fr_node_get(fr_node_get(h, "pgsql"), "replication");
		size_t i, j, ok = 0;

		for (i = 0; i < p->n; i++) {
			if ((int)i == leader)
				continue;
			for (j = 0; fr_node_is_seq(repl) && j < repl->n; j++) {
				const char *name = fr_node_str(fr_node_get(repl->items[j], "name"));
				const char *st = fr_node_str(fr_node_get(repl->items[j], "state"));

				if (name && st && strcmp(name, p->m[i].name) == 0 && strcmp(st, "streaming") == 0)
					ok++;
			}
		}
		fr_node_free(h);
		if (ok == p->n - 1)
			return 0;
		sleep_s(3);
	}
	return -1;
}

/* Run a node step that prints a line of JSON a step (pitr-aside, pitr-restore), showing each. */
static int node_steps(struct pitr *p, size_t i, const char *cmd)
{
	struct fr_buf out = FR_BUF_INIT;
	struct fr_err err = { 0 };
	char *line, *save = NULL;
	int r = farrow_on_host(p->inv, p->m[i].h, &p->base, cmd, NULL, &out, &err);

	for (line = out.buf ? strtok_r(out.buf, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		struct fr_node *n = fr_yaml_parse(line, strlen(line), NULL);
		const char *st = fr_node_str(fr_node_get(n, "status")), *step = fr_node_str(fr_node_get(n, "step"));

		if (st && step && strcmp(st, "running") != 0)
			printf("  %-14s %-8s %-7s %s\n", p->m[i].name, step, st, fr_node_str(fr_node_get(n, "detail")) ?
										     fr_node_str(fr_node_get(n, "detail")) : "");
		fr_node_free(n);
	}
	if (r < 0 && err.msg[0])
		printf("  %-14s %s\n", p->m[i].name, err.msg);
	fflush(stdout);
	fr_buf_release(&out);
	return r;
}

static void when(long long t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

int cmd_pitr(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cluster", required_argument, NULL, 'c' },     { "time", required_argument, NULL, 'T' },
		{ "lsn", required_argument, NULL, 'L' },         { "name", required_argument, NULL, 'N' },
		{ "latest", no_argument, NULL, 'A' },            { "plan", no_argument, NULL, 'P' },
		{ "yes", no_argument, NULL, 'y' },               { "ssh-key", required_argument, NULL, 'i' },
		{ "known-hosts", required_argument, NULL, 'K' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pitr p = { 0 };
	struct fr_err err = { 0 };
	struct fr_node *bk = NULL;
	const char *ttime = NULL, *tlsn = NULL, *tname = NULL, *type = NULL, *target = NULL, *why;
	const struct fr_node *list, *chosen = NULL;
	int c, latest = 0, plan = 0, yes = 0, ntargets, leader, code = FR_EXIT_FAIL;
	long long t_epoch = 0, now = 0;
	unsigned long long t_lsn = 0;
	char stamp[32], cmd[640];
	size_t i;

	p.base.timeout = 5;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:yh", lo, NULL)) != -1) {
		switch (c) {
		case 'c': p.cluster = optarg; break;
		case 'T': ttime = optarg; break;
		case 'L': tlsn = optarg; break;
		case 'N': tname = optarg; break;
		case 'A': latest = 1; break;
		case 'P': plan = 1; break;
		case 'y': yes = 1; break;
		case 'i': p.base.key = optarg; break;
		case 'K': p.base.known_hosts = optarg; break;
		case 'h': fputs(PITR_USAGE, stdout); return FR_EXIT_OK;
		default: fputs(PITR_USAGE, stderr); return FR_EXIT_USAGE;
		}
	}
	ntargets = (ttime != NULL) + (tlsn != NULL) + (tname != NULL) + latest;
	if (argc - optind != 1 || p.cluster == NULL || ntargets != 1) {
		if (argc - optind == 1 && p.cluster && ntargets != 1)
			fr_cli_error("pitr: one target: --time, --lsn, --name or --latest");
		fputs(PITR_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	/* the target's grammar, before anything is asked of the nodes */
	if (ttime && (why = fr_pitr_time_problem(ttime, &t_epoch)) != NULL) {
		fr_cli_error("pitr: --time '%s' %s", ttime, why);
		return FR_EXIT_USAGE;
	}
	if (tlsn && (why = fr_pitr_lsn_problem(tlsn, &t_lsn)) != NULL) {
		fr_cli_error("pitr: --lsn '%s' %s", tlsn, why);
		return FR_EXIT_USAGE;
	}
	if (tname && (why = fr_pitr_name_problem(tname)) != NULL) {
		fr_cli_error("pitr: --name '%s' %s", tname, why);
		return FR_EXIT_USAGE;
	}
	type = ttime ? "time" : tlsn ? "lsn" : tname ? "name" : "default";
	target = ttime ? ttime : tlsn ? tlsn : tname;
	if (fr_inv_load_file(argv[optind], &p.inv, &err) < 0) {
		fr_cli_error("%s", err.msg);
		return FR_EXIT_FAIL;
	}
	if (fr_inv_validate(p.inv) > 0) {
		fr_cli_print_diags(p.inv->path, &p.inv->diags, "inventory", 1);
		fr_inv_free(p.inv);
		return FR_EXIT_INVALID;
	}
	p.m = fr_xcalloc(p.inv->nhosts + 1, sizeof(*p.m));
	for (i = 0; i < p.inv->nhosts; i++) {
		struct fr_ident id;

		fr_inv_identity(p.inv, &p.inv->hosts[i], &id);
		if (id.pg_cluster && id.pg_instance && strcmp(id.pg_cluster, p.cluster) == 0) {
			p.m[p.n].h = &p.inv->hosts[i];
			p.m[p.n++].name = fr_xstrdup(id.pg_instance);
		}
		fr_ident_release(&id);
	}
	if (p.n == 0) {
		fr_cli_error("pitr: the inventory %s names no PostgreSQL cluster '%s'", p.inv->path, p.cluster);
		code = FR_EXIT_USAGE;
		goto out;
	}
	/* the plan: from the leader's own repository and clock */
	if ((leader = leader_of(&p)) < 0) {
		fr_cli_error("pitr: no member of %s says it leads (unreachable, or Patroni down): nothing stopped", p.cluster);
		code = FR_EXIT_UNREACHABLE;
		goto out;
	}
	bk = ask(&p, (size_t)leader, "farrow-firstboot backups --json");
	list = fr_node_get(bk, "backups");
	if (bk == NULL || !fr_node_is_seq(list) || list->n == 0) {
		fr_cli_error("pitr: %s's repository has no backup%s: nothing to restore from; nothing stopped",
			     p.m[leader].name, bk && fr_node_str(fr_node_get(bk, "error")) ? " (pgbackrest info failed)" : "");
		goto out;
	}
	fr_node_int(fr_node_get(bk, "now"), &now);
	for (i = 0; i < list->n; i++) {
		const struct fr_node *b = list->items[i];
		long long stop = 0;
		unsigned long long lstop = 0;
		const char *ls = fr_node_str(fr_node_get(b, "lsn_stop"));

		fr_node_int(fr_node_get(b, "stop"), &stop);
		if (ttime && stop <= t_epoch)
			chosen = b;
		else if (tlsn && ls && fr_pitr_lsn_problem(ls, &lstop) == NULL && lstop <= t_lsn)
			chosen = b;
		else if (!ttime && !tlsn)
			chosen = b; /* --name, --latest: the latest set */
	}
	if (chosen == NULL) {
		const struct fr_node *first = list->items[0];
		long long stop = 0;
		char w[64];

		fr_node_int(fr_node_get(first, "stop"), &stop);
		when(stop, w, sizeof(w));
		fr_cli_error("pitr: %s '%s' is before the first backup that can reach it (%s, ended %s, lsn %s): "
			     "there is nothing to restore it from; nothing stopped",
			     ttime ? "--time" : "--lsn", target, fr_node_str(fr_node_get(first, "label")), w,
			     fr_node_str(fr_node_get(first, "lsn_stop")) ? fr_node_str(fr_node_get(first, "lsn_stop")) : "?");
		code = FR_EXIT_USAGE;
		goto out;
	}
	if (ttime && t_epoch > now) {
		char w[64];

		when(now, w, sizeof(w));
		fr_cli_error("pitr: --time '%s' is after %s's clock (%s): it has not happened; nothing stopped", ttime,
			     p.m[leader].name, w);
		code = FR_EXIT_USAGE;
		goto out;
	}
	if (tlsn) {
		unsigned long long cur = 0;
		const char *l = fr_node_str(fr_node_get(bk, "lsn"));

		if (l == NULL || fr_pitr_lsn_problem(l, &cur) != NULL || t_lsn > cur) {
			fr_cli_error("pitr: --lsn %s is beyond %s's WAL (%s): nothing stopped", tlsn, p.m[leader].name,
				     l ? l : "unknown");
			code = FR_EXIT_USAGE;
			goto out;
		}
	}
	{
		time_t t = time(NULL);
		struct tm tm;
		long long s0 = 0, s1 = 0;
		char w0[64], w1[64];
		const struct fr_node *arch = fr_node_get(bk, "archive");

		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		fr_node_int(fr_node_get(chosen, "start"), &s0);
		fr_node_int(fr_node_get(chosen, "stop"), &s1);
		when(s0, w0, sizeof(w0));
		when(s1, w1, sizeof(w1));
		printf("farrow pitr %s: to %s (%s)\n", p.cluster, target ? target : "the end of the archived WAL", type);
		printf("  backup set   %s (%s, %s .. %s, lsn %s .. %s)\n", fr_node_str(fr_node_get(chosen, "label")),
		       fr_node_str(fr_node_get(chosen, "type")) ? fr_node_str(fr_node_get(chosen, "type")) : "?", w0, w1,
		       fr_node_str(fr_node_get(chosen, "lsn_start")) ? fr_node_str(fr_node_get(chosen, "lsn_start")) : "?",
		       fr_node_str(fr_node_get(chosen, "lsn_stop")) ? fr_node_str(fr_node_get(chosen, "lsn_stop")) : "?");
		printf("  WAL          %s .. %s in %s's repository (%s %s)\n",
		       fr_node_str(fr_node_get(arch, "min")) ? fr_node_str(fr_node_get(arch, "min")) : "?",
		       fr_node_str(fr_node_get(arch, "max")) ? fr_node_str(fr_node_get(arch, "max")) : "?", p.m[leader].name,
		       fr_node_str(fr_node_get(bk, "repo_type")) ? fr_node_str(fr_node_get(bk, "repo_type")) : "posix",
		       fr_node_str(fr_node_get(bk, "repo")) ? fr_node_str(fr_node_get(bk, "repo")) : "?");
		printf("  restored on  %s (%s, the leader); its data kept as %s-pitr-%s\n", p.m[leader].name,
		       p.m[leader].h->ip, fr_node_str(fr_node_get(bk, "data")) ? fr_node_str(fr_node_get(bk, "data")) : "?",
		       stamp);
		printf("  re-cloned   ");
		for (i = 0; i < p.n; i++)
			if ((int)i != leader)
				printf(" %s", p.m[i].name);
		printf("%s\n", p.n == 1 ? " none (a cluster of one)" : ", their data kept aside likewise");
		printf("  steps        Patroni paused; the replicas stopped; the leader restored and promoted; Patroni "
		       "resumed; the replicas clone it\n");
		fflush(stdout);
	}
	if (plan) {
		code = FR_EXIT_OK;
		goto out;
	}
	if (!yes) {
		char answer[128] = "";

		if (!isatty(0)) {
			fr_cli_error("pitr: not a terminal to ask on: --yes to go ahead without asking (--plan only shows)");
			code = FR_EXIT_USAGE;
			goto out;
		}
		printf("This stops every member of %s. Type its name to go ahead: ", p.cluster);
		fflush(stdout);
		if (fgets(answer, sizeof(answer), stdin) == NULL || strncmp(answer, p.cluster, strlen(p.cluster)) != 0 ||
		    (answer[strlen(p.cluster)] != '\n' && answer[strlen(p.cluster)] != '\0')) {
			printf("not confirmed: nothing done\n");
			code = FR_EXIT_FAIL;
			goto out;
		}
	}
	snprintf(cmd, sizeof(cmd), "patronictl -c /etc/patroni/config.yml pause %s --wait", p.cluster);
	if (farrow_on_host(p.inv, p.m[leader].h, &p.base, cmd, NULL, NULL, &err) < 0) {
		fr_cli_error("pitr: patronictl pause failed on %s: nothing stopped", p.m[leader].name);
		goto out;
	}
	printf("  %-14s patroni  paused\n", p.m[leader].name);
	for (i = 0; i < p.n; i++) {
		if ((int)i == leader)
			continue;
		snprintf(cmd, sizeof(cmd), "farrow-firstboot pitr-aside --stamp %s", stamp);
		if (node_steps(&p, i, cmd) < 0) {
			fr_cli_error("pitr: %s could not be set aside: Patroni stays paused (patronictl resume %s to go back); "
				     "the leader is untouched",
				     p.m[i].name, p.cluster);
			goto out;
		}
	}
	snprintf(cmd, sizeof(cmd), "farrow-firstboot pitr-restore --set %s --type %s%s%s%s --stamp %s",
		 fr_node_str(fr_node_get(chosen, "label")), type, target ? " --target '" : "", target ? target : "",
		 target ? "'" : "", stamp);
	if (node_steps(&p, (size_t)leader, cmd) < 0) {
		fr_cli_error("pitr: the restore on %s failed; Patroni stays paused. Its old data is %s-pitr-%s: to go back, "
			     "stop PostgreSQL there, move the new directory away and that one back, then patronictl resume %s",
			     p.m[leader].name, fr_node_str(fr_node_get(bk, "data")), stamp, p.cluster);
		goto out;
	}
	/* no --wait: it waits for the stopped replicas too, whose member keys outlive them */
	snprintf(cmd, sizeof(cmd), "patronictl -c /etc/patroni/config.yml resume %s 2>&1", p.cluster);
	{
		struct fr_buf said = FR_BUF_INIT;
		int r = farrow_on_host(p.inv, p.m[leader].h, &p.base, cmd, NULL, &said, &err);

		if (r < 0)
			fr_cli_error("pitr: patronictl resume failed on %s: %.*s", p.m[leader].name,
				     said.len ? (int)said.len : (int)strlen(err.msg), said.len ? said.buf : err.msg);
		fr_buf_release(&said);
		if (r < 0)
			goto out;
	}
	printf("  %-14s patroni  resumed\n", p.m[leader].name);
	for (i = 0; i < 60 && leader_of(&p) != leader; i++)
		sleep_s(2);
	if (i == 60) {
		fr_cli_error("pitr: %s did not lead again within 2 minutes of the resume", p.m[leader].name);
		goto out;
	}
	for (i = 0; i < p.n; i++) {
		if ((int)i == leader)
			continue;
		if (farrow_on_host(p.inv, p.m[i].h, &p.base, "systemctl start patroni", NULL, NULL, &err) < 0) {
			fr_cli_error("pitr: Patroni would not start on %s", p.m[i].name);
			goto out;
		}
		printf("  %-14s patroni  started: it clones %s\n", p.m[i].name, p.m[leader].name);
	}
	fflush(stdout);
	if (p.n > 1 && all_streaming(&p, leader, 900) < 0) {
		fr_cli_error("pitr: the replicas do not stream from %s within 15 minutes", p.m[leader].name);
		goto out;
	}
	/* the restored cluster lives on a new timeline that no backup starts from yet: a later
	 * restore to a point after this one needs one (as Pigsty's pg-pitr advises), so take it now */
	{
		struct fr_buf said = FR_BUF_INIT;

		if (farrow_on_host(p.inv, p.m[leader].h, &p.base, "/pg/bin/pg-backup full 2>&1", NULL, &said, &err) < 0) {
			fr_cli_error("pitr: restored, but the full backup of the new timeline failed on %s: %.*s(run "
				     "/pg/bin/pg-backup full there)",
				     p.m[leader].name, (int)said.len, said.buf ? said.buf : "");
			fr_buf_release(&said);
			goto out;
		}
		fr_buf_release(&said);
		printf("  %-14s backup   done    a full backup of the new timeline\n", p.m[leader].name);
	}
	if (p.n > 1)
		printf("farrow pitr %s: restored to %s; %zu member%s streaming from %s. The old data stays as "
		       "<pg_data>-pitr-%s on each member until you remove it\n",
		       p.cluster, target ? target : "the end of the archived WAL", p.n - 1, p.n == 2 ? "" : "s",
		       p.m[leader].name, stamp);
	else
		printf("farrow pitr %s: restored to %s on %s. The old data stays as <pg_data>-pitr-%s until you "
		       "remove it\n",
		       p.cluster, target ? target : "the end of the archived WAL", p.m[leader].name, stamp);
	code = FR_EXIT_OK;
out:
	fr_node_free(bk);
	for (i = 0; i < p.n; i++)
		free(p.m[i].name);
	free(p.m);
	fr_inv_free(p.inv);
	return code;
}
