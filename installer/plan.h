/* plan.h -- what farrow install would do to a node, found out without changing it. */
/* SPDX-License-Identifier: MIT */
#ifndef FARROW_PLAN_H
#define FARROW_PLAN_H

#include "buf.h"
#include "inventory.h"
#include "ssh.h"

/* The bundle's side, read once: its package index and what its packages are for. */
struct plan_bundle {
	char *packages;     /* the deb Packages index inside the bundle */
	size_t len;
	char arch[16];      /* amd64, arm64 */
	char target[32];    /* the MANIFEST's, d12.x86_64 */
	long long bytes;    /* total size of its packages */
};

int plan_bundle_load(const char *bundle, const char *target, struct plan_bundle *b, struct fr_err *err);
void plan_bundle_release(struct plan_bundle *b);

/*
 * Look at the node over s (read only): its OS, installed packages, existing
 * PGDATA, etcd data, running members; solve the bundle against what is
 * installed for the packages the host's roles need (pk). The plan text goes
 * to out. Returns 0 when install may go on, 1 when it must refuse (the
 * reasons are in out and, one line, in why), -1 when the node could not be
 * examined (why says so).
 */
int plan_host(struct fr_ssh *s, const struct fr_inventory *inv, const struct fr_host *h, const struct plan_bundle *b,
	      char *const *pk, size_t npk, struct fr_buf *out, char *why, size_t whylen);

#endif
