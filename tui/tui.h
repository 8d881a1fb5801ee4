/* tui.h -- the ncurses wizard of `farrow configure`: it collects answers; lib/configure does the work. */
/* SPDX-License-Identifier: MIT */
#ifndef FARROW_TUI_H
#define FARROW_TUI_H

/* What the command line already said: the wizard starts from these answers. */
struct tui_prefill {
	const char *conf;      /* template name, or NULL for meta */
	const char *ip;        /* primary IP, or NULL: detected */
	int pg_version;        /* 0: the template's */
	const char *region;    /* NULL: keep the template's (offline, the local bundle) */
	const char *output;    /* where to write */
	int proxy;
	const char *http_proxy, *https_proxy, *all_proxy, *no_proxy;
	int ssh_port;
	int live;              /* the install medium's live system: the disk, this machine, erase + install */
};

/*
 * Run the wizard on the terminal. Returns farrow's exit status: 0 written
 * (and installed, when asked and it worked), 1 quit or failed (nothing
 * written when quit before the write step).
 */
int tui_configure(const struct tui_prefill *pre);

#endif
