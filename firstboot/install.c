/* install.c -- `farrow-firstboot install`: the live system's unattended install. From the medium
 * (checked by medium-check before this unit may start): the answer file, the profile of its host
 * and the bundle; the disk the answer file's selector picks, refused when it holds data farrow
 * knows and erase_data is not said; the node's root as an overlay of the medium's squashed root
 * (a generic node root) with the bundle, profile, network and credentials added and the live
 * system's own units taken out; then the disk written as `farrow image build --format raw` lays
 * one out (lib/disk.c, one code path), root filling the disk. Each step is a line of JSON on
 * standard output (the serial console), and a line in the log that goes onto the node. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "answerfile.h"
#include "bundle.h"
#include "buf.h"
#include "cli.h"
#include "crypto.h"
#include "disk.h"
#include "disksurvey.h"
#include "err.h"
#include "exec.h"
#include "fb.h"
#include "fileio.h"
#include "inventory.h"
#include "tlsget.h"
#include "live.h"
#include "medium.h"
#include "profile.h"
#include "xalloc.h"
#include "yamlnode.h"

#define NSTEPS 6

struct inst {
	const struct fb_install_opts *o;
	struct fr_buf log;
	int step;
	const char *step_name;
	time_t t0;
};

/* On the live system, each event on every console the kernel writes to (a screen and a serial
 * line both: which one the operator watches is not known); standard output is the journal. */
static void to_consoles(const char *line)
{
	char *text = NULL, *tok, *save = NULL;
	size_t len = 0;
	struct fr_err err = { 0 };

	if (fr_read_file("/sys/class/tty/console/active", 4096, &text, &len, &err) < 0)
		return;
	for (tok = strtok_r(text, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		char dev[64];
		int fd;

		if (strchr(tok, '/') || snprintf(dev, sizeof(dev), "/dev/%s", tok) >= (int)sizeof(dev))
			continue;
		if ((fd = open(dev, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0)
			continue;
		if (write(fd, line, strlen(line)) < 0) {
			/* a console that does not take it: the journal has the line */
		}
		close(fd);
	}
	free(text);
}

/* One event: a line of JSON on standard output, a line of text in the log. */
static void event(struct inst *in, const char *status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void event(struct inst *in, const char *status, const char *fmt, ...)
{
	struct fr_buf j = FR_BUF_INIT;
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	fr_buf_addf(&j, "{\"farrow_install\":1,\"step\":\"%s\",\"n\":%d,\"of\":%d,\"status\":\"%s\",\"seconds\":%lld,\"detail\":",
		    in->step_name, in->step, NSTEPS, status, (long long)(time(NULL) - in->t0));
	fr_buf_add_json_str(&j, msg ? msg : "");
	fr_buf_adds(&j, "}\n");
	fputs(j.buf, stdout);
	fflush(stdout);
	if (in->o->act)
		to_consoles(j.buf);
	fr_buf_addf(&in->log, "[%4lld s] %d/%d %-8s %-6s %s\n", (long long)(time(NULL) - in->t0), in->step, NSTEPS,
		    in->step_name, status, msg ? msg : "");
	if (in->o->log) {
		struct fr_err err = { 0 };

		fr_write_atomic(in->o->log, in->log.buf, in->log.len, 0600, 0, &err);
	}
	fr_buf_release(&j);
	free(msg);
}

static void begin(struct inst *in, const char *name, const char *what)
{
	in->step++;
	in->step_name = name;
	event(in, "start", "%s", what);
}

/* The answer file, checked as `farrow answer check` checks it (its host in the medium's inventory). */
static struct fr_answerfile *load_answer(struct inst *in, const char *dir)
{
	struct fr_diags d = { 0 };
	struct fr_err err = { 0 };
	struct fr_answerfile *a = NULL;
	struct fr_inventory *iv = NULL;
	char *path = fr_xasprintf("%s/" FR_MEDIUM_ANSWER, dir), *text = NULL, *inv = NULL;
	size_t len = 0;

	if (fr_read_file(path, 1 << 20, &text, &len, &err) < 0) {
		event(in, "failed", "no answer file: %s", err.msg);
		goto out;
	}
	a = fr_answerfile_load(text, len, &d, &err);
	if (a == NULL) {
		if (d.nerrors) {
			fr_diags_sort(&d);
			event(in, "failed", "%s:%d:%d: %s", path, d.v[0].line, d.v[0].col, d.v[0].msg);
		} else
			event(in, "failed", "%s:%s", path, err.msg);
		goto out;
	}
	inv = fr_xasprintf("%s/%s", dir, a->inventory);
	if (fr_inv_load_file(inv, &iv, &err) < 0)
		event(in, "failed", "the answer file's inventory: %s", err.msg);
	else if (fr_inv_validate(iv) > 0)
		event(in, "failed", "the answer file's inventory %s does not hold: %s:%d:%d: %s", inv, iv->path,
		      iv->diags.v[0].line, iv->diags.v[0].col, iv->diags.v[0].msg);
	else if (fr_inv_host(iv, a->host) == NULL)
		event(in, "failed", "host %s is not a host of %s", a->host, inv);
	else
		goto out;
	fr_answerfile_free(a);
	a = NULL;
out:
	fr_inv_free(iv);
	fr_diags_release(&d);
	free(path);
	free(text);
	free(inv);
	return a;
}

/* The profile on the medium: the answer file's host's, checked as any profile is. */
static struct fr_node *load_profile(struct inst *in, const char *dir, const char *host, struct fr_buf *text)
{
	struct fr_diags d = { 0 };
	struct fr_err err = { 0 };
	struct fr_node *root = NULL;
	char *path = fr_xasprintf("%s/" FR_MEDIUM_PROFILE, dir), *data = NULL;
	const char *phost;
	size_t len = 0;

	if (fr_read_file(path, 1 << 20, &data, &len, &err) < 0) {
		event(in, "failed", "no profile on the medium (farrow iso build --answer writes one): %s", err.msg);
		goto out;
	}
	fr_buf_addn(text, data, len);
	root = fr_profile_load(data, len, &d, &err);
	if (root == NULL || d.nerrors) {
		event(in, "failed", "the medium's profile is refused: %s%s", d.nerrors ? "" : err.msg, d.nerrors ? d.v[0].msg : "");
		fr_node_free(root);
		root = NULL;
		goto out;
	}
	phost = fr_node_str(fr_node_get(root, "host"));
	if (phost == NULL || strcmp(phost, host) != 0) {
		event(in, "failed", "the medium's profile is for %s, the answer file's host is %s", phost ? phost : "no host", host);
		fr_node_free(root);
		root = NULL;
	}
out:
	if (data)
		fr_wipe(data, len);
	free(data);
	free(path);
	fr_diags_release(&d);
	return root;
}

/*
 * Where the answers come from, when not the wizard's (--answer-dir): --answer-from, else
 * farrow.answer= on the kernel command line, else a volume labelled FARROW-ANSWER (farrow answer
 * volume), else the medium's farrow/. A volume (a device) or an https:// URL of a directory
 * (its server known by the SHA-256 of its certificate: --answer-sha256 or farrow.answer_sha256=;
 * plain http is refused) gives answer.yml, inventory.yml and profile.yml, copied into dir (0700).
 * The directory to read them from (dir, or the medium's), or NULL after a failed event.
 */
static char *answer_source(struct inst *in, const char *medium_dir, const char *dir)
{
	static const char *const names[] = { FR_MEDIUM_ANSWER, "inventory.yml", FR_MEDIUM_PROFILE };
	static const char *const env[] = { "LC_ALL=C", NULL };
	char src[512] = "", fp[256] = "";
	struct fr_err err = { 0 };
	unsigned char pin[32];
	size_t i;
	int https;

	if (in->o->answer_from)
		snprintf(src, sizeof(src), "%s", in->o->answer_from);
	else if (!fb_cmdline_arg("answer", src, sizeof(src))) {
		const char *argv[] = { "blkid", "-L", FR_ANSWER_LABEL, NULL };
		struct fr_buf out = FR_BUF_INIT;
		int st = 0;

		if (fr_exec(argv, NULL, NULL, 0, &out, NULL, &st, &err) == 0 && st == 0 && out.len)
			snprintf(src, sizeof(src), "%.*s", (int)strcspn(out.buf, "\n"), out.buf);
		fr_buf_release(&out);
	}
	if (!*src)
		return fr_xstrdup(medium_dir);
	https = strncmp(src, "https://", 8) == 0;
	if (strncmp(src, "http:", 5) == 0) {
		event(in, "failed", "the answer %s: plain HTTP is refused (the profile holds credentials): give https:// and "
			  "farrow.answer_sha256=", src);
		return NULL;
	}
	if (!https && src[0] != '/') {
		event(in, "failed", "the answer %s: neither a device path nor an https:// URL", src);
		return NULL;
	}
	if (https) {
		if (in->o->answer_sha256)
			snprintf(fp, sizeof(fp), "%s", in->o->answer_sha256);
		if ((!*fp && !fb_cmdline_arg("answer_sha256", fp, sizeof(fp))) || fr_fingerprint_parse(fp, pin) < 0) {
			event(in, "failed", "the answer %s: an HTTPS answer needs farrow.answer_sha256=<the server certificate's "
				  "SHA-256 fingerprint>%s", src, *fp ? " (this one is not 64 hex digits)" : "");
			return NULL;
		}
	}
	if (fr_mkdir_p(dir, 0700, &err) < 0 || chmod(dir, 0700) < 0) {
		event(in, "failed", "cannot make %s: %s", dir, err.msg);
		return NULL;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct fr_buf text = FR_BUF_INIT, errout = FR_BUF_INIT;
		char *to = fr_xasprintf("%s/%s", dir, names[i]);
		int ok = 0;

		if (https) {
			char *url = fr_xasprintf("%s%s%s", src, src[strlen(src) - 1] == '/' ? "" : "/", names[i]);
			int g = FR_ENOTFOUND, tries;

			/* the network may come up after this unit starts: a bounded wait, one minute */
			for (tries = 0; tries < 30; tries++) {
				fr_buf_wipe(&text);
				if ((g = fr_https_get_pinned(url, pin, 1u << 20, 10, &text, &err)) != FR_ENOTFOUND)
					break;
				sleep(2);
			}
			if (g < 0)
				event(in, "failed", "cannot take %s: %s%s", url, err.msg, g == FR_ECRYPTO ? ": refused" : "");
			else
				ok = 1;
			free(url);
		} else {
			/* an ext2 volume (farrow answer volume), read with debugfs: nothing mounted */
			char *cmd = fr_xasprintf("cat /%s", names[i]);
			const char *argv[] = { "debugfs", "-R", cmd, src, NULL };
			int st = 0;

			if (fr_exec(argv, env, NULL, 0, &text, &errout, &st, &err) < 0 || st != 0 || text.len == 0)
				event(in, "failed", "cannot read %s from the answer volume %s: %s", names[i], src,
				      err.msg[0] ? err.msg : "debugfs found no such file (farrow answer volume writes it)");
			else
				ok = 1;
			free(cmd);
		}
		if (ok && fr_write_atomic(to, text.buf ? text.buf : "", text.len, 0600, 0, &err) < 0) {
			event(in, "failed", "%s", err.msg);
			ok = 0;
		}
		fr_buf_wipe(&text);
		fr_buf_release(&errout);
		free(to);
		if (!ok)
			return NULL;
	}
	event(in, "progress", "the answers are from %s", src);
	return fr_xstrdup(dir);
}

static void human(long long b, char out[16])
{
	snprintf(out, 16, b >= (1LL << 30) ? "%.1f GiB" : "%.0f MiB", b >= (1LL << 30) ? (double)b / (1LL << 30) : (double)b / (1LL << 20));
}

/* The disk: the one the selector picks, surveyed, and allowed by the answers. */
static char *pick_disk(struct inst *in, const struct fr_answerfile *a)
{
	struct fr_disk *v = NULL;
	struct fr_disk_survey s;
	struct fr_err err = { 0 };
	size_t n = 0, which = 0;
	char *dev = NULL, sz[16];

	if (fr_disks_list(in->o->sysfs, &v, &n, &err) < 0 || fr_answerfile_match(a, v, n, &which, &err) < 0) {
		event(in, "failed", "%s", err.msg);
		free(v);
		return NULL;
	}
	dev = fr_xasprintf("%s/%s", in->o->devdir, v[which].name);
	if (fr_disk_survey(dev, &s, &err) < 0) {
		event(in, "failed", "cannot survey %s (%s): a disk that cannot be read is not erased", dev, err.msg);
		free(dev);
		free(v);
		return NULL;
	}
	human(v[which].size, sz);
	if (fr_answerfile_may_erase(a, v[which].name, &s, &err) < 0) {
		event(in, "failed", "%s", err.msg);
		free(dev);
		dev = NULL;
	} else
		event(in, "done", "%s: %s, %s, serial %s; now %s, %zu partition%s, %zu data director%s%s", dev, sz,
		      v[which].model[0] ? v[which].model : "no model", v[which].serial[0] ? v[which].serial : "none",
		      s.label[0] ? s.label : "no partition table", s.nparts, s.nparts == 1 ? "" : "s", s.ndata,
		      s.ndata == 1 ? "y" : "ies", s.ndata ? " (erase_data: true)" : "");
	fr_disk_survey_release(&s);
	free(v);
	return dev;
}

/* root:x:... with the answer file's hash in root's password field; the file's mode and owner kept. */
static int set_root_hash(const char *root, const char *hash, struct fr_err *err)
{
	char *path = fr_xasprintf("%s/etc/shadow", root), *text = NULL, *line, *save = NULL;
	struct fr_buf out = FR_BUF_INIT;
	struct stat st;
	size_t len = 0;
	int r, found = 0;

	if ((r = fr_read_file(path, 1 << 20, &text, &len, err)) < 0 || stat(path, &st) < 0) {
		r = r < 0 ? r : fr_err_set(err, FR_EIO, "cannot stat %s", path);
		goto out;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "root:", 5) == 0) {
			const char *rest = strchr(line + 5, ':');

			fr_buf_addf(&out, "root:%s%s\n", hash, rest ? rest : "::::::");
			found = 1;
		} else
			fr_buf_addf(&out, "%s\n", line);
	}
	if (!found) {
		r = fr_err_set(err, FR_EINVALID, "%s has no root entry", path);
		goto out;
	}
	if ((r = fr_write_atomic(path, out.buf, out.len, st.st_mode & 07777, 0, err)) == 0 && chown(path, st.st_uid, st.st_gid) < 0)
		r = fr_err_set(err, FR_EIO, "cannot chown %s: %s", path, strerror(errno));
out:
	if (text)
		fr_wipe(text, len);
	free(text);
	fr_buf_wipe(&out);
	free(path);
	return r;
}

/* The node's own files in its root: the profile, the bundle where the packages module finds it,
 * the network the answer file (or the inventory) gives, root's credentials, the log. */
static int node_files(struct inst *in, const char *root, const struct fr_answerfile *a, const struct fr_buf *profile,
		      const char *bundle, const char *top, struct fr_err *err)
{
	struct fr_buf net = FR_BUF_INIT;
	char *p = NULL, *q = NULL;
	int r;

	if ((r = fr_live_units_remove(root, err)) < 0)
		return r;
	if ((r = fr_mkdir_in(root, "/etc/farrow", 0700, err)) < 0)
		return r;
	p = fr_xasprintf("%s/etc/farrow/profile.yml", root);
	if ((r = fr_write_atomic(p, profile->buf, profile->len, 0600, 0, err)) < 0)
		goto out;
	/* the bundle and its signature: the packages module verifies and unpacks it at first boot */
	if ((r = fr_mkdir_in(root, FR_NODE_DIR "/incoming", 0755, err)) < 0)
		goto out;
	p = (free(p), fr_xasprintf("%s" FR_NODE_DIR "/incoming/%s.tar.zst", root, top));
	if ((r = fr_copy_file(bundle, p, 0644, err)) < 0)
		goto out;
	q = fr_xasprintf("%s.sig", bundle);
	p = (free(p), fr_xasprintf("%s" FR_NODE_DIR "/incoming/%s.tar.zst.sig", root, top));
	if ((r = fr_copy_file(q, p, 0644, err)) < 0)
		goto out;
	event(in, "progress", "the bundle is in " FR_NODE_DIR "/incoming/%s.tar.zst, the profile in /etc/farrow/profile.yml", top);
	/* the network: systemd-networkd, the first Ethernet port */
	fr_buf_adds(&net, "# written by the farrow installer from the answer file\n[Match]\nType=ether\nName=en* eth*\n\n[Network]\n");
	if (a->dhcp)
		fr_buf_adds(&net, "DHCP=yes\n");
	else {
		fr_buf_addf(&net, "Address=%s%s\n", a->address ? a->address : a->host, a->address ? "" : "/24");
		if (a->gateway)
			fr_buf_addf(&net, "Gateway=%s\n", a->gateway);
	}
	if ((r = fr_mkdir_in(root, "/etc/systemd/network", 0755, err)) < 0 ||
	    (r = fr_write_in(root, "/etc/systemd/network/50-farrow.network", net.buf, 0644, err)) < 0 ||
	    (r = fr_mkdir_in(root, "/etc/systemd/system/multi-user.target.wants", 0755, err)) < 0 ||
	    (r = fr_mkdir_in(root, "/etc/systemd/system/sockets.target.wants", 0755, err)) < 0 ||
	    (r = fr_symlink_in(root, "/lib/systemd/system/systemd-networkd.service",
			       "/etc/systemd/system/multi-user.target.wants/systemd-networkd.service", err)) < 0 ||
	    (r = fr_symlink_in(root, "/lib/systemd/system/systemd-networkd.socket",
			       "/etc/systemd/system/sockets.target.wants/systemd-networkd.socket", err)) < 0)
		goto out;
	if (a->dhcp)
		event(in, "progress", "network: DHCP on the first Ethernet port (systemd-networkd)");
	else
		event(in, "progress", "network: %s%s%s%s on the first Ethernet port (systemd-networkd)", a->address ? a->address : a->host,
		      a->address ? "" : "/24", a->gateway ? ", gateway " : "", a->gateway ? a->gateway : "");
	/* root's credentials: a hash, never a password in clear; keys for SSH */
	if (a->password_hash && (r = set_root_hash(root, a->password_hash, err)) < 0)
		goto out;
	if (a->nssh_keys) {
		struct fr_buf keys = FR_BUF_INIT;
		size_t i;

		for (i = 0; i < a->nssh_keys; i++)
			fr_buf_addf(&keys, "%s\n", a->ssh_keys[i]);
		if ((r = fr_mkdir_in(root, "/root/.ssh", 0700, err)) == 0)
			r = fr_write_in(root, "/root/.ssh/authorized_keys", keys.buf, 0600, err);
		fr_buf_release(&keys);
		if (r < 0)
			goto out;
	}
	event(in, "progress", "root: %s%zu SSH key%s", a->password_hash ? "a password hash, " : "", a->nssh_keys,
	      a->nssh_keys == 1 ? "" : "s");
out:
	fr_buf_release(&net);
	free(p);
	free(q);
	return r;
}

/* The installer's log onto the node: /var/log/farrow/install/install.log, as it stands before
 * the disk is written (the events after it are on the console, and in the live system's log). */
static int copy_log(struct inst *in, const char *root, struct fr_err *err)
{
	int r;

	event(in, "progress", "the log goes to /var/log/farrow/install/install.log on the node");
	if ((r = fr_mkdir_in(root, "/var/log/farrow/install", 0700, err)) < 0)
		return r;
	return fr_write_in(root, "/var/log/farrow/install/install.log", in->log.buf, 0600, err);
}

static int do_install(struct inst *in, int *reboot, enum fr_on_error *on_error)
{
	const struct fb_install_opts *o = in->o;
	struct fr_answerfile *a = NULL;
	struct fr_node *prof = NULL;
	struct fr_buf ptext = FR_BUF_INIT;
	struct fr_bundle_check check;
	struct fr_err err = { 0 };
	char *dir = fr_xasprintf("%s/farrow", o->medium), *adir = NULL, *dev = NULL, *bundle = NULL, *root = NULL, *upper = NULL;
	char *wk = NULL, *opts = NULL, *diskwork = NULL;
	const char *bdir, *top;
	int r = FR_EXIT_FAIL, mounted = 0;
	long long need;

	memset(&check, 0, sizeof(check));
	begin(in, "answer", "the answer file and its host's profile");
	if (o->answer_dir)
		adir = fr_xstrdup(o->answer_dir);
	else {
		char *fetched = fr_xasprintf("%s/answer", o->work);

		adir = answer_source(in, dir, fetched);
		free(fetched);
		if (adir == NULL)
			goto out;
	}
	if ((a = load_answer(in, adir)) == NULL)
		goto out;
	*reboot = a->reboot;
	*on_error = a->on_error;
	if ((prof = load_profile(in, adir, a->host, &ptext)) == NULL)
		goto out;
	bdir = fr_node_str(fr_node_get(prof, "bundle"));
	top = bdir && strncmp(bdir, FR_NODE_DIR "/bundles/", strlen(FR_NODE_DIR "/bundles/")) == 0
		      ? bdir + strlen(FR_NODE_DIR "/bundles/") : NULL;
	if (top == NULL || fr_path_problem(top, 1)) {
		event(in, "failed", "the profile's bundle '%s' is not a directory under " FR_NODE_DIR "/bundles", bdir ? bdir : "");
		goto out;
	}
	event(in, "done", "host %s; %s; then %s", a->host, a->dhcp ? "DHCP" : a->address ? a->address : "the inventory's address",
	      a->reboot ? "reboot" : "stay in the live system");

	begin(in, "disk", "the disk the answer file's selector picks");
	if ((dev = pick_disk(in, a)) == NULL)
		goto out;

	begin(in, "bundle", "the bundle on the medium, verified with the live system's key");
	bundle = fr_xasprintf("%s/bundles/%s.tar.zst", dir, top);
	if (fr_bundle_verify(bundle, o->key, NULL, &check, &err) != 0) {
		struct fr_buf msg = FR_BUF_INIT;

		fr_bundle_check_describe(&check, bundle, &msg);
		event(in, "failed", "%s", err.msg[0] ? err.msg : msg.buf);
		fr_buf_release(&msg);
		goto out;
	}
	if (check.m.top == NULL || strcmp(check.m.top, top) != 0) {
		event(in, "failed", "%s holds %s, the profile names %s", bundle, check.m.top ? check.m.top : "nothing", top);
		goto out;
	}
	event(in, "done", "%s: signature and %zu files hold", bundle, check.files_ok);

	begin(in, "root", "the node's root: the medium's root, with the bundle, profile, network and credentials");
	root = fr_xasprintf("%s/root", o->work);
	upper = fr_xasprintf("%s/upper", o->work);
	wk = fr_xasprintf("%s/ovl", o->work);
	diskwork = fr_xasprintf("%s/disk", o->work);
	if (fr_mkdir_p(root, 0755, &err) < 0 || fr_mkdir_p(upper, 0755, &err) < 0 || fr_mkdir_p(wk, 0700, &err) < 0 ||
	    fr_mkdir_p(diskwork, 0700, &err) < 0) {
		event(in, "failed", "%s", err.msg);
		goto out;
	}
	opts = fr_xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", o->lower, upper, wk);
	if (mount("overlay", root, "overlay", 0, opts) < 0) {
		event(in, "failed", "cannot lay the node's root over %s: %s", o->lower, strerror(errno));
		goto out;
	}
	mounted = 1;
	if (node_files(in, root, a, &ptext, bundle, top, &err) < 0 || copy_log(in, root, &err) < 0) {
		event(in, "failed", "%s", err.msg);
		goto out;
	}
	if ((need = fr_disk_needed_mib(root, &err)) < 0) {
		event(in, "failed", "%s", err.msg);
		goto out;
	}
	event(in, "done", "%lld MiB on disk", need);

	begin(in, "write", "ERASING and writing the disk");
	event(in, "progress", "%s: GPT, BIOS boot, EFI system partition, root (ext4, label " FR_DISK_ROOT_LABEL "); minutes", dev);
	if (fr_disk_install(root, diskwork, dev, a->host, &err) < 0) {
		event(in, "failed", "%s", err.msg);
		goto out;
	}
	event(in, "done", "%s written: GRUB for BIOS and UEFI, the node's root", dev);

	begin(in, "done", "the node is installed");
	if (umount(root) < 0) {
		event(in, "failed", "cannot unmount the node's root: %s", strerror(errno));
		mounted = 0;
		goto out;
	}
	mounted = 0;
	sync();
	event(in, "done", "%s becomes %s at its next boot: farrow-firstboot converges it from its bundle and profile%s",
	      dev, a->host, a->reboot ? "; rebooting" : "");
	r = FR_EXIT_OK;
out:
	if (mounted && umount2(root, MNT_DETACH) < 0)
		fprintf(stderr, "farrow-firstboot: install: cannot unmount %s: %s\n", root, strerror(errno));
	fr_bundle_check_release(&check);
	fr_answerfile_free(a);
	fr_node_free(prof);
	fr_buf_wipe(&ptext);
	free(dir);
	free(adir);
	free(dev);
	free(bundle);
	free(root);
	free(upper);
	free(wk);
	free(opts);
	free(diskwork);
	return r;
}

int fb_install(const struct fb_install_opts *o)
{
	struct inst in;
	int reboot = 0, r;
	enum fr_on_error on_error = FR_ON_ERROR_SHELL;

	memset(&in, 0, sizeof(in));
	in.o = o;
	in.t0 = time(NULL);
	in.step_name = "start";
	r = do_install(&in, &reboot, &on_error);
	if (r == FR_EXIT_OK) {
		if (reboot && o->act) {
			const char *argv[] = { "systemctl", "reboot", NULL };
			struct fr_err err = { 0 };

			fr_exec_tool(argv, NULL, NULL, &err);
		}
	} else {
		static const char *const what[] = { "a shell on the console", "reboot", "power off" };

		char *msg = fr_xasprintf("farrow-firstboot: install: FAILED at step %s (%d/%d); nothing more is written; the log "
					 "is %s; then: %s\n", in.step_name, in.step, NSTEPS, o->log ? o->log : "on the console",
					 what[on_error]);

		fputs(msg, stderr);
		if (o->act)
			to_consoles(msg);
		free(msg);
		if (o->act) {
			const char *shell[] = { "systemctl", "start", "--no-block", FR_LIVE_SHELL_UNIT, NULL };
			const char *rb[] = { "systemctl", "reboot", NULL }, *po[] = { "systemctl", "poweroff", NULL };
			struct fr_err err = { 0 };

			fr_exec_tool(on_error == FR_ON_ERROR_SHELL ? shell : on_error == FR_ON_ERROR_REBOOT ? rb : po, NULL, NULL, &err);
		}
	}
	fr_buf_wipe(&in.log);
	return r;
}
