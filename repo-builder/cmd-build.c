/* cmd-build.c -- `repo-builder build`: manifest in, signed reproducible bundle out. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "crypto.h"
#include "exec.h"
#include "fileio.h"
#include "http.h"
#include "pgp.h"
#include "rb.h"
#include "tarball.h"
#include "xalloc.h"

#define BUILD_USAGE                                                                                     \
	"usage: repo-builder build <manifest> --key <secret-key> [--target <target>] [--out <dir>]\n"  \
	"                          [--cache <dir>] [--jobs <n>] [--region <region>] [--quiet | --json]\n" \
	"                          [--allow-expired]\n"                                                   \
	"\n"                                                                                             \
	"Resolve the manifest's packages against its base system, download them (checked against\n"   \
	"the upstream indexes' SHA-256, which the upstream signature covers), write a signed apt\n"    \
	"repository and pack it into <out>/<bundle>-<version>.<target>.tar.zst with a detached\n"      \
	"signature beside it (.sig). The same inputs and SOURCE_DATE_EPOCH give the same bytes.\n"     \
	"\n"                                                                                             \
	"  --key <file>      the signing key from 'repo-builder keygen' (mode 0600)\n"                 \
	"  --target <t>      build one of the manifest's targets only (d12.x86_64, ...)\n"            \
	"  --out <dir>       where bundles go (default: .)\n"                                          \
	"  --cache <dir>     content-addressed download cache (default ~/.cache/farrow/repo-builder)\n" \
	"  --jobs <n>        parallel downloads (default 8)\n"                                         \
	"  --region <r>      default, china or europe: which url of each repository to use\n"         \
	"  --quiet           only errors;  --json  one JSON event per line on stdout\n"                \
	"  --allow-expired   take upstream Release files past their Valid-Until (building from an\n"  \
	"                    archive snapshot); each is named in a WARNING. Without it they are\n"  \
	"                    refused, as stock apt does. A Date more than 300 s ahead of this\n"     \
	"                    host's clock is always refused\n"                                      \
	"\n"                                                                                             \
	"SOURCE_DATE_EPOCH, when set, is the Release Date and every file's time; otherwise the\n"      \
	"newest upstream Release Date is used, so a rebuild from the same inputs is identical.\n"      \
	"\n"                                                                                             \
	"exit status: 0 built, 1 failed, 2 usage, 3 invalid manifest, 5 unresolvable,\n"               \
	"             6 an upstream's signature, checksum, dates or package metadata do not hold,\n" \
	"             8 download failed\n"

/* Packages are compressed already: a low level costs little size and much less time. */
#ifndef RB_ZSTD_LEVEL
#define RB_ZSTD_LEVEL 3
#endif

enum out_mode { OUT_TTY, OUT_PLAIN, OUT_JSON, OUT_QUIET };

struct build {
	struct rb_manifest *m;
	const char *out, *cache;
	int jobs;
	enum out_mode mode;
	struct fr_pgp_signer *signer;
	/* progress */
	const char *target;
	double last_draw;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void say(const struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(const struct build *b, const char *fmt, ...)
{
	va_list ap;

	if (b->mode == OUT_QUIET || b->mode == OUT_JSON)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void json_event(const struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void json_event(const struct build *b, const char *fmt, ...)
{
	va_list ap;

	if (b->mode != OUT_JSON)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void progress(void *ctx, const struct fr_dl_progress *p)
{
	struct build *b = ctx;
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

		if (now() - b->last_draw < 0.1 && p->files_done < p->files_total)
			break;
		b->last_draw = now();
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

static char *cache_path(const struct build *b, const char *sha256)
{
	return fr_xasprintf("%s/sha256/%s", b->cache, sha256);
}

/* Download through the build host's apt (host-apt repositories). */
static int fetch_host_apt(struct build *b, struct rb_pkg **pkgs, size_t n, struct fr_err *err)
{
	char *dir = fr_xasprintf("%s/tmp-apt.XXXXXX", b->cache), *cwd = getcwd(NULL, 0);
	const char **argv = fr_xcalloc(n + 8, sizeof(char *));
	char **specs = fr_xcalloc(n ? n : 1, sizeof(char *));
	struct fr_buf out = FR_BUF_INIT, e = FR_BUF_INIT;
	size_t i, a = 0;
	int st = 0, r = 0;

	if (mkdtemp(dir) == NULL || chdir(dir) < 0) {
		r = fr_err_set(err, FR_EIO, "cannot make '%s': %s", dir, strerror(errno));
		goto out;
	}
	argv[a++] = "apt-get";
	argv[a++] = "-q";
	if (geteuid() == 0) {
		/* what apt falls back to anyway when _apt cannot write the directory, minus the warning */
		argv[a++] = "-o";
		argv[a++] = "APT::Sandbox::User=root";
	}
	argv[a++] = "download";
	for (i = 0; i < n; i++) {
		specs[i] = fr_xasprintf("%s:%s=%s", pkgs[i]->name, pkgs[i]->arch, pkgs[i]->version);
		argv[a++] = specs[i];
	}
	argv[a] = NULL;
	say(b, "apt-get download: %zu packages through the host's apt\n", n);
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
			char *dst = cache_path(b, hex);

			if (rename(file, dst) < 0)
				r = fr_err_set(err, FR_EIO, "cannot move '%s' into the cache: %s", file, strerror(errno));
			free(dst);
		}
		free(file);
	}
out:
	fr_rm_rf(dir);
	fr_strv_free(specs, n);
	free(argv);
	free(dir);
	free(cwd);
	fr_buf_release(&out);
	fr_buf_release(&e);
	return r;
}

/* Fetch what the cache lacks: packages of the closure and the manifest's extra files. */
static int fetch(struct build *b, struct rb_closure *c, struct fr_err *err)
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
		dst = cache_path(b, p->sha256);
		if (access(dst, F_OK) == 0) {
			cached++;
			free(dst);
			continue;
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
		char *dst = cache_path(b, f->sha256);

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
	say(b, "%zu files cached, %zu to fetch\n", cached, n + nh);
	json_event(b, "{\"event\":\"fetch\",\"target\":\"%s\",\"cached\":%zu,\"to_fetch\":%zu}", b->target, cached,
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

struct bundle_file {
	char *path;            /* under the top directory */
	struct fr_buf data;    /* in memory, or */
	char *file;            /* in the cache */
	long long size;
	char sha256[65];
};

struct files {
	struct bundle_file *v;
	size_t n, alloc;
};

static struct bundle_file *add_mem(struct files *f, const char *path, struct fr_buf *data)
{
	struct bundle_file *x;

	FR_ALLOC_GROW(f->v, f->n + 1, f->alloc);
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	x->path = fr_xstrdup(path);
	x->data = *data;
	fr_buf_init(data);
	x->size = (long long)x->data.len;
	fr_sha256_hex(x->data.buf, x->data.len, x->sha256);
	return x;
}

static void add_cached(struct files *f, const char *path, char *file, const char *sha256, long long size)
{
	struct bundle_file *x;

	FR_ALLOC_GROW(f->v, f->n + 1, f->alloc);
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	fr_buf_init(&x->data);
	x->path = fr_xstrdup(path);
	x->file = file;
	x->size = size;
	memcpy(x->sha256, sha256, 65);
}

static void files_release(struct files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].file);
		fr_buf_release(&f->v[i].data);
	}
	free(f->v);
}

/* The pool path of a package in the bundle: pool/<repo>/<upstream path without its "pool/">. */
static char *pool_path(const struct build *b, const struct rb_pkg *p)
{
	const char *f = p->filename;

	if (strncmp(f, "pool/", 5) == 0)
		f += 5;
	return fr_xasprintf("pool/%s/%s", b->m->repos[p->repo].name, f);
}

/* The stanza with Filename rewritten. */
static void stanza(struct fr_buf *out, const struct rb_pkg *p, const char *filename)
{
	size_t i = 0;

	while (i < p->len) {
		const char *line = p->text + i, *nl = memchr(line, '\n', p->len - i);
		size_t ll = nl ? (size_t)(nl - line) + 1 : p->len - i;

		if (strncmp(line, "Filename:", 9) == 0)
			fr_buf_addf(out, "Filename: %s\n", filename);
		else
			fr_buf_addn(out, line, ll);
		i += ll;
	}
	if (out->len && out->buf[out->len - 1] != '\n')
		fr_buf_addc(out, '\n');
	fr_buf_addc(out, '\n');
}

/* The apt repository: dists/farrow/{InRelease,Release,Release.gpg}, main/binary-<arch>/Packages(.gz). */
static int deb_repo(struct build *b, const struct rb_closure *c, const char *target, const char *debarch,
		    long long epoch, const char *date, struct files *files, struct fr_err *err)
{
	struct fr_buf packages = FR_BUF_INIT, gz = FR_BUF_INIT, release = FR_BUF_INIT, buf = FR_BUF_INIT;
	char hp[65], hg[65], *p;
	size_t i;
	int r;

	for (i = 0; i < c->npkgs; i++) {
		char *pp = pool_path(b, c->pkgs[i]);

		stanza(&packages, c->pkgs[i], pp);
		free(pp);
	}
	if ((r = fr_gzip(packages.buf, packages.len, &gz, err)) < 0)
		goto out;
	fr_sha256_hex(packages.buf, packages.len, hp);
	fr_sha256_hex(gz.buf, gz.len, hg);
	fr_buf_addf(&release,
		    "Origin: farrow\nLabel: farrow\nSuite: farrow\nCodename: farrow\nVersion: %s\nDate: %s\n"
		    "Architectures: %s\nComponents: main\nDescription: farrow bundle %s %s for %s\n"
		    "SHA256:\n %s %zu main/binary-%s/Packages\n %s %zu main/binary-%s/Packages.gz\n",
		    b->m->version, date, debarch, b->m->bundle, b->m->version, target, hp, packages.len, debarch, hg,
		    gz.len, debarch);
	if ((r = fr_pgp_sign(b->signer, FR_PGP_CLEARSIGN, release.buf, release.len, NULL, epoch, &buf, err)) < 0)
		goto out;
	add_mem(files, "repo/dists/farrow/InRelease", &buf);
	if ((r = fr_pgp_sign(b->signer, FR_PGP_DETACH_ARMOR, release.buf, release.len, NULL, epoch, &buf, err)) < 0)
		goto out;
	add_mem(files, "repo/dists/farrow/Release.gpg", &buf);
	add_mem(files, "repo/dists/farrow/Release", &release);
	p = fr_xasprintf("repo/dists/farrow/main/binary-%s/Packages", debarch);
	add_mem(files, p, &packages);
	free(p);
	p = fr_xasprintf("repo/dists/farrow/main/binary-%s/Packages.gz", debarch);
	add_mem(files, p, &gz);
	free(p);
out:
	fr_buf_release(&packages);
	fr_buf_release(&gz);
	fr_buf_release(&release);
	fr_buf_release(&buf);
	return r;
}

static void xml_escape(struct fr_buf *out, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': fr_buf_adds(out, "&amp;"); break;
		case '<': fr_buf_adds(out, "&lt;"); break;
		case '>': fr_buf_adds(out, "&gt;"); break;
		case '"': fr_buf_adds(out, "&quot;"); break;
		default: fr_buf_addc(out, *s);
		}
}

/* An rpm-md <package> element with its location pointing at href. */
static void rpm_element(struct fr_buf *out, const struct rb_pkg *p, const char *href)
{
	const char *loc = memmem(p->text, p->len, "<location ", 10), *end;

	if (loc == NULL || (end = memmem(loc, p->len - (size_t)(loc - p->text), "/>", 2)) == NULL) {
		fr_buf_addn(out, p->text, p->len);
		fr_buf_addc(out, '\n');
		return;
	}
	fr_buf_addn(out, p->text, (size_t)(loc - p->text));
	fr_buf_adds(out, "<location href=\"");
	xml_escape(out, href);
	fr_buf_adds(out, "\"/>");
	end += 2;
	fr_buf_addn(out, end, p->len - (size_t)(end - p->text));
	fr_buf_addc(out, '\n');
}

/* A filelists/other element for p, or a minimal one when upstream had none. */
static void rpm_side(struct fr_buf *out, const struct rb_pkg *p, const char *el, size_t len)
{
	if (el) {
		fr_buf_addn(out, el, len);
		fr_buf_addc(out, '\n');
		return;
	}
	{
		const char *v = memmem(p->text, p->len, "<version ", 9), *e = v ? memmem(v, p->len - (size_t)(v - p->text), "/>", 2) : NULL;

		fr_buf_addf(out, "<package pkgid=\"%s\" name=\"", p->sha256);
		xml_escape(out, p->name);
		fr_buf_addf(out, "\" arch=\"%s\">", p->arch);
		if (v && e)
			fr_buf_addn(out, v, (size_t)(e + 2 - v));
		fr_buf_adds(out, "</package>\n");
	}
}

/* The rpm-md repository: repodata/{repomd.xml,repomd.xml.asc,*-primary,filelists,other.xml.gz}. */
static int rpm_repo(struct build *b, const struct rb_closure *c, long long epoch, struct files *files,
		    struct fr_err *err)
{
	static const char *const types[] = { "primary", "filelists", "other" };
	struct fr_buf xml[3] = { FR_BUF_INIT, FR_BUF_INIT, FR_BUF_INIT }, repomd = FR_BUF_INIT, buf = FR_BUF_INIT;
	size_t i, k;
	int r = 0;

	fr_buf_addf(&xml[0], "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xmlns=\"http://linux.duke.edu/metadata/common\" "
			     "xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"%zu\">\n", c->npkgs);
	fr_buf_addf(&xml[1], "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<filelists xmlns=\"http://linux.duke.edu/metadata/filelists\" "
			     "packages=\"%zu\">\n", c->npkgs);
	fr_buf_addf(&xml[2], "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<otherdata xmlns=\"http://linux.duke.edu/metadata/other\" "
			     "packages=\"%zu\">\n", c->npkgs);
	for (i = 0; i < c->npkgs; i++) {
		char *pp = pool_path(b, c->pkgs[i]);

		rpm_element(&xml[0], c->pkgs[i], pp);
		rpm_side(&xml[1], c->pkgs[i], c->pkgs[i]->fl, c->pkgs[i]->fllen);
		rpm_side(&xml[2], c->pkgs[i], c->pkgs[i]->ot, c->pkgs[i]->otlen);
		free(pp);
	}
	fr_buf_adds(&xml[0], "</metadata>\n");
	fr_buf_adds(&xml[1], "</filelists>\n");
	fr_buf_adds(&xml[2], "</otherdata>\n");
	fr_buf_addf(&repomd, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<repomd xmlns=\"http://linux.duke.edu/metadata/repo\" "
			     "xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\">\n  <revision>%lld</revision>\n", epoch);
	for (k = 0; k < 3; k++) {
		struct fr_buf gz = FR_BUF_INIT;
		char open[65], hash[65], *path;

		if ((r = fr_gzip(xml[k].buf, xml[k].len, &gz, err)) < 0)
			goto out;
		fr_sha256_hex(xml[k].buf, xml[k].len, open);
		fr_sha256_hex(gz.buf, gz.len, hash);
		fr_buf_addf(&repomd,
			    "  <data type=\"%s\">\n    <checksum type=\"sha256\">%s</checksum>\n"
			    "    <open-checksum type=\"sha256\">%s</open-checksum>\n"
			    "    <location href=\"repodata/%s-%s.xml.gz\"/>\n    <timestamp>%lld</timestamp>\n"
			    "    <size>%zu</size>\n    <open-size>%zu</open-size>\n  </data>\n",
			    types[k], hash, open, hash, types[k], epoch, gz.len, xml[k].len);
		path = fr_xasprintf("repo/repodata/%s-%s.xml.gz", hash, types[k]);
		add_mem(files, path, &gz);
		free(path);
	}
	fr_buf_adds(&repomd, "</repomd>\n");
	if ((r = fr_pgp_sign(b->signer, FR_PGP_DETACH_ARMOR, repomd.buf, repomd.len, NULL, epoch, &buf, err)) < 0)
		goto out;
	add_mem(files, "repo/repodata/repomd.xml.asc", &buf);
	add_mem(files, "repo/repodata/repomd.xml", &repomd);
out:
	for (k = 0; k < 3; k++)
		fr_buf_release(&xml[k]);
	fr_buf_release(&repomd);
	fr_buf_release(&buf);
	return r;
}

static int build_target(struct build *b, const char *target)
{
	struct rb_index *ix = NULL;
	size_t nix = 0, i;
	struct rb_closure c = { 0 };
	struct fr_buf problems = FR_BUF_INIT, buf = FR_BUF_INIT, manifest = FR_BUF_INIT;
	struct fr_err err = { 0 };
	struct files files = { 0 };
	struct fr_tar_entry *entries = NULL;
	char distro[16], arch[16], date[64], *top = NULL, *outpath = NULL, *sigpath = NULL, *p;
	const char *debarch, *sde = getenv("SOURCE_DATE_EPOCH");
	long long epoch = -1;
	int r, deb;
	double t0 = now(), t_resolve = 0, t_fetch = 0, t_index = 0, t_pack = 0, t_sign = 0, t_start = t0;

	b->target = target;
	rb_target_split(target, distro, sizeof(distro), arch, sizeof(arch), &debarch, &deb);
	if ((r = rb_load_indexes(b->m, target, &ix, &nix, b->mode == OUT_QUIET || b->mode == OUT_JSON)) != 0)
		goto done;
	r = rb_solve(b->m, target, ix, nix, &c, &problems, &err);
	if (r < 0) {
		if (problems.len)
			fputs(problems.buf, stderr);
		fr_cli_error("%s", err.msg);
		r = RB_EXIT_UNSOLVABLE;
		goto done;
	}
	t_resolve = now() - t0;
	say(b, "%s: %zu packages, %.1f MiB to bundle (resolved in %.2f s)\n", target, c.npkgs,
	    (double)c.bytes / 1048576.0, t_resolve);
	t0 = now();
	json_event(b, "{\"event\":\"resolve\",\"target\":\"%s\",\"packages\":%zu,\"bytes\":%lld}", target, c.npkgs,
		   c.bytes);
	if (fr_mkdir_p(b->cache, 0755, &err) < 0 || (p = fr_xasprintf("%s/sha256", b->cache)) == NULL) {
		fr_cli_error("%s", err.msg);
		r = FR_EXIT_FAIL;
		goto done;
	}
	r = fr_mkdir_p(p, 0755, &err);
	free(p);
	if (r < 0 || fetch(b, &c, &err) < 0) {
		fr_cli_error("%s", err.msg);
		r = err.code == FR_ECRYPTO ? RB_EXIT_BADSIG : RB_EXIT_FETCH;
		goto done;
	}

	t_fetch = now() - t0;
	t0 = now();

	/* the time of everything: SOURCE_DATE_EPOCH, else the newest upstream Release */
	if (sde && *sde)
		epoch = strtoll(sde, NULL, 10);
	if (epoch < 0)
		for (i = 0; i < nix; i++)
			if (ix[i].epoch > epoch)
				epoch = ix[i].epoch;
	if (epoch < 0) {
		epoch = (long long)time(NULL);
		say(b, "warning: no upstream date and no SOURCE_DATE_EPOCH: using now; the bundle is not reproducible\n");
	}
	rb_format_date(epoch, date);

	/* the repository */
	for (i = 0; i < c.npkgs; i++) {
		char *pp = pool_path(b, c.pkgs[i]);
		char *path = fr_xasprintf("repo/%s", pp);

		add_cached(&files, path, cache_path(b, c.pkgs[i]->sha256), c.pkgs[i]->sha256, c.pkgs[i]->size);
		free(path);
		free(pp);
	}
	if ((deb ? deb_repo(b, &c, target, debarch, epoch, date, &files, &err)
		 : rpm_repo(b, &c, epoch, &files, &err)) < 0)
		goto sign_failed;
	if (fr_pgp_signer_export(b->signer, 0, &buf, &err) < 0)
		goto sign_failed;
	add_mem(&files, "keys/farrow-signing.gpg", &buf);
	if (fr_pgp_signer_export(b->signer, 1, &buf, &err) < 0)
		goto sign_failed;
	add_mem(&files, "keys/farrow-signing.asc", &buf);
	for (i = 0; i < b->m->nfiles; i++) {
		char *src = cache_path(b, b->m->files[i].sha256), hex[65], *dst;
		long long size = 0;

		if (fr_sha256_file(src, hex, &size, &err) < 0) {
			free(src);
			fr_cli_error("%s", err.msg);
			r = FR_EXIT_FAIL;
			goto done;
		}
		dst = fr_xasprintf("files/%s", b->m->files[i].path);
		add_cached(&files, dst, src, hex, size);
		free(dst);
	}

	/* MANIFEST, then the tarball */
	top = fr_xasprintf("%s-%s.%s", b->m->bundle, b->m->version, target);
	fr_buf_addf(&manifest, "farrow-bundle 1\ntop %s\nbundle %s\nversion %s\ntarget %s\nepoch %lld\nkey %s\nmanifest-sha256 %s\n",
		    top, b->m->bundle, b->m->version, target, epoch, fr_pgp_signer_fpr(b->signer), b->m->sha256);
	for (i = 0; i < nix; i++)
		fr_buf_addf(&manifest, "input %s %lld %s\n", b->m->repos[ix[i].repo].name, ix[i].epoch,
			    ix[i].origin ? ix[i].origin : "");
	for (i = 0; i < c.npkgs; i++) {
		char *pp = pool_path(b, c.pkgs[i]);

		fr_buf_addf(&manifest, "package %s %s %s %s repo/%s %lld %s\n", c.pkgs[i]->name, c.pkgs[i]->version,
			    c.pkgs[i]->arch, b->m->repos[c.pkgs[i]->repo].name, pp, c.pkgs[i]->size, c.pkgs[i]->sha256);
		free(pp);
	}
	for (i = 0; i < files.n; i++)
		fr_buf_addf(&manifest, "file %s %lld %s\n", files.v[i].sha256, files.v[i].size, files.v[i].path);
	entries = fr_xcalloc(files.n + 1, sizeof(*entries));
	entries[0].path = fr_xasprintf("%s/MANIFEST", top);
	entries[0].data = manifest.buf;
	entries[0].len = (long long)manifest.len;
	for (i = 0; i < files.n; i++) {
		entries[i + 1].path = fr_xasprintf("%s/%s", top, files.v[i].path);
		entries[i + 1].len = files.v[i].size;
		if (files.v[i].file)
			entries[i + 1].file = files.v[i].file;
		else
			entries[i + 1].data = files.v[i].data.buf;
	}
	outpath = fr_xasprintf("%s/%s.tar.zst", b->out, top);
	sigpath = fr_xasprintf("%s.sig", outpath);
	if (access(sigpath, F_OK) == 0) {
		/* the same MANIFEST means the same bytes: nothing to do */
		struct fr_bundle_manifest old;
		struct fr_buf oldtext = FR_BUF_INIT;

		if (fr_bundle_manifest_text(outpath, &oldtext, NULL) == 0 && oldtext.len == manifest.len &&
		    memcmp(oldtext.buf, manifest.buf, manifest.len) == 0) {
			say(b, "%s: up to date\n", outpath);
			if (b->mode == OUT_QUIET)
				printf("%s\n", outpath);
			json_event(b, "{\"event\":\"up-to-date\",\"target\":\"%s\"}", target);
			fr_buf_release(&oldtext);
			r = FR_EXIT_OK;
			goto done;
		}
		(void)old;
		fr_buf_release(&oldtext);
	}
	if (fr_mkdir_p(b->out, 0755, &err) < 0) {
		fr_cli_error("%s", err.msg);
		r = FR_EXIT_FAIL;
		goto done;
	}
	t_index = now() - t0;
	t0 = now();
	if (fr_tar_zst_write(outpath, entries, files.n + 1, epoch, RB_ZSTD_LEVEL, 2, &err) < 0) {
		fr_cli_error("%s", err.msg);
		r = FR_EXIT_FAIL;
		goto done;
	}
	t_pack = now() - t0;
	t0 = now();
	fr_buf_reset(&buf);
	if (fr_pgp_sign(b->signer, FR_PGP_DETACH_BINARY, NULL, 0, outpath, epoch, &buf, &err) < 0 ||
	    fr_write_atomic(sigpath, buf.buf, buf.len, 0644, 0, &err) < 0) {
		unlink(outpath);
		goto sign_failed;
	}
	{
		char hex[65];
		long long size = 0;

		t_sign = now() - t0;
		fr_sha256_file(outpath, hex, &size, NULL);
		say(b, "%s: %zu packages, %.1f MiB, sha256 %s\n", outpath, c.npkgs, (double)size / 1048576.0, hex);
		say(b, "times: resolve %.2f s, fetch %.2f s, index %.2f s, pack %.2f s, sign %.2f s, total %.2f s\n",
		    t_resolve, t_fetch, t_index, t_pack, t_sign, now() - t_start);
		if (b->mode == OUT_JSON) {
			printf("{\"event\":\"bundle\",\"target\":\"%s\",\"path\":", target);
			{
				struct fr_buf u = FR_BUF_INIT;

				fr_buf_add_json_str(&u, outpath);
				fputs(u.buf, stdout);
				fr_buf_release(&u);
			}
			printf(",\"size\":%lld,\"sha256\":\"%s\",\"packages\":%zu,\"resolve_s\":%.3f,\"fetch_s\":%.3f,"
			       "\"index_s\":%.3f,\"pack_s\":%.3f,\"sign_s\":%.3f,\"total_s\":%.3f}\n",
			       size, hex, c.npkgs, t_resolve, t_fetch, t_index, t_pack, t_sign, now() - t_start);
		}
		if (b->mode == OUT_QUIET)
			printf("%s\n", outpath);
	}
	r = FR_EXIT_OK;
	goto done;
sign_failed:
	fr_cli_error("signing: %s", err.msg);
	r = FR_EXIT_FAIL;
done:
	if (entries)
		for (i = 0; i <= files.n; i++)
			free((char *)entries[i].path);
	free(entries);
	files_release(&files);
	for (i = 0; i < nix; i++)
		rb_index_release(&ix[i]);
	free(ix);
	rb_closure_release(&c);
	fr_buf_release(&problems);
	fr_buf_release(&buf);
	fr_buf_release(&manifest);
	free(top);
	free(outpath);
	free(sigpath);
	return r;
}

int rb_cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' }, { "out", required_argument, NULL, 'o' },
		{ "cache", required_argument, NULL, 'c' },  { "jobs", required_argument, NULL, 'j' },
		{ "key", required_argument, NULL, 'k' },    { "region", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },        { "json", no_argument, NULL, 'J' },
		{ "allow-expired", no_argument, NULL, 'E' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct build b = { 0 };
	struct fr_err err = { 0 };
	const char *target = NULL, *key = NULL, *region = NULL;
	char *defcache = NULL, *end;
	size_t i;
	int c, r = FR_EXIT_OK, any = 0, allow_expired = 0;

	b.out = ".";
	b.jobs = 8;
	b.mode = isatty(2) ? OUT_TTY : OUT_PLAIN;
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:o:c:j:k:qh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			target = optarg;
			break;
		case 'o':
			b.out = optarg;
			break;
		case 'c':
			b.cache = optarg;
			break;
		case 'j':
			b.jobs = (int)strtol(optarg, &end, 10);
			if (*end || b.jobs < 1 || b.jobs > 64) {
				fr_cli_error("build: --jobs '%s' is not 1-64", optarg);
				return FR_EXIT_USAGE;
			}
			break;
		case 'k':
			key = optarg;
			break;
		case 'r':
			if (strcmp(optarg, "default") && strcmp(optarg, "china") && strcmp(optarg, "europe")) {
				fr_cli_error("build: --region '%s' is not default, china or europe", optarg);
				return FR_EXIT_USAGE;
			}
			region = optarg;
			break;
		case 'E':
			allow_expired = 1;
			break;
		case 'q':
			b.mode = OUT_QUIET;
			break;
		case 'J':
			b.mode = OUT_JSON;
			break;
		case 'h':
			fputs(BUILD_USAGE, stdout);
			return FR_EXIT_OK;
		default:
			fputs(BUILD_USAGE, stderr);
			return FR_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fputs(BUILD_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	if (key == NULL) {
		fr_cli_error("build: no signing key: pass --key <file> (make one with 'repo-builder keygen --out <dir>')");
		return FR_EXIT_USAGE;
	}
	if (b.cache == NULL) {
		const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

		defcache = x && *x ? fr_xasprintf("%s/farrow/repo-builder", x)
				   : fr_xasprintf("%s/.cache/farrow/repo-builder", home ? home : "/tmp");
		b.cache = defcache;
	}
	if (rb_manifest_load(argv[optind], region, &b.m, &err) < 0) {
		fr_cli_error("%s", err.msg);
		free(defcache);
		return FR_EXIT_FAIL;
	}
	fr_cli_print_diags(b.m->path, &b.m->diags, "manifest", 1);
	if (b.m->diags.nerrors) {
		r = FR_EXIT_INVALID;
		goto out;
	}
	b.m->allow_expired = allow_expired;
	if (allow_expired)
		fr_cli_warn("--allow-expired: upstream Release files past their Valid-Until are taken (an archive "
			"snapshot); each one is named below");
	if ((b.signer = fr_pgp_signer_open(key, &err)) == NULL) {
		fr_cli_error("build: %s", err.msg);
		r = FR_EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < b.m->ntargets && r == FR_EXIT_OK; i++) {
		if (target && strcmp(target, b.m->targets[i]) != 0)
			continue;
		any = 1;
		r = build_target(&b, b.m->targets[i]);
	}
	if (!any && r == FR_EXIT_OK) {
		fr_cli_error("build: '%s' is not a target of %s", target, argv[optind]);
		r = FR_EXIT_USAGE;
	}
out:
	fr_pgp_signer_close(b.signer);
	rb_manifest_free(b.m);
	free(defcache);
	return r;
}
