/* cmd-install.c -- `farrow install`: lay a bundle down on the inventory's nodes over SSH. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "crypto.h"
#include "err.h"
#include "farrow.h"
#include "fileio.h"
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
	"                      [--pki <dir>] [--firstboot <file>] [--plan]\n"                          \
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

#define NODE_DIR "/var/lib/farrow"

struct opts {
	const char *bundle, *key, *limit, *ssh_key, *known_hosts, *firstboot;
	char *pki;          /* the CA directory: <pki>/ca/ca.{crt,key}, <pki>/<host>/server.{crt,key} */
	int accept_new, timeout, wait, plan;
	struct plan_bundle pb;
	char bundle_sha[65];
	struct fr_bundle_manifest man;
};

struct host_result {
	int code;
	int changed;
	char summary[1200];
	struct fr_buf log;
	int progress_fd; /* where the child reports module states as they change, -1 for none */
};

/* The unit that converges the node at every boot (and when farrow install starts it). */

static void logf_(struct host_result *hr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct host_result *hr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fr_buf_vaddf(&hr->log, fmt, ap);
	va_end(ap);
}

/* Run a command on the node; its output is logged. Returns its status, or -1 if it did not run. */
static int run(struct fr_ssh *s, struct host_result *hr, const char *cmd, struct fr_buf *out, struct fr_err *err)
{
	struct fr_buf o = FR_BUF_INIT, e = FR_BUF_INIT;
	int st = -1;

	logf_(hr, "$ %s\n", cmd);
	if (fr_ssh_exec(s, cmd, NULL, 0, &o, &e, &st, err) < 0) {
		logf_(hr, "%s\n", err->msg);
		fr_buf_release(&o);
		fr_buf_release(&e);
		return -1;
	}
	fr_buf_addn(&hr->log, o.buf, o.len);
	fr_buf_addn(&hr->log, e.buf, e.len);
	logf_(hr, "[exit %d]\n", st);
	if (out)
		fr_buf_addn(out, o.buf, o.len);
	fr_buf_release(&o);
	fr_buf_release(&e);
	return st;
}

/* Copy local to remote unless the node has the same bytes there. 1 copied, 0 same, -1 failed. */
static int sync_file(struct fr_ssh *s, struct host_result *hr, const char *local, const char *remote, int mode,
		     struct fr_err *err)
{
	char hex[65];
	struct fr_buf out = FR_BUF_INIT, cmd = FR_BUF_INIT;
	int r;

	if (fr_sha256_file(local, hex, NULL, err) < 0)
		return -1;
	fr_buf_adds(&cmd, "sha256sum ");
	fr_buf_add_shq(&cmd, remote);
	fr_buf_adds(&cmd, " 2>/dev/null");
	run(s, hr, cmd.buf, &out, err);
	fr_buf_release(&cmd);
	if (out.len >= 64 && strncmp(out.buf, hex, 64) == 0) {
		fr_buf_release(&out);
		return 0;
	}
	fr_buf_release(&out);
	logf_(hr, "copy %s -> %s\n", local, remote);
	r = fr_ssh_put(s, local, remote, mode, err);
	return r < 0 ? -1 : 1;
}

static int in_bundle(const struct fr_bundle_manifest *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->npkgs; i++)
		if (strcmp(m->pkgs[i].name, name) == 0)
			return 1;
	return 0;
}

static void progress(struct host_result *hr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void progress(struct host_result *hr, const char *fmt, ...)
{
	struct fr_buf b = FR_BUF_INIT;
	va_list ap;

	if (hr->progress_fd < 0)
		return;
	fr_buf_addc(&b, '~');
	va_start(ap, fmt);
	fr_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	fr_buf_addc(&b, '\n');
	if (write(hr->progress_fd, b.buf, b.len) < 0) {
		/* the parent went away; the install goes on */
	}
	fr_buf_release(&b);
}

/*
 * Start farrow-firstboot.service and follow it: its module states, polled,
 * reported as they change, until the unit ends or o->wait seconds pass.
 * 0 when it converged (hr->summary says how), -1 with hr->summary set and
 * the node's farrow logs in hr->log.
 */
/* "node done ca running etcd - pgsql - " from farrow-firstboot status --json (appended to line). */
static void module_states(const char *json, struct fr_buf *line)
{
	struct fr_node *st = fr_yaml_parse(json, strlen(json), NULL);
	const struct fr_node *mods = fr_node_get(st, "modules");
	size_t i;

	for (i = 0; fr_node_is_seq(mods) && i < mods->n; i++) {
		const char *name = fr_node_str(fr_node_get(mods->items[i], "name"));
		const char *state = fr_node_str(fr_node_get(mods->items[i], "state"));

		if (name)
			fr_buf_addf(line, "%s %s ", name, state == NULL || strcmp(state, "never") == 0 ? "-" : state);
	}
	fr_node_free(st);
}

static int converge(const struct opts *o, struct fr_ssh *s, struct host_result *hr, struct fr_err *err)
{
	struct fr_buf out = FR_BUF_INIT, last = FR_BUF_INIT, line = FR_BUF_INIT;
	struct timespec t0, now, sec = { 1, 0 };
	int st = -1, r = -1;

	char before[128] = "";

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* which run was the last: the one this install starts has another InvocationID */
	if (fr_ssh_exec(s, "systemctl show -p InvocationID --value farrow-firstboot.service", NULL, 0, &out, NULL, &st,
			err) == 0)
		snprintf(before, sizeof(before), "%.*s", (int)strcspn(out.buf, "\n"), out.buf);
	/* restart: a oneshot that remains active runs again, and converges again */
	if (run(s, hr, "systemctl restart --no-block farrow-firstboot.service", NULL, err) != 0) {
		snprintf(hr->summary, sizeof(hr->summary), "cannot start farrow-firstboot.service");
		return -1;
	}
	for (;;) {
		char state[32] = "", inv[128] = "";
		const char *p, *mods;

		nanosleep(&sec, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		fr_buf_reset(&out);
		if (fr_ssh_exec(s, "systemctl show -p ActiveState -p InvocationID farrow-firstboot.service; echo ---; "
				   "farrow-firstboot status --json", NULL, 0, &out, NULL, &st, err) < 0) {
			snprintf(hr->summary, sizeof(hr->summary), "lost the node while firstboot ran: %s", err->msg);
			goto out;
		}
		if ((p = strstr(out.buf, "ActiveState=")) != NULL)
			snprintf(state, sizeof(state), "%.*s", (int)strcspn(p + 12, "\n"), p + 12);
		if ((p = strstr(out.buf, "InvocationID=")) != NULL)
			snprintf(inv, sizeof(inv), "%.*s", (int)strcspn(p + 13, "\n"), p + 13);
		/* the node says how its modules stand as data (status --json), shown as one line */
		fr_buf_reset(&line);
		if ((p = strstr(out.buf, "---\n")) != NULL)
			module_states(p + 4, &line);
		mods = line.buf;
		if (*mods && (last.len == 0 || strcmp(last.buf, mods) != 0)) {
			progress(hr, "%s(%ld s)", mods, (long)(now.tv_sec - t0.tv_sec));
			fr_buf_reset(&last);
			fr_buf_adds(&last, mods);
		}
		if (strcmp(inv, before) != 0 && *inv) {
			if (strcmp(state, "active") == 0) {
				r = 0;
				break;
			}
			if (strcmp(state, "failed") == 0 || strcmp(state, "inactive") == 0)
				break;
		}
		if (now.tv_sec - t0.tv_sec > o->wait) {
			snprintf(hr->summary, sizeof(hr->summary), "firstboot still runs after %d s (--wait)", o->wait);
			goto logs;
		}
	}
	if (r == 0) {
		/* what the run did, from its record (last-run.json), not from its log lines */
		struct fr_node *rec;
		long long changes = -1;
		size_t nmod = 0;

		fr_buf_reset(&out);
		run(s, hr, "cat " NODE_DIR "/last-run.json", &out, err);
		if ((rec = fr_yaml_parse(out.buf, out.len, NULL)) != NULL) {
			fr_node_int(fr_node_get(rec, "changes"), &changes);
			nmod = fr_node_is_seq(fr_node_get(rec, "modules")) ? fr_node_get(rec, "modules")->n : 0;
			fr_node_free(rec);
		}
		if (changes < 0)
			snprintf(hr->summary, sizeof(hr->summary), "converged (the node kept no record of the run)");
		else
			snprintf(hr->summary, sizeof(hr->summary), "%zu module%s converged, %lld change%s", nmod,
				 nmod == 1 ? "" : "s", changes, changes == 1 ? "" : "s");
		if (changes != 0)
			hr->changed = 1;
		goto out;
	}
	snprintf(hr->summary, sizeof(hr->summary), "farrow-firstboot failed: %s", last.len ? last.buf : "(no module ran)");
logs:
	/* the node's farrow logs come back with the failure */
	logf_(hr, "---- the node's farrow logs (/var/log/farrow) ----\n");
	run(s, hr, "for f in /var/log/farrow/*.log; do echo \"==> $f <==\"; tail -n 200 \"$f\"; done; "
		   "journalctl -u farrow-firstboot.service -b -q --no-pager -n 30 -o cat", NULL, err);
out:
	fr_buf_release(&out);
	fr_buf_release(&last);
	fr_buf_release(&line);
	return r;
}

static void install_host(const struct opts *o, const struct fr_inventory *inv, const struct fr_host *h,
			 struct host_result *hr)
{
	struct fr_ssh_opts so = { 0 };
	struct fr_err err = { 0 };
	struct fr_ssh *s = NULL;
	struct fr_buf out = FR_BUF_INIT, cmd = FR_BUF_INIT;
	char **pk = NULL, *remote_bundle = NULL, *remote_sig = NULL, *sig = NULL, *top = NULL;
	const char *base = strrchr(o->bundle, '/') ? strrchr(o->bundle, '/') + 1 : o->bundle;
	struct fr_buf prof = FR_BUF_INIT;
	struct fr_node *profile = NULL;
	size_t npk = 0, i;
	long long port = 22;
	int st, c1, c2, c3, c4;

	hr->code = FR_EXIT_FAIL;
	fr_inv_int(inv, h, "ansible_port", &port);
	so.host = h->ip;
	so.port = (int)port;
	so.user = fr_inv_str(inv, h, "ansible_user");
	so.key = o->ssh_key;
	so.known_hosts = o->known_hosts;
	so.accept_new = o->accept_new;
	so.timeout = o->timeout;
	if ((s = fr_ssh_connect(&so, &err)) == NULL) {
		snprintf(hr->summary, sizeof(hr->summary), "%s", err.msg);
		hr->code = FR_EXIT_UNREACHABLE;
		return;
	}
	/* connected within --timeout; from here a step may be silent for long (apt, firstboot) */
	fr_ssh_set_timeout(s, o->wait > o->timeout ? o->wait : o->timeout);
	/* the node's profile, as it will converge from it; what its modules need comes from it */
	top = fr_xasprintf(NODE_DIR "/bundles/%s", o->man.top);
	{
		struct fr_profile_pki paths;
		struct fr_diags d = { 0 };
		int pr;

		fr_profile_pki_paths(o->pki, h->ip, &paths);
		pr = fr_profile_render(inv, h, top, o->plan ? NULL : &paths, &prof, &err);
		fr_profile_pki_release(&paths);
		if (pr < 0 || (profile = fr_profile_load(prof.buf, prof.len, &d, &err)) == NULL || d.nerrors) {
			snprintf(hr->summary, sizeof(hr->summary), "the node's profile: %s",
				 d.nerrors ? d.v[0].msg : err.msg);
			fr_diags_release(&d);
			goto out;
		}
		fr_diags_release(&d);
	}
	/* what its modules need, all of it in the bundle, before anything changes */
	fr_node_packages(profile, &pk, &npk);
	for (i = 0; i < npk; i++)
		if (!in_bundle(&o->man, pk[i])) {
			snprintf(hr->summary, sizeof(hr->summary), "package '%s' is not in bundle %s", pk[i], base);
			goto out;
		}
	/* the same survey as --plan, before anything changes: refuse what must not be touched */
	{
		struct fr_buf planned = FR_BUF_INIT;
		int pr = plan_host(s, inv, h, &o->pb, pk, npk, &planned, hr->summary, sizeof(hr->summary));

		if (o->plan)
			logf_(hr, "%s", planned.buf);
		else
			logf_(hr, "$ survey (as farrow install --plan)\n%s", planned.buf);
		fr_buf_release(&planned);
		if (pr < 0)
			goto out;
		if (pr > 0) {
			if (!o->plan)
				strncat(hr->summary, "; nothing changed", sizeof(hr->summary) - strlen(hr->summary) - 1);
			goto out;
		}
		if (o->plan) {
			hr->code = FR_EXIT_OK;
			goto out;
		}
		hr->summary[0] = '\0';
	}
	if (run(s, hr, "mkdir -p " NODE_DIR "/incoming " NODE_DIR "/keys " NODE_DIR "/bundles /var/log/farrow "
			"/usr/local/sbin", NULL, &err) != 0)
		goto failed;
	remote_bundle = fr_xasprintf(NODE_DIR "/incoming/%s.tar.zst", o->man.top);
	remote_sig = fr_xasprintf("%s.sig", remote_bundle);
	sig = fr_xasprintf("%s.sig", o->bundle);
	if ((c1 = sync_file(s, hr, o->firstboot, "/usr/local/sbin/farrow-firstboot", 0755, &err)) < 0 ||
	    (c2 = sync_file(s, hr, o->key, NODE_DIR "/keys/bundle.gpg", 0644, &err)) < 0 ||
	    (c3 = sync_file(s, hr, sig, remote_sig, 0644, &err)) < 0 ||
	    (c4 = sync_file(s, hr, o->bundle, remote_bundle, 0644, &err)) < 0)
		goto failed;
	hr->changed |= c1 | c2 | c3 | c4;
	/* verify on the node before anything else changes (the packages module unpacks it) */
	fr_buf_reset(&cmd);
	fr_buf_adds(&cmd, "farrow-firstboot verify ");
	fr_buf_add_shq(&cmd, remote_bundle);
	fr_buf_adds(&cmd, " --key " NODE_DIR "/keys/bundle.gpg");
	fr_buf_reset(&out);
	st = run(s, hr, cmd.buf, &out, &err);
	if (st != 0) {
		snprintf(hr->summary, sizeof(hr->summary), "the bundle does not verify on the node: nothing changed");
		hr->code = st == 6 ? FR_EXIT_BADSIG : FR_EXIT_FAIL;
		goto out;
	}
	/* the profile goes through stdin, never argv or a log; 0600 from the start */
	{
		int pst = -1;

		fr_buf_reset(&out);
		logf_(hr, "$ write /etc/farrow/profile.yml (%zu bytes, not logged)\n", prof.len);
		if (fr_ssh_exec(s, "set -e; umask 077; mkdir -p /etc/farrow; chmod 700 /etc/farrow; "
				   "cat > /etc/farrow/profile.yml.new; "
				   "if cmp -s /etc/farrow/profile.yml.new /etc/farrow/profile.yml; then rm /etc/farrow/profile.yml.new; "
				   "else mv /etc/farrow/profile.yml.new /etc/farrow/profile.yml; echo CHANGED; fi",
				   prof.buf, prof.len, &out, NULL, &pst, &err) < 0 || pst != 0) {
			snprintf(hr->summary, sizeof(hr->summary), "cannot write /etc/farrow/profile.yml");
			goto out;
		}
		if (strstr(out.buf, "CHANGED"))
			hr->changed = 1;
	}
	/* farrow-firstboot.service: installed, enabled, started; its modules reported as they go */
	{
		int ust = -1;

		fr_buf_reset(&out);
		logf_(hr, "$ write /etc/systemd/system/farrow-firstboot.service\n");
		if (fr_ssh_exec(s, "set -e; f=/etc/systemd/system/farrow-firstboot.service; cat > $f.new; "
				   "if cmp -s $f.new $f; then rm $f.new; else mv $f.new $f; systemctl daemon-reload; echo CHANGED; fi; "
				   "systemctl enable -q farrow-firstboot.service",
				fr_firstboot_unit, strlen(fr_firstboot_unit), &out, NULL, &ust, &err) < 0 || ust != 0) {
			snprintf(hr->summary, sizeof(hr->summary), "cannot install farrow-firstboot.service");
			goto out;
		}
		if (strstr(out.buf, "CHANGED"))
			hr->changed = 1;
	}
	st = converge(o, s, hr, &err);
	if (st < 0)
		goto out;
	{
		char *sum = fr_xstrdup(hr->summary);

		snprintf(hr->summary, sizeof(hr->summary), "%s (%zu packages for its roles); %s",
			 hr->changed ? "installed" : "unchanged: nothing to do", npk, sum);
		free(sum);
	}
	hr->code = FR_EXIT_OK;
	goto out;
failed:
	snprintf(hr->summary, sizeof(hr->summary), "%s", err.msg[0] ? err.msg : "a step failed");
out:
	for (i = 0; i < npk; i++)
		free(pk[i]);
	free(pk);
	fr_buf_wipe(&prof);
	fr_node_free(profile);
	free(remote_bundle);
	free(remote_sig);
	free(sig);
	free(top);
	fr_buf_release(&out);
	fr_buf_release(&cmd);
	fr_ssh_close(s);
}

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

int cmd_install(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "bundle", required_argument, NULL, 'b' },   { "key", required_argument, NULL, 'k' },
		{ "limit", required_argument, NULL, 'l' },    { "ssh-key", required_argument, NULL, 'i' },
		{ "known-hosts", required_argument, NULL, 'K' }, { "accept-new-host-keys", no_argument, NULL, 'A' },
		{ "timeout", required_argument, NULL, 't' },  { "firstboot", required_argument, NULL, 'F' },
		{ "pki", required_argument, NULL, 'P' },      { "wait", required_argument, NULL, 'W' },
		{ "plan", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
	};
	struct opts o;
	struct fr_inventory *inv = NULL;
	struct fr_err err = { 0 };
	char *self = NULL, *fb = NULL;
	size_t i, nsel = 0;
	int c, r = FR_EXIT_OK;

	memset(&o, 0, sizeof(o));
	o.timeout = 10;
	o.wait = 1800;
	optind = 1;
	while ((c = getopt_long(argc, argv, "b:k:l:h", lo, NULL)) != -1) {
		switch (c) {
		case 'b': o.bundle = optarg; break;
		case 'k': o.key = optarg; break;
		case 'l': o.limit = optarg; break;
		case 'i': o.ssh_key = optarg; break;
		case 'K': o.known_hosts = optarg; break;
		case 'A': o.accept_new = 1; break;
		case 't': o.timeout = atoi(optarg); break;
		case 'F': o.firstboot = optarg; break;
		case 'P': free(o.pki); o.pki = fr_xstrdup(optarg); break;
		case 'W': o.wait = atoi(optarg); break;
		case 'p': o.plan = 1; break;
		case 'h': fputs(INSTALL_USAGE, stdout); return FR_EXIT_OK;
		default: fputs(INSTALL_USAGE, stderr); return FR_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || o.bundle == NULL || o.key == NULL || o.timeout <= 0 || o.wait <= 0) {
		fputs(INSTALL_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	if (o.firstboot == NULL && getenv("FARROW_FIRSTBOOT") && *getenv("FARROW_FIRSTBOOT"))
		o.firstboot = getenv("FARROW_FIRSTBOOT");
	if (o.firstboot == NULL) {
		/* farrow-firstboot beside this farrow */
		self = realpath("/proc/self/exe", NULL);
		fb = fr_xasprintf("%s/farrow-firstboot", self ? dirname(self) : ".");
		if (access(fb, X_OK) != 0) {
			free(fb);
			fb = fr_xstrdup("/usr/local/bin/farrow-firstboot");
		}
		o.firstboot = fb;
	}
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
			printf("farrow CA made in %s (ca.key is mode 0600: keep it; every node's certificate hangs on it)\n",
			       cadir);
		free(cadir);
	}
	/* every selected host at once, one process each; a line as each one ends */
	{
		struct job {
			const struct fr_host *h;
			pid_t pid;
			int fd;
			size_t seen;   /* bytes of data already handled as progress lines */
			int final;     /* the final record has begun */
			struct fr_buf data;
		} *jobs = fr_xcalloc(inv->nhosts ? inv->nhosts : 1, sizeof(*jobs));
		size_t open = 0;

		for (i = 0; i < inv->nhosts; i++) {
			const struct fr_host *h = &inv->hosts[i];
			size_t g;
			int selected = o.limit == NULL || strcmp(o.limit, h->ip) == 0, p[2];

			for (g = 0; !selected && g < h->ngroups; g++)
				selected = strcmp(inv->groups[h->groups[g]].name, o.limit) == 0;
			if (!selected)
				continue;
			if (!o.plan) {
				struct fr_profile_pki paths;
				int made = 0;

				if (fr_profile_pki_ensure(o.pki, inv, h, &paths, &made, &err) < 0) {
					fr_cli_error("install: %s: certificate: %s", h->ip, err.msg);
					r = FR_EXIT_FAIL;
					break;
				}
				fr_profile_pki_release(&paths);
			}
			if (pipe(p) < 0) {
				fr_cli_error("install: %s", strerror(errno));
				r = FR_EXIT_FAIL;
				break;
			}
			if (!o.plan) {
				printf("%-16s ...\n", h->ip);
				fflush(stdout);
			}
			jobs[nsel].h = h;
			jobs[nsel].fd = p[0];
			fr_buf_init(&jobs[nsel].data);
			if ((jobs[nsel].pid = fork()) == 0) {
				struct host_result hr;
				struct fr_buf rec = FR_BUF_INIT;
				size_t done = 0;

				close(p[0]);
				memset(&hr, 0, sizeof(hr));
				fr_buf_init(&hr.log);
				hr.progress_fd = p[1];
				install_host(&o, inv, h, &hr);
				/* progress lines (~) came first; now =code changed summary, then the log */
				fr_buf_addf(&rec, "=%d %d %s\n", hr.code, hr.changed, hr.summary);
				fr_buf_addn(&rec, hr.log.buf, hr.log.len);
				while (done < rec.len) {
					ssize_t w = write(p[1], rec.buf + done, rec.len - done);

					if (w <= 0)
						break;
					done += (size_t)w;
				}
				_exit(0);
			}
			close(p[1]);
			if (jobs[nsel].pid < 0) {
				close(p[0]);
				fr_cli_error("install: cannot fork: %s", strerror(errno));
				r = FR_EXIT_FAIL;
				break;
			}
			nsel++;
			open++;
		}
		while (open > 0) {
			struct pollfd *pf = fr_xcalloc(nsel, sizeof(*pf));

			for (i = 0; i < nsel; i++) {
				pf[i].fd = jobs[i].fd;
				pf[i].events = POLLIN;
			}
			if (poll(pf, nsel, -1) < 0 && errno != EINTR) {
				free(pf);
				break;
			}
			for (i = 0; i < nsel; i++) {
				char buf[65536];
				ssize_t n;
				struct host_result hr;
				char *nl;
				const char *summary;

				if (jobs[i].fd < 0 || pf[i].revents == 0)
					continue;
				n = read(jobs[i].fd, buf, sizeof(buf));
				if (n > 0) {
					fr_buf_addn(&jobs[i].data, buf, (size_t)n);
					/* progress lines, as they come */
					while (!jobs[i].final && (nl = memchr(jobs[i].data.buf + jobs[i].seen, '\n',
									     jobs[i].data.len - jobs[i].seen)) != NULL) {
						char *line = jobs[i].data.buf + jobs[i].seen;

						if (*line == '=') {
							jobs[i].final = 1;
							break;
						}
						if (*line == '~') {
							printf("%-16s %.*s\n", jobs[i].h->ip, (int)(nl - line - 1), line + 1);
							fflush(stdout);
						}
						jobs[i].seen = (size_t)(nl - jobs[i].data.buf) + 1;
					}
					continue;
				}
				if (n < 0 && errno == EINTR)
					continue;
				close(jobs[i].fd);
				jobs[i].fd = -1;
				open--;
				waitpid(jobs[i].pid, NULL, 0);
				memset(&hr, 0, sizeof(hr));
				fr_buf_init(&hr.log);
				hr.code = FR_EXIT_FAIL;
				summary = "the installer process for this host died";
				nl = jobs[i].data.buf + jobs[i].seen;
				nl = *nl == '=' ? strchr(nl, '\n') : NULL;
				if (nl) {
					const char *rec = jobs[i].data.buf + jobs[i].seen + 1;

					*nl = '\0';
					if (sscanf(rec, "%d %d", &hr.code, &hr.changed) == 2) {
						const char *sp = strchr(rec, ' ');

						sp = sp ? strchr(sp + 1, ' ') : NULL;
						summary = sp ? sp + 1 : "";
					}
					fr_buf_adds(&hr.log, nl + 1);
				}
				if (o.plan) {
					/* the plan of each host, whole */
					printf("%-16s %s\n%s", jobs[i].h->ip, summary, hr.code == FR_EXIT_UNREACHABLE ? "" : hr.log.buf);
					fflush(stdout);
					if (hr.code != 0 && (r == FR_EXIT_OK || hr.code == FR_EXIT_UNREACHABLE))
						r = hr.code;
					fr_buf_release(&hr.log);
					fr_buf_release(&jobs[i].data);
					continue;
				}
				printf("%-16s %s: %s\n", jobs[i].h->ip, hr.code == 0 ? "ok" : "FAILED", summary);
				fflush(stdout);
				if (hr.code != 0) {
					if (hr.log.len) {
						keep_log(jobs[i].h->ip, &hr);
						fprintf(stderr, "%s: last lines (all in farrow-logs/%s/install.log):\n",
							jobs[i].h->ip, jobs[i].h->ip);
						last_lines(&hr.log, 8);
					}
					if (r == FR_EXIT_OK || hr.code == FR_EXIT_BADSIG)
						r = hr.code;
				}
				fr_buf_release(&hr.log);
				fr_buf_release(&jobs[i].data);
			}
			free(pf);
		}
		free(jobs);
	}
	if (nsel == 0) {
		fr_cli_error("install: -l '%s' matches no host or cluster of '%s'", o.limit, argv[optind]);
		r = FR_EXIT_USAGE;
	}
out:
	fr_bundle_manifest_release(&o.man);
	plan_bundle_release(&o.pb);
	free(o.pki);
	fr_inv_free(inv);
	free(self);
	free(fb);
	return r;
}
