/* screen-network.c -- step 3: every node's address. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <string.h>

#include "inventory.h"
#include "wiz.h"

static int step_network(struct wiz *w)
{
	struct tw_fields fs;
	int ys[4], i, k, r, n = w->nnodes, msg_y;
	char *bufs[4];
	size_t sizes[4];

	tw_frame(w, "Enter next   Tab field   Up/Down addresses   Esc back   F1 help   Ctrl-C quit");
	tw_text(4, 4, "The primary IP replaces the template's %s everywhere.", FR_PLACEHOLDER_IP);
	if (w->ncands)
		tw_text(5, 4, "Up/Down choose one of this machine's %d address%s, or type one.", w->ncands,
		     w->ncands == 1 ? "" : "es");
	for (i = 0; i < n; i++) {
		ys[i] = 7 + 2 * i;
		bufs[i] = w->ip[i];
		sizes[i] = sizeof(w->ip[i]);
		tw_text(ys[i], 4, "%s", i == 0 ? "primary IP" : "node IP");
		if (w->node_tpl[i])
			tw_text(ys[i], 44, "(template: %s)", w->node_tpl[i]);
	}
	msg_y = 8 + 2 * n;
	tw_fields_open(&fs, n, ys, 16, 20, bufs, sizes, NULL, 0);
	if (*w->msg)
		tw_message(w, msg_y, 1, "%s", w->msg);
	tw_fields_show(&fs);
	for (;;) {
		k = getch();
		if ((r = tw_fields_common(w, &fs, k)) != 0)
			break;
		if (tw_is_enter(k)) {
			int bad = -1;

			tw_fields_sync(&fs);
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
			tw_message(w, msg_y, 1, "%s", w->msg);
			tw_fields_set_focus(&fs, bad);
			tw_fields_show(&fs);
			continue;
		}
		if ((k == KEY_UP || k == KEY_DOWN) && tw_fields_focus(&fs) == 0 && w->ncands) {
			w->cand = (w->cand + (k == KEY_DOWN ? 1 : w->ncands - 1)) % w->ncands;
			tw_fields_set(&fs, 0, w->cands[w->cand]);
		} else
			tw_fields_key(&fs, k);
		/* validated as typed */
		i = tw_fields_focus(&fs);
		move(msg_y, 4);
		clrtoeol();
		if (*w->ip[i] && !fr_is_ipv4(w->ip[i]))
			tw_message(w, msg_y, 1, "'%.40s' is not a valid IPv4 address (yet)", w->ip[i]);
		else if (*w->ip[i])
			tw_message(w, msg_y, 0, "%s", w->ip[i]);
		tw_fields_show(&fs);
	}
	tw_fields_close(&fs);
	return r;
}

const struct tw_screen tw_screen_network = {
	"Network",
	"The primary IP replaces the template's 10.10.10.10 everywhere.\n"
	"Up/Down cycle through this machine's addresses; or type one.\n"
	"Multi-node templates ask for every node's address, in order.",
	step_network,
};
