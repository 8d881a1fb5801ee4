/* meta-deb.c -- Debian repository metadata: fetch and verify Release and Packages, parse stanzas. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <limits.h>
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
#include "bundle.h"
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

/* A field is printable ASCII without spaces (it becomes one field of a MANIFEST line). */
static int token_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

int rb_pkg_check(const struct rb_index *ix, struct rb_pkg *p, const char *size_text, int deb, struct fr_err *err)
{
	const char *where = ix->origin ? ix->origin : "the index", *why;
	size_t i;

	if (!token_ok(p->name) || !token_ok(p->version) || !token_ok(p->arch))
		return fr_err_set(err, FR_ECRYPTO, "%s: a package's name, version or arch holds a space or a "
				  "control character ('%.80s' '%.80s')", where, p->name ? p->name : "",
				  p->version ? p->version : "");
	if (p->sha256) {
		for (i = 0; p->sha256[i]; i++)
			if (!strchr("0123456789abcdef", p->sha256[i]))
				break;
		if (i != 64 || p->sha256[i])
			return fr_err_set(err, FR_ECRYPTO, "%s: package %s %s: SHA256 '%.80s' is not 64 hex digits", where,
					  p->name, p->version, p->sha256);
	}
	if (p->filename) {
		if ((why = fr_path_problem(p->filename, 0)) != NULL)
			return fr_err_set(err, FR_ECRYPTO, "%s: package %s %s: %s '%.200s' %s", where, p->name,
					  p->version, deb ? "Filename" : "location", p->filename, why);
		if (deb && strncmp(p->filename, "pool/", 5) != 0)
			return fr_err_set(err, FR_ECRYPTO, "%s: package %s %s: Filename '%.200s' is outside the "
					  "repository's pool/", where, p->name, p->version, p->filename);
	}
	p->size = -1;
	if (size_text) {
		long long v = 0;
		const char *c = size_text;

		for (; *c >= '0' && *c <= '9' && v <= (LLONG_MAX - 9) / 10; c++)
			v = v * 10 + (*c - '0');
		if (*c || c == size_text)
			return fr_err_set(err, FR_ECRYPTO, "%s: package %s %s: %s '%.40s' is not a number of bytes", where,
					  p->name, p->version, deb ? "Size" : "size", size_text);
		p->size = v;
	}
	return 0;
}

int rb_index_parse(struct rb_index *ix, struct fr_err *err)
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
		p.repo = ix->repo;
		FR_ALLOC_GROW(ix->pkgs, ix->npkgs + 1, alloc);
		ix->pkgs[ix->npkgs++] = p;
		if (rb_pkg_check(ix, &ix->pkgs[ix->npkgs - 1], size, 1, err) < 0) {
			free(size);
			return FR_ECRYPTO;
		}
		free(size);
	}
	return 0;
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

/*
 * A Release's dates, as stock apt checks them (Acquire::Check-Date, Check-Valid-Until): a Date
 * more than RB_CLOCK_SKEW seconds ahead of this host's clock is refused (it would become the
 * bundle's time); a Valid-Until more than RB_CLOCK_SKEW behind it is expired metadata (a replay,
 * or a stale mirror) and refused unless the manifest's run allows it (--allow-expired), which
 * is said loudly. check_until = 0 skips Valid-Until (the host's apt said so for its own lists).
 */
static int release_dates(const struct rb_manifest *m, const char *what, const char *release, size_t len,
			 int check_until, struct fr_err *err)
{
	char *date = rb_stanza_field(release, len, "Date"), *until = rb_stanza_field(release, len, "Valid-Until");
	long long now = (long long)time(NULL), d = date ? rb_parse_date(date) : -1, u = until ? rb_parse_date(until) : -1;
	int rc = 0;

	if (date && d < 0)
		rc = fr_err_set(err, FR_ECRYPTO, "%s: Date '%.80s' is not a date", what, date);
	else if (d > now + RB_CLOCK_SKEW)
		rc = fr_err_set(err, FR_ECRYPTO, "%s: Date %.80s is %lld s ahead of this host's clock (more than the "
				"%d s allowed for skew): refused", what, date, d - now, RB_CLOCK_SKEW);
	else if (until && u < 0)
		rc = fr_err_set(err, FR_ECRYPTO, "%s: Valid-Until '%.80s' is not a date", what, until);
	else if (check_until && until && u + RB_CLOCK_SKEW < now) {
		if (!m->allow_expired)
			rc = fr_err_set(err, FR_ECRYPTO, "%s: expired: Valid-Until %.80s is %lld s ago (replayed or stale "
					"metadata): refused; --allow-expired builds from an archive snapshot", what, until,
					now - u);
		else
			fr_cli_warn("%s: EXPIRED metadata taken because of --allow-expired: Valid-Until %.80s is %lld s ago",
				what, until, now - u);
	}
	free(date);
	free(until);
	return rc;
}

static int load_deb(const struct rb_manifest *m, const struct rb_repo *r, const char *debarch, struct rb_index *ix,
		    struct fr_err *err)
{
	struct fr_buf raw = FR_BUF_INIT, release = FR_BUF_INIT, idx = FR_BUF_INIT, all = FR_BUF_INIT;
	char *base = fr_xasprintf("%s/dists/%s", r->url, r->suite), *url = NULL;
	size_t c;
	int rc;

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
	if ((rc = release_dates(m, url, release.buf, release.len, 1, err)) < 0)
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

/* Whether the host's apt checks Valid-Until for its own lists (apt-config; stock apt does). */
static int host_checks_until(void)
{
	const char *argv[] = { "apt-config", "shell", "v", "Acquire::Check-Valid-Until/b", NULL };
	struct fr_buf out = FR_BUF_INIT;
	int st = 0, r = 1;

	if (fr_exec(argv, NULL, NULL, 0, &out, NULL, &st, NULL) == 0 && st == 0 && strstr(out.buf, "'false'"))
		r = 0;
	fr_buf_release(&out);
	return r;
}

/*
 * The host's own apt lists: their signatures verified by the host's apt; their dates checked
 * here as for any upstream (Valid-Until as the host's apt is configured to, said when off).
 */
static int load_host_apt(const struct rb_manifest *m, const struct rb_repo *r, const char *distro,
			 const char *debarch, struct rb_index *ix, struct fr_err *err)
{
	int check_until = host_checks_until();
	struct rb_apt_opts o;
	const char **argv;
	struct fr_buf out = FR_BUF_INIT, e = FR_BUF_INIT, all = FR_BUF_INIT, idx = FR_BUF_INIT;
	char *line, *save = NULL;
	int st = 0, rc, n = 0;
	size_t a = 0, i;

	/* the host's own lists are its distro's; another suite is asked for by name (a pin) */
	if (r->suite == NULL) {
		struct fr_detect d;
		char have[160];

		fr_detect_run(&d, NULL);
		snprintf(have, sizeof(have), "%s%s",
			 strcmp(d.vendor, "debian") == 0 ? "d" : strcmp(d.vendor, "ubuntu") == 0 ? "u" : d.vendor, d.version);
		fr_detect_release(&d);
		if (strcmp(have, distro) != 0)
			return fr_err_set(err, FR_EINVALID,
					  "a host-apt repository builds only for the build host's own distro (%s), not %s; "
					  "name another suite with `suite:`", have, distro);
	}
	if ((rc = rb_host_apt_opts(m, r, debarch, 1, &o, err)) < 0)
		return rc;
	argv = fr_xcalloc(o.n + 8, sizeof(char *));
	argv[a++] = "apt-get";
	for (i = 0; i < o.n; i++)
		argv[a++] = o.v[i];
	argv[a++] = "indextargets";
	argv[a++] = "--format";
	argv[a++] = "$(FILENAME)|$(RELEASE)|$(ARCHITECTURE)";
	argv[a++] = "Identifier: Packages";
	argv[a] = NULL;
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

					if (!check_until) {
						char *u = rb_stanza_field(txt, tl, "Valid-Until");

						if (u && rb_parse_date(u) >= 0 &&
						    rb_parse_date(u) + RB_CLOCK_SKEW < (long long)time(NULL))
							fr_cli_warn("%s: expired (Valid-Until %.80s), taken because this host's apt "
								"has Acquire::Check-Valid-Until false", ir, u);
						free(u);
					}
					if ((rc = release_dates(m, ir, txt, tl, check_until, err)) < 0) {
						free(d);
						free(txt);
						free(ir);
						free(key);
						goto out;
					}
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
		rc = r->suite ? fr_err_set(err, FR_EINVALID, "suite %s has no Packages lists for %s", r->suite, debarch)
			      : fr_err_set(err, FR_EINVALID, "the host's apt has no Packages lists for %s: run apt-get update", debarch);
		goto out;
	}
	ix->origin = r->suite ? fr_xasprintf("host apt, suite %s", r->suite) : fr_xstrdup("host apt");
	ix->text = fr_buf_detach(&all, &ix->len);
	rc = 0;
out:
	free(argv);
	rb_apt_opts_release(&o);
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
	if (fr_target_split(target, distro, sizeof(distro), arch, sizeof(arch), &debarch, &deb) < 0)
		return fr_err_set(err, FR_EARG, "'%s' is not a target", target);
	switch (r->type) {
	case RB_REPO_DEB:
		if (!deb)
			return fr_err_set(err, FR_EARG, "repository '%s' is deb, target %s is not", r->name, target);
		rc = load_deb(m, r, debarch, ix, err);
		break;
	case RB_REPO_HOST_APT:
		rc = load_host_apt(m, r, distro, debarch, ix, err);
		break;
	case RB_REPO_DEBS:
		if (!deb)
			return fr_err_set(err, FR_EARG, "repository '%s' is debs, target %s is not", r->name, target);
		rc = rb_index_load_debs(m, r, debarch, ix, err);
		break;
	case RB_REPO_RPMMD:
		if (deb)
			return fr_err_set(err, FR_EARG, "repository '%s' is rpm-md, target %s is not", r->name, target);
		rc = rb_index_load_rpmmd(r, ix, err);
		if (rc == 0)
			rc = rb_index_parse_rpmmd(ix, err);
		return rc;
	default:
		return fr_err_set(err, FR_EARG, "repository '%s' has no type", r->name);
	}
	if (rc == 0)
		rc = rb_index_parse(ix, err);
	return rc;
}
