/* ssh.h -- run commands on and copy files to a node over SSH (libssh2), host keys checked. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_SSH_H
#define FR_SSH_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "inventory.h"

struct fr_ssh;

struct fr_ssh_opts {
	const char *host;
	int port;                 /* 0: 22 */
	const char *user;         /* NULL: root */
	const char *key;          /* private key file; NULL: ~/.ssh/id_ed25519, then id_rsa */
	const char *known_hosts;  /* NULL: ~/.ssh/known_hosts */
	int accept_new;           /* an unknown host key is recorded and accepted (ssh's accept-new) */
	int timeout;              /* seconds for connecting and for each step; 0: 10 */
};

/*
 * The options to reach host h of inv: base's key, known_hosts, accept_new and timeout (the
 * command line's), with the host's address and the inventory's ansible_port and ansible_user
 * (host > cluster > global, as Ansible). The one place the inventory's SSH settings are read.
 */
void fr_ssh_opts_for_host(const struct fr_inventory *inv, const struct fr_host *h, const struct fr_ssh_opts *base,
			  struct fr_ssh_opts *out);

/*
 * Connect, check the host key against known_hosts (a mismatch is always
 * refused; an unknown key unless accept_new), authenticate with the key.
 * Returns NULL with err filled: FR_ENOTFOUND when the host cannot be
 * reached, FR_ECRYPTO for host-key and authentication failures.
 */
struct fr_ssh *fr_ssh_connect(const struct fr_ssh_opts *o, struct fr_err *err);
void fr_ssh_close(struct fr_ssh *s);

/* How long a step may block from now on (a long package install is silent for minutes). */
void fr_ssh_set_timeout(struct fr_ssh *s, int seconds);

/*
 * Run cmd (a shell command line on the node); its output goes to out and
 * errout (either may be NULL), its exit status to *status. in/inlen, if
 * given, is its standard input. Returns 0 or FR_EIO.
 */
int fr_ssh_exec(struct fr_ssh *s, const char *cmd, const void *in, size_t inlen, struct fr_buf *out,
		struct fr_buf *errout, int *status, struct fr_err *err);

/* Copy the local file to remote path (written as path.part, then renamed) with mode. */
int fr_ssh_put(struct fr_ssh *s, const char *local, const char *remote, int mode, struct fr_err *err);

#endif
