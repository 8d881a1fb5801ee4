/* t-live.c -- unit tests of lib/live.c: the live system's units written, their commands well
 * quoted (a quote too many once kept the rescue shell from starting), and removed again. */
/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "fileio.h"
#include "live.h"
#include "tap.h"
#include "xalloc.h"

/* Every ExecStart= of the unit: an even number of single quotes, and a `/bin/sh -c '...'`
 * script that sh -n accepts. The number of ExecStart lines, or -1. */
static int check_exec(const char *path)
{
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	int n = 0;

	if (fr_read_file(path, 1 << 20, &text, &len, NULL) < 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *q, *sh = "ExecStart=/bin/sh -c '";
		int quotes = 0;

		if (strncmp(line, "ExecStart=", 10) != 0)
			continue;
		n++;
		for (q = line; *q; q++)
			quotes += *q == '\'';
		if (quotes % 2) {
			printf("# %s: odd quotes: %s\n", path, line);
			n = -1;
			break;
		}
		if (strncmp(line, sh, strlen(sh)) == 0) {
			char *script = fr_xstrndup(line + strlen(sh), strlen(line) - strlen(sh) - 1);
			const char *argv[] = { "sh", "-n", "-c", script, NULL };
			int st = 0;

			if (line[strlen(line) - 1] != '\'' || fr_exec(argv, NULL, NULL, 0, NULL, NULL, &st, NULL) < 0 || st != 0) {
				printf("# %s: sh -n refuses: %s\n", path, script);
				n = -1;
			}
			free(script);
			if (n < 0)
				break;
		}
	}
	free(text);
	return n;
}

static int count_files(const char *dir)
{
	char *cmd = fr_xasprintf("find '%s' -type f -o -type l", dir);
	FILE *f = popen(cmd, "r");
	char buf[4096];
	int n = 0;

	while (f && fgets(buf, sizeof(buf), f))
		n++;
	if (f)
		pclose(f);
	free(cmd);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/t-live.XXXXXX", *units, *other;
	struct fr_err err = { 0 };
	DIR *d;
	struct dirent *e;
	int nexec = 0, bad = 0;

	mkdtemp(dir);
	units = fr_xasprintf("%s/etc/systemd/system", dir);
	other = fr_xasprintf("%s/etc/systemd/system/getty@.service.d/local.conf", dir);

	TEST_START("the live units are written, enabled where they are");
	ASSERT_INT_EQ(fr_live_units(dir, &err), 0);
	{
		static const struct {
			const char *rel;
			int present;
		} want[] = { { "multi-user.target.wants/farrow-medium-check.service", 1 },
			     { "multi-user.target.wants/" FR_LIVE_INSTALL_UNIT, 1 },
			     { "multi-user.target.wants/farrow-wizard.service", 1 },
			     { FR_LIVE_SHELL_UNIT, 1 },
			     { "multi-user.target.wants/" FR_LIVE_SHELL_UNIT, 0 } };
		size_t i;

		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			char *p = fr_xasprintf("%s/%s", units, want[i].rel);

			ASSERT_INT_EQ(access(p, F_OK) == 0, want[i].present);
			free(p);
		}
	}
	TEST_DONE();

	TEST_START("every ExecStart is well quoted, its shell script parses");
	d = opendir(units);
	while (d && (e = readdir(d)) != NULL) {
		char *p;
		int n;

		size_t l = strlen(e->d_name);

		if (l < 9 || strcmp(e->d_name + l - 8, ".service") != 0)
			continue;
		p = fr_xasprintf("%s/%s", units, e->d_name);
		n = check_exec(p);
		if (n < 0)
			bad++;
		else
			nexec += n;
		free(p);
	}
	if (d)
		closedir(d);
	ASSERT_INT_EQ(bad, 0);
	ASSERT_TRUE(nexec >= 5);
	TEST_DONE();

	TEST_START("removed again: what was written goes, a file of someone else's stays");
	fr_write_atomic(other, "[Unit]\n", 7, 0644, 0, NULL);
	ASSERT_INT_EQ(fr_live_units_remove(dir, &err), 0);
	ASSERT_INT_EQ(count_files(dir), 1);
	ASSERT_TRUE(access(other, F_OK) == 0);
	ASSERT_INT_EQ(fr_live_units_remove(dir, &err), 0);
	TEST_DONE();

	{
		char *rm = fr_xasprintf("rm -rf '%s'", dir);

		if (system(rm) != 0)
			printf("# cannot remove %s\n", dir);
		free(rm);
	}
	free(units);
	free(other);
	return TAP_END();
}
