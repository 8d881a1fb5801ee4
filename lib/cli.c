/* cli.c -- what the three programs' mains share: messages, diagnostics, the command table. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

const char *fr_cli_prog = "farrow";

static void say(const char *tag, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", fr_cli_prog, tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void fr_cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
}

void fr_cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("WARNING: ", fmt, ap);
	va_end(ap);
}

void fr_cli_print_diags(const char *path, const struct fr_diags *d, const char *what, int verbose)
{
	size_t i;

	fflush(stdout);
	for (i = 0; i < d->n; i++) {
		const struct fr_diag *g = &d->v[i];

		if (g->sev == FR_SEV_ERROR || verbose)
			fprintf(stderr, "%s:%d:%d: %s: %s\n", path, g->line, g->col, g->param ? g->param : what,
				g->msg);
	}
}

int fr_cli_dispatch(const char *prog, const char *version, const struct fr_cli_cmd *cmds, size_t ncmds,
		    void (*usage)(FILE *f), int argc, char **argv)
{
	size_t i;

	fr_cli_prog = prog;
	if (argc < 2) {
		usage(stderr);
		return FR_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return FR_EXIT_OK;
	}
	if (version && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0)) {
		printf("%s %s\n", prog, version);
		return FR_EXIT_OK;
	}
	for (i = 0; i < ncmds; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fr_cli_error("'%s' is not a %s command; see '%s --help'", argv[1], prog, prog);
	return FR_EXIT_USAGE;
}
