/* cmd-status.c -- `farrow status`: every node's farrow-firstboot module states, over SSH. */
/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "farrow.h"
#include "inventory.h"
#include "ssh.h"

#define STATUS_USAGE                                                                                \
	"usage: farrow status <inventory> [-l <host|cluster>] [--ssh-key <file>]\n"                \
	"                     [--known-hosts <file>] [--timeout <seconds>]\n"                       \
	"\n"                                                                                         \
	"Ask every node for its modules' states (farrow-firstboot status) and print them, a line\n"  \
	"a node. Host keys must already be known (farrow install records them).\n"                  \
	"\n"                                                                                         \
	"exit status: 0 every node done, 1 a node failed, 2 usage or a node still running,\n"       \
	"             3 invalid inventory or a node never ran, 10 a node cannot be reached\n"

int cmd_status(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "limit", required_argument, NULL, 'l' },     { "ssh-key", required_argument, NULL, 'i' },
		{ "known-hosts", required_argument, NULL, 'K' }, { "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },            { NULL, 0, NULL, 0 },
	};
	const char *limit = NULL, *key = NULL, *kh = NULL;
	struct fr_inventory *inv = NULL;
	struct fr_err err = { 0 };
	int c, timeout = 10, worst = 0, rank = 0;
	size_t i, n = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "l:h", lo, NULL)) != -1) {
		switch (c) {
		case 'l': limit = optarg; break;
		case 'i': key = optarg; break;
		case 'K': kh = optarg; break;
		case 't': timeout = atoi(optarg); break;
		case 'h': fputs(STATUS_USAGE, stdout); return FR_EXIT_OK;
		default: fputs(STATUS_USAGE, stderr); return FR_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || timeout <= 0) {
		fputs(STATUS_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	if (fr_inv_load_file(argv[optind], &inv, &err) < 0) {
		fr_cli_error("%s", err.msg);
		return FR_EXIT_FAIL;
	}
	if (fr_inv_validate(inv) > 0) {
		fr_cli_print_diags(inv->path, &inv->diags, "inventory", 1);
		fr_inv_free(inv);
		return FR_EXIT_INVALID;
	}
	for (i = 0; i < inv->nhosts; i++) {
		const struct fr_host *h = &inv->hosts[i];
		struct fr_ssh_opts so = { 0 };
		struct fr_ssh *s;
		struct fr_buf out = FR_BUF_INIT;
		long long port = 22;
		int st = -1, code, r;
		size_t g;
		int selected = limit == NULL || strcmp(limit, h->ip) == 0;
		char *p;

		for (g = 0; !selected && g < h->ngroups; g++)
			selected = strcmp(inv->groups[h->groups[g]].name, limit) == 0;
		if (!selected)
			continue;
		n++;
		fr_inv_int(inv, h, "ansible_port", &port);
		so.host = h->ip;
		so.port = (int)port;
		so.user = fr_inv_str(inv, h, "ansible_user");
		so.key = key;
		so.known_hosts = kh;
		so.timeout = timeout;
		if ((s = fr_ssh_connect(&so, &err)) == NULL) {
			printf("%-16s unreachable: %s\n", h->ip, err.msg);
			code = FR_EXIT_UNREACHABLE;
			r = 5;
		} else {
			if (fr_ssh_exec(s, "farrow-firstboot status 2>&1 || exit $?", NULL, 0, &out, NULL, &st, &err) < 0)
				st = -1;
			fr_ssh_close(s);
			/* "node done\npgsql running\n" -> one line */
			for (p = out.buf; *p; p++)
				if (*p == '\n')
					*p = p[1] ? ',' : '\0';
			switch (st) {
			case 0: code = FR_EXIT_OK; r = 0; printf("%-16s done      %s\n", h->ip, out.buf); break;
			case 1: code = FR_EXIT_FAIL; r = 4; printf("%-16s FAILED    %s\n", h->ip, out.buf); break;
			case 2: code = FR_EXIT_USAGE; r = 2; printf("%-16s running   %s\n", h->ip, out.buf); break;
			case 3: code = FR_EXIT_INVALID; r = 1; printf("%-16s never run\n", h->ip); break;
			default: code = FR_EXIT_FAIL; r = 3; printf("%-16s no farrow-firstboot here (run farrow install)\n", h->ip); break;
			}
		}
		/* the worst state wins: unreachable, failed, no firstboot, running, never run, done */
		if (r > rank) {
			rank = r;
			worst = code;
		}
		fr_buf_release(&out);
	}
	fr_inv_free(inv);
	if (n == 0) {
		fr_cli_error("status: -l '%s' matches no host or cluster", limit);
		return FR_EXIT_USAGE;
	}
	return worst;
}
