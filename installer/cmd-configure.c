/* cmd-configure.c -- `farrow configure`: Pigsty's ./configure flags on farrow's engine. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "buf.h"
#include "configure.h"
#include "params.h"
#include "detect.h"
#include "err.h"
#include "farrow.h"
#include "fileio.h"
#include "inventory.h"
#include "tui.h"
#include "xalloc.h"
#include "yamlnode.h"

#define CONFIGURE_USAGE                                                                                      \
	"usage: farrow configure [-c <template>] [-i <ip>] [--nodes <ip>,<ip>...] [-v <13-18>]\n"          \
	"                        [-r default|china|europe] [-o <file>] [-p <port>] [-s] [-x] [-n] [-g]\n"  \
	"                        [--show-secrets] [--live]\n"                                              \
	"\n"                                                                                                \
	"Write an inventory from a profile template, as Pigsty's ./configure does, with the same flags.\n"  \
	"\n"                                                                                                \
	"  -c, --conf <template>    meta (default), rich, slim, ha/dual, ha/trio, ha/full, or a file\n"      \
	"                           (./x.yml); the placeholder 10.10.10.10 becomes the primary IP\n"        \
	"  -i, --ip <ip>            primary IPv4 address (default: detected)\n"                               \
	"      --nodes <ip,...>     every node of a multi-node template, in the template's address\n"         \
	"                           order (10.10.10.10, .11, ...); the first is the primary\n"                \
	"  -v, --version <n>        PostgreSQL major version, 13-18 (default: the template's)\n"            \
	"  -r, --region <region>    default, china or europe: which upstream mirrors to use\n"               \
	"  -o, --output <file>      where to write (default farrow.yml); an existing file is\n"             \
	"                           kept as <file>.bak; the result is mode 0600\n"                          \
	"  -s, --skip               skip IP detection: keep 10.10.10.10\n"                                  \
	"  -x, --proxy              write proxy_env from HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY\n"    \
	"  -n, --non-interactive    never ask: fail when the answer is not certain\n"                        \
	"  -p, --port <port>        SSH port of the nodes (written as ansible_port)\n"                      \
	"  -g, --generate           replace every default credential with a random 24-character one\n"     \
	"      --show-secrets       print the generated credentials (otherwise they are only in the file)\n" \
	"      --secrets-file <f>   with -g: credentials you choose, a YAML map (mode 0600) from the\n"     \
	"                           names --show-secrets prints (pg_admin_password, DBUser.Meta, ...)\n"  \
	"                           to values of 8-128 characters of A-Z a-z 0-9 . _ ~ -\n"              \
	"      --live               the install medium's wizard (its \"install with the wizard\" entry):\n" \
	"                           after the inventory, this machine's disk (what is on each now),\n"   \
	"                           which node it is, its network and root's password, then a\n"        \
	"                           confirmation naming the disk, and farrow-firstboot install writes\n" \
	"                           the node to it (the wizard only: needs a terminal)\n"                \
	"  -h, --help               this text\n"                                                            \
	"\n"                                                                                                \
	"exit status:\n"                                                                                    \
	"   0  written\n"                                                                                   \
	"   1  failed (cannot write the output, no random bytes, ...)\n"                                    \
	"   2  bad flag or value (-v, -r, -p, --nodes)\n"                                                   \
	"   3  the template or the result does not validate\n"                                              \
	"   4  no package manager (dpkg/apt or rpm/dnf/yum/zypper) found\n"                                 \
	"   7  invalid IP address (-i, --nodes)\n"                                                          \
	"   9  several IP addresses and no way to ask (-n without -i)\n"                                    \
	"  11  template not found\n"

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("farrow configure: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nsee 'farrow configure --help'\n", stderr);
	return FR_EXIT_USAGE;
}

static void ok(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void line(const char *tag, const char *key, const char *fmt, va_list ap)
{
	printf("[%s] %-8s = ", tag, key);
	vprintf(fmt, ap);
	putchar('\n');
}

static void ok(const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line(" OK ", key, fmt, ap);
	va_end(ap);
}

static void warn(const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line("WARN", key, fmt, ap);
	va_end(ap);
}

static char **split_nodes(const char *arg, size_t *n)
{
	char *copy = fr_xstrdup(arg), *tok, *save = NULL;
	char **v = NULL;

	*n = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		v = fr_xrealloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = fr_xstrdup(tok);
	}
	free(copy);
	return v;
}

static const char *env2(const char *upper, const char *lower)
{
	const char *v = getenv(upper);

	return v && *v ? v : getenv(lower);
}

/* Ask which address to use; returns a malloc'd IP or NULL. */
static char *ask_ip(const struct fr_detect *d)
{
	char buf[128];
	size_t i;

	printf("several IPv4 addresses found:\n");
	for (i = 0; i < d->nips; i++)
		printf("  (%zu) %s\n", i + 1, d->ips[i]);
	printf("which is the primary IP of this node? (number or address): ");
	fflush(stdout);
	if (fgets(buf, sizeof(buf), stdin) == NULL)
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	if (fr_is_ipv4(buf))
		return fr_xstrdup(buf);
	i = (size_t)strtoul(buf, NULL, 10);
	if (i >= 1 && i <= d->nips)
		return fr_xstrdup(d->ips[i - 1]);
	return NULL;
}

/* --secrets-file: a YAML map of credential name to value, readable by its owner only. */
static int read_secrets(const char *path, struct fr_secret **out, size_t *n)
{
	struct fr_err err = { 0 };
	struct fr_node *root;
	struct stat st;
	char *text = NULL;
	size_t len, i;
	int r = FR_EXIT_OK;

	*out = NULL;
	*n = 0;
	if (stat(path, &st) == 0 && (st.st_mode & 077)) {
		fr_cli_error("configure: %s holds credentials but is mode %04o: chmod 600 it first", path,
			 (unsigned)(st.st_mode & 07777));
		return FR_EXIT_USAGE;
	}
	if (fr_read_file(path, 1u << 20, &text, &len, &err) < 0) {
		fr_cli_error("configure: %s", err.msg);
		return FR_EXIT_FAIL;
	}
	root = fr_yaml_parse(text, len, &err);
	fr_wipe(text, len);
	free(text);
	if (root == NULL) {
		fr_cli_error("configure: %s:%s", path, err.msg);
		return FR_EXIT_USAGE;
	}
	if (!fr_node_is_map(root)) {
		fr_cli_error("configure: %s:%d:%d: a mapping of credential names to values is expected", path, root->line,
			 root->col);
		r = FR_EXIT_USAGE;
		goto done;
	}
	for (i = 0; i < root->n; i++) {
		const char *k = fr_node_str(root->keys[i]), *v = fr_node_str(root->items[i]);

		if (k == NULL || v == NULL || !fr_secret_value_ok(v)) {
			fr_cli_error("configure: %s:%d:%d: %s: the value must be 8-128 characters of A-Z a-z 0-9 . _ ~ -", path,
				 root->items[i]->line, root->items[i]->col, k ? k : "?");
			r = FR_EXIT_USAGE;
			goto done;
		}
		*out = fr_xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].name = fr_xstrdup(k);
		(*out)[*n].value = fr_xstrdup(v);
		(*n)++;
	}
done:
	fr_node_free(root);
	return r;
}

int cmd_configure(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "config", required_argument, NULL, 'c' },
		{ "ip", required_argument, NULL, 'i' },
		{ "version", required_argument, NULL, 'v' },
		{ "ver", required_argument, NULL, 'v' },
		{ "region", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "skip", no_argument, NULL, 's' },
		{ "proxy", no_argument, NULL, 'x' },
		{ "non-interactive", no_argument, NULL, 'n' },
		{ "port", required_argument, NULL, 'p' },
		{ "generate", no_argument, NULL, 'g' },
		{ "generate-password", no_argument, NULL, 'g' },
		{ "nodes", required_argument, NULL, 'N' },
		{ "show-secrets", no_argument, NULL, 'S' },
		{ "secrets-file", required_argument, NULL, 'F' },
		{ "live", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct fr_configure c = { 0 };
	struct fr_detect d;
	struct fr_err err = { 0 };
	const char *output = "farrow.yml", *ip = NULL, *secrets_file = NULL;
	struct fr_secret *given = NULL;
	size_t ngiven = 0;
	char **nodes = NULL, *ipbuf = NULL, *end;
	size_t nnodes = 0, i, j;
	int opt, skip = 0, noninteractive = 0, show_secrets = 0, live = 0, r = FR_EXIT_OK;
	long v;
	struct stat st;

	c.conf = "meta";
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:i:v:r:o:sxnp:gh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			c.conf = optarg;
			break;
		case 'i':
			ip = optarg;
			break;
		case 'v':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || !fr_pg_version_ok(v)) {
				r = usage_error("invalid -v '%s': the PostgreSQL major version must be %d-%d", optarg,
						FR_PG_VERSION_MIN, FR_PG_VERSION_MAX);
				goto out;
			}
			c.pg_version = (int)v;
			break;
		case 'r':
			if (strcmp(optarg, "default") && strcmp(optarg, "china") && strcmp(optarg, "europe")) {
				r = usage_error("invalid -r '%s': the region must be default, china or europe", optarg);
				goto out;
			}
			c.region = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 's':
			skip = 1;
			break;
		case 'x':
			c.proxy = 1;
			break;
		case 'n':
			noninteractive = 1;
			break;
		case 'p':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || v < 1 || v > 65535) {
				r = usage_error("invalid -p '%s': the SSH port must be 1-65535", optarg);
				goto out;
			}
			c.ssh_port = (int)v;
			break;
		case 'g':
			c.generate = 1;
			break;
		case 'N':
			fr_strv_free(nodes, nnodes);
			nodes = split_nodes(optarg, &nnodes);
			if (nnodes == 0) {
				r = usage_error("--nodes '%s' lists no address", optarg);
				goto out;
			}
			break;
		case 'S':
			show_secrets = 1;
			break;
		case 'F':
			secrets_file = optarg;
			break;
		case 'L':
			live = 1;
			break;
		case 'h':
			fputs(CONFIGURE_USAGE, stdout);
			goto out;
		default:
			fputs("see 'farrow configure --help'\n", stderr);
			r = FR_EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc) {
		r = usage_error("unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (secrets_file) {
		if (!c.generate) {
			r = usage_error("--secrets-file goes with -g (the credentials it does not name are generated)");
			goto out;
		}
		if ((r = read_secrets(secrets_file, &given, &ngiven)) != FR_EXIT_OK)
			goto out;
		c.given = given;
		c.ngiven = ngiven;
	}
	if (ip && !fr_is_ipv4(ip)) {
		fr_cli_error("configure: invalid IP address '%s'", ip);
		r = FR_EXIT_BADIP;
		goto out;
	}
	for (i = 0; i < nnodes; i++) {
		if (!fr_is_ipv4(nodes[i])) {
			fr_cli_error("configure: invalid IP address '%s' in --nodes", nodes[i]);
			r = FR_EXIT_BADIP;
			goto out;
		}
		for (j = 0; j < i; j++)
			if (strcmp(nodes[i], nodes[j]) == 0) {
				r = usage_error("--nodes lists %s twice", nodes[i]);
				goto out;
			}
	}
	if (nnodes && ip && strcmp(ip, nodes[0]) != 0) {
		r = usage_error("-i must be the first address of --nodes (%s)", nodes[0]);
		goto out;
	}
	if (*output == '\0' || (stat(output, &st) == 0 && S_ISDIR(st.st_mode))) {
		r = usage_error("-o '%s' is a directory; name a file", output);
		goto out;
	}

	if (live && (noninteractive || nnodes || secrets_file || !isatty(0) || !isatty(1))) {
		r = usage_error("--live is the install medium's wizard: a terminal, and none of -n, --nodes, --secrets-file");
		goto out;
	}
	/* on a terminal, without -n: the wizard, starting from what the flags said */
	if (!noninteractive && isatty(0) && isatty(1) && getenv("TERM") && strcmp(getenv("TERM"), "dumb") != 0 &&
	    nnodes == 0 && secrets_file == NULL) {
		struct tui_prefill pre = { 0 };

		pre.conf = c.conf;
		pre.ip = ip;
		pre.pg_version = c.pg_version;
		pre.region = c.region;
		pre.output = output;
		pre.ssh_port = c.ssh_port;
		pre.live = live;
		if (c.proxy) {
			pre.proxy = 1;
			pre.http_proxy = env2("HTTP_PROXY", "http_proxy");
			pre.https_proxy = env2("HTTPS_PROXY", "https_proxy");
			pre.all_proxy = env2("ALL_PROXY", "all_proxy");
			pre.no_proxy = env2("NO_PROXY", "no_proxy");
		}
		r = tui_configure(&pre);
		goto out;
	}
	fr_detect_run(&d, NULL);
	if (c.region)
		ok("region", "%s", c.region);
	(strcmp(d.kernel, "Linux") == 0 ? ok : warn)("kernel", "%s %s", d.kernel, d.release);
	(fr_detect_arch_ok(d.arch) ? ok : warn)("machine", "%s", d.arch);
	if (*d.vendor)
		ok("vendor", "%s %s (%s)", d.vendor, d.version, d.pretty);
	else
		warn("vendor", "unknown: no /etc/os-release");
	if (*d.pkg == '\0') {
		printf("[FAIL] %-8s = none found (dpkg/apt or rpm/dnf/yum/zypper)\n", "package");
		fr_detect_release(&d);
		r = FR_EXIT_NOPKGMGR;
		goto out;
	}
	ok("package", "%s, %s", d.pkg, d.pkgmgr);
	c.tiny = fr_tiny_host(d.ncpu);
	(c.tiny ? warn : ok)("cpu", "%d vCPU%s", d.ncpu, c.tiny ? " (fewer than 4: tiny tuning)" : "");
	if (nnodes) {
		ip = nodes[0];
		ok("primary", "%s (first of --nodes)", ip);
	} else if (ip) {
		ok("primary", "%s (from -i)", ip);
	} else if (skip) {
		ip = FR_PLACEHOLDER_IP;
		ok("primary", "%s (-s: detection skipped)", ip);
	} else if (d.nips == 0) {
		ip = FR_PLACEHOLDER_IP;
		warn("primary", "%s (no IPv4 address found besides loopback)", ip);
	} else if (d.nips == 1) {
		ip = ipbuf = fr_xstrdup(d.ips[0]);
		ok("primary", "%s (the only one)", ip);
	} else {
		for (i = 0; i < d.nips; i++)
			if (strcmp(d.ips[i], FR_PLACEHOLDER_IP) == 0)
				ip = FR_PLACEHOLDER_IP;
		if (ip == NULL && noninteractive) {
			struct fr_buf b = FR_BUF_INIT;

			for (i = 0; i < d.nips; i++)
				fr_buf_addf(&b, "%s%s", i ? ", " : "", d.ips[i]);
			fr_cli_error("configure: several IPv4 addresses (%s) and -n: pass the primary one with -i",
				 b.buf);
			fr_buf_release(&b);
			fr_detect_release(&d);
			r = FR_EXIT_IPDILEMMA;
			goto out;
		}
		if (ip == NULL && (ip = ipbuf = ask_ip(&d)) == NULL) {
			fr_cli_error("configure: no valid choice of IP address");
			fr_detect_release(&d);
			r = FR_EXIT_IPDILEMMA;
			goto out;
		}
		ok("primary", "%s", ip);
	}
	fr_detect_release(&d);

	c.primary_ip = ip;
	c.nodes = (const char *const *)nodes;
	c.nnodes = nnodes;
	if (c.proxy) {
		c.http_proxy = env2("HTTP_PROXY", "http_proxy");
		c.https_proxy = env2("HTTPS_PROXY", "https_proxy");
		c.all_proxy = env2("ALL_PROXY", "all_proxy");
		c.no_proxy = env2("NO_PROXY", "no_proxy");
	}
	r = fr_configure_render(&c, &err);
	if (r < 0) {
		if (r == FR_EINVALID)
			fr_cli_error("configure: template '%s' (as rendered) is invalid: %s", c.conf, err.msg);
		else
			fr_cli_error("configure: %s", err.msg);
		r = r == FR_ENOTFOUND ? FR_EXIT_NOTEMPLATE : r == FR_EARG ? FR_EXIT_USAGE
			: r == FR_EINVALID ? FR_EXIT_INVALID : FR_EXIT_FAIL;
		goto out;
	}
	ok("conf", "%s%s%s", c.template_name, *fr_template_desc(c.template_name) ? ": " : "",
	   fr_template_desc(c.template_name));
	ok("pg", "%d", c.effective_version);
	for (i = 0; i < c.nnotes; i++)
		ok("change", "%s", c.notes[i]);
	for (i = 0; i < c.nwarnings; i++)
		warn("check", "%s", c.warnings[i]);
	{
		int existed = access(output, F_OK) == 0;

		if (fr_write_atomic(output, c.text, c.len, 0600, 1, &err) < 0) {
			fr_cli_error("configure: %s", err.msg);
			r = FR_EXIT_FAIL;
			goto out;
		}
		ok("output", "%s (mode 0600)%s%s%s", output, existed ? ", previous kept as " : "",
		   existed ? output : "", existed ? ".bak" : "");
	}
	if (c.generate) {
		if (show_secrets)
			for (i = 0; i < c.nsecrets; i++)
				printf("    %-28s %s\n", c.secrets[i].name, c.secrets[i].value);
		else
			ok("secrets", "%zu generated; they are in %s only (--show-secrets prints them)", c.nsecrets,
			   output);
	} else
		warn("secrets", "default credentials kept: pass -g to generate them");
	printf("farrow configured: proceed with 'farrow install %s --bundle <bundle>'\n", output);
	r = FR_EXIT_OK;
out:
	fr_configure_release(&c);
	for (i = 0; i < ngiven; i++) {
		fr_wipe(given[i].value, strlen(given[i].value));
		free(given[i].name);
		free(given[i].value);
	}
	free(given);
	fr_strv_free(nodes, nnodes);
	free(ipbuf);
	return r;
}
