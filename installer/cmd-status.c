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
#include "yamlnode.h"

#define STATUS_USAGE                                                                                \
	"usage: farrow status <inventory> [-l <host|cluster>] [--ssh-key <file>]\n"                \
	"                     [--known-hosts <file>] [--timeout <seconds>] [--json]\n"              \
	"\n"                                                                                         \
	"Ask every node for its modules' states (farrow-firstboot status --json) and print them, a\n" \
	"line a node. Host keys must already be known (farrow install records them).\n"             \
	"\n"                                                                                         \
	"  --json   one object: {\"hosts\": [{host, state, modules: [the node's own status --json\n"  \
	"           modules: name, state, started, finished, changes, error], error}], \"result\"};\n" \
	"           state is done, failed, running, never, absent (no farrow-firstboot) or\n"      \
	"           unreachable, and result the worst of them\n"                                    \
	"\n"                                                                                         \
	"exit status: 0 every node done, 1 a node failed, 2 usage or a node still running,\n"       \
	"             3 invalid inventory or a node never ran, 10 a node cannot be reached\n"

/* A node's state, worst last: its rank decides the exit status and the JSON result. */
static const struct {
	const char *word, *text;
	int code;
} states[] = {
	{ "done", "done     ", FR_EXIT_OK },
	{ "never", "never run", FR_EXIT_INVALID },
	{ "running", "running  ", FR_EXIT_USAGE },
	{ "absent", "no farrow-firstboot here (run farrow install)", FR_EXIT_FAIL },
	{ "failed", "FAILED   ", FR_EXIT_FAIL },
	{ "unreachable", "unreachable:", FR_EXIT_UNREACHABLE },
};

static int rank_of(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (word && strcmp(states[i].word, word) == 0)
			return (int)i;
	return 4; /* what the node said is not a state: failed */
}

int cmd_status(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "limit", required_argument, NULL, 'l' },     { "ssh-key", required_argument, NULL, 'i' },
		{ "known-hosts", required_argument, NULL, 'K' }, { "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'J' },            { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *limit = NULL;
	struct fr_ssh_opts base = { 0 };
	struct fr_inventory *inv = NULL;
	struct fr_buf json = FR_BUF_INIT;
	struct fr_err err = { 0 };
	int c, worst = 0, as_json = 0;
	size_t i, n = 0;

	base.timeout = 10;
	optind = 1;
	while ((c = getopt_long(argc, argv, "l:h", lo, NULL)) != -1) {
		switch (c) {
		case 'l': limit = optarg; break;
		case 'i': base.key = optarg; break;
		case 'K': base.known_hosts = optarg; break;
		case 't': base.timeout = atoi(optarg); break;
		case 'J': as_json = 1; break;
		case 'h': fputs(STATUS_USAGE, stdout); return FR_EXIT_OK;
		default: fputs(STATUS_USAGE, stderr); return FR_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || base.timeout <= 0) {
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
	fr_buf_adds(&json, "{\"hosts\":[");
	for (i = 0; i < inv->nhosts; i++) {
		const struct fr_host *h = &inv->hosts[i];
		struct fr_ssh_opts so;
		struct fr_ssh *s;
		struct fr_buf out = FR_BUF_INIT, line = FR_BUF_INIT;
		struct fr_node *node = NULL;
		const struct fr_node *mods = NULL;
		const char *word = "unreachable";
		int st = -1, rank;

		if (!fr_inv_host_selected(inv, h, limit))
			continue;
		fr_ssh_opts_for_host(inv, h, &base, &so);
		if ((s = fr_ssh_connect(&so, &err)) != NULL) {
			/* the node says how its modules stand as data; its exit status says the same */
			if (fr_ssh_exec(s, "farrow-firstboot status --json 2>/dev/null", NULL, 0, &out, NULL, &st, &err) < 0)
				st = -1;
			fr_ssh_close(s);
			node = fr_yaml_parse(out.buf, out.len, NULL);
			mods = fr_node_get(node, "modules");
			word = fr_node_is_seq(mods) ? fr_node_str(fr_node_get(node, "result")) : "absent";
			if (st == -1) {
				word = "unreachable";
				mods = NULL;
			}
		}
		rank = rank_of(word);
		if (rank > worst)
			worst = rank;
		for (c = 0; fr_node_is_seq(mods) && c < (int)mods->n; c++) {
			const char *name = fr_node_str(fr_node_get(mods->items[c], "name"));
			const char *ms = fr_node_str(fr_node_get(mods->items[c], "state"));

			fr_buf_addf(&line, "%s%s %s", c ? ", " : "", name ? name : "?", ms ? ms : "?");
		}
		if (!as_json) {
			if (strcmp(states[rank].word, "unreachable") == 0)
				printf("%-16s unreachable: %s\n", h->ip, err.msg);
			else if (strcmp(states[rank].word, "never") == 0 || strcmp(states[rank].word, "absent") == 0)
				printf("%-16s %s\n", h->ip, states[rank].text);
			else
				printf("%-16s %s %s\n", h->ip, states[rank].text, line.buf);
		}
		fr_buf_addf(&json, "%s{\"host\":", n ? "," : "");
		fr_buf_add_json_str(&json, h->ip);
		fr_buf_adds(&json, ",\"state\":");
		fr_buf_add_json_str(&json, states[rank].word);
		if (fr_node_is_seq(mods)) {
			fr_buf_adds(&json, ",\"modules\":");
			fr_node_to_json(mods, &json, NULL);
		}
		if (strcmp(states[rank].word, "unreachable") == 0) {
			fr_buf_adds(&json, ",\"error\":");
			fr_buf_add_json_str(&json, err.msg);
		}
		fr_buf_addc(&json, '}');
		n++;
		fr_node_free(node);
		fr_buf_release(&out);
		fr_buf_release(&line);
	}
	fr_inv_free(inv);
	if (n == 0) {
		fr_buf_release(&json);
		fr_cli_error("status: -l '%s' matches no host or cluster", limit);
		return FR_EXIT_USAGE;
	}
	fr_buf_adds(&json, "],\"result\":");
	fr_buf_add_json_str(&json, states[worst].word);
	fr_buf_adds(&json, "}\n");
	if (as_json)
		fwrite(json.buf, 1, json.len, stdout);
	fr_buf_release(&json);
	return states[worst].code;
}
