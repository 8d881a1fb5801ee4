/* buf.c -- growable, always NUL-terminated byte buffers. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

char fr_buf_empty[1];

void fr_buf_init(struct fr_buf *b)
{
	b->buf = fr_buf_empty;
	b->len = 0;
	b->alloc = 0;
}

void fr_buf_release(struct fr_buf *b)
{
	if (b == NULL)
		return;
	if (b->alloc)
		free(b->buf);
	fr_buf_init(b);
}

void fr_buf_reset(struct fr_buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->buf[0] = '\0';
}

char *fr_buf_detach(struct fr_buf *b, size_t *len)
{
	char *p;

	if (!b->alloc)
		fr_buf_grow(b, 0);
	p = b->buf;
	if (len)
		*len = b->len;
	fr_buf_init(b);
	return p;
}

void fr_buf_grow(struct fr_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->alloc)
		return;
	if (!b->alloc) {
		b->buf = NULL;
	}
	{
		size_t n = b->alloc ? b->alloc : 64;

		while (n < need)
			n *= 2;
		b->buf = fr_xrealloc(b->buf, n);
		if (!b->alloc)
			b->buf[0] = '\0';
		b->alloc = n;
	}
}

void fr_buf_addn(struct fr_buf *b, const void *data, size_t n)
{
	fr_buf_grow(b, n);
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void fr_buf_adds(struct fr_buf *b, const char *s)
{
	fr_buf_addn(b, s, strlen(s));
}

void fr_buf_addc(struct fr_buf *b, char c)
{
	fr_buf_addn(b, &c, 1);
}

void fr_buf_vaddf(struct fr_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n <= 0)
		return;
	fr_buf_grow(b, (size_t)n);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void fr_buf_addf(struct fr_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fr_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void fr_buf_add_json_str(struct fr_buf *b, const char *s)
{
	const unsigned char *p;

	fr_buf_addc(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fr_buf_adds(b, "\\\""); break;
		case '\\': fr_buf_adds(b, "\\\\"); break;
		case '\n': fr_buf_adds(b, "\\n"); break;
		case '\r': fr_buf_adds(b, "\\r"); break;
		case '\t': fr_buf_adds(b, "\\t"); break;
		default:
			if (*p < 0x20)
				fr_buf_addf(b, "\\u%04x", *p);
			else
				fr_buf_addc(b, (char)*p);
		}
	}
	fr_buf_addc(b, '"');
}

void fr_buf_add_shq(struct fr_buf *b, const char *s)
{
	fr_buf_addc(b, '\'');
	for (; *s; s++)
		if (*s == '\'')
			fr_buf_adds(b, "'\\''");
		else
			fr_buf_addc(b, *s);
	fr_buf_addc(b, '\'');
}
