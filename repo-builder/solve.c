/* solve.c -- the dependency closure with libsolv, with apt's choices where libsolv's policy differs. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <solv/evr.h>
#include <solv/pool.h>
#include <solv/poolarch.h>
#include <solv/problems.h>
#include <solv/repo.h>
#include <solv/repo_deb.h>
#include <solv/repo_rpmmd.h>
#include <solv/rules.h>
#include <solv/selection.h>
#include <solv/solver.h>
#include <solv/transaction.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "rb.h"
#include "xalloc.h"

#define MAX_ROUNDS 8

/*
 * libsolv 0.7.23 (Debian 12) overflows a stack buffer on a stanza whose first
 * checksum is SHA512 or SHA384: feed it stanzas without those lines. The
 * stanzas written to the bundle are the untouched originals.
 */
static void add_sanitised(struct fr_buf *feed, const char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) + 1 : len - i;
		int skip = strncmp(line, "SHA512:", 7) == 0 || strncmp(line, "SHA384:", 7) == 0;

		/* continuation lines of a skipped field start with a space */
		if (!skip)
			fr_buf_addn(feed, line, ll);
		i += ll;
		if (skip)
			while (i < len && text[i] == ' ') {
				const char *n2 = memchr(text + i, '\n', len - i);

				i = n2 ? (size_t)(n2 - text) + 1 : len;
			}
	}
	if (feed->len && feed->buf[feed->len - 1] != '\n')
		fr_buf_addc(feed, '\n');
	fr_buf_addc(feed, '\n');
}

static int load_text(Repo *repo, const char *text, size_t len, int rpm)
{
	FILE *fp;
	int r;

	if (len == 0)
		return 0;
	fp = fmemopen((void *)text, len, "r");
	if (fp == NULL)
		return -1;
	r = rpm ? repo_add_rpmmd(repo, fp, 0, 0) : repo_add_debpackages(repo, fp, 0);
	fclose(fp);
	return r;
}

static const char rpm_head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xmlns=\"http://linux.duke.edu/metadata/common\" "
			       "xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\">\n";

/* The base: a dpkg status file (installed stanzas only), or names taken from the indexes. */
static int load_base(Pool *pool, const struct rb_manifest *m, struct rb_index *ix, size_t nix, int rpm,
		     struct fr_err *err)
{
	Repo *sys = repo_create(pool, "@System");
	struct fr_buf feed = FR_BUF_INIT;
	size_t i, j, k;
	int r = 0;

	if (rpm)
		fr_buf_adds(&feed, rpm_head);
	if (m->base_status && rpm) {
		r = fr_err_set(err, FR_EINVALID, "base: a dpkg status file describes a deb system, not an rpm one: list base packages");
		goto out;
	}
	if (m->base_status) {
		struct rb_index st = { 0 };
		char *text;
		size_t len;

		if (fr_read_file(m->base_status, 256u << 20, &text, &len, err) < 0) {
			r = FR_EIO;
			goto out;
		}
		st.text = text;
		st.len = len;
		rb_index_parse(&st);
		for (i = 0; i < st.npkgs; i++) {
			char *status = rb_stanza_field(st.pkgs[i].text, st.pkgs[i].len, "Status");

			/* dpkg keeps removed packages' stanzas (config-files): those are not installed */
			if (status && strcmp(status, "install ok installed") == 0)
				add_sanitised(&feed, st.pkgs[i].text, st.pkgs[i].len);
			free(status);
		}
		rb_index_release(&st);
	}
	for (k = 0; k < m->nbase_packages; k++) {
		const struct rb_pkg *best = NULL;

		for (i = 0; i < nix; i++)
			for (j = 0; j < ix[i].npkgs; j++) {
				const struct rb_pkg *p = &ix[i].pkgs[j];

				if (strcmp(p->name, m->base_packages[k]) == 0 &&
				    (best == NULL || pool_evrcmp_str(pool, p->version, best->version, EVRCMP_COMPARE) > 0))
					best = p;
			}
		if (best == NULL) {
			r = fr_err_set(err, FR_EINVALID, "base package '%s' is in no repository", m->base_packages[k]);
			goto out;
		}
		if (rpm) {
			fr_buf_addn(&feed, best->text, best->len);
			fr_buf_addc(&feed, '\n');
		} else
			add_sanitised(&feed, best->text, best->len);
	}
	if (rpm)
		fr_buf_adds(&feed, "</metadata>\n");
	if (load_text(sys, feed.buf, feed.len, rpm) < 0)
		r = fr_err_set(err, FR_EINVALID, "libsolv cannot read the base: %s", pool_errstr(pool));
	pool_set_installed(pool, sys);
out:
	fr_buf_release(&feed);
	return r;
}

static int rel_flags(const char *op)
{
	if (strcmp(op, ">=") == 0)
		return REL_GT | REL_EQ;
	if (strcmp(op, "<=") == 0)
		return REL_LT | REL_EQ;
	if (strcmp(op, ">") == 0 || strcmp(op, ">>") == 0)
		return REL_GT;
	if (strcmp(op, "<") == 0 || strcmp(op, "<<") == 0)
		return REL_LT;
	return REL_EQ;
}

/* 1 if some provider of dep is in the result set. */
static int provided(Pool *pool, Id dep, const unsigned char *in)
{
	Id p, pp;

	FOR_PROVIDES(p, pp, dep)
		if (in[p])
			return 1;
	return 0;
}

static int has_providers(Pool *pool, Id dep)
{
	Id p, pp;

	FOR_PROVIDES(p, pp, dep)
		return 1;
	return 0;
}

/* 1 if a solvable is named name (a real package, not only a virtual one). */
static int real_package(Pool *pool, Id name)
{
	Id p, pp;

	FOR_PROVIDES(p, pp, name)
		if (pool->solvables[p].name == name)
			return 1;
	return 0;
}

static int favored(const Queue *fav, Id how, Id what)
{
	int i;

	for (i = 0; i < fav->count; i += 2)
		if (fav->elements[i] == how && fav->elements[i + 1] == what)
			return 1;
	return 0;
}

/*
 * apt's choices: the first alternative of "a | b", and a real package over
 * another provider of its name. Adds SOLVER_FAVOR jobs; returns how many.
 */
static int apt_shims(Pool *pool, const unsigned char *in, int recommends, Queue *fav)
{
	Queue deps;
	Id p;
	int added = 0, i, k;

	queue_init(&deps);
	for (p = 2; p < pool->nsolvables; p++) {
		Solvable *s = pool->solvables + p;

		if (!in[p] || s->repo == pool->installed)
			continue;
		for (k = 0; k < (recommends ? 2 : 1); k++) {
			queue_empty(&deps);
			solvable_lookup_deparray(s, k == 0 ? SOLVABLE_REQUIRES : SOLVABLE_RECOMMENDS, &deps, -1);
			for (i = 0; i < deps.count; i++) {
				Id dep = deps.elements[i], first = dep, name;

				if (dep == SOLVABLE_PREREQMARKER)
					continue;
				if (ISRELDEP(dep) && GETRELDEP(pool, dep)->flags == REL_OR) {
					while (ISRELDEP(first) && GETRELDEP(pool, first)->flags == REL_OR)
						first = GETRELDEP(pool, first)->name;
					if (!provided(pool, first, in) && has_providers(pool, first) &&
					    !favored(fav, SOLVER_FAVOR | SOLVER_SOLVABLE_PROVIDES, first)) {
						queue_push2(fav, SOLVER_FAVOR | SOLVER_SOLVABLE_PROVIDES, first);
						added++;
					}
					continue;
				}
				name = dep;
				while (ISRELDEP(name))
					name = GETRELDEP(pool, name)->name;
				if (real_package(pool, name) && !favored(fav, SOLVER_FAVOR | SOLVER_SOLVABLE_NAME, name)) {
					Id q, qq;
					int named = 0;

					FOR_PROVIDES(q, qq, name)
						if (in[q] && pool->solvables[q].name == name)
							named = 1;
					if (!named && provided(pool, dep, in)) {
						queue_push2(fav, SOLVER_FAVOR | SOLVER_SOLVABLE_NAME, name);
						added++;
					}
				}
			}
		}
	}
	queue_free(&deps);
	return added;
}

static void problems_text(Solver *solv, struct fr_buf *out)
{
	Id problem = 0;
	int n = 0;

	while ((problem = solver_next_problem(solv, problem)) != 0) {
		Queue rules;
		int i;

		fr_buf_addf(out, "problem %d: %s\n", ++n, solver_problem2str(solv, problem));
		queue_init(&rules);
		solver_findallproblemrules(solv, problem, &rules);
		for (i = 0; i < rules.count; i++) {
			Id from, to, dep;
			SolverRuleinfo ri = solver_ruleinfo(solv, rules.elements[i], &from, &to, &dep);

			fr_buf_addf(out, "  - %s\n", solver_problemruleinfo2str(solv, ri, from, to, dep));
		}
		queue_free(&rules);
	}
}

static int cmp_pkg(const void *a, const void *b)
{
	const struct rb_pkg *x = *(const struct rb_pkg *const *)a, *y = *(const struct rb_pkg *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->arch, y->arch);
}

int rb_solve(const struct rb_manifest *m, const char *target, struct rb_index *ix, size_t nix,
	     struct rb_closure *out, struct fr_buf *problems, struct fr_err *err)
{
	Pool *pool = pool_create();
	Solver *solv = NULL;
	Queue job, fav, res;
	struct rb_pkg **bysid = NULL;
	unsigned char *in = NULL;
	char distro[16], arch[16];
	const char *debarch;
	size_t i, j, unknown = 0;
	int r = 0, round, deb;
	struct fr_buf msg = FR_BUF_INIT;

	memset(out, 0, sizeof(*out));
	queue_init(&job);
	queue_init(&fav);
	queue_init(&res);
	rb_target_split(target, distro, sizeof(distro), arch, sizeof(arch), &debarch, &deb);
	/* the dist type before the arch: it sets what "all"/"noarch" means */
	pool_setdisttype(pool, deb ? DISTTYPE_DEB : DISTTYPE_RPM);
	pool_setarch(pool, deb ? debarch : arch);
	for (i = 0; i < nix; i++) {
		Repo *repo = repo_create(pool, m->repos[ix[i].repo].name);
		struct fr_buf feed = FR_BUF_INIT;
		Id start = pool->nsolvables;

		repo->priority = m->repos[ix[i].repo].priority;
		/* copy only when some stanza has the lines libsolv 0.7.23 trips on */
		if (deb && (memmem(ix[i].text, ix[i].len, "\nSHA512:", 8) || memmem(ix[i].text, ix[i].len, "\nSHA384:", 8)))
			for (j = 0; j < ix[i].npkgs; j++)
				add_sanitised(&feed, ix[i].pkgs[j].text, ix[i].pkgs[j].len);
		if (load_text(repo, feed.len ? feed.buf : ix[i].text, feed.len ? feed.len : ix[i].len, !deb) < 0 ||
		    (size_t)(pool->nsolvables - start) != ix[i].npkgs) {
			r = fr_err_set(err, FR_EINVALID, "libsolv read %d of the %zu stanzas of '%s'",
				       pool->nsolvables - start, ix[i].npkgs, m->repos[ix[i].repo].name);
			fr_buf_release(&feed);
			goto out;
		}
		fr_buf_release(&feed);
		for (j = 0; j < ix[i].npkgs; j++)
			ix[i].pkgs[j].solvable = start + (Id)j;
	}
	if ((r = load_base(pool, m, ix, nix, !deb, err)) < 0)
		goto out;
	pool_addfileprovides(pool);
	pool_createwhatprovides(pool);
	bysid = fr_xcalloc((size_t)pool->nsolvables, sizeof(*bysid));
	for (i = 0; i < nix; i++)
		for (j = 0; j < ix[i].npkgs; j++)
			bysid[ix[i].pkgs[j].solvable] = &ix[i].pkgs[j];

	for (i = 0; i < m->npkgs; i++) {
		const struct rb_pkgreq *q = &m->pkgs[i];
		Id name, what;

		if (!rb_targets_match(q->targets, q->ntargets, target))
			continue;
		name = pool_str2id(pool, q->name, 0);
		if (name == 0 || !has_providers(pool, name)) {
			fr_buf_addf(&msg, "%s'%s'", unknown++ ? ", " : "", q->name);
			continue;
		}
		what = name;
		if (q->version)
			what = pool_rel2id(pool, name, pool_str2id(pool, q->version, 1), rel_flags(q->op), 1);
		if (q->repo) {
			Queue one;
			Id p, pp;

			queue_init(&one);
			FOR_PROVIDES(p, pp, what)
				if (pool->solvables[p].name == name && pool->solvables[p].repo->name &&
				    strcmp(pool->solvables[p].repo->name, q->repo) == 0)
					queue_push(&one, p);
			if (one.count == 0) {
				fr_buf_addf(problems, "no package '%s'%s%s%s in repository '%s'\n", q->name,
					    q->version ? " " : "", q->version ? q->op : "", q->version ? q->version : "",
					    q->repo);
				queue_free(&one);
				r = FR_EINVALID;
				continue;
			}
			queue_push2(&job, SOLVER_INSTALL | SOLVER_SOLVABLE_ONE_OF, pool_queuetowhatprovides(pool, &one));
			queue_free(&one);
		} else if (real_package(pool, name))
			queue_push2(&job, SOLVER_INSTALL | SOLVER_SOLVABLE_NAME, what);
		else
			queue_push2(&job, SOLVER_INSTALL | SOLVER_SOLVABLE_PROVIDES, what);
	}
	if (unknown) {
		r = fr_err_set(err, FR_ENOTFOUND, "unknown package%s %s: in no repository for %s", unknown > 1 ? "s" : "",
			       msg.buf, target);
		goto out;
	}
	if (r < 0) {
		r = fr_err_set(err, FR_EINVALID, "the requested packages cannot be resolved for %s", target);
		goto out;
	}
	in = fr_xcalloc((size_t)pool->nsolvables, 1);
	for (round = 0; round < MAX_ROUNDS; round++) {
		Queue all;
		Transaction *trans;
		int k;

		if (solv)
			solver_free(solv);
		solv = solver_create(pool);
		solver_set_flag(solv, SOLVER_FLAG_IGNORE_RECOMMENDED, !m->recommends);
		solver_set_flag(solv, SOLVER_FLAG_BEST_OBEY_POLICY, 1);
		queue_init_clone(&all, &job);
		for (k = 0; k < fav.count; k++)
			queue_push(&all, fav.elements[k]);
		if (solver_solve(solv, &all) != 0) {
			problems_text(solv, problems);
			queue_free(&all);
			r = fr_err_set(err, FR_EINVALID, "the requested packages cannot be resolved for %s", target);
			goto out;
		}
		queue_free(&all);
		trans = solver_create_transaction(solv);
		queue_empty(&res);
		transaction_installedresult(trans, &res);
		transaction_free(trans);
		memset(in, 0, (size_t)pool->nsolvables);
		for (k = 0; k < res.count; k++)
			in[res.elements[k]] = 1;
		if (!deb || apt_shims(pool, in, m->recommends, &fav) == 0)
			break;
	}
	out->pkgs = fr_xcalloc((size_t)res.count + 1, sizeof(*out->pkgs));
	for (i = 0; i < (size_t)res.count; i++) {
		Id p = res.elements[i];

		if (pool->solvables[p].repo == pool->installed || bysid[p] == NULL)
			continue;
		out->pkgs[out->npkgs++] = bysid[p];
		if (bysid[p]->size > 0)
			out->bytes += bysid[p]->size;
	}
	qsort(out->pkgs, out->npkgs, sizeof(*out->pkgs), cmp_pkg);
out:
	fr_buf_release(&msg);
	free(in);
	free(bysid);
	queue_free(&job);
	queue_free(&fav);
	queue_free(&res);
	if (solv)
		solver_free(solv);
	pool_free(pool);
	return r;
}

void rb_closure_release(struct rb_closure *c)
{
	free(c->pkgs);
	memset(c, 0, sizeof(*c));
}
