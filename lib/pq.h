/* pq.h -- PostgreSQL over libpq, loaded at run time (dlopen) so a bare node can run farrow-firstboot. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_PQ_H
#define FR_PQ_H

#include "buf.h"
#include "err.h"

struct fr_pq;

/*
 * Connect with a libpq connection string. libpq.so.5 is loaded on first use;
 * when it is missing, or the connection fails, NULL with err filled (libpq's
 * message, which never holds the password).
 */
struct fr_pq *fr_pq_connect(const char *conninfo, struct fr_err *err);
void fr_pq_close(struct fr_pq *pq);

/*
 * Run sql with nparams text parameters ($1, $2, ...; NULL is SQL NULL);
 * with none, sql may hold several statements (run as one transaction).
 * Rows, if any, are appended to rows (may be NULL) one per line, fields
 * separated by a tab (NULL as an empty field). Returns the number of rows
 * (0 for a command), or FR_EIO with the server's message in err.
 */
int fr_pq_exec(struct fr_pq *pq, const char *sql, int nparams, const char *const *params, struct fr_buf *rows,
	       struct fr_err *err);

/* The quoted identifier / literal for s, appended to out. */
void fr_pq_ident(struct fr_pq *pq, const char *s, struct fr_buf *out);
void fr_pq_literal(struct fr_pq *pq, const char *s, struct fr_buf *out);

/*
 * The SCRAM-SHA-256 verifier of password for user, computed by libpq on this
 * side (PQencryptPasswordConn), so the password itself never reaches the
 * server or its logs. Appended to out; 0 or FR_EIO.
 */
int fr_pq_scram(struct fr_pq *pq, const char *user, const char *password, struct fr_buf *out, struct fr_err *err);

#endif
