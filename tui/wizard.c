/* wizard.c -- the ncurses wizard of `farrow configure` (ncurses, menu, form, panel). */
/* SPDX-License-Identifier: MIT */
/*
 * Eight steps, each a function that builds its widgets from the answers in
 * struct wiz, runs its keys, and tears the widgets down again: a resize, a
 * help page or the quit question rebuilds the step from the same answers, so
 * nothing typed is lost. The answers go to lib/configure (the same engine as
 * the flags), so the same answers give the same file.
 */
#define _GNU_SOURCE
#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <form.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <menu.h>
#include <panel.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "bundle.h"
#include "configure.h"
#include "modules.h"
#include "params.h"
#include "detect.h"
#include "fileio.h"
#include "inventory.h"
#include "tui.h"
#include "xalloc.h"

#define MIN_W 80
#define MIN_H 24
#define NSTEPS 8
#define KEY_CTRL_C 3
#define KEY_ESC 27

enum { R_NEXT = 1, R_BACK, R_QUIT, R_REDRAW, R_DONE };
enum { C_TITLE = 1, C_ERR, C_OK, C_SEL, C_DIM };

static const char *const step_names[NSTEPS] = { "Welcome", "Template", "Network", "PostgreSQL",
						"Credentials", "Review", "Write", "Install" };
static const char *const regions[] = { "offline: the local bundle (keep the template's)", "default upstream mirrors",
				       "china mirrors", "europe mirrors" };
static const char *const region_values[] = { NULL, "default", "china", "europe" };

struct wiz {
	struct tui_prefill pre;
	int step, color, written, shown_secrets;
	struct fr_detect det;
	char bundle[PATH_MAX], bundle_key[PATH_MAX], bundle_note[256];
	const char *const *templates;
	int ntemplates, tpl;
	char **cands;          /* candidate primary addresses */
	int ncands, cand;
	char ip[4][64];        /* the primary, then the other nodes of the template */
	int nnodes;            /* nodes of the template (1 for single-node ones) */
	char *node_tpl[4];     /* the template's addresses, for labels */
	int tpl_version, pgsel; /* versions 13..18: pgsel is the index */
	int region;
	int gen;               /* 1 generate, 0 enter */
	char **labels;         /* credentials of the template (names as --show-secrets prints) */
	int nlabels, cur_label;
	char (*pw)[130];
	char output[PATH_MAX];
	struct fr_configure c;
	int rendered;
	char msg[256];         /* an error to show on the current step */
	/* install */
	char ssh_key[PATH_MAX], inst_bundle[PATH_MAX], inst_key[PATH_MAX];
	int accept_new;
};

static volatile sig_atomic_t got_term;

/* ------------------------------------------------------------------ drawing */

static void on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static void paint_on(struct wiz *w, WINDOW *win, int pair, int fallback)
{
	if (w->color)
		wattron(win, COLOR_PAIR(pair));
	else
		wattron(win, fallback);
}

static void paint_off(struct wiz *w, WINDOW *win, int pair, int fallback)
{
	if (w->color)
		wattroff(win, COLOR_PAIR(pair));
	else
		wattroff(win, fallback);
}

static void text(int y, int x, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void text(int y, int x, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mvaddnstr(y, x, buf, COLS - x - 1 > 0 ? COLS - x - 1 : 0);
}

static void message(struct wiz *w, int y, int err, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void message(struct wiz *w, int y, int err, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	move(y, 4);
	clrtoeol();
	paint_on(w, stdscr, err ? C_ERR : C_OK, A_BOLD);
	text(y, 4, "%s %s", err ? "!" : "*", buf);
	paint_off(w, stdscr, err ? C_ERR : C_OK, A_BOLD);
}

/* Wait, showing so, until the terminal is at least 80x24. 0, or R_QUIT on Ctrl-C. */
static int big_enough(struct wiz *w)
{
	while (LINES < MIN_H || COLS < MIN_W) {
		int ch;

		clear();
		paint_on(w, stdscr, C_ERR, A_BOLD);
		mvaddnstr(LINES / 2 - 1, 0, "terminal too small", COLS);
		paint_off(w, stdscr, C_ERR, A_BOLD);
		mvprintw(LINES / 2, 0, "%dx%d: farrow needs 80x24", COLS, LINES);
		mvaddnstr(LINES / 2 + 1, 0, "enlarge the window (Ctrl-C quits)", COLS);
		refresh();
		ch = getch();
		if (ch == KEY_CTRL_C || got_term)
			return R_QUIT;
	}
	return 0;
}

/* The frame of a step: title bar with the step, the help line of keys. */
static void frame(struct wiz *w, const char *keys)
{
	char right[64];

	clear();
	paint_on(w, stdscr, C_TITLE, A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	mvaddstr(0, 1, "farrow configure");
	snprintf(right, sizeof(right), "%d/%d %s ", w->step + 1, NSTEPS, step_names[w->step]);
	mvaddstr(0, COLS - (int)strlen(right) - 1, right);
	mvhline(LINES - 1, 0, ' ', COLS);
	mvaddnstr(LINES - 1, 1, keys ? keys : "Enter next   Esc back   F1 help   Ctrl-C quit", COLS - 2);
	paint_off(w, stdscr, C_TITLE, A_REVERSE);
	attron(A_BOLD);
	mvaddstr(2, 2, step_names[w->step]);
	attroff(A_BOLD);
}

/* A dialog over the step (a panel): lines of text, waits for a key, returns it. */
static int dialog(struct wiz *w, const char *title, const char *body)
{
	(void)w;
	int h = 4, wd = 40, y, x, ch, i = 0;
	const char *p;
	WINDOW *win;
	PANEL *pan;

	for (p = body; *p; p++) {
		const char *nl = strchr(p, '\n');
		int l = nl ? (int)(nl - p) : (int)strlen(p);

		if (l + 4 > wd)
			wd = l + 4;
		h++;
		if (!nl)
			break;
		p = nl;
	}
	if (wd > COLS - 4)
		wd = COLS - 4;
	if (h > LINES - 2)
		h = LINES - 2;
	y = (LINES - h) / 2;
	x = (COLS - wd) / 2;
	win = newwin(h, wd, y, x);
	pan = new_panel(win);
	box(win, 0, 0);
	wattron(win, A_BOLD);
	mvwprintw(win, 0, 2, " %s ", title);
	wattroff(win, A_BOLD);
	for (p = body; *p && i < h - 3; i++) {
		const char *nl = strchr(p, '\n');
		int l = nl ? (int)(nl - p) : (int)strlen(p);

		mvwaddnstr(win, 2 + i, 2, p, l < wd - 4 ? l : wd - 4);
		if (!nl)
			break;
		p = nl + 1;
	}
	update_panels();
	doupdate();
	ch = wgetch(win);
	del_panel(pan);
	delwin(win);
	update_panels();
	return ch;
}

static int confirm_quit(struct wiz *w)
{
	int ch = dialog(w, "Quit?", w->written ? "The inventory is written. Quit the wizard? [y/N]"
					   : "Quit farrow configure? Nothing has been written. [y/N]");

	return ch == 'y' || ch == 'Y';
}

static const char *const help_text[NSTEPS] = {
	"What this machine is, as farrow detects it, and the offline bundle\n"
	"found beside farrow or on the install medium (its signature is checked).\n"
	"Nothing is written before step 7.",
	"The profile template: how many nodes and which modules.\n"
	"meta: one node with everything (the default).\n"
	"ha/trio: three nodes, etcd on each, PostgreSQL primary + 2 replicas.",
	"The primary IP replaces the template's 10.10.10.10 everywhere.\n"
	"Up/Down cycle through this machine's addresses; or type one.\n"
	"Multi-node templates ask for every node's address, in order.",
	"The PostgreSQL major version (13-18) and where packages come from:\n"
	"offline keeps the template's local bundle repository; a region\n"
	"picks upstream mirrors for machines that reach them. Tab switches.",
	"Generate: every default credential becomes a random 24-character\n"
	"one (RAND_bytes). Enter: you type each, masked, twice; 8-128\n"
	"characters of A-Z a-z 0-9 . _ ~ -",
	"The differences between the template and your inventory.\n"
	"Credentials are shown as ********. Up/Down/PgUp/PgDn scroll.",
	"The inventory is written atomically (temporary file + rename),\n"
	"mode 0600; an existing file is kept as <file>.bak.\n"
	"S shows generated credentials, once.",
	"farrow install lays the bundle down on every node over SSH and\n"
	"starts farrow-firstboot there; its progress shows per host and\n"
	"module. The nodes' host keys must be known, or accepted as new.",
};

/* Keys every step understands. 0 when k is not one of them. */
static int common_key(struct wiz *w, int k)
{
	if (got_term)
		return R_QUIT;
	if (k == KEY_RESIZE)
		return R_REDRAW;
	if (k == KEY_CTRL_C)
		return confirm_quit(w) ? R_QUIT : R_REDRAW;
	if (k == KEY_F(1)) {
		dialog(w, "Help", help_text[w->step]);
		return R_REDRAW;
	}
	if (k == KEY_ESC)
		return w->step > 0 ? R_BACK : R_REDRAW;
	return 0;
}

static int is_enter(int k)
{
	return k == '\n' || k == '\r' || k == KEY_ENTER;
}

/* ------------------------------------------------------------------ menus and fields */

struct list {
	ITEM **items;
	MENU *menu;
	WINDOW *sub;
	int n;
};

static void list_open(struct list *l, const char *const *names, const char *const *descs, int n, int sel, int y, int x,
		      int h, int width)
{
	int i;

	l->n = n;
	l->items = fr_xcalloc((size_t)n + 1, sizeof(*l->items));
	for (i = 0; i < n; i++)
		l->items[i] = new_item(names[i], descs ? descs[i] : "");
	l->menu = new_menu(l->items);
	l->sub = derwin(stdscr, h, width, y, x);
	set_menu_win(l->menu, stdscr);
	set_menu_sub(l->menu, l->sub);
	set_menu_format(l->menu, h, 1);
	set_menu_mark(l->menu, " > ");
	menu_opts_off(l->menu, O_SHOWDESC);
	if (descs)
		menu_opts_on(l->menu, O_SHOWDESC);
	post_menu(l->menu);
	if (sel >= 0 && sel < n)
		set_current_item(l->menu, l->items[sel]);
}

static int list_sel(const struct list *l)
{
	return item_index(current_item(l->menu));
}

static void list_close(struct list *l)
{
	int i;

	if (l->menu == NULL)
		return;
	unpost_menu(l->menu);
	free_menu(l->menu);
	for (i = 0; i < l->n; i++)
		free_item(l->items[i]);
	free(l->items);
	delwin(l->sub);
	memset(l, 0, sizeof(*l));
}

static void list_key(struct list *l, int k)
{
	if (k == KEY_UP)
		menu_driver(l->menu, REQ_UP_ITEM);
	else if (k == KEY_DOWN)
		menu_driver(l->menu, REQ_DOWN_ITEM);
	else if (k == KEY_PPAGE)
		menu_driver(l->menu, REQ_SCR_UPAGE);
	else if (k == KEY_NPAGE)
		menu_driver(l->menu, REQ_SCR_DPAGE);
	else if (k == KEY_HOME)
		menu_driver(l->menu, REQ_FIRST_ITEM);
	else if (k == KEY_END)
		menu_driver(l->menu, REQ_LAST_ITEM);
}

/* A form of one-line fields, their values kept in caller buffers of 130 bytes or more. */
struct fields {
	FIELD *f[9];
	FORM *form;
	WINDOW *sub;
	char *bufs[8];
	size_t sizes[8];
	int n;
};

static void fields_open(struct fields *fs, int n, const int *ys, int x, int width, char **bufs, const size_t *sizes,
			const int *masked, int focus)
{
	int i, top = ys[0], bottom = ys[0];

	memset(fs, 0, sizeof(*fs));
	fs->n = n;
	for (i = 0; i < n; i++) {
		top = ys[i] < top ? ys[i] : top;
		bottom = ys[i] > bottom ? ys[i] : bottom;
	}
	for (i = 0; i < n; i++) {
		fs->f[i] = new_field(1, width, ys[i] - top, 0, 0, 0);
		set_field_back(fs->f[i], A_UNDERLINE);
		field_opts_off(fs->f[i], O_AUTOSKIP | O_STATIC);
		set_max_field(fs->f[i], (int)sizes[i] - 1);
		if (masked && masked[i])
			field_opts_off(fs->f[i], O_PUBLIC);
		set_field_buffer(fs->f[i], 0, bufs[i]);
		fs->bufs[i] = bufs[i];
		fs->sizes[i] = sizes[i];
	}
	fs->f[n] = NULL;
	fs->form = new_form(fs->f);
	/* Backspace at a field's start stays in it (form's default would jump to the previous field) */
	form_opts_off(fs->form, O_BS_OVERLOAD | O_NL_OVERLOAD);
	/* the form's window covers its fields' rows and columns only: the text beside them stays */
	fs->sub = derwin(stdscr, bottom - top + 1, width + 1, top, x);
	set_form_win(fs->form, stdscr);
	set_form_sub(fs->form, fs->sub);
	post_form(fs->form);
	set_current_field(fs->form, fs->f[focus]);
	form_driver(fs->form, REQ_END_LINE);
	curs_set(1);
}

/* Copy the fields' text (trimmed) into their buffers. */
static void fields_sync(struct fields *fs)
{
	int i;

	form_driver(fs->form, REQ_VALIDATION);
	for (i = 0; i < fs->n; i++) {
		const char *b = field_buffer(fs->f[i], 0);
		size_t l = strlen(b);

		while (l && b[l - 1] == ' ')
			l--;
		if (l >= fs->sizes[i])
			l = fs->sizes[i] - 1;
		memcpy(fs->bufs[i], b, l);
		fs->bufs[i][l] = '\0';
	}
}

static int fields_focus(const struct fields *fs)
{
	return field_index(current_field(fs->form));
}

static void fields_set_focus(struct fields *fs, int i)
{
	set_current_field(fs->form, fs->f[i]);
	form_driver(fs->form, REQ_END_LINE);
}

static void fields_set(struct fields *fs, int i, const char *v)
{
	set_field_buffer(fs->f[i], 0, v);
	snprintf(fs->bufs[i], fs->sizes[i], "%s", v);
	if (fields_focus(fs) == i)
		form_driver(fs->form, REQ_END_LINE);
}

/* Editing keys; returns 1 when handled. */
static int fields_key(struct fields *fs, int k)
{
	int r = 1;

	if (k == '\t' || k == KEY_DOWN)
		form_driver(fs->form, REQ_NEXT_FIELD), form_driver(fs->form, REQ_END_LINE);
	else if (k == KEY_BTAB || k == KEY_UP)
		form_driver(fs->form, REQ_PREV_FIELD), form_driver(fs->form, REQ_END_LINE);
	else if (k == KEY_LEFT)
		form_driver(fs->form, REQ_PREV_CHAR);
	else if (k == KEY_RIGHT)
		form_driver(fs->form, REQ_NEXT_CHAR);
	else if (k == KEY_BACKSPACE || k == 127 || k == 8)
		form_driver(fs->form, REQ_DEL_PREV);
	else if (k == KEY_DC)
		form_driver(fs->form, REQ_DEL_CHAR);
	else if (k == 21) /* Ctrl-U, as in a shell: the whole field */
		form_driver(fs->form, REQ_CLR_FIELD);
	else if (k == KEY_HOME)
		form_driver(fs->form, REQ_BEG_LINE);
	else if (k == KEY_END)
		form_driver(fs->form, REQ_END_LINE);
	else if (k >= 32 && k < 127)
		form_driver(fs->form, k);
	else
		r = 0;
	if (r)
		fields_sync(fs);
	return r;
}

struct wiz;
static int common_key(struct wiz *w, int k);

/* Keys every step understands, on a step with fields: their text is kept first. 0 for other keys. */
static int fields_common(struct wiz *w, struct fields *fs, int k)
{
	if (k == KEY_ESC || k == KEY_CTRL_C || k == KEY_F(1) || k == KEY_RESIZE || got_term) {
		fields_sync(fs);
		return common_key(w, k);
	}
	return 0;
}

/* The cursor back into the focused field, and the screen out. */
static void fields_show(struct fields *fs)
{
	pos_form_cursor(fs->form);
	refresh();
}

static void fields_close(struct fields *fs)
{
	int i;

	if (fs->form == NULL)
		return;
	unpost_form(fs->form);
	free_form(fs->form);
	for (i = 0; i < fs->n; i++)
		free_field(fs->f[i]);
	delwin(fs->sub);
	curs_set(0);
	fs->form = NULL;
}

/* ------------------------------------------------------------------ step 1: welcome */

/* A signed bundle beside farrow or on an install medium: its path, key and whether it verifies. */
static void find_bundle(struct wiz *w)
{
	char self[PATH_MAX];
	const char *dirs[6];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int i;

	self[n > 0 ? n : 0] = '\0';
	dirs[0] = n > 0 ? dirname(self) : ".";
	dirs[1] = getenv("FARROW_MEDIA") ? getenv("FARROW_MEDIA") : "/run/farrow-media";
	dirs[2] = "/media/cdrom";
	dirs[3] = "/mnt/cdrom";
	dirs[4] = NULL;
	snprintf(w->bundle_note, sizeof(w->bundle_note), "none found beside farrow or on /media/cdrom");
	for (i = 0; dirs[i] && !*w->bundle; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;

		while (d && (e = readdir(d)) != NULL) {
			size_t l = strlen(e->d_name);
			char sig[PATH_MAX], key[PATH_MAX];

			if (l < 8 || strcmp(e->d_name + l - 8, ".tar.zst") != 0 || strncmp(e->d_name, "farrow-pkg-", 11) != 0)
				continue;
			snprintf(sig, sizeof(sig), "%s/%s.sig", dirs[i], e->d_name);
			snprintf(key, sizeof(key), "%s/farrow-signing.gpg", dirs[i]);
			if (access(key, R_OK) != 0)
				snprintf(key, sizeof(key), "%s/keys/farrow-signing.gpg", dirs[i]);
			if (access(sig, R_OK) != 0)
				continue;
			snprintf(w->bundle, sizeof(w->bundle), "%s/%s", dirs[i], e->d_name);
			snprintf(w->bundle_key, sizeof(w->bundle_key), "%s", access(key, R_OK) == 0 ? key : "");
			break;
		}
		if (d)
			closedir(d);
	}
	if (*w->bundle && *w->bundle_key) {
		struct fr_bundle_check check;
		struct fr_err err = { 0 };

		snprintf(w->bundle_note, sizeof(w->bundle_note), "%.200s: %s", w->bundle,
			 fr_bundle_verify(w->bundle, w->bundle_key, NULL, &check, &err) == 0 ? "signature good"
												       : "DOES NOT VERIFY");
		fr_bundle_check_release(&check);
	} else if (*w->bundle)
		snprintf(w->bundle_note, sizeof(w->bundle_note), "%.200s: no farrow-signing.gpg beside it", w->bundle);
	snprintf(w->inst_bundle, sizeof(w->inst_bundle), "%s", w->bundle);
	snprintf(w->inst_key, sizeof(w->inst_key), "%s", w->bundle_key);
}

static int step_welcome(struct wiz *w)
{
	struct fr_detect *d = &w->det;
	int k, r, i;
	char ips[256] = "";

	for (i = 0; i < (int)d->nips && strlen(ips) < 200; i++)
		snprintf(ips + strlen(ips), sizeof(ips) - strlen(ips), "%s%s", i ? ", " : "", d->ips[i]);
	frame(w, "Enter next   F1 help   Ctrl-C quit");
	text(4, 4, "This wizard writes an inventory (Pigsty's format) for your PostgreSQL");
	text(5, 4, "nodes from a profile template, then can install them from an offline bundle");
	text(6, 4, "Nothing is written before step 7.");
	attron(A_BOLD);
	text(8, 4, "This machine");
	attroff(A_BOLD);
	text(9, 6, "OS         %s, %s %s", *d->pretty ? d->pretty : "unknown", d->kernel, d->arch);
	text(10, 6, "CPUs       %d%s", d->ncpu, fr_tiny_host(d->ncpu) ? " (fewer than 4: tiny tuning)" : "");
	text(11, 6, "memory     %.1f GiB", (double)d->mem_mib / 1024);
	text(12, 6, "packages   %s", *d->pkg ? d->pkgmgr : "none found: farrow needs dpkg/apt or rpm/dnf");
	text(13, 6, "addresses  %s", *ips ? ips : "none besides loopback");
	text(14, 6, "bundle     %.64s", w->bundle_note);
	if (strlen(w->bundle_note) > 64)
		text(15, 17, "%.64s", w->bundle_note + 64);
	refresh();
	for (;;) {
		k = getch();
		if ((r = common_key(w, k)) != 0)
			return r;
		if (is_enter(k))
			return R_NEXT;
	}
}

/* ------------------------------------------------------------------ step 2: template */

static void load_nodes(struct wiz *w)
{
	char *text_ = NULL, *origin = NULL, **ips = NULL;
	size_t len = 0, n = 0, i;
	struct fr_err err = { 0 };

	for (i = 0; i < 4; i++) {
		free(w->node_tpl[i]);
		w->node_tpl[i] = NULL;
	}
	w->nnodes = 1;
	if (fr_template_load(w->templates[w->tpl], &text_, &len, &origin, &err) == 0 &&
	    fr_template_nodes(text_, len, &ips, &n, &err) == 0) {
		for (i = 0; i < n; i++) {
			if (i < 4)
				w->node_tpl[i] = ips[i];
			else
				free(ips[i]);
		}
		w->nnodes = n < 1 ? 1 : n > 4 ? 4 : (int)n;
		free(ips);
	}
	{
		/* the template's PostgreSQL version, read as the engine reads it */
		int v = text_ ? fr_template_pg_version(text_, len, NULL) : -1;

		w->tpl_version = fr_pg_version_ok(v) ? v : FR_PG_VERSION_MAX;
	}
	free(text_);
	free(origin);
}

static int step_template(struct wiz *w)
{
	const char *descs[32];
	char dbuf[32][80];
	struct list l = { 0 };
	int i, k, r;

	/* fr_template_desc's buffer is its own: copies, shortened to fit beside the names */
	for (i = 0; i < w->ntemplates && i < 32; i++) {
		snprintf(dbuf[i], sizeof(dbuf[i]), "%.*s", COLS - 24, fr_template_desc(w->templates[i]));
		descs[i] = dbuf[i];
	}
	frame(w, NULL);
	text(4, 4, "Which profile template? It decides the nodes and the modules they run.");
	list_open(&l, w->templates, descs, w->ntemplates, w->tpl, 6, 4, LINES - 9, COLS - 6);
	refresh();
	for (;;) {
		k = getch();
		if ((r = common_key(w, k)) != 0)
			break;
		if (is_enter(k)) {
			int sel = list_sel(&l);

			if (sel != w->tpl) {
				w->tpl = sel;
				w->pgsel = -1;
			}
			load_nodes(w);
			/* other nodes start from the template's addresses */
			for (i = 1; i < w->nnodes; i++)
				if (!*w->ip[i] && w->node_tpl[i])
					snprintf(w->ip[i], sizeof(w->ip[i]), "%s", w->node_tpl[i]);
			r = R_NEXT;
			break;
		}
		list_key(&l, k);
		refresh();
	}
	list_close(&l);
	return r;
}

/* ------------------------------------------------------------------ step 3: network */

static int step_network(struct wiz *w)
{
	struct fields fs;
	int ys[4], i, k, r, n = w->nnodes, msg_y;
	char *bufs[4];
	size_t sizes[4];

	frame(w, "Enter next   Tab field   Up/Down addresses   Esc back   F1 help   Ctrl-C quit");
	text(4, 4, "The primary IP replaces the template's %s everywhere.", FR_PLACEHOLDER_IP);
	if (w->ncands)
		text(5, 4, "Up/Down choose one of this machine's %d address%s, or type one.", w->ncands,
		     w->ncands == 1 ? "" : "es");
	for (i = 0; i < n; i++) {
		ys[i] = 7 + 2 * i;
		bufs[i] = w->ip[i];
		sizes[i] = sizeof(w->ip[i]);
		text(ys[i], 4, "%s", i == 0 ? "primary IP" : "node IP");
		if (w->node_tpl[i])
			text(ys[i], 44, "(template: %s)", w->node_tpl[i]);
	}
	msg_y = 8 + 2 * n;
	fields_open(&fs, n, ys, 16, 20, bufs, sizes, NULL, 0);
	if (*w->msg)
		message(w, msg_y, 1, "%s", w->msg);
	fields_show(&fs);
	for (;;) {
		k = getch();
		if ((r = fields_common(w, &fs, k)) != 0)
			break;
		if (is_enter(k)) {
			int bad = -1;

			fields_sync(&fs);
			w->msg[0] = '\0';
			for (i = 0; i < n && bad < 0; i++) {
				int j;

				if (!fr_is_ipv4(w->ip[i])) {
					snprintf(w->msg, sizeof(w->msg), "'%.40s' is not a valid IPv4 address", w->ip[i]);
					bad = i;
				}
				for (j = 0; j < i && bad < 0; j++)
					if (strcmp(w->ip[i], w->ip[j]) == 0) {
						snprintf(w->msg, sizeof(w->msg), "%s is given twice", w->ip[i]);
						bad = i;
					}
			}
			if (bad < 0) {
				r = R_NEXT;
				break;
			}
			/* refused in place: the message, and the field keeps the focus */
			message(w, msg_y, 1, "%s", w->msg);
			fields_set_focus(&fs, bad);
			fields_show(&fs);
			continue;
		}
		if ((k == KEY_UP || k == KEY_DOWN) && fields_focus(&fs) == 0 && w->ncands) {
			w->cand = (w->cand + (k == KEY_DOWN ? 1 : w->ncands - 1)) % w->ncands;
			fields_set(&fs, 0, w->cands[w->cand]);
		} else
			fields_key(&fs, k);
		/* validated as typed */
		i = fields_focus(&fs);
		move(msg_y, 4);
		clrtoeol();
		if (*w->ip[i] && !fr_is_ipv4(w->ip[i]))
			message(w, msg_y, 1, "'%.40s' is not a valid IPv4 address (yet)", w->ip[i]);
		else if (*w->ip[i])
			message(w, msg_y, 0, "%s", w->ip[i]);
		fields_show(&fs);
	}
	fields_close(&fs);
	return r;
}

/* ------------------------------------------------------------------ step 4: PostgreSQL and repository */

static int step_pg(struct wiz *w)
{
	static const char *const vers[] = { "13", "14", "15", "16", "17", "18" };
	const char *vdesc[6];
	char tmark[6][32];
	struct list lv = { 0 }, lr = { 0 };
	int focus = 0, i, k, r;

	if (w->pgsel < 0)
		w->pgsel = w->tpl_version - FR_PG_VERSION_MIN;
	for (i = 0; i < 6; i++) {
		snprintf(tmark[i], sizeof(tmark[i]), "%s", i == w->tpl_version - FR_PG_VERSION_MIN ? "(the template's)" : "");
		vdesc[i] = tmark[i];
	}
	frame(w, "Enter next   Tab switch list   Esc back   F1 help   Ctrl-C quit");
	text(4, 4, "PostgreSQL major version");
	text(4, 36, "Packages come from");
	list_open(&lv, vers, vdesc, 6, w->pgsel, 6, 4, 6, 28);
	list_open(&lr, regions, NULL, 4, w->region, 6, 36, 4, 42);
	text(14, 4, "The bundle for Debian 12 carries PostgreSQL 15, Debian 12's own.");
	for (;;) {
		move(5, 4);
		clrtoeol();
		attron(A_BOLD);
		text(5, focus == 0 ? 4 : 36, "%s", "----------");
		attroff(A_BOLD);
		refresh();
		k = getch();
		if ((r = common_key(w, k)) != 0)
			break;
		if (k == '\t' || k == KEY_BTAB || k == KEY_LEFT || k == KEY_RIGHT) {
			focus = !focus;
			continue;
		}
		if (is_enter(k)) {
			r = R_NEXT;
			break;
		}
		list_key(focus ? &lr : &lv, k);
		w->pgsel = list_sel(&lv);
		w->region = list_sel(&lr);
	}
	w->pgsel = list_sel(&lv);
	w->region = list_sel(&lr);
	list_close(&lv);
	list_close(&lr);
	return r;
}

/* ------------------------------------------------------------------ rendering */

static void answers(struct wiz *w, struct fr_configure *c, int with_given)
{
	static const char *nodes[4];
	static struct fr_secret given[64];
	int i;

	memset(c, 0, sizeof(*c));
	c->conf = w->templates[w->tpl];
	c->primary_ip = w->ip[0];
	if (w->nnodes > 1) {
		for (i = 0; i < w->nnodes; i++)
			nodes[i] = w->ip[i];
		c->nodes = nodes;
		c->nnodes = (size_t)w->nnodes;
	}
	c->pg_version = w->pgsel + 13 == w->tpl_version ? 0 : w->pgsel + 13;
	c->region = region_values[w->region];
	c->tiny = fr_tiny_host(w->det.ncpu);
	c->proxy = w->pre.proxy;
	c->http_proxy = w->pre.http_proxy;
	c->https_proxy = w->pre.https_proxy;
	c->all_proxy = w->pre.all_proxy;
	c->no_proxy = w->pre.no_proxy;
	c->ssh_port = w->pre.ssh_port;
	c->generate = 1;
	if (with_given && !w->gen) {
		for (i = 0; i < w->nlabels && i < 64; i++) {
			given[i].name = w->labels[i];
			given[i].value = w->pw[2 * i];
		}
		c->given = given;
		c->ngiven = (size_t)(w->nlabels < 64 ? w->nlabels : 64);
	}
}

/* The credentials the template has, by the names --show-secrets prints. */
static int load_labels(struct wiz *w, char *err_out, size_t errlen)
{
	struct fr_configure c;
	struct fr_err err = { 0 };
	int i;

	fr_strv_free(w->labels, w->nlabels);
	if (w->pw)
		memset(w->pw, 0, sizeof(*w->pw) * 2 * (size_t)w->nlabels);
	free(w->pw);
	w->labels = NULL;
	w->pw = NULL;
	w->nlabels = 0;
	answers(w, &c, 0);
	if (fr_configure_render(&c, &err) < 0) {
		snprintf(err_out, errlen, "%.*s", (int)errlen - 1, err.msg);
		fr_configure_release(&c);
		return -1;
	}
	w->nlabels = (int)c.nsecrets;
	w->labels = fr_xcalloc(c.nsecrets + 1, sizeof(*w->labels));
	w->pw = fr_xcalloc(2 * c.nsecrets + 2, sizeof(*w->pw));
	for (i = 0; i < w->nlabels; i++) {
		const char *n = c.secrets[i].name;
		size_t l = strlen(n);

		/* 'DBUser.Meta' (a default value) is named without its quotes */
		w->labels[i] = n[0] == '\'' && l > 1 ? fr_xstrndup(n + 1, l - 2) : fr_xstrdup(n);
	}
	fr_configure_release(&c);
	return 0;
}

/* ------------------------------------------------------------------ step 5: credentials */

static int enter_credential(struct wiz *w)
{
	struct fields fs;
	int ys[2] = { 8, 10 }, masked[2] = { 1, 1 }, k, r;
	char *bufs[2];
	size_t sizes[2] = { 129, 129 };
	int i = w->cur_label;

	bufs[0] = w->pw[2 * i];
	bufs[1] = w->pw[2 * i + 1];
	frame(w, "Enter next   Tab field   Esc back   F1 help   Ctrl-C quit");
	text(4, 4, "Credential %d of %d: %s", i + 1, w->nlabels, w->labels[i]);
	text(5, 4, "8-128 characters of A-Z a-z 0-9 . _ ~ -   (typed text is not shown)");
	text(8, 4, "value");
	text(10, 4, "again");
	fields_open(&fs, 2, ys, 16, 40, bufs, sizes, masked, 0);
	if (*w->msg)
		message(w, 12, 1, "%s", w->msg);
	fields_show(&fs);
	for (;;) {
		k = getch();
		if ((r = fields_common(w, &fs, k)) != 0)
			break;
		if (is_enter(k)) {
			fields_sync(&fs);
			if (fields_focus(&fs) == 0) {
				fields_set_focus(&fs, 1);
				fields_show(&fs);
				continue;
			}
			if (!fr_secret_value_ok(w->pw[2 * i]))
				snprintf(w->msg, sizeof(w->msg), "8-128 characters of A-Z a-z 0-9 . _ ~ - please");
			else if (strcmp(w->pw[2 * i], w->pw[2 * i + 1]) != 0)
				snprintf(w->msg, sizeof(w->msg), "the two entries differ");
			else {
				w->msg[0] = '\0';
				r = R_NEXT;
				break;
			}
			message(w, 12, 1, "%s", w->msg);
			fields_set(&fs, 1, "");
			fields_set_focus(&fs, 0);
			fields_show(&fs);
			continue;
		}
		fields_key(&fs, k);
		fields_show(&fs);
	}
	fields_close(&fs);
	return r;
}

static int step_credentials(struct wiz *w)
{
	static const char *const choices[] = { "Generate strong random passwords (recommended)",
					       "Enter them myself, masked, each twice" };
	struct list l = { 0 };
	int k, r;
	char err[256];

	frame(w, NULL);
	text(4, 4, "The template's credentials are well known defaults: replace them.");
	list_open(&l, choices, NULL, 2, w->gen ? 0 : 1, 6, 4, 2, 60);
	refresh();
	for (;;) {
		k = getch();
		if ((r = common_key(w, k)) != 0)
			break;
		if (is_enter(k)) {
			w->gen = list_sel(&l) == 0;
			r = R_NEXT;
			break;
		}
		list_key(&l, k);
		refresh();
	}
	list_close(&l);
	if (r != R_NEXT || w->gen)
		return r;
	if (load_labels(w, err, sizeof(err)) < 0) {
		dialog(w, "Error", err);
		return R_REDRAW;
	}
	/* one page a credential; Esc walks back through them */
	for (w->cur_label = 0; w->cur_label < w->nlabels;) {
		r = enter_credential(w);
		if (r == R_REDRAW)
			continue;
		if (r == R_QUIT)
			return r;
		if (r == R_BACK) {
			if (w->cur_label == 0)
				return R_REDRAW;
			w->cur_label--;
			continue;
		}
		w->cur_label++;
	}
	return R_NEXT;
}

/* ------------------------------------------------------------------ step 6: review */

static char **split_lines(const char *s, size_t len, int *n)
{
	char **v = NULL;
	size_t i = 0, cap = 0;

	*n = 0;
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - s - i) : len - i;

		FR_ALLOC_GROW(v, (size_t)*n + 1, cap);
		v[(*n)++] = fr_xstrndup(s + i, l);
		i += l + 1;
	}
	return v;
}

/* The differences template -> result, as "  -old" / "  +new" lines with a line-number header. */
static char **diff_lines(struct wiz *w, int *nout)
{
	char *tt = NULL, *origin = NULL, **a, **b, **out = NULL;
	size_t tl = 0, cap = 0;
	int na, nb, i, j, *lcs;
	struct fr_err err = { 0 };

	*nout = 0;
	if (fr_template_load(w->templates[w->tpl], &tt, &tl, &origin, &err) < 0)
		return NULL;
	a = split_lines(tt, tl, &na);
	b = split_lines(w->c.text, w->c.len, &nb);
	lcs = fr_xcalloc((size_t)(na + 1) * (size_t)(nb + 1), sizeof(*lcs));
	for (i = na - 1; i >= 0; i--)
		for (j = nb - 1; j >= 0; j--)
			lcs[i * (nb + 1) + j] = strcmp(a[i], b[j]) == 0 ? lcs[(i + 1) * (nb + 1) + j + 1] + 1
					       : lcs[(i + 1) * (nb + 1) + j] > lcs[i * (nb + 1) + j + 1]
						       ? lcs[(i + 1) * (nb + 1) + j]
						       : lcs[i * (nb + 1) + j + 1];
	for (i = 0, j = 0; i < na || j < nb;) {
		char *line = NULL;

		if (i < na && j < nb && strcmp(a[i], b[j]) == 0) {
			i++, j++;
			continue;
		}
		if (j < nb && (i >= na || lcs[i * (nb + 1) + j + 1] > lcs[(i + 1) * (nb + 1) + j])) {
			struct fr_buf m = FR_BUF_INIT;
			size_t s;

			fr_buf_adds(&m, b[j]);
			/* credentials never on the screen */
			for (s = 0; s < w->c.nsecrets; s++) {
				char *p;

				while ((p = strstr(m.buf, w->c.secrets[s].value)) != NULL) {
					size_t vl = strlen(w->c.secrets[s].value);
					struct fr_buf n2 = FR_BUF_INIT;

					fr_buf_addn(&n2, m.buf, (size_t)(p - m.buf));
					fr_buf_adds(&n2, "********");
					fr_buf_adds(&n2, p + vl);
					fr_buf_release(&m);
					m = n2;
				}
			}
			line = fr_xasprintf("%4d +%s", j + 1, m.buf);
			fr_buf_release(&m);
			j++;
		} else {
			line = fr_xasprintf("     -%s", a[i]);
			i++;
		}
		FR_ALLOC_GROW(out, (size_t)*nout + 1, cap);
		out[(*nout)++] = line;
	}
	for (i = 0; i < na; i++)
		free(a[i]);
	for (i = 0; i < nb; i++)
		free(b[i]);
	free(a);
	free(b);
	free(lcs);
	free(tt);
	free(origin);
	return out;
}

static int render(struct wiz *w, char *errbuf, size_t len)
{
	struct fr_err err = { 0 };

	fr_configure_release(&w->c);
	answers(w, &w->c, 1);
	if (fr_configure_render(&w->c, &err) < 0) {
		snprintf(errbuf, len, "%.*s", (int)len - 1, err.msg);
		w->rendered = 0;
		return -1;
	}
	w->rendered = 1;
	return 0;
}

static int step_review(struct wiz *w)
{
	char err[512];
	char **lines;
	int n = 0, top = 0, k, r = 0, i, h;

	if (render(w, err, sizeof(err)) < 0) {
		frame(w, "Esc back   Ctrl-C quit");
		message(w, 4, 1, "these answers do not make a valid inventory:");
		text(6, 4, "%.300s", err);
		refresh();
		for (;;) {
			k = getch();
			if ((r = common_key(w, k)) != 0)
				return r;
		}
	}
	lines = diff_lines(w, &n);
	for (;;) {
		frame(w, "Enter next   Up/Down/PgUp/PgDn scroll   Esc back   F1 help   Ctrl-C quit");
		h = LINES - 8;
		text(3, 4, "%d changed line%s against template %s%s", n, n == 1 ? "" : "s", w->templates[w->tpl],
		     w->c.nsecrets ? "; credentials shown as ********" : "");
		for (i = 0; i < h && top + i < n; i++) {
			const char *l = lines[top + i];
			int plus = l[5] == '+';

			paint_on(w, stdscr, plus ? C_OK : C_ERR, plus ? A_BOLD : A_DIM);
			text(5 + i, 2, "%.*s", COLS - 4, l);
			paint_off(w, stdscr, plus ? C_OK : C_ERR, plus ? A_BOLD : A_DIM);
		}
		if (n > h)
			text(LINES - 2, 4, "lines %d-%d of %d", top + 1, top + h < n ? top + h : n, n);
		refresh();
		k = getch();
		if ((r = common_key(w, k)) != 0 && r != R_REDRAW)
			break;
		if (r == R_REDRAW)
			continue;
		if (is_enter(k)) {
			r = R_NEXT;
			break;
		}
		if (k == KEY_DOWN && top + h < n)
			top++;
		else if (k == KEY_UP && top > 0)
			top--;
		else if (k == KEY_NPAGE)
			top = top + h < n - h ? top + h : (n > h ? n - h : 0);
		else if (k == KEY_PPAGE)
			top = top > h ? top - h : 0;
	}
	fr_strv_free(lines, n);
	return r;
}

/* ------------------------------------------------------------------ step 7: write */

static void show_secrets(struct wiz *w)
{
	struct fr_buf b = FR_BUF_INIT;
	size_t i;

	for (i = 0; i < w->c.nsecrets; i++)
		fr_buf_addf(&b, "%-26s %s\n", w->c.secrets[i].name, w->c.secrets[i].value);
	fr_buf_adds(&b, "\nThey are shown this once; they stay in the file only.");
	dialog(w, "Generated credentials", b.buf);
	fr_buf_wipe(&b);
	w->shown_secrets = 1;
}

static int step_write(struct wiz *w)
{
	struct fields fs;
	int ys[1] = { 6 }, k, r;
	char *bufs[1] = { w->output };
	size_t sizes[1] = { sizeof(w->output) };

	frame(w, w->written ? "Enter next   S show generated credentials (once)   Esc back   Ctrl-C quit"
			    : "Enter write   Esc back   F1 help   Ctrl-C quit");
	text(4, 4, "Write the inventory (mode 0600; an existing file is kept as .bak)");
	text(6, 4, "file");
	if (w->written) {
		text(6, 16, "%s", w->output);
		message(w, 8, 0, "written %s (mode 0600)", w->output);
		if (w->gen)
			text(10, 4, "%s", w->shown_secrets ? "The generated credentials were shown once; they are in the file."
							   : "Press S to see the generated credentials, once.");
		text(12, 4, "Enter: on to installing the nodes.");
		refresh();
		for (;;) {
			k = getch();
			if ((r = common_key(w, k)) != 0)
				return r == R_BACK ? R_REDRAW : r;
			if ((k == 's' || k == 'S') && w->gen && !w->shown_secrets) {
				show_secrets(w);
				return R_REDRAW;
			}
			if (is_enter(k))
				return R_NEXT;
		}
	}
	fields_open(&fs, 1, ys, 16, 50, bufs, sizes, NULL, 0);
	if (*w->msg)
		message(w, 8, 1, "%s", w->msg);
	fields_show(&fs);
	for (;;) {
		k = getch();
		if ((r = fields_common(w, &fs, k)) != 0)
			break;
		if (is_enter(k)) {
			struct fr_err err = { 0 };
			struct stat st;
			int existed;

			fields_sync(&fs);
			existed = access(w->output, F_OK) == 0;
			if (!*w->output || (stat(w->output, &st) == 0 && S_ISDIR(st.st_mode)))
				snprintf(w->msg, sizeof(w->msg), "'%.200s' is a directory or empty: name a file", w->output);
			else if (!w->rendered)
				snprintf(w->msg, sizeof(w->msg), "nothing to write: go back to the review");
			else if (fr_write_atomic(w->output, w->c.text, w->c.len, 0600, 1, &err) < 0)
				snprintf(w->msg, sizeof(w->msg), "%.200s", err.msg);
			else {
				w->msg[0] = '\0';
				w->written = 1;
				(void)existed;
				r = R_REDRAW;
				break;
			}
			message(w, 8, 1, "%s", w->msg);
			fields_show(&fs);
			continue;
		}
		fields_key(&fs, k);
		fields_show(&fs);
	}
	fields_close(&fs);
	return r;
}

/* ------------------------------------------------------------------ step 8: install */

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
		frame(w, "installing: Ctrl-C stops farrow install (the nodes finish their own step)");
		text(4, 4, "farrow install %s   (%ld s)", w->output, (long)(time(NULL) - t0));
		attron(A_BOLD);
		text(6, 4, "%-16s", "host");
		for (i = 0; i < (int)fr_nmodules && i < MAX_MODS; i++)
			text(6, 21 + 10 * i, "%-9.9s", fr_modules[i].name);
		attroff(A_BOLD);
		for (i = 0; i < nrows && 7 + i < LINES - 3; i++) {
			int m;

			text(7 + i, 4, "%-16s", rows[i].ip);
			for (m = 0; m < (int)fr_nmodules && m < MAX_MODS; m++) {
				int bad = strcmp(rows[i].mods[m], "failed") == 0, ok = strcmp(rows[i].mods[m], "done") == 0;

				if (bad || ok)
					paint_on(w, stdscr, bad ? C_ERR : C_OK, A_BOLD);
				text(7 + i, 21 + 10 * m, "%-9s", *rows[i].mods[m] ? rows[i].mods[m] : ".");
				if (bad || ok)
					paint_off(w, stdscr, bad ? C_ERR : C_OK, A_BOLD);
			}
			if (*rows[i].state)
				text(7 + i, 21 + 10 * (int)fr_nmodules, "%.*s", 78 - 21 - 10 * (int)fr_nmodules > 0 ?
				     78 - 21 - 10 * (int)fr_nmodules : 0, rows[i].state);
		}
		refresh();
		if (eof)
			break;
		k = getch();
		if (k == KEY_CTRL_C && confirm_quit(w)) {
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
	struct list l = { 0 };
	struct fields fs;
	int ys[3] = { 9, 11, 13 }, k, r, focus = 0;
	char *bufs[3] = { w->inst_bundle, w->inst_key, w->ssh_key };
	size_t sizes[3] = { sizeof(w->inst_bundle), sizeof(w->inst_key), sizeof(w->ssh_key) };

	frame(w, "Enter choose   Tab fields   Space accept-new   Esc back   F1 help   Ctrl-C quit");
	text(4, 4, "Install now?");
	list_open(&l, choices, NULL, 2, 0, 5, 4, 2, 60);
	text(9, 4, "bundle");
	text(11, 4, "bundle key");
	text(13, 4, "SSH key");
	text(15, 4, "[%c] accept the nodes' host keys on first contact (ssh's accept-new)",
	     w->accept_new ? 'x' : ' ');
	fields_open(&fs, 3, ys, 16, 58, bufs, sizes, NULL, 0);
	curs_set(0);
	if (*w->msg)
		message(w, 17, 1, "%s", w->msg);
	refresh();
	for (;;) {
		k = getch();
		if ((r = fields_common(w, &fs, k)) != 0)
			break;
		if (k == '\t' || k == KEY_BTAB) {
			if (focus == 0) {
				focus = 1;
				fields_set_focus(&fs, 0);
				curs_set(1);
			} else if ((k == '\t' && fields_focus(&fs) == 2) || (k == KEY_BTAB && fields_focus(&fs) == 0)) {
				focus = 0;
				curs_set(0);
			} else
				fields_key(&fs, k);
			if (focus)
				fields_show(&fs);
			continue;
		}
		if (k == ' ' && focus == 0) {
			w->accept_new = !w->accept_new;
			text(15, 4, "[%c]", w->accept_new ? 'x' : ' ');
			refresh();
			continue;
		}
		if (is_enter(k)) {
			fields_sync(&fs);
			if (list_sel(&l) == 1) {
				r = R_DONE;
				break;
			}
			if (access(w->inst_bundle, R_OK) != 0 || access(w->inst_key, R_OK) != 0) {
				snprintf(w->msg, sizeof(w->msg), "the bundle and its key must be readable files");
				message(w, 17, 1, "%s", w->msg);
				refresh();
				continue;
			}
			w->msg[0] = '\0';
			r = R_NEXT;
			break;
		}
		if (focus)
			fields_key(&fs, k), pos_form_cursor(fs.form);
		else
			list_key(&l, k);
		refresh();
	}
	fields_close(&fs);
	list_close(&l);
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
			frame(w, "Enter finish");
			paint_on(w, stdscr, C_OK, A_BOLD);
			text(4, 4, "Installed. PostgreSQL serves:");
			paint_off(w, stdscr, C_OK, A_BOLD);
			{
				char *line, *save = NULL;
				int y = 6;

				for (line = strtok_r(conn.buf, "\n", &save); line && y < LINES - 6; line = strtok_r(NULL, "\n", &save))
					text(y++, 6, "%s", line);
				text(y + 1, 4, "logs: /var/log/farrow/ and journalctl -u farrow-firstboot on each node;");
				text(y + 2, 4, "      farrow status %s gathers them", w->output);
			}
			refresh();
			while (!is_enter(k = getch()) && k != KEY_ESC && k != KEY_CTRL_C && !got_term)
				;
			fr_buf_release(&tail);
			fr_buf_release(&conn);
			return R_DONE;
		}
		/* failed: the failing step, the last lines, retry or quit */
		{
			static const char *const again[] = { "Retry", "Quit" };
			struct list l2 = { 0 };
			int nlines = 0, y, j;
			char **lines = split_lines(tail.buf, tail.len, &nlines);

			frame(w, "Enter choose   Ctrl-C quit");
			paint_on(w, stdscr, C_ERR, A_BOLD);
			text(4, 4, "farrow install failed; the nodes' logs are in farrow-logs/<host>/");
			paint_off(w, stdscr, C_ERR, A_BOLD);
			for (j = nlines > 12 ? nlines - 12 : 0, y = 6; j < nlines; j++, y++)
				text(y, 4, "%.*s", COLS - 8, lines[j]);
			fr_strv_free(lines, nlines);
			list_open(&l2, again, NULL, 2, 0, LINES - 4, 4, 2, 20);
			refresh();
			for (;;) {
				k = getch();
				if (k == KEY_CTRL_C || got_term) {
					list_close(&l2);
					fr_buf_release(&tail);
					return R_QUIT;
				}
				if (is_enter(k))
					break;
				list_key(&l2, k);
				refresh();
			}
			j = list_sel(&l2);
			list_close(&l2);
			fr_buf_release(&tail);
			if (j == 1)
				return R_QUIT;
		}
	}
}

/* ------------------------------------------------------------------ the wizard */

int tui_configure(const struct tui_prefill *pre)
{
	struct wiz w;
	struct sigaction sa;
	int r = R_REDRAW, i, status = 1;
	const char *const *names = fr_template_names();

	memset(&w, 0, sizeof(w));
	w.pre = *pre;
	w.gen = 1;
	w.pgsel = -1;
	w.templates = names;
	while (names[w.ntemplates])
		w.ntemplates++;
	for (i = 0; i < w.ntemplates; i++)
		if (pre->conf && strcmp(pre->conf, names[i]) == 0)
			w.tpl = i;
	for (i = 0; i < 4; i++)
		if (region_values[i] && pre->region && strcmp(region_values[i], pre->region) == 0)
			w.region = i;
	snprintf(w.output, sizeof(w.output), "%s", pre->output ? pre->output : "farrow.yml");
	fr_detect_run(&w.det, NULL);
	w.ncands = (int)w.det.nips;
	w.cands = w.det.ips;
	snprintf(w.ip[0], sizeof(w.ip[0]), "%s", pre->ip ? pre->ip : w.ncands ? w.cands[0] : FR_PLACEHOLDER_IP);
	if (getenv("HOME"))
		snprintf(w.ssh_key, sizeof(w.ssh_key), "%s/.ssh/id_ed25519", getenv("HOME"));
	find_bundle(&w);
	load_nodes(&w);
	if (fr_pg_version_ok(pre->pg_version))
		w.pgsel = pre->pg_version - FR_PG_VERSION_MIN;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	setlocale(LC_ALL, "");
	initscr();
	raw(); /* Ctrl-C is a key: it asks before it quits */
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (has_colors() && getenv("NO_COLOR") == NULL) {
		start_color();
		init_pair(C_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(C_ERR, COLOR_RED, COLOR_BLACK);
		init_pair(C_OK, COLOR_GREEN, COLOR_BLACK);
		w.color = 1;
	}
	for (;;) {
		if (big_enough(&w) == R_QUIT) {
			r = R_QUIT;
			break;
		}
		switch (w.step) {
		case 0: r = step_welcome(&w); break;
		case 1: r = step_template(&w); break;
		case 2: r = step_network(&w); break;
		case 3: r = step_pg(&w); break;
		case 4: r = step_credentials(&w); break;
		case 5: r = step_review(&w); break;
		case 6: r = step_write(&w); break;
		default: r = step_install(&w); break;
		}
		if (r == R_QUIT || r == R_DONE)
			break;
		if (r == R_NEXT && w.step < NSTEPS - 1)
			w.step++;
		else if (r == R_BACK && w.step > 0)
			w.step--;
	}
	endwin();
	if (r == R_DONE)
		status = 0;
	if (w.written)
		printf("farrow configure: wrote %s (mode 0600)\n", w.output);
	else
		printf("farrow configure: quit; nothing written\n");
	fr_configure_release(&w.c);
	fr_strv_free(w.labels, w.nlabels);
	if (w.pw)
		memset(w.pw, 0, sizeof(*w.pw) * 2 * (size_t)w.nlabels);
	free(w.pw);
	for (i = 0; i < 4; i++)
		free(w.node_tpl[i]);
	fr_detect_release(&w.det);
	return w.written && r != R_QUIT ? 0 : status;
}
