/* inventory.h -- Pigsty-format inventories: load, validate, resolve, identify. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_INVENTORY_H
#define FR_INVENTORY_H

#include <stddef.h>

#include "err.h"
#include "yamlnode.h"

/*
 * The format is Pigsty's (an Ansible YAML inventory):
 *   all.vars                     global parameters
 *   all.children.<group>.vars    cluster parameters
 *   all.children.<group>.hosts.<ipv4>: { host parameters }
 * A host's value of a parameter comes from, highest first: its host
 * parameters, the vars of the groups it is in (groups in name order, the
 * later one winning, as Ansible does), all.vars, the built-in defaults.
 */

struct fr_group {
	const char *name;
	const struct fr_node *keynode, *node, *hosts, *vars;
};

struct fr_host {
	const char *ip;
	const struct fr_node *keynode; /* where it first appears */
	size_t *groups;                /* indexes into inventory->groups, file order */
	size_t ngroups;
};

struct fr_inventory {
	char *path;
	char *text;
	size_t len;
	struct fr_node *root; /* NULL after a syntax error */
	const struct fr_node *all, *vars, *children;
	struct fr_group *groups;
	size_t ngroups;
	struct fr_host *hosts; /* in order of first appearance */
	size_t nhosts;
	size_t *group_order; /* group indexes sorted by name */
	struct fr_diags diags;
};

enum fr_source { FR_SRC_NONE, FR_SRC_DEFAULT, FR_SRC_GLOBAL, FR_SRC_CLUSTER, FR_SRC_HOST };

/* A resolved variable: the value node is borrowed from the inventory (or the defaults). */
struct fr_var {
	const char *name;
	const struct fr_node *value;
	enum fr_source src;
	const char *group; /* the group that set it (cluster and host sources) */
};

/*
 * Load an inventory from text (copied) or from a file. Syntax and structure
 * problems do not fail the call: they land in inv->diags (check
 * inv->diags.nerrors). Returns 0, or FR_EIO (file) with err filled.
 * Free with fr_inv_free.
 */
int fr_inv_load_text(const char *path, const char *text, size_t len, struct fr_inventory **out,
		     struct fr_err *err);
int fr_inv_load_file(const char *path, struct fr_inventory **out, struct fr_err *err);
void fr_inv_free(struct fr_inventory *inv);

/* Run every check, adding to inv->diags (sorted). Returns the number of errors. */
size_t fr_inv_validate(struct fr_inventory *inv);

/* The host with that address, or NULL. */
const struct fr_host *fr_inv_host(const struct fr_inventory *inv, const char *ip);
/*
 * 1 if h is what `-l limit` selects: every host for NULL, else the host of that address or
 * a member of the group (cluster) of that name, as Ansible's --limit.
 */
int fr_inv_host_selected(const struct fr_inventory *inv, const struct fr_host *h, const char *limit);
/* 1 if host is in group gi. */
int fr_inv_host_in(const struct fr_host *h, size_t gi);

/* Resolve name for host h. Returns 1 and fills out, or 0 (out->src = FR_SRC_NONE). */
int fr_inv_resolve(const struct fr_inventory *inv, const struct fr_host *h, const char *name,
		   struct fr_var *out);
/* Same, for a value that must be a string / integer; NULL / 0 when absent or of another type. */
const char *fr_inv_str(const struct fr_inventory *inv, const struct fr_host *h, const char *name);
int fr_inv_int(const struct fr_inventory *inv, const struct fr_host *h, const char *name, long long *v);

/* Every variable of host h, sorted by name. Free *vars with free(3). */
void fr_inv_host_vars(const struct fr_inventory *inv, const struct fr_host *h, struct fr_var **vars,
		      size_t *n);

const char *fr_source_name(enum fr_source s);

/* The identities a host takes: each string is NULL when the host has no such role. */
struct fr_ident {
	char *pg_instance; /* pg-test-1 */
	const char *pg_cluster, *pg_role;
	long long pg_seq;
	char *etcd_instance;  /* etcd-1 */
	char *minio_instance; /* minio-1 */
	char *infra_instance; /* infra-1 */
	char **redis_instances; /* redis-ms-1-6379, ... */
	size_t nredis;
};

void fr_inv_identity(const struct fr_inventory *inv, const struct fr_host *h, struct fr_ident *id);
void fr_ident_release(struct fr_ident *id);


/* 1 if s is a dotted-quad IPv4 address (no leading zeros, each part 0-255). */
int fr_is_ipv4(const char *s);

#endif
