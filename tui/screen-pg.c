/* screen-pg.c -- step 4: the PostgreSQL version and where packages come from. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE

#include "params.h"
#include "wiz.h"

static int step_pg(struct wiz *w)
{
	static const char *const vers[] = { "13", "14", "15", "16", "17", "18" };
	const char *vdesc[6];
	char tmark[6][32];
	struct tw_list lv = { 0 }, lr = { 0 };
	int focus = 0, i, k, r;

	if (w->pgsel < 0)
		w->pgsel = w->tpl_version - FR_PG_VERSION_MIN;
	for (i = 0; i < 6; i++) {
		snprintf(tmark[i], sizeof(tmark[i]), "%s", i == w->tpl_version - FR_PG_VERSION_MIN ? "(the template's)" : "");
		vdesc[i] = tmark[i];
	}
	tw_frame(w, "Enter next   Tab switch list   Esc back   F1 help   Ctrl-C quit");
	tw_text(4, 4, "PostgreSQL major version");
	tw_text(4, 36, "Packages come from");
	tw_list_open(&lv, vers, vdesc, 6, w->pgsel, 6, 4, 6, 28);
	tw_list_open(&lr, tw_regions, NULL, 4, w->region, 6, 36, 4, 42);
	tw_text(14, 4, "The bundle for Debian 12 carries PostgreSQL 15, Debian 12's own.");
	for (;;) {
		move(5, 4);
		clrtoeol();
		attron(A_BOLD);
		tw_text(5, focus == 0 ? 4 : 36, "%s", "----------");
		attroff(A_BOLD);
		refresh();
		k = getch();
		if ((r = tw_common_key(w, k)) != 0)
			break;
		if (k == '\t' || k == KEY_BTAB || k == KEY_LEFT || k == KEY_RIGHT) {
			focus = !focus;
			continue;
		}
		if (tw_is_enter(k)) {
			r = R_NEXT;
			break;
		}
		tw_list_key(focus ? &lr : &lv, k);
		w->pgsel = tw_list_sel(&lv);
		w->region = tw_list_sel(&lr);
	}
	w->pgsel = tw_list_sel(&lv);
	w->region = tw_list_sel(&lr);
	tw_list_close(&lv);
	tw_list_close(&lr);
	return r;
}

const struct tw_screen tw_screen_pg = {
	"PostgreSQL",
	"The PostgreSQL major version (13-18) and where packages come from:\n"
	"offline keeps the template's local bundle repository; a region\n"
	"picks upstream mirrors for machines that reach them. Tab switches.",
	step_pg,
};
