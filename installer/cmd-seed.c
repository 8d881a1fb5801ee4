/* cmd-seed.c -- `farrow seed`: one node's profile on a small volume, for a generic image. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "err.h"
#include "fileio.h"
#include "farrow.h"
#include "image.h"
#include "profile.h"
#include "xalloc.h"
#include "yamlnode.h"

#define SEED_USAGE                                                                                     \
	"usage: farrow seed <inventory> --host <ip> -o <seed.img> [--image <image> | --bundle-dir <dir>]\n" \
	"                   [--pki <dir>]\n"                                                              \
	"\n"                                                                                               \
	"Write a seed volume for one node of the inventory: a 1 MiB VFAT image labelled " FR_SEED_LABEL "\n" \
	"(as cloud-init's NoCloud uses CIDATA) holding the node's profile as " FR_SEED_PROFILE ", the\n"   \
	"same bytes farrow profile writes (certificates and key included: the file is mode 0600).\n"    \
	"Attach it to a machine booted from a generic image (farrow image build --generic): at boot\n"   \
	"farrow-firstboot seed finds it by its label (or farrow.seed=<device>), checks that the\n"      \
	"profile's host is this machine (its addresses, or farrow.host=), copies it to\n"              \
	"/etc/farrow/profile.yml (0600) and the node converges. A seed for another host is refused.\n" \
	"Made without mounting (mkfs.vfat, mcopy); the same profile gives the same bytes.\n"           \
	"\n"                                                                                               \
	"  --host <ip>          the node\n"                                                                \
	"  -o, --output <file>  the seed image (it must not exist)\n"                                      \
	"  --image <image>      the generic image it is for: the profile names its bundle's place\n"      \
	"  --bundle-dir <dir>   or that place itself (/var/lib/farrow/bundles/<top>)\n"                   \
	"  --pki <dir>          the farrow CA and host certificates (default: files/pki beside the\n"     \
	"                       inventory)\n"                                                            \
	"\n"                                                                                               \
	"exit status: 0 written, 1 failed, 2 usage, 3 invalid inventory\n"

int cmd_seed(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },  { "output", required_argument, NULL, 'o' },
		{ "pki", required_argument, NULL, 'P' },   { "bundle-dir", required_argument, NULL, 'B' },
		{ "image", required_argument, NULL, 'I' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *host = NULL, *output = NULL, *pki = NULL, *bundle_dir = NULL, *image = NULL;
	struct fr_buf prof = FR_BUF_INIT, rec = FR_BUF_INIT;
	struct fr_err err = { 0 };
	char *dir = NULL;
	int c, r = FR_EXIT_FAIL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'H': host = optarg; break;
		case 'o': output = optarg; break;
		case 'P': pki = optarg; break;
		case 'B': bundle_dir = optarg; break;
		case 'I': image = optarg; break;
		case 'h': fputs(SEED_USAGE, stdout); return FR_EXIT_OK;
		default: fputs(SEED_USAGE, stderr); return FR_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || host == NULL || output == NULL || (image && bundle_dir)) {
		fputs(SEED_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	if (image) {
		struct fr_node *n;
		const char *top;

		if (fr_image_record_read(image, &rec, &err) < 0) {
			fr_cli_error("seed: %s", err.msg);
			goto out;
		}
		n = fr_yaml_parse(rec.buf, rec.len, &err);
		top = fr_node_str(fr_node_get(fr_node_get(n, "bundle"), "top"));
		if (top == NULL || fr_path_problem(top, 1)) {
			fr_cli_error("seed: %s: its image.json names no bundle", image);
			fr_node_free(n);
			goto out;
		}
		dir = fr_xasprintf("/var/lib/farrow/bundles/%s", top);
		fr_node_free(n);
		bundle_dir = dir;
	}
	if ((r = farrow_host_profile("seed", argv[optind], host, pki, bundle_dir, &prof)) != FR_EXIT_OK)
		goto out;
	if (fr_seed_build(prof.buf, prof.len, output, &err) < 0) {
		fr_cli_error("seed: %s", err.msg);
		r = err.code == FR_EARG ? FR_EXIT_USAGE : FR_EXIT_FAIL;
		goto out;
	}
	fprintf(stderr, "%s: the seed of %s (label %s, mode 0600)\n", output, host, FR_SEED_LABEL);
	r = FR_EXIT_OK;
out:
	fr_buf_wipe(&prof);
	fr_buf_release(&rec);
	free(dir);
	return r;
}
