/* minio.c -- MinIO's node names and volumes from Pigsty's minio_* parameters: one computation for
 * the profile (the names a member's certificate carries) and the minio module (MINIO_VOLUMES). */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "minio.h"
#include "xalloc.h"

char *fr_minio_node(const char *pattern, const char *cluster, long long seq)
{
	struct fr_buf b = FR_BUF_INIT;
	const char *p = pattern ? pattern : "${minio_cluster}-${minio_seq}.pigsty";

	while (*p) {
		if (strncmp(p, "${minio_cluster}", 16) == 0) {
			fr_buf_adds(&b, cluster ? cluster : "minio");
			p += 16;
		} else if (strncmp(p, "${minio_seq}", 12) == 0) {
			fr_buf_addf(&b, "%lld", seq);
			p += 12;
		} else
			fr_buf_addc(&b, *p++);
	}
	return b.buf ? b.buf : fr_xstrdup("");
}

/* The {a...b} in s, if any: its offsets and bounds. 1 found, 0 none, -1 malformed. */
static int ellipsis(const char *s, size_t *at, size_t *len, long *a, long *b)
{
	const char *o = strchr(s, '{'), *c;
	char *end;

	if (o == NULL)
		return strchr(s, '}') ? -1 : 0;
	if ((c = strchr(o, '}')) == NULL || strchr(c + 1, '{') || strchr(c + 1, '}'))
		return -1;
	*a = strtol(o + 1, &end, 10);
	if (end == o + 1 || strncmp(end, "...", 3) != 0)
		return -1;
	*b = strtol(end + 3, &end, 10);
	if (end != c || *a < 0 || *b <= *a || *b - *a > 63)
		return -1;
	*at = (size_t)(o - s);
	*len = (size_t)(c - o) + 1;
	return 1;
}

const char *fr_minio_data_problem(const char *s)
{
	size_t at, len, i;
	long a, b;

	if (s == NULL || s[0] != '/')
		return "is not an absolute path ('/data/minio', or '/data{1...4}' for several drives)";
	for (i = 0; s[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-{}", s[i]))
			return "has a character a MinIO volume path may not have ([A-Za-z0-9/._-] and one {a...b})";
	if (strstr(s, "/../") || strstr(s, "//"))
		return "is not a plain absolute path";
	if (ellipsis(s, &at, &len, &a, &b) < 0)
		return "has a malformed expansion: one {a...b}, a < b, three dots ('/data{1...4}')";
	return NULL;
}

int fr_minio_data_paths(const char *data, char **out, size_t max)
{
	size_t at, len, n = 0;
	long a, b, x;
	int e = data ? ellipsis(data, &at, &len, &a, &b) : -1;

	if (e < 0)
		return -1;
	if (e == 0) {
		if (max < 1)
			return -1;
		out[0] = fr_xstrdup(data);
		return 1;
	}
	if ((size_t)(b - a + 1) > max)
		return -1;
	for (x = a; x <= b; x++)
		out[n++] = fr_xasprintf("%.*s%ld%s", (int)at, data, x, data + at + len);
	return (int)n;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

char *fr_minio_volumes(const char *pattern, const char *cluster, const long long *seqs, size_t n, long long port,
		       const char *data, int https, const char **why)
{
	long long *s;
	char *host, *r;
	size_t i;

	*why = NULL;
	if (fr_minio_data_problem(data)) {
		*why = "minio_data is not a MinIO volume path";
		return NULL;
	}
	if (n <= 1)
		return fr_xstrdup(data);
	if (pattern && strstr(pattern, "${minio_seq}") == NULL) {
		*why = "minio_node has no ${minio_seq}: the members' names cannot be one {a...b} expansion";
		return NULL;
	}
	s = fr_xcalloc(n, sizeof(*s));
	memcpy(s, seqs, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_ll);
	for (i = 1; i < n; i++)
		if (s[i] != s[i - 1] + 1) {
			free(s);
			*why = "the members' minio_seq are not consecutive: MinIO's {a...b} names every one between";
			return NULL;
		}
	{
		char seq[64];
		struct fr_buf b = FR_BUF_INIT;
		const char *p = pattern ? pattern : "${minio_cluster}-${minio_seq}.pigsty";

		snprintf(seq, sizeof(seq), "{%lld...%lld}", s[0], s[n - 1]);
		/* the seq placeholder becomes the expansion; the cluster's name as fr_minio_node writes it */
		while (*p) {
			if (strncmp(p, "${minio_seq}", 12) == 0) {
				fr_buf_adds(&b, seq);
				p += 12;
			} else
				fr_buf_addc(&b, *p++);
		}
		host = fr_minio_node(b.buf, cluster, 0);
		fr_buf_release(&b);
	}
	r = fr_xasprintf("%s://%s:%lld%s", https ? "https" : "http", host, port, data);
	free(host);
	free(s);
	return r;
}
