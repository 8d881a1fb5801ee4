/* rb.h -- what repo-builder's parts share: the manifest, indexes, the closure. */
/* SPDX-License-Identifier: MIT */
#ifndef RB_H
#define RB_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "cli.h"
#include "err.h"
#include "yamlnode.h"

/* Exit statuses beyond lib/err.h's (frozen; append only). */
enum rb_exit {
	RB_EXIT_UNSOLVABLE = 5, /* a package is unknown or its dependencies cannot be met */
	RB_EXIT_BADSIG = 6,     /* a signature or checksum does not hold */
	RB_EXIT_FETCH = 8,      /* a download failed after its retries */
};

/* RB_REPO_DEBS: .deb files given one by one, each by URL and SHA-256 (MinIO's own package) */
enum rb_repo_type { RB_REPO_NONE, RB_REPO_DEB, RB_REPO_RPMMD, RB_REPO_HOST_APT, RB_REPO_DEBS };

struct rb_file {
	char *url, *sha256, *path;
	long long size;
};

struct rb_repo {
	char *name;
	enum rb_repo_type type;
	char *url;              /* for the chosen region */
	char *suite;
	char **components;
	size_t ncomponents;
	char *key;              /* upstream signing key, absolute path */
	char **targets;         /* NULL: every target */
	size_t ntargets;
	int priority;
	struct rb_file *debs;   /* type debs: each .deb's url and sha256 */
	size_t ndebs;
	int line, col;
};

struct rb_pkgreq {
	char *name;             /* after $v substitution */
	char *op, *version;     /* optional constraint: op is one of = >= <= > < */
	char *repo;             /* optional: take it from this repository only */
	char **targets;
	size_t ntargets;
	int line, col;
};

struct rb_manifest {
	char *path, *dir;       /* the manifest file and its directory */
	char sha256[65];        /* of the manifest's bytes: an input of the bundle */
	char *bundle;           /* name prefix, default farrow-pkg */
	char *version;
	int pg_version;
	int recommends;
	char **targets;         /* "d12.x86_64", ... */
	size_t ntargets;
	struct rb_repo *repos;
	size_t nrepos;
	struct rb_pkgreq *pkgs;
	size_t npkgs;
	char *base_status;      /* dpkg status file, absolute path */
	char **base_packages;   /* or names installed on the base */
	size_t nbase_packages;
	struct rb_file *files;
	size_t nfiles;
	/* image: the image-capable variant (build --image): the base bundled too, with minbase and
	 * lib/image.c's list; its name (default <bundle>-image) and the manifest's extra packages */
	int image;
	char *image_bundle;
	char **image_packages;
	size_t nimage_packages;
	struct fr_diags diags;
	int allow_expired;      /* --allow-expired: build from an archive snapshot past its Valid-Until */
	char *cache;            /* the command's cache directory (host-apt suites keep their lists there) */
};

/* apt -o options that point apt at a host-apt repository (host-apt.c), NULL-terminated. */
struct rb_apt_opts {
	char **v;
	size_t n;
};

/*
 * The options for repository r (type host-apt): for the host's own lists only the sandbox
 * user; for `suite: S`, a private configuration in <cache>/host-apt/<S>-<debarch>/ with the
 * host's source URI and Signed-By keyring and suite S (apt-get update'd first when update).
 */
int rb_host_apt_opts(const struct rb_manifest *m, const struct rb_repo *r, const char *debarch, int update,
		     struct rb_apt_opts *o, struct fr_err *err);
void rb_apt_opts_release(struct rb_apt_opts *o);

/* Clock skew a Release Date may be ahead of this host (and a Valid-Until behind it), in seconds. */
#define RB_CLOCK_SKEW 300

/* Load and check path; problems go to m->diags. Returns 0, or FR_EIO when unreadable. */
/* The default --cache: $XDG_CACHE_HOME/farrow/repo-builder, else ~/.cache/farrow/repo-builder. */
char *rb_default_cache(void);
int rb_manifest_load(const char *path, const char *region, struct rb_manifest **out, struct fr_err *err);
void rb_manifest_free(struct rb_manifest *m);
/* 1 if a list of target names (NULL = all) selects target "d12.x86_64". */
int rb_targets_match(char *const *list, size_t n, const char *target);

/* One package stanza of an index (Debian Packages) or one <package> (rpm-md). */
struct rb_pkg {
	const char *text;       /* the stanza, borrowed from its index */
	size_t len;
	char *name, *version, *arch, *filename, *sha256;
	long long size;
	size_t repo;            /* index into the manifest's repos */
	int solvable;           /* libsolv id */
	/* rpm-md: this package's elements of filelists.xml and other.xml */
	const char *fl, *ot;
	size_t fllen, otlen;
};

/* An index loaded for one repository and target. */
struct rb_index {
	size_t repo;
	int rpm;                /* rpm-md: text is primary.xml */
	char *text;             /* decompressed Packages (all components), or primary.xml */
	size_t len;
	char *filelists, *other; /* rpm-md only */
	size_t fllen, otlen;
	char *date;             /* the upstream Release Date */
	long long epoch;        /* the same, as seconds */
	char *origin;           /* description of where it came from */
	struct rb_pkg *pkgs;
	size_t npkgs;
};

/* Fetch, verify and parse repo's index for target into ix. */
int rb_index_load(const struct rb_manifest *m, size_t repo, const char *target, struct rb_index *ix,
		  struct fr_err *err);
/*
 * Parse Packages text (owned by ix) into stanzas. Upstream metadata is input, signed or not:
 * every package goes through rb_pkg_check. Returns 0, or FR_EINVALID naming the package.
 */
int rb_index_parse(struct rb_index *ix, struct fr_err *err);
/*
 * The one check of an upstream package record (deb stanza or rpm-md <package>): name, version
 * and arch printable without spaces; SHA-256 64 hex digits; Filename/location a path by
 * fr_path_problem (no '..', no leading '/', no control characters), for deb under pool/;
 * size_text (NULL when absent) a non-negative decimal, stored in p->size. 0 or FR_EINVALID.
 */
int rb_pkg_check(const struct rb_index *ix, struct rb_pkg *p, const char *size_text, int deb, struct fr_err *err);
/* debs: each .deb fetched into <cache>/sha256 by its SHA-256, its control as ix's Packages text (meta-debs.c). */
int rb_index_load_debs(const struct rb_manifest *m, const struct rb_repo *r, const char *debarch, struct rb_index *ix,
		       struct fr_err *err);
/* rpm-md: fetch, verify and parse repo's repodata into ix. */
int rb_index_load_rpmmd(const struct rb_repo *r, struct rb_index *ix, struct fr_err *err);
/* rpm-md: split primary.xml (owned by ix) into <package> elements; filelists and other too. */
int rb_index_parse_rpmmd(struct rb_index *ix, struct fr_err *err);
/* rpm-md: the text of an element's first <tag ...> attribute attr, or its text content when attr is NULL. */
char *rb_xml_get(const char *el, size_t len, const char *tag, const char *attr);
void rb_index_release(struct rb_index *ix);

/* The closure. */
struct rb_closure {
	struct rb_pkg **pkgs;   /* chosen packages, sorted by name */
	size_t npkgs;
	long long bytes;
};

/*
 * Solve the requested packages of m for target over the indexes, minus the
 * base. On failure, problems holds libsolv's explanation (one line each)
 * and the return is FR_EINVALID.
 */
int rb_solve(const struct rb_manifest *m, const char *target, struct rb_index *ix, size_t nix,
	     struct rb_closure *out, struct fr_buf *problems, struct fr_err *err);
void rb_closure_release(struct rb_closure *c);

/* Parse "Date:" (RFC 2822) into seconds since the epoch; -1 if it cannot. */
long long rb_parse_date(const char *s);
/* Format seconds as an RFC 2822 date in UTC, into out[64]. */
void rb_format_date(long long t, char out[64]);

/* The deb stanza field value (without the "Name: "), copied; NULL when absent. */
char *rb_stanza_field(const char *text, size_t len, const char *field);

/* Print a closure as a table and a total. */
void rb_print_closure(FILE *f, const struct rb_closure *c, const char *target);
/* Load the indexes of every repository that serves target; returns an exit status. */
int rb_load_indexes(const struct rb_manifest *m, const char *target, struct rb_index **out, size_t *nix, int quiet);

/* Commands. */
int rb_cmd_build(int argc, char **argv);
int rb_cmd_resolve(int argc, char **argv);
int rb_cmd_verify(int argc, char **argv);
int rb_cmd_inspect(int argc, char **argv);
int rb_cmd_diff(int argc, char **argv);
int rb_cmd_keygen(int argc, char **argv);
int rb_cmd_host_source(int argc, char **argv);

#endif
