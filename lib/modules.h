/* modules.h -- what each farrow-firstboot module is, as data: the one table of modules. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_MODULES_H
#define FR_MODULES_H

#include <stddef.h>

#include "yamlnode.h"

/*
 * A module of farrow-firstboot, in run order. farrow-firstboot pairs each row with its run
 * function (firstboot/main.c); the profile writer uses it to give a node only the credentials
 * its modules consume; status, --only, the usage text, the plan and the wizard list its names.
 */
struct fr_module_info {
	const char *name;
	const char *summary;                /* one line, for usage texts */
	const char *const *identities;      /* wanted when the node has one of these; NULL: every node */
	const char *const *secrets;         /* the credential-holding parameters it reads */
	const char *const *packages;        /* what it needs installed ($v: the profile's pg_version) */
	const char *const *optional;        /* installed too where the bundle carries them (an exporter) */
	const char *const *units;           /* the packages' systemd units it configures and then enables
					     * itself (images ship them disabled: a unit started before
					     * its module ran would run on the package's defaults) */
};

extern const struct fr_module_info fr_modules[];
extern const size_t fr_nmodules;

/* The module of that name, or NULL. */
const struct fr_module_info *fr_module_find(const char *name);

/* 1 when a node whose profile identities are ident (a map: pg_instance, ...) wants m. */
int fr_module_wanted(const struct fr_module_info *m, const struct fr_node *ident);
/* The same for identities as the inventory derives them. */
struct fr_ident;
int fr_module_wanted_by(const struct fr_module_info *m, const struct fr_ident *id);

/*
 * The packages a node needs, from its profile (root: a version 1 profile's tree): those of every
 * module it wants, the modules' optional ones that index (the bundle's apt Packages index, ilen
 * bytes; NULL: none) carries, then its node_packages. *out is a list of *n strings (free each and it).
 */
void fr_node_packages(const struct fr_node *root, const char *index, size_t ilen, char ***out, size_t *n);
/* The packages of every module ($v: pg_version) whose packages all are carried (carried(ctx, name):
 * 1 when the bundle has it), with their optional ones it carries: for a generic node image that
 * may become any node its bundle can serve. */
void fr_all_module_packages(long long pg_version, int (*carried)(void *ctx, const char *name), void *ctx,
			    char ***out, size_t *n);
/* 1 when an apt Packages index (len bytes) has a stanza for package name. */
int fr_packages_index_has(const char *index, size_t len, const char *name);

/*
 * 1 when parameter name holds credentials: by name (lib/params.c's list), because its
 * built-in default holds a credential-named key (pgbackrest_repo's cipher_pass, ...), or as a
 * list of accounts (pg_users, minio_users). A node's profile carries such a parameter only
 * when one of its modules reads it.
 */
int fr_param_holds_secret(const char *name);

/* 1 when a value holds a credential-named key at any depth. */
int fr_value_holds_secret(const struct fr_node *v);

#endif
