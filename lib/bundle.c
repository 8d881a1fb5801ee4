/* bundle.c -- farrow bundles: the MANIFEST format, reading it, verifying a bundle. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "fileio.h"
#include "pgp.h"
#include "tarball.h"
#include "xalloc.h"

#define MAX_MANIFEST (64u << 20)

/* A non-negative decimal number (digits only) into *v; 0, or -1 when it is not one. */
static int decimal(const char *s, long long *v)
{
	long long x = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (LLONG_MAX - 9) / 10)
			return -1;
		x = x * 10 + (*s - '0');
	}
	*v = x;
	return 0;
}

static int is_sha256(const char *h)
{
	size_t i;

	for (i = 0; h[i]; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return i == 64;
}

static int cmp_file_path(const void *a, const void *b)
{
	return strcmp(((const struct fr_bundle_file *)a)->path, ((const struct fr_bundle_file *)b)->path);
}

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

			if (*dst) {
				r = fr_err_set(err, FR_EINVALID, "MANIFEST:%d: '%s' is given twice", n, k);
				break;
			}
			*dst = fr_xstrdup(v ? v : "");
			if (dst == &m->top && fr_path_problem(*dst, 1)) {
				r = fr_err_set(err, FR_EINVALID, "MANIFEST:%d: top '%s' %s", n, *dst,
					       fr_path_problem(*dst, 1));
				break;
			}
		} else if (strcmp(k, "image") == 0) {
			char *v = tok(&p);

			if (v == NULL || strcmp(v, "yes") != 0) {
				r = fr_err_set(err, FR_EINVALID, "MANIFEST:%d: image is 'image yes'", n);
				break;
			}
			m->image = 1;
		} else if (strcmp(k, "epoch") == 0) {
			if (decimal(tok(&p), &m->epoch) < 0) {
				r = fr_err_set(err, FR_EINVALID, "MANIFEST:%d: epoch is not a number of seconds", n);
				break;
			}
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
			x->sha256 = fr_xstrdup(f[6]);
			sz = f[5];
			if (decimal(sz, &x->size) < 0 || !is_sha256(f[6]) || fr_path_problem(f[4], 0)) {
				r = fr_err_set(err, FR_EINVALID, "MANIFEST:%d: package %s: %s", n, f[0],
					       fr_path_problem(f[4], 0) ? fr_path_problem(f[4], 0)
					       : !is_sha256(f[6]) ? "not a SHA-256" : "its size is not a number");
				break;
			}
		} else if (strcmp(k, "file") == 0) {
			struct fr_bundle_file *x;
			char *h = tok(&p), *sz = tok(&p), *path = tok(&p);

			long long size;

			if (h == NULL || sz == NULL || path == NULL || tok(&p) != NULL || !is_sha256(h) ||
			    decimal(sz, &size) < 0) {
				r = fr_err_set(err, FR_EINVALID, "MANIFEST:%d: a file line is 'file <sha256> <size> <path>'", n);
				break;
			}
			if (fr_path_problem(path, 0) || strcmp(path, "MANIFEST") == 0) {
				r = fr_err_set(err, FR_EINVALID, "MANIFEST:%d: file '%s' %s", n, path,
					       fr_path_problem(path, 0) ? fr_path_problem(path, 0) : "is MANIFEST itself");
				break;
			}
			FR_ALLOC_GROW(m->files, m->nfiles + 1, fa);
			x = &m->files[m->nfiles++];
			x->sha256 = fr_xstrdup(h);
			x->size = size;
			x->path = fr_xstrdup(path);
		}
	}
	free(copy);
	if (r == 0 && m->nfiles > 1) {
		struct fr_bundle_file *sorted = fr_xmalloc(m->nfiles * sizeof(*sorted));
		size_t i;

		memcpy(sorted, m->files, m->nfiles * sizeof(*sorted));
		qsort(sorted, m->nfiles, sizeof(*sorted), cmp_file_path);
		for (i = 1; i < m->nfiles && r == 0; i++)
			if (strcmp(sorted[i - 1].path, sorted[i].path) == 0)
				r = fr_err_set(err, FR_EINVALID, "MANIFEST: file '%s' is listed twice", sorted[i].path);
		free(sorted);
	}
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
	fr_strv_free(m->inputs, m->ninputs);
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

static int read_cb(void *ctx, const char *path, int type, long long size, void *reader)
{
	struct read_ctx *c = ctx;
	char buf[65536];
	ssize_t n;

	if (!(c->rel ? is_member(path, c->rel) : is_manifest(path)))
		return 0;
	if (type != FR_TAR_FILE)
		return fr_err_set(c->err, FR_EINVALID, "'%s' is %s, not a regular file", path, fr_tar_type_name(type));
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
	struct fr_bundle_check *check;
	char *top;            /* the archive's top directory: the first component of its first member */
	unsigned char *seen;
	const char *dir;      /* extract here, or NULL */
	struct fr_err *err;
	int io_error;         /* writing out failed: FR_EIO rather than FR_ECRYPTO */
};

static void bad(struct fr_bundle_check *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bad(struct fr_bundle_check *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	if (c->first_bad)
		return;
	c->first_bad = fr_xstrdup(path);
	va_start(ap, fmt);
	vsnprintf(c->bad_reason, sizeof(c->bad_reason), fmt, ap);
	va_end(ap);
}

static int find_file(const struct fr_bundle_manifest *m, const char *rel)
{
	size_t k;

	for (k = 0; k < m->nfiles; k++)
		if (strcmp(m->files[k].path, rel) == 0)
			return (int)k;
	return -1;
}

/* Read the current member into a file below dir (or nowhere), hashing it. 0, or FR_EIO (err set). */
static int take_member(struct verify_ctx *v, const char *rel, void *reader, char hex[65], long long *total)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[32], buf[1 << 16];
	unsigned int n = 0, i;
	ssize_t got;
	int fd = -1, r = 0;
	char *dst = NULL;

	if (v->dir) {
		char *slash;

		dst = fr_xasprintf("%s/%s", v->dir, rel);
		slash = strrchr(dst, '/');
		*slash = '\0';
		r = fr_mkdir_p(dst, 0755, v->err);
		*slash = '/';
		if (r == 0 && (fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0)
			r = fr_err_set(v->err, FR_EIO, "cannot write '%s': %s", dst, strerror(errno));
	}
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	*total = 0;
	while (r == 0 && (got = fr_tar_read(reader, buf, sizeof(buf))) > 0) {
		EVP_DigestUpdate(md, buf, (size_t)got);
		*total += got;
		if (fd >= 0) {
			size_t off = 0;

			while (off < (size_t)got) {
				ssize_t w = write(fd, buf + off, (size_t)got - off);

				if (w < 0 && errno == EINTR)
					continue;
				if (w < 0) {
					r = fr_err_set(v->err, FR_EIO, "cannot write '%s': %s", dst, strerror(errno));
					break;
				}
				off += (size_t)w;
			}
		}
	}
	if (r == 0 && got < 0)
		r = fr_err_set(v->err, FR_EIO, "'%s' cannot be read (the archive is damaged)", rel);
	EVP_DigestFinal_ex(md, d, &n);
	EVP_MD_CTX_free(md);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	hex[64] = '\0';
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = fr_err_set(v->err, FR_EIO, "cannot write '%s': %s", dst, strerror(errno));
	free(dst);
	return r;
}

static int verify_cb(void *ctx, const char *path, int type, long long size, void *reader)
{
	struct verify_ctx *v = ctx;
	struct fr_bundle_check *c = v->check;
	char *name = fr_xstrdup(path), hex[65];
	const char *problem, *rel;
	size_t len = strlen(name), toplen;
	long long total;
	int k, r = 1;

	(void)size;
	if (type == FR_TAR_DIR)
		while (len > 1 && name[len - 1] == '/')
			name[--len] = '\0';
	if (type != FR_TAR_FILE && type != FR_TAR_DIR) {
		bad(c, path, "is %s: a bundle holds only regular files and directories", fr_tar_type_name(type));
		goto out;
	}
	if ((problem = fr_path_problem(name, 0)) != NULL) {
		bad(c, path, "%s", problem);
		goto out;
	}
	if (v->top == NULL)
		v->top = fr_xstrndup(name, strcspn(name, "/"));
	toplen = strlen(v->top);
	if (strncmp(name, v->top, toplen) != 0 || (name[toplen] != '/' && name[toplen] != '\0')) {
		bad(c, path, "is outside the bundle's top directory '%s'", v->top);
		goto out;
	}
	rel = name[toplen] ? name + toplen + 1 : "";
	if (type == FR_TAR_DIR) {
		if (*rel && !c->have_manifest) {
			bad(c, path, "comes before MANIFEST");
			goto out;
		}
		if (*rel && v->dir) {
			char *dst = fr_xasprintf("%s/%s", v->dir, rel);

			if (fr_mkdir_p(dst, 0755, v->err) < 0) {
				v->io_error = 1;
				bad(c, path, "%s", v->err->msg);
			}
			free(dst);
			if (v->io_error)
				goto out;
		}
		r = 0;
		goto out;
	}
	if (*rel == '\0') {
		bad(c, path, "is a file where the top directory should be");
		goto out;
	}
	if (strcmp(rel, "MANIFEST") == 0) {
		if (c->have_manifest) {
			bad(c, path, "is a second MANIFEST");
			goto out;
		}
		{
			char buf[1 << 16];
			ssize_t got;

			while ((got = fr_tar_read(reader, buf, sizeof(buf))) > 0 && c->manifest.len < MAX_MANIFEST)
				fr_buf_addn(&c->manifest, buf, (size_t)got);
			if (got != 0) {
				bad(c, path, got < 0 ? "cannot be read (the archive is damaged)" : "is too large");
				goto out;
			}
		}
		if (fr_bundle_manifest_parse(c->manifest.buf, c->manifest.len, &c->m, v->err) < 0) {
			bad(c, path, "%s", v->err->msg);
			goto out;
		}
		c->have_manifest = 1;
		if (strcmp(c->m.top, v->top) != 0) {
			bad(c, path, "names the top directory '%s', the archive's is '%s'", c->m.top, v->top);
			goto out;
		}
		if (c->m.nfiles == 0) {
			bad(c, path, "lists no files: an empty bundle");
			goto out;
		}
		v->seen = fr_xcalloc(c->m.nfiles + 1, 1);
		if (v->dir) {
			char *dst = fr_xasprintf("%s/MANIFEST", v->dir);

			if (fr_write_atomic(dst, c->manifest.buf, c->manifest.len, 0644, 0, v->err) < 0) {
				v->io_error = 1;
				bad(c, path, "%s", v->err->msg);
			}
			free(dst);
			if (v->io_error)
				goto out;
		}
		r = 0;
		goto out;
	}
	if (!c->have_manifest) {
		bad(c, path, "comes before MANIFEST");
		goto out;
	}
	if ((k = find_file(&c->m, rel)) < 0) {
		bad(c, path, "is not listed in MANIFEST");
		goto out;
	}
	if (v->seen[k]) {
		bad(c, path, "appears twice in the archive");
		goto out;
	}
	v->seen[k] = 1;
	if (take_member(v, rel, reader, hex, &total) < 0) {
		v->io_error = 1;
		bad(c, path, "%s", v->err->msg);
		goto out;
	}
	if (c->m.files[k].size != total || strcmp(c->m.files[k].sha256, hex) != 0) {
		bad(c, path, "SHA-256 %s (%lld bytes) differs from MANIFEST's %.16s... (%lld bytes)", hex, total,
		    c->m.files[k].sha256, c->m.files[k].size);
		goto out;
	}
	c->files_ok++;
	r = 0;
out:
	free(name);
	return r;
}

void fr_bundle_check_release(struct fr_bundle_check *c)
{
	free(c->first_bad);
	c->first_bad = NULL;
	fr_buf_release(&c->manifest);
	if (c->have_manifest)
		fr_bundle_manifest_release(&c->m);
	c->have_manifest = 0;
}

void fr_bundle_check_describe(const struct fr_bundle_check *c, const char *bundle, struct fr_buf *out)
{
	if (!c->sig_ok)
		fr_buf_addf(out, "%s.sig: signature does not hold: %s", bundle, c->sig_error);
	if (c->first_bad)
		fr_buf_addf(out, "%s%s: %s", c->sig_ok ? "" : "; ", c->first_bad, c->bad_reason);
	if (c->sig_ok && !c->first_bad)
		fr_buf_addf(out, "%s: signature good, %zu files verified", bundle, c->files_ok);
}

int fr_bundle_verify_members(int fd, const char *name, const char *extract_dir, struct fr_bundle_check *check,
			     struct fr_err *err)
{
	struct verify_ctx v;
	size_t k;
	int r;

	memset(&v, 0, sizeof(v));
	v.check = check;
	v.err = err;
	v.dir = extract_dir;
	r = fr_tar_walk_fd(fd, name, verify_cb, &v, err);
	if (r < 0 && !check->first_bad) {
		/* a damaged archive: say so, naming the bundle */
		check->first_bad = fr_xstrdup(name);
		snprintf(check->bad_reason, sizeof(check->bad_reason), "%s", err->msg);
	}
	if (!check->have_manifest && !check->first_bad)
		bad(check, "MANIFEST", "is missing: not a farrow bundle");
	for (k = 0; check->have_manifest && k < check->m.nfiles && !check->first_bad; k++)
		if (!v.seen[k]) {
			char *p = fr_xasprintf("%s/%s", check->m.top, check->m.files[k].path);

			bad(check, p, "is listed in MANIFEST but missing");
			free(p);
		}
	for (k = 0; check->have_manifest && k < check->m.npkgs && !check->first_bad; k++)
		if (find_file(&check->m, check->m.pkgs[k].path) < 0)
			bad(check, "MANIFEST", "package %s's path '%s' is not a file of the bundle", check->m.pkgs[k].name,
			    check->m.pkgs[k].path);
	if (v.dir && !check->first_bad) {
		int dfd = open(v.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd < 0 || syncfs(dfd) < 0) {
			v.io_error = 1;
			bad(check, v.dir, "cannot be synced: %s", strerror(errno));
		}
		if (dfd >= 0)
			close(dfd);
	}
	free(v.seen);
	free(v.top);
	if (check->first_bad)
		return v.io_error ? fr_err_set(err, FR_EIO, "%s: %s", check->first_bad, check->bad_reason) : FR_ECRYPTO;
	return 0;
}

int fr_bundle_verify(const char *bundle, const char *keyfile, const char *extract_dir, struct fr_bundle_check *check,
		     struct fr_err *err)
{
	char *sigpath = fr_xasprintf("%s.sig", bundle), *sig = NULL, *datapath = NULL;
	struct stat st;
	size_t siglen;
	int r, fd;

	memset(check, 0, sizeof(*check));
	fr_buf_init(&check->manifest);
	/* one open file for the signature and the members: a file swapped in meanwhile is never read */
	if ((fd = open(bundle, O_RDONLY)) < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = fr_err_set(err, FR_EIO, "cannot read '%s': %s", bundle, fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		free(sigpath);
		return r;
	}
	if (fr_read_file(sigpath, 1u << 20, &sig, &siglen, err) < 0) {
		snprintf(check->sig_error, sizeof(check->sig_error), "%s", err->msg);
	} else {
		struct fr_err serr = { 0 };

		datapath = fr_xasprintf("/proc/self/fd/%d", fd); /* gpgv inherits fd and reads the same file */
		if (fr_pgp_verify_detached(keyfile, sig, siglen, datapath, &serr) == 0)
			check->sig_ok = 1;
		else
			snprintf(check->sig_error, sizeof(check->sig_error), "%s", serr.msg);
	}
	free(sig);
	free(sigpath);
	free(datapath);
	if (lseek(fd, 0, SEEK_SET) != 0)
		r = fr_err_set(err, FR_EIO, "cannot read '%s': %s", bundle, strerror(errno));
	else /* nothing is written for a bundle nobody signed */
		r = fr_bundle_verify_members(fd, bundle, check->sig_ok ? extract_dir : NULL, check, err);
	close(fd);
	if (r == FR_EIO)
		return r;
	return check->sig_ok && r == 0 ? 0 : FR_ECRYPTO;
}

static const char *const target_distros[] = { "el8", "el9", "el10", "d12", "d13", "u22", "u24", NULL };
/* the release codenames of the deb distros, as apt and mmdebstrap name a suite */
static const char *const target_codenames[][2] = {
	{ "d12", "bookworm" }, { "d13", "trixie" }, { "u22", "jammy" }, { "u24", "noble" },
};
static const char *const target_arches[] = { "x86_64", "aarch64", NULL };

static int one_of_set(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

int fr_target_distro_known(const char *s)
{
	return one_of_set(s, target_distros);
}

const char *fr_target_codename(const char *target)
{
	char distro[16], arch[16];
	size_t i;

	if (fr_target_split(target, distro, sizeof(distro), arch, sizeof(arch), NULL, NULL) < 0)
		return NULL;
	for (i = 0; i < sizeof(target_codenames) / sizeof(target_codenames[0]); i++)
		if (strcmp(distro, target_codenames[i][0]) == 0)
			return target_codenames[i][1];
	return NULL;
}

int fr_target_split(const char *target, char *distro, size_t dn, char *arch, size_t an, const char **debarch,
		    int *is_deb)
{
	const char *dot = target ? strchr(target, '.') : NULL;

	if (dot == NULL || (size_t)(dot - target) >= dn || strlen(dot + 1) >= an)
		return FR_EARG;
	memcpy(distro, target, (size_t)(dot - target));
	distro[dot - target] = '\0';
	strcpy(arch, dot + 1);
	if (!one_of_set(distro, target_distros) || !one_of_set(arch, target_arches))
		return FR_EARG;
	if (is_deb)
		*is_deb = distro[0] != 'e';
	if (debarch)
		*debarch = strcmp(arch, "x86_64") == 0 ? "amd64" : "arm64";
	return 0;
}

/* The value of KEY= in os-release text, unquoted, into out ("" when absent). */
static void os_field(const char *text, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	const char *p = text;

	out[0] = '\0';
	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			const char *v = p + kl + 1;
			size_t l = strcspn(v, "\n");

			if (l >= 2 && (v[0] == '"' || v[0] == '\'') && v[l - 1] == v[0]) {
				v++;
				l -= 2;
			}
			snprintf(out, n, "%.*s", (int)l, v);
			return;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
}

int fr_target_fits(const char *target, const char *os_release, const char *machine, char *why, size_t n)
{
	char distro[16], arch[16], id[64], ver[64], like[128], pretty[160], have[160] = "";
	const char *h;

	if (fr_target_split(target, distro, sizeof(distro), arch, sizeof(arch), NULL, NULL) < 0) {
		snprintf(why, n, "the bundle names no known target ('%s')", target ? target : "");
		return 0;
	}
	os_field(os_release ? os_release : "", "ID", id, sizeof(id));
	os_field(os_release ? os_release : "", "VERSION_ID", ver, sizeof(ver));
	os_field(os_release ? os_release : "", "ID_LIKE", like, sizeof(like));
	os_field(os_release ? os_release : "", "PRETTY_NAME", pretty, sizeof(pretty));
	ver[strcspn(ver, ".")] = '\0';
	if (strcmp(id, "debian") == 0)
		h = "d";
	else if (strcmp(id, "ubuntu") == 0)
		h = "u";
	else if (strcmp(id, "rhel") == 0 || strstr(like, "rhel") || strstr(like, "fedora"))
		h = "el";
	else
		h = NULL;
	if (h && *ver)
		snprintf(have, sizeof(have), "%s%s", h, ver);
	if (strcmp(have, distro) != 0 || (machine && strcmp(machine, arch) != 0)) {
		snprintf(why, n, "the bundle is for %s, this system is %s (%s, %s)", target, *pretty ? pretty : "unknown",
			 *have ? have : "a release farrow does not know", machine ? machine : "?");
		return 0;
	}
	return 1;
}

int fr_bundle_verify_or_say(const char *bundle, const char *keyfile, const char *extract_dir, const char *consequence,
			    struct fr_bundle_check *check, struct fr_err *err)
{
	int r = fr_bundle_verify(bundle, keyfile, extract_dir, check, err);

	if (r == FR_ECRYPTO) {
		struct fr_buf why = FR_BUF_INIT;

		fr_bundle_check_describe(check, bundle, &why);
		r = fr_err_set(err, FR_ECRYPTO, "%s does not verify: %s\n    %s", bundle, consequence, why.buf);
		fr_buf_release(&why);
	}
	return r;
}
