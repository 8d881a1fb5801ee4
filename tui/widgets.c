/* widgets.c -- the wizard's drawing and widgets: frame, text, dialogs, menus, fields. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <panel.h>
#include <stdlib.h>
#include <string.h>

#include "wiz.h"
#include "xalloc.h"

void tw_paint_on(struct wiz *w, WINDOW *win, int pair, int fallback)
{
	if (w->color)
		wattron(win, COLOR_PAIR(pair));
	else
		wattron(win, fallback);
}

void tw_paint_off(struct wiz *w, WINDOW *win, int pair, int fallback)
{
	if (w->color)
		wattroff(win, COLOR_PAIR(pair));
	else
		wattroff(win, fallback);
}


void tw_text(int y, int x, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mvaddnstr(y, x, buf, COLS - x - 1 > 0 ? COLS - x - 1 : 0);
}


void tw_message(struct wiz *w, int y, int err, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	move(y, 4);
	clrtoeol();
	tw_paint_on(w, stdscr, err ? C_ERR : C_OK, A_BOLD);
	tw_text(y, 4, "%s %s", err ? "!" : "*", buf);
	tw_paint_off(w, stdscr, err ? C_ERR : C_OK, A_BOLD);
}

/* Wait, showing so, until the terminal is at least 80x24. 0, or R_QUIT on Ctrl-C. */
int tw_big_enough(struct wiz *w)
{
	while (LINES < MIN_H || COLS < MIN_W) {
		int ch;

		clear();
		tw_paint_on(w, stdscr, C_ERR, A_BOLD);
		mvaddnstr(LINES / 2 - 1, 0, "terminal too small", COLS);
		tw_paint_off(w, stdscr, C_ERR, A_BOLD);
		mvprintw(LINES / 2, 0, "%dx%d: farrow needs 80x24", COLS, LINES);
		mvaddnstr(LINES / 2 + 1, 0, "enlarge the window (Ctrl-C quits)", COLS);
		refresh();
		ch = getch();
		if (ch == KEY_CTRL_C || tw_got_term)
			return R_QUIT;
	}
	return 0;
}

/* The frame of a step: title bar with the step, the help line of keys. */
void tw_frame(struct wiz *w, const char *keys)
{
	char right[64];

	clear();
	tw_paint_on(w, stdscr, C_TITLE, A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	mvaddstr(0, 1, "farrow configure");
	snprintf(right, sizeof(right), "%d/%d %s ", w->step + 1, w->nscreens, w->screens[w->step]->name);
	mvaddstr(0, COLS - (int)strlen(right) - 1, right);
	mvhline(LINES - 1, 0, ' ', COLS);
	mvaddnstr(LINES - 1, 1, keys ? keys : "Enter next   Esc back   F1 help   Ctrl-C quit", COLS - 2);
	tw_paint_off(w, stdscr, C_TITLE, A_REVERSE);
	attron(A_BOLD);
	mvaddstr(2, 2, w->screens[w->step]->name);
	attroff(A_BOLD);
}

/* A dialog over the step (a panel): lines of text, waits for a key, returns it. */
int tw_dialog(struct wiz *w, const char *title, const char *body)
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

int tw_confirm_quit(struct wiz *w)
{
	int ch = tw_dialog(w, "Quit?", w->written ? "The inventory is written. Quit the wizard? [y/N]"
					   : "Quit farrow configure? Nothing has been written. [y/N]");

	return ch == 'y' || ch == 'Y';
}

/* Keys every step understands. 0 when k is not one of them. */
int tw_common_key(struct wiz *w, int k)
{
	if (tw_got_term)
		return R_QUIT;
	if (k == KEY_RESIZE)
		return R_REDRAW;
	if (k == KEY_CTRL_C)
		return tw_confirm_quit(w) ? R_QUIT : R_REDRAW;
	if (k == KEY_F(1)) {
		tw_dialog(w, "Help", w->screens[w->step]->help);
		return R_REDRAW;
	}
	if (k == KEY_ESC)
		return w->step > 0 ? R_BACK : R_REDRAW;
	return 0;
}

int tw_is_enter(int k)
{
	return k == '\n' || k == '\r' || k == KEY_ENTER;
}

/* ------------------------------------------------------------------ menus and fields */

void tw_list_open(struct tw_list *l, const char *const *names, const char *const *descs, int n, int sel, int y, int x,
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

int tw_list_sel(const struct tw_list *l)
{
	return item_index(current_item(l->menu));
}

void tw_list_close(struct tw_list *l)
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

void tw_list_key(struct tw_list *l, int k)
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
void tw_fields_open(struct tw_fields *fs, int n, const int *ys, int x, int width, char **bufs, const size_t *sizes,
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
void tw_fields_sync(struct tw_fields *fs)
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

int tw_fields_focus(const struct tw_fields *fs)
{
	return field_index(current_field(fs->form));
}

void tw_fields_set_focus(struct tw_fields *fs, int i)
{
	set_current_field(fs->form, fs->f[i]);
	form_driver(fs->form, REQ_END_LINE);
}

void tw_fields_set(struct tw_fields *fs, int i, const char *v)
{
	set_field_buffer(fs->f[i], 0, v);
	snprintf(fs->bufs[i], fs->sizes[i], "%s", v);
	if (tw_fields_focus(fs) == i)
		form_driver(fs->form, REQ_END_LINE);
}

/* Editing keys; returns 1 when handled. */
int tw_fields_key(struct tw_fields *fs, int k)
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
		tw_fields_sync(fs);
	return r;
}


/* Keys every step understands, on a step with fields: their text is kept first. 0 for other keys. */
int tw_fields_common(struct wiz *w, struct tw_fields *fs, int k)
{
	if (k == KEY_ESC || k == KEY_CTRL_C || k == KEY_F(1) || k == KEY_RESIZE || tw_got_term) {
		tw_fields_sync(fs);
		return tw_common_key(w, k);
	}
	return 0;
}

/* The cursor back into the focused field, and the screen out. */
void tw_fields_show(struct tw_fields *fs)
{
	pos_form_cursor(fs->form);
	refresh();
}

void tw_fields_close(struct tw_fields *fs)
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

