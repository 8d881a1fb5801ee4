/* cmd-iso.c -- `farrow iso build`: the bootable install medium (lib/iso.c). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answerfile.h"
#include "crypto.h"
#include "profile.h"
#include "err.h"
#include "farrow.h"
#include "iso.h"
#include "medium.h"
#include "xalloc.h"

#define ISO_USAGE                                                                                           \
	"usage: farrow iso build --bundle <bundle> [--bundle <bundle> ...] --key <public-key>\n"             \
	"                        --sign-key <secret-key> [--answer <file> --inventory <inv> [--pki <dir>]]\n" \
	"                        [--firstboot <f>] -o <iso> [--quiet]\n"                                      \
	"\n"                                                                                                   \
	"build: one hybrid ISO9660 image, bootable from a CD and written raw to a USB stick, with BIOS\n"    \
	"(El Torito) and UEFI (an EFI system image, also a GPT partition). Its live system is a generic\n"  \
	"node root made with mmdebstrap from the first bundle's own repository and nothing else (that\n"  \
	"bundle image-capable: repo-builder build --image), squashed (zstd), booted by an initramfs\n"   \
	"boot method of farrow's own that finds the medium by its volume id (FARROW_<8 hex of the\n"     \
	"bundle's SHA-256>) and lays a tmpfs over the squashfs. GRUB's images come from the bundle.\n"  \
	"The medium carries under farrow/ every bundle with its signature, the public key, farrow,\n"    \
	"farrow-firstboot, and the answer file and inventory given; " FR_MEDIUM_SUMS " at its top lists\n" \
	"every file's SHA-256 (sha256sum's format) and " FR_MEDIUM_SIG " signs it. Booted, the live\n"    \
	"system checks that list with the key it carries and every file against it before anything\n"   \
	"else; a medium that fails stops there, on a full screen naming the files, and no disk is\n"   \
	"written. The boot menu: install unattended (with --answer, the default; or when GRUB finds a\n" \
	"volume labelled FARROW-ANSWER: farrow answer volume), install with the wizard (farrow\n"   \
	"configure --live, from the medium), a rescue shell; each also with the serial console as\n"  \
	"the main one. Both installs erase the disk they pick and write the node to it\n"            \
	"(farrow-firstboot install), then reboot into it. The same inputs give the same bytes\n"     \
	"(times from the bundle's epoch; the files' data in the signed list's order). Needs root;\n" \
	"about three minutes on two cores.\n"                                                               \
	"\n"                                                                                                   \
	"  --bundle <file>      a bundle, its .sig beside it; the first must be image-capable\n"            \
	"  --key <file>         the public key every bundle verifies with (never one inside a bundle)\n"  \
	"  --sign-key <file>    that key's secret half (repo-builder keygen's farrow-signing.key): signs\n" \
	"                       the medium's file list\n"                                                 \
	"  --answer <file>      an answer file for unattended installs (farrow/answer.yml; farrow answer\n" \
	"                       check first): the boot menu's first entry, the default, installs it, and\n" \
	"                       farrow/profile.yml is its host's profile, as farrow profile writes it\n" \
	"  --inventory <file>   the inventory the answer file's host is in (farrow/inventory.yml)\n"      \
	"  --pki <dir>          the cluster's CA (default: files/pki beside the inventory, made if absent)\n" \
	"  --firstboot <f>      the farrow-firstboot binary (default: $FARROW_FIRSTBOOT, else beside farrow)\n" \
	"  -o, --output <iso>   the ISO; it must not exist (built beside it, renamed into place)\n"      \
	"  --quiet              no progress lines\n"                                                       \
	"\n"                                                                                                   \
	"Check a written stick by hand: mount it, then gpgv --keyring <public-key> " FR_MEDIUM_SIG " " FR_MEDIUM_SUMS "\n" \
	"and sha256sum -c " FR_MEDIUM_SUMS ".\n"                                                             \
	"\n"                                                                                                   \
	"exit status: 0 done, 1 failed, 2 usage, 6 a bundle does not verify, or the secret key is not\n"  \
	"             the public key's\n"

static int iso_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },   { "key", required_argument, NULL, 'k' },
		{ "sign-key", required_argument, NULL, 'S' }, { "answer", required_argument, NULL, 'a' },
		{ "inventory", required_argument, NULL, 'i' }, { "firstboot", required_argument, NULL, 'F' },
		{ "pki", required_argument, NULL, 'P' },
		{ "output", required_argument, NULL, 'o' },   { "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
	};
	struct fr_iso_opts o = { 0 };
	struct fr_err err = { 0 };
	const char **bundles = NULL, *firstboot = NULL, *pki = NULL;
	struct fr_buf prof = FR_BUF_INIT;
	char *fb = NULL, *self = NULL;
	size_t nb = 0, alloc = 0;
	int c, r = FR_EXIT_FAIL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			FR_ALLOC_GROW(bundles, nb + 1, alloc);
			bundles[nb++] = optarg;
			break;
		case 'k': o.key = optarg; break;
		case 'S': o.sign_key = optarg; break;
		case 'a': o.answer = optarg; break;
		case 'i': o.inventory = optarg; break;
		case 'F': firstboot = optarg; break;
		case 'P': pki = optarg; break;
		case 'o': o.out = optarg; break;
		case 'q': o.quiet = 1; break;
		case 'h': fputs(ISO_USAGE, stdout); free(bundles); return FR_EXIT_OK;
		default: fputs(ISO_USAGE, stderr); free(bundles); return FR_EXIT_USAGE;
		}
	}
	if (argc != optind || nb == 0 || o.key == NULL || o.sign_key == NULL || o.out == NULL) {
		fputs(ISO_USAGE, stderr);
		fr_cli_error("iso build: give --bundle, --key, --sign-key and -o");
		free(bundles);
		return FR_EXIT_USAGE;
	}
	/* an answer file is checked as the installer will read it: its host in the inventory going
	 * beside it on the medium (farrow/inventory.yml) */
	if (o.answer) {
		struct fr_answerfile *a;
		char *dir;
		int arc;

		if (o.inventory == NULL) {
			fr_cli_error("iso build: --answer needs --inventory: the medium carries the inventory its host is in");
			free(bundles);
			return FR_EXIT_USAGE;
		}
		if ((a = farrow_answer_load(o.answer, o.inventory, 1, &arc)) == NULL) {
			fr_cli_error("iso build: %s does not hold: no ISO was built", o.answer);
			free(bundles);
			return arc;
		}
		if (strcmp(a->inventory, "inventory.yml") != 0) {
			fr_cli_error("iso build: %s names the inventory '%s'; on the medium it is farrow/inventory.yml, beside "
				     "the answer file: drop inventory: or make it inventory.yml", o.answer, a->inventory);
			fr_answerfile_free(a);
			free(bundles);
			return FR_EXIT_INVALID;
		}
		/* the node's profile, as farrow profile writes it: where the installed node keeps its
		 * bundle is the first bundle's top directory (checked again when it verifies) */
		if ((dir = farrow_bundle_node_dir("iso build", bundles[0])) == NULL) {
			fr_answerfile_free(a);
			free(bundles);
			return FR_EXIT_USAGE;
		}
		{
			arc = farrow_host_profile("iso build", o.inventory, a->host, pki, dir, &prof);
			free(dir);
			if (arc != FR_EXIT_OK) {
				fr_answerfile_free(a);
				free(bundles);
				fr_buf_wipe(&prof);
				return arc;
			}
			o.profile = prof.buf;
			o.profile_len = prof.len;
		}
		fr_answerfile_free(a);
	}
	o.bundles = bundles;
	o.nbundles = nb;
	o.firstboot = fb = farrow_firstboot_path(firstboot);
	o.farrow = self = realpath("/proc/self/exe", NULL);
	o.farrow_version = FARROW_VERSION;
	if (self == NULL) {
		fr_cli_error("iso build: cannot find the farrow binary (/proc/self/exe)");
		goto out;
	}
	if (fr_iso_build(&o, &err) < 0) {
		fr_cli_error("iso build: %s", err.msg);
		r = err.code == FR_ECRYPTO ? FR_EXIT_BADSIG : err.code == FR_EARG ? FR_EXIT_USAGE : FR_EXIT_FAIL;
		goto out;
	}
	r = FR_EXIT_OK;
out:
	fr_buf_wipe(&prof);
	free(bundles);
	free(fb);
	free(self);
	return r;
}

int cmd_iso(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "build") == 0)
		return iso_build(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(ISO_USAGE, stdout);
		return FR_EXIT_OK;
	}
	fputs(ISO_USAGE, stderr);
	return FR_EXIT_USAGE;
}
