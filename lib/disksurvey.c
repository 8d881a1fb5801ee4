/* disksurvey.c -- what is on a disk before an install erases it (see disksurvey.h). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "disksurvey.h"
#include "exec.h"
#include "params.h"
#include "xalloc.h"
#include "yamlnode.h"

/* The file system at off, from its superblock's magic. */
static void fstype_at(int fd, long long off, char out[16])
{
	unsigned char b[4096];

	out[0] = '\0';
	if (pread(fd, b, sizeof(b), (off_t)off) != (ssize_t)sizeof(b))
		return;
	if (b[1024 + 56] == 0x53 && b[1024 + 57] == 0xef)
		snprintf(out, 16, "ext4");
	else if (memcmp(b, "XFSB", 4) == 0)
		snprintf(out, 16, "xfs");
	else if (memcmp(b + 512, "LABELONE", 8) == 0)
		snprintf(out, 16, "LVM2_member");
	else if (memcmp(b + 4086, "SWAPSPACE2", 10) == 0)
		snprintf(out, 16, "swap");
	else if (b[510] == 0x55 && b[511] == 0xaa && (memcmp(b + 82, "FAT32", 5) == 0 || memcmp(b + 54, "FAT", 3) == 0))
		snprintf(out, 16, "vfat");
}

/* One debugfs request against the ext file system at off of dev; its standard output in out. */
static int dbg(const char *dev, long long off, const char *req, struct fr_buf *out)
{
	char *spec = fr_xasprintf("%s?offset=%lld", dev, off);
	const char *argv[] = { "debugfs", "-R", req, spec, NULL };
	struct fr_buf e = FR_BUF_INIT;
	int st = -1, r;

	fr_buf_reset(out);
	r = fr_exec(argv, NULL, NULL, 0, out, &e, &st, NULL);
	/* debugfs says a missing path on stderr and still exits 0 */
	if (r == 0 && (st != 0 || strstr(e.buf ? e.buf : "", "not found") || strstr(e.buf ? e.buf : "", "Bad magic")))
		r = -1;
	fr_buf_release(&e);
	free(spec);
	return r == 0 && st == 0 ? 0 : -1;
}

/* The entries of a directory (debugfs ls -p: /inode/mode/uid/gid/name/size/), each name once. */
static size_t dir_names(const char *dev, long long off, const char *dir, char names[][64], size_t max)
{
	struct fr_buf o = FR_BUF_INIT;
	char *req = fr_xasprintf("ls -p %s", dir);
	size_t n = 0;

	if (dbg(dev, off, req, &o) == 0 && o.buf) {
		const char *p = o.buf;

		while (*p && n < max) {
			const char *nl = strchr(p, '\n'), *f = p;
			int slash = 0;

			if (nl == NULL)
				nl = p + strlen(p);
			/* the fifth field */
			while (f < nl && slash < 5)
				if (*f++ == '/')
					slash++;
			if (slash == 5) {
				const char *e = memchr(f, '/', (size_t)(nl - f));

				if (e && e > f && (size_t)(e - f) < 64 && !(e - f == 1 && f[0] == '.') &&
				    !(e - f == 2 && f[0] == '.' && f[1] == '.') && !memchr(f, ' ', (size_t)(e - f))) {
					memcpy(names[n], f, (size_t)(e - f));
					names[n++][e - f] = '\0';
				}
			}
			p = *nl ? nl + 1 : nl;
		}
	}
	fr_buf_release(&o);
	free(req);
	return n;
}

static void add_data(struct fr_disk_survey *s, size_t *alloc, const char *kind, int part, const char *path,
		     const char *detail)
{
	struct fr_disk_data *d;

	FR_ALLOC_GROW(s->data, s->ndata + 1, *alloc);
	d = &s->data[s->ndata++];
	memset(d, 0, sizeof(*d));
	snprintf(d->kind, sizeof(d->kind), "%s", kind);
	d->part = part;
	snprintf(d->path, sizeof(d->path), "%s", path);
	snprintf(d->detail, sizeof(d->detail), "%s", detail);
}

/* A PG_VERSION file's version ("15"), or "" when there is none there. */
static void pg_version(const char *dev, long long off, const char *path, char out[16])
{
	struct fr_buf o = FR_BUF_INIT;
	char *req = fr_xasprintf("cat %s", path);

	out[0] = '\0';
	if (dbg(dev, off, req, &o) == 0 && o.buf && isdigit((unsigned char)o.buf[0]))
		snprintf(out, 16, "%.*s", (int)strspn(o.buf, "0123456789."), o.buf);
	fr_buf_release(&o);
	free(req);
}

static const char *param_str(const char *name, const char *dflt)
{
	const struct fr_param *p = fr_param_find(name);

	return p && fr_node_str(p->def) ? fr_node_str(p->def) : dflt;
}

/* The data farrow knows in the ext file system at off. */
static void data_on(const char *dev, long long off, int part, struct fr_disk_survey *s, size_t *alloc)
{
	const char *fsmain = param_str("pg_fs_main", "/data/postgres"), *etcd = param_str("etcd_data", "/data/etcd");
	char names[32][64], ver[16], detail[64];
	struct fr_buf o = FR_BUF_INIT;
	size_t i, n;

	/* farrow's (and Pigsty's) layout, <pg_fs_main>/<cluster>-<version>/data, and Debian's,
	 * /var/lib/postgresql/<version>/main: a directory holding PG_VERSION */
	const char *const pgdirs[][2] = { { fsmain, "data" }, { "/var/lib/postgresql", "main" } };
	size_t k;

	for (k = 0; k < 2; k++) {
		n = dir_names(dev, off, pgdirs[k][0], names, 32);
		for (i = 0; i < n; i++) {
			char *p = fr_xasprintf("%s/%s/%s/PG_VERSION", pgdirs[k][0], names[i], pgdirs[k][1]);

			pg_version(dev, off, p, ver);
			if (ver[0]) {
				snprintf(detail, sizeof(detail), "PostgreSQL %s", ver);
				p[strlen(p) - strlen("/PG_VERSION")] = '\0';
				add_data(s, alloc, "PGDATA", part, p, detail);
			}
			free(p);
		}
	}
	{
		const char *dirs[] = { etcd, "/var/lib/etcd" };

		for (i = 0; i < 2; i++) {
			char *p = fr_xasprintf("%s/member", dirs[i]), *req = fr_xasprintf("stat %s", p);

			if ((i == 0 || strcmp(dirs[0], dirs[1]) != 0) && dbg(dev, off, req, &o) == 0)
				add_data(s, alloc, "etcd", part, p, "an etcd member's data");
			free(p);
			free(req);
		}
	}
	fr_buf_release(&o);
}

int fr_disk_survey(const char *dev, struct fr_disk_survey *s, struct fr_err *err)
{
	const char *argv[] = { "sfdisk", "--json", dev, NULL };
	struct fr_buf out = FR_BUF_INIT;
	struct fr_node *j = NULL;
	size_t pa = 0, da = 0, i;
	int fd, st = -1;

	memset(s, 0, sizeof(*s));
	if ((fd = open(dev, O_RDONLY | O_CLOEXEC)) < 0)
		return fr_err_set(err, FR_EIO, "cannot read %s: %s", dev, strerror(errno));
	if (fr_exec(argv, NULL, NULL, 0, &out, NULL, &st, NULL) == 0 && st == 0 && out.len)
		j = fr_yaml_parse(out.buf, out.len, NULL);
	{
		const struct fr_node *t = fr_node_get(j, "partitiontable"), *parts = fr_node_get(t, "partitions");
		long long ss = 512;

		if (t) {
			snprintf(s->label, sizeof(s->label), "%s", fr_node_str(fr_node_get(t, "label")) ? fr_node_str(fr_node_get(t, "label")) : "");
			fr_node_int(fr_node_get(t, "sectorsize"), &ss);
		}
		for (i = 0; fr_node_is_seq(parts) && i < parts->n; i++) {
			const struct fr_node *p = parts->items[i];
			const char *node = fr_node_str(fr_node_get(p, "node")), *name = fr_node_str(fr_node_get(p, "name"));
			long long start = 0, size = 0;
			struct fr_disk_part *dp;
			size_t k;

			fr_node_int(fr_node_get(p, "start"), &start);
			fr_node_int(fr_node_get(p, "size"), &size);
			FR_ALLOC_GROW(s->parts, s->nparts + 1, pa);
			dp = &s->parts[s->nparts++];
			memset(dp, 0, sizeof(*dp));
			/* the partition's number: the digits its node ends with (sda1, nvme0n1p2, disk.raw3) */
			for (k = node ? strlen(node) : 0; k > 0 && isdigit((unsigned char)node[k - 1]); k--)
				;
			dp->num = node && node[k] ? atoi(node + k) : (int)i + 1;
			dp->start = start * ss;
			dp->size = size * ss;
			snprintf(dp->name, sizeof(dp->name), "%s", name ? name : "");
			fstype_at(fd, dp->start, dp->fstype);
		}
	}
	if (s->nparts == 0) {
		/* no partition table: a file system on the whole disk is still data */
		fstype_at(fd, 0, s->whole);
		if (strcmp(s->whole, "ext4") == 0)
			data_on(dev, 0, 0, s, &da);
	}
	for (i = 0; i < s->nparts; i++)
		if (strcmp(s->parts[i].fstype, "ext4") == 0)
			data_on(dev, s->parts[i].start, s->parts[i].num, s, &da);
	close(fd);
	fr_node_free(j);
	fr_buf_release(&out);
	return 0;
}

void fr_disk_survey_release(struct fr_disk_survey *s)
{
	free(s->parts);
	free(s->data);
	memset(s, 0, sizeof(*s));
}
