/* fb.h -- what farrow-firstboot's modules share: the node's profile, logging, commands, files. */
/* SPDX-License-Identifier: MIT */
#ifndef FB_H
#define FB_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "cli.h"
#include "yamlnode.h"

struct fb {
	struct fr_node *root;          /* the whole profile */
	const struct fr_node *vars;    /* profile vars: what the inventory set */
	const struct fr_node *ident;   /* identities */
	const struct fr_node *peers;   /* peers: { pg_cluster: [...], etcd_cluster: [...] } */
	const struct fr_node *pki;     /* pki: { ca_crt, crt, key } */
	const char *host;              /* this node's address */
	const char *module;            /* the module running, for the log */
	char *log_dir;
	int log_fd;                    /* the module's log, -1 when none */
	int in_container;              /* systemd-detect-virt -c says so: kernel settings are the host's */
	int verbose;
	int quiet;                     /* nothing on standard output: it carries data (health --json) */
	int mask;                      /* render: print credentials as ******** */
	int changes;                   /* what this run changed: files, services, data */
	int done_before;               /* the running module completed on this node before (the runner sets it) */
	char last_error[512];          /* the running module's last fb_fail message (never a secret) */
};

/* Variables: the profile's value (a version 1 profile has them all, resolved), else NULL. */
const struct fr_node *fb_var(const struct fb *fb, const char *name);
const char *fb_str(const struct fb *fb, const char *name, const char *fallback);
long long fb_int(const struct fb *fb, const char *name, long long fallback);
int fb_bool(const struct fb *fb, const char *name, int fallback);
/* A credential variable's value ("" when unset), or ******** when fb->mask. */
const char *fb_secret(const struct fb *fb, const char *name);
/* An identity ("pg_instance", ...) or NULL. */
const char *fb_ident(const struct fb *fb, const char *name);

/* Log a line to the module's log and to standard output (the unit's journal). Never pass a secret. */
void fb_log(struct fb *fb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Log an error; returns -1 so `return fb_fail(...)` reads well. */
int fb_fail(struct fb *fb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Run argv (no shell); in (may be NULL) goes to its standard input and is
 * never logged. The command line and its output go to the module's log;
 * its standard output is also appended to out when out is not NULL.
 * Returns the exit status (128+signal), -1 when it could not start.
 */
int fb_run(struct fb *fb, const char *const *argv, const char *in, struct fr_buf *out);
/* fb_run with extra environment ("NAME=value", NULL-terminated; never logged: secrets go here or stdin). */
int fb_run_env(struct fb *fb, const char *const *argv, const char *const *env, const char *in, struct fr_buf *out);
/* fb_run as a system user (setpriv: its uid, gid, groups and a clean environment). */
int fb_run_as(struct fb *fb, const char *user, const char *const *argv, const char *in, struct fr_buf *out);

/*
 * Make path hold exactly data with mode and owner (user:group names, NULL =
 * root), atomically. Returns 1 when it changed, 0 when it already was so,
 * -1 on error (logged).
 */
int fb_file(struct fb *fb, const char *path, const char *data, size_t len, mode_t mode, const char *owner);
/* fb_file for a candidate a tool checks before it replaces the real file: not a change to the node. */
int fb_scratch_file(struct fb *fb, const char *path, const char *data, size_t len, mode_t mode, const char *owner);
/* mkdir -p, then mode and owner of the last component. 0 or -1. */
int fb_dir(struct fb *fb, const char *path, mode_t mode, const char *owner);
/*
 * The profile's certificates into dir as ca.crt, server.crt and server.key (0600), owned by
 * owner (NULL: root): 1 when one changed, 0 when all were there, -1 (logged) when the profile
 * lacks one or it is not a PEM block.
 */
int fb_pki_copy(struct fb *fb, const char *dir, const char *owner);

/* systemctl VERB UNIT; 0 or -1 (logged, with the unit's last journal lines). */
int fb_systemctl(struct fb *fb, const char *verb, const char *unit);

/*
 * Wait up to timeout seconds for check(fb, arg) to return 1, polling every
 * 0.5 s; 0 when it did, -1 (logged as what) on timeout or when check returns -1.
 */
int fb_wait(struct fb *fb, const char *what, int timeout, int (*check)(struct fb *, void *), void *arg);

/* GET http://host:port/path; the HTTP status, or -1 when nothing answers. */
int fb_http_status(const char *host, int port, const char *path, int timeout_ms);
/* The same, the response's body (at most 1 MiB) appended to body. */
int fb_http_get(const char *host, int port, const char *path, int timeout_ms, struct fr_buf *body);

/* 1 when something listens on host:port (TCP). */
int fb_port_open(const char *host, int port);

/* Replace ${name} with the variable's string value (as Pigsty's templates do). Appends to out. */
void fb_expand(const struct fb *fb, const char *s, struct fr_buf *out);

/* Commands' errors go to stderr with fr_cli_error (lib/cli.h); modules log with fb_fail. */

/*
 * Verify a bundle (its signature with key, then every member by lib/bundle.c's rules), or verify
 * and unpack it into dest/<top> in one pass over one open file. Exit statuses: 0, 1 (cannot read
 * or write), 6 (a signature or hash does not hold). *changed (may be NULL) set when unpack wrote.
 */
int fb_bundle_verify(const char *bundle, const char *key);
int fb_bundle_unpack(const char *bundle, const char *key, const char *dest, int *changed);

/* Modules. Each returns 0 when the node has converged, -1 when a step failed (logged). */
int fb_mod_packages(struct fb *fb);
int fb_mod_node(struct fb *fb);
int fb_mod_ca(struct fb *fb);
int fb_mod_etcd(struct fb *fb);
int fb_mod_pgsql(struct fb *fb);
int fb_mod_redis(struct fb *fb);
int fb_mod_minio(struct fb *fb);
/* What the minio module's first member provisions on endpoint (https://<host>:<port>; NULL: this
 * member), its certificate checked against ca (NULL: /etc/pki/ca.crt): minio_buckets by the S3
 * API, then each bucket's policy and minio_users by MinIO's admin API; farrow-firstboot
 * minio-buckets / minio-users by hand. 0 or -1. */
#define FB_MINIO_BUCKETS 1
#define FB_MINIO_USERS 2
int fb_minio_provision(struct fb *fb, const char *endpoint, const char *ca, int what);
/* This member's MinIO for health --json: ,"minio":{cluster, seq, instance, endpoint, unit (systemctl
 * is-active), live (/minio/health/live), write_quorum (/minio/health/cluster; null unasked)}. */
void fb_minio_health(struct fb *fb, struct fr_buf *json);
/* What the minio module writes (each file after a "# ==> path" line), credentials masked when fb->mask. */
void fb_minio_render(struct fb *fb, struct fr_buf *out);
/* What the redis module writes (each file after a "# ==> path" line), credentials masked when fb->mask. */
void fb_redis_render(struct fb *fb, struct fr_buf *out);

/*
 * Health, for `farrow-firstboot health --json` (what `farrow status` reads): each appends
 * its module's object (",\"etcd\":{...}", ",\"pgsql\":{...}") to json; nothing is changed.
 */
void fb_etcd_health(struct fb *fb, struct fr_buf *json);
void fb_pgsql_health(struct fb *fb, struct fr_buf *json);
void fb_redis_health(struct fb *fb, struct fr_buf *json);

/* pitr.c: farrow pitr's node side (exit statuses). backups: this member's backups as JSON;
 * pitr-aside: a replica's data set aside; pitr-restore: the leader restored to a target. */
int fb_backups_json(struct fb *fb);
int fb_pitr_aside(struct fb *fb, const char *stamp);
int fb_pitr_restore(struct fb *fb, const char *set, const char *type, const char *target, const char *stamp);

/* The VIP keeper (firstboot/vip.c): until SIGTERM; -1 (logged) when the profile has no VIP. */
int fb_vip(struct fb *fb);

/* seed.c: `farrow-firstboot seed`: the node's profile from its seed volume or HTTPS URL (sha256: the
 * server certificate's fingerprint, else farrow.seed_sha256=) (an exit status). */
int fb_seed(const char *profile_path, const char *device, const char *host, const char *sha256);

/* live.c: `farrow-firstboot medium-check`: the ISO's medium at dir against its signed list, with
 * the key (an exit status: 0, 1, 6 when the list's signature or a file does not hold). */
int fb_medium_check(const char *dir, const char *key);

/* farrow.<name>= from the kernel command line (in a container, its init's arguments) into out;
 * 1 when found. */
int fb_cmdline_arg(const char *name, char *out, size_t n);

/* farrow-firstboot export-logs (live.c): the installer's log, the journal and the kernel's onto a
 * FAT file system (device, else a removable disk that is not the medium), never formatting one. */
int fb_export_logs(const char *device, const char *sysfs, const char *devdir, const char *log);
/* farrow-firstboot rescue-menu (live.c): dialog's menu of the logs onto a stick, a shell, reboot,
 * power off; a failed install's last step above it. Without dialog: a shell. Returns only on error. */
int fb_rescue_menu(const char *log);

/* farrow-firstboot install (install.c): the live system's unattended install. */
struct fb_install_opts {
	const char *medium, *lower, *key, *sysfs, *devdir, *work, *log;
	const char *answer_dir; /* answer.yml, its inventory and profile.yml here (the wizard's), or NULL: */
	const char *answer_from, *answer_sha256; /* a FARROW-ANSWER volume or an https:// directory, its pin */
	int act; /* reboot, or on_error's shell/reboot/poweroff, at the end */
};
int fb_install(const struct fb_install_opts *o);

#endif
