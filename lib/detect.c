/* detect.c -- what machine this is: kernel, arch, OS, package manager, addresses, CPUs. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "detect.h"
#include "xalloc.h"

static void copy(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);

	if (l >= n)
		l = n - 1;
	memcpy(dst, src, l);
	dst[l] = '\0';
}

static void unquote(char *v)
{
	size_t l = strlen(v);

	while (l && (v[l - 1] == '\n' || v[l - 1] == '\r'))
		v[--l] = '\0';
	if (l >= 2 && (v[0] == '"' || v[0] == '\'') && v[l - 1] == v[0]) {
		memmove(v, v + 1, l - 2);
		v[l - 2] = '\0';
	}
}

static void read_os_release(struct fr_detect *d, const char *root)
{
	char path[4096], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/etc/os-release", root);
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(path, sizeof(path), "%s/usr/lib/os-release", root);
		if ((f = fopen(path, "r")) == NULL)
			return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		if (eq == NULL)
			continue;
		*eq++ = '\0';
		unquote(eq);
		if (strcmp(line, "ID") == 0)
			copy(d->vendor, sizeof(d->vendor), eq);
		else if (strcmp(line, "VERSION_ID") == 0) {
			eq[strcspn(eq, ".")] = '\0';
			copy(d->version, sizeof(d->version), eq);
		} else if (strcmp(line, "PRETTY_NAME") == 0)
			copy(d->pretty, sizeof(d->pretty), eq);
	}
	fclose(f);
}

static int exists(const char *root, const char *path)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s%s", root, path);
	return access(p, X_OK) == 0;
}

static void detect_pkg(struct fr_detect *d, const char *root)
{
	static const char *const bins[] = { "/usr/bin/", "/bin/", "/usr/sbin/", NULL };
	static const struct { const char *pkg, *mgr; } mgrs[] = {
		{ "deb", "apt-get" }, { "rpm", "dnf" }, { "rpm", "yum" }, { "rpm", "zypper" },
	};
	size_t i, j;
	char p[256];

	for (i = 0; i < sizeof(mgrs) / sizeof(mgrs[0]); i++)
		for (j = 0; bins[j]; j++) {
			snprintf(p, sizeof(p), "%s%s", bins[j], mgrs[i].mgr);
			if (exists(root, p)) {
				copy(d->pkg, sizeof(d->pkg), mgrs[i].pkg);
				copy(d->pkgmgr, sizeof(d->pkgmgr), strcmp(mgrs[i].mgr, "apt-get") ? mgrs[i].mgr : "apt");
				return;
			}
		}
}

static void detect_ips(struct fr_detect *d)
{
	struct ifaddrs *ifa = NULL, *p;
	size_t alloc = 0;

	if (getifaddrs(&ifa) < 0)
		return;
	for (p = ifa; p; p = p->ifa_next) {
		char buf[INET_ADDRSTRLEN];
		const struct sockaddr_in *sin;
		size_t i;

		if (p->ifa_addr == NULL || p->ifa_addr->sa_family != AF_INET)
			continue;
		if ((p->ifa_flags & IFF_LOOPBACK) || !(p->ifa_flags & IFF_UP))
			continue;
		sin = (const struct sockaddr_in *)(const void *)p->ifa_addr;
		if ((ntohl(sin->sin_addr.s_addr) >> 24) == 127)
			continue;
		if (inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf)) == NULL)
			continue;
		for (i = 0; i < d->nips; i++)
			if (strcmp(d->ips[i], buf) == 0)
				break;
		if (i < d->nips)
			continue;
		FR_ALLOC_GROW(d->ips, d->nips + 1, alloc);
		d->ips[d->nips++] = fr_xstrdup(buf);
	}
	freeifaddrs(ifa);
}

void fr_detect_run(struct fr_detect *d, const char *root)
{
	struct utsname u;
	cpu_set_t set;
	long pages, psz;

	memset(d, 0, sizeof(*d));
	if (root == NULL)
		root = "";
	if (uname(&u) == 0) {
		copy(d->kernel, sizeof(d->kernel), u.sysname);
		copy(d->release, sizeof(d->release), u.release);
		copy(d->arch, sizeof(d->arch), u.machine);
	}
	read_os_release(d, root);
	detect_pkg(d, root);
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		d->ncpu = CPU_COUNT(&set);
	else
		d->ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	pages = sysconf(_SC_PHYS_PAGES);
	psz = sysconf(_SC_PAGESIZE);
	if (pages > 0 && psz > 0)
		d->mem_mib = (long long)pages * psz / (1024 * 1024);
	detect_ips(d);
}

void fr_detect_release(struct fr_detect *d)
{

	fr_strv_free(d->ips, d->nips);
	d->ips = NULL;
	d->nips = 0;
}

int fr_detect_arch_ok(const char *arch)
{
	return strcmp(arch, "x86_64") == 0 || strcmp(arch, "amd64") == 0 || strcmp(arch, "aarch64") == 0 ||
	       strcmp(arch, "arm64") == 0;
}
