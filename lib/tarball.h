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

/* A member's type, as tar's typeflag says it ('\0' and '7' read as FR_TAR_FILE). */
enum fr_tar_type {
	FR_TAR_FILE = '0',
	FR_TAR_HARDLINK = '1',
	FR_TAR_SYMLINK = '2',
	FR_TAR_CHARDEV = '3',
	FR_TAR_BLOCKDEV = '4',
	FR_TAR_DIR = '5',
	FR_TAR_FIFO = '6',
};

/* "a regular file", "a symbolic link", ...: for messages. */
const char *fr_tar_type_name(int type);

/*
 * Walk a zstd-compressed tarball (lib/tarread.c: libzstd only, no
 * libarchive, so bare nodes can run it). For each member, cb gets its path
 * (as the headers give it: ustar name and prefix, a GNU long name or a pax
 * path; never truncated), its type (enum fr_tar_type, or another typeflag
 * byte), its size, and a reader handle for fr_tar_read(). cb returns 0 to
 * go on, non-zero to stop (returned as is). Returns 0, the callback's
 * value, or FR_EIO for a damaged archive (a header that does not add up, a
 * path with a NUL byte or longer than 4095 bytes, a pax or GNU header this
 * reader does not know).
 */
typedef int (*fr_tar_cb)(void *ctx, const char *path, int type, long long size, void *reader);
int fr_tar_walk(const char *path, fr_tar_cb cb, void *ctx, struct fr_err *err);
/* The same over an open file, read from its current offset (name is for messages). */
int fr_tar_walk_fd(int fd, const char *name, fr_tar_cb cb, void *ctx, struct fr_err *err);
/* Read up to len bytes of the current member; returns bytes read, 0 at its end, -1 on error. */
ssize_t fr_tar_read(void *reader, void *buf, size_t len);

#endif
