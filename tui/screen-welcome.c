/* screen-welcome.c -- step 1: what this machine is, and the signed bundle found beside farrow. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <dirent.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "params.h"
#include "wiz.h"

/* A signed bundle beside farrow or on an install medium: its path, key and whether it verifies. */
void tw_find_bundle(struct wiz *w)
{
	char self[PATH_MAX];
	const char *dirs[6];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int i;

	self[n > 0 ? n : 0] = '\0';
	dirs[0] = n > 0 ? dirname(self) : ".";
	dirs[1] = getenv("FARROW_MEDIA") ? getenv("FARROW_MEDIA") : "/run/farrow-media";
	dirs[2] = "/media/cdrom";
	dirs[3] = "/mnt/cdrom";
	dirs[4] = NULL;
	snprintf(w->bundle_note, sizeof(w->bundle_note), "none found beside farrow or on /media/cdrom");
	for (i = 0; dirs[i] && !*w->bundle; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;

		while (d && (e = readdir(d)) != NULL) {
			size_t l = strlen(e->d_name);
			char sig[PATH_MAX], key[PATH_MAX];

			if (l < 8 || strcmp(e->d_name + l - 8, ".tar.zst") != 0 || strncmp(e->d_name, "farrow-pkg-", 11) != 0)
				continue;
			snprintf(sig, sizeof(sig), "%s/%s.sig", dirs[i], e->d_name);
			snprintf(key, sizeof(key), "%s/farrow-signing.gpg", dirs[i]);
			if (access(key, R_OK) != 0)
				snprintf(key, sizeof(key), "%s/keys/farrow-signing.gpg", dirs[i]);
			if (access(sig, R_OK) != 0)
				continue;
			snprintf(w->bundle, sizeof(w->bundle), "%s/%s", dirs[i], e->d_name);
			snprintf(w->bundle_key, sizeof(w->bundle_key), "%s", access(key, R_OK) == 0 ? key : "");
			break;
		}
		if (d)
			closedir(d);
	}
	if (*w->bundle && *w->bundle_key) {
		struct fr_bundle_check check;
		struct fr_err err = { 0 };

		snprintf(w->bundle_note, sizeof(w->bundle_note), "%.200s: %s", w->bundle,
			 fr_bundle_verify(w->bundle, w->bundle_key, NULL, &check, &err) == 0 ? "signature good"
												       : "DOES NOT VERIFY");
		fr_bundle_check_release(&check);
	} else if (*w->bundle)
		snprintf(w->bundle_note, sizeof(w->bundle_note), "%.200s: no farrow-signing.gpg beside it", w->bundle);
	snprintf(w->inst_bundle, sizeof(w->inst_bundle), "%s", w->bundle);
	snprintf(w->inst_key, sizeof(w->inst_key), "%s", w->bundle_key);
}

static int step_welcome(struct wiz *w)
{
	struct fr_detect *d = &w->det;
	int k, r, i;
	char ips[256] = "";

	for (i = 0; i < (int)d->nips && strlen(ips) < 200; i++)
		snprintf(ips + strlen(ips), sizeof(ips) - strlen(ips), "%s%s", i ? ", " : "", d->ips[i]);
	tw_frame(w, "Enter next   F1 help   Ctrl-C quit");
	tw_text(4, 4, "This wizard writes an inventory (Pigsty's format) for your PostgreSQL");
	tw_text(5, 4, "nodes from a profile template, then can install them from an offline bundle");
	tw_text(6, 4, "Nothing is written before step 7.");
	attron(A_BOLD);
	tw_text(8, 4, "This machine");
	attroff(A_BOLD);
	tw_text(9, 6, "OS         %s, %s %s", *d->pretty ? d->pretty : "unknown", d->kernel, d->arch);
	tw_text(10, 6, "CPUs       %d%s", d->ncpu, fr_tiny_host(d->ncpu) ? " (fewer than 4: tiny tuning)" : "");
	tw_text(11, 6, "memory     %.1f GiB", (double)d->mem_mib / 1024);
	tw_text(12, 6, "packages   %s", *d->pkg ? d->pkgmgr : "none found: farrow needs dpkg/apt or rpm/dnf");
	tw_text(13, 6, "addresses  %s", *ips ? ips : "none besides loopback");
	tw_text(14, 6, "bundle     %.64s", w->bundle_note);
	if (strlen(w->bundle_note) > 64)
		tw_text(15, 17, "%.64s", w->bundle_note + 64);
	refresh();
	for (;;) {
		k = getch();
		if ((r = tw_common_key(w, k)) != 0)
			return r;
		if (tw_is_enter(k))
			return R_NEXT;
	}
}

const struct tw_screen tw_screen_welcome = {
	"Welcome",
	"What this machine is, as farrow detects it, and the offline bundle\n"
	"found beside farrow or on the install medium (its signature is checked).\n"
	"Nothing is written before step 7.",
	step_welcome,
};
