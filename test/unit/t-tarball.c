/* t-tarball.c -- unit tests of lib/tarball.c: reproducible tar.zst, reading, (de)compression. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "fileio.h"
#include "tarball.h"
#include "tap.h"
#include "xalloc.h"

struct seen {
	char names[16][128];
	int files[16];
	long long sizes[16];
	size_t namelen[16];
	int n;
	char first[32];
};

static int cb(void *ctx, const char *path, int type, long long size, void *reader)
{
	struct seen *s = ctx;

	if (s->n < 16) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", path);
		s->files[s->n] = type == FR_TAR_FILE;
		s->sizes[s->n] = size;
		s->namelen[s->n] = strlen(path);
		if (type == FR_TAR_FILE && strcmp(path, "top/a/b.txt") == 0) {
			ssize_t n = fr_tar_read(reader, s->first, sizeof(s->first) - 1);

			s->first[n > 0 ? n : 0] = '\0';
		}
		s->n++;
	}
	return 0;
}

int main(void)
{
	char dir[] = "/tmp/t-tarball.XXXXXX", *src, *t1, *t2, h1[65], h2[65];
	struct fr_err err = { 0 };
	struct fr_buf gz = FR_BUF_INIT, gz2 = FR_BUF_INIT, out = FR_BUF_INIT;
	struct seen s = { 0 };
	struct fr_tar_entry e[3];

	mkdtemp(dir);
	src = fr_xasprintf("%s/src", dir);
	t1 = fr_xasprintf("%s/one.tar.zst", dir);
	t2 = fr_xasprintf("%s/two.tar.zst", dir);
	fr_write_atomic(src, "from a file\n", 12, 0644, 0, &err);

	TEST_START("the same entries give the same bytes, whatever their order");
	memset(e, 0, sizeof(e));
	e[0].path = "top/z.txt";
	e[0].data = "zz\n";
	e[0].len = 3;
	e[1].path = "top/a/b.txt";
	e[1].file = src;
	e[1].len = 12;
	e[2].path = "top/MANIFEST";
	e[2].data = "m\n";
	e[2].len = 2;
	ASSERT_INT_EQ(fr_tar_zst_write(t1, e, 3, 1700000000, 3, 2, &err), 0);
	{
		struct fr_tar_entry r[3] = { e[2], e[0], e[1] };

		ASSERT_INT_EQ(fr_tar_zst_write(t2, r, 3, 1700000000, 3, 1, &err), 0);
	}
	fr_sha256_file(t1, h1, NULL, &err);
	fr_sha256_file(t2, h2, NULL, &err);
	ASSERT_STR_EQ(h1, h2);
	TEST_DONE();

	TEST_START("walking: sorted, parent directories added, data readable");
	ASSERT_INT_EQ(fr_tar_walk(t1, cb, &s, &err), 0);
	ASSERT_INT_EQ(s.n, 5);
	ASSERT_STR_EQ(s.names[0], "top/");
	ASSERT_STR_EQ(s.names[1], "top/MANIFEST");
	ASSERT_STR_EQ(s.names[2], "top/a/");
	ASSERT_STR_EQ(s.names[3], "top/a/b.txt");
	ASSERT_STR_EQ(s.names[4], "top/z.txt");
	ASSERT_TRUE(!s.files[0] && s.files[1] && !s.files[2]);
	ASSERT_INT_EQ(s.sizes[3], 12);
	ASSERT_STR_EQ(s.first, "from a file\n");
	TEST_DONE();

	TEST_START("a missing source fails and leaves no output");
	e[1].file = "/nonexistent/file";
	unlink(t2);
	ASSERT_INT_EQ(fr_tar_zst_write(t2, e, 3, 1700000000, 3, 2, &err), FR_EIO);
	ASSERT_TRUE(access(t2, F_OK) != 0);
	TEST_DONE();

	TEST_START("GNU tar's long names and pax headers read; a truncated archive is damaged");
	{
		char *cmd, *t3 = fr_xasprintf("%s/gnu.tar.zst", dir), *t4 = fr_xasprintf("%s/cut.tar.zst", dir);
		struct seen g = { 0 };
		int k, found = 0;

		cmd = fr_xasprintf("cd %s && mkdir -p d && echo long > d/%0120d && head -c 200000 /dev/urandom > d/rand && tar --format=gnu -cf - d | zstd -q -o gnu.tar.zst"
				   " && tar --format=pax -cf - d | zstd -q -o pax.tar.zst && head -c 100000 gnu.tar.zst > cut.tar.zst",
				   dir, 7);
		ASSERT_INT_EQ(system(cmd), 0);
		free(cmd);
		ASSERT_INT_EQ(fr_tar_walk(t3, cb, &g, &err), 0);
		for (k = 0; k < g.n; k++)
			if (strlen(g.names[k]) == 122 && g.sizes[k] == 5)
				found = 1;
		ASSERT_TRUE(found);
		memset(&g, 0, sizeof(g));
		free(t3);
		t3 = fr_xasprintf("%s/pax.tar.zst", dir);
		ASSERT_INT_EQ(fr_tar_walk(t3, cb, &g, &err), 0);
		for (found = 0, k = 0; k < g.n; k++)
			if (strlen(g.names[k]) == 122)
				found = 1;
		ASSERT_TRUE(found);
		memset(&g, 0, sizeof(g));
		ASSERT_INT_EQ(fr_tar_walk(t4, cb, &g, &err), FR_EIO);
		ASSERT_STR_CONTAINS(err.msg, "is damaged");
		free(t3);
		free(t4);
	}
	TEST_DONE();

	TEST_START("a 601-byte pax path arrives whole; a NUL inside a pax path is damage; symlinks say so");
	{
		char *cmd, *t5 = fr_xasprintf("%s/long.tar.zst", dir), *t6 = fr_xasprintf("%s/nul.tar.zst", dir);
		struct seen g = { 0 };
		int k, found = 0, link = 0;

		cmd = fr_xasprintf("cd %s && python3 -c \"import io,tarfile,sys\n"
				   "def mk(path, name, pax=None):\n"
				   "  b=io.BytesIO(); t=tarfile.open(fileobj=b, mode='w', format=tarfile.PAX_FORMAT)\n"
				   "  i=tarfile.TarInfo(name); i.size=1; t.addfile(i, io.BytesIO(b'x'))\n"
				   "  l=tarfile.TarInfo('top/l'); l.type=tarfile.SYMTYPE; l.linkname='/etc'; t.addfile(l)\n"
				   "  t.close(); open(path,'wb').write(b.getvalue())\n"
				   "mk('long.tar', 'top/' + 'a'*300 + '/' + 'b'*296)\n"
				   "b=io.BytesIO(); t=tarfile.open(fileobj=b, mode='w', format=tarfile.PAX_FORMAT, "
				   "pax_headers={}); i=tarfile.TarInfo('top/x'); i.pax_headers={'path': 'top/a' + chr(0) + '/../../evil'}; "
				   "i.size=0; t.addfile(i); t.close(); open('nul.tar','wb').write(b.getvalue())\n\" "
				   "&& zstd -q -f long.tar -o long.tar.zst && zstd -q -f nul.tar -o nul.tar.zst",
				   dir);
		ASSERT_INT_EQ(system(cmd), 0);
		free(cmd);
		ASSERT_INT_EQ(fr_tar_walk(t5, cb, &g, &err), 0);
		for (k = 0; k < g.n; k++) {
			if (strncmp(g.names[k], "top/aaa", 7) == 0 && g.sizes[k] == 1 && g.namelen[k] == 601)
				found = 1;
			if (strcmp(g.names[k], "top/l") == 0 && !g.files[k])
				link = 1;
		}
		ASSERT_TRUE(found);
		ASSERT_TRUE(link);
		ASSERT_INT_EQ(fr_tar_walk(t6, cb, &g, &err), FR_EIO);
		ASSERT_STR_CONTAINS(err.msg, "does not parse");
		ASSERT_STR_EQ(fr_tar_type_name(FR_TAR_SYMLINK), "a symbolic link");
		free(t5);
		free(t6);
	}
	TEST_DONE();

	TEST_START("gzip has no time stamp: the same input, the same bytes; round trip");
	ASSERT_INT_EQ(fr_gzip("hello hello hello\n", 18, &gz, &err), 0);
	sleep(1);
	ASSERT_INT_EQ(fr_gzip("hello hello hello\n", 18, &gz2, &err), 0);
	ASSERT_TRUE(gz.len == gz2.len && memcmp(gz.buf, gz2.buf, gz.len) == 0);
	ASSERT_INT_EQ(fr_decompress(gz.buf, gz.len, 1000, &out, &err), 0);
	ASSERT_STR_EQ(out.buf, "hello hello hello\n");
	fr_buf_reset(&out);
	ASSERT_INT_EQ(fr_decompress(gz.buf, gz.len, 5, &out, &err), FR_EIO);
	fr_buf_reset(&out);
	ASSERT_INT_EQ(fr_decompress("plain text", 10, 100, &out, &err), 0);
	ASSERT_STR_EQ(out.buf, "plain text");
	TEST_DONE();

	fr_buf_release(&gz);
	fr_buf_release(&gz2);
	fr_buf_release(&out);
	fr_rm_rf(dir);
	free(src);
	free(t1);
	free(t2);
	return TAP_END();
}
