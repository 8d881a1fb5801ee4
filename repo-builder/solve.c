/* solve.c -- repo-builder's closure: a manifest's packages over its repositories' indexes (lib/solve). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "image.h"
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

/* A field of a deb stanza has this value ("Priority", "required"). */
static int field_is(const char *text, size_t len, const char *field, const char *value)
{
	size_t fl = strlen(field), vl = strlen(value), i = 0;

	while (i < len) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) : len - i;

		if (ll == fl + 2 + vl && strncmp(line, field, fl) == 0 && line[fl] == ':' && line[fl + 1] == ' ' &&
		    strncmp(line + fl + 2, value, vl) == 0)
			return 1;
		i += ll + 1;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * What an image-capable bundle adds to the request: the base system (minbase: every Essential
 * and Priority: required package of the repositories of the highest priority, as debootstrap and
 * mmdebstrap choose them), lib/image.c's lists for the target (a node root's, and what the ISO's
 * live system adds), the manifest's base and image
 * packages. Anything of it in no repository is named, and the bundle is not built.
 */
static int request_image(struct fr_solv *sv, const struct rb_manifest *m, const char *target, struct rb_index *ix,
			 size_t nix, struct fr_buf *problems, struct fr_err *err)
{
	const char *const *fixed = fr_image_packages(target), *const *live = fr_iso_packages(target);
	const char **names = NULL;
	struct fr_buf missing = FR_BUF_INIT;
	size_t i, j, n = 0, alloc = 0, nmissing = 0;
	int top = 0, r = 0;

	if (fixed == NULL)
		return fr_err_set(err, FR_EINVALID, "farrow knows no image package list for %s", target);
	for (i = 0; i < nix; i++)
		if (m->repos[ix[i].repo].priority > top)
			top = m->repos[ix[i].repo].priority;
	for (i = 0; i < nix; i++)
		for (j = 0; j < ix[i].npkgs && m->repos[ix[i].repo].priority == top; j++)
			if (field_is(ix[i].pkgs[j].text, ix[i].pkgs[j].len, "Priority", "required") ||
			    field_is(ix[i].pkgs[j].text, ix[i].pkgs[j].len, "Essential", "yes")) {
				FR_ALLOC_GROW(names, n + 1, alloc);
				names[n++] = ix[i].pkgs[j].name;
			}
	for (i = 0; fixed[i]; i++) {
		FR_ALLOC_GROW(names, n + 1, alloc);
		names[n++] = fixed[i];
	}
	for (i = 0; live && live[i]; i++) {
		FR_ALLOC_GROW(names, n + 1, alloc);
		names[n++] = live[i];
	}
	for (i = 0; i < m->nbase_packages + m->nimage_packages; i++) {
		FR_ALLOC_GROW(names, n + 1, alloc);
		names[n++] = i < m->nbase_packages ? m->base_packages[i] : m->image_packages[i - m->nbase_packages];
	}
	if (n == 0) {
		free(names);
		return 0;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		int rq;

		if (i && strcmp(names[i], names[i - 1]) == 0)
			continue;
		rq = fr_solv_request(sv, names[i], NULL, NULL, NULL, problems);
		if (rq == FR_ENOTFOUND)
			fr_buf_addf(&missing, "%s'%s'", nmissing++ ? ", " : "", names[i]);
		else if (rq < 0)
			r = FR_EINVALID;
	}
	if (nmissing)
		r = fr_err_set(err, FR_ENOTFOUND, "not image-capable: a root of %s needs %s, in no repository", target,
			       missing.buf);
	else if (r < 0)
		r = fr_err_set(err, FR_EINVALID, "the image packages cannot be requested for %s", target);
	fr_buf_release(&missing);
	free(names);
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
	if (m->image && !deb) {
		r = fr_err_set(err, FR_EINVALID, "an image-capable bundle is for Debian and Ubuntu targets; %s is not one",
			       target);
		goto out;
	}
	/* an image-capable bundle carries the base too: nothing is taken as installed */
	if (!m->image && (r = load_base(sv, m, ix, nix, !deb, err)) < 0)
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
	if (m->image && (r = request_image(sv, m, target, ix, nix, problems, err)) < 0)
		goto out;
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
