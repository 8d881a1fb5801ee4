/* cmd-build.c -- `repo-builder build`: manifest in, signed reproducible bundle out. Options, and a
 * target built as a list of phases (resolve, fetch, repository, MANIFEST, pack, sign). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "crypto.h"
#include "fileio.h"
#include "build.h"
#include "tarball.h"
#include "xalloc.h"

#define BUILD_USAGE                                                                                     \
	"usage: repo-builder build <manifest> --key <secret-key> [--target <target>] [--out <dir>]\n"  \
	"                          [--cache <dir>] [--jobs <n>] [--region <region>] [--quiet | --json]\n" \
	"                          [--allow-expired] [--image]\n"                                         \
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
	"  --image           the image-capable variant: the base system bundled too (every\n"      \
	"                    Essential and Priority: required package, apt, systemd, udev, SSH,\n" \
	"                    a kernel, GRUB's BIOS and EFI images, ext4 tools, the manifest's\n"  \
	"                    base and image packages), so that 'farrow image build' can make a\n" \
	"                    whole root from the bundle alone; named by the manifest's\n"        \
	"                    image.bundle (default <bundle>-image). Debian and Ubuntu targets\n" \
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

double rb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void rb_say(const struct rb_build *b, const char *fmt, ...)
{
	va_list ap;

	if (b->mode == OUT_QUIET || b->mode == OUT_JSON)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void rb_json_event(const struct rb_build *b, const char *fmt, ...)
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

struct rb_bundle_file *rb_files_add_mem(struct rb_files *f, const char *path, struct fr_buf *data)
{
	struct rb_bundle_file *x;

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

void rb_files_add_cached(struct rb_files *f, const char *path, char *file, const char *sha256, long long size)
{
	struct rb_bundle_file *x;

	FR_ALLOC_GROW(f->v, f->n + 1, f->alloc);
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	fr_buf_init(&x->data);
	x->path = fr_xstrdup(path);
	x->file = file;
	x->size = size;
	memcpy(x->sha256, sha256, 65);
}

void rb_files_release(struct rb_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].file);
		fr_buf_release(&f->v[i].data);
	}
	free(f->v);
}

/* One target's build: what the phases hand each other. */
struct run {
	struct rb_build *b;
	const char *target;
	char distro[16], arch[16], date[64];
	const char *debarch;
	int deb;
	struct rb_index *ix;
	size_t nix;
	struct rb_closure c;
	struct rb_files files;
	struct fr_buf manifest;
	struct fr_tar_entry *entries;
	char *top, *outpath, *sigpath;
	long long epoch;
	struct fr_err err;
};

#define PHASE_DONE (-1) /* the bundle is there already: stop, successfully */

/* The upstream indexes, then the closure (libsolv). */
static int phase_resolve(struct run *t)
{
	struct fr_buf problems = FR_BUF_INIT;
	int r;

	fr_target_split(t->target, t->distro, sizeof(t->distro), t->arch, sizeof(t->arch), &t->debarch, &t->deb);
	if ((r = rb_load_indexes(t->b->m, t->target, &t->ix, &t->nix, t->b->mode == OUT_QUIET || t->b->mode == OUT_JSON)) != 0)
		return r;
	if (rb_solve(t->b->m, t->target, t->ix, t->nix, &t->c, &problems, &t->err) < 0) {
		if (problems.len)
			fputs(problems.buf, stderr);
		fr_cli_error("%s", t->err.msg);
		fr_buf_release(&problems);
		return RB_EXIT_UNSOLVABLE;
	}
	fr_buf_release(&problems);
	rb_json_event(t->b, "{\"event\":\"resolve\",\"target\":\"%s\",\"packages\":%zu,\"bytes\":%lld}", t->target,
		      t->c.npkgs, t->c.bytes);
	return 0;
}

/* Every package of the closure into the cache, checked against the upstream's hashes. */
static int phase_fetch(struct run *t)
{
	char *p;
	int r;

	rb_say(t->b, "%s: %zu packages, %.1f MiB to bundle\n", t->target, t->c.npkgs, (double)t->c.bytes / 1048576.0);
	if (fr_mkdir_p(t->b->cache, 0755, &t->err) < 0) {
		fr_cli_error("%s", t->err.msg);
		return FR_EXIT_FAIL;
	}
	p = fr_xasprintf("%s/sha256", t->b->cache);
	r = fr_mkdir_p(p, 0755, &t->err);
	free(p);
	if (r < 0 || rb_fetch(t->b, &t->c, &t->err) < 0) {
		fr_cli_error("%s", t->err.msg);
		return t->err.code == FR_ECRYPTO ? RB_EXIT_BADSIG : RB_EXIT_FETCH;
	}
	return 0;
}

/* The bundle's time, then its repository (deb or rpm-md), the public key, the manifest's files. */
static int phase_repository(struct run *t)
{
	struct rb_build *b = t->b;
	struct fr_buf buf = FR_BUF_INIT;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	size_t i;

	/* the time of everything: SOURCE_DATE_EPOCH, else the newest upstream Release */
	t->epoch = -1;
	if (sde && *sde)
		t->epoch = strtoll(sde, NULL, 10);
	if (t->epoch < 0)
		for (i = 0; i < t->nix; i++)
			if (t->ix[i].epoch > t->epoch)
				t->epoch = t->ix[i].epoch;
	if (t->epoch < 0) {
		t->epoch = (long long)time(NULL);
		rb_say(b, "warning: no upstream date and no SOURCE_DATE_EPOCH: using now; the bundle is not reproducible\n");
	}
	rb_format_date(t->epoch, t->date);
	for (i = 0; i < t->c.npkgs; i++) {
		char *pp = rb_pool_path(b, t->c.pkgs[i]), *path = fr_xasprintf("repo/%s", pp);

		rb_files_add_cached(&t->files, path, rb_cache_path(b, t->c.pkgs[i]->sha256), t->c.pkgs[i]->sha256,
				    t->c.pkgs[i]->size);
		free(path);
		free(pp);
	}
	if ((t->deb ? rb_write_deb(b, &t->c, t->target, t->debarch, t->epoch, t->date, &t->files, &t->err)
		    : rb_write_rpm(b, &t->c, t->epoch, &t->files, &t->err)) < 0 ||
	    fr_pgp_signer_export(b->signer, 0, &buf, &t->err) < 0)
		goto sign_failed;
	rb_files_add_mem(&t->files, "keys/farrow-signing.gpg", &buf);
	if (fr_pgp_signer_export(b->signer, 1, &buf, &t->err) < 0)
		goto sign_failed;
	rb_files_add_mem(&t->files, "keys/farrow-signing.asc", &buf);
	for (i = 0; i < b->m->nfiles; i++) {
		char *src = rb_cache_path(b, b->m->files[i].sha256), hex[65], *dst;
		long long size = 0;

		if (fr_sha256_file(src, hex, &size, &t->err) < 0) {
			free(src);
			fr_cli_error("%s", t->err.msg);
			return FR_EXIT_FAIL;
		}
		dst = fr_xasprintf("files/%s", b->m->files[i].path);
		rb_files_add_cached(&t->files, dst, src, hex, size);
		free(dst);
	}
	return 0;
sign_failed:
	fr_buf_release(&buf);
	fr_cli_error("signing: %s", t->err.msg);
	return FR_EXIT_FAIL;
}

/* MANIFEST and the tar entries; the same MANIFEST as the bundle already there: nothing to do. */
static int phase_manifest(struct run *t)
{
	struct rb_build *b = t->b;
	struct fr_buf *m = &t->manifest;
	size_t i;

	t->top = fr_xasprintf("%s-%s.%s", b->m->bundle, b->m->version, t->target);
	fr_buf_addf(m, "farrow-bundle 1\ntop %s\nbundle %s\nversion %s\ntarget %s\nepoch %lld\nkey %s\nmanifest-sha256 %s\n",
		    t->top, b->m->bundle, b->m->version, t->target, t->epoch, fr_pgp_signer_fpr(b->signer), b->m->sha256);
	if (b->m->image)
		fr_buf_adds(m, "image yes\n");
	for (i = 0; i < t->nix; i++)
		fr_buf_addf(m, "input %s %lld %s\n", b->m->repos[t->ix[i].repo].name, t->ix[i].epoch,
			    t->ix[i].origin ? t->ix[i].origin : "");
	for (i = 0; i < t->c.npkgs; i++) {
		const struct rb_pkg *p = t->c.pkgs[i];
		char *pp = rb_pool_path(b, p);

		fr_buf_addf(m, "package %s %s %s %s repo/%s %lld %s\n", p->name, p->version, p->arch,
			    b->m->repos[p->repo].name, pp, p->size, p->sha256);
		free(pp);
	}
	for (i = 0; i < t->files.n; i++)
		fr_buf_addf(m, "file %s %lld %s\n", t->files.v[i].sha256, t->files.v[i].size, t->files.v[i].path);
	t->entries = fr_xcalloc(t->files.n + 1, sizeof(*t->entries));
	t->entries[0].path = fr_xasprintf("%s/MANIFEST", t->top);
	t->entries[0].data = m->buf;
	t->entries[0].len = (long long)m->len;
	for (i = 0; i < t->files.n; i++) {
		t->entries[i + 1].path = fr_xasprintf("%s/%s", t->top, t->files.v[i].path);
		t->entries[i + 1].len = t->files.v[i].size;
		if (t->files.v[i].file)
			t->entries[i + 1].file = t->files.v[i].file;
		else
			t->entries[i + 1].data = t->files.v[i].data.buf;
	}
	t->outpath = fr_xasprintf("%s/%s.tar.zst", b->out, t->top);
	t->sigpath = fr_xasprintf("%s.sig", t->outpath);
	if (access(t->sigpath, F_OK) == 0) {
		struct fr_buf old = FR_BUF_INIT;
		int same = fr_bundle_manifest_text(t->outpath, &old, NULL) == 0 && old.len == m->len &&
			   memcmp(old.buf, m->buf, m->len) == 0;

		fr_buf_release(&old);
		if (same) {
			rb_say(b, "%s: up to date\n", t->outpath);
			if (b->mode == OUT_QUIET)
				printf("%s\n", t->outpath);
			rb_json_event(b, "{\"event\":\"up-to-date\",\"target\":\"%s\"}", t->target);
			return PHASE_DONE;
		}
	}
	return 0;
}

/* The reproducible tar.zst. */
static int phase_pack(struct run *t)
{
	if (fr_mkdir_p(t->b->out, 0755, &t->err) < 0 ||
	    fr_tar_zst_write(t->outpath, t->entries, t->files.n + 1, t->epoch, RB_ZSTD_LEVEL, 2, &t->err) < 0) {
		fr_cli_error("%s", t->err.msg);
		return FR_EXIT_FAIL;
	}
	return 0;
}

/* Its detached signature beside it; without one, no bundle is left. */
static int phase_sign(struct run *t)
{
	struct fr_buf buf = FR_BUF_INIT;
	int r = 0;

	if (fr_pgp_sign(t->b->signer, FR_PGP_DETACH_BINARY, NULL, 0, t->outpath, t->epoch, &buf, &t->err) < 0 ||
	    fr_write_atomic(t->sigpath, buf.buf, buf.len, 0644, 0, &t->err) < 0) {
		unlink(t->outpath);
		fr_cli_error("signing: %s", t->err.msg);
		r = FR_EXIT_FAIL;
	}
	fr_buf_release(&buf);
	return r;
}

static const struct {
	const char *name; /* its time in the report: resolve, fetch, index (repository + MANIFEST), pack, sign */
	int (*run)(struct run *t);
} phases[] = {
	{ "resolve", phase_resolve }, { "fetch", phase_fetch }, { "index", phase_repository },
	{ "index", phase_manifest },  { "pack", phase_pack },   { "sign", phase_sign },
};

static int build_target(struct rb_build *b, const char *target)
{
	static const char *const report[] = { "resolve", "fetch", "index", "pack", "sign" };
	double secs[5] = { 0 }, t_start = rb_now();
	struct run t;
	size_t i, k;
	int r = 0;

	memset(&t, 0, sizeof(t));
	t.b = b;
	t.target = target;
	b->target = target;
	for (i = 0; i < sizeof(phases) / sizeof(phases[0]) && r == 0; i++) {
		double t0 = rb_now();

		r = phases[i].run(&t);
		for (k = 0; k < 5; k++)
			if (strcmp(report[k], phases[i].name) == 0)
				secs[k] += rb_now() - t0;
	}
	if (r == 0) {
		char hex[65];
		long long size = 0;

		fr_sha256_file(t.outpath, hex, &size, NULL);
		rb_say(b, "%s: %zu packages, %.1f MiB, sha256 %s\n", t.outpath, t.c.npkgs, (double)size / 1048576.0, hex);
		rb_say(b, "times: resolve %.2f s, fetch %.2f s, index %.2f s, pack %.2f s, sign %.2f s, total %.2f s\n",
		       secs[0], secs[1], secs[2], secs[3], secs[4], rb_now() - t_start);
		if (b->mode == OUT_JSON) {
			struct fr_buf u = FR_BUF_INIT;

			fr_buf_add_json_str(&u, t.outpath);
			printf("{\"event\":\"bundle\",\"target\":\"%s\",\"path\":%s,\"size\":%lld,\"sha256\":\"%s\","
			       "\"packages\":%zu,\"resolve_s\":%.3f,\"fetch_s\":%.3f,\"index_s\":%.3f,\"pack_s\":%.3f,"
			       "\"sign_s\":%.3f,\"total_s\":%.3f}\n",
			       target, u.buf, size, hex, t.c.npkgs, secs[0], secs[1], secs[2], secs[3], secs[4],
			       rb_now() - t_start);
			fr_buf_release(&u);
		}
		if (b->mode == OUT_QUIET)
			printf("%s\n", t.outpath);
	}
	if (r == PHASE_DONE)
		r = FR_EXIT_OK;
	if (t.entries)
		for (i = 0; i <= t.files.n; i++)
			free((char *)t.entries[i].path);
	free(t.entries);
	rb_files_release(&t.files);
	for (i = 0; i < t.nix; i++)
		rb_index_release(&t.ix[i]);
	free(t.ix);
	rb_closure_release(&t.c);
	fr_buf_release(&t.manifest);
	free(t.top);
	free(t.outpath);
	free(t.sigpath);
	return r;
}

int rb_cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' }, { "out", required_argument, NULL, 'o' },
		{ "cache", required_argument, NULL, 'c' },  { "jobs", required_argument, NULL, 'j' },
		{ "key", required_argument, NULL, 'k' },    { "region", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },        { "json", no_argument, NULL, 'J' },
		{ "allow-expired", no_argument, NULL, 'E' }, { "image", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rb_build b = { 0 };
	struct fr_err err = { 0 };
	const char *target = NULL, *key = NULL, *region = NULL;
	char *defcache = NULL, *end;
	size_t i;
	int c, r = FR_EXIT_OK, any = 0, allow_expired = 0, image = 0;

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
		case 'I':
			image = 1;
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
	if (b.cache == NULL)
		b.cache = defcache = rb_default_cache();
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
	if (image) {
		char *name = b.m->image_bundle ? fr_xstrdup(b.m->image_bundle) : fr_xasprintf("%s-image", b.m->bundle);

		b.m->image = 1;
		free(b.m->bundle);
		b.m->bundle = name;
	}
	b.m->cache = fr_xstrdup(b.cache);
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

