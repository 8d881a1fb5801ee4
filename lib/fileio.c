/* fileio.c -- reading whole files and replacing files atomically. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "xalloc.h"

int fr_read_file(const char *path, size_t max, char **data, size_t *len, struct fr_err *err)
{
	int fd = -1, r = FR_EIO;
	struct stat st;
	char *p = NULL;
	size_t got = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		fr_err_set(err, FR_EIO, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fr_err_set(err, FR_EIO, "'%s' is not a regular file", path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		fr_err_set(err, FR_EIO, "'%s' is larger than %zu bytes", path, max);
		goto out;
	}
	p = fr_xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, p + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fr_err_set(err, FR_EIO, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	p[got] = '\0';
	*data = p;
	*len = got;
	p = NULL;
	r = 0;
out:
	free(p);
	if (fd >= 0)
		close(fd);
	return r;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int fr_write_atomic(const char *path, const char *data, size_t len, mode_t mode, int backup,
		    struct fr_err *err)
{
	char *tmp = fr_xasprintf("%s.tmp.XXXXXX", path);
	char *bak = NULL, *baktmp = NULL;
	int fd, r = FR_EIO;

	if ((fd = mkstemp(tmp)) < 0) {
		fr_err_set(err, FR_EIO, "cannot create a temporary file beside '%s': %s", path,
			   strerror(errno));
		free(tmp);
		return FR_EIO;
	}
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		fr_err_set(err, FR_EIO, "cannot write '%s': %s", tmp, strerror(errno));
		close(fd);
		goto fail;
	}
	if (close(fd) < 0) {
		fr_err_set(err, FR_EIO, "cannot write '%s': %s", tmp, strerror(errno));
		goto fail;
	}
	if (backup && access(path, F_OK) == 0) {
		bak = fr_xasprintf("%s.bak", path);
		baktmp = fr_xasprintf("%s.bak.tmp.%ld", path, (long)getpid());
		unlink(baktmp);
		if (link(path, baktmp) < 0 || rename(baktmp, bak) < 0) {
			fr_err_set(err, FR_EIO, "cannot keep '%s' as '%s': %s", path, bak, strerror(errno));
			unlink(baktmp);
			goto fail;
		}
	}
	if (rename(tmp, path) < 0) {
		fr_err_set(err, FR_EIO, "cannot replace '%s': %s", path, strerror(errno));
		goto fail;
	}
	r = 0;
	goto out;
fail:
	unlink(tmp);
out:
	free(tmp);
	free(bak);
	free(baktmp);
	return r;
}

int fr_copy_file(const char *from, const char *to, mode_t mode, struct fr_err *err)
{
	char *tmp = fr_xasprintf("%s.tmp.XXXXXX", to), buf[1 << 16];
	int in, fd, r = FR_EIO;
	ssize_t n;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0) {
		fr_err_set(err, FR_EIO, "cannot read '%s': %s", from, strerror(errno));
		free(tmp);
		return FR_EIO;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		fr_err_set(err, FR_EIO, "cannot create a temporary file beside '%s': %s", to, strerror(errno));
		close(in);
		free(tmp);
		return FR_EIO;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write_all(fd, buf, (size_t)n) < 0)
			break;
	if (n != 0) {
		fr_err_set(err, FR_EIO, "cannot copy '%s' to '%s': %s", from, to, strerror(errno));
		close(fd);
		goto fail;
	}
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0 || close(fd) < 0) {
		fr_err_set(err, FR_EIO, "cannot write '%s': %s", tmp, strerror(errno));
		goto fail;
	}
	if (rename(tmp, to) < 0) {
		fr_err_set(err, FR_EIO, "cannot replace '%s': %s", to, strerror(errno));
		goto fail;
	}
	r = 0;
	goto out;
fail:
	unlink(tmp);
out:
	close(in);
	free(tmp);
	return r;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? -1 : 0;
}

int fr_rm_rf(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : FR_EIO;
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) == 0 ? 0 : FR_EIO; /* never into a mount */
}

int fr_mkdir_p(const char *path, mode_t mode, struct fr_err *err)
{
	char *p = fr_xstrdup(path), *s;
	int r = 0;

	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				r = fr_err_set(err, FR_EIO, "cannot create '%s': %s", p, strerror(errno));
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return r;
}

const char *fr_path_problem(const char *p, int single)
{
	const char *c, *comp = p;

	if (p == NULL || *p == '\0')
		return "is empty";
	if (strlen(p) > FR_PATH_MAX)
		return "is longer than 1024 bytes";
	if (*p == '/')
		return "is absolute (starts with '/')";
	for (c = p;; c++) {
		if (*c == '/' || *c == '\0') {
			size_t n = (size_t)(c - comp);

			if (n == 0)
				return "has an empty component ('//' or a trailing '/')";
			if ((n == 1 && comp[0] == '.') || (n == 2 && comp[0] == '.' && comp[1] == '.'))
				return "has a '.' or '..' component";
			if (comp[0] == '-')
				return "has a component starting with '-'";
			if (*c == '\0')
				break;
			if (single)
				return "is not a single name (has a '/')";
			comp = c + 1;
			continue;
		}
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return "holds a control character";
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      strchr("._+~^:@%,=-", *c)))
			return "holds a character outside [A-Za-z0-9._+~^:@%,=-]";
	}
	return NULL;
}

int fr_write_in(const char *root, const char *path, const char *text, mode_t mode, struct fr_err *err)
{
	char *p = fr_xasprintf("%s%s", root, path);
	int r = fr_write_atomic(p, text, strlen(text), mode, 0, err);

	free(p);
	return r;
}

int fr_symlink_in(const char *root, const char *target, const char *path, struct fr_err *err)
{
	char *p = fr_xasprintf("%s%s", root, path);
	int r = 0;

	unlink(p);
	if (symlink(target, p) < 0)
		r = fr_err_set(err, FR_EIO, "cannot link %s: %s", p, strerror(errno));
	free(p);
	return r;
}

int fr_mkdir_in(const char *root, const char *path, mode_t mode, struct fr_err *err)
{
	char *p = fr_xasprintf("%s%s", root, path);
	int r = fr_mkdir_p(p, mode, err);

	if (r == 0 && chmod(p, mode) < 0)
		r = fr_err_set(err, FR_EIO, "cannot chmod %s: %s", p, strerror(errno));
	free(p);
	return r;
}
