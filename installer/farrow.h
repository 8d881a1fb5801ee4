/* farrow.h -- the commands of `farrow` and what they share. */
/* SPDX-License-Identifier: MIT */
#ifndef FARROW_H
#define FARROW_H

#include "cli.h"

#ifndef FARROW_VERSION
#define FARROW_VERSION "0.1.0"
#endif
#include "inventory.h"

/*
 * Adding a command: write cmd-<verb>.c with int cmd_<verb>(int argc, char
 * **argv) (argv[0] is the verb; parse options with getopt_long; --help to
 * stdout and exit 0, usage errors to stderr and FR_EXIT_USAGE), add its row
 * to cmds[] in farrow.c, its section to docs/man/farrow.1, and a bats file
 * test/bats/2NNN-farrow-<verb>.bats.
 */
int cmd_configure(int argc, char **argv);
int cmd_inventory(int argc, char **argv);
int cmd_install(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_drill(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_iso(int argc, char **argv);
int cmd_answer(int argc, char **argv);
int cmd_pitr(int argc, char **argv);

/* Run cmd on host h over SSH (base: key, known hosts, timeout; the inventory's ansible_* per
 * host), in (may be NULL) on its standard input; 0 when it exited 0, its output in out (may be
 * NULL). installer/remote.c. */
struct fr_ssh_opts;
struct fr_buf;
struct fr_err;
int farrow_on_host(const struct fr_inventory *inv, const struct fr_host *h, const struct fr_ssh_opts *base,
		   const char *cmd, const char *in, struct fr_buf *out, struct fr_err *err);

/* An answer file loaded and checked as `farrow answer check` does (diagnostics printed); with
 * with_inventory, its host must be in the inventory (the one given, else the one the answer file
 * names beside it). NULL with *rc the exit status when it does not hold. */
struct fr_answerfile;
struct fr_answerfile *farrow_answer_load(const char *path, const char *inventory, int with_inventory, int *rc);
int cmd_seed(int argc, char **argv);

/* The farrow-firstboot binary for nodes: given (--firstboot), else $FARROW_FIRSTBOOT, else the one
 * beside this farrow, else /usr/local/bin/farrow-firstboot. Free the result. */
char *farrow_firstboot_path(const char *given);

/* Host's profile from the inventory file (checked; its certificates under pki_dir, default
 * files/pki beside the inventory, made when needed), appended to out (wipe it): what farrow
 * profile writes and farrow seed carries. An exit status; errors printed, prefixed with verb. */
struct fr_buf;
/* Where a node keeps bundle (a <name>.tar.zst) once unpacked, as its profile names it:
 * FR_NODE_DIR/bundles/<name> (nothing of the bundle is read: its verified top directory is
 * checked against this later). NULL, said under verb, when the file is not named like a bundle. */
char *farrow_bundle_node_dir(const char *verb, const char *bundle);
int farrow_host_profile(const char *verb, const char *inventory, const char *host, const char *pki_dir,
			const char *bundle_dir, struct fr_buf *out);


#endif
