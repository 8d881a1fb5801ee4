/* t-disksurvey.c -- unit tests of lib/disksurvey.c on disk image files made by the real tools
 * (sfdisk, mke2fs -d, mkfs.vfat, mkswap): partitions, file system types, and the data farrow
 * recognises, read without mounting anything. bats 2210 runs it through farrow answer match. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disksurvey.h"
#include "exec.h"
#include "fileio.h"
#include "params.h"
#include "tap.h"
#include "xalloc.h"

static char *dir;

static int sh(const char *cmd)
{
	const char *argv[] = { "sh", "-c", cmd, NULL };
	int st = -1;

	if (fr_exec(argv, NULL, NULL, 0, NULL, NULL, &st, NULL) < 0)
		return -1;
	return st;
}

int main(void)
{
	char d[] = "/tmp/t-disksurvey.XXXXXX", *cmd;
	struct fr_disk_survey s;
	struct fr_err err = { 0 };
	char *img;

	if (!fr_exec_have("sfdisk") || !fr_exec_have("mke2fs") || !fr_exec_have("debugfs") || !fr_exec_have("mkfs.vfat") ||
	    !fr_exec_have("mkswap")) {
		printf("1..0 # SKIP needs sfdisk, mke2fs, debugfs, mkfs.vfat, mkswap\n");
		return 0;
	}
	dir = mkdtemp(d);
	img = fr_xasprintf("%s/disk.img", dir);

	TEST_START("a GPT disk: vfat, swap and ext4 partitions; Debian's PGDATA and farrow's etcd member found");
	cmd = fr_xasprintf("cd %s && mkdir -p t/var/lib/postgresql/17/main t/data/etcd/member/wal && "
			   "echo 17 > t/var/lib/postgresql/17/main/PG_VERSION && truncate -s 96M disk.img && "
			   "printf 'label: gpt\\nstart=2048, size=16384, name=\"esp\"\\nstart=18432, size=16384, name=\"swap\"\\n"
			   "start=34816, name=\"root\"\\n' | sfdisk -q disk.img && "
			   "mkfs.vfat -C esp.img 8192 >/dev/null && dd if=esp.img of=disk.img bs=512 seek=2048 conv=notrunc status=none && "
			   "truncate -s 8M swap.img && mkswap swap.img >/dev/null && "
			   "dd if=swap.img of=disk.img bs=512 seek=18432 conv=notrunc status=none && "
			   "mke2fs -q -F -t ext4 -d t -E offset=%d disk.img 40000",
			   dir, 34816 * 512);
	ASSERT_INT_EQ(sh(cmd), 0);
	free(cmd);
	ASSERT_INT_EQ(fr_disk_survey(img, &s, &err), 0);
	ASSERT_STR_EQ(s.label, "gpt");
	ASSERT_INT_EQ(s.nparts, 3);
	if (s.nparts == 3) {
		ASSERT_STR_EQ(s.parts[0].fstype, "vfat");
		ASSERT_STR_EQ(s.parts[0].name, "esp");
		ASSERT_INT_EQ(s.parts[0].start, 2048 * 512);
		ASSERT_STR_EQ(s.parts[1].fstype, "swap");
		ASSERT_STR_EQ(s.parts[2].fstype, "ext4");
		ASSERT_INT_EQ(s.parts[2].num, 3);
	}
	ASSERT_INT_EQ(s.ndata, 2);
	if (s.ndata == 2) {
		ASSERT_STR_EQ(s.data[0].kind, "PGDATA");
		ASSERT_STR_EQ(s.data[0].path, "/var/lib/postgresql/17/main");
		ASSERT_STR_EQ(s.data[0].detail, "PostgreSQL 17");
		ASSERT_INT_EQ(s.data[0].part, 3);
		ASSERT_STR_EQ(s.data[1].kind, "etcd");
		ASSERT_STR_EQ(s.data[1].path, "/data/etcd/member");
	}
	fr_disk_survey_release(&s);
	TEST_DONE();

	TEST_START("no partition table: a file system on the whole disk is still surveyed; an empty disk holds nothing");
	cmd = fr_xasprintf("cd %s && rm -rf t disk.img && mkdir -p t/data/postgres/pg-test-16/data t/data/postgres/notpg && "
			   "echo 16 > t/data/postgres/pg-test-16/data/PG_VERSION && truncate -s 32M disk.img && "
			   "mke2fs -q -F -t ext4 -d t disk.img", dir);
	ASSERT_INT_EQ(sh(cmd), 0);
	free(cmd);
	ASSERT_INT_EQ(fr_disk_survey(img, &s, &err), 0);
	ASSERT_STR_EQ(s.label, "");
	ASSERT_INT_EQ(s.nparts, 0);
	ASSERT_INT_EQ(s.ndata, 1);
	if (s.ndata == 1) {
		ASSERT_STR_EQ(s.data[0].path, "/data/postgres/pg-test-16/data");
		ASSERT_INT_EQ(s.data[0].part, 0);
	}
	fr_disk_survey_release(&s);
	cmd = fr_xasprintf("cd %s && rm disk.img && truncate -s 8M disk.img", dir);
	ASSERT_INT_EQ(sh(cmd), 0);
	free(cmd);
	ASSERT_INT_EQ(fr_disk_survey(img, &s, &err), 0);
	ASSERT_INT_EQ(s.nparts + s.ndata, 0);
	fr_disk_survey_release(&s);
	ASSERT_INT_EQ(fr_disk_survey("/nonexistent/disk", &s, &err), FR_EIO);
	fr_disk_survey_release(&s);
	TEST_DONE();

	fr_rm_rf(dir);
	free(img);
	fr_params_release();
	return TAP_END();
}
