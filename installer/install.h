/* install.h -- the three rooms of `farrow install`: options and output (cmd-install.c), the
 * per-host fan-out and its record protocol (install-fanout.c), the steps on one node
 * (install-node.c). */
/* SPDX-License-Identifier: MIT */
#ifndef FARROW_INSTALL_H
#define FARROW_INSTALL_H

#include "buf.h"
#include "bundle.h"
#include "inventory.h"
#include "plan.h"
#include "profile.h"
#include "ssh.h"
#include "yamlnode.h"


struct install_opts {
	const char *bundle, *key, *limit, *firstboot;
	char *pki;                /* the CA directory: <pki>/ca/ca.{crt,key}, <pki>/<host>/server.{crt,key} */
	struct fr_ssh_opts ssh;   /* the command line's key, known_hosts, accept_new, timeout */
	int wait, plan, json;
	struct plan_bundle pb;
	struct fr_bundle_manifest man; /* the MANIFEST of the verification pass */
};

/* What one host's install came to; filled in the host's own process. */
struct host_result {
	int code;                 /* an FR_EXIT_* status */
	int changed;
	char summary[1200];
	struct fr_buf log;        /* every command and its output, kept in farrow-logs/<host>/ on failure */
	int progress_fd;          /* where the records go (install-fanout.c), -1 for none */
	long t0;                  /* CLOCK_MONOTONIC seconds when the host's install began */
};

/* install-node.c: survey, copy, verify, profile, unit, converge: one host, over SSH. */
void install_host(const struct install_opts *o, const struct fr_inventory *inv, const struct fr_host *h,
		  struct host_result *hr);

/* install-fanout.c: what a host's process reports while it runs (a record each, as data). */
void install_report_step(struct host_result *hr, const char *step);
/* modules: the node's `farrow-firstboot status --json` "modules" sequence */
void install_report_modules(struct host_result *hr, const struct fr_node *modules);
long install_now(void);
/* "packages done node running ca - etcd - pgsql - ": a status --json "modules" sequence, for people */
void install_modules_line(const struct fr_node *modules, struct fr_buf *line);

/* What the fan-out tells the front (cmd-install.c) as records arrive. */
struct install_events {
	void *ctx;
	void (*step)(void *ctx, const struct fr_host *h, const char *step, long elapsed);
	void (*modules)(void *ctx, const struct fr_host *h, const struct fr_node *modules, long elapsed);
	/* the host's end; hr->log is its whole log */
	void (*done)(void *ctx, const struct fr_host *h, const struct host_result *hr, long elapsed);
};

/*
 * One process per host of hosts (all at once), each running install_host, their records
 * read as they come and handed to ev. Returns 0, or -1 when a process could not be started
 * (the ones started are still waited for).
 */
int install_fanout(const struct install_opts *o, const struct fr_inventory *inv, const struct fr_host *const *hosts,
		   size_t n, const struct install_events *ev);

#endif
