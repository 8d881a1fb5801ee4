/* solve.h -- dependency solving with libsolv, as apt would choose: repo-builder's closures, farrow's plans. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_SOLVE_H
#define FR_SOLVE_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

struct fr_solv;

/* A pool for deb (rpm = 0, arch like "amd64") or rpm (arch like "x86_64") packages. */
struct fr_solv *fr_solv_new(int rpm, const char *arch);
void fr_solv_free(struct fr_solv *s);

/*
 * Add a repository from its index: a deb Packages file or an rpm-md
 * primary.xml. *first gets the solvable id of its first package (ids are
 * consecutive, in index order). Returns how many packages libsolv read, or
 * FR_EINVALID.
 */
int fr_solv_add_repo(struct fr_solv *s, const char *name, int priority, const char *text, size_t len, int *first,
		     struct fr_err *err);

/*
 * The installed system: deb stanzas (see fr_dpkg_installed) or rpm-md
 * <package> elements wrapped as a primary.xml. Once, after the repositories.
 */
int fr_solv_set_installed(struct fr_solv *s, const char *text, size_t len, struct fr_err *err);

/* The stanzas of a dpkg status file that are installed (not removed, not config-files only). */
void fr_dpkg_installed(const char *status, size_t len, struct fr_buf *out);

/*
 * Ask for a package: name, optionally a version with op (">=", "=", ...)
 * and a repository it must come from. Returns 0; FR_ENOTFOUND when nothing
 * is or provides that name; FR_EINVALID (a line in problems) when the
 * repository has no such package.
 */
int fr_solv_request(struct fr_solv *s, const char *name, const char *op, const char *version, const char *repo,
		    struct fr_buf *problems);

/*
 * Solve what was asked on top of the installed system, with apt's choices
 * (first alternative, real packages over virtual providers). *ids gets the
 * solvables to install that are not installed (free it); when changes is
 * not NULL, it gets a line for each installed package the result replaces
 * ("libc6 2.36-9+deb12u10 -> 2.36-9+deb12u4"). Returns 0, or FR_EINVALID
 * with libsolv's explanation in problems (one line each).
 */
int fr_solv_solve(struct fr_solv *s, int recommends, int **ids, size_t *n, struct fr_buf *changes,
		  struct fr_buf *problems, struct fr_err *err);

/* A solvable's name and version (pointers into the pool). */
const char *fr_solv_name(const struct fr_solv *s, int id);
const char *fr_solv_evr(const struct fr_solv *s, int id);

/* Compare two versions as the pool's packaging does: <0, 0, >0. */
int fr_solv_evrcmp(const struct fr_solv *s, const char *a, const char *b);

#endif
