/* unpack.c -- farrow-firstboot's bundle verification and unpacking (the verify and unpack commands,
 * and the packages module). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "err.h"
#include "fb.h"
#include "fileio.h"
#include "xalloc.h"

#define FB_EXIT_BADSIG 6

/* Verify bundle (extracting it below dir when dir is not NULL); say what was found. */
static int verify_into(const char *bundle, const char *key, const char *dir, struct fr_bundle_check *check)
{
	struct fr_err err = { 0 };
	struct fr_buf msg = FR_BUF_INIT;
	int r = fr_bundle_verify(bundle, key, dir, check, &err);

	if (r == FR_EIO)
		fr_cli_error("%s", err.msg);
	else {
		fr_bundle_check_describe(check, bundle, &msg);
		if (r == 0 && dir == NULL)
			printf("%s\n", msg.buf);
		else if (r != 0)
			fr_cli_error("%s", msg.buf);
	}
	fr_buf_release(&msg);
	return r == 0 ? FR_EXIT_OK : r == FR_EIO ? FR_EXIT_FAIL : FB_EXIT_BADSIG;
}

int fb_bundle_verify(const char *bundle, const char *key)
{
	struct fr_bundle_check check;
	int r = verify_into(bundle, key, NULL, &check);

	fr_bundle_check_release(&check);
	return r;
}

/* Remove what an unpack killed half-way left: <dest>/.unpack-* (names only farrow-firstboot makes). */
static void remove_stale(const char *dest)
{
	DIR *d = opendir(dest);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, ".unpack-", 8) == 0) {
			char *p = fr_xasprintf("%s/%s", dest, e->d_name);

			fr_rm_rf(p);
			free(p);
		}
	if (d)
		closedir(d);
}

/*
 * Unpack: verify and write out in one pass over one open file, into a
 * private directory of ours (dest/.unpack-XXXXXX, 0700), renamed to
 * dest/<top> only when everything held. <top> comes from the verified
 * MANIFEST and is a single safe name (lib/bundle.c), so nothing outside
 * dest is ever named, written or removed.
 */
int fb_bundle_unpack(const char *bundle, const char *key, const char *dest, int *changed)
{
	struct fr_bundle_check check;
	struct fr_err err = { 0 };
	char *final = NULL, *tmp = NULL, *oldman = NULL, *data = NULL, *aside = NULL;
	size_t len;
	int r;

	if ((r = verify_into(bundle, key, NULL, &check)) != FR_EXIT_OK) {
		fr_bundle_check_release(&check);
		return r; /* nothing changes before the bundle verifies */
	}
	final = fr_xasprintf("%s/%s", dest, check.m.top);
	oldman = fr_xasprintf("%s/MANIFEST", final);
	if (fr_read_file(oldman, 64u << 20, &data, &len, NULL) == 0 && len == check.manifest.len &&
	    memcmp(data, check.manifest.buf, len) == 0) {
		printf("%s: already unpacked\n", final);
		goto out;
	}
	fr_bundle_check_release(&check);
	if (fr_mkdir_p(dest, 0755, &err) < 0) {
		fr_cli_error("%s", err.msg);
		r = FR_EXIT_FAIL;
		goto out;
	}
	remove_stale(dest);
	tmp = fr_xasprintf("%s/.unpack-XXXXXX", dest);
	if (mkdtemp(tmp) == NULL) {
		fr_cli_error("cannot make a directory in '%s': %s", dest, strerror(errno));
		r = FR_EXIT_FAIL;
		goto out;
	}
	if ((r = verify_into(bundle, key, tmp, &check)) != FR_EXIT_OK) {
		fr_rm_rf(tmp);
		goto out;
	}
	chmod(tmp, 0755);
	free(final);
	final = fr_xasprintf("%s/%s", dest, check.m.top); /* this pass's verified top */
	aside = fr_xasprintf("%s/.unpack-old-%s", dest, check.m.top);
	fr_rm_rf(aside);
	if (access(final, F_OK) == 0 && rename(final, aside) < 0) {
		fr_cli_error("cannot replace '%s': %s", final, strerror(errno));
		fr_rm_rf(tmp);
		r = FR_EXIT_FAIL;
	} else if (rename(tmp, final) < 0) {
		fr_cli_error("cannot rename '%s': %s", tmp, strerror(errno));
		fr_rm_rf(tmp);
		if (access(aside, F_OK) == 0)
			rename(aside, final); /* the bundle that was there stays */
		r = FR_EXIT_FAIL;
	} else {
		int dfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		fr_rm_rf(aside);
		printf("%s: unpacked\n", final);
		if (changed)
			*changed = 1;
	}
out:
	fr_bundle_check_release(&check);
	free(data);
	free(final);
	free(tmp);
	free(oldman);
	free(aside);
	return r;
}

