/* pq.c -- PostgreSQL over libpq, loaded at run time (dlopen). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "pq.h"
#include "xalloc.h"

/* The parts of libpq-fe.h farrow uses; libpq's ABI is stable across its major version 5. */
typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;
enum { PQ_CONNECTION_OK = 0, PQ_COMMAND_OK = 1, PQ_TUPLES_OK = 2 };

static struct {
	void *lib;
	PGconn *(*connectdb)(const char *);
	int (*status)(const PGconn *);
	char *(*errorMessage)(const PGconn *);
	void (*finish)(PGconn *);
	PGresult *(*execParams)(PGconn *, const char *, int, const void *, const char *const *, const int *,
				const int *, int);
	PGresult *(*exec)(PGconn *, const char *);
	int (*resultStatus)(const PGresult *);
	char *(*resultErrorMessage)(const PGresult *);
	int (*ntuples)(const PGresult *);
	int (*nfields)(const PGresult *);
	char *(*getvalue)(const PGresult *, int, int);
	int (*getisnull)(const PGresult *, int, int);
	void (*clear)(PGresult *);
	char *(*escapeLiteral)(PGconn *, const char *, size_t);
	char *(*escapeIdentifier)(PGconn *, const char *, size_t);
	char *(*encryptPasswordConn)(PGconn *, const char *, const char *, const char *);
	void (*freemem)(void *);
	void *(*setNoticeProcessor)(PGconn *, void (*)(void *, const char *), void *);
} pq;

struct fr_pq {
	PGconn *conn;
};

static int load(struct fr_err *err)
{
	if (pq.lib)
		return 0;
	if ((pq.lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return fr_err_set(err, FR_EIO, "cannot load libpq.so.5 (package libpq5): %s", dlerror());
#define SYM(field, name)                                                                              \
	do {                                                                                          \
		*(void **)&pq.field = dlsym(pq.lib, name);                                           \
		if (pq.field == NULL)                                                                 \
			return fr_err_set(err, FR_EIO, "libpq.so.5 has no %s: too old a libpq", name); \
	} while (0)
	SYM(connectdb, "PQconnectdb");
	SYM(status, "PQstatus");
	SYM(errorMessage, "PQerrorMessage");
	SYM(finish, "PQfinish");
	SYM(execParams, "PQexecParams");
	SYM(exec, "PQexec");
	SYM(resultStatus, "PQresultStatus");
	SYM(resultErrorMessage, "PQresultErrorMessage");
	SYM(ntuples, "PQntuples");
	SYM(nfields, "PQnfields");
	SYM(getvalue, "PQgetvalue");
	SYM(getisnull, "PQgetisnull");
	SYM(clear, "PQclear");
	SYM(escapeLiteral, "PQescapeLiteral");
	SYM(escapeIdentifier, "PQescapeIdentifier");
	SYM(encryptPasswordConn, "PQencryptPasswordConn");
	SYM(freemem, "PQfreemem");
	SYM(setNoticeProcessor, "PQsetNoticeProcessor");
#undef SYM
	return 0;
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

struct fr_pq *fr_pq_connect(const char *conninfo, struct fr_err *err)
{
	struct fr_pq *p;
	PGconn *c;

	if (load(err) < 0)
		return NULL;
	c = pq.connectdb(conninfo);
	if (c == NULL || pq.status(c) != PQ_CONNECTION_OK) {
		char *m = fr_xstrdup(c ? pq.errorMessage(c) : "out of memory");

		chomp(m);
		fr_err_set(err, FR_EIO, "cannot connect to PostgreSQL: %s", m);
		free(m);
		if (c)
			pq.finish(c);
		return NULL;
	}
	pq.setNoticeProcessor(c, quiet, NULL);
	p = fr_xcalloc(1, sizeof(*p));
	p->conn = c;
	return p;
}

void fr_pq_close(struct fr_pq *p)
{
	if (p == NULL)
		return;
	pq.finish(p->conn);
	free(p);
}

int fr_pq_exec(struct fr_pq *p, const char *sql, int nparams, const char *const *params, struct fr_buf *rows,
	       struct fr_err *err)
{
	/* without parameters, PQexec: a script of several statements runs as one transaction */
	PGresult *res = nparams ? pq.execParams(p->conn, sql, nparams, NULL, params, NULL, NULL, 0) : pq.exec(p->conn, sql);
	int st = res ? pq.resultStatus(res) : -1, n = 0, i, j;

	if (st != PQ_COMMAND_OK && st != PQ_TUPLES_OK) {
		char *m = fr_xstrdup(res ? pq.resultErrorMessage(res) : pq.errorMessage(p->conn));

		chomp(m);
		fr_err_set(err, FR_EIO, "%s", m);
		free(m);
		if (res)
			pq.clear(res);
		return FR_EIO;
	}
	if (st == PQ_TUPLES_OK) {
		n = pq.ntuples(res);
		for (i = 0; rows && i < n; i++) {
			for (j = 0; j < pq.nfields(res); j++) {
				if (j)
					fr_buf_addc(rows, '\t');
				if (!pq.getisnull(res, i, j))
					fr_buf_adds(rows, pq.getvalue(res, i, j));
			}
			fr_buf_addc(rows, '\n');
		}
	}
	pq.clear(res);
	return n;
}

void fr_pq_ident(struct fr_pq *p, const char *s, struct fr_buf *out)
{
	char *e = pq.escapeIdentifier(p->conn, s, strlen(s));

	if (e == NULL)
		abort();
	fr_buf_adds(out, e);
	pq.freemem(e);
}

void fr_pq_literal(struct fr_pq *p, const char *s, struct fr_buf *out)
{
	char *e = pq.escapeLiteral(p->conn, s, strlen(s));

	if (e == NULL)
		abort();
	fr_buf_adds(out, e);
	pq.freemem(e);
}

int fr_pq_scram(struct fr_pq *p, const char *user, const char *password, struct fr_buf *out, struct fr_err *err)
{
	char *v = pq.encryptPasswordConn(p->conn, password, user, "scram-sha-256");

	if (v == NULL)
		return fr_err_set(err, FR_EIO, "cannot compute the SCRAM verifier for '%s'", user);
	fr_buf_adds(out, v);
	pq.freemem(v);
	return 0;
}
