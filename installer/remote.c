/* remote.c -- one command on one node over SSH: what drill and pitr run on the members. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "farrow.h"
#include "ssh.h"

int farrow_on_host(const struct fr_inventory *inv, const struct fr_host *h, const struct fr_ssh_opts *base,
		   const char *cmd, const char *in, struct fr_buf *out, struct fr_err *err)
{
	struct fr_ssh_opts so;
	struct fr_ssh *s;
	int st = -1;

	fr_ssh_opts_for_host(inv, h, base, &so);
	if ((s = fr_ssh_connect(&so, err)) == NULL)
		return -1;
	if (fr_ssh_exec(s, cmd, in, in ? strlen(in) : 0, out, NULL, &st, err) < 0)
		st = -1;
	fr_ssh_close(s);
	return st == 0 ? 0 : -1;
}
