/* cmd-status.c -- `farrow status`: every node's farrow-firstboot module states, over SSH. */
/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "farrow.h"
#include "health.h"
#include "inventory.h"
#include "ssh.h"
#include "xalloc.h"
#include "yamlnode.h"

#define STATUS_USAGE                                                                                \
	"usage: farrow status <inventory> [-l <host|cluster>] [--ssh-key <file>]\n"                \
	"                     [--known-hosts <file>] [--timeout <seconds>] [--json]\n"              \
	"\n"                                                                                         \
	"Ask every node for its modules' states (farrow-firstboot status --json) and print them, a\n" \
	"line a node; then every etcd and PostgreSQL cluster of those nodes, judged from what its\n" \
	"members report (farrow-firstboot health --json): etcd members' health and leader; Patroni's\n" \
	"members with role, state, timeline and lag; the leader's replication streams; where\n"     \
	"haproxy's services route; the last backup. A cluster is healthy, degraded (a member down,\n" \
	"not streaming, or a replica Patroni calls running that the leader's pg_stat_replication\n" \
	"does not show) or down (no leader, no quorum). Host keys must already be known (farrow\n"  \
	"install records them).\n"                                                                  \
	"\n"                                                                                         \
	"  --json   one object: {\"hosts\": [{host, state, modules: [the node's own status --json\n"  \
	"           modules: name, state, started, finished, changes, error], error}], \"result\"};\n" \
	"           state is done, failed, running, never, absent (no farrow-firstboot) or\n"      \
	"           unreachable, and result the worst of them; \"clusters\": [{kind, name, state,\n" \
	"           reasons, leader, members, services, backup}]\n"                                 \
	"\n"                                                                                         \
	"exit status: 0 every node done and every cluster healthy, 1 a node failed or a cluster\n"   \
	"             is degraded or down, 2 usage or a node still running,\n"                      \
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
	struct fr_buf json = FR_BUF_INIT, text = FR_BUF_INIT;
	struct fr_err err = { 0 };
	struct fr_health_host *hh = NULL;
	struct fr_node **reports = NULL;
	enum fr_health health;
	int c, worst = 0, as_json = 0, code;
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
	hh = fr_xcalloc(inv->nhosts + 1, sizeof(*hh));
	reports = fr_xcalloc(inv->nhosts + 1, sizeof(*reports));
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
			else {
				/* and how its members stand, as data too */
				struct fr_buf hb = FR_BUF_INIT;
				int hst = -1;

				if (fr_ssh_exec(s, "farrow-firstboot health --json 2>/dev/null", NULL, 0, &hb, NULL, &hst,
						&err) == 0 && hst == 0)
					reports[n] = fr_yaml_parse(hb.buf, hb.len, NULL);
				fr_buf_release(&hb);
			}
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
		hh[n].host = h;
		hh[n].report = reports[n];
		n++;
		fr_node_free(node);
		fr_buf_release(&out);
		fr_buf_release(&line);
	}
	if (n == 0) {
		fr_cli_error("status: -l '%s' matches no host or cluster", limit);
		code = FR_EXIT_USAGE;
		goto out;
	}
	fr_buf_adds(&json, "],\"result\":");
	fr_buf_add_json_str(&json, states[worst].word);
	fr_buf_adds(&json, ",\"clusters\":");
	health = fr_health_clusters(inv, hh, n, &json, &text);
	fr_buf_adds(&json, "}\n");
	if (as_json)
		fwrite(json.buf, 1, json.len, stdout);
	else if (text.len)
		printf("\n%s", text.buf);
	code = states[worst].code;
	/* a degraded or down cluster is a failure, unless a node's state says something worse */
	if (health != FR_HEALTHY && code == FR_EXIT_OK)
		code = FR_EXIT_FAIL;
out:
	for (i = 0; i < inv->nhosts; i++)
		fr_node_free(reports[i]);
	free(reports);
	free(hh);
	fr_inv_free(inv);
	fr_buf_release(&json);
	fr_buf_release(&text);
	return code;
}
