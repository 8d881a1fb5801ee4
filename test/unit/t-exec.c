/* t-exec.c -- unit tests of lib/exec.c. */
/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "exec.h"
#include "tap.h"

int main(void)
{
	const char *cat[] = { "cat", NULL }, *sh[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	const char *env[] = { "FR_T=hello", NULL }, *pe[] = { "sh", "-c", "printf %s \"$FR_T\"", NULL };
	const char *none[] = { "/nonexistent/program", NULL }, *early[] = { "true", NULL };
	struct fr_buf out = FR_BUF_INIT, err = FR_BUF_INIT;
	static char big[1 << 20];
	int st = -1;

	TEST_START("stdin in, stdout and stderr out, exit status");
	memset(big, 'x', sizeof(big));
	ASSERT_INT_EQ(fr_exec(cat, NULL, big, sizeof(big), &out, &err, &st, NULL), 0);
	ASSERT_INT_EQ(st, 0);
	ASSERT_INT_EQ(out.len, sizeof(big));
	fr_buf_reset(&out);
	ASSERT_INT_EQ(fr_exec(sh, NULL, NULL, 0, &out, &err, &st, NULL), 0);
	ASSERT_INT_EQ(st, 3);
	ASSERT_STR_EQ(out.buf, "out\n");
	ASSERT_STR_EQ(err.buf, "err\n");
	fr_buf_reset(&out);
	ASSERT_INT_EQ(fr_exec(pe, env, NULL, 0, &out, NULL, &st, NULL), 0);
	ASSERT_STR_EQ(out.buf, "hello");
	TEST_DONE();

	TEST_START("a missing program exits 127; a child that ignores its input does not kill us");
	ASSERT_INT_EQ(fr_exec(none, NULL, NULL, 0, NULL, NULL, &st, NULL), 0);
	ASSERT_INT_EQ(st, 127);
	ASSERT_INT_EQ(fr_exec(early, NULL, big, sizeof(big), NULL, NULL, &st, NULL), 0);
	ASSERT_INT_EQ(st, 0);
	ASSERT_TRUE(fr_exec_have("sh"));
	ASSERT_TRUE(!fr_exec_have("no-such-program-here"));
	TEST_DONE();

	TEST_START("fr_exec_tool: 0 on exit 0; else the tool's exit and its last four lines, trailing newlines dropped");
	{
		const char *okp[] = { "sh", "-c", "echo fine", NULL };
		const char *many[] = { "sh", "-c", "for i in 1 2 3 4 5 6; do echo l$i; done; echo bad; echo; exit 5", NULL };
		const char *mute[] = { "sh", "-c", "exit 2", NULL };
		const char *cat_in[] = { "sh", "-c", "cat; exit 1", NULL };
		struct fr_err e = { 0 };

		ASSERT_INT_EQ(fr_exec_tool(okp, NULL, NULL, &e), 0);
		ASSERT_INT_EQ(fr_exec_tool(many, NULL, NULL, &e), FR_EIO);
		ASSERT_STR_EQ(e.msg, "sh failed (exit 5): l4\nl5\nl6\nbad");
		ASSERT_INT_EQ(fr_exec_tool(mute, NULL, NULL, &e), FR_EIO);
		ASSERT_STR_EQ(e.msg, "sh failed (exit 2) and said nothing");
		ASSERT_INT_EQ(fr_exec_tool(cat_in, NULL, "from stdin\n", &e), FR_EIO);
		ASSERT_STR_EQ(e.msg, "sh failed (exit 1): from stdin");
	}
	TEST_DONE();

	TEST_START("the child gets 0-2 and the /proc/self/fd/<n> its argv names, none of the others we hold");
	{
		int fd = open("/dev/null", O_RDONLY), a = fcntl(fd, F_DUPFD, 30), b = fcntl(fd, F_DUPFD, 35),
		    hi = fcntl(fd, F_DUPFD, 40), rc = -1;
		char named[64], *list;
		const char *ls[] = { "sh", "-c", "ls /proc/self/fd; cat \"$0\" >/dev/null && echo read-ok", named, NULL };

		close(fd);
		ASSERT_TRUE(a >= 30 && b >= 35 && hi >= 40);
		snprintf(named, sizeof(named), "/proc/self/fd/%d", b);
		fr_buf_reset(&out);
		ASSERT_INT_EQ(fr_exec(ls, NULL, NULL, 0, &out, NULL, &rc, NULL), 0);
		ASSERT_INT_EQ(rc, 0);
		list = out.buf;
		/* ls's listing (it inherits sh's): 0 1 2, the named one, its own directory; a and hi closed */
		{
			char na[16], nb[16], nh[16];

			snprintf(na, sizeof(na), "\n%d\n", a);
			snprintf(nb, sizeof(nb), "\n%d\n", b);
			snprintf(nh, sizeof(nh), "\n%d\n", hi);
			ASSERT_TRUE(strstr(list, na) == NULL);
			ASSERT_TRUE(strstr(list, nh) == NULL);
			ASSERT_STR_CONTAINS(list, nb);
		}
		ASSERT_STR_CONTAINS(list, "read-ok");
		close(a);
		close(b);
		close(hi);
	}
	TEST_DONE();

	fr_buf_release(&out);
	fr_buf_release(&err);
	return TAP_END();
}
