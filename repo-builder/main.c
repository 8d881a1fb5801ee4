/* main.c -- `repo-builder`: signed, reproducible offline package bundles. */
/* SPDX-License-Identifier: MIT */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "exec.h"
#include "http.h"
#include "pgp.h"
#include "rb.h"

struct rb_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

static const struct rb_cmd cmds[] = {
	{ "build", rb_cmd_build, "build <manifest> [--target <t>] [--out <dir>] [--cache <dir>] [--jobs <n>] [--key <file>] [--region <r>] [--quiet | --json]" },
	{ "verify", rb_cmd_verify, "verify <bundle> [--key <pub>]" },
	{ "resolve", rb_cmd_resolve, "resolve <manifest> [--target <t>] | resolve --index <Packages>... [--status <file>] [--arch <a>] <pkg>..." },
	{ "inspect", rb_cmd_inspect, "inspect <bundle>" },
	{ "diff", rb_cmd_diff, "diff <old-bundle> <new-bundle>" },
	{ "keygen", rb_cmd_keygen, "keygen --out <dir> [--uid <user-id>]" },
};

static void say(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void rb_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("repo-builder: ", fmt, ap);
	va_end(ap);
}

void rb_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("repo-builder: WARNING: ", fmt, ap);
	va_end(ap);
}

void rb_print_diags(const struct rb_manifest *m)
{
	size_t i;

	for (i = 0; i < m->diags.n; i++) {
		const struct fr_diag *d = &m->diags.v[i];

		fprintf(stderr, "%s:%d:%d: %s: %s\n", m->path, d->line, d->col, d->param ? d->param : "manifest",
			d->msg);
	}
}

/* Killed while a signing key is loaded: its private GnuPG home and agent go first, then we die of the signal. */
static void on_fatal_signal(int sig)
{
	fr_exec_kill_child();
	fr_pgp_remove_homes();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: repo-builder <command> [<args>]\n\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  repo-builder %s\n", cmds[i].usage);
	fprintf(f, "\n'repo-builder <command> --help' describes one command; man repo-builder(1) all of them.\n"
		   "exit status: 0 ok, 1 failed, 2 usage, 3 invalid manifest, 5 unresolvable,\n"
		   "             6 bad signature or checksum, 8 download failed\n");
}

int main(int argc, char **argv)
{
	size_t i;
	int r;

	if (argc < 2) {
		usage(stderr);
		return FR_EXIT_USAGE;
	}
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_fatal_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return FR_EXIT_OK;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0) {
			fr_http_global_init();
			r = cmds[i].fn(argc - 1, argv + 1);
			fr_http_global_cleanup();
			return r;
		}
	rb_error("'%s' is not a repo-builder command; see 'repo-builder --help'", argv[1]);
	return FR_EXIT_USAGE;
}
