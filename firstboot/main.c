/* main.c -- `farrow-firstboot`: the node side of farrow; runs on a bare node. */
/* SPDX-License-Identifier: MIT */
/*
 * It links only what a minimal Debian 12 node has (libc, libcrypto, libzstd;
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
#include <dirent.h>

#include "crypto.h"
#include "fb.h"
#include "pgsql.h"
#include "params.h"
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
	"       farrow-firstboot status [--state <dir>]\n"                                      \
	"       farrow-firstboot run [--profile <file>] [--only <module>] [--state <dir>] [-v]\n"  \
	"       farrow-firstboot render <patroni|hba|pgbouncer|haproxy|pgbackrest> [--profile <file>]\n" \
	"                               [--show-secrets]\n"                                     \
	"\n"                                                                                      \
	"  verify   check <bundle>.sig with the key (gpgv), then every file against MANIFEST\n" \
	"  unpack   verify, then unpack into <dir>/<bundle's top directory> (atomically);\n"    \
	"           an identical bundle already there is left as it is\n"                       \
	"  status   the state of this node's modules: exit 0 done, 1 failed (or interrupted),\n" \
	"           2 running, 3 never run (as cloud-init status)\n"                            \
	"  run      converge this node to its profile (/etc/farrow/profile.yml): the modules\n"  \
	"           node, ca, etcd and pgsql, in that order, each only where the node's\n"        \
	"           identities call for it; idempotent, safe to re-run at any time, resumes\n"   \
	"           after a crash; stops at the first module that fails. State in\n"            \
	"           /var/lib/farrow/<module>.{running,done,failed}, logs in\n"                  \
	"           /var/log/farrow/<module>.log. An existing PGDATA is never wiped.\n"          \
	"  render   print the configuration the pgsql module would write from the profile\n"  \
	"           (credentials as ******** unless --show-secrets); nothing is written\n"    \
	"\n"                                                                                      \
	"exit status: 0 ok, 1 failed, 2 usage, 3 the profile is refused (its owner or mode, or a\n"   \
	"             value: file:line:column says which), 6 a signature or hash does not hold\n"

#define FB_EXIT_BADSIG 6

static void fb_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fb_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("farrow-firstboot: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Verify bundle (extracting it below dir when dir is not NULL); say what was found. */
static int verify_into(const char *bundle, const char *key, const char *dir, struct fr_bundle_check *check)
{
	struct fr_err err = { 0 };
	struct fr_buf msg = FR_BUF_INIT;
	int r = fr_bundle_verify(bundle, key, dir, check, &err);

	if (r == FR_EIO)
		fb_error("%s", err.msg);
	else {
		fr_bundle_check_describe(check, bundle, &msg);
		if (r == 0 && dir == NULL)
			printf("%s\n", msg.buf);
		else if (r != 0)
			fb_error("%s", msg.buf);
	}
	fr_buf_release(&msg);
	return r == 0 ? FR_EXIT_OK : r == FR_EIO ? FR_EXIT_FAIL : FB_EXIT_BADSIG;
}

static int verify(const char *bundle, const char *key)
{
	struct fr_bundle_check check;
	int r = verify_into(bundle, key, NULL, &check);

	fr_bundle_check_release(&check);
	return r;
}

/* Remove what an unpack killed half-way left: <dest>/.unpack-* (names only farrow-firstboot makes). */
static void remove_stale(const char *dest)
{
	DIR *d = opendir(dest);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, ".unpack-", 8) == 0) {
			char *p = fr_xasprintf("%s/%s", dest, e->d_name);

			fr_rm_rf(p);
			free(p);
		}
	if (d)
		closedir(d);
}

/*
 * Unpack: verify and write out in one pass over one open file, into a
 * private directory of ours (dest/.unpack-XXXXXX, 0700), renamed to
 * dest/<top> only when everything held. <top> comes from the verified
 * MANIFEST and is a single safe name (lib/bundle.c), so nothing outside
 * dest is ever named, written or removed.
 */
static int unpack(const char *bundle, const char *key, const char *dest)
{
	struct fr_bundle_check check;
	struct fr_err err = { 0 };
	char *final = NULL, *tmp = NULL, *oldman = NULL, *data = NULL, *aside = NULL;
	size_t len;
	int r;

	if ((r = verify_into(bundle, key, NULL, &check)) != FR_EXIT_OK) {
		fr_bundle_check_release(&check);
		return r; /* nothing changes before the bundle verifies */
	}
	final = fr_xasprintf("%s/%s", dest, check.m.top);
	oldman = fr_xasprintf("%s/MANIFEST", final);
	if (fr_read_file(oldman, 64u << 20, &data, &len, NULL) == 0 && len == check.manifest.len &&
	    memcmp(data, check.manifest.buf, len) == 0) {
		printf("%s: already unpacked\n", final);
		goto out;
	}
	fr_bundle_check_release(&check);
	if (fr_mkdir_p(dest, 0755, &err) < 0) {
		fb_error("%s", err.msg);
		r = FR_EXIT_FAIL;
		goto out;
	}
	remove_stale(dest);
	tmp = fr_xasprintf("%s/.unpack-XXXXXX", dest);
	if (mkdtemp(tmp) == NULL) {
		fb_error("cannot make a directory in '%s': %s", dest, strerror(errno));
		r = FR_EXIT_FAIL;
		goto out;
	}
	if ((r = verify_into(bundle, key, tmp, &check)) != FR_EXIT_OK) {
		fr_rm_rf(tmp);
		goto out;
	}
	chmod(tmp, 0755);
	free(final);
	final = fr_xasprintf("%s/%s", dest, check.m.top); /* this pass's verified top */
	aside = fr_xasprintf("%s/.unpack-old-%s", dest, check.m.top);
	fr_rm_rf(aside);
	if (access(final, F_OK) == 0 && rename(final, aside) < 0) {
		fb_error("cannot replace '%s': %s", final, strerror(errno));
		fr_rm_rf(tmp);
		r = FR_EXIT_FAIL;
	} else if (rename(tmp, final) < 0) {
		fb_error("cannot rename '%s': %s", tmp, strerror(errno));
		fr_rm_rf(tmp);
		if (access(aside, F_OK) == 0)
			rename(aside, final); /* the bundle that was there stays */
		r = FR_EXIT_FAIL;
	} else {
		int dfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		fr_rm_rf(aside);
		printf("%s: unpacked\n", final);
	}
out:
	fr_bundle_check_release(&check);
	free(data);
	free(final);
	free(tmp);
	free(oldman);
	free(aside);
	return r;
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

/* The modules, in the order run converges them. */
static const char *const all_modules[] = { "node", "ca", "etcd", "pgsql", NULL };

/* The state of the modules: files <state>/<module>.{done,failed,running}. */
static int status(const char *state)
{
	const char *const *modules = all_modules;
	int any = 0, failed = 0, running = 0, i;

	for (i = 0; modules[i]; i++) {
		const char *st = "-";
		char *p;

		p = fr_xasprintf("%s/%s.failed", state, modules[i]);
		if (access(p, F_OK) == 0)
			st = "failed", failed = 1;
		free(p);
		p = fr_xasprintf("%s/%s.running", state, modules[i]);
		if (access(p, F_OK) == 0) {
			if (running_alive(p))
				st = "running", running = 1;
			else
				st = "interrupted", failed = 1;
		}
		free(p);
		p = fr_xasprintf("%s/%s.done", state, modules[i]);
		if (access(p, F_OK) == 0 && strcmp(st, "-") == 0)
			st = "done";
		free(p);
		if (strcmp(st, "-") != 0)
			any = 1;
		printf("%-8s %s\n", modules[i], st);
	}
	return failed ? 1 : running ? 2 : any ? 0 : 3;
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

static int run_module(struct fb *fb, const char *name, const char *state, const char *logdir)
{
	char *logp = fr_xasprintf("%s/%s.log", logdir, name), stamp[64], pidtext[32];
	struct timespec t0, t1;
	time_t now = time(NULL);
	struct tm tm;
	int r;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ\n", &tm);
	snprintf(pidtext, sizeof(pidtext), "%ld\n", (long)getpid());
	state_write(state, name, "running", pidtext);
	fb->module = name;
	fb->log_fd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fb_log(fb, "start");
	if (strcmp(name, "node") == 0)
		r = fb_mod_node(fb);
	else if (strcmp(name, "ca") == 0)
		r = fb_mod_ca(fb);
	else if (strcmp(name, "etcd") == 0)
		r = fb_mod_etcd(fb);
	else
		r = fb_mod_pgsql(fb, state);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (r == 0) {
		fb_log(fb, "done in %.1f s", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		state_write(state, name, "done", stamp);
		state_rm(state, name, "failed");
	} else {
		fb_log(fb, "FAILED after %.1f s; the log is %s", (double)(t1.tv_sec - t0.tv_sec), logp);
		state_write(state, name, "failed", stamp);
	}
	state_rm(state, name, "running");
	if (fb->log_fd >= 0)
		close(fb->log_fd);
	fb->log_fd = -1;
	fb->module = NULL;
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
	size_t len = 0, i;
	struct stat st;
	int fd = open(profile, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), r = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		fb_error("cannot read %s: %s", profile, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (obey && (st.st_uid != 0 || (st.st_mode & 022) != 0))) {
		fb_error("%s: refused: a profile is obeyed as root, so it must be a regular file owned by root that "
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
			fb_error("%s: %s", profile, err.msg);
			return -1;
		}
	}
	if ((st.st_mode & 077) != 0)
		fprintf(stderr, "farrow-firstboot: warning: %s holds credentials but is mode %04o (want 0600)\n", profile,
			(unsigned)(st.st_mode & 07777));
	fb->root = fr_yaml_parse(text, len, &err);
	fr_wipe(text, len);
	free(text);
	if (fb->root == NULL) {
		fb_error("%s:%s", profile, err.msg);
		return -2;
	}
	if (!fr_node_is_map(fb->root) || (fb->host = fr_node_str(fr_node_get(fb->root, "host"))) == NULL) {
		fb_error("%s:%d:%d: not a farrow node profile (no host:)", profile, fb->root->line, fb->root->col);
		return -2;
	}
	fb->vars = fr_node_get(fb->root, "vars");
	fb->ident = fr_node_get(fb->root, "identities");
	fb->peers = fr_node_get(fb->root, "peers");
	fb->pki = fr_node_get(fb->root, "pki");
	fb->in_container = access("/run/systemd/container", F_OK) == 0 || access("/.dockerenv", F_OK) == 0;
	fr_values_check_profile(fb->root, &d);
	fr_values_check(fb->vars, "vars", &d);
	fr_diags_sort(&d);
	for (i = 0; i < d.n; i++)
		if (d.v[i].sev == FR_SEV_ERROR || fb->verbose)
			fprintf(stderr, "%s:%d:%d: %s: %s\n", profile, d.v[i].line, d.v[i].col,
				d.v[i].param ? d.v[i].param : "profile", d.v[i].msg);
	if (d.nerrors) {
		fb_error("%s: %zu error%s: nothing was changed", profile, d.nerrors, d.nerrors == 1 ? "" : "s");
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
	else {
		fb_error("render: '%s': one of patroni, hba, pgbouncer, haproxy, pgbackrest", what);
		r = FR_EXIT_USAGE;
	}
	fwrite(out.buf, 1, out.len, stdout);
out:
	fr_buf_wipe(&out);
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

	memset(&fb, 0, sizeof(fb));
	fb.log_fd = -1;
	fb.verbose = verbose;
	if (only) {
		for (i = 0; all_modules[i] && strcmp(all_modules[i], only) != 0; i++)
			;
		if (all_modules[i] == NULL) {
			fb_error("--only '%s': no such module (node, ca, etcd, pgsql)", only);
			return FR_EXIT_USAGE;
		}
	}
	if ((lr = load_profile(&fb, profile, 1)) < 0) {
		r = lr == -2 ? FR_EXIT_INVALID : FR_EXIT_FAIL;
		goto out;
	}
	if (fr_mkdir_p(state, 0755, &err) < 0 || fr_mkdir_p(logdir, 0700, &err) < 0) {
		fb_error("%s", err.msg);
		goto out;
	}
	lockp = fr_xasprintf("%s/.lock", state);
	if ((lock = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0) {
		fb_error("another farrow-firstboot runs on this node (%s is locked)", lockp);
		goto out;
	}
	if (fb_ident(&fb, "minio_instance") || fr_node_get(fb.ident, "redis_instances")) {
		fb_error("this node's profile asks for MinIO or Redis: those modules are not in this farrow-firstboot");
		goto out;
	}
	r = FR_EXIT_OK;
	for (i = 0; all_modules[i]; i++) {
		const char *m = all_modules[i];
		int wanted = strcmp(m, "node") == 0 ||
			     (strcmp(m, "ca") == 0 && (fb.pki || fb_ident(&fb, "etcd_instance") || fb_ident(&fb, "pg_instance"))) ||
			     (strcmp(m, "etcd") == 0 && fb_ident(&fb, "etcd_instance")) ||
			     (strcmp(m, "pgsql") == 0 && fb_ident(&fb, "pg_instance"));

		if (!wanted || (only && strcmp(only, m) != 0))
			continue;
		ran++;
		if (run_module(&fb, m, state, logdir) < 0) {
			r = FR_EXIT_FAIL;
			break;
		}
	}
	{
		struct rusage ru;

		if (getrusage(RUSAGE_SELF, &ru) == 0)
			printf("farrow-firstboot: peak RSS of this process %.1f MiB\n", (double)ru.ru_maxrss / 1024);
	}
	if (r == FR_EXIT_OK)
		printf("farrow-firstboot: %d module%s converged, %d change%s\n", ran, ran == 1 ? "" : "s", fb.changes,
		       fb.changes == 1 ? "" : "s");
out:
	if (lock >= 0)
		close(lock);
	free(lockp);
	fr_node_free(fb.root);
	fr_params_release();
	return r;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "dest", required_argument, NULL, 'd' },
		{ "state", required_argument, NULL, 's' },
		{ "profile", required_argument, NULL, 'p' },
		{ "only", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "show-secrets", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL, *dest = NULL, *state = "/var/lib/farrow", *verb;
	const char *profile = "/etc/farrow/profile.yml", *only = NULL;
	int c, verbose = 0, show_secrets = 0;

	if (argc < 2) {
		fputs(FB_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	verb = argv[1];
	if (strcmp(verb, "-h") == 0 || strcmp(verb, "--help") == 0) {
		fputs(FB_USAGE, stdout);
		return FR_EXIT_OK;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			profile = optarg;
			break;
		case 'o':
			only = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'S':
			show_secrets = 1;
			break;
		case 'k':
			key = optarg;
			break;
		case 'd':
			dest = optarg;
			break;
		case 's':
			state = optarg;
			break;
		case 'h':
			fputs(FB_USAGE, stdout);
			return FR_EXIT_OK;
		default:
			fputs(FB_USAGE, stderr);
			return FR_EXIT_USAGE;
		}
	}
	if (strcmp(verb, "verify") == 0 && argc - optind == 1 && key)
		return verify(argv[optind], key);
	if (strcmp(verb, "unpack") == 0 && argc - optind == 1 && key && dest)
		return unpack(argv[optind], key, dest);
	if (strcmp(verb, "status") == 0 && argc == optind)
		return status(state);
	if (strcmp(verb, "render") == 0 && argc - optind == 1)
		return render(argv[optind], profile, show_secrets);
	if (strcmp(verb, "run") == 0 && argc == optind)
		return run(profile, only, state, verbose);
	fb_error("'%s': bad command or arguments", verb);
	fputs(FB_USAGE, stderr);
	return FR_EXIT_USAGE;
}
