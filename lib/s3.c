/* s3.c -- Signature V4 and the few S3 calls farrow makes (a bucket, its versioning). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto.h"
#include "s3.h"
#include "tlsget.h"
#include "xalloc.h"

static void hmac(const void *key, size_t klen, const char *data, unsigned char out[32])
{
	unsigned len = 32;

	HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)data, strlen(data), out, &len);
}

static int hdr_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct fr_s3_hdr *const *)a)->name, (*(const struct fr_s3_hdr *const *)b)->name);
}

static int clean(const char *s)
{
	return s && strpbrk(s, "\r\n") == NULL;
}

int fr_s3_sign(const char *method, const char *authority, const char *path, const char *query,
	       const struct fr_s3_hdr *hdrs, size_t nhdrs, const char *payload_sha, const char *amzdate,
	       const char *region, const char *service, const char *access_key, const char *secret_key,
	       struct fr_buf *auth)
{
	const struct fr_s3_hdr **sorted;
	struct fr_s3_hdr host = { "host", authority };
	struct fr_buf creq = FR_BUF_INIT, names = FR_BUF_INIT, sts = FR_BUF_INIT, key = FR_BUF_INIT;
	unsigned char k[32];
	char hash[65], date[9], sig[65];
	size_t i;

	if (!clean(authority) || !clean(path) || !clean(query) || !clean(amzdate) || strlen(amzdate) != 16 ||
	    !payload_sha || !clean(access_key) || !secret_key || !clean(region) || !clean(service))
		return FR_EARG;
	sorted = calloc(nhdrs + 1, sizeof(*sorted));
	if (!sorted)
		abort();
	sorted[0] = &host;
	for (i = 0; i < nhdrs; i++) {
		if (!clean(hdrs[i].name) || !clean(hdrs[i].value)) {
			free(sorted);
			return FR_EARG;
		}
		sorted[i + 1] = &hdrs[i];
	}
	qsort(sorted, nhdrs + 1, sizeof(*sorted), hdr_cmp);
	/* the canonical request: method, path, query, headers "name:value\n", the names, the hash */
	fr_buf_addf(&creq, "%s\n%s\n%s\n", method, path, query);
	for (i = 0; i < nhdrs + 1; i++) {
		fr_buf_addf(&creq, "%s:%s\n", sorted[i]->name, sorted[i]->value);
		fr_buf_addf(&names, "%s%s", i ? ";" : "", sorted[i]->name);
	}
	fr_buf_addf(&creq, "\n%s\n%s", names.buf, payload_sha);
	free(sorted);
	fr_sha256_hex(creq.buf, creq.len, hash);
	memcpy(date, amzdate, 8);
	date[8] = '\0';
	fr_buf_addf(&sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", amzdate, date, region, service, hash);
	/* the signing key: HMAC chain from "AWS4" + secret over date, region, service, "aws4_request" */
	fr_buf_addf(&key, "AWS4%s", secret_key);
	hmac(key.buf, key.len, date, k);
	hmac(k, 32, region, k);
	hmac(k, 32, service, k);
	hmac(k, 32, "aws4_request", k);
	{
		unsigned char s[32];

		hmac(k, 32, sts.buf, s);
		for (i = 0; i < 32; i++)
			sprintf(sig + 2 * i, "%02x", s[i]);
	}
	fr_buf_addf(auth, "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request,SignedHeaders=%s,Signature=%s",
		    access_key, date, region, service, names.buf, sig);
	fr_wipe(k, sizeof(k));
	fr_buf_wipe(&key);
	fr_buf_release(&creq);
	fr_buf_release(&names);
	fr_buf_release(&sts);
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A query as sent ("versioning", "a=1&b") in its canonical form ("versioning=", "a=1&b="): each
 * parameter with its '=', sorted. Parameters come encoded already. */
static void canonical_query(const char *q, struct fr_buf *out)
{
	char *copy = fr_xstrdup(q), *p, *save = NULL, *parts[32];
	size_t n = 0, i;

	for (p = strtok_r(copy, "&", &save); p && n < 32; p = strtok_r(NULL, "&", &save))
		parts[n++] = p;
	qsort(parts, n, sizeof(parts[0]), str_cmp);
	for (i = 0; i < n; i++)
		fr_buf_addf(out, "%s%s%s", i ? "&" : "", parts[i], strchr(parts[i], '=') ? "" : "=");
	if (!out->buf)
		fr_buf_adds(out, "");
	free(copy);
}

int fr_s3_request(const struct fr_s3 *s, const char *method, const char *path, const char *query,
		  const char *body, size_t body_len, const struct fr_s3_hdr *extra, size_t nextra, int *status,
		  struct fr_buf *out, struct fr_err *err)
{
	struct fr_s3_hdr hdrs[8];
	struct fr_buf url = FR_BUF_INIT, lines = FR_BUF_INIT, auth = FR_BUF_INIT, cq = FR_BUF_INIT;
	char sha[65], amzdate[17];
	const char *authority;
	time_t now = time(NULL);
	struct tm tm;
	size_t i, n = 0;
	int r;

	if (strncmp(s->endpoint, "https://", 8) != 0 || strchr(s->endpoint + 8, '/') || nextra > 6)
		return fr_err_set(err, FR_EARG, "'%s' is not an https://<host>[:<port>] endpoint", s->endpoint);
	authority = s->endpoint + 8;
	fr_sha256_hex(body ? body : "", body_len, sha);
	gmtime_r(&now, &tm);
	strftime(amzdate, sizeof(amzdate), "%Y%m%dT%H%M%SZ", &tm);
	hdrs[n++] = (struct fr_s3_hdr){ "x-amz-content-sha256", sha };
	hdrs[n++] = (struct fr_s3_hdr){ "x-amz-date", amzdate };
	for (i = 0; i < nextra; i++)
		hdrs[n++] = extra[i];
	canonical_query(query, &cq);
	r = fr_s3_sign(method, authority, path, cq.buf, hdrs, n, sha, amzdate, s->region ? s->region : "us-east-1", "s3",
		       s->access_key, s->secret_key, &auth);
	fr_buf_release(&cq);
	if (r < 0)
		return fr_err_set(err, FR_EARG, "%s %s: a request that cannot be signed (a CR or LF in it?)", method,
				  path);
	for (i = 0; i < n; i++)
		fr_buf_addf(&lines, "%s: %s\r\n", hdrs[i].name, hdrs[i].value);
	fr_buf_addf(&lines, "Authorization: %s\r\n", auth.buf);
	fr_buf_addf(&url, "%s%s%s%s", s->endpoint, path, *query ? "?" : "", query);
	{
		struct fr_https_req rq = { .method = method, .url = url.buf, .ca_file = s->ca_file, .headers = lines.buf,
					   .body = body, .body_len = body_len, .max = 1u << 20,
					   .timeout_s = s->timeout_s ? s->timeout_s : 30 };

		r = fr_https_do(&rq, status, out, err);
	}
	fr_buf_release(&url);
	fr_buf_wipe(&lines);
	fr_buf_release(&auth);
	return r;
}

void fr_s3_error_code(const struct fr_buf *body, char *code, size_t n)
{
	const char *a = body->buf ? strstr(body->buf, "<Code>") : NULL, *e = a ? strstr(a, "</Code>") : NULL;

	*code = '\0';
	if (a && e && (size_t)(e - a - 6) < n && strspn(a + 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ==
						      (size_t)(e - a - 6))
		snprintf(code, n, "%.*s", (int)(e - a - 6), a + 6);
}

/* err for an answer that is not the success asked for */
static int refused(const struct fr_s3 *s, const char *what, const char *bucket, int status, const struct fr_buf *body,
		   struct fr_err *err)
{
	char code[64];

	fr_s3_error_code(body, code, sizeof(code));
	if (!*code && status == 403)
		snprintf(code, sizeof(code), "access denied: is %s's key the one it knows?", s->access_key);
	return fr_err_set(err, FR_EIO, "%s: %s of bucket '%s' answered HTTP %d%s%s%s", s->endpoint, what, bucket, status,
			  *code ? " (" : "", code, *code ? ")" : "");
}

int fr_s3_bucket_ensure(const struct fr_s3 *s, const char *bucket, int versioning, int lock, int *made,
			struct fr_err *err)
{
	static const char vxml[] = "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
				   "<Status>Enabled</Status></VersioningConfiguration>";
	struct fr_buf path = FR_BUF_INIT, body = FR_BUF_INIT;
	int status, r;

	*made = 0;
	if (strspn(bucket, "abcdefghijklmnopqrstuvwxyz0123456789.-") != strlen(bucket) || !*bucket)
		return fr_err_set(err, FR_EARG, "'%s' is not a bucket name", bucket);
	fr_buf_addf(&path, "/%s", bucket);
	if ((r = fr_s3_request(s, "HEAD", path.buf, "", NULL, 0, NULL, 0, &status, &body, err)) < 0)
		goto out;
	if (status == 404) {
		struct fr_s3_hdr lk = { "x-amz-bucket-object-lock-enabled", "true" };

		fr_buf_reset(&body);
		if ((r = fr_s3_request(s, "PUT", path.buf, "", NULL, 0, &lk, lock ? 1 : 0, &status, &body, err)) < 0)
			goto out;
		if (status == 200)
			*made = 1;
		else if (status != 409 || !strstr(body.buf ? body.buf : "", "BucketAlreadyOwnedByYou")) {
			r = refused(s, "creation", bucket, status, &body, err);
			goto out;
		}
	} else if (status != 200) {
		r = refused(s, "HEAD", bucket, status, &body, err);
		goto out;
	}
	if (versioning) {
		fr_buf_reset(&body);
		if ((r = fr_s3_request(s, "GET", path.buf, "versioning", NULL, 0, NULL, 0, &status, &body, err)) < 0)
			goto out;
		if (status != 200) {
			r = refused(s, "GET versioning", bucket, status, &body, err);
			goto out;
		}
		if (!strstr(body.buf ? body.buf : "", "<VersioningConfiguration")) {
			r = fr_err_set(err, FR_EIO,
				       "%s: bucket '%s': the answer to GET ?versioning is not a VersioningConfiguration "
				       "(this server does not implement bucket versioning)",
				       s->endpoint, bucket);
			goto out;
		}
		if (!strstr(body.buf, "<Status>Enabled</Status>")) {
			unsigned char md[16];
			unsigned char b64[32];
			unsigned mdlen = sizeof(md);
			struct fr_s3_hdr h;

			EVP_Digest(vxml, sizeof(vxml) - 1, md, &mdlen, EVP_md5(), NULL);
			EVP_EncodeBlock(b64, md, (int)mdlen);
			h = (struct fr_s3_hdr){ "content-md5", (const char *)b64 };
			fr_buf_reset(&body);
			if ((r = fr_s3_request(s, "PUT", path.buf, "versioning", vxml, sizeof(vxml) - 1, &h, 1, &status,
					       &body, err)) < 0)
				goto out;
			if (status != 200) {
				r = refused(s, "PUT versioning", bucket, status, &body, err);
				goto out;
			}
		}
	}
	r = 0;
out:
	fr_buf_release(&path);
	fr_buf_release(&body);
	return r;
}
