/* cmd-resolve.c -- `repo-builder resolve`: print a dependency closure without downloading. */
/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rb.h"
#include "tarball.h"
#include "xalloc.h"

#define RESOLVE_USAGE                                                                                  \
	"usage: repo-builder resolve <manifest> [--target <target>] [--region <region>] [--allow-expired]\n" \
	"       repo-builder resolve --index <Packages>... [--status <dpkg-status>] [--arch <arch>]\n" \
	"                            [--recommends] <package>...\n"                                    \
	"\n"                                                                                            \
	"Print the closure of the requested packages minus the base system: name, version,\n"         \
	"architecture and size, then the total. Nothing is downloaded but the indexes.\n"            \
	"\n"                                                                                            \
	"  --target <t>       one of the manifest's targets (default: each of them)\n"                \
	"  --index <file>     a Packages file (plain, .gz, .xz, .lz4, .zst); repeat for more\n"       \
	"  --status <file>    the base system as a dpkg status file (default: empty)\n"              \
	"  --arch <arch>      amd64 (default) or arm64\n"                                              \
	"  --recommends       follow Recommends too, as apt does by default\n"                        \
	"  --allow-expired    take upstream Release files past their Valid-Until (see build --help)\n" \
	"\n"                                                                                            \
	"exit status: 0 resolved, 1 failed, 2 usage, 3 invalid manifest, 5 unresolvable,\n"          \
	"             6 an upstream's signature, checksum, dates or package metadata do not hold\n"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void rb_print_closure(FILE *f, const struct rb_closure *c, const char *target)
{
	size_t i;

	fprintf(f, "%-40s %-32s %-6s %12s\n", "NAME", "VERSION", "ARCH", "SIZE");
	for (i = 0; i < c->npkgs; i++)
		fprintf(f, "%-40s %-32s %-6s %12lld\n", c->pkgs[i]->name, c->pkgs[i]->version, c->pkgs[i]->arch,
			c->pkgs[i]->size);
	fprintf(f, "%s: %zu packages, %lld bytes (%.1f MiB)\n", target, c->npkgs, c->bytes,
		(double)c->bytes / 1048576.0);
}

/* Solve target and print; returns an exit status. */
static int resolve_target(const struct rb_manifest *m, const char *target, struct rb_index *ix, size_t nix,
			  int timing)
{
	struct rb_closure c;
	struct fr_buf problems = FR_BUF_INIT;
	struct fr_err err = { 0 };
	double t0 = now();
	int r;

	r = rb_solve(m, target, ix, nix, &c, &problems, &err);
	if (r < 0) {
		if (problems.len)
			fputs(problems.buf, stderr);
		fr_cli_error("%s", err.msg);
		fr_buf_release(&problems);
		return r == FR_EIO ? FR_EXIT_FAIL : RB_EXIT_UNSOLVABLE;
	}
	rb_print_closure(stdout, &c, target);
	if (timing)
		fprintf(stderr, "resolved in %.3f s\n", now() - t0);
	rb_closure_release(&c);
	fr_buf_release(&problems);
	return FR_EXIT_OK;
}

static int from_indexes(char **files, size_t nfiles, char **pkgs, size_t npkgs, const char *status,
			const char *arch, int recommends)
{
	struct rb_manifest *m = fr_xcalloc(1, sizeof(*m));
	struct rb_index *ix = fr_xcalloc(nfiles, sizeof(*ix));
	struct fr_err err = { 0 };
	const char *target = strcmp(arch, "arm64") == 0 || strcmp(arch, "aarch64") == 0 ? "d12.aarch64" : "d12.x86_64";
	size_t i;
	int r = FR_EXIT_OK;

	m->path = fr_xstrdup("(command line)");
	m->dir = fr_xstrdup(".");
	m->recommends = recommends;
	m->repos = fr_xcalloc(nfiles, sizeof(*m->repos));
	m->nrepos = nfiles;
	for (i = 0; i < nfiles; i++) {
		struct fr_buf b = FR_BUF_INIT;

		m->repos[i].name = fr_xstrdup(files[i]);
		m->repos[i].priority = 500;
		if (fr_decompress_file(files[i], 1u << 30, &b, &err) < 0) {
			fr_cli_error("%s", err.msg);
			fr_buf_release(&b);
			r = FR_EXIT_FAIL;
			goto out;
		}
		ix[i].repo = i;
		ix[i].text = fr_buf_detach(&b, &ix[i].len);
		if (rb_index_parse(&ix[i], &err) < 0) {
			fr_cli_error("%s: %s", files[i], err.msg);
			r = RB_EXIT_BADSIG;
			goto out;
		}
	}
	m->pkgs = fr_xcalloc(npkgs, sizeof(*m->pkgs));
	m->npkgs = npkgs;
	for (i = 0; i < npkgs; i++) {
		char *eq = strchr(pkgs[i], '=');

		m->pkgs[i].name = eq ? fr_xstrndup(pkgs[i], (size_t)(eq - pkgs[i])) : fr_xstrdup(pkgs[i]);
		if (eq) {
			m->pkgs[i].op = fr_xstrdup("=");
			m->pkgs[i].version = fr_xstrdup(eq + 1);
		}
	}
	if (status)
		m->base_status = fr_xstrdup(status);
	r = resolve_target(m, target, ix, nfiles, 1);
out:
	for (i = 0; i < nfiles; i++)
		rb_index_release(&ix[i]);
	free(ix);
	rb_manifest_free(m);
	return r;
}

/* Load the indexes of every repository that serves target. *nix set; returns an exit status. */
int rb_load_indexes(const struct rb_manifest *m, const char *target, struct rb_index **out, size_t *nix, int quiet)
{
	struct rb_index *ix = fr_xcalloc(m->nrepos ? m->nrepos : 1, sizeof(*ix));
	struct fr_err err = { 0 };
	size_t i, n = 0;

	for (i = 0; i < m->nrepos; i++) {
		if (!rb_targets_match(m->repos[i].targets, m->repos[i].ntargets, target))
			continue;
		if (!quiet)
			fprintf(stderr, "reading %s index for %s\n", m->repos[i].name, target);
		if (rb_index_load(m, i, target, &ix[n], &err) < 0) {
			fr_cli_error("repository '%s' (%s:%d:%d): %s", m->repos[i].name, m->path, m->repos[i].line,
				 m->repos[i].col, err.msg);
			rb_index_release(&ix[n]);
			for (i = 0; i < n; i++)
				rb_index_release(&ix[i]);
			free(ix);
			return err.code == FR_ECRYPTO ? RB_EXIT_BADSIG : FR_EXIT_FAIL;
		}
		n++;
	}
	*out = ix;
	*nix = n;
	return FR_EXIT_OK;
}

int rb_cmd_resolve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' }, { "index", required_argument, NULL, 'i' },
		{ "status", required_argument, NULL, 's' }, { "arch", required_argument, NULL, 'a' },
		{ "region", required_argument, NULL, 'r' }, { "recommends", no_argument, NULL, 'R' },
		{ "allow-expired", no_argument, NULL, 'E' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char **files = NULL;
	size_t nfiles = 0, i;
	const char *target = NULL, *status = NULL, *arch = "amd64", *region = NULL;
	int c, recommends = 0, r = FR_EXIT_OK, allow_expired = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			target = optarg;
			break;
		case 'i':
			files = fr_xrealloc(files, (nfiles + 1) * sizeof(*files));
			files[nfiles++] = optarg;
			break;
		case 's':
			status = optarg;
			break;
		case 'a':
			arch = optarg;
			break;
		case 'r':
			region = optarg;
			break;
		case 'R':
			recommends = 1;
			break;
		case 'E':
			allow_expired = 1;
			break;
		case 'h':
			fputs(RESOLVE_USAGE, stdout);
			free(files);
			return FR_EXIT_OK;
		default:
			fputs(RESOLVE_USAGE, stderr);
			free(files);
			return FR_EXIT_USAGE;
		}
	}
	if (nfiles) {
		if (optind >= argc) {
			fr_cli_error("resolve --index: which packages?");
			free(files);
			return FR_EXIT_USAGE;
		}
		r = from_indexes(files, nfiles, argv + optind, (size_t)(argc - optind), status, arch, recommends);
		free(files);
		return r;
	}
	if (argc - optind != 1) {
		fputs(RESOLVE_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	{
		struct rb_manifest *m = NULL;
		struct fr_err err = { 0 };
		int any = 0;

		if (rb_manifest_load(argv[optind], region, &m, &err) < 0) {
			fr_cli_error("%s", err.msg);
			return FR_EXIT_FAIL;
		}
		fr_cli_print_diags(m->path, &m->diags, "manifest", 1);
		if (m->diags.nerrors) {
			rb_manifest_free(m);
			return FR_EXIT_INVALID;
		}
		m->allow_expired = allow_expired;
		m->cache = rb_default_cache();
		for (i = 0; i < m->ntargets && r == FR_EXIT_OK; i++) {
			struct rb_index *ix = NULL;
			size_t nix = 0, k;

			if (target && strcmp(target, m->targets[i]) != 0)
				continue;
			any = 1;
			if ((r = rb_load_indexes(m, m->targets[i], &ix, &nix, 0)) != FR_EXIT_OK)
				break;
			r = resolve_target(m, m->targets[i], ix, nix, 0);
			for (k = 0; k < nix; k++)
				rb_index_release(&ix[k]);
			free(ix);
		}
		if (!any && r == FR_EXIT_OK) {
			fr_cli_error("'%s' is not a target of %s", target, argv[optind]);
			r = FR_EXIT_USAGE;
		}
		rb_manifest_free(m);
	}
	return r;
}
