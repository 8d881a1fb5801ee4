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

/* Parameter names whose values are credentials (NULL-terminated lists). */
extern const char *const fr_secret_keyed[];
extern const char *const fr_secret_valued[];
/* 1 if values of name are credentials: masked in listings, replaced by -g. */
int fr_param_is_secret(const char *name);

/* Damerau-Levenshtein (optimal string alignment) distance. */
size_t fr_edit_distance(const char *a, const char *b);

#endif
