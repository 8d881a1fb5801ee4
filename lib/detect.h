/* detect.h -- what machine this is: kernel, arch, OS, package manager, addresses, CPUs. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_DETECT_H
#define FR_DETECT_H

#include <stddef.h>

struct fr_detect {
	char kernel[64];      /* uname -s */
	char release[128];    /* uname -r */
	char arch[64];        /* uname -m */
	char vendor[64];      /* os-release ID, "" if unknown */
	char version[64];     /* os-release VERSION_ID major part */
	char pretty[256];     /* os-release PRETTY_NAME */
	char pkg[8];          /* "deb", "rpm" or "" */
	char pkgmgr[16];      /* "apt", "dnf", "yum", "zypper" or "" */
	int ncpu;             /* CPUs this process may run on */
	long long mem_mib;    /* physical memory */
	char **ips;           /* IPv4 addresses of up interfaces, loopback excluded */
	size_t nips;
};

/*
 * Fill d. root is prepended to /etc/os-release and the package-manager
 * paths (NULL or "" for the running system), so tests can point it at a
 * fixture tree. Never fails; unknown fields are empty.
 */
void fr_detect_run(struct fr_detect *d, const char *root);
void fr_detect_release(struct fr_detect *d);

/* 1 if the arch is one farrow supports (x86_64/amd64, aarch64/arm64). */
int fr_detect_arch_ok(const char *arch);

#endif
