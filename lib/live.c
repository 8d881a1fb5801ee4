/* live.c -- the live system's units in its root (see live.h). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "live.h"
#include "medium.h"
#include "xalloc.h"

/* The medium checked before anything else; nothing that could write a disk (nor a login) starts
 * when it fails: each of those Requires it. On a node, farrow.live is not on the command line. */
static const char check_unit[] =
	"[Unit]\n"
	"Description=farrow live system: the install medium checked against its signed list\n"
	"ConditionKernelCommandLine=farrow.live\n"
	"Before=getty.target farrow-rescue.service farrow-wizard.service " FR_LIVE_INSTALL_UNIT "\n"
	"\n"
	"[Service]\n"
	"Type=oneshot\n"
	"RemainAfterExit=yes\n"
	"ExecStart=/usr/local/sbin/farrow-firstboot medium-check\n"
	"StandardOutput=journal+console\n"
	"StandardError=journal+console\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n";

#define SHELL_UNIT(desc, cond)                                                                                \
	"[Unit]\n"                                                                                            \
	"Description=farrow live system: " desc "\n" cond                                                     \
	"Requires=farrow-medium-check.service\n"                                                              \
	"After=farrow-medium-check.service\n"                                                                 \
	"Conflicts=getty@tty1.service serial-getty@ttyS0.service\n"                                           \
	"\n"                                                                                                  \
	"[Service]\n"                                                                                         \
	"Type=idle\n"                                                                                         \
	"Environment=FARROW_MEDIUM=" FR_MEDIUM_MOUNT "\n"                                                     \
	"ExecStart=/usr/local/sbin/farrow-firstboot rescue-menu\n"                                            \
	"StandardInput=tty\n"                                                                                 \
	"StandardOutput=tty\n"                                                                                \
	"TTYPath=/dev/console\n"                                                                              \
	"TTYReset=yes\n"                                                                                      \
	"TTYVHangup=yes\n"                                                                                    \
	"Restart=always\n"

/* the rescue menu (dialog): the logs onto a USB stick, a root shell, reboot, power off */
static const char rescue_unit[] = SHELL_UNIT("the rescue menu on the console", "ConditionKernelCommandLine=farrow.mode=rescue\n")
	"\n[Install]\nWantedBy=multi-user.target\n";

/* the same menu, started by the installer when it fails and the answer file says on_error: shell */
static const char shell_unit[] = SHELL_UNIT("the rescue menu on the console after a failed install", "");

static const char install_unit[] =
	"[Unit]\n"
	"Description=farrow live system: the unattended install from the medium's answer file\n"
	"ConditionKernelCommandLine=farrow.mode=unattended\n"
	"Requires=farrow-medium-check.service\n"
	"After=farrow-medium-check.service systemd-udev-settle.service\n"
	"Conflicts=getty@tty1.service serial-getty@ttyS0.service\n"
	"\n"
	"[Service]\n"
	"Type=oneshot\n"
	"ExecStart=/usr/local/sbin/farrow-firstboot install\n"
	"StandardOutput=journal\n"
	"StandardError=journal\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n";

/* the wizard: farrow's own, from the medium (its libraries are in the live root) */
static const char wizard_unit[] =
	"[Unit]\n"
	"Description=farrow live system: the install wizard on the console\n"
	"ConditionKernelCommandLine=farrow.mode=wizard\n"
	"Requires=farrow-medium-check.service\n"
	"After=farrow-medium-check.service systemd-udev-settle.service\n"
	"Conflicts=getty@tty1.service serial-getty@ttyS0.service\n"
	"\n"
	"[Service]\n"
	"Type=idle\n"
	"RuntimeDirectory=farrow/wizard\n"
	"RuntimeDirectoryMode=0700\n"
	"WorkingDirectory=/run/farrow/wizard\n"
	"ExecStart=" FR_MEDIUM_MOUNT "/farrow/farrow configure --live\n"
	"StandardInput=tty\n"
	"StandardOutput=tty\n"
	"TTYPath=/dev/console\n"
	"TTYReset=yes\n"
	"TTYVHangup=yes\n"
	"Restart=always\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n";

static const char getty_dropin[] =
	"# farrow live system: no login before the medium holds (a node skips farrow-medium-check)\n"
	"[Unit]\n"
	"Requires=farrow-medium-check.service\n"
	"After=farrow-medium-check.service\n";

static const char not_live_dropin[] =
	"# farrow live system: a node's own units do not run on the install medium\n"
	"[Unit]\n"
	"ConditionKernelCommandLine=!farrow.live\n";

#define UNITS "/etc/systemd/system/"
#define WANTS UNITS "multi-user.target.wants/"

static const struct {
	const char *path, *text;
	int enabled; /* a link in multi-user.target.wants */
} files[] = {
	{ UNITS "farrow-medium-check.service", check_unit, 1 },
	{ UNITS "farrow-rescue.service", rescue_unit, 1 },
	{ UNITS FR_LIVE_INSTALL_UNIT, install_unit, 1 },
	{ UNITS "farrow-wizard.service", wizard_unit, 1 },
	{ UNITS FR_LIVE_SHELL_UNIT, shell_unit, 0 },
	{ UNITS "getty@.service.d/farrow-live.conf", getty_dropin, 0 },
	{ UNITS "serial-getty@.service.d/farrow-live.conf", getty_dropin, 0 },
	{ UNITS "farrow-firstboot.service.d/farrow-live.conf", not_live_dropin, 0 },
	{ UNITS "farrow-seed.service.d/farrow-live.conf", not_live_dropin, 0 },
};

#define NFILES (sizeof(files) / sizeof(files[0]))

int fr_live_units(const char *root, struct fr_err *err)
{
	size_t i;
	int r = 0;

	for (i = 0; r == 0 && i < NFILES; i++) {
		char *dir = fr_xstrdup(files[i].path), *base = strrchr(files[i].path, '/') + 1;

		*strrchr(dir, '/') = '\0';
		if ((r = fr_mkdir_in(root, dir, 0755, err)) == 0)
			r = fr_write_in(root, files[i].path, files[i].text, 0644, err);
		if (r == 0 && files[i].enabled) {
			char *target = fr_xasprintf("../%s", base), *link = fr_xasprintf(WANTS "%s", base);

			if ((r = fr_mkdir_in(root, WANTS, 0755, err)) == 0)
				r = fr_symlink_in(root, target, link, err);
			free(target);
			free(link);
		}
		free(dir);
	}
	return r;
}

static int remove_in(const char *root, const char *path, struct fr_err *err)
{
	char *p = fr_xasprintf("%s%s", root, path);
	int r = 0;

	if (unlink(p) < 0 && errno != ENOENT)
		r = fr_err_set(err, FR_EIO, "cannot remove %s: %s", p, strerror(errno));
	free(p);
	return r;
}

int fr_live_units_remove(const char *root, struct fr_err *err)
{
	size_t i;
	int r = 0;

	for (i = 0; r == 0 && i < NFILES; i++) {
		const char *base = strrchr(files[i].path, '/') + 1;

		r = remove_in(root, files[i].path, err);
		if (r == 0 && files[i].enabled) {
			char *link = fr_xasprintf(WANTS "%s", base);

			r = remove_in(root, link, err);
			free(link);
		}
		if (r == 0 && strstr(files[i].path, ".d/")) {
			/* the drop-in's directory goes when nothing else is in it */
			char *d = fr_xasprintf("%s%s", root, files[i].path);

			*strrchr(d, '/') = '\0';
			if (rmdir(d) < 0 && errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST)
				r = fr_err_set(err, FR_EIO, "cannot remove %s: %s", d, strerror(errno));
			free(d);
		}
	}
	return r;
}
