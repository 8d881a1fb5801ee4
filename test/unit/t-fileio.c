/* t-fileio.c -- unit tests of lib/fileio.c: atomic replace with backup. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "tap.h"
#include "xalloc.h"

int main(void)
{
	char dir[] = "/tmp/t-fileio.XXXXXX", *p, *bak, *data = NULL;
	struct fr_err err = { 0 };
	struct stat st;
	size_t len;

	mkdtemp(dir);
	p = fr_xasprintf("%s/out.yml", dir);
	bak = fr_xasprintf("%s/out.yml.bak", dir);

	TEST_START("a new file is written with the mode asked");
	ASSERT_INT_EQ(fr_write_atomic(p, "one\n", 4, 0600, 1, &err), 0);
	ASSERT_TRUE(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600);
	ASSERT_TRUE(access(bak, F_OK) != 0);
	TEST_DONE();

	TEST_START("an existing file is kept as .bak");
	ASSERT_INT_EQ(fr_write_atomic(p, "two\n", 4, 0600, 1, &err), 0);
	ASSERT_INT_EQ(fr_read_file(bak, 100, &data, &len, &err), 0);
	ASSERT_STR_EQ(data, "one\n");
	free(data);
	ASSERT_INT_EQ(fr_read_file(p, 100, &data, &len, &err), 0);
	ASSERT_STR_EQ(data, "two\n");
	free(data);
	TEST_DONE();

	TEST_START("a failed write leaves nothing behind");
	{
		char *q = fr_xasprintf("%s/missing-dir/out.yml", dir);

		ASSERT_INT_EQ(fr_write_atomic(q, "x", 1, 0600, 1, &err), FR_EIO);
		ASSERT_STR_CONTAINS(err.msg, "cannot create a temporary file");
		free(q);
	}
	TEST_DONE();

	TEST_START("reading: size limit and non-files");
	ASSERT_INT_EQ(fr_read_file(p, 2, &data, &len, &err), FR_EIO);
	ASSERT_STR_CONTAINS(err.msg, "larger than 2 bytes");
	ASSERT_INT_EQ(fr_read_file(dir, 100, &data, &len, &err), FR_EIO);
	ASSERT_STR_CONTAINS(err.msg, "not a regular file");
	TEST_DONE();

	unlink(p);
	unlink(bak);
	rmdir(dir);
	free(p);
	free(bak);
	return TAP_END();
}
