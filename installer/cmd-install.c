/* cmd-install.c -- `farrow install`: lay a bundle down on the inventory's nodes over SSH: the
 * options, the checks before any node is touched, and what people (or --progress=json) see. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "crypto.h"
#include "err.h"
#include "farrow.h"
#include "fileio.h"
#include "install.h"
#include "inventory.h"
#include "pki.h"
#include "modules.h"
#include "profile.h"
#include "plan.h"
#include "ssh.h"
#include "xalloc.h"
#include "yamlnode.h"

#define INSTALL_USAGE                                                                                  \
	"usage: farrow install <inventory> --bundle <bundle> --key <bundle-public-key>\n"             \
	"                      [-l <host|cluster>] [--ssh-key <file>] [--known-hosts <file>]\n"       \
	"                      [--accept-new-host-keys] [--timeout <seconds>] [--wait <seconds>]\n"   \
	"                      [--pki <dir>] [--firstboot <file>] [--plan] [--progress=json]\n"                          \
	"\n"                                                                                            \
	"For each host (of the cluster or host given with -l), all at once, over SSH: survey the\n"   \
	"node as --plan does and refuse what must not be touched; copy the bundle (skipped when\n"    \
	"the node has the same one), verify its signature and every file on the node before\n"       \
	"anything changes, unpack it, point apt at the bundle's repository only, install what the\n" \
	"node's roles need, write /etc/farrow/profile.yml (0600), then start\n"                      \
	"farrow-firstboot.service and print its module states until the node has converged.\n"      \
	"Host keys are checked against known_hosts: an unknown one is refused unless\n"              \
	"--accept-new-host-keys. A second run changes nothing and says so. On failure the node's\n"  \
	"logs are kept in ./farrow-logs/<host>/.\n"                                                  \
	"\n"                                                                                            \
	"  --progress=json one JSON object a line on stdout instead of text, for programs (the\n" \
	"                  wizard): {host, step, elapsed} as each step begins, {host, module,\n"    \
	"                  state, elapsed[, error]} as a module changes, {host, result, code,\n"    \
	"                  changed, elapsed, summary[, log | plan]} as a host ends, then\n"        \
	"                  {result, code, hosts}\n"                                                \
	"  --plan          change nothing: print what each node will become (modules, services,\n"  \
	"                  packages) and what it found (PGDATA, etcd data, running members), and\n" \
	"                  solve the bundle against the node's installed packages (libsolv)\n"      \
	"  --pki <dir>     the farrow CA and host certificates (default: files/pki beside the\n"    \
	"                  inventory; made once)\n"                                                  \
	"  --wait <s>      how long firstboot may run on a node (default 1800)\n"                   \
	"  --timeout <s>   SSH connect and step timeout (default 10)\n"                              \
	"  --firstboot <f> the farrow-firstboot binary for the nodes (default: $FARROW_FIRSTBOOT,\n"  \
	"                  else the one beside farrow)\n"                                            \
	"\n"                                                                                            \
	"exit status: 0 installed, unchanged or (--plan) ready, 1 a host failed or was refused,\n"  \
	"             2 usage, 3 invalid inventory, 6 the bundle does not verify,\n"                 \
	"             10 a host cannot be reached or authenticated\n"

static void keep_log(const char *ip, const struct host_result *hr)
{
	char *dir = fr_xasprintf("farrow-logs/%s", ip), *path = fr_xasprintf("%s/install.log", dir);

	if (fr_mkdir_p(dir, 0700, NULL) == 0)
		fr_write_atomic(path, hr->log.buf, hr->log.len, 0600, 0, NULL);
	free(dir);
	free(path);
}

static void last_lines(const struct fr_buf *b, int n)
{
	const char *p = b->buf + b->len;
	int lines = 0;

	while (p > b->buf && lines <= n)
		if (*--p == '\n')
			lines++;
	fprintf(stderr, "    | %s", p == b->buf ? p : p + 1);
}

/* What people see (text) or a program reads (--progress=json, one object a line). */
struct front {
	const struct install_opts *o;
	int r;                         /* the exit status so far */
	const struct fr_host **hosts;
	size_t nhosts;
	struct fr_buf *last;           /* per host: ";name=state;..." of its last module report */
};

static size_t host_index(const struct front *f, const struct fr_host *h)
{
	size_t i;

	for (i = 0; i < f->nhosts && f->hosts[i] != h; i++)
		;
	return i < f->nhosts ? i : 0;
}

static void json_line(struct fr_buf *b)
{
	fr_buf_adds(b, "}\n");
	fwrite(b->buf, 1, b->len, stdout);
	fflush(stdout);
	fr_buf_release(b);
}

static void json_host(struct fr_buf *b, const struct fr_host *h)
{
	fr_buf_adds(b, "{\"host\":");
	fr_buf_add_json_str(b, h->ip);
}

static void on_step(void *ctx, const struct fr_host *h, const char *step, long elapsed)
{
	const struct front *f = ctx;
	struct fr_buf b = FR_BUF_INIT;

	if (!f->o->json)
		return; /* people see the modules move; the steps before them are short */
	json_host(&b, h);
	fr_buf_adds(&b, ",\"step\":");
	fr_buf_add_json_str(&b, step);
	fr_buf_addf(&b, ",\"elapsed\":%ld", elapsed);
	json_line(&b);
}

/* The node's modules moved: a line of all of them (text), or an object per module that changed. */
static void on_modules(void *ctx, const struct fr_host *h, const struct fr_node *mods, long elapsed)
{
	struct front *f = ctx;
	struct fr_buf *last = &f->last[host_index(f, h)], now = FR_BUF_INIT;
	size_t i;

	fr_buf_addc(&now, ';');
	for (i = 0; i < mods->n; i++) {
		const char *name = fr_node_str(fr_node_get(mods->items[i], "name"));
		const char *state = fr_node_str(fr_node_get(mods->items[i], "state"));
		size_t mark = now.len;

		if (name == NULL || state == NULL)
			continue;
		fr_buf_addf(&now, "%s=%s;", name, state);
		if (f->o->json && (last->len == 0 || strstr(last->buf, now.buf + mark - 1) == NULL)) {
			struct fr_buf b = FR_BUF_INIT;
			const char *error = fr_node_str(fr_node_get(mods->items[i], "error"));

			json_host(&b, h);
			fr_buf_adds(&b, ",\"module\":");
			fr_buf_add_json_str(&b, name);
			fr_buf_adds(&b, ",\"state\":");
			fr_buf_add_json_str(&b, state);
			fr_buf_addf(&b, ",\"elapsed\":%ld", elapsed);
			if (error) {
				fr_buf_adds(&b, ",\"error\":");
				fr_buf_add_json_str(&b, error);
			}
			json_line(&b);
		}
	}
	if (!f->o->json && (last->len == 0 || strcmp(last->buf, now.buf) != 0)) {
		struct fr_buf line = FR_BUF_INIT;

		install_modules_line(mods, &line);
		printf("%-16s %s(%ld s)\n", h->ip, line.buf, elapsed);
		fflush(stdout);
		fr_buf_release(&line);
	}
	fr_buf_release(last);
	*last = now;
}

static const char *result_word(const struct install_opts *o, const struct host_result *hr)
{
	if (hr->code == FR_EXIT_UNREACHABLE)
		return "unreachable";
	if (strncmp(hr->summary, "refused:", 8) == 0)
		return "refused";
	if (hr->code != FR_EXIT_OK)
		return "failed";
	return o->plan ? "ready" : hr->changed ? "installed" : "unchanged";
}

static void on_done(void *ctx, const struct fr_host *h, const struct host_result *hr, long elapsed)
{
	struct front *f = ctx;
	int failed = hr->code != FR_EXIT_OK;

	if (failed && hr->log.len && !f->o->plan)
		keep_log(h->ip, hr);
	if (f->o->json) {
		struct fr_buf b = FR_BUF_INIT;

		json_host(&b, h);
		fr_buf_adds(&b, ",\"result\":");
		fr_buf_add_json_str(&b, result_word(f->o, hr));
		fr_buf_addf(&b, ",\"code\":%d,\"changed\":%s,\"elapsed\":%ld,\"summary\":", hr->code,
			    hr->changed ? "true" : "false", elapsed);
		fr_buf_add_json_str(&b, hr->summary);
		if (f->o->plan && hr->code != FR_EXIT_UNREACHABLE) {
			fr_buf_adds(&b, ",\"plan\":");
			fr_buf_add_json_str(&b, hr->log.buf);
		} else if (failed && hr->log.len) {
			fr_buf_addf(&b, ",\"log\":\"farrow-logs/%s/install.log\"", h->ip);
		}
		json_line(&b);
	} else if (f->o->plan) {
		/* the plan of each host, whole */
		printf("%-16s %s\n%s", h->ip, hr->summary, hr->code == FR_EXIT_UNREACHABLE ? "" : hr->log.buf);
		fflush(stdout);
	} else {
		printf("%-16s %s: %s\n", h->ip, failed ? "FAILED" : "ok", hr->summary);
		fflush(stdout);
		if (failed && hr->log.len) {
			fprintf(stderr, "%s: last lines (all in farrow-logs/%s/install.log):\n", h->ip, h->ip);
			last_lines(&hr->log, 8);
		}
	}
	/* the worst wins: a bad signature, then unreachable (for a plan), then the first failure */
	if (failed && (f->r == FR_EXIT_OK || hr->code == FR_EXIT_BADSIG ||
		       (f->o->plan && hr->code == FR_EXIT_UNREACHABLE)))
		f->r = hr->code;
}

int cmd_install(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "bundle", required_argument, NULL, 'b' },   { "key", required_argument, NULL, 'k' },
		{ "limit", required_argument, NULL, 'l' },    { "ssh-key", required_argument, NULL, 'i' },
		{ "known-hosts", required_argument, NULL, 'K' }, { "accept-new-host-keys", no_argument, NULL, 'A' },
		{ "timeout", required_argument, NULL, 't' },  { "firstboot", required_argument, NULL, 'F' },
		{ "pki", required_argument, NULL, 'P' },      { "wait", required_argument, NULL, 'W' },
		{ "plan", no_argument, NULL, 'p' },           { "progress", required_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
	};
	struct install_opts o;
	struct fr_inventory *inv = NULL;
	struct fr_err err = { 0 };
	char *fb = NULL;
	size_t i, nsel = 0;
	int c, r = FR_EXIT_OK;

	memset(&o, 0, sizeof(o));
	o.ssh.timeout = 10;
	o.wait = 1800;
	optind = 1;
	while ((c = getopt_long(argc, argv, "b:k:l:h", lo, NULL)) != -1) {
		switch (c) {
		case 'b': o.bundle = optarg; break;
		case 'k': o.key = optarg; break;
		case 'l': o.limit = optarg; break;
		case 'i': o.ssh.key = optarg; break;
		case 'K': o.ssh.known_hosts = optarg; break;
		case 'A': o.ssh.accept_new = 1; break;
		case 't': o.ssh.timeout = atoi(optarg); break;
		case 'F': o.firstboot = optarg; break;
		case 'P': free(o.pki); o.pki = fr_xstrdup(optarg); break;
		case 'W': o.wait = atoi(optarg); break;
		case 'p': o.plan = 1; break;
		case 'J':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
				fr_cli_error("install: --progress is text or json, not '%s'", optarg);
				return FR_EXIT_USAGE;
			}
			o.json = strcmp(optarg, "json") == 0;
			break;
		case 'h': fputs(INSTALL_USAGE, stdout); return FR_EXIT_OK;
		default: fputs(INSTALL_USAGE, stderr); return FR_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || o.bundle == NULL || o.key == NULL || o.ssh.timeout <= 0 || o.wait <= 0) {
		fputs(INSTALL_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	o.firstboot = fb = farrow_firstboot_path(o.firstboot);
	if (fr_inv_load_file(argv[optind], &inv, &err) < 0) {
		fr_cli_error("%s", err.msg);
		r = FR_EXIT_FAIL;
		goto out;
	}
	if (fr_inv_validate(inv) > 0) {
		fr_cli_print_diags(inv->path, &inv->diags, "inventory", 1);
		r = FR_EXIT_INVALID;
		goto out;
	}
	/* names that reach a node's shell and file system: checked here, quoted there */
	{
		const char *base = strrchr(o.bundle, '/') ? strrchr(o.bundle, '/') + 1 : o.bundle;
		const char *why = fr_path_problem(base, 1);

		if (why) {
			fr_cli_error("install: the bundle's file name '%s' %s", base, why);
			r = FR_EXIT_USAGE;
			goto out;
		}
	}
	/* a bundle that does not verify here never reaches a node (each node verifies it again) */
	{
		struct fr_bundle_check check;
		int vr = fr_bundle_verify(o.bundle, o.key, NULL, &check, &err);

		if (vr != 0) {
			struct fr_buf msg = FR_BUF_INIT;

			fr_bundle_check_describe(&check, o.bundle, &msg);
			if (vr == FR_EIO)
				fr_cli_error("install: %s", err.msg);
			else
				fr_cli_error("install: %s does not verify: nothing was sent to any node\n    %s", o.bundle,
					 msg.buf);
			fr_buf_release(&msg);
			fr_bundle_check_release(&check);
			r = vr == FR_EIO ? FR_EXIT_FAIL : FR_EXIT_BADSIG;
			goto out;
		}
		/* what was verified is what the rest reads: the MANIFEST of this pass */
		o.man = check.m;
		check.have_manifest = 0;
		fr_bundle_check_release(&check);
	}
	if (plan_bundle_load(o.bundle, o.man.target, &o.pb, &err) < 0) {
		fr_cli_error("install: %s", err.msg);
		r = FR_EXIT_FAIL;
		goto out;
	}
	/* the farrow CA, beside the inventory as Pigsty keeps its own (files/pki/ca) */
	if (o.pki == NULL) {
		char *copy = fr_xstrdup(argv[optind]);

		o.pki = fr_xasprintf("%s/files/pki", dirname(copy));
		free(copy);
	}
	{
		char *cadir = fr_xasprintf("%s/ca", o.pki);
		int created = 0;

		if (!o.plan && fr_pki_ca_ensure(cadir, &created, &err) < 0) {
			fr_cli_error("install: %s", err.msg);
			free(cadir);
			r = FR_EXIT_FAIL;
			goto out;
		}
		if (created)
			fprintf(o.json ? stderr : stdout, "farrow CA made in %s (ca.key is mode 0600: keep it; every node's certificate hangs on it)\n",
			       cadir);
		free(cadir);
	}
	/* every selected host at once, one process each; a line as each one ends */
	{
		const struct fr_host **hosts = fr_xcalloc(inv->nhosts ? inv->nhosts : 1, sizeof(*hosts));
		struct front f;
		struct install_events ev = { &f, on_step, on_modules, on_done };

		memset(&f, 0, sizeof(f));
		f.o = &o;
		f.r = r;
		f.last = fr_xcalloc(inv->nhosts ? inv->nhosts : 1, sizeof(*f.last));
		f.hosts = hosts;
		for (i = 0; i < inv->nhosts && f.r == FR_EXIT_OK; i++) {
			const struct fr_host *h = &inv->hosts[i];

			if (!fr_inv_host_selected(inv, h, o.limit))
				continue;
			if (!o.plan) {
				struct fr_profile_pki paths;
				int made = 0;

				if (fr_profile_pki_ensure(o.pki, inv, h, &paths, &made, &err) < 0) {
					fr_cli_error("install: %s: certificate: %s", h->ip, err.msg);
					f.r = FR_EXIT_FAIL;
					break;
				}
				fr_profile_pki_release(&paths);
				if (!o.json)
					printf("%-16s ...\n", h->ip);
			}
			hosts[nsel++] = h;
		}
		f.nhosts = nsel;
		if (f.r == FR_EXIT_OK && install_fanout(&o, inv, hosts, nsel, &ev) < 0)
			f.r = FR_EXIT_FAIL;
		r = f.r;
		for (i = 0; i < nsel; i++)
			fr_buf_release(&f.last[i]);
		free(f.last);
		free(hosts);
	}
	if (nsel == 0) {
		fr_cli_error("install: -l '%s' matches no host or cluster of '%s'", o.limit, argv[optind]);
		r = FR_EXIT_USAGE;
	} else if (o.json)
		printf("{\"result\":\"%s\",\"code\":%d,\"hosts\":%zu}\n", r == FR_EXIT_OK ? "ok" : "failed", r, nsel);
out:
	fr_bundle_manifest_release(&o.man);
	plan_bundle_release(&o.pb);
	free(o.pki);
	fr_inv_free(inv);
	free(fb);
	return r;
}
