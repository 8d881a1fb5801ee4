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

/* Remove path and everything under it (like rm -rf); missing is fine. Returns 0 or FR_EIO. */
int fr_rm_rf(const char *path);

/* mkdir -p with mode for the directories it creates. Returns 0 or FR_EIO. */
int fr_mkdir_p(const char *path, mode_t mode, struct fr_err *err);

#endif
