/* plan.c -- what farrow install would do to a node, found out without changing it. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "modules.h"
#include "plan.h"
#include "solve.h"
#include "xalloc.h"
#include "yamlnode.h"

int plan_bundle_load(const char *bundle, const char *target, struct plan_bundle *b, struct fr_err *err)
{
	struct fr_buf text = FR_BUF_INIT;
	const char *debarch = "amd64";
	char rel[128], distro[16], arch[16];
	int r, deb = 1;

	memset(b, 0, sizeof(*b));
	if (fr_target_split(target, distro, sizeof(distro), arch, sizeof(arch), &debarch, &deb) < 0)
		return fr_err_set(err, FR_EINVALID, "the bundle's MANIFEST names no known target ('%s')", target ? target : "");
	snprintf(b->arch, sizeof(b->arch), "%s", debarch);
	snprintf(b->target, sizeof(b->target), "%s", target);
	if (!deb)
		return fr_err_set(err, FR_EINVALID, "%s: EL nodes are not installed by this farrow yet (apt only)", target);
	snprintf(rel, sizeof(rel), "repo/dists/farrow/main/binary-%s/Packages", b->arch);
	if ((r = fr_bundle_member(bundle, rel, 256u << 20, &text, err)) < 0) {
		fr_buf_release(&text);
		return r;
	}
	b->packages = fr_buf_detach(&text, &b->len);
	return 0;
}

void plan_bundle_release(struct plan_bundle *b)
{
	free(b->packages);
	memset(b, 0, sizeof(*b));
}

/* The section of out after a "### name" line, up to the next one; "" when absent. */
static char *section(const char *out, const char *name)
{
	char mark[64];
	const char *p, *e;

	snprintf(mark, sizeof(mark), "### %s\n", name);
	if ((p = strstr(out, mark)) == NULL)
		return fr_xstrdup("");
	p += strlen(mark);
	if (strncmp(p, "### ", 4) == 0)
		return fr_xstrdup("");
	e = strstr(p, "\n### ");
	return fr_xstrndup(p, e ? (size_t)(e - p) + 1 : strlen(p));
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

int plan_host(struct fr_ssh *s, const struct fr_inventory *inv, const struct fr_host *h, const struct plan_bundle *b,
	      char *const *pk, size_t npk, struct fr_buf *out, char *why, size_t whylen)
{
	struct fr_buf cmd = FR_BUF_INIT, facts = FR_BUF_INIT, problems = FR_BUF_INIT, changes = FR_BUF_INIT;
	struct fr_buf installed = FR_BUF_INIT, refusals = FR_BUF_INIT;
	struct fr_err err = { 0 };
	struct fr_ident id;
	const char *pg_data = fr_inv_str(inv, h, "pg_data"), *etcd_data = fr_inv_str(inv, h, "etcd_data");
	const char *cluster = fr_inv_str(inv, h, "pg_cluster"), *etcd_cluster = fr_inv_str(inv, h, "etcd_cluster");
	char *os = NULL, *pgver = NULL, *pgrun = NULL, *scope = NULL, *etcd = NULL, *done = NULL, *listen = NULL;
	char *dpkg = NULL;
	struct fr_solv *sv = NULL;
	long long want = 15;
	int st = -1, r = 0, *ids = NULL;
	size_t nids = 0, i;

	fr_inv_identity(inv, h, &id);
	fr_inv_int(inv, h, "pg_version", &want);
	/* the inventory's paths reach the node's shell quoted by the one helper */
	fr_buf_adds(&cmd, "pgdata=");
	fr_buf_add_shq(&cmd, pg_data ? pg_data : "/pg/data");
	fr_buf_adds(&cmd, "; etcddata=");
	fr_buf_add_shq(&cmd, etcd_data ? etcd_data : "/data/etcd");
	fr_buf_adds(&cmd,
		    "; echo '### os'; (. /etc/os-release; echo \"$PRETTY_NAME, point release $(cat /etc/debian_version 2>/dev/null)\"); "
		    "echo '### osrelease'; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release; "
		    "echo '### machine'; uname -m; "
		    "echo '### pgdata'; cat \"$pgdata/PG_VERSION\" 2>/dev/null; "
		    "echo '### postgres'; pgrep -x postgres >/dev/null 2>&1 && echo running; "
		    "echo '### scope'; sed -n 's/^scope: *//p' /etc/patroni/config.yml 2>/dev/null; "
		    "echo '### etcd'; if [ -d \"$etcddata/member\" ]; then sed -n 's/^ETCD_INITIAL_CLUSTER_TOKEN=//p' /etc/default/etcd 2>/dev/null; echo data; fi; "
		    "echo '### done'; farrow-firstboot status --json 2>/dev/null; echo; "
		    "echo '### listen'; ss -ltnH 2>/dev/null | awk '{n=split($4,a,\":\"); print a[n]}' | sort -nu | tr '\\n' ' '; echo; "
		    "echo '### dpkg'; cat /var/lib/dpkg/status");
	if (fr_ssh_exec(s, cmd.buf, NULL, 0, &facts, NULL, &st, &err) < 0 || st != 0) {
		snprintf(why, whylen, "cannot examine the node: %s", err.msg[0] ? err.msg : "the survey failed");
		r = -1;
		goto out;
	}
	os = section(facts.buf, "os");
	pgver = section(facts.buf, "pgdata");
	pgrun = section(facts.buf, "postgres");
	scope = section(facts.buf, "scope");
	etcd = section(facts.buf, "etcd");
	{
		/* what farrow converged here before, as the node's firstboot says it (status --json) */
		char *json = section(facts.buf, "done");
		struct fr_node *fbst = fr_yaml_parse(json, strlen(json), NULL);
		const struct fr_node *mods = fr_node_get(fbst, "modules");
		struct fr_buf names = FR_BUF_INIT;

		for (i = 0; fr_node_is_seq(mods) && i < mods->n; i++) {
			const char *state = fr_node_str(fr_node_get(mods->items[i], "state"));
			const char *name = fr_node_str(fr_node_get(mods->items[i], "name"));

			if (name && state && strcmp(state, "done") == 0)
				fr_buf_addf(&names, "%s%s", names.len ? " " : "", name);
		}
		done = fr_buf_detach(&names, NULL);
		fr_node_free(fbst);
		free(json);
	}
	listen = section(facts.buf, "listen");
	dpkg = section(facts.buf, "dpkg");
	chomp(os), chomp(pgver), chomp(pgrun), chomp(scope), chomp(done), chomp(listen);
	fr_buf_addf(out, "  node        %s\n", os);
	fr_buf_adds(out, "  identities ");
	if (id.pg_instance)
		fr_buf_addf(out, " %s (%s of %s)", id.pg_instance, id.pg_role ? id.pg_role : "replica", cluster);
	if (id.etcd_instance)
		fr_buf_addf(out, ", %s (of %s)", id.etcd_instance, etcd_cluster ? etcd_cluster : "etcd");
	if (id.infra_instance)
		fr_buf_addf(out, ", %s", id.infra_instance);
	fr_buf_adds(out, "\n  modules    ");
	{
		size_t m, k = 0;

		for (m = 0; m < fr_nmodules; m++)
			if (fr_module_wanted_by(&fr_modules[m], &id))
				fr_buf_addf(out, "%s %s", k++ ? "," : "", fr_modules[m].name);
	}
	fr_buf_adds(out, "\n");
	fr_buf_adds(out, "  services   ");
	if (id.etcd_instance)
		fr_buf_adds(out, " etcd 2379/2380;");
	if (id.pg_instance)
		fr_buf_adds(out, " patroni 8008, postgres 5432, pgbouncer 6432, haproxy 5433 5434 5436 5438");
	fr_buf_addf(out, "\n  listening   %s\n", *listen ? listen : "(nothing)");
	fr_buf_addf(out, "  farrow      %s\n", *done ? done : "never ran here");

	/* a bundle for another distro, release or machine: refused before anything else */
	{
		char *osr = section(facts.buf, "osrelease"), *mach = section(facts.buf, "machine"), whyt[512];

		chomp(mach);
		if (!fr_target_fits(b->target, osr, mach, whyt, sizeof(whyt)))
			fr_buf_addf(&refusals, "%s: it is not installed here\n", whyt);
		free(osr);
		free(mach);
	}
	/* existing state, and what would happen to it */
	if (id.pg_instance) {
		if (*scope && cluster && strcmp(scope, cluster) != 0 && *pgrun)
			fr_buf_addf(&refusals, "a running PostgreSQL member of cluster '%s' (patroni scope) serves here: it is "
					       "never re-initialised as a member of '%s'\n", scope, cluster);
		else if (*pgrun && !*scope)
			fr_buf_adds(&refusals, "a PostgreSQL that patroni does not run serves here: farrow does not take it over\n");
		if (*pgver && atoll(pgver) != want)
			fr_buf_addf(&refusals, "%s holds PostgreSQL %s data, the inventory asks for %lld\n",
				    pg_data ? pg_data : "/pg/data", pgver, want);
		if (*pgver)
			fr_buf_addf(out, "  found       PGDATA %s (PostgreSQL %s)%s: %s\n", pg_data ? pg_data : "/pg/data", pgver,
				    *pgrun ? ", running" : "",
				    strstr(done, "pgsql") ? "farrow's own: kept, converged" : "kept: patroni takes it over (never wiped)");
	}
	if (id.etcd_instance && strstr(etcd, "data")) {
		char *tok = fr_xstrndup(etcd, strcspn(etcd, "\n"));

		if (*tok && strcmp(tok, "data") != 0 && etcd_cluster && strcmp(tok, etcd_cluster) != 0)
			fr_buf_addf(&refusals, "etcd data of cluster '%s' is here: not joined to '%s'\n", tok, etcd_cluster);
		fr_buf_addf(out, "  found       etcd data %s/member: kept\n", etcd_data ? etcd_data : "/data/etcd");
		free(tok);
	}

	/* the bundle against the node's own packages, with the solver repo-builder uses */
	fr_dpkg_installed(dpkg, strlen(dpkg), &installed);
	sv = fr_solv_new(0, b->arch);
	{
		int first;

		if (fr_solv_add_repo(sv, "bundle", 0, b->packages, b->len, &first, &err) < 0 ||
		    fr_solv_set_installed(sv, installed.buf, installed.len, &err) < 0) {
			snprintf(why, whylen, "%s", err.msg);
			r = -1;
			goto out;
		}
	}
	for (i = 0; i < npk; i++)
		if (fr_solv_request(sv, pk[i], NULL, NULL, NULL, &problems) == FR_ENOTFOUND)
			fr_buf_addf(&problems, "package %s: in neither the bundle nor the node\n", pk[i]);
	if (problems.len == 0 && fr_solv_solve(sv, 0, &ids, &nids, &changes, &problems, &err) < 0 && problems.len == 0)
		fr_buf_addf(&problems, "%s\n", err.msg);
	if (problems.len) {
		const char *p1 = strncmp(problems.buf, "problem 1: ", 11) == 0 ? problems.buf + 11 : problems.buf;

		fr_buf_addf(&refusals, "the bundle does not fit this node's installed packages (an OS point release older "
				       "or newer than the bundle's base): %.*s\n", (int)strcspn(p1, "\n"), p1);
		fr_buf_addn(&refusals, problems.buf, problems.len);
	} else {
		fr_buf_addf(out, "  packages    %zu for its roles: %zu to install from the bundle", npk, nids);
		if (changes.len) {
			char *line, *save = NULL;

			fr_buf_adds(out, "; installed packages replaced:\n");
			for (line = strtok_r(changes.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
				fr_buf_addf(out, "                %s\n", line);
		} else
			fr_buf_adds(out, ", no installed package replaced\n");
	}
	if (refusals.len) {
		char *line, *save = NULL, *copy = fr_xstrdup(refusals.buf);

		fr_buf_adds(out, "  REFUSED     ");
		for (line = strtok_r(refusals.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			fr_buf_addf(out, "%s%s\n", line == refusals.buf ? "" : "              ", line);
		snprintf(why, whylen, "refused: %.*s", (int)strcspn(copy, "\n"), copy);
		free(copy);
		r = 1;
	} else {
		fr_buf_adds(out, "  verdict     ready: farrow install may go on\n");
		snprintf(why, whylen, "ready");
	}
out:
	fr_solv_free(sv);
	free(ids);
	free(os), free(pgver), free(pgrun), free(scope), free(etcd), free(done), free(listen), free(dpkg);
	fr_buf_release(&cmd);
	fr_buf_release(&facts);
	fr_buf_release(&problems);
	fr_buf_release(&changes);
	fr_buf_release(&installed);
	fr_buf_release(&refusals);
	fr_ident_release(&id);
	return r;
}
