/* pkgmgr.h -- the node's package manager, behind one small interface: apt now, dnf one more file. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_PKGMGR_H
#define FR_PKGMGR_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* How the package manager runs its commands: the caller's runner (farrow-firstboot logs them). */
struct fr_pkgmgr_io {
	/* run argv with extra environment (NULL-terminated "NAME=value", may be NULL); output to out
	 * (may be NULL); returns the exit status, -1 when it could not start */
	int (*run)(void *ctx, const char *const *argv, const char *const *env, struct fr_buf *out);
	void *ctx;
};

struct fr_pkgmgr {
	const char *name;
	/*
	 * Point the package manager at the unpacked bundle's repository only (signature checks on,
	 * as stock tools do: apt's signed-by with date checks, dnf's repo_gpgcheck), the node's other
	 * sources moved aside; and the installation policies (postgresql-common creates no cluster).
	 * *changed set when something changed. 0, or an error code with err set.
	 */
	int (*use_bundle)(const struct fr_pkgmgr_io *io, const char *bundle_dir, int *changed, struct fr_err *err);
	/*
	 * Finish what a power loss interrupted (dpkg --configure -a), then install pkgs: no service
	 * starts from a package script meanwhile (a guard in place only while the tools run, removed
	 * after, and removed first when a power loss left it). *changed when something was installed.
	 */
	int (*install)(const struct fr_pkgmgr_io *io, char *const *pkgs, size_t n, int *changed, struct fr_err *err);
	/* Remove the guard if a power loss left it behind; 1 when there was one. */
	int (*unguard)(void);
};

extern const struct fr_pkgmgr fr_pkgmgr_apt;

/* What use_bundle writes for apt, for whatever lays a root down in its stead (farrow image
 * build): the one source line for a bundle unpacked at dir (free it), and postgresql-common's
 * policy that a package install creates no cluster (path, text). */
#define FR_APT_SOURCES "/etc/apt/sources.list.d/farrow.list"
char *fr_apt_bundle_source(const char *dir);
extern const char fr_apt_createcluster_path[];
extern const char fr_apt_createcluster_conf[];

/* The package manager of this system (apt: /usr/bin/apt-get), or NULL. */
const struct fr_pkgmgr *fr_pkgmgr_detect(void);

#endif
