/* xalloc.h -- allocation that aborts on out-of-memory. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_XALLOC_H
#define FR_XALLOC_H

#include <stddef.h>

/* Each returns memory the caller frees with free(3); none returns NULL. */
void *fr_xmalloc(size_t size);
void *fr_xcalloc(size_t nmemb, size_t size);
void *fr_xrealloc(void *ptr, size_t size);
char *fr_xstrdup(const char *s);
char *fr_xstrndup(const char *s, size_t n);
char *fr_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *ptr (of elements of size elsz) so that it holds at least need elements. */
#define FR_ALLOC_GROW(ptr, need, alloc)                                        \
	do {                                                                   \
		if ((need) > (alloc)) {                                        \
			size_t fr_n_ = (alloc) ? (alloc) * 2 : 8;             \
			while (fr_n_ < (need))                                 \
				fr_n_ *= 2;                                    \
			(ptr) = fr_xrealloc((ptr), fr_n_ * sizeof(*(ptr)));    \
			(alloc) = fr_n_;                                       \
		}                                                              \
	} while (0)

/* Free the n strings of v, then v itself (a NULL v is fine): the one way a char ** array goes. */
void fr_strv_free(char **v, size_t n);

#endif
