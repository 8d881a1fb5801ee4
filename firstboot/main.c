/* main.c -- `farrow-firstboot`: join this node to its clusters from its profile (issue 4). */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "err.h"

#define FB_USAGE                                                                  \
	"usage: farrow-firstboot [run | status]\n"                               \
	"\n"                                                                      \
	"Converges this node from /etc/farrow/profile.yml (not yet implemented in\n" \
	"this release; see README).\n"

int main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(FB_USAGE, stdout);
		return FR_EXIT_OK;
	}
	fputs(FB_USAGE, stderr);
	fputs("farrow-firstboot: not available yet\n", stderr);
	return FR_EXIT_FAIL;
}
