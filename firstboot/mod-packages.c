/* mod-packages.c -- the packages module: the bundle verified and unpacked, the node's package
 * manager pointed at its repository only, what the node's modules need installed. First in a run:
 * a node converges from its bundle, its profile and farrow-firstboot alone. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bundle.h"
#include "fb.h"
#include "fileio.h"
#include "modules.h"
#include "pkgmgr.h"
#include "profile.h"
#include "xalloc.h"


static int io_run(void *ctx, const char *const *argv, const char *const *env, struct fr_buf *out)
{
	return fb_run_env(ctx, argv, env, NULL, out);
}

int fb_mod_packages(struct fb *fb)
{
	const char *dir = fr_node_str(fr_node_get(fb->root, "bundle")), *top;
	const struct fr_pkgmgr *pm = fr_pkgmgr_detect();
	struct fr_pkgmgr_io io = { io_run, fb };
	struct fr_err err = { 0 };
	char **pk = NULL, *bundle = NULL, *manifest = NULL;
	size_t npk = 0;
	int r = -1, changed = 0, st;

	if (pm && pm->unguard())
		fb_log(fb, "removed the install guard a power loss left behind (%s)", "/usr/sbin/policy-rc.d");
	if (dir == NULL) {
		fb_log(fb, "the profile names no bundle: the node's packages stay as they are");
		return 0;
	}
	if (pm == NULL)
		return fb_fail(fb, "no package manager this farrow-firstboot knows (apt) on this node");
	/* the bundle: <dir> is <FR_NODE_DIR>/bundles/<top>, its file <FR_NODE_DIR>/incoming/<top>.tar.zst */
	top = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	bundle = fr_xasprintf(FR_NODE_DIR "/incoming/%s.tar.zst", top);
	manifest = fr_xasprintf("%s/MANIFEST", dir);
	if (access(bundle, R_OK) == 0) {
		int unpacked = 0;
		char *dest = fr_xstrndup(dir, (size_t)(top - dir - (top > dir ? 1 : 0)));

		st = fb_bundle_unpack(bundle, FR_NODE_DIR "/keys/bundle.gpg", dest, &unpacked);
		free(dest);
		if (st != 0) {
			fb_fail(fb, "the bundle %s does not verify (exit %d): nothing installed", bundle, st);
			goto out;
		}
		if (unpacked) {
			fb_log(fb, "verified and unpacked %s", bundle);
			fb->changes++;
		}
	} else if (access(manifest, R_OK) != 0) {
		fb_fail(fb, "neither the bundle %s nor its unpacked %s is on this node", bundle, dir);
		goto out;
	}
	/* a bundle for another distro, release or machine: refused before the package manager sees it */
	{
		char *text = NULL, *osr = NULL, why[1600];
		size_t len = 0, olen = 0;
		struct fr_bundle_manifest m;
		struct utsname u;
		int fits = 0;

		memset(&m, 0, sizeof(m));
		if (fr_read_file(manifest, 16u << 20, &text, &len, &err) == 0 &&
		    fr_bundle_manifest_parse(text, len, &m, &err) == 0) {
			if (fr_read_file("/etc/os-release", 65536, &osr, &olen, NULL) < 0 &&
			    fr_read_file("/usr/lib/os-release", 65536, &osr, &olen, NULL) < 0)
				osr = NULL;
			if (uname(&u) != 0)
				snprintf(why, sizeof(why), "uname: %s", strerror(errno));
			else
				fits = fr_target_fits(m.target, osr, u.machine, why, sizeof(why));
		} else
			snprintf(why, sizeof(why), "%s: %s", manifest, err.msg);
		free(text);
		free(osr);
		fr_bundle_manifest_release(&m);
		if (!fits) {
			fb_fail(fb, "%s: nothing installed", why);
			goto out;
		}
	}
	if (pm->use_bundle(&io, dir, &changed, &err) < 0) {
		fb_fail(fb, "%s", err.msg);
		goto out;
	}
	if (changed) {
		fb_log(fb, "%s reads the bundle's repository only (%s/repo)", pm->name, dir);
		fb->changes++;
	}
	{
		/* the optional packages (an exporter) where the bundle carries them: its Packages index */
		char *index = NULL, *path = NULL;
		size_t ilen = 0;
		DIR *dd;
		struct dirent *e;
		char *bin = fr_xasprintf("%s/repo/dists/farrow/main", dir);

		if ((dd = opendir(bin)) != NULL) {
			while ((e = readdir(dd)) != NULL && path == NULL)
				if (strncmp(e->d_name, "binary-", 7) == 0)
					path = fr_xasprintf("%s/%s/Packages", bin, e->d_name);
			closedir(dd);
		}
		if (path == NULL || fr_read_file(path, 256u << 20, &index, &ilen, NULL) < 0)
			index = NULL;
		fr_node_packages(fb->root, index, ilen, &pk, &npk);
		/* said plainly before the package manager says it its way: what the bundle lacks */
		for (size_t k = 0; index && k < npk; k++)
			if (!fr_packages_index_has(index, ilen, pk[k])) {
				fb_fail(fb, "the bundle carries no '%s', which this node's modules need%s: nothing installed",
					pk[k], strcmp(pk[k], "minio") == 0 ? " (MinIO is not in Debian: the manifest brings MinIO's own .deb)" : "");
				free(index);
				free(path);
				free(bin);
				goto out;
			}
		free(index);
		free(path);
		free(bin);
	}
	if (pm->install(&io, pk, npk, &changed, &err) < 0) {
		fb_fail(fb, "%s", err.msg);
		goto out;
	}
	fb_log(fb, "%zu packages for this node's modules%s", npk, changed ? ": installed" : ", all installed already");
	if (changed)
		fb->changes++;
	r = 0;
out:
	fr_strv_free(pk, npk);
	free(bundle);
	free(manifest);
	return r;
}
