/* tlsget.h -- one HTTPS GET whose server is known by its certificate's SHA-256 fingerprint, not
 * by a CA: how a node with nothing yet (no CA, no clock it can trust) fetches its seed, as
 * Proxmox's auto-installer fetches an answer. Node tier: OpenSSL only. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_TLSGET_H
#define FR_TLSGET_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* Parse a fingerprint as `openssl x509 -fingerprint -sha256` prints it (64 hex digits, colons
 * between pairs allowed, either case) into out. 0, or FR_EARG. */
int fr_fingerprint_parse(const char *s, unsigned char out[32]);

/*
 * GET url ("https://<host>[:<port>]/<path>": host a name or an IPv4 address; no userinfo, no
 * query tricks beyond the path's own characters) over TLS 1.2 or later, the server's leaf
 * certificate's SHA-256 (of its DER bytes) compared with pin before a byte is sent: a
 * mismatch is FR_ECRYPTO (err names both). The body of a 200 response, at most max bytes,
 * goes to out; any other status, a larger body, or no answer within timeout_s seconds (each of
 * handshake and read) is FR_EIO; no address or no connection (the network not up yet: worth
 * another try) FR_ENOTFOUND. Returns 0 or an error code with err set.
 */
int fr_https_get_pinned(const char *url, const unsigned char pin[32], size_t max, int timeout_s, struct fr_buf *out,
			struct fr_err *err);

/* One HTTPS request (node tier: OpenSSL only). */
struct fr_https_req {
	const char *method;	    /* "GET" (default), "HEAD", "PUT", ... */
	const char *url;	    /* https://<host>[:<port>]/<path>[?<query>], as for fr_https_get_pinned */
	const unsigned char *pin;   /* the leaf's SHA-256; or NULL and ... */
	const char *ca_file;	    /* ... the chain checked to this PEM CA, the URL's host in the leaf */
	const char *headers;	    /* more header lines, each ending "\r\n", or NULL */
	const void *body;
	size_t body_len;
	size_t max;		    /* the most body accepted in the answer */
	int timeout_s;		    /* each of connect, handshake and read */
};

/*
 * rq over TLS 1.2 or later (HTTP/1.0, Host: the URL's authority as written), trusted by its pin
 * or its CA (one of the two). Any HTTP answer is 0, its code in *status and its body appended
 * to out; a certificate that does not hold FR_ECRYPTO; no address or connection FR_ENOTFOUND;
 * the rest FR_EIO, err saying which.
 */
int fr_https_do(const struct fr_https_req *rq, int *status, struct fr_buf *out, struct fr_err *err);

#endif
