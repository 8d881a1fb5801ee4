/* install-fanout.c -- `farrow install`'s hosts all at once, one process each, and the records
 * a host's process sends its parent: data (JSON), never lines for people.
 *
 * The record protocol, on one pipe per host, in this order:
 *   ~{"step":"copy","elapsed":3}\n                  a step of install-node.c begins
 *   ~{"modules":[...status --json...],"elapsed":9}\n the node's module states changed
 *   ={"code":0,"changed":true,"summary":"..."}\n    the end; the host's whole log follows, raw
 */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "install.h"
#include "xalloc.h"

long install_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

void install_modules_line(const struct fr_node *mods, struct fr_buf *line)
{
	size_t i;

	for (i = 0; fr_node_is_seq(mods) && i < mods->n; i++) {
		const char *name = fr_node_str(fr_node_get(mods->items[i], "name"));
		const char *state = fr_node_str(fr_node_get(mods->items[i], "state"));

		if (name)
			fr_buf_addf(line, "%s %s ", name, state == NULL || strcmp(state, "never") == 0 ? "-" : state);
	}
}

static void send_all(int fd, const struct fr_buf *b)
{
	size_t done = 0;

	while (fd >= 0 && done < b->len) {
		ssize_t w = write(fd, b->buf + done, b->len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* the parent went away; the install goes on */
		done += (size_t)w;
	}
}

void install_report_step(struct host_result *hr, const char *step)
{
	struct fr_buf b = FR_BUF_INIT;

	fr_buf_adds(&b, "~{\"step\":");
	fr_buf_add_json_str(&b, step);
	fr_buf_addf(&b, ",\"elapsed\":%ld}\n", install_now() - hr->t0);
	send_all(hr->progress_fd, &b);
	fr_buf_release(&b);
}

void install_report_modules(struct host_result *hr, const struct fr_node *modules)
{
	struct fr_buf b = FR_BUF_INIT;

	fr_buf_adds(&b, "~{\"modules\":");
	fr_node_to_json(modules, &b, NULL);
	fr_buf_addf(&b, ",\"elapsed\":%ld}\n", install_now() - hr->t0);
	send_all(hr->progress_fd, &b);
	fr_buf_release(&b);
}

/* The host's process: install it, then the final record and the log. */
static void child(const struct install_opts *o, const struct fr_inventory *inv, const struct fr_host *h, int fd)
{
	struct host_result hr;
	struct fr_buf rec = FR_BUF_INIT;

	memset(&hr, 0, sizeof(hr));
	fr_buf_init(&hr.log);
	hr.progress_fd = fd;
	hr.t0 = install_now();
	install_host(o, inv, h, &hr);
	fr_buf_addf(&rec, "={\"code\":%d,\"changed\":%s,\"summary\":", hr.code, hr.changed ? "true" : "false");
	fr_buf_add_json_str(&rec, hr.summary);
	fr_buf_adds(&rec, "}\n");
	fr_buf_addn(&rec, hr.log.buf, hr.log.len);
	send_all(fd, &rec);
	fr_buf_release(&rec);
	fr_buf_release(&hr.log);
}

struct job {
	const struct fr_host *h;
	pid_t pid;
	int fd;
	long t0;
	size_t seen;   /* bytes of data already handled as records */
	int final;     /* the final record has begun */
	struct fr_buf data;
};

/* A ~ record: hand it to ev. */
static void progress_record(const struct job *j, const char *json, size_t len, const struct install_events *ev)
{
	struct fr_node *r = fr_yaml_parse(json, len, NULL);
	long long elapsed = 0;
	const char *step = fr_node_str(fr_node_get(r, "step"));
	const struct fr_node *mods = fr_node_get(r, "modules");

	fr_node_int(fr_node_get(r, "elapsed"), &elapsed);
	if (step && ev->step)
		ev->step(ev->ctx, j->h, step, (long)elapsed);
	else if (fr_node_is_seq(mods) && ev->modules)
		ev->modules(ev->ctx, j->h, mods, (long)elapsed);
	fr_node_free(r);
}

/* The host's process ended: its final record (or the lack of one) to ev. */
static void finish(struct job *j, const struct install_events *ev)
{
	struct host_result hr;
	char *p = j->data.buf + j->seen, *nl = *p == '=' ? strchr(p, '\n') : NULL;

	memset(&hr, 0, sizeof(hr));
	fr_buf_init(&hr.log);
	hr.code = FR_EXIT_FAIL;
	snprintf(hr.summary, sizeof(hr.summary), "the installer process for this host died");
	if (nl) {
		struct fr_node *r = fr_yaml_parse(p + 1, (size_t)(nl - p - 1), NULL);
		long long code = FR_EXIT_FAIL;
		const char *summary = fr_node_str(fr_node_get(r, "summary"));
		int changed = 0;

		if (r && fr_node_int(fr_node_get(r, "code"), &code) && summary) {
			hr.code = (int)code;
			hr.changed = fr_node_bool(fr_node_get(r, "changed"), &changed) && changed;
			snprintf(hr.summary, sizeof(hr.summary), "%s", summary);
		}
		fr_node_free(r);
		fr_buf_adds(&hr.log, nl + 1);
	}
	ev->done(ev->ctx, j->h, &hr, install_now() - j->t0);
	fr_buf_release(&hr.log);
}

int install_fanout(const struct install_opts *o, const struct fr_inventory *inv, const struct fr_host *const *hosts,
		   size_t n, const struct install_events *ev)
{
	struct job *jobs = fr_xcalloc(n ? n : 1, sizeof(*jobs));
	struct pollfd *pf = fr_xcalloc(n ? n : 1, sizeof(*pf));
	size_t i, njobs = 0, open = 0;
	int r = 0;

	for (i = 0; i < n; i++) {
		int p[2];

		if (pipe(p) < 0) {
			fr_cli_error("install: %s", strerror(errno));
			r = -1;
			break;
		}
		fflush(stdout);
		jobs[njobs].h = hosts[i];
		jobs[njobs].fd = p[0];
		jobs[njobs].t0 = install_now();
		fr_buf_init(&jobs[njobs].data);
		if ((jobs[njobs].pid = fork()) == 0) {
			close(p[0]);
			child(o, inv, hosts[i], p[1]);
			_exit(0);
		}
		close(p[1]);
		if (jobs[njobs].pid < 0) {
			close(p[0]);
			fr_cli_error("install: cannot fork: %s", strerror(errno));
			r = -1;
			break;
		}
		njobs++;
		open++;
	}
	while (open > 0) {
		for (i = 0; i < njobs; i++) {
			pf[i].fd = jobs[i].fd;
			pf[i].events = POLLIN;
			pf[i].revents = 0;
		}
		if (poll(pf, njobs, -1) < 0 && errno != EINTR)
			break;
		for (i = 0; i < njobs; i++) {
			struct job *j = &jobs[i];
			char buf[65536], *nl;
			ssize_t got;

			if (j->fd < 0 || pf[i].revents == 0)
				continue;
			got = read(j->fd, buf, sizeof(buf));
			if (got > 0) {
				fr_buf_addn(&j->data, buf, (size_t)got);
				while (!j->final &&
				       (nl = memchr(j->data.buf + j->seen, '\n', j->data.len - j->seen)) != NULL) {
					char *rec = j->data.buf + j->seen;

					if (*rec == '=') {
						j->final = 1;
						break;
					}
					if (*rec == '~')
						progress_record(j, rec + 1, (size_t)(nl - rec - 1), ev);
					j->seen = (size_t)(nl - j->data.buf) + 1;
				}
				continue;
			}
			if (got < 0 && errno == EINTR)
				continue;
			close(j->fd);
			j->fd = -1;
			open--;
			waitpid(j->pid, NULL, 0);
			finish(j, ev);
			fr_buf_release(&j->data);
		}
	}
	free(pf);
	free(jobs);
	return r;
}
