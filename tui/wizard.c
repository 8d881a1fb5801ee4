/* wizard.c -- the ncurses wizard of `farrow configure` (ncurses, menu, form, panel): its screens
 * in order, and the loop that runs them. */
/* SPDX-License-Identifier: MIT */
/*
 * Eight screens (screen-*.c), each a struct tw_screen: a function that builds its widgets from
 * the answers in struct wiz (wiz.h), runs its keys, and tears the widgets down again. The
 * answers go to lib/configure (the same engine as the flags), so the same answers give the
 * same file.
 */
#define _GNU_SOURCE
#include <locale.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "params.h"
#include "wiz.h"
#include "xalloc.h"

const struct tw_screen *const tw_screens[] = {
	&tw_screen_welcome, &tw_screen_template, &tw_screen_network, &tw_screen_pg,
	&tw_screen_credentials, &tw_screen_review, &tw_screen_write, &tw_screen_install,
};
const int tw_nscreens = (int)(sizeof(tw_screens) / sizeof(tw_screens[0]));
/* the install medium's: the inventory, then this machine's disk and node instead of SSH */
const struct tw_screen *const tw_live_screens[] = {
	&tw_screen_welcome, &tw_screen_template, &tw_screen_network, &tw_screen_pg, &tw_screen_credentials,
	&tw_screen_review, &tw_screen_write, &tw_screen_disk, &tw_screen_machine, &tw_screen_erase,
};
const int tw_nlive_screens = (int)(sizeof(tw_live_screens) / sizeof(tw_live_screens[0]));

const char *const tw_regions[4] = { "offline: the local bundle (keep the template's)", "default upstream mirrors",
				    "china mirrors", "europe mirrors" };
const char *const tw_region_values[4] = { NULL, "default", "china", "europe" };

volatile sig_atomic_t tw_got_term;

static void on_term(int sig)
{
	(void)sig;
	tw_got_term = 1;
}

int tui_configure(const struct tui_prefill *pre)
{
	struct wiz w;
	struct sigaction sa;
	int r = R_REDRAW, i, status = 1;
	const char *const *names = fr_template_names();

	memset(&w, 0, sizeof(w));
	w.pre = *pre;
	w.screens = pre->live ? tw_live_screens : tw_screens;
	w.nscreens = pre->live ? tw_nlive_screens : tw_nscreens;
	if (pre->live) {
		char cwd[PATH_MAX - 16];

		snprintf(w.answer_dir, sizeof(w.answer_dir), "%s/answer", getcwd(cwd, sizeof(cwd)) ? cwd : "/run/farrow/wizard");
	}
	w.gen = 1;
	w.pgsel = -1;
	w.templates = names;
	while (names[w.ntemplates])
		w.ntemplates++;
	for (i = 0; i < w.ntemplates; i++)
		if (pre->conf && strcmp(pre->conf, names[i]) == 0)
			w.tpl = i;
	for (i = 0; i < 4; i++)
		if (tw_region_values[i] && pre->region && strcmp(tw_region_values[i], pre->region) == 0)
			w.region = i;
	snprintf(w.output, sizeof(w.output), "%s", pre->output ? pre->output : "farrow.yml");
	fr_detect_run(&w.det, NULL);
	w.ncands = (int)w.det.nips;
	w.cands = w.det.ips;
	snprintf(w.ip[0], sizeof(w.ip[0]), "%s", pre->ip ? pre->ip : w.ncands ? w.cands[0] : FR_PLACEHOLDER_IP);
	if (getenv("HOME"))
		snprintf(w.ssh_key, sizeof(w.ssh_key), "%s/.ssh/id_ed25519", getenv("HOME"));
	tw_find_bundle(&w);
	tw_load_nodes(&w);
	if (fr_pg_version_ok(pre->pg_version))
		w.pgsel = pre->pg_version - FR_PG_VERSION_MIN;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	setlocale(LC_ALL, "");
	initscr();
	raw(); /* Ctrl-C is a key: it asks before it quits */
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (has_colors() && getenv("NO_COLOR") == NULL) {
		start_color();
		init_pair(C_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(C_ERR, COLOR_RED, COLOR_BLACK);
		init_pair(C_OK, COLOR_GREEN, COLOR_BLACK);
		w.color = 1;
	}
	for (;;) {
		if (tw_big_enough(&w) == R_QUIT) {
			r = R_QUIT;
			break;
		}
		r = w.screens[w.step]->run(&w);
		if (r == R_QUIT || r == R_DONE)
			break;
		if (r == R_NEXT && w.step < w.nscreens - 1)
			w.step++;
		else if (r == R_BACK && w.step > 0)
			w.step--;
	}
	endwin();
	if (r == R_DONE)
		status = 0;
	if (w.written)
		printf("farrow configure: wrote %s (mode 0600)\n", w.output);
	else
		printf("farrow configure: quit; nothing written\n");
	if (w.reboot) {
		const char *argv[] = { "systemctl", "reboot", NULL };
		pid_t pid = fork();

		printf("farrow configure: rebooting into the installed node\n");
		fflush(stdout);
		if (pid == 0) {
			execvp(argv[0], (char *const *)argv);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	fr_wipe(w.root_pw, sizeof(w.root_pw));
	tw_disks_release(&w);
	fr_configure_release(&w.c);
	fr_strv_free(w.labels, w.nlabels);
	if (w.pw)
		fr_wipe(w.pw, sizeof(*w.pw) * 2 * (size_t)w.nlabels);
	free(w.pw);
	for (i = 0; i < 4; i++)
		free(w.node_tpl[i]);
	fr_detect_release(&w.det);
	return w.written && r != R_QUIT ? 0 : status;
}
