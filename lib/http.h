/* http.h -- parallel, resumable, checksummed downloads with the curl multi interface. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_HTTP_H
#define FR_HTTP_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* One file to fetch. The caller fills url, dest, sha256 and size. */
struct fr_dl_job {
	const char *url;
	const char *dest;   /* final path; bytes go to dest.part until they check out */
	char sha256[65];    /* expected lowercase hex, or "" to skip the check */
	long long size;     /* expected size, or -1 when unknown */
	/* results */
	int ok;             /* 1 when dest holds the verified file */
	int attempts;
	char error[512];    /* why it failed, when !ok */
	/* private */
	long long have;
	int restarts;
	double not_before;
	void *priv;
};

struct fr_dl_progress {
	size_t files_done, files_total;
	long long bytes_done, bytes_total; /* bytes_total counts only known sizes */
	double elapsed;                     /* seconds since the start */
	const struct fr_dl_job *finished;   /* the job that just ended, or NULL */
};

struct fr_dl_opts {
	int jobs;              /* transfers at once (default 8) */
	int max_attempts;      /* per file, transient failures only (default 4) */
	long connect_timeout;  /* seconds (default 10) */
	long low_speed_time;   /* abort a transfer below 1 KiB/s for this long (default 30) */
	double backoff;        /* first retry delay in seconds, doubled each time (default 0.5) */
	void (*progress)(void *ctx, const struct fr_dl_progress *p);
	void *ctx;
};

/*
 * Fetch every job, opts->jobs at a time. A partial dest.part is resumed
 * (its prefix re-hashed); a server that ignores ranges restarts it from
 * zero. Bytes are hashed as they arrive; a file whose size or SHA-256 is
 * wrong is deleted and fetched once more from zero, then fails. Transient
 * errors (refused connection, timeouts, HTTP 408/429/5xx) are retried with
 * exponential backoff, honouring Retry-After. Nothing unverified is ever
 * left at dest. Returns 0 when all succeeded, FR_EIO otherwise (each failed
 * job says why in job->error; err names the first).
 */
int fr_download(struct fr_dl_job *jobs, size_t n, const struct fr_dl_opts *opts, struct fr_err *err);

/*
 * Fetch url into out (at most max bytes), with the same retries. A 404
 * gives FR_ENOTFOUND (callers try the next index format); other failures
 * FR_EIO.
 */
int fr_http_get(const char *url, size_t max, struct fr_buf *out, const struct fr_dl_opts *opts,
		struct fr_err *err);

/* Call once before any thread exists, and its pair at exit. */
void fr_http_global_init(void);
void fr_http_global_cleanup(void);

#endif
