/* cmd-profile.c -- `farrow profile`: write one node's profile, the file a node converges from. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "err.h"
#include "farrow.h"
#include "fileio.h"
#include "profile.h"
#include "xalloc.h"

#define PROFILE_USAGE                                                                                   \
	"usage: farrow profile <inventory> --host <ip> [-o <file>] [--pki <dir>] [--bundle-dir <dir>]\n"    \
	"\n"                                                                                                \
	"Write the profile of one node of the inventory: what farrow-firstboot converges it to\n"          \
	"(/etc/farrow/profile.yml on the node; format version 1, farrow-firstboot(8)). It carries\n"       \
	"every parameter resolved for that host (the node applies no defaults of its own), its\n"          \
	"identities, the members of its clusters, the farrow CA's certificate and its own certificate\n"  \
	"and key, and only the credentials its modules read. farrow install writes the same bytes;\n"      \
	"node images, seed volumes and answer files embed them.\n"                                         \
	"\n"                                                                                                \
	"  --host <ip>         the node\n"                                                                  \
	"  -o, --output <file> written atomically, mode 0600 (default: standard output)\n"                  \
	"  --pki <dir>         the farrow CA and host certificates (default: files/pki beside the\n"       \
	"                      inventory; the CA is made there once, a host's certificate when needed)\n" \
	"  --bundle-dir <dir>  where the node has its unpacked bundle (the profile's bundle:)\n"            \
	"\n"                                                                                                \
	"exit status: 0 written, 1 failed, 2 usage, 3 invalid inventory\n"

int farrow_host_profile(const char *verb, const char *inventory, const char *host, const char *pki_dir,
			const char *bundle_dir, struct fr_buf *out)
{
	struct fr_inventory *inv = NULL;
	struct fr_err err = { 0 };
	struct fr_profile_pki paths = { 0 };
	const struct fr_host *h;
	char *pki = pki_dir ? fr_xstrdup(pki_dir) : NULL;
	int r = FR_EXIT_FAIL, made = 0;

	if (fr_inv_load_file(inventory, &inv, &err) < 0) {
		fr_cli_error("%s: %s", verb, err.msg);
		goto out;
	}
	if (fr_inv_validate(inv) > 0) {
		fr_cli_print_diags(inv->path, &inv->diags, "inventory", 1);
		r = FR_EXIT_INVALID;
		goto out;
	}
	if ((h = fr_inv_host(inv, host)) == NULL) {
		fr_cli_error("%s: host '%s' is not in '%s'", verb, host, inventory);
		r = FR_EXIT_USAGE;
		goto out;
	}
	if (pki == NULL) {
		char *copy = fr_xstrdup(inventory);

		pki = fr_xasprintf("%s/files/pki", dirname(copy));
		free(copy);
	}
	if (fr_profile_pki_ensure(pki, inv, h, &paths, &made, &err) < 0) {
		fr_cli_error("%s: %s", verb, err.msg);
		goto out;
	}
	if (made)
		fprintf(stderr, "farrow CA made in %s/ca (ca.key is mode 0600: keep it; every node's certificate hangs "
				"on it)\n", pki);
	if (fr_profile_render(inv, h, bundle_dir, &paths, out, &err) < 0) {
		fr_cli_error("%s: %s", verb, err.msg);
		goto out;
	}
	r = FR_EXIT_OK;
out:
	fr_profile_pki_release(&paths);
	fr_inv_free(inv);
	free(pki);
	return r;
}

int cmd_profile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },   { "output", required_argument, NULL, 'o' },
		{ "pki", required_argument, NULL, 'P' },    { "bundle-dir", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
	};
	const char *host = NULL, *output = NULL, *bundle_dir = NULL;
	char *pki = NULL;
	struct fr_err err = { 0 };
	struct fr_buf out = FR_BUF_INIT;
	int c, r = FR_EXIT_FAIL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			host = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'P':
			free(pki);
			pki = fr_xstrdup(optarg);
			break;
		case 'B':
			bundle_dir = optarg;
			break;
		case 'h':
			fputs(PROFILE_USAGE, stdout);
			free(pki);
			return FR_EXIT_OK;
		default:
			fputs(PROFILE_USAGE, stderr);
			free(pki);
			return FR_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || host == NULL) {
		fputs(PROFILE_USAGE, stderr);
		free(pki);
		return FR_EXIT_USAGE;
	}
	if ((r = farrow_host_profile("profile", argv[optind], host, pki, bundle_dir, &out)) != FR_EXIT_OK)
		goto out;
	r = FR_EXIT_FAIL;
	if (output) {
		if (fr_write_atomic(output, out.buf, out.len, 0600, 0, &err) < 0) {
			fr_cli_error("profile: %s", err.msg);
			goto out;
		}
	} else if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		fr_cli_error("profile: cannot write to standard output");
		goto out;
	}
	r = FR_EXIT_OK;
out:
	fr_buf_wipe(&out);
	free(pki);
	return r;
}
