/* farrow.c -- `farrow`: configure inventories, lay down nodes, report their state. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "farrow.h"
#include "params.h"
#include "xalloc.h"


static const struct fr_cli_cmd cmds[] = {
	{ "configure", cmd_configure, "write an inventory from a profile template (Pigsty's flags)" },
	{ "inventory", cmd_inventory, "check, list or show an inventory" },
	{ "profile", cmd_profile, "write one node's profile (what farrow-firstboot converges it to)" },
	{ "install", cmd_install, "lay a bundle down on the inventory's nodes over SSH" },
	{ "status", cmd_status, "every node's module states and every cluster's health, over SSH" },
	{ "drill", cmd_drill, "fail a cluster's leader under a writing client; measure RTO and RPO" },
	{ "pitr", cmd_pitr, "restore a PostgreSQL cluster to a point in time with pgBackRest" },
	{ "image", cmd_image, "build a node image from an image-capable bundle; inspect one" },
	{ "seed", cmd_seed, "write a seed volume: one node's profile for a generic image" },
	{ "answer", cmd_answer, "check an answer file for unattended installs; which disk it picks here" },
	{ "iso", cmd_iso, "build the bootable install medium (hybrid ISO, BIOS and UEFI)" },
};

char *farrow_firstboot_path(const char *given)
{
	char *self, *fb;

	if (given)
		return fr_xstrdup(given);
	if (getenv("FARROW_FIRSTBOOT") && *getenv("FARROW_FIRSTBOOT"))
		return fr_xstrdup(getenv("FARROW_FIRSTBOOT"));
	self = realpath("/proc/self/exe", NULL);
	fb = fr_xasprintf("%s/farrow-firstboot", self ? dirname(self) : ".");
	free(self);
	if (access(fb, X_OK) != 0) {
		free(fb);
		fb = fr_xstrdup("/usr/local/bin/farrow-firstboot");
	}
	return fb;
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
	int r = fr_cli_dispatch("farrow", FARROW_VERSION, cmds, sizeof(cmds) / sizeof(cmds[0]), usage, argc, argv);

	fr_params_release();
	return r;
}
