/* install-node.c -- the steps of `farrow install` on one node, over SSH: survey, copy (each
 * file by hash), verify on the node, profile, unit, then follow farrow-firstboot until the node
 * converged. Runs in the host's own process (install-fanout.c). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "crypto.h"
#include "err.h"
#include "fileio.h"
#include "install.h"
#include "inventory.h"
#include "modules.h"
#include "plan.h"
#include "profile.h"
#include "ssh.h"
#include "xalloc.h"
#include "yamlnode.h"

static void logf_(struct host_result *hr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct host_result *hr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fr_buf_vaddf(&hr->log, fmt, ap);
	va_end(ap);
}

/* ": <module>: <its last error>" of the first failed module of a status --json, or "". */
static void failed_module(const struct fr_node *mods, char *out, size_t n)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; fr_node_is_seq(mods) && i < mods->n; i++) {
		const char *state = fr_node_str(fr_node_get(mods->items[i], "state"));
		const char *error = fr_node_str(fr_node_get(mods->items[i], "error"));

		if (state && (strcmp(state, "failed") == 0 || strcmp(state, "interrupted") == 0)) {
			snprintf(out, n, ": %s: %s", fr_node_str(fr_node_get(mods->items[i], "name")) ?: "?",
				 error ? error : state);
			return;
		}
	}
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

/*
 * Start farrow-firstboot.service and follow it: its module states, polled,
 * reported as they change, until the unit ends or o->wait seconds pass.
 * 0 when it converged (hr->summary says how), -1 with hr->summary set and
 * the node's farrow logs in hr->log.
 */
static int converge(const struct install_opts *o, struct fr_ssh *s, struct host_result *hr, struct fr_err *err)
{
	struct fr_buf out = FR_BUF_INIT, last = FR_BUF_INIT, line = FR_BUF_INIT;
	struct timespec t0, now, sec = { 1, 0 };
	struct fr_node *status = NULL;
	char why[600] = "";
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
		const struct fr_node *mods;
		const char *p;

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
		/* the node says how its modules stand as data (status --json), reported as such */
		fr_node_free(status);
		status = (p = strstr(out.buf, "---\n")) != NULL ? fr_yaml_parse(p + 4, strlen(p + 4), NULL) : NULL;
		mods = fr_node_get(status, "modules");
		if (fr_node_is_seq(mods)) {
			fr_buf_reset(&line);
			install_modules_line(mods, &line);
			if (last.len == 0 || strcmp(last.buf, line.buf) != 0) {
				install_report_modules(hr, mods);
				fr_buf_reset(&last);
				fr_buf_adds(&last, line.buf);
				failed_module(mods, why, sizeof(why));
			}
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
		run(s, hr, "cat " FR_NODE_DIR "/last-run.json", &out, err);
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
	snprintf(hr->summary, sizeof(hr->summary), "farrow-firstboot failed: %s%s", last.len ? last.buf : "(no module ran)",
		 why);
logs:
	/* the node's farrow logs come back with the failure */
	logf_(hr, "---- the node's farrow logs (/var/log/farrow) ----\n");
	run(s, hr, "for f in /var/log/farrow/*.log; do echo \"==> $f <==\"; tail -n 200 \"$f\"; done; "
		   "journalctl -u farrow-firstboot.service -b -q --no-pager -n 30 -o cat", NULL, err);
out:
	fr_node_free(status);
	fr_buf_release(&out);
	fr_buf_release(&last);
	fr_buf_release(&line);
	return r;
}

void install_host(const struct install_opts *o, const struct fr_inventory *inv, const struct fr_host *h,
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
	int st, c1, c2, c3, c4;

	hr->code = FR_EXIT_FAIL;
	install_report_step(hr, o->plan ? "survey" : "connect");
	fr_ssh_opts_for_host(inv, h, &o->ssh, &so);
	if ((s = fr_ssh_connect(&so, &err)) == NULL) {
		snprintf(hr->summary, sizeof(hr->summary), "%s", err.msg);
		hr->code = FR_EXIT_UNREACHABLE;
		return;
	}
	/* connected within --timeout; from here a step may be silent for long (apt, firstboot) */
	fr_ssh_set_timeout(s, o->wait > o->ssh.timeout ? o->wait : o->ssh.timeout);
	/* the node's profile, as it will converge from it; what its modules need comes from it */
	top = fr_xasprintf(FR_NODE_DIR "/bundles/%s", o->man.top);
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
	fr_node_packages(profile, o->pb.packages, o->pb.len, &pk, &npk);
	/* the same survey as --plan, before anything changes: refuse what must not be touched */
	if (!o->plan)
		install_report_step(hr, "survey");
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
	/* what its modules need, all of it in the bundle (none from elsewhere), before anything changes */
	for (i = 0; i < npk; i++)
		if (!in_bundle(&o->man, pk[i])) {
			snprintf(hr->summary, sizeof(hr->summary), "package '%s' is not in bundle %s", pk[i], base);
			goto out;
		}
	install_report_step(hr, "copy");
	if (run(s, hr, "mkdir -p " FR_NODE_DIR "/incoming " FR_NODE_DIR "/keys " FR_NODE_DIR "/bundles /var/log/farrow "
			"/usr/local/sbin", NULL, &err) != 0)
		goto failed;
	remote_bundle = fr_xasprintf(FR_NODE_DIR "/incoming/%s.tar.zst", o->man.top);
	remote_sig = fr_xasprintf("%s.sig", remote_bundle);
	sig = fr_xasprintf("%s.sig", o->bundle);
	if ((c1 = sync_file(s, hr, o->firstboot, "/usr/local/sbin/farrow-firstboot", 0755, &err)) < 0 ||
	    (c2 = sync_file(s, hr, o->key, FR_NODE_DIR "/keys/bundle.gpg", 0644, &err)) < 0 ||
	    (c3 = sync_file(s, hr, sig, remote_sig, 0644, &err)) < 0 ||
	    (c4 = sync_file(s, hr, o->bundle, remote_bundle, 0644, &err)) < 0)
		goto failed;
	hr->changed |= c1 | c2 | c3 | c4;
	/* verify on the node before anything else changes (the packages module unpacks it) */
	install_report_step(hr, "verify");
	fr_buf_reset(&cmd);
	fr_buf_adds(&cmd, "farrow-firstboot verify ");
	fr_buf_add_shq(&cmd, remote_bundle);
	fr_buf_adds(&cmd, " --key " FR_NODE_DIR "/keys/bundle.gpg");
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
	install_report_step(hr, "firstboot");
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
	fr_strv_free(pk, npk);
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

