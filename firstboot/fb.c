/* fb.c -- what farrow-firstboot's modules share: profile variables, logging, commands, files. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"
#include "fb.h"
#include "fileio.h"
#include "params.h"
#include "xalloc.h"

/* The profile's value and nothing else: it carries every parameter resolved on the admin side
 * (lib/profile.c), and the node applies no defaults of its own. */
const struct fr_node *fb_var(const struct fb *fb, const char *name)
{
	return fr_node_get(fb->vars, name);
}

const char *fb_str(const struct fb *fb, const char *name, const char *fallback)
{
	const char *s = fr_node_str(fb_var(fb, name));

	return s ? s : fallback;
}

long long fb_int(const struct fb *fb, const char *name, long long fallback)
{
	long long v;

	return fr_node_int(fb_var(fb, name), &v) ? v : fallback;
}

int fb_bool(const struct fb *fb, const char *name, int fallback)
{
	int v;

	return fr_node_bool(fb_var(fb, name), &v) ? v : fallback;
}

const char *fb_secret(const struct fb *fb, const char *name)
{
	/* the one list of what is secret (lib/params.c) decides what render masks */
	return fb->mask && fr_param_is_secret(name) ? "********" : fb_str(fb, name, "");
}

const char *fb_ident(const struct fb *fb, const char *name)
{
	return fr_node_str(fr_node_get(fb->ident, name));
}

static void vlog(struct fb *fb, const char *level, const char *fmt, va_list ap)
{
	struct fr_buf line = FR_BUF_INIT;
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fr_buf_addf(&line, "%s [%s] %s", ts, fb->module ? fb->module : "firstboot", level);
	fr_buf_vaddf(&line, fmt, ap);
	fr_buf_addc(&line, '\n');
	if (fb->log_fd >= 0 && write(fb->log_fd, line.buf, line.len) < 0) {
		/* the journal still has it */
	}
	if (!fb->quiet) {
		fputs(line.buf + strlen(ts) + 1, stdout);
		fflush(stdout);
	}
	fr_buf_release(&line);
}

void fb_log(struct fb *fb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fb, "", fmt, ap);
	va_end(ap);
}

int fb_fail(struct fb *fb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fb->last_error, sizeof(fb->last_error), fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	vlog(fb, "ERROR: ", fmt, ap);
	va_end(ap);
	return -1;
}

static void log_raw(struct fb *fb, const struct fr_buf *b)
{
	if (fb->log_fd >= 0 && b->len && write(fb->log_fd, b->buf, b->len) < 0) {
		/* nothing better to do */
	}
	if (fb->verbose && b->len)
		fwrite(b->buf, 1, b->len, stdout);
}

int fb_run(struct fb *fb, const char *const *argv, const char *in, struct fr_buf *out)
{
	return fb_run_env(fb, argv, NULL, in, out);
}

int fb_run_env(struct fb *fb, const char *const *argv, const char *const *extra, const char *in, struct fr_buf *out)
{
	struct fr_buf o = FR_BUF_INIT, cmd = FR_BUF_INIT;
	struct fr_err err = { 0 };
	int st = -1, i;
	const char *env[16] = { "LC_ALL=C.UTF-8", "DEBIAN_FRONTEND=noninteractive", NULL };

	for (i = 0; extra && extra[i] && i < 13; i++)
		env[2 + i] = extra[i];

	fr_buf_adds(&cmd, "$");
	for (i = 0; argv[i]; i++)
		fr_buf_addf(&cmd, " %s", argv[i]);
	fr_buf_addc(&cmd, '\n');
	log_raw(fb, &cmd);
	if (fr_exec(argv, env, in, in ? strlen(in) : 0, &o, &o, &st, &err) != 0) {
		fb_fail(fb, "%s", err.msg);
		st = -1;
	} else {
		log_raw(fb, &o);
		if (st != 0) {
			struct fr_buf m = FR_BUF_INIT;

			fr_buf_addf(&m, "[exit %d]\n", st);
			log_raw(fb, &m);
			fr_buf_release(&m);
		}
		if (out)
			fr_buf_addn(out, o.buf, o.len);
	}
	fr_buf_release(&o);
	fr_buf_release(&cmd);
	return st;
}

int fb_run_as(struct fb *fb, const char *user, const char *const *argv, const char *in, struct fr_buf *out)
{
	char reuid[96], regid[96];
	const char **v;
	size_t n = 0, i;
	int st;

	/* setpriv, not runuser or su: no PAM session, so no limits or log noise of its own */
	snprintf(reuid, sizeof(reuid), "--reuid=%s", user);
	snprintf(regid, sizeof(regid), "--regid=%s", user);
	while (argv[n])
		n++;
	v = fr_xcalloc(n + 6, sizeof(*v));
	v[0] = "setpriv";
	v[1] = reuid;
	v[2] = regid;
	v[3] = "--init-groups";
	v[4] = "--reset-env";
	for (i = 0; i < n; i++)
		v[5 + i] = argv[i];
	st = fb_run(fb, v, in, out);
	free(v);
	return st;
}

static int owner_ids(struct fb *fb, const char *owner, uid_t *uid, gid_t *gid)
{
	char user[64], *colon;
	struct passwd *pw;
	struct group *gr;

	*uid = 0;
	*gid = 0;
	if (owner == NULL)
		return 0;
	snprintf(user, sizeof(user), "%s", owner);
	colon = strchr(user, ':');
	if (colon)
		*colon++ = '\0';
	if ((pw = getpwnam(user)) == NULL)
		return fb_fail(fb, "no user '%s' on this node", user);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (colon && *colon) {
		if ((gr = getgrnam(colon)) == NULL)
			return fb_fail(fb, "no group '%s' on this node", colon);
		*gid = gr->gr_gid;
	}
	return 0;
}

static int write_file(struct fb *fb, const char *path, const char *data, size_t len, mode_t mode, const char *owner,
		      int counts)
{
	struct fr_err err = { 0 };
	struct stat st;
	char *old = NULL;
	size_t oldlen = 0;
	uid_t uid;
	gid_t gid;
	int same;

	if (owner_ids(fb, owner, &uid, &gid) < 0)
		return -1;
	same = fr_read_file(path, 64u << 20, &old, &oldlen, NULL) == 0 && oldlen == len && memcmp(old, data, len) == 0;
	free(old);
	if (same && stat(path, &st) == 0 && (st.st_mode & 07777) == mode && st.st_uid == uid && st.st_gid == gid)
		return 0;
	if (!same && fr_write_atomic(path, data, len, mode, 0, &err) < 0)
		return fb_fail(fb, "%s", err.msg);
	if (chown(path, uid, gid) < 0 || chmod(path, mode) < 0)
		return fb_fail(fb, "cannot set owner/mode of '%s': %s", path, strerror(errno));
	fb_log(fb, "%s %s", same ? "fixed owner/mode of" : "wrote", path);
	fb->changes += counts;
	return 1;
}

int fb_file(struct fb *fb, const char *path, const char *data, size_t len, mode_t mode, const char *owner)
{
	return write_file(fb, path, data, len, mode, owner, 1);
}

int fb_scratch_file(struct fb *fb, const char *path, const char *data, size_t len, mode_t mode, const char *owner)
{
	return write_file(fb, path, data, len, mode, owner, 0);
}

int fb_dir(struct fb *fb, const char *path, mode_t mode, const char *owner)
{
	struct fr_err err = { 0 };
	uid_t uid;
	gid_t gid;

	if (owner_ids(fb, owner, &uid, &gid) < 0)
		return -1;
	if (fr_mkdir_p(path, 0755, &err) < 0)
		return fb_fail(fb, "%s", err.msg);
	if (chown(path, uid, gid) < 0 || chmod(path, mode) < 0)
		return fb_fail(fb, "cannot set owner/mode of '%s': %s", path, strerror(errno));
	return 0;
}

int fb_systemctl(struct fb *fb, const char *verb, const char *unit)
{
	const char *argv[] = { "systemctl", verb, unit, NULL };
	const char *jv[] = { "journalctl", "-u", unit, "-n", "15", "--no-pager", "-q", NULL };
	const char *rf[] = { "systemctl", "reset-failed", unit, NULL };

	/* a unit that failed before may have hit its start limit: a new start deserves a clean slate */
	if (strcmp(verb, "start") == 0 || strcmp(verb, "restart") == 0) {
		struct fr_buf ignore = FR_BUF_INIT;
		struct fr_err err = { 0 };
		int st;

		fr_exec(rf, NULL, NULL, 0, NULL, &ignore, &st, &err);
		fr_buf_release(&ignore);
	}

	if (fb_run(fb, argv, NULL, NULL) == 0)
		return 0;
	fb_run(fb, jv, NULL, NULL);
	return fb_fail(fb, "systemctl %s %s failed (its journal is in this module's log)", verb, unit);
}

int fb_wait(struct fb *fb, const char *what, int timeout, int (*check)(struct fb *, void *), void *arg)
{
	struct timespec t0, now, half = { 0, 500000000 };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int r = check(fb, arg);

		if (r == 1)
			return 0;
		if (r < 0)
			return fb_fail(fb, "%s: failed", what);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= timeout)
			return fb_fail(fb, "%s: not within %d s", what, timeout);
		nanosleep(&half, NULL);
	}
}

static int tcp_connect(const char *host, int port, int timeout_ms)
{
	struct sockaddr_in sa;
	struct pollfd pfd;
	int fd, e = 0;
	socklen_t el = sizeof(e);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, timeout_ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e != 0) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int fb_port_open(const char *host, int port)
{
	int fd = tcp_connect(host, port, 1000);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

int fb_http_get(const char *host, int port, const char *path, int timeout_ms, struct fr_buf *body)
{
	char req[512], chunk[4096];
	struct fr_buf resp = FR_BUF_INIT;
	struct pollfd pfd;
	int fd = tcp_connect(host, port, timeout_ms), code = -1;
	ssize_t n;

	if (fd < 0)
		return -1;
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host);
	if (write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		/* the status line only, unless the body is wanted (at most 1 MiB of it) */
		while ((body ? resp.len < (1u << 20) : resp.len < 63) && poll(&pfd, 1, timeout_ms) == 1 &&
		       (n = read(fd, chunk, body ? sizeof(chunk) : 63 - resp.len)) > 0)
			fr_buf_addn(&resp, chunk, (size_t)n);
		if (resp.len == 0 || sscanf(resp.buf, "HTTP/%*s %d", &code) != 1)
			code = -1;
		if (body && code > 0) {
			const char *b = strstr(resp.buf, "\r\n\r\n");

			if (b)
				fr_buf_adds(body, b + 4);
		}
	}
	fr_buf_release(&resp);
	close(fd);
	return code;
}

int fb_http_status(const char *host, int port, const char *path, int timeout_ms)
{
	return fb_http_get(host, port, path, timeout_ms, NULL);
}

void fb_expand(const struct fb *fb, const char *s, struct fr_buf *out)
{
	while (*s) {
		const char *end;

		if (s[0] == '$' && s[1] == '{' && (end = strchr(s, '}')) != NULL) {
			char *name = fr_xstrndup(s + 2, (size_t)(end - s - 2));
			const char *v = fb_str(fb, name, NULL);

			if (v)
				fr_buf_adds(out, v);
			else
				fr_buf_addn(out, s, (size_t)(end - s + 1));
			free(name);
			s = end + 1;
			continue;
		}
		fr_buf_addc(out, *s++);
	}
}

int fb_pki_copy(struct fb *fb, const char *dir, const char *owner)
{
	static const struct { const char *file, *field; mode_t mode; } pem[] = {
		{ "ca.crt", "ca_crt", 0644 }, { "server.crt", "crt", 0644 }, { "server.key", "key", 0600 },
	};
	int changed = 0;
	size_t i;

	for (i = 0; i < sizeof(pem) / sizeof(pem[0]); i++) {
		const char *p = fb->pki ? fr_node_str(fr_node_get(fb->pki, pem[i].field)) : NULL;
		char *path;
		int r;

		if (p == NULL || strstr(p, "-----BEGIN") == NULL)
			return fb_fail(fb, "the profile's pki.%s is not a PEM block; run farrow profile (or install) again",
				       pem[i].field);
		path = fr_xasprintf("%s/%s", dir, pem[i].file);
		r = fb_file(fb, path, p, strlen(p), pem[i].mode, owner);
		free(path);
		if (r < 0)
			return -1;
		changed |= r;
	}
	return changed;
}

/*
 * The value of farrow.<name>= on the kernel command line: /proc/cmdline, and in a container
 * (which has the host's) its init's own arguments, as systemd reads them there.
 */
int fb_cmdline_arg(const char *name, char *out, size_t n)
{
	static const char *const files[] = { "/proc/1/cmdline", "/proc/cmdline", NULL };
	char key[64];
	size_t i, kl;
	int found = 0;

	snprintf(key, sizeof(key), "farrow.%s=", name);
	kl = strlen(key);
	for (i = 0; files[i] && !found; i++) {
		char *text = NULL, *p, *end;
		size_t len = 0, wl;

		if (i == 0 && access("/run/systemd/container", F_OK) != 0 && getenv("container") == NULL)
			continue;
		if (fr_read_file(files[i], 65536, &text, &len, NULL) < 0)
			continue;
		/* /proc/1/cmdline: arguments NUL-separated; /proc/cmdline: one line, space-separated */
		for (p = text, end = text + len; p < end && !found; p += wl + 1) {
			wl = i == 0 ? strnlen(p, (size_t)(end - p)) : strcspn(p, " \n");
			if (wl > kl && strncmp(p, key, kl) == 0 && wl - kl < n) {
				memcpy(out, p + kl, wl - kl);
				out[wl - kl] = '\0';
				found = 1;
			}
		}
		free(text);
	}
	return found;
}
