/* main.c -- `repo-builder`: signed, reproducible offline package bundles. */
/* SPDX-License-Identifier: MIT */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "exec.h"
#include "http.h"
#include "pgp.h"
#include "rb.h"

static const struct fr_cli_cmd cmds[] = {
	{ "build", rb_cmd_build, "build <manifest> [--target <t>] [--out <dir>] [--cache <dir>] [--jobs <n>] [--key <file>] [--region <r>] [--quiet | --json]" },
	{ "verify", rb_cmd_verify, "verify <bundle> [--key <pub>]" },
	{ "resolve", rb_cmd_resolve, "resolve <manifest> [--target <t>] | resolve --index <Packages>... [--status <file>] [--arch <a>] <pkg>..." },
	{ "inspect", rb_cmd_inspect, "inspect <bundle>" },
	{ "diff", rb_cmd_diff, "diff <old-bundle> <new-bundle>" },
	{ "keygen", rb_cmd_keygen, "keygen --out <dir> [--uid <user-id>]" },
	{ "host-source", rb_cmd_host_source, "host-source [--suite <suite>]" },
};

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
		fprintf(f, "  repo-builder %s\n", cmds[i].summary);
	fprintf(f, "\n'repo-builder <command> --help' describes one command; man repo-builder(1) all of them.\n"
		   "exit status: 0 ok, 1 failed, 2 usage, 3 invalid manifest, 5 unresolvable,\n"
		   "             6 bad signature or checksum, 8 download failed\n");
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	fr_http_global_init();
	r = fr_cli_dispatch("repo-builder", NULL, cmds, sizeof(cmds) / sizeof(cmds[0]), usage, argc, argv);
	fr_http_global_cleanup();
	return r;
}
