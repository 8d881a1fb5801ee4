/* meta-rpm.c -- rpm-md repository metadata: fetch and verify repomd.xml, split primary/filelists/other. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "fileio.h"
#include "http.h"
#include "pgp.h"
#include "rb.h"
#include "tarball.h"
#include "xalloc.h"

#define MAX_INDEX (1024u << 20)

/* Replace the five XML entities in place. */
static void unescape(char *s)
{
	static const struct { const char *e; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
	};
	char *r = s, *w = s;
	size_t i;

	while (*r) {
		if (*r == '&')
			for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
				if (strncmp(r, ents[i].e, strlen(ents[i].e)) == 0) {
					*w++ = ents[i].c;
					r += strlen(ents[i].e);
					goto next;
				}
		*w++ = *r++;
next:;
	}
	*w = '\0';
}

char *rb_xml_get(const char *el, size_t len, const char *tag, const char *attr)
{
	char open[64];
	const char *p = el, *end = el + len;
	size_t ol;

	snprintf(open, sizeof(open), "<%s", tag);
	ol = strlen(open);
	while ((p = memmem(p, (size_t)(end - p), open, ol)) != NULL) {
		const char *gt;

		if (p[ol] != ' ' && p[ol] != '>' && p[ol] != '/' && p[ol] != '\t' && p[ol] != '\n') {
			p += ol;
			continue;
		}
		gt = memchr(p, '>', (size_t)(end - p));
		if (gt == NULL)
			return NULL;
		if (attr) {
			char key[64];
			const char *a, *q;

			snprintf(key, sizeof(key), " %s=\"", attr);
			a = memmem(p, (size_t)(gt - p), key, strlen(key));
			if (a == NULL)
				return NULL;
			a += strlen(key);
			q = memchr(a, '"', (size_t)(gt - a));
			if (q == NULL)
				return NULL;
			{
				char *v = fr_xstrndup(a, (size_t)(q - a));

				unescape(v);
				return v;
			}
		}
		if (gt[-1] == '/')
			return fr_xstrdup("");
		{
			const char *close = memmem(gt, (size_t)(end - gt), "</", 2);
			char *v;

			if (close == NULL)
				return NULL;
			v = fr_xstrndup(gt + 1, (size_t)(close - gt - 1));
			unescape(v);
			return v;
		}
	}
	return NULL;
}

/* Call fn for each <tag ...>...</tag> element of text (elements do not nest). */
static void each_element(const char *text, size_t len, const char *tag,
			 void (*fn)(void *ctx, const char *el, size_t ellen), void *ctx)
{
	char open[64], close[64];
	const char *p = text, *end = text + len;

	snprintf(open, sizeof(open), "<%s", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	while ((p = memmem(p, (size_t)(end - p), open, strlen(open))) != NULL) {
		const char *c;
		char after = p[strlen(open)];

		if (after != ' ' && after != '>') {
			p += strlen(open);
			continue;
		}
		c = memmem(p, (size_t)(end - p), close, strlen(close));
		if (c == NULL)
			break;
		c += strlen(close);
		fn(ctx, p, (size_t)(c - p));
		p = c;
	}
}

struct side {
	const char *el;
	size_t len;
	char *pkgid;
};

struct split {
	struct rb_index *ix;
	size_t alloc;
	struct side *v;
	size_t n, valloc;
	struct fr_err *err;
	int rc;
};

static void on_package(void *ctx, const char *el, size_t len)
{
	struct split *s = ctx;
	struct rb_index *ix = s->ix;
	struct rb_pkg p = { 0 };
	char *epoch, *ver, *rel, *ctype, *size;

	p.text = el;
	p.len = len;
	p.name = rb_xml_get(el, len, "name", NULL);
	p.arch = rb_xml_get(el, len, "arch", NULL);
	epoch = rb_xml_get(el, len, "version", "epoch");
	ver = rb_xml_get(el, len, "version", "ver");
	rel = rb_xml_get(el, len, "version", "rel");
	ctype = rb_xml_get(el, len, "checksum", "type");
	if (p.name && p.arch && ver && rel) {
		if (epoch && *epoch && strcmp(epoch, "0") != 0)
			p.version = fr_xasprintf("%s:%s-%s", epoch, ver, rel);
		else
			p.version = fr_xasprintf("%s-%s", ver, rel);
	}
	if (ctype && strcmp(ctype, "sha256") == 0)
		p.sha256 = rb_xml_get(el, len, "checksum", NULL);
	p.filename = rb_xml_get(el, len, "location", "href");
	size = rb_xml_get(el, len, "size", "package");
	free(epoch);
	free(ver);
	free(rel);
	free(ctype);
	if (p.name == NULL || p.version == NULL || p.arch == NULL || s->rc < 0) {
		free(p.name);
		free(p.version);
		free(p.arch);
		free(p.sha256);
		free(p.filename);
		free(size);
		return;
	}
	p.repo = ix->repo;
	FR_ALLOC_GROW(ix->pkgs, ix->npkgs + 1, s->alloc);
	ix->pkgs[ix->npkgs++] = p;
	if (rb_pkg_check(ix, &ix->pkgs[ix->npkgs - 1], size, 0, s->err) < 0)
		s->rc = FR_ECRYPTO;
	free(size);
}

static void on_side(void *ctx, const char *el, size_t len)
{
	struct split *s = ctx;
	char *id = rb_xml_get(el, len, "package", "pkgid");

	if (id == NULL)
		return;
	FR_ALLOC_GROW(s->v, s->n + 1, s->valloc);
	s->v[s->n].el = el;
	s->v[s->n].len = len;
	s->v[s->n].pkgid = id;
	s->n++;
}

static int cmp_side(const void *a, const void *b)
{
	return strcmp(((const struct side *)a)->pkgid, ((const struct side *)b)->pkgid);
}

/* Attach each package's filelists (which = 0) or other (1) element by pkgid. */
static void attach(struct rb_index *ix, const char *text, size_t len, int which)
{
	struct split s = { ix, 0, NULL, 0, 0, NULL, 0 };
	size_t i;

	if (text == NULL)
		return;
	each_element(text, len, "package", on_side, &s);
	if (s.n)
		qsort(s.v, s.n, sizeof(*s.v), cmp_side);
	for (i = 0; i < ix->npkgs; i++) {
		struct side key = { 0 }, *hit;

		if (ix->pkgs[i].sha256 == NULL || s.n == 0)
			continue;
		key.pkgid = ix->pkgs[i].sha256;
		hit = bsearch(&key, s.v, s.n, sizeof(*s.v), cmp_side);
		if (hit == NULL)
			continue;
		if (which == 0) {
			ix->pkgs[i].fl = hit->el;
			ix->pkgs[i].fllen = hit->len;
		} else {
			ix->pkgs[i].ot = hit->el;
			ix->pkgs[i].otlen = hit->len;
		}
	}
	for (i = 0; i < s.n; i++)
		free(s.v[i].pkgid);
	free(s.v);
}

int rb_index_parse_rpmmd(struct rb_index *ix, struct fr_err *err)
{
	struct split s = { ix, 0, NULL, 0, 0, err, 0 };

	each_element(ix->text, ix->len, "package", on_package, &s);
	if (s.rc < 0)
		return s.rc;
	attach(ix, ix->filelists, ix->fllen, 0);
	attach(ix, ix->other, ix->otlen, 1);
	return 0;
}

/* The <data type="type"> block of repomd.xml: its location, sha256 and size. */
static int repomd_data(const char *repomd, size_t len, const char *type, char **href, char hash[65], long long *size)
{
	char key[64];
	const char *p, *e;
	char *ct, *h, *sz;

	snprintf(key, sizeof(key), "<data type=\"%s\"", type);
	p = memmem(repomd, len, key, strlen(key));
	if (p == NULL)
		return 0;
	e = memmem(p, len - (size_t)(p - repomd), "</data>", 7);
	if (e == NULL)
		return 0;
	*href = rb_xml_get(p, (size_t)(e - p), "location", "href");
	ct = rb_xml_get(p, (size_t)(e - p), "checksum", "type");
	h = rb_xml_get(p, (size_t)(e - p), "checksum", NULL);
	sz = rb_xml_get(p, (size_t)(e - p), "size", NULL);
	hash[0] = '\0';
	if (ct && h && strcmp(ct, "sha256") == 0 && strlen(h) == 64)
		memcpy(hash, h, 65);
	*size = sz ? strtoll(sz, NULL, 10) : -1;
	free(ct);
	free(h);
	free(sz);
	return *href != NULL;
}

static int fetch_data(const struct rb_repo *r, const char *repomd, size_t len, const char *type, int required,
		      char **text, size_t *tlen, struct fr_err *err)
{
	struct fr_buf raw = FR_BUF_INIT, out = FR_BUF_INIT;
	char *href = NULL, *url = NULL, hash[65], got[65];
	long long size = -1;
	int rc = 0;

	*text = NULL;
	*tlen = 0;
	if (!repomd_data(repomd, len, type, &href, hash, &size)) {
		free(href);
		return required ? fr_err_set(err, FR_EINVALID, "%s/repodata/repomd.xml lists no %s", r->url, type) : 0;
	}
	if (!hash[0]) {
		rc = fr_err_set(err, FR_EINVALID, "%s/repodata/repomd.xml: %s has no sha256 checksum", r->url, type);
		goto out;
	}
	url = fr_xasprintf("%s/%s", r->url, href);
	if ((rc = fr_http_get(url, MAX_INDEX, &raw, NULL, err)) < 0)
		goto out;
	fr_sha256_hex(raw.buf, raw.len, got);
	if (strcmp(got, hash) != 0 || (size >= 0 && (long long)raw.len != size)) {
		rc = fr_err_set(err, FR_ECRYPTO, "%s: checksum mismatch: %zu bytes sha256 %s, repomd.xml says %lld bytes sha256 %s",
				url, raw.len, got, size, hash);
		goto out;
	}
	if ((rc = fr_decompress(raw.buf, raw.len, MAX_INDEX, &out, err)) < 0)
		goto out;
	*text = fr_buf_detach(&out, tlen);
out:
	fr_buf_release(&raw);
	fr_buf_release(&out);
	free(href);
	free(url);
	return rc;
}

int rb_index_load_rpmmd(const struct rb_repo *r, struct rb_index *ix, struct fr_err *err)
{
	struct fr_buf repomd = FR_BUF_INIT, sig = FR_BUF_INIT;
	char *url = fr_xasprintf("%s/repodata/repomd.xml", r->url), *surl = fr_xasprintf("%s.asc", url);
	char dir[] = "/tmp/farrow-repomd.XXXXXX", *path = NULL, *rev;
	int rc;

	ix->rpm = 1;
	if ((rc = fr_http_get(url, 16u << 20, &repomd, NULL, err)) < 0)
		goto out;
	if ((rc = fr_http_get(surl, 1u << 20, &sig, NULL, err)) < 0) {
		if (rc == FR_ENOTFOUND)
			rc = fr_err_set(err, FR_ECRYPTO, "%s: not found: the repository's metadata is not signed", surl);
		goto out;
	}
	if (mkdtemp(dir) == NULL) {
		rc = fr_err_set(err, FR_EIO, "cannot make a temporary directory");
		goto out;
	}
	path = fr_xasprintf("%s/repomd.xml", dir);
	rc = fr_write_atomic(path, repomd.buf, repomd.len, 0600, 0, err);
	if (rc == 0 && (rc = fr_pgp_verify_detached(r->key, sig.buf, sig.len, path, err)) < 0) {
		char *m = fr_xstrdup(err->msg);

		rc = fr_err_set(err, FR_ECRYPTO, "%s: signature does not verify with '%s': %s", url, r->key, m);
		free(m);
	}
	fr_rm_rf(dir);
	if (rc < 0)
		goto out;
	rev = rb_xml_get(repomd.buf, repomd.len, "revision", NULL);
	ix->epoch = rev ? strtoll(rev, NULL, 10) : -1;
	{
		char *ts = rb_xml_get(repomd.buf, repomd.len, "timestamp", NULL);
		long long t = ts ? strtoll(ts, NULL, 10) : -1;

		/* the revision is not always a time: prefer the newest data timestamp */
		if (t > 0 && (ix->epoch < 1000000000 || t > ix->epoch))
			ix->epoch = t;
		free(ts);
	}
	free(rev);
	if (ix->epoch > (long long)time(NULL) + RB_CLOCK_SKEW) {
		rc = fr_err_set(err, FR_ECRYPTO, "%s/repodata/repomd.xml: its time %lld is %lld s ahead of this host's "
				"clock (more than the %d s allowed for skew): refused", r->url, ix->epoch,
				ix->epoch - (long long)time(NULL), RB_CLOCK_SKEW);
		goto out;
	}
	if ((rc = fetch_data(r, repomd.buf, repomd.len, "primary", 1, &ix->text, &ix->len, err)) < 0 ||
	    (rc = fetch_data(r, repomd.buf, repomd.len, "filelists", 0, &ix->filelists, &ix->fllen, err)) < 0 ||
	    (rc = fetch_data(r, repomd.buf, repomd.len, "other", 0, &ix->other, &ix->otlen, err)) < 0)
		goto out;
	ix->origin = fr_xstrdup(r->url);
out:
	fr_buf_release(&repomd);
	fr_buf_release(&sig);
	free(url);
	free(surl);
	free(path);
	return rc;
}
