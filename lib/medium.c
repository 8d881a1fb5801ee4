/* medium.c -- the signed file list of an install medium (see medium.h). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "fileio.h"
#include "medium.h"
#include "pgp.h"
#include "xalloc.h"

#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+~@,=-"

struct files {
	char **v;
	size_t n, alloc;
};

static void files_release(struct files *f)
{
	fr_strv_free(f->v, f->n);
	memset(f, 0, sizeof(*f));
}

static int name_ok(const char *name)
{
	return name[0] && strspn(name, NAME_CHARS) == strlen(name) && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* A listed path: components fr_medium_list would write, joined by single slashes. */
static int path_ok(const char *p)
{
	char *copy = fr_xstrdup(p), *save = NULL, *c;
	int ok = p[0] && p[0] != '/' && p[strlen(p) - 1] != '/' && strstr(p, "//") == NULL;

	for (c = strtok_r(copy, "/", &save); ok && c; c = strtok_r(NULL, "/", &save))
		ok = name_ok(c);
	free(copy);
	return ok;
}

/* Every regular file under dir/rel (rel "" for the top), relative paths into f. */
static int walk(const char *dir, const char *rel, struct files *f, struct fr_err *err)
{
	char *path = rel[0] ? fr_xasprintf("%s/%s", dir, rel) : fr_xstrdup(dir);
	DIR *d = opendir(path);
	struct dirent *e;
	int r = 0;

	if (d == NULL) {
		r = fr_err_set(err, FR_EIO, "cannot read %s: %s", path, strerror(errno));
		free(path);
		return r;
	}
	while (r == 0 && (e = readdir(d)) != NULL) {
		char *sub, *full;
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		sub = rel[0] ? fr_xasprintf("%s/%s", rel, e->d_name) : fr_xstrdup(e->d_name);
		full = fr_xasprintf("%s/%s", dir, sub);
		if (!name_ok(e->d_name))
			r = fr_err_set(err, FR_EINVALID, "%s: a medium's names take only letters, digits and ._+~@,=-", sub);
		else if (lstat(full, &st) < 0)
			r = fr_err_set(err, FR_EIO, "cannot read %s: %s", full, strerror(errno));
		else if (S_ISDIR(st.st_mode))
			r = walk(dir, sub, f, err);
		else if (S_ISREG(st.st_mode)) {
			if (rel[0] || (strcmp(sub, FR_MEDIUM_SUMS) != 0 && strcmp(sub, FR_MEDIUM_SIG) != 0)) {
				FR_ALLOC_GROW(f->v, f->n + 1, f->alloc);
				f->v[f->n++] = sub;
				sub = NULL;
			}
		} else
			r = fr_err_set(err, FR_EINVALID, "%s: a medium holds directories and regular files only", sub);
		free(sub);
		free(full);
	}
	closedir(d);
	free(path);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int tree(const char *dir, struct files *f, struct fr_err *err)
{
	int r = walk(dir, "", f, err);

	if (r == 0)
		qsort(f->v, f->n, sizeof(*f->v), cmp_str);
	return r;
}

int fr_medium_list(const char *dir, struct fr_buf *out, struct fr_err *err)
{
	struct files f = { 0 };
	size_t i;
	int r = tree(dir, &f, err);

	for (i = 0; r == 0 && i < f.n; i++) {
		char *p = fr_xasprintf("%s/%s", dir, f.v[i]), h[65];

		r = fr_sha256_file(p, h, NULL, err);
		free(p);
		if (r == 0)
			fr_buf_addf(out, "%s  %s\n", h, f.v[i]);
	}
	files_release(&f);
	return r;
}

int fr_medium_sign(const char *dir, const char *sign_key, long long epoch, struct fr_err *err)
{
	char *list = fr_xasprintf("%s/" FR_MEDIUM_SUMS, dir), *sig = fr_xasprintf("%s/" FR_MEDIUM_SIG, dir);
	struct fr_buf text = FR_BUF_INIT;
	int r;

	if (access(list, F_OK) == 0 || access(sig, F_OK) == 0)
		r = fr_err_set(err, FR_EARG, "'%s' exists: farrow does not overwrite it", access(list, F_OK) == 0 ? list : sig);
	else if ((r = fr_medium_list(dir, &text, err)) == 0)
		r = fr_pgp_sign_files(sign_key, text.buf, text.len, epoch, list, sig, err);
	fr_buf_release(&text);
	free(list);
	free(sig);
	return r;
}

static int hexlow(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int fr_medium_check(const char *dir, const char *key, fr_medium_progress *progress, void *ctx, struct fr_buf *report,
		    size_t *nbad, size_t *nfiles, struct fr_err *err)
{
	char *list = fr_xasprintf("%s/" FR_MEDIUM_SUMS, dir), *sigp = fr_xasprintf("%s/" FR_MEDIUM_SIG, dir);
	char *text = NULL, *sig = NULL, *prev = NULL;
	size_t tl = 0, sl = 0, line = 0, done = 0, k = 0, total = 0;
	struct files f = { 0 };
	const char *p, *end;
	int r;

	*nbad = *nfiles = 0;
	if ((r = fr_read_file(list, 64u << 20, &text, &tl, err)) < 0 || (r = fr_read_file(sigp, 1 << 20, &sig, &sl, err)) < 0)
		goto out;
	if ((r = fr_pgp_verify_detached(key, sig, sl, list, err)) < 0)
		goto out;
	if ((r = tree(dir, &f, err)) < 0)
		goto out;
	for (p = text, end = text + tl; p < end; p++)
		total += *p == '\n';
	/* the list and the tree, both in byte order, walked side by side */
	for (p = text, end = text + tl; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len;
		char *path, *full, h[65];
		long long size = 0;

		line++;
		if (nl == NULL) {
			r = fr_err_set(err, FR_EINVALID, FR_MEDIUM_SUMS ":%zu: the last line has no newline", line);
			goto out;
		}
		len = (size_t)(nl - p);
		if (len < 67 || !hexlow(p, 64) || p[64] != ' ' || p[65] != ' ') {
			r = fr_err_set(err, FR_EINVALID, FR_MEDIUM_SUMS ":%zu: not '<sha256>  <path>'", line);
			goto out;
		}
		path = fr_xstrndup(p + 66, len - 66);
		if (!path_ok(path) || (prev && strcmp(prev, path) >= 0)) {
			r = fr_err_set(err, FR_EINVALID, FR_MEDIUM_SUMS ":%zu: %s", line,
				       !path_ok(path) ? "not a path of the medium" : "out of order (the list is sorted, each path once)");
			free(path);
			goto out;
		}
		free(prev);
		prev = path;
		++*nfiles;
		/* files on the medium and not on the list, before this one */
		while (k < f.n && strcmp(f.v[k], path) < 0) {
			fr_buf_addf(report, "added %s\n", f.v[k++]);
			++*nbad;
		}
		if (k >= f.n || strcmp(f.v[k], path) != 0) {
			fr_buf_addf(report, "missing %s\n", path);
			++*nbad;
		} else {
			k++;
			full = fr_xasprintf("%s/%s", dir, path);
			if (fr_sha256_file(full, h, &size, NULL) < 0 || memcmp(h, p, 64) != 0) {
				fr_buf_addf(report, "changed %s\n", path);
				++*nbad;
			}
			free(full);
		}
		if (progress)
			progress(path, size, ++done, total, ctx);
		p = nl + 1;
	}
	for (; k < f.n; k++) {
		fr_buf_addf(report, "added %s\n", f.v[k]);
		++*nbad;
	}
	r = 0;
out:
	files_release(&f);
	free(prev);
	free(list);
	free(sigp);
	free(text);
	free(sig);
	return r;
}
