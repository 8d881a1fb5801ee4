/* write-deb.c -- the signed apt repository of a closure (repo/dists/farrow, repo/pool), beside
 * meta-deb.c, which reads upstream ones. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "bundle.h"
#include "crypto.h"
#include "tarball.h"
#include "xalloc.h"

/* The pool path of a package in the bundle: pool/<repo>/<upstream path without its "pool/">. */
char *rb_pool_path(const struct rb_build *b, const struct rb_pkg *p)
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
int rb_write_deb(struct rb_build *b, const struct rb_closure *c, const char *target, const char *debarch,
		    long long epoch, const char *date, struct rb_files *files, struct fr_err *err)
{
	struct fr_buf packages = FR_BUF_INIT, gz = FR_BUF_INIT, release = FR_BUF_INIT, buf = FR_BUF_INIT;
	/* the release's codename (sources name the suite "farrow"): mmdebstrap finds a release's
	 * Essential and required packages only in a Release whose Codename is the one it is given */
	const char *codename = fr_target_codename(target);
	char hp[65], hg[65], *p;
	size_t i;
	int r;

	for (i = 0; i < c->npkgs; i++) {
		char *pp = rb_pool_path(b, c->pkgs[i]);

		stanza(&packages, c->pkgs[i], pp);
		free(pp);
	}
	if ((r = fr_gzip(packages.buf, packages.len, &gz, err)) < 0)
		goto out;
	fr_sha256_hex(packages.buf, packages.len, hp);
	fr_sha256_hex(gz.buf, gz.len, hg);
	fr_buf_addf(&release,
		    "Origin: farrow\nLabel: farrow\nSuite: farrow\nCodename: %s\nVersion: %s\nDate: %s\n"
		    "Architectures: %s\nComponents: main\nDescription: farrow bundle %s %s for %s\n"
		    "SHA256:\n %s %zu main/binary-%s/Packages\n %s %zu main/binary-%s/Packages.gz\n",
		    codename ? codename : "farrow", b->m->version, date, debarch, b->m->bundle, b->m->version, target, hp, packages.len, debarch, hg,
		    gz.len, debarch);
	if ((r = fr_pgp_sign(b->signer, FR_PGP_CLEARSIGN, release.buf, release.len, NULL, epoch, &buf, err)) < 0)
		goto out;
	rb_files_add_mem(files, "repo/dists/farrow/InRelease", &buf);
	if ((r = fr_pgp_sign(b->signer, FR_PGP_DETACH_ARMOR, release.buf, release.len, NULL, epoch, &buf, err)) < 0)
		goto out;
	rb_files_add_mem(files, "repo/dists/farrow/Release.gpg", &buf);
	rb_files_add_mem(files, "repo/dists/farrow/Release", &release);
	p = fr_xasprintf("repo/dists/farrow/main/binary-%s/Packages", debarch);
	rb_files_add_mem(files, p, &packages);
	free(p);
	p = fr_xasprintf("repo/dists/farrow/main/binary-%s/Packages.gz", debarch);
	rb_files_add_mem(files, p, &gz);
	free(p);
out:
	fr_buf_release(&packages);
	fr_buf_release(&gz);
	fr_buf_release(&release);
	fr_buf_release(&buf);
	return r;
}

