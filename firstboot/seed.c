/* seed.c -- `farrow-firstboot seed`: one generic image, many nodes. At boot, before the run, a
 * node without a profile takes it from its seed volume (VFAT labelled FARROW-SEED, as
 * cloud-init's NoCloud takes CIDATA; or the device farrow.seed= names on the kernel command line),
 * checks that the profile is this machine's (its addresses, or farrow.host=), and writes it to
 * /etc/farrow/profile.yml (0600). A seed for another host is refused, and why is said on the
 * console and in /var/log/farrow/seed.log. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "err.h"
#include "exec.h"
#include "fb.h"
#include "fileio.h"
#include "profile.h"
#include "tlsget.h"
#include "xalloc.h"
#include "yamlnode.h"

#define SEED_LOG "/var/log/farrow/seed.log"

/* One line to the console (the unit's output) and to the log. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[1024], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "farrow-firstboot seed: %s\n", line);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fr_mkdir_p("/var/log/farrow", 0755, NULL);
	if ((f = fopen(SEED_LOG, "ae")) != NULL) {
		fprintf(f, "%s %s\n", stamp, line);
		fclose(f);
	}
}

/* This machine's addresses, space-separated, into out; 1 when host is one of them. */
static int is_mine(const char *host, char *out, size_t n)
{
	struct ifaddrs *ifa, *i;
	int mine = 0;

	out[0] = '\0';
	if (getifaddrs(&ifa) < 0)
		return 0;
	for (i = ifa; i; i = i->ifa_next) {
		char a[INET6_ADDRSTRLEN] = "";

		if (i->ifa_addr == NULL)
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr, a, sizeof(a));
		else if (i->ifa_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr, a, sizeof(a));
		else
			continue;
		if (strcmp(a, "127.0.0.1") == 0 || strcmp(a, "::1") == 0 || strncmp(a, "fe80:", 5) == 0)
			continue;
		if (strcmp(a, host) == 0)
			mine = 1;
		if (strlen(out) + strlen(a) + 2 < n)
			snprintf(out + strlen(out), n - strlen(out), "%s%s", *out ? " " : "", a);
	}
	freeifaddrs(ifa);
	return mine;
}

int fb_seed(const char *profile_path, const char *device, const char *host, const char *sha256)
{
	static const char *const env[] = { "MTOOLS_SKIP_CHECK=1", "LC_ALL=C", NULL };
	struct fr_buf text = FR_BUF_INIT, errout = FR_BUF_INIT;
	struct fr_diags d = { 0 };
	struct fr_err err = { 0 };
	struct fr_node *root = NULL;
	char dev[512] = "", want[256] = "", mine[1024];
	const char *phost;
	int st = 0, r = FR_EXIT_FAIL;

	if (access(profile_path, F_OK) == 0) {
		say("%s is here already: the seed is not read", profile_path);
		return FR_EXIT_OK;
	}
	/* which volume: --device, farrow.seed=, else the one labelled FARROW-SEED */
	if (device)
		snprintf(dev, sizeof(dev), "%s", device);
	else if (!fb_cmdline_arg("seed", dev, sizeof(dev))) {
		const char *argv[] = { "blkid", "-L", FR_SEED_LABEL, NULL };
		struct fr_buf out = FR_BUF_INIT;

		if (fr_exec(argv, NULL, NULL, 0, &out, NULL, &st, &err) == 0 && st == 0 && out.len)
			snprintf(dev, sizeof(dev), "%.*s", (int)strcspn(out.buf, "\n"), out.buf);
		fr_buf_release(&out);
	}
	if (!*dev) {
		say("no seed: no volume labelled %s and no farrow.seed= on the kernel command line; this node "
		    "waits for a profile (%s)", FR_SEED_LABEL, profile_path);
		return FR_EXIT_FAIL;
	}
	if (strncmp(dev, "http:", 5) == 0) {
		say("the seed %s: plain HTTP is refused (a profile holds credentials): give https:// and "
		    "farrow.seed_sha256=", dev);
		return FR_EXIT_FAIL;
	}
	if (strncmp(dev, "https:", 6) == 0) {
		/* over HTTPS, the server known by its certificate's SHA-256 alone (farrow.seed_sha256=) */
		char fp[256] = "";
		unsigned char pin[32];
		int tries, g = FR_ENOTFOUND;

		if (sha256)
			snprintf(fp, sizeof(fp), "%s", sha256);
		if ((!*fp && !fb_cmdline_arg("seed_sha256", fp, sizeof(fp))) || fr_fingerprint_parse(fp, pin) < 0) {
			say("the seed %s: an HTTPS seed needs farrow.seed_sha256=<the server certificate's SHA-256 "
			    "fingerprint> on the kernel command line%s", dev, *fp ? " (this one is not 64 hex digits)" : "");
			return FR_EXIT_FAIL;
		}
		/* the network may come up after this unit starts: a bounded wait, one minute */
		for (tries = 0; tries < 30; tries++) {
			fr_buf_wipe(&text);
			if ((g = fr_https_get_pinned(dev, pin, 1u << 20, 10, &text, &err)) != FR_ENOTFOUND)
				break;
			sleep(2);
		}
		if (g < 0) {
			say("cannot take the seed from %s: %s%s", dev, err.msg,
			    g == FR_ECRYPTO ? ": refused, nothing written" : "");
			r = g == FR_ECRYPTO ? FR_EXIT_BADSIG : FR_EXIT_FAIL;
			goto out;
		}
	} else if (dev[0] != '/') {
		say("the seed %s: not an absolute device path", dev);
		return FR_EXIT_FAIL;
	} else {
		char *src = fr_xasprintf("::%s", FR_SEED_PROFILE);
		const char *argv[] = { "mcopy", "-n", "-i", dev, src, "-", NULL };
		int er = fr_exec(argv, env, NULL, 0, &text, &errout, &st, &err);

		free(src);
		if (er < 0 || st != 0) {
			say("cannot read %s from the seed %s: %s", FR_SEED_PROFILE, dev,
			    er < 0 ? err.msg : errout.len ? errout.buf : "mcopy failed");
			goto out;
		}
	}
	if (text.len > (1u << 20)) {
		say("the seed's %s is larger than 1 MiB: refused", FR_SEED_PROFILE);
		goto out;
	}
	/* the same checks as any profile: version, structure, every value */
	root = fr_profile_load(text.buf, text.len, &d, &err);
	if (root == NULL || d.nerrors) {
		say("the seed's profile is refused: %s%s%s", d.nerrors ? "" : err.msg,
		    d.nerrors ? FR_SEED_PROFILE ":" : "", d.nerrors ? d.v[0].msg : "");
		r = FR_EXIT_INVALID;
		goto out;
	}
	phost = fr_node_str(fr_node_get(root, "host"));
	if (phost == NULL) {
		say("the seed's profile names no host: refused");
		r = FR_EXIT_INVALID;
		goto out;
	}
	/* the profile is this machine's: farrow.host= (or --host) says so, else its addresses */
	if (host)
		snprintf(want, sizeof(want), "%s", host);
	else
		fb_cmdline_arg("host", want, sizeof(want));
	if (*want ? strcmp(want, phost) != 0 : !is_mine(phost, mine, sizeof(mine))) {
		if (*want)
			say("the seed on %s is for %s, and this machine is %s (farrow.host=): refused, nothing written",
			    dev, phost, want);
		else
			say("the seed on %s is for %s, and this machine's addresses are %s: refused, nothing written", dev,
			    phost, *mine ? mine : "none");
		r = FR_EXIT_INVALID;
		goto out;
	}
	{
		char *copy = fr_xstrdup(profile_path), *slash = strrchr(copy, '/');

		if (slash && slash != copy) {
			*slash = '\0';
			if (fr_mkdir_p(copy, 0700, &err) < 0 || chmod(copy, 0700) < 0) {
				free(copy);
				say("cannot make the profile's directory: %s", err.msg);
				goto out;
			}
		}
		free(copy);
	}
	if (fr_write_atomic(profile_path, text.buf, text.len, 0600, 0, &err) < 0) {
		say("%s", err.msg);
		goto out;
	}
	say("the seed on %s is this machine's (%s): its profile is %s (0600)", dev, phost, profile_path);
	r = FR_EXIT_OK;
out:
	fr_node_free(root);
	fr_diags_release(&d);
	fr_buf_wipe(&text);
	fr_buf_release(&errout);
	return r;
}
