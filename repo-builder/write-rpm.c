/* write-rpm.c -- the signed rpm-md repository of a closure (repodata/), beside meta-rpm.c,
 * which reads upstream ones. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "crypto.h"
#include "tarball.h"
#include "xalloc.h"

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
int rb_write_rpm(struct rb_build *b, const struct rb_closure *c, long long epoch, struct rb_files *files,
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
		char *pp = rb_pool_path(b, c->pkgs[i]);

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
		rb_files_add_mem(files, path, &gz);
		free(path);
	}
	fr_buf_adds(&repomd, "</repomd>\n");
	if ((r = fr_pgp_sign(b->signer, FR_PGP_DETACH_ARMOR, repomd.buf, repomd.len, NULL, epoch, &buf, err)) < 0)
		goto out;
	rb_files_add_mem(files, "repo/repodata/repomd.xml.asc", &buf);
	rb_files_add_mem(files, "repo/repodata/repomd.xml", &repomd);
out:
	for (k = 0; k < 3; k++)
		fr_buf_release(&xml[k]);
	fr_buf_release(&repomd);
	fr_buf_release(&buf);
	return r;
}

