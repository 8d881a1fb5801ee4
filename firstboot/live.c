/* live.c -- what the ISO's live system runs before anything else: `farrow-firstboot medium-check`,
 * the medium's signed file list (lib/medium.c) against the key the live root carries and every
 * file against the list. A failure ends in a full-screen message naming the files, and the
 * units that could write a disk do not start (they require farrow-medium-check.service). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "answerfile.h"
#include "cli.h"
#include "disksurvey.h"
#include "err.h"
#include "exec.h"
#include "fb.h"
#include "fileio.h"
#include "medium.h"
#include "xalloc.h"

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

/* The disk the medium is on (its mount's source, /dev/sr0 or /dev/sdb1 -> "sr0", "sdb"), or "". */
static void medium_disk(char *out, size_t n)
{
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;

	out[0] = '\0';
	if (fr_read_file("/proc/self/mounts", 1 << 20, &text, &len, NULL) < 0)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char src[256], dst[256];

		if (sscanf(line, "%255s %255s", src, dst) == 2 && strcmp(dst, FR_MEDIUM_MOUNT) == 0 &&
		    strncmp(src, "/dev/", 5) == 0) {
			snprintf(out, n, "%.60s", src + 5);
			break;
		}
	}
	free(text);
}

/* The FAT file system on dev: the whole disk's, else its first FAT partition's offset; -1 if none. */
static long long fat_offset(const char *dev, char *why, size_t n)
{
	struct fr_disk_survey s;
	struct fr_err err = { 0 };
	long long off = -1;
	size_t i;

	if (fr_disk_survey(dev, &s, &err) < 0) {
		snprintf(why, n, "%.200s cannot be read: %.300s", dev, err.msg);
		return -1;
	}
	if (strcmp(s.whole, "vfat") == 0)
		off = 0;
	for (i = 0; off < 0 && i < s.nparts; i++)
		if (strcmp(s.parts[i].fstype, "vfat") == 0)
			off = s.parts[i].start;
	if (off < 0)
		snprintf(why, n, "%s has no FAT file system (nothing is formatted: give a stick with one)", dev);
	fr_disk_survey_release(&s);
	return off;
}

int fb_export_logs(const char *device, const char *sysfs, const char *devdir, const char *log)
{
	static const char *const env[] = { "MTOOLS_SKIP_CHECK=1", "LC_ALL=C", NULL };
	struct fr_err err = { 0 };
	char dev[512] = "", why[600] = "", mdisk[64], stamp[32], spec[600], dir[64];
	long long off = -1;
	time_t now = time(NULL);
	struct tm tm;
	int r = FR_EXIT_FAIL;

	if (device) {
		snprintf(dev, sizeof(dev), "%s", device);
		off = fat_offset(dev, why, sizeof(why));
	} else {
		/* a removable disk that is not the medium, with a FAT file system on it */
		struct fr_disk *v = NULL;
		size_t nd = 0, i;

		medium_disk(mdisk, sizeof(mdisk));
		if (fr_disks_list(sysfs, &v, &nd, &err) < 0) {
			fr_cli_error("export-logs: %s", err.msg);
			return FR_EXIT_FAIL;
		}
		snprintf(why, sizeof(why), "no removable disk besides the medium: plug in a USB stick with a FAT file system");
		for (i = 0; i < nd && off < 0; i++) {
			if (!v[i].removable || (*mdisk && strncmp(mdisk, v[i].name, strlen(v[i].name)) == 0))
				continue;
			snprintf(dev, sizeof(dev), "%s/%s", devdir, v[i].name);
			off = fat_offset(dev, why, sizeof(why));
		}
		free(v);
	}
	if (off < 0) {
		fr_cli_error("export-logs: %s", why);
		return FR_EXIT_FAIL;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(dir, sizeof(dir), "farrow-logs-%s", stamp);
	snprintf(spec, sizeof(spec), "%s@@%lld", dev, off);
	{
		char *to = fr_xasprintf("::%s", dir);
		const char *md[] = { "mmd", "-i", spec, to, NULL };

		r = fr_exec_tool(md, env, NULL, &err);
		free(to);
		if (r < 0) {
			fr_cli_error("export-logs: %s", err.msg);
			return FR_EXIT_FAIL;
		}
	}
	{
		/* the installer's log, this boot's journal and kernel messages, the command line */
		const struct {
			const char *name;
			const char *const argv[6];
			const char *file;
		} items[] = {
			{ "install.log", { NULL }, log },
			{ "journal.txt", { "journalctl", "-b", "--no-pager", "-o", "short-iso", NULL }, NULL },
			{ "dmesg.txt", { "dmesg", NULL }, NULL },
			{ "cmdline.txt", { NULL }, "/proc/cmdline" },
		};
		size_t i, n = 0;

		for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
			struct fr_buf out = FR_BUF_INIT;
			char *tmp = fr_xasprintf("/tmp/farrow-export-%d-%s", (int)getpid(), items[i].name);
			char *to = fr_xasprintf("::%s/%s", dir, items[i].name);
			const char *cp[] = { "mcopy", "-i", spec, tmp, to, NULL };
			char *data = NULL;
			size_t len = 0;
			int st = 0, have = 0;

			if (items[i].file && fr_read_file(items[i].file, 64u << 20, &data, &len, NULL) == 0) {
				fr_buf_addn(&out, data, len);
				have = 1;
			} else if (items[i].argv[0] && fr_exec(items[i].argv, NULL, NULL, 0, &out, NULL, &st, NULL) == 0 && st == 0)
				have = 1;
			free(data);
			if (have && fr_write_atomic(tmp, out.buf ? out.buf : "", out.len, 0600, 0, &err) == 0 &&
			    fr_exec_tool(cp, env, NULL, &err) == 0) {
				printf("farrow-firstboot: export-logs: %s/%s (%zu bytes)\n", dir, items[i].name, out.len);
				n++;
			} else if (have)
				fr_cli_error("export-logs: %s: %s", items[i].name, err.msg);
			unlink(tmp);
			free(tmp);
			free(to);
			fr_buf_release(&out);
		}
		if (n == 0) {
			fr_cli_error("export-logs: nothing could be written to %s", dev);
			return FR_EXIT_FAIL;
		}
	}
	sync();
	printf("farrow-firstboot: export-logs: written to %s (its FAT file system at byte %lld), folder %s: the stick can "
	       "be removed\n", dev, off, dir);
	return FR_EXIT_OK;
}

/* Run argv on the terminal (inherited), wait; its exit status, or -1. With out: its fd 3 there. */
static int run_tty(const char *const *argv, struct fr_buf *out)
{
	int p[2] = { -1, -1 }, st = 0;
	pid_t pid;

	if (out && pipe(p) < 0)
		return -1;
	if ((pid = fork()) == 0) {
		if (out) {
			close(p[0]);
			dup2(p[1], 3);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (out) {
		char buf[256];
		ssize_t n;

		close(p[1]);
		while (pid > 0 && (n = read(p[0], buf, sizeof(buf))) > 0)
			fr_buf_addn(out, buf, (size_t)n);
		close(p[0]);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int fb_rescue_menu(const char *log)
{
	char *text = NULL, *last = NULL;
	size_t len = 0;

	if (!fr_exec_have("dialog")) {
		const char *sh[] = { "/bin/bash", "-l", NULL };

		printf("farrow rescue shell (no dialog here): the medium is at " FR_MEDIUM_MOUNT "; farrow-firstboot export-logs "
		       "writes the logs to a USB stick\n");
		fflush(stdout);
		execv(sh[0], (char *const *)sh);
		return FR_EXIT_FAIL;
	}
	/* after a failed install: its last failed step, said above the menu */
	if (fr_read_file(log, 16u << 20, &text, &len, NULL) == 0) {
		char *line, *save = NULL;

		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (strstr(line, " failed "))
				last = line;
	}
	for (;;) {
		struct fr_buf choice = FR_BUF_INIT, msg = FR_BUF_INIT;
		const char *argv[24];
		int n = 0, r;

		fr_buf_addf(&msg, "%s%.300s%sThe medium is at " FR_MEDIUM_MOUNT ", the installer's log at %s. Nothing is "
				  "written to a disk unless you write it.",
			    last ? "The install FAILED:\n  " : "", last ? last : "", last ? "\n\n" : "", log);
		argv[n++] = "dialog";
		argv[n++] = "--output-fd";
		argv[n++] = "3";
		argv[n++] = "--backtitle";
		argv[n++] = "farrow live system";
		argv[n++] = "--no-cancel";
		argv[n++] = "--cr-wrap";
		argv[n++] = "--title";
		argv[n++] = "Rescue";
		argv[n++] = "--menu";
		argv[n++] = msg.buf;
		argv[n++] = "18";
		argv[n++] = "76";
		argv[n++] = "4";
		argv[n++] = "logs";
		argv[n++] = "Write the logs to a USB stick (its FAT file system)";
		argv[n++] = "shell";
		argv[n++] = "A root shell (exit comes back here)";
		argv[n++] = "reboot";
		argv[n++] = "Reboot";
		argv[n++] = "poweroff";
		argv[n++] = "Power off";
		argv[n] = NULL;
		r = run_tty(argv, &choice);
		fr_buf_release(&msg);
		if (r != 0 || choice.len == 0) {
			fr_buf_release(&choice);
			continue;
		}
		if (strcmp(choice.buf, "logs") == 0) {
			/* export-logs in a child, its words in a box */
			struct fr_buf said = FR_BUF_INIT, errs = FR_BUF_INIT;
			char self[4096];
			ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
			const char *ex[] = { self, "export-logs", "--log", log, NULL };
			struct fr_err err = { 0 };
			int st = 0;

			self[sl > 0 ? sl : 0] = '\0';
			fr_exec(ex, NULL, NULL, 0, &said, &errs, &st, &err);
			if (errs.len)
				fr_buf_addn(&said, errs.buf, errs.len);
			fr_buf_release(&errs);
			{
				const char *box[] = { "dialog", "--backtitle", "farrow live system", "--title",
						      st == 0 ? "The logs are on the stick" : "The logs were not written", "--msgbox",
						      said.len ? said.buf : err.msg, "18", "76", NULL };

				run_tty(box, NULL);
			}
			fr_buf_release(&said);
		} else if (strcmp(choice.buf, "shell") == 0) {
			const char *sh[] = { "/bin/bash", "-l", NULL };

			printf("\033[2J\033[Hfarrow rescue shell: the medium is at " FR_MEDIUM_MOUNT "; exit returns to the menu\n");
			fflush(stdout);
			run_tty(sh, NULL);
		} else if (strcmp(choice.buf, "reboot") == 0 || strcmp(choice.buf, "poweroff") == 0) {
			const char *sc[] = { "systemctl", choice.buf, NULL };

			run_tty(sc, NULL);
		}
		fr_buf_release(&choice);
	}
}
