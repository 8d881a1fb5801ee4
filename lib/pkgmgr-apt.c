/* pkgmgr-apt.c -- the package-manager interface for apt and dpkg (Debian, Ubuntu). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "pkgmgr.h"
#include "xalloc.h"

#define DISABLED "/etc/apt/farrow-disabled"
#define POLICY "/usr/sbin/policy-rc.d"
#define POLICY_MARK "# farrow-firstboot"

static const char policy[] = "#!/bin/sh\n" POLICY_MARK
			     ": no service starts from a package script while packages install (removed after)\n"
			     "exit 101\n";
static const char *const apt_env[] = { "DEBIAN_FRONTEND=noninteractive", NULL };

static int same_file(const char *path, const char *text)
{
	char *data = NULL;
	size_t len;
	int same = fr_read_file(path, 1u << 20, &data, &len, NULL) == 0 && len == strlen(text) &&
		   memcmp(data, text, len) == 0;

	free(data);
	return same;
}

static int apt_unguard(void)
{
	char *data = NULL;
	size_t len;
	int ours = fr_read_file(POLICY, 65536, &data, &len, NULL) == 0 && strstr(data, POLICY_MARK) != NULL;

	free(data);
	if (ours)
		unlink(POLICY);
	return ours;
}

const char fr_apt_createcluster_path[] = "/etc/postgresql-common/createcluster.d/00-farrow.conf";
const char fr_apt_createcluster_conf[] = "create_main_cluster = false\n";

char *fr_apt_bundle_source(const char *dir)
{
	return fr_xasprintf("deb [signed-by=%s/keys/farrow-signing.gpg] file:%s/repo farrow main\n", dir, dir);
}

static int apt_use_bundle(const struct fr_pkgmgr_io *io, const char *dir, int *changed, struct fr_err *err)
{
	char *want = fr_apt_bundle_source(dir);
	const char *update[] = { "apt-get", "-q", "-o", "Acquire::Check-Date=true", "-o", "Acquire::Check-Valid-Until=true",
				 "update", NULL };
	int r = 0, st;

	*changed = 0;
	if (!same_file(FR_APT_SOURCES, want)) {
		/* the bundle's repository only: every other source moved aside, kept */
		DIR *d = opendir("/etc/apt/sources.list.d");
		struct dirent *e;

		if ((r = fr_mkdir_p(DISABLED, 0755, err)) < 0)
			goto out;
		if (access("/etc/apt/sources.list", F_OK) == 0 && rename("/etc/apt/sources.list", DISABLED "/sources.list") < 0) {
			r = fr_err_set(err, FR_EIO, "cannot move /etc/apt/sources.list aside: %s", strerror(errno));
			goto out;
		}
		while (d && (e = readdir(d)) != NULL) {
			char *from, *to;

			if (e->d_name[0] == '.' || strcmp(e->d_name, "farrow.list") == 0)
				continue;
			from = fr_xasprintf("/etc/apt/sources.list.d/%s", e->d_name);
			to = fr_xasprintf(DISABLED "/%s", e->d_name);
			if (rename(from, to) < 0 && r == 0)
				r = fr_err_set(err, FR_EIO, "cannot move %s aside: %s", from, strerror(errno));
			free(from);
			free(to);
		}
		if (d)
			closedir(d);
		if (r == 0)
			r = fr_write_atomic(FR_APT_SOURCES, want, strlen(want), 0644, 0, err);
		if (r < 0)
			goto out;
		*changed = 1;
	}
	if (!same_file(fr_apt_createcluster_path, fr_apt_createcluster_conf)) {
		if ((r = fr_mkdir_p("/etc/postgresql-common/createcluster.d", 0755, err)) < 0 ||
		    (r = fr_write_atomic(fr_apt_createcluster_path, fr_apt_createcluster_conf,
					 strlen(fr_apt_createcluster_conf), 0644, 0, err)) < 0)
			goto out;
		*changed = 1;
	}
	if ((st = io->run(io->ctx, update, apt_env, NULL)) != 0)
		r = fr_err_set(err, FR_EIO, "apt-get update of the bundle's repository failed (exit %d)", st);
out:
	free(want);
	return r;
}

static int apt_install(const struct fr_pkgmgr_io *io, char *const *pkgs, size_t n, int *changed, struct fr_err *err)
{
	const char *configure[] = { "dpkg", "--configure", "-a", "--force-confold", NULL };
	const char **argv = fr_xcalloc(n + 12, sizeof(*argv));
	struct fr_buf out = FR_BUF_INIT;
	size_t i, k = 0;
	int r = 0, st;

	*changed = 0;
	apt_unguard();
	if (fr_write_atomic(POLICY, policy, strlen(policy), 0755, 0, err) < 0) {
		free(argv);
		return FR_EIO;
	}
	/* a power loss in the middle of dpkg: finish what it was doing first, under the same guard */
	if ((st = io->run(io->ctx, configure, apt_env, NULL)) != 0)
		r = fr_err_set(err, FR_EIO, "dpkg --configure -a failed (exit %d): the node's packages are half-configured",
			       st);
	argv[k++] = "apt-get";
	argv[k++] = "-q";
	argv[k++] = "-y";
	argv[k++] = "--no-install-recommends";
	argv[k++] = "-o";
	argv[k++] = "Acquire::Check-Date=true";
	argv[k++] = "-o";
	argv[k++] = "Dpkg::Options::=--force-confold";
	argv[k++] = "install";
	for (i = 0; i < n; i++)
		argv[k++] = pkgs[i];
	argv[k] = NULL;
	if (r == 0 && n && (st = io->run(io->ctx, argv, apt_env, &out)) != 0)
		r = fr_err_set(err, FR_EIO, "apt-get install failed (exit %d)", st);
	if (r == 0 && n && strstr(out.buf, " 0 newly installed") == NULL)
		*changed = 1;
	apt_unguard();
	fr_buf_release(&out);
	free(argv);
	return r;
}

const struct fr_pkgmgr fr_pkgmgr_apt = { "apt", apt_use_bundle, apt_install, apt_unguard };

const struct fr_pkgmgr *fr_pkgmgr_detect(void)
{
	return access("/usr/bin/apt-get", X_OK) == 0 ? &fr_pkgmgr_apt : NULL;
}
