/* tarball.h -- reproducible tar.zst writing, streaming tar reading, decompression (libarchive). */
/* SPDX-License-Identifier: MIT */
#ifndef FR_TARBALL_H
#define FR_TARBALL_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

/*
 * Decompress data (gzip, xz, bzip2, lz4, zstd, or plain: detected from the
 * bytes) into out, at most max bytes. Returns 0, or FR_EIO / FR_EINVALID.
 */
int fr_decompress(const void *data, size_t len, size_t max, struct fr_buf *out, struct fr_err *err);
int fr_decompress_file(const char *path, size_t max, struct fr_buf *out, struct fr_err *err);

/* Compress data with gzip (no name, no time stamp: the same bytes every time). */
int fr_gzip(const void *data, size_t len, struct fr_buf *out, struct fr_err *err);

/* One member of a tarball to write: from memory (data, len) or from a file (file, len = its size). */
struct fr_tar_entry {
	const char *path;    /* relative, '/'-separated, no trailing slash */
	const void *data;
	const char *file;
	long long len;
	int is_dir;
	mode_t mode;         /* 0 = 0644 for files, 0755 for directories */
};

/*
 * Write a pax (restricted) tar, zstd-compressed at level with threads >= 1
 * (any threads >= 1 gives the same bytes), to path (through a temporary
 * file renamed at the end). Entries are sorted by path and their parent
 * directories added; every entry gets mtime epoch, owner root:root, uid and
 * gid 0, so the same inputs give the same bytes. Files are streamed, never
 * held whole in memory. Returns 0 or FR_EIO.
 */
int fr_tar_zst_write(const char *path, struct fr_tar_entry *entries, size_t n, long long epoch, int level,
		     int threads, struct fr_err *err);

/*
 * Walk a zstd-compressed tarball (lib/tarread.c: libzstd only, no
 * libarchive, so bare nodes can run it). For each member, cb gets its path,
 * whether it is a regular file, its size, and a reader handle for
 * fr_tar_read(). cb returns 0 to go on, non-zero to stop (returned as is).
 * Returns 0, the callback's value, or FR_EIO for a damaged archive.
 */
typedef int (*fr_tar_cb)(void *ctx, const char *path, int is_file, long long size, void *reader);
int fr_tar_walk(const char *path, fr_tar_cb cb, void *ctx, struct fr_err *err);
/* Read up to len bytes of the current member; returns bytes read, 0 at its end, -1 on error. */
ssize_t fr_tar_read(void *reader, void *buf, size_t len);

#endif
