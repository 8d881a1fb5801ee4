/* screen-write.c -- step 7: the inventory written (temp + rename, 0600, .bak). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <sys/stat.h>

#include "crypto.h"
#include "bundle.h"
#include "fileio.h"
#include "wiz.h"

static void show_secrets(struct wiz *w)
{
	struct fr_buf b = FR_BUF_INIT;
	size_t i;

	for (i = 0; i < w->c.nsecrets; i++)
		fr_buf_addf(&b, "%-26s %s\n", w->c.secrets[i].name, w->c.secrets[i].value);
	fr_buf_adds(&b, "\nThey are shown this once; they stay in the file only.");
	tw_dialog(w, "Generated credentials", b.buf);
	fr_buf_wipe(&b);
	w->shown_secrets = 1;
}

static int step_write(struct wiz *w)
{
	struct tw_fields fs;
	int ys[1] = { 6 }, k, r;
	char *bufs[1] = { w->output };
	size_t sizes[1] = { sizeof(w->output) };

	tw_frame(w, w->written ? "Enter next   S show generated credentials (once)   Esc back   Ctrl-C quit"
			    : "Enter write   Esc back   F1 help   Ctrl-C quit");
	tw_text(4, 4, "Write the inventory (mode 0600; an existing file is kept as .bak)");
	tw_text(6, 4, "file");
	if (w->written) {
		tw_text(6, 16, "%s", w->output);
		tw_message(w, 8, 0, "written %s (mode 0600)", w->output);
		if (w->gen)
			tw_text(10, 4, "%s", w->shown_secrets ? "The generated credentials were shown once; they are in the file."
							   : "Press S to see the generated credentials, once.");
		tw_text(12, 4, "Enter: on to installing the nodes.");
		refresh();
		for (;;) {
			k = getch();
			if ((r = tw_common_key(w, k)) != 0)
				return r == R_BACK ? R_REDRAW : r;
			if ((k == 's' || k == 'S') && w->gen && !w->shown_secrets) {
				show_secrets(w);
				return R_REDRAW;
			}
			if (tw_is_enter(k))
				return R_NEXT;
		}
	}
	tw_fields_open(&fs, 1, ys, 16, 50, bufs, sizes, NULL, 0);
	if (*w->msg)
		tw_message(w, 8, 1, "%s", w->msg);
	tw_fields_show(&fs);
	for (;;) {
		k = getch();
		if ((r = tw_fields_common(w, &fs, k)) != 0)
			break;
		if (tw_is_enter(k)) {
			struct fr_err err = { 0 };
			struct stat st;
			int existed;

			tw_fields_sync(&fs);
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
			tw_message(w, 8, 1, "%s", w->msg);
			tw_fields_show(&fs);
			continue;
		}
		tw_fields_key(&fs, k);
		tw_fields_show(&fs);
	}
	tw_fields_close(&fs);
	return r;
}

const struct tw_screen tw_screen_write = {
	"Write",
	"The inventory is written atomically (temporary file + rename),\n"
	"mode 0600; an existing file is kept as <file>.bak.\n"
	"S shows generated credentials, once.",
	step_write,
};
