/* t-pgp.c -- unit tests of lib/pgp.c with real gpg and gpgv. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "fileio.h"
#include "pgp.h"
#include "tap.h"
#include "xalloc.h"

int main(void)
{
	char dir[] = "/tmp/t-pgp.XXXXXX", dir2[] = "/tmp/t-pgp2.XXXXXX", fpr[41];
	struct fr_err err = { 0 };
	struct fr_pgp_signer *s;
	struct fr_buf a = FR_BUF_INIT, b = FR_BUF_INIT, c = FR_BUF_INIT, content = FR_BUF_INIT;
	char *key, *pub, *asc, *pub2, *data;
	struct stat st;

	if (!fr_exec_have("gpg") || !fr_exec_have("gpgv")) {
		printf("1..0 # SKIP needs gpg and gpgv\n");
		return 0;
	}
	mkdtemp(dir);
	mkdtemp(dir2);
	key = fr_xasprintf("%s/farrow-signing.key", dir);
	pub = fr_xasprintf("%s/farrow-signing.gpg", dir);
	asc = fr_xasprintf("%s/farrow-signing.asc", dir);
	pub2 = fr_xasprintf("%s/farrow-signing.gpg", dir2);
	data = fr_xasprintf("%s/data", dir);

	TEST_START("keygen writes a 0600 secret key and public keys; refuses to overwrite");
	ASSERT_INT_EQ(fr_pgp_keygen(dir, "farrow test <test@farrow.invalid>", &err), 0);
	ASSERT_TRUE(stat(key, &st) == 0 && (st.st_mode & 0777) == 0600);
	ASSERT_TRUE(access(pub, R_OK) == 0 && access(asc, R_OK) == 0);
	ASSERT_INT_EQ(fr_pgp_keygen(dir, "again", &err), FR_EIO);
	ASSERT_STR_CONTAINS(err.msg, "refusing to overwrite");
	ASSERT_INT_EQ(fr_pgp_keygen(dir2, "other <o@farrow.invalid>", &err), 0);
	ASSERT_INT_EQ(fr_pgp_fingerprint(asc, fpr, &err), 0);
	ASSERT_INT_EQ(strlen(fpr), 40);
	TEST_DONE();

	TEST_START("a world-readable secret key is refused");
	chmod(key, 0644);
	ASSERT_TRUE(fr_pgp_signer_open(key, &err) == NULL);
	ASSERT_STR_CONTAINS(err.msg, "readable by others");
	chmod(key, 0600);
	TEST_DONE();

	TEST_START("signatures with a fixed time are reproducible and verify with gpgv and with sqv");
	s = fr_pgp_signer_open(key, &err);
	ASSERT_TRUE(s != NULL);
	if (s) {
		fr_write_atomic(data, "hello\n", 6, 0644, 0, &err);
		ASSERT_INT_EQ(fr_pgp_sign(s, FR_PGP_DETACH_ARMOR, NULL, 0, data, 1700000000, &a, &err), 0);
		ASSERT_INT_EQ(fr_pgp_sign(s, FR_PGP_DETACH_ARMOR, NULL, 0, data, 1700000000, &b, &err), 0);
		ASSERT_TRUE(a.len > 0 && a.len == b.len && memcmp(a.buf, b.buf, a.len) == 0);
		ASSERT_INT_EQ(fr_pgp_verify_detached(pub, a.buf, a.len, data, &err), 0);
		ASSERT_INT_EQ(fr_pgp_verify_detached(asc, a.buf, a.len, data, &err), 0);
		ASSERT_INT_EQ(fr_pgp_verify_detached(pub2, a.buf, a.len, data, &err), FR_ECRYPTO);
		ASSERT_STR_CONTAINS(err.msg, "public key");
		fr_write_atomic(data, "hellO\n", 6, 0644, 0, &err);
		ASSERT_INT_EQ(fr_pgp_verify_detached(pub, a.buf, a.len, data, &err), FR_ECRYPTO);
		ASSERT_STR_CONTAINS(err.msg, "BAD signature");
		/* the same through sqv, Debian 13's verifier (its minimal system has no gpgv) */
		setenv("FARROW_PGP_VERIFY", "sqv", 1);
		ASSERT_INT_EQ(fr_pgp_verify_detached(pub, a.buf, a.len, data, &err), FR_ECRYPTO);
		ASSERT_STR_CONTAINS(err.msg, "sqv: ");
		fr_write_atomic(data, "hello\n", 6, 0644, 0, &err);
		ASSERT_INT_EQ(fr_pgp_verify_detached(pub, a.buf, a.len, data, &err), 0);
		ASSERT_INT_EQ(fr_pgp_verify_detached(asc, a.buf, a.len, data, &err), 0);
		ASSERT_INT_EQ(fr_pgp_verify_detached(pub2, a.buf, a.len, data, &err), FR_ECRYPTO);
		unsetenv("FARROW_PGP_VERIFY");
		ASSERT_INT_EQ(fr_pgp_sign(s, FR_PGP_CLEARSIGN, "Origin: farrow\n", 15, NULL, 0, &c, &err), 0);
		ASSERT_INT_EQ(fr_pgp_verify_clearsigned(pub, c.buf, c.len, &content, &err), 0);
		ASSERT_STR_EQ(content.buf, "Origin: farrow\n");
		c.buf[c.len / 2] ^= 1;
		ASSERT_TRUE(fr_pgp_verify_clearsigned(pub, c.buf, c.len, NULL, &err) != 0);
	}
	fr_pgp_signer_close(s);
	TEST_DONE();

	fr_buf_release(&a);
	fr_buf_release(&b);
	fr_buf_release(&c);
	fr_buf_release(&content);
	fr_rm_rf(dir);
	fr_rm_rf(dir2);
	free(key);
	free(pub);
	free(asc);
	free(pub2);
	free(data);
	return TAP_END();
}
