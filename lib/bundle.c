/* bundle.c -- farrow bundles: the MANIFEST format, reading it, verifying a bundle. */
/* SPDX-License-Identifier: MIT */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "fileio.h"
#include "pgp.h"
#include "tarball.h"
#include "xalloc.h"

#define MAX_MANIFEST (64u << 20)

static char *tok(char **p)
{
	char *s = *p, *e;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return NULL;
	e = strchr(s, ' ');
	if (e) {
		*e = '\0';
		*p = e + 1;
	} else
		*p = s + strlen(s);
	return s;
}

int fr_bundle_manifest_parse(const char *text, size_t len, struct fr_bundle_manifest *m, struct fr_err *err)
{
	char *copy = fr_xstrndup(text, len), *line, *save = NULL;
	size_t pa = 0, fa = 0, ia = 0;
	int n = 0, r = 0;

	memset(m, 0, sizeof(*m));
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line, *k = tok(&p);

		n++;
		if (k == NULL)
			continue;
		if (n == 1 && strcmp(k, "farrow-bundle") != 0) {
			r = fr_err_set(err, FR_EINVALID, "MANIFEST:1: not a farrow bundle manifest");
			break;
		}
		if (strcmp(k, "farrow-bundle") == 0) {
			char *v = tok(&p);

			if (v == NULL || strcmp(v, "1") != 0) {
				r = fr_err_set(err, FR_EINVALID, "MANIFEST:%d: unknown format version '%s'", n, v ? v : "");
				break;
			}
		} else if (strcmp(k, "bundle") == 0 || strcmp(k, "version") == 0 || strcmp(k, "target") == 0 ||
			   strcmp(k, "key") == 0 || strcmp(k, "manifest-sha256") == 0 || strcmp(k, "top") == 0) {
			char *v = tok(&p), **dst = strcmp(k, "bundle") == 0 ? &m->bundle
						  : strcmp(k, "version") == 0 ? &m->version
						  : strcmp(k, "target") == 0 ? &m->target
						  : strcmp(k, "key") == 0 ? &m->key
						  : strcmp(k, "top") == 0 ? &m->top
									  : &m->manifest_sha256;

			free(*dst);
			*dst = fr_xstrdup(v ? v : "");
		} else if (strcmp(k, "epoch") == 0) {
			char *v = tok(&p);

			m->epoch = v ? strtoll(v, NULL, 10) : 0;
		} else if (strcmp(k, "input") == 0) {
			FR_ALLOC_GROW(m->inputs, m->ninputs + 1, ia);
			m->inputs[m->ninputs++] = fr_xstrdup(p);
		} else if (strcmp(k, "package") == 0) {
			struct fr_bundle_pkg *x;
			char *f[7], *sz;
			int i;

			for (i = 0; i < 7; i++)
				if ((f[i] = tok(&p)) == NULL)
					break;
			if (i < 7) {
				r = fr_err_set(err, FR_EINVALID, "MANIFEST:%d: a package line has 7 fields", n);
				break;
			}
			FR_ALLOC_GROW(m->pkgs, m->npkgs + 1, pa);
			x = &m->pkgs[m->npkgs++];
			x->name = fr_xstrdup(f[0]);
			x->version = fr_xstrdup(f[1]);
			x->arch = fr_xstrdup(f[2]);
			x->repo = fr_xstrdup(f[3]);
			x->path = fr_xstrdup(f[4]);
			sz = f[5];
			x->size = strtoll(sz, NULL, 10);
			x->sha256 = fr_xstrdup(f[6]);
		} else if (strcmp(k, "file") == 0) {
			struct fr_bundle_file *x;
			char *h = tok(&p), *sz = tok(&p), *path = tok(&p);

			if (h == NULL || sz == NULL || path == NULL || strlen(h) != 64) {
				r = fr_err_set(err, FR_EINVALID, "MANIFEST:%d: a file line is 'file <sha256> <size> <path>'", n);
				break;
			}
			FR_ALLOC_GROW(m->files, m->nfiles + 1, fa);
			x = &m->files[m->nfiles++];
			x->sha256 = fr_xstrdup(h);
			x->size = strtoll(sz, NULL, 10);
			x->path = fr_xstrdup(path);
		}
	}
	free(copy);
	if (r == 0 && (m->bundle == NULL || m->version == NULL || m->target == NULL || m->top == NULL))
		r = fr_err_set(err, FR_EINVALID, "MANIFEST: bundle, version, target or top missing");
	if (r < 0)
		fr_bundle_manifest_release(m);
	return r;
}

void fr_bundle_manifest_release(struct fr_bundle_manifest *m)
{
	size_t i;

	for (i = 0; i < m->npkgs; i++) {
		free(m->pkgs[i].name);
		free(m->pkgs[i].version);
		free(m->pkgs[i].arch);
		free(m->pkgs[i].repo);
		free(m->pkgs[i].path);
		free(m->pkgs[i].sha256);
	}
	free(m->pkgs);
	for (i = 0; i < m->nfiles; i++) {
		free(m->files[i].path);
		free(m->files[i].sha256);
	}
	free(m->files);
	for (i = 0; i < m->ninputs; i++)
		free(m->inputs[i]);
	free(m->inputs);
	free(m->top);
	free(m->bundle);
	free(m->version);
	free(m->target);
	free(m->key);
	free(m->manifest_sha256);
	memset(m, 0, sizeof(*m));
}

static int is_manifest(const char *path)
{
	const char *s = strchr(path, '/');

	return s && strcmp(s + 1, "MANIFEST") == 0 && strchr(s + 1, '/') == NULL;
}

struct read_ctx {
	struct fr_buf text;
	int found;
	const char *rel;  /* the member below the top directory */
	size_t max;
	struct fr_err *err;
};

/* 1 when path is <top>/<rel> for a single top directory. */
static int is_member(const char *path, const char *rel)
{
	const char *s = strchr(path, '/');

	return s && strcmp(s + 1, rel) == 0;
}

static int read_cb(void *ctx, const char *path, int is_file, long long size, void *reader)
{
	struct read_ctx *c = ctx;
	char buf[65536];
	ssize_t n;

	if (!is_file || !(c->rel ? is_member(path, c->rel) : is_manifest(path)))
		return 0;
	if (size > (long long)c->max)
		return fr_err_set(c->err, FR_EINVALID, "%s is too large", c->rel ? c->rel : "MANIFEST");
	while ((n = fr_tar_read(reader, buf, sizeof(buf))) > 0)
		fr_buf_addn(&c->text, buf, (size_t)n);
	c->found = 1;
	return 1; /* stop */
}

int fr_bundle_manifest_text(const char *bundle, struct fr_buf *out, struct fr_err *err)
{
	struct read_ctx c = { FR_BUF_INIT, 0, NULL, MAX_MANIFEST, err };
	int r = fr_tar_walk(bundle, read_cb, &c, err);

	if (r >= 0 && !c.found)
		r = fr_err_set(err, FR_EINVALID, "'%s' has no MANIFEST: not a farrow bundle", bundle);
	if (r >= 0) {
		fr_buf_addn(out, c.text.buf, c.text.len);
		r = 0;
	}
	fr_buf_release(&c.text);
	return r;
}

int fr_bundle_member(const char *bundle, const char *rel, size_t max, struct fr_buf *out, struct fr_err *err)
{
	struct read_ctx c = { FR_BUF_INIT, 0, rel, max, err };
	int r = fr_tar_walk(bundle, read_cb, &c, err);

	if (r >= 0 && !c.found)
		r = fr_err_set(err, FR_ENOTFOUND, "'%s' has no %s", bundle, rel);
	if (r >= 0) {
		fr_buf_addn(out, c.text.buf, c.text.len);
		r = 0;
	}
	fr_buf_release(&c.text);
	return r;
}

int fr_bundle_manifest_read(const char *bundle, struct fr_bundle_manifest *m, struct fr_err *err)
{
	struct fr_buf text = FR_BUF_INIT;
	int r = fr_bundle_manifest_text(bundle, &text, err);

	if (r == 0)
		r = fr_bundle_manifest_parse(text.buf, text.len, m, err);
	fr_buf_release(&text);
	return r;
}

struct verify_ctx {
	struct fr_bundle_manifest m;
	int have_manifest;
	unsigned char *seen;
	struct fr_bundle_check *check;
	struct fr_err *err;
};

static void bad(struct fr_bundle_check *c, const char *path, const char *why)
{
	if (c->first_bad)
		return;
	c->first_bad = fr_xstrdup(path);
	snprintf(c->bad_reason, sizeof(c->bad_reason), "%s", why);
}

static int verify_cb(void *ctx, const char *path, int is_file, long long size, void *reader)
{
	struct verify_ctx *v = ctx;
	EVP_MD_CTX *md;
	unsigned char d[32], buf[1 << 16];
	char hex[65];
	unsigned int n = 0, i;
	ssize_t got;
	long long total = 0;
	size_t k, toplen;
	const char *rel;

	if (!is_file)
		return 0;
	if (is_manifest(path)) {
		struct fr_buf text = FR_BUF_INIT;

		while ((got = fr_tar_read(reader, buf, sizeof(buf))) > 0 && text.len < MAX_MANIFEST)
			fr_buf_addn(&text, buf, (size_t)got);
		if (fr_bundle_manifest_parse(text.buf, text.len, &v->m, v->err) < 0) {
			bad(v->check, path, v->err->msg);
			fr_buf_release(&text);
			return 1;
		}
		fr_buf_release(&text);
		v->have_manifest = 1;
		v->seen = fr_xcalloc(v->m.nfiles + 1, 1);
		return 0;
	}
	if (!v->have_manifest) {
		bad(v->check, path, "comes before MANIFEST");
		return 1;
	}
	toplen = strlen(v->m.top);
	if (strncmp(path, v->m.top, toplen) != 0 || path[toplen] != '/') {
		bad(v->check, path, "outside the bundle's top directory");
		return 0;
	}
	rel = path + toplen + 1;
	md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	while ((got = fr_tar_read(reader, buf, sizeof(buf))) > 0) {
		EVP_DigestUpdate(md, buf, (size_t)got);
		total += got;
	}
	EVP_DigestFinal_ex(md, d, &n);
	EVP_MD_CTX_free(md);
	if (got < 0) {
		bad(v->check, path, "cannot be read (the archive is damaged)");
		return 1;
	}
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	hex[64] = '\0';
	(void)size;
	for (k = 0; k < v->m.nfiles; k++)
		if (strcmp(v->m.files[k].path, rel) == 0)
			break;
	if (k == v->m.nfiles) {
		bad(v->check, path, "is not listed in MANIFEST");
		return 0;
	}
	v->seen[k] = 1;
	if (v->m.files[k].size != total || strcmp(v->m.files[k].sha256, hex) != 0) {
		char why[256];

		snprintf(why, sizeof(why), "SHA-256 %s (%lld bytes) differs from MANIFEST's %.16s... (%lld bytes)", hex,
			 total, v->m.files[k].sha256, v->m.files[k].size);
		bad(v->check, path, why);
		return 0;
	}
	v->check->files_ok++;
	return 0;
}

int fr_bundle_verify(const char *bundle, const char *keyfile, struct fr_bundle_check *check, struct fr_err *err)
{
	struct verify_ctx v;
	char *sigpath = fr_xasprintf("%s.sig", bundle), *sig = NULL;
	size_t siglen, k;
	int r;

	memset(&v, 0, sizeof(v));
	memset(check, 0, sizeof(*check));
	v.check = check;
	v.err = err;
	if (fr_read_file(sigpath, 1u << 20, &sig, &siglen, err) < 0) {
		snprintf(check->sig_error, sizeof(check->sig_error), "%s", err->msg);
	} else {
		struct fr_err serr = { 0 };

		if (fr_pgp_verify_detached(keyfile, sig, siglen, bundle, &serr) == 0)
			check->sig_ok = 1;
		else
			snprintf(check->sig_error, sizeof(check->sig_error), "%s", serr.msg);
	}
	free(sig);
	free(sigpath);
	r = fr_tar_walk(bundle, verify_cb, &v, err);
	if (r < 0 && !check->first_bad) {
		/* a damaged archive: say so, naming the bundle */
		check->first_bad = fr_xstrdup(bundle);
		snprintf(check->bad_reason, sizeof(check->bad_reason), "%s", err->msg);
	}
	if (!v.have_manifest && !check->first_bad) {
		check->first_bad = fr_xstrdup("MANIFEST");
		snprintf(check->bad_reason, sizeof(check->bad_reason), "is missing: not a farrow bundle");
	}
	for (k = 0; v.have_manifest && k < v.m.nfiles && !check->first_bad; k++)
		if (!v.seen[k]) {
			char *p = fr_xasprintf("%s/%s", v.m.top, v.m.files[k].path);

			bad(check, p, "is listed in MANIFEST but missing");
			free(p);
		}
	free(v.seen);
	fr_bundle_manifest_release(&v.m);
	if (check->sig_ok && !check->first_bad)
		return 0;
	return FR_ECRYPTO;
}
