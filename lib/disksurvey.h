/* disksurvey.h -- what is on a disk now, before an install erases it: its partitions, and the
 * data farrow recognises on them (a PostgreSQL data directory, an etcd member), read without
 * mounting anything (sfdisk, the superblock, debugfs). Node tier: the live installer and
 * `farrow answer match` use the one survey. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_DISKSURVEY_H
#define FR_DISKSURVEY_H

#include <stddef.h>

#include "err.h"

struct fr_disk_part {
	int num;
	long long start, size;   /* bytes */
	char fstype[16];         /* "ext4", "vfat", "swap", "" when not known */
	char name[40];           /* the GPT partition name, or "" */
};

struct fr_disk_data {
	char kind[16];           /* "PGDATA" or "etcd" */
	int part;                /* the partition's number (0: the whole disk) */
	char path[256];          /* where in that file system */
	char detail[64];         /* "PostgreSQL 15" */
};

struct fr_disk_survey {
	char label[8];           /* "gpt", "dos", "" when the disk has no partition table */
	char whole[16];          /* with no partition table: the file system on the whole disk, or "" */
	struct fr_disk_part *parts;
	size_t nparts;
	struct fr_disk_data *data;
	size_t ndata;
};

/*
 * Survey dev (a block device, or a disk image file): its partition table (sfdisk --json), each
 * partition's file system type from its superblock, and on every ext2/3/4 file system (and a
 * file system on the whole disk) the data directories of farrow's layout and Debian's:
 * <pg_fs_main>/<cluster>-<version>/data/PG_VERSION, /var/lib/postgresql/<version>/main/PG_VERSION,
 * <etcd_data>/member, /var/lib/etcd/member (debugfs, nothing mounted). 0, or FR_EIO when the
 * device cannot be read. Release with fr_disk_survey_release.
 */
int fr_disk_survey(const char *dev, struct fr_disk_survey *s, struct fr_err *err);
void fr_disk_survey_release(struct fr_disk_survey *s);

#endif
