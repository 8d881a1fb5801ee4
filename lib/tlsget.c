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

int fr_https_get_pinned(const char *url, const unsigned char pin[32], size_t max, int timeout_s, struct fr_buf *out,
			struct fr_err *err)
{
	char host[256], port[8], got[97], want[97];
	const char *path;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	X509 *cert = NULL;
	struct fr_buf resp = FR_BUF_INIT, req = FR_BUF_INIT;
	int fd, r = FR_EIO, n;
	char *body;

	if (split_url(url, host, sizeof(host), port, sizeof(port), &path) < 0)
		return fr_err_set(err, FR_EARG, "'%s' is not an https://<host>[:<port>]/<path> URL", url);
	if ((fd = connect_to(host, port, timeout_s, err)) < 0)
		return fd;
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)) {
		r = fr_err_set(err, FR_ECRYPTO, "OpenSSL: cannot make a TLS context");
		goto out;
	}
	/* no CA: the pin is the trust; checked before the request goes out */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if ((ssl = SSL_new(ctx)) == NULL || !SSL_set_fd(ssl, fd) ||
	    (!isdigit((unsigned char)host[strlen(host) - 1]) && !SSL_set_tlsext_host_name(ssl, host))) {
		r = fr_err_set(err, FR_ECRYPTO, "OpenSSL: cannot set up the connection");
		goto out;
	}
	if (SSL_connect(ssl) != 1) {
		unsigned long e = ERR_get_error();

		r = fr_err_set(err, FR_EIO, "TLS handshake with %s:%s failed: %s", host, port,
			       e ? ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "?" : strerror(errno));
		goto out;
	}
	if ((cert = SSL_get1_peer_certificate(ssl)) == NULL || !X509_digest(cert, EVP_sha256(), md, &mdlen) ||
	    mdlen != 32) {
		r = fr_err_set(err, FR_ECRYPTO, "%s:%s sent no certificate", host, port);
		goto out;
	}
	if (CRYPTO_memcmp(md, pin, 32) != 0) {
		hex(md, 32, got);
		hex(pin, 32, want);
		r = fr_err_set(err, FR_ECRYPTO, "the certificate of %s:%s has SHA-256 fingerprint %s, not the pinned %s", host,
			       port, got, want);
		goto out;
	}
	fr_buf_addf(&req, "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: farrow-firstboot\r\nConnection: close\r\n\r\n", path,
		    host);
	if (SSL_write(ssl, req.buf, (int)req.len) != (int)req.len) {
		r = fr_err_set(err, FR_EIO, "cannot send the request to %s:%s", host, port);
		goto out;
	}
	for (;;) {
		char buf[16384];

		n = SSL_read(ssl, buf, sizeof(buf));
		if (n <= 0)
			break;
		if (resp.len + (size_t)n > max + 16384) {
			r = fr_err_set(err, FR_EIO, "%s: the answer is larger than %zu bytes", url, max);
			goto out;
		}
		fr_buf_addn(&resp, buf, (size_t)n);
	}
	if (n < 0 && SSL_get_error(ssl, n) != SSL_ERROR_ZERO_RETURN && SSL_get_error(ssl, n) != SSL_ERROR_SYSCALL) {
		r = fr_err_set(err, FR_EIO, "%s: reading the answer failed", url);
		goto out;
	}
	if (resp.len < 12 || strncmp(resp.buf, "HTTP/1.", 7) != 0 || strncmp(resp.buf + 8, " 200", 4) != 0) {
		r = fr_err_set(err, FR_EIO, "%s: the server answered %.*s", url,
			       resp.len ? (int)strcspn(resp.buf, "\r\n") : 9, resp.len ? resp.buf : "(nothing)");
		goto out;
	}
	if ((body = resp.len ? strstr(resp.buf, "\r\n\r\n") : NULL) == NULL) {
		r = fr_err_set(err, FR_EIO, "%s: an answer without a body", url);
		goto out;
	}
	body += 4;
	if ((size_t)(resp.buf + resp.len - body) > max) {
		r = fr_err_set(err, FR_EIO, "%s: the answer is larger than %zu bytes", url, max);
		goto out;
	}
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
