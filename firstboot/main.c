/* main.c -- `farrow-firstboot`: the node side of farrow; runs on a bare node. */
/* SPDX-License-Identifier: MIT */
/*
 * It links only what a minimal Debian 12 node has (libc, libssl/libcrypto, libzstd;
 * libyaml statically), so it can verify and unpack a bundle before any
 * package is installed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <time.h>
#include <ctype.h>
#include <dirent.h>

#include "crypto.h"
#include "fb.h"
#include "medium.h"
#include "pgsql.h"
#include "params.h"
#include "modules.h"
#include "profile.h"
#include "values.h"
#include "yamlnode.h"

#include "bundle.h"
#include "err.h"
#include "fileio.h"
#include "tarball.h"
#include "xalloc.h"

#define FB_USAGE                                                                                 \
	"usage: farrow-firstboot verify <bundle> --key <public-key>\n"                          \
	"       farrow-firstboot unpack <bundle> --key <public-key> --dest <dir>\n"             \
	"       farrow-firstboot status [--state <dir>] [--json]\n"                             \
	"       farrow-firstboot unit\n"                                                        \
	"       farrow-firstboot health --json [--profile <file>]\n"                           \
	"       farrow-firstboot vip [--profile <file>]\n"                                     \
	"       farrow-firstboot run [--profile <file>] [--only <module>] [--state <dir>] [-v]\n"  \
	"       farrow-firstboot seed [--device <dev>|<https-url> [--sha256 <fingerprint>]] [--host <ip>]\n" \
	"                             [--profile <file>]\n"                                     \
	"       farrow-firstboot medium-check [<dir>] [--key <public-key>]\n"                   \
	"       farrow-firstboot install [--medium <dir>] [--lower <dir>] [--key <public-key>] [--sysfs <dir>]\n" \
	"                                [--dev <dir>] [--work <dir>] [--log <file>] [--no-act]\n"  \
	"                                [--answer-dir <dir> | --device <dev>|<https-url> [--sha256 <fp>]]\n" \
	"       farrow-firstboot export-logs [--device <dev>] [--log <file>]\n"                 \
	"       farrow-firstboot rescue-menu [--log <file>]\n"                                  \
	"       farrow-firstboot backups --json [--profile <file>]\n"                               \
	"       farrow-firstboot pitr-aside --stamp <stamp> [--profile <file>]\n"                   \
	"       farrow-firstboot pitr-restore --set <label> --type time|lsn|name|default [--target <t>]\n" \
	"                                     --stamp <stamp> [--profile <file>]\n"               \
	"       farrow-firstboot minio-buckets|minio-users [--profile <file>] [--endpoint <https-url>] [--ca <file>]\n" \
	"                                      [--log <file>]\n"                                  \
	"       farrow-firstboot render <patroni|hba|pgbouncer|haproxy|pgbackrest|vip|redis|minio> [--profile <file>]\n" \
	"                               [--show-secrets]\n"                                     \
	"\n"                                                                                      \
	"  verify   check <bundle>.sig with the key (gpgv), then every file against MANIFEST\n" \
	"  unpack   verify, then unpack into <dir>/<bundle's top directory> (atomically);\n"    \
	"           an identical bundle already there is left as it is\n"                       \
	"  status   the state of this node's modules: exit 0 done, 1 failed (or interrupted),\n" \
	"           2 running, 3 never run (as cloud-init status); --json: per module its state,\n" \
	"           started, finished, changes and last error (also <state>/last-run.json)\n"  \
	"  run      converge this node to its profile (/etc/farrow/profile.yml): the modules\n"  \
	"           below, in that order, each only where the node's identities call for\n"       \
	"           it; idempotent, safe to re-run at any time, resumes\n"                       \
	"           after a crash; stops at the first module that fails. State in\n"            \
	"           /var/lib/farrow/<module>.{running,done,failed}, logs in\n"                  \
	"           /var/log/farrow/<module>.log. An existing PGDATA is never wiped.\n"          \
	"  unit     print farrow-firstboot.service (for /etc/systemd/system/)\n"              \
	"  health   this node's members as one JSON object (what farrow status reads): its etcd\n" \
	"           member (health, leader, members), its Patroni cluster (/cluster), on the\n"  \
	"           leader pg_stat_replication and pgBackRest's last backup, haproxy's servers;\n" \
	"           its Redis instances (role, replicas, link, sentinel's primaries, cluster\n"  \
	"           state); its MinIO (the unit, /minio/health/live, /minio/health/cluster's write\n" \
	"           quorum); reads only\n"                                                      \
	"  vip      keep pg_vip_address on pg_vip_interface while this member's Patroni leads\n" \
	"           (its /primary), announced by gratuitous ARP; removed when it does not and on\n" \
	"           SIGTERM (what farrow-vip.service runs)\n"                                  \
	"  seed     a node with no profile takes it from its seed: the device given, else\n"    \
	"           farrow.seed=<device> on the kernel command line, else the volume labelled\n"  \
	"           FARROW-SEED (VFAT: farrow seed makes it); or an https:// URL whose server\n"  \
	"           is known by its certificate's SHA-256 fingerprint (--sha256, else\n"         \
	"           farrow.seed_sha256= on the kernel command line; a mismatch is refused, exit\n" \
	"           6); the profile is checked as every\n"                                        \
	"           profile is, and must be this machine's (its host one of this machine's\n"     \
	"           addresses, or --host / farrow.host=); written 0600. A seed for another host\n" \
	"           is refused and nothing is written; why goes to the console and\n"           \
	"           /var/log/farrow/seed.log (what farrow-seed.service runs)\n"                  \
	"  medium-check  the ISO's live system, before anything else: <dir>'s SHA256SUMS\n"  \
	"           (default: the medium, " FR_MEDIUM_MOUNT ") checked with the key (default: the\n" \
	"           one the live system carries, " FR_NODE_DIR "/keys/bundle.gpg), then every file\n" \
	"           against it and no file beside it; a failure clears the screen and names the\n" \
	"           files (exit 6)\n"                                                          \
	"  install  the ISO's unattended install (what farrow-install.service runs after\n"  \
	"           medium-check, booted with farrow.mode=unattended): the medium's farrow/answer.yml\n" \
	"           checked as farrow answer check does, its host's farrow/profile.yml, the disk its\n" \
	"           selector picks among this machine's (none or several: refused; one holding a\n" \
	"           PGDATA or etcd member: refused unless erase_data: true), the bundle verified;\n" \
	"           then the node's root (the medium's squashed root, --lower, default\n"        \
	"           " FR_MEDIUM_LOWER ", with the bundle, profile, network, root's credentials and\n" \
	"           this log added, the live units removed) written to that disk as farrow image\n" \
	"           build --format raw lays one out, the root filling the disk. Each step is a line\n" \
	"           of JSON on standard output ({\"farrow_install\":1,\"step\":..,\"status\":..}); the log\n" \
	"           (default /run/farrow/install.log) goes onto the node as\n"                 \
	"           /var/log/farrow/install/install.log. Then the answer file's reboot, or on a\n" \
	"           failure its on_error (shell, reboot, poweroff); --no-act does neither.\n"   \
	"           The answers (answer.yml, inventory.yml, profile.yml): --answer-dir (the\n"    \
	"           wizard's), else --device (a volume, or an https:// directory whose server is\n" \
	"           known by --sha256) or farrow.answer= (and farrow.answer_sha256=) on the\n"   \
	"           kernel command line, else the volume labelled " FR_ANSWER_LABEL " (farrow\n"   \
	"           answer volume), else the medium's farrow/; the bundles always from the\n"     \
	"           medium. And\n"                                                               \
	"           --sysfs, --dev and --work (default /run/farrow/install) are for tests\n"     \
	"  export-logs  the live system's logs onto a USB stick (the rescue shell's, after a\n" \
	"           failed install): the installer's log (--log, default /run/farrow/install.log),\n" \
	"           this boot's journal, the kernel's messages and command line, into a new\n"   \
	"           folder farrow-logs-<UTC time>/ of the FAT file system on --device, else on the\n" \
	"           first removable disk that is not the medium (the whole disk's, or its first\n" \
	"           FAT partition); written with mtools, nothing mounted, nothing formatted\n"   \
	"  rescue-menu  the live system's rescue menu on its terminal (dialog): the logs onto a\n" \
	"           USB stick (export-logs), a root shell, reboot, power off; after a failed\n"   \
	"           install its failed step above it (what farrow-rescue.service and\n"           \
	"           farrow-shell.service run)\n"                                                  \
	"  backups  this PostgreSQL member's pgBackRest backups, archive range, WAL position and\n" \
	"           clock as one JSON object (what farrow pitr plans from); reads only\n"       \
	"  pitr-aside   farrow pitr's step on a replica, Patroni paused: Patroni stopped,\n"     \
	"           PostgreSQL stopped, the data directory renamed <pg_data>-pitr-<stamp>\n"     \
	"  pitr-restore farrow pitr's step on the leader, Patroni paused: PostgreSQL stopped, the\n" \
	"           data directory renamed aside, pgBackRest's restore of --set to the target,\n"  \
	"           recovery and promotion with no TCP listener, the recovery targets reset,\n"   \
	"           PostgreSQL stopped for Patroni to start; a line of JSON a step. Nothing is\n"  \
	"           deleted: the directories set aside stay until you remove them\n"            \
	"  minio-buckets  make the profile's minio_buckets that do not exist yet (versioning and\n" \
	"           object lock as each asks) through the S3 API; minio-users: a policy a bucket\n" \
	"           (named as it, every S3 action on it) and minio_users (secret key, policy)\n"  \
	"           through MinIO's admin API. What the minio module does on the cluster's first\n" \
	"           member, by hand: at --endpoint (default this member,\n"                        \
	"           https://<minio_node>:<minio_port>), its certificate checked against --ca\n"    \
	"           (default /etc/pki/ca.crt), as minio_access_key, signed with Signature V4; the\n" \
	"           log: --log, default /var/log/farrow/minio-provision.log\n"                      \
	"  render   print the configuration the pgsql module (with redis, the redis module: each\n" \
	"           instance's file, the exporter's; with minio, the minio module) would write\n" \
	"           from the profile\n"                                                          \
	"           (credentials as ******** unless --show-secrets); nothing is written\n"    \
	"\n"                                                                                      \
	"exit status: 0 ok, 1 failed, 2 usage, 3 the profile is refused (its owner or mode, or a\n"   \
	"             value: file:line:column says which), 6 a signature or hash does not hold\n"



/* The usage text, then the modules from the one table (lib/modules.c). */
static void usage(FILE *f)
{
	size_t i;

	fputs(FB_USAGE, f);
	fputs("\nmodules, in run order:\n", f);
	for (i = 0; i < fr_nmodules; i++)
		fprintf(f, "  %-8s %s\n", fr_modules[i].name, fr_modules[i].summary);
}


/* A <module>.running file names the pid that runs it; 1 while that process lives. */
static int running_alive(const char *path)
{
	char *data = NULL;
	size_t len;
	long pid = 0;

	if (fr_read_file(path, 4096, &data, &len, NULL) == 0)
		pid = strtol(data, NULL, 10);
	free(data);
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/*
 * The modules, in run order: lib/modules.c's table (names, what calls for each, the credentials
 * it reads) paired here with the function that converges it. Adding a module is one row there,
 * one row here and its file.
 */
static const struct {
	const char *name;
	int (*run)(struct fb *fb);
} runners[] = {
	{ "packages", fb_mod_packages },
	{ "node", fb_mod_node },
	{ "ca", fb_mod_ca },
	{ "etcd", fb_mod_etcd },
	{ "pgsql", fb_mod_pgsql },
	{ "redis", fb_mod_redis },
	{ "minio", fb_mod_minio },
};

static int (*runner(const char *name))(struct fb *)
{
	size_t i;

	for (i = 0; i < sizeof(runners) / sizeof(runners[0]); i++)
		if (strcmp(runners[i].name, name) == 0)
			return runners[i].run;
	return NULL;
}

/* "node, ca, etcd, pgsql": the module names, for messages. */
static void module_names(struct fr_buf *b)
{
	size_t i;

	for (i = 0; i < fr_nmodules; i++)
		fr_buf_addf(b, "%s%s", i ? ", " : "", fr_modules[i].name);
}

/* The value of "key value" line key in a state file's text, copied into out (empty when absent). */
static void rec_field(const char *text, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	const char *p = text;

	out[0] = '\0';
	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ' ') {
			size_t l = strcspn(p + kl + 1, "\n");

			snprintf(out, n, "%.*s", (int)l, p + kl + 1);
			return;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
}

/*
 * The state of the modules, from <state>/<module>.{done,failed,running}: a line each, or with
 * json one object { "modules": [ { name, state, started, finished, changes, error } ],
 * "result" }. Exit 0 every module that ran is done, 1 one failed or was interrupted, 2 one
 * runs, 3 none has run.
 */
static int status(const char *state, int json)
{
	struct fr_buf out = FR_BUF_INIT;
	size_t k;
	int any = 0, failed = 0, running = 0, r;

	if (json)
		fr_buf_adds(&out, "{\"modules\":[");
	for (k = 0; k < fr_nmodules; k++) {
		const char *name = fr_modules[k].name, *st = "-";
		char *p, *text = NULL, started[64] = "", finished[64] = "", changes[32] = "", error[512] = "";
		size_t len;

		p = fr_xasprintf("%s/%s.failed", state, name);
		if (fr_read_file(p, 65536, &text, &len, NULL) == 0)
			st = "failed", failed = 1;
		free(p);
		p = fr_xasprintf("%s/%s.running", state, name);
		if (access(p, F_OK) == 0) {
			if (running_alive(p))
				st = "running", running = 1;
			else
				st = "interrupted", failed = 1;
		}
		free(p);
		if (strcmp(st, "-") == 0) {
			p = fr_xasprintf("%s/%s.done", state, name);
			if (fr_read_file(p, 65536, &text, &len, NULL) == 0)
				st = "done";
			free(p);
		}
		if (text) {
			rec_field(text, "started", started, sizeof(started));
			rec_field(text, "finished", finished, sizeof(finished));
			rec_field(text, "changes", changes, sizeof(changes));
			rec_field(text, "error", error, sizeof(error));
			if (!*finished && isdigit((unsigned char)text[0])) /* a record of an older farrow: its time */
				snprintf(finished, sizeof(finished), "%.*s", (int)strcspn(text, "\n"), text);
			free(text);
		}
		if (strcmp(st, "-") != 0)
			any = 1;
		if (!json) {
			fr_buf_addf(&out, "%-8s %s\n", name, st);
			continue;
		}
		fr_buf_addf(&out, "%s{\"name\":", k ? "," : "");
		fr_buf_add_json_str(&out, name);
		fr_buf_adds(&out, ",\"state\":");
		fr_buf_add_json_str(&out, strcmp(st, "-") == 0 ? "never" : st);
		if (*started) {
			fr_buf_adds(&out, ",\"started\":");
			fr_buf_add_json_str(&out, started);
		}
		if (*finished) {
			fr_buf_adds(&out, ",\"finished\":");
			fr_buf_add_json_str(&out, finished);
		}
		if (*changes)
			fr_buf_addf(&out, ",\"changes\":%lld", strtoll(changes, NULL, 10));
		if (*error) {
			fr_buf_adds(&out, ",\"error\":");
			fr_buf_add_json_str(&out, error);
		}
		fr_buf_addc(&out, '}');
	}
	r = failed ? 1 : running ? 2 : any ? 0 : 3;
	if (json)
		fr_buf_addf(&out, "],\"result\":\"%s\"}\n", r == 0 ? "done" : r == 1 ? "failed" : r == 2 ? "running" : "never");
	fwrite(out.buf, 1, out.len, stdout);
	fr_buf_release(&out);
	return r;
}

static void state_write(const char *state, const char *module, const char *kind, const char *text)
{
	char *p = fr_xasprintf("%s/%s.%s", state, module, kind);

	fr_write_atomic(p, text, strlen(text), 0644, 0, NULL);
	free(p);
}

static void state_rm(const char *state, const char *module, const char *kind)
{
	char *p = fr_xasprintf("%s/%s.%s", state, module, kind);

	unlink(p);
	free(p);
}

static void stamp_now(char out[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Run one module and record it: <state>/<module>.running (the pid) while it runs, then
 * <module>.done or <module>.failed holding "started <time>", "finished <time>", "changes <n>"
 * and, for a failure, "error <its last error>" lines: what status --json reports.
 */
static int run_module(struct fb *fb, const char *name, const char *state, const char *logdir)
{
	char *logp = fr_xasprintf("%s/%s.log", logdir, name), started[32], finished[32], pidtext[32];
	struct fr_buf rec = FR_BUF_INIT;
	struct timespec t0, t1;
	int r, changes0 = fb->changes;

	stamp_now(started);
	snprintf(pidtext, sizeof(pidtext), "%ld\n", (long)getpid());
	state_write(state, name, "running", pidtext);
	fb->module = name;
	fb->last_error[0] = '\0';
	fb->log_fd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fb_log(fb, "start");
	/* whether this module ever completed on this node: the runner knows, a module asks fb */
	{
		char *done = fr_xasprintf("%s/%s.done", state, name);

		fb->done_before = access(done, F_OK) == 0;
		free(done);
	}
	r = runner(name) ? runner(name)(fb) : fb_fail(fb, "no module '%s' in this farrow-firstboot", name);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stamp_now(finished);
	fr_buf_addf(&rec, "started %s\nfinished %s\nchanges %d\n", started, finished, fb->changes - changes0);
	if (r == 0) {
		fb_log(fb, "done in %.1f s", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		state_write(state, name, "done", rec.buf);
		state_rm(state, name, "failed");
	} else {
		fb_log(fb, "FAILED after %.1f s; the log is %s", (double)(t1.tv_sec - t0.tv_sec), logp);
		fr_buf_addf(&rec, "error %s\n", fb->last_error[0] ? fb->last_error : "see the log");
		state_write(state, name, "failed", rec.buf);
	}
	state_rm(state, name, "running");
	if (fb->log_fd >= 0)
		close(fb->log_fd);
	fb->log_fd = -1;
	fb->module = NULL;
	fr_buf_release(&rec);
	free(logp);
	return r;
}

/*
 * Read and check the node's profile into fb. 0, or -1 (reported: exit 3 when it is not a profile
 * this farrow-firstboot may obey). It is input: opened once (no symlink), then, when it will be
 * obeyed as root (run), refused unless root owns it and neither group nor others can write it;
 * then every value is checked with the parameter table and the file grammars of lib/values.c,
 * exactly as `farrow inventory check` checks an inventory, before anything is rendered.
 */
static int load_profile(struct fb *fb, const char *profile, int obey)
{
	struct fr_err err = { 0 };
	struct fr_diags d = { 0 };
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	int fd = open(profile, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), r = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		fr_cli_error("cannot read %s: %s", profile, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (obey && (st.st_uid != 0 || (st.st_mode & 022) != 0))) {
		fr_cli_error("%s: refused: a profile is obeyed as root, so it must be a regular file owned by root that "
			 "group and others cannot write (it is owner uid %u, mode %04o)",
			 profile, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		close(fd);
		return -2;
	}
	{
		char *path = fr_xasprintf("/proc/self/fd/%d", fd);

		r = fr_read_file(path, 16u << 20, &text, &len, &err);
		free(path);
		close(fd);
		if (r < 0) {
			fr_cli_error("%s: %s", profile, err.msg);
			return -1;
		}
	}
	if ((st.st_mode & 077) != 0)
		fprintf(stderr, "farrow-firstboot: warning: %s holds credentials but is mode %04o (want 0600)\n", profile,
			(unsigned)(st.st_mode & 07777));
	fb->root = fr_profile_load(text, len, &d, &err);
	fr_wipe(text, len);
	free(text);
	if (fb->root == NULL) {
		fr_cli_error("%s:%s", profile, err.msg);
		fr_diags_release(&d);
		return -2;
	}
	fb->host = fr_node_str(fr_node_get(fb->root, "host"));
	fb->vars = fr_node_get(fb->root, "vars");
	fb->ident = fr_node_get(fb->root, "identities");
	fb->peers = fr_node_get(fb->root, "peers");
	fb->pki = fr_node_get(fb->root, "pki");
	fb->in_container = access("/run/systemd/container", F_OK) == 0 || access("/.dockerenv", F_OK) == 0;
	fr_diags_sort(&d);
	fr_cli_print_diags(profile, &d, "profile", fb->verbose);
	if (d.nerrors) {
		fr_cli_error("%s: %zu error%s: nothing was changed", profile, d.nerrors, d.nerrors == 1 ? "" : "s");
		r = -2;
	}
	fr_diags_release(&d);
	return r;
}

/* Print what the pgsql module would write, credentials masked unless show_secrets. */
static int render(const char *what, const char *profile, int show_secrets)
{
	struct fb fb;
	struct pg pg;
	struct fr_buf out = FR_BUF_INIT;
	int r = FR_EXIT_OK;

	memset(&fb, 0, sizeof(fb));
	fb.log_fd = -1;
	fb.mask = !show_secrets;
	if ((r = load_profile(&fb, profile, 0)) < 0) {
		r = r == -2 ? FR_EXIT_INVALID : FR_EXIT_FAIL;
		goto out;
	}
	if (strcmp(what, "redis") == 0 || strcmp(what, "minio") == 0) {
		(what[0] == 'r' ? fb_redis_render : fb_minio_render)(&fb, &out);
		if (out.len == 0)
			r = FR_EXIT_FAIL;
		fwrite(out.buf, 1, out.len, stdout);
		goto out;
	}
	if (pg_init(&fb, &pg) < 0) {
		r = FR_EXIT_FAIL;
		goto out;
	}
	if (strcmp(what, "patroni") == 0)
		pg_patroni_yml(&fb, &pg, &out);
	else if (strcmp(what, "hba") == 0)
		pg_hba(&fb, &pg, "", &out);
	else if (strcmp(what, "pgbouncer") == 0)
		pg_pgbouncer_ini(&fb, &pg, &out);
	else if (strcmp(what, "haproxy") == 0)
		pg_haproxy_cfg(&fb, &pg, &out);
	else if (strcmp(what, "pgbackrest") == 0)
		pg_pgbackrest_conf(&fb, &pg, &out);
	else if (strcmp(what, "vip") == 0)
		pg_vip_unit(&fb, &pg, &out);
	else {
		fr_cli_error("render: '%s': one of patroni, hba, pgbouncer, haproxy, pgbackrest, vip, redis, minio", what);
		r = FR_EXIT_USAGE;
	}
	fwrite(out.buf, 1, out.len, stdout);
out:
	fr_buf_wipe(&out);
	fr_node_free(fb.root);
	fr_params_release();
	return r;
}

/*
 * This node's members as data, for `farrow status`: {host, etcd: {...}, pgsql: {...}} from the
 * local etcd, Patroni, PostgreSQL, pgBackRest and haproxy (fb_etcd_health, fb_pgsql_health).
 * Only reads; nothing but the JSON object reaches standard output.
 */
static int health(const char *profile)
{
	struct fb fb;
	struct fr_buf out = FR_BUF_INIT;
	int r;

	memset(&fb, 0, sizeof(fb));
	fb.log_fd = -1;
	fb.quiet = 1;
	/* the tools run as the dbsu print a warning when they cannot enter root's cwd (ssh's /root) */
	if (chdir("/") < 0)
		return FR_EXIT_FAIL;
	if ((r = load_profile(&fb, profile, 0)) < 0) {
		fr_node_free(fb.root);
		fr_params_release();
		return r == -2 ? FR_EXIT_INVALID : FR_EXIT_FAIL;
	}
	fr_buf_adds(&out, "{\"host\":");
	fr_buf_add_json_str(&out, fb.host ? fb.host : "");
	fb_etcd_health(&fb, &out);
	fb_pgsql_health(&fb, &out);
	fb_redis_health(&fb, &out);
	fb_minio_health(&fb, &out);
	fr_buf_adds(&out, "}\n");
	fwrite(out.buf, 1, out.len, stdout);
	fr_buf_release(&out);
	fr_node_free(fb.root);
	fr_params_release();
	return FR_EXIT_OK;
}

/* The VIP keeper (farrow-vip.service): runs until SIGTERM; the profile obeyed as root. */
static int vip(const char *profile)
{
	struct fb fb;
	int r;

	memset(&fb, 0, sizeof(fb));
	fb.log_fd = -1;
	fb.module = "vip";
	if ((r = load_profile(&fb, profile, 1)) < 0)
		r = r == -2 ? FR_EXIT_INVALID : FR_EXIT_FAIL;
	else
		r = fb_vip(&fb) < 0 ? FR_EXIT_FAIL : FR_EXIT_OK;
	fr_node_free(fb.root);
	fr_params_release();
	return r;
}

static int run(const char *profile, const char *only, const char *state, int verbose)
{
	struct fb fb;
	struct fr_err err = { 0 };
	char *lockp = NULL;
	size_t i;
	int lock = -1, r = FR_EXIT_FAIL, ran = 0, lr;
	const char *logdir = "/var/log/farrow";
	struct fr_buf last = FR_BUF_INIT;
	char started[32];
	const char *failed = NULL;

	memset(&fb, 0, sizeof(fb));
	fb.log_fd = -1;
	fb.verbose = verbose;
	if (only && fr_module_find(only) == NULL) {
		struct fr_buf names = FR_BUF_INIT;

		module_names(&names);
		fr_cli_error("--only '%s': no such module (%s)", only, names.buf);
		fr_buf_release(&names);
		return FR_EXIT_USAGE;
	}
	if ((lr = load_profile(&fb, profile, 1)) < 0) {
		r = lr == -2 ? FR_EXIT_INVALID : FR_EXIT_FAIL;
		goto out;
	}
	if (fr_mkdir_p(state, 0755, &err) < 0 || fr_mkdir_p(logdir, 0700, &err) < 0) {
		fr_cli_error("%s", err.msg);
		goto out;
	}
	lockp = fr_xasprintf("%s/.lock", state);
	if ((lock = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0) {
		fr_cli_error("another farrow-firstboot runs on this node (%s is locked)", lockp);
		goto out;
	}
	r = FR_EXIT_OK;
	stamp_now(started);
	fr_buf_adds(&last, "{\"started\":");
	fr_buf_add_json_str(&last, started);
	fr_buf_adds(&last, ",\"modules\":[");
	for (i = 0; i < fr_nmodules; i++) {
		const char *m = fr_modules[i].name;
		int before = fb.changes, mr;

		if (!fr_module_wanted(&fr_modules[i], fb.ident) || (only && strcmp(only, m) != 0))
			continue;
		mr = run_module(&fb, m, state, logdir);
		fr_buf_addf(&last, "%s{\"name\":", ran ? "," : "");
		fr_buf_add_json_str(&last, m);
		fr_buf_addf(&last, ",\"state\":\"%s\",\"changes\":%d", mr == 0 ? "done" : "failed", fb.changes - before);
		if (mr < 0) {
			fr_buf_adds(&last, ",\"error\":");
			fr_buf_add_json_str(&last, fb.last_error[0] ? fb.last_error : "see the log");
		}
		fr_buf_addc(&last, '}');
		ran++;
		if (mr < 0) {
			r = FR_EXIT_FAIL;
			failed = m;
			break;
		}
	}
	/* last-run.json: this run as data, for whatever follows a node's progress */
	stamp_now(started);
	fr_buf_adds(&last, "],\"finished\":");
	fr_buf_add_json_str(&last, started);
	fr_buf_addf(&last, ",\"result\":\"%s\",\"changes\":%d}\n", r == FR_EXIT_OK ? "done" : "failed", fb.changes);
	{
		char *lp = fr_xasprintf("%s/last-run.json", state);

		fr_write_atomic(lp, last.buf, last.len, 0644, 0, NULL);
		free(lp);
	}
	{
		struct rusage ru;

		if (getrusage(RUSAGE_SELF, &ru) == 0)
			printf("farrow-firstboot: peak RSS of this process %.1f MiB\n", (double)ru.ru_maxrss / 1024);
	}
	/* how the run ended, one line on standard error: the unit sends it to the console */
	if (r == FR_EXIT_OK)
		fprintf(stderr, "farrow-firstboot: %d module%s converged, %d change%s\n", ran, ran == 1 ? "" : "s",
			fb.changes, fb.changes == 1 ? "" : "s");
	else
		fprintf(stderr, "farrow-firstboot: FAILED in module %s: %s (its log: %s/%s.log; farrow-firstboot status)\n",
			failed ? failed : "?", fb.last_error[0] ? fb.last_error : "see its log", logdir,
			failed ? failed : "?");
out:
	if (lock >= 0)
		close(lock);
	free(lockp);
	fr_buf_release(&last);
	fr_node_free(fb.root);
	fr_params_release();
	return r;
}

/* The options every verb accepts (each verb checks the ones it needs), and its operands. */
struct fb_args {
	const char *key, *dest, *state, *profile, *only, *device, *host, *sha256;
	const char *medium, *lower, *sysfs, *devdir, *work, *log, *answer_dir;
	const char *set, *type, *target, *stamp, *endpoint, *ca;
	int verbose, show_secrets, json, no_act;
	int nargs;
	char **args;
};

/* Parse argv (argv[0] the verb): 0 parsed, else the exit status (help printed or a usage error). */
static int fb_args_parse(int argc, char **argv, struct fb_args *a, int *done)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "dest", required_argument, NULL, 'd' },
		{ "state", required_argument, NULL, 's' },
		{ "profile", required_argument, NULL, 'p' },
		{ "only", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "show-secrets", no_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'J' },
		{ "device", required_argument, NULL, 'D' },
		{ "host", required_argument, NULL, 'H' },
		{ "sha256", required_argument, NULL, 'F' },
		{ "medium", required_argument, NULL, 'M' },
		{ "lower", required_argument, NULL, 'L' },
		{ "sysfs", required_argument, NULL, 'Y' },
		{ "dev", required_argument, NULL, 'V' },
		{ "work", required_argument, NULL, 'W' },
		{ "log", required_argument, NULL, 'G' },
		{ "no-act", no_argument, NULL, 'N' },
		{ "answer-dir", required_argument, NULL, 'A' },
		{ "set", required_argument, NULL, 'b' },
		{ "endpoint", required_argument, NULL, 'e' },
		{ "ca", required_argument, NULL, 'c' },
		{ "type", required_argument, NULL, 'y' },
		{ "target", required_argument, NULL, 't' },
		{ "stamp", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->state = "/var/lib/farrow";
	a->profile = "/etc/farrow/profile.yml";
	*done = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (c) {
		case 'p': a->profile = optarg; break;
		case 'o': a->only = optarg; break;
		case 'v': a->verbose = 1; break;
		case 'S': a->show_secrets = 1; break;
		case 'J': a->json = 1; break;
		case 'k': a->key = optarg; break;
		case 'd': a->dest = optarg; break;
		case 's': a->state = optarg; break;
		case 'D': a->device = optarg; break;
		case 'H': a->host = optarg; break;
		case 'F': a->sha256 = optarg; break;
		case 'M': a->medium = optarg; break;
		case 'L': a->lower = optarg; break;
		case 'Y': a->sysfs = optarg; break;
		case 'V': a->devdir = optarg; break;
		case 'W': a->work = optarg; break;
		case 'G': a->log = optarg; break;
		case 'N': a->no_act = 1; break;
		case 'A': a->answer_dir = optarg; break;
		case 'b': a->set = optarg; break;
		case 'e': a->endpoint = optarg; break;
		case 'c': a->ca = optarg; break;
		case 'y': a->type = optarg; break;
		case 't': a->target = optarg; break;
		case 'm': a->stamp = optarg; break;
		case 'h': usage(stdout); return FR_EXIT_OK;
		default: usage(stderr); return FR_EXIT_USAGE;
		}
	}
	a->nargs = argc - optind;
	a->args = argv + optind;
	*done = 0;
	return 0;
}

/* backups --json, pitr-aside, pitr-restore (firstboot/pitr.c): the profile as run reads it, the
 * log /var/log/farrow/pitr.log, standard output for data only; minio-buckets the same, its log
 * /var/log/farrow/minio-provision.log (both minio- verbs) and standard output. */
static int pitr(const char *v, const struct fb_args *a)
{
	struct fb fb;
	int r = -1, buckets = strncmp(v, "minio-", 6) == 0;

	char *profile = a->profile ? realpath(a->profile, NULL) : NULL, *ca = a->ca ? realpath(a->ca, NULL) : NULL;

	memset(&fb, 0, sizeof(fb));
	fb.log_fd = -1;
	fb.quiet = !buckets;
	fb.module = buckets ? "minio" : "pitr";
	if ((a->profile && !profile) || (a->ca && !ca)) {
		fr_cli_error("cannot read %s: %s", a->profile && !profile ? a->profile : a->ca, strerror(errno));
		free(profile);
		free(ca);
		return FR_EXIT_FAIL;
	}
	/* the log opened where the caller is (--log may be relative) */
	if (buckets && a->log)
		fb.log_fd = open(a->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	else if (strcmp(v, "backups") != 0) {
		fr_mkdir_p("/var/log/farrow", 0700, NULL);
		fb.log_fd = open(buckets ? "/var/log/farrow/minio-provision.log" : "/var/log/farrow/pitr.log",
				 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	}
	/* the tools run as the dbsu print a warning when they cannot enter root's cwd */
	if (chdir("/") < 0 || (r = load_profile(&fb, profile, 0)) < 0) {
		if (fb.log_fd >= 0)
			close(fb.log_fd);
		fr_node_free(fb.root);
		fr_params_release();
		free(profile);
		free(ca);
		return r == -2 ? FR_EXIT_INVALID : FR_EXIT_FAIL;
	}
	if (buckets)
		r = fb_minio_provision(&fb, a->endpoint, ca,
				       strcmp(v, "minio-buckets") == 0 ? FB_MINIO_BUCKETS : FB_MINIO_USERS) < 0
			    ? FR_EXIT_FAIL
			    : FR_EXIT_OK;
	else if (strcmp(v, "backups") == 0)
		r = fb_backups_json(&fb);
	else if (strcmp(v, "pitr-aside") == 0)
		r = fb_pitr_aside(&fb, a->stamp);
	else
		r = fb_pitr_restore(&fb, a->set, a->type, a->target, a->stamp);
	if (fb.log_fd >= 0)
		close(fb.log_fd);
	fr_node_free(fb.root);
	fr_params_release();
	free(profile);
	free(ca);
	return r;
}

static int bad_args(const char *verb)
{
	fr_cli_error("'%s': bad arguments", verb);
	usage(stderr);
	return FR_EXIT_USAGE;
}

/* Every verb: its options parsed, its operands checked, then its function. */
static int verb(int argc, char **argv)
{
	const char *v = argv[0];
	struct fb_args a;
	int done, r = fb_args_parse(argc, argv, &a, &done);

	if (done)
		return r;
	if (strcmp(v, "verify") == 0 && a.nargs == 1 && a.key)
		return fb_bundle_verify(a.args[0], a.key);
	if (strcmp(v, "unpack") == 0 && a.nargs == 1 && a.key && a.dest)
		return fb_bundle_unpack(a.args[0], a.key, a.dest, NULL);
	if (strcmp(v, "unit") == 0 && a.nargs == 0) {
		fputs(fr_firstboot_unit, stdout);
		return FR_EXIT_OK;
	}
	if (strcmp(v, "status") == 0 && a.nargs == 0)
		return status(a.state, a.json);
	if (strcmp(v, "render") == 0 && a.nargs == 1)
		return render(a.args[0], a.profile, a.show_secrets);
	if (strcmp(v, "vip") == 0 && a.nargs == 0)
		return vip(a.profile);
	if (strcmp(v, "health") == 0 && a.nargs == 0 && a.json)
		return health(a.profile);
	if (strcmp(v, "seed") == 0 && a.nargs == 0)
		return fb_seed(a.profile, a.device, a.host, a.sha256);
	if (strcmp(v, "medium-check") == 0 && a.nargs <= 1)
		return fb_medium_check(a.nargs ? a.args[0] : FR_MEDIUM_MOUNT, a.key ? a.key : FR_NODE_DIR "/keys/bundle.gpg");
	if (strcmp(v, "install") == 0 && a.nargs == 0) {
		struct fb_install_opts io = {
			a.medium ? a.medium : FR_MEDIUM_MOUNT, a.lower ? a.lower : FR_MEDIUM_LOWER,
			a.key ? a.key : FR_NODE_DIR "/keys/bundle.gpg", a.sysfs ? a.sysfs : "/sys", a.devdir ? a.devdir : "/dev",
			a.work ? a.work : "/run/farrow/install", a.log ? a.log : "/run/farrow/install.log", a.answer_dir,
			a.device, a.sha256, !a.no_act,
		};

		return fb_install(&io);
	}
	if (strcmp(v, "rescue-menu") == 0 && a.nargs == 0)
		return fb_rescue_menu(a.log ? a.log : "/run/farrow/install.log");
	if (strcmp(v, "export-logs") == 0 && a.nargs == 0)
		return fb_export_logs(a.device, a.sysfs ? a.sysfs : "/sys", a.devdir ? a.devdir : "/dev",
				      a.log ? a.log : "/run/farrow/install.log");
	if (strcmp(v, "run") == 0 && a.nargs == 0)
		return run(a.profile, a.only, a.state, a.verbose);
	if (((strcmp(v, "backups") == 0 && a.json) || strcmp(v, "pitr-aside") == 0 || strcmp(v, "pitr-restore") == 0) &&
	    a.nargs == 0)
		return pitr(v, &a);
	if ((strcmp(v, "minio-buckets") == 0 || strcmp(v, "minio-users") == 0) && a.nargs == 0)
		return pitr(v, &a);
	return bad_args(v);
}

int main(int argc, char **argv)
{
	static const struct fr_cli_cmd cmds[] = {
		{ "verify", verb, NULL }, { "unpack", verb, NULL }, { "status", verb, NULL },
		{ "unit", verb, NULL },   { "run", verb, NULL },    { "render", verb, NULL },
		{ "health", verb, NULL }, { "vip", verb, NULL },    { "seed", verb, NULL },
		{ "medium-check", verb, NULL }, { "install", verb, NULL }, { "export-logs", verb, NULL },
		{ "rescue-menu", verb, NULL }, { "backups", verb, NULL }, { "pitr-aside", verb, NULL },
		{ "pitr-restore", verb, NULL }, { "minio-buckets", verb, NULL },
		{ "minio-users", verb, NULL },
	};

	return fr_cli_dispatch("farrow-firstboot", NULL, cmds, sizeof(cmds) / sizeof(cmds[0]), usage, argc, argv);
}
