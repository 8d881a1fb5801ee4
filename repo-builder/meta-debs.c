/* meta-debs.c -- a "debs" repository: packages a vendor ships as .deb files (MinIO's own), each
 * fetched by the URL and checked by the SHA-256 the manifest gives, its control read from the
 * file itself into a Packages index, so libsolv resolves it and write-deb.c writes it like any
 * other. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "http.h"
#include "rb.h"
#include "xalloc.h"

#define CONTROL_MAX (1u << 20)

/* The control file of the .deb at path (an ar archive: debian-binary, control.tar.*, data.tar.*). */
static int deb_control(const char *path, struct fr_buf *out, struct fr_err *err)
{
	FILE *f = fopen(path, "rb");
	char magic[8], hdr[60];
	int r = FR_EINVALID;

	if (f == NULL)
		return fr_err_set(err, FR_EIO, "%s: cannot open", path);
	if (fread(magic, 1, 8, f) != 8 || memcmp(magic, "!<arch>\n", 8) != 0) {
		fr_err_set(err, FR_EINVALID, "%s is not a .deb (no ar header)", path);
		goto out;
	}
	while (fread(hdr, 1, 60, f) == 60) {
		char sz[11];
		long long size;
		char *end;

		memcpy(sz, hdr + 48, 10);
		sz[10] = '\0';
		size = strtoll(sz, &end, 10);
		if (memcmp(hdr + 58, "`\n", 2) != 0 || size < 0 || end == sz) {
			fr_err_set(err, FR_EINVALID, "%s: a malformed ar member header", path);
			goto out;
		}
		if (strncmp(hdr, "control.tar", 11) == 0) {
			struct archive *a;
			struct archive_entry *e;
			char *data;

			if (size > 64ll << 20) {
				fr_err_set(err, FR_EINVALID, "%s: control.tar is %lld bytes", path, size);
				goto out;
			}
			data = fr_xmalloc((size_t)size + 1);
			if (fread(data, 1, (size_t)size, f) != (size_t)size) {
				free(data);
				fr_err_set(err, FR_EINVALID, "%s: control.tar is cut short", path);
				goto out;
			}
			a = archive_read_new();
			archive_read_support_filter_all(a);
			archive_read_support_format_tar(a);
			if (archive_read_open_memory(a, data, (size_t)size) == ARCHIVE_OK)
				while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
					const char *n = archive_entry_pathname(e);
					char buf[8192];
					la_ssize_t got;

					if (n == NULL || (strcmp(n, "./control") != 0 && strcmp(n, "control") != 0))
						continue;
					while ((got = archive_read_data(a, buf, sizeof(buf))) > 0 && out->len < CONTROL_MAX)
						fr_buf_addn(out, buf, (size_t)got);
					r = got < 0 ? FR_EINVALID : 0;
					break;
				}
			archive_read_free(a);
			free(data);
			if (r != 0 || out->len == 0 || out->len >= CONTROL_MAX)
				fr_err_set(err, FR_EINVALID, "%s: no readable control file in control.tar", path);
			else
				r = 0;
			goto out;
		}
		if (fseeko(f, (off_t)(size + (size & 1)), SEEK_CUR) != 0)
			break;
	}
	fr_err_set(err, FR_EINVALID, "%s: no control.tar member", path);
out:
	fclose(f);
	return r;
}

int rb_index_load_debs(const struct rb_manifest *m, const struct rb_repo *r, const char *debarch, struct rb_index *ix,
		       struct fr_err *err)
{
	struct fr_dl_job *jobs = fr_xcalloc(r->ndebs ? r->ndebs : 1, sizeof(*jobs));
	char **dest = fr_xcalloc(r->ndebs ? r->ndebs : 1, sizeof(char *));
	char *dir = fr_xasprintf("%s/sha256", m->cache);
	struct fr_buf text = FR_BUF_INIT;
	size_t i, n = 0;
	int rc;

	if ((rc = fr_mkdir_p(dir, 0755, err)) < 0)
		goto out;
	for (i = 0; i < r->ndebs; i++) {
		dest[i] = fr_xasprintf("%s/%s", dir, r->debs[i].sha256);
		if (access(dest[i], F_OK) == 0)
			continue;
		jobs[n].url = r->debs[i].url;
		jobs[n].dest = dest[i];
		memcpy(jobs[n].sha256, r->debs[i].sha256, 65);
		jobs[n].size = -1;
		n++;
	}
	if (n && (rc = fr_download(jobs, n, NULL, err)) < 0)
		goto out;
	for (i = 0; i < r->ndebs; i++) {
		struct fr_buf c = FR_BUF_INIT;
		char *name, *version, *arch, *v;
		struct stat st;

		if ((rc = deb_control(dest[i], &c, err)) < 0 || stat(dest[i], &st) < 0) {
			fr_buf_release(&c);
			if (rc == 0)
				rc = fr_err_set(err, FR_EIO, "%s: cannot stat", dest[i]);
			goto out;
		}
		name = rb_stanza_field(c.buf, c.len, "Package");
		version = rb_stanza_field(c.buf, c.len, "Version");
		arch = rb_stanza_field(c.buf, c.len, "Architecture");
		if (name == NULL || version == NULL || arch == NULL) {
			rc = fr_err_set(err, FR_EINVALID, "%s: its control lacks Package, Version or Architecture",
					r->debs[i].url);
		} else if (strcmp(arch, debarch) == 0 || strcmp(arch, "all") == 0) {
			/* the control's fields, then where the file is and what it is; the epoch stays out of
			 * the file name, as Debian's pool does */
			size_t len = c.len;

			while (len && (c.buf[len - 1] == '\n' || c.buf[len - 1] == ' '))
				len--;
			v = strchr(version, ':') ? strchr(version, ':') + 1 : version;
			fr_buf_addn(&text, c.buf, len);
			fr_buf_addf(&text, "\nFilename: pool/%s_%s_%s.deb\nSize: %lld\nSHA256: %s\n\n", name, v, arch,
				    (long long)st.st_size, r->debs[i].sha256);
		}
		free(name);
		free(version);
		free(arch);
		fr_buf_release(&c);
		if (rc < 0)
			goto out;
	}
	ix->text = text.buf ? text.buf : fr_xstrdup("");
	ix->len = text.len;
	text.buf = NULL;
	ix->origin = fr_xasprintf("%zu .deb file%s by SHA-256", r->ndebs, r->ndebs == 1 ? "" : "s");
	rc = 0;
out:
	for (i = 0; i < r->ndebs; i++)
		free(dest[i]);
	free(dest);
	free(jobs);
	free(dir);
	fr_buf_release(&text);
	return rc;
}
