/* screen-credentials.c -- step 5: generated or typed credentials. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <string.h>

#include "wiz.h"

static int enter_credential(struct wiz *w)
{
	struct tw_fields fs;
	int ys[2] = { 8, 10 }, masked[2] = { 1, 1 }, k, r;
	char *bufs[2];
	size_t sizes[2] = { 129, 129 };
	int i = w->cur_label;

	bufs[0] = w->pw[2 * i];
	bufs[1] = w->pw[2 * i + 1];
	tw_frame(w, "Enter next   Tab field   Esc back   F1 help   Ctrl-C quit");
	tw_text(4, 4, "Credential %d of %d: %s", i + 1, w->nlabels, w->labels[i]);
	tw_text(5, 4, "8-128 characters of A-Z a-z 0-9 . _ ~ -   (typed text is not shown)");
	tw_text(8, 4, "value");
	tw_text(10, 4, "again");
	tw_fields_open(&fs, 2, ys, 16, 40, bufs, sizes, masked, 0);
	if (*w->msg)
		tw_message(w, 12, 1, "%s", w->msg);
	tw_fields_show(&fs);
	for (;;) {
		k = getch();
		if ((r = tw_fields_common(w, &fs, k)) != 0)
			break;
		if (tw_is_enter(k)) {
			tw_fields_sync(&fs);
			if (tw_fields_focus(&fs) == 0) {
				tw_fields_set_focus(&fs, 1);
				tw_fields_show(&fs);
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
			tw_message(w, 12, 1, "%s", w->msg);
			tw_fields_set(&fs, 1, "");
			tw_fields_set_focus(&fs, 0);
			tw_fields_show(&fs);
			continue;
		}
		tw_fields_key(&fs, k);
		tw_fields_show(&fs);
	}
	tw_fields_close(&fs);
	return r;
}

static int step_credentials(struct wiz *w)
{
	static const char *const choices[] = { "Generate strong random passwords (recommended)",
					       "Enter them myself, masked, each twice" };
	struct tw_list l = { 0 };
	int k, r;
	char err[256];

	tw_frame(w, NULL);
	tw_text(4, 4, "The template's credentials are well known defaults: replace them.");
	tw_list_open(&l, choices, NULL, 2, w->gen ? 0 : 1, 6, 4, 2, 60);
	refresh();
	for (;;) {
		k = getch();
		if ((r = tw_common_key(w, k)) != 0)
			break;
		if (tw_is_enter(k)) {
			w->gen = tw_list_sel(&l) == 0;
			r = R_NEXT;
			break;
		}
		tw_list_key(&l, k);
		refresh();
	}
	tw_list_close(&l);
	if (r != R_NEXT || w->gen)
		return r;
	if (tw_load_labels(w, err, sizeof(err)) < 0) {
		tw_dialog(w, "Error", err);
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

const struct tw_screen tw_screen_credentials = {
	"Credentials",
	"Generate: every default credential becomes a random 24-character\n"
	"one (RAND_bytes). Enter: you type each, masked, twice; 8-128\n"
	"characters of A-Z a-z 0-9 . _ ~ -",
	step_credentials,
};
