/* t-pki.c -- unit tests of lib/pki.c, checked with the openssl command as an independent oracle. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "fileio.h"
#include "pki.h"
#include "tap.h"
#include "xalloc.h"

/* dir/name in one of a few static buffers (no allocation to free in the asserts) */
static const char *path(const char *dir, const char *name)
{
	static char bufs[4][512];
	static int n;
	char *b = bufs[n++ % 4];

	snprintf(b, 512, "%s/%s", dir, name);
	return b;
}

static int openssl(const char *const *argv, struct fr_buf *out)
{
	int st = -1;

	fr_exec(argv, NULL, NULL, 0, out, out, &st, NULL);
	return st;
}

int main(void)
{
	char tmpl[] = "/tmp/t-pki.XXXXXX", *dir = mkdtemp(tmpl), *ca, *ca2, *crtp, *keyp, *crt1 = NULL, *crt2 = NULL;
	struct fr_buf key = FR_BUF_INIT, crt = FR_BUF_INIT, out = FR_BUF_INIT;
	struct fr_err err = { 0 };
	const char *sans[] = { "10.10.10.10", "127.0.0.1", "localhost", "pg-meta-1", NULL };
	struct stat st;
	size_t l1, l2;
	int created = -1;

	ca = fr_xasprintf("%s/ca", dir);
	ca2 = fr_xasprintf("%s/other", dir);
	crtp = fr_xasprintf("%s/server.crt", dir);
	keyp = fr_xasprintf("%s/server.key", dir);

	TEST_START("a CA is made once, its key 0600, and never replaced");
	ASSERT_INT_EQ(fr_pki_ca_ensure(ca, &created, &err), 0);
	ASSERT_INT_EQ(created, 1);
	ASSERT_INT_EQ(stat(path(ca, "ca.key"), &st), 0);
	ASSERT_INT_EQ(st.st_mode & 0777, 0600);
	ASSERT_INT_EQ(fr_read_file(path(ca, "ca.crt"), 1 << 20, &crt1, &l1, NULL), 0);
	ASSERT_INT_EQ(fr_pki_ca_ensure(ca, &created, &err), 0);
	ASSERT_INT_EQ(created, 0);
	ASSERT_INT_EQ(fr_read_file(path(ca, "ca.crt"), 1 << 20, &crt2, &l2, NULL), 0);
	ASSERT_TRUE(l1 == l2 && memcmp(crt1, crt2, l1) == 0);
	TEST_DONE();

	TEST_START("half a CA is refused, not completed");
	ASSERT_INT_EQ(fr_mkdir_p(ca2, 0700, NULL), 0);
	ASSERT_INT_EQ(fr_write_atomic(path(ca2, "ca.crt"), crt1, l1, 0644, 0, NULL), 0);
	ASSERT_INT_EQ(fr_pki_ca_ensure(ca2, &created, &err), FR_EIO);
	ASSERT_TRUE(strstr(err.msg, "half a CA") != NULL);
	ASSERT_INT_EQ(access(path(ca2, "ca.key"), F_OK), -1);
	TEST_DONE();

	TEST_START("a server certificate: signed by the CA, with IP and DNS SANs (openssl verify, x509)");
	ASSERT_INT_EQ(fr_pki_issue(ca, "pg-meta-1", sans, &key, &crt, &err), 0);
	ASSERT_TRUE(strstr(key.buf, "-----BEGIN PRIVATE KEY-----") != NULL);
	ASSERT_INT_EQ(fr_write_atomic(crtp, crt.buf, crt.len, 0644, 0, NULL), 0);
	ASSERT_INT_EQ(fr_write_atomic(keyp, key.buf, key.len, 0600, 0, NULL), 0);
	{
		const char *v[] = { "openssl", "verify", "-CAfile", path(ca, "ca.crt"), crtp, NULL };
		const char *x[] = { "openssl", "x509", "-in", crtp, "-noout", "-ext", "subjectAltName,extendedKeyUsage",
				    "-subject", NULL };

		ASSERT_INT_EQ(openssl(v, &out), 0);
		fr_buf_reset(&out);
		ASSERT_INT_EQ(openssl(x, &out), 0);
		ASSERT_TRUE(strstr(out.buf, "IP Address:10.10.10.10") != NULL);
		ASSERT_TRUE(strstr(out.buf, "IP Address:127.0.0.1") != NULL);
		ASSERT_TRUE(strstr(out.buf, "DNS:localhost") != NULL);
		ASSERT_TRUE(strstr(out.buf, "DNS:pg-meta-1") != NULL);
		ASSERT_TRUE(strstr(out.buf, "TLS Web Server Authentication") != NULL);
		ASSERT_TRUE(strstr(out.buf, "CN = pg-meta-1") != NULL);
	}
	ASSERT_INT_EQ(fr_pki_cert_ok(ca, crt.buf), 1);
	TEST_DONE();

	TEST_START("a certificate of another CA, or garbage, does not hold");
	{
		int c2;
		char *ca3 = fr_xasprintf("%s/third", dir);

		ASSERT_INT_EQ(fr_pki_ca_ensure(ca3, &c2, &err), 0);
		ASSERT_INT_EQ(fr_pki_cert_ok(ca3, crt.buf), 0);
		ASSERT_INT_EQ(fr_pki_cert_ok(ca, "not a certificate"), 0);
		ASSERT_INT_EQ(fr_pki_issue(path(dir, "none"), "x", sans, &key, &crt, &err), FR_ECRYPTO);
		free(ca3);
	}
	TEST_DONE();

	fr_rm_rf(dir);
	fr_buf_release(&key);
	fr_buf_release(&crt);
	fr_buf_release(&out);
	free(crt1);
	free(crt2);
	free(ca);
	free(ca2);
	free(crtp);
	free(keyp);
	return TAP_END();
}
