/* cli.h -- what the three programs' mains share: messages, diagnostics, the command table. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_CLI_H
#define FR_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

/* The program's name in its messages ("farrow", "repo-builder", "farrow-firstboot"). */
extern const char *fr_cli_prog;

/* "<prog>: message" to stderr (stdout flushed first, so the two read in order). */
void fr_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "<prog>: WARNING: message" to stderr. */
void fr_cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * d's problems as path:line:col: param: message to stderr, warnings only when
 * verbose; param is what when a diagnostic names none.
 */
void fr_cli_print_diags(const char *path, const struct fr_diags *d, const char *what, int verbose);

/* One command of a program: `<prog> <name> ...` runs fn(argc, argv) with argv[0] the name. */
struct fr_cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary; /* one line for the program's usage */
};

/*
 * The common front of a main: no command, -h/--help/help (usage to stdout,
 * exit 0), --version/version (when version is not NULL), a command of the
 * table, or "'x' is not a <prog> command" (usage error). Sets fr_cli_prog.
 */
int fr_cli_dispatch(const char *prog, const char *version, const struct fr_cli_cmd *cmds, size_t ncmds,
		    void (*usage)(FILE *f), int argc, char **argv);

#endif
