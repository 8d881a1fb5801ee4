/* tap.h -- a small TAP producer for farrow's C unit tests (openssh TEST_START style). */
/* SPDX-License-Identifier: MIT */
#ifndef FR_TAP_H
#define FR_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed, tap_cur_failed;
static const char *tap_name;

#define TEST_START(name) (tap_name = (name), tap_cur_failed = 0)
#define TEST_DONE()                                                                   \
	do {                                                                          \
		tap_n++;                                                              \
		printf("%s %d - %s\n", tap_cur_failed ? "not ok" : "ok", tap_n, tap_name); \
		if (tap_cur_failed)                                                   \
			tap_failed++;                                                 \
	} while (0)

#define TAP_FAIL(fmt, ...)                                                               \
	do {                                                                             \
		printf("#   %s:%d: " fmt "\n", __FILE__, __LINE__, __VA_ARGS__);          \
		tap_cur_failed = 1;                                                      \
	} while (0)

#define ASSERT_TRUE(c)                                     \
	do {                                               \
		if (!(c))                                  \
			TAP_FAIL("assertion failed: %s", #c); \
	} while (0)
#define ASSERT_INT_EQ(a, b)                                                                      \
	do {                                                                                     \
		long long a_ = (long long)(a), b_ = (long long)(b);                               \
		if (a_ != b_)                                                                    \
			TAP_FAIL("%s == %s: %lld != %lld", #a, #b, a_, b_);                       \
	} while (0)
#define ASSERT_STR_EQ(a, b)                                                                      \
	do {                                                                                     \
		const char *a_ = (a), *b_ = (b);                                                 \
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)                             \
			TAP_FAIL("%s == %s: '%s' != '%s'", #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	} while (0)
#define ASSERT_STR_CONTAINS(hay, needle)                                                         \
	do {                                                                                     \
		const char *h_ = (hay), *n_ = (needle);                                          \
		if (h_ == NULL || strstr(h_, n_) == NULL)                                        \
			TAP_FAIL("'%s' does not contain '%s'", h_ ? h_ : "(null)", n_);           \
	} while (0)

/* Print the plan and return the exit status for main(). */
#define TAP_END() (printf("1..%d\n", tap_n), tap_failed ? 1 : 0)

#endif
