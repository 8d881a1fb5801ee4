/* farrow.c -- `farrow`: configure inventories, lay down nodes, report their state. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "farrow.h"
#include "params.h"

#ifndef FARROW_VERSION
#define FARROW_VERSION "0.1.0"
#endif

struct fw_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct fw_cmd cmds[] = {
	{ "configure", cmd_configure, "write an inventory from a profile template (Pigsty's flags)" },
	{ "inventory", cmd_inventory, "check, list or show an inventory" },
	{ "profile", cmd_profile, "write one node's profile (what farrow-firstboot converges it to)" },
	{ "install", cmd_install, "lay a bundle down on the inventory's nodes over SSH" },
	{ "status", cmd_status, "every node's module states (farrow-firstboot status), over SSH" },
};

void fw_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("farrow: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void fw_print_diags(const struct fr_inventory *inv)
{
	size_t i;

	for (i = 0; i < inv->diags.n; i++) {
		const struct fr_diag *d = &inv->diags.v[i];

		fprintf(stderr, "%s:%d:%d: %s: %s\n", inv->path, d->line, d->col, d->param ? d->param : "inventory",
			d->msg);
	}
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: farrow <command> [<args>]\n"
		   "       farrow --version\n\n"
		   "commands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-11s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n'farrow <command> --help' describes one command; man farrow(1) all of them.\n");
}

int main(int argc, char **argv)
{
	size_t i;
	int r;

	if (argc < 2) {
		usage(stderr);
		return FR_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return FR_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("farrow %s\n", FARROW_VERSION);
		return FR_EXIT_OK;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0) {
			r = cmds[i].fn(argc - 1, argv + 1);
			fr_params_release();
			return r;
		}
	fw_error("'%s' is not a farrow command; see 'farrow --help'", argv[1]);
	return FR_EXIT_USAGE;
}
