/* yamlnode.h -- a YAML document as a tree of nodes that remember their source position. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_YAMLNODE_H
#define FR_YAMLNODE_H

#include <stddef.h>

#include "err.h"

enum fr_node_kind { FR_NODE_SCALAR, FR_NODE_SEQ, FR_NODE_MAP };

/* How a plain scalar resolves, as YAML 1.1 (PyYAML, hence Ansible) does. */
enum fr_scalar_type {
	FR_SCALAR_NULL,
	FR_SCALAR_BOOL,
	FR_SCALAR_INT,
	FR_SCALAR_FLOAT,
	FR_SCALAR_STR,
};

/*
 * A node. Positions: line and col are 1-based; start and end are byte
 * offsets into the parsed text (end is exclusive), so a caller can edit the
 * text in place and keep its comments. For a map, keys[i] maps to items[i];
 * for a sequence, items[i] is the i-th element.
 */
struct fr_node {
	enum fr_node_kind kind;
	enum fr_scalar_type type; /* scalars only */
	int quoted;               /* scalars only: was written quoted or as a block */
	int flow;                 /* collections only: written in flow style {} [] */
	int line, col;
	size_t start, end;
	char *str; /* scalars only, NUL-terminated */
	char *tag; /* a local tag written in the source ("!int"), or NULL */
	size_t n;
	struct fr_node **keys;  /* maps only */
	struct fr_node **items;
};

/*
 * Parse text (len bytes, UTF-8) into a tree. Returns the root, or NULL with
 * err filled as "line:col: problem" (the caller adds the file name).
 * An empty document gives NULL with code FR_EINVALID. Aliases are
 * expanded (copied), bounded to keep alias bombs out. Free with
 * fr_node_free.
 */
struct fr_node *fr_yaml_parse(const char *text, size_t len, struct fr_err *err);
void fr_node_free(struct fr_node *n);

/* The value of key in map (the last one if repeated), or NULL. NULL map is accepted. */
struct fr_node *fr_node_get(const struct fr_node *map, const char *key);
/* Same, also returning the key node. */
struct fr_node *fr_node_get2(const struct fr_node *map, const char *key, struct fr_node **keynode);

int fr_node_is_map(const struct fr_node *n);
int fr_node_is_seq(const struct fr_node *n);
int fr_node_is_scalar(const struct fr_node *n);
int fr_node_is_null(const struct fr_node *n);
/* Scalar helpers: 1 and *out filled when n is a scalar of that type. */
int fr_node_int(const struct fr_node *n, long long *out);
int fr_node_bool(const struct fr_node *n, int *out);
/* The scalar text, or NULL for non-scalars and nulls. */
const char *fr_node_str(const struct fr_node *n);
/* "string", "integer", "boolean", "list", "mapping", ... for messages. */
const char *fr_node_kind_name(const struct fr_node *n);

/*
 * Append n as compact JSON (scalars typed as resolved), or as a one-line
 * YAML flow value for listings. When is_secret is not NULL, the value of
 * every map key for which it returns 1 is written as "********".
 */
struct fr_buf;
void fr_node_to_json(const struct fr_node *n, struct fr_buf *out, int (*is_secret)(const char *));
void fr_node_to_flow(const struct fr_node *n, struct fr_buf *out, int (*is_secret)(const char *));

/* Resolve a plain scalar's text as YAML 1.1 does. */
enum fr_scalar_type fr_yaml_resolve(const char *s);

#endif
