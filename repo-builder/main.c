/* main.c -- `repo-builder`: signed, reproducible offline package bundles (issue 3). */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "err.h"

#define RB_USAGE                                                                 \
	"usage: repo-builder <command> [<args>]\n"                              \
	"\n"                                                                     \
	"commands (not yet implemented in this release; see README):\n"         \
	"  build     resolve, download and pack a signed bundle from a manifest\n" \
	"  verify    check a bundle's signature and every file's hash\n"         \
	"  resolve   print a manifest's dependency closure\n"                    \
	"  inspect   list a bundle's packages\n"                                 \
	"  diff      compare two bundles\n"                                      \
	"  keygen    make a signing key pair\n"

int main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(RB_USAGE, stdout);
		return FR_EXIT_OK;
	}
	fputs(RB_USAGE, stderr);
	if (argc >= 2)
		fprintf(stderr, "repo-builder: '%s' is not available yet\n", argv[1]);
	return argc >= 2 ? FR_EXIT_FAIL : FR_EXIT_USAGE;
}
