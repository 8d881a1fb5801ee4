/* exec.h -- run a program (never through a shell) and collect what it prints. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_EXEC_H
#define FR_EXEC_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/*
 * Run argv[0] (searched in PATH) with argv. in/inlen (may be NULL) is fed to
 * its standard input; its standard output and error are appended to out and
 * errout (either may be NULL: then discarded). env, if not NULL, is a
 * NULL-terminated list of "NAME=value" added to the environment.
 * *status gets the exit status (128+signal when killed). The program gets
 * descriptors 0-2 and those its argv names as /proc/self/fd/<n>, nothing
 * else we or our parent hold open.
 * Returns 0 when the program ran (whatever its status), FR_EIO when it
 * could not be started.
 */
int fr_exec(const char *const *argv, const char *const *env, const void *in, size_t inlen,
	    struct fr_buf *out, struct fr_buf *errout, int *status, struct fr_err *err);

/* Kill (SIGKILL) and reap the program fr_exec is running now, if any: async-signal-safe, for a
 * fatal-signal handler (a gpg writing a secret key must not outlive us). */
void fr_exec_kill_child(void);

/*
 * Run a tool as fr_exec does (in may be NULL), its output kept: 0 when it exits 0; otherwise
 * FR_EIO with err "<tool> failed (exit N): <its last few lines>" (or fr_exec's own error when it
 * could not start). For the build tools farrow drives (mmdebstrap, tar, sfdisk, mke2fs, ...).
 */
int fr_exec_tool(const char *const *argv, const char *const *env, const char *in, struct fr_err *err);

/* 1 if a program of that name is in PATH. */
int fr_exec_have(const char *prog);

#endif
