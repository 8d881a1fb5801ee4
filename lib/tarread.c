/* tarread.c -- stream the members of a zstd-compressed tar with libzstd alone (no libarchive). */
/* SPDX-License-Identifier: MIT */
/*
 * farrow-firstboot verifies and unpacks bundles on bare nodes, where only a
 * minimal OS is installed: libzstd is there (systemd needs it), libarchive
 * is not. This reader knows what farrow writes and what GNU tar writes:
 * ustar headers, pax extended headers (path, size), GNU long names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "tarball.h"
#include "xalloc.h"

struct zreader {
	FILE *f;
	ZSTD_DStream *z;
	unsigned char *in, *out;
	size_t insize, outsize;
	ZSTD_inBuffer ib;
	size_t opos, olen;   /* decompressed bytes ready in out[opos..olen) */
	int eof, error;
	long long member_left; /* bytes of the current member not yet read */
	long long pad;         /* padding after it */
	char errmsg[256];
};

/* Copy up to n decompressed bytes into dst (NULL: skip them). Returns bytes, 0 at end, -1 on error. */
static ssize_t zread(struct zreader *r, void *dst, size_t n)
{
	size_t done = 0;

	while (done < n) {
		if (r->opos < r->olen) {
			size_t k = r->olen - r->opos < n - done ? r->olen - r->opos : n - done;

			if (dst)
				memcpy((char *)dst + done, r->out + r->opos, k);
			r->opos += k;
			done += k;
			continue;
		}
		if (r->error)
			return -1;
		if (r->ib.pos == r->ib.size) {
			if (r->eof)
				break;
			r->ib.size = fread(r->in, 1, r->insize, r->f);
			r->ib.pos = 0;
			if (r->ib.size == 0) {
				r->eof = 1;
				if (ferror(r->f)) {
					snprintf(r->errmsg, sizeof(r->errmsg), "read error: %s", strerror(errno));
					r->error = 1;
					return -1;
				}
				break;
			}
		}
		{
			ZSTD_outBuffer ob = { r->out, r->outsize, 0 };
			size_t rc = ZSTD_decompressStream(r->z, &ob, &r->ib);

			if (ZSTD_isError(rc)) {
				snprintf(r->errmsg, sizeof(r->errmsg), "zstd: %s", ZSTD_getErrorName(rc));
				r->error = 1;
				return -1;
			}
			r->opos = 0;
			r->olen = ob.pos;
		}
	}
	return (ssize_t)done;
}

/* A numeric header field: octal, or GNU base-256 for large values. -1 when it does not fit. */
static long long octal(const char *p, size_t n)
{
	long long v = 0;
	size_t i = 0;

	if (n && ((unsigned char)p[0] & 0x80)) {
		v = (unsigned char)p[0] & 0x7f;
		for (i = 1; i < n; i++) {
			if (v > (LLONG_MAX >> 8))
				return -1;
			v = (v << 8) | (unsigned char)p[i];
		}
		return v;
	}
	while (i < n && (p[i] == ' ' || p[i] == '\0'))
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v > (LLONG_MAX >> 3))
			return -1;
		v = v * 8 + (p[i] - '0');
	}
	return v;
}

static int checksum_ok(const unsigned char *h)
{
	long long want = octal((const char *)h + 148, 8), sum = 0;
	int i;

	for (i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
}

/*
 * The value of key in a pax extended header's records, copied; NULL when
 * absent. *bad is set when the records do not parse or the value holds a
 * NUL byte (a path that would read as another, shorter one).
 */
static char *pax_value(const char *rec, size_t len, const char *key, int *bad)
{
	size_t i = 0, kl = strlen(key);

	while (i < len) {
		char *end;
		long n;
		const char *kv;

		if (rec[i] < '1' || rec[i] > '9') {
			*bad = 1;
			return NULL;
		}
		n = strtol(rec + i, &end, 10);
		if (n <= 0 || *end != ' ' || (size_t)n > len - i || rec[i + (size_t)n - 1] != '\n') {
			*bad = 1;
			return NULL;
		}
		kv = end + 1;
		if (strncmp(kv, key, kl) == 0 && kv[kl] == '=') {
			const char *v = kv + kl + 1, *stop = rec + i + n - 1; /* before the newline */

			if (v > stop || memchr(v, '\0', (size_t)(stop - v))) {
				*bad = 1;
				return NULL;
			}
			return fr_xstrndup(v, (size_t)(stop - v));
		}
		i += (size_t)n;
	}
	return NULL;
}

const char *fr_tar_type_name(int type)
{
	switch (type) {
	case FR_TAR_FILE:
		return "a regular file";
	case FR_TAR_HARDLINK:
		return "a hard link";
	case FR_TAR_SYMLINK:
		return "a symbolic link";
	case FR_TAR_CHARDEV:
		return "a character device";
	case FR_TAR_BLOCKDEV:
		return "a block device";
	case FR_TAR_DIR:
		return "a directory";
	case FR_TAR_FIFO:
		return "a fifo";
	default:
		return "a member of an unknown type";
	}
}

ssize_t fr_tar_read(void *reader, void *buf, size_t len)
{
	struct zreader *r = reader;
	ssize_t n;

	if (r->member_left <= 0)
		return 0;
	if ((long long)len > r->member_left)
		len = (size_t)r->member_left;
	n = zread(r, buf, len);
	if (n < 0)
		return -1;
	if (n == 0) {
		snprintf(r->errmsg, sizeof(r->errmsg), "truncated archive");
		r->error = 1;
		return -1;
	}
	r->member_left -= n;
	return n;
}

/* Read a pax or GNU long-name payload of size bytes (rounded up to 512) into a string. */
static char *read_payload(struct zreader *r, long long size)
{
	char *p;
	long long padded = (size + 511) / 512 * 512;

	if (size < 0 || size > (1 << 20))
		return NULL;
	p = fr_xmalloc((size_t)padded + 1);
	if (zread(r, p, (size_t)padded) != (ssize_t)padded) {
		free(p);
		return NULL;
	}
	p[size] = '\0';
	return p;
}

#define FR_TAR_PATH_MAX 4095
#define FR_TAR_SIZE_MAX (1LL << 48)

/* The member's path from its ustar header: prefix/name (each field may fill its width, unterminated). */
static char *ustar_name(const unsigned char *h)
{
	size_t nl = strnlen((const char *)h, 100), pl = 0;

	if (memcmp(h + 257, "ustar", 5) == 0)
		pl = strnlen((const char *)h + 345, 155);
	if (pl)
		return fr_xasprintf("%.*s/%.*s", (int)pl, (const char *)h + 345, (int)nl, (const char *)h);
	return fr_xstrndup((const char *)h, nl);
}

int fr_tar_walk(const char *path, fr_tar_cb cb, void *ctx, struct fr_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return fr_err_set(err, FR_EIO, "cannot read '%s': %s", path, strerror(errno));
	rc = fr_tar_walk_fd(fd, path, cb, ctx, err);
	close(fd);
	return rc;
}

int fr_tar_walk_fd(int fd, const char *path, fr_tar_cb cb, void *ctx, struct fr_err *err)
{
	struct zreader r;
	unsigned char h[512];
	char *longname = NULL, *paxpath = NULL;
	long long paxsize = -1;
	int rc = 0, zeros = 0, dfd;

	memset(&r, 0, sizeof(r));
	if ((dfd = dup(fd)) < 0 || (r.f = fdopen(dfd, "rb")) == NULL) {
		rc = fr_err_set(err, FR_EIO, "cannot read '%s': %s", path, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return rc;
	}
	r.z = ZSTD_createDStream();
	ZSTD_initDStream(r.z);
	r.insize = ZSTD_DStreamInSize();
	r.outsize = ZSTD_DStreamOutSize();
	r.in = fr_xmalloc(r.insize);
	r.out = fr_xmalloc(r.outsize);
	r.ib.src = r.in;
	for (;;) {
		ssize_t n = zread(&r, h, 512);
		char *name;
		long long size;
		int type, i, zero = 1;

		if (n == 0 && zeros)
			break; /* one zero block then the end: tolerated */
		if (n != 512) {
			rc = fr_err_set(err, FR_EIO, "'%s' is damaged: %s", path, r.error ? r.errmsg : "truncated archive");
			break;
		}
		for (i = 0; i < 512; i++)
			if (h[i]) {
				zero = 0;
				break;
			}
		if (zero) {
			if (++zeros == 2)
				break;
			continue;
		}
		zeros = 0;
		if (!checksum_ok(h)) {
			rc = fr_err_set(err, FR_EIO, "'%s' is damaged: bad tar header checksum", path);
			break;
		}
		size = octal((const char *)h + 124, 12);
		type = h[156];
		if (size < 0 || size > FR_TAR_SIZE_MAX) {
			rc = fr_err_set(err, FR_EIO, "'%s' is damaged: a member's size does not fit", path);
			break;
		}
		if (type == 'x' || type == 'L' || type == 'K') {
			char *payload = read_payload(&r, size);
			int bad = 0;

			if (payload == NULL) {
				rc = fr_err_set(err, FR_EIO, "'%s' is damaged: bad extended header", path);
				break;
			}
			if (type == 'x') {
				char *ps = pax_value(payload, (size_t)size, "size", &bad), *end = NULL;

				free(paxpath);
				paxpath = pax_value(payload, (size_t)size, "path", &bad);
				paxsize = -1;
				if (ps) {
					errno = 0;
					paxsize = strtoll(ps, &end, 10);
					if (errno || end == ps || *end || paxsize < 0)
						bad = 1;
				}
				free(ps);
			} else if (type == 'L') {
				free(longname);
				if (strlen(payload) != (size_t)size && strlen(payload) + 1 != (size_t)size)
					bad = 1; /* a NUL inside the name */
				longname = fr_xstrdup(payload);
			} /* 'K' (a GNU long link name): the member's type says what it is */
			free(payload);
			if (bad) {
				rc = fr_err_set(err, FR_EIO, "'%s' is damaged: a pax or GNU long-name header does not parse",
						path);
				break;
			}
			continue;
		}
		if (type == 'g') {
			rc = fr_err_set(err, FR_EIO, "'%s': a pax global header: not an archive farrow reads", path);
			break;
		}
		if (paxsize > FR_TAR_SIZE_MAX) {
			rc = fr_err_set(err, FR_EIO, "'%s' is damaged: a member's size does not fit", path);
			break;
		}
		if (paxsize >= 0)
			size = paxsize;
		if (paxpath)
			name = paxpath;
		else if (longname)
			name = longname;
		else
			name = ustar_name(h);
		if (name != paxpath)
			free(paxpath);
		if (name != longname)
			free(longname);
		paxpath = longname = NULL;
		paxsize = -1;
		if (strlen(name) > FR_TAR_PATH_MAX) {
			free(name);
			rc = fr_err_set(err, FR_EIO, "'%s' is damaged: a member's path is longer than %d bytes", path,
					FR_TAR_PATH_MAX);
			break;
		}
		if (type == '\0' || type == '7')
			type = FR_TAR_FILE;
		r.member_left = size;
		r.pad = (size + 511) / 512 * 512 - size;
		rc = cb(ctx, name, type, size, &r);
		free(name);
		if (rc)
			break;
		/* skip what the callback did not read, and the padding */
		if (r.member_left > 0 && zread(&r, NULL, (size_t)r.member_left) != (ssize_t)r.member_left) {
			rc = fr_err_set(err, FR_EIO, "'%s' is damaged: %s", path, r.error ? r.errmsg : "truncated archive");
			break;
		}
		r.member_left = 0;
		if (r.error) {
			rc = fr_err_set(err, FR_EIO, "'%s' is damaged: %s", path, r.errmsg);
			break;
		}
		if (r.pad && zread(&r, NULL, (size_t)r.pad) != (ssize_t)r.pad) {
			rc = fr_err_set(err, FR_EIO, "'%s' is damaged: truncated archive", path);
			break;
		}
	}
	free(paxpath);
	free(longname);
	free(r.in);
	free(r.out);
	ZSTD_freeDStream(r.z);
	fclose(r.f);
	return rc;
}
