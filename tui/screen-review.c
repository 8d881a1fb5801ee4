/* screen-review.c -- step 6: the inventory against its template, credentials masked. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "wiz.h"
#include "xalloc.h"

char **tw_split_lines(const char *s, size_t len, int *n)
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
	a = tw_split_lines(tt, tl, &na);
	b = tw_split_lines(w->c.text, w->c.len, &nb);
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
	tw_answers(w, &w->c, 1);
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
		tw_frame(w, "Esc back   Ctrl-C quit");
		tw_message(w, 4, 1, "these answers do not make a valid inventory:");
		tw_text(6, 4, "%.300s", err);
		refresh();
		for (;;) {
			k = getch();
			if ((r = tw_common_key(w, k)) != 0)
				return r;
		}
	}
	lines = diff_lines(w, &n);
	for (;;) {
		tw_frame(w, "Enter next   Up/Down/PgUp/PgDn scroll   Esc back   F1 help   Ctrl-C quit");
		h = LINES - 8;
		tw_text(3, 4, "%d changed line%s against template %s%s", n, n == 1 ? "" : "s", w->templates[w->tpl],
		     w->c.nsecrets ? "; credentials shown as ********" : "");
		for (i = 0; i < h && top + i < n; i++) {
			const char *l = lines[top + i];
			int plus = l[5] == '+';

			tw_paint_on(w, stdscr, plus ? C_OK : C_ERR, plus ? A_BOLD : A_DIM);
			tw_text(5 + i, 2, "%.*s", COLS - 4, l);
			tw_paint_off(w, stdscr, plus ? C_OK : C_ERR, plus ? A_BOLD : A_DIM);
		}
		if (n > h)
			tw_text(LINES - 2, 4, "lines %d-%d of %d", top + 1, top + h < n ? top + h : n, n);
		refresh();
		k = getch();
		if ((r = tw_common_key(w, k)) != 0 && r != R_REDRAW)
			break;
		if (r == R_REDRAW)
			continue;
		if (tw_is_enter(k)) {
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

const struct tw_screen tw_screen_review = {
	"Review",
	"The differences between the template and your inventory.\n"
	"Credentials are shown as ********. Up/Down/PgUp/PgDn scroll.",
	step_review,
};
