/* err.h -- error codes, error reports and positioned diagnostics. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_ERR_H
#define FR_ERR_H

#include <stddef.h>

/*
 * Exit statuses shared by every farrow program. They are API: only ever
 * append, never renumber. Several match Pigsty's ./configure on purpose.
 */
enum fr_exit {
	FR_EXIT_OK = 0,
	FR_EXIT_FAIL = 1,        /* the job failed (I/O, a tool failed, ...) */
	FR_EXIT_USAGE = 2,       /* bad flag or argument */
	FR_EXIT_INVALID = 3,     /* the inventory (or template) has errors */
	FR_EXIT_NOPKGMGR = 4,    /* no package manager found (as Pigsty) */
	FR_EXIT_BADIP = 7,       /* invalid IP address (as Pigsty) */
	FR_EXIT_IPDILEMMA = 9,   /* several IPs and no way to ask (as Pigsty) */
	FR_EXIT_NOTEMPLATE = 11, /* template not found (as Pigsty) */
	FR_EXIT_BADSIG = 6,      /* a signature or checksum does not hold */
	FR_EXIT_UNREACHABLE = 10, /* a node cannot be reached or authenticated */
};

/* Return codes of lib/ functions: 0 or one of these negatives. */
enum fr_errcode {
	FR_EOK = 0,
	FR_EIO = -1,
	FR_ESYNTAX = -2,
	FR_EINVALID = -3,
	FR_ENOTFOUND = -4,
	FR_EARG = -5,
	FR_ECRYPTO = -6,
};

/*
 * struct fr_err: the text beside a code, filled by lib/ functions that take
 * an optional struct fr_err * (NULL is accepted everywhere).
 */
struct fr_err {
	int code;
	char msg[1024];
};

/* Fill err (if not NULL) and return code. */
int fr_err_set(struct fr_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

enum fr_severity { FR_SEV_ERROR, FR_SEV_WARNING };

/* One positioned problem: file:line:col: param: message. */
struct fr_diag {
	enum fr_severity sev;
	int line, col;      /* 1-based; 0 when unknown */
	char *param;        /* may be NULL */
	char *msg;
};

struct fr_diags {
	struct fr_diag *v;
	size_t n, alloc;
	size_t nerrors, nwarnings;
};

void fr_diags_add(struct fr_diags *d, enum fr_severity sev, int line, int col,
		  const char *param, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Sort by position (stable), so reports read top to bottom. */
void fr_diags_sort(struct fr_diags *d);
void fr_diags_release(struct fr_diags *d);

#endif
