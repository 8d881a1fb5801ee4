/* host-apt.c -- a host-apt repository of another suite (`type: host-apt, suite: trixie`): the
 * build host's own apt source (its URI and its Signed-By keyring), another suite, in a private
 * apt configuration under the cache. The machine's sources are never changed, and no mirror host
 * is named anywhere but in the host's own apt sources. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "fileio.h"
#include "rb.h"
#include "xalloc.h"

/* The value of field (deb822 "Signed-By:", or one-line "[signed-by=...]") in one source entry. */
static char *signed_by(const char *file, long entry, struct fr_err *err)
{
	char *text = NULL, *p, *line, *found = NULL;
	size_t len;
	long n = 0;
	int deb822 = strlen(file) > 8 && strcmp(file + strlen(file) - 8, ".sources") == 0;

	if (fr_read_file(file, 1u << 20, &text, &len, err) < 0)
		return NULL;
	if (deb822) {
		/* entry N is the Nth stanza (stanzas are separated by blank lines; comments are not lines) */
		int in_stanza = 0;
		char *next;

		for (line = text; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			if (line[0] == '#')
				continue;
			if (strspn(line, " \t") == strlen(line)) {
				in_stanza = 0;
				continue;
			}
			if (!in_stanza) {
				in_stanza = 1;
				n++;
			}
			if (n == entry && found == NULL && strncasecmp(line, "Signed-By:", 10) == 0) {
				const char *v = line + 10;

				v += strspn(v, " \t");
				found = fr_xstrndup(v, strcspn(v, " \t"));
			}
		}
	} else {
		/* entry N is line N */
		char *cur = text;

		for (n = 1; cur && n < entry; n++)
			cur = (cur = strchr(cur, '\n')) ? cur + 1 : NULL;
		if (cur && (p = strstr(cur, "signed-by=")) != NULL && p < cur + strcspn(cur, "\n"))
			found = fr_xstrndup(p + 10, strcspn(p + 10, " ]\n"));
	}
	free(text);
	if (found == NULL || found[0] != '/' || access(found, R_OK) != 0) {
		fr_err_set(err, FR_EINVALID,
			   "the host's apt source %s:%ld names no readable Signed-By keyring file%s%s: give this "
			   "repository as `type: deb` with its url and key instead",
			   file, entry, found ? " (" : "", found ? found : "");
		if (found)
			fr_err_set(err, FR_EINVALID, "%s)", err->msg);
		free(found);
		return NULL;
	}
	return found;
}

/*
 * The host's own source of its release: the Packages target whose release has no "-" suffix
 * (bookworm, not bookworm-updates or bookworm-security), its Repo-URI and keyring.
 */
static int host_source(char **uri, char **keyring, char **release, struct fr_err *err)
{
	const char *argv[] = { "apt-get", "indextargets", "--format", "$(REPO_URI)|$(RELEASE)|$(SOURCESENTRY)",
			       "Identifier: Packages", NULL };
	struct fr_buf out = FR_BUF_INIT;
	char *line, *save = NULL;
	int st = 0, r = FR_ENOTFOUND;

	*uri = *keyring = NULL;
	if (release)
		*release = NULL;
	if (fr_exec(argv, NULL, NULL, 0, &out, NULL, &st, err) < 0 || st != 0) {
		fr_buf_release(&out);
		return fr_err_set(err, FR_EIO, "apt-get indextargets failed: is this a Debian or Ubuntu host?");
	}
	for (line = strtok_r(out.buf, "\n", &save); line && r != 0; line = strtok_r(NULL, "\n", &save)) {
		char *rel = strchr(line, '|'), *ent, *colon;

		if (rel == NULL || (ent = strchr(rel + 1, '|')) == NULL)
			continue;
		*rel++ = '\0';
		*ent++ = '\0';
		if (strchr(rel, '-') || strstr(line, "security") || (colon = strrchr(ent, ':')) == NULL)
			continue;
		*colon = '\0';
		if ((*keyring = signed_by(ent, strtol(colon + 1, NULL, 10), err)) == NULL) {
			r = FR_EINVALID;
			break;
		}
		*uri = fr_xstrdup(line);
		if (release)
			*release = fr_xstrdup(rel);
		r = 0;
	}
	fr_buf_release(&out);
	if (r == FR_ENOTFOUND)
		fr_err_set(err, r, "the host's apt has no source of its own release (apt-get indextargets lists none)");
	return r;
}

void rb_apt_opts_release(struct rb_apt_opts *o)
{
	fr_strv_free(o->v, o->n);
	memset(o, 0, sizeof(*o));
}

/* "-o", "<key>=<value>" */
static void opt(struct rb_apt_opts *o, const char *key, const char *value)
{
	o->v = fr_xrealloc(o->v, (o->n + 3) * sizeof(char *));
	o->v[o->n++] = fr_xstrdup("-o");
	o->v[o->n++] = fr_xasprintf("%s=%s", key, value);
	o->v[o->n] = NULL;
}

int rb_host_apt_opts(const struct rb_manifest *m, const struct rb_repo *r, const char *debarch, int update,
		     struct rb_apt_opts *o, struct fr_err *err)
{
	char *uri = NULL, *keyring = NULL, *dir = NULL, *path = NULL;
	struct fr_buf list = FR_BUF_INIT, e = FR_BUF_INIT;
	size_t i;
	int rc;

	memset(o, 0, sizeof(*o));
	if (geteuid() == 0)
		/* what apt falls back to anyway when _apt cannot reach the directory, minus the warning */
		opt(o, "APT::Sandbox::User", "root");
	if (r->suite == NULL)
		return 0; /* the host's own lists, as its apt has them */
	if (m->cache == NULL)
		return fr_err_set(err, FR_EARG, "repository '%s': a host-apt suite needs a cache directory", r->name);
	if ((rc = host_source(&uri, &keyring, NULL, err)) < 0)
		goto out;
	dir = fr_xasprintf("%s/host-apt/%s-%s", m->cache, r->suite, debarch);
	path = fr_xasprintf("%s/lists/partial", dir);
	if ((rc = fr_mkdir_p(path, 0755, err)) < 0)
		goto out;
	free(path);
	path = fr_xasprintf("%s/cache/archives/partial", dir);
	if ((rc = fr_mkdir_p(path, 0755, err)) < 0)
		goto out;
	free(path);
	path = fr_xasprintf("%s/sources.list.d", dir);
	if ((rc = fr_mkdir_p(path, 0755, err)) < 0)
		goto out;
	free(path);
	fr_buf_addf(&list, "# written by repo-builder for repository '%s' (%s): the host's source, suite %s\n"
			   "deb [signed-by=%s arch=%s] %s %s", r->name, m->path, r->suite, keyring, debarch, uri, r->suite);
	for (i = 0; i < r->ncomponents; i++)
		fr_buf_addf(&list, " %s", r->components[i]);
	fr_buf_addc(&list, '\n');
	path = fr_xasprintf("%s/sources.list", dir);
	if ((rc = fr_write_atomic(path, list.buf, list.len, 0644, 0, err)) < 0)
		goto out;
	opt(o, "Dir::Etc::sourcelist", path);
	free(path);
	path = fr_xasprintf("%s/sources.list.d", dir);
	opt(o, "Dir::Etc::sourceparts", path);
	free(path);
	path = fr_xasprintf("%s/lists", dir);
	opt(o, "Dir::State::Lists", path);
	free(path);
	path = fr_xasprintf("%s/cache", dir);
	opt(o, "Dir::Cache", path);
	free(path);
	path = NULL;
	if (update) {
		/* apt checks the suite's signature with the host's keyring, as for the host's own lists */
		const char **argv = fr_xcalloc(o->n + 4, sizeof(char *));
		size_t a = 0;
		int st = 0;

		argv[a++] = "apt-get";
		for (i = 0; i < o->n; i++)
			argv[a++] = o->v[i];
		argv[a++] = "-q";
		argv[a++] = "update";
		rc = fr_exec(argv, NULL, NULL, 0, NULL, &e, &st, err);
		free(argv);
		if (rc == 0 && (st != 0 || strstr(e.buf, "W: ") || strstr(e.buf, "E: ")))
			rc = fr_err_set(err, FR_ECRYPTO, "apt-get update of suite %s (%s) failed: %s", r->suite, uri,
					e.len ? e.buf : "no reason given");
	}
out:
	if (rc < 0)
		rb_apt_opts_release(o);
	free(uri);
	free(keyring);
	free(dir);
	free(path);
	fr_buf_release(&list);
	fr_buf_release(&e);
	return rc;
}

#define HOST_SOURCE_USAGE                                                                        \
	"usage: repo-builder host-source [--suite <suite>]\n"                                   \
	"\n"                                                                                      \
	"Print the one-line apt source of this host's own release (its URI and Signed-By keyring,\n" \
	"from its apt sources) with <suite> instead (default: the host's own), for a tool that\n"  \
	"builds a root of another suite from the same mirror (the sandbox's Debian 13 nodes):\n"  \
	"  deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://.../debian/ trixie main\n" \
	"It is what a host-apt repository with `suite:` uses. Nothing is changed.\n"

int rb_cmd_host_source(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "suite", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *suite = NULL;
	char *uri = NULL, *keyring = NULL, *own = NULL;
	struct fr_err err = { 0 };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': suite = optarg; break;
		case 'h': fputs(HOST_SOURCE_USAGE, stdout); return FR_EXIT_OK;
		default: fputs(HOST_SOURCE_USAGE, stderr); return FR_EXIT_USAGE;
		}
	}
	if (argc != optind || (suite && (!*suite || suite[strspn(suite, "abcdefghijklmnopqrstuvwxyz0123456789-")]))) {
		fputs(HOST_SOURCE_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	if (host_source(&uri, &keyring, &own, &err) < 0) {
		fr_cli_error("host-source: %s", err.msg);
		return FR_EXIT_FAIL;
	}
	printf("deb [signed-by=%s] %s %s main\n", keyring, uri, suite ? suite : own);
	free(uri);
	free(keyring);
	free(own);
	return FR_EXIT_OK;
}
