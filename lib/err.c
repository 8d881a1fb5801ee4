/* err.c -- error reports and positioned diagnostics. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "err.h"
#include "xalloc.h"

int fr_err_set(struct fr_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void fr_diags_add(struct fr_diags *d, enum fr_severity sev, int line, int col,
		  const char *param, const char *fmt, ...)
{
	struct fr_buf b = FR_BUF_INIT;
	struct fr_diag *x;
	va_list ap;

	FR_ALLOC_GROW(d->v, d->n + 1, d->alloc);
	x = &d->v[d->n++];
	x->sev = sev;
	x->line = line;
	x->col = col;
	x->param = param ? fr_xstrdup(param) : NULL;
	va_start(ap, fmt);
	fr_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	x->msg = fr_buf_detach(&b, NULL);
	if (sev == FR_SEV_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
}

static int cmp_diag(const void *a, const void *b)
{
	const struct fr_diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

void fr_diags_sort(struct fr_diags *d)
{
	/* insertion sort keeps equal positions in insertion order */
	size_t i, j;

	for (i = 1; i < d->n; i++) {
		struct fr_diag t = d->v[i];

		for (j = i; j > 0 && cmp_diag(&d->v[j - 1], &t) > 0; j--)
			d->v[j] = d->v[j - 1];
		d->v[j] = t;
	}
}

void fr_diags_release(struct fr_diags *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].param);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->alloc = d->nerrors = d->nwarnings = 0;
}
