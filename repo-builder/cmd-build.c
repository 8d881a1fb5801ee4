/* cmd-build.c -- `repo-builder build`: manifest in, signed reproducible bundle out. */
/* SPDX-License-Identifier: MIT */
#include "rb.h"

int rb_cmd_build(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	rb_error("build: not yet");
	return FR_EXIT_FAIL;
}

int rb_cmd_verify(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	rb_error("verify: not yet");
	return FR_EXIT_FAIL;
}

int rb_cmd_inspect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	rb_error("inspect: not yet");
	return FR_EXIT_FAIL;
}

int rb_cmd_diff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	rb_error("diff: not yet");
	return FR_EXIT_FAIL;
}
