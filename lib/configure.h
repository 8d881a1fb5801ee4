/* configure.h -- the engine of `farrow configure`: a template and answers in, an inventory out. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_CONFIGURE_H
#define FR_CONFIGURE_H

#include <stddef.h>

#include "err.h"

/* The address Pigsty's templates (and farrow's) use for the admin node. */
#define FR_PLACEHOLDER_IP "10.10.10.10"
#define FR_SECRET_LEN 24
/* What -x writes as no_proxy when NO_PROXY is not set (as Pigsty does). */
#define FR_DEFAULT_NO_PROXY "localhost,127.0.0.1,10.0.0.0/8,192.168.0.0/16,*.pigsty"

struct fr_secret {
	char *name;  /* the parameter or placeholder it replaced */
	char *value;
};

/*
 * The answers. Every pointer is borrowed. The front end (flags or TUI)
 * decides them; the engine only applies them, so the same answers give the
 * same bytes (except generated secrets).
 */
struct fr_configure {
	const char *conf;        /* template: "meta", "ha/trio", or a path to a .yml */
	const char *primary_ip;  /* replaces 10.10.10.10; NULL keeps it */
	const char *const *nodes; /* with nnodes: every node of the template, in address order */
	size_t nnodes;
	int pg_version;          /* 13-18; 0 keeps the template's */
	const char *region;      /* default|china|europe; NULL keeps the template's */
	int tiny;                /* fewer than 4 vCPUs: tiny tuning */
	int proxy;               /* write proxy_env from the values below */
	const char *http_proxy, *https_proxy, *all_proxy, *no_proxy;
	int ssh_port;            /* 0 keeps the template's */
	int generate;            /* replace every default credential */
	/*
	 * With generate: credentials the user chose, by the name --show-secrets
	 * prints (a parameter, pg_admin_password, or a template's default value,
	 * DBUser.Meta); the others are random. Values: 8-128 characters of
	 * A-Z a-z 0-9 . _ ~ - (safe in YAML, URLs and pgpass files).
	 */
	const struct fr_secret *given;
	size_t ngiven;

	/* results, owned by the struct: free with fr_configure_release */
	char *text;
	size_t len;
	char *template_name;     /* where the template came from */
	struct fr_secret *secrets;
	size_t nsecrets;
	char **notes;            /* what changed, one line each */
	size_t nnotes;
	char **warnings;         /* what the user should look at */
	size_t nwarnings;
	int effective_version;   /* the pg_version of the result */
};

/* Names of the embedded templates, NULL-terminated, and a one-line description of one. */
const char *const *fr_template_names(void);
const char *fr_template_desc(const char *name);

/*
 * Load a template: an embedded one by name, else a file at that path.
 * Returns 0, or FR_ENOTFOUND / FR_EIO with err filled.
 */
int fr_template_load(const char *conf, char **text, size_t *len, char **origin, struct fr_err *err);

/*
 * Render c->conf with the answers into c->text, and validate the result
 * as an inventory. Returns 0; FR_EARG for answers that do not fit the
 * template (err says which); FR_ENOTFOUND for a missing template;
 * FR_EINVALID when the template or result has errors (err holds the first,
 * as line:col: param: message); FR_ECRYPTO when no random bytes were to be had.
 */
int fr_configure_render(struct fr_configure *c, struct fr_err *err);
void fr_configure_release(struct fr_configure *c);

/* 1 when v may be a chosen credential (see given above). */
int fr_secret_value_ok(const char *v);

/* The template's node addresses, sorted numerically (for --nodes). Free each and the array. */
int fr_template_nodes(const char *text, size_t len, char ***ips, size_t *n, struct fr_err *err);

/* A template's all.vars.pg_version (the parameter table's default when it sets none); -1 on a
 * syntax error (err says where). The one reading of it, for the engine and the wizard. */
int fr_template_pg_version(const char *text, size_t len, struct fr_err *err);

#endif
