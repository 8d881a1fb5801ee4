/* medium.h -- the signed file list of an install medium (farrow iso build writes it, the live
 * system checks it before anything else): SHA256SUMS in sha256sum's own format, so that an
 * operator can check a mounted stick with gpgv and `sha256sum -c` too. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_MEDIUM_H
#define FR_MEDIUM_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

#define FR_MEDIUM_SUMS "SHA256SUMS"         /* at the medium's top */
#define FR_MEDIUM_SIG "SHA256SUMS.sig"      /* its detached signature */
#define FR_MEDIUM_MOUNT "/run/farrow/medium" /* where the live system's initramfs mounts the medium */
#define FR_MEDIUM_LOWER "/run/farrow/lower"  /* where it mounts the medium's squashed root */
/* under farrow/ on the medium: what an unattended install reads */
#define FR_MEDIUM_ANSWER "answer.yml"
#define FR_MEDIUM_PROFILE "profile.yml"      /* the answer file's host's profile (0600) */
/* a volume beside the medium holding the same three (farrow answer volume), found by its label */
#define FR_ANSWER_LABEL "FARROW-ANSWER"

/*
 * The list of the tree under dir: "<sha256>  <path>\n" for every regular file but the list and
 * its signature, paths relative to dir in byte order. A medium holds directories and regular
 * files only, with names of [A-Za-z0-9._+~@,=-]: anything else is refused (FR_EINVALID, the
 * path named). Appended to out; 0 or an error code.
 */
int fr_medium_list(const char *dir, struct fr_buf *out, struct fr_err *err);

/* Write dir/SHA256SUMS and its signature by the secret key (made at epoch when > 0); refused
 * when either exists. 0 or an error code. */
int fr_medium_sign(const char *dir, const char *sign_key, long long epoch, struct fr_err *err);

/* One file checked (progress for a slow medium): its path, its size, the files done and all. */
typedef void fr_medium_progress(const char *path, long long size, size_t done, size_t total, void *ctx);

/*
 * Check the medium at dir: SHA256SUMS's signature with the public key (FR_ECRYPTO when it does
 * not hold: nothing else is read), its lines (FR_EINVALID with SHA256SUMS:LINE: when one is not
 * "<64 lowercase hex>  <path>" with a path as fr_medium_list writes, or out of order), then each
 * listed file against it and the tree for files not listed. Each difference is a line in report:
 * "changed <path>", "missing <path>", "added <path>"; *nbad their number, *nfiles the list's.
 * 0 (whatever nbad), or an error code.
 */
int fr_medium_check(const char *dir, const char *key, fr_medium_progress *progress, void *ctx, struct fr_buf *report,
		    size_t *nbad, size_t *nfiles, struct fr_err *err);

#endif
