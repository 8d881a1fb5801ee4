/* screen-install.c -- step 8: farrow install --progress=json, as a grid of hosts and modules. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "bundle.h"
#include "modules.h"
#include "inventory.h"
#include "wiz.h"
#include "xalloc.h"

#define MAX_MODS 8 /* columns of the progress grid: lib/modules.c's table */

struct host_row {
	char ip[64];
	char mods[MAX_MODS][16];
	char state[200];
	int done, failed;
};

/* The connection strings of the inventory's first PostgreSQL primary, its first user and database. */
static void connection_strings(struct wiz *w, struct fr_buf *out)
{
	struct fr_inventory *inv = NULL;
	struct fr_err err = { 0 };
	size_t i;

	if (fr_inv_load_file(w->output, &inv, &err) < 0)
		return;
	for (i = 0; i < inv->nhosts; i++) {
		const struct fr_host *h = &inv->hosts[i];
		const char *role = fr_inv_str(inv, h, "pg_role");
		struct fr_var users, dbs;
		const char *user = "postgres", *db = "postgres";
		static const char *const lists[] = { "pg_default_services", "pg_services" };
		long long pg_port = 5432, bouncer_port = 6432;
		size_t l, k;

		if (role == NULL || strcmp(role, "primary") != 0)
			continue;
		if (fr_inv_resolve(inv, h, "pg_users", &users) && fr_node_is_seq(users.value) && users.value->n)
			user = fr_node_str(fr_node_get(users.value->items[0], "name")) ?: user;
		if (fr_inv_resolve(inv, h, "pg_databases", &dbs) && fr_node_is_seq(dbs.value) && dbs.value->n)
			db = fr_node_str(fr_node_get(dbs.value->items[0], "name")) ?: db;
		/* the ports the node renders: the inventory's, and its services as haproxy gets them */
		fr_inv_int(inv, h, "pg_port", &pg_port);
		fr_inv_int(inv, h, "pgbouncer_port", &bouncer_port);
		fr_buf_addf(out, "postgres://%s@%s:%lld/%s   (postgres)\n", user, h->ip, pg_port, db);
		fr_buf_addf(out, "postgres://%s@%s:%lld/%s   (pgbouncer)\n", user, h->ip, bouncer_port, db);
		for (l = 0; l < 2; l++) {
			struct fr_var v;

			if (!fr_inv_resolve(inv, h, lists[l], &v) || !fr_node_is_seq(v.value))
				continue;
			for (k = 0; k < v.value->n; k++) {
				const char *name = fr_node_str(fr_node_get(v.value->items[k], "name"));
				long long port;

				if (name && fr_node_int(fr_node_get(v.value->items[k], "port"), &port))
					fr_buf_addf(out, "postgres://%s@%s:%lld/%s   (%s service)\n", user, h->ip, port, db,
						    name);
			}
		}
		fr_buf_addf(out, "the password of %s is in %s (pg_users)\n", user, w->output);
		break;
	}
	fr_inv_free(inv);
}

/*
 * One line of `farrow install --progress=json` (lib-free data: host, step, module, state,
 * result, summary) into the rows; what people should read of it goes to tail. A line that is
 * not an object (farrow's own errors, on stderr) goes to tail as it is.
 */
static void parse_progress(struct host_row *rows, int *nrows, const char *line, struct fr_buf *tail)
{
	struct fr_node *o = line[0] == '{' ? fr_yaml_parse(line, strlen(line), NULL) : NULL;
	const char *ip = fr_node_str(fr_node_get(o, "host")), *module = fr_node_str(fr_node_get(o, "module"));
	const char *state = fr_node_str(fr_node_get(o, "state")), *step = fr_node_str(fr_node_get(o, "step"));
	const char *result = fr_node_str(fr_node_get(o, "result")), *summary = fr_node_str(fr_node_get(o, "summary"));
	long long code = 1;
	int i;

	if (!fr_node_is_map(o)) {
		fr_buf_addf(tail, "%s\n", line);
		fr_node_free(o);
		return;
	}
	if (ip == NULL)
		goto out; /* the run's last object: the exit status says the same */
	for (i = 0; i < *nrows && strcmp(rows[i].ip, ip) != 0; i++)
		;
	if (i == *nrows) {
		if (*nrows >= 16)
			goto out;
		memset(&rows[i], 0, sizeof(rows[i]));
		snprintf(rows[i].ip, sizeof(rows[i].ip), "%s", ip);
		(*nrows)++;
	}
	if (module && state) {
		size_t m;

		for (m = 0; m < fr_nmodules && m < MAX_MODS; m++)
			if (strcmp(fr_modules[m].name, module) == 0)
				snprintf(rows[i].mods[m], sizeof(rows[i].mods[m]), "%s", state);
	} else if (step)
		snprintf(rows[i].state, sizeof(rows[i].state), "%s", step);
	else if (result) {
		fr_node_int(fr_node_get(o, "code"), &code);
		rows[i].done = 1;
		rows[i].failed = code != 0;
		snprintf(rows[i].state, sizeof(rows[i].state), "%s: %s", code ? "FAILED" : "ok", summary ? summary : result);
		fr_buf_addf(tail, "%-16s %s\n", ip, rows[i].state);
	}
out:
	fr_node_free(o);
}

/* Run farrow install as a child; the progress screen while it runs. R_NEXT when it worked. */
static int run_install(struct wiz *w, struct fr_buf *tail)
{
	char self[PATH_MAX];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int p[2], st = 0, nrows = 0, i, r = R_NEXT;
	struct host_row rows[16];
	struct fr_buf acc = FR_BUF_INIT;
	time_t t0 = time(NULL);
	pid_t pid;

	self[sl > 0 ? sl : 0] = '\0';
	if (pipe(p) < 0)
		return R_QUIT;
	if ((pid = fork()) == 0) {
		const char *argv[16];
		int n = 0, fd = open("/dev/null", O_RDONLY);

		dup2(fd, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		argv[n++] = "farrow";
		argv[n++] = "install";
		argv[n++] = w->output;
		argv[n++] = "--bundle";
		argv[n++] = w->inst_bundle;
		argv[n++] = "--key";
		argv[n++] = w->inst_key;
		argv[n++] = "--progress=json";
		if (*w->ssh_key) {
			argv[n++] = "--ssh-key";
			argv[n++] = w->ssh_key;
		}
		if (w->accept_new)
			argv[n++] = "--accept-new-host-keys";
		argv[n] = NULL;
		execv(self, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	timeout(500);
	for (;;) {
		char buf[4096], *nl;
		ssize_t n;
		int k, eof = 0;

		while ((n = read(p[0], buf, sizeof(buf))) > 0)
			fr_buf_addn(&acc, buf, (size_t)n);
		if (n == 0)
			eof = 1;
		while ((nl = memchr(acc.buf, '\n', acc.len)) != NULL) {
			*nl = '\0';
			parse_progress(rows, &nrows, acc.buf, tail);
			memmove(acc.buf, nl + 1, acc.len - (size_t)(nl - acc.buf) - 1);
			acc.len -= (size_t)(nl - acc.buf) + 1;
			acc.buf[acc.len] = '\0';
		}
		tw_frame(w, "installing: Ctrl-C stops farrow install (the nodes finish their own step)");
		tw_text(4, 4, "farrow install %s   (%ld s)", w->output, (long)(time(NULL) - t0));
		attron(A_BOLD);
		tw_text(6, 4, "%-16s", "host");
		for (i = 0; i < (int)fr_nmodules && i < MAX_MODS; i++)
			tw_text(6, 21 + 10 * i, "%-9.9s", fr_modules[i].name);
		attroff(A_BOLD);
		for (i = 0; i < nrows && 7 + i < LINES - 3; i++) {
			int m;

			tw_text(7 + i, 4, "%-16s", rows[i].ip);
			for (m = 0; m < (int)fr_nmodules && m < MAX_MODS; m++) {
				int bad = strcmp(rows[i].mods[m], "failed") == 0, ok = strcmp(rows[i].mods[m], "done") == 0;

				if (bad || ok)
					tw_paint_on(w, stdscr, bad ? C_ERR : C_OK, A_BOLD);
				tw_text(7 + i, 21 + 10 * m, "%-9s", *rows[i].mods[m] ? rows[i].mods[m] : ".");
				if (bad || ok)
					tw_paint_off(w, stdscr, bad ? C_ERR : C_OK, A_BOLD);
			}
			if (*rows[i].state)
				tw_text(7 + i, 21 + 10 * (int)fr_nmodules, "%.*s", 78 - 21 - 10 * (int)fr_nmodules > 0 ?
				     78 - 21 - 10 * (int)fr_nmodules : 0, rows[i].state);
		}
		refresh();
		if (eof)
			break;
		k = getch();
		if (k == KEY_CTRL_C && tw_confirm_quit(w)) {
			kill(pid, SIGTERM);
			r = R_QUIT;
		}
	}
	timeout(-1);
	close(p[0]);
	waitpid(pid, &st, 0);
	fr_buf_release(&acc);
	if (r == R_QUIT)
		return r;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? R_NEXT : R_BACK;
}

static int step_install(struct wiz *w)
{
	static const char *const choices[] = { "Yes, install the nodes now", "No, quit (install later with farrow install)" };
	struct tw_list l = { 0 };
	struct tw_fields fs;
	int ys[3] = { 9, 11, 13 }, k, r, focus = 0;
	char *bufs[3] = { w->inst_bundle, w->inst_key, w->ssh_key };
	size_t sizes[3] = { sizeof(w->inst_bundle), sizeof(w->inst_key), sizeof(w->ssh_key) };

	tw_frame(w, "Enter choose   Tab fields   Space accept-new   Esc back   F1 help   Ctrl-C quit");
	tw_text(4, 4, "Install now?");
	tw_list_open(&l, choices, NULL, 2, 0, 5, 4, 2, 60);
	tw_text(9, 4, "bundle");
	tw_text(11, 4, "bundle key");
	tw_text(13, 4, "SSH key");
	tw_text(15, 4, "[%c] accept the nodes' host keys on first contact (ssh's accept-new)",
	     w->accept_new ? 'x' : ' ');
	tw_fields_open(&fs, 3, ys, 16, 58, bufs, sizes, NULL, 0);
	curs_set(0);
	if (*w->msg)
		tw_message(w, 17, 1, "%s", w->msg);
	refresh();
	for (;;) {
		k = getch();
		if ((r = tw_fields_common(w, &fs, k)) != 0)
			break;
		if (k == '\t' || k == KEY_BTAB) {
			if (focus == 0) {
				focus = 1;
				tw_fields_set_focus(&fs, 0);
				curs_set(1);
			} else if ((k == '\t' && tw_fields_focus(&fs) == 2) || (k == KEY_BTAB && tw_fields_focus(&fs) == 0)) {
				focus = 0;
				curs_set(0);
			} else
				tw_fields_key(&fs, k);
			if (focus)
				tw_fields_show(&fs);
			continue;
		}
		if (k == ' ' && focus == 0) {
			w->accept_new = !w->accept_new;
			tw_text(15, 4, "[%c]", w->accept_new ? 'x' : ' ');
			refresh();
			continue;
		}
		if (tw_is_enter(k)) {
			tw_fields_sync(&fs);
			if (tw_list_sel(&l) == 1) {
				r = R_DONE;
				break;
			}
			if (access(w->inst_bundle, R_OK) != 0 || access(w->inst_key, R_OK) != 0) {
				snprintf(w->msg, sizeof(w->msg), "the bundle and its key must be readable files");
				tw_message(w, 17, 1, "%s", w->msg);
				refresh();
				continue;
			}
			w->msg[0] = '\0';
			r = R_NEXT;
			break;
		}
		if (focus)
			tw_fields_key(&fs, k), pos_form_cursor(fs.form);
		else
			tw_list_key(&l, k);
		refresh();
	}
	tw_fields_close(&fs);
	tw_list_close(&l);
	if (r != R_NEXT)
		return r;
	for (;;) {
		struct fr_buf tail = FR_BUF_INIT, conn = FR_BUF_INIT;
		int ir = run_install(w, &tail);

		if (ir == R_QUIT) {
			fr_buf_release(&tail);
			return R_QUIT;
		}
		if (ir == R_NEXT) {
			connection_strings(w, &conn);
			tw_frame(w, "Enter finish");
			tw_paint_on(w, stdscr, C_OK, A_BOLD);
			tw_text(4, 4, "Installed. PostgreSQL serves:");
			tw_paint_off(w, stdscr, C_OK, A_BOLD);
			{
				char *line, *save = NULL;
				int y = 6;

				for (line = strtok_r(conn.buf, "\n", &save); line && y < LINES - 6; line = strtok_r(NULL, "\n", &save))
					tw_text(y++, 6, "%s", line);
				tw_text(y + 1, 4, "logs: /var/log/farrow/ and journalctl -u farrow-firstboot on each node;");
				tw_text(y + 2, 4, "      farrow status %s gathers them", w->output);
			}
			refresh();
			while (!tw_is_enter(k = getch()) && k != KEY_ESC && k != KEY_CTRL_C && !tw_got_term)
				;
			fr_buf_release(&tail);
			fr_buf_release(&conn);
			return R_DONE;
		}
		/* failed: the failing step, the last lines, retry or quit */
		{
			static const char *const again[] = { "Retry", "Quit" };
			struct tw_list l2 = { 0 };
			int nlines = 0, y, j;
			char **lines = tw_split_lines(tail.buf, tail.len, &nlines);

			tw_frame(w, "Enter choose   Ctrl-C quit");
			tw_paint_on(w, stdscr, C_ERR, A_BOLD);
			tw_text(4, 4, "farrow install failed; the nodes' logs are in farrow-logs/<host>/");
			tw_paint_off(w, stdscr, C_ERR, A_BOLD);
			for (j = nlines > 12 ? nlines - 12 : 0, y = 6; j < nlines; j++, y++)
				tw_text(y, 4, "%.*s", COLS - 8, lines[j]);
			fr_strv_free(lines, nlines);
			tw_list_open(&l2, again, NULL, 2, 0, LINES - 4, 4, 2, 20);
			refresh();
			for (;;) {
				k = getch();
				if (k == KEY_CTRL_C || tw_got_term) {
					tw_list_close(&l2);
					fr_buf_release(&tail);
					return R_QUIT;
				}
				if (tw_is_enter(k))
					break;
				tw_list_key(&l2, k);
				refresh();
			}
			j = tw_list_sel(&l2);
			tw_list_close(&l2);
			fr_buf_release(&tail);
			if (j == 1)
				return R_QUIT;
		}
	}
}

const struct tw_screen tw_screen_install = {
	"Install",
	"farrow install lays the bundle down on every node over SSH and\n"
	"starts farrow-firstboot there; its progress shows per host and\n"
	"module. The nodes' host keys must be known, or accepted as new.",
	step_install,
};
