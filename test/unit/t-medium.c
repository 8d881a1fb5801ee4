/* t-medium.c -- unit tests of lib/medium.c (an install medium's signed file list) with real gpg. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "fileio.h"
#include "medium.h"
#include "pgp.h"
#include "tap.h"
#include "xalloc.h"

static char *keys, *other, *tree;

static void put(const char *rel, const char *text)
{
	char *p = fr_xasprintf("%s/%s", tree, rel), *d = fr_xstrdup(p);

	*strrchr(d, '/') = '\0';
	fr_mkdir_p(d, 0755, NULL);
	fr_write_atomic(p, text, strlen(text), 0644, 0, NULL);
	free(p);
	free(d);
}

static char *path(const char *rel)
{
	return fr_xasprintf("%s/%s", tree, rel);
}

/* Check the tree with key; the report and the count of differences. */
static int check(const char *key, struct fr_buf *report, size_t *nbad, size_t *nfiles, struct fr_err *err)
{
	fr_buf_release(report);
	return fr_medium_check(tree, key, NULL, NULL, report, nbad, nfiles, err);
}

/* Replace the list by text, signed again with the right key (what a parser must still refuse). */
static void resign(const char *text)
{
	char *sk = fr_xasprintf("%s/farrow-signing.key", keys), *l = path(FR_MEDIUM_SUMS), *s = path(FR_MEDIUM_SIG);
	struct fr_pgp_signer *sg = fr_pgp_signer_open(sk, NULL);
	struct fr_buf sig = FR_BUF_INIT;

	fr_pgp_sign(sg, FR_PGP_DETACH_BINARY, text, strlen(text), NULL, 1700000000, &sig, NULL);
	fr_pgp_signer_close(sg);
	fr_write_atomic(l, text, strlen(text), 0644, 0, NULL);
	fr_write_atomic(s, sig.buf, sig.len, 0644, 0, NULL);
	fr_buf_release(&sig);
	free(sk);
	free(l);
	free(s);
}

int main(void)
{
	char kd[] = "/tmp/t-medium-k.XXXXXX", od[] = "/tmp/t-medium-o.XXXXXX", td[] = "/tmp/t-medium-t.XXXXXX";
	struct fr_err err = { 0 };
	struct fr_buf list = FR_BUF_INIT, report = FR_BUF_INIT;
	char *sk, *pub, *opub, *p, *q, *good = NULL;
	size_t nbad = 0, nfiles = 0, gl = 0;

	if (!fr_exec_have("gpg") || !fr_exec_have("gpgv") || !fr_exec_have("sha256sum")) {
		printf("1..0 # SKIP needs gpg, gpgv and sha256sum\n");
		return 0;
	}
	keys = mkdtemp(kd);
	other = mkdtemp(od);
	tree = mkdtemp(td);
	fr_pgp_keygen(keys, "farrow test <test@farrow.invalid>", NULL);
	fr_pgp_keygen(other, "other <o@farrow.invalid>", NULL);
	sk = fr_xasprintf("%s/farrow-signing.key", keys);
	pub = fr_xasprintf("%s/farrow-signing.gpg", keys);
	opub = fr_xasprintf("%s/farrow-signing.gpg", other);
	put("boot/grub/grub.cfg", "menuentry\n");
	put("farrow/bundles/b.tar.zst", "bundle bytes");
	put("farrow/bundles/b.tar.zst.sig", "sig");
	put("live/root.squashfs", "squash");
	put("farrow/farrow", "elf");

	TEST_START("the list: every file, sorted, sha256sum's format; signed; gpgv and sha256sum -c agree");
	ASSERT_INT_EQ(fr_medium_list(tree, &list, &err), 0);
	ASSERT_TRUE(strstr(list.buf, "  boot/grub/grub.cfg\n") == list.buf + 64);
	ASSERT_TRUE(strstr(list.buf, "  farrow/bundles/b.tar.zst\n") < strstr(list.buf, "  farrow/bundles/b.tar.zst.sig\n"));
	ASSERT_TRUE(strstr(list.buf, "  farrow/farrow\n") > strstr(list.buf, "  farrow/bundles/b.tar.zst.sig\n"));
	ASSERT_INT_EQ(fr_medium_sign(tree, sk, 1700000000, &err), 0);
	ASSERT_INT_EQ(fr_medium_sign(tree, sk, 1700000000, &err), FR_EARG); /* never overwritten */
	{
		char *cmd = fr_xasprintf("cd %s && gpgv --keyring %s " FR_MEDIUM_SIG " " FR_MEDIUM_SUMS " 2>/dev/null && "
					 "sha256sum --quiet -c " FR_MEDIUM_SUMS, tree, pub);
		const char *argv[] = { "sh", "-c", cmd, NULL };
		int st = -1;

		ASSERT_INT_EQ(fr_exec(argv, NULL, NULL, 0, NULL, NULL, &st, &err), 0);
		ASSERT_INT_EQ(st, 0);
		free(cmd);
	}
	ASSERT_INT_EQ(check(pub, &report, &nbad, &nfiles, &err), 0);
	ASSERT_INT_EQ(nbad, 0);
	ASSERT_INT_EQ(nfiles, 5);
	p = path(FR_MEDIUM_SUMS);
	fr_read_file(p, 1 << 20, &good, &gl, NULL);
	free(p);
	TEST_DONE();

	TEST_START("a byte changed, a file gone, a file added: each named");
	put("farrow/bundles/b.tar.zst", "bundle bytez");
	ASSERT_INT_EQ(check(pub, &report, &nbad, &nfiles, &err), 0);
	ASSERT_INT_EQ(nbad, 1);
	ASSERT_STR_EQ(report.buf, "changed farrow/bundles/b.tar.zst\n");
	p = path("live/root.squashfs");
	unlink(p);
	free(p);
	put("farrow/answer.yml", "erase: true\n");
	put("zz/late", "x");
	ASSERT_INT_EQ(check(pub, &report, &nbad, &nfiles, &err), 0);
	ASSERT_INT_EQ(nbad, 4);
	ASSERT_STR_EQ(report.buf, "added farrow/answer.yml\nchanged farrow/bundles/b.tar.zst\nmissing live/root.squashfs\n"
				  "added zz/late\n");
	TEST_DONE();

	TEST_START("another key's signature, a list changed after signing: FR_ECRYPTO, nothing read");
	ASSERT_INT_EQ(check(opub, &report, &nbad, &nfiles, &err), FR_ECRYPTO);
	p = path(FR_MEDIUM_SUMS);
	q = fr_xstrdup(good);
	q[0] = q[0] == 'a' ? 'b' : 'a';
	fr_write_atomic(p, q, gl, 0644, 0, NULL);
	ASSERT_INT_EQ(check(pub, &report, &nbad, &nfiles, &err), FR_ECRYPTO);
	free(p);
	free(q);
	TEST_DONE();

	TEST_START("signed lists that are not lists: refused with their line");
	resign("0123  boot/grub/grub.cfg\n");
	ASSERT_INT_EQ(check(pub, &report, &nbad, &nfiles, &err), FR_EINVALID);
	ASSERT_TRUE(strstr(err.msg, FR_MEDIUM_SUMS ":1:") != NULL);
	resign("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  b\n"
	       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a\n");
	ASSERT_INT_EQ(check(pub, &report, &nbad, &nfiles, &err), FR_EINVALID);
	ASSERT_TRUE(strstr(err.msg, ":2: out of order") != NULL);
	resign("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  ../etc/shadow\n");
	ASSERT_INT_EQ(check(pub, &report, &nbad, &nfiles, &err), FR_EINVALID);
	ASSERT_TRUE(strstr(err.msg, ":1: not a path of the medium") != NULL);
	resign("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855  a\n");
	ASSERT_INT_EQ(check(pub, &report, &nbad, &nfiles, &err), FR_EINVALID);
	resign("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a");
	ASSERT_INT_EQ(check(pub, &report, &nbad, &nfiles, &err), FR_EINVALID);
	ASSERT_TRUE(strstr(err.msg, "no newline") != NULL);
	TEST_DONE();

	TEST_START("a medium holds directories and plain names only");
	p = path("live/link");
	ASSERT_INT_EQ(symlink("../etc/shadow", p), 0);
	fr_buf_release(&list);
	ASSERT_INT_EQ(fr_medium_list(tree, &list, &err), FR_EINVALID);
	ASSERT_TRUE(strstr(err.msg, "live/link") != NULL);
	unlink(p);
	free(p);
	put("live/a b", "x");
	ASSERT_INT_EQ(fr_medium_list(tree, &list, &err), FR_EINVALID);
	ASSERT_TRUE(strstr(err.msg, "live/a b") != NULL);
	TEST_DONE();

	fr_buf_release(&list);
	fr_buf_release(&report);
	fr_rm_rf(keys);
	fr_rm_rf(other);
	fr_rm_rf(tree);
	free(sk);
	free(pub);
	free(opub);
	free(good);
	return TAP_END();
}
