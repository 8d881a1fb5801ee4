/* meta-deb.c -- Debian repository metadata: fetch and verify Release and Packages, parse stanzas. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "detect.h"
#include "exec.h"
#include "fileio.h"
#include "http.h"
#include "pgp.h"
#include "rb.h"
#include "tarball.h"
#include "xalloc.h"

#define MAX_INDEX (512u << 20)

long long rb_parse_date(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	while (*s == ' ')
		s++;
	end = strptime(s, "%a, %d %b %Y %H:%M:%S", &tm);
	if (end == NULL)
		end = strptime(s, "%d %b %Y %H:%M:%S", &tm);
	if (end == NULL)
		return -1;
	return (long long)timegm(&tm);
}

void rb_format_date(long long t, char out[64])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 64, "%a, %d %b %Y %H:%M:%S UTC", &tm);
}

char *rb_stanza_field(const char *text, size_t len, const char *field)
{
	size_t fl = strlen(field), i = 0;

	while (i < len) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) : len - i;

		if (ll > fl && line[fl] == ':' && strncasecmp(line, field, fl) == 0) {
			const char *v = line + fl + 1;
			size_t vl = ll - fl - 1;

			while (vl && (*v == ' ' || *v == '\t')) {
				v++;
				vl--;
			}
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\r'))
				vl--;
			return fr_xstrndup(v, vl);
		}
		i += ll + 1;
	}
	return NULL;
}

/* If line (of length ll) is "Field: value", a copy of the trimmed value; else NULL. */
static char *field_value(const char *line, size_t ll, const char *field, size_t fl)
{
	const char *v;
	size_t vl;

	if (ll <= fl || line[fl] != ':' || strncasecmp(line, field, fl) != 0)
		return NULL;
	v = line + fl + 1;
	vl = ll - fl - 1;
	while (vl && (*v == ' ' || *v == '\t')) {
		v++;
		vl--;
	}
	while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\r'))
		vl--;
	return fr_xstrndup(v, vl);
}

#define GRAB(dst, name)                                                              \
	do {                                                                         \
		if ((dst) == NULL && ((dst) = field_value(line, ll, name, sizeof(name) - 1)) != NULL) \
			continue;                                                    \
	} while (0)

void rb_index_parse(struct rb_index *ix)
{
	size_t i = 0, alloc = 0;
	const char *t = ix->text;

	while (i < ix->len) {
		struct rb_pkg p = { 0 };
		char *size = NULL;
		size_t start;

		while (i < ix->len && t[i] == '\n')
			i++;
		start = i;
		/* one pass over the stanza's lines, up to the empty line that ends it */
		while (i < ix->len && t[i] != '\n') {
			const char *line = t + i, *nl = memchr(line, '\n', ix->len - i);
			size_t ll = nl ? (size_t)(nl - line) : ix->len - i;

			i += ll + (nl != NULL);
			switch (line[0]) {
			case 'P':
				GRAB(p.name, "Package");
				break;
			case 'V':
				GRAB(p.version, "Version");
				break;
			case 'A':
				GRAB(p.arch, "Architecture");
				break;
			case 'F':
				GRAB(p.filename, "Filename");
				break;
			case 'S':
				GRAB(p.sha256, "SHA256");
				GRAB(size, "Size");
				break;
			default:
				break;
			}
		}
		if (i <= start)
			continue;
		p.text = t + start;
		p.len = i - start;
		if (p.name == NULL || p.version == NULL || p.arch == NULL) {
			free(p.name);
			free(p.version);
			free(p.arch);
			free(p.filename);
			free(p.sha256);
			free(size);
			continue;
		}
		p.size = size ? strtoll(size, NULL, 10) : -1;
		free(size);
		p.repo = ix->repo;
		FR_ALLOC_GROW(ix->pkgs, ix->npkgs + 1, alloc);
		ix->pkgs[ix->npkgs++] = p;
	}
}

void rb_index_release(struct rb_index *ix)
{
	size_t i;

	for (i = 0; i < ix->npkgs; i++) {
		free(ix->pkgs[i].name);
		free(ix->pkgs[i].version);
		free(ix->pkgs[i].arch);
		free(ix->pkgs[i].filename);
		free(ix->pkgs[i].sha256);
	}
	free(ix->pkgs);
	free(ix->text);
	free(ix->filelists);
	free(ix->other);
	free(ix->date);
	free(ix->origin);
	memset(ix, 0, sizeof(*ix));
}

/* Append decompressed index data to the index text, stanzas kept apart. */
static void append_index(struct fr_buf *all, const struct fr_buf *part)
{
	if (all->len && all->buf[all->len - 1] != '\n')
		fr_buf_addc(all, '\n');
	if (all->len)
		fr_buf_addc(all, '\n');
	fr_buf_addn(all, part->buf, part->len);
}

/* Find "path" in a Release's SHA256 section: its hash and size. */
static int release_entry(const char *release, const char *path, char hash[65], long long *size)
{
	const char *p = strstr(release, "\nSHA256:");

	if (p == NULL)
		return 0;
	p = strchr(p + 1, '\n');
	while (p && p[1] == ' ') {
		char h[65], f[512];
		long long s;

		if (sscanf(p + 1, " %64s %lld %511s", h, &s, f) == 3 && strcmp(f, path) == 0) {
			memcpy(hash, h, 65);
			*size = s;
			return 1;
		}
		p = strchr(p + 1, '\n');
	}
	return 0;
}

static int load_deb(const struct rb_manifest *m, const struct rb_repo *r, const char *debarch, struct rb_index *ix,
		    struct fr_err *err)
{
	struct fr_buf raw = FR_BUF_INIT, release = FR_BUF_INIT, idx = FR_BUF_INIT, all = FR_BUF_INIT;
	char *base = fr_xasprintf("%s/dists/%s", r->url, r->suite), *url = NULL;
	size_t c;
	int rc;

	(void)m;
	url = fr_xasprintf("%s/InRelease", base);
	rc = fr_http_get(url, 16u << 20, &raw, NULL, err);
	if (rc == 0) {
		if ((rc = fr_pgp_verify_clearsigned(r->key, raw.buf, raw.len, &release, err)) < 0) {
			char *m2 = fr_xstrdup(err->msg);

			rc = fr_err_set(err, FR_ECRYPTO, "%s: signature does not verify with '%s': %s", url, r->key, m2);
			free(m2);
			goto out;
		}
	} else if (rc == FR_ENOTFOUND) {
		/* no InRelease: Release + Release.gpg */
		struct fr_buf sig = FR_BUF_INIT;
		char dir[] = "/tmp/farrow-rel.XXXXXX", *rel;

		free(url);
		url = fr_xasprintf("%s/Release", base);
		if ((rc = fr_http_get(url, 16u << 20, &release, NULL, err)) < 0)
			goto out;
		free(url);
		url = fr_xasprintf("%s/Release.gpg", base);
		if ((rc = fr_http_get(url, 1u << 20, &sig, NULL, err)) < 0) {
			fr_buf_release(&sig);
			goto out;
		}
		if (mkdtemp(dir) == NULL) {
			fr_buf_release(&sig);
			rc = fr_err_set(err, FR_EIO, "cannot make a temporary directory");
			goto out;
		}
		rel = fr_xasprintf("%s/Release", dir);
		rc = fr_write_atomic(rel, release.buf, release.len, 0600, 0, err);
		if (rc == 0 && (rc = fr_pgp_verify_detached(r->key, sig.buf, sig.len, rel, err)) < 0) {
			char *m2 = fr_xstrdup(err->msg);

			rc = fr_err_set(err, FR_ECRYPTO, "%s: signature does not verify with '%s': %s", url, r->key, m2);
			free(m2);
		}
		fr_rm_rf(dir);
		free(rel);
		fr_buf_release(&sig);
		if (rc < 0)
			goto out;
	} else
		goto out;
	ix->date = rb_stanza_field(release.buf, release.len, "Date");
	ix->epoch = ix->date ? rb_parse_date(ix->date) : -1;
	for (c = 0; c < r->ncomponents; c++) {
		static const char *const exts[] = { ".xz", ".gz", "" };
		char hash[65], got[65], *path = NULL;
		long long size = -1;
		size_t e;

		for (e = 0; e < 3; e++) {
			free(path);
			path = fr_xasprintf("%s/binary-%s/Packages%s", r->components[c], debarch, exts[e]);
			if (release_entry(release.buf, path, hash, &size))
				break;
		}
		if (e == 3) {
			rc = fr_err_set(err, FR_EINVALID, "%s/Release lists no %s/binary-%s/Packages", base,
					r->components[c], debarch);
			free(path);
			goto out;
		}
		free(url);
		url = fr_xasprintf("%s/%s", base, path);
		free(path);
		if ((rc = fr_http_get(url, MAX_INDEX, &raw, NULL, err)) < 0)
			goto out;
		fr_sha256_hex(raw.buf, raw.len, got);
		if ((long long)raw.len != size || strcmp(got, hash) != 0) {
			rc = fr_err_set(err, FR_ECRYPTO, "%s: checksum mismatch: %zu bytes sha256 %s, Release says %lld bytes sha256 %s",
					url, raw.len, got, size, hash);
			goto out;
		}
		fr_buf_reset(&idx);
		if ((rc = fr_decompress(raw.buf, raw.len, MAX_INDEX, &idx, err)) < 0)
			goto out;
		append_index(&all, &idx);
	}
	ix->origin = fr_xasprintf("%s %s", r->url, r->suite);
	ix->text = fr_buf_detach(&all, &ix->len);
	rc = 0;
out:
	fr_buf_release(&raw);
	fr_buf_release(&release);
	fr_buf_release(&idx);
	fr_buf_release(&all);
	free(base);
	free(url);
	return rc;
}

/* The host's own apt lists: already verified by the host's apt. */
static int load_host_apt(const char *distro, const char *debarch, struct rb_index *ix, struct fr_err *err)
{
	const char *argv[] = { "apt-get", "indextargets", "--format", "$(FILENAME)|$(RELEASE)|$(ARCHITECTURE)",
			       "Identifier: Packages", NULL };
	struct fr_buf out = FR_BUF_INIT, e = FR_BUF_INIT, all = FR_BUF_INIT, idx = FR_BUF_INIT;
	char *line, *save = NULL;
	int st = 0, rc, n = 0;

	/* the host must be the target's distro */
	{
		struct fr_detect d;
		char have[160];

		fr_detect_run(&d, NULL);
		snprintf(have, sizeof(have), "%s%s",
			 strcmp(d.vendor, "debian") == 0 ? "d" : strcmp(d.vendor, "ubuntu") == 0 ? "u" : d.vendor, d.version);
		fr_detect_release(&d);
		if (strcmp(have, distro) != 0)
			return fr_err_set(err, FR_EINVALID,
					  "a host-apt repository builds only for the build host's own distro (%s), not %s",
					  have, distro);
	}
	if ((rc = fr_exec(argv, NULL, NULL, 0, &out, &e, &st, err)) < 0 || st != 0) {
		rc = rc < 0 ? rc : fr_err_set(err, FR_EIO, "apt-get indextargets failed: %s", e.buf);
		goto out;
	}
	for (line = strtok_r(out.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f = line, *rel = strchr(f, '|'), *arch;

		if (rel == NULL || (arch = strchr(rel + 1, '|')) == NULL)
			continue;
		*rel++ = '\0';
		*arch++ = '\0';
		if (strcmp(arch, debarch) != 0 || access(f, R_OK) != 0)
			continue;
		fr_buf_reset(&idx);
		if ((rc = fr_decompress_file(f, MAX_INDEX, &idx, err)) < 0)
			goto out;
		append_index(&all, &idx);
		n++;
		{
			/* .../<site>_dists_<release>_main_binary-amd64_Packages.lz4 -> ..._dists_<release>_InRelease */
			char *key = fr_xasprintf("_dists_%s_", rel), *at = strstr(f, key);

			if (at) {
				char *ir = fr_xasprintf("%.*sInRelease", (int)(at - f + strlen(key)), f), *txt;
				size_t tl;

				if (fr_read_file(ir, 16u << 20, &txt, &tl, NULL) == 0) {
					char *d = rb_stanza_field(txt, tl, "Date");
					long long ep = d ? rb_parse_date(d) : -1;

					if (ep > ix->epoch) {
						free(ix->date);
						ix->date = d;
						ix->epoch = ep;
						d = NULL;
					}
					free(d);
					free(txt);
				}
				free(ir);
			}
			free(key);
		}
	}
	if (n == 0) {
		rc = fr_err_set(err, FR_EINVALID, "the host's apt has no Packages lists for %s: run apt-get update", debarch);
		goto out;
	}
	ix->origin = fr_xstrdup("host apt");
	ix->text = fr_buf_detach(&all, &ix->len);
	rc = 0;
out:
	fr_buf_release(&out);
	fr_buf_release(&e);
	fr_buf_release(&all);
	fr_buf_release(&idx);
	return rc;
}

int rb_index_load(const struct rb_manifest *m, size_t repo, const char *target, struct rb_index *ix,
		  struct fr_err *err)
{
	const struct rb_repo *r = &m->repos[repo];
	char distro[16], arch[16];
	const char *debarch;
	int deb, rc;

	memset(ix, 0, sizeof(*ix));
	ix->repo = repo;
	ix->epoch = -1;
	if (rb_target_split(target, distro, sizeof(distro), arch, sizeof(arch), &debarch, &deb) < 0)
		return fr_err_set(err, FR_EARG, "'%s' is not a target", target);
	switch (r->type) {
	case RB_REPO_DEB:
		if (!deb)
			return fr_err_set(err, FR_EARG, "repository '%s' is deb, target %s is not", r->name, target);
		rc = load_deb(m, r, debarch, ix, err);
		break;
	case RB_REPO_HOST_APT:
		rc = load_host_apt(distro, debarch, ix, err);
		break;
	case RB_REPO_RPMMD:
		if (deb)
			return fr_err_set(err, FR_EARG, "repository '%s' is rpm-md, target %s is not", r->name, target);
		rc = rb_index_load_rpmmd(r, ix, err);
		if (rc == 0)
			rb_index_parse_rpmmd(ix);
		return rc;
	default:
		return fr_err_set(err, FR_EARG, "repository '%s' has no type", r->name);
	}
	if (rc == 0)
		rb_index_parse(ix);
	return rc;
}
