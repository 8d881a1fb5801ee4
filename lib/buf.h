/* buf.h -- growable, always NUL-terminated byte buffers. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_BUF_H
#define FR_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * struct fr_buf: buf is never NULL after fr_buf_init (it points at a static
 * empty string until the first append). Release with fr_buf_release; take
 * ownership of the bytes with fr_buf_detach (free(3) them).
 */
struct fr_buf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define FR_BUF_INIT { fr_buf_empty, 0, 0 }
extern char fr_buf_empty[];

void fr_buf_init(struct fr_buf *b);
void fr_buf_release(struct fr_buf *b);
void fr_buf_reset(struct fr_buf *b);
char *fr_buf_detach(struct fr_buf *b, size_t *len);
void fr_buf_grow(struct fr_buf *b, size_t extra);
void fr_buf_addn(struct fr_buf *b, const void *data, size_t n);
void fr_buf_adds(struct fr_buf *b, const char *s);
void fr_buf_addc(struct fr_buf *b, char c);
void fr_buf_addf(struct fr_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fr_buf_vaddf(struct fr_buf *b, const char *fmt, va_list ap);
/* Append s quoted for a POSIX shell: '...' with each ' written as '\''. The one way farrow puts
 * a value into a command line run by sh (on a node, over SSH). */
void fr_buf_add_shq(struct fr_buf *b, const char *s);

/* Append s as a JSON string literal, quotes included. */
void fr_buf_add_json_str(struct fr_buf *b, const char *s);

#endif
