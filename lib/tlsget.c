/* tlsget.c -- an HTTPS GET pinned by the server certificate's SHA-256 fingerprint. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tlsget.h"
#include "xalloc.h"

int fr_fingerprint_parse(const char *s, unsigned char out[32])
{
	size_t n = 0;

	while (*s && n < 32) {
		unsigned v;

		if (*s == ':') {
			s++;
			continue;
		}
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]) || sscanf(s, "%2x", &v) != 1)
			return FR_EARG;
		out[n++] = (unsigned char)v;
		s += 2;
	}
	return n == 32 && *s == '\0' ? 0 : FR_EARG;
}

static void hex(const unsigned char *d, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 3 * i, "%02X%s", d[i], i + 1 < n ? ":" : "");
}

/* https://host[:port]/path -> its parts; 0 or FR_EARG. */
static int split_url(const char *url, char *host, size_t hn, char *port, size_t pn, const char **path)
{
	const char *h, *end, *colon;

	if (strncmp(url, "https://", 8) != 0)
		return FR_EARG;
	h = url + 8;
	end = h + strcspn(h, "/");
	if (*end != '/' || end == h)
		return FR_EARG;
	colon = memchr(h, ':', (size_t)(end - h));
	if ((size_t)((colon ? colon : end) - h) >= hn)
		return FR_EARG;
	snprintf(host, hn, "%.*s", (int)((colon ? colon : end) - h), h);
	if (strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != strlen(host))
		return FR_EARG;
	if (colon) {
		if ((size_t)(end - colon - 1) >= pn || end - colon - 1 == 0 ||
		    strspn(colon + 1, "0123456789") != (size_t)(end - colon - 1))
			return FR_EARG;
		snprintf(port, pn, "%.*s", (int)(end - colon - 1), colon + 1);
	} else
		snprintf(port, pn, "443");
	*path = end;
	/* the path as it goes on the request line: visible characters, no space, no CR/LF */
	for (h = end; *h; h++)
		if (*h <= ' ' || *h == 0x7f)
			return FR_EARG;
	return 0;
}

static int connect_to(const char *host, const char *port, int timeout_s, struct fr_err *err)
{
	struct addrinfo hints = { 0 }, *res = NULL, *a;
	int fd = -1, rc;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_family = AF_UNSPEC;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		return fr_err_set(err, FR_ENOTFOUND, "%s: %s", host, gai_strerror(rc));
	for (a = res; a; a = a->ai_next) {
		struct timeval tv = { timeout_s, 0 };

		if ((fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol)) < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return fr_err_set(err, FR_ENOTFOUND, "cannot connect to %s port %s: %s", host, port, strerror(errno));
	return fd;
}

/* The verification a CA file gives: the chain to it, and the URL's host (a name, or an IPv4
 * address) in the leaf's subjectAltName. */
static int trust_ca(SSL_CTX *ctx, SSL *ssl, const char *ca_file, const char *host, struct fr_err *err)
{
	X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);

	if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1)
		return fr_err_set(err, FR_ECRYPTO, "%s: cannot read a CA certificate from it", ca_file);
	if (isdigit((unsigned char)host[strlen(host) - 1]) ? X509_VERIFY_PARAM_set1_ip_asc(vp, host) != 1
							  : SSL_set1_host(ssl, host) != 1)
		return fr_err_set(err, FR_ECRYPTO, "OpenSSL: cannot check the certificate for %s", host);
	SSL_set_verify(ssl, SSL_VERIFY_PEER, NULL);
	return 0;
}

int fr_https_do(const struct fr_https_req *rq, int *status, struct fr_buf *out, struct fr_err *err)
{
	char host[256], port[8], got[97], want[97];
	const char *path, *method = rq->method ? rq->method : "GET";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	X509 *cert = NULL;
	struct fr_buf resp = FR_BUF_INIT, req = FR_BUF_INIT;
	int fd, r = FR_EIO, n, code;
	char *body;

	*status = 0;
	if (split_url(rq->url, host, sizeof(host), port, sizeof(port), &path) < 0)
		return fr_err_set(err, FR_EARG, "'%s' is not an https://<host>[:<port>]/<path> URL", rq->url);
	if (!rq->pin == !rq->ca_file)
		return fr_err_set(err, FR_EARG, "%s: a pin or a CA file, one of them", rq->url);
	if ((fd = connect_to(host, port, rq->timeout_s, err)) < 0)
		return fd;
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)) {
		r = fr_err_set(err, FR_ECRYPTO, "OpenSSL: cannot make a TLS context");
		goto out;
	}
	/* a pin: no CA, the pin is the trust, checked before the request goes out */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if ((ssl = SSL_new(ctx)) == NULL || !SSL_set_fd(ssl, fd) ||
	    (!isdigit((unsigned char)host[strlen(host) - 1]) && !SSL_set_tlsext_host_name(ssl, host))) {
		r = fr_err_set(err, FR_ECRYPTO, "OpenSSL: cannot set up the connection");
		goto out;
	}
	if (rq->ca_file && (r = trust_ca(ctx, ssl, rq->ca_file, host, err)) < 0)
		goto out;
	r = FR_EIO;
	if (SSL_connect(ssl) != 1) {
		unsigned long e = ERR_get_error();
		long v = SSL_get_verify_result(ssl);

		if (rq->ca_file && v != X509_V_OK)
			r = fr_err_set(err, FR_ECRYPTO, "the certificate of %s:%s does not hold against %s: %s", host, port,
				       rq->ca_file, X509_verify_cert_error_string(v));
		else
			r = fr_err_set(err, FR_EIO, "TLS handshake with %s:%s failed: %s", host, port,
				       e ? ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "?" : strerror(errno));
		goto out;
	}
	if (rq->pin) {
		if ((cert = SSL_get1_peer_certificate(ssl)) == NULL || !X509_digest(cert, EVP_sha256(), md, &mdlen) ||
		    mdlen != 32) {
			r = fr_err_set(err, FR_ECRYPTO, "%s:%s sent no certificate", host, port);
			goto out;
		}
		if (CRYPTO_memcmp(md, rq->pin, 32) != 0) {
			hex(md, 32, got);
			hex(rq->pin, 32, want);
			r = fr_err_set(err, FR_ECRYPTO,
				       "the certificate of %s:%s has SHA-256 fingerprint %s, not the pinned %s", host, port,
				       got, want);
			goto out;
		}
	}
	/* Host: the URL's authority as written (what a signature over it signed) */
	fr_buf_addf(&req, "%s %s HTTP/1.0\r\nHost: %.*s\r\nUser-Agent: farrow-firstboot\r\nConnection: close\r\n",
		    method, path, (int)(path - rq->url - 8), rq->url + 8);
	if (rq->body_len || strcmp(method, "PUT") == 0 || strcmp(method, "POST") == 0)
		fr_buf_addf(&req, "Content-Length: %zu\r\n", rq->body_len);
	if (rq->headers)
		fr_buf_adds(&req, rq->headers);
	fr_buf_adds(&req, "\r\n");
	if (rq->body_len)
		fr_buf_addn(&req, rq->body, rq->body_len);
	if (SSL_write(ssl, req.buf, (int)req.len) != (int)req.len) {
		r = fr_err_set(err, FR_EIO, "cannot send the request to %s:%s", host, port);
		goto out;
	}
	for (;;) {
		char buf[16384];

		n = SSL_read(ssl, buf, sizeof(buf));
		if (n <= 0)
			break;
		if (resp.len + (size_t)n > rq->max + 16384) {
			r = fr_err_set(err, FR_EIO, "%s: the answer is larger than %zu bytes", rq->url, rq->max);
			goto out;
		}
		fr_buf_addn(&resp, buf, (size_t)n);
	}
	if (n < 0 && SSL_get_error(ssl, n) != SSL_ERROR_ZERO_RETURN && SSL_get_error(ssl, n) != SSL_ERROR_SYSCALL) {
		r = fr_err_set(err, FR_EIO, "%s: reading the answer failed", rq->url);
		goto out;
	}
	if (resp.len < 12 || strncmp(resp.buf, "HTTP/1.", 7) != 0 || resp.buf[8] != ' ' ||
	    sscanf(resp.buf + 9, "%3d", &code) != 1 || code < 100) {
		r = fr_err_set(err, FR_EIO, "%s: the server answered %.*s", rq->url,
			       resp.len ? (int)strcspn(resp.buf, "\r\n") : 9, resp.len ? resp.buf : "(nothing)");
		goto out;
	}
	if ((body = strstr(resp.buf, "\r\n\r\n")) == NULL) {
		r = fr_err_set(err, FR_EIO, "%s: an answer without its end of headers", rq->url);
		goto out;
	}
	body += 4;
	if ((size_t)(resp.buf + resp.len - body) > rq->max) {
		r = fr_err_set(err, FR_EIO, "%s: the answer is larger than %zu bytes", rq->url, rq->max);
		goto out;
	}
	*status = code;
	fr_buf_addn(out, body, (size_t)(resp.buf + resp.len - body));
	r = 0;
out:
	if (ssl) {
		SSL_shutdown(ssl);
		SSL_free(ssl);
	}
	SSL_CTX_free(ctx);
	X509_free(cert);
	close(fd);
	if (resp.buf)
		OPENSSL_cleanse(resp.buf, resp.len);
	fr_buf_release(&resp);
	fr_buf_release(&req);
	return r;
}

int fr_https_get_pinned(const char *url, const unsigned char pin[32], size_t max, int timeout_s, struct fr_buf *out,
			struct fr_err *err)
{
	struct fr_https_req rq = { .method = "GET", .url = url, .pin = pin, .max = max, .timeout_s = timeout_s };
	struct fr_buf body = FR_BUF_INIT;
	int status, r = fr_https_do(&rq, &status, &body, err);

	if (r == 0 && status != 200)
		r = fr_err_set(err, FR_EIO, "%s: the server answered HTTP %d", url, status);
	if (r == 0)
		fr_buf_addn(out, body.buf ? body.buf : "", body.len);
	if (body.buf)
		OPENSSL_cleanse(body.buf, body.len);
	fr_buf_release(&body);
	return r;
}
