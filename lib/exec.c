/* exec.c -- run a program (never through a shell) and collect what it prints. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "xalloc.h"

int fr_exec_tool(const char *const *argv, const char *const *env, const char *in, struct fr_err *err)
{
	struct fr_buf out = FR_BUF_INIT;
	int st = 0, r = fr_exec(argv, env, in, in ? strlen(in) : 0, &out, &out, &st, err);

	if (r == 0 && st != 0) {
		/* its last lines (trailing newlines dropped): where a tool says what went wrong */
		size_t end = out.len, start;
		int lines = 0;

		while (end > 0 && out.buf[end - 1] == '\n')
			end--;
		for (start = end; start > 0; start--)
			if (out.buf[start - 1] == '\n' && ++lines == 4)
				break;
		if (end == 0)
			r = fr_err_set(err, FR_EIO, "%s failed (exit %d) and said nothing", argv[0], st);
		else
			r = fr_err_set(err, FR_EIO, "%s failed (exit %d): %.*s", argv[0], st, (int)(end - start),
				       out.buf + start);
	}
	fr_buf_release(&out);
	return r;
}

int fr_exec_have(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	int found = 0;

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	copy = fr_xstrdup(path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *p = fr_xasprintf("%s/%s", dir, prog);

		found = access(p, X_OK) == 0;
		free(p);
	}
	free(copy);
	return found;
}

/* The child fr_exec waits for now, for fr_exec_kill_child in a signal handler. */
static volatile pid_t running_child;

void fr_exec_kill_child(void)
{
	pid_t pid = running_child;
	int st, saved = errno;

	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	errno = saved;
}

static void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * In the child: every descriptor above 2 closed but those argv names as /proc/self/fd/<n> (how
 * farrow hands a tool an open file: gpgv reads the bundle that way). Nothing else of ours or our
 * parent's reaches the tool: an inherited descriptor pushes the tool's own ones up, and
 * mmdebstrap hands apt 'cat >&<fd>', which dash refuses for fd 10 and above ("Bad fd number":
 * the image builds that failed under fresh-machine-check, whose parents held more descriptors).
 */
static void close_inherited(const char *const *argv)
{
	int keep[8], nk = 0, lo = 3, i, j;

	for (i = 0; argv[i] && nk < 8; i++) {
		const char *p = strstr(argv[i], "/proc/self/fd/");
		char *end;
		long v;

		if (p == NULL)
			continue;
		v = strtol(p + 14, &end, 10);
		if (end != p + 14 && v > 2 && v < 65536)
			keep[nk++] = (int)v;
	}
	for (i = 1; i < nk; i++) /* insertion sort: a handful at most */
		for (j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];

			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (i = 0; i < nk; i++) {
		for (; lo < keep[i]; lo++)
			close(lo);
		lo = keep[i] + 1;
	}
	closefrom(lo);
}

int fr_exec(const char *const *argv, const char *const *env, const void *in, size_t inlen,
	    struct fr_buf *out, struct fr_buf *errout, int *status, struct fr_err *err)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 }, ws = 0;
	size_t done = 0;
	pid_t pid;
	struct sigaction ign, old;

	/* a child that exits before reading its input must not kill us */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);

	if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0) {
		fr_err_set(err, FR_EIO, "cannot run %s: %s", argv[0], strerror(errno));
		goto fail;
	}
	if ((pid = fork()) < 0) {
		fr_err_set(err, FR_EIO, "cannot run %s: %s", argv[0], strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		size_t i;

		signal(SIGPIPE, SIG_DFL);
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		close_inherited(argv);
		for (i = 0; env && env[i]; i++)
			putenv((char *)env[i]);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	running_child = pid;
	closep(&pin[0]);
	closep(&pout[1]);
	closep(&perr[1]);
	if (in == NULL || inlen == 0)
		closep(&pin[1]);
	else
		fcntl(pin[1], F_SETFL, O_NONBLOCK);
	while (pout[0] >= 0 || perr[0] >= 0 || pin[1] >= 0) {
		struct pollfd p[3] = { { pout[0], POLLIN, 0 }, { perr[0], POLLIN, 0 }, { pin[1], POLLOUT, 0 } };
		char buf[65536];
		int i;

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			int *fd = i == 0 ? &pout[0] : &perr[0];
			struct fr_buf *dst = i == 0 ? out : errout;
			ssize_t n;

			if (*fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(*fd, buf, sizeof(buf));
			if (n > 0 && dst)
				fr_buf_addn(dst, buf, (size_t)n);
			else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				closep(fd);
		}
		if (pin[1] >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = write(pin[1], (const char *)in + done, inlen - done);

			if (n > 0)
				done += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) || done == inlen)
				closep(&pin[1]);
		}
	}
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	running_child = 0;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	sigaction(SIGPIPE, &old, NULL);
	return 0;
fail:
	sigaction(SIGPIPE, &old, NULL);
	closep(&pin[0]);
	closep(&pin[1]);
	closep(&pout[0]);
	closep(&pout[1]);
	closep(&perr[0]);
	closep(&perr[1]);
	return FR_EIO;
}
