/* t-http.c -- unit tests of lib/http.c against a small HTTP server on 127.0.0.1 forked here. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto.h"
#include "fileio.h"
#include "http.h"
#include "tap.h"
#include "xalloc.h"

#define BODY_LEN 100000

static char body[BODY_LEN];

static void writes(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return;
		p = (const char *)p + w;
		n -= (size_t)w;
	}
}

/*
 * Paths: /ok (the body), /range (the body, honouring Range: bytes=N-),
 * /flaky (503 with Retry-After: 1 on the first request, then the body),
 * /short (half the body), /missing (404).
 */
static void serve(int ls)
{
	int flaky_hits = 0;

	for (;;) {
		int c = accept(ls, NULL, NULL);
		char req[4096], hdr[256];
		ssize_t n;
		long from = 0;
		char *rg;

		if (c < 0)
			continue;
		n = read(c, req, sizeof(req) - 1);
		if (n <= 0) {
			close(c);
			continue;
		}
		req[n] = '\0';
		if ((rg = strstr(req, "Range: bytes=")) != NULL)
			from = strtol(rg + 13, NULL, 10);
		if (strncmp(req, "GET /ok ", 8) == 0) {
			snprintf(hdr, sizeof(hdr), "HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n", BODY_LEN);
			writes(c, hdr, strlen(hdr));
			writes(c, body, BODY_LEN);
		} else if (strncmp(req, "GET /range ", 11) == 0) {
			snprintf(hdr, sizeof(hdr),
				 "HTTP/1.0 206 Partial Content\r\nContent-Range: bytes %ld-%d/%d\r\nContent-Length: %ld\r\n\r\n",
				 from, BODY_LEN - 1, BODY_LEN, BODY_LEN - from);
			writes(c, hdr, strlen(hdr));
			writes(c, body + from, (size_t)(BODY_LEN - from));
		} else if (strncmp(req, "GET /flaky ", 11) == 0 && flaky_hits++ == 0) {
			const char *r = "HTTP/1.0 503 Busy\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n";

			writes(c, r, strlen(r));
		} else if (strncmp(req, "GET /flaky ", 11) == 0) {
			snprintf(hdr, sizeof(hdr), "HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n", BODY_LEN);
			writes(c, hdr, strlen(hdr));
			writes(c, body, BODY_LEN);
		} else if (strncmp(req, "GET /short ", 11) == 0) {
			snprintf(hdr, sizeof(hdr), "HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n", BODY_LEN / 2);
			writes(c, hdr, strlen(hdr));
			writes(c, body, BODY_LEN / 2);
		} else {
			const char *r = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";

			writes(c, r, strlen(r));
		}
		close(c);
	}
}

static int listen_any(int *port)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(s, (struct sockaddr *)&a, sizeof(a));
	listen(s, 16);
	getsockname(s, (struct sockaddr *)&a, &l);
	*port = ntohs(a.sin_port);
	return s;
}

int main(void)
{
	char dir[] = "/tmp/t-http.XXXXXX", hex[65], *url[6], *dest[6];
	struct fr_dl_job j[6];
	struct fr_dl_opts o = { 0 };
	struct fr_err err = { 0 };
	struct fr_buf b = FR_BUF_INIT;
	int ls, port, closed, i;
	pid_t srv;

	for (i = 0; i < BODY_LEN; i++)
		body[i] = (char)('a' + i % 26);
	fr_sha256_hex(body, BODY_LEN, hex);
	mkdtemp(dir);
	ls = listen_any(&port);
	if ((srv = fork()) == 0) {
		serve(ls);
		_exit(0);
	}
	close(ls);
	close(listen_any(&closed)); /* a port nobody listens on */
	fr_http_global_init();
	o.backoff = 0.05;
	o.jobs = 3;

	TEST_START("fetch into memory; 404 is 'not found'; a closed port fails after retries");
	url[0] = fr_xasprintf("http://127.0.0.1:%d/ok", port);
	ASSERT_INT_EQ(fr_http_get(url[0], 1u << 20, &b, &o, &err), 0);
	ASSERT_INT_EQ(b.len, BODY_LEN);
	free(url[0]);
	url[0] = fr_xasprintf("http://127.0.0.1:%d/missing", port);
	ASSERT_INT_EQ(fr_http_get(url[0], 1u << 20, &b, &o, &err), FR_ENOTFOUND);
	free(url[0]);
	url[0] = fr_xasprintf("http://127.0.0.1:%d/ok", closed);
	ASSERT_INT_EQ(fr_http_get(url[0], 1u << 20, &b, &o, &err), FR_EIO);
	ASSERT_STR_CONTAINS(err.msg, "(after retries)");
	free(url[0]);
	url[0] = fr_xasprintf("http://127.0.0.1:%d/ok", port);
	ASSERT_INT_EQ(fr_http_get(url[0], 1000, &b, &o, &err), FR_EIO);
	ASSERT_STR_CONTAINS(err.msg, "larger than 1000 bytes");
	free(url[0]);
	TEST_DONE();

	TEST_START("parallel downloads: ok, resumed, retried after 503, bad hash, short, missing");
	{
		const char *paths[6] = { "ok", "range", "flaky", "ok", "short", "missing" };

		memset(j, 0, sizeof(j));
		for (i = 0; i < 6; i++) {
			url[i] = fr_xasprintf("http://127.0.0.1:%d/%s", port, paths[i]);
			dest[i] = fr_xasprintf("%s/f%d", dir, i);
			j[i].url = url[i];
			j[i].dest = dest[i];
			memcpy(j[i].sha256, hex, 65);
			j[i].size = BODY_LEN;
		}
		memset(j[3].sha256, '0', 64); /* the index says another hash */
		{
			/* a partial file to resume */
			char *part = fr_xasprintf("%s.part", dest[1]);

			fr_write_atomic(part, body, 40000, 0644, 0, &err);
			free(part);
		}
		ASSERT_INT_EQ(fr_download(j, 6, &o, &err), FR_EIO);
		ASSERT_STR_CONTAINS(err.msg, "3 of 6 downloads failed");
		ASSERT_TRUE(j[0].ok && j[1].ok && j[2].ok);
		ASSERT_INT_EQ(j[1].have, 40000);
		ASSERT_INT_EQ(j[2].attempts, 2);
		ASSERT_TRUE(!j[3].ok);
		ASSERT_STR_CONTAINS(j[3].error, "SHA-256 mismatch");
		ASSERT_TRUE(!j[4].ok);
		ASSERT_STR_CONTAINS(j[4].error, "got 50000 bytes, the index says 100000");
		ASSERT_TRUE(!j[5].ok);
		ASSERT_STR_CONTAINS(j[5].error, "HTTP 404");
		ASSERT_INT_EQ(j[5].attempts, 1);
		for (i = 0; i < 3; i++) {
			char got[65];

			ASSERT_INT_EQ(fr_sha256_file(dest[i], got, NULL, &err), 0);
			ASSERT_STR_EQ(got, hex);
		}
		for (i = 3; i < 6; i++) {
			char *part = fr_xasprintf("%s.part", dest[i]);

			/* nothing unverified is left behind */
			ASSERT_TRUE(access(dest[i], F_OK) != 0 && access(part, F_OK) != 0);
			free(part);
		}
		for (i = 0; i < 6; i++) {
			free(url[i]);
			free(dest[i]);
		}
	}
	TEST_DONE();

	kill(srv, SIGTERM);
	waitpid(srv, NULL, 0);
	fr_buf_release(&b);
	fr_rm_rf(dir);
	fr_http_global_cleanup();
	return TAP_END();
}
