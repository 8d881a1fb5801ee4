/* params.h -- the known inventory parameters, their types and built-in defaults. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_PARAMS_H
#define FR_PARAMS_H

#include <stddef.h>

#include "yamlnode.h"

enum fr_ptype { FR_PT_ANY, FR_PT_STR, FR_PT_INT, FR_PT_BOOL, FR_PT_LIST, FR_PT_MAP, FR_PT_NUM };

struct fr_param {
	const char *name;
	enum fr_ptype type;
	const struct fr_node *def; /* the default, or NULL when there is none */
};

/*
 * The table is parsed from the embedded lib/defaults.yml on first use; it
 * lives until fr_params_release(). These never fail: a broken defaults file
 * is a build bug and aborts.
 */
const struct fr_param *fr_param_find(const char *name);
const struct fr_param *fr_params_all(size_t *count);
void fr_params_release(void);

/* The known parameter nearest to name (edit distance), or NULL if none is close. */
const char *fr_param_nearest(const char *name);

/*
 * Check v against p's type. Returns 1 when it fits; 0 when not (then what
 * names the expected type, "an integer", ...). Values with Jinja templates
 * ("{{ ... }}") and nulls always fit.
 */
int fr_param_type_ok(const struct fr_param *p, const struct fr_node *v, const char **what);

/*
 * What is secret: the one list, used by `inventory show`, `farrow-firstboot render`, `configure
 * -g` and masking anywhere a value is printed. By parameter (or map key) name, in three
 * NULL-terminated lists: what -g replaces per name (Pigsty's list), what -g replaces per value,
 * and credentials -g leaves alone (Ansible's connection passwords); and by form: the password
 * of a URL's userinfo (scheme://user:password@host).
 */
extern const char *const fr_secret_keyed[];
extern const char *const fr_secret_valued[];
extern const char *const fr_secret_other[];
/* 1 if values of name are credentials. */
int fr_param_is_secret(const char *name);
/* s with the password of every URL's userinfo as ********, malloc'd; NULL when s has none. */
char *fr_secret_mask_urls(const char *s);

/* The PostgreSQL major versions farrow supports: one range for configure -v, the wizard,
 * bundle manifests and inventory checks. */
#define FR_PG_VERSION_MIN 13
#define FR_PG_VERSION_MAX 18
int fr_pg_version_ok(long long v);

/* Pigsty's rule: a host with fewer than 4 CPUs gets tiny tuning (node_tune tiny, pg_conf tiny.yml). */
int fr_tiny_host(int ncpu);

/* Damerau-Levenshtein (optimal string alignment) distance. */
size_t fr_edit_distance(const char *a, const char *b);

#endif
