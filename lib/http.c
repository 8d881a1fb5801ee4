/* http.c -- parallel, resumable, checksummed downloads with the curl multi interface. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "xalloc.h"

struct xfer {
	struct fr_dl_job *job;
	CURL *easy;
	FILE *fp;            /* the .part file, or NULL for memory */
	struct fr_buf *mem;  /* memory target */
	size_t max;          /* memory ceiling */
	char *part;
	EVP_MD_CTX *md;
	long long got;       /* bytes of this transfer */
	int too_big;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void fr_http_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void fr_http_global_cleanup(void)
{
	curl_global_cleanup();
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct xfer *x = userdata;
	size_t n = size * nmemb;
	const struct fr_dl_job *j = x->job;

	if (j && j->size >= 0 && j->have + x->got + (long long)n > j->size) {
		x->too_big = 1;
		return 0; /* more than the index says: abort */
	}
	if (x->mem && x->mem->len + n > x->max) {
		x->too_big = 1;
		return 0;
	}
	if (x->md)
		EVP_DigestUpdate(x->md, ptr, n);
	if (x->fp && fwrite(ptr, 1, n, x->fp) != n)
		return 0;
	if (x->mem)
		fr_buf_addn(x->mem, ptr, n);
	x->got += (long long)n;
	return n;
}

static void defaults(struct fr_dl_opts *o, const struct fr_dl_opts *in)
{
	if (in)
		*o = *in;
	else
		memset(o, 0, sizeof(*o));
	if (o->jobs <= 0)
		o->jobs = 8;
	if (o->max_attempts <= 0)
		o->max_attempts = 4;
	if (o->connect_timeout <= 0)
		o->connect_timeout = 10;
	if (o->low_speed_time <= 0)
		o->low_speed_time = 30;
	if (o->backoff <= 0)
		o->backoff = 0.5;
}

static CURL *make_easy(struct xfer *x, const char *url, const struct fr_dl_opts *o, long long resume)
{
	CURL *e = curl_easy_init();

	if (e == NULL)
		return NULL;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_time);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "farrow-repo-builder/0.1");
	if (resume > 0)
		curl_easy_setopt(e, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)resume);
	return e;
}

/* Hash the prefix already in part (for a resume). Returns its size, or -1 to start over. */
static long long rehash(const char *part, EVP_MD_CTX *md)
{
	FILE *f = fopen(part, "rb");
	char buf[65536];
	size_t n;
	long long total = 0;

	if (f == NULL)
		return 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		EVP_DigestUpdate(md, buf, n);
		total += (long long)n;
	}
	if (ferror(f))
		total = -1;
	fclose(f);
	return total;
}

static int transient(CURLcode rc, long http)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
		return 1;
	case CURLE_HTTP_RETURNED_ERROR:
		return http == 408 || http == 429 || http == 500 || http == 502 || http == 503 || http == 504 ||
		       http == 522 || http == 524;
	default:
		return 0;
	}
}

static void hexdigest(EVP_MD_CTX *md, char out[65])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	EVP_DigestFinal_ex(md, d, &n);
	for (i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	out[64] = '\0';
}

/* Start a transfer for job j. Returns the xfer, or NULL with j->error set. */
static struct xfer *start(struct fr_dl_job *j, const struct fr_dl_opts *o)
{
	struct xfer *x = fr_xcalloc(1, sizeof(*x));
	struct stat st;

	x->job = j;
	x->part = fr_xasprintf("%s.part", j->dest);
	x->md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(x->md, EVP_sha256(), NULL);
	j->have = 0;
	if (stat(x->part, &st) == 0 && st.st_size > 0 && (j->size < 0 || st.st_size < j->size)) {
		j->have = rehash(x->part, x->md);
		if (j->have < 0) {
			unlink(x->part);
			j->have = 0;
			EVP_DigestInit_ex(x->md, EVP_sha256(), NULL);
		}
	} else if (stat(x->part, &st) == 0) {
		unlink(x->part);
	}
	x->fp = fopen(x->part, j->have > 0 ? "ab" : "wb");
	if (x->fp == NULL) {
		snprintf(j->error, sizeof(j->error), "cannot write '%s': %s", x->part, strerror(errno));
		EVP_MD_CTX_free(x->md);
		free(x->part);
		free(x);
		return NULL;
	}
	x->easy = make_easy(x, j->url, o, j->have);
	j->attempts++;
	return x;
}

static void xfer_free(struct xfer *x)
{
	if (x->fp)
		fclose(x->fp);
	if (x->easy)
		curl_easy_cleanup(x->easy);
	EVP_MD_CTX_free(x->md);
	free(x->part);
	free(x);
}

enum outcome { DONE, RETRY, RESTART, FAIL };

/* Decide what a finished transfer means. */
static enum outcome finish(struct xfer *x, CURLcode rc, const struct fr_dl_opts *o, double *delay)
{
	struct fr_dl_job *j = x->job;
	long http = 0;
	curl_off_t retry_after = 0;
	char hex[65];

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &http);
	fclose(x->fp);
	x->fp = NULL;
	*delay = o->backoff * (double)(1 << (j->attempts > 6 ? 6 : j->attempts - 1));
	if (rc == CURLE_RANGE_ERROR || (rc == CURLE_HTTP_RETURNED_ERROR && http == 416)) {
		/* the server ignores ranges: start over from zero */
		unlink(x->part);
		*delay = 0;
		snprintf(j->error, sizeof(j->error), "server does not resume: restarted");
		return RESTART;
	}
	if (x->too_big) {
		unlink(x->part);
		snprintf(j->error, sizeof(j->error), "%s: larger than the index says (%lld bytes)", j->url, j->size);
		return j->restarts++ ? FAIL : RESTART;
	}
	if (rc != CURLE_OK) {
		curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &retry_after);
		if (rc == CURLE_HTTP_RETURNED_ERROR)
			snprintf(j->error, sizeof(j->error), "%s: HTTP %ld", j->url, http);
		else
			snprintf(j->error, sizeof(j->error), "%s: %s", j->url, curl_easy_strerror(rc));
		if (retry_after > 0 && (double)retry_after > *delay)
			*delay = (double)retry_after;
		if (transient(rc, http) && j->attempts < o->max_attempts)
			return RETRY;
		if (transient(rc, http))
			snprintf(j->error + strlen(j->error), sizeof(j->error) - strlen(j->error),
				 " (after %d attempts)", j->attempts);
		unlink(x->part);
		return FAIL;
	}
	if (j->size >= 0 && j->have + x->got != j->size) {
		snprintf(j->error, sizeof(j->error), "%s: got %lld bytes, the index says %lld", j->url,
			 j->have + x->got, j->size);
		unlink(x->part);
		if (j->attempts < o->max_attempts && !j->restarts++)
			return RESTART;
		return FAIL;
	}
	hexdigest(x->md, hex);
	if (j->sha256[0] && strcmp(hex, j->sha256) != 0) {
		snprintf(j->error, sizeof(j->error), "%s: SHA-256 mismatch: got %s, the index says %s", j->url, hex,
			 j->sha256);
		unlink(x->part);
		return FAIL;
	}
	if (rename(x->part, j->dest) < 0) {
		snprintf(j->error, sizeof(j->error), "cannot rename '%s': %s", x->part, strerror(errno));
		unlink(x->part);
		return FAIL;
	}
	j->ok = 1;
	j->error[0] = '\0';
	return DONE;
}

/* Start job j on m; a job that cannot even start counts as done and failed. */
static void launch(CURLM *m, struct fr_dl_job *j, const struct fr_dl_opts *o, size_t *active, size_t *failed,
		   size_t *done)
{
	struct xfer *x = start(j, o);

	if (x == NULL) {
		(*failed)++;
		(*done)++;
		return;
	}
	curl_multi_add_handle(m, x->easy);
	(*active)++;
}

int fr_download(struct fr_dl_job *jobs, size_t n, const struct fr_dl_opts *in, struct fr_err *err)
{
	struct fr_dl_opts o;
	CURLM *m = curl_multi_init();
	size_t next = 0, active = 0, done = 0, i, failed = 0, *retry = NULL, nretry = 0;
	struct fr_dl_progress pr = { 0 };
	double t0 = now();
	long long base_done = 0;

	defaults(&o, in);
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)(o.jobs < 6 ? o.jobs : 6));
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)o.jobs);
	retry = fr_xcalloc(n ? n : 1, sizeof(*retry));
	pr.files_total = n;
	for (i = 0; i < n; i++) {
		jobs[i].ok = 0;
		jobs[i].attempts = 0;
		jobs[i].error[0] = '\0';
		jobs[i].not_before = 0;
		jobs[i].restarts = 0;
		if (jobs[i].size > 0)
			pr.bytes_total += jobs[i].size;
	}
	for (;;) {
		int running = 0;
		CURLMsg *msg;
		int left;
		double t = now(), wait_until = 0;

		/* refill: retries whose time has come first, then new jobs */
		for (i = 0; i < nretry && active < (size_t)o.jobs;) {
			struct fr_dl_job *j = &jobs[retry[i]];

			if (j->not_before <= t) {
				retry[i] = retry[--nretry];
				launch(m, j, &o, &active, &failed, &done);
				continue;
			}
			if (wait_until == 0 || j->not_before < wait_until)
				wait_until = j->not_before;
			i++;
		}
		while (next < n && active < (size_t)o.jobs)
			launch(m, &jobs[next++], &o, &active, &failed, &done);
		if (active == 0 && nretry == 0 && next >= n)
			break;
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct xfer *x;
			double delay = 0;
			enum outcome oc;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			curl_multi_remove_handle(m, x->easy);
			active--;
			oc = finish(x, msg->data.result, &o, &delay);
			if (oc == DONE || oc == FAIL) {
				done++;
				if (oc == FAIL)
					failed++;
				else
					base_done += x->job->size > 0 ? x->job->size : x->got;
				pr.files_done = done;
				pr.bytes_done = base_done;
				pr.elapsed = now() - t0;
				pr.finished = x->job;
				if (o.progress)
					o.progress(o.ctx, &pr);
			} else {
				x->job->not_before = now() + (oc == RETRY ? delay : 0);
				retry[nretry++] = (size_t)(x->job - jobs);
			}
			xfer_free(x);
		}
		if (active > 0) {
			curl_multi_poll(m, NULL, 0, 200, NULL);
		} else if (nretry > 0 && wait_until > now()) {
			double d = wait_until - now();
			struct timespec ts = { (time_t)d, (long)((d - (double)(time_t)d) * 1e9) };

			nanosleep(&ts, NULL);
		}
		if (o.progress && active > 0) {
			/* live progress: bytes of finished files plus what is in flight is not tracked per easy */
			pr.finished = NULL;
			pr.elapsed = now() - t0;
		}
	}
	curl_multi_cleanup(m);
	free(retry);
	if (failed) {
		for (i = 0; i < n; i++)
			if (!jobs[i].ok)
				break;
		return fr_err_set(err, FR_EIO, "%zu of %zu downloads failed; first: %s", failed, n,
				  i < n ? jobs[i].error : "?");
	}
	return 0;
}

int fr_http_get(const char *url, size_t max, struct fr_buf *out, const struct fr_dl_opts *in, struct fr_err *err)
{
	struct fr_dl_opts o;
	int attempt;

	defaults(&o, in);
	for (attempt = 1;; attempt++) {
		struct xfer x = { 0 };
		CURL *e;
		CURLcode rc;
		long http = 0;
		curl_off_t ra = 0;
		double delay;

		x.mem = out;
		x.max = max;
		fr_buf_reset(out);
		e = make_easy(&x, url, &o, 0);
		rc = curl_easy_perform(e);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &http);
		curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &ra);
		curl_easy_cleanup(e);
		if (rc == CURLE_OK)
			return 0;
		if (x.too_big)
			return fr_err_set(err, FR_EIO, "%s: larger than %zu bytes", url, max);
		if (rc == CURLE_HTTP_RETURNED_ERROR && (http == 404 || http == 410))
			return fr_err_set(err, FR_ENOTFOUND, "%s: HTTP %ld", url, http);
		if (rc == CURLE_FILE_COULDNT_READ_FILE)
			return fr_err_set(err, FR_ENOTFOUND, "%s: %s", url, curl_easy_strerror(rc));
		if (!transient(rc, http) || attempt >= o.max_attempts) {
			if (rc == CURLE_HTTP_RETURNED_ERROR)
				return fr_err_set(err, FR_EIO, "%s: HTTP %ld%s", url, http,
						  transient(rc, http) ? " (after retries)" : "");
			return fr_err_set(err, FR_EIO, "%s: %s%s", url, curl_easy_strerror(rc),
					  transient(rc, http) ? " (after retries)" : "");
		}
		delay = o.backoff * (double)(1 << (attempt - 1));
		if ((double)ra > delay)
			delay = (double)ra;
		{
			struct timespec ts = { (time_t)delay, (long)((delay - (double)(time_t)delay) * 1e9) };

			nanosleep(&ts, NULL);
		}
	}
}
