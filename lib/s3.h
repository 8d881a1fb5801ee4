/* s3.h -- the S3 calls a node makes itself (MinIO's buckets), signed with AWS Signature V4.
 * Node tier: OpenSSL only (lib/tlsget.c carries the request). */
/* SPDX-License-Identifier: MIT */
#ifndef FR_S3_H
#define FR_S3_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* Where and as whom. */
struct fr_s3 {
	const char *endpoint;	/* https://<host>[:<port>], path-style (no path of its own) */
	const char *region;	/* NULL: us-east-1, MinIO's default */
	const char *access_key;
	const char *secret_key;
	const char *ca_file;	/* the chain and the endpoint's host checked against it */
	int timeout_s;		/* 0: 30 seconds */
};

/* One header of a request to sign: name in lower case, value as sent (no CR/LF). */
struct fr_s3_hdr {
	const char *name;
	const char *value;
};

/*
 * The Authorization value of Signature V4 for a request, into auth: method, authority (the
 * Host header as sent), path (already URI-encoded), query (canonical: sorted, encoded, '' if
 * none), hdrs (the signed headers besides host: x-amz-date and x-amz-content-sha256 among
 * them, any order), payload_sha (hex SHA-256 of the body), amzdate (YYYYMMDDTHHMMSSZ).
 * Exposed for its known-answer test. 0 or FR_EARG.
 */
int fr_s3_sign(const char *method, const char *authority, const char *path, const char *query,
	       const struct fr_s3_hdr *hdrs, size_t nhdrs, const char *payload_sha, const char *amzdate,
	       const char *region, const char *service, const char *access_key, const char *secret_key,
	       struct fr_buf *auth);

/*
 * One signed request: path "/<bucket>[/<key>]" (characters S3 needs no encoding for), query
 * '' or as it goes on the URL ("versioning", "a=1&b=2": encoded already; signed in its canonical
 * form, sorted, each with its '='). Any HTTP answer is 0 with *status and the body in out
 * (at most 1 MiB); a transport failure as fr_https_do gives it.
 */
int fr_s3_request(const struct fr_s3 *s, const char *method, const char *path, const char *query,
		  const char *body, size_t body_len, const struct fr_s3_hdr *extra, size_t nextra, int *status,
		  struct fr_buf *out, struct fr_err *err);

/* The <Code> of an S3 error body, into code (size n; "" when none). */
void fr_s3_error_code(const struct fr_buf *body, char *code, size_t n);

/*
 * The bucket exists, as mcli mb --ignore-existing [--with-lock] [--with-versioning] leaves it:
 * made when missing (object lock asked for at creation: S3 allows it only then), versioning
 * enabled when asked for and not yet on. *made says whether it was made now. An answer S3 did
 * not give success with is FR_EIO, err naming the bucket, the HTTP code and S3's error code.
 */
int fr_s3_bucket_ensure(const struct fr_s3 *s, const char *bucket, int versioning, int lock, int *made,
			struct fr_err *err);

#endif
