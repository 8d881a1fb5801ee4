/* values.h -- what a parameter's value may be: its type, and the grammar of the files it lands in. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_VALUES_H
#define FR_VALUES_H

#include "err.h"
#include "yamlnode.h"

/*
 * Inventories and node profiles are input: a value ends up inside patroni.yml, pg_hba,
 * pgbouncer.ini, haproxy.cfg, pgbackrest.conf, /etc/hosts, a systemd environment file or an
 * SQL statement. These checks are the one place that says what each can hold, used by
 * `farrow inventory check` (for every scope of an inventory) and by farrow-firstboot when it
 * loads a node's profile, before anything is rendered:
 *
 *   - the parameter's type, from the parameter table (lib/defaults.yml);
 *   - no control character (newline, CR, NUL, ...) in any string, at any depth;
 *   - names (clusters, instances, roles, users, databases, services) of a fixed alphabet;
 *   - pg_hba rule fields (user, db, addr, auth, role, order), services, pg_users and
 *     pg_databases entries field by field; addresses, ports, absolute paths;
 *   - the enumerations (pg_rto, pg_role, node_tune, pgbouncer_poolmode, ...): an unknown
 *     name is an error.
 */

/*
 * Check one mapping of parameters (all.vars, a group's vars, a host's vars, or a profile's
 * vars): each known (an unknown name is a warning, with the nearest known name; ansible_*
 * are Ansible's own), of its type, of a value its files can hold. Problems go to d, at the
 * value's line and column; where names the mapping in messages ("all.vars").
 */
void fr_values_check(const struct fr_node *map, const char *where, struct fr_diags *d);

/* The first rule out of strcmp order in the table the checks bsearch (NULL: sorted); for the tests. */
const char *fr_values_rules_unsorted(void);

/* The cluster-name rule ([A-Za-z0-9-]+, not "root"): NULL when s fits, else why not. */
const char *fr_value_name_problem(const char *s);

/*
 * A node profile's own structure besides its vars: host (IPv4), identities (instance names,
 * pg_role), peers (each member's ip, name, cluster, seq, role), bundle (an absolute path).
 */
void fr_values_check_profile(const struct fr_node *root, struct fr_diags *d);

/*
 * farrow pitr's targets, checked before they reach pgBackRest (and postgresql.auto.conf): a time
 * "YYYY-MM-DD HH:MM:SS[.f]" with its zone (+00, +08:00, Z; none is refused: whose clock?) into
 * *epoch (UTC); an LSN hex/hex into *lsn; a restore point's name. NULL, or why not.
 */
const char *fr_pitr_time_problem(const char *s, long long *epoch);
const char *fr_pitr_lsn_problem(const char *s, unsigned long long *lsn);
const char *fr_pitr_name_problem(const char *s);

#endif
