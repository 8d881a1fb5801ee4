/* screen-disk.c -- the install medium's wizard (farrow configure --live), after the inventory is
 * written: 8 Disk (this machine's disks, what is on each now), 9 Machine (which of the inventory's
 * nodes this machine is, its network, root's password), 10 Erase and install (the confirmation
 * naming the disk, then farrow-firstboot install's JSON events as progress). The disk rule and
 * the install are lib/answerfile.c's and the installer's: this screen writes an answer file for
 * them, as an operator would, and reads the installer's events (never its text). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "answer.h"
#include "answerfile.h"
#include "crypto.h"
#include "disksurvey.h"
#include "fileio.h"
#include "image.h"
#include "inventory.h"
#include "medium.h"
#include "wiz.h"
#include "xalloc.h"
#include "yamlnode.h"

static const char *sysfs(void)
{
	return getenv("FARROW_SYSFS") ? getenv("FARROW_SYSFS") : "/sys";
}

static const char *devdir(void)
{
	return getenv("FARROW_DEVDIR") ? getenv("FARROW_DEVDIR") : "/dev";
}

static void human(long long b, char out[16])
{
	if (b >= (1LL << 40))
		snprintf(out, 16, "%.1f TiB", (double)b / (1LL << 40));
	else if (b >= (1LL << 30))
		snprintf(out, 16, "%.1f GiB", (double)b / (1LL << 30));
	else
		snprintf(out, 16, "%.0f MiB", (double)b / (1LL << 20));
}

void tw_disks_release(struct wiz *w)
{
	free(w->disks);
	free(w->disk_desc);
	free(w->disk_now);
	free(w->disk_data);
	w->disks = NULL;
	w->disk_desc = NULL;
	w->disk_now = NULL;
	w->disk_data = NULL;
	w->ndisks = 0;
}

/* The disks and what is on each (lib/disksurvey.c), read again each time the screen opens. */
static void scan(struct wiz *w)
{
	struct fr_err err = { 0 };
	size_t i;

	tw_disks_release(w);
	if (fr_disks_list(sysfs(), &w->disks, &w->ndisks, &err) < 0) {
		snprintf(w->msg, sizeof(w->msg), "%.200s", err.msg);
		w->ndisks = 0;
		return;
	}
	w->disk_desc = fr_xcalloc(w->ndisks + 1, sizeof(*w->disk_desc));
	w->disk_now = fr_xcalloc(w->ndisks + 1, sizeof(*w->disk_now));
	w->disk_data = fr_xcalloc(w->ndisks + 1, sizeof(*w->disk_data));
	for (i = 0; i < w->ndisks; i++) {
		const struct fr_disk *d = &w->disks[i];
		struct fr_disk_survey s;
		char *dev = fr_xasprintf("%s/%s", devdir(), d->name), sz[16];

		human(d->size, sz);
		snprintf(w->disk_desc[i], sizeof(w->disk_desc[i]), "%-9s %-24.24s serial %.24s", sz, d->model[0] ? d->model : "(no model)",
			 d->serial[0] ? d->serial : "-");
		if (fr_disk_survey(dev, &s, &err) < 0) {
			snprintf(w->disk_now[i], sizeof(w->disk_now[i]), "cannot be read (%.120s): not offered", err.msg);
			w->disk_data[i] = -1;
		} else {
			int n = snprintf(w->disk_now[i], sizeof(w->disk_now[i]), "now: %s, %zu partition%s",
					 s.label[0] ? s.label : "no partition table", s.nparts, s.nparts == 1 ? "" : "s");
			size_t j;

			for (j = 0; j < s.ndata && n > 0 && n < (int)sizeof(w->disk_now[i]); j++)
				n += snprintf(w->disk_now[i] + n, sizeof(w->disk_now[i]) - (size_t)n, "; HOLDS %s %s (%s)", s.data[j].kind,
					      s.data[j].path, s.data[j].detail);
			w->disk_data[i] = s.ndata ? 1 : 0;
			fr_disk_survey_release(&s);
		}
		free(dev);
	}
	if (w->disk >= (int)w->ndisks)
		w->disk = 0;
}

/* What is on a disk, a line per part ("now: ...", then each "HOLDS ..."), from y; the lines used. */
static int show_now(const char *now, int y, int max)
{
	const char *p = now;
	int n = 0;

	while (*p && n < max) {
		const char *e = strstr(p, "; ");
		int len = e ? (int)(e - p) : (int)strlen(p);

		move(y + n, 4);
		clrtoeol();
		tw_text(y + n, 4, "%.*s", len < COLS - 8 ? len : COLS - 8, p);
		n++;
		p = e ? e + 2 : p + len;
	}
	for (; n < max; n++) {
		move(y + n, 4);
		clrtoeol();
	}
	return n;
}

static int step_disk(struct wiz *w)
{
	const char *names[32], *descs[32];
	struct tw_list l = { 0 };
	int i, k, r, n;

	w->msg[0] = '\0';
	scan(w);
	n = w->ndisks > 32 ? 32 : (int)w->ndisks;
	tw_frame(w, "Enter choose   Up/Down disks   R scan again   Esc back   F1 help   Ctrl-C quit");
	tw_text(4, 4, "Which disk becomes this node? The install ERASES it (the last screen asks).");
	if (n == 0) {
		tw_message(w, 6, 1, "no disk found on this machine%s%s", *w->msg ? ": " : "", w->msg);
		refresh();
		for (;;) {
			k = getch();
			if ((r = tw_common_key(w, k)) != 0)
				return r;
			if (k == 'r' || k == 'R')
				return R_REDRAW;
		}
	}
	for (i = 0; i < n; i++) {
		names[i] = w->disks[i].name;
		descs[i] = w->disk_desc[i];
	}
	tw_list_open(&l, names, descs, n, w->disk, 6, 4, n < LINES - 14 ? n : LINES - 14, COLS - 8);
	for (;;) {
		int sel = tw_list_sel(&l), y = 8 + (n < LINES - 14 ? n : LINES - 14);

		if (w->disk_data[sel] != 0)
			tw_paint_on(w, stdscr, C_ERR, A_BOLD);
		show_now(w->disk_now[sel], y, 4);
		if (w->disk_data[sel] != 0)
			tw_paint_off(w, stdscr, C_ERR, A_BOLD);
		refresh();
		k = getch();
		if ((r = tw_common_key(w, k)) != 0)
			break;
		if (k == 'r' || k == 'R') {
			r = R_REDRAW;
			break;
		}
		if (tw_is_enter(k)) {
			if (w->disk_data[sel] < 0) {
				tw_message(w, y + 5, 1, "%s cannot be read: farrow does not erase a disk it cannot survey", names[sel]);
				continue;
			}
			w->disk = sel;
			r = R_NEXT;
			break;
		}
		tw_list_key(&l, k);
	}
	tw_list_close(&l);
	return r;
}

const struct tw_screen tw_screen_disk = {
	"Disk",
	"This machine's disks (loop, optical and read-only devices left out):\n"
	"size, model, serial, and what is on each now: its partitions, and a\n"
	"PostgreSQL data directory or etcd member found on it. Nothing is\n"
	"written until the last screen, which names the disk and asks.",
	step_disk,
};

/* "A.B.C.D/N" with N 8..32, or "" */
static int addr_ok(const char *s, char *host, size_t n)
{
	const char *slash = strchr(s, '/');
	char *end;
	long p;

	if (slash == NULL || (size_t)(slash - s) >= n)
		return 0;
	memcpy(host, s, (size_t)(slash - s));
	host[slash - s] = '\0';
	p = strtol(slash + 1, &end, 10);
	return fr_is_ipv4(host) && *end == '\0' && end != slash + 1 && p >= 8 && p <= 32;
}

static int step_machine(struct wiz *w)
{
	struct tw_fields fs;
	int ys[4] = { 8, 10, 13, 15 }, masked[4] = { 0, 0, 1, 1 }, k, r, i;
	char *bufs[4] = { w->node_addr, w->node_gw, w->root_pw[0], w->root_pw[1] };
	size_t sizes[4] = { sizeof(w->node_addr), sizeof(w->node_gw), sizeof(w->root_pw[0]), sizeof(w->root_pw[1]) };
	struct fr_buf nodes = FR_BUF_INIT;

	if (!*w->node_addr)
		snprintf(w->node_addr, sizeof(w->node_addr), "%.45s/24", w->ip[0]);
	for (i = 0; i < w->nnodes; i++)
		fr_buf_addf(&nodes, "%s%s", i ? ", " : "", w->ip[i]);
	tw_frame(w, "Enter next   Tab field   Esc back   F1 help   Ctrl-C quit");
	tw_text(4, 4, "This machine: one of the inventory's nodes (%s).", nodes.buf);
	tw_text(5, 4, "Its address and prefix (static), its gateway (may stay empty), root's password.");
	tw_text(8, 4, "address");
	tw_text(10, 4, "gateway");
	tw_text(13, 4, "root pw");
	tw_text(15, 4, "again");
	tw_text(17, 4, "Stored as a crypt(3) SHA-512 hash only (/etc/shadow on the node).");
	fr_buf_release(&nodes);
	tw_fields_open(&fs, 4, ys, 16, 40, bufs, sizes, masked, 0);
	if (*w->msg)
		tw_message(w, 19, 1, "%s", w->msg);
	tw_fields_show(&fs);
	for (;;) {
		k = getch();
		if ((r = tw_fields_common(w, &fs, k)) != 0)
			break;
		if (tw_is_enter(k)) {
			char host[64];
			int bad = -1, known = 0;

			tw_fields_sync(&fs);
			w->msg[0] = '\0';
			if (!addr_ok(w->node_addr, host, sizeof(host))) {
				snprintf(w->msg, sizeof(w->msg), "'%.40s' is not an IPv4 address with its prefix (A.B.C.D/N)", w->node_addr);
				bad = 0;
			} else {
				for (i = 0; i < w->nnodes; i++)
					known |= strcmp(host, w->ip[i]) == 0;
				if (!known) {
					snprintf(w->msg, sizeof(w->msg), "%s is not one of the inventory's nodes", host);
					bad = 0;
				}
			}
			if (bad < 0 && *w->node_gw && !fr_is_ipv4(w->node_gw)) {
				snprintf(w->msg, sizeof(w->msg), "'%.40s' is not an IPv4 address", w->node_gw);
				bad = 1;
			}
			if (bad < 0 && strlen(w->root_pw[0]) < 8) {
				snprintf(w->msg, sizeof(w->msg), "root's password: 8 characters at least");
				bad = 2;
			}
			if (bad < 0 && strcmp(w->root_pw[0], w->root_pw[1]) != 0) {
				snprintf(w->msg, sizeof(w->msg), "the two passwords differ");
				bad = 3;
			}
			if (bad < 0) {
				snprintf(w->node_host, sizeof(w->node_host), "%s", host);
				r = R_NEXT;
				break;
			}
			tw_message(w, 19, 1, "%s", w->msg);
			tw_fields_set_focus(&fs, bad);
			tw_fields_show(&fs);
			continue;
		}
		tw_fields_key(&fs, k);
		tw_fields_show(&fs);
	}
	tw_fields_close(&fs);
	return r;
}

const struct tw_screen tw_screen_machine = {
	"Machine",
	"Which of the inventory's nodes this machine becomes (its address), the\n"
	"prefix and gateway of its network (systemd-networkd, the first Ethernet\n"
	"port), and root's password, kept as a crypt(3) hash only.",
	step_machine,
};

/* The answer file the installer reads, written as an operator would write one: the picked disk
 * by name, this machine's network, root's hash, erase (and erase_data when the disk holds data
 * the operator agreed to lose). The inventory beside it; the profile from farrow profile. */
static int write_answer(struct wiz *w, const char *top, char *why, size_t whylen)
{
	struct fr_buf a = FR_BUF_INIT;
	struct fr_err err = { 0 };
	char hash[160], *inv = NULL, *ans = NULL, *prof = NULL, *bdir = NULL, *text = NULL, self[PATH_MAX];
	size_t len = 0;
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int r = -1, st = 0;
	pid_t pid;

	self[sl > 0 ? sl : 0] = '\0';
	if (fr_mkdir_p(w->answer_dir, 0700, &err) < 0 || fr_crypt_sha512(w->root_pw[0], hash, sizeof(hash), &err) < 0) {
		snprintf(why, whylen, "%.200s", err.msg);
		return -1;
	}
	fr_buf_addf(&a, "# written by the farrow wizard on the install medium\nfarrow_answer: 1\nhost: %s\n"
			"disk: { name: %s }\nnetwork: { address: %s%s%s }\nroot: { password_hash: '%s' }\n"
			"erase: true\nerase_data: %s\nreboot: false\non_error: shell\n",
		    w->node_host, w->disks[w->disk].name, w->node_addr, *w->node_gw ? ", gateway: " : "", w->node_gw, hash,
		    w->disk_data[w->disk] > 0 ? "true" : "false");
	fr_wipe(hash, sizeof(hash));
	ans = fr_xasprintf("%s/" FR_MEDIUM_ANSWER, w->answer_dir);
	inv = fr_xasprintf("%s/inventory.yml", w->answer_dir);
	prof = fr_xasprintf("%s/" FR_MEDIUM_PROFILE, w->answer_dir);
	if (fr_write_atomic(ans, a.buf, a.len, 0600, 0, &err) < 0 || fr_read_file(w->output, 1 << 20, &text, &len, &err) < 0 ||
	    fr_write_atomic(inv, text, len, 0600, 0, &err) < 0) {
		snprintf(why, whylen, "%.200s", err.msg);
		goto out;
	}
	unlink(prof);
	bdir = fr_xasprintf("/var/lib/farrow/bundles/%s", top);
	if ((pid = fork()) == 0) {
		int fd = open("/dev/null", O_RDWR);

		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(self, "farrow", "profile", w->output, "--host", w->node_host, "--bundle-dir", bdir, "-o", prof, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(why, whylen, "farrow profile %.180s --host %.45s failed (exit %d)", w->output, w->node_host,
			 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		goto out;
	}
	r = 0;
out:
	fr_buf_wipe(&a);
	if (text)
		fr_wipe(text, len);
	free(text);
	free(ans);
	free(inv);
	free(prof);
	free(bdir);
	return r;
}

/* farrow-firstboot install --answer-dir, its events read as JSON; the screen redrawn per event. */
static int run_installer(struct wiz *w, char *last, size_t lastlen)
{
	const char *fb = getenv("FARROW_FIRSTBOOT") ? getenv("FARROW_FIRSTBOOT") : "/usr/local/sbin/farrow-firstboot";
	struct fr_buf acc = FR_BUF_INIT;
	char lines[8][160];
	int p[2], st = 0, nl = 0, i, step = 0, of = 6, failed = 0;
	time_t t0 = time(NULL);
	pid_t pid;

	memset(lines, 0, sizeof(lines));
	if (pipe(p) < 0)
		return -1;
	if ((pid = fork()) == 0) {
		int fd = open("/dev/null", O_RDONLY);
		const char *argv[12];
		int n = 0;

		dup2(fd, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		argv[n++] = "farrow-firstboot";
		argv[n++] = "install";
		argv[n++] = "--answer-dir";
		argv[n++] = w->answer_dir;
		argv[n++] = "--no-act";
		/* what a test stands in for the machine's own (the wizard's disk step read the same) */
		if (getenv("FARROW_MEDIUM")) {
			argv[n++] = "--medium";
			argv[n++] = getenv("FARROW_MEDIUM");
		}
		if (getenv("FARROW_SYSFS")) {
			argv[n++] = "--sysfs";
			argv[n++] = sysfs();
		}
		if (getenv("FARROW_DEVDIR")) {
			argv[n++] = "--dev";
			argv[n++] = devdir();
		}
		argv[n] = NULL;
		execv(fb, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		char buf[4096], *e;
		struct pollfd pf = { p[0], POLLIN, 0 };
		ssize_t n = 1;

		/* a second at most between redraws: the clock moves while the disk is written */
		if (poll(&pf, 1, 1000) > 0) {
			n = read(p[0], buf, sizeof(buf));
			if (n > 0)
				fr_buf_addn(&acc, buf, (size_t)n);
		}
		while ((e = memchr(acc.buf, '\n', acc.len)) != NULL) {
			struct fr_node *o;

			*e = '\0';
			o = acc.buf[0] == '{' ? fr_yaml_parse(acc.buf, strlen(acc.buf), NULL) : NULL;
			if (fr_node_is_map(o)) {
				const char *sname = fr_node_str(fr_node_get(o, "step")), *status = fr_node_str(fr_node_get(o, "status"));
				const char *detail = fr_node_str(fr_node_get(o, "detail"));
				long long v;

				if (fr_node_int(fr_node_get(o, "n"), &v))
					step = (int)v;
				if (fr_node_int(fr_node_get(o, "of"), &v))
					of = (int)v;
				if (nl == 8) {
					memmove(lines, lines + 1, sizeof(lines[0]) * 7);
					nl = 7;
				}
				snprintf(lines[nl++], sizeof(lines[0]), "%-7s %-8s %.120s", sname ? sname : "?", status ? status : "?",
					 detail ? detail : "");
				if (!failed)
					snprintf(last, lastlen, "%s %s: %.200s", sname ? sname : "?", status ? status : "?", detail ? detail : "");
				failed |= status && strcmp(status, "failed") == 0;
			} else if (*acc.buf && !failed)
				snprintf(last, lastlen, "%.250s", acc.buf);
			fr_node_free(o);
			memmove(acc.buf, e + 1, acc.len - (size_t)(e - acc.buf) - 1);
			acc.len -= (size_t)(e - acc.buf) + 1;
			acc.buf[acc.len] = '\0';
		}
		tw_frame(w, "installing: the disk is being written; wait");
		tw_text(4, 4, "Installing %s onto %s   step %d of %d   (%ld s)", w->node_host, w->disks[w->disk].name, step, of,
			(long)(time(NULL) - t0));
		for (i = 0; i < nl; i++)
			tw_text(6 + i, 4, "%.*s", COLS - 8, lines[i]);
		refresh();
		if (n <= 0)
			break;
	}
	close(p[0]);
	waitpid(pid, &st, 0);
	fr_buf_release(&acc);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The live root's record of the bundle it was made from: the node keeps that bundle. */
static int bundle_top(char *top, size_t n)
{
	struct fr_buf rec = FR_BUF_INIT;
	struct fr_err err = { 0 };
	struct fr_node *o = NULL;
	const char *t = NULL;

	if (fr_image_record_read(getenv("FARROW_LIVE_ROOT") ? getenv("FARROW_LIVE_ROOT") : "/", &rec, &err) == 0 &&
	    (o = fr_yaml_parse(rec.buf, rec.len, &err)) != NULL)
		t = fr_node_str(fr_node_get(fr_node_get(o, "bundle"), "top"));
	if (t && !fr_path_problem(t, 1))
		snprintf(top, n, "%s", t);
	fr_node_free(o);
	fr_buf_release(&rec);
	return t ? 0 : -1;
}

static int step_erase(struct wiz *w)
{
	static const char *const choices[] = { "No, go back", "Yes, ERASE it and install" };
	struct tw_list l = { 0 };
	const struct fr_disk *d = &w->disks[w->disk];
	char sz[16], top[256], why[300], last[300];
	int k, r;

	human(d->size, sz);
	tw_frame(w, "Enter choose   Up/Down   Esc back   F1 help   Ctrl-C quit");
	tw_paint_on(w, stdscr, C_ERR, A_BOLD);
	tw_text(4, 4, "This will erase %s: %s, %s, serial %s.", d->name, d->model[0] ? d->model : "(no model)", sz,
		d->serial[0] ? d->serial : "-");
	tw_paint_off(w, stdscr, C_ERR, A_BOLD);
	{
		int y = 6 + show_now(w->disk_now[w->disk], 6, 4);

		if (w->disk_data[w->disk] > 0)
			tw_text(y++, 4, "The data found on it is lost for good.");
		tw_text(y + 1, 4, "Then %s becomes %s (%s) as %s says,", d->name, w->node_host, w->node_addr, w->output);
		tw_text(y + 2, 4, "from the medium's bundle; farrow-firstboot converges it at its first boot.");
		tw_list_open(&l, choices, NULL, 2, 0, y + 4, 4, 2, 40);
	}
	refresh();
	for (;;) {
		k = getch();
		if ((r = tw_common_key(w, k)) != 0)
			break;
		if (tw_is_enter(k)) {
			r = tw_list_sel(&l) == 1 ? R_NEXT : R_BACK;
			break;
		}
		tw_list_key(&l, k);
		refresh();
	}
	tw_list_close(&l);
	if (r != R_NEXT)
		return r;
	last[0] = why[0] = '\0';
	if (bundle_top(top, sizeof(top)) < 0)
		snprintf(why, sizeof(why), "the live system names no bundle (/etc/farrow/image.json)");
	else if (write_answer(w, top, why, sizeof(why)) == 0 && run_installer(w, last, sizeof(last)) == 0) {
		static const char *const end[] = { "Reboot into the node now", "Stay in the live system" };
		struct tw_list l2 = { 0 };

		fr_wipe(w->root_pw, sizeof(w->root_pw));
		tw_frame(w, "Enter choose");
		tw_paint_on(w, stdscr, C_OK, A_BOLD);
		tw_text(4, 4, "Installed: %s is %s. Remove the medium, then reboot.", d->name, w->node_host);
		tw_paint_off(w, stdscr, C_OK, A_BOLD);
		tw_text(6, 4, "The installer's log is on the node: /var/log/farrow/install/install.log.");
		tw_list_open(&l2, end, NULL, 2, 0, 8, 4, 2, 40);
		refresh();
		while (!tw_is_enter(k = getch()) && k != KEY_CTRL_C && !tw_got_term)
			tw_list_key(&l2, k), refresh();
		w->reboot = tw_is_enter(k) && tw_list_sel(&l2) == 0;
		tw_list_close(&l2);
		return R_DONE;
	} else if (!*why)
		snprintf(why, sizeof(why), "%s", last);
	tw_frame(w, "Enter back   Ctrl-C quit");
	tw_paint_on(w, stdscr, C_ERR, A_BOLD);
	tw_text(4, 4, "The install failed; nothing more was written.");
	tw_paint_off(w, stdscr, C_ERR, A_BOLD);
	{
		int y = 6, len = (int)strlen(why), off;

		for (off = 0; off < len && y < LINES - 6; off += COLS - 8)
			tw_text(y++, 4, "%.*s", COLS - 8, why + off);
		tw_text(y + 1, 4, "The installer's log: /run/farrow/install.log (the rescue shell has it).");
	}
	refresh();
	while (!tw_is_enter(k = getch()) && k != KEY_CTRL_C && !tw_got_term)
		;
	return k == KEY_CTRL_C || tw_got_term ? R_QUIT : R_BACK;
}

const struct tw_screen tw_screen_erase = {
	"Erase and install",
	"The last question: the disk named, and what is on it. Yes erases it and\n"
	"writes the node (farrow-firstboot install: the same installer as an\n"
	"unattended install, from an answer file this wizard writes).",
	step_erase,
};
