/* solve.c -- dependency solving with libsolv, with apt's choices where libsolv's policy differs. */
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

#include "solve.h"
#include "xalloc.h"

#define MAX_ROUNDS 8

struct fr_solv {
	Pool *pool;
	int rpm;
	int prepared;
	Queue job;
};

struct fr_solv *fr_solv_new(int rpm, const char *arch)
{
	struct fr_solv *s = fr_xcalloc(1, sizeof(*s));

	s->pool = pool_create();
	s->rpm = rpm;
	/* the dist type before the arch: it sets what "all"/"noarch" means */
	pool_setdisttype(s->pool, rpm ? DISTTYPE_RPM : DISTTYPE_DEB);
	pool_setarch(s->pool, arch);
	queue_init(&s->job);
	return s;
}

void fr_solv_free(struct fr_solv *s)
{
	if (s == NULL)
		return;
	queue_free(&s->job);
	pool_free(s->pool);
	free(s);
}

/*
 * libsolv 0.7.23 (Debian 12) overflows a stack buffer on a stanza whose first
 * checksum is SHA512 or SHA384: feed it stanzas without those lines (the
 * caller's text, written to bundles, stays untouched).
 */
static void sanitise(struct fr_buf *feed, const char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) + 1 : len - i;
		int skip = strncmp(line, "SHA512:", 7) == 0 || strncmp(line, "SHA384:", 7) == 0;

		if (!skip)
			fr_buf_addn(feed, line, ll);
		i += ll;
		/* continuation lines of a skipped field start with a space */
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

static int load_text(struct fr_solv *s, Repo *repo, const char *text, size_t len)
{
	struct fr_buf feed = FR_BUF_INIT;
	FILE *fp;
	int r;

	if (len == 0)
		return 0;
	if (!s->rpm && (memmem(text, len, "SHA512:", 7) || memmem(text, len, "SHA384:", 7))) {
		sanitise(&feed, text, len);
		text = feed.buf;
		len = feed.len;
	}
	fp = fmemopen((void *)text, len, "r");
	if (fp == NULL) {
		fr_buf_release(&feed);
		return -1;
	}
	r = s->rpm ? repo_add_rpmmd(repo, fp, 0, 0) : repo_add_debpackages(repo, fp, 0);
	fclose(fp);
	fr_buf_release(&feed);
	return r;
}

int fr_solv_add_repo(struct fr_solv *s, const char *name, int priority, const char *text, size_t len, int *first,
		     struct fr_err *err)
{
	Repo *repo = repo_create(s->pool, name);
	Id start = s->pool->nsolvables;

	repo->priority = priority;
	*first = start;
	if (load_text(s, repo, text, len) < 0)
		return fr_err_set(err, FR_EINVALID, "libsolv cannot read the index of '%s': %s", name,
				  pool_errstr(s->pool));
	return s->pool->nsolvables - start;
}

int fr_solv_set_installed(struct fr_solv *s, const char *text, size_t len, struct fr_err *err)
{
	Repo *sys = repo_create(s->pool, "@System");

	if (load_text(s, sys, text, len) < 0)
		return fr_err_set(err, FR_EINVALID, "libsolv cannot read the installed packages: %s", pool_errstr(s->pool));
	pool_set_installed(s->pool, sys);
	return 0;
}

void fr_dpkg_installed(const char *status, size_t len, struct fr_buf *out)
{
	size_t i = 0;

	while (i < len) {
		const char *st = status + i, *end = memmem(st, len - i, "\n\n", 2);
		size_t sl = end ? (size_t)(end - st) + 1 : len - i;
		const char *f = memmem(st, sl, "Status: ", 8);

		/* dpkg keeps removed packages' stanzas (config-files): those are not installed */
		if (f && (f == st || f[-1] == '\n') && strncmp(f + 8, "install ok installed\n", 21) == 0) {
			fr_buf_addn(out, st, sl);
			fr_buf_addc(out, '\n');
		}
		i += sl;
		while (i < len && status[i] == '\n')
			i++;
	}
}

static void prepare(struct fr_solv *s)
{
	if (s->prepared)
		return;
	pool_addfileprovides(s->pool);
	pool_createwhatprovides(s->pool);
	s->prepared = 1;
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

int fr_solv_request(struct fr_solv *s, const char *name_s, const char *op, const char *version, const char *repo,
		    struct fr_buf *problems)
{
	Pool *pool = s->pool;
	Id name, what;

	prepare(s);
	name = pool_str2id(pool, name_s, 0);
	if (name == 0 || !has_providers(pool, name))
		return FR_ENOTFOUND;
	what = name;
	if (version)
		what = pool_rel2id(pool, name, pool_str2id(pool, version, 1), rel_flags(op ? op : "="), 1);
	if (repo) {
		Queue one;
		Id p, pp;

		queue_init(&one);
		FOR_PROVIDES(p, pp, what)
			if (pool->solvables[p].name == name && pool->solvables[p].repo->name &&
			    strcmp(pool->solvables[p].repo->name, repo) == 0)
				queue_push(&one, p);
		if (one.count == 0) {
			fr_buf_addf(problems, "no package '%s'%s%s%s in repository '%s'\n", name_s, version ? " " : "",
				    version ? (op ? op : "=") : "", version ? version : "", repo);
			queue_free(&one);
			return FR_EINVALID;
		}
		queue_push2(&s->job, SOLVER_INSTALL | SOLVER_SOLVABLE_ONE_OF, pool_queuetowhatprovides(pool, &one));
		queue_free(&one);
	} else if (real_package(pool, name))
		queue_push2(&s->job, SOLVER_INSTALL | SOLVER_SOLVABLE_NAME, what);
	else
		queue_push2(&s->job, SOLVER_INSTALL | SOLVER_SOLVABLE_PROVIDES, what);
	return 0;
}

int fr_solv_solve(struct fr_solv *s, int recommends, int **ids, size_t *n, struct fr_buf *changes,
		  struct fr_buf *problems, struct fr_err *err)
{
	Pool *pool = s->pool;
	Solver *solv = NULL;
	Queue fav, res;
	unsigned char *in;
	int r = 0, round, k;

	*ids = NULL;
	*n = 0;
	prepare(s);
	queue_init(&fav);
	queue_init(&res);
	in = fr_xcalloc((size_t)pool->nsolvables, 1);
	for (round = 0; round < MAX_ROUNDS; round++) {
		Queue all;
		Transaction *trans;

		if (solv)
			solver_free(solv);
		solv = solver_create(pool);
		solver_set_flag(solv, SOLVER_FLAG_IGNORE_RECOMMENDED, !recommends);
		solver_set_flag(solv, SOLVER_FLAG_BEST_OBEY_POLICY, 1);
		queue_init_clone(&all, &s->job);
		for (k = 0; k < fav.count; k++)
			queue_push(&all, fav.elements[k]);
		if (solver_solve(solv, &all) != 0) {
			problems_text(solv, problems);
			queue_free(&all);
			r = fr_err_set(err, FR_EINVALID, "the requested packages cannot be resolved");
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
		if (s->rpm || apt_shims(pool, in, recommends, &fav) == 0)
			break;
	}
	*ids = fr_xcalloc((size_t)res.count + 1, sizeof(**ids));
	for (k = 0; k < res.count; k++) {
		Id p = res.elements[k], q;
		Solvable *sv = pool->solvables + p;

		if (sv->repo == pool->installed)
			continue;
		(*ids)[(*n)++] = p;
		if (changes && pool->installed) {
			Solvable *iv;

			FOR_REPO_SOLVABLES(pool->installed, q, iv) {
				if (iv->name == sv->name)
					fr_buf_addf(changes, "%s %s -> %s\n", pool_id2str(pool, sv->name),
						    pool_id2str(pool, iv->evr), pool_id2str(pool, sv->evr));
			}
		}
	}
out:
	free(in);
	queue_free(&fav);
	queue_free(&res);
	if (solv)
		solver_free(solv);
	return r;
}

const char *fr_solv_name(const struct fr_solv *s, int id)
{
	return pool_id2str(s->pool, s->pool->solvables[id].name);
}

const char *fr_solv_evr(const struct fr_solv *s, int id)
{
	return pool_id2str(s->pool, s->pool->solvables[id].evr);
}

int fr_solv_evrcmp(const struct fr_solv *s, const char *a, const char *b)
{
	return pool_evrcmp_str(s->pool, a, b, EVRCMP_COMPARE);
}
