/* health.h -- clusters' health from their members' own reports (farrow-firstboot health --json). */
/* SPDX-License-Identifier: MIT */
#ifndef FR_HEALTH_H
#define FR_HEALTH_H

#include "buf.h"
#include "inventory.h"
#include "yamlnode.h"

/* One host's report: the parsed `farrow-firstboot health --json`, or NULL (unreachable, none). */
struct fr_health_host {
	const struct fr_host *host;
	const struct fr_node *report;
};

enum fr_health { FR_HEALTHY, FR_DEGRADED, FR_DOWN };

/*
 * Every etcd, PostgreSQL, Redis and MinIO cluster the given hosts belong to, judged from their reports:
 * appends a JSON array of { kind, name, state: healthy|degraded|down, reasons: [...], leader,
 * members: [...], services, backup } to json and the same for people to text. A PostgreSQL
 * cluster whose Patroni calls a member a running replica while the leader's pg_stat_replication
 * has no stream from it is degraded (what patroni 3.0.2 reported after losing data). Returns the
 * worst state.
 */
enum fr_health fr_health_clusters(const struct fr_inventory *inv, const struct fr_health_host *hosts, size_t n,
				  struct fr_buf *json, struct fr_buf *text);

const char *fr_health_name(enum fr_health h);

#endif
