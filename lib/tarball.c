/* tarball.c -- reproducible tar.zst writing, streaming tar reading, decompression (libarchive). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tarball.h"
#include "xalloc.h"

static int read_all(struct archive *a, size_t max, struct fr_buf *out, struct fr_err *err)
{
	struct archive_entry *e;
	char buf[65536];
	la_ssize_t n;
	int r;

	r = archive_read_next_header(a, &e);
	if (r == ARCHIVE_EOF)
		return 0; /* empty input */
	if (r != ARCHIVE_OK)
		return fr_err_set(err, FR_EINVALID, "cannot decompress: %s", archive_error_string(a));
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) {
		if (out->len + (size_t)n > max)
			return fr_err_set(err, FR_EIO, "decompressed data larger than %zu bytes", max);
		fr_buf_addn(out, buf, (size_t)n);
	}
	if (n < 0)
		return fr_err_set(err, FR_EINVALID, "cannot decompress: %s", archive_error_string(a));
	return 0;
}

static struct archive *raw_reader(void)
{
	struct archive *a = archive_read_new();

	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	archive_read_support_format_empty(a);
	return a;
}

int fr_decompress(const void *data, size_t len, size_t max, struct fr_buf *out, struct fr_err *err)
{
	struct archive *a = raw_reader();
	int r;

	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		r = fr_err_set(err, FR_EINVALID, "cannot decompress: %s", archive_error_string(a));
		archive_read_free(a);
		return r;
	}
	r = read_all(a, max, out, err);
	archive_read_free(a);
	return r;
}

int fr_decompress_file(const char *path, size_t max, struct fr_buf *out, struct fr_err *err)
{
	struct archive *a = raw_reader();
	int r;

	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		r = fr_err_set(err, FR_EIO, "cannot read '%s': %s", path, archive_error_string(a));
		archive_read_free(a);
		return r;
	}
	r = read_all(a, max, out, err);
	archive_read_free(a);
	return r;
}

static la_ssize_t mem_write(struct archive *a, void *ctx, const void *buf, size_t n)
{
	(void)a;
	fr_buf_addn(ctx, buf, n);
	return (la_ssize_t)n;
}

int fr_gzip(const void *data, size_t len, struct fr_buf *out, struct fr_err *err)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	int r = 0;

	archive_write_set_format_raw(a);
	archive_write_add_filter_gzip(a);
	archive_write_set_filter_option(a, "gzip", "timestamp", NULL); /* no time stamp */
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open(a, out, NULL, mem_write, NULL) != ARCHIVE_OK) {
		r = fr_err_set(err, FR_EIO, "gzip: %s", archive_error_string(a));
		goto out;
	}
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)len);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (len && archive_write_data(a, data, len) != (la_ssize_t)len) || archive_write_close(a) != ARCHIVE_OK)
		r = fr_err_set(err, FR_EIO, "gzip: %s", archive_error_string(a));
out:
	archive_entry_free(e);
	archive_write_free(a);
	return r;
}

static int cmp_entry(const void *x, const void *y)
{
	return strcmp(((const struct fr_tar_entry *)x)->path, ((const struct fr_tar_entry *)y)->path);
}

/* Add the parent directories of every entry that are not entries themselves. */
static struct fr_tar_entry *with_dirs(struct fr_tar_entry *v, size_t n, size_t *outn)
{
	struct fr_tar_entry *all = NULL;
	size_t na = 0, alloc = 0, i;

	for (i = 0; i < n; i++) {
		char *p = fr_xstrdup(v[i].path), *s;

		for (s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
			size_t j;

			*s = '\0';
			for (j = 0; j < na; j++)
				if (all[j].is_dir && strcmp(all[j].path, p) == 0)
					break;
			if (j == na) {
				FR_ALLOC_GROW(all, na + 1, alloc);
				memset(&all[na], 0, sizeof(all[na]));
				all[na].path = fr_xstrdup(p);
				all[na].is_dir = 1;
				na++;
			}
			*s = '/';
		}
		free(p);
		FR_ALLOC_GROW(all, na + 1, alloc);
		all[na] = v[i];
		all[na].path = fr_xstrdup(v[i].path);
		na++;
	}
	qsort(all, na, sizeof(*all), cmp_entry);
	*outn = na;
	return all;
}

int fr_tar_zst_write(const char *path, struct fr_tar_entry *entries, size_t n, long long epoch, int level,
		     int threads, struct fr_err *err)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	struct fr_tar_entry *all;
	size_t na = 0, i;
	char *tmp = fr_xasprintf("%s.tmp.XXXXXX", path), lv[16], th[16];
	char *buf = fr_xmalloc(1 << 20);
	int fd = -1, r = 0;

	all = with_dirs(entries, n, &na);
	if ((fd = mkstemp(tmp)) < 0) {
		r = fr_err_set(err, FR_EIO, "cannot create '%s': %s", tmp, strerror(errno));
		goto out;
	}
	fchmod(fd, 0644);
	snprintf(lv, sizeof(lv), "%d", level);
	snprintf(th, sizeof(th), "%d", threads < 1 ? 1 : threads);
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_zstd(a);
	archive_write_set_filter_option(a, "zstd", "compression-level", lv);
	archive_write_set_filter_option(a, "zstd", "threads", th);
	archive_write_set_bytes_per_block(a, 10240);
	if (archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		r = fr_err_set(err, FR_EIO, "cannot write '%s': %s", path, archive_error_string(a));
		goto out;
	}
	for (i = 0; i < na && r == 0; i++) {
		struct fr_tar_entry *t = &all[i];
		int in = -1;

		archive_entry_clear(e);
		archive_entry_set_pathname(e, t->path);
		archive_entry_set_filetype(e, t->is_dir ? AE_IFDIR : AE_IFREG);
		archive_entry_set_perm(e, t->mode ? t->mode : (t->is_dir ? 0755 : 0644));
		archive_entry_set_size(e, t->is_dir ? 0 : (la_int64_t)t->len);
		archive_entry_set_mtime(e, (time_t)epoch, 0);
		archive_entry_set_uid(e, 0);
		archive_entry_set_gid(e, 0);
		archive_entry_set_uname(e, "root");
		archive_entry_set_gname(e, "root");
		if (archive_write_header(a, e) != ARCHIVE_OK) {
			r = fr_err_set(err, FR_EIO, "'%s': %s", t->path, archive_error_string(a));
			break;
		}
		if (t->is_dir)
			continue;
		if (t->data) {
			if (t->len && archive_write_data(a, t->data, (size_t)t->len) != (la_ssize_t)t->len)
				r = fr_err_set(err, FR_EIO, "'%s': %s", t->path, archive_error_string(a));
			continue;
		}
		if ((in = open(t->file, O_RDONLY | O_CLOEXEC)) < 0) {
			r = fr_err_set(err, FR_EIO, "cannot read '%s': %s", t->file, strerror(errno));
			break;
		}
		{
			long long left = t->len;

			while (left > 0) {
				ssize_t got = read(in, buf, left < (1 << 20) ? (size_t)left : (1 << 20));

				if (got <= 0) {
					r = fr_err_set(err, FR_EIO, "'%s' is shorter than expected", t->file);
					break;
				}
				if (archive_write_data(a, buf, (size_t)got) != got) {
					r = fr_err_set(err, FR_EIO, "'%s': %s", t->path, archive_error_string(a));
					break;
				}
				left -= got;
			}
		}
		close(in);
	}
	if (archive_write_close(a) != ARCHIVE_OK && r == 0)
		r = fr_err_set(err, FR_EIO, "cannot write '%s': %s", path, archive_error_string(a));
	if (r == 0 && fsync(fd) < 0)
		r = fr_err_set(err, FR_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (r == 0 && rename(tmp, path) < 0)
		r = fr_err_set(err, FR_EIO, "cannot rename '%s': %s", tmp, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (r != 0)
		unlink(tmp);
	for (i = 0; i < na; i++)
		free((char *)all[i].path);
	free(all);
	free(buf);
	free(tmp);
	archive_entry_free(e);
	archive_write_free(a);
	return r;
}
