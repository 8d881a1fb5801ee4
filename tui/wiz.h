/* wiz.h -- what the wizard's rooms share: its answers (struct wiz), the widgets (widgets.c),
 * the screens (screen-*.c, one each, in the order of tw_screens[]) and the answers' rendering
 * (answers.c). Only tui/ includes <curses.h>. */
/* SPDX-License-Identifier: MIT */
#ifndef FARROW_WIZ_H
#define FARROW_WIZ_H

#include <curses.h>
#include <form.h>
#include <limits.h>
#include <menu.h>
#include <signal.h>
#include <stddef.h>

#include "answerfile.h"
#include "configure.h"
#include "detect.h"
#include "tui.h"

#define MIN_W 80
#define MIN_H 24
#define KEY_CTRL_C 3
#define KEY_ESC 27

enum { R_NEXT = 1, R_BACK, R_QUIT, R_REDRAW, R_DONE };
enum { C_TITLE = 1, C_ERR, C_OK, C_SEL, C_DIM };

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
	/* the install medium's live system (--live): screen-disk.c */
	struct fr_disk *disks;
	size_t ndisks;
	int disk;              /* the one picked */
	char (*disk_desc)[160], (*disk_now)[300];
	int *disk_data;        /* 1: holds a PGDATA or etcd member, -1: cannot be read */
	char node_host[64], node_addr[64], node_gw[64], root_pw[2][130];
	char answer_dir[PATH_MAX];
	int reboot;            /* asked at the end */
	const struct tw_screen *const *screens;
	int nscreens;
};

/*
 * A screen: its title (the frame's top right) and its function, which builds its widgets from
 * the answers in struct wiz, runs its keys and tears them down again: a resize, a help page or
 * the quit question rebuilds it from the same answers, so nothing typed is lost. It returns
 * R_NEXT, R_BACK, R_QUIT, R_REDRAW or R_DONE.
 */
struct tw_screen {
	const char *name;
	const char *help;   /* F1 */
	int (*run)(struct wiz *w);
};

extern const struct tw_screen tw_screen_welcome, tw_screen_template, tw_screen_network, tw_screen_pg,
	tw_screen_credentials, tw_screen_review, tw_screen_write, tw_screen_install, tw_screen_disk, tw_screen_machine,
	tw_screen_erase;
/* the screens in order (wizard.c): on an admin host, and on the install medium (--live) */
extern const struct tw_screen *const tw_screens[], *const tw_live_screens[];
extern const int tw_nscreens, tw_nlive_screens;
/* the repository regions the PostgreSQL screen offers, and their --region values */
extern const char *const tw_regions[4];
extern const char *const tw_region_values[4];
/* SIGTERM or SIGHUP arrived: every screen quits */
extern volatile sig_atomic_t tw_got_term;

struct tw_list {
	ITEM **items;
	MENU *menu;
	WINDOW *sub;
	int n;
};

struct tw_fields {
	FIELD *f[9];
	FORM *form;
	WINDOW *sub;
	char *bufs[8];
	size_t sizes[8];
	int n;
};

void tw_paint_on(struct wiz *w, WINDOW *win, int pair, int fallback);
void tw_paint_off(struct wiz *w, WINDOW *win, int pair, int fallback);
/* printf at y, x of stdscr, clipped to the screen */
void tw_text(int y, int x, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tw_message(struct wiz *w, int y, int err, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int tw_big_enough(struct wiz *w);
void tw_frame(struct wiz *w, const char *keys);
int tw_dialog(struct wiz *w, const char *title, const char *body);
int tw_confirm_quit(struct wiz *w);
int tw_common_key(struct wiz *w, int k);
int tw_is_enter(int k);
void tw_list_open(struct tw_list *l, const char *const *names, const char *const *descs, int n, int sel, int y, int x,
		 int h, int width);
int tw_list_sel(const struct tw_list *l);
void tw_list_close(struct tw_list *l);
void tw_list_key(struct tw_list *l, int k);
void tw_fields_open(struct tw_fields *fs, int n, const int *ys, int x, int width, char **bufs, const size_t *sizes,
		 const int *masked, int focus);
void tw_fields_sync(struct tw_fields *fs);
int tw_fields_focus(const struct tw_fields *fs);
void tw_fields_set_focus(struct tw_fields *fs, int i);
void tw_fields_set(struct tw_fields *fs, int i, const char *v);
int tw_fields_key(struct tw_fields *fs, int k);
int tw_fields_common(struct wiz *w, struct tw_fields *fs, int k);
void tw_fields_show(struct tw_fields *fs);
void tw_fields_close(struct tw_fields *fs);
void tw_find_bundle(struct wiz *w);
void tw_load_nodes(struct wiz *w);
void tw_answers(struct wiz *w, struct fr_configure *c, int with_given);
int tw_load_labels(struct wiz *w, char *err_out, size_t errlen);
char **tw_split_lines(const char *s, size_t len, int *n);
void tw_disks_release(struct wiz *w);

#endif
