/* manifest.c -- read and check a bundle manifest (profiles/bundles, YAML). */
/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "crypto.h"
#include "fileio.h"
#include "params.h"
#include "rb.h"
#include "xalloc.h"


static int in(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

int rb_targets_match(char *const *list, size_t n, const char *target)
{
	size_t i, dl;
	const char *dot = strchr(target, '.');

	if (list == NULL)
		return 1;
	dl = dot ? (size_t)(dot - target) : strlen(target);
	for (i = 0; i < n; i++)
		if (strcmp(list[i], target) == 0 || (strlen(list[i]) == dl && strncmp(list[i], target, dl) == 0))
			return 1;
	return 0;
}

#define ERR(m, n, param, ...) \
	fr_diags_add(&(m)->diags, FR_SEV_ERROR, (n) ? (n)->line : 0, (n) ? (n)->col : 0, param, __VA_ARGS__)
#define WARN(m, n, param, ...) \
	fr_diags_add(&(m)->diags, FR_SEV_WARNING, (n) ? (n)->line : 0, (n) ? (n)->col : 0, param, __VA_ARGS__)

static char *str(struct rb_manifest *m, const struct fr_node *n, const char *param, int required,
		 const struct fr_node *parent)
{
	if (n == NULL || fr_node_is_null(n)) {
		if (required)
			ERR(m, parent, param, "required");
		return NULL;
	}
	if (!fr_node_is_scalar(n)) {
		ERR(m, n, param, "expected a string, got %s", fr_node_kind_name(n));
		return NULL;
	}
	return fr_xstrdup(n->str);
}

/* A package name as deb and rpm spell them: letters, digits and + - . _ : */
static int pkg_name_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("+-._:", *s))
			return 0;
	return 1;
}

static char **strlist(struct rb_manifest *m, const struct fr_node *n, const char *param, size_t *count)
{
	char **v;
	size_t i;

	*count = 0;
	if (n == NULL)
		return NULL;
	if (fr_node_is_scalar(n) && !fr_node_is_null(n)) {
		v = fr_xcalloc(1, sizeof(*v));
		v[0] = fr_xstrdup(n->str);
		*count = 1;
		return v;
	}
	if (!fr_node_is_seq(n)) {
		ERR(m, n, param, "expected a list, got %s", fr_node_kind_name(n));
		return NULL;
	}
	v = fr_xcalloc(n->n ? n->n : 1, sizeof(*v));
	for (i = 0; i < n->n; i++) {
		if (!fr_node_is_scalar(n->items[i]) || fr_node_is_null(n->items[i])) {
			ERR(m, n->items[i], param, "expected a string, got %s", fr_node_kind_name(n->items[i]));
			continue;
		}
		v[(*count)++] = fr_xstrdup(n->items[i]->str);
	}
	return v;
}

static char *abspath(const struct rb_manifest *m, const char *p)
{
	return p[0] == '/' ? fr_xstrdup(p) : fr_xasprintf("%s/%s", m->dir, p);
}

static void check_keys(struct rb_manifest *m, const struct fr_node *map, const char *const *known, const char *what)
{
	size_t i;

	for (i = 0; fr_node_is_map(map) && i < map->n; i++) {
		const char *k = fr_node_str(map->keys[i]);

		if (k == NULL || !in(k, known))
			WARN(m, map->keys[i], k ? k : what, "warning: unknown key in %s", what);
	}
}

static char *subst_v(const char *s, int pgv)
{
	const char *p = strstr(s, "$v");
	char *r;

	if (p == NULL)
		return fr_xstrdup(s);
	r = fr_xasprintf("%.*s%d%s", (int)(p - s), s, pgv, p + 2);
	if (strstr(r, "$v")) {
		char *again = subst_v(r, pgv);

		free(r);
		return again;
	}
	return r;
}

static void parse_targets(struct rb_manifest *m, const struct fr_node *n, char ***out, size_t *count,
			  int full)
{
	size_t i;

	*out = strlist(m, n, "targets", count);
	for (i = 0; i < *count; i++) {
		char d[16], a[16];

		if (full ? fr_target_split((*out)[i], d, sizeof(d), a, sizeof(a), NULL, NULL) == 0
			 : (fr_target_distro_known((*out)[i]) ||
			    fr_target_split((*out)[i], d, sizeof(d), a, sizeof(a), NULL, NULL) == 0))
			continue;
		ERR(m, fr_node_is_seq(n) ? n->items[i] : n, "targets",
		    "'%s' is not a target: <el8|el9|el10|d12|d13|u22|u24>%s", (*out)[i],
		    full ? ".<x86_64|aarch64>" : "[.<arch>]");
	}
}

static void parse_repo(struct rb_manifest *m, const struct fr_node *n, const char *region, struct rb_repo *r)
{
	static const char *const known[] = { "name", "type", "url", "suite", "components", "key", "targets",
					     "priority", "debs", NULL };
	const struct fr_node *u;
	char *type;
	long long pr;

	r->line = n->line;
	r->col = n->col;
	if (!fr_node_is_map(n)) {
		ERR(m, n, "repos", "each repository is a mapping (name, type, url, ...)");
		return;
	}
	check_keys(m, n, known, "a repository");
	r->name = str(m, fr_node_get(n, "name"), "name", 1, n);
	type = str(m, fr_node_get(n, "type"), "type", 1, n);
	if (type) {
		if (strcmp(type, "deb") == 0)
			r->type = RB_REPO_DEB;
		else if (strcmp(type, "rpm-md") == 0)
			r->type = RB_REPO_RPMMD;
		else if (strcmp(type, "host-apt") == 0)
			r->type = RB_REPO_HOST_APT;
		else if (strcmp(type, "debs") == 0)
			r->type = RB_REPO_DEBS;
		else
			ERR(m, fr_node_get(n, "type"), "type", "'%s' is not deb, rpm-md, host-apt or debs", type);
		free(type);
	}
	u = fr_node_get(n, "url");
	if (fr_node_is_map(u)) {
		/* per region, as Pigsty's repo_upstream baseurl */
		const struct fr_node *v = fr_node_get(u, region ? region : "default");

		if (v == NULL)
			v = fr_node_get(u, "default");
		r->url = str(m, v, "url", 1, u);
	} else if (r->type != RB_REPO_HOST_APT && r->type != RB_REPO_DEBS)
		r->url = str(m, u, "url", 1, n);
	if (r->url) {
		size_t l = strlen(r->url);

		while (l > 1 && r->url[l - 1] == '/')
			r->url[--l] = '\0';
	}
	if (r->type == RB_REPO_HOST_APT && fr_node_get(n, "suite")) {
		/* the host's own source with another suite (trixie beside bookworm) */
		r->suite = str(m, fr_node_get(n, "suite"), "suite", 1, n);
		r->components = strlist(m, fr_node_get(n, "components"), "components", &r->ncomponents);
		if (r->suite && (r->suite[strspn(r->suite, "abcdefghijklmnopqrstuvwxyz0123456789-")] || !*r->suite))
			ERR(m, fr_node_get(n, "suite"), "suite", "'%s' is not a suite name ([a-z0-9-]+)", r->suite);
		if (r->ncomponents == 0 && fr_node_get(n, "components") == NULL) {
			r->components = fr_xcalloc(1, sizeof(char *));
			r->components[0] = fr_xstrdup("main");
			r->ncomponents = 1;
		}
	}
	if (r->type == RB_REPO_DEB) {
		char *key;

		r->suite = str(m, fr_node_get(n, "suite"), "suite", 1, n);
		r->components = strlist(m, fr_node_get(n, "components"), "components", &r->ncomponents);
		if (r->ncomponents == 0 && fr_node_get(n, "components") == NULL) {
			r->components = fr_xcalloc(1, sizeof(char *));
			r->components[0] = fr_xstrdup("main");
			r->ncomponents = 1;
		}
		key = str(m, fr_node_get(n, "key"), "key", 1, n);
		if (key) {
			r->key = abspath(m, key);
			if (access(r->key, R_OK) != 0)
				ERR(m, fr_node_get(n, "key"), "key", "cannot read '%s'", r->key);
			free(key);
		}
	} else if (r->type == RB_REPO_RPMMD) {
		char *key = str(m, fr_node_get(n, "key"), "key", 1, n);

		if (key) {
			r->key = abspath(m, key);
			if (access(r->key, R_OK) != 0)
				ERR(m, fr_node_get(n, "key"), "key", "cannot read '%s'", r->key);
			free(key);
		}
	}
	if (r->type == RB_REPO_DEBS) {
		/* packages a vendor ships as .deb files (MinIO): each checked by the SHA-256 written here */
		const struct fr_node *l = fr_node_get(n, "debs");
		size_t i;

		if (!fr_node_is_seq(l) || l->n == 0)
			ERR(m, l ? l : n, "debs", "a debs repository lists its files: [ { url, sha256 }, ... ]");
		else {
			r->debs = fr_xcalloc(l->n, sizeof(*r->debs));
			for (i = 0; i < l->n; i++) {
				const struct fr_node *e = l->items[i];
				struct rb_file *f = &r->debs[r->ndebs];
				static const char *const dknown[] = { "url", "sha256", NULL };

				if (!fr_node_is_map(e)) {
					ERR(m, e, "debs", "each entry is { url, sha256 }");
					continue;
				}
				check_keys(m, e, dknown, "a .deb");
				f->url = str(m, fr_node_get(e, "url"), "url", 1, e);
				f->sha256 = str(m, fr_node_get(e, "sha256"), "sha256", 1, e);
				f->size = -1;
				if (f->sha256 && (strlen(f->sha256) != 64 || strspn(f->sha256, "0123456789abcdef") != 64))
					ERR(m, fr_node_get(e, "sha256"), "sha256", "expected 64 lowercase hex digits");
				r->ndebs++;
			}
		}
	}
	if (fr_node_get(n, "targets"))
		parse_targets(m, fr_node_get(n, "targets"), &r->targets, &r->ntargets, 0);
	r->priority = 500;
	if (fr_node_get(n, "priority") && !fr_node_int(fr_node_get(n, "priority"), &pr))
		ERR(m, fr_node_get(n, "priority"), "priority", "expected an integer");
	else if (fr_node_get(n, "priority"))
		r->priority = (int)pr;
}

static void parse_pkg(struct rb_manifest *m, const struct fr_node *n, struct rb_pkgreq *p)
{
	static const char *const known[] = { "name", "version", "repo", "targets", NULL };
	const char *name = NULL, *ver = NULL;

	p->line = n->line;
	p->col = n->col;
	if (fr_node_is_scalar(n) && !fr_node_is_null(n)) {
		name = n->str;
	} else if (fr_node_is_map(n)) {
		check_keys(m, n, known, "a package");
		name = fr_node_str(fr_node_get(n, "name"));
		if (name == NULL)
			ERR(m, n, "name", "required");
		ver = fr_node_str(fr_node_get(n, "version"));
		if (fr_node_str(fr_node_get(n, "repo")))
			p->repo = fr_xstrdup(fr_node_str(fr_node_get(n, "repo")));
		if (fr_node_get(n, "targets"))
			parse_targets(m, fr_node_get(n, "targets"), &p->targets, &p->ntargets, 0);
	} else {
		ERR(m, n, "packages", "a package is a name or a mapping with name, version, repo, targets");
		return;
	}
	if (name) {
		p->name = subst_v(name, m->pg_version);
		if (!pkg_name_ok(p->name))
			ERR(m, n, "name", "'%s' is not a package name", p->name);
	}
	if (ver) {
		const char *v = ver;
		size_t ol;

		while (*v == ' ')
			v++;
		ol = strspn(v, "<>=");
		if (ol == 0)
			p->op = fr_xstrdup("=");
		else
			p->op = fr_xstrndup(v, ol);
		v += ol;
		while (*v == ' ')
			v++;
		p->version = fr_xstrdup(v);
		if (!in(p->op, (const char *const[]){ "=", ">=", "<=", ">", "<", ">>", "<<", NULL }) || !*v)
			ERR(m, fr_node_get(n, "version"), "version",
			    "'%s' is not a constraint like '>= 1.2' or '= 1.2-1'", ver);
	}
}

int rb_manifest_load(const char *path, const char *region, struct rb_manifest **out, struct fr_err *err)
{
	static const char *const known[] = { "bundle", "version", "pg_version", "recommends", "targets", "repos",
					     "packages", "base", "image", "files", NULL };
	struct rb_manifest *m;
	struct fr_err perr = { 0 };
	struct fr_node *root;
	const struct fr_node *n;
	char *text, *copy;
	size_t len, i;
	long long v;
	int line = 0, col = 0;

	if (fr_read_file(path, 4u << 20, &text, &len, err) < 0)
		return FR_EIO;
	m = fr_xcalloc(1, sizeof(*m));
	m->path = fr_xstrdup(path);
	copy = fr_xstrdup(path);
	m->dir = fr_xstrdup(dirname(copy));
	free(copy);
	fr_sha256_hex(text, len, m->sha256);
	*out = m;
	root = fr_yaml_parse(text, len, &perr);
	free(text);
	if (root == NULL) {
		const char *msg = perr.msg;

		if (sscanf(perr.msg, "%d:%d:", &line, &col) == 2)
			msg = strchr(strchr(perr.msg, ':') + 1, ':') + 2;
		fr_diags_add(&m->diags, FR_SEV_ERROR, line, col, "yaml", "%s", msg);
		return 0;
	}
	if (!fr_node_is_map(root)) {
		ERR(m, root, "manifest", "the top level must be a mapping (bundle, version, targets, repos, packages)");
		goto out;
	}
	check_keys(m, root, known, "the manifest");
	/* bundle and version make the bundle's file name under --out and its top directory */
	m->bundle = str(m, fr_node_get(root, "bundle"), "bundle", 0, root);
	if (m->bundle && fr_path_problem(m->bundle, 1))
		ERR(m, fr_node_get(root, "bundle"), "bundle", "'%s' cannot be a file name: it %s", m->bundle,
		    fr_path_problem(m->bundle, 1));
	if (m->bundle == NULL)
		m->bundle = fr_xstrdup("farrow-pkg");
	m->version = str(m, fr_node_get(root, "version"), "version", 1, root);
	if (m->version && fr_path_problem(m->version, 1))
		ERR(m, fr_node_get(root, "version"), "version", "'%s' cannot be part of a file name: it %s", m->version,
		    fr_path_problem(m->version, 1));
	m->pg_version = 15;
	if ((n = fr_node_get(root, "pg_version")) != NULL) {
		if (!fr_node_int(n, &v) || !fr_pg_version_ok(v))
			ERR(m, n, "pg_version", "expected a PostgreSQL major version, %d-%d", FR_PG_VERSION_MIN,
			    FR_PG_VERSION_MAX);
		else
			m->pg_version = (int)v;
	}
	if ((n = fr_node_get(root, "recommends")) != NULL && !fr_node_bool(n, &m->recommends))
		ERR(m, n, "recommends", "expected true or false");
	n = fr_node_get(root, "targets");
	if (n == NULL)
		ERR(m, root, "targets", "required: a list like [ d12.x86_64 ]");
	else
		parse_targets(m, n, &m->targets, &m->ntargets, 1);
	n = fr_node_get(root, "repos");
	if (!fr_node_is_seq(n) || n->n == 0)
		ERR(m, n ? n : root, "repos", "required: a list of upstream repositories");
	else {
		m->repos = fr_xcalloc(n->n, sizeof(*m->repos));
		m->nrepos = n->n;
		for (i = 0; i < n->n; i++)
			parse_repo(m, n->items[i], region, &m->repos[i]);
		for (i = 0; i < m->nrepos; i++) {
			size_t j;

			for (j = 0; j < i; j++)
				if (m->repos[i].name && m->repos[j].name && strcmp(m->repos[i].name, m->repos[j].name) == 0)
					ERR(m, n->items[i], "name", "repository '%s' is defined twice", m->repos[i].name);
		}
	}
	n = fr_node_get(root, "packages");
	if (!fr_node_is_seq(n) || n->n == 0)
		ERR(m, n ? n : root, "packages", "required: a list of package names");
	else {
		m->pkgs = fr_xcalloc(n->n, sizeof(*m->pkgs));
		m->npkgs = n->n;
		for (i = 0; i < n->n; i++) {
			parse_pkg(m, n->items[i], &m->pkgs[i]);
			if (m->pkgs[i].repo) {
				size_t j;

				for (j = 0; j < m->nrepos; j++)
					if (m->repos[j].name && strcmp(m->repos[j].name, m->pkgs[i].repo) == 0)
						break;
				if (j == m->nrepos)
					ERR(m, fr_node_get(n->items[i], "repo"), "repo", "no repository named '%s'",
					    m->pkgs[i].repo);
			}
		}
	}
	if ((n = fr_node_get(root, "base")) != NULL) {
		static const char *const bknown[] = { "status", "packages", NULL };
		char *st;

		check_keys(m, n, bknown, "base");
		st = str(m, fr_node_get(n, "status"), "status", 0, n);
		if (st) {
			m->base_status = abspath(m, st);
			if (access(m->base_status, R_OK) != 0)
				ERR(m, fr_node_get(n, "status"), "status", "cannot read '%s'", m->base_status);
			free(st);
		}
		m->base_packages = strlist(m, fr_node_get(n, "packages"), "packages", &m->nbase_packages);
	}
	if ((n = fr_node_get(root, "image")) != NULL) {
		static const char *const iknown[] = { "bundle", "packages", NULL };

		if (!fr_node_is_map(n))
			ERR(m, n, "image", "expected a mapping: { bundle: <name>, packages: [ ... ] }");
		else {
			check_keys(m, n, iknown, "image");
			m->image_bundle = str(m, fr_node_get(n, "bundle"), "bundle", 0, n);
			if (m->image_bundle && fr_path_problem(m->image_bundle, 1))
				ERR(m, fr_node_get(n, "bundle"), "bundle", "'%s' cannot be a file name: it %s",
				    m->image_bundle, fr_path_problem(m->image_bundle, 1));
			if (fr_node_get(n, "packages")) {
				const struct fr_node *pl = fr_node_get(n, "packages");

				m->image_packages = strlist(m, pl, "packages", &m->nimage_packages);
				for (i = 0; i < m->nimage_packages; i++)
					if (!pkg_name_ok(m->image_packages[i]))
						ERR(m, fr_node_is_seq(pl) ? pl->items[i] : pl, "packages",
						    "'%s' is not a package name", m->image_packages[i]);
			}
		}
	}
	if ((n = fr_node_get(root, "files")) != NULL) {
		if (!fr_node_is_seq(n))
			ERR(m, n, "files", "expected a list of { url, sha256, path }");
		else {
			m->files = fr_xcalloc(n->n ? n->n : 1, sizeof(*m->files));
			for (i = 0; i < n->n; i++) {
				struct rb_file *f = &m->files[m->nfiles];
				const struct fr_node *e = n->items[i];

				f->url = str(m, fr_node_get(e, "url"), "url", 1, e);
				f->sha256 = str(m, fr_node_get(e, "sha256"), "sha256", 1, e);
				f->path = str(m, fr_node_get(e, "path"), "path", 1, e);
				f->size = -1;
				if (f->sha256 && (strlen(f->sha256) != 64 || strspn(f->sha256, "0123456789abcdef") != 64))
					ERR(m, fr_node_get(e, "sha256"), "sha256", "expected 64 lowercase hex digits");
				if (f->path && fr_path_problem(f->path, 0))
					ERR(m, fr_node_get(e, "path"), "path", "'%s' %s", f->path, fr_path_problem(f->path, 0));
				m->nfiles++;
			}
		}
	}
out:
	fr_diags_sort(&m->diags);
	fr_node_free(root);
	return 0;
}

void rb_manifest_free(struct rb_manifest *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nrepos; i++) {
		struct rb_repo *r = &m->repos[i];

		free(r->name);
		free(r->url);
		free(r->suite);
		fr_strv_free(r->components, r->ncomponents);
		free(r->key);
		fr_strv_free(r->targets, r->ntargets);
		for (size_t k = 0; k < r->ndebs; k++) {
			free(r->debs[k].url);
			free(r->debs[k].sha256);
		}
		free(r->debs);
	}
	free(m->repos);
	for (i = 0; i < m->npkgs; i++) {
		free(m->pkgs[i].name);
		free(m->pkgs[i].op);
		free(m->pkgs[i].version);
		free(m->pkgs[i].repo);
		fr_strv_free(m->pkgs[i].targets, m->pkgs[i].ntargets);
	}
	free(m->pkgs);
	for (i = 0; i < m->nfiles; i++) {
		free(m->files[i].url);
		free(m->files[i].sha256);
		free(m->files[i].path);
	}
	free(m->files);
	fr_strv_free(m->targets, m->ntargets);
	fr_strv_free(m->base_packages, m->nbase_packages);
	fr_strv_free(m->image_packages, m->nimage_packages);
	free(m->image_bundle);
	free(m->base_status);
	free(m->cache);
	free(m->bundle);
	free(m->version);
	free(m->path);
	free(m->dir);
	fr_diags_release(&m->diags);
	free(m);
}

char *rb_default_cache(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	return x && *x ? fr_xasprintf("%s/farrow/repo-builder", x)
		       : fr_xasprintf("%s/.cache/farrow/repo-builder", home ? home : "/tmp");
}
