/* bundle.h -- farrow bundles: the MANIFEST format, reading it, verifying a bundle. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_BUNDLE_H
#define FR_BUNDLE_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/*
 * A bundle is <name>-<version>.<distro>.<arch>.tar.zst with a detached
 * OpenPGP signature beside it (<bundle>.sig). Inside, under one top
 * directory named like the file without .tar.zst:
 *   MANIFEST                     what is inside, with hashes (below)
 *   repo/dists/farrow/...        signed apt metadata (InRelease, Release, Release.gpg, Packages)
 *   repo/pool/<repo>/...         the packages
 *   keys/farrow-signing.gpg/.asc the public key that signed the repo
 *   files/...                    extra files of the manifest
 * MANIFEST is text, one record a line, fields separated by single spaces:
 *   farrow-bundle 1
 *   bundle <name>            version <v>          target <distro.arch>
 *   epoch <seconds>          key <fingerprint>    manifest-sha256 <hex>
 *   image yes                (optional: the bundle carries a whole system, for images)
 *   input <repo> <date as seconds> <origin...>
 *   package <name> <version> <arch> <repo> <path> <size> <sha256>
 *   file <sha256> <size> <path>          (every file but MANIFEST itself)
 */

struct fr_bundle_pkg {
	char *name, *version, *arch, *repo, *path, *sha256;
	long long size;
};

struct fr_bundle_file {
	char *path, *sha256;
	long long size;
};

/*
 * A bundle's target, "<distro>.<arch>": distros el8 el9 el10 d12 d13 u22 u24, arches x86_64
 * aarch64. Split into distro ("d12") and arch ("x86_64"); *is_deb 1 for Debian and Ubuntu,
 * *debarch "amd64"/"arm64" (either may be NULL). 0, or FR_EARG for anything else. The one
 * parser of targets: repo-builder's manifests and commands, and install's plan.
 */
int fr_target_split(const char *target, char *distro, size_t dn, char *arch, size_t an, const char **debarch,
		    int *is_deb);
/*
 * Whether a bundle of target fits a system whose /etc/os-release text is os_release and whose
 * machine (uname -m) is machine: 1, or 0 with why filled ("the bundle is for d13.x86_64, this
 * system is Debian GNU/Linux 12 (bookworm), d12, x86_64"). The one check of install's plan and
 * firstboot's packages module, before anything changes.
 */
int fr_target_fits(const char *target, const char *os_release, const char *machine, char *why, size_t n);
/* The release codename of a deb target ("d12.x86_64" -> "bookworm"), NULL for rpm or unknown ones. */
const char *fr_target_codename(const char *target);
/* 1 when s is one of the distros above */
int fr_target_distro_known(const char *s);

struct fr_bundle_manifest {
	char *top;            /* the top directory */
	char *bundle, *version, *target, *key, *manifest_sha256;
	long long epoch;
	int image;            /* "image yes": image-capable (the base system is in it too) */
	char **inputs;
	size_t ninputs;
	struct fr_bundle_pkg *pkgs;
	size_t npkgs;
	struct fr_bundle_file *files;
	size_t nfiles;
};

/* Parse MANIFEST text. Returns 0 or FR_EINVALID (err names the line). */
int fr_bundle_manifest_parse(const char *text, size_t len, struct fr_bundle_manifest *m, struct fr_err *err);
void fr_bundle_manifest_release(struct fr_bundle_manifest *m);

/* The MANIFEST's bytes out of a bundle file (it is the first member), appended to out. */
int fr_bundle_manifest_text(const char *bundle, struct fr_buf *out, struct fr_err *err);

/* The bytes of member <top>/<rel> of a bundle (at most max), appended to out. 0, FR_ENOTFOUND, FR_EIO. */
int fr_bundle_member(const char *bundle, const char *rel, size_t max, struct fr_buf *out, struct fr_err *err);

/* Read the MANIFEST out of a bundle file (it is the first member). */
int fr_bundle_manifest_read(const char *bundle, struct fr_bundle_manifest *m, struct fr_err *err);

/* What verification found. */
struct fr_bundle_check {
	int sig_ok;            /* the detached signature verifies with the key */
	char sig_error[1024];
	size_t files_ok;       /* members whose hash and size match MANIFEST */
	char *first_bad;       /* the first member that does not hold (or is missing, extra, unsafe) */
	char bad_reason[1024];
	struct fr_buf manifest;        /* MANIFEST's bytes, as this pass read them */
	struct fr_bundle_manifest m;   /* parsed: to be trusted only when fr_bundle_verify returned 0 */
	int have_manifest;
};
void fr_bundle_check_release(struct fr_bundle_check *c);

/*
 * Verify bundle, reading it through one open file: its detached signature
 * (<bundle>.sig, gpgv with keyfile only) over that file, then every member
 * of the same file against MANIFEST. The one set of member rules every
 * reader of a bundle applies (repo-builder verify, farrow-firstboot verify
 * and unpack, farrow install's local check):
 *   - only regular files and directories (no symlink, hard link, device, fifo);
 *   - every path passes fr_path_problem() and lies under the one top
 *     directory, which MANIFEST's `top` names (a single component);
 *   - MANIFEST is the first file, and there is one; every other file is
 *     listed in it once, appears once, with its SHA-256 and size; every
 *     listed file is there; every package's path is a listed file;
 *   - a MANIFEST that lists no file is refused.
 * When extract_dir is not NULL (an empty directory of the caller's) and the
 * signature holds, the members are written below it as they are checked
 * (<extract_dir>/<path below top>, files 0644, directories 0755) and synced:
 * what is written is exactly what was verified. On failure the caller
 * removes extract_dir. Returns 0 when all holds, FR_ECRYPTO when something
 * does not (check says what), FR_EIO when the bundle cannot be read or
 * written out. Release check with fr_bundle_check_release in every case.
 */
int fr_bundle_verify(const char *bundle, const char *keyfile, const char *extract_dir, struct fr_bundle_check *check,
		     struct fr_err *err);

/*
 * The member half of fr_bundle_verify: the rules above over the archive open at fd (name for
 * messages), extracting below extract_dir when it is not NULL. The caller has checked the
 * signature over the same fd. 0, FR_ECRYPTO (check says what) or FR_EIO. check must be zeroed
 * (its manifest buffer initialised) before; release it with fr_bundle_check_release.
 */
int fr_bundle_verify_members(int fd, const char *name, const char *extract_dir, struct fr_bundle_check *check,
			     struct fr_err *err);

/* What check found, in one line ("<bundle>.sig: signature does not hold: ...", "<member>: <reason>",
 * "<bundle>: signature good, N files verified"). */
void fr_bundle_check_describe(const struct fr_bundle_check *check, const char *bundle, struct fr_buf *out);

/* fr_bundle_verify, and when the bundle does not hold, err says so in one message:
 * "<bundle> does not verify: <consequence>\n    <what check found>" (FR_ECRYPTO). */
int fr_bundle_verify_or_say(const char *bundle, const char *keyfile, const char *extract_dir, const char *consequence,
			    struct fr_bundle_check *check, struct fr_err *err);

#endif
