/* fileio.h -- reading whole files and replacing files atomically. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_FILEIO_H
#define FR_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/*
 * Read path into a NUL-terminated buffer (free(3) it). Files larger than
 * max bytes are refused. Returns 0 or FR_EIO with err filled.
 */
int fr_read_file(const char *path, size_t max, char **data, size_t *len, struct fr_err *err);

/*
 * Replace path with data, atomically: write a temporary file in the same
 * directory with mode, fsync it, then rename it over path. When backup is
 * set and path exists, the old file is kept as path.bak first. On failure
 * nothing is left behind and path is untouched. Returns 0 or FR_EIO.
 */
int fr_write_atomic(const char *path, const char *data, size_t len, mode_t mode, int backup,
		    struct fr_err *err);

/*
 * Copy from to to as fr_write_atomic writes (a temporary file beside to with mode, fsync,
 * rename), reading in blocks: for files of any size (bundles, binaries). 0 or FR_EIO.
 */
int fr_copy_file(const char *from, const char *to, mode_t mode, struct fr_err *err);

/* Remove path and everything under it (like rm -rf --one-file-system: a mount below it is not
 * entered, and then not removed); missing is fine. Returns 0 or FR_EIO. */
int fr_rm_rf(const char *path);

/* mkdir -p with mode for the directories it creates. Returns 0 or FR_EIO. */
int fr_mkdir_p(const char *path, mode_t mode, struct fr_err *err);

/* In a root being made: write a file (atomically), a symbolic link (replacing one), a directory
 * and its parents (mode set). path is absolute, as in the root. 0 or an error code. */
int fr_write_in(const char *root, const char *path, const char *text, mode_t mode, struct fr_err *err);
int fr_symlink_in(const char *root, const char *target, const char *path, struct fr_err *err);
int fr_mkdir_in(const char *root, const char *path, mode_t mode, struct fr_err *err);

/*
 * The one rule for a path that untrusted data names and farrow joins below
 * a directory of its own (bundle members, MANIFEST entries, upstream
 * Filename/location, a manifest's bundle name): relative, '/'-separated
 * components of [A-Za-z0-9._+~^:@%,=-], none empty, "." or "..", no leading
 * '-', at most FR_PATH_MAX bytes; with single, exactly one component.
 * Returns NULL when p is fine, else what is wrong with it (for messages).
 */
#define FR_PATH_MAX 1024
const char *fr_path_problem(const char *p, int single);
#endif
