/* mod-node.c -- the node module: hostname, /etc/hosts, kernel and limits tuning. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fb.h"
#include "fileio.h"
#include "xalloc.h"

#define BEGIN "# farrow: begin (managed by farrow-firstboot; edits between these lines are replaced)\n"
#define END "# farrow: end\n"

/* Replace the managed block of /etc/hosts, keeping every other line. */
static int etc_hosts(struct fb *fb)
{
	struct fr_buf block = FR_BUF_INIT, out = FR_BUF_INIT;
	const struct fr_node *extra = fb_var(fb, "node_etc_hosts");
	char *old = NULL, *b, *e;
	size_t len = 0, i, j;
	int r;

	for (i = 0; fb->peers && i < fb->peers->n; i++) {
		const struct fr_node *list = fb->peers->items[i];

		for (j = 0; fr_node_is_seq(list) && j < list->n; j++) {
			const char *ip = fr_node_str(fr_node_get(list->items[j], "ip"));
			const char *name = fr_node_str(fr_node_get(list->items[j], "name"));

			if (ip && name)
				fr_buf_addf(&block, "%s %s\n", ip, name);
		}
	}
	for (i = 0; fr_node_is_seq(extra) && i < extra->n; i++)
		if (fr_node_str(extra->items[i])) {
			fb_expand(fb, fr_node_str(extra->items[i]), &block);
			fr_buf_addc(&block, '\n');
		}
	if (fr_read_file("/etc/hosts", 1u << 20, &old, &len, NULL) < 0)
		old = fr_xstrdup("127.0.0.1 localhost\n");
	b = strstr(old, BEGIN);
	e = b ? strstr(b, END) : NULL;
	if (b && e) {
		fr_buf_addn(&out, old, (size_t)(b - old));
		e += strlen(END);
	} else {
		fr_buf_adds(&out, old);
		if (out.len && out.buf[out.len - 1] != '\n')
			fr_buf_addc(&out, '\n');
		e = NULL;
	}
	fr_buf_adds(&out, BEGIN);
	fr_buf_addn(&out, block.buf, block.len);
	fr_buf_adds(&out, END);
	if (e)
		fr_buf_adds(&out, e);
	r = fb_file(fb, "/etc/hosts", out.buf, out.len, 0644, NULL);
	free(old);
	fr_buf_release(&block);
	fr_buf_release(&out);
	return r < 0 ? -1 : 0;
}

static int hostname(struct fb *fb)
{
	const char *name = fb_str(fb, "nodename", NULL);
	char cur[256] = "";
	struct fr_buf b = FR_BUF_INIT;
	int r;

	if (!fb_bool(fb, "nodename_overwrite", 1))
		return 0;
	if (name == NULL)
		name = fb_ident(fb, "pg_instance");
	if (name == NULL)
		return 0;
	fr_buf_addf(&b, "%s\n", name);
	r = fb_file(fb, "/etc/hostname", b.buf, b.len, 0644, NULL);
	fr_buf_release(&b);
	if (r < 0)
		return -1;
	gethostname(cur, sizeof(cur) - 1);
	if (strcmp(cur, name) != 0) {
		if (sethostname(name, strlen(name)) < 0)
			return fb_fail(fb, "cannot set the hostname to '%s': %s", name, strerror(errno));
		fb_log(fb, "hostname: %s", name);
		fb->changes++;
	}
	return 0;
}

/* Kernel parameters by node_tune (Pigsty's tuned profiles, the parts that matter to PostgreSQL). */
static int tuning(struct fb *fb)
{
	const char *tune = fb_str(fb, "node_tune", "oltp");
	const struct fr_node *extra = fb_var(fb, "node_sysctl_params");
	struct fr_buf s = FR_BUF_INIT;
	size_t i;
	int r, tiny = strcmp(tune, "tiny") == 0;
	struct fr_buf limits = FR_BUF_INIT;
	struct rlimit rl;
	unsigned long long nofile = 1048576;

	/* never above what this node may grant: in a container the host's hard limit rules */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY && rl.rlim_max < nofile && fb->in_container)
		nofile = rl.rlim_max;
	fr_buf_addf(&limits, "# farrow: limits for database services (node module)\n"
			     "*        soft nofile  %llu\n*        hard nofile  %llu\n", nofile, nofile);
	if (!fb->in_container)
		fr_buf_adds(&limits, "*        soft nproc   unlimited\n*        hard nproc   unlimited\n"
				     "*        soft memlock unlimited\n*        hard memlock unlimited\n");
	fr_buf_addf(&s, "# farrow: node_tune %s (node module)\n", tune);
	fr_buf_addf(&s, "fs.file-max = 16777216\nfs.nr_open = 8388608\nnet.core.somaxconn = %d\n"
			"net.ipv4.tcp_max_syn_backlog = %d\nnet.ipv4.ip_local_port_range = 10000 65535\n"
			"net.ipv4.tcp_keepalive_time = 60\nnet.ipv4.tcp_keepalive_intvl = 10\n"
			"net.ipv4.tcp_keepalive_probes = 6\nvm.swappiness = %d\nvm.overcommit_memory = %d\n"
			"vm.dirty_background_ratio = %d\nvm.dirty_ratio = %d\n",
		    tiny ? 1024 : 65535, tiny ? 1024 : 8192, tiny ? 10 : 0, tiny ? 0 : 2, tiny ? 10 : 5,
		    tiny ? 40 : 10);
	if (!tiny)
		fr_buf_adds(&s, "vm.overcommit_ratio = 100\n");
	for (i = 0; fr_node_is_map(extra) && i < extra->n; i++)
		if (fr_node_str(extra->keys[i]) && fr_node_str(extra->items[i]))
			fr_buf_addf(&s, "%s = %s\n", extra->keys[i]->str, extra->items[i]->str);
	r = fb_file(fb, "/etc/sysctl.d/90-farrow.conf", s.buf, s.len, 0644, NULL);
	fr_buf_release(&s);
	if (r < 0 || fb_dir(fb, "/etc/security/limits.d", 0755, NULL) < 0 ||
	    fb_file(fb, "/etc/security/limits.d/90-farrow.conf", limits.buf, limits.len, 0644, NULL) < 0) {
		fr_buf_release(&limits);
		return -1;
	}
	fr_buf_release(&limits);
	if (r == 1 || !fb->in_container) {
		if (fb->in_container)
			fb_log(fb, "in a container: kernel parameters belong to the host; written, not applied");
		else {
			const char *argv[] = { "sysctl", "-q", "-p", "/etc/sysctl.d/90-farrow.conf", NULL };

			if (fb_run(fb, argv, NULL, NULL) != 0)
				return fb_fail(fb, "sysctl could not apply /etc/sysctl.d/90-farrow.conf");
		}
	}
	return 0;
}

int fb_mod_node(struct fb *fb)
{
	if (hostname(fb) < 0 || etc_hosts(fb) < 0 || tuning(fb) < 0)
		return -1;
	return 0;
}
