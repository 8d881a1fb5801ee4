/* solve.c -- repo-builder's closure: a manifest's packages over its repositories' indexes (lib/solve). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "bundle.h"
#include "rb.h"
#include "solve.h"
#include "xalloc.h"

static const char rpm_head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xmlns=\"http://linux.duke.edu/metadata/common\" "
			       "xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\">\n";

/* The base: a dpkg status file (installed stanzas only), or names taken from the indexes. */
static int load_base(struct fr_solv *sv, const struct rb_manifest *m, struct rb_index *ix, size_t nix, int rpm,
		     struct fr_err *err)
{
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
		char *text;
		size_t len;

		if (fr_read_file(m->base_status, 256u << 20, &text, &len, err) < 0) {
			r = FR_EIO;
			goto out;
		}
		fr_dpkg_installed(text, len, &feed);
		free(text);
	}
	for (k = 0; k < m->nbase_packages; k++) {
		/* the version a base system has: apt's candidate, from the repository of the highest
		 * priority, then the highest version there (a pinned newer suite is not the base) */
		const struct rb_pkg *best = NULL;
		int best_prio = 0;

		for (i = 0; i < nix; i++)
			for (j = 0; j < ix[i].npkgs; j++) {
				const struct rb_pkg *p = &ix[i].pkgs[j];
				int prio = m->repos[ix[i].repo].priority;

				if (strcmp(p->name, m->base_packages[k]) == 0 &&
				    (best == NULL || prio > best_prio ||
				     (prio == best_prio && fr_solv_evrcmp(sv, p->version, best->version) > 0))) {
					best = p;
					best_prio = prio;
				}
			}
		if (best == NULL) {
			r = fr_err_set(err, FR_EINVALID, "base package '%s' is in no repository", m->base_packages[k]);
			goto out;
		}
		fr_buf_addn(&feed, best->text, best->len);
		fr_buf_adds(&feed, rpm ? "\n" : "\n\n");
	}
	if (rpm)
		fr_buf_adds(&feed, "</metadata>\n");
	r = fr_solv_set_installed(sv, feed.buf, feed.len, err);
out:
	fr_buf_release(&feed);
	return r;
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
	struct fr_solv *sv;
	struct rb_pkg **bysid = NULL;
	char distro[16], arch[16];
	const char *debarch;
	int *ids = NULL, r = 0, deb, maxid = 0;
	size_t i, j, unknown = 0, nids = 0;
	struct fr_buf msg = FR_BUF_INIT;

	memset(out, 0, sizeof(*out));
	fr_target_split(target, distro, sizeof(distro), arch, sizeof(arch), &debarch, &deb);
	sv = fr_solv_new(!deb, deb ? debarch : arch);
	for (i = 0; i < nix; i++) {
		int first, n = fr_solv_add_repo(sv, m->repos[ix[i].repo].name, m->repos[ix[i].repo].priority, ix[i].text,
						ix[i].len, &first, err);

		if (n < 0 || (size_t)n != ix[i].npkgs) {
			r = fr_err_set(err, FR_EINVALID, "libsolv read %d of the %zu stanzas of '%s'", n < 0 ? 0 : n,
				       ix[i].npkgs, m->repos[ix[i].repo].name);
			goto out;
		}
		for (j = 0; j < ix[i].npkgs; j++)
			ix[i].pkgs[j].solvable = first + (int)j;
		if (first + n > maxid)
			maxid = first + n;
	}
	if ((r = load_base(sv, m, ix, nix, !deb, err)) < 0)
		goto out;
	bysid = fr_xcalloc((size_t)maxid + 1, sizeof(*bysid));
	for (i = 0; i < nix; i++)
		for (j = 0; j < ix[i].npkgs; j++)
			bysid[ix[i].pkgs[j].solvable] = &ix[i].pkgs[j];
	for (i = 0; i < m->npkgs; i++) {
		const struct rb_pkgreq *q = &m->pkgs[i];
		int rq;

		if (!rb_targets_match(q->targets, q->ntargets, target))
			continue;
		rq = fr_solv_request(sv, q->name, q->op, q->version, q->repo, problems);
		if (rq == FR_ENOTFOUND)
			fr_buf_addf(&msg, "%s'%s'", unknown++ ? ", " : "", q->name);
		else if (rq < 0)
			r = FR_EINVALID;
	}
	if (unknown) {
		r = fr_err_set(err, FR_ENOTFOUND, "unknown package%s %s: in no repository for %s", unknown > 1 ? "s" : "",
			       msg.buf, target);
		goto out;
	}
	if (r < 0 || fr_solv_solve(sv, m->recommends, &ids, &nids, NULL, problems, err) < 0) {
		r = fr_err_set(err, FR_EINVALID, "the requested packages cannot be resolved for %s", target);
		goto out;
	}
	out->pkgs = fr_xcalloc(nids + 1, sizeof(*out->pkgs));
	for (i = 0; i < nids; i++) {
		if (ids[i] > maxid || bysid[ids[i]] == NULL)
			continue;
		out->pkgs[out->npkgs++] = bysid[ids[i]];
		if (bysid[ids[i]]->size > 0)
			out->bytes += bysid[ids[i]]->size;
	}
	qsort(out->pkgs, out->npkgs, sizeof(*out->pkgs), cmp_pkg);
out:
	fr_buf_release(&msg);
	free(ids);
	free(bysid);
	fr_solv_free(sv);
	return r;
}

void rb_closure_release(struct rb_closure *c)
{
	free(c->pkgs);
	memset(c, 0, sizeof(*c));
}
