/* build.h -- the rooms of `repo-builder build`: the phases of a target (cmd-build.c), fetching
 * into the content-addressed cache (build-fetch.c), and the two repository writers beside their
 * readers: write-deb.c (meta-deb.c reads) and write-rpm.c (meta-rpm.c reads). */
/* SPDX-License-Identifier: MIT */
#ifndef RB_BUILD_H
#define RB_BUILD_H

#include "buf.h"
#include "err.h"
#include "pgp.h"
#include "rb.h"

enum rb_out_mode { OUT_TTY, OUT_PLAIN, OUT_JSON, OUT_QUIET };

struct rb_build {
	struct rb_manifest *m;
	const char *out, *cache;
	int jobs;
	enum rb_out_mode mode;
	struct fr_pgp_signer *signer;
	/* progress */
	const char *target;
	double last_draw;
};


struct rb_bundle_file {
	char *path;            /* under the top directory */
	struct fr_buf data;    /* in memory, or */
	char *file;            /* in the cache */
	long long size;
	char sha256[65];
};

struct rb_files {
	struct rb_bundle_file *v;
	size_t n, alloc;
};

/* cmd-build.c: time, messages for people (not with --quiet or --json), --json events */
double rb_now(void);
void rb_say(const struct rb_build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rb_json_event(const struct rb_build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* the bundle's files, in memory or in the cache (cmd-build.c) */
struct rb_bundle_file *rb_files_add_mem(struct rb_files *f, const char *path, struct fr_buf *data);
void rb_files_add_cached(struct rb_files *f, const char *path, char *file, const char *sha256, long long size);
void rb_files_release(struct rb_files *f);

/* build-fetch.c: the closure's packages into <cache>/sha256/<hash>, checked (FR_ECRYPTO: a hash) */
char *rb_cache_path(const struct rb_build *b, const char *sha256);
int rb_fetch(struct rb_build *b, struct rb_closure *c, struct fr_err *err);

/* write-deb.c: the signed apt repository of the closure (repo/dists/farrow, repo/pool) */
char *rb_pool_path(const struct rb_build *b, const struct rb_pkg *p);
int rb_write_deb(struct rb_build *b, const struct rb_closure *c, const char *target, const char *debarch,
		 long long epoch, const char *date, struct rb_files *files, struct fr_err *err);
/* write-rpm.c: the signed rpm-md repository of the closure */
int rb_write_rpm(struct rb_build *b, const struct rb_closure *c, long long epoch, struct rb_files *files,
		 struct fr_err *err);

#endif
