/* live.c -- what the ISO's live system runs before anything else: `farrow-firstboot medium-check`,
 * the medium's signed file list (lib/medium.c) against the key the live root carries and every
 * file against the list. A failure ends in a full-screen message naming the files, and the
 * units that could write a disk do not start (they require farrow-medium-check.service). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "err.h"
#include "fb.h"
#include "medium.h"

struct progress {
	time_t last;
	long long bytes;
};

/* A line every few seconds and for every large file: a stick under a slow reader takes minutes. */
static void progress(const char *path, long long size, size_t done, size_t total, void *ctx)
{
	struct progress *p = ctx;
	time_t now = time(NULL);

	p->bytes += size;
	if (size >= (32LL << 20) || now - p->last >= 5 || done == total) {
		printf("farrow-firstboot: medium-check: %zu/%zu files, %lld MiB: %s\n", done, total, p->bytes >> 20, path);
		fflush(stdout);
		p->last = now;
	}
}

/* The screen an operator sees when the medium does not hold: cleared, framed, the files named. */
static void refuse_screen(const char *dir, const char *why, const char *report)
{
	const char *p = report;
	int n = 0;

	printf("\033[2J\033[H");
	printf("+------------------------------------------------------------------------------+\n");
	printf("|  farrow: THE INSTALL MEDIUM FAILED ITS CHECK                                 |\n");
	printf("+------------------------------------------------------------------------------+\n\n");
	printf("  %s (%s):\n\n", why, dir);
	while (p && *p && n < 12) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		printf("    %.*s\n", len, p);
		n++;
		p = nl ? nl + 1 : NULL;
	}
	if (p && *p)
		printf("    ... and more (the journal of farrow-medium-check.service has them all)\n");
	printf("\n  Nothing was written to any disk, and nothing will be: the installer does not\n"
	       "  start from a medium that fails its check. Write the ISO to the stick again and\n"
	       "  compare its SHA-256 with the one published beside it.\n\n");
	fflush(stdout);
}

int fb_medium_check(const char *dir, const char *key)
{
	struct fr_buf report = FR_BUF_INIT;
	struct fr_err err = { 0 };
	struct progress pr = { time(NULL), 0 };
	size_t nbad = 0, nfiles = 0;
	int r;

	printf("farrow-firstboot: medium-check: %s/" FR_MEDIUM_SUMS " against %s\n", dir, key);
	fflush(stdout);
	r = fr_medium_check(dir, key, progress, &pr, &report, &nbad, &nfiles, &err);
	if (r < 0) {
		refuse_screen(dir, r == FR_ECRYPTO ? "the medium's file list is not signed by the key this system carries"
						   : "the medium's file list cannot be read",
			      err.msg);
		fr_cli_error("medium-check: %s", err.msg);
		fr_buf_release(&report);
		return r == FR_ECRYPTO || r == FR_EINVALID ? FR_EXIT_BADSIG : FR_EXIT_FAIL;
	}
	if (nbad) {
		char why[128];

		snprintf(why, sizeof(why), "%zu of the medium's files do not match its signed list", nbad);
		refuse_screen(dir, why, report.buf);
		fprintf(stderr, "farrow-firstboot: medium-check: FAILED: %zu difference%s:\n%s", nbad, nbad == 1 ? "" : "s",
			report.buf);
		fr_buf_release(&report);
		return FR_EXIT_BADSIG;
	}
	fprintf(stderr, "farrow-firstboot: medium-check: the medium holds: %zu files, %lld MiB, match its signed list\n",
		nfiles, pr.bytes >> 20);
	fr_buf_release(&report);
	return FR_EXIT_OK;
}
