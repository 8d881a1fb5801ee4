/* build-fetch.c -- `repo-builder build`'s downloads: every package of a closure into the content-
 * addressed cache (<cache>/sha256/<hash>), checked, in parallel, with progress; host-apt through apt. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "bundle.h"
#include "crypto.h"
#include "exec.h"
#include "fileio.h"
#include "http.h"
#include "xalloc.h"

static void progress(void *ctx, const struct fr_dl_progress *p)
{
	struct rb_build *b = ctx;
	double rate = p->elapsed > 0 ? (double)p->bytes_done / p->elapsed : 0;

	if (p->finished == NULL)
		return;
	switch (b->mode) {
	case OUT_JSON:
		printf("{\"event\":\"download\",\"target\":\"%s\",\"url\":", b->target);
		{
			struct fr_buf u = FR_BUF_INIT;

			fr_buf_add_json_str(&u, p->finished->url);
			fputs(u.buf, stdout);
			fr_buf_release(&u);
		}
		printf(",\"ok\":%s,\"files_done\":%zu,\"files_total\":%zu,\"bytes_done\":%lld,\"bytes_total\":%lld}\n",
		       p->finished->ok ? "true" : "false", p->files_done, p->files_total, p->bytes_done, p->bytes_total);
		fflush(stdout);
		break;
	case OUT_PLAIN:
		fprintf(stderr, "%s %s (%zu/%zu)\n", p->finished->ok ? "fetched" : "FAILED", p->finished->url,
			p->files_done, p->files_total);
		break;
	case OUT_TTY: {
		int width = 30, fill = p->files_total ? (int)(width * p->files_done / p->files_total) : width;
		double eta = rate > 0 ? (double)(p->bytes_total - p->bytes_done) / rate : 0;

		if (rb_now() - b->last_draw < 0.1 && p->files_done < p->files_total)
			break;
		b->last_draw = rb_now();
		fprintf(stderr, "\r[%.*s%*s] %zu/%zu pkgs  %.1f/%.1f MiB  %.1f MiB/s  ETA %.0fs ", fill,
			"##############################", width - fill, "", p->files_done, p->files_total,
			(double)p->bytes_done / 1048576.0, (double)p->bytes_total / 1048576.0, rate / 1048576.0,
			eta < 0 ? 0 : eta);
		if (p->files_done == p->files_total)
			fputc('\n', stderr);
		break;
	}
	case OUT_QUIET:
		break;
	}
}

/* base/path with path percent-encoded (an epoch's ':' is '%3a' in a pool file name, '+' is common). */
static char *url_join(const char *base, const char *path)
{
	struct fr_buf b = FR_BUF_INIT;
	const char *p;

	fr_buf_addf(&b, "%s/", base);
	for (p = path; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || strchr("-._~/", ch))
			fr_buf_addc(&b, (char)ch);
		else
			fr_buf_addf(&b, "%%%02X", ch);
	}
	return fr_buf_detach(&b, NULL);
}

char *rb_cache_path(const struct rb_build *b, const char *sha256)
{
	return fr_xasprintf("%s/sha256/%s", b->cache, sha256);
}

/* Download through the build host's apt: the packages of one host-apt repository (its suite's
 * private configuration, or the host's own). */
static int fetch_host_apt_repo(struct rb_build *b, const struct rb_repo *repo, struct rb_pkg **pkgs, size_t n,
			       struct fr_err *err)
{
	char *dir = fr_xasprintf("%s/tmp-apt.XXXXXX", b->cache), *cwd = getcwd(NULL, 0);
	char **specs = fr_xcalloc(n ? n : 1, sizeof(char *));
	const char **argv = NULL;
	struct fr_buf out = FR_BUF_INIT, e = FR_BUF_INIT;
	struct rb_apt_opts ao = { NULL, 0 };
	char distro[16], arch[16];
	const char *debarch = "amd64";
	size_t i, a = 0;
	int st = 0, r = 0;

	fr_target_split(b->target, distro, sizeof(distro), arch, sizeof(arch), &debarch, NULL);
	if (mkdtemp(dir) == NULL || chdir(dir) < 0) {
		r = fr_err_set(err, FR_EIO, "cannot make '%s': %s", dir, strerror(errno));
		goto out;
	}
	if ((r = rb_host_apt_opts(b->m, repo, debarch, 0, &ao, err)) < 0) {
		if (chdir(cwd) < 0)
			r = fr_err_set(err, FR_EIO, "cannot return to '%s'", cwd);
		goto out;
	}
	argv = fr_xcalloc(n + ao.n + 8, sizeof(char *));
	argv[a++] = "apt-get";
	argv[a++] = "-q";
	for (i = 0; i < ao.n; i++)
		argv[a++] = ao.v[i];
	argv[a++] = "download";
	for (i = 0; i < n; i++) {
		specs[i] = fr_xasprintf("%s:%s=%s", pkgs[i]->name, pkgs[i]->arch, pkgs[i]->version);
		argv[a++] = specs[i];
	}
	argv[a] = NULL;
	rb_say(b, "apt-get download: %zu packages through the host's apt%s%s\n", n, repo->suite ? ", suite " : "",
	       repo->suite ? repo->suite : "");
	r = fr_exec(argv, NULL, NULL, 0, &out, &e, &st, err);
	if (chdir(cwd) < 0)
		r = fr_err_set(err, FR_EIO, "cannot return to '%s'", cwd);
	if (r == 0 && st != 0)
		r = fr_err_set(err, FR_EIO, "apt-get download failed: %s", e.len ? e.buf : out.buf);
	for (i = 0; r == 0 && i < n; i++) {
		/* apt names the file <name>_<version, ':' as %3a>_<arch>.deb */
		struct fr_buf ver = FR_BUF_INIT;
		const char *v;
		char *file, hex[65];
		long long size = 0;

		for (v = pkgs[i]->version; *v; v++)
			if (*v == ':')
				fr_buf_adds(&ver, "%3a");
			else
				fr_buf_addc(&ver, *v);
		file = fr_xasprintf("%s/%s_%s_%s.deb", dir, pkgs[i]->name, ver.buf, pkgs[i]->arch);
		fr_buf_release(&ver);

		if (fr_sha256_file(file, hex, &size, err) < 0) {
			r = FR_EIO;
		} else if (strcmp(hex, pkgs[i]->sha256) != 0 || (pkgs[i]->size >= 0 && size != pkgs[i]->size)) {
			r = fr_err_set(err, FR_ECRYPTO, "%s: SHA-256 %s differs from the index's %s", file, hex,
				       pkgs[i]->sha256);
		} else {
			char *dst = rb_cache_path(b, hex);

			if (rename(file, dst) < 0)
				r = fr_err_set(err, FR_EIO, "cannot move '%s' into the cache: %s", file, strerror(errno));
			free(dst);
		}
		free(file);
	}
out:
	fr_rm_rf(dir);
	fr_strv_free(specs, n);
	rb_apt_opts_release(&ao);
	free(argv);
	free(dir);
	free(cwd);
	fr_buf_release(&out);
	fr_buf_release(&e);
	return r;
}

/* The host-apt packages, a batch per repository (each has its own apt configuration). */
static int fetch_host_apt(struct rb_build *b, struct rb_pkg **pkgs, size_t n, struct fr_err *err)
{
	struct rb_pkg **batch = fr_xcalloc(n ? n : 1, sizeof(*batch));
	size_t repo, i, k;
	int r = 0;

	for (repo = 0; repo < b->m->nrepos && r == 0; repo++) {
		for (i = k = 0; i < n; i++)
			if (pkgs[i]->repo == repo)
				batch[k++] = pkgs[i];
		if (k)
			r = fetch_host_apt_repo(b, &b->m->repos[repo], batch, k, err);
	}
	free(batch);
	return r;
}

/* Fetch what the cache lacks: packages of the closure and the manifest's extra files. */
int rb_fetch(struct rb_build *b, struct rb_closure *c, struct fr_err *err)
{
	struct fr_dl_job *jobs = fr_xcalloc(c->npkgs + b->m->nfiles + 1, sizeof(*jobs));
	struct rb_pkg **host = fr_xcalloc(c->npkgs + 1, sizeof(*host));
	char **urls = fr_xcalloc(c->npkgs + b->m->nfiles + 1, sizeof(char *));
	char **dests = fr_xcalloc(c->npkgs + b->m->nfiles + 1, sizeof(char *));
	size_t n = 0, nh = 0, i, cached = 0;
	struct fr_dl_opts o = { 0 };
	int r = 0;

	for (i = 0; i < c->npkgs; i++) {
		struct rb_pkg *p = c->pkgs[i];
		const struct rb_repo *repo = &b->m->repos[p->repo];
		char *dst;

		if (p->sha256 == NULL || strlen(p->sha256) != 64 || p->filename == NULL) {
			r = fr_err_set(err, FR_EINVALID, "%s %s: the index gives no SHA256 or Filename", p->name,
				       p->version);
			goto out;
		}
		dst = rb_cache_path(b, p->sha256);
		if (access(dst, F_OK) == 0) {
			cached++;
			free(dst);
			continue;
		}
		if (repo->type == RB_REPO_DEBS) {
			/* fetched by its SHA-256 when its index was read: gone from the cache since */
			free(dst);
			r = fr_err_set(err, FR_EIO, "%s: its .deb left the cache during the build", p->name);
			goto out;
		}
		if (repo->type == RB_REPO_HOST_APT) {
			host[nh++] = p;
			free(dst);
			continue;
		}
		urls[n] = url_join(repo->url, p->filename);
		dests[n] = dst;
		jobs[n].url = urls[n];
		jobs[n].dest = dests[n];
		memcpy(jobs[n].sha256, p->sha256, 65);
		jobs[n].size = p->size;
		n++;
	}
	for (i = 0; i < b->m->nfiles; i++) {
		const struct rb_file *f = &b->m->files[i];
		char *dst = rb_cache_path(b, f->sha256);

		if (access(dst, F_OK) == 0) {
			cached++;
			free(dst);
			continue;
		}
		urls[n] = fr_xstrdup(f->url);
		dests[n] = dst;
		jobs[n].url = urls[n];
		jobs[n].dest = dests[n];
		memcpy(jobs[n].sha256, f->sha256, 65);
		jobs[n].size = -1;
		n++;
	}
	rb_say(b, "%zu files cached, %zu to fetch\n", cached, n + nh);
	rb_json_event(b, "{\"event\":\"fetch\",\"target\":\"%s\",\"cached\":%zu,\"to_fetch\":%zu}", b->target, cached,
		   n + nh);
	if (nh && (r = fetch_host_apt(b, host, nh, err)) < 0)
		goto out;
	o.jobs = b->jobs;
	o.progress = progress;
	o.ctx = b;
	if (n && (r = fr_download(jobs, n, &o, err)) < 0)
		goto out;
out:
	for (i = 0; i < n; i++) {
		free(urls[i]);
		free(dests[i]);
	}
	free(urls);
	free(dests);
	free(jobs);
	free(host);
	return r;
}

